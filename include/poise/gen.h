/*
 * gen.h - realistic made-up calls, for benchmarks and demos.
 *
 * Owns: inventing calls as an agent would log them (start, the stages in
 * order with some steps back, mood marks, holds, notes, checklist ticks,
 * lines said and skipped, the coaching prompts the playbook's rules fire,
 * sometimes boundary warnings and escalation, then wrap-up with outcome,
 * cause, follow-up and reflection, and end), deterministic for a seed.
 * Every event is checked and applied with call_apply() as it is made, so a
 * generated call always folds. Does not own: the clock (the end of the
 * time span is passed in) or how calls are stored (store_batch.h).
 */
#ifndef POISE_GEN_H
#define POISE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/playbook.h"
#include "poise/status.h"
#include "poise/store.h"

#define GEN_MAX_EVENTS 192
/* The last slots of a call, kept for the events that close it (gen_closing()). */
#define GEN_CLOSING_ROOM 8

struct gen_opts {
	uint64_t seed;
	int agents;	/* agent01 .. agentNN */
	int days;	/* calls start within the `days` days before `end` */
	int64_t end;	/* ms since the epoch */
	int64_t refs;	/* distinct customer references (repeat contacts); 0: 1000 */
	/*
	 * Calls in the whole run, 0 if unknown. When set, call i starts on day
	 * i * days / calls of the span (at a random office hour), so the calls
	 * arrive in time order, day by day, as a real centre logs them; when
	 * 0, each call's day is random.
	 */
	uint64_t calls;
};

/* One generated call: its meta and events; event texts point into it or at literals. */
struct gen_call {
	struct call_meta meta;
	struct event ev[GEN_MAX_EVENTS];
	size_t n;
	char followup[256];
};

/* Call number index of the run described by o, under pb. Same inputs, same call. */
enum poise_status gen_call(const struct gen_opts *o, const struct playbook *pb, uint64_t index,
			   struct gen_call *out, struct poise_error *err);

/*
 * 1 if kind closes a call (wrap-up, outcome, cause, follow-up, reflection,
 * end, or an interruption and its resume): only these may take the last
 * GEN_CLOSING_ROOM slots, so every generated call can still end.
 */
int gen_closing(enum event_kind kind);

/*
 * Write calls first .. first+n-1 to st in batches (store_batch.h). progress
 * (may be NULL) is called after each batch with the calls written so far.
 */
enum poise_status gen_write(struct store *st, const struct playbook *pb, const struct gen_opts *o,
			    uint64_t first, uint64_t n, void (*progress)(void *ctx, uint64_t done),
			    void *ctx, struct poise_error *err);

#endif
