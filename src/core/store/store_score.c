/*
 * store_score.c - QA scores: one reviewer's scoring of a call (qa_scores)
 * and its answers (qa_answers), saved in one transaction, read back, and
 * summed for reports. See store_score.h.
 */
#include "poise/store_score.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static enum poise_status check_score(const struct qa_score *q, struct poise_error *err)
{
	for (size_t i = 0; i < q->nanswers; i++) {
		const struct qa_answer *a = &q->answers[i];
		int ok = a->value == SCORE_NA ||
			 (a->scale == SCALE_YES_NO
				  ? a->value == 0 || a->value == 1
				  : a->scale == SCALE_1_5 && a->value >= 1 && a->value <= 5);

		if (!ok || a->weight < 1 || a->weight > SCORECARD_MAX_WEIGHT || !a->criterion[0])
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "cannot save the score: criterion '%s' has "
					       "value %d on scale %d, weight %d",
					       a->criterion, a->value, (int)a->scale, a->weight);
	}
	return POISE_OK;
}

static int write_answers(struct store *st, const struct qa_score *q)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "DELETE FROM qa_answers WHERE score_id = ?1", -1, &s,
				    NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, q->id, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_prepare_v2(st->db,
				"INSERT INTO qa_answers (score_id, criterion, weight, scale, "
				"auto_fail, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				-1, &s, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < q->nanswers; i++) {
		const struct qa_answer *a = &q->answers[i];

		sqlite3_reset(s);
		STORE_BIND(s, 1, SV_TEXT(q->id), SV_TEXT(a->criterion), SV_INT(a->weight),
			   SV_INT(a->scale), SV_INT(a->auto_fail != 0),
			   a->value == SCORE_NA ? SV_NULL : SV_INT(a->value));
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * q's row, then its answers when the row was written. Saved here (put 0):
 * added or changed, and not on the server as it is now (synced 0). From
 * elsewhere (put 1: merge, sync): added when its call is here, or
 * replacing the row here when q is the later edit (or the same edit, now
 * known to be on the server); synced as given. *written: whether it was.
 */
static int write_score(struct store *st, const struct qa_score *q, int put, int synced,
		       int *written)
{
	static const char save_sql[] =
		"INSERT INTO qa_scores (id, call_id, reviewer, scorecard_id, scorecard_version, "
		"created_at, updated_at, score, auto_failed, synced) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
		"ON CONFLICT (id) DO UPDATE SET scorecard_id = excluded.scorecard_id, "
		"scorecard_version = excluded.scorecard_version, updated_at = excluded.updated_at, "
		"score = excluded.score, auto_failed = excluded.auto_failed, synced = 0";
	static const char put_sql[] =
		"INSERT INTO qa_scores (id, call_id, reviewer, scorecard_id, scorecard_version, "
		"created_at, updated_at, score, auto_failed, synced) "
		"SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 "
		"WHERE EXISTS (SELECT 1 FROM calls WHERE id = ?2) "
		"ON CONFLICT (id) DO UPDATE SET scorecard_id = excluded.scorecard_id, "
		"scorecard_version = excluded.scorecard_version, updated_at = excluded.updated_at, "
		"score = excluded.score, auto_failed = excluded.auto_failed, synced = excluded.synced "
		"WHERE excluded.updated_at > qa_scores.updated_at OR "
		"(excluded.updated_at = qa_scores.updated_at AND excluded.synced > qa_scores.synced)";
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, put ? put_sql : save_sql, -1, &s, NULL);

	*written = 0;
	if (rc == SQLITE_OK) {
		STORE_BIND(s, 1, SV_TEXT(q->id), SV_TEXT(q->call_id), SV_TEXT(q->reviewer),
			   SV_TEXT(q->scorecard_id), SV_TEXT(q->scorecard_version),
			   SV_INT(q->created_at), SV_INT(q->updated_at),
			   q->score < 0 ? SV_NULL : SV_INT(q->score), SV_INT(q->auto_failed != 0),
			   SV_INT(synced != 0));
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_OK && sqlite3_changes(st->db) > 0) {
		*written = 1;
		rc = write_answers(st, q);
	}
	return rc;
}

static void total_of(struct qa_score *q)
{
	struct score_item items[SCORECARD_MAX_CRITERIA];

	for (size_t i = 0; i < q->nanswers; i++)
		items[i] = (struct score_item){q->answers[i].weight, q->answers[i].scale,
					       q->answers[i].auto_fail, q->answers[i].value};
	q->score = score_total(items, q->nanswers, &q->auto_failed);
}

enum poise_status store_score_save(struct store *st, struct qa_score *q, int64_t now,
				   struct poise_error *err)
{
	char old_id[sizeof(q->id)];
	enum poise_status ps;
	int rc, written;

	if ((ps = check_score(q, err)) != POISE_OK)
		return ps;
	memcpy(old_id, q->id, sizeof(old_id));
	if (!q->id[0]) {
		if ((ps = store_new_uuid(q->id, now, err)) != POISE_OK)
			return ps;
		q->created_at = now;
	}
	q->updated_at = now;
	total_of(q);
	if ((rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL)) != SQLITE_OK) {
		memcpy(q->id, old_id, sizeof(old_id));
		return store_fail(st, rc, "save the score", err);
	}
	rc = write_score(st, q, 0, 0, &written);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return POISE_OK;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	memcpy(q->id, old_id, sizeof(old_id));
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "cannot save the score: no call '%s' in database '%s'",
				       q->call_id, st->path);
	return store_fail(st, rc, "save the score", err);
}

#define SCORE_COLS                                                                                 \
	"id, call_id, reviewer, scorecard_id, scorecard_version, created_at, updated_at, "         \
	"coalesce(score, -1), auto_failed"

static int read_answers(struct store *st, struct qa_score *q)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(
		st->db,
		"SELECT criterion, weight, scale, auto_fail, coalesce(value, -1) "
		"FROM qa_answers WHERE score_id = ?1 ORDER BY criterion",
		-1, &s, NULL);

	q->nanswers = 0;
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(s, 1, q->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && q->nanswers < SCORECARD_MAX_CRITERIA) {
		struct qa_answer *a = &q->answers[q->nanswers++];

		store_col_copy(s, 0, a->criterion, sizeof(a->criterion));
		a->weight = sqlite3_column_int(s, 1);
		a->scale = sqlite3_column_int(s, 2) == 2 ? SCALE_YES_NO : SCALE_1_5;
		a->auto_fail = sqlite3_column_int(s, 3);
		a->value = sqlite3_column_int(s, 4);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int read_row(struct store *st, sqlite3_stmt *s, struct qa_score *q)
{
	store_col_copy(s, 0, q->id, sizeof(q->id));
	store_col_copy(s, 1, q->call_id, sizeof(q->call_id));
	store_col_copy(s, 2, q->reviewer, sizeof(q->reviewer));
	store_col_copy(s, 3, q->scorecard_id, sizeof(q->scorecard_id));
	store_col_copy(s, 4, q->scorecard_version, sizeof(q->scorecard_version));
	q->created_at = store_clamp_time(sqlite3_column_int64(s, 5));
	q->updated_at = store_clamp_time(sqlite3_column_int64(s, 6));
	q->score = sqlite3_column_int(s, 7);
	q->auto_failed = sqlite3_column_int(s, 8);
	return read_answers(st, q);
}

/* Each scoring sql selects (SCORE_COLS; ?1 bound to key unless NULL) to fn. */
static enum poise_status each(struct store *st, const char *sql, const char *key,
			      store_score_fn fn, void *ctx, const char *what,
			      struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	struct qa_score *q = malloc(sizeof(*q));
	int rc;

	if (!q)
		return poise_error_nomem(err);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		if (key)
			sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if ((rc = read_row(st, s, q)) != SQLITE_OK || fn(ctx, q))
				break;
		}
	}
	sqlite3_finalize(s);
	free(q);
	if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
		return POISE_OK;
	return store_fail(st, rc, what, err);
}

enum poise_status store_score_each(struct store *st, const char *call_id, store_score_fn fn,
				   void *ctx, struct poise_error *err)
{
	return each(st,
		    call_id ? "SELECT " SCORE_COLS " FROM qa_scores WHERE call_id = ?1 "
			      "ORDER BY created_at, id"
			    : "SELECT " SCORE_COLS " FROM qa_scores ORDER BY id",
		    call_id, fn, ctx, "read the scores", err);
}

enum poise_status store_score_latest(struct store *st, const char *call_id, const char *reviewer,
				     struct qa_score *q, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
				    "SELECT " SCORE_COLS " FROM qa_scores WHERE call_id = ?1 AND "
				    "reviewer = ?2 ORDER BY updated_at DESC, id DESC LIMIT 1",
				    -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, reviewer, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW)
			rc = read_row(st, s, q);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no score of call '%s' by '%s'", call_id, reviewer);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "read the score", err);
}

enum poise_status store_score_put(struct store *st, struct qa_score *q, int synced, int *applied,
				  struct poise_error *err)
{
	enum poise_status ps;
	int rc;

	*applied = 0;
	if ((ps = check_score(q, err)) != POISE_OK)
		return ps;
	total_of(q); /* the score is this poise's sum of the answers, whatever came */
	if ((rc = write_score(st, q, 1, synced, applied)) != SQLITE_OK)
		return store_fail(st, rc, "save a score from elsewhere", err);
	if (!*applied && !store_exists(st, "SELECT 1 FROM calls WHERE id = ?1", q->call_id))
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no call '%s' for the score", q->call_id);
	return POISE_OK;
}

enum poise_status store_score_unsent(struct store *st, store_score_fn fn, void *ctx,
				     struct poise_error *err)
{
	return each(st,
		    "SELECT " SCORE_COLS " FROM qa_scores INDEXED BY qa_scores_unsynced "
		    "WHERE synced = 0 ORDER BY id",
		    NULL, fn, ctx, "read the scores to send", err);
}

enum poise_status store_score_sent(struct store *st, const char *id, int64_t updated_at,
				   struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
				    "UPDATE qa_scores SET synced = 1 WHERE id = ?1 AND updated_at = ?2",
				    -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, updated_at);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "record a score as sent", err);
}

/*
 * The scorings that count, with their call's agent: each reviewer's newest
 * scoring of each call the filter selects (?1..?4).
 */
#define COUNTED                                                                                    \
	"WITH counted AS (SELECT s.id, s.call_id, s.reviewer, s.score, s.auto_failed, c.agent "    \
	"FROM qa_scores s JOIN calls c ON c.id = s.call_id "                                       \
	"WHERE c.started_at >= ?1 AND c.started_at < ?2 "                                          \
	"AND (?3 IS NULL OR c.agent = ?3) AND (?4 IS NULL OR c.playbook_id = ?4) "                 \
	"AND (c.practice IS NOT NULL) = ?5 "                                                       \
	"AND NOT EXISTS (SELECT 1 FROM qa_scores n WHERE n.call_id = s.call_id "                   \
	"AND n.reviewer = s.reviewer AND (n.updated_at > s.updated_at "                            \
	"OR (n.updated_at = s.updated_at AND n.id > s.id)))) "

static int prepare_sums(struct store *st, const char *sql, const struct score_filter *f,
			sqlite3_stmt **s)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(*s, 1, f->since);
	sqlite3_bind_int64(*s, 2, f->until > 0 ? f->until : INT64_MAX);
	if (f->agent)
		sqlite3_bind_text(*s, 3, f->agent, -1, SQLITE_STATIC);
	if (f->playbook)
		sqlite3_bind_text(*s, 4, f->playbook, -1, SQLITE_STATIC);
	sqlite3_bind_int(*s, 5, f->practice != 0);
	return SQLITE_OK;
}

static int sums_per_agent(struct store *st, const struct score_filter *f, store_score_sums_fn fn,
			  void *ctx, int *stop)
{
	sqlite3_stmt *s = NULL;
	int rc = prepare_sums(st,
			      COUNTED "SELECT agent, count(DISTINCT call_id), count(*), "
				      "count(score), coalesce(sum(score), 0), sum(auto_failed) "
				      "FROM counted GROUP BY agent ORDER BY agent",
			      f, &s);

	while (rc == SQLITE_OK && !*stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct score_sums sum = {store_col_text(s, 0),	    NULL,
					 sqlite3_column_int(s, 1),  sqlite3_column_int(s, 2),
					 sqlite3_column_int(s, 3),  sqlite3_column_int(s, 5),
					 sqlite3_column_int64(s, 4)};

		*stop = fn(ctx, &sum);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Per criterion, counted by value, so a point is worth what score_points says. */
static int sums_per_criterion(struct store *st, const struct score_filter *f,
			      store_score_sums_fn fn, void *ctx, int *stop)
{
	sqlite3_stmt *s = NULL;
	struct score_sums sum = {0};
	char agent[FIELD_AGENT_MAX + 1] = "", crit[FIELD_PLAYBOOK_ID_MAX + 1] = "";
	int rc = prepare_sums(st,
			      COUNTED "SELECT agent, a.criterion, a.scale, a.value, count(*) "
				      "FROM counted JOIN qa_answers a ON a.score_id = counted.id "
				      "WHERE a.value IS NOT NULL "
				      "GROUP BY agent, a.criterion, a.scale, a.value "
				      "ORDER BY agent, a.criterion",
			      f, &s);

	while (rc == SQLITE_OK && !*stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *ag = store_col_text(s, 0), *cr = store_col_text(s, 1);
		int points = score_points(sqlite3_column_int(s, 2) == 2 ? SCALE_YES_NO : SCALE_1_5,
					  sqlite3_column_int(s, 3));
		long n = sqlite3_column_int(s, 4);

		if (sum.n && (strcmp(ag, agent) || strcmp(cr, crit)))
			*stop = fn(ctx, &sum), sum.n = 0, sum.sum = 0;
		snprintf(agent, sizeof(agent), "%s", ag);
		snprintf(crit, sizeof(crit), "%s", cr);
		sum.agent = agent;
		sum.criterion = crit;
		sum.n += n;
		sum.sum += (int64_t)n * (points < 0 ? 0 : points);
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE && sum.n && !*stop)
		*stop = fn(ctx, &sum);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_OK ? SQLITE_OK : rc;
}

enum poise_status store_score_sums(struct store *st, const struct score_filter *f,
				   store_score_sums_fn fn, void *ctx, struct poise_error *err)
{
	int stop = 0, rc = sums_per_agent(st, f, fn, ctx, &stop);

	if (rc == SQLITE_OK && !stop)
		rc = sums_per_criterion(st, f, fn, ctx, &stop);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "sum the QA scores", err);
}

enum poise_status store_score_calibration(struct store *st, const struct score_filter *f,
					  store_score_calib_fn fn, void *ctx,
					  struct poise_error *err)
{
	static const char sql[] =
		COUNTED ", multi AS (SELECT call_id FROM counted GROUP BY call_id "
			"HAVING count(*) >= 2) "
			"SELECT call_id, NULL, reviewer, 0, score FROM counted JOIN multi "
			"USING (call_id) WHERE score IS NOT NULL "
			"UNION ALL SELECT call_id, a.criterion, reviewer, a.scale, a.value "
			"FROM counted JOIN multi USING (call_id) "
			"JOIN qa_answers a ON a.score_id = counted.id WHERE a.value IS NOT NULL "
			"ORDER BY 1, 2, 3";
	sqlite3_stmt *s = NULL;
	int rc = prepare_sums(st, sql, f, &s), stop = 0;

	while (rc == SQLITE_OK && !stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *crit =
			sqlite3_column_type(s, 1) == SQLITE_NULL ? NULL : store_col_text(s, 1);
		int scale = sqlite3_column_int(s, 3), v = sqlite3_column_int(s, 4);
		int points = crit ? score_points(scale == 2 ? SCALE_YES_NO : SCALE_1_5, v) : v;

		stop = fn(ctx, store_col_text(s, 0), crit, store_col_text(s, 2), points);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE || rc == SQLITE_OK)
		return POISE_OK;
	return store_fail(st, rc, "read the scores to calibrate", err);
}
