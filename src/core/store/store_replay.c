/*
 * store_replay.c - the writer's half of the side log: putting what waited
 * into the database once it can be written.
 *
 * The side log (store_sidelog.c) reads and checks its entries and hands
 * each to the sink here, inside one BEGIN IMMEDIATE transaction; it empties
 * itself only after the commit. An entry replayed before (the log was not
 * emptied: a crash between the commit and the truncate) is skipped; one
 * the database cannot take as it is (another event at its seq, no such
 * call, a call line whose id another call holds) is set aside in
 * `<db>.quarantine` once the rest commits, never dropped.
 */
#include "store_int.h"

#include <errno.h>
#include <string.h>

/*
 * How the database stands to a side log event: 1 when it holds that very
 * event already, -1 when another one sits at its seq, -2 when it has no
 * such call (nor will the replay add one before it), 0 when the seq is free.
 */
static int stored_as(struct store *st, const char *call_id, const struct event *ev)
{
	return STORE_QUERY_INT(
		st,
		"SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM calls WHERE id = ?1) THEN -2 "
		"ELSE CASE (SELECT kind = ?3 AND t = ?4 AND text IS ?5 AND stage = ?6 "
		"AND a = ?7 AND b = ?8 FROM events WHERE call_id = ?1 AND seq = ?2) "
		"WHEN 1 THEN 1 WHEN 0 THEN -1 ELSE 0 END END",
		0, SV_TEXT(call_id), SV_INT(ev->seq), SV_TEXT(event_kind_key(ev->kind)), SV_INT(ev->t),
		SV_TEXT(ev->text), SV_TEXT(stage_key(ev->stage)), SV_INT(ev->a), SV_INT(ev->b));
}

/* 0 when the database's row for m->id is another call than the side log's line. */
static int same_call(struct store *st, const struct call_meta *m, const char *pb_hash)
{
	return STORE_QUERY_INT(st,
			       "SELECT agent = ?2 AND customer = ?3 AND customer_ref = ?4 AND "
			       "started_at = ?5 AND playbook_hash = ?6 AND practice IS nullif(?7, '') "
			       "FROM calls WHERE id = ?1",
			       1, SV_TEXT(m->id), SV_TEXT(m->agent), SV_TEXT(m->customer),
			       SV_TEXT(m->ref), SV_INT(m->started), SV_TEXT(pb_hash),
			       SV_TEXT(m->practice));
}

/* A call line whose id another call holds is set aside, with its events after it. */
static int replay_call(void *ctx, const struct call_meta *meta, const char *pb_id,
		       const char *pb_version, const char *pb_hash, const char *text, size_t len)
{
	struct store *st = ctx;
	int rc = store_write_call(st, meta, pb_id, pb_version, pb_hash, text, len);

	if (rc == SQLITE_OK && sqlite3_changes(st->db) == 0 && !same_call(st, meta, pb_hash) &&
	    !sidelog_quarantine_call(st, meta, pb_id, pb_version, pb_hash, text, len))
		return SQLITE_NOMEM;
	return rc;
}

/*
 * An event the database cannot take as it is (another event at its seq,
 * no such call, its call line set aside) is set aside, never dropped.
 */
static int replay_event(void *ctx, const char *call_id, const struct event *ev, size_t lineno,
			struct poise_error *err)
{
	struct store *st = ctx;
	int was = sidelog_call_aside(st, call_id) ? -2 : stored_as(st, call_id, ev);

	(void)lineno;
	(void)err;
	if (was == 1)
		return SQLITE_OK; /* replayed before: the log was not emptied */
	if (was < 0)
		return sidelog_quarantine(st, call_id, ev) ? SQLITE_OK : SQLITE_NOMEM;
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
