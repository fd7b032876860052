/*
 * check_call_undo.c - the fold's UNDO, its path of stages, prompts settled
 * by the action they ask for, and a hold that survives an interruption.
 *
 * The rule of UNDO is checked as a class: for every kind of mark, a call
 * with the mark and its UNDO folds to exactly the state of the same call
 * without either (but for the event count and the last time).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture_call.h"
#include "helpers/fixture_playbook.h"
#include "main/suite.h"
#include "poise/call.h"

static struct playbook *pb;
static struct call_state cs;

static const struct pb_rule test_rules[] = {
	{.id = "calm-down", .kind = RULE_MOOD, .mood = 4, .seconds = 60, .message = "m"},
	{.id = "hold-long", .kind = RULE_HOLD, .seconds = 45, .message = "h"},
	{.id = "manager", .kind = RULE_MANAGER, .message = "e", .action = ACTION_ESCALATE},
	{.id = "move-on", .kind = RULE_TIMEBOX, .message = "n", .action = ACTION_NEXT_STAGE},
	{.id = "firm", .kind = RULE_MOOD, .mood = 5, .message = "b", .action = ACTION_BOUNDARY},
	{.id = "breathe", .kind = RULE_MOOD, .mood = 5, .message = "p", .action = ACTION_BREATHE},
	{.id = "end-hold",
	 .kind = RULE_HOLD,
	 .seconds = 5,
	 .message = "x",
	 .action = ACTION_END_HOLD},
};
#define NRULES (sizeof(test_rules) / sizeof(test_rules[0]))

static void setup(void)
{
	pb = fixture_call_new(&cs, test_rules, NRULES);
	ck_assert_ptr_nonnull(pb);
}

static void teardown(void)
{
	fixture_call_free(&cs, pb);
}

#define T(s)				(FIXTURE_T0 + SEC(s))
#define put(kind, t, stage, a, b, text) fixture_apply(&cs, kind, t, stage, a, b, text)

#define OK(kind, t, stage, a, b, text) ck_assert_int_eq(put(kind, t, stage, a, b, text), POISE_OK)
#define NO(kind, t, stage, a, b, text)                                                             \
	ck_assert_int_eq(put(kind, t, stage, a, b, text), POISE_STATE)
#define OK0(kind, t) OK(kind, t, 0, 0, 0, NULL)
#define UNDO(t, seq) OK(EV_UNDO, t, 0, seq, 0, NULL)

/* Fold evs (seq = place) into a fresh state; its dump at now without the counts line. */
static char *fold_dump(const struct event *evs, size_t n, int64_t now)
{
	struct call_state s;
	char *dump, *rest;

	ck_assert_int_eq(call_init(&s, pb), POISE_OK);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(call_apply(&s, &evs[i]) == POISE_OK, "event %zu (%s) refused", i,
			      event_kind_key(evs[i].kind));
	dump = fixture_call_dump(&s, now);
	ck_assert_ptr_nonnull(dump);
	rest = strdup(strchr(dump, '\n') + 1);
	free(dump);
	call_free(&s);
	return rest;
}

#define E(kind, s, stage, a, b, text) fixture_event(kind, T(s), stage, a, b, text)

/* One mark of each kind, made at 30 s in listen, after the prelude. */
struct mark_case {
	const char *name;
	int hold_first; /* the prelude opens a hold (for HOLD_END) */
	enum event_kind kind;
	int stage, a, b;
	const char *text;
};

static const struct mark_case marks[] = {
	{"stage move", 0, EV_STAGE, STAGE_EMPATHIZE, STAGE_LISTEN, 0, NULL},
	{"stage to boundary", 0, EV_STAGE, STAGE_BOUNDARY, STAGE_LISTEN, 0, NULL},
	{"mood", 0, EV_MOOD, 0, 5, 0, NULL},
	{"note", 0, EV_NOTE, 0, 0, 0, "wrong call"},
	{"hold start", 0, EV_HOLD_START, 0, 0, 0, NULL},
	{"hold end", 1, EV_HOLD_END, 0, 0, 0, NULL},
	{"escalation", 0, EV_ESCALATE, 0, 0, 0, "billing"},
	{"warning", 0, EV_WARNING, 0, 1, 0, NULL},
	{"tick", 0, EV_CHECK, 0, 2, 1, NULL},
	{"said", 0, EV_SAID, 0, SECTION_SAY, 1, NULL},
	{"asked", 0, EV_SAID, 0, SECTION_ASK, 0, NULL},
	{"skip", 0, EV_SKIP, 0, SECTION_SAY, 0, "calmer"},
	{"manager", 0, EV_MANAGER, 0, 0, 0, NULL},
};
#define NMARKS (sizeof(marks) / sizeof(marks[0]))

/* Prelude, [mark, UNDO of it,] then more of the call; n events written. */
static size_t script(const struct mark_case *m, int with, struct event *evs)
{
	size_t n = 0, at;

	evs[n++] = E(EV_START, 0, STAGE_CALM, 0, 0, "hash");
	evs[n++] = E(EV_MOOD, 5, 0, 3, 0, NULL);
	evs[n++] = E(EV_SAID, 8, 0, SECTION_SAY, 0, NULL);
	evs[n++] = E(EV_STAGE, 10, STAGE_LISTEN, STAGE_CALM, 0, NULL);
	evs[n++] = E(EV_PROMPT, 12, 0, 0, 0, "calm-down");
	if (m->hold_first)
		evs[n++] = E(EV_HOLD_START, 20, 0, 0, 0, NULL);
	at = n;
	if (with) {
		evs[n++] = E(m->kind, 30, m->stage, m->a, m->b, m->text);
		evs[n++] = E(EV_UNDO, 40, 0, (int)at + 1, 0, NULL);
	}
	evs[n++] = E(EV_NOTE, 50, 0, 0, 0, "after");
	evs[n++] = E(EV_MOOD, 60, 0, 2, 0, NULL);
	evs[n++] = E(EV_CHECK, 70, 0, 0, 1, NULL);
	return n;
}

START_TEST(test_undo_each_mark_is_as_if_never_made)
{
	const struct mark_case *m = &marks[_i];
	struct event with[16], without[16];
	size_t nw = script(m, 1, with), nwo = script(m, 0, without);
	char *a = fold_dump(with, nw, T(90)), *b = fold_dump(without, nwo, T(90)), diff[512];

	ck_assert_msg(strcmp(a, b) == 0, "undo of %s: %s", m->name,
		      fixture_dump_diff(a, b, diff, sizeof(diff)));
	/* ... and the mark's own fold did change something, so the test can fail. */
	free(a);
	memmove(&with[nw - 4], &with[nw - 3], 3 * sizeof(with[0])); /* drop the UNDO only */
	a = fold_dump(with, nw - 1, T(90));
	ck_assert_msg(strcmp(a, b) != 0, "%s changes nothing", m->name);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_undo_after_undo_walks_back)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL); /* seq 1 */
	OK(EV_MOOD, T(1), 0, 3, 0, NULL);	    /* 2 */
	OK(EV_PROMPT, T(2), 0, 0, 0, "calm-down");  /* 3: not a mark */
	OK(EV_MOOD, T(3), 0, 4, 0, NULL);	    /* 4 */
	OK0(EV_BREATHE, T(4));			    /* 5: not a mark */
	ck_assert_int_eq(call_undo_target(&cs), 4);
	NO(EV_UNDO, T(5), 0, 2, 0, NULL); /* not the newest mark */
	NO(EV_UNDO, T(5), 0, 5, 0, NULL); /* not a mark */
	NO(EV_UNDO, T(5), 0, 0, 0, NULL);
	UNDO(T(5), 4); /* 6 */
	ck_assert_int_eq(cs.mood, 3);
	ck_assert_int_eq(call_undo_target(&cs), 2);
	NO(EV_UNDO, T(6), 0, 4, 0, NULL); /* undone already */
	NO(EV_UNDO, T(6), 0, 6, 0, NULL); /* an UNDO is not undone */
	UNDO(T(6), 2);			  /* 7 */
	ck_assert_int_eq(cs.mood, 0);
	ck_assert_uint_eq(cs.nmoods, 0);
	ck_assert_int_eq(call_undo_target(&cs), 0); /* START is not a mark */
	NO(EV_UNDO, T(7), 0, 1, 0, NULL);
	ck_assert_int_eq(cs.nevents, 7);
	ck_assert_int_eq(cs.last_t, T(6));
	ck_assert_int_eq(cs.breathe_count, 1);
	ck_assert_int_eq(cs.rules[0].fired, 1);
	/* The log keeps all, undone ones marked. */
	ck_assert_uint_eq(cs.nlog, 7);
	ck_assert(call_entry_of(&cs, 4)->undone);
	ck_assert(call_entry_of(&cs, 2)->undone);
	ck_assert(!call_entry_of(&cs, 3)->undone);
	ck_assert_ptr_null(call_entry_of(&cs, 6)); /* UNDOs are not named */
	/* The mark again is a new event. */
	OK(EV_MOOD, T(8), 0, 5, 0, NULL);
	ck_assert_int_eq(call_undo_target(&cs), 8);
}
END_TEST

START_TEST(test_undo_across_stages_gives_time_back)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);		   /* 1 */
	OK(EV_SAID, T(10), 0, SECTION_SAY, 2, NULL);		   /* 2 */
	OK(EV_STAGE, T(20), STAGE_LISTEN, STAGE_CALM, 0, NULL);	   /* 3 */
	OK(EV_CHECK, T(30), 0, 1, 1, NULL);			   /* 4 */
	OK(EV_STAGE, T(40), STAGE_CLARIFY, STAGE_LISTEN, 0, NULL); /* 5 */
	UNDO(T(50), 5);
	ck_assert_int_eq(cs.stage, STAGE_LISTEN);
	ck_assert_int_eq(call_in_stage_ms(&cs, T(60)), SEC(40));
	ck_assert_int_eq(cs.stage_visits[STAGE_CLARIFY], 0);
	ck_assert_uint_eq(cs.visited & (1u << STAGE_CLARIFY), 0);
	UNDO(T(55), 4);
	ck_assert_int_eq(cs.ticked[STAGE_LISTEN][1], 0);
	UNDO(T(60), 3);
	ck_assert_int_eq(cs.stage, STAGE_CALM);
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_CALM, T(70)), SEC(70));
	ck_assert_int_eq(call_stage_ms(&cs, STAGE_LISTEN, T(70)), 0);
	ck_assert_uint_eq(cs.visited, 1u << STAGE_CALM);
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_SAY][2].mark, LINE_SAID);
	UNDO(T(65), 2);
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_SAY][2].mark, LINE_SHOWN);
	ck_assert_int_eq(call_elapsed_ms(&cs, T(70)), SEC(70));
}
END_TEST

START_TEST(test_wrapup_goes_back_to_talk)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);		/* 1 */
	OK(EV_STAGE, T(10), STAGE_LISTEN, STAGE_CALM, 0, NULL); /* 2 */
	OK0(EV_HOLD_START, T(20));				/* 3 */
	OK0(EV_WRAPUP, T(30));					/* 4 */
	ck_assert_int_eq(cs.on_hold, 0);
	ck_assert_int_eq(call_undo_target(&cs), 4);
	NO(EV_UNDO, T(35), 0, 3, 0, NULL); /* in the wrap-up only the WRAPUP */
	UNDO(T(40), 4);
	ck_assert_int_eq(cs.phase, CALL_TALK);
	ck_assert_int_eq(cs.wrapup_at, 0);
	ck_assert_int_eq(cs.on_hold, 1); /* the hold the WRAPUP closed goes on */
	ck_assert_int_eq(call_current_hold_ms(&cs, T(50)), SEC(30));
	ck_assert_int_eq(call_in_stage_ms(&cs, T(50)), SEC(40));
	ck_assert_int_eq(call_talk_ms(&cs, T(50)), SEC(50));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(50)), 0);
	ck_assert_int_eq(call_undo_target(&cs), 3);
	OK0(EV_HOLD_END, T(55));
	OK0(EV_WRAPUP, T(60));
	OK(EV_OUTCOME, T(65), 0, 0, 0, "resolved");
	ck_assert_int_eq(call_undo_target(&cs), 0); /* the outcome is saved */
	NO(EV_UNDO, T(66), 0, 8, 0, NULL);
	OK0(EV_END, T(70));
	ck_assert_int_eq(call_talk_ms(&cs, T(70)), SEC(60));
	ck_assert_int_eq(call_wrapup_ms(&cs, T(70)), SEC(10));
	ck_assert_int_eq(cs.hold_ms, SEC(35));
	ck_assert_int_eq(cs.holds, 1);
	ck_assert_int_eq(call_undo_target(&cs), 0);
}
END_TEST

START_TEST(test_wrapup_with_fields_stays)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	OK0(EV_WRAPUP, T(30)); /* 2 */
	OK(EV_CAUSE, T(31), 0, 0, 0, "billing");
	NO(EV_UNDO, T(32), 0, 2, 0, NULL);
	ck_assert_int_eq(call_undo_target(&cs), 0);
}
END_TEST

START_TEST(test_line_unmarked_on_its_own)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);	/* 1 */
	OK(EV_SKIP, T(1), 0, SECTION_SAY, 0, "calmer"); /* 2 */
	OK(EV_SAID, T(2), 0, SECTION_SAY, 1, NULL);	/* 3 */
	OK(EV_NOTE, T(3), 0, 0, 0, "n");		/* 4 */
	ck_assert_str_eq(call_skip_reason(&cs, STAGE_CALM, SECTION_SAY, 0), "calmer");
	ck_assert_ptr_null(call_skip_reason(&cs, STAGE_CALM, SECTION_SAY, 1));
	ck_assert_int_eq(call_line_mark_seq(&cs, SECTION_SAY, 0), 2);
	ck_assert_int_eq(call_line_mark_seq(&cs, SECTION_SAY, 1), 3);
	ck_assert_int_eq(call_line_mark_seq(&cs, SECTION_SAY, 2), 0);
	UNDO(T(4), 2); /* not the newest mark, but that line's mark */
	ck_assert_int_eq(cs.lines[STAGE_CALM][SECTION_SAY][0].mark, LINE_SHOWN);
	ck_assert_ptr_null(call_skip_reason(&cs, STAGE_CALM, SECTION_SAY, 0));
	ck_assert_int_eq(call_undo_target(&cs), 4);
	NO(EV_UNDO, T(5), 0, 2, 0, NULL);
	/* A line said then skipped: only the skip is its mark. */
	OK(EV_SAID, T(6), 0, SECTION_SAY, 2, NULL); /* 6 */
	OK(EV_SKIP, T(7), 0, SECTION_SAY, 2, "other");
	NO(EV_UNDO, T(8), 0, 6, 0, NULL);
	/* A line of another stage is not un-marked from here. */
	OK(EV_STAGE, T(9), STAGE_LISTEN, STAGE_CALM, 0, NULL);
	NO(EV_UNDO, T(10), 0, 3, 0, NULL);
	ck_assert_int_eq(call_line_mark_seq(&cs, SECTION_SAY, 1), 0);
	ck_assert_str_eq(call_skip_reason(&cs, STAGE_CALM, SECTION_SAY, 2), "other");
}
END_TEST

/* Where the agent was in a stage: its newest kept mark, there and nowhere else. */
START_TEST(test_stage_place)
{
	enum section sec = SECTION_TIPS;
	int index = -1;

	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);			  /* 1 */
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 0);
	OK(EV_SAID, T(1), 0, SECTION_SAY, 1, NULL);			  /* 2 */
	OK(EV_CHECK, T(2), 0, 1, 1, NULL);				  /* 3 */
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 1);
	ck_assert(sec == SECTION_CHECKLIST && index == 1);
	OK(EV_SKIP, T(3), 0, SECTION_ASK, 0, "other");			  /* 4 */
	OK(EV_NOTE, T(4), 0, 0, 0, "n");				  /* 5 */
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 1);
	ck_assert(sec == SECTION_ASK && index == 0);
	UNDO(T(5), 5);
	UNDO(T(6), 4); /* a mark taken back is no place */
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 1);
	ck_assert(sec == SECTION_CHECKLIST && index == 1);
	/* Another stage has its own place; back in calm, calm's is found again. */
	OK(EV_STAGE, T(7), STAGE_LISTEN, STAGE_CALM, 0, NULL);
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 0);
	OK(EV_SAID, T(8), 0, SECTION_SAY, 0, NULL);
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 1);
	ck_assert(sec == SECTION_SAY && index == 0);
	OK(EV_STAGE, T(9), STAGE_CALM, STAGE_LISTEN, 0, NULL);
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 1);
	ck_assert(sec == SECTION_CHECKLIST && index == 1);
	/* After an interruption and resume, the fold still knows it. */
	OK(EV_INTERRUPTED, T(10), STAGE_CALM, 0, 0, "no clean exit");
	OK(EV_RESUME, T(20), STAGE_CALM, 1, 0, NULL);
	ck_assert_int_eq(call_stage_place(&cs, &sec, &index), 1);
	ck_assert(sec == SECTION_CHECKLIST && index == 1);
}
END_TEST

START_TEST(test_undo_refused_outside_talk)
{
	NO(EV_UNDO, T(0), 0, 1, 0, NULL);
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	OK(EV_MOOD, T(1), 0, 3, 0, NULL); /* 2 */
	OK(EV_INTERRUPTED, T(2), 0, 0, 0, "SIGHUP");
	NO(EV_UNDO, T(3), 0, 2, 0, NULL);
	ck_assert_int_eq(call_undo_target(&cs), 0);
	OK(EV_RESUME, T(4), 0, 0, 0, NULL);
	UNDO(T(5), 2); /* across an interruption */
	ck_assert_int_eq(cs.mood, 0);
	ck_assert_int_eq(cs.gap_ms, SEC(2));
	ck_assert_int_eq(call_elapsed_ms(&cs, T(10)), SEC(8));
	OK0(EV_WRAPUP, T(11));
	OK(EV_OUTCOME, T(11), 0, 0, 0, "resolved");
	OK0(EV_END, T(12));
	NO(EV_UNDO, T(13), 0, 7, 0, NULL);
}
END_TEST

START_TEST(test_tab_skips_boundary_and_back_follows_the_path)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	ck_assert_int_eq(call_prev_stage(&cs), -1);
	for (int s = STAGE_CALM; s < STAGE_SOLVE; s++) {
		ck_assert_int_eq(call_next_stage(&cs), s + 1);
		OK(EV_STAGE, T(s + 1), s + 1, s, 0, NULL);
		ck_assert_int_eq(call_prev_stage(&cs), s);
	}
	ck_assert_int_eq(call_next_stage(&cs), STAGE_FOLLOW_UP);
	OK(EV_STAGE, T(10), STAGE_FOLLOW_UP, STAGE_SOLVE, 0, NULL);
	ck_assert_int_eq(call_next_stage(&cs), -1);
	ck_assert_uint_eq(cs.visited & (1u << STAGE_BOUNDARY), 0);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_SOLVE);
	/* b from follow-up, then back: to follow-up, then solve. */
	OK(EV_STAGE, T(11), STAGE_BOUNDARY, STAGE_FOLLOW_UP, 0, NULL);
	ck_assert_int_eq(call_next_stage(&cs), STAGE_FOLLOW_UP);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_FOLLOW_UP);
	OK(EV_STAGE, T(12), STAGE_FOLLOW_UP, STAGE_BOUNDARY, 0, NULL);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_SOLVE);
	OK(EV_STAGE, T(13), STAGE_SOLVE, STAGE_FOLLOW_UP, 0, NULL);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_INFORM);
	/* A jump from listen to boundary goes back to listen. */
	OK(EV_STAGE, T(14), STAGE_LISTEN, STAGE_SOLVE, 0, NULL);
	OK(EV_STAGE, T(15), STAGE_BOUNDARY, STAGE_LISTEN, 0, NULL);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_LISTEN);
	/* Undoing a step back puts the step back on the path. */
	OK(EV_STAGE, T(16), STAGE_LISTEN, STAGE_BOUNDARY, 0, NULL);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_SOLVE);
	UNDO(T(17), (int)call_undo_target(&cs));
	ck_assert_int_eq(cs.stage, STAGE_BOUNDARY);
	ck_assert_int_eq(call_prev_stage(&cs), STAGE_LISTEN);
}
END_TEST

/* Each rule's action settles its prompt; an UNDO of the action brings it back. */
START_TEST(test_prompt_settled_by_its_action)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL); /* 1 */
	OK0(EV_MANAGER, T(1));			    /* 2 */
	OK(EV_PROMPT, T(1), 0, 2, 0, "manager");    /* 3 */
	OK(EV_MOOD, T(2), 0, 4, 0, NULL);	    /* 4 */
	ck_assert_int_eq(call_prompt_rule(&cs), 2);
	OK(EV_ESCALATE, T(3), 0, 0, 0, "asked"); /* 5 */
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	UNDO(T(4), 5);
	ck_assert_int_eq(call_prompt_rule(&cs), 2);
	ck_assert_int_eq(call_prompt(&cs)->t, T(1));
	/* Its cause taken back, a prompt is no longer pending. */
	UNDO(T(4), 4);
	UNDO(T(4), 2);
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	ck_assert_int_eq(cs.rules[2].fired, 1);
	OK(EV_STAGE, T(5), STAGE_LISTEN, STAGE_CALM, 0, NULL); /* listen has a timebox */
	OK(EV_PROMPT, T(6), 0, 3, 0, "move-on");
	ck_assert_int_eq(call_prompt_rule(&cs), 3);
	OK(EV_STAGE, T(7), STAGE_CLARIFY, STAGE_LISTEN, 0, NULL);
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	OK(EV_MOOD, T(7), 0, 5, 0, NULL);
	OK(EV_PROMPT, T(7), 0, 4, 0, "firm");
	ck_assert_int_eq(call_prompt_rule(&cs), 4);
	OK(EV_WARNING, T(8), 0, 1, 0, NULL);
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	OK(EV_PROMPT, T(9), 0, 4, 0, "firm");
	ck_assert_int_eq(call_prompt_rule(&cs), 4);
	OK(EV_STAGE, T(10), STAGE_BOUNDARY, STAGE_CLARIFY, 0, NULL);
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	OK(EV_PROMPT, T(11), 0, 5, 0, "breathe");
	OK(EV_NOTE, T(12), 0, 0, 0, "n");
	ck_assert_int_eq(call_prompt_rule(&cs), 5);
	OK0(EV_BREATHE, T(13));
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	OK0(EV_HOLD_START, T(14));
	OK(EV_PROMPT, T(20), 0, 6, 0, "end-hold");
	ck_assert_int_eq(call_prompt_rule(&cs), 6);
	OK0(EV_HOLD_END, T(21));
	ck_assert_int_eq(call_prompt_rule(&cs), -1);
	/* A rule without an action stays until the next prompt. */
	OK(EV_PROMPT, T(22), 0, 0, 0, "calm-down");
	ck_assert_int_eq(call_prompt_rule(&cs), 0);
	OK(EV_STAGE, T(23), STAGE_SOLVE, STAGE_BOUNDARY, 0, NULL);
	OK(EV_ESCALATE, T(24), 0, 0, 0, "x");
	ck_assert_int_eq(call_prompt_rule(&cs), 0);
}
END_TEST

/* Every prompt is kept with how it left the screen, and each line with what marked it. */
START_TEST(test_prompts_and_lines_kept_with_how_they_ended)
{
	const struct prompt_mark *p;
	const struct line_use *u;

	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);		 /* 1 */
	OK0(EV_MANAGER, T(1));					 /* 2 */
	OK(EV_PROMPT, T(1), 0, 2, 0, "manager");		 /* 3 */
	OK(EV_MOOD, T(2), 0, 5, 0, NULL);			 /* 4 */
	OK(EV_PROMPT, T(3), 0, 4, 0, "firm");			 /* 5: replaces 3 */
	OK(EV_SKIP, T(4), 0, SECTION_SAY, 1, "wrong-scenario");	 /* 6 */
	OK(EV_SAID, T(5), 0, SECTION_SAY, 0, NULL);		 /* 7 */
	OK(EV_STAGE, T(6), STAGE_BOUNDARY, STAGE_CALM, 0, NULL); /* 8: acts on 5 */
	ck_assert_uint_eq(cs.nprompts, 2);
	ck_assert_ptr_null(call_prompt(&cs));
	p = &cs.prompts[0];
	ck_assert_int_eq(p->rule, 2);
	ck_assert_int_eq(p->seq, 3);
	ck_assert_int_eq(p->end, PROMPT_REPLACED);
	ck_assert_int_eq(p->end_seq, 5);
	ck_assert_int_eq(p->end_at, T(3));
	p = &cs.prompts[1];
	ck_assert_int_eq(p->end, PROMPT_ACTED);
	ck_assert_int_eq(p->end_seq, 8);
	ck_assert_int_eq(p->in_stage, STAGE_CALM);
	u = call_line(&cs, STAGE_CALM, SECTION_SAY, 1);
	ck_assert_int_eq(u->mark, LINE_SKIPPED);
	ck_assert_int_eq(u->reason, SKIP_WRONG);
	ck_assert_int_eq(u->seq, 6);
	ck_assert_int_eq(u->t, T(4));
	u = call_line(&cs, STAGE_CALM, SECTION_SAY, 0);
	ck_assert_int_eq(u->mark, LINE_SAID);
	ck_assert_int_eq(u->reason, -1);
	ck_assert_ptr_null(call_line(&cs, STAGE_CALM, SECTION_SAY, 99));
	ck_assert_ptr_null(call_line(&cs, STAGE_CALM, SECTION_SAY, -1));
	/* The stage move undone: the newest prompt is pending again. */
	UNDO(T(7), 8);
	ck_assert_ptr_nonnull(call_prompt(&cs));
	ck_assert_int_eq(call_prompt(&cs)->seq, 5);
	ck_assert_int_eq(cs.prompts[1].end, PROMPT_PENDING);
	ck_assert_int_eq(cs.prompts[1].end_seq, 0);
	/* The mood undone too: the prompt it caused has lapsed; the one it replaced stays so. */
	UNDO(T(8), 7);
	UNDO(T(8), 6);
	UNDO(T(8), 4);
	ck_assert_uint_eq(cs.nprompts, 2);
	ck_assert_int_eq(cs.prompts[1].end, PROMPT_LAPSED);
	ck_assert_int_eq(cs.prompts[0].end, PROMPT_PENDING);
	ck_assert_int_eq(call_prompt_rule(&cs), 2);
	ck_assert_int_eq(call_line(&cs, STAGE_CALM, SECTION_SAY, 1)->mark, LINE_SHOWN);
	ck_assert_int_eq(call_line(&cs, STAGE_CALM, SECTION_SAY, 1)->reason, -1);
}
END_TEST

START_TEST(test_hold_goes_on_after_resume)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	OK0(EV_HOLD_START, T(10));
	OK(EV_PROMPT, T(56), 0, 1, 0, "hold-long");
	OK(EV_INTERRUPTED, T(60), 0, 0, 0, "no clean exit");
	/* Interrupted for good: the hold counts up to the interruption. */
	ck_assert_int_eq(cs.on_hold, 0);
	ck_assert_int_eq(cs.hold_ms, SEC(50));
	OK(EV_RESUME, T(500), 0, 1, 0, NULL);
	ck_assert_int_eq(cs.on_hold, 1);
	ck_assert_int_eq(cs.holds, 1);
	ck_assert_int_eq(cs.hold_ms, 0);
	ck_assert_int_eq(call_current_hold_ms(&cs, T(510)), SEC(60));
	ck_assert_int_eq(call_hold_ms(&cs, T(510)), SEC(60));
	/* The same hold: the rule that fired in it does not fire again as new. */
	ck_assert_int_eq(cs.rules[1].episode_start, cs.hold_since);
	/* Interrupted again within the same hold, resumed again. */
	OK(EV_INTERRUPTED, T(520), 0, 0, 0, "SIGHUP");
	ck_assert_int_eq(cs.hold_ms, SEC(70));
	OK(EV_RESUME, T(600), 0, 1, 0, NULL);
	ck_assert_int_eq(call_current_hold_ms(&cs, T(600)), SEC(70));
	OK0(EV_HOLD_END, T(605));
	ck_assert_int_eq(cs.hold_ms, SEC(75));
	ck_assert_int_eq(cs.hold_longest_ms, SEC(75));
	ck_assert_int_eq(call_current_hold_ms(&cs, T(700)), 0);
	OK0(EV_HOLD_START, T(610));
	ck_assert_int_eq(call_current_hold_ms(&cs, T(615)), SEC(5));
}
END_TEST

/* Logs from before: a RESUME without a = 1 leaves the hold ended at the interruption. */
START_TEST(test_old_resume_ends_the_hold)
{
	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	OK0(EV_HOLD_START, T(10));
	OK(EV_INTERRUPTED, T(30), 0, 0, 0, "SIGHUP");
	OK(EV_RESUME, T(100), 0, 0, 0, NULL);
	ck_assert_int_eq(cs.on_hold, 0);
	ck_assert_int_eq(cs.hold_ms, SEC(20));
	OK0(EV_HOLD_START, T(110));
	OK0(EV_HOLD_END, T(115));
	ck_assert_int_eq(cs.hold_ms, SEC(25));
	ck_assert_int_eq(cs.holds, 2);
}
END_TEST

START_TEST(test_undo_needs_its_memory_first)
{
	/* A refused UNDO leaves the whole state as it was. */
	char *before, *after, diff[512];

	OK(EV_START, T(0), STAGE_CALM, 0, 0, NULL);
	OK(EV_MOOD, T(1), 0, 3, 0, NULL);
	before = fixture_call_dump(&cs, T(5));
	NO(EV_UNDO, T(2), 0, 3, 0, NULL);
	NO(EV_UNDO, T(0), 0, 2, 0, NULL); /* older than the last event */
	after = fixture_call_dump(&cs, T(5));
	ck_assert_msg(strcmp(before, after) == 0, "%s",
		      fixture_dump_diff(before, after, diff, sizeof(diff)));
	free(before);
	free(after);
}
END_TEST

Suite *call_undo_suite(void)
{
	Suite *s = suite_create("call-undo");
	TCase *tc = tcase_create("undo");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_undo_each_mark_is_as_if_never_made, 0, (int)NMARKS);
	tcase_add_test(tc, test_undo_after_undo_walks_back);
	tcase_add_test(tc, test_undo_across_stages_gives_time_back);
	tcase_add_test(tc, test_wrapup_goes_back_to_talk);
	tcase_add_test(tc, test_wrapup_with_fields_stays);
	tcase_add_test(tc, test_line_unmarked_on_its_own);
	tcase_add_test(tc, test_stage_place);
	tcase_add_test(tc, test_undo_refused_outside_talk);
	tcase_add_test(tc, test_tab_skips_boundary_and_back_follows_the_path);
	tcase_add_test(tc, test_prompt_settled_by_its_action);
	tcase_add_test(tc, test_prompts_and_lines_kept_with_how_they_ended);
	tcase_add_test(tc, test_hold_goes_on_after_resume);
	tcase_add_test(tc, test_old_resume_ends_the_hold);
	tcase_add_test(tc, test_undo_needs_its_memory_first);
	suite_add_tcase(s, tc);
	return s;
}
