/*
 * review.h - the supervisor's side of the call log: finding calls, reading
 * one back whole, and scoring and commenting on it.
 *
 * Owns: loading one call with its playbook and folding its events
 * (call_apply, the one fold) for the call view and replay.
 * The list of calls and the reviews themselves are rows of the store
 * (store_review.h, included here, so one include serves a review screen).
 * Does not own: the schema's migrations (store_schema.c holds them all),
 * figures (report.h), or drawing anything.
 */
#ifndef POISE_REVIEW_H
#define POISE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "poise/call.h"
#include "poise/playbook.h"
#include "poise/status.h"
#include "poise/store.h"
#include "poise/store_review.h"

/* One call read back whole: what the call view and replay show. */
struct review_call {
	struct call_meta meta;
	struct playbook *pb;  /* parsed from the exact text the call used */
	struct event *events; /* every event, in order; texts owned */
	size_t nevents;
	struct call_state state; /* after every event */
};

/* Load call id_or_prefix; free with review_call_free (also after a failure). */
enum poise_status review_call_load(struct store *st, const char *id_or_prefix,
				   struct review_call *rc, struct poise_error *err);
/* The state after the first n events (replay); call_free it. */
enum poise_status review_call_state(const struct review_call *rc, size_t n, struct call_state *cs,
				    struct poise_error *err);
void review_call_free(struct review_call *rc);

#endif
