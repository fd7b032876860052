/*
 * check_floor.c - the live floor's rows, their order and its alerts
 * (floor.h), from calls folded here: no server, no curses.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "poise/floor.h"
#include "poise/playbook.h"
#include "main/suite.h"

#define T0 INT64_C(1700000000000)

static struct playbook *pb;

static void setup(void)
{
	struct poise_error err;

	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
}

static void teardown(void)
{
	playbook_free(pb);
}

/* A call of agent folded from evs (each at T0 + its index in seconds), as a row at now. */
static struct floor_row row_of(const char *agent, const struct event *evs, size_t n, int64_t now)
{
	struct call_state cs;
	struct call_meta m;
	struct floor_row r;
	struct event start = {.t = T0, .kind = EV_START, .stage = STAGE_CALM};

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "0190a0b0-0000-7000-8000-0000000000%02d", (int)strlen(agent));
	snprintf(m.agent, sizeof(m.agent), "%s", agent);
	snprintf(m.customer, sizeof(m.customer), "Ms %s", agent);
	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	start.text = pb->hash;
	ck_assert_int_eq(call_apply(&cs, &start), POISE_OK);
	for (size_t i = 0; i < n; i++) {
		struct event ev = evs[i];

		ev.t = T0 + (int64_t)(i + 1) * 1000;
		ck_assert_msg(call_apply(&cs, &ev) == POISE_OK, "event %zu", i);
	}
	floor_row_make(&r, &m, &cs, now);
	call_free(&cs);
	return r;
}

#define ROW(agent, now, ...)                                                                       \
	row_of(agent, (const struct event[]){{.kind = EV_NOTE, .text = "-"}, __VA_ARGS__},        \
	       sizeof((const struct event[]){{.kind = EV_NOTE, .text = "-"}, __VA_ARGS__}) /       \
		       sizeof(struct event),                                                       \
	       now)

START_TEST(test_row_figures)
{
	int64_t now = T0 + 60000;
	struct floor_row r = ROW("sam", now, {.kind = EV_MOOD, .a = 3},
				 {.kind = EV_STAGE, .stage = STAGE_BOUNDARY},
				 {.kind = EV_WARNING, .a = 1}, {.kind = EV_PROMPT, .a = 0},
				 {.kind = EV_HOLD_START});

	ck_assert_str_eq(r.agent, "sam");
	ck_assert_str_eq(r.customer, "Ms sam");
	ck_assert_int_eq(r.phase, CALL_TALK);
	ck_assert_int_eq(r.stage, STAGE_BOUNDARY);
	ck_assert_int_eq(r.mood, 3);
	ck_assert_int_eq(r.warnings, 1);
	ck_assert_int_eq(r.prompts, 1);
	ck_assert_int_eq(r.on_hold, 1);
	ck_assert_int_eq(r.hold_ms, 60000 - 6000); /* the hold began at the sixth second */
	ck_assert_int_eq(r.elapsed_ms, 60000);
	ck_assert_int_eq(r.need, FLOOR_WATCH); /* a first warning */
}
END_TEST

/* Each need from what it is defined by, and not from anything less. */
START_TEST(test_needs)
{
	int64_t now = T0 + 30000, long_hold = T0 + 3000 + FLOOR_HOLD_LONG_MS + 1;

	ck_assert_int_eq(ROW("a", now, {.kind = EV_MOOD, .a = 3}).need, FLOOR_FINE);
	ck_assert_int_eq(ROW("a", now, {.kind = EV_MOOD, .a = 4}).need, FLOOR_WATCH);
	ck_assert_int_eq(ROW("a", now, {.kind = EV_HOLD_START}).need, FLOOR_FINE);
	ck_assert_int_eq(ROW("a", long_hold, {.kind = EV_HOLD_START}).need, FLOOR_WATCH);
	ck_assert_int_eq(ROW("a", now, {.kind = EV_STAGE, .stage = STAGE_BOUNDARY},
			     {.kind = EV_WARNING, .a = 1}, {.kind = EV_WARNING, .a = 2})
				 .need,
			 FLOOR_WARNED);
	ck_assert_int_eq(ROW("a", now, {.kind = EV_MANAGER}).need, FLOOR_HELP);
	ck_assert_int_eq(ROW("a", now, {.kind = EV_ESCALATE, .text = "x"}).need, FLOOR_HELP);
	/* An escalation taken back asks for nothing. */
	ck_assert_int_eq(ROW("a", now, {.kind = EV_ESCALATE, .text = "x"},
			     {.kind = EV_UNDO, .a = 3})
				 .need,
			 FLOOR_FINE);
	/* The wrap-up is past helping: fine, whatever happened. */
	ck_assert_int_eq(ROW("a", now, {.kind = EV_MANAGER}, {.kind = EV_WRAPUP}).need, FLOOR_FINE);
	ck_assert_str_eq(floor_need_word(FLOOR_HELP), "HELP");
	ck_assert_str_eq(floor_need_word(FLOOR_FINE), "");
}
END_TEST

START_TEST(test_order)
{
	int64_t now = T0 + 30000;
	struct floor_row rows[] = {
		ROW("fine", now, {.kind = EV_MOOD, .a = 2}),
		ROW("watch4", now, {.kind = EV_MOOD, .a = 4}),
		ROW("helpcalm", now, {.kind = EV_MOOD, .a = 1}, {.kind = EV_MANAGER}),
		ROW("warned", now, {.kind = EV_STAGE, .stage = STAGE_BOUNDARY},
		    {.kind = EV_WARNING, .a = 1}, {.kind = EV_WARNING, .a = 2}),
		ROW("watch5", now, {.kind = EV_MOOD, .a = 5}),
		ROW("helpangry", now, {.kind = EV_MOOD, .a = 5}, {.kind = EV_ESCALATE, .text = "x"}),
		ROW("b_same", now, {.kind = EV_MOOD, .a = 2}),
	};
	static const char *const want[] = {"helpangry", "helpcalm", "warned", "watch5",
					   "watch4",	"b_same",   "fine"};
	size_t n = sizeof(rows) / sizeof(rows[0]);

	floor_sort(rows, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(rows[i].agent, want[i]);
	ck_assert_int_eq(floor_row_cmp(&rows[0], &rows[0]), 0);
	/* Same need and mood: the longer hold under way first. */
	{
		struct floor_row a = rows[5], b = rows[5];

		b.hold_ms = 1000;
		ck_assert_int_gt(floor_row_cmp(&a, &b), 0);
		a.hold_ms = 2000;
		ck_assert_int_lt(floor_row_cmp(&a, &b), 0);
	}
}
END_TEST

START_TEST(test_alerts)
{
	char buf[64];

	ck_assert_int_eq(floor_alert_of(&(struct event){.kind = EV_ESCALATE}), FLOOR_ALERT_ESCALATE);
	ck_assert_int_eq(floor_alert_of(&(struct event){.kind = EV_MANAGER}), FLOOR_ALERT_MANAGER);
	ck_assert_int_eq(floor_alert_of(&(struct event){.kind = EV_WARNING, .a = 1}),
			 FLOOR_ALERT_NONE);
	ck_assert_int_eq(floor_alert_of(&(struct event){.kind = EV_WARNING, .a = 2}),
			 FLOOR_ALERT_WARNING);
	ck_assert_int_eq(floor_alert_of(&(struct event){.kind = EV_WARNING, .a = 3}),
			 FLOOR_ALERT_WARNING);
	for (int k = 0; k < EV_COUNT; k++)
		if (k != EV_ESCALATE && k != EV_MANAGER && k != EV_WARNING)
			ck_assert_int_eq(floor_alert_of(&(struct event){.kind = k, .a = 2}),
					 FLOOR_ALERT_NONE);
	ck_assert_str_eq(floor_alert_words(buf, sizeof(buf), FLOOR_ALERT_WARNING, 2),
			 "boundary warning 2");
	ck_assert_str_eq(floor_alert_words(buf, sizeof(buf), FLOOR_ALERT_MANAGER, 0),
			 "manager requested");
	ck_assert_str_eq(floor_alert_words(buf, sizeof(buf), FLOOR_ALERT_ESCALATE, 0),
			 "escalated");
}
END_TEST

Suite *floor_suite(void)
{
	Suite *s = suite_create("floor");
	TCase *tc = tcase_create("floor");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_row_figures);
	tcase_add_test(tc, test_needs);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_alerts);
	suite_add_tcase(s, tc);
	return s;
}
