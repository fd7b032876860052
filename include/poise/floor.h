/*
 * floor.h - the live floor: one row per agent's live call, in the order of
 * who needs help most, and the events that raise an alert.
 *
 * Owns: a floor row made from a call's fold (call.h) at a time passed in,
 * the order of the rows, and which events are alerts. Does not own: where
 * the calls come from (the team server, team.h: team_floor_*) or drawing
 * them (src/ui/floor.c). No clock, no I/O: tested without a server.
 *
 * Who needs help most (docs/architecture.md, "The live floor"): rows sort by
 * need, highest first,
 *   FLOOR_HELP    help asked: the agent escalated or the customer asked for a
 *                 manager (and it was not undone)
 *   FLOOR_WARNED  boundary warning 2 or 3 given: the call may be ended for abuse
 *   FLOOR_WATCH   mood 4 angry or 5 furious, a hold over FLOOR_HOLD_LONG_MS,
 *                 or a first boundary warning
 *   FLOOR_FINE    everyone else (the wrap-up included)
 * then, within a need, the higher mood, the longer hold under way, the more
 * boundary warnings, the more coaching prompts fired, the longer call, and
 * finally agent and call id, so the order is stable between redraws.
 */
#ifndef POISE_FLOOR_H
#define POISE_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#include "poise/call.h"
#include "poise/limits.h"
#include "poise/store.h"

/* A hold longer than this (2 minutes) puts a call on watch. */
#define FLOOR_HOLD_LONG_MS INT64_C(120000)
/* A mood this high (4 angry) or higher puts a call on watch. */
#define FLOOR_MOOD_WATCH 4

enum floor_need { FLOOR_FINE, FLOOR_WATCH, FLOOR_WARNED, FLOOR_HELP };

struct floor_row {
	char call_id[FIELD_CALL_ID_LEN + 1];
	char agent[FIELD_AGENT_MAX + 1];
	char customer[FIELD_CUSTOMER_MAX + 1];
	enum floor_need need;
	enum call_phase phase;
	enum stage stage;
	int mood;	       /* 0: not set */
	int on_hold;
	int64_t hold_ms;       /* the hold under way; 0 when none */
	int64_t hold_total_ms; /* every hold of the call, the one under way included */
	int warnings;	       /* boundary warnings given, 0..3 */
	int prompts;	       /* coaching prompts fired */
	int escalations, manager_asks;
	int64_t elapsed_ms;
};

/* The row of the call m folded into cs, at now. */
void floor_row_make(struct floor_row *r, const struct call_meta *m, const struct call_state *cs,
		    int64_t now);

/* The need of a row's figures (set by floor_row_make; here for tests and the docs). */
enum floor_need floor_need_of(const struct floor_row *r);

/* <0 when a needs help before b (the order above), >0 after, 0 the same row. */
int floor_row_cmp(const struct floor_row *a, const struct floor_row *b);
void floor_sort(struct floor_row *rows, size_t n);

/* The need as the floor shows it: "HELP", "warned", "watch", "" for fine. */
const char *floor_need_word(enum floor_need need);

/* What an event raises on the floor. */
enum floor_alert { FLOOR_ALERT_NONE, FLOOR_ALERT_ESCALATE, FLOOR_ALERT_MANAGER, FLOOR_ALERT_WARNING };

/* ESCALATE, MANAGER, or a WARNING of level 2 or 3 raise an alert; nothing else does. */
enum floor_alert floor_alert_of(const struct event *ev);
/* "escalated", "manager requested", "boundary warning 2" (level a): into buf. */
const char *floor_alert_words(char *buf, size_t size, enum floor_alert alert, int level);

#endif
