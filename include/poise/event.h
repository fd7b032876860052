/*
 * event.h - the events a call is made of.
 *
 * Owns: the event kinds, their names in the database, and struct event.
 * Does not own: storing events (store.h) or folding them (call.h).
 *
 * Events are the one truth about a call: the live screen, resume after a
 * crash, replay in review, export and reports all fold the same sequence.
 * Times are milliseconds since the Unix epoch, always passed in.
 *
 * Field use per kind (stage is the stage the call was in unless noted):
 *   START       a call began                     text: playbook hash
 *   STAGE       moved to `stage`                 a: the stage left
 *   MOOD        customer's mood set              a: 1 calm .. 5 furious
 *   NOTE        agent's note                     text: the note (UTF-8)
 *   HOLD_START  customer put on hold
 *   HOLD_END    hold ended
 *   ESCALATE    escalated                        text: short reason
 *   WARNING     boundary warning given           a: 1..3
 *   CHECK       checklist item toggled           a: item index, b: 1 ticked, 0 unticked
 *   SAID        a suggested line marked said     a: enum section, b: item index
 *   SKIP        a suggested line skipped         a: section, b: index, text: reason key
 *   MANAGER     customer asked for a manager
 *   PROMPT      a coaching rule fired            a: rule index, text: rule id
 *   BREATHE     breathing pacer started
 *   BREATHE_END breathing pacer stopped (p or Esc)
 *   WRAPUP      talk ended, wrap-up began
 *   OUTCOME     wrap-up outcome                  text: outcome key (outcome_key())
 *   CAUSE       cause category                   text: cause id from the playbook
 *   FOLLOWUP    follow-up promised               text: "YYYY-MM-DD\tchannel\tpromise"
 *   REFLECTION  agent's reflection               text: "went well\tto improve"
 *   END         call closed normally
 *   INTERRUPTED call closed as interrupted       text: why ("SIGHUP", "closed on start")
 *   RESUME      call resumed after interruption  a: 1 a hold open then goes on
 *   UNDO        an earlier event taken back      a: the seq of the event undone
 * Tab separates fields in text; user input has tabs replaced by spaces.
 * INTERRUPTED, RESUME and END carry the stage the call was in, like the rest.
 *
 * UNDO keeps the log append-only: nothing is deleted, and every reader
 * folds the call as if the undone event had never been logged (call.h says
 * which events can be undone and when). Pressing u again undoes the mark
 * before; an UNDO itself is never undone (press the key of the mark again).
 */
#ifndef POISE_EVENT_H
#define POISE_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "poise/status.h"

#define EVENT_KIND_LIST(X)                                                     \
	X(START, "start")                                                      \
	X(STAGE, "stage")                                                      \
	X(MOOD, "mood")                                                        \
	X(NOTE, "note")                                                        \
	X(HOLD_START, "hold-start")                                            \
	X(HOLD_END, "hold-end")                                                \
	X(ESCALATE, "escalate")                                                \
	X(WARNING, "warning")                                                  \
	X(CHECK, "check")                                                      \
	X(SAID, "said")                                                        \
	X(SKIP, "skip")                                                        \
	X(MANAGER, "manager")                                                  \
	X(PROMPT, "prompt")                                                    \
	X(BREATHE, "breathe")                                                  \
	X(WRAPUP, "wrapup")                                                    \
	X(OUTCOME, "outcome")                                                  \
	X(CAUSE, "cause")                                                      \
	X(FOLLOWUP, "followup")                                                \
	X(REFLECTION, "reflection")                                            \
	X(END, "end")                                                          \
	X(INTERRUPTED, "interrupted")                                          \
	X(RESUME, "resume")                                                    \
	X(UNDO, "undo")                                                        \
	X(BREATHE_END, "breathe-end")

#define EVENT_KIND_ENUM(name, key) EV_##name,
enum event_kind { EVENT_KIND_LIST(EVENT_KIND_ENUM) EV_COUNT };
#undef EVENT_KIND_ENUM

/* Wrap-up outcomes: X(enum suffix, key stored in the database, wrap-up key, label). */
#define OUTCOME_LIST(X)                                                        \
	X(RESOLVED, "resolved", 'r', N_("resolved"))                           \
	X(ESCALATED, "escalated", 'e', N_("escalated"))                        \
	X(TRANSFERRED, "transferred", 't', N_("transferred"))                  \
	X(CALLBACK, "callback", 'c', N_("callback"))                           \
	X(ABUSE, "abuse", 'a', N_("ended for abuse"))                          \
	X(UNRESOLVED, "unresolved", 'u', N_("unresolved"))

#define OUTCOME_ENUM(name, key, ch, label) OUTCOME_##name,
enum outcome { OUTCOME_NONE = -1, OUTCOME_LIST(OUTCOME_ENUM) OUTCOME_COUNT };
#undef OUTCOME_ENUM

/* Reasons for skipping a line: X(enum suffix, key, one-key choice, label). */
#define SKIP_REASON_LIST(X)                                                    \
	X(DIDNT_FIT, "didnt-fit", 'd', N_("didn't fit"))                       \
	X(CALMER, "calmer", 'c', N_("customer calmer already"))                \
	X(WRONG, "wrong-scenario", 'w', N_("wrong scenario"))                  \
	X(OTHER, "other", 'o', N_("other"))

#define SKIP_ENUM(name, key, ch, label) SKIP_##name,
enum skip_reason { SKIP_REASON_LIST(SKIP_ENUM) SKIP_COUNT };
#undef SKIP_ENUM

struct event {
	int64_t seq; /* 1, 2, ... within its call; assigned by the store */
	int64_t t;   /* ms since the epoch */
	enum event_kind kind;
	int stage;   /* enum stage */
	int a, b;
	const char *text; /* NULL when the kind carries none; not owned */
};

const char *event_kind_key(enum event_kind kind);
/* The kind whose key is `key`; -1 when none. */
int event_kind_from_key(const char *key);

/*
 * Field i (0 first) of an event's tab-separated text (FOLLOWUP, REFLECTION):
 * where it starts, and in *len its bytes up to the next tab. Past the last
 * field, or for a NULL text, "" and 0.
 */
const char *event_field(const char *text, int i, int *len);

/*
 * Whether ev can be stored as it is: a known kind and stage, a mood 1..5,
 * a skip with its section, item and reason, a follow-up's date as
 * YYYY-MM-DD, a text (if any) of at most FIELD_EVENT_TEXT_MAX bytes of
 * valid UTF-8 with nothing a terminal would obey but newlines and tabs
 * (text_check_field). POISE_INVALID or POISE_TOO_BIG ("cannot save 'KIND'
 * event: why") when not. Every way into the store checks it: an append, a
 * batch, merge, the side log; and so what one poise stores, another's
 * merge and the team server take (sync checks with merge's checks). The
 * screens clean what is typed before it gets here (edit.c, plain.c).
 */
enum poise_status event_check(const struct event *ev, struct poise_error *err);

const char *outcome_key(enum outcome outcome);
const char *outcome_label(enum outcome outcome);
/* The outcome for a stored key or a wrap-up key press; OUTCOME_NONE when none. */
enum outcome outcome_from_key(const char *key);
enum outcome outcome_from_char(int ch);

const char *skip_reason_key(enum skip_reason reason);
const char *skip_reason_label(enum skip_reason reason);
/* The reason of a stored key (or a key press); -1 when none. */
int skip_reason_from_key(const char *key);
int skip_reason_from_char(int ch);

/*
 * The one-key choices as a question offers them, from the table the
 * *_from_char functions read: into line "r resolved  e escalated  ..." (the
 * labels translated; only whole choices when size is short, size > 0), into keys "retcau".
 */
void outcome_choices(char *line, size_t size, char keys[OUTCOME_COUNT + 1]);
void skip_reason_choices(char *line, size_t size, char keys[SKIP_COUNT + 1]);

#endif
