/*
 * call_int.h - what call.c and call_log.c share and nobody else sees.
 *
 * call.c folds one event into the state; call_log.c keeps the events
 * folded, so an UNDO can fold the call again without the ones taken back.
 */
#ifndef POISE_CALL_INT_H
#define POISE_CALL_INT_H

#include "poise/call.h"

/*
 * Check and fold ev, without keeping it (call_apply keeps it). ev->text must
 * be its log entry's: the state points at it (a note, the cause) and never copies.
 */
enum poise_status call_fold_one(struct call_state *cs, const struct event *ev);

/* Whether this UNDO may be applied now (call.h: Undo). */
int call_undo_ok(const struct call_state *cs, const struct event *ev);
/* Fold the kept events again without the one the UNDO names; cs unchanged on failure. */
enum poise_status call_undo_apply(struct call_state *cs, const struct event *ev);

#endif
