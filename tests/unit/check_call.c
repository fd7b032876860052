/* check_call.c - the call state as a fold over events. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/util/grow.h"
#include "helpers/fixture_call.h"
#include "helpers/fixture_playbook.h"
#include "poise/call.h"
#include "main/suite.h"

static struct playbook *pb;
static struct call_state cs;

static const struct pb_rule test_rules[] = {
	{.id = "calm-down", .kind = RULE_MOOD, .mood = 4, .seconds = 60, .message = "m"},
	{.id = "hold-long", .kind = RULE_HOLD, .seconds = 45, .message = "h"},
};

static void setup(void)
{
	pb = fixture_call_new(&cs, test_rules, 2);
	ck_assert_ptr_nonnull(pb);
}

static void teardown(void)
{
	fixture_call_free(&cs, pb);
}

#define T(s)				(FIXTURE_T0 + SEC(s))
#define put(kind, t, stage, a, b, text) fixture_apply(&cs, kind, t, stage, a, b, text)

#define OK(kind, t, stage, a, b, text) ck_assert_int_eq(put(kind, t, stage, a, b, text), POISE_OK)
#define OK0(kind, t)		       OK(kind, t, 0, 0, 0, NULL)

START_TEST(test_init)
{
	ck_assert_int_eq(cs.phase, CALL_NEW);
	ck_assert_int_eq(cs.outcome, OUTCOME_NONE);
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	ck_assert_int_eq(cs.mood, 0);
	ck_assert_uint_eq(call_section_len(&cs, STAGE_SOLVE, SECTION_CHECKLIST), FIXTURE_CHECKLIST);
	ck_assert_uint_eq(call_section_len(&cs, STAGE_CALM, SECTION_SAY), FIXTURE_SAY);
	ck_assert_uint_eq(call_section_len(&cs, STAGE_COUNT, SECTION_SAY), 0);
	for (int s = 0; s < STAGE_COUNT; s++) {
		ck_assert_uint_eq(call_ticked_count(&cs, s), 0);
		for (size_t i = 0; i < FIXTURE_CHECKLIST; i++)
			ck_assert_int_eq(cs.ticked[s][i], 0);
		for (size_t i = 0; i < FIXTURE_SAY; i++)
			ck_assert_int_eq(cs.lines[s][SECTION_SAY][i].mark, LINE_SHOWN);
	}
	ck_assert_int_eq(cs.rules[1].fired, 0);
	ck_assert_int_eq(call_elapsed_ms(&cs, T(100)), 0);
}
END_TEST

START_TEST(test_start)
{
	OK0(EV_START, T(0));
	ck_assert_int_eq(cs.phase, CALL_TALK);
	ck_assert_int_eq(cs.started, T(0));
	ck_assert_int_eq(cs.stage, STAGE_CALM);
	ck_assert_int_eq(cs.stage_since, T(0));
	ck_assert_uint_eq(cs.visited, 1u << STAGE_CALM);
	ck_assert_int_eq(cs.stage_visits[STAGE_CALM], 1);
	ck_assert_int_eq(cs.last_t, T(0));
	ck_assert_int_eq(cs.nevents, 1);
	ck_assert_int_eq(call_elapsed_ms(&cs, T(5)), SEC(5));
	ck_assert_int_eq(call_talk_ms(&cs, T(5)), SEC(5));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(5)), 0);
}
END_TEST

START_TEST(test_stage_time)
{
	OK0(EV_START, T(0));
	OK(EV_STAGE, T(120), STAGE_LISTEN, STAGE_CALM, 0, NULL);
	OK(EV_STAGE, T(150), STAGE_EMPATHIZE, STAGE_LISTEN, 0, NULL);
	OK(EV_STAGE, T(195), STAGE_LISTEN, STAGE_EMPATHIZE, 0, NULL);
	ck_assert_int_eq(cs.stage, STAGE_LISTEN);
	ck_assert_int_eq(cs.stage_since, T(195));
	ck_assert_int_eq(cs.stage_ms[STAGE_CALM], SEC(120));
	ck_assert_int_eq(cs.stage_ms[STAGE_LISTEN], SEC(30));
	ck_assert_int_eq(cs.stage_ms[STAGE_EMPATHIZE], SEC(45));
	ck_assert_int_eq(cs.stage_visits[STAGE_LISTEN], 2);
	ck_assert_int_eq(cs.stage_visits[STAGE_EMPATHIZE], 1);
	ck_assert_int_eq(cs.stage_visits[STAGE_SOLVE], 0);
	ck_assert_uint_eq(cs.visited,
			  (1u << STAGE_CALM) | (1u << STAGE_LISTEN) | (1u << STAGE_EMPATHIZE));
	ck_assert_int_eq(cs.empathy_at, T(150));
	/* The open visit counts up to now in its own stage only. */
	ck_assert_int_eq(call_in_stage_ms(&cs, T(205)), SEC(10));
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_LISTEN, T(205)), SEC(40));
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_CALM, T(205)), SEC(120));
	ck_assert_int_eq(call_elapsed_ms(&cs, T(205)), SEC(205));
	/* A second visit to empathize does not move the time to empathy. */
	OK(EV_STAGE, T(300), STAGE_EMPATHIZE, STAGE_LISTEN, 0, NULL);
	ck_assert_int_eq(cs.empathy_at, T(150));
	ck_assert_int_eq(cs.stage_ms[STAGE_LISTEN], SEC(135));
}
END_TEST

START_TEST(test_mood)
{
	OK0(EV_START, T(0));
	ck_assert_int_eq(call_mood_held_ms(&cs, T(5)), 0);
	OK(EV_MOOD, T(10), 0, 3, 0, NULL);
	OK(EV_MOOD, T(20), 0, 3, 0, NULL);
	ck_assert_int_eq(cs.mood, 3);
	ck_assert_int_eq(cs.mood_since, T(10));
	ck_assert_int_eq(call_mood_held_ms(&cs, T(25)), SEC(15));
	OK(EV_MOOD, T(30), 0, 5, 0, NULL);
	ck_assert_int_eq(cs.mood, 5);
	ck_assert_int_eq(cs.mood_since, T(30));
	ck_assert_uint_eq(cs.nmoods, 3);
	ck_assert_int_eq(cs.moods[0].mood, 3);
	ck_assert_int_eq(cs.moods[1].t, T(20));
	ck_assert_int_eq(cs.moods[2].mood, 5);
	/* Mood held stops where talk stops. */
	OK0(EV_WRAPUP, T(50));
	ck_assert_int_eq(call_mood_held_ms(&cs, T(500)), SEC(20));
}
END_TEST

START_TEST(test_many_moods_and_notes)
{
	char buf[32];

	OK0(EV_START, T(0));
	for (int i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "note %d", i);
		OK(EV_MOOD, T(i), 0, 1 + i % 5, 0, NULL);
		OK(EV_NOTE, T(i), 0, 0, 0, buf);
	}
	ck_assert_uint_eq(cs.nmoods, 100);
	ck_assert_uint_eq(cs.nnotes, 100);
	ck_assert_int_eq(cs.moods[99].mood, 5);
	ck_assert_str_eq(cs.notes[57].text, "note 57");
}
END_TEST

START_TEST(test_note_copied)
{
	char text[] = "customer says the bill doubled";

	OK0(EV_START, T(0));
	OK(EV_NOTE, T(3), 0, 0, 0, text);
	memset(text, 'x', sizeof(text) - 1);
	ck_assert_uint_eq(cs.nnotes, 1);
	ck_assert_int_eq(cs.notes[0].t, T(3));
	ck_assert_str_eq(cs.notes[0].text, "customer says the bill doubled");
	ck_assert_ptr_ne(cs.notes[0].text, text);
}
END_TEST

/* The log entry of seq's text: where every text the state names must point. */
static const char *log_text(int64_t seq)
{
	for (size_t i = 0; i < cs.nlog; i++)
		if (cs.log[i].seq == seq)
			return cs.log[i].text;
	ck_abort_msg("no log entry %lld", (long long)seq);
	return NULL;
}

/*
 * An event's text is kept once, by its log entry: the notes, the cause, the
 * follow-up and the reflection point at it (not at a second copy, nor at
 * the caller's), through an UNDO that folds the call again too.
 */
START_TEST(test_texts_kept_once)
{
	char text[] = "the bill doubled";

	OK0(EV_START, T(0));			  /* 1 */
	OK(EV_NOTE, T(1), 0, 0, 0, text);	  /* 2 */
	OK(EV_NOTE, T(2), 0, 0, 0, "taken back"); /* 3 */
	OK(EV_UNDO, T(3), 0, 3, 0, NULL);	  /* 4 */
	OK(EV_NOTE, T(4), 0, 0, 0, "kept");	  /* 5 */
	memset(text, 'x', sizeof(text) - 1);
	ck_assert_uint_eq(cs.nnotes, 2);
	ck_assert_str_eq(cs.notes[0].text, "the bill doubled");
	ck_assert_ptr_eq(cs.notes[0].text, log_text(2));
	ck_assert_ptr_eq(cs.notes[1].text, log_text(5));
	OK0(EV_WRAPUP, T(5));						   /* 6 */
	OK(EV_CAUSE, T(6), 0, 0, 0, "billing");				   /* 7 */
	OK(EV_FOLLOWUP, T(7), 0, 0, 0, "2024-01-02\tphone\tcall back");	   /* 8 */
	OK(EV_REFLECTION, T(8), 0, 0, 0, "stayed calm\tempathize sooner"); /* 9 */
	OK(EV_CAUSE, T(9), 0, 0, 0, "product");				   /* 10 */
	ck_assert_ptr_eq(cs.cause, log_text(10));
	ck_assert_ptr_eq(cs.followup, log_text(8));
	ck_assert_ptr_eq(cs.reflection, log_text(9));
	ck_assert_str_eq(cs.cause, "product");
	ck_assert_ptr_eq(cs.notes[0].text, log_text(2));
}
END_TEST

START_TEST(test_hold)
{
	OK0(EV_START, T(0));
	OK0(EV_HOLD_START, T(10));
	ck_assert_int_eq(cs.on_hold, 1);
	ck_assert_int_eq(cs.holds, 1);
	ck_assert_int_eq(call_current_hold_ms(&cs, T(25)), SEC(15));
	ck_assert_int_eq(call_hold_ms(&cs, T(25)), SEC(15));
	OK0(EV_HOLD_END, T(40));
	ck_assert_int_eq(cs.on_hold, 0);
	ck_assert_int_eq(cs.hold_ms, SEC(30));
	ck_assert_int_eq(cs.hold_longest_ms, SEC(30));
	OK0(EV_HOLD_START, T(60));
	OK0(EV_HOLD_END, T(70));
	ck_assert_int_eq(cs.holds, 2);
	ck_assert_int_eq(cs.hold_ms, SEC(40));
	ck_assert_int_eq(cs.hold_longest_ms, SEC(30));
	ck_assert_int_eq(call_current_hold_ms(&cs, T(80)), 0);
	OK0(EV_HOLD_START, T(100));
	ck_assert_int_eq(call_hold_ms(&cs, T(130)), SEC(70));
	ck_assert_int_eq(call_current_hold_ms(&cs, T(130)), SEC(30));
	/* Stage time runs through a hold. */
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_CALM, T(130)), SEC(130));
	/* WRAPUP closes the open hold at its time. */
	OK0(EV_WRAPUP, T(150));
	ck_assert_int_eq(cs.on_hold, 0);
	ck_assert_int_eq(cs.holds, 3);
	ck_assert_int_eq(cs.hold_ms, SEC(90));
	ck_assert_int_eq(cs.hold_longest_ms, SEC(50));
	ck_assert_int_eq(call_hold_ms(&cs, T(400)), SEC(90));
}
END_TEST

START_TEST(test_counters)
{
	OK0(EV_START, T(0));
	OK(EV_ESCALATE, T(5), 0, 0, 0, "billing error over limit");
	OK(EV_ESCALATE, T(6), 0, 0, 0, NULL);
	ck_assert_int_eq(cs.escalations, 2);
	OK0(EV_MANAGER, T(7));
	OK0(EV_MANAGER, T(9));
	ck_assert_int_eq(cs.manager_asks, 2);
	ck_assert_int_eq(cs.manager_at, T(9));
	OK0(EV_BREATHE, T(11));
	ck_assert_int_eq(cs.breathe_count, 1);
	ck_assert_int_eq(cs.breathe_at, T(11));
	OK(EV_PROMPT, T(12), 0, 1, 0, "hold-long");
	/* Counted, but not pending: its cause (a hold) is not there. */
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	ck_assert_int_eq(cs.rules[1].fired, 1);
	ck_assert_int_eq(cs.rules[1].last_fired, T(12));
	ck_assert_int_eq(cs.rules[1].episode_start, -1); /* not on hold: no episode */
	ck_assert_int_eq(cs.rules[0].fired, 0);
	OK0(EV_HOLD_START, T(20));
	OK(EV_PROMPT, T(70), 0, 1, 0, "hold-long");
	ck_assert_int_eq(cs.rules[1].fired, 2);
	ck_assert_int_eq(cs.rules[1].episode_start, T(20));
	ck_assert_int_eq(call_prompt_rule(&cs), 1);
	ck_assert_int_eq(call_prompt(&cs)->t, T(70));
	ck_assert_int_eq(cs.nevents, 9);
}
END_TEST

START_TEST(test_warnings)
{
	OK0(EV_START, T(0));
	OK(EV_STAGE, T(1), STAGE_BOUNDARY, 0, 0, NULL);
	for (int i = 1; i <= 3; i++) {
		OK(EV_WARNING, T(10 * i), STAGE_BOUNDARY, i, 0, NULL);
		ck_assert_int_eq(cs.warnings, i);
		ck_assert_int_eq(cs.warning_at[i - 1], T(10 * i));
	}
	ck_assert_int_eq(put(EV_WARNING, T(40), STAGE_BOUNDARY, 4, 0, NULL), POISE_STATE);
	ck_assert_int_eq(cs.warnings, 3);
}
END_TEST

START_TEST(test_checklist_and_lines)
{
	OK0(EV_START, T(0));
	OK(EV_CHECK, T(1), 0, 2, 1, NULL);
	OK(EV_CHECK, T(2), 0, 0, 1, NULL);
	ck_assert_int_eq(cs.ticked[STAGE_CALM][2], 1);
	ck_assert_uint_eq(call_ticked_count(&cs, STAGE_CALM), 2);
	OK(EV_CHECK, T(3), 0, 2, 0, NULL);
	ck_assert_int_eq(cs.ticked[STAGE_CALM][2], 0);
	ck_assert_uint_eq(call_ticked_count(&cs, STAGE_CALM), 1);
	OK(EV_SAID, T(4), 0, SECTION_SAY, 2, NULL);
	OK(EV_SKIP, T(5), 0, SECTION_ASK, 0, "calmer");
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_SAY][2].mark, LINE_SAID);
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_SAY][1].mark, LINE_SHOWN);
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_ASK][0].mark, LINE_SKIPPED);
	/* Items are those of the current stage. */
	OK(EV_STAGE, T(6), STAGE_SOLVE, 0, 0, NULL);
	OK(EV_CHECK, T(7), STAGE_SOLVE, 3, 1, NULL);
	OK(EV_SKIP, T(8), STAGE_SOLVE, SECTION_SAY, 2, "wrong-scenario");
	ck_assert_int_eq(cs.ticked[STAGE_SOLVE][3], 1);
	ck_assert_int_eq(cs.ticked[STAGE_CALM][3], 0);
	ck_assert_int_eq(cs.lines[STAGE_SOLVE][SECTION_SAY][2].mark, LINE_SKIPPED);
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_SAY][2].mark, LINE_SAID);
	ck_assert_uint_eq(call_ticked_count(&cs, STAGE_SOLVE), 1);
}
END_TEST

START_TEST(test_wrapup_and_end)
{
	OK0(EV_START, T(0));
	OK0(EV_HOLD_START, T(30));
	OK0(EV_HOLD_END, T(40));
	OK(EV_STAGE, T(60), STAGE_LISTEN, 0, 0, NULL);
	OK0(EV_WRAPUP, T(100));
	ck_assert_int_eq(cs.phase, CALL_WRAPUP);
	ck_assert_int_eq(cs.wrapup_at, T(100));
	ck_assert_int_eq(cs.stage_ms[STAGE_LISTEN], SEC(40));
	/* Stage clocks stop at WRAPUP. */
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_LISTEN, T(500)), SEC(40));
	ck_assert_int_eq(call_in_stage_ms(&cs, T(500)), SEC(40));
	ck_assert_int_eq(call_talk_ms(&cs, T(130)), SEC(100));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(130)), SEC(30));
	OK(EV_NOTE, T(105), 0, 0, 0, "called from mobile");
	OK(EV_OUTCOME, T(110), 0, 0, 0, "callback");
	OK(EV_OUTCOME, T(111), 0, 0, 0, "resolved");
	OK(EV_CAUSE, T(112), 0, 0, 0, "product");
	OK(EV_CAUSE, T(113), 0, 0, 0, "billing");
	OK(EV_FOLLOWUP, T(114), 0, 0, 0, "2024-01-02\tphone\tcall back with refund");
	OK(EV_REFLECTION, T(115), 0, 0, 0, "stayed calm\tempathize sooner");
	OK0(EV_END, T(120));
	ck_assert_int_eq(cs.phase, CALL_DONE);
	ck_assert_int_eq(cs.ended, T(120));
	ck_assert_int_eq(cs.outcome, OUTCOME_RESOLVED);
	ck_assert_str_eq(cs.cause, "billing");
	ck_assert_str_eq(cs.followup, "2024-01-02\tphone\tcall back with refund");
	ck_assert_str_eq(cs.reflection, "stayed calm\tempathize sooner");
	ck_assert_uint_eq(cs.nnotes, 1);
	ck_assert_int_eq(call_elapsed_ms(&cs, T(999)), SEC(120));
	ck_assert_int_eq(call_talk_ms(&cs, T(999)), SEC(100));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(999)), SEC(20));
	ck_assert_int_eq(call_hold_ms(&cs, T(999)), SEC(10));
}
END_TEST

START_TEST(test_interrupt_resume_talk)
{
	OK0(EV_START, T(0));
	OK(EV_STAGE, T(60), STAGE_LISTEN, 0, 0, NULL);
	OK0(EV_HOLD_START, T(90));
	OK(EV_INTERRUPTED, T(100), 0, 0, 0, "SIGHUP");
	ck_assert_int_eq(cs.phase, CALL_INTERRUPTED);
	ck_assert_int_eq(cs.on_hold, 0);
	ck_assert_int_eq(cs.hold_ms, SEC(10));
	ck_assert_int_eq(cs.stage_ms[STAGE_LISTEN], SEC(40));
	ck_assert_int_eq(cs.ended, T(100));
	ck_assert_int_eq(call_elapsed_ms(&cs, T(300)), SEC(100));
	ck_assert_int_eq(call_in_stage_ms(&cs, T(300)), SEC(40));
	OK0(EV_RESUME, T(400));
	ck_assert_int_eq(cs.phase, CALL_TALK);
	ck_assert_int_eq(cs.interrupted_before, 1);
	ck_assert_int_eq(cs.gap_ms, SEC(300));
	ck_assert_int_eq(cs.ended, 0);
	/* The same visit goes on; the gap is neither stage nor elapsed time. */
	ck_assert_int_eq(cs.stage, STAGE_LISTEN);
	ck_assert_int_eq(cs.stage_visits[STAGE_LISTEN], 1);
	ck_assert_int_eq(cs.stage_since, T(60));
	ck_assert_int_eq(call_in_stage_ms(&cs, T(420)), SEC(60));
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_LISTEN, T(420)), SEC(60));
	ck_assert_int_eq(call_elapsed_ms(&cs, T(420)), SEC(120));
	OK(EV_STAGE, T(430), STAGE_SOLVE, 0, 0, NULL);
	ck_assert_int_eq(cs.stage_ms[STAGE_LISTEN], SEC(70));
	OK0(EV_WRAPUP, T(440));
	ck_assert_int_eq(call_talk_ms(&cs, T(450)), SEC(140));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(450)), SEC(10));
}
END_TEST

START_TEST(test_interrupt_resume_wrapup)
{
	OK0(EV_START, T(0));
	OK0(EV_WRAPUP, T(50));
	OK(EV_OUTCOME, T(55), 0, 0, 0, "unresolved");
	OK(EV_INTERRUPTED, T(60), 0, 0, 0, "SIGTERM");
	ck_assert_int_eq(call_wrapup_ms(&cs, T(100)), SEC(10));
	OK0(EV_RESUME, T(200));
	ck_assert_int_eq(cs.phase, CALL_WRAPUP);
	ck_assert_int_eq(cs.outcome, OUTCOME_UNRESOLVED);
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_CALM, T(300)), SEC(50));
	OK0(EV_END, T(210));
	ck_assert_int_eq(call_elapsed_ms(&cs, T(999)), SEC(70));
	ck_assert_int_eq(call_talk_ms(&cs, T(999)), SEC(50));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(999)), SEC(20));
}
END_TEST

/* --- invalid events: refused with POISE_STATE, state unchanged ----------- */

enum prelude { NEW, TALK, HOLD, BOUNDARY, WRAPUP, WRAPUP_OUT, DONE, INTERRUPTED };

static void run_prelude(enum prelude p)
{
	if (p == NEW)
		return;
	OK0(EV_START, T(0));
	OK(EV_MOOD, T(1), 0, 3, 0, NULL);
	if (p == HOLD)
		OK0(EV_HOLD_START, T(5));
	if (p == BOUNDARY) {
		OK(EV_STAGE, T(5), STAGE_BOUNDARY, 0, 0, NULL);
		OK(EV_WARNING, T(6), STAGE_BOUNDARY, 1, 0, NULL);
	}
	if (p >= WRAPUP && p != INTERRUPTED)
		OK0(EV_WRAPUP, T(10));
	if (p >= WRAPUP_OUT && p != INTERRUPTED)
		OK(EV_OUTCOME, T(11), 0, 0, 0, "resolved");
	if (p == DONE)
		OK0(EV_END, T(12));
	if (p == INTERRUPTED)
		OK(EV_INTERRUPTED, T(12), 0, 0, 0, "SIGHUP");
}

static const struct bad {
	enum prelude prelude;
	enum event_kind kind;
	int64_t dt; /* seconds after T0 */
	int stage, a, b;
	const char *text;
} bad[] = {
	{NEW, EV_MOOD, 20, 0, 3, 0, NULL},
	{NEW, EV_NOTE, 20, 0, 0, 0, "early"},
	{NEW, EV_RESUME, 20, 0, 0, 0, NULL},
	{NEW, EV_END, 20, 0, 0, 0, NULL},
	{NEW, EV_START, -FIXTURE_T0 / 1000, 0, 0, 0, NULL}, /* t = 0 */
	{NEW, EV_START, 20, STAGE_COUNT, 0, 0, NULL},
	{NEW, EV_START, 20, -1, 0, 0, NULL},
	{TALK, EV_START, 20, 0, 0, 0, NULL},
	{TALK, EV_RESUME, 20, 0, 0, 0, NULL},
	{TALK, EV_MOOD, 20, 0, 0, 0, NULL},
	{TALK, EV_MOOD, 20, 0, 6, 0, NULL},
	{TALK, EV_MOOD, 20, 0, -1, 0, NULL},
	{TALK, EV_MOOD, 0, 0, 4, 0, NULL}, /* older than the last event */
	{TALK, EV_STAGE, 20, STAGE_CALM, 0, 0, NULL},
	{TALK, EV_STAGE, 20, STAGE_COUNT, 0, 0, NULL},
	{TALK, EV_STAGE, 20, -1, 0, 0, NULL},
	{TALK, EV_HOLD_END, 20, 0, 0, 0, NULL},
	{HOLD, EV_HOLD_START, 20, 0, 0, 0, NULL},
	{TALK, EV_WARNING, 20, 0, 2, 0, NULL},
	{TALK, EV_WARNING, 20, 0, 0, 0, NULL},
	{BOUNDARY, EV_WARNING, 20, 0, 1, 0, NULL},
	{BOUNDARY, EV_WARNING, 20, 0, 3, 0, NULL},
	{TALK, EV_CHECK, 20, 0, FIXTURE_CHECKLIST, 1, NULL},
	{TALK, EV_CHECK, 20, 0, -1, 1, NULL},
	{TALK, EV_CHECK, 20, 0, 0, 2, NULL},
	{TALK, EV_SAID, 20, 0, SECTION_COUNT, 0, NULL},
	{TALK, EV_SAID, 20, 0, -1, 0, NULL},
	{TALK, EV_SAID, 20, 0, SECTION_SAY, FIXTURE_SAY, NULL},
	{TALK, EV_SAID, 20, 0, SECTION_ASK, -1, NULL},
	{TALK, EV_SKIP, 20, 0, SECTION_SAY, 0, "bored"},
	{TALK, EV_SKIP, 20, 0, SECTION_SAY, 0, NULL},
	{TALK, EV_SKIP, 20, 0, SECTION_AVOID, FIXTURE_AVOID, "calmer"},
	{TALK, EV_PROMPT, 20, 0, 2, 0, "nope"},
	{TALK, EV_PROMPT, 20, 0, -1, 0, "nope"},
	{TALK, EV_NOTE, 20, 0, 0, 0, NULL},
	{TALK, EV_OUTCOME, 20, 0, 0, 0, "resolved"},
	{TALK, EV_CAUSE, 20, 0, 0, 0, "billing"},
	{TALK, EV_FOLLOWUP, 20, 0, 0, 0, "2024-01-02\tphone\tx"},
	{TALK, EV_REFLECTION, 20, 0, 0, 0, "a\tb"},
	{TALK, EV_END, 20, 0, 0, 0, NULL},
	{TALK, EV_COUNT, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_WRAPUP, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_MOOD, 20, 0, 3, 0, NULL},
	{WRAPUP, EV_STAGE, 20, STAGE_SOLVE, 0, 0, NULL},
	{WRAPUP, EV_HOLD_START, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_PROMPT, 20, 0, 0, 0, "calm-down"},
	{WRAPUP, EV_MANAGER, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_END, 20, 0, 0, 0, NULL}, /* no outcome yet */
	{WRAPUP, EV_OUTCOME, 20, 0, 0, 0, "great"},
	{WRAPUP, EV_OUTCOME, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_CAUSE, 20, 0, 0, 0, "weather"},
	{WRAPUP, EV_CAUSE, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_FOLLOWUP, 20, 0, 0, 0, NULL},
	{WRAPUP, EV_REFLECTION, 20, 0, 0, 0, NULL},
	{WRAPUP_OUT, EV_START, 20, 0, 0, 0, NULL},
	{WRAPUP_OUT, EV_END, 5, 0, 0, 0, NULL}, /* older than the last event */
	{DONE, EV_NOTE, 20, 0, 0, 0, "late"},
	{DONE, EV_END, 20, 0, 0, 0, NULL},
	{DONE, EV_RESUME, 20, 0, 0, 0, NULL},
	{DONE, EV_INTERRUPTED, 20, 0, 0, 0, NULL},
	{DONE, EV_START, 20, 0, 0, 0, NULL},
	{INTERRUPTED, EV_MOOD, 20, 0, 2, 0, NULL},
	{INTERRUPTED, EV_NOTE, 20, 0, 0, 0, "x"},
	{INTERRUPTED, EV_INTERRUPTED, 20, 0, 0, 0, NULL},
	{INTERRUPTED, EV_END, 20, 0, 0, 0, NULL},
	{INTERRUPTED, EV_START, 20, 0, 0, 0, NULL},
	{INTERRUPTED, EV_RESUME, 11, 0, 0, 0, NULL}, /* older than the last event */
};

START_TEST(test_invalid_refused)
{
	const struct bad *b = &bad[_i];
	struct event ev = fixture_event(b->kind, T(b->dt), b->stage, b->a, b->b, b->text);
	char *before, *after, diff[512];

	run_prelude(b->prelude);
	before = fixture_call_dump(&cs, T(30));
	ck_assert_ptr_nonnull(before);
	ck_assert_msg(call_check(&cs, &ev) == POISE_STATE, "case %d: check accepted", _i);
	ck_assert_msg(call_apply(&cs, &ev) == POISE_STATE, "case %d: apply accepted", _i);
	after = fixture_call_dump(&cs, T(30));
	ck_assert_ptr_nonnull(after);
	ck_assert_msg(strcmp(before, after) == 0, "case %d: state changed: %s", _i,
		      fixture_dump_diff(before, after, diff, sizeof(diff)));
	free(before);
	free(after);
}
END_TEST

/* The same preludes accept the right event: the refusals above are not blanket. */
START_TEST(test_valid_accepted)
{
	static const struct bad good[] = {
		{NEW, EV_START, 20, STAGE_LISTEN, 0, 0, NULL},
		{TALK, EV_MOOD, 20, 0, 5, 0, NULL},
		{TALK, EV_MOOD, 1, 0, 4, 0, NULL}, /* same time as the last event */
		{HOLD, EV_HOLD_END, 20, 0, 0, 0, NULL},
		{BOUNDARY, EV_WARNING, 20, 0, 2, 0, NULL},
		{TALK, EV_SKIP, 20, 0, SECTION_AVOID, 0, "other"},
		{TALK, EV_PROMPT, 20, 0, 1, 0, "hold-long"},
		{WRAPUP, EV_NOTE, 20, 0, 0, 0, "after"},
		{WRAPUP, EV_BREATHE, 20, 0, 0, 0, NULL},
		{WRAPUP, EV_INTERRUPTED, 20, 0, 0, 0, NULL},
		{WRAPUP_OUT, EV_END, 20, 0, 0, 0, NULL},
		{INTERRUPTED, EV_RESUME, 20, 0, 0, 0, NULL},
	};
	const struct bad *g = &good[_i];
	struct event ev = fixture_event(g->kind, T(g->dt), g->stage, g->a, g->b, g->text);

	ck_assert_int_lt(_i, (int)(sizeof(good) / sizeof(good[0])));
	run_prelude(g->prelude);
	ck_assert_msg(call_check(&cs, &ev) == POISE_OK, "case %d: check refused", _i);
	ck_assert_msg(call_apply(&cs, &ev) == POISE_OK, "case %d: apply refused", _i);
	ck_assert_int_eq(cs.last_t, T(g->dt));
}
END_TEST

/* The fold under a playbook from the real loader: arrays sized by its lists. */
START_TEST(test_loaded_playbook)
{
	struct poise_error err = {0};
	struct playbook *real = fixture_playbook_load("good/minimal.yaml", &err);
	struct call_state c;
	struct event ev;

	ck_assert_msg(real != NULL, "load: %s", err.msg);
	ck_assert_int_eq(call_init(&c, real), POISE_OK);
	ck_assert_uint_eq(call_section_len(&c, STAGE_CALM, SECTION_SAY), 1);
	ck_assert_uint_eq(call_section_len(&c, STAGE_LISTEN, SECTION_SAY), 0);
	ev = fixture_event(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	ck_assert_int_eq(call_apply(&c, &ev), POISE_OK);
	ev = fixture_event(EV_SAID, T(1), 0, SECTION_SAY, 0, NULL);
	ck_assert_int_eq(call_apply(&c, &ev), POISE_OK);
	ck_assert_int_eq(c.lines[STAGE_CALM][SECTION_SAY][0].mark, LINE_SAID);
	ev = fixture_event(EV_STAGE, T(2), STAGE_LISTEN, 0, 0, NULL);
	ck_assert_int_eq(call_apply(&c, &ev), POISE_OK);
	ev = fixture_event(EV_SAID, T(3), 0, SECTION_SAY, 0, NULL);
	ck_assert_int_eq(call_apply(&c, &ev), POISE_STATE); /* listen has no say lines */
	ev = fixture_event(EV_WRAPUP, T(4), 0, 0, 0, NULL);
	ck_assert_int_eq(call_apply(&c, &ev), POISE_OK);
	ev = fixture_event(EV_CAUSE, T(5), 0, 0, 0, "product"); /* not a cause of this one */
	ck_assert_int_eq(call_apply(&c, &ev), POISE_STATE);
	ev = fixture_event(EV_CAUSE, T(5), 0, 0, 0, "other");
	ck_assert_int_eq(call_apply(&c, &ev), POISE_OK);
	call_free(&c);
	playbook_free(real);
}
END_TEST

/* The core's one array grower: doubles from `first`, refuses sizes that overflow. */
START_TEST(test_grow_array)
{
	int *a = NULL;
	size_t cap = 0;
	char *big = NULL;
	size_t bigcap = 0;

	ck_assert(GROW(a, 0, cap, 4));
	ck_assert_uint_eq(cap, 4);
	for (size_t i = 0; i < 100; i++) {
		ck_assert(GROW(a, i, cap, 4));
		a[i] = (int)i;
	}
	ck_assert_uint_eq(cap, 128);
	ck_assert_int_eq(a[99], 99);
	free(a);
	ck_assert(!grow_array((void **)&big, SIZE_MAX / 2 + 1, &bigcap, 1, 1));
	ck_assert(!grow_array((void **)&big, 0, &bigcap, SIZE_MAX / 2, 4));
	ck_assert_ptr_null(big);
	ck_assert_uint_eq(bigcap, 0);
}
END_TEST

Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc = tcase_create("fold");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_grow_array);
	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_texts_kept_once);
	tcase_add_test(tc, test_stage_time);
	tcase_add_test(tc, test_mood);
	tcase_add_test(tc, test_many_moods_and_notes);
	tcase_add_test(tc, test_note_copied);
	tcase_add_test(tc, test_hold);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_warnings);
	tcase_add_test(tc, test_checklist_and_lines);
	tcase_add_test(tc, test_wrapup_and_end);
	tcase_add_test(tc, test_interrupt_resume_talk);
	tcase_add_test(tc, test_interrupt_resume_wrapup);
	tcase_add_loop_test(tc, test_invalid_refused, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, test_valid_accepted, 0, 12);
	tcase_add_test(tc, test_loaded_playbook);
	suite_add_tcase(s, tc);
	return s;
}
