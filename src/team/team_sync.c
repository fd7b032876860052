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
 * again, which changes nothing. The QA rows (an agent's replies, a
 * mirror's scores; team_push_qa, for team_qa.c) are rows of the same
 * tables[] and go the same way, one batch after the calls; which of them
 * the server has is read back in the transaction and marked here after
 * the COMMIT.
 *
 * A small batch (the usual sync: the calls since the last one) is one
 * round trip: BEGIN, each table's INSERT ... SELECT from a VALUES list and
 * COMMIT as one string, the values escaped as SQL literals; nothing is
 * created on the server. A big one (TEAM_COPY_FROM calls or rows or more:
 * a first push, a catch-up) goes by COPY, which parses rows fastest, into
 * temporary staging tables (COPY cannot go through row-level security),
 * made only for the tables with rows: BEGIN and the staging tables, a COPY
 * per table, then the same statements from them and COMMIT as one string.
 *
 * Pull: in one REPEATABLE READ snapshot (one string, one round trip), the
 * reviews, follow-ups and playbooks written by transactions that were not
 * yet finished at the previous pull's snapshot (rows carry the writing transaction's id, xid8;
 * the mark is pg_snapshot_xmin of the snapshot), so no commit is missed
 * whatever order transactions end in; re-reading a row changes nothing
 * (team_pull, which the QA pull uses too).
 * A review edited here and not yet sent stays as it is (store_sync.h).
 * Then the QA loop (team_qa.c): the agent's replies up, the scores and
 * replies on their calls down.
 */
#include "team_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "poise/merge.h"
#include "poise/report.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "poise/store_sync.h"

#define TEAM_BATCH 2000
#define TEAM_COPY_FROM 50

/* The server has QA row i of r as it is here: synced here (store_reply.h, store_score.h). */
static enum poise_status reply_sent(struct store *st, const PGresult *r, int i,
				    struct poise_error *err)
{
	return store_reply_sent(st, PQgetvalue(r, i, 0), err);
}

static enum poise_status score_sent(struct store *st, const PGresult *r, int i,
				    struct poise_error *err)
{
	return store_score_sent(st, PQgetvalue(r, i, 0), strtoll(PQgetvalue(r, i, 1), NULL, 10),
				err);
}

/*
 * The tables a push fills, in foreign-key order: the columns of its rows,
 * as the server names and types them, and the statements that take them:
 * INSERT INTO poise.NAME (into) SELECT into FROM the rows WHERE where,
 * then what the INSERT does with a row the server has already by key (so
 * sending a row twice changes nothing): nothing, or its update columns
 * from the row sent, when update_when holds. Then `then`. In where, then
 * and sent, s is a row; '@' in then and sent stands for "the rows AS s":
 * a small batch's VALUES, typed by the columns, or a big one's staging
 * table, filled by COPY. A table with `sent` marks here, once the server
 * committed, each row that read-back returns (the rows the server has as
 * they are here).
 */
struct push_table {
	const char *name;	 /* poise.NAME on the server; stage_NAME the staging table */
	const char *columns;	 /* "name type, ..." */
	const char *into;	 /* the columns the INSERT fills; NULL: all of them */
	const char *where;	 /* which rows the INSERT takes; "": all */
	const char *key;	 /* ON CONFLICT's "(columns)"; "": any */
	const char *update;	 /* the columns a row the server has takes; NULL: none */
	const char *update_when; /* and when */
	const char *then;	 /* a statement after the INSERT, or NULL */
	const char *sent;	 /* the read-back, or NULL */
	enum poise_status (*mark)(struct store *st, const PGresult *r, int i,
				  struct poise_error *err); /* a row of sent, synced here */
	size_t count; /* the team_sync_counts field its rows add to, or NO_COUNT */
};
#define NO_COUNT ((size_t)-1)
enum { T_TEXTS, T_CALLS, T_EVENTS, T_FOLLOWUPS, T_FIGURES, T_SCORES, T_ANSWERS, T_REPLIES, T_COUNT };
static const struct push_table tables[T_COUNT] = {
	[T_TEXTS] = {.name = "playbook_texts",
		     .columns = "hash text, id text, version text, text text",
		     .count = NO_COUNT},
	[T_CALLS] = {.name = "calls",
		     .columns = "id uuid, agent text, customer text, customer_ref text,"
				" playbook_id text, playbook_version text, playbook_hash text,"
				" started_at bigint, ended_at bigint, status text, outcome text,"
				" cause text, mood_start integer, mood_end integer,"
				" last_seq integer, wrapup_at bigint",
		     .key = "(id)",
		     .update = "ended_at, status, outcome, cause, mood_start, mood_end, last_seq,"
			       " wrapup_at",
		     .update_when = "poise.calls.last_seq < excluded.last_seq",
		     .count = offsetof(struct team_sync_counts, calls)},
	[T_EVENTS] = {.name = "events",
		      .columns = "call_id uuid, seq integer, t bigint, kind text, stage text,"
				 " a integer, b integer, text text",
		      .count = offsetof(struct team_sync_counts, events)},
	[T_FOLLOWUPS] = {.name = "followups",
			 .columns = "call_id uuid, seq integer, due date, channel text,"
				    " promise text, done_at bigint",
			 .key = "(call_id, seq)",
			 .update = "done_at",
			 .update_when = "poise.followups.done_at IS NULL"
					" AND excluded.done_at IS NOT NULL",
			 .count = offsetof(struct team_sync_counts, followups)},
	[T_FIGURES] = {.name = "call_figures",
		       .columns = "call_id uuid, fold integer, last_seq integer, "
				  TEAM_FIGURE_COLUMNS(TEAM_COLUMN_DEF) "figures bytea",
		       .key = "(call_id)",
		       .update = "fold, last_seq, " TEAM_FIGURE_COLUMNS(TEAM_COLUMN_NAME) "figures",
		       .update_when = "(poise.call_figures.fold, poise.call_figures.last_seq)"
				      " IS DISTINCT FROM (excluded.fold, excluded.last_seq)",
		       .count = offsetof(struct team_sync_counts, figures)},
	/*
	 * A supervisor's own scores of calls on the server (others wait here);
	 * one the server has from a later edit stays, and comes down at the
	 * pull. The answers of a score the server now has as it is here are
	 * replaced by its rows' (qa_answers takes no UPDATE).
	 */
	[T_SCORES] = {.name = "qa_scores",
		      .columns = "id uuid, call_id uuid, reviewer text, scorecard_id text,"
				 " scorecard_version text, created_at bigint, updated_at bigint,"
				 " score integer, auto_failed boolean",
		      .where = "WHERE s.reviewer = current_user AND EXISTS"
			       " (SELECT 1 FROM poise.calls c WHERE c.id = s.call_id)",
		      .key = "(id)",
		      .update = "scorecard_id, scorecard_version, updated_at, score, auto_failed",
		      .update_when = "poise.qa_scores.updated_at < excluded.updated_at",
		      .then = "DELETE FROM poise.qa_answers a USING @ JOIN poise.qa_scores q"
			      " ON q.id = s.id AND q.updated_at = s.updated_at"
			      " WHERE a.score_id = s.id",
		      .sent = "SELECT s.id, s.updated_at FROM @ JOIN poise.qa_scores q"
			      " ON q.id = s.id AND q.updated_at >= s.updated_at",
		      .mark = score_sent,
		      .count = NO_COUNT},
	[T_ANSWERS] = {.name = "qa_answers",
		       .columns = "score_id uuid, criterion text, weight smallint, scale smallint,"
				  " auto_fail boolean, value smallint, score_updated_at bigint",
		       .into = "score_id, criterion, weight, scale, auto_fail, value",
		       .where = "WHERE EXISTS (SELECT 1 FROM poise.qa_scores q"
				" WHERE q.id = s.score_id AND q.updated_at = s.score_updated_at"
				" AND q.reviewer = current_user)",
		       .count = NO_COUNT},
	/* An agent's replies; one to a review the server lacks (merged from a file) waits here. */
	[T_REPLIES] = {.name = "review_replies",
		       .columns = "id uuid, review_id uuid, agent text, created_at bigint,"
				  " kind text, text text",
		       .where = "WHERE EXISTS (SELECT 1 FROM poise.reviews r WHERE r.id = s.review_id)",
		       .key = "(id)",
		       .sent = "SELECT s.id FROM @ JOIN poise.review_replies p ON p.id = s.id",
		       .mark = reply_sent,
		       .count = NO_COUNT},
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
	PGresult *sent[T_COUNT]; /* the read-backs of a committed batch */
	size_t nsent;		 /* the rows they hold */
	size_t npushed;	     /* the calls of pushed[]: those built, none left out */
	const char *call_id; /* the call whose events/follow-ups are being added */
	int64_t after_seq;   /* its events up to this are on the server */
	int bad;	     /* an event of it fails merge's checks: why says so */
	struct poise_error why;
	struct poise_error *err;
	enum poise_status ps;
};

#define CALLS(b)  ((struct sync_call *)(b)->calls.p)
#define NCALLS(b) ((b)->calls.len / sizeof(struct sync_call))

static int collect(void *ctx, const struct sync_call *c)
{
	struct batch *b = ctx;

	if (!strbuf_push(&b->calls, c, sizeof(*c))) {
		b->ps = poise_error_nomem(b->err);
		return 1;
	}
	return 0;
}

static void add_call_row(struct rows *r, const struct call_meta *m)
{
	ROW_CELLS(r, SYNC_TEXT(m->id), SYNC_TEXT(m->agent), SYNC_TEXT(m->customer),
		  SYNC_TEXT(m->ref), SYNC_TEXT(m->playbook_id), SYNC_TEXT(m->playbook_version),
		  SYNC_TEXT(m->playbook_hash), SYNC_INT(m->started), SYNC_OPT_INT(m->ended),
		  SYNC_TEXT(m->status), SYNC_OPT_TEXT(m->outcome), SYNC_OPT_TEXT(m->cause),
		  SYNC_OPT_INT(m->mood_start), SYNC_OPT_INT(m->mood_end), SYNC_INT(m->last_seq),
		  SYNC_OPT_INT(m->wrapup_at));
}

/* A new event of the call, checked as merge checks it: a bad one stops the call's rows. */
static int add_event(void *ctx, const struct event *ev)
{
	struct batch *b = ctx;
	struct sync_cell c[SYNC_EVENT_CELLS];

	if (ev->seq <= b->after_seq)
		return 0;
	if (merge_check_event(ev, &b->why) != POISE_OK) {
		b->bad = 1;
		return 1;
	}
	sync_event_cells(b->call_id, ev, c);
	row_cells(&b->rows[T_EVENTS], c, SYNC_EVENT_CELLS);
	return 0;
}

static int add_followup(void *ctx, const struct sync_followup *f)
{
	struct batch *b = ctx;
	struct sync_pushed_followup sent = {f->id, f->done_at};

	if (!strbuf_push(&b->fus, &sent, sizeof(sent))) {
		b->ps = poise_error_nomem(b->err);
		return 1;
	}
	ROW_CELLS(&b->rows[T_FOLLOWUPS], SYNC_TEXT(b->call_id), SYNC_INT(f->seq),
		  SYNC_OPT_TEXT(f->due), SYNC_TEXT(f->channel), SYNC_TEXT(f->promise),
		  SYNC_OPT_INT(f->done_at));
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
	char *text = NULL;
	size_t len;
	enum poise_status ps;

	for (size_t i = 0; i < b->nhashes; i++)
		if (strcmp(b->hashes[i], m->playbook_hash) == 0)
			return POISE_OK;
	if ((ps = store_playbook_text(b->st, m->playbook_hash, &text, &len, b->err)) != POISE_OK)
		return ps;
	snprintf(b->hashes[b->nhashes++], 65, "%s", m->playbook_hash);
	ROW_CELLS(&b->rows[T_TEXTS], SYNC_TEXT(m->playbook_hash), SYNC_TEXT(m->playbook_id),
		  SYNC_TEXT(m->playbook_version), SYNC_TEXT(text));
	free(text);
	return POISE_OK;
}

/* An agent's reply, as the server's review_replies row. */
static int add_reply(void *ctx, const struct review_reply *r)
{
	struct batch *b = ctx;

	ROW_CELLS(&b->rows[T_REPLIES], SYNC_TEXT(r->id), SYNC_TEXT(r->review_uuid),
		  SYNC_TEXT(r->agent), SYNC_INT(r->created_at),
		  SYNC_TEXT(reply_kind_key(r->kind)), SYNC_TEXT(r->text));
	return 0;
}

/* A QA score and its answers (each with the score's edit, which they belong to). */
static int add_score(void *ctx, const struct qa_score *q)
{
	struct batch *b = ctx;

	ROW_CELLS(&b->rows[T_SCORES], SYNC_TEXT(q->id), SYNC_TEXT(q->call_id),
		  SYNC_TEXT(q->reviewer), SYNC_TEXT(q->scorecard_id),
		  SYNC_TEXT(q->scorecard_version), SYNC_INT(q->created_at),
		  SYNC_INT(q->updated_at), q->score < 0 ? SYNC_NULL : SYNC_INT(q->score),
		  SYNC_TEXT(q->auto_failed ? "t" : "f"));
	for (size_t i = 0; i < q->nanswers; i++) {
		const struct qa_answer *a = &q->answers[i];

		ROW_CELLS(&b->rows[T_ANSWERS], SYNC_TEXT(q->id), SYNC_TEXT(a->criterion),
			  SYNC_INT(a->weight), SYNC_INT((int)a->scale),
			  SYNC_TEXT(a->auto_fail ? "t" : "f"),
			  a->value == SCORE_NA ? SYNC_NULL : SYNC_INT(a->value),
			  SYNC_INT(q->updated_at));
	}
	return 0;
}

/* Empty every table's rows, in the format sql says, and what was read back. */
static void clear(struct batch *b, int sql)
{
	for (int i = 0; i < T_COUNT; i++) {
		rows_clear(&b->rows[i], sql);
		PQclear(b->sent[i]);
		b->sent[i] = NULL;
	}
	b->nsent = 0;
}

static enum poise_status rows_ok(struct batch *b)
{
	for (int i = 0; i < T_COUNT; i++)
		if (b->rows[i].b.oom)
			return poise_error_nomem(b->err);
	return POISE_OK;
}

/* Where a batch's rows stood before a call's were added: to take them back. */
struct mark {
	size_t len[T_COUNT], n[T_COUNT], nhashes, fus;
};

static void mark_at(const struct batch *b, struct mark *m)
{
	for (int i = 0; i < T_COUNT; i++) {
		m->len[i] = b->rows[i].b.len;
		m->n[i] = b->rows[i].n;
	}
	m->nhashes = b->nhashes;
	m->fus = b->fus.len;
}

static void back_to(struct batch *b, const struct mark *m)
{
	for (int i = 0; i < T_COUNT; i++) {
		b->rows[i].b.len = m->len[i];
		b->rows[i].n = m->n[i];
		b->rows[i].fields = 0;
	}
	b->nhashes = m->nhashes;
	b->fus.len = m->fus;
}

/*
 * Call c's rows (its playbook's text once, its row, its new events, its
 * follow-ups, its kept figures). 1 when it is left out, its rows taken
 * back (in why): its row or a new event fails merge's checks (this
 * database edited by hand: a name or a note with a control character or
 * bad UTF-8, over its limit, a time out of range), or an event of it is
 * unreadable (a kind or stage this poise does not know: store_call_events'
 * POISE_DB, as report.c takes it). Else 0, or -1 with b->ps.
 */
static int add_call(struct batch *b, const struct sync_call *c, int64_t *figs_seq,
		    struct poise_error *why)
{
	struct mark at;
	enum poise_status ps;
	int fold;
	void *blob = NULL;
	size_t len;

	if (merge_check_call(&c->meta, why) != POISE_OK)
		return 1;
	mark_at(b, &at);
	b->bad = 0;
	if ((ps = add_text(b, &c->meta)) != POISE_OK)
		return b->ps = ps, -1;
	add_call_row(&b->rows[T_CALLS], &c->meta);
	b->call_id = c->meta.id;
	b->after_seq = c->pushed_seq;
	ps = store_call_events(b->st, c->meta.id, add_event, b, b->err);
	if (b->bad || ps == POISE_DB) {
		*why = b->bad ? b->why : *b->err;
		back_to(b, &at);
		return 1;
	}
	if (ps != POISE_OK)
		return b->ps = ps, -1;
	if ((ps = store_sync_followups(b->st, c->meta.id, add_followup, b, b->err)) != POISE_OK ||
	    b->ps != POISE_OK)
		return b->ps = ps != POISE_OK ? ps : b->ps, -1;
	ps = store_sync_figures(b->st, c->meta.id, &fold, figs_seq, &blob, &len, b->err);
	if (ps == POISE_OK && *figs_seq != c->figures_seq)
		add_figures(b, &c->meta, fold, *figs_seq, blob, len);
	free(blob);
	if (ps != POISE_OK && ps != POISE_NOT_FOUND)
		return b->ps = ps, -1;
	return 0;
}

/*
 * Every row of the batch's calls, as SQL VALUES (sql) or COPY text. A call
 * add_call leaves out is counted in n (team_refuse: one warning names the
 * first); the others go, and only they are marked pushed.
 */
static enum poise_status build(struct batch *b, int sql, struct team_sync_counts *n)
{
	size_t ncalls = NCALLS(b);

	free(b->hashes);
	free(b->pushed);
	b->hashes = calloc(ncalls, sizeof(*b->hashes));
	b->pushed = calloc(ncalls, sizeof(*b->pushed));
	b->nhashes = b->npushed = 0;
	b->fus.len = 0;
	clear(b, sql);
	if (!b->hashes || !b->pushed)
		return poise_error_nomem(b->err);
	for (size_t i = 0; i < ncalls; i++) {
		const struct sync_call *c = &CALLS(b)[i];
		struct poise_error why;
		int64_t figs_seq = 0;
		int out;

		poise_error_clear(&why);
		if ((out = add_call(b, c, &figs_seq, &why)) < 0)
			return b->ps;
		if (out) {
			team_refuse(&n->refused, n->refused_why, sizeof(n->refused_why), &c->meta,
				    why.msg);
			continue;
		}
		b->pushed[b->npushed].call_id = c->meta.id;
		b->pushed[b->npushed].pushed_seq = c->meta.last_seq;
		b->pushed[b->npushed++].figures_seq = figs_seq;
	}
	return rows_ok(b);
}

/*
 * The entries of a column list ("name type, ..." or "name, ..."), each
 * written by fn from its name and its type (what follows the name, if
 * anything), ", " between them.
 */
typedef void (*column_fn)(struct strbuf *s, const char *name, size_t nlen, const char *type,
			  size_t tlen);
static void each_column(struct strbuf *s, const char *list, column_fn fn)
{
	for (const char *p = list; *p;) {
		size_t entry = strcspn(p, ","), name = strcspn(p, " ,");
		size_t gap = name < entry ? 1 : 0;

		fn(s, p, name, p + name + gap, entry - name - gap);
		p += entry;
		if (*p) {
			strbuf_add(s, ", ", 2);
			p += strspn(p, ", ");
		}
	}
}

/* "name" */
static void put_name(struct strbuf *s, const char *name, size_t nlen, const char *type, size_t tlen)
{
	(void)type;
	(void)tlen;
	strbuf_add(s, name, nlen);
}

/* "name::type AS name": a VALUES literal is only text until cast. */
static void put_cast(struct strbuf *s, const char *name, size_t nlen, const char *type, size_t tlen)
{
	strbuf_add(s, name, nlen);
	strbuf_add(s, "::", 2);
	strbuf_add(s, type, tlen);
	strbuf_add(s, " AS ", 4);
	strbuf_add(s, name, nlen);
}

/* "name = excluded.name": an upsert's column taken from the row sent. */
static void put_update(struct strbuf *s, const char *name, size_t nlen, const char *type,
		       size_t tlen)
{
	(void)type;
	(void)tlen;
	strbuf_add(s, name, nlen);
	strbuf_add(s, " = excluded.", 12);
	strbuf_add(s, name, nlen);
}

/*
 * Table i's rows as a FROM item named s: its staging table, or its VALUES
 * with each column cast to its type.
 */
static void add_source(struct strbuf *s, int i, const struct rows *r)
{
	const struct push_table *tb = &tables[i];

	if (!r->sql) {
		strbuf_add(s, "stage_", 6);
		strbuf_add(s, tb->name, strlen(tb->name));
		strbuf_add(s, " s", 2);
		return;
	}
	strbuf_add(s, "(SELECT ", 8);
	each_column(s, tb->columns, put_cast);
	strbuf_add(s, " FROM (VALUES ", 14);
	strbuf_add(s, r->b.p, r->b.len);
	strbuf_add(s, ") AS v (", 8);
	each_column(s, tb->columns, put_name);
	strbuf_add(s, ")) s", 4);
}

/* sql with each '@' as table i's rows; then ';'. */
static void add_statement(struct strbuf *s, const char *sql, int i, const struct rows *r)
{
	for (const char *at; (at = strchr(sql, '@')); sql = at + 1) {
		strbuf_add(s, sql, (size_t)(at - sql));
		add_source(s, i, r);
	}
	strbuf_add(s, sql, strlen(sql));
	strbuf_add(s, ";", 1);
}

/* s, when not NULL. */
static void add_str(struct strbuf *b, const char *s)
{
	if (s)
		strbuf_add(b, s, strlen(s));
}

/* The columns table i's INSERT fills. */
static void insert_names(struct strbuf *s, int i)
{
	each_column(s, tables[i].into ? tables[i].into : tables[i].columns, put_name);
}

/* Table i's INSERT from its rows, and what it does with a row the server has. */
static void add_insert(struct strbuf *s, int i, const struct rows *r)
{
	const struct push_table *tb = &tables[i];
	struct strbuf sql = {0};

	strbuf_add(&sql, "INSERT INTO poise.", 18);
	strbuf_add(&sql, tb->name, strlen(tb->name));
	strbuf_add(&sql, " (", 2);
	insert_names(&sql, i);
	strbuf_add(&sql, ") SELECT ", 9);
	insert_names(&sql, i);
	strbuf_add(&sql, " FROM @ ", 8);
	add_str(&sql, tb->where);
	strbuf_add(&sql, " ON CONFLICT ", 13);
	add_str(&sql, tb->key);
	if (!tb->update) {
		strbuf_add(&sql, " DO NOTHING", 11);
	} else {
		strbuf_add(&sql, " DO UPDATE SET ", 15);
		each_column(&sql, tb->update, put_update);
		strbuf_add(&sql, " WHERE ", 7);
		add_str(&sql, tb->update_when);
	}
	if (sql.oom)
		s->oom = 1;
	else
		add_statement(s, sql.p, i, r);
	free(sql.p);
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
	ps = s.oom ? poise_error_nomem(err) : team_exec(t, s.p, "start sending calls", err);
	free(s.p);
	for (int i = 0; ps == POISE_OK && i < T_COUNT; i++) {
		char name[64];

		snprintf(name, sizeof(name), "stage_%s", tables[i].name);
		ps = team_copy(t, name, &b->rows[i], err);
	}
	return ps;
}

/* What one statement of a batch's string gives back. */
enum { R_NONE, R_COUNT, R_SENT };
struct result {
	int table, what;
};

/*
 * The batch's statements and COMMIT, sent as one string: one round trip
 * (the server stops at the first error; the caller rolls back). A small
 * batch's string also begins the transaction and carries the rows. Each
 * INSERT's row count goes into n, each read-back into b->sent.
 */
static enum poise_status store_batch(struct team *t, struct batch *b, int small,
				     struct team_sync_counts *n, struct poise_error *err)
{
	struct strbuf s = {0};
	struct result which[3 * T_COUNT + 2];
	int nres = 0, done = 0;
	enum poise_status ps = POISE_OK;
	PGresult *res;

	if (small) {
		strbuf_add(&s, "BEGIN;", 6);
		which[nres++] = (struct result){-1, R_NONE};
	}
	for (int i = 0; i < T_COUNT; i++) {
		if (!b->rows[i].n)
			continue;
		add_insert(&s, i, &b->rows[i]);
		which[nres++] = (struct result){i, R_COUNT};
		if (tables[i].then) {
			add_statement(&s, tables[i].then, i, &b->rows[i]);
			which[nres++] = (struct result){i, R_NONE};
		}
		if (tables[i].sent) {
			add_statement(&s, tables[i].sent, i, &b->rows[i]);
			which[nres++] = (struct result){i, R_SENT};
		}
	}
	strbuf_add(&s, "COMMIT", 6);
	which[nres++] = (struct result){-1, R_NONE};
	if (s.oom)
		ps = poise_error_nomem(err);
	else if (!PQsendQuery(t->pg, s.p))
		ps = team_fail(t, NULL, "store the calls on the server", err);
	free(s.p);
	/* One result per statement, the COMMIT's last; fewer when the connection went. */
	for (int i = 0; ps != POISE_NOMEM && (res = PQgetResult(t->pg)); i++) {
		int what = i < nres ? which[i].what : R_NONE;

		if (ps == POISE_OK &&
		    PQresultStatus(res) != (what == R_SENT ? PGRES_TUPLES_OK : PGRES_COMMAND_OK))
			ps = team_fail(t, res, "store the calls on the server", err);
		else if (ps == POISE_OK && what == R_COUNT &&
			 tables[which[i].table].count != NO_COUNT)
			*(size_t *)((char *)n + tables[which[i].table].count) +=
				(size_t)strtoul(PQcmdTuples(res), NULL, 10);
		if (ps == POISE_OK)
			done = i + 1;
		if (ps == POISE_OK && what == R_SENT) {
			b->sent[which[i].table] = res;
			continue;
		}
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

/*
 * What the server committed, recorded here: the calls' marks, then, in one
 * local transaction, each QA row read back marked sent.
 */
static enum poise_status record(struct batch *b, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	size_t rows = 0;

	if (b->npushed &&
	    (ps = store_sync_pushed(b->st, b->pushed, b->npushed, (void *)b->fus.p,
				    b->fus.len / sizeof(struct sync_pushed_followup), err)) != POISE_OK)
		return ps;
	for (int i = 0; i < T_COUNT; i++)
		rows += b->sent[i] ? (size_t)PQntuples(b->sent[i]) : 0;
	if (!rows || (ps = store_sync_begin(b->st, err)) != POISE_OK)
		return ps;
	for (int i = 0; i < T_COUNT; i++)
		for (int r = 0; ps == POISE_OK && b->sent[i] && r < PQntuples(b->sent[i]); r++)
			ps = tables[i].mark(b->st, b->sent[i], r, err);
	if (ps != POISE_OK) {
		store_sync_end(b->st, 0, NULL);
		return ps;
	}
	if ((ps = store_sync_end(b->st, 1, err)) == POISE_OK)
		b->nsent += rows;
	return ps;
}

/*
 * Send batch b (its rows built, small: as VALUES) in one server
 * transaction, and once the server committed it, record it here.
 */
static enum poise_status deliver(struct team *t, struct batch *b, int small,
				 const struct team_sync_opts *o, size_t no,
				 struct team_sync_counts *n, struct poise_error *err)
{
	enum poise_status ps;

	if ((!small && (ps = stage(t, b, err)) != POISE_OK) ||
	    (ps = hook(o, TEAM_HOOK_STAGED, no, err)) != POISE_OK ||
	    (ps = store_batch(t, b, small, n, err)) != POISE_OK) {
		if (PQstatus(t->pg) == CONNECTION_OK)
			PQclear(PQexec(t->pg, "ROLLBACK"));
		return ps;
	}
	if ((ps = hook(o, TEAM_HOOK_COMMITTED, no, err)) != POISE_OK)
		return ps;
	return record(b, err);
}

static void batch_free(struct batch *b)
{
	clear(b, 0);
	report_keeper_free(b->keeper);
	free(b->calls.p);
	free(b->pushed);
	free(b->fus.p);
	free(b->hashes);
	for (int i = 0; i < T_COUNT; i++)
		free(b->rows[i].b.p);
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
		if ((ps = build(&b, small, n)) != POISE_OK)
			break;
		if (b.npushed && (ps = deliver(t, &b, small, o, no, n, err)) != POISE_OK)
			break;
	}
	batch_free(&b);
	return ps;
}

/* The QA rows that wait here, as SQL VALUES (sql) or COPY text; *rows: how many. */
static enum poise_status build_qa(struct batch *b, const char *role, int mirror, int sql,
				  size_t *rows)
{
	enum poise_status ps;

	clear(b, sql);
	ps = mirror ? store_score_unsent(b->st, add_score, b, b->err)
		    : store_reply_unsent(b->st, role, add_reply, b, b->err);
	*rows = b->rows[T_SCORES].n + b->rows[T_REPLIES].n;
	return ps != POISE_OK ? ps : rows_ok(b);
}

enum poise_status team_push_qa(struct team *t, struct store *st, int mirror,
			       const struct team_sync_opts *o, size_t *sent,
			       struct poise_error *err)
{
	size_t copy_from = o && o->copy_from ? o->copy_from : TEAM_COPY_FROM, rows;
	struct team_sync_counts none; /* the QA tables count by their read-back */
	struct batch b;
	enum poise_status ps;

	memset(&b, 0, sizeof(b));
	memset(&none, 0, sizeof(none));
	b.st = st;
	b.err = err;
	*sent = 0;
	ps = build_qa(&b, t->role, mirror, 1, &rows);
	/* Many (a first push, a catch-up): read again as COPY text. */
	if (ps == POISE_OK && rows >= copy_from)
		ps = build_qa(&b, t->role, mirror, 0, &rows);
	if (ps == POISE_OK && rows && (ps = deliver(t, &b, rows < copy_from, o, 0, &none, err)) ==
					      POISE_OK)
		*sent = b.nsent;
	batch_free(&b);
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

enum poise_status team_pull(struct team *t, struct store *st, const char *mark_name,
			    const char *sql, int n, team_apply_fn apply, void *ctx,
			    const char *what, struct poise_error *err)
{
	PGresult **r = calloc((size_t)n, sizeof(*r));
	struct strbuf s = {0};
	enum poise_status ps;
	int64_t have = 0, mark;
	char at[24];

	if (!r)
		return poise_error_nomem(err);
	if ((ps = store_sync_mark(st, mark_name, &have, err)) != POISE_OK) {
		free(r);
		return ps;
	}
	snprintf(at, sizeof(at), "%lld", (long long)have);
	for (const char *p; (p = strstr(sql, "%s")); sql = p + 2) {
		strbuf_add(&s, sql, (size_t)(p - sql));
		strbuf_add(&s, at, strlen(at));
	}
	strbuf_add(&s, sql, strlen(sql));
	ps = s.oom ? poise_error_nomem(err) : team_read_all(t, s.p, r, n, what, err);
	free(s.p);
	/* One local transaction: what came, and the mark. */
	if (ps == POISE_OK && (ps = store_sync_begin(st, err)) == POISE_OK) {
		mark = strtoll(PQgetvalue(r[1], 0, 0), NULL, 10);
		ps = apply(ctx, st, r, &mark, err);
		if (ps == POISE_OK)
			ps = store_sync_set_mark(st, mark_name, mark, err);
		if (ps == POISE_OK)
			ps = store_sync_end(st, 1, err);
		else
			store_sync_end(st, 0, NULL);
	}
	for (int i = 0; i < n; i++)
		PQclear(r[i]);
	free(r);
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

struct pulled {
	struct team *t;
	struct team_sync_counts *n;
};

/* What came, then the agent's calls now whole on the server off the list. */
static enum poise_status apply(void *ctx, struct store *st, PGresult **r, int64_t *mark,
			       struct poise_error *err)
{
	struct pulled *p = ctx;
	const PGresult *pb = r[PULL_PLAYBOOKS];
	enum poise_status ps = team_apply_reviews_done(st, r[PULL_REVIEWS], r[PULL_FOLLOWUPS],
						       &p->n->reviews, &p->n->followups_done, err);
	int applied;

	(void)mark;
	for (int i = 0; ps == POISE_OK && i < PQntuples(pb); i++) {
		struct sync_playbook b = {val(pb, i, 0), val(pb, i, 1), val(pb, i, 2),
					  val(pb, i, 3), val(pb, i, 4), num(pb, i, 5)};

		if ((ps = store_sync_put_playbook(st, &b, &applied, err)) == POISE_OK)
			p->n->playbooks += (size_t)applied;
	}
	return ps == POISE_OK ? store_sync_tidy(st, p->t->role, err) : ps;
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
	if ((ps = team_pull(t, st, "server_xmin", pull_sql, PULL_N, apply,
			    &(struct pulled){t, n}, "read from the server", err)) != POISE_OK)
		return ps;
	/* A comment replaced by the server's later edit lingers in no file (as merge's). */
	if (n->reviews)
		store_scrub_wal(st);
	/* The QA loop: the agent's replies up, the scores and replies of their calls down. */
	return team_qa(t, st, 0, o, &n->replies_sent, &n->scores, &n->replies, err);
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
