/*
 * team_sync.c - `poise sync`: push what the server lacks, pull what is ours.
 *
 * Push: this agent's calls with anything new, in batches of calls. Each
 * batch is one server transaction: its rows go by COPY into temporary
 * staging tables, then one INSERT ... ON CONFLICT per table moves them in
 * (calls by id, events by (call id, seq), follow-ups by (call id, seq),
 * figures by call id), so a row the server has already is left alone and
 * a batch is on the server whole or not at all. Only after COMMIT is the
 * batch recorded locally (store_sync_pushed); a connection lost between
 * the two makes the next sync send the batch again, which changes nothing.
 *
 * Each batch costs few round trips: BEGIN with the staging tables, a
 * COPY per table that has rows, then the moves and COMMIT as one string.
 *
 * Pull: in one REPEATABLE READ snapshot (one string, one round trip), the
 * reviews, follow-ups and playbooks written by transactions that were not
 * yet finished at the previous pull's snapshot (rows carry the writing transaction's id, xid8;
 * the mark is pg_snapshot_xmin of the snapshot), so no commit is missed
 * whatever order transactions end in; re-reading a row changes nothing.
 * A review edited here and not yet sent stays as it is (store_sync.h).
 * Then the QA loop (team_qa.c): the agent's replies up, the scores and
 * replies on their calls down.
 */
#include "team_int.h"

#include <stdlib.h>
#include <string.h>

#include "poise/report.h"
#include "poise/store_sync.h"

#define TEAM_BATCH 2000

/* The batch's transaction and its staging tables, in one round trip. */
static const char stage_sql[] =
	"BEGIN;"
	"CREATE TEMP TABLE IF NOT EXISTS stage_texts (hash text, id text, version text, text text)"
	" ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS stage_calls (id uuid, agent text, customer text,"
	" customer_ref text, playbook_id text, playbook_version text, playbook_hash text,"
	" started_at bigint, ended_at bigint, status text, outcome text, cause text,"
	" mood_start integer, mood_end integer, last_seq integer, wrapup_at bigint)"
	" ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS stage_events (call_id uuid, seq integer, t bigint,"
	" kind text, stage text, a integer, b integer, text text) ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS stage_followups (call_id uuid, seq integer, due date,"
	" channel text, promise text, done_at bigint) ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS stage_figures (call_id uuid, fold integer,"
	" last_seq integer, " TEAM_FIGURE_COLUMNS(TEAM_COLUMN_DEF) " figures bytea)"
								   " ON COMMIT DELETE ROWS";

/* The moves from staging, in foreign-key order; each row counts into counts[i]. */
static const char *const move_sql[] = {
	"INSERT INTO poise.playbook_texts SELECT DISTINCT ON (hash) * FROM stage_texts"
	" ON CONFLICT DO NOTHING",
	"INSERT INTO poise.calls SELECT * FROM stage_calls ON CONFLICT (id) DO UPDATE SET"
	" ended_at = excluded.ended_at, status = excluded.status, outcome = excluded.outcome,"
	" cause = excluded.cause, mood_start = excluded.mood_start, mood_end = excluded.mood_end,"
	" last_seq = excluded.last_seq, wrapup_at = excluded.wrapup_at"
	" WHERE poise.calls.last_seq < excluded.last_seq",
	"INSERT INTO poise.events SELECT * FROM stage_events ON CONFLICT DO NOTHING",
	"INSERT INTO poise.followups (call_id, seq, due, channel, promise, done_at)"
	" SELECT * FROM stage_followups ON CONFLICT (call_id, seq) DO UPDATE SET"
	" done_at = excluded.done_at"
	" WHERE poise.followups.done_at IS NULL AND excluded.done_at IS NOT NULL",
	/* By name: a figure's column added by a later migration is last on the server. */
	"INSERT INTO poise.call_figures (call_id, fold, last_seq, " TEAM_FIGURE_COLUMNS(
		TEAM_COLUMN_NAME) "figures) SELECT * FROM stage_figures ON CONFLICT (call_id)"
	" DO UPDATE SET fold = excluded.fold, last_seq = excluded.last_seq, " TEAM_FIGURE_COLUMNS(
		TEAM_COLUMN_SET) " figures = excluded.figures WHERE (poise.call_figures.fold, "
				 "poise.call_figures.last_seq)"
				 " IS DISTINCT FROM (excluded.fold, excluded.last_seq)",
};
enum { MOVE_TEXTS, MOVE_CALLS, MOVE_EVENTS, MOVE_FOLLOWUPS, MOVE_FIGURES, MOVE_COUNT };

/* One batch being built. */
struct batch {
	struct store *st;
	struct report_keeper *keeper; /* unpacks kept figures into typed columns */
	struct sync_call *calls;
	size_t ncalls, cap;
	struct sync_pushed_call *pushed;
	struct sync_pushed_followup *fus;
	size_t nfus, fucap;
	char (*hashes)[FIELD_HASH_SIZE];
	size_t nhashes;
	struct strbuf texts, rows, events, followups, figures;
	const char *call_id; /* the call whose events/follow-ups are being added */
	int64_t after_seq;   /* its events up to this are on the server */
	struct poise_error *err;
	enum poise_status ps;
};

static int collect(void *ctx, const struct sync_call *c)
{
	struct batch *b = ctx;

	if (b->ncalls == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct sync_call *p = realloc(b->calls, cap * sizeof(*p));

		if (!p) {
			b->ps = poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
			return 1;
		}
		b->calls = p;
		b->cap = cap;
	}
	b->calls[b->ncalls++] = *c;
	return 0;
}

static void copy_opt_int(struct strbuf *b, int64_t v)
{
	if (v)
		copy_int(b, v);
	else
		copy_null(b);
}

static void copy_opt_text(struct strbuf *b, const char *s)
{
	copy_text(b, s && *s ? s : NULL);
}

static void add_call_row(struct strbuf *b, const struct call_meta *m)
{
	copy_text(b, m->id);
	copy_sep(b);
	copy_text(b, m->agent);
	copy_sep(b);
	copy_text(b, m->customer);
	copy_sep(b);
	copy_text(b, m->ref);
	copy_sep(b);
	copy_text(b, m->playbook_id);
	copy_sep(b);
	copy_text(b, m->playbook_version);
	copy_sep(b);
	copy_text(b, m->playbook_hash);
	copy_sep(b);
	copy_int(b, m->started);
	copy_sep(b);
	copy_opt_int(b, m->ended);
	copy_sep(b);
	copy_text(b, m->status);
	copy_sep(b);
	copy_opt_text(b, m->outcome);
	copy_sep(b);
	copy_opt_text(b, m->cause);
	copy_sep(b);
	copy_opt_int(b, m->mood_start);
	copy_sep(b);
	copy_opt_int(b, m->mood_end);
	copy_sep(b);
	copy_int(b, m->last_seq);
	copy_sep(b);
	copy_opt_int(b, m->wrapup_at);
	copy_end(b);
}

static int add_event(void *ctx, const struct event *ev)
{
	struct batch *b = ctx;

	if (ev->seq <= b->after_seq)
		return 0;
	copy_text(&b->events, b->call_id);
	copy_sep(&b->events);
	copy_int(&b->events, ev->seq);
	copy_sep(&b->events);
	copy_int(&b->events, ev->t);
	copy_sep(&b->events);
	copy_text(&b->events, event_kind_key(ev->kind));
	copy_sep(&b->events);
	copy_text(&b->events, stage_key((enum stage)ev->stage));
	copy_sep(&b->events);
	copy_int(&b->events, ev->a);
	copy_sep(&b->events);
	copy_int(&b->events, ev->b);
	copy_sep(&b->events);
	copy_text(&b->events, ev->text);
	copy_end(&b->events);
	return 0;
}

static int add_followup(void *ctx, const struct sync_followup *f)
{
	struct batch *b = ctx;

	if (b->nfus == b->fucap) {
		size_t cap = b->fucap ? b->fucap * 2 : 64;
		struct sync_pushed_followup *p = realloc(b->fus, cap * sizeof(*p));

		if (!p) {
			b->ps = poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
			return 1;
		}
		b->fus = p;
		b->fucap = cap;
	}
	b->fus[b->nfus].id = f->id;
	b->fus[b->nfus++].done_at = f->done_at;
	copy_text(&b->followups, b->call_id);
	copy_sep(&b->followups);
	copy_int(&b->followups, f->seq);
	copy_sep(&b->followups);
	copy_opt_text(&b->followups, f->due);
	copy_sep(&b->followups);
	copy_text(&b->followups, f->channel);
	copy_sep(&b->followups);
	copy_text(&b->followups, f->promise);
	copy_sep(&b->followups);
	copy_opt_int(&b->followups, f->done_at);
	copy_end(&b->followups);
	return 0;
}

static void add_bytea(struct strbuf *b, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char two[2];

	copy_text(b, "\\x");
	for (size_t i = 0; i < n; i++) {
		two[0] = hex[p[i] >> 4];
		two[1] = hex[p[i] & 15];
		strbuf_add(b, two, 2);
	}
}

/*
 * A call's kept figures: the packed row as it is, and its figures as typed
 * columns when this poise's fold made it and it unpacks (else NULLs).
 */
static void add_figures(struct batch *b, const struct call_meta *m, int fold, int64_t last_seq,
			const void *blob, size_t len)
{
	struct report_figures one, *f = &one;
	int typed = fold == REPORT_FIGURES_VERSION && b->keeper &&
		    report_keeper_figures(b->keeper, m->playbook_hash, blob, len, &one, NULL) ==
			    POISE_OK;

	copy_text(&b->figures, m->id);
	copy_sep(&b->figures);
	copy_int(&b->figures, fold);
	copy_sep(&b->figures);
	copy_int(&b->figures, last_seq);
	copy_sep(&b->figures);
#define TEAM_COLUMN_VALUE(name, type, value, known)                                                \
	if (typed && (known))                                                                      \
		copy_int(&b->figures, (long long)(value));                                         \
	else                                                                                       \
		copy_null(&b->figures);                                                            \
	copy_sep(&b->figures);
#define TEAM_COLUMN_VALUE_FIGURE(...) TEAM_FIGURE(TEAM_COLUMN_VALUE, __VA_ARGS__)
	TEAM_FIGURE_COLUMNS(TEAM_COLUMN_VALUE)
#undef TEAM_COLUMN_VALUE_FIGURE
#undef TEAM_COLUMN_VALUE
	add_bytea(&b->figures, blob, len);
	copy_end(&b->figures);
}

/* The playbook text of hash, once per batch. */
static enum poise_status add_text(struct batch *b, const struct call_meta *m)
{
	char *text = NULL;
	size_t len;
	enum poise_status ps;

	for (size_t i = 0; i < b->nhashes; i++)
		if (strcmp(b->hashes[i], m->playbook_hash) == 0)
			return POISE_OK;
	if ((ps = store_playbook_text(b->st, m->playbook_hash, &text, &len, b->err)) != POISE_OK)
		return ps;
	snprintf(b->hashes[b->nhashes++], 65, "%s", m->playbook_hash);
	copy_text(&b->texts, m->playbook_hash);
	copy_sep(&b->texts);
	copy_text(&b->texts, m->playbook_id);
	copy_sep(&b->texts);
	copy_text(&b->texts, m->playbook_version);
	copy_sep(&b->texts);
	copy_text(&b->texts, text);
	copy_end(&b->texts);
	free(text);
	return POISE_OK;
}

/* Every row of the batch's calls into the COPY buffers. */
static enum poise_status build(struct batch *b)
{
	enum poise_status ps;

	free(b->hashes);
	free(b->pushed);
	b->hashes = calloc(b->ncalls, sizeof(*b->hashes));
	b->pushed = calloc(b->ncalls, sizeof(*b->pushed));
	b->nhashes = 0;
	b->nfus = 0;
	if (!b->hashes || !b->pushed)
		return poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	for (size_t i = 0; i < b->ncalls; i++) {
		const struct sync_call *c = &b->calls[i];
		int fold;
		int64_t figs_seq = 0;
		void *blob = NULL;
		size_t len;

		if ((ps = add_text(b, &c->meta)) != POISE_OK)
			return ps;
		add_call_row(&b->rows, &c->meta);
		b->call_id = c->meta.id;
		b->after_seq = c->pushed_seq;
		if ((ps = store_call_events(b->st, c->meta.id, add_event, b, b->err)) != POISE_OK)
			return ps;
		if ((ps = store_sync_followups(b->st, c->meta.id, add_followup, b, b->err)) !=
			    POISE_OK ||
		    b->ps != POISE_OK)
			return ps != POISE_OK ? ps : b->ps;
		ps = store_sync_figures(b->st, c->meta.id, &fold, &figs_seq, &blob, &len, b->err);
		if (ps == POISE_OK && figs_seq != c->figures_seq)
			add_figures(b, &c->meta, fold, figs_seq, blob, len);
		free(blob);
		if (ps != POISE_OK && ps != POISE_NOT_FOUND)
			return ps;
		b->pushed[i].call_id = c->meta.id;
		b->pushed[i].pushed_seq = c->meta.last_seq;
		b->pushed[i].figures_seq = figs_seq;
	}
	return POISE_OK;
}

/*
 * The moves of the tables that got rows, then COMMIT, sent as one string:
 * one round trip (the server stops at the first error; the caller rolls
 * back). Each move's row count goes into counts.
 */
static enum poise_status move(struct team *t, const int staged[MOVE_COUNT],
			      struct team_sync_counts *n, struct poise_error *err)
{
	size_t *count[MOVE_COUNT] = {NULL, &n->calls, &n->events, &n->followups, &n->figures};
	int which[MOVE_COUNT], nmoves = 0, done = 0;
	size_t len = sizeof("COMMIT");
	enum poise_status ps = POISE_OK;
	char *sql, *at;
	PGresult *res;

	for (int i = 0; i < MOVE_COUNT; i++)
		if (staged[i]) {
			which[nmoves++] = i;
			len += strlen(move_sql[i]) + 1;
		}
	if (!(sql = at = malloc(len)))
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	for (int i = 0; i < nmoves; i++)
		at += sprintf(at, "%s;", move_sql[which[i]]);
	strcpy(at, "COMMIT");
	if (!PQsendQuery(t->pg, sql))
		ps = team_fail(t, NULL, "store the calls on the server", err);
	free(sql);
	/* One result per statement, the COMMIT's last; fewer when the connection went. */
	for (int i = 0; (res = PQgetResult(t->pg)); i++) {
		if (ps == POISE_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			ps = team_fail(t, res, "store the calls on the server", err);
		else if (ps == POISE_OK && i < nmoves && count[which[i]])
			*count[which[i]] += (size_t)strtoul(PQcmdTuples(res), NULL, 10);
		if (ps == POISE_OK)
			done = i + 1;
		PQclear(res);
	}
	if (ps == POISE_OK && done != nmoves + 1)
		ps = team_fail(t, NULL, "store the calls on the server", err);
	return ps;
}

static enum poise_status hook(const struct team_sync_opts *o, enum team_hook where, size_t no,
			      struct poise_error *err)
{
	if (o && o->hook && o->hook(o->ctx, where, no))
		return poise_error_set(err, POISE_IO, NULL, 0, 0, "sync stopped by a test hook");
	return POISE_OK;
}

static enum poise_status push(struct team *t, struct store *st, const struct team_sync_opts *o,
			      struct team_sync_counts *n, struct poise_error *err)
{
	struct batch b;
	char after[FIELD_CALL_ID_SIZE] = "";
	size_t limit = o && o->batch ? o->batch : TEAM_BATCH;
	int staged[MOVE_COUNT];
	enum poise_status ps = POISE_OK;

	memset(&b, 0, sizeof(b));
	b.st = st;
	b.err = err;
	b.keeper = report_keeper_new(st); /* NULL: the figures go packed only */
	for (size_t no = 0;; no++) {
		b.ncalls = 0;
		if ((ps = store_sync_pending(st, t->role, after, limit, collect, &b, err)) !=
			    POISE_OK ||
		    (ps = b.ps) != POISE_OK || b.ncalls == 0)
			break;
		snprintf(after, sizeof(after), "%s", b.calls[b.ncalls - 1].meta.id);
		if ((ps = build(&b)) != POISE_OK)
			break;
		staged[MOVE_TEXTS] = b.texts.len > 0;
		staged[MOVE_CALLS] = b.rows.len > 0;
		staged[MOVE_EVENTS] = b.events.len > 0;
		staged[MOVE_FOLLOWUPS] = b.followups.len > 0;
		staged[MOVE_FIGURES] = b.figures.len > 0;
		if ((ps = team_exec(t, stage_sql, "start sending calls", err)) != POISE_OK ||
		    (ps = team_copy(t, "stage_texts", &b.texts, err)) != POISE_OK ||
		    (ps = team_copy(t, "stage_calls", &b.rows, err)) != POISE_OK ||
		    (ps = team_copy(t, "stage_events", &b.events, err)) != POISE_OK ||
		    (ps = team_copy(t, "stage_followups", &b.followups, err)) != POISE_OK ||
		    (ps = team_copy(t, "stage_figures", &b.figures, err)) != POISE_OK ||
		    (ps = hook(o, TEAM_HOOK_STAGED, no, err)) != POISE_OK ||
		    (ps = move(t, staged, n, err)) != POISE_OK) {
			if (PQstatus(t->pg) == CONNECTION_OK)
				PQclear(PQexec(t->pg, "ROLLBACK"));
			break;
		}
		if ((ps = hook(o, TEAM_HOOK_COMMITTED, no, err)) != POISE_OK ||
		    (ps = store_sync_pushed(st, b.pushed, b.ncalls, b.fus, b.nfus, err)) !=
			    POISE_OK)
			break;
	}
	report_keeper_free(b.keeper);
	free(b.calls);
	free(b.pushed);
	free(b.fus);
	free(b.hashes);
	free(b.texts.p);
	free(b.rows.p);
	free(b.events.p);
	free(b.followups.p);
	free(b.figures.p);
	return ps;
}

static const char *val(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static int64_t num(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static enum poise_status apply(struct store *st, PGresult *rv, PGresult *fu, PGresult *pb,
			       struct team_sync_counts *n, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	int applied;

	for (int i = 0; ps == POISE_OK && i < PQntuples(rv); i++) {
		struct sync_review r = {val(rv, i, 0), val(rv, i, 1), val(rv, i, 2),
					val(rv, i, 4), num(rv, i, 3), {0}, 0};

		for (int s = 0; s < STAGE_COUNT; s++)
			r.scores[s] = (int)num(rv, i, 5 + s);
		r.updated_at = num(rv, i, 5 + STAGE_COUNT);
		if ((ps = store_sync_put_review(st, &r, &applied, err)) == POISE_OK)
			n->reviews += (size_t)applied;
	}
	for (int i = 0; ps == POISE_OK && i < PQntuples(fu); i++)
		if ((ps = store_sync_put_done(st, val(fu, i, 0), num(fu, i, 1), num(fu, i, 2),
					      &applied, err)) == POISE_OK)
			n->followups_done += (size_t)applied;
	for (int i = 0; ps == POISE_OK && i < PQntuples(pb); i++) {
		struct sync_playbook p = {val(pb, i, 0), val(pb, i, 1), val(pb, i, 2),
					  val(pb, i, 3), val(pb, i, 4), num(pb, i, 5)};

		if ((ps = store_sync_put_playbook(st, &p, &applied, err)) == POISE_OK)
			n->playbooks += (size_t)applied;
	}
	return ps;
}

/*
 * The pull's reads, in one REPEATABLE READ snapshot, sent as one string
 * (one round trip); each %s is the mark, a number this poise wrote. Its results:
 * BEGIN, the snapshot's xmin, reviews, follow-ups, playbooks, COMMIT.
 */
static const char pull_sql[] =
	"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
	"SELECT pg_snapshot_xmin(pg_current_snapshot())::text;"
	"SELECT id, call_id, reviewer, created_at, comment, score_calm, score_listen,"
	" score_empathize, score_clarify, score_inform, score_solve, score_boundary,"
	" score_follow_up, coalesce(updated_at, created_at) FROM poise.reviews"
	" WHERE xid >= '%s'::xid8 ORDER BY xid;"
	"SELECT call_id, seq, done_at FROM poise.followups"
	" WHERE xid >= '%s'::xid8 AND done_at IS NOT NULL;"
	"SELECT hash, id, version, text, published_by, published_at FROM poise.playbooks"
	" WHERE xid >= '%s'::xid8 ORDER BY xid;"
	"COMMIT";
enum { PULL_BEGIN, PULL_SNAP, PULL_REVIEWS, PULL_FOLLOWUPS, PULL_PLAYBOOKS, PULL_COMMIT, PULL_N };

static enum poise_status pull(struct team *t, struct store *st, struct team_sync_counts *n,
			      struct poise_error *err)
{
	PGresult *r[PULL_N] = {NULL};
	enum poise_status ps;
	int64_t have = 0;
	char sql[sizeof(pull_sql) + 64], mark[24];

	if ((ps = store_sync_mark(st, "server_xmin", &have, err)) != POISE_OK)
		return ps;
	snprintf(mark, sizeof(mark), "%lld", (long long)have);
	snprintf(sql, sizeof(sql), pull_sql, mark, mark, mark);
	ps = team_read_all(t, sql, r, PULL_N, "read from the server", err);
	/* One local transaction: what came, the agent's calls now whole on the server, the mark. */
	if (ps == POISE_OK && (ps = store_sync_begin(st, err)) == POISE_OK) {
		ps = apply(st, r[PULL_REVIEWS], r[PULL_FOLLOWUPS], r[PULL_PLAYBOOKS], n, err);
		if (ps == POISE_OK)
			ps = store_sync_tidy(st, t->role, err);
		if (ps == POISE_OK)
			ps = store_sync_set_mark(st, "server_xmin", num(r[PULL_SNAP], 0, 0), err);
		if (ps == POISE_OK)
			ps = store_sync_end(st, 1, err);
		else
			store_sync_end(st, 0, NULL);
	}
	for (int i = 0; i < PULL_N; i++)
		PQclear(r[i]);
	return ps;
}

enum poise_status team_sync(struct team *t, struct store *st, const struct team_sync_opts *o,
			    struct team_sync_counts *n, struct poise_error *err)
{
	enum poise_status ps;
	size_t pending;

	memset(n, 0, sizeof(*n));
	if ((ps = team_check_version(t, err)) != POISE_OK ||
	    (ps = store_sync_count(st, t->role, &pending, &n->others, err)) != POISE_OK ||
	    (ps = push(t, st, o, n, err)) != POISE_OK)
		return ps;
	if ((ps = pull(t, st, n, err)) != POISE_OK)
		return ps;
	/* The QA loop: the agent's replies up, the scores and replies of their calls down. */
	return team_qa(t, st, 0, &n->replies_sent, &n->scores, &n->replies, err);
}

enum poise_status team_publish(struct team *t, const char *id, const char *version,
			       const char *hash, const char *text, int *added,
			       struct poise_error *err)
{
	const char *params[4] = {hash, id, version, text};
	enum poise_status ps;
	PGresult *res;

	*added = 0;
	if ((ps = team_check_version(t, err)) != POISE_OK)
		return ps;
	res = PQexecParams(t->pg,
			   "SELECT hash FROM poise.playbooks WHERE id = $1 AND version = $2 "
			   "AND hash <> $3",
			   3, NULL, (const char *[]){id, version, hash}, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		ps = team_fail(t, res, "publish the playbook", err);
		PQclear(res);
		return ps;
	}
	if (PQntuples(res) > 0) {
		PQclear(res);
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "%s version %s is published already with another text: "
				       "raise its version and publish again",
				       id, version);
	}
	PQclear(res);
	res = PQexecParams(t->pg,
			   "INSERT INTO poise.playbooks (hash, id, version, text) "
			   "VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING",
			   4, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		ps = team_fail(t, res, "publish the playbook", err);
		PQclear(res);
		return ps;
	}
	*added = strtol(PQcmdTuples(res), NULL, 10) > 0;
	PQclear(res);
	return POISE_OK;
}
