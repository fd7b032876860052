/*
 * team_qa.c - the QA loop on the team server: QA scores (poise.qa_scores,
 * poise.qa_answers) and the agent's replies to reviews
 * (poise.review_replies), by their uuids.
 *
 * Up: an agent's sync sends the agent's replies the server lacks
 * (synced 0); a supervisor's mirror sends the scores made or changed in
 * it. Each goes in one transaction: COPY into staging, one INSERT ... ON
 * CONFLICT (a reply is never edited; a score replaces the server's only
 * when it is the later edit, updated_at), and a read-back of what the
 * server now has, which alone is marked sent here. So a cut connection
 * sends again next time and sending twice changes nothing.
 *
 * Down: in one REPEATABLE READ snapshot, the scores (with their answers)
 * and replies written since the mark (xid8, as team_sync.c's pull), each
 * put by store_score_put / store_reply_put: the later edit wins. A row
 * whose call or review is not here yet holds the mark at its transaction,
 * so the next pull reads it again instead of losing it.
 */
#include "team_int.h"

#include <stdlib.h>
#include <string.h>

#include "poise/merge.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "poise/store_sync.h"

/* What a pull brought down: new here, or a later edit. */
struct team_qa_counts {
	size_t scores, replies;
};

/* --- up ------------------------------------------------------------------ */

struct qa_up {
	struct rows rows, answers;
	size_t n;
};

static int stage_reply(void *ctx, const struct review_reply *r)
{
	struct qa_up *u = ctx;

	row_text(&u->rows, r->id);
	row_text(&u->rows, r->review_uuid);
	row_text(&u->rows, r->agent);
	row_int(&u->rows, r->created_at);
	row_text(&u->rows, reply_kind_key(r->kind));
	row_text(&u->rows, r->text);
	row_end(&u->rows);
	u->n++;
	return 0;
}

static int stage_score(void *ctx, const struct qa_score *q)
{
	struct qa_up *u = ctx;

	row_text(&u->rows, q->id);
	row_text(&u->rows, q->call_id);
	row_text(&u->rows, q->reviewer);
	row_text(&u->rows, q->scorecard_id);
	row_text(&u->rows, q->scorecard_version);
	row_int(&u->rows, q->created_at);
	row_int(&u->rows, q->updated_at);
	if (q->score < 0)
		row_null(&u->rows);
	else
		row_int(&u->rows, q->score);
	row_text(&u->rows, q->auto_failed ? "t" : "f");
	row_end(&u->rows);
	for (size_t i = 0; i < q->nanswers; i++) {
		const struct qa_answer *a = &q->answers[i];

		row_text(&u->answers, q->id);
		row_text(&u->answers, a->criterion);
		row_int(&u->answers, a->weight);
		row_int(&u->answers, (int)a->scale);
		row_text(&u->answers, a->auto_fail ? "t" : "f");
		if (a->value == SCORE_NA)
			row_null(&u->answers);
		else
			row_int(&u->answers, a->value);
		row_end(&u->answers);
	}
	u->n++;
	return 0;
}

static const char *val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

static int64_t num(const PGresult *r, int row, int col)
{
	return strtoll(val(r, row, col), NULL, 10);
}

static enum poise_status reply_sent(struct store *st, const PGresult *r, int i,
				    struct poise_error *err)
{
	return store_reply_sent(st, val(r, i, 0), err);
}

static enum poise_status score_sent(struct store *st, const PGresult *r, int i,
				    struct poise_error *err)
{
	return store_score_sent(st, val(r, i, 0), num(r, i, 1), err);
}

/*
 * Run sql (staging filled): its moves, then its last statement reads back
 * (id[, updated_at]) of the rows the server now has as they are here;
 * COMMIT, then each is marked sent by sent(), in one local transaction.
 */
static enum poise_status finish_up(struct team *t, struct store *st, const char *sql,
				   size_t *count,
				   enum poise_status (*sent)(struct store *, const PGresult *, int,
							     struct poise_error *),
				   struct poise_error *err)
{
	PGresult *res = PQexec(t->pg, sql);
	enum poise_status ps = POISE_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		ps = team_fail(t, res, "send the QA rows", err);
		PQclear(res);
		return ps;
	}
	if ((ps = team_exec(t, "COMMIT", "send the QA rows", err)) != POISE_OK) {
		PQclear(res);
		return ps;
	}
	if ((ps = store_sync_begin(st, err)) == POISE_OK) {
		for (int i = 0; ps == POISE_OK && i < PQntuples(res); i++)
			ps = sent(st, res, i, err);
		if (ps == POISE_OK)
			ps = store_sync_end(st, 1, err);
		else
			store_sync_end(st, 0, NULL);
	}
	if (ps == POISE_OK)
		*count += (size_t)PQntuples(res);
	PQclear(res);
	return ps;
}

static void rollback(struct team *t)
{
	if (PQstatus(t->pg) == CONNECTION_OK)
		PQclear(PQexec(t->pg, "ROLLBACK"));
}

static enum poise_status send_replies(struct team *t, struct store *st, size_t *sent,
				       struct poise_error *err)
{
	struct qa_up u = {0};
	enum poise_status ps = store_reply_unsent(st, t->role, stage_reply, &u, err);

	if (ps == POISE_OK && u.n)
		ps = team_exec(t,
			     "BEGIN;"
			     "CREATE TEMP TABLE IF NOT EXISTS stage_replies (id uuid, review_id uuid,"
			     " agent text, created_at bigint, kind text, text text)"
			     " ON COMMIT DELETE ROWS",
			     "send the QA rows", err);
	if (ps == POISE_OK && u.n)
		ps = team_copy(t, "stage_replies", &u.rows, err);
	/* A reply to a review the server lacks (merged from a file) waits: not sent. */
	if (ps == POISE_OK && u.n)
		ps = finish_up(t, st,
			       "INSERT INTO poise.review_replies (id, review_id, agent, created_at,"
			       " kind, text) SELECT s.* FROM stage_replies s WHERE EXISTS"
			       " (SELECT 1 FROM poise.reviews r WHERE r.id = s.review_id)"
			       " ON CONFLICT (id) DO NOTHING;"
			       "SELECT s.id FROM stage_replies s JOIN poise.review_replies p"
			       " ON p.id = s.id",
			       sent, reply_sent, err);
	if (ps != POISE_OK && u.n)
		rollback(t);
	free(u.rows.b.p);
	return ps;
}

static enum poise_status send_scores(struct team *t, struct store *st, size_t *sent,
				      struct poise_error *err)
{
	struct qa_up u = {0};
	enum poise_status ps = store_score_unsent(st, stage_score, &u, err);

	if (ps == POISE_OK && u.n)
		ps = team_exec(t,
			     "BEGIN;"
			     "CREATE TEMP TABLE IF NOT EXISTS stage_scores (id uuid, call_id uuid,"
			     " reviewer text, scorecard_id text, scorecard_version text,"
			     " created_at bigint, updated_at bigint, score integer,"
			     " auto_failed boolean) ON COMMIT DELETE ROWS;"
			     "CREATE TEMP TABLE IF NOT EXISTS stage_answers (score_id uuid,"
			     " criterion text, weight smallint, scale smallint, auto_fail boolean,"
			     " value smallint) ON COMMIT DELETE ROWS;"
			     "CREATE TEMP TABLE IF NOT EXISTS stage_changed (id uuid)"
			     " ON COMMIT DELETE ROWS",
			     "send the QA rows", err);
	if (ps == POISE_OK && u.n && (ps = team_copy(t, "stage_scores", &u.rows, err)) == POISE_OK)
		ps = team_copy(t, "stage_answers", &u.answers, err);
	/*
	 * The supervisor's own scores of calls on the server; one the server
	 * has from a later edit stays (and comes down at the pull).
	 */
	if (ps == POISE_OK && u.n)
		ps = finish_up(
			t, st,
			"WITH up AS (INSERT INTO poise.qa_scores (id, call_id, reviewer,"
			" scorecard_id, scorecard_version, created_at, updated_at, score, auto_failed)"
			" SELECT s.* FROM stage_scores s WHERE s.reviewer = current_user AND EXISTS"
			" (SELECT 1 FROM poise.calls c WHERE c.id = s.call_id)"
			" ON CONFLICT (id) DO UPDATE SET scorecard_id = excluded.scorecard_id,"
			" scorecard_version = excluded.scorecard_version,"
			" updated_at = excluded.updated_at, score = excluded.score,"
			" auto_failed = excluded.auto_failed"
			" WHERE poise.qa_scores.updated_at < excluded.updated_at RETURNING id)"
			" INSERT INTO stage_changed SELECT id FROM up;"
			"DELETE FROM poise.qa_answers a USING stage_changed c WHERE a.score_id = c.id;"
			"INSERT INTO poise.qa_answers SELECT s.* FROM stage_answers s"
			" JOIN stage_changed c ON c.id = s.score_id;"
			"SELECT s.id, s.updated_at FROM stage_scores s JOIN poise.qa_scores q"
			" ON q.id = s.id AND q.updated_at >= s.updated_at",
			sent, score_sent, err);
	if (ps != POISE_OK && u.n)
		rollback(t);
	free(u.rows.b.p);
	free(u.answers.b.p);
	return ps;
}

/* --- down ---------------------------------------------------------------- */

/*
 * One string, one round trip; each %s is the mark, a number this poise
 * wrote. Its results: BEGIN, the snapshot's xmin, scores, their answers,
 * replies, COMMIT. Scores and answers both by score id, to be walked side
 * by side.
 */
static const char pull_sql[] =
	"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
	"SELECT pg_snapshot_xmin(pg_current_snapshot())::text;"
	"SELECT id, call_id, reviewer, scorecard_id, scorecard_version, created_at, updated_at,"
	" coalesce(score, -1), auto_failed::int, xid::text FROM poise.qa_scores"
	" WHERE xid >= '%s'::xid8 ORDER BY id;"
	"SELECT a.score_id, a.criterion, a.weight, a.scale, a.auto_fail::int, a.value"
	" FROM poise.qa_answers a JOIN poise.qa_scores s ON s.id = a.score_id"
	" WHERE s.xid >= '%s'::xid8 ORDER BY a.score_id, a.criterion;"
	"SELECT id, review_id, agent, created_at, kind, text, xid::text FROM poise.review_replies"
	" WHERE xid >= '%s'::xid8 ORDER BY id;"
	"COMMIT";
enum { QA_BEGIN, QA_SNAP, QA_SCORES, QA_ANSWERS, QA_REPLIES, QA_COMMIT, QA_N };

/* A row not placed holds the mark at its transaction. */
static void hold(int64_t *mark, const PGresult *r, int row, int col)
{
	int64_t x = num(r, row, col);

	if (x < *mark)
		*mark = x;
}

static enum poise_status put_scores(struct store *st, PGresult *sc, PGresult *an, int64_t *mark,
				    struct team_qa_counts *n, struct poise_error *err)
{
	struct qa_score *q = malloc(sizeof(*q));
	enum poise_status ps = POISE_OK;
	int a = 0, na = PQntuples(an), applied;

	if (!q)
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	for (int i = 0; ps == POISE_OK && i < PQntuples(sc); i++) {
		memset(q, 0, sizeof(*q));
		snprintf(q->id, sizeof(q->id), "%s", val(sc, i, 0));
		snprintf(q->call_id, sizeof(q->call_id), "%s", val(sc, i, 1));
		snprintf(q->reviewer, sizeof(q->reviewer), "%s", val(sc, i, 2));
		snprintf(q->scorecard_id, sizeof(q->scorecard_id), "%s", val(sc, i, 3));
		snprintf(q->scorecard_version, sizeof(q->scorecard_version), "%s", val(sc, i, 4));
		q->created_at = num(sc, i, 5);
		q->updated_at = num(sc, i, 6);
		q->score = (int)num(sc, i, 7);
		q->auto_failed = (int)num(sc, i, 8);
		while (a < na && strcmp(val(an, a, 0), q->id) < 0)
			a++;
		for (; a < na && strcmp(val(an, a, 0), q->id) == 0; a++) {
			struct qa_answer *x = &q->answers[q->nanswers];

			if (q->nanswers == SCORECARD_MAX_CRITERIA)
				continue;
			snprintf(x->criterion, sizeof(x->criterion), "%s", val(an, a, 1));
			x->weight = (int)num(an, a, 2);
			x->scale = num(an, a, 3) == 2 ? SCALE_YES_NO : SCALE_1_5;
			x->auto_fail = (int)num(an, a, 4);
			x->value = PQgetisnull(an, a, 5) ? SCORE_NA : (int)num(an, a, 5);
			q->nanswers++;
		}
		/* A row that is not one poise would write is left on the server. */
		if (merge_check_score(q, &(struct poise_error){0}) != POISE_OK)
			continue;
		ps = store_score_put(st, q, 1, &applied, err);
		if (ps == POISE_USAGE)
			ps = POISE_OK;
		else if (ps == POISE_NOT_FOUND) {
			ps = POISE_OK;
			hold(mark, sc, i, 9);
		}
		n->scores += (size_t)applied;
	}
	free(q);
	return ps;
}

static enum poise_status put_replies(struct store *st, PGresult *rp, int64_t *mark,
				     struct team_qa_counts *n, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	struct review_reply r;
	int applied;

	for (int i = 0; ps == POISE_OK && i < PQntuples(rp); i++) {
		int kind = reply_kind_from_key(val(rp, i, 4));

		memset(&r, 0, sizeof(r));
		snprintf(r.id, sizeof(r.id), "%s", val(rp, i, 0));
		snprintf(r.review_uuid, sizeof(r.review_uuid), "%s", val(rp, i, 1));
		snprintf(r.agent, sizeof(r.agent), "%s", val(rp, i, 2));
		r.created_at = num(rp, i, 3);
		r.kind = kind < 0 ? REPLY_REPLY : (enum reply_kind)kind;
		snprintf(r.text, sizeof(r.text), "%s", val(rp, i, 5));
		if (merge_check_reply(&r, kind, &(struct poise_error){0}) != POISE_OK)
			continue;
		ps = store_reply_put(st, &r, 1, &applied, err);
		if (ps == POISE_NOT_FOUND) {
			ps = POISE_OK;
			hold(mark, rp, i, 6);
		}
		n->replies += (size_t)applied;
	}
	return ps;
}

static enum poise_status pull(struct team *t, struct store *st, const char *mark_name,
			     struct team_qa_counts *n, struct poise_error *err)
{
	PGresult *r[QA_N] = {NULL};
	enum poise_status ps;
	int64_t have = 0, mark;
	char sql[sizeof(pull_sql) + 64], at[24];

	if ((ps = store_sync_mark(st, mark_name, &have, err)) != POISE_OK)
		return ps;
	snprintf(at, sizeof(at), "%lld", (long long)have);
	snprintf(sql, sizeof(sql), pull_sql, at, at, at);
	ps = team_read_all(t, sql, r, QA_N, "read the QA rows from the server", err);
	if (ps == POISE_OK && (ps = store_sync_begin(st, err)) == POISE_OK) {
		mark = num(r[QA_SNAP], 0, 0);
		ps = put_scores(st, r[QA_SCORES], r[QA_ANSWERS], &mark, n, err);
		if (ps == POISE_OK)
			ps = put_replies(st, r[QA_REPLIES], &mark, n, err);
		if (ps == POISE_OK)
			ps = store_sync_set_mark(st, mark_name, mark, err);
		if (ps == POISE_OK)
			ps = store_sync_end(st, 1, err);
		else
			store_sync_end(st, 0, NULL);
	}
	for (int i = 0; i < QA_N; i++)
		PQclear(r[i]);
	return ps;
}

enum poise_status team_qa(struct team *t, struct store *st, int mirror, size_t *sent,
			  size_t *scores, size_t *replies, struct poise_error *err)
{
	struct team_qa_counts qa = {0};
	enum poise_status ps = mirror ? send_scores(t, st, sent, err)
				      : send_replies(t, st, sent, err);

	if (ps == POISE_OK)
		ps = pull(t, st, mirror ? "mirror_qa_xmin" : "server_qa_xmin", &qa, err);
	*scores = qa.scores;
	*replies = qa.replies;
	return ps;
}
