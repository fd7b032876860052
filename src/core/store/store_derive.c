/*
 * store_derive.c - the rows a write implies beyond its own: the marks sync
 * reads (sync_dirty, sync_closed), the list of notes waiting for the search
 * (notes_pending) and the search's indexes (notes_fts, texts_fts).
 *
 * Until schema 14 triggers kept them. SQLite parses every trigger of the
 * schema when a connection first prepares and codes a table's triggers
 * into each statement that writes it, so fifteen triggers were paid for at
 * every start of poise (docs/benchmarks.md, "Start-up, session 10"). Only
 * the store writes these tables; its writers call these functions in the
 * transaction of the write they follow, and the statements are in
 * STORE_DERIVED_LIST (store_int.h). check_store_batch compares the rows
 * the live path and a batch leave, these tables among them.
 */
#include "store_int.h"

int store_derive(struct store *st, enum store_stmt id, const char *call_id, const char *text)
{
	sqlite3_stmt *s = store_stmt(st, id);

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	return store_step_done(st, id);
}

/* Statement id with the integer v as ?1. */
static int derive_int(struct store *st, enum store_stmt id, int64_t v)
{
	sqlite3_bind_int64(store_stmt(st, id), 1, v);
	return store_step_done(st, id);
}

int store_text_indexed(enum event_kind kind, const char *text)
{
	return text && (kind == EV_ESCALATE || kind == EV_FOLLOWUP || kind == EV_REFLECTION);
}

int store_call_added(struct store *st, const char *call_id)
{
	int rc = store_derive(st, STMT_SYNC_MARK, call_id, NULL);

	return rc == SQLITE_OK ? store_derive(st, STMT_NOTES_NEW, call_id, NULL) : rc;
}

int store_followup_closed(struct store *st, int64_t id)
{
	int rc = derive_int(st, STMT_FOLLOWUP_CLOSED, id);

	return rc == SQLITE_OK ? derive_int(st, STMT_FOLLOWUP_MARK, id) : rc;
}

int store_followup_closed_at(struct store *st, const char *call_id, int64_t seq)
{
	sqlite3_stmt *s = store_stmt(st, STMT_FOLLOWUP_ID);
	int64_t id = 0;
	int rc;

	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, seq);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	return id ? store_followup_closed(st, id) : SQLITE_OK;
}

int store_followup_sent(struct store *st, int64_t id)
{
	return derive_int(st, STMT_CLOSED_SENT, id);
}

int store_review_text(struct store *st, int64_t review_id)
{
	int rc = derive_int(st, STMT_REVIEW_TEXT_OFF, review_id);

	return rc == SQLITE_OK ? derive_int(st, STMT_REVIEW_TEXT, review_id) : rc;
}

int store_reply_text(struct store *st, const char *reply_id)
{
	return store_derive(st, STMT_REPLY_TEXT, reply_id, NULL);
}
