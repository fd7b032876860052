/*
 * check_figures.c - a call's figures are one definition, whichever face asks.
 *
 * One scripted call (a hold, a tick taken back with UNDO, a skipped line,
 * an interruption and its resume before empathy, two stages of the
 * playbook never visited) is read by every function a face uses: the
 * summary step on review's fold (review_call_load, the review page), the
 * report folding the call (report_run --refold: `poise report` and the
 * ready screen's today), the report reading the figures kept when it
 * ended, and `poise show`'s timeline. Each must give the same figures, and
 * they must be the documented ones (docs/metrics.md): checklist adherence
 * is what was ticked of the checklist items of the stages visited; handle
 * time and time to empathy leave the interruption's gap out.
 */
#include "store_fixture.h"

#include "poise/playbook.h"
#include "poise/report.h"
#include "poise/review.h"
#include "poise/timeline.h"
#include "poise/words.h"
#include "main/suite.h"

#define T0 INT64_C(1700000000000) /* 2023-11-14 22:13:20 UTC */
#define S(sec) (T0 + (int64_t)(sec)*1000)

static struct store *st;
static struct playbook *pb;
static char id[37];

static int64_t add(enum event_kind kind, int64_t sec, int stage, int a, int b, const char *text)
{
	return fx_append(st, id, kind, S(sec), stage, a, b, text);
}

static size_t checklist(enum stage s)
{
	return pb->stages[s].section[SECTION_CHECKLIST].len;
}

/*
 * ana's call, 0..400 s, with a 100 s interruption (60..160): calm 0-60 and
 * 160-200, empathize 200-300, solve 300-350, wrap-up 350-400. Handle 400 -
 * 100 = 300 s, time to empathy 200 - 100 = 100 s. Ticked: calm 0; calm 1
 * ticked and taken back; empathize 0. Hold 20-50 in calm. Calm say 0 skipped.
 */
static void seed(void)
{
	struct poise_error err = {0};
	struct call_meta m;
	int64_t tick;

	fx_setup();
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_ge(checklist(STAGE_CALM), 2);
	ck_assert_uint_ge(checklist(STAGE_EMPATHIZE), 1);
	st = fx_open(fx_path(0, "figures.db"));
	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", "5e9a0000-0000-4000-8000-000000000001");
	snprintf(id, sizeof(id), "%s", m.id);
	snprintf(m.agent, sizeof(m.agent), "ana");
	snprintf(m.customer, sizeof(m.customer), "Ines");
	m.started = S(0);
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "%s", err.msg);
	add(EV_START, 0, STAGE_CALM, 0, 0, pb->hash);
	add(EV_MOOD, 5, STAGE_CALM, 5, 0, NULL);
	add(EV_CHECK, 10, STAGE_CALM, 0, 1, NULL);
	tick = add(EV_CHECK, 12, STAGE_CALM, 1, 1, NULL);
	add(EV_UNDO, 14, STAGE_CALM, (int)tick, 0, NULL);
	add(EV_SKIP, 15, STAGE_CALM, SECTION_SAY, 0, "didnt-fit");
	add(EV_HOLD_START, 20, STAGE_CALM, 0, 0, NULL);
	add(EV_HOLD_END, 50, STAGE_CALM, 0, 0, NULL);
	add(EV_INTERRUPTED, 60, STAGE_CALM, 0, 0, "SIGHUP");
	add(EV_RESUME, 160, STAGE_CALM, 0, 0, NULL);
	add(EV_STAGE, 200, STAGE_EMPATHIZE, STAGE_CALM, 0, NULL);
	add(EV_CHECK, 210, STAGE_EMPATHIZE, 0, 1, NULL);
	add(EV_MOOD, 250, STAGE_EMPATHIZE, 3, 0, NULL);
	add(EV_STAGE, 300, STAGE_SOLVE, STAGE_EMPATHIZE, 0, NULL);
	add(EV_WRAPUP, 350, STAGE_SOLVE, 0, 0, NULL);
	add(EV_OUTCOME, 360, STAGE_SOLVE, 0, 0, "callback");
	add(EV_END, 400, STAGE_SOLVE, 0, 0, NULL);
}

static void unseed(void)
{
	store_close(st);
	playbook_free(pb);
	fx_teardown();
}

/* Every figure of the list, the stage times and the outcomes, one against another. */
static void same_figures(const struct report_figures *f, const struct report_figures *x,
			 const char *what)
{
#define SAME(name)                                                                                 \
	ck_assert_msg(f->name == x->name, "%s: %s is %lld, the summary step says %lld", what,      \
		      #name, (long long)f->name, (long long)x->name);
#define SAME_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql) SAME(name)
#define SAME_RATE(out, key, label, num, den, group)
	REPORT_FIGURE_LIST(SAME_FIGURE, SAME_RATE)
#undef SAME_FIGURE
#undef SAME_RATE
	for (int s = 0; s < STAGE_COUNT; s++)
		SAME(stage_ms[s]);
	for (int o = 0; o < OUTCOME_COUNT; o++)
		SAME(outcomes[o]);
#undef SAME
}

/* The agent's column of a report over the call's day. */
static struct report *report_of_ana(int refold)
{
	struct report_query q = {.since = S(0) - 3600000, .until = S(0) + 3600000, .agent = "ana",
				 .repeat_days = 1, .now = S(500), .utc = 1, .refold = refold};
	struct poise_error err = {0};
	struct report *r = NULL;

	ck_assert_msg(report_run(st, &q, &r, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_eq(report_agent_count(r), 1);
	return r;
}

/* review's call page: the summary step on review's fold of the call. */
static void review_figures(struct report_figures *out)
{
	struct review_call rc;
	struct poise_error err = {0};

	memset(&rc, 0, sizeof(rc));
	ck_assert_msg(review_call_load(st, id, &rc, &err) == POISE_OK, "%s", err.msg);
	report_call_figures(&rc.state, out);
	review_call_free(&rc);
}

static char *show(void)
{
	struct poise_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(timeline_write(st, id, f, &err) == POISE_OK, "%s", err.msg);
	fclose(f);
	return buf;
}

START_TEST(one_call_one_set_of_figures)
{
	struct report_figures one;
	struct report *folded, *kept;
	struct poise_error err = {0};

	review_figures(&one);
	/* The documented meaning, by hand. */
	ck_assert_int_eq(one.done, 1);
	ck_assert_int_eq(one.checklist_ticked, 2); /* calm 0 and empathize 0; calm 1 undone */
	ck_assert_int_eq(one.checklist_items,
			 (int64_t)(checklist(STAGE_CALM) + checklist(STAGE_EMPATHIZE) +
				   checklist(STAGE_SOLVE)));
	ck_assert_int_eq(one.handle_ms, 300000);
	ck_assert_int_eq(one.wrapup_ms, 50000);
	ck_assert_int_eq(one.empathy_ms, 100000);
	ck_assert_int_eq(one.hold_ms, 30000);
	ck_assert_int_eq(one.outcomes[OUTCOME_CALLBACK], 1);

	folded = report_of_ana(1);
	same_figures(report_agent(folded, 0), &one, "the report folding the call");
	same_figures(report_overall(folded), &one, "the report's ALL");

	ck_assert_msg(report_keep_call(st, id, &err) == POISE_OK, "%s", err.msg);
	kept = report_of_ana(0);
	same_figures(report_agent(kept, 0), &one, "the report reading the kept figures");
	report_free(folded);
	report_free(kept);
}
END_TEST

/* `poise show` writes the figures of the summary step, as the report's table writes them. */
START_TEST(show_writes_the_reports_numbers)
{
	struct report_figures one;
	char *text = show(), want[256], count[WORDS_BUF], pct[32], empathy[32];

	review_figures(&one);
	report_field_text(&one, "checklist_pct", pct, sizeof(pct));
	snprintf(want, sizeof(want), "\n  checklist of the stages visited: %s (%s)\n",
		 words_checklist(count, sizeof(count), (size_t)one.checklist_ticked,
				 (size_t)one.checklist_items),
		 pct);
	ck_assert_msg(strstr(text, want), "no '%s' in:\n%s", want, text);
	report_field_text(&one, "empathy_avg_s", empathy, sizeof(empathy));
	ck_assert_str_eq(empathy, "01:40"); /* the gap left out */
	snprintf(want, sizeof(want), "\n  time to empathy %s\n", empathy);
	ck_assert_msg(strstr(text, want), "no '%s' in:\n%s", want, text);
	free(text);
}
END_TEST

/* A field with nothing to divide by is "-", as in the report's table; an unknown key says so. */
START_TEST(field_text_of_nothing)
{
	struct report_figures none;
	char buf[32];

	memset(&none, 0, sizeof(none));
	ck_assert_int_eq(report_field_text(&none, "checklist_pct", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "-");
	ck_assert_int_eq(report_field_text(&none, "handle_avg_s", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "-");
	ck_assert_int_eq(report_field_text(&none, "no_such_field", buf, sizeof(buf)), 0);
	none.checklist_ticked = 1;
	none.checklist_items = 3;
	ck_assert_int_eq(report_field_text(&none, "checklist_pct", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "33.3%");
}
END_TEST

Suite *figures_suite(void)
{
	Suite *s = suite_create("figures");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, seed, unseed);
	tcase_add_test(tc, one_call_one_set_of_figures);
	tcase_add_test(tc, show_writes_the_reports_numbers);
	tcase_add_test(tc, field_text_of_nothing);
	suite_add_tcase(s, tc);
	return s;
}
