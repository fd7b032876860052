/*
 * store_ready.c - the queries of the screens between calls: the follow-ups
 * due and the agent's newest call (today's figures are the report's).
 * Read-only, prepared per call (they run once between calls), bounded by
 * indexed columns.
 */
#include "poise/store_ready.h"

#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* Every query here is one agent's: prepare it with that agent bound as ?1. */
static int prepare_for_agent(struct store *st, const char *sql, const char *agent, sqlite3_stmt **s)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

	if (rc == SQLITE_OK)
		sqlite3_bind_text(*s, 1, agent, -1, SQLITE_STATIC);
	return rc;
}

/* A query's end, rc its last step: finalized, and a failure said as what failed. */
static enum poise_status ready_done(struct store *st, sqlite3_stmt *s, int rc, const char *what,
				    struct poise_error *err)
{
	enum poise_status ps = POISE_OK;

	if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ps = store_fail(st, rc, what, err);
	sqlite3_finalize(s);
	return ps;
}

enum poise_status store_ready_followups(struct store *st, const char *agent, const char *due,
					int max, followup_fn fn, void *ctx, struct poise_error *err)
{
	static const char sql[] = STORE_FOLLOWUP_SELECT
		"WHERE f.done_at IS NULL AND f.due IS NOT NULL AND f.due <= ?2 AND c.agent = ?1 "
		"AND c.practice IS NULL "
		"ORDER BY f.due, f.id LIMIT ?3";
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare_for_agent(st, sql, agent, &s)) != SQLITE_OK)
		return ready_done(st, s, rc, "read the follow-ups due", err);
	sqlite3_bind_text(s, 2, due, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct followup f;

		store_followup_row(s, &f);
		if (fn(ctx, &f))
			break;
	}
	return ready_done(st, s, rc, "read the follow-ups due", err);
}

enum poise_status store_ready_last_call(struct store *st, const char *agent,
					char id[FIELD_CALL_ID_SIZE], struct poise_error *err)
{
	static const char sql[] = "SELECT id FROM calls WHERE agent = ?1 "
				  "ORDER BY started_at DESC, id DESC LIMIT 1";
	sqlite3_stmt *s = NULL;
	int rc;

	if ((rc = prepare_for_agent(st, sql, agent, &s)) == SQLITE_OK &&
	    (rc = sqlite3_step(s)) == SQLITE_ROW)
		store_col_copy(s, 0, id, FIELD_CALL_ID_SIZE);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(s);
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0, "no call of agent '%s'",
				       agent);
	}
	return ready_done(st, s, rc, "find the newest call", err);
}

/*
 * One statement instead of the three the start-up ran before (open calls,
 * open rehearsals, the newest call, each with every column of the calls
 * row): docs/benchmarks.md, "Start-up, session 8".
 */
enum poise_status store_ready_start(struct store *st, const char *agent, struct ready_start *out,
				    struct poise_error *err)
{
	static const char sql[] =
		"SELECT (SELECT status = 'interrupted' FROM calls WHERE agent = ?1 "
		"ORDER BY started_at DESC, id DESC LIMIT 1), "
		"count(*) FILTER (WHERE practice IS NULL), count(practice) "
		"FROM calls WHERE status = 'open' AND agent = ?1";
	sqlite3_stmt *s = NULL;
	int rc;

	out->open_calls = out->open_practice = out->last_interrupted = 1;
	if (st->pending > 0)
		return POISE_OK;
	if ((rc = prepare_for_agent(st, sql, agent, &s)) == SQLITE_OK &&
	    (rc = sqlite3_step(s)) == SQLITE_ROW) {
		out->last_interrupted = sqlite3_column_int(s, 0) != 0;
		out->open_calls = sqlite3_column_int(s, 1) > 0;
		out->open_practice = sqlite3_column_int(s, 2) > 0;
	}
	return ready_done(st, s, rc, "look for an open call", err);
}
