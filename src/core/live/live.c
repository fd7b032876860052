/*
 * live.c - a live call's events: checked, stored, folded; the figures of
 * a call kept at the event that closes it.
 */
#include "poise/live.h"

#include "poise/report.h"

enum poise_status live_record(struct store *st, const char *call_id, struct call_state *cs,
			      struct event *ev, struct live_done *done, struct poise_error *err)
{
	struct poise_error ignored;
	enum poise_status s;

	done->stored = done->deferred = 0;
	if (call_check(cs, ev) != POISE_OK)
		return poise_error_set(err, POISE_STATE, NULL, 0, 0, "%s: not possible now",
				       event_kind_key(ev->kind));
	if (!st) /* a preview: folded, never written */
		return call_apply(cs, ev) == POISE_OK
			       ? POISE_OK
			       : poise_error_set(err, POISE_NOMEM, NULL, 0, 0,
						 "%s could not be shown", event_kind_key(ev->kind));
	s = store_append(st, call_id, ev, &done->deferred, err);
	if (s != POISE_OK)
		return s;
	done->stored = 1;
	if (call_apply(cs, ev) != POISE_OK)
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0,
				       "%s saved but could not be shown", event_kind_key(ev->kind));
	if ((ev->kind == EV_END || ev->kind == EV_INTERRUPTED) && store_pending(st) == 0) {
		poise_error_clear(&ignored);
		report_keep_call(st, call_id, &ignored);
	}
	return POISE_OK;
}
