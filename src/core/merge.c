/*
 * merge.c - calls from another poise database, by UUID.
 *
 * A call new here is written whole through the batch path (store_batch.h:
 * the rows of the live path, proven equal by its tests, at the generator's
 * speed); the events a call already here lacks go through
 * store_write_event(), as store_append() writes them. Either way the
 * summary columns and helper rows are the ones the normal path makes,
 * never a copy that could drift from it; a closed call's report figures
 * are made here by report.h's keeper, not copied from the other database
 * (whose poise may fold differently). A source of an older schema is read
 * as it is, not upgraded.
 */
#include "poise/merge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "poise/report.h"
#include "poise/store_batch.h"
#include "store_int.h"

#define NO_TEXT SIZE_MAX

/* A source call's events, held to be written whole; their texts in one arena. */
struct held {
	struct event *ev;
	size_t n, cap;
	size_t *off; /* each text's offset in the arena, NO_TEXT for NULL */
	size_t offcap;
	char *text;
	size_t ntext, captext;
};

struct merge_ctx {
	struct store *dst, *src;
	struct store_batch *batch;    /* the merge's one transaction */
	struct report_keeper *keeper; /* the merged calls' report figures */
	struct held held;
	struct merge_counts *counts;
	const char *call_id; /* the call being copied */
	int64_t from;	     /* copy its events with seq > from */
	int rc;		     /* SQLite result of a write to dst */
	enum poise_status ps;
	struct poise_error *err;
};

/* The last seq of call id in dst; -1 when the call is not there. */
static int64_t dst_last_seq(struct store *st, const char *id, int *rc)
{
	sqlite3_stmt *s = store_stmt(st, STMT_LAST_SEQ);
	int64_t last = -1;

	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	*rc = sqlite3_step(s);
	if (*rc == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	*rc = *rc == SQLITE_ROW || *rc == SQLITE_DONE ? SQLITE_OK : *rc;
	sqlite3_reset(s);
	return last;
}

static int event_fn(void *ctx, const struct event *ev)
{
	struct merge_ctx *c = ctx;

	if (ev->seq <= c->from)
		return 0;
	if ((c->ps = store_check_event(ev, c->err)) != POISE_OK)
		return 1;
	c->rc = store_write_event(c->dst, c->call_id, ev);
	return c->rc != SQLITE_OK;
}

/* Hold one source event; its text goes in the arena (as an offset until the call is whole). */
static int hold_fn(void *ctx, const struct event *ev)
{
	struct merge_ctx *c = ctx;
	struct held *h = &c->held;
	size_t len = ev->text ? strlen(ev->text) + 1 : 0;

	if ((c->ps = store_check_event(ev, c->err)) != POISE_OK)
		return 1;
	if (!GROW(h->ev, h->n, h->cap, 64) || !GROW(h->off, h->n, h->offcap, 64) ||
	    (len && !grow_array((void **)&h->text, h->ntext + len - 1, &h->captext, 1, 4096))) {
		c->ps = poise_error_set(c->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
		return 1;
	}
	h->ev[h->n] = *ev;
	h->off[h->n] = len ? h->ntext : NO_TEXT;
	if (len)
		memcpy(h->text + h->ntext, ev->text, len);
	h->ntext += len;
	h->n++;
	return 0;
}

/* A call new here, whole, with its figures when it is closed. */
static int add_whole(struct merge_ctx *c, const struct call_meta *m)
{
	struct held *h = &c->held;
	unsigned char *blob = NULL;
	char *text = NULL;
	size_t len = 0;
	enum poise_status ps;

	h->n = h->ntext = 0;
	ps = store_call_events(c->src, m->id, hold_fn, c, c->err);
	if (ps != POISE_OK)
		c->ps = ps;
	if (c->ps != POISE_OK)
		return 1;
	for (size_t i = 0; i < h->n; i++)
		h->ev[i].text = h->off[i] == NO_TEXT ? NULL : h->text + h->off[i];
	c->ps = store_playbook_text(c->src, m->playbook_hash, &text, &len, c->err);
	if (c->ps == POISE_OK)
		c->ps = store_batch_call_text(c->batch, m, text, len, h->ev, h->n, c->err);
	free(text);
	if (c->ps != POISE_OK)
		return 1;
	/* Only a saving: an open or damaged call, or any failure, goes without. */
	if (c->keeper && report_keeper_pack(c->keeper, m->playbook_hash, h->ev, h->n, &blob, &len,
					    &(struct poise_error){0}) == POISE_OK)
		c->ps = store_batch_figures(c->batch, m->id, REPORT_FIGURES_VERSION, (int64_t)h->n,
					    blob, len, c->err);
	free(blob);
	return c->ps != POISE_OK;
}

/*
 * A merged call that is closed here gets its report figures, as a call
 * does when it ends. Only a saving (reports fold a call without them), so
 * an open or damaged call, or any failure, just goes without.
 */
static void keep_figures(struct merge_ctx *c, const char *id)
{
	struct poise_error ignored;

	if (c->keeper)
		report_keeper_call(c->keeper, id, &ignored);
}

static int call_fn(void *ctx, const struct call_meta *m)
{
	struct merge_ctx *c = ctx;
	int64_t last = dst_last_seq(c->dst, m->id, &c->rc);
	enum poise_status ps;

	if (c->rc != SQLITE_OK)
		return 1;
	if (last >= m->last_seq) {
		c->counts->present++;
		return 0;
	}
	if (last < 0) {
		if (add_whole(c, m))
			return 1;
		c->counts->added++;
		return 0;
	}
	c->call_id = m->id;
	c->from = last < 0 ? 0 : last;
	ps = store_call_events(c->src, m->id, event_fn, c, c->err);
	if (ps != POISE_OK)
		c->ps = ps;
	if (c->ps != POISE_OK || c->rc != SQLITE_OK)
		return 1;
	keep_figures(c, m->id);
	c->counts->updated++;
	return 0;
}

/* Follow-ups closed in src are closed here, at the same time; open ones stay. */
static int copy_closed(struct merge_ctx *c)
{
	sqlite3_stmt *r = NULL, *w = NULL;
	int rc = sqlite3_prepare_v2(c->src->db,
				    "SELECT call_id, seq, done_at FROM followups "
				    "WHERE done_at IS NOT NULL",
				    -1, &r, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->dst->db,
					"UPDATE followups SET done_at = ?3 "
					"WHERE call_id = ?1 AND seq = ?2 AND done_at IS NULL",
					-1, &w, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(r)) == SQLITE_ROW) {
		sqlite3_reset(w);
		for (int i = 0; i < 3; i++)
			sqlite3_bind_value(w, i + 1, sqlite3_column_value(r, i));
		rc = sqlite3_step(w);
		if (rc == SQLITE_DONE) {
			c->counts->closed += (size_t)sqlite3_changes(c->dst->db);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(r);
	sqlite3_finalize(w);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static enum poise_status merge_all(struct merge_ctx *c)
{
	struct poise_error *err = c->err;
	enum poise_status ps;
	int rc;

	if ((ps = store_batch_begin(c->dst, STORE_BATCH_CACHE_MERGE, &c->batch, err)) != POISE_OK)
		return ps;
	ps = store_each_call(c->src, 0, 0, call_fn, c, err);
	if (ps == POISE_OK)
		ps = c->ps;
	rc = c->rc;
	if (ps == POISE_OK && rc == SQLITE_OK && (rc = copy_closed(c)) != SQLITE_OK)
		ps = store_fail(c->src, rc, "copy closed follow-ups", err);
	else if (ps == POISE_OK && rc != SQLITE_OK)
		ps = store_fail(c->dst, rc, "merge calls", err);
	if (ps == POISE_OK)
		return store_batch_commit(c->batch, err); /* it aborts when it fails */
	store_batch_abort(c->batch);
	return ps;
}

enum poise_status merge_file(struct store *st, const char *src_path, struct merge_counts *out,
			     struct poise_error *err)
{
	struct merge_ctx c = {.dst = st, .counts = out, .err = err};
	enum poise_status ps;

	memset(out, 0, sizeof(*out));
	if (st->flags & STORE_READONLY)
		return poise_error_set(err, POISE_DB_READONLY, NULL, 0, 0,
				       "cannot merge into database '%s': it is open read-only",
				       st->path);
	if ((ps = store_open(src_path, STORE_READONLY | STORE_READ_OLD, &c.src, err)) != POISE_OK)
		return ps;
	out->pending = store_pending(c.src);
	c.keeper = report_keeper_new(st);
	ps = merge_all(&c);
	report_keeper_free(c.keeper);
	free(c.held.ev);
	free(c.held.off);
	free(c.held.text);
	if (ps != POISE_OK)
		memset(out, 0, sizeof(*out));
	out->pending = store_pending(c.src);
	store_close(c.src);
	return ps;
}
