/*
 * team_sync.c - `poise sync`: push what the server lacks, pull what is ours.
 *
 * Push: this agent's calls with anything new, in batches of calls. Each
 * batch is one server transaction with one INSERT ... ON CONFLICT per table
 * (calls by id, events by (call id, seq), follow-ups by (call id, seq),
 * figures by call id; the tables[] below), so a row the server has already
 * is left alone and a batch is on the server whole or not at all. Only
 * after COMMIT is the batch recorded locally (store_sync_pushed); a
 * connection lost between the two makes the next sync send the batch
 * again, which changes nothing.
 *
 * A small batch (the usual sync: the calls since the last one) is one
 * round trip: BEGIN, each table's INSERT ... VALUES and COMMIT as one
 * string, the values escaped as SQL literals; nothing is created on the
 * server. A big one (TEAM_COPY_FROM calls or more: a first push, a
 * catch-up) goes by COPY, which parses rows fastest, into temporary
 * staging tables (COPY cannot go through row-level security), made only
 * for the tables with rows: BEGIN and the staging tables, a COPY per
 * table, then the INSERT ... SELECTs and COMMIT as one string.
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

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "poise/report.h"
#include "poise/store_sync.h"

#define TEAM_BATCH 2000
#define TEAM_COPY_FROM 50

/*
 * The tables a push fills, in foreign-key order: the columns it sends, as
 * the server names and types them, and what its INSERT does with a row the
 * server has already (so sending a row twice changes nothing). A small
 * batch goes as one INSERT ... VALUES per table; a big one by COPY into a
 * temporary staging table of the same columns, then INSERT ... SELECT.
 */
struct push_table {
	const char *name;     /* poise.NAME on the server; stage_NAME the staging table */
	const char *columns;  /* "name type, ..." */
	const char *conflict; /* the INSERT's ON CONFLICT clause */
	size_t count;	      /* the team_sync_counts field its rows add to, or NO_COUNT */
};
#define NO_COUNT ((size_t)-1)
enum { T_TEXTS, T_CALLS, T_EVENTS, T_FOLLOWUPS, T_FIGURES, T_COUNT };
static const struct push_table tables[T_COUNT] = {
	[T_TEXTS] = {"playbook_texts", "hash text, id text, version text, text text",
		     "ON CONFLICT DO NOTHING", NO_COUNT},
	[T_CALLS] = {"calls",
		     "id uuid, agent text, customer text, customer_ref text, playbook_id text,"
		     " playbook_version text, playbook_hash text, started_at bigint,"
		     " ended_at bigint, status text, outcome text, cause text,"
		     " mood_start integer, mood_end integer, last_seq integer, wrapup_at bigint",
		     "ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at,"
		     " status = excluded.status, outcome = excluded.outcome,"
		     " cause = excluded.cause, mood_start = excluded.mood_start,"
		     " mood_end = excluded.mood_end, last_seq = excluded.last_seq,"
		     " wrapup_at = excluded.wrapup_at"
		     " WHERE poise.calls.last_seq < excluded.last_seq",
		     offsetof(struct team_sync_counts, calls)},
	[T_EVENTS] = {"events",
		      "call_id uuid, seq integer, t bigint, kind text, stage text, a integer,"
		      " b integer, text text",
		      "ON CONFLICT DO NOTHING", offsetof(struct team_sync_counts, events)},
	[T_FOLLOWUPS] = {"followups",
			 "call_id uuid, seq integer, due date, channel text, promise text,"
			 " done_at bigint",
			 "ON CONFLICT (call_id, seq) DO UPDATE SET done_at = excluded.done_at"
			 " WHERE poise.followups.done_at IS NULL AND excluded.done_at IS NOT NULL",
			 offsetof(struct team_sync_counts, followups)},
	[T_FIGURES] = {"call_figures",
		       "call_id uuid, fold integer, last_seq integer, " TEAM_FIGURE_COLUMNS(
			       TEAM_COLUMN_DEF) "figures bytea",
		       "ON CONFLICT (call_id) DO UPDATE SET fold = excluded.fold,"
		       " last_seq = excluded.last_seq, " TEAM_FIGURE_COLUMNS(
			       TEAM_COLUMN_SET) "figures = excluded.figures"
						" WHERE (poise.call_figures.fold,"
						" poise.call_figures.last_seq)"
						" IS DISTINCT FROM (excluded.fold, excluded.last_seq)",
		       offsetof(struct team_sync_counts, figures)},
};

/* One batch being built. */
struct batch {
	struct store *st;
	struct report_keeper *keeper; /* unpacks kept figures into typed columns */
	struct strbuf calls;	      /* struct sync_call[] (strbuf_push) */
	struct sync_pushed_call *pushed;
	struct strbuf fus; /* struct sync_pushed_followup[] */
	char (*hashes)[FIELD_HASH_SIZE];
	size_t nhashes;
	struct rows rows[T_COUNT];
	const char *call_id; /* the call whose events/follow-ups are being added */
	int64_t after_seq;   /* its events up to this are on the server */
	struct poise_error *err;
	enum poise_status ps;
};

#define CALLS(b)  ((struct sync_call *)(b)->calls.p)
#define NCALLS(b) ((b)->calls.len / sizeof(struct sync_call))

static int collect(void *ctx, const struct sync_call *c)
{
	struct batch *b = ctx;

	if (!strbuf_push(&b->calls, c, sizeof(*c))) {
		b->ps = poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
		return 1;
	}
	return 0;
}

/* 0 (not known) as NULL. */
static void row_opt_int(struct rows *r, int64_t v)
{
	if (v)
		row_int(r, v);
	else
		row_null(r);
}

/* "" (none) as NULL. */
static void row_opt_text(struct rows *r, const char *s)
{
	row_text(r, s && *s ? s : NULL);
}

static void add_call_row(struct rows *r, const struct call_meta *m)
{
	const char *text[] = {m->id,	      m->agent,		   m->customer,
			      m->ref,	      m->playbook_id,	   m->playbook_version,
			      m->playbook_hash};

	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		row_text(r, text[i]);
	row_int(r, m->started);
	row_opt_int(r, m->ended);
	row_text(r, m->status);
	row_opt_text(r, m->outcome);
	row_opt_text(r, m->cause);
	row_opt_int(r, m->mood_start);
	row_opt_int(r, m->mood_end);
	row_int(r, m->last_seq);
	row_opt_int(r, m->wrapup_at);
	row_end(r);
}

static int add_event(void *ctx, const struct event *ev)
{
	struct batch *b = ctx;
	struct rows *r = &b->rows[T_EVENTS];

	if (ev->seq <= b->after_seq)
		return 0;
	row_text(r, b->call_id);
	row_int(r, ev->seq);
	row_int(r, ev->t);
	row_text(r, event_kind_key(ev->kind));
	row_text(r, stage_key((enum stage)ev->stage));
	row_int(r, ev->a);
	row_int(r, ev->b);
	row_text(r, ev->text);
	row_end(r);
	return 0;
}

static int add_followup(void *ctx, const struct sync_followup *f)
{
	struct batch *b = ctx;
	struct rows *r = &b->rows[T_FOLLOWUPS];
	struct sync_pushed_followup sent = {f->id, f->done_at};

	if (!strbuf_push(&b->fus, &sent, sizeof(sent))) {
		b->ps = poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
		return 1;
	}
	row_text(r, b->call_id);
	row_int(r, f->seq);
	row_opt_text(r, f->due);
	row_text(r, f->channel);
	row_text(r, f->promise);
	row_opt_int(r, f->done_at);
	row_end(r);
	return 0;
}

/*
 * A call's kept figures: the packed row as it is, and its figures as typed
 * columns when this poise's fold made it and it unpacks (else NULLs).
 */
static void add_figures(struct batch *b, const struct call_meta *m, int fold, int64_t last_seq,
			const void *blob, size_t len)
{
	struct rows *r = &b->rows[T_FIGURES];
	struct report_figures one, *f = &one;
	int typed = fold == REPORT_FIGURES_VERSION && b->keeper &&
		    report_keeper_figures(b->keeper, m->playbook_hash, blob, len, &one, NULL) ==
			    POISE_OK;

	row_text(r, m->id);
	row_int(r, fold);
	row_int(r, last_seq);
#define TEAM_COLUMN_VALUE(name, type, value, known)                                                \
	if (typed && (known))                                                                      \
		row_int(r, (long long)(value));                                                    \
	else                                                                                       \
		row_null(r);
#define TEAM_COLUMN_VALUE_FIGURE(...) TEAM_FIGURE(TEAM_COLUMN_VALUE, __VA_ARGS__)
	TEAM_FIGURE_COLUMNS(TEAM_COLUMN_VALUE)
#undef TEAM_COLUMN_VALUE_FIGURE
#undef TEAM_COLUMN_VALUE
	row_bytea(r, blob, len);
	row_end(r);
}

/* The playbook text of hash, once per batch. */
static enum poise_status add_text(struct batch *b, const struct call_meta *m)
{
	struct rows *r = &b->rows[T_TEXTS];
	char *text = NULL;
	size_t len;
	enum poise_status ps;

	for (size_t i = 0; i < b->nhashes; i++)
		if (strcmp(b->hashes[i], m->playbook_hash) == 0)
			return POISE_OK;
	if ((ps = store_playbook_text(b->st, m->playbook_hash, &text, &len, b->err)) != POISE_OK)
		return ps;
	snprintf(b->hashes[b->nhashes++], 65, "%s", m->playbook_hash);
	row_text(r, m->playbook_hash);
	row_text(r, m->playbook_id);
	row_text(r, m->playbook_version);
	row_text(r, text);
	row_end(r);
	free(text);
	return POISE_OK;
}

/* Every row of the batch's calls, as SQL VALUES (sql) or COPY text. */
static enum poise_status build(struct batch *b, int sql)
{
	size_t ncalls = NCALLS(b);
	enum poise_status ps;

	free(b->hashes);
	free(b->pushed);
	b->hashes = calloc(ncalls, sizeof(*b->hashes));
	b->pushed = calloc(ncalls, sizeof(*b->pushed));
	b->nhashes = 0;
	b->fus.len = 0;
	for (int i = 0; i < T_COUNT; i++)
		rows_clear(&b->rows[i], sql);
	if (!b->hashes || !b->pushed)
		return poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	for (size_t i = 0; i < ncalls; i++) {
		const struct sync_call *c = &CALLS(b)[i];
		int fold;
		int64_t figs_seq = 0;
		void *blob = NULL;
		size_t len;

		if ((ps = add_text(b, &c->meta)) != POISE_OK)
			return ps;
		add_call_row(&b->rows[T_CALLS], &c->meta);
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
	for (int i = 0; i < T_COUNT; i++)
		if (b->rows[i].b.oom)
			return poise_error_set(b->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	return POISE_OK;
}

/* A table's column names, "a, b, c", from its "name type, ..." list. */
static void column_names(struct strbuf *s, const char *columns)
{
	for (const char *p = columns; *p;) {
		size_t name = strcspn(p, " "), def = strcspn(p, ",");

		strbuf_add(s, p, name);
		p += def;
		if (*p) {
			strbuf_add(s, ", ", 2);
			p += strspn(p, ", ");
		}
	}
}

/*
 * Table i's INSERT: from its VALUES (a small batch), or from its staging
 * table, then what it does with a row the server has.
 */
static void add_insert(struct strbuf *s, int i, const struct rows *r)
{
	const struct push_table *tb = &tables[i];

	strbuf_add(s, "INSERT INTO poise.", 18);
	strbuf_add(s, tb->name, strlen(tb->name));
	strbuf_add(s, " (", 2);
	column_names(s, tb->columns);
	if (r->sql) {
		strbuf_add(s, ") VALUES ", 9);
		strbuf_add(s, r->b.p, r->b.len);
	} else {
		strbuf_add(s, ") SELECT * FROM stage_", 22);
		strbuf_add(s, tb->name, strlen(tb->name));
	}
	strbuf_add(s, " ", 1);
	strbuf_add(s, tb->conflict, strlen(tb->conflict));
	strbuf_add(s, ";", 1);
}

/*
 * A big batch: BEGIN, the staging tables of the tables with rows (made
 * once in a session; emptied at each COMMIT), and a COPY into each.
 */
static enum poise_status stage(struct team *t, struct batch *b, struct poise_error *err)
{
	struct strbuf s = {0};
	enum poise_status ps;

	strbuf_add(&s, "BEGIN;", 6);
	for (int i = 0; i < T_COUNT; i++)
		if (b->rows[i].n) {
			strbuf_add(&s, "CREATE TEMP TABLE IF NOT EXISTS stage_", 38);
			strbuf_add(&s, tables[i].name, strlen(tables[i].name));
			strbuf_add(&s, " (", 2);
			strbuf_add(&s, tables[i].columns, strlen(tables[i].columns));
			strbuf_add(&s, ") ON COMMIT DELETE ROWS;", 24);
		}
	ps = s.oom ? poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory")
		   : team_exec(t, s.p, "start sending calls", err);
	free(s.p);
	for (int i = 0; ps == POISE_OK && i < T_COUNT; i++) {
		char name[64];

		snprintf(name, sizeof(name), "stage_%s", tables[i].name);
		ps = team_copy(t, name, &b->rows[i], err);
	}
	return ps;
}

/*
 * The batch's INSERTs and COMMIT, sent as one string: one round trip (the
 * server stops at the first error; the caller rolls back). A small batch's
 * string also begins the transaction and carries the rows. Each INSERT's
 * row count goes into n.
 */
static enum poise_status store_batch(struct team *t, const struct batch *b, int small,
				     struct team_sync_counts *n, struct poise_error *err)
{
	struct strbuf s = {0};
	int which[T_COUNT + 2], nres = 0, done = 0;
	enum poise_status ps = POISE_OK;
	PGresult *res;

	if (small) {
		strbuf_add(&s, "BEGIN;", 6);
		which[nres++] = -1;
	}
	for (int i = 0; i < T_COUNT; i++)
		if (b->rows[i].n) {
			add_insert(&s, i, &b->rows[i]);
			which[nres++] = i;
		}
	strbuf_add(&s, "COMMIT", 6);
	which[nres++] = -1;
	if (s.oom)
		ps = poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	else if (!PQsendQuery(t->pg, s.p))
		ps = team_fail(t, NULL, "store the calls on the server", err);
	free(s.p);
	/* One result per statement, the COMMIT's last; fewer when the connection went. */
	for (int i = 0; ps != POISE_NOMEM && (res = PQgetResult(t->pg)); i++) {
		if (ps == POISE_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			ps = team_fail(t, res, "store the calls on the server", err);
		else if (ps == POISE_OK && i < nres && which[i] >= 0 &&
			 tables[which[i]].count != NO_COUNT)
			*(size_t *)((char *)n + tables[which[i]].count) +=
				(size_t)strtoul(PQcmdTuples(res), NULL, 10);
		if (ps == POISE_OK)
			done = i + 1;
		PQclear(res);
	}
	if (ps == POISE_OK && done != nres)
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
	size_t copy_from = o && o->copy_from ? o->copy_from : TEAM_COPY_FROM;
	enum poise_status ps = POISE_OK;

	memset(&b, 0, sizeof(b));
	b.st = st;
	b.err = err;
	b.keeper = report_keeper_new(st); /* NULL: the figures go packed only */
	for (size_t no = 0;; no++) {
		int small;

		b.calls.len = 0;
		if ((ps = store_sync_pending(st, t->role, after, limit, collect, &b, err)) !=
			    POISE_OK ||
		    (ps = b.ps) != POISE_OK || NCALLS(&b) == 0)
			break;
		snprintf(after, sizeof(after), "%s", CALLS(&b)[NCALLS(&b) - 1].meta.id);
		small = NCALLS(&b) < copy_from;
		if ((ps = build(&b, small)) != POISE_OK)
			break;
		if ((!small && (ps = stage(t, &b, err)) != POISE_OK) ||
		    (ps = hook(o, TEAM_HOOK_STAGED, no, err)) != POISE_OK ||
		    (ps = store_batch(t, &b, small, n, err)) != POISE_OK) {
			if (PQstatus(t->pg) == CONNECTION_OK)
				PQclear(PQexec(t->pg, "ROLLBACK"));
			break;
		}
		if ((ps = hook(o, TEAM_HOOK_COMMITTED, no, err)) != POISE_OK ||
		    (ps = store_sync_pushed(st, b.pushed, NCALLS(&b), (void *)b.fus.p,
					    b.fus.len / sizeof(struct sync_pushed_followup),
					    err)) != POISE_OK)
			break;
	}
	report_keeper_free(b.keeper);
	free(b.calls.p);
	free(b.pushed);
	free(b.fus.p);
	free(b.hashes);
	for (int i = 0; i < T_COUNT; i++)
		free(b.rows[i].b.p);
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

enum poise_status team_apply_reviews_done(struct store *st, const PGresult *rv,
					  const PGresult *fu, size_t *reviews, size_t *done,
					  struct poise_error *err)
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
			*reviews += (size_t)applied;
	}
	for (int i = 0; ps == POISE_OK && i < PQntuples(fu); i++)
		if ((ps = store_sync_put_done(st, val(fu, i, 0), num(fu, i, 1), num(fu, i, 2),
					      &applied, err)) == POISE_OK)
			*done += (size_t)applied;
	return ps;
}

static enum poise_status apply(struct store *st, PGresult *rv, PGresult *fu, PGresult *pb,
			       struct team_sync_counts *n, struct poise_error *err)
{
	enum poise_status ps =
		team_apply_reviews_done(st, rv, fu, &n->reviews, &n->followups_done, err);
	int applied;

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
	TEAM_REVIEWS_SINCE("'%s'") ";" TEAM_DONE_SINCE("'%s'") ";"
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
