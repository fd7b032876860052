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
 *                     outcome is set), NOTE, BREATHE, INTERRUPTED, and an
 *                     UNDO of the WRAPUP while nothing of the wrap-up is set
 *   CALL_DONE         nothing
 *   CALL_INTERRUPTED  RESUME only
 * and never an event older than the last one applied. The event's `stage`
 * is read only for START (the stage the call opens in) and STAGE (the
 * stage moved to); CHECK, SAID and SKIP refer to items of the current stage.
 *
 * Undo. An agent's marks (STAGE, MOOD, NOTE, HOLD_START, HOLD_END,
 * ESCALATE, WARNING, CHECK, SAID, SKIP, MANAGER) can be taken back with an
 * UNDO whose `a` is the seq of the event undone (the store's seq; events
 * folded without one are numbered 1, 2, ... in the order applied). While
 * talking, an UNDO may name the newest mark not yet undone
 * (call_undo_target; so a second UNDO takes back the mark before, and so
 * on to the start of the call), or the event that set the current mark of
 * a line of the current stage (call_line_mark_seq: a said line un-marked).
 * In the wrap-up it may name only the WRAPUP, before any outcome, cause,
 * follow-up or reflection: the call goes back to talking. An UNDO is never
 * undone itself. The fold then holds exactly what folding the call's
 * events without the undone ones gives (it folds them again): an undone
 * stage move gives its time to the stage before, an undone HOLD_END leaves
 * the hold open since its start, an undone WRAPUP counts the time since
 * as talk in the current stage. PROMPTs fired in between stay, as they
 * were shown.
 *
 * Stages as a path. Forward (call_next_stage) runs calm .. solve, then
 * follow-up: boundary is entered only by a STAGE to it (the agent's b).
 * The stages entered are kept as a path; a STAGE to the stage before the
 * current one on the path steps back along it (call_prev_stage), any
 * other STAGE adds to it.
 *
 * Coaching prompts. Every PROMPT is kept (prompts), with how it left the
 * screen. The pending one (call_prompt) is the newest still to act on: a
 * PROMPT becomes it while the rule's episode is under way (rules.h; so a
 * prompt whose cause an UNDO took back has lapsed when the call is folded
 * again), the one it takes the place of is replaced, and the event that
 * does the rule's action ends it as acted on (escalate: ESCALATE;
 * boundary: a STAGE to boundary or a WARNING; end-hold: HOLD_END; breathe:
 * BREATHE; next-stage: any STAGE).
 *
 * Lines. Each line of each stage keeps its mark (shown, said, skipped),
 * the reason a skipped line was skipped and the SAID or SKIP that set it
 * (lines): the call screen, review's replay and the timeline all read
 * them from here, so what they show cannot differ.
 *
 * Time accounting. Stage time runs only in CALL_TALK, hold time included
 * (a hold happens within a stage). WRAPUP and INTERRUPTED close the current
 * stage visit and any open hold at their time. RESUME returns to the phase
 * the call was interrupted in and continues the same stage visit: the gap
 * between INTERRUPTED and RESUME counts as neither stage time nor elapsed
 * time (gap_ms), because nobody saw what happened in it. A hold open at
 * INTERRUPTED is closed there for the figures of a call that stays
 * interrupted; a RESUME with a = 1 opens it again, its timer going on from
 * where it stopped (the gap excluded, hold_gap_ms). Logs from before that
 * have a = 0 on RESUME: the hold ended at the interruption, as it did then.
 * Mood and manager times are marks of what the customer did and stay in
 * wall-clock time.
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

/* The event texts the state names are the log's (call_entry.text), never copies. */
struct note {
	int64_t t;
	const char *text; /* the NOTE's log entry's text */
};

/* Per suggested line: how it was used. */
enum line_mark { LINE_SHOWN = 0, LINE_SAID = 1, LINE_SKIPPED = 2 };

/* One line of a stage as the call screen shows it: its mark and the event that set it. */
struct line_use {
	int64_t seq, t;	    /* the SAID or SKIP that set the mark; 0 while LINE_SHOWN */
	unsigned char mark; /* enum line_mark */
	signed char reason; /* enum skip_reason of a skipped line; -1 otherwise */
};

/*
 * A coaching prompt that fired, and how it left the screen: still shown
 * (pending), acted on (the event that does its rule's action), replaced
 * (a newer prompt took its place), or lapsed (its cause had already gone
 * when it was folded: an UNDO took the cause back, so it is not shown).
 */
enum prompt_end { PROMPT_PENDING, PROMPT_ACTED, PROMPT_REPLACED, PROMPT_LAPSED };

struct prompt_mark {
	int64_t seq, t; /* the PROMPT event */
	int rule;	/* index into the playbook's rules */
	int in_stage;	/* the stage the call was in */
	enum prompt_end end;
	int64_t end_seq, end_at; /* the event that ended it; 0 while pending (and lapsed) */
};

struct rule_track {
	int64_t last_fired;    /* 0 = never */
	int64_t episode_start; /* start of the episode it last fired in; -1: none */
	int fired;	       /* times fired in this call */
};

/*
 * One applied event, kept by the fold: an UNDO folds the call again from
 * these without the events taken back, and u finds the mark it takes back
 * here. What a screen shows (a line's mark and skip reason, the prompts)
 * is kept in the state itself (lines, prompts), not looked up here.
 */
struct call_entry {
	int64_t seq, t; /* seq: the store's, else its place in the fold (1, 2, ...) */
	enum event_kind kind;
	int stage, a, b;
	char *text;   /* owned copy; NULL when the event had none */
	int in_stage; /* the stage the call was in when it was applied */
	int mood;     /* the mood then; 0 = none yet */
	int undone;   /* taken back by a later UNDO */
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
	int *path;		       /* stages entered, going back pops (see above) */
	size_t npath, path_cap;

	int mood; /* 0 = not set yet, else 1..5 */
	int64_t mood_since;
	struct mood_mark *moods; /* every MOOD event, in order */
	size_t nmoods, moods_cap;

	int on_hold;
	int64_t hold_since;
	int holds;		 /* holds started, an open one included */
	int64_t hold_ms;	 /* closed holds only */
	int64_t hold_longest_ms; /* closed holds only */
	int64_t hold_gap_ms;	 /* interruption gaps within the open hold */
	int hold_paused;	 /* INTERRUPTED closed an open hold; RESUME reopens it */
	int64_t hold_part_ms;	 /* the part of that hold closed then */

	int warnings; /* boundary warnings given, 0..3 */
	int64_t warning_at[PLAYBOOK_WARNINGS];
	int escalations;
	int64_t manager_at; /* last manager request; 0 = none */
	int manager_asks;
	int64_t empathy_at;  /* first entry to EMPATHIZE; 0 = never */
	int64_t empathy_gap; /* gap_ms then */

	/* Per stage, per item of the playbook: ticked (checklist) / how each line was used. */
	unsigned char *ticked[STAGE_COUNT];
	struct line_use *lines[STAGE_COUNT][SECTION_COUNT];

	struct note *notes;
	size_t nnotes, notes_cap;

	struct rule_track *rules;    /* one per playbook rule */
	struct prompt_mark *prompts; /* every PROMPT folded, in order */
	size_t nprompts, prompts_cap;
	long prompt; /* index in prompts of the pending one; -1 = none */
	int breathe_count;
	int64_t breathe_at;
	int pacing; /* the pacer runs, since breathe_at: BREATHE to BREATHE_END or INTERRUPTED */

	enum outcome outcome;
	const char *cause;	      /* the last CAUSE's text (the log's); NULL until set */
	const char *followup;	      /* the last FOLLOWUP's text (the log's); NULL until set */
	const char *reflection;	      /* the last REFLECTION's text (the log's); NULL until set */
	int interrupted_before;	      /* an INTERRUPTED/RESUME pair was seen */
	int64_t interrupted_at;	      /* while CALL_INTERRUPTED */
	enum call_phase resume_phase; /* the phase RESUME returns to */
	int64_t gap_ms;		      /* time between INTERRUPTED and RESUME */
	int64_t talk_ms;	      /* elapsed at WRAPUP (gaps excluded) */

	struct call_entry *log; /* every event applied, in order; owns their texts */
	size_t nlog, log_cap;
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

/* The stage Tab moves to (boundary skipped), and the one before on the path; -1: none. */
int call_next_stage(const struct call_state *cs);
int call_prev_stage(const struct call_state *cs);

/* The seq an UNDO names to take back the newest mark (or, in the wrap-up, the WRAPUP); 0: none. */
int64_t call_undo_target(const struct call_state *cs);
/* The kept event of this seq; NULL when none. */
const struct call_entry *call_entry_of(const struct call_state *cs, int64_t seq);
/* A kept event as an event again (its text still owned by the entry). */
struct event call_entry_event(const struct call_entry *e);
/* The seq of the SAID or SKIP that set the mark of a line of the current stage; 0: none. */
int64_t call_line_mark_seq(const struct call_state *cs, enum section section, int index);
/*
 * Where the agent was in the current stage: the line of the newest mark
 * kept (SAID, SKIP, CHECK) made in it. 1 with section and index set; 0 when
 * the stage has none. A screen opens a stage there, so a resumed call or a
 * stage gone back to shows the place it was left at.
 */
int call_stage_place(const struct call_state *cs, enum section *section, int *index);
/* Why a line of stage was skipped: its SKIP's reason key; NULL when it is not skipped. */
const char *call_skip_reason(const struct call_state *cs, enum stage stage, enum section section,
			     int index);
/* How a line of stage was used; NULL when there is no such line. */
const struct line_use *call_line(const struct call_state *cs, enum stage stage,
				 enum section section, int index);
/* The coaching prompt still to act on; NULL when none. Its rule, -1 when none. */
const struct prompt_mark *call_prompt(const struct call_state *cs);
int call_prompt_rule(const struct call_state *cs);

/* Number of items of a section in stage; checklist items ticked in stage. */
size_t call_section_len(const struct call_state *cs, enum stage stage, enum section section);
size_t call_ticked_count(const struct call_state *cs, enum stage stage);

#endif
