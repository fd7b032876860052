/*
 * team_qa.c - the QA loop on the team server: QA scores (poise.qa_scores,
 * poise.qa_answers) and the agent's replies to reviews
 * (poise.review_replies), by their uuids.
 *
 * Up: an agent's sync sends the agent's replies the server lacks
 * (synced 0); a supervisor's mirror sends the scores made or changed in
 * it. They are rows of the push's tables (team_sync.c, team_push_qa), so
 * they go as the calls do: a few as VALUES in one round trip, many by COPY
 * through staging, one transaction with one INSERT ... ON CONFLICT each (a
 * reply is never edited; a score replaces the server's only when it is
 * the later edit, updated_at), and a read-back of what the server now has,
 * which alone is marked sent here, after the COMMIT. So a cut connection
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

static const char *val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

static int64_t num(const PGresult *r, int row, int col)
{
	return strtoll(val(r, row, col), NULL, 10);
}

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
		return poise_error_nomem(err);
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

static enum poise_status apply(void *ctx, struct store *st, PGresult **r, int64_t *mark,
			       struct poise_error *err)
{
	struct team_qa_counts *n = ctx;
	enum poise_status ps = put_scores(st, r[QA_SCORES], r[QA_ANSWERS], mark, n, err);

	return ps == POISE_OK ? put_replies(st, r[QA_REPLIES], mark, n, err) : ps;
}

enum poise_status team_qa(struct team *t, struct store *st, int mirror,
			  const struct team_sync_opts *o, size_t *sent, size_t *scores,
			  size_t *replies, struct poise_error *err)
{
	struct team_qa_counts qa = {0};
	enum poise_status ps = team_push_qa(t, st, mirror, o, sent, err);

	if (ps == POISE_OK)
		ps = team_pull(t, st, mirror ? "mirror_qa_xmin" : "server_qa_xmin", pull_sql, QA_N,
			       apply, &qa, "read the QA rows from the server", err);
	*scores = qa.scores;
	*replies = qa.replies;
	return ps;
}
