/*
 * store_batch.c - many whole calls per transaction.
 *
 * The helper rows (followups, reflections, skips) come from
 * store_write_helper_rows() and the playbook text from the same INSERT OR
 * IGNORE as store_call_begin(); the columns of an event are bound as
 * store_append() binds them. What differs:
 *
 * - The calls row: the live path inserts it bare and updates its summary
 *   columns once per event (an UPDATE that rewrites the row and, for mood,
 *   status, outcome and cause, its index entries); a batch knows every
 *   event before it writes, so it folds the whole summary at once with
 *   the same pure steps (store_summary.c) and inserts the row once, whole.
 * - Events are held back and written a few hundred per INSERT (a
 *   statement's fixed cost per row was most of the time). The order of
 *   the events, and so the rowids of followups, stays the live path's:
 *   calls in order, each call's by seq.
 * - The note search: the live path indexes a call's notes in the UPDATE
 *   that closes it (store_derive.c); a batch inserts its calls
 *   closed, so it indexes all their notes in one statement at its commit
 *   (FTS5 writes a segment per statement: one per note was most of the
 *   time of the old per-event trigger). Escalation reasons, promises and
 *   reflections go into texts_fts one statement per EVENTS_PER_INSERT
 *   events, for the same reason.
 *
 * The unit tests compare every column of every table against the live path.
 */
#include "poise/store_batch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define BATCH_CHECKPOINT_PAGES "20000"

#define EVENTS_PER_INSERT 256	/* 8 parameters each, well under SQLite's limit */
#define EVENTS_HELD_MAX	  16384 /* written out early past this, so memory stays bounded */
#define NO_TEXT		  SIZE_MAX

struct held_event {
	char call_id[FIELD_CALL_ID_SIZE];
	struct event ev; /* its text NULL: the text is kept at offset text */
	size_t text;	 /* offset into the batch's text, NO_TEXT for NULL */
};

struct store_batch {
	struct store *st;
	struct held_event *held;
	size_t nheld, capheld;
	char *text;
	size_t ntext, captext;
	sqlite3_stmt *full; /* EVENTS_PER_INSERT rows */
	sqlite3_stmt *figs; /* store_write_figures' statement, prepared on first use */
};

/* INSERT OR IGNORE of the whole row; *added 0 means the id is taken. */
static int write_call_row(struct store *st, const struct call_meta *meta, const char *text,
			  size_t len, const struct store_summary *sm, int *added)
{
	int rc;

	STORE_BIND(store_stmt(st, STMT_INS_TEXT), 1, SV_TEXT(meta->playbook_hash),
		   SV_TEXT(meta->playbook_id), SV_TEXT(meta->playbook_version),
		   SV_TEXT_N(text ? text : "", text ? len : 0));
	if ((rc = store_step_done(st, STMT_INS_TEXT)) != SQLITE_OK)
		return rc;
	/* the columns of STORE_META_COLS */
	STORE_BIND(store_stmt(st, STMT_INS_CALL_DONE), 1, SV_TEXT(meta->id), SV_TEXT(meta->agent),
		   SV_TEXT(meta->customer), SV_TEXT(meta->ref), SV_TEXT(meta->playbook_id),
		   SV_TEXT(meta->playbook_version), SV_TEXT(meta->playbook_hash),
		   SV_INT(meta->started), SV_INT_OR_NULL(sm->ended), SV_TEXT(sm->status),
		   SV_TEXT(sm->outcome), SV_TEXT(sm->cause), SV_INT_OR_NULL(sm->mood_start),
		   SV_INT_OR_NULL(sm->mood_end), sm->have_wrapup ? SV_INT(sm->wrapup_at) : SV_NULL,
		   SV_INT(sm->last_seq), SV_TEXT(meta->practice));
	*added = 0;
	if ((rc = store_step_done(st, STMT_INS_CALL_DONE)) != SQLITE_OK || !sqlite3_changes(st->db))
		return rc;
	*added = 1;
	return store_call_added(st, meta->id);
}

static int hold_event(struct store_batch *b, const char *call_id, const struct event *ev)
{
	size_t len = ev->text ? strlen(ev->text) + 1 : 0;
	struct held_event *h;

	if (b->nheld == b->capheld) {
		size_t cap = b->capheld ? b->capheld * 2 : 4096;
		void *p = realloc(b->held, cap * sizeof(*b->held));

		if (!p)
			return SQLITE_NOMEM;
		b->held = p;
		b->capheld = cap;
	}
	while (b->ntext + len > b->captext) {
		size_t cap = b->captext ? b->captext * 2 : 65536;
		void *p = realloc(b->text, cap);

		if (!p)
			return SQLITE_NOMEM;
		b->text = p;
		b->captext = cap;
	}
	h = &b->held[b->nheld++];
	memcpy(h->call_id, call_id, sizeof(h->call_id));
	h->call_id[sizeof(h->call_id) - 1] = '\0';
	h->ev = *ev;
	h->ev.text = NULL;
	h->text = ev->text ? b->ntext : NO_TEXT;
	if (ev->text)
		memcpy(b->text + b->ntext, ev->text, len);
	b->ntext += len;
	return SQLITE_OK;
}

/* head followed by n times row (which ends in a comma, the last one dropped), prepared. */
static int prepare_rows(struct store_batch *b, const char *head, const char *row, size_t n,
			sqlite3_stmt **out)
{
	size_t hlen = strlen(head), rlen = strlen(row), len = hlen + n * rlen;
	char *sql = malloc(len + 1);
	int rc;

	if (!sql)
		return SQLITE_NOMEM;
	memcpy(sql, head, hlen);
	for (size_t i = 0; i < n; i++)
		memcpy(sql + hlen + i * rlen, row, rlen);
	sql[len - 1] = '\0'; /* the last comma */
	rc = sqlite3_prepare_v3(b->st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
	free(sql);
	return rc;
}

/* INSERT OR IGNORE of n events in one statement, bound as insert_event() binds one. */
static int prepare_events(struct store_batch *b, size_t n, sqlite3_stmt **out)
{
	return prepare_rows(b,
			    "INSERT OR IGNORE INTO events (call_id, seq, t, kind, stage, a, b, "
			    "text) VALUES ",
			    "(?, ?, ?, ?, ?, ?, ?, ?),", n, out);
}

static const char *held_text(const struct store_batch *b, const struct held_event *h)
{
	return h->text == NO_TEXT ? NULL : b->text + h->text;
}

/*
 * The texts of h[0..n) that the search keeps (store_text_indexed), in one
 * statement as the live path's STMT_TEXT_INDEX writes one: one FTS5
 * segment for them, not one a text.
 */
static int index_texts(struct store_batch *b, const struct held_event *h, size_t n)
{
	sqlite3_stmt *s = NULL;
	size_t k = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		k += store_text_indexed(h[i].ev.kind, held_text(b, &h[i])) ? 1 : 0;
	if (!k)
		return SQLITE_OK;
	/* The first row's rowid given (TEXTS_FTS_NEXT), the others counted on from it. */
	if ((rc = prepare_rows(b,
			       "INSERT INTO texts_fts (rowid, text, call_id) VALUES (" TEXTS_FTS_NEXT
			       ", ?, ?),",
			       "(NULL, ?, ?),", k - 1, &s)) != SQLITE_OK)
		return rc;
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (store_text_indexed(h[i].ev.kind, held_text(b, &h[i]))) {
			sqlite3_bind_text(s, (int)++k, held_text(b, &h[i]), -1, SQLITE_STATIC);
			sqlite3_bind_text(s, (int)++k, h[i].call_id, -1, SQLITE_STATIC);
		}
	rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_reset(s);
	sqlite3_finalize(s);
	return rc;
}

static int insert_events(struct store_batch *b, const struct held_event *h, size_t n,
			 sqlite3_stmt *s)
{
	for (size_t i = 0; i < n; i++) {
		int p = (int)i * 8;

		sqlite3_bind_text(s, p + 1, h[i].call_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, p + 2, h[i].ev.seq);
		sqlite3_bind_int64(s, p + 3, h[i].ev.t);
		sqlite3_bind_text(s, p + 4, event_kind_key(h[i].ev.kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, p + 5, stage_key((enum stage)h[i].ev.stage), -1, SQLITE_STATIC);
		sqlite3_bind_int(s, p + 6, h[i].ev.a);
		sqlite3_bind_int(s, p + 7, h[i].ev.b);
		if (h[i].text == NO_TEXT)
			sqlite3_bind_null(s, p + 8);
		else
			sqlite3_bind_text(s, p + 8, held_text(b, &h[i]), -1, SQLITE_STATIC);
	}
	return sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_reset(s);
}

static int write_events(struct store_batch *b)
{
	size_t done = 0;
	int rc = SQLITE_OK;

	while (rc == SQLITE_OK && done < b->nheld) {
		size_t n = b->nheld - done;
		sqlite3_stmt *s = NULL;

		if (n >= EVENTS_PER_INSERT) {
			n = EVENTS_PER_INSERT;
			if (!b->full && (rc = prepare_events(b, n, &b->full)) != SQLITE_OK)
				break;
			s = b->full;
		} else if ((rc = prepare_events(b, n, &s)) != SQLITE_OK) {
			break;
		}
		if ((rc = insert_events(b, b->held + done, n, s)) == SQLITE_OK)
			rc = index_texts(b, b->held + done, n);
		if (s == b->full)
			sqlite3_reset(s);
		else
			sqlite3_finalize(s);
		done += n;
	}
	b->nheld = 0;
	b->ntext = 0;
	return rc;
}

/* The live path's settings, back after a batch (outside any transaction). */
static void restore_pragmas(struct store *st)
{
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA wal_autocheckpoint = 1000", NULL, NULL, NULL);
}

static void batch_free(struct store_batch *b)
{
	if (!b)
		return;
	sqlite3_finalize(b->full);
	sqlite3_finalize(b->figs);
	free(b->held);
	free(b->text);
	free(b);
}

enum poise_status store_batch_begin(struct store *st, int cache_mib, struct store_batch **out,
				    struct poise_error *err)
{
	struct store_batch *b;
	char sql[64];
	int rc;

	*out = NULL;
	if (st->pending)
		return poise_error_set(err, POISE_STATE, NULL, 0, 0,
				       "cannot write a batch while the side log of '%s' holds "
				       "entries: open it with poise first",
				       st->path);
	if (!(b = calloc(1, sizeof(*b))))
		return poise_error_nomem(err);
	b->st = st;
	/* Negative: KiB. The connection gives the pages back when it closes. */
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%ld",
		 (long)(cache_mib > 0 ? cache_mib : 2) * 1024);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	/*
	 * A page rewritten by several batches is copied to the file once per
	 * checkpoint: checkpoint every BATCH_CHECKPOINT_PAGES (about 80 MB of
	 * WAL) rather than every 1000 (about 14% less time at 100k calls).
	 */
	sqlite3_exec(st->db, "PRAGMA wal_autocheckpoint = " BATCH_CHECKPOINT_PAGES, NULL, NULL,
		     NULL);
	/*
	 * Each call row is written before its events, so the parent lookups of
	 * foreign_keys only cost time here; back on at commit (the pragma is a
	 * no-op inside a transaction, so it is set before BEGIN and after
	 * COMMIT). synchronous=NORMAL: in WAL mode a crash can lose the last
	 * batches but never damages the file, and a batch is not an agent's
	 * call: it can be run again.
	 */
	sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	if ((rc = store_step_done(st, STMT_BEGIN)) != SQLITE_OK) {
		store_batch_abort(b);
		return store_fail(st, rc, "start a batch", err);
	}
	*out = b;
	return POISE_OK;
}

enum poise_status store_batch_call(struct store_batch *b, const struct call_meta *meta,
				   const struct playbook *pb, struct event *ev, size_t n,
				   struct poise_error *err)
{
	struct call_meta m = *meta;

	if (!pb || !pb->hash[0] || !pb->id || !pb->version)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call: it needs a playbook with its hash");
	snprintf(m.playbook_id, sizeof(m.playbook_id), "%s", pb->id);
	snprintf(m.playbook_version, sizeof(m.playbook_version), "%s", pb->version);
	snprintf(m.playbook_hash, sizeof(m.playbook_hash), "%s", pb->hash);
	return store_batch_call_text(b, &m, pb->text, pb->text ? pb->text_len : 0, ev, n, err);
}

enum poise_status store_batch_call_text(struct store_batch *b, const struct call_meta *meta,
					const char *text, size_t len, struct event *ev, size_t n,
					struct poise_error *err)
{
	struct store *st = b->st;
	struct store_summary sm;
	enum poise_status ps;
	int rc, added;

	if (!meta->playbook_hash[0] || !meta->playbook_id[0] || !meta->playbook_version[0] ||
	    !meta->agent[0])
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call: it needs an agent and a playbook "
				       "with its hash");
	for (size_t i = 0; i < n; i++) {
		if ((ps = event_check(&ev[i], err)) != POISE_OK)
			return ps;
		ev[i].seq = (int64_t)i + 1;
	}
	store_summary_fold(&sm, ev, n);
	rc = write_call_row(st, meta, text, len, &sm, &added);
	if (rc == SQLITE_OK && !added)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call '%s': that id is taken", meta->id);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
		if ((rc = hold_event(b, meta->id, &ev[i])) == SQLITE_OK)
			rc = store_write_helper_rows(st, meta->id, &ev[i]);
	if (rc == SQLITE_OK && b->nheld >= EVENTS_HELD_MAX)
		rc = write_events(b);
	if (rc == SQLITE_NOMEM)
		return poise_error_nomem(err);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "record call", err);
	return POISE_OK;
}

enum poise_status store_batch_figures(struct store_batch *b, const char *call_id, int fold,
				      int64_t last_seq, const void *blob, size_t len,
				      struct poise_error *err)
{
	struct store *st = b->st;
	int rc = store_write_figures(st, &b->figs, call_id, fold, last_seq, blob, len);

	if (rc != SQLITE_OK)
		return store_fail(st, rc, "keep a call's figures", err);
	return POISE_OK;
}

enum poise_status store_batch_commit(struct store_batch *b, struct poise_error *err)
{
	struct store *st = b->st;
	int rc = write_events(b);

	/* One statement for the batch's notes: one FTS5 segment, not one a call. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, STORE_NOTES_INDEX_ENDED, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = store_step_done(st, STMT_COMMIT);
	if (rc != SQLITE_OK) {
		store_batch_abort(b);
		return store_fail(st, rc, "finish a batch", err);
	}
	restore_pragmas(st);
	batch_free(b);
	return POISE_OK;
}

void store_batch_abort(struct store_batch *b)
{
	struct store *st;

	if (!b)
		return;
	st = b->st;
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, STMT_ROLLBACK);
	restore_pragmas(st);
	batch_free(b);
}
