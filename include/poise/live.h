/*
 * live.h - a live call's one path from an event to the fold: the event is
 * checked against the fold, stored, and only then folded; and when it
 * ends the call, the call's report figures are kept.
 *
 * Owns: the order check, store, fold (an event is stored before it is
 * shown: a refused or unsaved event changes nothing) and keeping a closed
 * call's figures (report_keep_call) at the event that closes it, END or
 * INTERRUPTED, so no screen has to remember to.
 * Does not own: what an event means (call.h), how it is stored (store.h),
 * what the figures are (report.h), or any clock (ev->t is given).
 */
#ifndef POISE_LIVE_H
#define POISE_LIVE_H

#include "poise/call.h"
#include "poise/status.h"
#include "poise/store.h"

/* What live_record did, whatever it returns. */
struct live_done {
	int stored;   /* the event is safe: in the database or the side log */
	int deferred; /* in the side log (the database was busy), replayed later */
};

/*
 * Record ev (its t set, not older than cs->last_t) for call_id, whose
 * fold is cs. Returns POISE_OK when it is stored and folded (ev->seq set);
 * POISE_STATE when the fold refuses it now (nothing stored); the store's
 * status when it could not be stored (nothing folded); POISE_NOMEM when it
 * was stored but could not be folded (done->stored says so: folding the
 * stored log again, as resume does, shows it). err says what failed.
 * When ev closes the call (END, INTERRUPTED) and nothing waits in the side
 * log, the call's figures are kept; that is only a saving for later
 * reports (a call without them is folded from its events), so its failure
 * is not the caller's.
 *
 * st NULL is a preview (`poise preview`): the event is checked and folded
 * as in a call, and nothing is written anywhere (done->stored stays 0).
 */
enum poise_status live_record(struct store *st, const char *call_id, struct call_state *cs,
			      struct event *ev, struct live_done *done, struct poise_error *err);

#endif
