/*
 * rehearse_stale.c - rehearsals a kill left open are closed, not resumed.
 *
 * A rehearsal is never resumed: the next poise to start for its agent
 * appends the INTERRUPTED it never got, at its last event (nobody saw the
 * time after it), through the live path (live_record: checked against its
 * fold, stored, and its figures kept, as any call's close keeps them), so
 * every reader folds it as interrupted. A log the fold refuses is closed
 * through the store's append alone (no figures: reports fold it, as
 * before). One another window has live (its lock held) is
 * left alone. No clock is read here: the time is the call's own.
 */
#include <stdlib.h>
#include <string.h>

#include "poise/calllock.h"
#include "poise/live.h"
#include "poise/review.h"
#include "poise/scenario.h"

struct stale {
	char (*ids)[FIELD_CALL_ID_LEN + 1];
	size_t n, cap;
	int nomem;
};

static int keep_id(void *ctx, const struct call_meta *m)
{
	struct stale *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		void *p = realloc(s->ids, cap * sizeof(*s->ids));

		if (!p)
			return s->nomem = 1;
		s->ids = p;
		s->cap = cap;
	}
	memcpy(s->ids[s->n++], m->id, sizeof(*s->ids));
	return 0;
}

/* The INTERRUPTED that closes call id: at its last event, in the stage it was in. */
static enum poise_status close_one(struct store *st, const char *id, struct poise_error *err)
{
	struct review_call rc;
	struct event ev = {.kind = EV_INTERRUPTED, .text = "no clean exit"};
	int deferred = 0;
	enum poise_status ps;

	ps = review_call_load(st, id, &rc, err);
	if (!rc.meta.id[0]) { /* not even its row: nothing to close */
		review_call_free(&rc);
		return ps;
	}
	if (ps == POISE_OK) {
		ev.t = rc.state.last_t ? rc.state.last_t : rc.meta.started;
		ev.stage = (int)rc.state.stage;
		if (call_check(&rc.state, &ev) == POISE_OK) { /* the fold takes it: the live path */
			struct live_done done;

			ps = live_record(st, id, &rc.state, &ev, &done, err);
			review_call_free(&rc);
			return ps;
		}
	} else if (rc.nevents) { /* a log the fold refuses: its last event says where */
		ev.t = rc.events[rc.nevents - 1].t;
		ev.stage = rc.events[rc.nevents - 1].stage;
	} else { /* its playbook is gone: the start is the one time known */
		ev.t = rc.meta.started;
	}
	ps = store_append(st, id, &ev, &deferred, err);
	review_call_free(&rc);
	return ps;
}

enum poise_status rehearsal_close_stale(struct store *st, const char *agent, int *closed,
					struct poise_error *err)
{
	struct stale s = {0};
	enum poise_status ps = store_each_open_practice(st, agent, keep_id, &s, err);

	*closed = 0;
	if (ps == POISE_NOT_FOUND) {
		poise_error_clear(err);
		ps = POISE_OK;
	}
	if (ps == POISE_OK && s.nomem)
		ps = poise_error_nomem(err);
	for (size_t i = 0; ps == POISE_OK && i < s.n; i++) {
		struct call_lock *lk = NULL;
		struct poise_error lerr;

		if (call_lock_take(store_path(st), s.ids[i], &lk, &lerr) != POISE_OK)
			continue; /* live in another window, or no lock file: not ours to close */
		if ((ps = close_one(st, s.ids[i], err)) == POISE_OK)
			(*closed)++;
		call_lock_release(lk, ps == POISE_OK);
	}
	free(s.ids);
	return ps;
}
