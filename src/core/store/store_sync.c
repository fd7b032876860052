/*
 * store_sync.c - the local side of `poise sync` (store_sync.h).
 *
 * Statements here run once per sync or per call pushed, never per key, so
 * each is prepared where it is used.
 */
#include "store_int.h"

#include "poise/store_sync.h"

#include <stdlib.h>
#include <string.h>

/*
 * The calls of agent with something the server lacks, among those marked in
 * sync_dirty. Every query here reads sync_dirty first ("CROSS JOIN" fixes
 * SQLite's join order): left to itself the planner walks the agent's calls
 * by index (calls_review_agent), every call they ever took, and looks each
 * up in the short dirty list, 2 s at 100,000 calls for one new call.
 * A rehearsal (practice) is never sent: the team's figures, floor and
 * reviews are real calls only; it stays in this database.
 */
#define PENDING_WHERE "c.agent = ?1 AND c.practice IS NULL AND " SYNC_PENDING_COND

const char *const store_sync_sql[SYNC_SQL_COUNT_] = {
	[SYNC_SQL_PENDING] =
		"SELECT c.id, c.agent, c.customer, c.customer_ref, c.playbook_id, "
		"c.playbook_version, c.playbook_hash, c.started_at, c.ended_at, c.status, "
		"c.outcome, c.cause, c.mood_start, c.mood_end, c.wrapup_at, c.last_seq, "
		"c.practice, coalesce(s.pushed_seq, 0), coalesce(s.figures_seq, 0) "
		"FROM sync_dirty d CROSS JOIN calls c ON c.id = d.call_id "
		"LEFT JOIN sync_calls s ON s.call_id = c.id "
		"WHERE d.call_id > ?2 AND " PENDING_WHERE " ORDER BY d.call_id LIMIT ?3",
	[SYNC_SQL_COUNT] =
		"SELECT count(*) FROM sync_dirty d CROSS JOIN calls c ON c.id = d.call_id "
		"LEFT JOIN sync_calls s ON s.call_id = c.id WHERE " PENDING_WHERE,
	/* Other agents' calls are never sent: they stay marked, and are counted. */
	[SYNC_SQL_OTHERS] = "SELECT count(*) FROM sync_dirty d CROSS JOIN calls c "
			    "ON c.id = d.call_id WHERE c.agent <> ?1",
	[SYNC_SQL_TIDY] = "DELETE FROM sync_dirty WHERE call_id IN (SELECT c.id FROM sync_dirty d "
			  "CROSS JOIN calls c ON c.id = d.call_id "
			  "LEFT JOIN sync_calls s ON s.call_id = c.id "
			  "WHERE c.agent = ?1 AND (c.practice IS NOT NULL OR NOT " SYNC_PENDING_COND "))",
};

/* sql prepared into *s, with key (unless NULL) bound to ?1. */
static int prep(struct store *st, const char *sql, const char *key, sqlite3_stmt **s)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

	if (rc == SQLITE_OK && key)
		sqlite3_bind_text(*s, 1, key, -1, SQLITE_STATIC);
	return rc;
}

/* Run s (bound) to the end; SQLite's result, SQLITE_OK for done. */
static int run(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int pending_row(void *ctx, sqlite3_stmt *s)
{
	const struct store_rows *p = ctx;
	struct sync_call c;

	memset(&c, 0, sizeof(c));
	store_row_meta(s, &c.meta);
	c.pushed_seq = sqlite3_column_int64(s, 17);
	c.figures_seq = sqlite3_column_int64(s, 18);
	return p->fn.sync_call(p->ctx, &c);
}

enum poise_status store_sync_pending(struct store *st, const char *agent, const char *after_id,
				     size_t limit, sync_call_fn fn, void *ctx,
				     struct poise_error *err)
{
	struct store_rows p = {.fn.sync_call = fn, .ctx = ctx};
	sqlite3_stmt *s = NULL;
	int rc = prep(st, store_sync_sql[SYNC_SQL_PENDING], agent, &s);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 2, after_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
		rc = store_each_row(s, pending_row, &p);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? POISE_OK : store_fail(st, rc, "find the calls to sync", err);
}

static int count(struct store *st, const char *sql, const char *agent, size_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st, sql, agent, &s);

	if (rc == SQLITE_OK) {
		if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			*out = (size_t)sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	return rc;
}

enum poise_status store_sync_count(struct store *st, const char *agent, size_t *pending,
				   size_t *others, struct poise_error *err)
{
	int rc = count(st, store_sync_sql[SYNC_SQL_COUNT], agent, pending);

	if (rc == SQLITE_OK)
		rc = count(st, store_sync_sql[SYNC_SQL_OTHERS], agent, others);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "count the calls to sync", err);
}

enum poise_status store_sync_tidy(struct store *st, const char *agent, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st, store_sync_sql[SYNC_SQL_TIDY], agent, &s);

	if (rc == SQLITE_OK)
		rc = run(s);
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "note what was synced", err);
}

static int followup_row(void *ctx, sqlite3_stmt *s)
{
	const struct store_rows *p = ctx;
	struct sync_followup f;

	f.id = sqlite3_column_int64(s, 0);
	f.seq = sqlite3_column_int64(s, 1);
	f.due = (const char *)sqlite3_column_text(s, 2);
	f.channel = store_col_text(s, 3);
	f.promise = store_col_text(s, 4);
	f.done_at = sqlite3_column_int64(s, 5);
	return p->fn.sync_followup(p->ctx, &f);
}

enum poise_status store_sync_followups(struct store *st, const char *call_id, sync_followup_fn fn,
				       void *ctx, struct poise_error *err)
{
	struct store_rows p = {.fn.sync_followup = fn, .ctx = ctx};
	sqlite3_stmt *s = NULL;
	int rc = prep(st,
		      "SELECT id, seq, due, channel, promise, coalesce(done_at, 0) "
		      "FROM followups WHERE call_id = ?1 ORDER BY seq",
		      call_id, &s);

	if (rc == SQLITE_OK)
		rc = store_each_row(s, followup_row, &p);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? POISE_OK : store_fail(st, rc, "read a call's follow-ups", err);
}

enum poise_status store_sync_figures(struct store *st, const char *call_id, int *fold,
				     int64_t *last_seq, void **blob, size_t *len,
				     struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	enum poise_status ps = POISE_OK;
	int rc = prep(st, "SELECT fold, last_seq, figures FROM call_figures WHERE call_id = ?1",
		      call_id, &s);

	*blob = NULL;
	*len = 0;
	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*fold = sqlite3_column_int(s, 0);
		*last_seq = sqlite3_column_int64(s, 1);
		*len = (size_t)sqlite3_column_bytes(s, 2);
		if (!(*blob = malloc(*len ? *len : 1)))
			ps = poise_error_nomem(err);
		else if (*len)
			memcpy(*blob, sqlite3_column_blob(s, 2), *len);
	} else if (rc == SQLITE_DONE)
		ps = POISE_NOT_FOUND;
	else
		ps = store_fail(st, rc, "read a call's kept figures", err);
	sqlite3_finalize(s);
	return ps;
}

enum poise_status store_sync_pushed(struct store *st, const struct sync_pushed_call *c, size_t nc,
				    const struct sync_pushed_followup *f, size_t nf,
				    struct poise_error *err)
{
	sqlite3_stmt *sc = NULL, *sf = NULL;
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = prep(st,
			  "INSERT INTO sync_calls (call_id, pushed_seq, figures_seq) "
			  "VALUES (?1, ?2, ?3) ON CONFLICT (call_id) DO UPDATE SET "
			  "pushed_seq = max(pushed_seq, excluded.pushed_seq), "
			  "figures_seq = excluded.figures_seq",
			  NULL, &sc);
	if (rc == SQLITE_OK)
		rc = prep(st,
			  "INSERT OR REPLACE INTO sync_followups (followup_id, done_at) "
			  "VALUES (?1, nullif(?2, 0))",
			  NULL, &sf);
	for (size_t i = 0; rc == SQLITE_OK && i < nc; i++) {
		sqlite3_bind_text(sc, 1, c[i].call_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sc, 2, c[i].pushed_seq);
		sqlite3_bind_int64(sc, 3, c[i].figures_seq);
		rc = run(sc);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < nf; i++) {
		sqlite3_bind_int64(sf, 1, f[i].id);
		sqlite3_bind_int64(sf, 2, f[i].done_at);
		if ((rc = run(sf)) == SQLITE_OK)
			rc = store_followup_sent(st, f[i].id);
	}
	sqlite3_finalize(sc);
	sqlite3_finalize(sf);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		enum poise_status ps = store_fail(st, rc, "record what was synced", err);

		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return ps;
	}
	return POISE_OK;
}

enum poise_status store_sync_begin(struct store *st, struct poise_error *err)
{
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "start saving what was synced", err);
}

enum poise_status store_sync_end(struct store *st, int commit, struct poise_error *err)
{
	int rc;

	if (!commit) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return POISE_OK;
	}
	if ((rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK) {
		enum poise_status ps = store_fail(st, rc, "save what was synced", err);

		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return ps;
	}
	return POISE_OK;
}

enum poise_status store_sync_mark(struct store *st, const char *name, int64_t *value,
				  struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st, "SELECT value FROM sync_marks WHERE name = ?1", name, &s);

	*value = 0;
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		*value = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? POISE_OK
						     : store_fail(st, rc, "read a sync mark", err);
}

enum poise_status store_sync_set_mark(struct store *st, const char *name, int64_t value,
				      struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st, "INSERT OR REPLACE INTO sync_marks (name, value) VALUES (?1, ?2)", name,
		      &s);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 2, value);
		rc = run(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "save a sync mark", err);
}

/* The local review id the server's review has here; 0 when none yet. */
static int local_review(struct store *st, const char *server_id, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st, "SELECT id FROM reviews WHERE uuid = ?1", server_id, &s);

	*id = 0;
	if (rc == SQLITE_OK) {
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			*id = sqlite3_column_int64(s, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	return rc;
}

static int exec_bound(struct store *st, const char *sql, const char *t1, int64_t i2, const char *t3,
		      int64_t i4, const char *t5)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st, sql, t1, &s);

	if (rc == SQLITE_OK) {
		int n = sqlite3_bind_parameter_count(s);

		if (n >= 2)
			sqlite3_bind_int64(s, 2, i2);
		if (n >= 3)
			sqlite3_bind_text(s, 3, t3, -1, SQLITE_STATIC);
		if (n >= 4)
			sqlite3_bind_int64(s, 4, i4);
		if (n >= 5)
			sqlite3_bind_text(s, 5, t5, -1, SQLITE_STATIC);
		rc = run(s);
	}
	sqlite3_finalize(s);
	return rc;
}

/* The review's scores as they stand here, "stage=score," in stage order. */
static int scores_text(struct store *st, int64_t id, char *out, size_t size)
{
	sqlite3_stmt *s = NULL;
	int rc =
		prep(st,
		     "SELECT group_concat(stage || '=' || score, ',') FROM "
		     "(SELECT stage, score FROM review_scores WHERE review_id = ?1 ORDER BY stage)",
		     NULL, &s);

	out[0] = '\0';
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			store_col_copy(s, 0, out, size);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	return rc;
}

static int put_scores(struct store *st, int64_t id, const int *scores)
{
	int rc = exec_bound(st, "DELETE FROM review_scores WHERE review_id = ?2", "", id, NULL, 0,
			    NULL);

	for (int i = 0; rc == SQLITE_OK && i < STAGE_COUNT; i++)
		if (scores[i] >= 1 && scores[i] <= 5)
			rc = exec_bound(st,
					"INSERT INTO review_scores (review_id, stage, score) "
					"VALUES (?2, ?3, ?4)",
					"", id, stage_key((enum stage)i), scores[i], NULL);
	return rc;
}

/*
 * Review id here holds an edit the server has not had yet (synced = 0):
 * *pending 1, and *same 1 when the server's copy r already reads as ours
 * (comment and scores), as after the mirror sent it.
 */
static int local_edit(struct store *st, int64_t id, const struct sync_review *r, int *pending,
		      int *same, int64_t *edited)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st,
		      "SELECT synced = 0, comment IS ?2, coalesce(updated_at, created_at) "
		      "FROM reviews WHERE id = ?1",
		      NULL, &s);
	int have[STAGE_COUNT] = {0};

	*pending = *same = 0;
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, r->comment, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			*pending = sqlite3_column_int(s, 0);
			*same = sqlite3_column_int(s, 1);
			*edited = sqlite3_column_int64(s, 2);
		}
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_OK || !*pending || !*same)
		return rc;
	rc = prep(st, "SELECT stage, score FROM review_scores WHERE review_id = ?1", NULL, &s);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int stage = stage_from_key(store_col_text(s, 0));

			if (stage >= 0 && stage < STAGE_COUNT)
				have[stage] = sqlite3_column_int(s, 1);
		}
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	for (int i = 0; i < STAGE_COUNT; i++)
		if (have[i] != (r->scores[i] >= 1 && r->scores[i] <= 5 ? r->scores[i] : 0))
			*same = 0;
	return rc;
}

enum poise_status store_sync_put_review(struct store *st, const struct sync_review *r, int *applied,
					struct poise_error *err)
{
	int pending = 0, same = 0;
	char before[160], after[160];
	int64_t id = 0, edited = 0, server_edit = r->updated_at ? r->updated_at : r->created_at;
	size_t have = 0;
	int rc;

	*applied = 0;
	rc = count(st, "SELECT count(*) FROM calls WHERE id = ?1", r->call_id, &have);
	if (rc == SQLITE_OK && have == 0)
		return POISE_OK;
	if (rc == SQLITE_OK)
		rc = local_review(st, r->server_id, &id);
	/*
	 * Edited here and not yet on the server (the supervisor's mirror sends
	 * it before it pulls): the later edit wins, as in merge (merge.c). Ours,
	 * as late as the server's or later, is kept until the server's reads
	 * as ours; a later edit on the server replaces it.
	 */
	if (rc == SQLITE_OK && id != 0)
		rc = local_edit(st, id, r, &pending, &same, &edited);
	if (rc == SQLITE_OK && pending && same)
		rc = exec_bound(st, "UPDATE reviews SET synced = 1 WHERE id = ?2", "", id, NULL, 0,
				NULL);
	if (rc == SQLITE_OK && pending && (same || server_edit <= edited))
		return POISE_OK;
	if (rc == SQLITE_OK && id == 0) {
		rc = exec_bound(
			st,
			"INSERT INTO reviews (call_id, created_at, reviewer, comment, uuid, "
			"synced) VALUES (?1, ?2, ?3, '', ?5, 1)",
			r->call_id, r->created_at, r->reviewer, 0, r->server_id);
		id = sqlite3_last_insert_rowid(st->db);
	}
	if (rc == SQLITE_OK)
		rc = scores_text(st, id, before, sizeof(before));
	if (rc == SQLITE_OK)
		rc = put_scores(st, id, r->scores);
	if (rc == SQLITE_OK)
		rc = scores_text(st, id, after, sizeof(after));
	/* New to the agent again only when what they read changed. */
	if (rc == SQLITE_OK)
		rc = exec_bound(st,
				"UPDATE reviews SET acked_at = CASE WHEN comment = ?3 AND ?4 = 0 "
				"THEN acked_at END, comment = ?3, reviewer = ?5, synced = 1 "
				"WHERE id = ?2 AND (comment IS NOT ?3 OR reviewer IS NOT ?5 OR ?4)",
				"", id, r->comment, strcmp(before, after) != 0, r->reviewer);
	if (rc == SQLITE_OK)
		*applied = sqlite3_changes(st->db) > 0;
	if (rc == SQLITE_OK && *applied)
		rc = store_review_text(st, id);
	/* What the server has is what we have, edit time too. */
	if (rc == SQLITE_OK)
		rc = exec_bound(st,
				"UPDATE reviews SET synced = 1, updated_at = nullif(?4, created_at) "
				"WHERE id = ?2 AND (synced = 0 OR updated_at IS NOT nullif(?4, "
				"created_at))",
				"", id, NULL, server_edit, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "save a review from the server", err);
	return POISE_OK;
}

enum poise_status store_sync_put_done(struct store *st, const char *call_id, int64_t seq,
				      int64_t done_at, int *applied, struct poise_error *err)
{
	int rc = exec_bound(st,
			    "UPDATE followups SET done_at = ?4 "
			    "WHERE call_id = ?1 AND seq = ?2 AND done_at IS NULL",
			    call_id, seq, NULL, done_at, NULL);

	*applied = rc == SQLITE_OK && sqlite3_changes(st->db) > 0;
	/* Closed there and sent as closed: the call is marked, sync_closed is not. */
	if (rc == SQLITE_OK && *applied)
		rc = store_derive(st, STMT_SYNC_MARK, call_id, NULL);
	/* What the server has is what we have: nothing to push back. */
	if (rc == SQLITE_OK && *applied)
		rc = exec_bound(st,
				"INSERT OR REPLACE INTO sync_followups (followup_id, done_at) "
				"SELECT id, done_at FROM followups WHERE call_id = ?1 AND seq = ?2",
				call_id, seq, NULL, 0, NULL);
	return rc == SQLITE_OK ? POISE_OK
			       : store_fail(st, rc, "close a follow-up closed on the server", err);
}

/* sql prepared into *s with p's hash, id and version bound to ?1, ?2 and ?3. */
static int prep_playbook(struct store *st, const char *sql, const struct sync_playbook *p,
			 sqlite3_stmt **s)
{
	int rc = prep(st, sql, p->hash, s);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(*s, 2, p->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(*s, 3, p->version, -1, SQLITE_STATIC);
	}
	return rc;
}

enum poise_status store_sync_put_playbook(struct store *st, const struct sync_playbook *p,
					  int *applied, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = prep_playbook(st,
			       "INSERT OR IGNORE INTO playbook_texts (hash, id, version, text) "
			       "VALUES (?1, ?2, ?3, ?4)",
			       p, &s);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 4, p->text, -1, SQLITE_STATIC);
		rc = run(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (rc == SQLITE_OK &&
	    (rc = prep_playbook(st,
				"INSERT OR IGNORE INTO published_playbooks "
				"(hash, id, version, published_at, published_by) "
				"VALUES (?1, ?2, ?3, ?4, ?5)",
				p, &s)) == SQLITE_OK) {
		sqlite3_bind_int64(s, 4, p->published_at);
		sqlite3_bind_text(s, 5, p->published_by, -1, SQLITE_STATIC);
		rc = run(s);
	}
	sqlite3_finalize(s);
	*applied = rc == SQLITE_OK && sqlite3_changes(st->db) > 0;
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "save a published playbook", err);
}

enum poise_status store_sync_unsent_reviews(struct store *st,
					    int (*fn)(void *ctx, const struct sync_review *r),
					    void *ctx, struct poise_error *err)
{
	sqlite3_stmt *s = NULL, *sc = NULL;
	int rc = prep(st,
		      "SELECT id, uuid, call_id, reviewer, comment, created_at, "
		      "coalesce(updated_at, created_at) FROM reviews "
		      "INDEXED BY reviews_unsynced WHERE synced = 0 ORDER BY id",
		      NULL, &s);

	if (rc == SQLITE_OK)
		rc = prep(st, "SELECT stage, score FROM review_scores WHERE review_id = ?1", NULL,
			  &sc);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sync_review r = {store_col_text(s, 1),	    store_col_text(s, 2),
					store_col_text(s, 3),	    store_col_text(s, 4),
					sqlite3_column_int64(s, 5), {0},
					sqlite3_column_int64(s, 6)};

		sqlite3_reset(sc);
		sqlite3_bind_int64(sc, 1, sqlite3_column_int64(s, 0));
		while ((rc = sqlite3_step(sc)) == SQLITE_ROW) {
			int stage = stage_from_key(store_col_text(sc, 0));

			if (stage >= 0 && stage < STAGE_COUNT)
				r.scores[stage] = sqlite3_column_int(sc, 1);
		}
		if (rc != SQLITE_DONE)
			break;
		rc = SQLITE_OK;
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(sc);
	return rc == SQLITE_DONE ? POISE_OK : store_fail(st, rc, "read the reviews to send", err);
}

enum poise_status store_sync_unsent_closed(struct store *st,
					   int (*fn)(void *ctx, const struct sync_closed *f),
					   void *ctx, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = prep(st,
		      /* sync_closed first: only the few waiting (schema 12), not every closed one. */
		      "SELECT f.id, f.call_id, f.seq, f.done_at FROM sync_closed q "
		      "CROSS JOIN followups f ON f.id = q.followup_id "
		      "LEFT JOIN sync_followups y ON y.followup_id = f.id "
		      "WHERE f.done_at IS NOT NULL AND f.done_at IS NOT y.done_at ORDER BY q.followup_id",
		      NULL, &s);

	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct sync_closed f = {sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 2),
					sqlite3_column_int64(s, 3), store_col_text(s, 1)};

		rc = SQLITE_OK;
		if (fn(ctx, &f)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? POISE_OK
				 : store_fail(st, rc, "read the follow-ups to send", err);
}

enum poise_status store_sync_status(struct store *st, const char *agent, struct sync_status *out,
				    struct poise_error *err)
{
	int64_t status = 0, refused = 0;
	size_t others;
	enum poise_status ps;

	memset(out, 0, sizeof(*out));
	if ((ps = store_sync_mark(st, "sync_ok_at", &out->ok_at, err)) != POISE_OK ||
	    (ps = store_sync_mark(st, "sync_failed_at", &out->failed_at, err)) != POISE_OK ||
	    (ps = store_sync_mark(st, "sync_failed_status", &status, err)) != POISE_OK ||
	    (ps = store_sync_mark(st, "sync_refused", &refused, err)) != POISE_OK)
		return ps;
	out->failed_status = (int)status;
	out->refused = refused > 0 ? (size_t)refused : 0;
	/* Counted only when it is shown: after a failure. */
	if (out->failed_at > out->ok_at)
		ps = store_sync_count(st, agent, &out->pending, &others, err);
	return ps;
}

enum poise_status store_sync_outcome(struct store *st, int64_t now, enum poise_status ps,
				     size_t refused, struct poise_error *err)
{
	enum poise_status r;

	if (ps == POISE_OK) {
		if ((r = store_sync_set_mark(st, "sync_refused", (int64_t)refused, err)) != POISE_OK)
			return r;
		return store_sync_set_mark(st, "sync_ok_at", now, err);
	}
	if ((r = store_sync_set_mark(st, "sync_failed_status", ps, err)) != POISE_OK)
		return r;
	return store_sync_set_mark(st, "sync_failed_at", now, err);
}

enum poise_status store_sync_published(struct store *st, const char *id, char *hash, char *version,
				       size_t version_size, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	enum poise_status ps = POISE_NOT_FOUND;
	int rc = prep(st,
		      "SELECT hash, version FROM published_playbooks WHERE id = ?1 "
		      "ORDER BY published_at DESC, hash LIMIT 1",
		      id, &s);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_col_copy(s, 0, hash, 65);
		store_col_copy(s, 1, version, version_size);
		ps = POISE_OK;
	} else if (rc != SQLITE_DONE) {
		ps = store_fail(st, rc, "read the published playbooks", err);
	}
	sqlite3_finalize(s);
	return ps;
}
