/*
 * store_batch.c - many whole calls per transaction.
 *
 * The event and helper rows come from store_write_event_rows(), the writer
 * behind store_append(), and the playbook text from the same INSERT OR
 * IGNORE as store_call_begin(). What differs is the calls row: the live
 * path inserts it bare and updates its summary columns once per event (an
 * UPDATE that rewrites the row and, for mood, status, outcome and cause,
 * its index entries); a batch knows every event before it writes, so it
 * folds the summary here with the same rules (summarize() below mirrors
 * write_summary() in store_write.c) and inserts the row once, whole. The
 * unit tests compare every column of every table against the live path.
 */
#include "poise/store_batch.h"

#include <string.h>

#include "store_int.h"

/*
 * The page cache of a batch, in KiB (negative: SQLite's unit). Random UUIDs
 * put each call's rows at random places in the B-trees of calls' indexes,
 * events and the helper tables: with the default 2 MiB nearly every insert
 * misses once the database is large. 512 MiB keeps the interior pages and
 * most index leaves of a million calls in memory; the connection gives it
 * back when it closes.
 */
#define BATCH_CACHE_KIB "-524288"

/* The calls row's summary columns after all of a call's events. */
struct summary {
	const char *status;
	int64_t ended; /* 0: NULL */
	const char *outcome, *cause; /* the last given, NULL included */
	int mood_start, mood_end; /* 0: NULL */
	int64_t wrapup_at;	  /* 0: NULL (as coalesce keeps the first) */
	int have_wrapup;
	int64_t last_seq;
};

/* The same rules, event by event, as write_summary() and UPD_SEQ. */
static void summarize(const struct event *ev, size_t n, struct summary *sm)
{
	memset(sm, 0, sizeof(*sm));
	sm->status = "open";
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev[i];

		if (e->seq > sm->last_seq)
			sm->last_seq = e->seq;
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
			break;
		}
	}
}

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* INSERT OR IGNORE of the whole row; 0 changes means the id is taken. */
static int write_call_row(struct store *st, const struct call_meta *meta,
			  const struct playbook *pb, const struct summary *sm)
{
	sqlite3_stmt *s = store_stmt(st, STMT_INS_TEXT);
	int rc;

	sqlite3_bind_text(s, 1, pb->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pb->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, pb->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, pb->text ? pb->text : "", pb->text ? (int)pb->text_len : 0,
			  SQLITE_STATIC);
	if ((rc = store_step_done(st, STMT_INS_TEXT)) != SQLITE_OK)
		return rc;
	s = store_stmt(st, STMT_INS_CALL_DONE); /* the columns of STORE_META_COLS */
	sqlite3_bind_text(s, 1, meta->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, meta->agent, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, meta->customer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, meta->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, pb->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, pb->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, pb->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, meta->started);
	if (sm->ended)
		sqlite3_bind_int64(s, 9, sm->ended);
	sqlite3_bind_text(s, 10, sm->status, -1, SQLITE_STATIC);
	bind_opt_text(s, 11, sm->outcome);
	bind_opt_text(s, 12, sm->cause);
	if (sm->mood_start)
		sqlite3_bind_int(s, 13, sm->mood_start);
	if (sm->mood_end)
		sqlite3_bind_int(s, 14, sm->mood_end);
	if (sm->have_wrapup)
		sqlite3_bind_int64(s, 15, sm->wrapup_at);
	sqlite3_bind_int64(s, 16, sm->last_seq);
	return store_step_done(st, STMT_INS_CALL_DONE);
}

enum poise_status store_batch_begin(struct store *st, struct poise_error *err)
{
	int rc;

	if (st->pending)
		return poise_error_set(err, POISE_STATE, NULL, 0, 0,
				       "cannot write a batch while the side log of '%s' holds "
				       "entries: open it with poise first",
				       st->path);
	sqlite3_exec(st->db, "PRAGMA cache_size = " BATCH_CACHE_KIB, NULL, NULL, NULL);
	/*
	 * Each call row is written before its events, so the parent lookups of
	 * foreign_keys only cost time here; back on at commit (the pragma is a
	 * no-op inside a transaction, so it is set before BEGIN and after COMMIT).
	 */
	sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	if ((rc = store_step_done(st, STMT_BEGIN)) != SQLITE_OK)
		return store_fail(st, rc, "start a batch", err);
	return POISE_OK;
}

enum poise_status store_batch_call(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct event *ev, size_t n,
				   struct poise_error *err)
{
	struct summary sm;
	enum poise_status ps;
	int rc;

	if (!pb || !pb->hash[0] || !pb->id || !pb->version || !meta->agent[0])
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call: it needs an agent and a playbook "
				       "with its hash");
	for (size_t i = 0; i < n; i++) {
		if ((ps = store_check_event(&ev[i], err)) != POISE_OK)
			return ps;
		ev[i].seq = (int64_t)i + 1;
	}
	summarize(ev, n, &sm);
	rc = write_call_row(st, meta, pb, &sm);
	if (rc == SQLITE_OK && sqlite3_changes(st->db) == 0)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call '%s': that id is taken", meta->id);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
		rc = store_write_event_rows(st, meta->id, &ev[i]);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "record call", err);
	return POISE_OK;
}

enum poise_status store_batch_commit(struct store *st, struct poise_error *err)
{
	int rc = store_step_done(st, STMT_COMMIT);

	if (rc != SQLITE_OK) {
		store_batch_abort(st);
		return store_fail(st, rc, "finish a batch", err);
	}
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return POISE_OK;
}

void store_batch_abort(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, STMT_ROLLBACK);
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
}
