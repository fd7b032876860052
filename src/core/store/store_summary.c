/*
 * store_summary.c - the calls row's summary columns, folded from a call's
 * events: pure, no I/O. The live writer (store_write.c) applies one step
 * per event to the row it reads back; the batch writer (store_batch.c)
 * folds a whole call before it writes the row once. One set of rules, so
 * the two cannot drift.
 */
#include "store_int.h"

#include <string.h>

void store_summary_init(struct store_summary *sm)
{
	memset(sm, 0, sizeof(*sm));
	sm->status = "open";
}

unsigned store_summary_touches(enum event_kind kind)
{
	switch (kind) {
	case EV_MOOD:
		return SUMMARY_MOOD;
	case EV_WRAPUP:
		return SUMMARY_WRAPUP;
	case EV_OUTCOME:
		return SUMMARY_OUTCOME;
	case EV_CAUSE:
		return SUMMARY_CAUSE;
	case EV_END:
	case EV_INTERRUPTED:
	case EV_RESUME:
		return SUMMARY_STATUS;
	case EV_UNDO: /* through the events it leaves kept: store_summary_fold */
		return SUMMARY_MOOD | SUMMARY_WRAPUP;
	default:
		return 0;
	}
}

unsigned store_summary_step(struct store_summary *sm, const struct event *e, int undone)
{
	if (e->seq > sm->last_seq)
		sm->last_seq = e->seq;
	/* A mood or wrap-up taken back never counts; the rest keep the last given. */
	if (undone && (e->kind == EV_MOOD || e->kind == EV_WRAPUP))
		return 0;
	switch (e->kind) {
	case EV_MOOD:
		if (!sm->mood_start)
			sm->mood_start = e->a;
		sm->mood_end = e->a;
		break;
	case EV_WRAPUP:
		if (!sm->have_wrapup)
			sm->wrapup_at = e->t;
		sm->have_wrapup = 1;
		break;
	case EV_OUTCOME:
		sm->outcome = e->text;
		break;
	case EV_CAUSE:
		sm->cause = e->text;
		break;
	case EV_END:
		sm->status = "done";
		sm->ended = e->t;
		break;
	case EV_INTERRUPTED:
		sm->status = "interrupted";
		sm->ended = e->t;
		break;
	case EV_RESUME:
		sm->status = "open";
		sm->ended = 0;
		break;
	default:
		return 0;
	}
	return store_summary_touches(e->kind);
}

/* Whether a later UNDO of the call takes back ev[i]. */
static int undone(const struct event *ev, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n; k++)
		if (ev[k].kind == EV_UNDO && ev[k].a == ev[i].seq)
			return 1;
	return 0;
}

void store_summary_fold(struct store_summary *sm, const struct event *ev, size_t n)
{
	store_summary_init(sm);
	for (size_t i = 0; i < n; i++)
		store_summary_step(sm, &ev[i],
				   (ev[i].kind == EV_MOOD || ev[i].kind == EV_WRAPUP) &&
					   undone(ev, n, i));
}
