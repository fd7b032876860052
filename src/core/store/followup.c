/*
 * followup.c - open follow-ups across agents, and closing one.
 *
 * Both queries are ranges or lookups on indexed columns (followups_due,
 * the primary keys), prepared per use: they run once per command.
 */
#include "poise/followup.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* A rehearsal's promises were made to nobody: never listed. */
static const char due_sql[] = STORE_FOLLOWUP_SELECT
	"WHERE f.done_at IS NULL AND f.due <= ?1 AND c.practice IS NULL ORDER BY f.due, f.id";

static const char all_sql[] = STORE_FOLLOWUP_SELECT
	"WHERE f.done_at IS NULL AND c.practice IS NULL ORDER BY f.due IS NULL, f.due, f.id";

void store_followup_row(sqlite3_stmt *s, struct followup *f)
{
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(s, 0);
	f->seq = sqlite3_column_int64(s, 1);
	store_col_copy(s, 2, f->call_id, sizeof(f->call_id));
	store_col_copy(s, 3, f->due, sizeof(f->due));
	store_col_copy(s, 4, f->channel, sizeof(f->channel));
	store_col_copy(s, 5, f->promise, sizeof(f->promise));
	store_col_copy(s, 6, f->customer, sizeof(f->customer));
	store_col_copy(s, 7, f->agent, sizeof(f->agent));
}

enum poise_status followup_each(struct store *st, const char *today, int all, followup_fn fn,
				void *ctx, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	struct followup f;
	int rc = sqlite3_prepare_v2(st->db, all ? all_sql : due_sql, -1, &s, NULL);

	if (rc != SQLITE_OK)
		goto out;
	if (!all)
		sqlite3_bind_text(s, 1, today, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_followup_row(s, &f);
		if (fn(ctx, &f)) {
			rc = SQLITE_DONE;
			break;
		}
	}
out:
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "list follow-ups", err);
	return POISE_OK;
}

void followup_format_id(const char *call_id, int64_t seq, char out[FOLLOWUP_ID_SIZE])
{
	snprintf(out, FOLLOWUP_ID_SIZE, "%.*s/%lld", CALL_ID_SHORT, call_id, (long long)seq);
}

enum poise_status followup_find(struct store *st, const char *text, int64_t *id,
				struct poise_error *err)
{
	const char *slash = strchr(text, '/');
	char prefix[FIELD_CALL_ID_SIZE], *end;
	struct call_meta m;
	sqlite3_stmt *s = NULL;
	enum poise_status ps;
	long long seq;
	int rc;

	*id = 0;
	errno = 0;
	if (!slash || slash == text || (size_t)(slash - text) >= sizeof(prefix) ||
	    (seq = strtoll(slash + 1, &end, 10), errno || end == slash + 1 || *end || seq <= 0 ||
	     !isdigit((unsigned char)slash[1])))
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "'%s' is not a follow-up id: expected CALL/SEQ as in the ID "
				       "column of 'poise followups'",
				       text);
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - text), text);
	if ((ps = store_call_meta(st, prefix, &m, err)) != POISE_OK)
		return ps;
	rc = sqlite3_prepare_v2(st->db, "SELECT id FROM followups WHERE call_id = ?1 AND seq = ?2",
				-1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, m.id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, seq);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, rc, "find the follow-up", err);
	if (*id == 0)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no follow-up %s in database '%s'", text, st->path);
	return POISE_OK;
}

/* done_at of follow-up id: 1 found (0 in *done_at while open), 0 unknown, or an SQLite error < 0. */
static int read_done(struct store *st, int64_t id, int64_t *done_at, int *rc)
{
	sqlite3_stmt *s = NULL;
	int found = 0;

	*rc = sqlite3_prepare_v2(st->db, "SELECT coalesce(done_at, 0) FROM followups WHERE id = ?1",
				 -1, &s, NULL);
	if (*rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		*rc = sqlite3_step(s);
		if (*rc == SQLITE_ROW) {
			*done_at = sqlite3_column_int64(s, 0);
			found = 1;
			*rc = SQLITE_OK;
		} else if (*rc == SQLITE_DONE) {
			*rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	return found;
}

enum poise_status followup_done(struct store *st, int64_t id, int64_t now, int64_t *done_at,
				struct poise_error *err)
{
	int rc, found;

	*done_at = 0;
	/* Read and write in one transaction: two supervisors closing it agree on when. */
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return store_fail(st, rc, "close follow-up", err);
	found = read_done(st, id, done_at, &rc);
	if (rc == SQLITE_OK && found && *done_at == 0 &&
	    (rc = store_stamp(st,
			      "UPDATE followups SET done_at = ?2 WHERE id = ?1 AND done_at IS NULL",
			      id, now)) == SQLITE_OK &&
	    (rc = store_followup_closed(st, id)) == SQLITE_OK)
		*done_at = now;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return store_fail(st, rc, "close follow-up", err);
	}
	if (!found)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no follow-up %lld in database '%s'", (long long)id,
				       st->path);
	return POISE_OK;
}
