/*
 * store_review.c - supervisors' reviews: saved, read back, acknowledged.
 *
 * Reviews are written in one BEGIN IMMEDIATE transaction each, like events;
 * a changed comment is scrubbed from the WAL (store_scrub_wal) so the words
 * it replaced do not linger.
 */
#include "store_int.h"

#include "poise/store_review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run sql with r's fields bound by name; SQLite's result code. */
static int run(struct store *st, const char *sql, const struct review *r, const char *stage,
	       int score)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	int i;

	if (rc != SQLITE_OK)
		return rc;
	if ((i = sqlite3_bind_parameter_index(s, ":id")))
		sqlite3_bind_int64(s, i, r->id);
	if ((i = sqlite3_bind_parameter_index(s, ":call")))
		sqlite3_bind_text(s, i, r->call_id, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, ":reviewer")))
		sqlite3_bind_text(s, i, r->reviewer, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, ":at")))
		sqlite3_bind_int64(s, i, r->created_at);
	if ((i = sqlite3_bind_parameter_index(s, ":updated")))
		sqlite3_bind_int64(s, i, r->updated_at);
	if ((i = sqlite3_bind_parameter_index(s, ":comment")))
		sqlite3_bind_text(s, i, r->comment, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, ":stage")))
		sqlite3_bind_text(s, i, stage, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, ":score")))
		sqlite3_bind_int(s, i, score);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int write_review(struct store *st, struct review *r)
{
	int rc;

	if (r->id == 0) {
		char uuid[FIELD_CALL_ID_SIZE];
		sqlite3_stmt *s = NULL;

		/* The review's id everywhere (merge, the server): made once, here. */
		if (store_new_uuid(uuid, r->created_at, &(struct poise_error){0}) != POISE_OK)
			return SQLITE_IOERR;
		rc = sqlite3_prepare_v2(st->db,
					"INSERT INTO reviews (call_id, reviewer, created_at, comment, "
					"uuid) VALUES (?1, ?2, ?3, ?4, ?5)",
					-1, &s, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(s, 1, r->call_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, r->reviewer, -1, SQLITE_STATIC);
			sqlite3_bind_int64(s, 3, r->created_at);
			sqlite3_bind_text(s, 4, r->comment, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 5, uuid, -1, SQLITE_STATIC);
			rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
		}
		sqlite3_finalize(s);
		if (rc != SQLITE_OK)
			return rc;
		r->id = sqlite3_last_insert_rowid(st->db);
		rc = store_review_text(st, r->id);
	} else {
		rc = run(st,
			 "UPDATE reviews SET comment = :comment, acked_at = NULL, synced = 0, "
			 /* always later than the edit it replaces: the later edit wins */
			 "updated_at = max(coalesce(updated_at, created_at) + 1, :updated) "
			 "WHERE id = :id",
			 r, NULL, 0);
		if (rc == SQLITE_OK && sqlite3_changes(st->db) != 1)
			return SQLITE_NOTFOUND;
		if (rc == SQLITE_OK)
			rc = store_review_text(st, r->id);
		if (rc == SQLITE_OK)
			rc = run(st, "DELETE FROM review_scores WHERE review_id = :id", r, NULL, 0);
	}
	for (int i = 0; rc == SQLITE_OK && i < STAGE_COUNT; i++)
		if (r->scores[i])
			rc = run(st,
				 "INSERT INTO review_scores (review_id, stage, score) "
				 "VALUES (:id, :stage, :score)",
				 r, stage_key((enum stage)i), r->scores[i]);
	return rc;
}

static enum poise_status check_review(const struct review *r, struct poise_error *err)
{
	for (int i = 0; i < STAGE_COUNT; i++)
		if (r->scores[i] < 0 || r->scores[i] > 5)
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "score %d for stage '%s' is out of range: expected "
					       "1 to 5",
					       r->scores[i], stage_key((enum stage)i));
	if (!r->reviewer[0])
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "a review needs a reviewer");
	if (strlen(r->comment) > REVIEW_COMMENT_MAX || limits_chars(r->comment) > LIMIT_COMMENT)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "comment is longer than %d characters", LIMIT_COMMENT);
	return POISE_OK;
}

enum poise_status review_save(struct store *st, struct review *r, struct poise_error *err)
{
	int64_t old_id = r->id;
	enum poise_status ps;
	int rc;

	if ((ps = check_review(r, err)) != POISE_OK)
		return ps;
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK)
		return store_fail(st, rc, "save the review", err);
	rc = write_review(st, r);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK && old_id)
		store_scrub_wal(st); /* the comment it replaced must not linger */
	if (rc == SQLITE_OK)
		return POISE_OK;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	r->id = old_id;
	if (rc == SQLITE_NOTFOUND)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no review %lld in database '%s'", (long long)old_id,
				       st->path);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "cannot save the review: no call '%s' in database '%s'",
				       r->call_id, st->path);
	return store_fail(st, rc, "save the review", err);
}

static int read_scores(struct store *st, struct review *r)
{
	static const char sql[] = "SELECT stage, score FROM review_scores WHERE review_id = ?1";
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	memset(r->scores, 0, sizeof(r->scores));
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(s, 1, r->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stage = stage_from_key((const char *)sqlite3_column_text(s, 0));

		if (stage >= 0)
			r->scores[stage] = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * sql's rows of (id, call_id, reviewer, created_at, acked_at, comment,
 * customer, started_at) to fn, with key bound to ?1 and max to ?2 when sql
 * has one (a LIMIT). what: the failure's words ("read reviews").
 */
static enum poise_status each_review(struct store *st, const char *sql, const char *key, int max,
				     review_fn fn, void *ctx, const char *what,
				     struct poise_error *err)
{
	struct review *r = malloc(sizeof(*r));
	sqlite3_stmt *s = NULL;
	int rc;

	if (!r)
		return poise_error_nomem(err);
	if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL)) != SQLITE_OK) {
		free(r);
		return store_fail(st, rc, what, err);
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *v;

		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(s, 0);
		snprintf(r->call_id, sizeof(r->call_id), "%s", sqlite3_column_text(s, 1));
		snprintf(r->reviewer, sizeof(r->reviewer), "%s", sqlite3_column_text(s, 2));
		r->created_at = sqlite3_column_int64(s, 3);
		r->acked_at = sqlite3_column_int64(s, 4);
		v = sqlite3_column_text(s, 5);
		snprintf(r->comment, sizeof(r->comment), "%s", v ? (const char *)v : "");
		v = sqlite3_column_text(s, 6);
		snprintf(r->customer, sizeof(r->customer), "%s", v ? (const char *)v : "");
		r->call_started = sqlite3_column_int64(s, 7);
		if ((rc = read_scores(st, r)) != SQLITE_OK || fn(ctx, r))
			break;
	}
	sqlite3_finalize(s);
	free(r);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_OK)
		return store_fail(st, rc, what, err);
	return POISE_OK;
}

#define REVIEW_COLS                                                                                \
	"r.id, r.call_id, r.reviewer, r.created_at, r.acked_at, r.comment, c.customer, "           \
	"c.started_at"

enum poise_status review_each(struct store *st, const char *call_id, review_fn fn, void *ctx,
			      struct poise_error *err)
{
	static const char sql[] = "SELECT " REVIEW_COLS " FROM reviews r "
				  "JOIN calls c ON c.id = r.call_id "
				  "WHERE r.call_id = ?1 ORDER BY r.id";

	return each_review(st, sql, call_id, 0, fn, ctx, "read reviews", err);
}

enum poise_status review_unacked(struct store *st, const char *agent, int max, review_fn fn,
				 void *ctx, struct poise_error *err)
{
	/*
	 * reviews_unacked holds only the unacknowledged: walking it is short
	 * whatever the history, where starting from the agent's calls (the
	 * planner's own choice) probes every call they ever took.
	 */
	static const char sql[] =
		"SELECT " REVIEW_COLS " FROM reviews r "
		"INDEXED BY reviews_unacked CROSS JOIN calls c ON c.id = r.call_id "
		"WHERE r.acked_at IS NULL AND c.agent = ?1 ORDER BY r.id LIMIT ?2";

	return each_review(st, sql, agent, max, fn, ctx, "read new comments", err);
}

enum poise_status review_ack(struct store *st, int64_t id, int64_t now, struct poise_error *err)
{
	int rc = store_stamp(st, "UPDATE reviews SET acked_at = coalesce(acked_at, ?2) WHERE id = ?1",
			     id, now);

	if (rc != SQLITE_OK)
		return store_fail(st, rc, "acknowledge the comment", err);
	if (sqlite3_changes(st->db) != 1)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no review %lld in database '%s'", (long long)id, st->path);
	return POISE_OK;
}
