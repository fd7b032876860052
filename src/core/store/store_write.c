/*
 * store_write.c - recording calls and appending events.
 *
 * An event is one row in `events` plus, in the same transaction, the
 * summary columns of `calls` and the helper rows (followups, reflections,
 * skips) it implies, so that reading a list of calls never has to fold
 * events, and the rows kept beside them (store_derive.c: the sync mark,
 * the searches' rows). When the database stays locked the event goes to
 * the side log.
 *
 * And the writer's half of the side log (store_sidelog.c reads, checks and
 * keeps it; it calls nothing here): putting what waited into the database
 * once it can be written, store_flush(), the last part of this file. Each
 * entry goes through the same store_write_call()/store_write_event() as a
 * live event, inside one BEGIN IMMEDIATE transaction; the side log empties
 * itself only after the commit. An entry replayed before (the log was not
 * emptied: a crash between the commit and the truncate) is skipped; one the
 * database cannot take as it is (another event at its seq, no such call, a
 * call line whose id another call holds) is set aside in `<db>.quarantine`
 * once the rest commits, never dropped. The writer and its replay are one
 * file because each needs the other: an append flushes what waits first,
 * and a replay writes through the append's own steps.
 */
#include "store_int.h"
#include "util/grow.h"

#include <stdlib.h>
#include <string.h>

static void bind_text(sqlite3_stmt *s, int i, const char *text, size_t len)
{
	if (text)
		sqlite3_bind_text(s, i, text, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/*
 * The playbook's text and the calls row, its last_seq given (0 before any
 * event); *added: 0 when a call already held the id (nothing written).
 */
static int write_call(struct store *st, const struct call_meta *meta, const char *pb_id,
		      const char *pb_version, const char *pb_hash, const char *text, size_t len,
		      int64_t last_seq, int *added)
{
	sqlite3_stmt *s = store_stmt(st, STMT_INS_TEXT);
	int rc;

	sqlite3_bind_text(s, 1, pb_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pb_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, pb_version, -1, SQLITE_STATIC);
	bind_text(s, 4, text ? text : "", text ? len : 0);
	if ((rc = store_step_done(st, STMT_INS_TEXT)) != SQLITE_OK)
		return rc;
	s = store_stmt(st, STMT_INS_CALL);
	sqlite3_bind_text(s, 1, meta->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, meta->agent, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, meta->customer, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, meta->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, pb_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, pb_version, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, pb_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, meta->started);
	sqlite3_bind_text(s, 9, meta->practice, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, last_seq);
	*added = 0;
	if ((rc = store_step_done(st, STMT_INS_CALL)) != SQLITE_OK || !sqlite3_changes(st->db))
		return rc;
	*added = 1;
	return store_call_added(st, meta->id);
}

int store_write_call(struct store *st, const struct call_meta *meta, const char *pb_id,
		     const char *pb_version, const char *pb_hash, const char *text, size_t len,
		     int *added)
{
	return write_call(st, meta, pb_id, pb_version, pb_hash, text, len, 0, added);
}

/*
 * The helper rows made of an event's text, "f1\tf2\trest" (event.h; the
 * last field takes the rest, a missing one is ""), bound from parameter 3
 * on; a follow-up's empty due day is NULL.
 */
static const struct field_row {
	enum event_kind kind;
	enum store_stmt id;
	int fields;
	int empty_first_null;
} field_rows[] = {
	{EV_FOLLOWUP, STMT_INS_FOLLOWUP, 3, 1}, /* due, channel, promise */
	{EV_REFLECTION, STMT_INS_REFLECTION, 2, 0}, /* went well, improve */
};

static void bind_fields(sqlite3_stmt *s, const struct field_row *r, const char *text)
{
	for (int i = 0; i < r->fields; i++) {
		int l;
		const char *f = event_field(text, i, &l);
		size_t len = i == r->fields - 1 ? strlen(f) : (size_t)l;

		bind_text(s, 3 + i, len || !(i == 0 && r->empty_first_null) ? f : NULL, len);
	}
}

int store_write_helper_rows(struct store *st, const char *call_id, const struct event *ev)
{
	const struct field_row *r = &field_rows[0];
	sqlite3_stmt *s;
	enum store_stmt id;

	switch (ev->kind) {
	case EV_FOLLOWUP:
	case EV_REFLECTION:
		for (size_t i = 0; i < sizeof(field_rows) / sizeof(field_rows[0]); i++)
			if (field_rows[i].kind == ev->kind)
				r = &field_rows[i];
		id = r->id;
		s = store_stmt(st, id);
		bind_fields(s, r, ev->text);
		break;
	case EV_SKIP:
		id = STMT_INS_SKIP;
		s = store_stmt(st, id);
		sqlite3_bind_text(s, 3, stage_key((enum stage)ev->stage), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, section_key((enum section)ev->a), -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 5, ev->b);
		sqlite3_bind_text(s, 6, ev->text ? ev->text : "", -1, SQLITE_STATIC);
		break;
	case EV_UNDO: /* a skip taken back is no skip; the event itself stays */
		id = STMT_DEL_SKIP;
		s = store_stmt(st, id);
		sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, ev->a);
		return store_step_done(st, id);
	default:
		return SQLITE_OK;
	}
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ev->seq);
	return store_step_done(st, id);
}

static void bind_opt_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
}

/*
 * The calls row's columns an event builds on, as the row holds them now:
 * its last_seq and (id STMT_SUMMARY; STMT_LAST_SEQ reads last_seq alone)
 * the mood and wrap-up columns a summary step reads, in one seek.
 * *found: whether the call has a row.
 */
static int read_row(struct store *st, enum store_stmt id, const char *call_id,
		    struct store_summary *sm, int *found)
{
	sqlite3_stmt *s = store_stmt(st, id);
	int rc;

	store_summary_init(sm);
	*found = 0;
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sm->last_seq = sqlite3_column_int64(s, 0);
		if (id == STMT_SUMMARY) {
			sm->mood_start = sqlite3_column_int(s, 1);
			sm->mood_end = sqlite3_column_int(s, 2);
			sm->have_wrapup = sqlite3_column_type(s, 3) != SQLITE_NULL;
			sm->wrapup_at = sqlite3_column_int64(s, 3);
		}
		*found = 1;
		rc = SQLITE_OK;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The call's stored events folded again (after an UNDO); their texts are left out. */
static int fold_stored(struct store *st, const char *call_id, struct store_summary *sm)
{
	sqlite3_stmt *s = store_stmt(st, STMT_EVENTS);
	struct event *ev = NULL;
	size_t n = 0, cap = 0;
	int rc;

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!GROW(ev, n, cap, 64)) {
			rc = SQLITE_NOMEM;
			break;
		}
		store_row_event(s, &ev[n]);
		ev[n++].text = NULL;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		store_summary_fold(sm, ev, n);
		rc = SQLITE_OK;
	}
	free(ev);
	return rc;
}

/*
 * The calls row after ev: its last_seq, and the summary columns ev changes,
 * by store_summary_step from the row as it stands (store_summary.c; the
 * batch writer folds with the same steps): *row when the caller read it
 * in this transaction (store_append), else read here.
 */
static int write_summary(struct store *st, const char *call_id, const struct event *ev,
			 const struct store_summary *row)
{
	static const struct {
		unsigned what;
		enum store_stmt id;
	} stmts[] = {
		{SUMMARY_MOOD, STMT_UPD_MOOD},
		{SUMMARY_WRAPUP, STMT_UPD_WRAPUP},
		{SUMMARY_OUTCOME, STMT_UPD_OUTCOME},
		{SUMMARY_CAUSE, STMT_UPD_CAUSE},
		{SUMMARY_STATUS, STMT_UPD_STATUS},
		{SUMMARY_MOOD | SUMMARY_WRAPUP, STMT_UPD_UNDONE},
	};
	enum store_stmt id = STMT_UPD_SEQ;
	unsigned what = store_summary_touches(ev->kind);
	struct store_summary sm;
	sqlite3_stmt *s;
	int rc = SQLITE_OK, found;

	if (ev->kind == EV_UNDO)
		rc = fold_stored(st, call_id, &sm);
	else if (what && row)
		sm = *row;
	else if (what)
		rc = read_row(st, STMT_SUMMARY, call_id, &sm, &found);
	if (rc != SQLITE_OK)
		return rc;
	if (what && ev->kind != EV_UNDO)
		what = store_summary_step(&sm, ev, 0);
	for (size_t i = 0; what && i < sizeof(stmts) / sizeof(stmts[0]); i++)
		if (stmts[i].what == what)
			id = stmts[i].id;
	if (ev->kind == EV_RESUME && (rc = store_derive(st, STMT_NOTES_REOPEN, call_id, NULL)))
		return rc;
	s = store_stmt(st, id);
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, ev->seq);
	if (what) {
		sqlite3_bind_text(s, 2, sm.status, -1, SQLITE_STATIC);
		bind_opt_int(s, 3, sm.ended);
		if (sm.outcome)
			sqlite3_bind_text(s, 4, sm.outcome, -1, SQLITE_STATIC);
		if (sm.cause)
			sqlite3_bind_text(s, 5, sm.cause, -1, SQLITE_STATIC);
		bind_opt_int(s, 6, sm.mood_start);
		bind_opt_int(s, 7, sm.mood_end);
		if (sm.have_wrapup)
			sqlite3_bind_int64(s, 8, sm.wrapup_at);
	}
	if ((rc = store_step_done(st, id)) == SQLITE_OK && what == SUMMARY_STATUS &&
	    strcmp(sm.status, "open") != 0 &&
	    (rc = store_derive(st, STMT_NOTES_INDEX, call_id, NULL)) == SQLITE_OK)
		rc = store_derive(st, STMT_NOTES_DONE, call_id, NULL);
	return rc == SQLITE_OK ? store_derive(st, STMT_SYNC_MARK, call_id, NULL) : rc;
}

/* The events row, and its text for the search; *added: 0 when its seq was taken. */
static int insert_event(struct store *st, const char *call_id, const struct event *ev,
			int *added)
{
	sqlite3_stmt *s = store_stmt(st, STMT_INS_EVENT);
	int rc;

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ev->seq);
	sqlite3_bind_int64(s, 3, ev->t);
	sqlite3_bind_text(s, 4, event_kind_key(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, stage_key((enum stage)ev->stage), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, ev->a);
	sqlite3_bind_int(s, 7, ev->b);
	bind_text(s, 8, ev->text, ev->text ? strlen(ev->text) : 0);
	*added = 0;
	if ((rc = store_step_done(st, STMT_INS_EVENT)) != SQLITE_OK || !sqlite3_changes(st->db))
		return rc;
	*added = 1;
	return store_text_indexed(ev->kind, ev->text) ? store_derive(st, STMT_TEXT_INDEX, call_id, ev->text) : rc;
}

/* store_write_event, with the calls row as read in this transaction when row is not NULL. */
static int write_event(struct store *st, const char *call_id, const struct event *ev,
		       const struct store_summary *row)
{
	int rc, added;

	if ((rc = insert_event(st, call_id, ev, &added)) != SQLITE_OK || !added)
		return rc;
	if ((rc = write_summary(st, call_id, ev, row)) != SQLITE_OK)
		return rc;
	return store_write_helper_rows(st, call_id, ev);
}

/* A call's first event, its last_seq already in the calls row written with it. */
static int first_event(struct store *st, const char *call_id, const struct event *ev)
{
	int added, rc = insert_event(st, call_id, ev, &added);

	if (rc != SQLITE_OK || !added)
		return rc;
	return store_write_helper_rows(st, call_id, ev);
}

/*
 * ev->seq is already chosen. An event already stored under that seq (a
 * side log replayed twice after a crash) is left alone.
 */
int store_write_event(struct store *st, const char *call_id, const struct event *ev)
{
	return write_event(st, call_id, ev, NULL);
}

/* Drain the side log first so that the database always gets entries in order. */
static int must_defer(struct store *st, struct poise_error *err, enum poise_status *ps)
{
	size_t left = 0;

	*ps = POISE_OK;
	if (!st->pending)
		return 0;
	*ps = store_flush(st, &left, err);
	return *ps == POISE_OK && left > 0;
}

/*
 * What a call's start and an append do first: ev (when not NULL) checked,
 * the side log drained first so the database gets entries in order, then
 * the call's seq slot (after the flush: one that empties the side log
 * resets the seqs). *queued: entries still wait, so this one waits too.
 */
static enum poise_status write_open(struct store *st, const char *call_id, const struct event *ev,
				    int *deferred, int64_t **slot, int *queued,
				    struct poise_error *err)
{
	enum poise_status ps;

	if (deferred)
		*deferred = 0;
	if (ev && (ps = event_check(ev, err)) != POISE_OK)
		return ps;
	if ((ps = store_call_settle(st, err)) != POISE_OK)
		return ps;
	*queued = must_defer(st, err, &ps);
	if (ps != POISE_OK)
		return ps;
	if (!(*slot = store_seq_slot(st, call_id)))
		return poise_error_nomem(err);
	return POISE_OK;
}

/*
 * The end of a write's transaction, rc what its writes gave: committed, or
 * rolled back. POISE_OK with *busy 0 when it is in, with *busy 1 when the
 * database was locked (the side log takes it); else why it failed.
 */
static enum poise_status write_close(struct store *st, int rc, const char *what, int *busy,
				     struct poise_error *err)
{
	*busy = 0;
	if (rc == SQLITE_OK)
		rc = store_step_done(st, STMT_COMMIT);
	if (rc == SQLITE_OK)
		return POISE_OK;
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, STMT_ROLLBACK);
	if (!store_rc_busy(rc) || (st->flags & STORE_READONLY))
		return store_fail(st, rc, what, err);
	*busy = 1;
	return POISE_OK;
}

/* ev into the side log at the call's next seq. */
static enum poise_status defer_event(struct store *st, const char *call_id, struct event *ev,
				     int64_t *slot, int *deferred, struct poise_error *err)
{
	enum poise_status ps;

	ev->seq = *slot;
	if ((ps = sidelog_add_event(st, call_id, ev, err)) != POISE_OK)
		return ps;
	*slot = ev->seq + 1;
	if (deferred)
		*deferred = 1;
	return POISE_OK;
}

/*
 * The calls row, and first (when not NULL) the call's first event, in one
 * transaction: one fsync where the call and its START took two.
 */
static enum poise_status call_begin(struct store *st, const struct call_meta *meta,
				    const struct playbook *pb, struct event *first, int *deferred,
				    int *held, struct poise_error *err)
{
	enum poise_status ps;
	int64_t *slot;
	int rc, queued, added, busy = 1;

	if (!limits_call_id(meta->id, 1) || !meta->agent[0] || !pb || !pb->hash[0] || !pb->id ||
	    !pb->version)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call: it needs a lowercase uuid, an agent "
				       "and a playbook with its hash");
	if ((ps = write_open(st, meta->id, first, deferred, &slot, &queued, err)) != POISE_OK)
		return ps;
	if (!queued) {
		if ((rc = store_step_done(st, STMT_BEGIN)) == SQLITE_OK) {
			/*
			 * A first event that changes nothing else in the calls row
			 * (START) has its last_seq written with the row: no UPDATE
			 * of the row just inserted (docs/benchmarks.md, "Start-up,
			 * session 8").
			 */
			int seq_only = first && !store_summary_touches(first->kind);

			rc = write_call(st, meta, pb->id, pb->version, pb->hash, pb->text,
					pb->text_len, seq_only, &added);
			if (rc == SQLITE_OK && !added)
				rc = SQLITE_CONSTRAINT; /* that id is taken */
			if (rc == SQLITE_OK && first) {
				first->seq = 1;
				rc = seq_only ? first_event(st, meta->id, first)
					      : store_write_event(st, meta->id, first);
			}
		}
		if (held && rc == SQLITE_OK) /* its COMMIT waits for store_call_settle() */
			busy = 0, st->held = *held = 1;
		else if ((ps = write_close(st, rc, "record call", &busy, err)) != POISE_OK)
			return ps;
	}
	if (!busy) {
		*slot = first ? 2 : 1;
		return POISE_OK;
	}
	if ((ps = sidelog_add_call(st, meta, pb, err)) != POISE_OK)
		return ps;
	*slot = 1;
	return first ? defer_event(st, meta->id, first, slot, deferred, err) : POISE_OK;
}

void store_call_prepare(struct store *st)
{
	static const enum store_stmt start[] = {STMT_BEGIN,	STMT_INS_TEXT, STMT_INS_CALL,
						STMT_SYNC_MARK, STMT_NOTES_NEW, STMT_INS_EVENT,
						STMT_COMMIT};

	for (size_t i = 0; i < sizeof(start) / sizeof(start[0]); i++)
		store_stmt(st, start[i]);
}

void store_append_prepare(struct store *st)
{
	static const enum store_stmt append[] = {
		STMT_LAST_SEQ, STMT_SUMMARY, STMT_INS_EVENT, STMT_UPD_SEQ,
		STMT_UPD_MOOD, STMT_SYNC_MARK, STMT_TEXT_INDEX,
	};

	for (size_t i = 0; i < sizeof(append) / sizeof(append[0]); i++)
		store_stmt(st, append[i]);
}

enum poise_status store_call_begin(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct poise_error *err)
{
	return call_begin(st, meta, pb, NULL, NULL, NULL, err);
}

enum poise_status store_call_start(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct event *first, int *deferred,
				   struct poise_error *err)
{
	return call_begin(st, meta, pb, first, deferred, NULL, err);
}

enum poise_status store_call_start_held(struct store *st, const struct call_meta *meta,
					const struct playbook *pb, struct event *first,
					int *deferred, int *held, struct poise_error *err)
{
	*held = 0;
	return call_begin(st, meta, pb, first, deferred, held, err);
}

enum poise_status store_call_settle(struct store *st, struct poise_error *err)
{
	int busy;

	if (!st->held)
		return POISE_OK;
	st->held = 0;
	/* The write lock is ours since BEGIN IMMEDIATE: no other writer can be in the way. */
	return write_close(st, SQLITE_OK, "record call", &busy, err);
}

static enum poise_status no_call(const struct store *st, const char *call_id,
				 struct poise_error *err)
{
	return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			       "cannot save event: no call '%s' in database '%s'", call_id, st->path);
}

/*
 * The seq the next event of call_id takes: past what this process knows and
 * what the database holds now (another process may have written the call
 * since, e.g. one killed and this one resuming it). The side log's own seqs
 * are added under its lock (store_sidelog.c). A database that cannot be read
 * just now leaves what is known.
 */
static enum poise_status next_seq(struct store *st, const char *call_id, int64_t *slot,
				  struct poise_error *err)
{
	sqlite3_stmt *s;
	int rc;

	s = store_stmt(st, STMT_LAST_SEQ);
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && *slot < sqlite3_column_int64(s, 0) + 1)
		*slot = sqlite3_column_int64(s, 0) + 1;
	sqlite3_reset(s);
	if (rc == SQLITE_ROW || *slot > 0)
		return POISE_OK;
	if (rc == SQLITE_DONE)
		return no_call(st, call_id, err);
	return store_fail(st, rc, "save event", err);
}

enum poise_status store_append(struct store *st, const char *call_id, struct event *ev,
			       int *deferred, struct poise_error *err)
{
	enum poise_status ps;
	int64_t *slot;
	int rc, queued, busy = 1;

	if ((ps = write_open(st, call_id, ev, deferred, &slot, &queued, err)) != POISE_OK)
		return ps;
	if (!queued) {
		if ((rc = store_step_done(st, STMT_BEGIN)) == SQLITE_OK) {
			/* A NOTE's needs last_seq alone; an UNDO folds the stored events. */
			enum store_stmt id = store_summary_touches(ev->kind) && ev->kind != EV_UNDO
						     ? STMT_SUMMARY
						     : STMT_LAST_SEQ;
			struct store_summary row;
			int found;

			/*
			 * In the transaction the database is the truth about seqs;
			 * the same read gives the summary step its columns.
			 */
			*slot = 0;
			if ((rc = read_row(st, id, call_id, &row, &found)) != SQLITE_OK || !found) {
				ps = rc != SQLITE_OK ? store_fail(st, rc, "save event", err)
						     : no_call(st, call_id, err);
				store_step_done(st, STMT_ROLLBACK);
				return ps;
			}
			*slot = ev->seq = row.last_seq + 1;
			rc = write_event(st, call_id, ev, &row);
		}
		if ((ps = write_close(st, rc, "save event", &busy, err)) != POISE_OK)
			return ps;
	}
	if (!busy) {
		*slot = ev->seq + 1;
		return POISE_OK;
	}
	if ((ps = next_seq(st, call_id, slot, err)) != POISE_OK)
		return ps;
	return defer_event(st, call_id, ev, slot, deferred, err);
}

/* The side log replayed: what waited, into the database. */

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
	int added, rc = store_write_call(st, meta, pb_id, pb_version, pb_hash, text, len, &added);

	if (rc == SQLITE_OK && !added && !same_call(st, meta, pb_hash) &&
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
