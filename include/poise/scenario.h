/*
 * scenario.h - a rehearsal's scripted customer, and the engine that plays it.
 *
 * Owns: the scenario model and its strict loader (YAML, the same rules and
 * located errors as a playbook: docs/scenario-format.md and
 * scenarios/schema.json), and the rehearsal engine: given the call's fold
 * after each event the agent logs (and the clock, for holds and silences),
 * which of the scenario's reactions the customer makes now, and the debrief
 * at the end, built from the playbook's own words (stage goals, rule
 * messages), never free text.
 * Does not own: drawing (the call screen shows a reaction as the customer
 * speaking) or storing (a rehearsal is an ordinary call marked practice;
 * the customer's mood changes are MOOD events like any other).
 *
 * A reaction fires at most once per rehearsal, in file order when several
 * match the same moment; the first one that matches is the one returned.
 */
#ifndef POISE_SCENARIO_H
#define POISE_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "poise/call.h"
#include "poise/playbook.h"
#include "poise/status.h"

#define SCENARIO_MAX_BYTES (256 * 1024)
#define SCENARIO_MAX_REACTIONS 64

/*
 * What the customer reacts to. X(enum suffix, yaml "when" value):
 *   SAID      the agent marked a suggested line said (in `stage`, if given)
 *   ENTER     the agent moved into `stage` (`before`: while that stage was
 *             never visited, e.g. Solve before Empathize)
 *   WARNING   the agent gave boundary warning `count`
 *   HOLD      the caller has been on hold `seconds` seconds
 *   ESCALATE  the agent escalated the call
 *   SILENCE   `seconds` seconds passed with nothing logged by the agent
 */
#define REACT_WHEN_LIST(X)                                                     \
	X(SAID, "said")                                                        \
	X(ENTER, "enter")                                                      \
	X(WARNING, "warning")                                                  \
	X(HOLD, "hold")                                                        \
	X(ESCALATE, "escalate")                                                \
	X(SILENCE, "silence")

#define REACT_WHEN_ENUM(name, key) REACT_##name,
enum react_when { REACT_WHEN_LIST(REACT_WHEN_ENUM) REACT_WHEN_COUNT };
#undef REACT_WHEN_ENUM

struct reaction {
	char *id;
	enum react_when when;
	int stage;   /* enum stage; -1: any */
	int before;  /* ENTER: fires only if this stage was never visited; -1: none */
	int count;   /* WARNING: the warning's number, 1..3 */
	int seconds; /* HOLD, SILENCE */
	int mood;    /* change to the customer's mood, -4..+4; 0: none */
	char *line;  /* what the customer says */
	struct pb_pos at;
};

struct scenario {
	char *id, *title, *language, *situation, *opening;
	char *playbook; /* the playbook id it is practised with; NULL: the default */
	char *customer, *reference;
	int mood; /* the customer's mood at the start, 1..5 */
	struct reaction *reactions;
	size_t nreactions;
	char *path; /* where it was loaded from */
	struct strpool strings; /* owns every string above */
};

enum poise_status scenario_load_text(const char *text, size_t len, const char *name,
				     struct scenario **out, struct poise_error *err);
/* A regular file only (a FIFO, device or folder is refused at once). */
enum poise_status scenario_load_file(const char *path, struct scenario **out,
				     struct poise_error *err);
void scenario_free(struct scenario *sc);
/* Whether the file at path is meant as a scenario (YAML whose top has `reactions:`), for lint. */
int scenario_is_file(const char *path);
const char *react_when_key(enum react_when when);

/* A rehearsal in progress: which reactions have fired, the customer's mood. */
struct rehearsal {
	const struct scenario *sc;
	unsigned char *fired; /* one per reaction */
	int mood;
	int64_t last_action; /* the agent's newest logged event, for SILENCE */
};

enum poise_status rehearsal_init(struct rehearsal *r, const struct scenario *sc, int64_t now);
void rehearsal_free(struct rehearsal *r);

/*
 * A rehearsal is never resumed: agent's rehearsals left open by a kill (no
 * process holds their lock, calllock.h) each get the INTERRUPTED they never
 * got ("no clean exit", at their last event, in the stage they were in),
 * appended as any event (store_append), so they fold as interrupted. One
 * live in another window is left alone. *closed: how many were closed.
 * Called when poise starts a call or a rehearsal (rehearse_stale.c).
 */
struct store;
enum poise_status rehearsal_close_stale(struct store *st, const char *agent, int *closed,
					struct poise_error *err);

/*
 * The reaction due now, given the fold cs after the agent's event ev (NULL
 * for a tick of the clock); -1 when none. The reaction is marked fired and
 * r->mood moved by it (kept within 1..5); the caller logs that mood as a
 * MOOD event and shows the line.
 */
int rehearsal_react(struct rehearsal *r, const struct call_state *cs, const struct event *ev,
		    int64_t now);

/*
 * The debrief: what went well and what to try, each a line of the
 * playbook's own text with where it comes from ("Empathize: Show you
 * understand how they feel", a rule's message).
 */
enum debrief_kind { DEBRIEF_WELL, DEBRIEF_TRY };
struct debrief_item {
	enum debrief_kind kind;
	const char *label; /* a stage title or "Rule <id>"; points into the playbook */
	const char *text;  /* the playbook's words; not owned */
};
struct debrief {
	struct debrief_item *items;
	size_t n, cap;
};

enum poise_status rehearsal_debrief(const struct call_state *cs, struct debrief *out);
void debrief_free(struct debrief *d);

#endif
