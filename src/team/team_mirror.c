/*
 * team_mirror.c - the whole team in a poise database of the supervisor's
 * own (team_mirror()), kept up to date incrementally.
 *
 * First what was written in the mirror goes up: reviews not yet on the
 * server (synced = 0) by their uuid, as the supervisor's role (INSERT ...
 * ON CONFLICT, so sending one twice changes nothing), and follow-ups
 * closed here. Then, in one REPEATABLE READ snapshot, what the server
 * wrote since the previous pull comes down, as the agents' pull does
 * (rows carry the writing transaction's xid8; the mark is the snapshot's
 * xmin): calls changed, a page of calls at a time by id, with their new
 * events, through merge_call() (the checks and writers of `poise merge`,
 * one local transaction a page); then reviews and closed follow-ups. A
 * page written is never undone, and the mark moves only when everything
 * is down, so a pull cut anywhere is finished by the next, which skips
 * what is here already. Last, the QA scores and replies (team_qa.c).
 */
#include "team_int.h"

#include <stdlib.h>
#include <string.h>

#include "poise/merge.h"
#include "poise/report.h"
#include "poise/store_batch.h"
#include "poise/store_sync.h"
#include "poise/text.h"

#define MIRROR_PAGE 1000
#define STR_(x)	    #x
#define STR(x)	    STR_(x)

struct sender {
	struct team *t;
	struct team_mirror_counts *n;
	struct strbuf fus; /* struct sync_pushed_followup[]: the closes sent */
	enum poise_status ps;
	struct poise_error *err;
};

/* A stage's score column on the server: score_ and its key, '-' as '_'. */
static const char *score_column(int stage, char *buf, size_t size)
{
	snprintf(buf, size, "score_%s", stage_key((enum stage)stage));
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
	return buf;
}

static int send_review(void *ctx, const struct sync_review *r)
{
	struct sender *s = ctx;
	char sql[1400], at[24], edit[24], score[STAGE_COUNT][4], col[40];
	const char *params[5 + STAGE_COUNT] = {r->server_id, r->call_id, at, r->comment};
	size_t len;
	PGresult *res;

	snprintf(at, sizeof(at), "%lld", (long long)r->created_at);
	len = (size_t)snprintf(sql, sizeof(sql),
			       "INSERT INTO poise.reviews (id, call_id, created_at, comment");
	for (int i = 0; i < STAGE_COUNT; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", %s",
					score_column(i, col, sizeof(col)));
	len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", updated_at) VALUES ($1, $2, $3, $4");
	for (int i = 0; i < STAGE_COUNT; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", $%d::smallint", 5 + i);
	len += (size_t)snprintf(sql + len, sizeof(sql) - len,
				", $%d::bigint) ON CONFLICT (id) DO UPDATE SET comment = "
				"excluded.comment, updated_at = excluded.updated_at",
				5 + STAGE_COUNT);
	for (int i = 0; i < STAGE_COUNT; i++) {
		score_column(i, col, sizeof(col));
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", %s = excluded.%s", col,
					col);
		snprintf(score[i], sizeof(score[i]), "%d", r->scores[i]);
		params[4 + i] = r->scores[i] >= 1 && r->scores[i] <= 5 ? score[i] : NULL;
	}
	/* The later edit wins: an older one leaves the server's as it is. */
	len += (size_t)snprintf(sql + len, sizeof(sql) - len,
				" WHERE coalesce(poise.reviews.updated_at, poise.reviews.created_at)"
				" <= excluded.updated_at");
	snprintf(edit, sizeof(edit), "%lld",
		 (long long)(r->updated_at ? r->updated_at : r->created_at));
	params[4 + STAGE_COUNT] = edit;
	res = PQexecParams(s->t->pg, sql, 5 + STAGE_COUNT, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		s->ps = team_fail(s->t, res, "send a review to the server", s->err);
		PQclear(res);
		return 1;
	}
	PQclear(res);
	s->n->reviews_sent++;
	return 0;
}

static int send_closed(void *ctx, const struct sync_closed *f)
{
	struct sender *s = ctx;
	char seq[24], at[24];
	const char *params[3] = {f->call_id, seq, at};
	struct sync_pushed_followup sent = {f->id, f->done_at};
	PGresult *res;

	snprintf(seq, sizeof(seq), "%lld", (long long)f->seq);
	snprintf(at, sizeof(at), "%lld", (long long)f->done_at);
	res = PQexecParams(
		s->t->pg,
		"UPDATE poise.followups SET done_at = $3 WHERE call_id = $1 AND seq = $2 "
		"AND done_at IS NULL",
		3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		s->ps = team_fail(s->t, res, "close a follow-up on the server", s->err);
		PQclear(res);
		return 1;
	}
	s->n->followups_sent += (size_t)strtoul(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (!strbuf_push(&s->fus, &sent, sizeof(sent))) {
		s->ps = poise_error_nomem(s->err);
		return 1;
	}
	return 0;
}

static enum poise_status send(struct team *t, struct store *st, struct team_mirror_counts *n,
			      struct poise_error *err)
{
	struct sender s = {t, n, {0}, POISE_OK, err};
	enum poise_status ps = store_sync_unsent_reviews(st, send_review, &s, err);

	if (ps == POISE_OK && (ps = s.ps) == POISE_OK)
		ps = store_sync_unsent_closed(st, send_closed, &s, err);
	if (ps == POISE_OK && (ps = s.ps) == POISE_OK && s.fus.len)
		ps = store_sync_pushed(st, NULL, 0, (void *)s.fus.p,
				       s.fus.len / sizeof(struct sync_pushed_followup), err);
	free(s.fus.p);
	return ps;
}

static PGresult *query(struct team *t, const char *sql, int nparams, const char *const *params,
		       const char *what, enum poise_status *ps, struct poise_error *err)
{
	PGresult *res = PQexecParams(t->pg, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		*ps = team_fail(t, res, what, err);
		PQclear(res);
		return NULL;
	}
	*ps = POISE_OK;
	return res;
}

static const char *cell(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

static int64_t cell_int(const PGresult *r, int row, int col)
{
	return strtoll(cell(r, row, col), NULL, 10);
}

/* A field from the server into a fixed buffer; a longer one marks the call out of range. */
static void field(char *dst, size_t size, const char *v, int *out_of_range)
{
	if (strlen(v) >= size)
		*out_of_range = 1;
	snprintf(dst, size, "%s", v);
}

static void row_meta(const PGresult *r, int i, struct call_meta *m)
{
	memset(m, 0, sizeof(*m));
	field(m->id, sizeof(m->id), cell(r, i, 0), &m->out_of_range);
	field(m->agent, sizeof(m->agent), cell(r, i, 1), &m->out_of_range);
	field(m->customer, sizeof(m->customer), cell(r, i, 2), &m->out_of_range);
	field(m->ref, sizeof(m->ref), cell(r, i, 3), &m->out_of_range);
	field(m->playbook_id, sizeof(m->playbook_id), cell(r, i, 4), &m->out_of_range);
	field(m->playbook_version, sizeof(m->playbook_version), cell(r, i, 5), &m->out_of_range);
	field(m->playbook_hash, sizeof(m->playbook_hash), cell(r, i, 6), &m->out_of_range);
	m->started = cell_int(r, i, 7);
	m->ended = cell_int(r, i, 8);
	field(m->status, sizeof(m->status), cell(r, i, 9), &m->out_of_range);
	field(m->outcome, sizeof(m->outcome), cell(r, i, 10), &m->out_of_range);
	field(m->cause, sizeof(m->cause), cell(r, i, 11), &m->out_of_range);
	m->last_seq = cell_int(r, i, 12);
}

/* One page of changed calls with their new events, written in one local transaction. */
struct page {
	PGresult *calls, *events, *texts;
	struct event *ev;
	size_t cap;
};

void team_refuse(size_t *refused, char *why_out, size_t size, const struct call_meta *m,
		 const char *why)
{
	char agent[61], safe[280]; /* cut at whole characters, to fit refused_why */

	if ((*refused)++)
		return;
	text_safe(agent, sizeof(agent), m->agent, 0);
	text_safe(safe, sizeof(safe), why, 0);
	snprintf(why_out, size, "call %.36s (agent %s): %s", m->id, agent, safe);
}

static enum poise_status write_page(struct store *st, struct report_keeper *keeper, struct page *p,
				    struct team_mirror_counts *n, struct poise_error *err)
{
	struct store_batch *b = NULL;
	struct poise_error why;
	enum poise_status ps;
	int e = 0, ne = PQntuples(p->events);

	if ((size_t)ne > p->cap) {
		struct event *ev = realloc(p->ev, (size_t)ne * sizeof(*ev));

		if (!ev)
			return poise_error_nomem(err);
		p->ev = ev;
		p->cap = (size_t)ne;
	}
	if ((ps = store_batch_begin(st, STORE_BATCH_CACHE_MERGE, &b, err)) != POISE_OK)
		return ps;
	for (int i = 0; ps == POISE_OK && i < PQntuples(p->calls); i++) {
		struct call_meta m;
		const char *text = NULL;
		size_t k = 0;
		int changed;

		row_meta(p->calls, i, &m);
		poise_error_clear(&why);
		for (; e < ne && strcmp(cell(p->events, e, 0), m.id) == 0; e++, k++) {
			struct event *ev = &p->ev[k];
			int kind = event_kind_from_key(cell(p->events, e, 3));

			ev->seq = cell_int(p->events, e, 1);
			ev->t = cell_int(p->events, e, 2);
			ev->kind = (enum event_kind)kind;
			ev->stage = stage_from_key(cell(p->events, e, 4));
			ev->a = (int)cell_int(p->events, e, 5);
			ev->b = (int)cell_int(p->events, e, 6);
			ev->text =
				PQgetisnull(p->events, e, 7) ? NULL : PQgetvalue(p->events, e, 7);
			if ((kind < 0 || ev->stage < 0) && !why.msg[0])
				poise_error_set(&why, POISE_INVALID, NULL, 0, 0,
						"an event's kind or stage is not one this poise "
						"knows");
			else if (!why.msg[0])
				merge_check_event(ev, &why);
		}
		for (int j = 0; j < PQntuples(p->texts); j++)
			if (strcmp(cell(p->texts, j, 0), m.playbook_hash) == 0)
				text = cell(p->texts, j, 1);
		if (!why.msg[0] && !text)
			poise_error_set(&why, POISE_INVALID, NULL, 0, 0,
					"its playbook's text is not on the server");
		if (!why.msg[0])
			merge_check_call(&m, &why);
		if (why.msg[0]) {
			team_refuse(&n->refused, n->refused_why, sizeof(n->refused_why), &m,
				    why.msg);
			continue;
		}
		ps = merge_call(st, b, keeper, &m, text, strlen(text), p->ev, k, &changed, err);
		if (ps == POISE_OK && changed)
			n->calls++, n->events += k;
	}
	if (ps != POISE_OK) {
		store_batch_abort(b);
		return ps;
	}
	return store_batch_commit(b, err);
}

/* A Postgres array literal of column col of r's rows ({a,b,c}; values are uuids or hashes). */
static char *array_of(const PGresult *r, int col)
{
	size_t len = 2, at = 1;
	char *s;

	for (int i = 0; i < PQntuples(r); i++)
		len += strlen(cell(r, i, col)) + 1;
	if (!(s = malloc(len + 1)))
		return NULL;
	s[0] = '{';
	for (int i = 0; i < PQntuples(r); i++) {
		const char *v = cell(r, i, col);

		if (i)
			s[at++] = ',';
		memcpy(s + at, v, strlen(v));
		at += strlen(v);
	}
	s[at++] = '}';
	s[at] = '\0';
	return s;
}

static enum poise_status pull_calls(struct team *t, struct store *st, const char *mark,
				    struct team_mirror_counts *n, struct poise_error *err)
{
	struct report_keeper *keeper = report_keeper_new(st);
	struct page p = {0};
	char after[40] = "00000000-0000-0000-0000-000000000000";
	enum poise_status ps = POISE_OK;

	for (;;) {
		const char *cp[2] = {mark, after};
		char *ids = NULL, *hashes = NULL;

		p.calls = query(t,
				"SELECT id, agent, customer, customer_ref, playbook_id, "
				"playbook_version, playbook_hash, started_at, ended_at, status, "
				"outcome, cause, last_seq FROM poise.calls "
				"WHERE xid >= $1::xid8 AND id > $2::uuid ORDER BY id LIMIT " STR(
					MIRROR_PAGE),
				2, cp, "read the team's calls from the server", &ps, err);
		if (!p.calls || PQntuples(p.calls) == 0)
			break;
		ids = array_of(p.calls, 0);
		hashes = array_of(p.calls, 6);
		if (!ids || !hashes)
			ps = poise_error_nomem(err);
		if (ps == POISE_OK) {
			const char *ep[2] = {ids, mark}, *tp[1] = {hashes};

			p.events = query(t,
					 "SELECT call_id, seq, t, kind, stage, a, b, text "
					 "FROM poise.events WHERE call_id = ANY($1::uuid[]) "
					 "AND xid >= $2::xid8 ORDER BY call_id, seq",
					 2, ep, "read the team's events from the server", &ps, err);
			if (p.events)
				p.texts = query(t,
						"SELECT hash, text FROM poise.playbook_texts "
						"WHERE hash = ANY($1::text[])",
						1, tp, "read playbooks from the server", &ps, err);
		}
		if (ps == POISE_OK)
			ps = write_page(st, keeper, &p, n, err);
		snprintf(after, sizeof(after), "%s", cell(p.calls, PQntuples(p.calls) - 1, 0));
		free(ids);
		free(hashes);
		PQclear(p.calls);
		PQclear(p.events);
		PQclear(p.texts);
		p.calls = p.events = p.texts = NULL;
		if (ps != POISE_OK)
			break;
	}
	PQclear(p.calls);
	free(p.ev);
	report_keeper_free(keeper);
	return ps;
}

static enum poise_status pull_rest(struct team *t, struct store *st, const char *mark, int64_t xmin,
				   struct team_mirror_counts *n, struct poise_error *err)
{
	const char *params[1] = {mark};
	enum poise_status ps;
	PGresult *rv, *fu = NULL;

	rv = query(t, TEAM_REVIEWS_SINCE("$1"), 1, params, "read the reviews from the server", &ps,
		   err);
	if (rv)
		fu = query(t, TEAM_DONE_SINCE("$1"), 1, params,
			   "read the follow-ups from the server", &ps, err);
	if (fu && (ps = store_sync_begin(st, err)) == POISE_OK) {
		ps = team_apply_reviews_done(st, rv, fu, &n->reviews, &n->followups_done, err);
		if (ps == POISE_OK)
			ps = store_sync_set_mark(st, "mirror_xmin", xmin, err);
		if (ps == POISE_OK)
			ps = store_sync_end(st, 1, err);
		else
			store_sync_end(st, 0, NULL);
		/* A comment replaced by the server's later edit lingers in no file (as merge's). */
		if (ps == POISE_OK && n->reviews)
			store_scrub_wal(st);
	}
	PQclear(rv);
	PQclear(fu);
	return ps;
}

enum poise_status team_mirror(struct team *t, struct store *st, struct team_mirror_counts *n,
			      struct poise_error *err)
{
	enum poise_status ps;
	int64_t have = 0, xmin = 0;
	char mark[24];
	PGresult *snap;

	memset(n, 0, sizeof(*n));
	if ((ps = team_check_version(t, err)) != POISE_OK ||
	    (ps = send(t, st, n, err)) != POISE_OK ||
	    (ps = store_sync_mark(st, "mirror_xmin", &have, err)) != POISE_OK)
		return ps;
	snprintf(mark, sizeof(mark), "%lld", (long long)have);
	if ((ps = team_exec(t, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			    "read from the server", err)) != POISE_OK)
		return ps;
	snap = query(t, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text", 0, NULL,
		     "read from the server", &ps, err);
	if (snap) {
		xmin = cell_int(snap, 0, 0);
		PQclear(snap);
		if ((ps = pull_calls(t, st, mark, n, err)) == POISE_OK)
			ps = pull_rest(t, st, mark, xmin, n, err);
	}
	if (ps == POISE_OK && (ps = team_exec(t, "COMMIT", "read from the server", err)) == POISE_OK)
		/* The QA loop, the calls and reviews here: scores up, all scores and replies down. */
		return team_qa(t, st, 1, NULL, &n->scores_sent, &n->scores, &n->replies, err);
	if (PQstatus(t->pg) == CONNECTION_OK)
		PQclear(PQexec(t->pg, "ROLLBACK"));
	return ps;
}
