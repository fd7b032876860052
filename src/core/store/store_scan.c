/*
 * store_scan.c - the read-only scans of a report, in one snapshot.
 *
 * The statements are prepared here rather than in the store's list because
 * only a report needs them, and a report holds a read transaction open for
 * its whole run: BEGIN (deferred) takes no write lock, so an agent's calls
 * keep logging while it runs, and every figure comes from the same state.
 */
#include "poise/store_scan.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Kept figures count only for the fold version asked for and the call's last event. */
#define SCAN_CALLS_SQL                                                                             \
	"SELECT c.id, c.agent, c.customer_ref, c.playbook_id, c.playbook_hash, c.started_at, "     \
	"CASE WHEN f.fold = ?3 AND f.last_seq = c.last_seq THEN f.figures END, c.practice "       \
	"FROM calls c LEFT JOIN call_figures f ON f.call_id = c.id "                               \
	"WHERE c.started_at >= ?1 AND c.started_at < ?2 ORDER BY c.started_at, c.id"

/* The follow-up lookup runs only for FOLLOWUP events, not for every event. */
#define SCAN_EVENTS_SQL                                                                            \
	"SELECT seq, t, kind, stage, a, b, text, "                                                 \
	"CASE WHEN kind = 'followup' THEN (SELECT done_at FROM followups f "                       \
	"WHERE f.call_id = e.call_id AND f.seq = e.seq) END "                                      \
	"FROM events e WHERE call_id = ?1 ORDER BY seq"

#define SCAN_FOLLOWUPS_SQL "SELECT seq, done_at FROM followups WHERE call_id = ?1"

enum { SCAN_CALLS, SCAN_EVENTS, SCAN_FOLLOWUPS, SCAN_COUNT };

static const char *const scan_sql[SCAN_COUNT] = {
	[SCAN_CALLS] = SCAN_CALLS_SQL,
	[SCAN_EVENTS] = SCAN_EVENTS_SQL,
	[SCAN_FOLLOWUPS] = SCAN_FOLLOWUPS_SQL,
};

struct store_scan {
	struct store *st;
	sqlite3_stmt *stmt[SCAN_COUNT]; /* scan_sql's, prepared together */
	int in_txn; /* we began the read transaction and must end it */
};

const char *store_scan_sql(size_t i)
{
	return i < SCAN_COUNT ? scan_sql[i] : NULL;
}

enum poise_status store_scan_open(struct store *st, struct store_scan **out,
				  struct poise_error *err)
{
	struct store_scan *sc = calloc(1, sizeof(*sc));
	enum poise_status ps = POISE_OK;
	int rc = SQLITE_OK;

	*out = NULL;
	if (!sc)
		return poise_error_nomem(err);
	sc->st = st;
	for (int i = 0; rc == SQLITE_OK && i < SCAN_COUNT; i++)
		rc = sqlite3_prepare_v3(st->db, scan_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&sc->stmt[i], NULL);
	if (rc != SQLITE_OK) {
		ps = store_fail(st, rc, "prepare the report's reads", err);
		goto out;
	}
	if (sqlite3_get_autocommit(st->db)) {
		rc = sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			ps = store_fail(st, rc, "begin the report's read", err);
			goto out;
		}
		sc->in_txn = 1;
	}
out:
	return POISE_HAND_OUT(ps, sc, out, store_scan_close);
}

void store_scan_close(struct store_scan *sc)
{
	if (!sc)
		return;
	for (int i = 0; i < SCAN_COUNT; i++)
		sqlite3_finalize(sc->stmt[i]);
	/* A read transaction has nothing to keep: end it whatever happened. */
	if (sc->in_txn)
		sqlite3_exec(sc->st->db, "COMMIT", NULL, NULL, NULL);
	free(sc);
}

/* Step s over its rows into row, then reset and unbind it; what: the failure's words. */
static enum poise_status scan_rows(struct store_scan *sc, sqlite3_stmt *s,
				   int (*row)(void *ctx, sqlite3_stmt *s), void *ctx,
				   const char *what, struct poise_error *err)
{
	int rc = store_each_row(s, row, ctx);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return store_fail(sc->st, rc, what, err);
	return POISE_OK;
}

static int call_row(void *ctx, sqlite3_stmt *s)
{
	const struct store_rows *p = ctx;
	struct scan_call c = {
		.id = store_col_text(s, 0),
		.agent = store_col_text(s, 1),
		.ref = store_col_text(s, 2),
		.playbook_id = store_col_text(s, 3),
		.playbook_hash = store_col_text(s, 4),
		.started = sqlite3_column_int64(s, 5),
		.figs = sqlite3_column_blob(s, 6),
		.figs_len = (size_t)sqlite3_column_bytes(s, 6),
		.practice = store_col_text(s, 7),
	};

	return p->fn.scan_call(p->ctx, &c);
}

enum poise_status store_scan_calls(struct store_scan *sc, int64_t since, int64_t until, int fold,
				   scan_call_fn fn, void *ctx, struct poise_error *err)
{
	struct store_rows p = {.fn.scan_call = fn, .ctx = ctx};
	sqlite3_stmt *s = sc->stmt[SCAN_CALLS];

	if (sqlite3_stmt_busy(s))
		return poise_error_set(err, POISE_STATE, NULL, 0, 0,
				       "cannot scan calls from inside a scan of calls");
	sqlite3_bind_int64(s, 1, since ? since : INT64_MIN);
	sqlite3_bind_int64(s, 2, until ? until : INT64_MAX);
	sqlite3_bind_int(s, 3, fold);
	return scan_rows(sc, s, call_row, &p, "scan calls", err);
}

enum poise_status store_scan_events(struct store_scan *sc, const char *call_id, scan_event_fn fn,
				    void *ctx, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	sqlite3_stmt *s = sc->stmt[SCAN_EVENTS];
	int rc;

	if (sqlite3_stmt_busy(s))
		return poise_error_set(err, POISE_STATE, NULL, 0, 0,
				       "cannot scan events from inside a scan of events");
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event ev;

		if (!store_row_event(s, &ev)) {
			ps = store_unknown_event(sc->st, call_id, ev.seq, err);
			break;
		}
		if (fn(ctx, &ev, sqlite3_column_int64(s, 7)))
			break;
	}
	if (ps == POISE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ps = store_fail(sc->st, rc, "scan events", err);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ps;
}

static int followup_row(void *ctx, sqlite3_stmt *s)
{
	const struct store_rows *p = ctx;

	return p->fn.scan_followup(p->ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
}

enum poise_status store_scan_followups(struct store_scan *sc, const char *call_id,
				       scan_followup_fn fn, void *ctx, struct poise_error *err)
{
	struct store_rows p = {.fn.scan_followup = fn, .ctx = ctx};

	sqlite3_stmt *s = sc->stmt[SCAN_FOLLOWUPS];

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_TRANSIENT);
	return scan_rows(sc, s, followup_row, &p, "scan follow-ups", err);
}

int store_write_figures(struct store *st, sqlite3_stmt **s, const char *call_id, int fold,
			int64_t last_seq, const void *blob, size_t len)
{
	static const char sql[] = "INSERT OR REPLACE INTO call_figures "
				  "(call_id, fold, last_seq, figures) VALUES (?1, ?2, ?3, ?4)";
	int rc = SQLITE_OK;

	if (!*s)
		rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(*s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(*s, 2, fold);
	sqlite3_bind_int64(*s, 3, last_seq);
	sqlite3_bind_blob(*s, 4, blob, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(*s);
	sqlite3_reset(*s);
	sqlite3_clear_bindings(*s);
	if (rc != SQLITE_DONE)
		return rc;
	return store_derive(st, STMT_SYNC_MARK, call_id, NULL); /* figures for sync to send */
}

enum poise_status store_put_figures(struct store *st, const char *call_id, int fold,
				    int64_t last_seq, const void *blob, size_t len,
				    struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = store_write_figures(st, &s, call_id, fold, last_seq, blob, len);

	sqlite3_finalize(s);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "keep a call's figures", err);
	return POISE_OK;
}
