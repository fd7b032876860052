/*
 * review_call.c - one call read back whole.
 *
 * A call is shown with the playbook text it was logged under (kept once
 * per hash), parsed again, and its events folded with call_apply: the
 * review sees exactly the state the agent saw, step by step in replay.
 * The reviews written about a call are the store's (store_review.c).
 */
#include "poise/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct load_ctx {
	struct review_call *rc;
	size_t cap;
	int nomem;
};

static int keep_event(void *ctx, const struct event *ev)
{
	struct load_ctx *lc = ctx;
	struct review_call *rc = lc->rc;
	struct event *e;

	if (rc->nevents == lc->cap) {
		size_t cap = lc->cap ? lc->cap * 2 : 64;
		struct event *n = realloc(rc->events, cap * sizeof(*n));

		if (!n)
			return lc->nomem = 1;
		rc->events = n;
		lc->cap = cap;
	}
	e = &rc->events[rc->nevents];
	*e = *ev;
	if (ev->text && !(e->text = strdup(ev->text)))
		return lc->nomem = 1;
	rc->nevents++;
	return 0;
}

static enum poise_status fold(const struct review_call *rc, size_t n, struct call_state *cs,
			      struct poise_error *err)
{
	if (call_init(cs, rc->pb) != POISE_OK)
		return poise_error_nomem(err);
	for (size_t i = 0; i < n && i < rc->nevents; i++)
		if (call_apply(cs, &rc->events[i]) != POISE_OK)
			return poise_error_set(err, POISE_DB, NULL, 0, 0,
					       "call '%s' event %lld (%s) does not follow from the "
					       "ones before it: the log is damaged",
					       rc->meta.id, (long long)rc->events[i].seq,
					       event_kind_key(rc->events[i].kind));
	return POISE_OK;
}

enum poise_status review_call_load(struct store *st, const char *id_or_prefix,
				   struct review_call *rc, struct poise_error *err)
{
	struct load_ctx lc = {rc, 0, 0};
	enum poise_status ps;

	memset(rc, 0, sizeof(*rc));
	if ((ps = store_call_meta(st, id_or_prefix, &rc->meta, err)) != POISE_OK ||
	    (ps = store_playbook(st, rc->meta.playbook_hash, rc->meta.playbook_id, &rc->pb, err)) !=
		    POISE_OK)
		return ps;
	if ((ps = store_call_events(st, rc->meta.id, keep_event, &lc, err)) != POISE_OK)
		return ps;
	if (lc.nomem)
		return poise_error_nomem(err);
	return fold(rc, rc->nevents, &rc->state, err);
}

enum poise_status review_call_state(const struct review_call *rc, size_t n, struct call_state *cs,
				    struct poise_error *err)
{
	return fold(rc, n, cs, err);
}

void review_call_free(struct review_call *rc)
{
	if (!rc)
		return;
	if (rc->pb)
		call_free(&rc->state);
	for (size_t i = 0; i < rc->nevents; i++)
		free((char *)rc->events[i].text);
	free(rc->events);
	playbook_free(rc->pb);
	memset(rc, 0, sizeof(*rc));
}
