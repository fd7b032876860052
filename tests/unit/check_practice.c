/*
 * check_practice.c - rehearsals (poise rehearse) are practice calls: the
 * report never counts them (not even as repeat contacts), report --practice
 * counts them alone with the scenarios rehearsed, review lists them only
 * when asked, sync never sends them, export marks them and merge keeps the
 * mark. Every figure hand-computed.
 */
#include "poise/calllock.h"
#include "poise/merge.h"
#include "poise/report.h"
#include "poise/review.h"
#include "poise/store_review.h"
#include "poise/scenario.h"
#include "poise/store_sync.h"

#include "store_fixture.h"
#include "main/suite.h"

#define T0   INT64_C(1715299200000) /* 2024-05-10 00:00 UTC */
#define MIN  INT64_C(60000)

static struct playbook *pb;
static char ids[8][37];

static void setup(void)
{
	struct poise_error err = {0};

	fx_setup();
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
}

static void teardown(void)
{
	playbook_free(pb);
	fx_teardown();
}

/* Begin call n: agent, reference, start (minutes after T0), practice ("" real); its start time. */
static int64_t begin(struct store *st, int n, const char *agent, const char *ref, int min,
		     const char *practice)
{
	struct call_meta m;
	struct poise_error err = {0};
	int64_t t = T0 + min * MIN;

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(store_new_uuid(ids[n], t, &err), POISE_OK);
	memcpy(m.id, ids[n], sizeof(m.id));
	snprintf(m.agent, sizeof(m.agent), "%s", agent);
	snprintf(m.customer, sizeof(m.customer), "Customer %d", n);
	snprintf(m.ref, sizeof(m.ref), "%s", ref);
	snprintf(m.practice, sizeof(m.practice), "%s", practice);
	m.started = t;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "begin: %s", err.msg);
	fx_append(st, ids[n], EV_START, t, 0, 0, 0, pb->hash);
	return t;
}

/* Call n, begun as begin() says; done, resolved. */
static void call(struct store *st, int n, const char *agent, const char *ref, int min,
		 const char *practice)
{
	int64_t t = begin(st, n, agent, ref, min, practice);

	fx_append(st, ids[n], EV_MOOD, t + 1000, 0, 5, 0, NULL);
	fx_append(st, ids[n], EV_MOOD, t + 2000, 0, 3, 0, NULL);
	fx_append(st, ids[n], EV_WRAPUP, t + 60000, 0, 0, 0, NULL);
	fx_append(st, ids[n], EV_OUTCOME, t + 61000, 0, 0, 0, "resolved");
	fx_append(st, ids[n], EV_END, t + 62000, 0, 0, 0, NULL);
}

/*
 * 0 ana R1 real; 1 ana R1 practice s1; 2 ana R2 practice s2; 3 bob R1 practice s1;
 * 4 ana R1 real (a repeat of call 0 only: call 1 is a rehearsal); 5 bob R9 real.
 */
static struct store *make(void)
{
	struct store *st = fx_open(fx_path(0, "db"));

	call(st, 0, "ana", "R1", 0, "");
	call(st, 1, "ana", "R1", 10, "s1");
	call(st, 2, "ana", "R2", 20, "s2");
	call(st, 3, "bob", "R1", 30, "s1");
	call(st, 4, "ana", "R1", 40, "");
	call(st, 5, "bob", "R9", 50, "");
	return st;
}

static struct report *run(struct store *st, int practice)
{
	struct report_query q = {.now = T0 + 60 * MIN, .utc = 1, .repeat_days = 7,
				 .practice = practice};
	struct poise_error err = {0};
	struct report *r = NULL;

	ck_assert_msg(report_run(st, &q, &r, &err) == POISE_OK, "report: %s", err.msg);
	return r;
}

/* Call n left as a kill leaves it: started, a mood, a stage moved, no end. */
static void call_killed(struct store *st, int n, const char *agent, int min, const char *practice)
{
	int64_t t = begin(st, n, agent, "", min, practice);

	fx_append(st, ids[n], EV_MOOD, t + 1000, 0, 4, 0, NULL);
	fx_append(st, ids[n], EV_STAGE, t + 5000, 1, 0, 0, NULL);
}

static const char *status_of(struct store *st, int n, int64_t *ended)
{
	static struct call_meta m;
	struct poise_error err = {0};

	ck_assert_msg(store_call_meta(st, ids[n], &m, &err) == POISE_OK, "%s", err.msg);
	*ended = m.ended;
	return m.status;
}

/*
 * A rehearsal a kill left open is never resumed: the next start closes it
 * as interrupted at its last event, in the stage it was in. A real call is
 * the resume screen's, another agent's and one live elsewhere are left.
 */
START_TEST(stale_rehearsals_close_as_interrupted)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	struct call_lock *live = NULL;
	struct review_call rc;
	struct report *r;
	int64_t ended;
	int closed = -1;

	call_killed(st, 0, "ana", 0, "s1"); /* killed: to close */
	call_killed(st, 1, "ana", 10, "");  /* a real call: resume's */
	call_killed(st, 2, "bob", 20, "s1"); /* another agent's */
	call_killed(st, 3, "ana", 30, "s2"); /* live in another window */
	ck_assert_int_eq(call_lock_take(store_path(st), ids[3], &live, &err), POISE_OK);
	r = run(st, 1);
	ck_assert_int_eq(report_overall(r)->open, 3);
	report_free(r);

	ck_assert_msg(rehearsal_close_stale(st, "ana", &closed, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(closed, 1);
	ck_assert_str_eq(status_of(st, 0, &ended), "interrupted");
	ck_assert_int_eq(ended, T0 + 5000);
	ck_assert_str_eq(status_of(st, 1, &ended), "open");
	ck_assert_str_eq(status_of(st, 2, &ended), "open");
	ck_assert_str_eq(status_of(st, 3, &ended), "open");
	/* The event is in the log like any other: the fold says interrupted, in stage 1. */
	ck_assert_msg(review_call_load(st, ids[0], &rc, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(rc.nevents, 4);
	ck_assert_int_eq(rc.events[3].kind, EV_INTERRUPTED);
	ck_assert_int_eq(rc.events[3].stage, 1);
	ck_assert_int_eq(rc.state.phase, CALL_INTERRUPTED);
	review_call_free(&rc);
	/* Its close kept its figures, up to that event, as any call's close does (live.h). */
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM call_figures"), 1);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT last_seq FROM call_figures"), 4);
	r = run(st, 1);
	ck_assert_int_eq(report_overall(r)->open, 2);
	ck_assert_int_eq(report_overall(r)->interrupted, 1);
	report_free(r);

	/* Once the other window lets it go, it is closed too; twice changes nothing. */
	call_lock_release(live, 0);
	ck_assert_int_eq(rehearsal_close_stale(st, "ana", &closed, &err), POISE_OK);
	ck_assert_int_eq(closed, 1);
	ck_assert_int_eq(rehearsal_close_stale(st, "ana", &closed, &err), POISE_OK);
	ck_assert_int_eq(closed, 0);
	ck_assert_str_eq(status_of(st, 3, &ended), "interrupted");
	ck_assert_str_eq(status_of(st, 1, &ended), "open");
	store_close(st);
}
END_TEST

START_TEST(report_leaves_rehearsals_out)
{
	struct store *st = make();
	struct report *r = run(st, 0);
	const struct report_figures *all = report_overall(r);

	/* Calls 0, 4, 5: three done; call 4 repeats call 0 (R1), not rehearsal 1. */
	ck_assert_int_eq(all->calls, 3);
	ck_assert_int_eq(all->done, 3);
	ck_assert_int_eq(all->repeats, 1);
	ck_assert_int_eq(all->scenarios, 0);
	ck_assert_int_eq(report_agent_count(r), 2);
	ck_assert_str_eq(report_agent(r, 0)->agent, "ana");
	ck_assert_int_eq(report_agent(r, 0)->calls, 2);
	ck_assert_int_eq(report_agent(r, 1)->calls, 1);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(report_practice_counts_rehearsals_alone)
{
	struct store *st = make();
	struct report *r = run(st, 1);
	const struct report_figures *all = report_overall(r), *ana, *bob;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct poise_error err = {0};

	/* Rehearsals 1, 2 (ana: s1, s2) and 3 (bob: s1); 3 repeats 1 (R1) among rehearsals. */
	ck_assert_int_eq(all->calls, 3);
	ck_assert_int_eq(all->done, 3);
	ck_assert_int_eq(all->scenarios, 2);
	ck_assert_int_eq(all->repeats, 1);
	/* Moods 5 then 3 in each: every one ended calmer. */
	ck_assert_int_eq(all->mood_pairs, 3);
	ck_assert_int_eq(all->calmer, 3);
	ck_assert_int_eq(report_agent_count(r), 2);
	ana = report_agent(r, 0);
	bob = report_agent(r, 1);
	ck_assert_str_eq(ana->agent, "ana");
	ck_assert_int_eq(ana->calls, 2);
	ck_assert_int_eq(ana->scenarios, 2);
	ck_assert_str_eq(bob->agent, "bob");
	ck_assert_int_eq(bob->calls, 1);
	ck_assert_int_eq(bob->scenarios, 1);
	ck_assert_int_eq(report_write(r, f, REPORT_CSV, &err), POISE_OK);
	fclose(f);
	ck_assert_msg(!strncmp(out, "agent,rehearsals,scenarios,calls,", 33), "%s", out);
	ck_assert_msg(strstr(out, "\r\nALL,3,2,3,") && strstr(out, "\r\nana,2,2,2,") &&
			      strstr(out, "\r\nbob,1,1,1,"),
		      "%s", out);
	free(out);
	report_free(r);
	store_close(st);
}
END_TEST

/* The ids a filter lists, newest first, as "n,n,..." by their number here. */
static void listed(struct store *st, const struct review_filter *f, const char *want)
{
	struct call_meta rows[REVIEW_PAGE_MAX];
	struct poise_error err = {0};
	char got[64] = "";
	size_t n = 0;

	ck_assert_msg(review_page(st, f, REVIEW_OLDER, NULL, rows, 50, &n, &err) == POISE_OK,
		      "%s", err.msg);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			if (!strcmp(rows[i].id, ids[k]))
				snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%d",
					 i ? "," : "", k);
	ck_assert_str_eq(got, want);
}

START_TEST(review_lists_rehearsals_only_when_asked)
{
	struct store *st = make();
	struct review_filter f;

	memset(&f, 0, sizeof(f));
	listed(st, &f, "5,4,0");
	f.practice = 1;
	listed(st, &f, "3,2,1");
	snprintf(f.agent, sizeof(f.agent), "ana");
	listed(st, &f, "2,1");
	/* Two equality filters meet (the walk of one index, a seek of the other). */
	snprintf(f.outcome, sizeof(f.outcome), "resolved");
	listed(st, &f, "2,1");
	f.practice = 0;
	listed(st, &f, "4,0");
	f.mood_min = 5;
	listed(st, &f, "4,0");
	store_close(st);
}
END_TEST

static int count_call(void *ctx, const struct sync_call *c)
{
	ck_assert_str_eq(c->meta.practice, "");
	(*(int *)ctx)++;
	return 0;
}

START_TEST(sync_never_sends_rehearsals)
{
	struct store *st = make();
	struct poise_error err = {0};
	size_t pending = 0, others = 0;
	int n = 0;

	ck_assert_int_eq(store_sync_pending(st, "ana", "", 100, count_call, &n, &err), POISE_OK);
	ck_assert_int_eq(n, 2); /* calls 0 and 4 */
	ck_assert_int_eq(store_sync_count(st, "ana", &pending, &others, &err), POISE_OK);
	ck_assert_int_eq(pending, 2);
	ck_assert_int_eq(store_sync_tidy(st, "ana", &err), POISE_OK);
	ck_assert_int_eq(store_sync_count(st, "ana", &pending, &others, &err), POISE_OK);
	ck_assert_int_eq(pending, 2);
	ck_assert_int_eq(others, 2); /* bob's 3 (a rehearsal) and 5: never sent by ana */
	store_close(st);
}
END_TEST

START_TEST(export_and_merge_keep_the_mark)
{
	struct store *st = make();
	char *text = fx_export(st, EXPORT_JSONL);
	struct call_meta m;
	struct poise_error err = {0};

	ck_assert_ptr_nonnull(strstr(text, "\"practice\":\"s2\""));
	ck_assert_ptr_nonnull(strstr(text, "\"practice\":null"));
	free(text);
	store_close(st);
	/* A merge keeps the mark: the call read back from a copy of the file. */
	st = fx_open(fx_path(1, "copy.db"));
	ck_assert_msg(merge_file(st, fx_path(0, "db"), &(struct merge_counts){0}, &err) == POISE_OK,
		      "%s", err.msg);
	ck_assert_int_eq(store_call_meta(st, ids[2], &m, &err), POISE_OK);
	ck_assert_str_eq(m.practice, "s2");
	ck_assert_int_eq(store_call_meta(st, ids[0], &m, &err), POISE_OK);
	ck_assert_str_eq(m.practice, "");
	store_close(st);
}
END_TEST

Suite *practice_suite(void)
{
	Suite *s = suite_create("practice");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, report_leaves_rehearsals_out);
	tcase_add_test(tc, stale_rehearsals_close_as_interrupted);
	tcase_add_test(tc, report_practice_counts_rehearsals_alone);
	tcase_add_test(tc, review_lists_rehearsals_only_when_asked);
	tcase_add_test(tc, sync_never_sends_rehearsals);
	tcase_add_test(tc, export_and_merge_keep_the_mark);
	suite_add_tcase(s, tc);
	return s;
}
