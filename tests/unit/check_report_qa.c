/*
 * check_report_qa.c - the QA figures of `poise report` against a
 * hand-computed data set, as check_report.c does for the call figures.
 *
 * Four calls under one real playbook, each started and ended through the
 * real store; scorings saved with store_score_save. Every expected value
 * is worked out by hand in the comments.
 *
 *   call 0  ana  2024-05-10 09:00
 *     rita (older, replaced): vent no, voice 1                 -> does not count
 *     rita: vent yes (w2), voice 4 (w1): (20000 + 7500) / 3    -> 9167
 *     sam:  vent no (w2),  voice 2 (w1): (0 + 2500) / 3        -> 833
 *   call 1  ana  2024-05-10 10:00
 *     rita: vent yes (w2), warned no (w3, auto-fail)           -> 0, auto-failed
 *   call 2  bob  2024-05-11 09:00
 *     rita: vent N/A                                           -> no score
 *   call 3  bob  2024-05-09 09:00 (before the range)
 *     rita: vent yes                                           -> outside the range
 *
 * In 2024-05-10 .. 2024-05-11:
 *   ana: 2 calls reviewed, 3 scorings, 3 scored, sum 10000 -> 33.3%, 1 auto-fail
 *        vent 3 answers (10000 + 0 + 10000) -> 66.7%; voice 2 (7500 + 2500) -> 50.0%;
 *        warned 1 (0) -> 0.0%
 *   bob: 1 call reviewed, 1 scoring, 0 scored -> no average, no criteria
 *   ALL: 3 calls, 4 scorings, 3 scored, 10000 -> 33.3%, 1 auto-fail; criteria as ana's
 */
#include "poise/day.h"
#include "poise/report.h"

#include "helpers/json.h"
#include "poise/store_score.h"
#include "store_fixture.h"
#include "main/suite.h"

#define D0   INT64_C(1715299200000) /* 2024-05-10 00:00 UTC */
#define HOUR INT64_C(3600000)

#define PB_YAML                                                                                    \
	"id: qa\ntitle: QA test\nversion: \"1.0\"\nlanguage: en\nsources: [\"000\"]\n"             \
	"stages:\n"                                                                                \
	"  calm: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                       \
	"  listen: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                     \
	"  empathize: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                  \
	"  clarify: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                    \
	"  inform: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                     \
	"  solve: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                      \
	"  boundary: {goal: G, tips: [T], checklist: [C], warnings: [W1, W2, W3], "                \
	"sources: [\"000\"]}\n"                                                                    \
	"  follow-up: {goal: G, tips: [T], checklist: [C], sources: [\"000\"]}\n"                  \
	"causes:\n  - {id: billing, label: Billing}\n"

static struct playbook *pb;
static char ids[4][37];

static void setup(void)
{
	struct poise_error err = {0};

	fx_setup();
	ck_assert_int_eq(playbook_load_text(PB_YAML, strlen(PB_YAML), "qa", &pb, &err), POISE_OK);
}

static void teardown(void)
{
	playbook_free(pb);
	fx_teardown();
}

static void call(struct store *st, int n, const char *agent, int64_t start)
{
	fx_call(st, ids[n], agent, "C", start, pb);
	fx_append(st, ids[n], EV_START, start, 0, 0, 0, pb->hash);
	fx_append(st, ids[n], EV_WRAPUP, start + 60000, 0, 0, 0, NULL);
	fx_append(st, ids[n], EV_OUTCOME, start + 60000, 0, 0, 0, "resolved");
	fx_append(st, ids[n], EV_END, start + 90000, 0, 0, 0, NULL);
}

#define VENT(v)                                                                                    \
	{                                                                                          \
		"vent", 2, SCALE_YES_NO, 0, (v)                                                    \
	}
#define VOICE(v)                                                                                   \
	{                                                                                          \
		"voice", 1, SCALE_1_5, 0, (v)                                                      \
	}
#define WARNED(v)                                                                                  \
	{                                                                                          \
		"warned", 3, SCALE_YES_NO, 1, (v)                                                  \
	}

static void score(struct store *st, int n, const char *reviewer, int64_t at,
		  const struct qa_answer *a, size_t na)
{
	struct qa_score *q = calloc(1, sizeof(*q));
	struct poise_error err = {0};

	ck_assert_ptr_nonnull(q);
	memcpy(q->call_id, ids[n], sizeof(q->call_id));
	snprintf(q->reviewer, sizeof(q->reviewer), "%s", reviewer);
	snprintf(q->scorecard_id, sizeof(q->scorecard_id), "default");
	snprintf(q->scorecard_version, sizeof(q->scorecard_version), "1.0");
	memcpy(q->answers, a, na * sizeof(*a));
	q->nanswers = na;
	ck_assert_msg(store_score_save(st, q, at, &err) == POISE_OK, "%s", err.msg);
	free(q);
}

static struct store *fixture(void)
{
	struct store *st = fx_open(fx_path(0, "db"));
	const struct qa_answer old[] = {VENT(0), VOICE(1)}, r0[] = {VENT(1), VOICE(4)},
			       s0[] = {VENT(0), VOICE(2)}, r1[] = {VENT(1), WARNED(0)},
			       r2[] = {VENT(SCORE_NA)}, r3[] = {VENT(1)};

	call(st, 0, "ana", D0 + 9 * HOUR);
	call(st, 1, "ana", D0 + 10 * HOUR);
	call(st, 2, "bob", D0 + 33 * HOUR);
	call(st, 3, "bob", D0 - 15 * HOUR);
	score(st, 0, "rita", D0 + 20 * HOUR, old, 2);
	score(st, 0, "rita", D0 + 21 * HOUR, r0, 2);
	score(st, 0, "sam", D0 + 21 * HOUR, s0, 2);
	score(st, 1, "rita", D0 + 21 * HOUR, r1, 2);
	score(st, 2, "rita", D0 + 40 * HOUR, r2, 1);
	score(st, 3, "rita", D0 + 40 * HOUR, r3, 1);
	return st;
}

static struct report *run(struct store *st, const char *agent)
{
	struct report_query q = {.agent = agent, .repeat_days = 7, .now = D0 + 48 * HOUR, .utc = 1};
	struct poise_error err = {0};
	struct report *r = NULL;

	ck_assert_int_eq(day_parse("2024-05-10", 1, 0, &q.since, &err), POISE_OK);
	ck_assert_int_eq(day_parse("2024-05-11", 1, 1, &q.until, &err), POISE_OK);
	ck_assert_msg(report_run(st, &q, &r, &err) == POISE_OK, "%s", err.msg);
	return r;
}

static void check_qa(const struct report_figures *f, long calls, long scorings, long scored,
		     int64_t sum, long failed)
{
	ck_assert_int_eq(f->qa_calls, calls);
	ck_assert_int_eq(f->qa_scorings, scorings);
	ck_assert_int_eq(f->qa_scored, scored);
	ck_assert_int_eq(f->qa_score_sum, sum);
	ck_assert_int_eq(f->qa_auto_failed, failed);
}

static void check_criterion(const struct report_criterion *c, const char *id, long n, int64_t sum)
{
	ck_assert_str_eq(c->id, id);
	ck_assert_int_eq(c->answers, n);
	ck_assert_int_eq(c->sum_bp, sum);
}

START_TEST(qa_figures_per_agent_and_overall)
{
	struct store *st = fixture();
	struct report *r = run(st, NULL);
	const struct report_criterion *c;

	check_qa(report_overall(r), 3, 4, 3, 10000, 1);
	ck_assert_uint_eq(report_agent_count(r), 2);
	check_qa(report_agent(r, 0), 2, 3, 3, 10000, 1);
	check_qa(report_agent(r, 1), 1, 1, 0, 0, 0);
	ck_assert_uint_eq(report_criteria(r, NULL, &c), 3);
	check_criterion(&c[0], "vent", 3, 20000);
	check_criterion(&c[1], "voice", 2, 10000);
	check_criterion(&c[2], "warned", 1, 0);
	ck_assert_uint_eq(report_criteria(r, "ana", &c), 3);
	check_criterion(&c[0], "vent", 3, 20000);
	ck_assert_uint_eq(report_criteria(r, "bob", &c), 0);
	report_free(r);
	/* One agent: the overall column is theirs. */
	r = run(st, "bob");
	check_qa(report_overall(r), 1, 1, 0, 0, 0);
	report_free(r);
	store_close(st);
}
END_TEST

static char *written(const struct report *r, enum report_format fmt)
{
	struct poise_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_write(r, f, fmt, &err), POISE_OK);
	fclose(f);
	return buf;
}

/* The last n fields of a CSV row, from its end. */
static const char *tail_fields(const char *csv, const char *row_start, int n)
{
	const char *row = strstr(csv, row_start), *end, *p;

	ck_assert_msg(row != NULL, "no row '%s' in:\n%s", row_start, csv);
	end = strstr(row, "\r\n");
	for (p = end; p > row && n; p--)
		if (p[-1] == ',' && !--n)
			break;
	return p;
}

START_TEST(qa_in_table_csv_and_json)
{
	struct store *st = fixture();
	struct report *r = run(st, NULL);
	char *table = written(r, REPORT_TABLE), *csv = written(r, REPORT_CSV);
	char *json = written(r, REPORT_JSON), err[256];
	struct json *j;
	const struct json *all, *crit;

	/* Table: ALL, ana, bob. */
	ck_assert_msg(strstr(table, "QA calls reviewed              3          2          1\n"),
		      "%s", table);
	ck_assert_msg(strstr(table, "QA average score           33.3%      33.3%          -\n"),
		      "%s", table);
	ck_assert_msg(strstr(table, "QA auto-fails                  1          1          0\n"),
		      "%s", table);
	ck_assert_msg(strstr(table, "QA average per criterion\n"
				    "  vent                     66.7%      66.7%          -\n"
				    "  voice                    50.0%      50.0%          -\n"
				    "  warned                    0.0%       0.0%          -\n"),
		      "%s", table);
	/* CSV: the four fields, then top causes, then two columns per criterion. */
	ck_assert_ptr_nonnull(strstr(csv, ",qa_calls,qa_scorings,qa_score_pct,qa_auto_fails,"));
	ck_assert_ptr_nonnull(strstr(csv, ",top_causes,qa_vent_pct,qa_vent_answers,qa_voice_pct,"
					  "qa_voice_answers,qa_warned_pct,qa_warned_answers\r\n"));
	ck_assert_int_eq(strncmp(tail_fields(csv, "\nALL,", 6), "66.7,3,50.0,2,0.0,1\r\n", 21), 0);
	ck_assert_int_eq(strncmp(tail_fields(csv, "\nana,", 6), "66.7,3,50.0,2,0.0,1\r\n", 21), 0);
	ck_assert_int_eq(strncmp(tail_fields(csv, "\nbob,", 6), ",0,,0,,0\r\n", 10), 0);
	free(table);
	free(csv);
	j = json_parse(json, strlen(json), err, sizeof(err));
	ck_assert_msg(j != NULL, "%s", err);
	all = json_get(j, "overall");
	ck_assert_ptr_nonnull(all);
	ck_assert_int_eq((int)json_get(all, "qa_calls")->number, 3);
	ck_assert_double_eq_tol(json_get(all, "qa_score_pct")->number, 33.3, 1e-9);
	crit = json_get(all, "qa_criteria");
	ck_assert_ptr_nonnull(crit);
	ck_assert_uint_eq(crit->len, 3);
	ck_assert_str_eq(json_get(crit->items[0], "criterion")->string, "vent");
	ck_assert_int_eq((int)json_get(crit->items[0], "answers")->number, 3);
	ck_assert_double_eq_tol(json_get(crit->items[0], "avg_pct")->number, 66.7, 1e-9);
	json_free(j);
	free(json);
	report_free(r);
	store_close(st);
}
END_TEST

/*
 * Calibration. tom also scores call 0 (vent yes, voice N/A: score 10000)
 * and call 1 (vent yes, warned no: 0). Calls with two or more scorings
 * that count: 0 and 1.
 *   call 0  overall rita 9167, sam 833, tom 10000: spread 9167
 *           vent rita 10000, sam 0, tom 10000 (sum 20000, n 3): spread 10000;
 *             from the others' mean: rita (30000 - 20000) / 2 = +5000,
 *             sam (0 - 20000) / 2 = -10000, tom +5000
 *           voice rita 7500, sam 2500: spread 5000; rita +5000, sam -5000
 *   call 1  overall rita 0, tom 0; vent 10000, 10000; warned 0, 0: spreads 0, all +0
 * criteria: (overall) 2 calls, 9167 -> avg 45.8, max 91.7; vent 2, 10000 -> 50.0,
 *           max 100.0; voice 1, 5000 -> 50.0; warned 1, 0 -> 0.0
 * reviewers: rita 4 answers, |dev| 10000 -> 25.0, bias +25.0, not over 25: unmarked
 *            sam 2, 15000 -> 75.0, bias -75.0: marked
 *            tom 3, 5000 -> 16.7, bias +16.7
 */
START_TEST(calibration_spread_and_deviation)
{
	struct store *st = fixture();
	const struct qa_answer t0[] = {VENT(1), VOICE(SCORE_NA)}, t1[] = {VENT(1), WARNED(0)};
	struct report_query q = {.repeat_days = 7, .now = D0 + 48 * HOUR, .utc = 1};
	struct poise_error err = {0};
	struct report_calib *c = NULL;
	const struct calib_criterion *k;
	const struct calib_reviewer *rv;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	score(st, 0, "tom", D0 + 22 * HOUR, t0, 2);
	score(st, 1, "tom", D0 + 22 * HOUR, t1, 2);
	ck_assert_int_eq(day_parse("2024-05-10", 1, 0, &q.since, &err), POISE_OK);
	ck_assert_int_eq(day_parse("2024-05-11", 1, 1, &q.until, &err), POISE_OK);
	ck_assert_int_eq(report_calibration(st, &q, &c, &err), POISE_OK);
	ck_assert_int_eq(report_calib_calls(c), 2);
	ck_assert_uint_eq(report_calib_criteria(c, &k), 4);
	ck_assert_str_eq(k[0].id, "");
	ck_assert_int_eq(k[0].calls, 2);
	ck_assert_int_eq(k[0].spread_sum, 9167);
	ck_assert_int_eq(k[0].spread_max, 9167);
	ck_assert_str_eq(k[1].id, "vent");
	ck_assert_int_eq(k[1].calls, 2);
	ck_assert_int_eq(k[1].spread_sum, 10000);
	ck_assert_str_eq(k[2].id, "voice");
	ck_assert_int_eq(k[2].spread_sum, 5000);
	ck_assert_str_eq(k[3].id, "warned");
	ck_assert_int_eq(k[3].calls, 1);
	ck_assert_uint_eq(report_calib_reviewers(c, &rv), 3);
	ck_assert_str_eq(rv[0].name, "rita");
	ck_assert_int_eq(rv[0].answers, 4);
	ck_assert_int_eq(rv[0].dev_sum, 10000);
	ck_assert_int_eq(rv[0].bias_sum, 10000);
	ck_assert_str_eq(rv[1].name, "sam");
	ck_assert_int_eq(rv[1].answers, 2);
	ck_assert_int_eq(rv[1].dev_sum, 15000);
	ck_assert_int_eq(rv[1].bias_sum, -15000);
	ck_assert_str_eq(rv[2].name, "tom");
	ck_assert_int_eq(rv[2].answers, 3);
	ck_assert_int_eq(rv[2].dev_sum, 5000);

	f = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write_calibration(c, f, REPORT_TABLE, &err), POISE_OK);
	fclose(f);
	ck_assert_msg(strstr(buf, "calibration: 2 calls scored by two or more reviewers"), "%s",
		      buf);
	ck_assert_msg(strstr(buf, "  (overall)                   2        45.8        91.7\n"
				  "  vent                        2        50.0       100.0\n"),
		      "%s", buf);
	ck_assert_msg(strstr(buf, "  rita                        4        25.0        25.0\n"
				  "  sam                         2        75.0       -75.0  *\n"
				  "  tom                         3        16.7        16.7\n"),
		      "%s", buf);
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write_calibration(c, f, REPORT_CSV, &err), POISE_OK);
	fclose(f);
	ck_assert_msg(strstr(buf, "criterion,(overall),2,45.8,91.7,,,\r\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "reviewer,sam,2,,,75.0,-75.0,1\r\n"), "%s", buf);
	free(buf);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(report_write_calibration(c, f, REPORT_JSON, &err), POISE_OK);
	fclose(f);
	{
		char jerr[256];
		struct json *j = json_parse(buf, strlen(buf), jerr, sizeof(jerr));

		ck_assert_msg(j != NULL, "%s", jerr);
		ck_assert(json_get(json_get(j, "criteria")->items[0], "criterion")->type ==
			  JSON_NULL);
		ck_assert_double_eq_tol(
			json_get(json_get(j, "reviewers")->items[1], "bias")->number, -75.0, 1e-9);
		ck_assert_int_eq(json_get(json_get(j, "reviewers")->items[1], "deviates")->boolean,
				 1);
		json_free(j);
	}
	free(buf);
	report_calib_free(c);
	store_close(st);
}
END_TEST

/* The HTML page draws the QA score by week too: over 2024-05-06 .. 05-12 it is 50%. */
START_TEST(html_page_has_the_qa_trend)
{
	struct store *st = fixture();
	struct report_query q = {.repeat_days = 7, .now = D0 + 48 * HOUR, .utc = 1};
	struct poise_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(day_parse("2024-05-06", 1, 0, &q.since, &err), POISE_OK);
	ck_assert_int_eq(day_parse("2024-05-12", 1, 1, &q.until, &err), POISE_OK);
	ck_assert_int_eq(report_write_html(st, &q, f, &err), POISE_OK);
	fclose(f);
	ck_assert_msg(strstr(buf, "QA score"), "%s", buf);
	free(buf);
	store_close(st);
}
END_TEST

Suite *report_qa_suite(void)
{
	Suite *s = suite_create("report_qa");
	TCase *tc = tcase_create("qa");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, qa_figures_per_agent_and_overall);
	tcase_add_test(tc, qa_in_table_csv_and_json);
	tcase_add_test(tc, calibration_spread_and_deviation);
	tcase_add_test(tc, html_page_has_the_qa_trend);
	suite_add_tcase(s, tc);
	return s;
}
