/*
 * store_write.c - recording calls and appending events.
 *
 * An event is one row in `events` plus, in the same transaction, the
 * summary columns of `calls` and the helper rows (followups, reflections,
 * skips) it implies, so that reading a list of calls never has to fold
 * events. When the database stays locked the event goes to the side log.
 */
#include "store_int.h"

#include <string.h>

static void bind_text(sqlite3_stmt *s, int i, const char *text, size_t len)
{
	if (text)
		sqlite3_bind_text(s, i, text, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int store_write_call(struct store *st, const struct call_meta *meta, const char *pb_id,
		     const char *pb_version, const char *pb_hash, const char *text, size_t len)
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
	return store_step_done(st, STMT_INS_CALL);
}

/* Bind ?1 call id, ?2 an integer or text (or NULL), ?9 the seq to one update and run it. */
static int run_update(struct store *st, enum store_stmt id, const char *call_id, int64_t seq,
		      int64_t v, const char *text, int have_v)
{
	sqlite3_stmt *s = store_stmt(st, id);

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, seq);
	if (text)
		sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	else if (have_v)
		sqlite3_bind_int64(s, 2, v);
	return store_step_done(st, id);
}

static int set_status(struct store *st, const char *call_id, int64_t seq, const char *status,
		      int64_t ended)
{
	sqlite3_stmt *s = store_stmt(st, STMT_UPD_STATUS);

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, seq);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	if (ended)
		sqlite3_bind_int64(s, 3, ended);
	return store_step_done(st, STMT_UPD_STATUS);
}

/* Split "f1\tf2\trest" into n fields (event.h; the last takes the rest); missing ones are "". */
static void split_tabs(const char *text, const char **f, size_t *len, int n)
{
	for (int i = 0; i < n; i++) {
		int l;

		f[i] = event_field(text, i, &l);
		len[i] = i == n - 1 ? strlen(f[i]) : (size_t)l;
	}
}

int store_write_helper_rows(struct store *st, const char *call_id, const struct event *ev)
{
	const char *f[3];
	size_t len[3];
	sqlite3_stmt *s;
	enum store_stmt id;

	switch (ev->kind) {
	case EV_FOLLOWUP:
		id = STMT_INS_FOLLOWUP;
		s = store_stmt(st, id);
		split_tabs(ev->text, f, len, 3);
		bind_text(s, 3, len[0] ? f[0] : NULL, len[0]);
		bind_text(s, 4, f[1], len[1]);
		bind_text(s, 5, f[2], len[2]);
		break;
	case EV_REFLECTION:
		id = STMT_INS_REFLECTION;
		s = store_stmt(st, id);
		split_tabs(ev->text, f, len, 2);
		bind_text(s, 3, f[0], len[0]);
		bind_text(s, 4, f[1], len[1]);
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

/* The calls row after ev: its last_seq, and the summary column ev changes. */
static int write_summary(struct store *st, const char *call_id, const struct event *ev)
{
	int64_t seq = ev->seq;

	switch (ev->kind) {
	case EV_MOOD:
		return run_update(st, STMT_UPD_MOOD, call_id, seq, ev->a, NULL, 1);
	case EV_WRAPUP:
		return run_update(st, STMT_UPD_WRAPUP, call_id, seq, ev->t, NULL, 1);
	case EV_OUTCOME:
		return run_update(st, STMT_UPD_OUTCOME, call_id, seq, 0, ev->text, 0);
	case EV_CAUSE:
		return run_update(st, STMT_UPD_CAUSE, call_id, seq, 0, ev->text, 0);
	case EV_UNDO: /* what the columns say, without the events taken back */
		return run_update(st, STMT_UPD_UNDONE, call_id, seq, 0, NULL, 0);
	case EV_END:
		return set_status(st, call_id, seq, "done", ev->t);
	case EV_INTERRUPTED:
		return set_status(st, call_id, seq, "interrupted", ev->t);
	case EV_RESUME:
		return set_status(st, call_id, seq, "open", 0);
	default:
		return run_update(st, STMT_UPD_SEQ, call_id, seq, 0, NULL, 0);
	}
}

static int insert_event(struct store *st, const char *call_id, const struct event *ev)
{
	sqlite3_stmt *s = store_stmt(st, STMT_INS_EVENT);

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ev->seq);
	sqlite3_bind_int64(s, 3, ev->t);
	sqlite3_bind_text(s, 4, event_kind_key(ev->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, stage_key((enum stage)ev->stage), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, ev->a);
	sqlite3_bind_int(s, 7, ev->b);
	bind_text(s, 8, ev->text, ev->text ? strlen(ev->text) : 0);
	return store_step_done(st, STMT_INS_EVENT);
}

/*
 * ev->seq is already chosen. An event already stored under that seq (a
 * side log replayed twice after a crash) is left alone.
 */
int store_write_event(struct store *st, const char *call_id, const struct event *ev)
{
	int rc;

	if ((rc = insert_event(st, call_id, ev)) != SQLITE_OK)
		return rc;
	if (sqlite3_changes(st->db) == 0)
		return SQLITE_OK;
	if ((rc = write_summary(st, call_id, ev)) != SQLITE_OK)
		return rc;
	return store_write_helper_rows(st, call_id, ev);
}

static int is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-'
			 : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[36] == '\0';
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

static void rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, STMT_ROLLBACK);
}

/*
 * The calls row, and first (when not NULL) the call's first event, in one
 * transaction: one fsync where the call and its START took two.
 */
static enum poise_status call_begin(struct store *st, const struct call_meta *meta,
				    const struct playbook *pb, struct event *first, int *deferred,
				    struct poise_error *err)
{
	enum poise_status ps;
	int64_t *slot;
	int rc, queued;

	if (deferred)
		*deferred = 0;
	if (!is_uuid(meta->id) || !meta->agent[0] || !pb || !pb->hash[0] || !pb->id || !pb->version)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call: it needs a lowercase uuid, an agent "
				       "and a playbook with its hash");
	if (first && (ps = event_check(first, err)) != POISE_OK)
		return ps;
	/* The slot after the flush: a flush that empties the side log resets the seqs. */
	queued = must_defer(st, err, &ps);
	if (ps != POISE_OK)
		return ps;
	if (!(slot = store_seq_slot(st, meta->id)))
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	if (queued)
		goto defer;
	if ((rc = store_step_done(st, STMT_BEGIN)) == SQLITE_OK) {
		rc = store_write_call(st, meta, pb->id, pb->version, pb->hash, pb->text,
				      pb->text_len);
		if (rc == SQLITE_OK && sqlite3_changes(st->db) == 0)
			rc = SQLITE_CONSTRAINT; /* that id is taken */
		if (rc == SQLITE_OK && first) {
			first->seq = 1;
			rc = store_write_event(st, meta->id, first);
		}
		if (rc == SQLITE_OK)
			rc = store_step_done(st, STMT_COMMIT);
	}
	if (rc != SQLITE_OK)
		rollback(st);
	if (rc == SQLITE_OK) {
		*slot = first ? 2 : 1;
		return POISE_OK;
	}
	if (!store_rc_busy(rc) || (st->flags & STORE_READONLY))
		return store_fail(st, rc, "record call", err);
defer:
	if ((ps = sidelog_add_call(st, meta, pb, err)) != POISE_OK)
		return ps;
	*slot = 1;
	if (!first)
		return POISE_OK;
	first->seq = *slot;
	if ((ps = sidelog_add_event(st, meta->id, first, err)) != POISE_OK)
		return ps;
	*slot = first->seq + 1;
	if (deferred)
		*deferred = 1;
	return POISE_OK;
}

enum poise_status store_call_begin(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct poise_error *err)
{
	return call_begin(st, meta, pb, NULL, NULL, err);
}

enum poise_status store_call_start(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct event *first, int *deferred,
				   struct poise_error *err)
{
	return call_begin(st, meta, pb, first, deferred, err);
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
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "cannot save event: no call '%s' in database '%s'", call_id,
				       st->path);
	return store_fail(st, rc, "save event", err);
}

enum poise_status store_append(struct store *st, const char *call_id, struct event *ev,
			       int *deferred, struct poise_error *err)
{
	enum poise_status ps;
	int64_t *slot;
	int rc, queued;

	if (deferred)
		*deferred = 0;
	if ((ps = event_check(ev, err)) != POISE_OK)
		return ps;
	/* The slot after the flush: a flush that empties the side log resets the seqs. */
	queued = must_defer(st, err, &ps);
	if (ps != POISE_OK)
		return ps;
	if (!(slot = store_seq_slot(st, call_id)))
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	if (queued)
		goto defer;
	if ((rc = store_step_done(st, STMT_BEGIN)) == SQLITE_OK) {
		/* In the transaction the database is the truth about seqs. */
		*slot = 0;
		if ((ps = next_seq(st, call_id, slot, err)) != POISE_OK) {
			rollback(st);
			return ps;
		}
		ev->seq = *slot;
		rc = store_write_event(st, call_id, ev);
		if (rc == SQLITE_OK)
			rc = store_step_done(st, STMT_COMMIT);
	}
	if (rc != SQLITE_OK)
		rollback(st);
	if (rc == SQLITE_OK) {
		*slot = ev->seq + 1;
		return POISE_OK;
	}
	if (!store_rc_busy(rc) || (st->flags & STORE_READONLY))
		return store_fail(st, rc, "save event", err);
defer:
	if ((ps = next_seq(st, call_id, slot, err)) != POISE_OK)
		return ps;
	ev->seq = *slot;
	if ((ps = sidelog_add_event(st, call_id, ev, err)) != POISE_OK)
		return ps;
	*slot = ev->seq + 1;
	if (deferred)
		*deferred = 1;
	return POISE_OK;
}
