/*
 * store_replay.c - the writer's half of the side log: putting what waited
 * into the database once it can be written.
 *
 * The side log (store_sidelog.c) reads and checks its entries and hands
 * each to the sink here, inside one BEGIN IMMEDIATE transaction; it empties
 * itself only after the commit. An entry replayed before (the log was not
 * emptied: a crash between the commit and the truncate) is skipped; one
 * that clashes with another event at its seq is set aside in
 * `<db>.quarantine`, never dropped.
 */
#include "store_int.h"

#include <errno.h>
#include <string.h>

/* 1 when the database holds that very event already, -1 when another one sits at its seq. */
static int stored_as(struct store *st, const char *call_id, const struct event *ev)
{
	sqlite3_stmt *s = NULL;
	int same = 0;

	if (sqlite3_prepare_v2(st->db,
			       "SELECT kind = ?3 AND t = ?4 AND text IS ?5 FROM events "
			       "WHERE call_id = ?1 AND seq = ?2",
			       -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ev->seq);
	sqlite3_bind_text(s, 3, event_kind_key(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, ev->t);
	if (ev->text)
		sqlite3_bind_text(s, 5, ev->text, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		same = sqlite3_column_int(s, 0) ? 1 : -1;
	sqlite3_finalize(s);
	return same;
}

static int replay_call(void *ctx, const struct call_meta *meta, const char *pb_id,
		       const char *pb_version, const char *pb_hash, const char *text, size_t len)
{
	return store_write_call(ctx, meta, pb_id, pb_version, pb_hash, text, len);
}

static int replay_event(void *ctx, const char *call_id, const struct event *ev, size_t lineno,
			struct poise_error *err)
{
	struct store *st = ctx;
	int was = stored_as(st, call_id, ev);

	if (was == 1)
		return SQLITE_OK; /* replayed before: the log was not emptied */
	if (was == -1) {
		if (sidelog_quarantine(st, call_id, ev))
			return SQLITE_OK;
		poise_error_set(err, POISE_IO, st->pending_path, (int)lineno, 0,
				"side log line %zu clashes with an event already saved and "
				"cannot be set aside in '%s.quarantine': %s; the side log is kept",
				lineno, st->path, strerror(errno));
		return SQLITE_ABORT;
	}
	return store_write_event(st, call_id, ev);
}

static int replay_commit(void *ctx)
{
	return store_step_done(ctx, STMT_COMMIT);
}

enum poise_status store_flush(struct store *st, size_t *left, struct poise_error *err)
{
	const struct sidelog_sink sink = {replay_call, replay_event, replay_commit, st};
	int rc = SQLITE_OK;
	enum poise_status ps = POISE_OK;

	if (!st->pending || (st->flags & STORE_READONLY))
		goto out;
	if ((rc = store_step_done(st, STMT_BEGIN)) != SQLITE_OK)
		goto out;
	ps = sidelog_replay(st, &sink, &rc, err);
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, STMT_ROLLBACK);
out:
	if (rc != SQLITE_OK && store_rc_busy(rc))
		ps = POISE_OK; /* still locked: the entries keep waiting */
	else if (rc != SQLITE_OK)
		ps = store_fail(st, rc, "save the side log", err);
	if (left)
		*left = st->pending;
	return ps;
}
