/*
 * call.h - a call's state as a fold over its events.
 *
 * Owns: struct call_state and call_apply(), the one function that turns an
 * event into state. The live screen, resume, replay and reports all use it.
 * Does not own: storing events (store.h), deciding which coaching prompts
 * are due (rules.h), or any clock: every time is passed in (ms since epoch).
 *
 * Which events are valid when (call_check):
 *   CALL_NEW          START only (t > 0)
 *   CALL_TALK         everything but START, RESUME and the wrap-up fields
 *                     (OUTCOME, CAUSE, FOLLOWUP, REFLECTION, END)
 *   CALL_WRAPUP       OUTCOME, CAUSE, FOLLOWUP, REFLECTION, END (once an
 *                     outcome is set), NOTE, BREATHE, INTERRUPTED
 *   CALL_DONE         nothing
 *   CALL_INTERRUPTED  RESUME only
 * and never an event older than the last one applied. The event's `stage`
 * is read only for START (the stage the call opens in) and STAGE (the
 * stage moved to); CHECK, SAID and SKIP refer to items of the current stage.
 *
 * Time accounting. Stage time runs only in CALL_TALK, hold time included
 * (a hold happens within a stage). WRAPUP and INTERRUPTED close the current
 * stage visit and any open hold at their time. RESUME returns to the phase
 * the call was interrupted in and continues the same stage visit: the gap
 * between INTERRUPTED and RESUME counts as neither stage time nor elapsed
 * time (gap_ms), because nobody saw what happened in it. Mood and manager
 * times are marks of what the customer did and stay in wall-clock time.
 */
#ifndef POISE_CALL_H
#define POISE_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/playbook.h"
#include "poise/status.h"

enum call_phase {
	CALL_NEW,	  /* no START applied yet */
	CALL_TALK,	  /* live */
	CALL_WRAPUP,	  /* talk ended, wrap-up in progress */
	CALL_DONE,	  /* END applied */
	CALL_INTERRUPTED, /* INTERRUPTED applied */
};

struct mood_mark {
	int64_t t;
	int mood;
};

struct note {
	int64_t t;
	char *text;
};

/* Per suggested line: how it was used. */
enum line_mark { LINE_SHOWN = 0, LINE_SAID = 1, LINE_SKIPPED = 2 };

struct rule_track {
	int64_t last_fired;    /* 0 = never */
	int64_t episode_start; /* start of the episode it last fired in; -1: none */
	int fired;	       /* times fired in this call */
};

struct call_state {
	const struct playbook *pb; /* not owned; must outlive the state */
	enum call_phase phase;
	int64_t started, wrapup_at, ended, last_t;
	int64_t nevents;

	enum stage stage;
	int64_t stage_since;	       /* when the current stage was entered */
	unsigned visited;	       /* bit (1u << stage) for each visited stage */
	int64_t stage_ms[STAGE_COUNT]; /* closed time per stage, open stretch excluded */
	int stage_visits[STAGE_COUNT]; /* times each stage was entered */
	int64_t stage_clock;	       /* start of the stretch not yet in stage_ms */
	int64_t visit_ms;	       /* closed part of the current visit */

	int mood; /* 0 = not set yet, else 1..5 */
	int64_t mood_since;
	struct mood_mark *moods; /* every MOOD event, in order */
	size_t nmoods, moods_cap;

	int on_hold;
	int64_t hold_since;
	int holds;		 /* holds started, an open one included */
	int64_t hold_ms;	 /* closed holds only */
	int64_t hold_longest_ms; /* closed holds only */

	int warnings; /* boundary warnings given, 0..3 */
	int64_t warning_at[PLAYBOOK_WARNINGS];
	int escalations;
	int64_t manager_at; /* last manager request; 0 = none */
	int manager_asks;
	int64_t empathy_at; /* first entry to EMPATHIZE; 0 = never */

	/* Per stage, per item of the playbook: ticked (checklist) / line marks. */
	unsigned char *ticked[STAGE_COUNT];
	unsigned char *marks[STAGE_COUNT][SECTION_COUNT];

	struct note *notes;
	size_t nnotes, notes_cap;

	struct rule_track *rules; /* one per playbook rule */
	int prompt_rule;	  /* newest prompt's rule index; -1 = none */
	int64_t prompt_at;
	int breathe_count;
	int64_t breathe_at;

	enum outcome outcome;
	char *cause;		      /* owned; NULL until set */
	char *followup;		      /* owned FOLLOWUP text; NULL until set */
	char *reflection;	      /* owned REFLECTION text; NULL until set */
	int interrupted_before;	      /* an INTERRUPTED/RESUME pair was seen */
	int64_t interrupted_at;	      /* while CALL_INTERRUPTED */
	enum call_phase resume_phase; /* the phase RESUME returns to */
	int64_t gap_ms;		      /* time between INTERRUPTED and RESUME */
	int64_t talk_ms;	      /* elapsed at WRAPUP (gaps excluded) */
};

/* Prepare an empty state for a call under pb. */
enum poise_status call_init(struct call_state *cs, const struct playbook *pb);
void call_free(struct call_state *cs);

/*
 * Apply one event. Returns POISE_STATE (state unchanged) when the event
 * makes no sense now (a mood of 7, a second HOLD_START, an event after END);
 * callers check with call_check() before storing, so this never happens for
 * stored events, and a stored log that does hit it is reported, not trusted.
 */
enum poise_status call_apply(struct call_state *cs, const struct event *ev);

/* Whether ev may be applied now, without applying it. */
enum poise_status call_check(const struct call_state *cs, const struct event *ev);

/*
 * Derived figures at `now` (open intervals counted up to now while talking;
 * frozen where talk stopped otherwise). Elapsed runs from START to END (or
 * the interruption), wrap-up included, gaps excluded.
 */
int64_t call_elapsed_ms(const struct call_state *cs, int64_t now);
int64_t call_stage_ms(const struct call_state *cs, enum stage stage, int64_t now);
int64_t call_in_stage_ms(const struct call_state *cs, int64_t now); /* current visit */
int64_t call_hold_ms(const struct call_state *cs, int64_t now);	    /* total incl. open */
int64_t call_current_hold_ms(const struct call_state *cs, int64_t now);
int64_t call_mood_held_ms(const struct call_state *cs, int64_t now);
/* Talk time (hold included) and wrap-up time; they add up to elapsed. */
int64_t call_talk_ms(const struct call_state *cs, int64_t now);
int64_t call_wrapup_ms(const struct call_state *cs, int64_t now);

/* Number of items of a section in stage; checklist items ticked in stage. */
size_t call_section_len(const struct call_state *cs, enum stage stage, enum section section);
size_t call_ticked_count(const struct call_state *cs, enum stage stage);

#endif
