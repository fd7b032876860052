/*
 * call.h - a call's state as a fold over its events.
 *
 * Owns: struct call_state and call_apply(), the one function that turns an
 * event into state. The live screen, resume, replay and reports all use it.
 * Does not own: storing events (store.h), deciding which coaching prompts
 * are due (rules.h), or any clock: every time is passed in (ms since epoch).
 */
#ifndef POISE_CALL_H
#define POISE_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/playbook.h"
#include "poise/status.h"

enum call_phase {
	CALL_NEW,         /* no START applied yet */
	CALL_TALK,        /* live */
	CALL_WRAPUP,      /* talk ended, wrap-up in progress */
	CALL_DONE,        /* END applied */
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
	int64_t episode_start; /* start of the episode it last fired in */
	int fired;             /* times fired in this call */
};

struct call_state {
	const struct playbook *pb; /* not owned; must outlive the state */
	enum call_phase phase;
	int64_t started, wrapup_at, ended, last_t;
	int64_t nevents;

	enum stage stage;
	int64_t stage_since;            /* when the current stage was entered */
	unsigned visited;               /* bit (1u << stage) for each visited stage */
	int64_t stage_ms[STAGE_COUNT];  /* closed time per stage, current visit excluded */

	int mood;                       /* 0 = not set yet, else 1..5 */
	int64_t mood_since;
	struct mood_mark *moods;        /* every MOOD event, in order */
	size_t nmoods;

	int on_hold;
	int64_t hold_since;
	int holds;
	int64_t hold_ms;                /* closed holds only */
	int64_t hold_longest_ms;        /* closed holds only */

	int warnings;                   /* boundary warnings given, 0..3 */
	int64_t warning_at[PLAYBOOK_WARNINGS];
	int escalations;
	int64_t manager_at;             /* last manager request; 0 = none */
	int manager_asks;
	int64_t empathy_at;             /* first entry to EMPATHIZE; 0 = never */

	/* Per stage, per item of the playbook: ticked (checklist) / line marks. */
	unsigned char *ticked[STAGE_COUNT];
	unsigned char *marks[STAGE_COUNT][SECTION_COUNT];

	struct note *notes;
	size_t nnotes;

	struct rule_track *rules;       /* one per playbook rule */
	int breathe_count;
	int64_t breathe_at;

	enum outcome outcome;
	char *cause;                    /* owned; NULL until set */
	int interrupted_before;         /* an INTERRUPTED/RESUME pair was seen */
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

/* Derived figures at `now` (open intervals counted up to now). */
int64_t call_elapsed_ms(const struct call_state *cs, int64_t now);
int64_t call_stage_ms(const struct call_state *cs, enum stage stage, int64_t now);
int64_t call_in_stage_ms(const struct call_state *cs, int64_t now); /* current visit */
int64_t call_hold_ms(const struct call_state *cs, int64_t now);     /* total incl. open */
int64_t call_current_hold_ms(const struct call_state *cs, int64_t now);
int64_t call_mood_held_ms(const struct call_state *cs, int64_t now);

/* Number of items of a section in stage; checklist items ticked in stage. */
size_t call_section_len(const struct call_state *cs, enum stage stage, enum section section);
size_t call_ticked_count(const struct call_state *cs, enum stage stage);

#endif
