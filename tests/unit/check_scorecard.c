/*
 * check_scorecard.c - QA scorecards: the shipped default loads and matches
 * playbooks/scorecard.schema.json, every broken variant is refused with its
 * place, a scorecard is found beside the playbooks by id, the facts of a
 * call, a stage never visited cannot be scored, the weighted percentage
 * worked out by hand, and scores saved and read back through the store
 * (schema 5) beside the old per-stage scores.
 */
#include "poise/scorecard.h"

#include "helpers/json.h"
#include "poise/review.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "store_fixture.h"
#include "main/suite.h"

#define FIXTURE_T INT64_C(1700000000000)
#define SC_HEAD	  "id: t\ntitle: T\nversion: \"1\"\n"

static struct scorecard *load_ok(const char *text)
{
	struct scorecard *sc = NULL;
	struct poise_error err = {0};

	ck_assert_msg(scorecard_load_text(text, strlen(text), "t.yaml", &sc, &err) == POISE_OK,
		      "%d:%d: %s", err.line, err.col, err.msg);
	return sc;
}

START_TEST(test_default_loads)
{
	struct scorecard *sc = NULL, *file = NULL;
	struct poise_error err = {0};

	ck_assert_int_eq(scorecard_load_default(&sc, &err), POISE_OK);
	ck_assert_str_eq(sc->id, SCORECARD_DEFAULT_ID);
	ck_assert_uint_ge(sc->ngroups, 3);
	ck_assert_uint_ge(sc->ncriteria, 6);
	/* The built-in one is the shipped file, byte for byte. */
	ck_assert_int_eq(scorecard_load_file(POISE_SOURCE_DIR "/playbooks/scorecards/default.yaml",
					     &file, &err),
			 POISE_OK);
	ck_assert_uint_eq(file->ncriteria, sc->ncriteria);
	for (size_t i = 0; i < sc->ncriteria; i++)
		ck_assert_str_eq(file->criteria[i].id, sc->criteria[i].id);
	scorecard_free(sc);
	scorecard_free(file);
}
END_TEST

START_TEST(test_default_validates_against_schema)
{
	size_t slen, len;
	char *stext = read_whole_file(POISE_SOURCE_DIR "/playbooks/scorecard.schema.json", &slen);
	char *text = read_whole_file(POISE_SOURCE_DIR "/playbooks/scorecards/default.yaml", &len);
	char err[512] = "";
	struct json *schema = json_parse(stext, slen, err, sizeof(err));
	struct json *doc;

	ck_assert_msg(schema != NULL, "schema: %s", err);
	doc = json_from_yaml(text, len, err, sizeof(err));
	ck_assert_msg(doc != NULL, "yaml: %s", err);
	ck_assert_msg(json_schema_validate(schema, doc, err, sizeof(err)) == 0, "%s", err);
	json_free(doc);
	json_free(schema);
	free(stext);
	free(text);
}
END_TEST

static const struct {
	const char *yaml, *msg;
	int line;
} broken[] = {
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: yes-no, "
		 "wat: 1}\n",
	 "unknown key 'wat'", 7},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: 1-10}\n",
	 "unknown scale '1-10'", 7},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: 1-5, "
		 "auto_fail: true}\n",
	 "auto_fail needs scale yes-no", 7},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: yes-no, "
		 "fact: warned-before-abuse-end}\n",
	 "set na: true", 7},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: yes-no, "
		 "na: yes}\n",
	 "expected true or false for 'na'", 7},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: yes-no}\n"
		 "      - {id: a, text: B, scale: yes-no}\n",
	 "duplicate criterion id 'a' (first at line 7)", 8},
	{SC_HEAD "groups:\n  - title: G\n    stage: lunch\n    criteria:\n      - {id: a, text: A, "
		 "scale: yes-no}\n",
	 "unknown stage 'lunch'", 6},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: yes-no, "
		 "weight: 0}\n",
	 "'weight' must be between 1 and 100", 7},
	{SC_HEAD "groups:\n  - title: G\n    criteria:\n      - {id: a, text: A, scale: yes-no, "
		 "fact: mood}\n",
	 "unknown fact 'mood'", 7},
	{SC_HEAD "groups: []\n", "empty list for 'groups'", 4},
	{"id: t\ntitle: T\ngroups:\n  - title: G\n    criteria: [{id: a, text: A, scale: "
	 "yes-no}]\n",
	 "missing required key 'version'", 1},
	{SC_HEAD "groups:\n  - title: G\n    criteria: []\n", "empty list for 'criteria'", 6},
	{"", "the scorecard is empty", 1},
	{"\n\n- a\n", "expected a mapping of scorecard keys, got a list", 3},
};

START_TEST(test_broken_refused)
{
	struct scorecard *sc = NULL;
	struct poise_error err = {0};
	const char *y = broken[_i].yaml;

	ck_assert_int_eq(scorecard_load_text(y, strlen(y), "t.yaml", &sc, &err), POISE_PLAYBOOK);
	ck_assert_ptr_null(sc);
	ck_assert_msg(strstr(err.msg, broken[_i].msg), "got '%s', want '%s'", err.msg,
		      broken[_i].msg);
	ck_assert_int_eq(err.line, broken[_i].line);
	ck_assert_str_eq(err.file, "t.yaml");
}
END_TEST

START_TEST(test_resolve_beside_playbooks)
{
	struct pbpath pp = {0};
	char *dirs[1];
	struct scorecard *sc = NULL;
	struct poise_error err = {0};
	FILE *f;

	fx_setup();
	mkdir(fx_path(0, "scorecards"), 0700);
	f = fopen(fx_path(0, "scorecards/billing.yaml"), "w");
	ck_assert_ptr_nonnull(f);
	fputs("id: billing\ntitle: B\nversion: \"2\"\ngroups:\n  - title: G\n    criteria:\n"
	      "      - {id: a, text: A, scale: yes-no}\n",
	      f);
	fclose(f);
	f = fopen(fx_path(0, "scorecards/misnamed.yaml"), "w");
	fputs("id: other\ntitle: B\nversion: \"2\"\ngroups:\n  - title: G\n    criteria:\n"
	      "      - {id: a, text: A, scale: yes-no}\n",
	      f);
	fclose(f);
	dirs[0] = fx_dir;
	pp.dirs = dirs;
	pp.len = 1;
	ck_assert_int_eq(scorecard_resolve(&pp, "billing", &sc, &err), POISE_OK);
	ck_assert_str_eq(sc->version, "2");
	scorecard_free(sc);
	ck_assert_int_eq(scorecard_resolve(&pp, NULL, &sc, &err), POISE_OK);
	ck_assert_str_eq(sc->path, SCORECARD_BUILTIN_NAME);
	scorecard_free(sc);
	ck_assert_int_eq(scorecard_resolve(&pp, "nope", &sc, &err), POISE_NOT_FOUND);
	ck_assert_ptr_null(sc);
	ck_assert_int_eq(scorecard_resolve(&pp, "misnamed", &sc, &err), POISE_PLAYBOOK);
	ck_assert_ptr_nonnull(strstr(err.msg, "its name must be its id"));
	fx_teardown();
}
END_TEST

/* A playbook names its scorecard; an extending one may change it. */
START_TEST(test_playbook_names_scorecard)
{
	struct playbook *pb = NULL;
	struct poise_error err = {0};
	size_t len;
	char *text = read_whole_file(POISE_SOURCE_DIR "/playbooks/de-escalation.yaml", &len);
	char *with = malloc(len + 64);

	ck_assert_ptr_nonnull(with);
	/* After the id line. */
	snprintf(with, len + 64, "scorecard: billing\n%s", text);
	ck_assert_int_eq(playbook_load_text(with, strlen(with), "x.yaml", &pb, &err), POISE_OK);
	ck_assert_str_eq(pb->scorecard, "billing");
	playbook_free(pb);
	snprintf(with, len + 64, "scorecard: Bad_Id\n%s", text);
	ck_assert_int_eq(playbook_load_text(with, strlen(with), "x.yaml", &pb, &err),
			 POISE_PLAYBOOK);
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	ck_assert_ptr_null(pb->scorecard);
	playbook_free(pb);
	free(with);
	free(text);
}
END_TEST

#define CARD                                                                                       \
	SC_HEAD "groups:\n"                                                                        \
		"  - title: Listen\n    stage: listen\n    criteria:\n"                            \
		"      - {id: vent, text: V, weight: 2, scale: yes-no}\n"                          \
		"      - {id: voice, text: W, weight: 1, scale: 1-5}\n"                            \
		"  - title: Boundary\n    stage: boundary\n    criteria:\n"                        \
		"      - {id: calm-warn, text: C, weight: 1, scale: 1-5, na: true}\n"              \
		"  - title: Protection\n    criteria:\n"                                           \
		"      - {id: warned, text: X, weight: 3, scale: yes-no, na: true, "               \
		"auto_fail: true, fact: warned-before-abuse-end}\n"                                \
		"      - {id: empathy, text: E, weight: 1, scale: yes-no, fact: "                  \
		"reached-empathy}\n"                                                               \
		"      - {id: notes, text: N, weight: 4, scale: 1-5, na: true}\n"

static struct call_state fake_call(unsigned visited, enum outcome o, int warnings, int empathy)
{
	struct call_state cs;

	memset(&cs, 0, sizeof(cs));
	cs.visited = visited;
	cs.outcome = o;
	cs.warnings = warnings;
	cs.empathy_at = empathy ? FIXTURE_T : 0;
	return cs;
}

START_TEST(test_facts)
{
	struct call_state cs = fake_call(0, OUTCOME_RESOLVED, 0, 0);

	ck_assert_int_eq(scorecard_fact(FACT_WARNED_BEFORE_ABUSE_END, &cs), SCORE_NA);
	ck_assert_int_eq(scorecard_fact(FACT_REACHED_EMPATHY, &cs), 0);
	ck_assert_int_eq(scorecard_fact(FACT_FOLLOWUP_ON_CALLBACK, &cs), SCORE_NA);
	cs = fake_call(0, OUTCOME_ABUSE, 2, 1);
	ck_assert_int_eq(scorecard_fact(FACT_WARNED_BEFORE_ABUSE_END, &cs), 0);
	ck_assert_int_eq(scorecard_fact(FACT_REACHED_EMPATHY, &cs), 1);
	cs = fake_call(0, OUTCOME_ABUSE, 3, 1);
	ck_assert_int_eq(scorecard_fact(FACT_WARNED_BEFORE_ABUSE_END, &cs), 1);
	cs = fake_call(0, OUTCOME_CALLBACK, 0, 0);
	ck_assert_int_eq(scorecard_fact(FACT_FOLLOWUP_ON_CALLBACK, &cs), 0);
	cs.followup = (char *)"2024-05-11\tphone\tcall back";
	ck_assert_int_eq(scorecard_fact(FACT_FOLLOWUP_ON_CALLBACK, &cs), 1);
}
END_TEST

START_TEST(test_unvisited_stage_refused)
{
	struct scorecard *sc = load_ok(CARD);
	/* Visited listen only; ended for abuse after 3 warnings, no empathy. */
	struct call_state cs = fake_call(1u << STAGE_LISTEN, OUTCOME_ABUSE, 3, 0);
	int ans[6] = {1, 4, 3, SCORE_UNSET, SCORE_UNSET, 5};
	struct poise_error err = {0};

	ck_assert_int_eq(scorecard_check(sc, &cs, ans, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "'calm-warn' is about the boundary stage"));
	ans[2] = SCORE_UNSET;
	ck_assert_int_eq(scorecard_check(sc, &cs, ans, &err), POISE_OK);
	ck_assert_int_eq(ans[2], SCORE_NA);
	ck_assert_int_eq(ans[3], 1); /* the fold answered: three warnings */
	ck_assert_int_eq(ans[4], 0); /* never reached empathize */
	ck_assert_int_eq(scorecard_applies(sc, 0, &cs), 1);
	ck_assert_int_eq(scorecard_applies(sc, 2, &cs), 0);
	/* Out of scale, and N/A where not allowed. */
	ans[1] = 6;
	ck_assert_int_eq(scorecard_check(sc, &cs, ans, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "'voice' takes 1 to 5"));
	ans[1] = SCORE_NA;
	ck_assert_int_eq(scorecard_check(sc, &cs, ans, &err), POISE_USAGE);
	scorecard_free(sc);
}
END_TEST

START_TEST(test_weighted_percentage)
{
	struct scorecard *sc = load_ok(CARD);
	int failed = -1;
	/*
	 * vent yes (w2, 100%), voice 4 (w1, 75%), calm-warn N/A, warned N/A,
	 * empathy no (w1, 0%), notes 3 (w4, 50%):
	 * (2*10000 + 1*7500 + 0 + 4*5000) / (2 + 1 + 1 + 4) = 47500 / 8 = 5937.5 -> 5938.
	 */
	int ans[6] = {1, 4, SCORE_NA, SCORE_NA, 0, 3};

	ck_assert_int_eq(scorecard_total(sc, ans, &failed), 5938);
	ck_assert_int_eq(failed, 0);
	/* Unset counts as N/A: drop notes -> (20000 + 7500) / 4 = 6875. */
	ans[5] = SCORE_UNSET;
	ck_assert_int_eq(scorecard_total(sc, ans, &failed), 6875);
	/* The auto-fail answered no: 0 whatever the rest. */
	ans[3] = 0;
	ck_assert_int_eq(scorecard_total(sc, ans, &failed), 0);
	ck_assert_int_eq(failed, 1);
	/* Nothing to count. */
	for (int i = 0; i < 6; i++)
		ans[i] = SCORE_NA;
	ck_assert_int_eq(scorecard_total(sc, ans, &failed), -1);
	ck_assert_int_eq(score_points(SCALE_1_5, 1), 0);
	ck_assert_int_eq(score_points(SCALE_1_5, 2), 2500);
	ck_assert_int_eq(score_points(SCALE_YES_NO, 1), 10000);
	scorecard_free(sc);
}
END_TEST

static int keep_score(void *ctx, const struct qa_score *q)
{
	memcpy(ctx, q, sizeof(*q));
	return 0;
}

static int keep_old_review(void *ctx, const struct review *r)
{
	memcpy(ctx, r, sizeof(*r));
	return 0;
}

START_TEST(test_store_round_trip)
{
	struct playbook pb = fx_pb("p", "ab", "x");
	struct store *st;
	char id[37] = "";
	struct qa_score q, back;
	struct review old = {0}, old_back = {0};
	struct poise_error err = {0};

	fx_setup();
	st = fx_open(fx_path(0, "s.db"));
	fx_call(st, id, "sam", "Rivera", FIXTURE_T, &pb);
	/* An old per-stage review, as schema 2 wrote them, still reads back. */
	memcpy(old.call_id, id, sizeof(old.call_id));
	snprintf(old.reviewer, sizeof(old.reviewer), "rita");
	old.created_at = FIXTURE_T;
	old.scores[STAGE_LISTEN] = 4;
	ck_assert_int_eq(review_save(st, &old, &err), POISE_OK);

	memset(&q, 0, sizeof(q));
	memcpy(q.call_id, id, sizeof(q.call_id));
	snprintf(q.reviewer, sizeof(q.reviewer), "rita");
	snprintf(q.scorecard_id, sizeof(q.scorecard_id), "default");
	snprintf(q.scorecard_version, sizeof(q.scorecard_version), "1.0");
	q.answers[0] = (struct qa_answer){"vent", 2, SCALE_YES_NO, 0, 1};
	q.answers[1] = (struct qa_answer){"voice", 1, SCALE_1_5, 0, 4};
	q.answers[2] = (struct qa_answer){"notes", 4, SCALE_1_5, 0, SCORE_NA};
	q.nanswers = 3;
	ck_assert_int_eq(store_score_save(st, &q, FIXTURE_T + 5000, &err), POISE_OK);
	ck_assert_uint_eq(strlen(q.id), 36);
	/* (2*10000 + 7500) / 3 = 9166.67 -> 9167 */
	ck_assert_int_eq(q.score, 9167);
	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(store_score_each(st, id, keep_score, &back, &err), POISE_OK);
	ck_assert_str_eq(back.id, q.id);
	ck_assert_int_eq(back.score, 9167);
	ck_assert_uint_eq(back.nanswers, 3);
	ck_assert_str_eq(back.answers[0].criterion, "notes"); /* by criterion */
	ck_assert_int_eq(back.answers[0].value, SCORE_NA);
	ck_assert_int_eq(back.answers[2].value, 4);
	/* A change keeps the UUID and replaces the answers. */
	q.answers[1].value = 2;
	q.nanswers = 2;
	ck_assert_int_eq(store_score_save(st, &q, FIXTURE_T + 9000, &err), POISE_OK);
	ck_assert_int_eq(store_score_latest(st, id, "rita", &back, &err), POISE_OK);
	ck_assert_str_eq(back.id, q.id);
	ck_assert_uint_eq(back.nanswers, 2);
	ck_assert_int_eq(back.score, 7500); /* (20000 + 2500) / 3 */
	ck_assert_int_eq(back.created_at, FIXTURE_T + 5000);
	ck_assert_int_eq(back.updated_at, FIXTURE_T + 9000);
	ck_assert_int_eq(store_score_latest(st, id, "ann", &back, &err), POISE_NOT_FOUND);
	/* Out of scale is refused before anything is written. */
	q.answers[0].value = 3;
	ck_assert_int_eq(store_score_save(st, &q, FIXTURE_T + 9500, &err), POISE_USAGE);
	ck_assert_int_eq(review_each(st, id, keep_old_review, &old_back, &err), POISE_OK);
	ck_assert_int_eq(old_back.scores[STAGE_LISTEN], 4);
	/* No such call. */
	memset(q.id, 0, sizeof(q.id));
	q.answers[0].value = 1;
	snprintf(q.call_id, sizeof(q.call_id), "00000000-0000-7000-8000-000000000000");
	ck_assert_int_eq(store_score_save(st, &q, FIXTURE_T, &err), POISE_NOT_FOUND);
	ck_assert_str_eq(q.id, "");
	store_close(st);
	fx_teardown();
}
END_TEST

static int keep_reply(void *ctx, const struct review_reply *r)
{
	struct review_reply *all = ctx;

	for (int i = 0; i < 3; i++)
		if (!all[i].id[0]) {
			all[i] = *r;
			break;
		}
	return 0;
}

/* The agent's side: acknowledge, reply, dispute, each a UUID row under its review. */
START_TEST(test_replies)
{
	struct playbook pb = fx_pb("p", "ab", "x");
	struct store *st;
	char id[37] = "";
	struct review rv = {0};
	struct review_reply rp, back[3];
	struct poise_error err = {0};

	fx_setup();
	st = fx_open(fx_path(0, "s.db"));
	fx_call(st, id, "sam", "Rivera", FIXTURE_T, &pb);
	memcpy(rv.call_id, id, sizeof(rv.call_id));
	snprintf(rv.reviewer, sizeof(rv.reviewer), "rita");
	rv.created_at = FIXTURE_T;
	snprintf(rv.comment, sizeof(rv.comment), "name the delay sooner");
	ck_assert_int_eq(review_save(st, &rv, &err), POISE_OK);

	memset(&rp, 0, sizeof(rp));
	rp.review_id = rv.id;
	snprintf(rp.agent, sizeof(rp.agent), "sam");
	rp.kind = REPLY_REPLY;
	/* A reply needs words; an acknowledgement has none. */
	ck_assert_int_eq(store_reply_add(st, &rp, FIXTURE_T + 1, &err), POISE_USAGE);
	rp.kind = REPLY_ACK;
	ck_assert_int_eq(store_reply_add(st, &rp, FIXTURE_T + 1, &err), POISE_OK);
	ck_assert_uint_eq(strlen(rp.id), 36);
	rp.kind = REPLY_DISPUTE;
	snprintf(rp.text, sizeof(rp.text), "I did, at 01:10");
	ck_assert_int_eq(store_reply_add(st, &rp, FIXTURE_T + 2, &err), POISE_OK);
	rp.review_id = rv.id + 100;
	ck_assert_int_eq(store_reply_add(st, &rp, FIXTURE_T + 3, &err), POISE_NOT_FOUND);
	memset(back, 0, sizeof(back));
	ck_assert_int_eq(store_reply_each(st, rv.id, keep_reply, back, &err), POISE_OK);
	ck_assert_int_eq(back[0].kind, REPLY_ACK);
	ck_assert_str_eq(back[0].text, "");
	ck_assert_int_eq(back[1].kind, REPLY_DISPUTE);
	ck_assert_str_eq(back[1].text, "I did, at 01:10");
	ck_assert_str_eq(back[1].agent, "sam");
	ck_assert_str_ne(back[0].id, back[1].id);
	ck_assert_str_eq(back[2].id, "");
	ck_assert_str_eq(reply_kind_verb(REPLY_DISPUTE), "disputes");
	store_close(st);
	fx_teardown();
}
END_TEST

Suite *scorecard_suite(void)
{
	Suite *s = suite_create("scorecard");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_default_loads);
	tcase_add_test(tc, test_default_validates_against_schema);
	tcase_add_loop_test(tc, test_broken_refused, 0, sizeof(broken) / sizeof(broken[0]));
	tcase_add_test(tc, test_resolve_beside_playbooks);
	tcase_add_test(tc, test_playbook_names_scorecard);
	tcase_add_test(tc, test_facts);
	tcase_add_test(tc, test_unvisited_stage_refused);
	tcase_add_test(tc, test_weighted_percentage);
	tcase_add_test(tc, test_store_round_trip);
	tcase_add_test(tc, test_replies);
	suite_add_tcase(s, tc);
	return s;
}
