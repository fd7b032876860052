/*
 * check_report.c - every report figure against a hand-computed data set.
 *
 * Eight calls are logged through the real store (store_call_begin and
 * store_append with explicit times) under two real playbooks parsed by the
 * real loader; the report reads them back through the fold. Every expected
 * value below is worked out by hand in the comments, from the event lists
 * in build_calls(); nothing is computed by the code under test.
 *
 * Every test runs three times: the calls folded from their events, the
 * closed calls' figures kept first (report_keep_call, as live_record
 * does when a call ends) and read instead, and kept but refolded.
 */
#include "poise/day.h"
#include "poise/report.h"

#include <inttypes.h>
#include <time.h>

#include "../../src/core/report/report_int.h"
#include "helpers/json.h"
#include "store_fixture.h"
#include "main/suite.h"

/* 2024-05-10 00:00:00 UTC, in ms. */
#define D0     INT64_C(1715299200000)
#define HOUR   INT64_C(3600000)
#define DAY    (24 * HOUR)
#define S(sec) ((int64_t)(sec)*1000)

/*
 * Checklists per stage: calm 2, listen 1, empathize 2, clarify 1, inform 1,
 * solve 3, boundary 1, follow-up 1. Lines: calm say 2, calm ask 1,
 * empathize say 1; no other stage has say or ask.
 */
#define PB_YAML(ID)                                                                                \
	"id: " ID "\ntitle: Report test\nversion: \"1.0\"\nlanguage: en\nsources: [\"000\"]\n"     \
	"stages:\n"                                                                                \
	"  calm: {goal: G, tips: [T], say: [\"Breathe, {customer}.\", Take your time], "           \
	"ask: [What happened?], checklist: [C1, C2], sources: [\"000\"]}\n"                        \
	"  listen: {goal: G, tips: [T], checklist: [L1], sources: [\"000\"]}\n"                    \
	"  empathize: {goal: G, tips: [T], say: [That sounds hard], checklist: [E1, E2], "         \
	"sources: [\"000\"]}\n"                                                                    \
	"  clarify: {goal: G, tips: [T], checklist: [K1], sources: [\"000\"]}\n"                   \
	"  inform: {goal: G, tips: [T], checklist: [I1], sources: [\"000\"]}\n"                    \
	"  solve: {goal: G, tips: [T], checklist: [S1, S2, S3], sources: [\"000\"]}\n"             \
	"  boundary: {goal: G, tips: [T], checklist: [B1], warnings: [W1, W2, W3], "               \
	"sources: [\"000\"]}\n"                                                                    \
	"  follow-up: {goal: G, tips: [T], checklist: [F1], sources: [\"000\"]}\n"                 \
	"causes:\n  - {id: billing, label: Billing}\n  - {id: product, label: Product}\n"          \
	"  - {id: delivery, label: Delivery}\n"

static struct playbook *pba, *pbb;
static char ids[16][37];
static int keep_mode, refold_mode;

static struct playbook *load(const char *text)
{
	struct playbook *pb = NULL;
	struct poise_error err = {0};

	ck_assert_msg(playbook_load_text(text, strlen(text), "test", &pb, &err) == POISE_OK,
		      "playbook: %d:%d: %s", err.line, err.col, err.msg);
	return pb;
}

static void setup(void)
{
	fx_setup();
	pba = load(PB_YAML("rep-a"));
	pbb = load(PB_YAML("rep-b"));
}

static void setup_kept(void)
{
	setup();
	keep_mode = 1;
}

static void setup_refold(void)
{
	setup_kept();
	refold_mode = 1;
}

static void teardown(void)
{
	playbook_free(pba);
	playbook_free(pbb);
	keep_mode = refold_mode = 0;
	fx_teardown();
}

static int64_t t0; /* start of the call being built */

static void begin(struct store *st, int n, const char *agent, const char *ref, int64_t start,
		  const struct playbook *pb, int stage)
{
	struct call_meta m;
	struct poise_error err = {0};

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(store_new_uuid(ids[n], start, &err), POISE_OK);
	memcpy(m.id, ids[n], sizeof(m.id));
	snprintf(m.agent, sizeof(m.agent), "%s", agent);
	snprintf(m.customer, sizeof(m.customer), "Customer %d", n);
	snprintf(m.ref, sizeof(m.ref), "%s", ref);
	m.started = start;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "begin: %s", err.msg);
	t0 = start;
	fx_append(st, ids[n], EV_START, start, stage, 0, 0, pb->hash);
}

/* An event of call n at `sec` seconds into it. */
static void ev(struct store *st, int n, enum event_kind kind, double sec, int stage, int a, int b,
	       const char *text)
{
	fx_append(st, ids[n], kind, t0 + (int64_t)(sec * 1000), stage, a, b, text);
}

static void end_call(struct store *st, int n, double wrapup, const char *outcome,
		     const char *cause, double end)
{
	ev(st, n, EV_WRAPUP, wrapup, 0, 0, 0, NULL);
	ev(st, n, EV_OUTCOME, wrapup, 0, 0, 0, outcome);
	if (cause)
		ev(st, n, EV_CAUSE, wrapup, 0, 0, 0, cause);
	ev(st, n, EV_END, end, 0, 0, 0, NULL);
}

enum { CALM, LISTEN, EMP, CLARIFY, INFORM, SOLVE, BOUNDARY, FOLLOW };
enum { SAY = SECTION_SAY, ASK = SECTION_ASK };

/*
 * The data set. "now" is 2024-05-12 12:00 UTC, so follow-ups due
 * 2024-05-12 are due today and 2024-05-11 is overdue.
 */
/* Keep the figures of every closed call; open and unknown ones are refused. */
static void keep_closed(struct store *st)
{
	struct poise_error err = {0};
	int kept = 0;

	for (int i = 0; i < 8; i++) {
		enum poise_status ps = report_keep_call(st, ids[i], &err);

		ck_assert_msg(ps == POISE_OK || ps == POISE_STATE || ps == POISE_NOT_FOUND,
			      "keep %d: %s", i, err.msg);
		kept += ps == POISE_OK;
	}
	ck_assert_int_eq(kept, fx_sql_int(fx_path(0, "db"),
					  "SELECT count(*) FROM calls WHERE status <> 'open'"));
	ck_assert_int_eq(kept, fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM call_figures"));
}

static void build_calls(struct store *st)
{
	char sql[256];
	sqlite3 *db;

	/* 0: bob, R3, 2024-05-07 09:00, before the range: a repeat for call 4 only. */
	begin(st, 0, "bob", "R3", D0 - 3 * DAY + 9 * HOUR, pba, CALM);
	end_call(st, 0, 10, "resolved", NULL, 12);

	/*
	 * 1: ana, R1, 05-10 09:00, done. calm 0-100, empathize 100-200, solve
	 * 200-400 (talk 400), wrap-up 400-460: handle 460, wrap-up 60. Holds
	 * 60-90 and 210-270: 90 s, 2 holds, longest 60. Moods 5, 4, 2: calmer.
	 * Ticked: calm 1 of 2, empathize 1 of 2 (E2 ticked then unticked), solve
	 * 0 of 3: 2 of 7. Empathy at 100 s. Said calm say 0 at mood 5, MOOD 4 30 s
	 * later: change -1. Said empathize say 0 at mood 4, next MOOD 180 s later:
	 * no sample. Follow-up due 2024-05-12: due today. Cause billing.
	 */
	begin(st, 1, "ana", "R1", D0 + 9 * HOUR, pba, CALM);
	ev(st, 1, EV_MOOD, 5, 0, 5, 0, NULL);
	ev(st, 1, EV_SAID, 10, 0, SAY, 0, NULL);
	ev(st, 1, EV_MOOD, 40, 0, 4, 0, NULL);
	ev(st, 1, EV_CHECK, 50, 0, 0, 1, NULL);
	ev(st, 1, EV_HOLD_START, 60, 0, 0, 0, NULL);
	ev(st, 1, EV_HOLD_END, 90, 0, 0, 0, NULL);
	ev(st, 1, EV_STAGE, 100, EMP, CALM, 0, NULL);
	ev(st, 1, EV_CHECK, 110, 0, 0, 1, NULL);
	ev(st, 1, EV_CHECK, 115, 0, 1, 1, NULL);
	ev(st, 1, EV_CHECK, 118, 0, 1, 0, NULL);
	ev(st, 1, EV_SAID, 120, 0, SAY, 0, NULL);
	ev(st, 1, EV_STAGE, 200, SOLVE, EMP, 0, NULL);
	ev(st, 1, EV_HOLD_START, 210, 0, 0, 0, NULL);
	ev(st, 1, EV_HOLD_END, 270, 0, 0, 0, NULL);
	ev(st, 1, EV_MOOD, 300, 0, 2, 0, NULL);
	ev(st, 1, EV_WRAPUP, 400, 0, 0, 0, NULL);
	ev(st, 1, EV_OUTCOME, 410, 0, 0, 0, "resolved");
	ev(st, 1, EV_CAUSE, 420, 0, 0, 0, "billing");
	ev(st, 1, EV_FOLLOWUP, 430, 0, 0, 0, "2024-05-12\tphone\tcall back");
	ev(st, 1, EV_END, 460, 0, 0, 0, NULL);

	/*
	 * 2: ana, R2, 05-10 10:00, interrupted at 50 s on hold (hold 30-50:
	 * 20 s, closed by the interruption). calm 50. One mood (3). Skipped calm
	 * say 1 (calmer) and calm ask 0 (didn't fit). Checklist calm 0 of 2.
	 */
	begin(st, 2, "ana", "R2", D0 + 10 * HOUR, pba, CALM);
	ev(st, 2, EV_MOOD, 10, 0, 3, 0, NULL);
	ev(st, 2, EV_SKIP, 20, 0, SAY, 1, "calmer");
	ev(st, 2, EV_SKIP, 25, 0, ASK, 0, "didnt-fit");
	ev(st, 2, EV_HOLD_START, 30, 0, 0, 0, NULL);
	ev(st, 2, EV_INTERRUPTED, 50, 0, 0, 0, "SIGHUP");

	/*
	 * 3: bob, R1 (call 1 a day before: repeat), 05-11 09:00, done,
	 * escalated (ESCALATE event and outcome: counted once). Interrupted at
	 * 60, resumed at 160: a 100 s gap. calm 0-60 + 160-200 = 100, empathize
	 * 200-300 = 100; handle 350 - 100 = 250, wrap-up 50. Empathy at 200 s
	 * minus the gap: 100 s. Moods 4, 5, 5: not calmer. Said empathize say
	 * 0 at mood 4, MOOD 5 40 s later: +1. Follow-ups 2024-05-11 (overdue)
	 * and 2024-05-20 (later). Cause product. Checklist 0 of 4.
	 */
	begin(st, 3, "bob", "R1", D0 + DAY + 9 * HOUR, pba, CALM);
	ev(st, 3, EV_MOOD, 0, 0, 4, 0, NULL);
	ev(st, 3, EV_ESCALATE, 30, 0, 0, 0, "supervisor");
	ev(st, 3, EV_INTERRUPTED, 60, 0, 0, 0, "SIGHUP");
	ev(st, 3, EV_RESUME, 160, 0, 0, 0, NULL);
	ev(st, 3, EV_STAGE, 200, EMP, CALM, 0, NULL);
	ev(st, 3, EV_SAID, 210, 0, SAY, 0, NULL);
	ev(st, 3, EV_MOOD, 250, 0, 5, 0, NULL);
	ev(st, 3, EV_MOOD, 260, 0, 5, 0, NULL);
	ev(st, 3, EV_WRAPUP, 300, 0, 0, 0, NULL);
	ev(st, 3, EV_OUTCOME, 310, 0, 0, 0, "escalated");
	ev(st, 3, EV_CAUSE, 320, 0, 0, 0, "product");
	ev(st, 3, EV_FOLLOWUP, 330, 0, 0, 0, "2024-05-11\temail\tsend the form");
	ev(st, 3, EV_FOLLOWUP, 335, 0, 0, 0, "2024-05-20\temail\tcheck again");
	ev(st, 3, EV_END, 350, 0, 0, 0, NULL);

	/*
	 * 4: bob, R3 (call 0 four days and an hour before: a repeat within 7
	 * days, not within 3), 05-11 10:00, done, ended for abuse after three
	 * warnings. calm 0-20, boundary 20-100; handle 120, wrap-up 20. One
	 * mood (5). Checklist calm 0 of 2, boundary 1 of 1. Cause billing.
	 */
	begin(st, 4, "bob", "R3", D0 + DAY + 10 * HOUR, pba, CALM);
	ev(st, 4, EV_MOOD, 5, 0, 5, 0, NULL);
	ev(st, 4, EV_STAGE, 20, BOUNDARY, CALM, 0, NULL);
	ev(st, 4, EV_WARNING, 30, 0, 1, 0, NULL);
	ev(st, 4, EV_WARNING, 60, 0, 2, 0, NULL);
	ev(st, 4, EV_WARNING, 90, 0, 3, 0, NULL);
	ev(st, 4, EV_CHECK, 95, 0, 0, 1, NULL);
	end_call(st, 4, 100, "abuse", "billing", 120);

	/*
	 * 5: ana, no ref, playbook rep-b, 05-11 11:00, opens in empathize
	 * (empathy at 0 s), done, transferred. empathize 0-60; handle 80,
	 * wrap-up 20. Moods 3, 2: calmer. Checklist empathize 1 of 2. Follow-up
	 * 2024-05-11, marked done below. Cause billing.
	 */
	begin(st, 5, "ana", "", D0 + DAY + 11 * HOUR, pbb, EMP);
	ev(st, 5, EV_MOOD, 10, 0, 3, 0, NULL);
	ev(st, 5, EV_MOOD, 20, 0, 2, 0, NULL);
	ev(st, 5, EV_CHECK, 25, 0, 0, 1, NULL);
	ev(st, 5, EV_WRAPUP, 60, 0, 0, 0, NULL);
	ev(st, 5, EV_OUTCOME, 65, 0, 0, 0, "transferred");
	ev(st, 5, EV_CAUSE, 66, 0, 0, 0, "billing");
	ev(st, 5, EV_FOLLOWUP, 70, 0, 0, 0, "2024-05-11\tphone\tcalled");
	ev(st, 5, EV_END, 80, 0, 0, 0, NULL);

	/* 6: ana, R2, 05-11 12:00, still open: counted as open only. */
	begin(st, 6, "ana", "R2", D0 + DAY + 12 * HOUR, pba, CALM);
	ev(st, 6, EV_MOOD, 1, 0, 5, 0, NULL);

	/* 7: bob, R9, 05-12 09:00, after --until 2024-05-11. */
	begin(st, 7, "bob", "R9", D0 + 2 * DAY + 9 * HOUR, pba, CALM);
	end_call(st, 7, 10, "resolved", "delivery", 15);

	/* Kept before call 5's follow-up is done: that must still be read fresh. */
	if (keep_mode)
		keep_closed(st);

	/* Call 5's follow-up is done (what `poise followups done` will do). */
	ck_assert_int_eq(sqlite3_open(fx_path(0, "db"), &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "UPDATE followups SET done_at = %" PRId64 " WHERE call_id = '%s'",
		 D0 + 2 * DAY, ids[5]);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_changes(db), 1);
	sqlite3_close(db);
}

#define NOW (D0 + 2 * DAY + 12 * HOUR)

static struct report *run(struct store *st, const char *since, const char *until,
			  const char *agent, const char *playbook, int repeat_days)
{
	struct report_query q = {
		.agent = agent, .playbook = playbook, .now = NOW, .utc = 1, .refold = refold_mode};
	struct poise_error err = {0};
	struct report *r = NULL;

	q.repeat_days = repeat_days;
	if (since)
		ck_assert_int_eq(day_parse(since, 1, 0, &q.since, &err), POISE_OK);
	if (until)
		ck_assert_int_eq(day_parse(until, 1, 1, &q.until, &err), POISE_OK);
	ck_assert_msg(report_run(st, &q, &r, &err) == POISE_OK, "report: %s", err.msg);
	return r;
}

static struct store *fixture(void)
{
	struct store *st = fx_open(fx_path(0, "db"));

	build_calls(st);
	return st;
}

#define MS(v) ((int64_t)(v)*1000)

/* Every field of a column against the hand computation. */
static void check_figures(const struct report_figures *f, const struct report_figures *x)
{
	ck_assert_str_eq(f->agent, x->agent);
#define EQ(field) ck_assert_msg(f->field == x->field, "%s %s: %lld, expected %lld", f->agent,     \
				#field, (long long)f->field, (long long)x->field)
	EQ(calls), EQ(done), EQ(interrupted), EQ(open);
	EQ(handle_ms), EQ(hold_ms), EQ(holds), EQ(hold_longest_ms), EQ(wrapup_ms);
	EQ(escalated), EQ(transferred), EQ(warnings), EQ(warned), EQ(abuse);
	EQ(mood_calls), EQ(mood_start_sum), EQ(mood_end_sum), EQ(mood_pairs), EQ(calmer);
	EQ(empathy_ms), EQ(empathy_calls), EQ(checklist_ticked), EQ(checklist_items);
	EQ(repeats), EQ(fu_done), EQ(fu_due), EQ(fu_overdue), EQ(fu_later), EQ(causes);
	EQ(ntop);
	for (int s = 0; s < STAGE_COUNT; s++)
		EQ(stage_ms[s]);
	for (int o = 0; o < OUTCOME_COUNT; o++)
		EQ(outcomes[o]);
	for (size_t i = 0; i < x->ntop; i++) {
		ck_assert_str_eq(f->top[i].id, x->top[i].id);
		EQ(top[i].calls);
	}
#undef EQ
}

/* The three columns of the range 2024-05-10 .. 2024-05-11 (calls 1 to 6). */
static const struct report_figures want_all = {
	.agent = "",
	.calls = 6, .done = 4, .interrupted = 1, .open = 1,	/* 1,3,4,5 / 2 / 6 */
	.handle_ms = MS(460 + 250 + 120 + 80),			/* calls 1, 3, 4, 5 */
	.hold_ms = MS(90 + 20), .holds = 3, .hold_longest_ms = MS(60),
	.wrapup_ms = MS(60 + 50 + 20 + 20),
	.escalated = 1, .transferred = 1, .warnings = 3, .warned = 1, .abuse = 1,
	.mood_calls = 5,				/* 1, 2, 3, 4, 5 */
	.mood_start_sum = 5 + 3 + 4 + 5 + 3, .mood_end_sum = 2 + 3 + 5 + 5 + 2,
	.mood_pairs = 3, .calmer = 2,			/* 1, 3, 5; 1 and 5 */
	.empathy_ms = MS(100 + 100 + 0), .empathy_calls = 3,
	.checklist_ticked = 2 + 0 + 0 + 1 + 1, .checklist_items = 7 + 2 + 4 + 3 + 2,
	.repeats = 2,					/* 3 (R1), 4 (R3) */
	.fu_done = 1, .fu_due = 1, .fu_overdue = 1, .fu_later = 1,
	.causes = 4,
	.stage_ms = {MS(100 + 50 + 100 + 20), 0, MS(100 + 100 + 60), 0, 0, MS(200), MS(80), 0},
	.outcomes = {[OUTCOME_RESOLVED] = 1, [OUTCOME_ESCALATED] = 1, [OUTCOME_ABUSE] = 1,
		     [OUTCOME_TRANSFERRED] = 1},		/* 1, 3, 4, 5 */
	.top = {{"billing", 3}, {"product", 1}}, .ntop = 2,
};

static const struct report_figures want_ana = {
	.agent = "ana",
	.calls = 4, .done = 2, .interrupted = 1, .open = 1,	/* 1,5 / 2 / 6 */
	.handle_ms = MS(460 + 80), .hold_ms = MS(110), .holds = 3, .hold_longest_ms = MS(60),
	.wrapup_ms = MS(60 + 20),
	.transferred = 1,
	.mood_calls = 3, .mood_start_sum = 5 + 3 + 3, .mood_end_sum = 2 + 3 + 2,
	.mood_pairs = 2, .calmer = 2,
	.empathy_ms = MS(100 + 0), .empathy_calls = 2,
	.checklist_ticked = 2 + 0 + 1, .checklist_items = 7 + 2 + 2,
	.fu_done = 1, .fu_due = 1,
	.causes = 2,
	.stage_ms = {MS(100 + 50), 0, MS(100 + 60), 0, 0, MS(200), 0, 0},
	.outcomes = {[OUTCOME_RESOLVED] = 1, [OUTCOME_TRANSFERRED] = 1}, /* 1, 5 */
	.top = {{"billing", 2}}, .ntop = 1,
};

static const struct report_figures want_bob = {
	.agent = "bob",
	.calls = 2, .done = 2,					/* 3, 4 */
	.handle_ms = MS(250 + 120), .wrapup_ms = MS(50 + 20),
	.escalated = 1, .warnings = 3, .warned = 1, .abuse = 1,
	.mood_calls = 2, .mood_start_sum = 4 + 5, .mood_end_sum = 5 + 5,
	.mood_pairs = 1, .calmer = 0,
	.empathy_ms = MS(100), .empathy_calls = 1,
	.checklist_ticked = 1, .checklist_items = 4 + 3,
	.repeats = 2, .fu_overdue = 1, .fu_later = 1,
	.causes = 2,
	.stage_ms = {MS(100 + 20), 0, MS(100), 0, 0, 0, MS(80), 0},
	.outcomes = {[OUTCOME_ESCALATED] = 1, [OUTCOME_ABUSE] = 1}, /* 3, 4 */
	.top = {{"billing", 1}, {"product", 1}}, .ntop = 2, /* a tie: by id */
};

START_TEST(every_figure_per_agent_and_overall)
{
	struct store *st = fixture();
	struct report *r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);

	ck_assert_int_eq(report_damaged(r), 0);
	check_figures(report_overall(r), &want_all);
	ck_assert_uint_eq(report_agent_count(r), 2);
	check_figures(report_agent(r, 0), &want_ana);
	check_figures(report_agent(r, 1), &want_bob);
	ck_assert_ptr_null(report_agent(r, 2));
	report_free(r);
	store_close(st);
}
END_TEST

/* Output of a writer as a string (free it). */
static char *written(const struct report *r, enum report_format fmt, int lines)
{
	struct poise_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	if (lines)
		ck_assert_int_eq(report_write_lines(r, f, fmt, &err), POISE_OK);
	else
		ck_assert_int_eq(report_write(r, f, fmt, &err), POISE_OK);
	fclose(f);
	return buf;
}

/*
 * Rounded as written, half away from zero: handle 910/4 = 227.5 -> 228,
 * wrap-up 150/4 = 37.5 -> 38, empathy 200/3 = 66.7 -> 67, adherence 4/18 =
 * 22.2 %, ana's mood 11/3 = 3.67 and 7/3 = 2.33, ana's solve 200/3 = 66.7.
 */
static const char *const csv_want[] = {
	"agent,calls,done,interrupted,open,handle_avg_s,wrapup_avg_s,hold_total_s,holds,"
	"hold_longest_s,escalated,escalation_pct,transferred,transfer_pct,warnings,warned_calls,"
	"abuse,mood_calls,mood_start_avg,mood_end_avg,mood_pairs,calmer,calmer_pct,empathy_calls,"
	"empathy_avg_s,checklist_ticked,checklist_items,checklist_pct,repeats,repeat_pct,"
	"followups_done,followups_due,followups_overdue,followups_later,caused_calls,"
	"qa_calls,qa_scorings,qa_score_pct,qa_auto_fails,stage_calm_avg_s,stage_listen_avg_s,stage_empathize_avg_s,stage_clarify_avg_s,"
	"stage_inform_avg_s,stage_solve_avg_s,stage_boundary_avg_s,stage_follow-up_avg_s,"
	"outcome_resolved,outcome_escalated,outcome_transferred,outcome_callback,outcome_abuse,"
	"outcome_unresolved,top_causes",
	"ALL,6,4,1,1,228,38,110,3,60,1,20.0,1,20.0,3,1,1,5,4.00,3.40,3,2,66.7,3,67,4,18,22.2,2,"
	"40.0,1,1,1,1,4,0,0,,0,54,0,52,0,0,40,16,0,1,1,1,0,1,0,billing:3;product:1",
	"ana,4,2,1,1,270,40,110,3,60,0,0.0,1,33.3,0,0,0,3,3.67,2.33,2,2,100.0,2,50,3,11,27.3,0,"
	"0.0,1,1,0,0,2,0,0,,0,50,0,53,0,0,67,0,0,1,0,1,0,0,0,billing:2",
	"bob,2,2,0,0,185,35,0,0,0,1,50.0,0,0.0,3,1,1,2,4.50,5.00,1,0,0.0,1,100,1,7,14.3,2,"
	"100.0,0,0,1,1,2,0,0,,0,60,0,50,0,0,0,40,0,0,1,0,0,1,0,billing:1;product:1",
};

START_TEST(csv_rows_hold_the_rounded_figures)
{
	struct store *st = fixture();
	struct report *r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	char *csv = written(r, REPORT_CSV, 0), *line, *save = NULL;
	size_t n = 0;

	for (line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		size_t len = strlen(line);

		ck_assert_msg(len > 0 && line[len - 1] == '\r', "row %zu does not end in CRLF", n);
		line[len - 1] = '\0';
		ck_assert_uint_lt(n, 4);
		ck_assert_str_eq(line, csv_want[n]);
	}
	ck_assert_uint_eq(n, 4);
	free(csv);
	report_free(r);
	store_close(st);
}
END_TEST

static const struct json *member(const struct json *obj, const char *key)
{
	const struct json *v = json_get(obj, key);

	ck_assert_msg(v != NULL, "no member '%s'", key);
	return v;
}

static double num(const struct json *obj, const char *key)
{
	const struct json *v = member(obj, key);

	ck_assert_msg(v->type == JSON_NUMBER, "'%s' is not a number", key);
	return v->number;
}

static struct json *parsed(const char *text)
{
	char msg[256];
	struct json *j = json_parse(text, strlen(text), msg, sizeof(msg));

	ck_assert_msg(j != NULL, "json: %s\n%s", msg, text);
	return j;
}

START_TEST(json_is_one_object_with_the_figures)
{
	struct store *st = fixture();
	struct report *r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	char *text = written(r, REPORT_JSON, 0);
	struct json *j = parsed(text);
	const struct json *all = member(j, "overall"), *agents = member(j, "agents"), *bob, *top;

	ck_assert_str_eq(member(j, "since")->string, "2024-05-10");
	ck_assert_str_eq(member(j, "until")->string, "2024-05-11");
	ck_assert_int_eq(member(j, "agent")->type, JSON_NULL);
	ck_assert_int_eq(num(j, "repeat_days"), 7);
	ck_assert_int_eq(num(j, "damaged"), 0);
	ck_assert_int_eq(num(all, "calls"), 6);
	ck_assert_int_eq(num(all, "handle_avg_s"), 228);
	ck_assert_double_eq_tol(num(all, "calmer_pct"), 66.7, 1e-9);
	ck_assert_double_eq_tol(num(all, "mood_end_avg"), 3.4, 1e-9);
	ck_assert_int_eq(num(all, "stage_boundary_avg_s"), 16);
	top = member(all, "top_causes");
	ck_assert_uint_eq(top->len, 2);
	ck_assert_str_eq(member(top->items[0], "cause")->string, "billing");
	ck_assert_int_eq(num(top->items[0], "calls"), 3);
	ck_assert_uint_eq(agents->len, 2);
	bob = agents->items[1];
	ck_assert_str_eq(member(bob, "agent")->string, "bob");
	ck_assert_double_eq_tol(num(member(bob, "figures"), "escalation_pct"), 50.0, 1e-9);
	ck_assert_double_eq_tol(num(member(bob, "figures"), "repeat_pct"), 100.0, 1e-9);
	ck_assert_int_eq(num(member(bob, "figures"), "hold_longest_s"), 0);
	json_free(j);
	free(text);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(no_calls_gives_empty_averages_not_zeros)
{
	struct store *st = fixture();
	struct report *r = run(st, NULL, NULL, "nobody", NULL, 7);
	char *text = written(r, REPORT_JSON, 0), *csv;
	struct json *j = parsed(text);
	const struct json *all = member(j, "overall");

	ck_assert_uint_eq(report_agent_count(r), 0);
	ck_assert_int_eq(num(all, "calls"), 0);
	ck_assert_int_eq(member(all, "handle_avg_s")->type, JSON_NULL);
	ck_assert_int_eq(member(all, "escalation_pct")->type, JSON_NULL);
	ck_assert_int_eq(member(all, "mood_start_avg")->type, JSON_NULL);
	ck_assert_str_eq(member(j, "agent")->string, "nobody");
	csv = written(r, REPORT_CSV, 0);
	ck_assert_ptr_nonnull(strstr(csv, "\r\nALL,0,0,0,0,,,0,0,0,0,,0,,"));
	json_free(j);
	free(text);
	free(csv);
	report_free(r);
	store_close(st);
}
END_TEST

static void check_line(const struct report *r, size_t i, const char *pb, int stage, int section,
		       size_t index, long shown, long used, long skipped, long samples, long change)
{
	struct report_line l;

	report_line_get(r, i, &l);
	ck_assert_str_eq(l.playbook_id, pb);
	ck_assert_int_eq(l.stage, stage);
	ck_assert_int_eq(l.section, section);
	ck_assert_uint_eq(l.index, index);
	ck_assert_msg(l.shown == shown && l.used == used && l.skipped == skipped &&
			      l.said.samples == samples && l.said.change_sum == change,
		      "line %zu: shown %ld used %ld skipped %ld samples %ld change %ld", i, l.shown,
		      l.used, l.skipped, l.said.samples, l.said.change_sum);
}

/*
 * Closed calls under rep-a: 1, 2, 3, 4, all visited calm; 1 and 3 visited
 * empathize. calm say 0: said once (call 1, 5 -> 4: -1). calm say 1:
 * skipped (calmer). calm ask 0: skipped (didn't fit). empathize say 0:
 * said twice, one sample (call 3, 4 -> 5: +1; call 1's next MOOD came 180 s
 * later). rep-b: call 5 visited empathize only.
 */
START_TEST(lines_shown_used_skipped_and_mood_after)
{
	struct store *st = fixture();
	struct report *r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	struct report_line l;

	ck_assert_uint_eq(report_line_count(r), 8);
	check_line(r, 0, "rep-a", CALM, SAY, 0, 4, 1, 0, 1, -1);
	check_line(r, 1, "rep-a", CALM, SAY, 1, 4, 0, 1, 0, 0);
	check_line(r, 2, "rep-a", CALM, ASK, 0, 4, 0, 1, 0, 0);
	check_line(r, 3, "rep-a", EMP, SAY, 0, 2, 2, 0, 1, 1);
	check_line(r, 4, "rep-b", CALM, SAY, 0, 0, 0, 0, 0, 0);
	check_line(r, 7, "rep-b", EMP, SAY, 0, 1, 0, 0, 0, 0);
	report_line_get(r, 1, &l);
	ck_assert_int_eq(l.skip_reason[SKIP_CALMER], 1);
	ck_assert_int_eq(l.skip_reason[SKIP_DIDNT_FIT], 0);
	ck_assert_str_eq(l.text, "Take your time");
	ck_assert_str_eq(l.playbook_hash, pba->hash);
	report_line_get(r, 2, &l);
	ck_assert_int_eq(l.skip_reason[SKIP_DIDNT_FIT], 1);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(lines_as_csv_and_json)
{
	struct store *st = fixture();
	struct report *r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	char *csv = written(r, REPORT_CSV, 1), *text = written(r, REPORT_JSON, 1), row[512];
	struct json *j = parsed(text);
	const struct json *lines = member(j, "lines");

	ck_assert_ptr_nonnull(strstr(csv, "playbook_id,playbook_version,playbook_hash,stage,"
					  "section,index,text,shown,used,skipped,skipped_didnt_fit,"
					  "skipped_calmer,skipped_wrong_scenario,skipped_other,"
					  "mood_change_avg,mood_change_samples,baseline_change_avg,"
					  "baseline_samples,calls_said,calls_baseline,few\r\n"));
	/* The text holds a comma: quoted. */
	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,calm,say,0,\"Breathe, {customer}.\",4,1,0,0,0,0,"
		 "0,-1.00,1,,0,1,0,1\r\n", pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);
	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,calm,ask,0,What happened?,4,0,1,1,0,0,0,,0,"
		 "-1.00,1,0,1,1\r\n",
		 pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);
	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,empathize,say,0,That sounds hard,2,2,0,0,0,0,"
		 "0,1.00,1,,0,1,0,1\r\n", pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);
	ck_assert_uint_eq(lines->len, 8);
	ck_assert_double_eq_tol(num(lines->items[0], "mood_change_avg"), -1.0, 1e-9);
	ck_assert_str_eq(member(lines->items[0], "text")->string, "Breathe, {customer}.");
	ck_assert_int_eq(member(lines->items[1], "mood_change_avg")->type, JSON_NULL);
	ck_assert_int_eq(num(member(lines->items[1], "skip_reasons"), "calmer"), 1);
	ck_assert_int_eq(num(lines->items[3], "used"), 2);
	ck_assert_double_eq_tol(num(lines->items[3], "mood_change_avg"), 1.0, 1e-9);
	ck_assert_str_eq(member(lines->items[7], "playbook_id")->string, "rep-b");
	json_free(j);
	free(text);
	free(csv);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(filter_by_agent_and_playbook)
{
	struct store *st = fixture();
	struct report *r = run(st, "2024-05-10", "2024-05-11", "bob", NULL, 7);
	struct report_figures bob_all = want_bob;

	/* Only bob's calls: the overall column is bob's, repeats still see ana's call 1. */
	bob_all.agent[0] = '\0';
	check_figures(report_overall(r), &bob_all);
	ck_assert_uint_eq(report_agent_count(r), 1);
	check_figures(report_agent(r, 0), &want_bob);
	report_free(r);

	/* rep-b: call 5 only (ana, transferred, billing); its four lines. */
	r = run(st, "2024-05-10", "2024-05-11", NULL, "rep-b", 7);
	ck_assert_int_eq(report_overall(r)->calls, 1);
	ck_assert_int_eq(report_overall(r)->transferred, 1);
	ck_assert_int_eq(report_overall(r)->fu_done, 1);
	ck_assert_uint_eq(report_agent_count(r), 1);
	ck_assert_str_eq(report_agent(r, 0)->agent, "ana");
	ck_assert_uint_eq(report_line_count(r), 4);
	check_line(r, 3, "rep-b", EMP, SAY, 0, 1, 0, 0, 0, 0);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(filter_by_days_inclusive)
{
	struct store *st = fixture();
	struct report *r = run(st, NULL, NULL, NULL, NULL, 7);

	/* Everything: calls 0-7; 0 and 7 are done; repeats are still 3 and 4. */
	ck_assert_int_eq(report_overall(r)->calls, 8);
	ck_assert_int_eq(report_overall(r)->done, 6);
	ck_assert_int_eq(report_overall(r)->repeats, 2);
	ck_assert_int_eq(report_overall(r)->causes, 5); /* + call 7's delivery */
	report_free(r);
	/* Up to and including 2024-05-10: calls 0, 1, 2. */
	r = run(st, NULL, "2024-05-10", NULL, NULL, 7);
	ck_assert_int_eq(report_overall(r)->calls, 3);
	report_free(r);
	/* 2024-05-11 alone: calls 3-6; the calls before it still make 3 and 4 repeats. */
	r = run(st, "2024-05-11", "2024-05-11", NULL, NULL, 7);
	ck_assert_int_eq(report_overall(r)->calls, 4);
	ck_assert_int_eq(report_overall(r)->repeats, 2);
	report_free(r);
	/* From 2024-05-12: call 7 only. */
	r = run(st, "2024-05-12", NULL, NULL, NULL, 7);
	ck_assert_int_eq(report_overall(r)->calls, 1);
	ck_assert_str_eq(report_overall(r)->top[0].id, "delivery");
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(repeat_days_sets_the_window)
{
	struct store *st = fixture();
	/* Call 4 came 4 days 1 hour after call 0: not within 3 days, within 4 and 5. */
	struct report *r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 3);

	ck_assert_int_eq(report_overall(r)->repeats, 1);
	report_free(r);
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 5);
	ck_assert_int_eq(report_overall(r)->repeats, 2);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(bad_repeat_days_refused)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct report_query q = {.repeat_days = 0, .utc = 1};
	struct poise_error err = {0};
	struct report *r = NULL;

	ck_assert_int_eq(report_run(st, &q, &r, &err), POISE_USAGE);
	ck_assert_ptr_null(r);
	q.repeat_days = REPORT_REPEAT_MAX + 1;
	ck_assert_int_eq(report_run(st, &q, &r, &err), POISE_USAGE);
	store_close(st);
}
END_TEST

/* A stored log the fold refuses (a hold ended that never started) is left out and counted. */
START_TEST(damaged_calls_are_counted_apart)
{
	struct store *st = fixture();
	struct report *r;
	char *table;

	begin(st, 0, "ana", "R7", D0 + 13 * HOUR, pba, CALM);
	ev(st, 0, EV_HOLD_END, 5, 0, 0, 0, NULL);
	end_call(st, 0, 10, "resolved", "billing", 12);
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	ck_assert_int_eq(report_damaged(r), 1);
	check_figures(report_overall(r), &want_all);
	table = written(r, REPORT_TABLE, 0);
	ck_assert_ptr_nonnull(strstr(table, "1 damaged call left out"));
	free(table);
	report_free(r);
	store_close(st);
}
END_TEST

/* Kept figures are read instead of the events: with the events gone, the same report. */
START_TEST(kept_figures_stand_for_the_events)
{
	struct store *st;
	struct report *r;

	keep_mode = 1;
	st = fixture();
	fx_sql_exec(fx_path(0, "db"),
		    "DELETE FROM events WHERE call_id IN (SELECT call_id FROM call_figures)");
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	check_figures(report_overall(r), &want_all);
	check_figures(report_agent(r, 0), &want_ana);
	check_figures(report_agent(r, 1), &want_bob);
	report_free(r);
	/* Refolding reads the events, and there are none left to say the calls ended. */
	refold_mode = 1;
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	ck_assert_int_eq(report_overall(r)->done, 0);
	ck_assert_int_eq(report_overall(r)->open, 6);
	report_free(r);
	store_close(st);
}
END_TEST

/* An event of a kind this poise does not know (a newer one wrote it): that call is damaged. */
START_TEST(unknown_event_kind_damages_its_call)
{
	struct store *st = fixture();
	struct report *r;
	struct poise_error err = {0};
	char q[256];

	snprintf(q, sizeof(q),
		 "UPDATE events SET kind = 'teleport' WHERE call_id = '%s' AND seq = 2", ids[2]);
	fx_sql_exec(fx_path(0, "db"), q);
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	ck_assert_int_eq(report_damaged(r), 1);
	ck_assert_int_eq(report_overall(r)->calls, want_all.calls - 1);
	report_free(r);
	ck_assert_int_eq(report_keep_call(st, ids[2], &err), POISE_DB);
	ck_assert_msg(strstr(err.msg, "unknown kind or stage") && strstr(err.msg, ids[2]), "%s",
		      err.msg);
	store_close(st);
}
END_TEST

/*
 * A kept row that is stale (another fold version, an event since) or not
 * a packing at all (cut short, garbage, a line index past the playbook)
 * is not trusted: those calls are folded from their events, same figures.
 */
START_TEST(stale_or_broken_kept_figures_are_refolded)
{
	struct store *st;
	struct report *r;
	char q[1024];

	keep_mode = 1;
	st = fixture();
	snprintf(q, sizeof(q),
		 "UPDATE call_figures SET fold = fold + 1 WHERE call_id = '%s';"
		 "UPDATE call_figures SET last_seq = last_seq - 1 WHERE call_id = '%s';"
		 "UPDATE call_figures SET figures = substr(figures, 1, length(figures) - 1) "
		 "WHERE call_id = '%s';"
		 "UPDATE call_figures SET figures = x'ffffffffffffffffffffff' WHERE call_id = '%s';"
		 "UPDATE call_figures SET figures = x'' WHERE call_id = '%s';",
		 ids[1], ids[2], ids[3], ids[4], ids[5]);
	fx_sql_exec(fx_path(0, "db"), q);
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	check_figures(report_overall(r), &want_all);
	check_figures(report_agent(r, 0), &want_ana);
	check_figures(report_agent(r, 1), &want_bob);
	ck_assert_int_eq(report_damaged(r), 0);
	report_free(r);
	store_close(st);
}
END_TEST

/*
 * The packing of one call, pinned with the version that made it. When a
 * change to the fold or to the packing changes it, raise
 * REPORT_FIGURES_VERSION (so databases' kept rows of the old version are
 * ignored) and pin the new bytes here.
 */
static void check_pinned(const unsigned char *blob, size_t len)
{
	static const char pinned[] =
		"0200904e000000a01f000000000002060600000000000400f02e000000000000"
		"0002000202000202000000020c14323032342d30352d3131";
	char hex[512] = "";

	ck_assert_uint_lt(len * 2, sizeof(hex));
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", blob[i]);
	ck_assert_int_eq(REPORT_FIGURES_VERSION, 2);
	ck_assert_msg(strcmp(hex, pinned) == 0,
		      "a call's figures changed (%s, pinned %s): raise REPORT_FIGURES_VERSION", hex,
		      pinned);
}

/* Packing round-trips, and a line index past the playbook is refused. */
START_TEST(packed_figures_round_trip_and_are_checked)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	struct poise_error err = {0};
	struct event evs[] = {
		{.t = D0 + S(0), .kind = EV_START, .stage = CALM, .text = pba->hash},
		{.t = D0 + S(1), .kind = EV_SAID, .stage = CALM, .a = SECTION_SAY, .b = 1},
		{.t = D0 + S(2), .kind = EV_MOOD, .stage = CALM, .a = 3},
		{.t = D0 + S(3), .kind = EV_WRAPUP, .stage = CALM},
		{.t = D0 + S(3), .kind = EV_OUTCOME, .stage = CALM, .text = "resolved"},
		{.t = D0 + S(4),
		 .kind = EV_FOLLOWUP,
		 .stage = CALM,
		 .text = "2024-05-11\tphone\tx"},
		{.t = D0 + S(5), .kind = EV_END, .stage = CALM},
	};
	struct call_figs f = {0};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		evs[i].seq = (int64_t)i + 1;
	ck_assert_int_eq(report_pack_call(pba, evs, 3, &blob, &len, &err), POISE_STATE);
	ck_assert_ptr_null(blob);
	ck_assert_int_eq(report_pack_call(pba, evs, 7, &blob, &len, &err), POISE_OK);
	ck_assert_int_eq(call_figs_unpack(&f, pba, blob, len), 1);
	check_pinned(blob, len);
	ck_assert_int_eq(f.one.done, 1);
	ck_assert_int_eq(f.one.handle_ms, S(5));
	ck_assert_int_eq(f.one.wrapup_ms, S(2));
	ck_assert_uint_eq(f.nlev, 1);
	ck_assert_int_eq(f.lev[0].index, 1);
	ck_assert_int_eq(f.lev[0].skip, -1);
	ck_assert_uint_eq(f.nfu, 1);
	ck_assert_str_eq(f.fu[0].due, "2024-05-11");
	ck_assert_int_eq(f.fu[0].seq, 6);
	/* Every cut of the packing is refused, never read past. */
	for (size_t n = 0; n < len; n++)
		ck_assert_int_eq(call_figs_unpack(&f, pba, blob, n), 0);
	/* calm has two say lines: a packing that says index 2 is refused. */
	f.lev[0].index = 2;
	free(blob);
	ck_assert_int_eq(call_figs_pack(&f, &blob, &len), 1);
	ck_assert_int_eq(call_figs_unpack(&f, pba, blob, len), 0);
	call_figs_free(&f);
	free(blob);
}
END_TEST

static void check_width(const char *text, int max)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		ck_assert_msg((int)n <= max, "line wider than %d: %.*s", max, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

START_TEST(table_fits_80_columns)
{
	struct store *st = fixture();
	struct report *r;
	char *table, *lines;
	const char *more[] = {"cyd", "dee", "eve", "fay"};

	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	table = written(r, REPORT_TABLE, 0);
	check_width(table, 80);
	ck_assert_ptr_nonnull(strstr(table, "calls started 2024-05-10 .. 2024-05-11 (UTC days)\n"));
	ck_assert_ptr_nonnull(strstr(table, "ALL        ana        bob\n"));
	/* 228 s, 270 s, 185 s. */
	ck_assert_ptr_nonnull(
		strstr(table, "avg handle time            03:48      04:30      03:05\n"));
	ck_assert_ptr_nonnull(strstr(table, "escalation rate            20.0%       0.0%      50.0%\n"));
	ck_assert_ptr_nonnull(strstr(table, "  ALL: billing 3, product 1\n"));
	lines = written(r, REPORT_TABLE, 1);
	check_width(lines, 80);
	ck_assert_ptr_nonnull(strstr(lines, "rep-a 1.0 ("));
	ck_assert_ptr_nonnull(strstr(lines, "  skipped: calmer 1\n"));
	free(table);
	free(lines);
	report_free(r);
	/* Six agents: two blocks, each headed by ALL. */
	for (int i = 0; i < 4; i++) {
		begin(st, i, more[i], "", D0 + 20 * HOUR + i * HOUR, pba, CALM);
		end_call(st, i, 10, "resolved", NULL, 20);
	}
	r = run(st, "2024-05-10", "2024-05-11", NULL, NULL, 7);
	table = written(r, REPORT_TABLE, 0);
	check_width(table, 80);
	ck_assert_ptr_nonnull(strstr(table, "ALL        ana        bob        cyd        dee\n"));
	ck_assert_ptr_nonnull(strstr(table, "ALL        eve        fay\n"));
	free(table);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(days_parse_strictly)
{
	struct poise_error err = {0};
	int64_t ms = 0;
	const char *bad[] = {"", "2024-5-10", "2024-05-1", "2024/05/10", "2024-02-30",
			     "2024-13-01", "2024-00-10", "1969-12-31", "2024-05-10x", "abcd-ef-gh"};

	ck_assert_int_eq(day_parse("2024-05-10", 1, 0, &ms, &err), POISE_OK);
	ck_assert_int_eq(ms, D0);
	ck_assert_int_eq(day_parse("2024-05-10", 1, 1, &ms, &err), POISE_OK);
	ck_assert_int_eq(ms, D0 + DAY);
	ck_assert_int_eq(day_parse("2024-12-31", 1, 1, &ms, &err), POISE_OK);
	ck_assert_int_eq(ms, INT64_C(1735689600000)); /* 2025-01-01 */
	ck_assert_int_eq(day_parse("2024-02-29", 1, 0, &ms, &err), POISE_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(day_parse(bad[i], 1, 0, &ms, &err) == POISE_USAGE, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "is not a date"));
	}
	/* Local days: at UTC+2 a day starts two hours before the UTC one. */
	setenv("TZ", "UTC-2", 1);
	tzset();
	ck_assert_int_eq(day_parse("2024-05-10", 0, 0, &ms, &err), POISE_OK);
	ck_assert_int_eq(ms, D0 - 2 * HOUR);
	setenv("TZ", "UTC", 1);
	tzset();
	ck_assert_int_eq(report_format_from_name("table"), REPORT_TABLE);
	ck_assert_int_eq(report_format_from_name("csv"), REPORT_CSV);
	ck_assert_int_eq(report_format_from_name("json"), REPORT_JSON);
	ck_assert_int_eq(report_format_from_name("jsonl"), -1);
	ck_assert_int_eq(report_div_round(5, 2), 3);
	ck_assert_int_eq(report_div_round(-5, 2), -3);
	ck_assert_int_eq(report_div_round(4, 3), 1);
}
END_TEST

/* The figure tests, run once per way of reading a call. */
/* A mark made at sec and taken back half a second later; returns the mark's seq. */
static int64_t undone(struct store *st, int n, enum event_kind kind, double sec, int a, int b,
		      const char *text)
{
	int64_t seq = fx_append(st, ids[n], kind, t0 + (int64_t)(sec * 1000), 0, a, b, text);

	ev(st, n, EV_UNDO, sec + 0.5, 0, (int)seq, 0, NULL);
	return seq;
}

/* Call 0 in a database of its own, with or without marks taken back: the report's CSV. */
static char *one_call_report(int slot, int with_undone, int lines)
{
	struct store *st = fx_open(fx_path(slot, slot ? "undo.db" : "plain.db"));
	struct poise_error err = {0};
	struct report *r;
	char *csv;

	begin(st, 0, "ann", "R1", D0 + 9 * HOUR, pba, CALM);
	ev(st, 0, EV_MOOD, 5, 0, 4, 0, NULL);
	ev(st, 0, EV_SAID, 10, 0, SAY, 0, NULL);
	if (with_undone) {
		int64_t hold = fx_append(st, ids[0], EV_HOLD_START, t0 + 11000, 0, 0, 0, NULL);

		undone(st, 0, EV_HOLD_END, 12, 0, 0, NULL);
		ev(st, 0, EV_UNDO, 13, 0, (int)hold, 0, NULL);
		undone(st, 0, EV_SKIP, 14, SAY, 1, "calmer");
		undone(st, 0, EV_SAID, 15, ASK, 0, NULL);
		undone(st, 0, EV_MOOD, 16, 1, 0, NULL);
		undone(st, 0, EV_CHECK, 17, 1, 1, NULL);
		undone(st, 0, EV_NOTE, 18, 0, 0, "wrong call");
		undone(st, 0, EV_ESCALATE, 18.6, 0, 0, "by mistake");
		undone(st, 0, EV_MANAGER, 19.2, 0, 0, NULL);
		ev(st, 0, EV_UNDO, 19.9, 0,
		   (int)fx_append(st, ids[0], EV_STAGE, t0 + 19800, LISTEN, CALM, 0, NULL), 0,
		   NULL);
	}
	ev(st, 0, EV_MOOD, 20, 0, 3, 0, NULL);
	ev(st, 0, EV_STAGE, 30, EMP, CALM, 0, NULL);
	if (with_undone) {
		int64_t b = fx_append(st, ids[0], EV_STAGE, t0 + 31000, BOUNDARY, EMP, 0, NULL);

		undone(st, 0, EV_WARNING, 32, 1, 0, NULL);
		ev(st, 0, EV_UNDO, 33, 0, (int)b, 0, NULL);
	}
	end_call(st, 0, 60, "resolved", "billing", 70);
	if (keep_mode)
		ck_assert_msg(report_keep_call(st, ids[0], &err) == POISE_OK, "keep: %s", err.msg);
	r = run(st, NULL, NULL, NULL, NULL, 7);
	csv = written(r, REPORT_CSV, lines);
	report_free(r);
	store_close(st);
	return csv;
}

/* Marks taken back with UNDO leave no trace in the figures or the lines. */
START_TEST(undone_marks_leave_no_figures)
{
	for (int lines = 0; lines < 2; lines++) {
		char *plain = one_call_report(0, 0, lines), *with = one_call_report(1, 1, lines);

		ck_assert_str_eq(with, plain);
		free(plain);
		free(with);
	}
}
END_TEST

/* The baseline figures of line i: calls said, baseline calls, samples, sum, few. */
static void check_base(const struct report *r, size_t i, long said, long calls, long samples,
		       long sum, int few)
{
	struct report_line l;

	report_line_get(r, i, &l);
	ck_assert_msg(l.said.calls == said && l.base.calls == calls && l.base.samples == samples &&
			      l.base.change_sum == sum && l.few == few,
		      "line %zu: said %ld base calls %ld samples %ld sum %ld few %d", i, l.said.calls,
		      l.base.calls, l.base.samples, l.base.change_sum, l.few);
}

/*
 * The baseline, by hand. Eleven calls under rep-a in calm, each from mood 4:
 *  0: says calm say 0 (-> 3: -1), again (-> 2: -1).
 *  1-4: say calm say 0 (-> 3: -1).
 *  5-8: say calm say 1, moods after 4, 5, 5, 4: 0, +1, +1, 0.
 *  9: says calm say 1 (-> 5: +1), calm ask 0 (-> 4: -1), then in
 *     empathize its say 0 (-> 2: -2): another stage, not calm's baseline.
 * 10: says calm say 0, next mood 190 s later: no sample anywhere.
 * calm say 0: used 7, samples 6 (-6: -1.00) in 5 calls; baseline calls
 *   5-9: 6 samples (0+1+1+0 + 1-1 = 2: 0.33) in 5 calls: enough.
 * calm say 1: used 5, samples 5 (+3: 0.60) in 5 calls; baseline calls 0-4:
 *   6 samples (-6: -1.00) in 5 calls (10 has none): enough.
 * calm ask 0: used 1, 1 sample (-1) in 1 call; baseline calls 0-8: 10
 *   samples (-6 + 2 = -4: -0.40) in 9 calls: too few said.
 * empathize say 0: shown 1, 1 sample (-2) in 1 call; no baseline: too few.
 */
static struct store *baseline_fixture(void)
{
	struct store *st = fx_open(fx_path(0, "db"));
	static const int after[4] = {4, 5, 5, 4};
	struct poise_error err = {0};

	for (int i = 0; i <= 10; i++) {
		begin(st, i, "ana", "", D0 + i * HOUR, pba, CALM);
		ev(st, i, EV_MOOD, 1, 0, 4, 0, NULL);
		if (i <= 4 || i == 10) {
			ev(st, i, EV_SAID, 10, 0, SAY, 0, NULL);
			ev(st, i, EV_MOOD, i == 10 ? 200 : 20, 0, i == 10 ? 2 : 3, 0, NULL);
		} else {
			ev(st, i, EV_SAID, 10, 0, SAY, 1, NULL);
			ev(st, i, EV_MOOD, 20, 0, i == 9 ? 5 : after[i - 5], 0, NULL);
		}
		if (i == 0) {
			ev(st, i, EV_SAID, 25, 0, SAY, 0, NULL);
			ev(st, i, EV_MOOD, 30, 0, 2, 0, NULL);
		}
		if (i == 9) {
			ev(st, i, EV_SAID, 30, 0, ASK, 0, NULL);
			ev(st, i, EV_MOOD, 40, 0, 4, 0, NULL);
			ev(st, i, EV_STAGE, 50, EMP, CALM, 0, NULL);
			ev(st, i, EV_SAID, 60, 0, SAY, 0, NULL);
			ev(st, i, EV_MOOD, 70, 0, 2, 0, NULL);
		}
		end_call(st, i, 250, "resolved", NULL, 260);
		if (keep_mode)
			ck_assert_int_eq(report_keep_call(st, ids[i], &err), POISE_OK);
	}
	return st;
}

START_TEST(lines_against_their_baseline)
{
	struct store *st = baseline_fixture();
	struct report *r = run(st, NULL, NULL, NULL, NULL, 7);
	char *csv = written(r, REPORT_CSV, 1), *text = written(r, REPORT_JSON, 1), row[512];
	char *table = written(r, REPORT_TABLE, 1);
	struct json *j = parsed(text);
	const struct json *lines = member(j, "lines");

	ck_assert_uint_eq(report_line_count(r), 4);
	check_line(r, 0, "rep-a", CALM, SAY, 0, 11, 7, 0, 6, -6);
	check_line(r, 1, "rep-a", CALM, SAY, 1, 11, 5, 0, 5, 3);
	check_line(r, 2, "rep-a", CALM, ASK, 0, 11, 1, 0, 1, -1);
	check_line(r, 3, "rep-a", EMP, SAY, 0, 1, 1, 0, 1, -2);
	check_base(r, 0, 5, 5, 6, 2, 0);
	check_base(r, 1, 5, 5, 6, -6, 0);
	check_base(r, 2, 1, 9, 10, -4, 1);
	check_base(r, 3, 1, 0, 0, 0, 1);

	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,calm,say,0,\"Breathe, {customer}.\",11,7,0,0,0,"
		 "0,0,-1.00,6,0.33,6,5,5,0\r\n", pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);
	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,calm,say,1,Take your time,11,5,0,0,0,0,0,"
		 "0.60,5,-1.00,6,5,5,0\r\n", pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);
	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,calm,ask,0,What happened?,11,1,0,0,0,0,0,"
		 "-1.00,1,-0.40,10,1,9,1\r\n", pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);
	snprintf(row, sizeof(row), "\r\nrep-a,1.0,%s,empathize,say,0,That sounds hard,1,1,0,0,0,0,"
		 "0,-2.00,1,,0,1,0,1\r\n", pba->hash);
	ck_assert_msg(strstr(csv, row), "no row %s in\n%s", row, csv);

	ck_assert_uint_eq(lines->len, 4);
	ck_assert_double_eq_tol(num(lines->items[0], "baseline_change_avg"), 0.33, 1e-9);
	ck_assert_int_eq(num(lines->items[0], "baseline_samples"), 6);
	ck_assert_int_eq(num(lines->items[0], "calls_said"), 5);
	ck_assert_int_eq(num(lines->items[0], "calls_baseline"), 5);
	ck_assert_int_eq(member(lines->items[0], "few")->type, JSON_BOOL);
	ck_assert_int_eq(member(lines->items[0], "few")->boolean, 0);
	ck_assert_double_eq_tol(num(lines->items[1], "mood_change_avg"), 0.6, 1e-9);
	ck_assert_double_eq_tol(num(lines->items[1], "baseline_change_avg"), -1.0, 1e-9);
	ck_assert_double_eq_tol(num(lines->items[2], "baseline_change_avg"), -0.4, 1e-9);
	ck_assert_int_eq(num(lines->items[2], "calls_baseline"), 9);
	ck_assert_int_eq(member(lines->items[2], "few")->boolean, 1);
	ck_assert_int_eq(member(lines->items[3], "baseline_change_avg")->type, JSON_NULL);
	ck_assert_int_eq(num(lines->items[3], "calls_baseline"), 0);

	/* The table: said and baseline side by side, '*' where too few. */
	check_width(table, 80);
	ck_assert_msg(strstr(table, "calm      say 1      11     7     0  -1.00    5  +0.33    5   "
				    "Breathe"),
		      "%s", table);
	ck_assert_msg(strstr(table, "calm      ask 1      11     1     0  -1.00    1  -0.40    9 * "
				    "What"),
		      "%s", table);
	json_free(j);
	free(table);
	free(text);
	free(csv);
	report_free(r);
	store_close(st);
}
END_TEST

static void add_report_tests(TCase *tc)
{
	tcase_add_test(tc, undone_marks_leave_no_figures);
	tcase_add_test(tc, every_figure_per_agent_and_overall);
	tcase_add_test(tc, csv_rows_hold_the_rounded_figures);
	tcase_add_test(tc, json_is_one_object_with_the_figures);
	tcase_add_test(tc, no_calls_gives_empty_averages_not_zeros);
	tcase_add_test(tc, lines_shown_used_skipped_and_mood_after);
	tcase_add_test(tc, lines_as_csv_and_json);
	tcase_add_test(tc, lines_against_their_baseline);
	tcase_add_test(tc, filter_by_agent_and_playbook);
	tcase_add_test(tc, filter_by_days_inclusive);
	tcase_add_test(tc, repeat_days_sets_the_window);
	tcase_add_test(tc, bad_repeat_days_refused);
	tcase_add_test(tc, damaged_calls_are_counted_apart);
	tcase_add_test(tc, table_fits_80_columns);
	tcase_add_test(tc, days_parse_strictly);
}

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kept_figures_stand_for_the_events);
	tcase_add_test(tc, stale_or_broken_kept_figures_are_refolded);
	tcase_add_test(tc, unknown_event_kind_damages_its_call);
	tcase_add_test(tc, packed_figures_round_trip_and_are_checked);
	add_report_tests(tc);
	suite_add_tcase(s, tc);
	tc = tcase_create("kept");
	tcase_add_checked_fixture(tc, setup_kept, teardown);
	add_report_tests(tc);
	suite_add_tcase(s, tc);
	tc = tcase_create("refold");
	tcase_add_checked_fixture(tc, setup_refold, teardown);
	add_report_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}
