/*
 * merge.c - calls from another poise database, by UUID.
 *
 * A call new here is written whole through the batch path (store_batch.h:
 * the rows of the live path, proven equal by its tests, at the generator's
 * speed); the events a call already here lacks go through
 * store_write_event(), as store_append() writes them. Either way the
 * summary columns and helper rows are the ones the normal path makes,
 * never a copy that could drift from it; a closed call's report figures
 * are made here by report.h's keeper, not copied from the other database
 * (whose poise may fold differently). A source of an older schema is read
 * as it is, not upgraded.
 */
#include "poise/merge.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "poise/report.h"
#include "poise/review.h"
#include "poise/text.h"
#include "poise/store_batch.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "store_int.h"
#include "poise/i18n.h"

#define NO_TEXT SIZE_MAX

/* A source call's events, held to be written whole; their texts in one arena. */
struct held {
	struct event *ev;
	size_t n, cap;
	size_t *off; /* each text's offset in the arena, NO_TEXT for NULL */
	size_t offcap;
	char *text;
	size_t ntext, captext;
};

struct merge_ctx {
	struct store *dst, *src;
	struct store_batch *batch;    /* the merge's one transaction */
	struct report_keeper *keeper; /* the merged calls' report figures */
	struct held held;
	struct merge_counts *counts;
	const char *call_id; /* the call being copied */
	int64_t from;	     /* copy its events with seq > from */
	int rc;		     /* SQLite result of a write to dst */
	enum poise_status ps;
	struct poise_error *err;
	struct qa_score *score; /* a QA scoring being copied */
	int refuse;		/* the call being read failed a check: why says so */
	struct poise_error why; /* why the call is refused */
};

/* --- checking rows from elsewhere ------------------------------------------ */

static int is_hash(const char *s)
{
	return strlen(s) == FIELD_HASH_LEN && strspn(s, "0123456789abcdef") == FIELD_HASH_LEN;
}

/* Strictly inside the range: a time read back at its edge was kept there (store_clamp_time). */
static int time_inside(int64_t t)
{
	return t > FIELD_TIME_MIN && t < FIELD_TIME_MAX;
}

static enum poise_status refused(struct poise_error *err, const char *why)
{
	return poise_error_put(err, POISE_INVALID, NULL, 0, 0, _(why));
}

/* A name or id from elsewhere: what it is (a msgid), its value, its limit in bytes. */
struct field {
	const char *what, *v;
	size_t max;
};

static enum poise_status check_fields(const struct field *f, size_t n, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;

	for (size_t i = 0; ps == POISE_OK && i < n; i++)
		ps = text_check_field(f[i].what, f[i].v, f[i].max, 0, err);
	return ps;
}

enum poise_status merge_check_call(const struct call_meta *m, struct poise_error *err)
{
	const struct field f[] = {
		{N_("agent name"), m->agent, FIELD_AGENT_MAX},
		{N_("customer name"), m->customer, FIELD_CUSTOMER_MAX},
		{N_("reference"), m->ref, FIELD_REF_MAX},
		{N_("playbook id"), m->playbook_id, FIELD_PLAYBOOK_ID_MAX},
		{N_("playbook version"), m->playbook_version, FIELD_VERSION_MAX},
		{N_("cause id"), m->cause, FIELD_CAUSE_ID_MAX},
	};
	enum poise_status ps;

	if (!limits_call_id(m->id, 1))
		return refused(err, "its id is not a UUID (lowercase, with dashes)");
	if (m->out_of_range)
		return refused(err, "a name or id is longer than its limit, or a time, mood or "
				    "seq is out of range");
	if ((ps = check_fields(f, sizeof(f) / sizeof(f[0]), err)) != POISE_OK)
		return ps;
	if (!m->agent[0] || !m->playbook_id[0] || !is_hash(m->playbook_hash))
		return refused(err, "it lacks an agent, a playbook id or a playbook hash");
	if (!time_inside(m->started) || (m->ended && !time_inside(m->ended)))
		return refused(err, "its start or end is not a time between 1970 and 9999");
	if (m->ended && m->ended < m->started)
		return refused(err, "it ends before it starts");
	if (strcmp(m->status, "open") != 0 && strcmp(m->status, "done") != 0 &&
	    strcmp(m->status, "interrupted") != 0)
		return refused(err, "its status is not open, done or interrupted");
	return POISE_OK;
}

/* What the store takes (event_check: its text too), with a seq and a time in range. */
enum poise_status merge_check_event(const struct event *ev, struct poise_error *err)
{
	enum poise_status ps;

	if ((ps = event_check(ev, err)) != POISE_OK)
		return ps;
	if (ev->seq < 1 || !time_inside(ev->t))
		return refused(err, "an event's seq or time is out of range");
	return POISE_OK;
}

/* A row that fails its check refuses the whole source, naming the call and why. */
static int refuse_call(struct merge_ctx *c, const char *id)
{
	char why[sizeof(c->why.msg)];

	text_safe(why, sizeof(why), c->why.msg, 0);
	c->ps = poise_error_set(c->err, POISE_INVALID, NULL, 0, 0,
				"call %.36s cannot be merged: %s", id, why);
	return 1;
}

/* Each event of an update checked before any is written. */
static int check_fn(void *ctx, const struct event *ev)
{
	struct merge_ctx *c = ctx;

	if (ev->seq <= c->from)
		return 0;
	c->refuse = merge_check_event(ev, &c->why) != POISE_OK;
	return c->refuse;
}

/* The last seq of call id in dst; -1 when the call is not there. */
static int64_t dst_last_seq(struct store *st, const char *id, int *rc)
{
	sqlite3_stmt *s = store_stmt(st, STMT_LAST_SEQ);
	int64_t last = -1;

	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	*rc = sqlite3_step(s);
	if (*rc == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	*rc = *rc == SQLITE_ROW || *rc == SQLITE_DONE ? SQLITE_OK : *rc;
	sqlite3_reset(s);
	return last;
}

static int event_fn(void *ctx, const struct event *ev)
{
	struct merge_ctx *c = ctx;

	if (ev->seq <= c->from)
		return 0;
	c->rc = store_write_event(c->dst, c->call_id, ev);
	return c->rc != SQLITE_OK;
}

/* Hold one source event; its text goes in the arena (as an offset until the call is whole). */
static int hold_fn(void *ctx, const struct event *ev)
{
	struct merge_ctx *c = ctx;
	struct held *h = &c->held;
	size_t len = ev->text ? strlen(ev->text) + 1 : 0;

	if (merge_check_event(ev, &c->why) != POISE_OK) {
		c->refuse = 1;
		return 1;
	}
	if (h->n >= MERGE_CALL_EVENTS_MAX || h->ntext + len > MERGE_CALL_TEXT_MAX) {
		c->refuse = 1;
		poise_error_set(&c->why, POISE_TOO_BIG, NULL, 0, 0,
				"it has more than %d events or %d bytes of text",
				MERGE_CALL_EVENTS_MAX, MERGE_CALL_TEXT_MAX);
		return 1;
	}
	if (!GROW(h->ev, h->n, h->cap, 64) || !GROW(h->off, h->n, h->offcap, 64) ||
	    (len && !grow_array((void **)&h->text, h->ntext + len - 1, &h->captext, 1, 4096))) {
		c->ps = poise_error_nomem(c->err);
		return 1;
	}
	h->ev[h->n] = *ev;
	h->off[h->n] = len ? h->ntext : NO_TEXT;
	if (len)
		memcpy(h->text + h->ntext, ev->text, len);
	h->ntext += len;
	h->n++;
	return 0;
}

/* A call new here, whole, with its figures when it is closed. */
static int add_whole(struct merge_ctx *c, const struct call_meta *m)
{
	struct held *h = &c->held;
	unsigned char *blob = NULL;
	char *text = NULL;
	size_t len = 0;
	enum poise_status ps;

	h->n = h->ntext = 0;
	ps = store_call_events(c->src, m->id, hold_fn, c, c->err);
	if (ps != POISE_OK)
		c->ps = ps;
	if (c->ps != POISE_OK)
		return 1;
	if (c->refuse)
		return refuse_call(c, m->id);
	for (size_t i = 0; i < h->n; i++)
		h->ev[i].text = h->off[i] == NO_TEXT ? NULL : h->text + h->off[i];
	c->ps = store_playbook_text(c->src, m->playbook_hash, &text, &len, c->err);
	if (c->ps == POISE_OK)
		c->ps = store_batch_call_text(c->batch, m, text, len, h->ev, h->n, c->err);
	free(text);
	if (c->ps != POISE_OK)
		return 1;
	/* Only a saving: an open or damaged call, or any failure, goes without. */
	if (c->keeper && report_keeper_pack(c->keeper, m->playbook_hash, h->ev, h->n, &blob, &len,
					    &(struct poise_error){0}) == POISE_OK)
		c->ps = store_batch_figures(c->batch, m->id, REPORT_FIGURES_VERSION, (int64_t)h->n,
					    blob, len, c->err);
	free(blob);
	return c->ps != POISE_OK;
}

/*
 * A merged call that is closed here gets its report figures, as a call
 * does when it ends. Only a saving (reports fold a call without them), so
 * an open or damaged call, or any failure, just goes without.
 */
static void keep_figures(struct merge_ctx *c, const char *id)
{
	struct poise_error ignored;

	if (c->keeper)
		report_keeper_call(c->keeper, id, &ignored);
}

static int call_fn(void *ctx, const struct call_meta *m)
{
	struct merge_ctx *c = ctx;
	int64_t last = dst_last_seq(c->dst, m->id, &c->rc);
	enum poise_status ps;

	if (c->rc != SQLITE_OK)
		return 1;
	if (merge_check_call(m, &c->why) != POISE_OK)
		return refuse_call(c, m->id);
	if (last >= m->last_seq) {
		c->counts->present++;
		return 0;
	}
	if (last < 0) {
		if (add_whole(c, m))
			return 1;
		c->counts->added++;
		return 0;
	}
	c->call_id = m->id;
	c->from = last < 0 ? 0 : last;
	if ((ps = store_call_events(c->src, m->id, check_fn, c, c->err)) != POISE_OK)
		c->ps = ps;
	if (c->ps != POISE_OK)
		return 1;
	if (c->refuse)
		return refuse_call(c, m->id);
	ps = store_call_events(c->src, m->id, event_fn, c, c->err);
	if (ps != POISE_OK)
		c->ps = ps;
	if (c->ps != POISE_OK || c->rc != SQLITE_OK)
		return 1;
	keep_figures(c, m->id);
	c->counts->updated++;
	return 0;
}

enum poise_status merge_call(struct store *st, struct store_batch *b, struct report_keeper *keeper,
			     const struct call_meta *m, const char *text, size_t len,
			     struct event *ev, size_t n, int *changed, struct poise_error *err)
{
	struct poise_error why;
	enum poise_status ps;
	int64_t last, first;
	size_t skip = 0;
	int rc;

	*changed = 0;
	poise_error_clear(&why);
	if (merge_check_call(m, &why) != POISE_OK)
		goto refuse;
	for (size_t i = 0; i < n; i++)
		if (merge_check_event(&ev[i], &why) != POISE_OK)
			goto refuse;
	if ((last = dst_last_seq(st, m->id, &rc)) < 0 && rc != SQLITE_OK)
		return store_fail(st, rc, "merge a call", err);
	while (skip < n && ev[skip].seq <= last)
		skip++;
	if (skip == n)
		return POISE_OK; /* all here already */
	/* What is added must follow on from what is here, with nothing missing. */
	first = last < 0 ? 1 : last + 1;
	for (size_t i = skip; i < n; i++)
		if (ev[i].seq != first + (int64_t)(i - skip)) {
			poise_error_set(&why, POISE_INVALID, NULL, 0, 0,
					"its events are not all there (seq %lld after %lld)",
					(long long)ev[i].seq,
					(long long)(first + (int64_t)(i - skip) - 1));
			goto refuse;
		}
	*changed = 1;
	if (last < 0) {
		unsigned char *blob = NULL;
		size_t blen = 0;

		if ((ps = store_batch_call_text(b, m, text, len, ev, n, err)) != POISE_OK)
			return ps;
		if (keeper && report_keeper_pack(keeper, m->playbook_hash, ev, n, &blob, &blen,
						 &(struct poise_error){0}) == POISE_OK)
			ps = store_batch_figures(b, m->id, REPORT_FIGURES_VERSION, (int64_t)n, blob,
						 blen, err);
		free(blob);
		return ps;
	}
	for (size_t i = skip; i < n; i++)
		if ((rc = store_write_event(st, m->id, &ev[i])) != SQLITE_OK)
			return store_fail(st, rc, "merge a call's events", err);
	if (keeper)
		report_keeper_call(keeper, m->id, &why);
	return POISE_OK;
refuse : {
	char msg[sizeof(why.msg)];

	text_safe(msg, sizeof(msg), why.msg, 0);
	return poise_error_set(err, POISE_INVALID, NULL, 0, 0, "call %.36s cannot be merged: %s",
			       m->id, msg);
}
}

/* --- rows beside the calls ------------------------------------------------- */

/* A statement of a copy: read from the source (on_src) or written here. */
struct prep {
	int on_src;
	const char *sql;
	sqlite3_stmt **s;
};

/* Prepare each of p[0..n); SQLite's result, the first failure. */
static int prepare(struct merge_ctx *c, const struct prep *p, size_t n)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
		rc = sqlite3_prepare_v2(p[i].on_src ? c->src->db : c->dst->db, p[i].sql, -1, p[i].s,
					NULL);
	return rc;
}

static int finalize(const struct prep *p, size_t n, int rc)
{
	for (size_t i = 0; i < n; i++)
		sqlite3_finalize(*p[i].s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Step a write to dst: SQLITE_OK, or its error. */
static int wrote(struct merge_ctx *c, sqlite3_stmt *w)
{
	return sqlite3_step(w) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(c->dst->db);
}

/*
 * A copy of rows beside the calls: each row rd_sql reads from the source
 * (its ?1 bound to rd_key, when it has one) handed to fn with wr, wr_sql
 * prepared here (reset and unbound), and wr_key. SQLite's result, the
 * first failure.
 */
typedef int (*copy_fn)(struct merge_ctx *c, sqlite3_stmt *rd, sqlite3_stmt *wr, int64_t wr_key);

static int copy_rows(struct merge_ctx *c, const char *rd_sql, int64_t rd_key, const char *wr_sql,
		     int64_t wr_key, copy_fn fn)
{
	sqlite3_stmt *rd = NULL, *wr = NULL;
	int rc = sqlite3_prepare_v2(c->src->db, rd_sql, -1, &rd, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(c->dst->db, wr_sql, -1, &wr, NULL);
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(rd) > 0)
		sqlite3_bind_int64(rd, 1, rd_key);
	while (rc == SQLITE_OK && (rc = sqlite3_step(rd)) == SQLITE_ROW) {
		sqlite3_reset(wr);
		sqlite3_clear_bindings(wr);
		rc = fn(c, rd, wr, wr_key);
	}
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A follow-up closed there (call_id, seq, done_at) is closed here at the same time. */
static int close_one(struct merge_ctx *c, sqlite3_stmt *rd, sqlite3_stmt *wr, int64_t unused)
{
	int rc;

	(void)unused;
	for (int i = 0; i < 3; i++)
		sqlite3_bind_value(wr, i + 1, sqlite3_column_value(rd, i));
	if ((rc = wrote(c, wr)) != SQLITE_OK || sqlite3_changes(c->dst->db) == 0)
		return rc;
	c->counts->closed++;
	return store_followup_closed_at(c->dst, (const char *)sqlite3_column_text(rd, 0),
					sqlite3_column_int64(rd, 1));
}

/* Follow-ups closed in src are closed here, at the same time; open ones stay. */
static int copy_closed(struct merge_ctx *c)
{
	return copy_rows(c, "SELECT call_id, seq, done_at FROM followups WHERE done_at IS NOT NULL",
			 0,
			 "UPDATE followups SET done_at = ?3 "
			 "WHERE call_id = ?1 AND seq = ?2 AND done_at IS NULL",
			 0, close_one);
}

/* One per-stage score (stage, score) of the source's review, for review dst_id here. */
static int score_one(struct merge_ctx *c, sqlite3_stmt *rd, sqlite3_stmt *wr, int64_t dst_id)
{
	if (stage_from_key((const char *)sqlite3_column_text(rd, 0)) < 0)
		return SQLITE_OK; /* not a stage this poise knows: not copied */
	sqlite3_bind_int64(wr, 1, dst_id);
	sqlite3_bind_value(wr, 2, sqlite3_column_value(rd, 0));
	sqlite3_bind_value(wr, 3, sqlite3_column_value(rd, 1));
	return wrote(c, wr);
}

/* Review dst_id's per-stage scores become review src_id's of the source. */
static int copy_scores(struct merge_ctx *c, int64_t src_id, int64_t dst_id)
{
	sqlite3_stmt *d = NULL;
	int rc = sqlite3_prepare_v2(c->dst->db, "DELETE FROM review_scores WHERE review_id = ?1",
				    -1, &d, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(d, 1, dst_id);
		rc = wrote(c, d);
	}
	sqlite3_finalize(d);
	if (rc != SQLITE_OK)
		return rc;
	return copy_rows(c, "SELECT stage, score FROM review_scores WHERE review_id = ?1", src_id,
			 "INSERT OR IGNORE INTO review_scores (review_id, stage, score) "
			 "SELECT ?1, ?2, ?3 WHERE ?3 BETWEEN 1 AND 5",
			 dst_id, score_one);
}

/* A row of the source that fails its check refuses the source (rc SQLITE_ABORT). */
static int refuse_row(struct merge_ctx *c, const char *call)
{
	refuse_call(c, call && strlen(call) < 64 ? call : "?");
	return SQLITE_ABORT;
}

/*
 * Reviews of calls that are here: one review is the same review in every
 * database (its uuid; a source older than schema 5 has none, and its
 * reviews are matched by call, reviewer and creation time). A review not
 * here is added with its scores. Of one here already, the later edit wins
 * (updated_at, or created_at when never edited; a source older than schema
 * 11 has no edit time): a later edit there replaces the comment, scores and
 * read mark here; the same edit carries only the agent's having read it
 * (acked_at); an older edit there changes nothing. So merging either way,
 * or twice, ends the same.
 */
static int copy_reviews(struct merge_ctx *c)
{
	long v = store_user_version(c->src); /* read as it is, not upgraded */
	sqlite3_stmt *r = NULL, *find = NULL, *add = NULL, *ack = NULL, *edit = NULL;
	const struct prep p[] = {
		{1,
		 v >= 11  ? "SELECT id, call_id, reviewer, created_at, comment, acked_at, "
			    "uuid, synced, coalesce(updated_at, created_at) FROM reviews ORDER BY id"
		 : v >= 5 ? "SELECT id, call_id, reviewer, created_at, comment, acked_at, "
			    "uuid, synced, created_at FROM reviews ORDER BY id"
			  : "SELECT id, call_id, reviewer, created_at, comment, acked_at, "
			    "NULL, 0, created_at FROM reviews ORDER BY id",
		 &r},
		{0,
		 "SELECT id, acked_at, coalesce(updated_at, created_at) FROM reviews "
		 "WHERE uuid = ?1 OR (call_id = ?2 AND reviewer = ?3 AND created_at = ?4) "
		 "UNION ALL SELECT 0, NULL, 0 WHERE NOT EXISTS "
		 "(SELECT 1 FROM calls WHERE id = ?2) LIMIT 1",
		 &find},
		{0,
		 "INSERT INTO reviews (call_id, reviewer, created_at, comment, acked_at, uuid, "
		 "synced, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, ?3))",
		 &add},
		{0, "UPDATE reviews SET acked_at = ?2 WHERE id = ?1 AND acked_at IS NULL", &ack},
		{0,
		 "UPDATE reviews SET comment = ?2, acked_at = ?3, synced = ?4, "
		 "updated_at = nullif(?5, created_at) WHERE id = ?1",
		 &edit},
	};
	const size_t np = sizeof(p) / sizeof(p[0]);
	int rc;

	if (v < 2)
		return SQLITE_OK; /* no reviews before schema 2 */
	rc = prepare(c, p, np);
	while (rc == SQLITE_OK && (rc = sqlite3_step(r)) == SQLITE_ROW) {
		const char *call = (const char *)sqlite3_column_text(r, 1);
		const char *who = (const char *)sqlite3_column_text(r, 2);
		const char *comment = (const char *)sqlite3_column_text(r, 4);
		const char *uuid = (const char *)sqlite3_column_text(r, 6);
		int64_t at = sqlite3_column_int64(r, 3), edited = sqlite3_column_int64(r, 8), here,
			here_edited;
		char made[FIELD_CALL_ID_SIZE];
		int bad = !call || !who || !comment || !limits_call_id(call, 1) ||
			  (uuid && !limits_call_id(uuid, 1)) || !time_inside(at) ||
			  !time_inside(edited) || edited < at;

		if (bad)
			poise_error_set(&c->why, POISE_INVALID, NULL, 0, 0,
					"a review of it is not one poise wrote");
		else
			bad = text_check_field(N_("a reviewer's name"), who, FIELD_AGENT_MAX, 0,
					       &c->why) != POISE_OK ||
			      text_check_field(N_("a review's comment"), comment, REVIEW_COMMENT_MAX,
					       TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB,
					       &c->why) != POISE_OK;
		if (bad) {
			rc = refuse_row(c, call);
			break;
		}
		sqlite3_reset(find);
		sqlite3_bind_text(find, 1, uuid ? uuid : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(find, 2, call, -1, SQLITE_STATIC);
		sqlite3_bind_text(find, 3, who, -1, SQLITE_STATIC);
		sqlite3_bind_int64(find, 4, at);
		if ((rc = sqlite3_step(find)) == SQLITE_ROW) {
			here = sqlite3_column_int64(find, 0);
			here_edited = sqlite3_column_int64(find, 2);
			rc = SQLITE_OK;
			if (here == 0 || edited < here_edited)
				continue; /* its call is not here, or this edit is older */
			if (edited > here_edited) {
				sqlite3_reset(edit);
				sqlite3_bind_int64(edit, 1, here);
				sqlite3_bind_text(edit, 2, comment, -1, SQLITE_STATIC);
				sqlite3_bind_value(edit, 3, sqlite3_column_value(r, 5));
				sqlite3_bind_int(edit, 4, sqlite3_column_int(r, 7) != 0);
				sqlite3_bind_int64(edit, 5, edited);
				if ((rc = wrote(c, edit)) == SQLITE_OK &&
				    (rc = store_review_text(c->dst, here)) == SQLITE_OK)
					rc = copy_scores(c, sqlite3_column_int64(r, 0), here);
				c->counts->edited++;
				continue;
			}
			if (sqlite3_column_type(r, 5) == SQLITE_NULL ||
			    sqlite3_column_type(find, 1) != SQLITE_NULL)
				continue;
			sqlite3_reset(ack);
			sqlite3_bind_int64(ack, 1, here);
			sqlite3_bind_value(ack, 2, sqlite3_column_value(r, 5));
			rc = wrote(c, ack);
			c->counts->acked += (size_t)sqlite3_changes(c->dst->db);
			continue;
		}
		if (rc != SQLITE_DONE)
			break;
		if (!uuid) {
			if (store_new_uuid(made, at, c->err) != POISE_OK) {
				rc = SQLITE_NOMEM;
				break;
			}
			uuid = made;
		}
		sqlite3_reset(add);
		sqlite3_bind_text(add, 1, call, -1, SQLITE_STATIC);
		sqlite3_bind_text(add, 2, who, -1, SQLITE_STATIC);
		sqlite3_bind_int64(add, 3, at);
		sqlite3_bind_text(add, 4, comment, -1, SQLITE_STATIC);
		sqlite3_bind_value(add, 5, sqlite3_column_value(r, 5));
		sqlite3_bind_text(add, 6, uuid, -1, SQLITE_STATIC);
		sqlite3_bind_int(add, 7, sqlite3_column_int(r, 7) != 0);
		sqlite3_bind_int64(add, 8, edited);
		rc = wrote(c, add);
		here = sqlite3_last_insert_rowid(c->dst->db);
		if (rc == SQLITE_OK && (rc = store_review_text(c->dst, here)) == SQLITE_OK)
			rc = copy_scores(c, sqlite3_column_int64(r, 0), here);
		c->counts->reviews++;
	}
	return finalize(p, np, rc);
}

enum poise_status merge_check_score(const struct qa_score *q, struct poise_error *err)
{
	const struct field f[] = {
		{N_("a reviewer's name"), q->reviewer, FIELD_AGENT_MAX},
		{N_("scorecard id"), q->scorecard_id, FIELD_PLAYBOOK_ID_MAX},
		{N_("scorecard version"), q->scorecard_version, FIELD_VERSION_MAX},
	};
	enum poise_status ps;

	if (!limits_call_id(q->id, 1) || !limits_call_id(q->call_id, 1))
		return refused(err, "a score's id or call id is not a UUID");
	if (!q->reviewer[0] || !q->scorecard_id[0])
		return refused(err, "a score lacks a reviewer or a scorecard");
	if (!time_inside(q->created_at) || !time_inside(q->updated_at) ||
	    q->updated_at < q->created_at)
		return refused(err, "a score's times are out of range");
	if ((ps = check_fields(f, sizeof(f) / sizeof(f[0]), err)) != POISE_OK)
		return ps;
	for (size_t i = 0; i < q->nanswers; i++)
		if ((ps = text_check_field(N_("a criterion id"), q->answers[i].criterion,
					   FIELD_PLAYBOOK_ID_MAX, 0, err)) != POISE_OK)
			return ps;
	return POISE_OK;
}

enum poise_status merge_check_reply(const struct review_reply *r, int kind,
				    struct poise_error *err)
{
	enum poise_status ps;

	if (!limits_call_id(r->id, 1) || !limits_call_id(r->review_uuid, 1))
		return refused(err, "a reply's id or review id is not a UUID");
	if (kind < 0 || (kind == REPLY_ACK) != !r->text[0])
		return refused(err, "a reply is not an acknowledgement, a reply or a dispute");
	if (!time_inside(r->created_at))
		return refused(err, "a reply's time is out of range");
	if ((ps = text_check_field(N_("an agent name"), r->agent, FIELD_AGENT_MAX, 0, err)) !=
		    POISE_OK ||
	    (ps = text_check_field(N_("a reply's text"), r->text, REVIEW_COMMENT_MAX, 0, err)) !=
		    POISE_OK)
		return ps;
	return r->agent[0] ? POISE_OK : refused(err, "a reply lacks an agent");
}

/* One QA scoring of the source: checked, then put here (store_score_put). */
static int qa_score_fn(void *ctx, const struct qa_score *from)
{
	struct merge_ctx *c = ctx;
	struct qa_score *q = c->score;
	int applied;

	enum poise_status ps;

	*q = *from;
	if (merge_check_score(q, &c->why) != POISE_OK ||
	    (ps = store_score_put(c->dst, q, 0, &applied, &c->why)) == POISE_USAGE) {
		c->rc = refuse_row(c, q->call_id);
		return 1;
	}
	if (ps == POISE_NOT_FOUND)
		return 0; /* its call is not here */
	if (ps != POISE_OK) {
		*c->err = c->why;
		c->ps = ps;
		return 1;
	}
	c->counts->scores += (size_t)applied;
	return 0;
}

/*
 * QA scorings (schema 7) by their uuid: new here, added when their call
 * is; the later edit (updated_at) wins, as for reviews.
 */
static int copy_qa_scores(struct merge_ctx *c)
{
	enum poise_status ps;

	if (store_user_version(c->src) < 7)
		return SQLITE_OK;
	if (!c->score && !(c->score = malloc(sizeof(*c->score))))
		return SQLITE_NOMEM;
	ps = store_score_each(c->src, NULL, qa_score_fn, c, c->err);
	if (ps != POISE_OK && c->ps == POISE_OK)
		c->ps = ps;
	return c->rc != SQLITE_OK ? c->rc : c->ps != POISE_OK ? SQLITE_ABORT : SQLITE_OK;
}

/*
 * The agent's replies (schema 7) by their uuid, added when their review is
 * here (copy_reviews ran first) and they are not; a reply is never edited.
 * Before schema 11 a reply names its review by the source's reviews.id.
 */
static int copy_replies(struct merge_ctx *c)
{
	long v = store_user_version(c->src);
	sqlite3_stmt *r = NULL;
	const struct prep p[] = {
		{1,
		 v >= 11 ? "SELECT id, review_id, agent, created_at, kind, text FROM review_replies "
			   "ORDER BY id"
			 : "SELECT p.id, r.uuid, p.agent, p.created_at, p.kind, p.text "
			   "FROM review_replies p JOIN reviews r ON r.id = p.review_id ORDER BY p.id",
		 &r},
	};
	struct review_reply one;
	int rc, applied;

	if (v < 7)
		return SQLITE_OK;
	rc = prepare(c, p, 1);
	while (rc == SQLITE_OK && (rc = sqlite3_step(r)) == SQLITE_ROW) {
		int kind = reply_kind_from_key((const char *)sqlite3_column_text(r, 4));

		rc = SQLITE_OK;
		memset(&one, 0, sizeof(one));
		store_col_copy(r, 0, one.id, sizeof(one.id));
		store_col_copy(r, 1, one.review_uuid, sizeof(one.review_uuid));
		store_col_copy(r, 2, one.agent, sizeof(one.agent));
		one.created_at = sqlite3_column_int64(r, 3);
		one.kind = kind < 0 ? REPLY_REPLY : (enum reply_kind)kind;
		store_col_copy(r, 5, one.text, sizeof(one.text));
		if (merge_check_reply(&one, kind, &c->why) != POISE_OK) {
			rc = refuse_row(c, NULL);
			break;
		}
		c->ps = store_reply_put(c->dst, &one, 0, &applied, c->err);
		if (c->ps == POISE_NOT_FOUND)
			c->ps = POISE_OK; /* its review is not here */
		if (c->ps != POISE_OK) {
			rc = SQLITE_ABORT;
			break;
		}
		c->counts->replies += (size_t)applied;
	}
	return finalize(p, 1, rc);
}

/* --- the source's rows at the edge ------------------------------------------ */

/*
 * What each column merge reads from a source must look like, checked on
 * the raw value before any of it is copied into a buffer of its size (a
 * longer id cut to fit could name another, real row here).
 */
enum edge_form {
	EDGE_TEXT, /* text of at most max bytes, valid UTF-8, no NUL or unsafe character */
	EDGE_UUID, /* FIELD_CALL_ID_LEN characters, lowercase hex and dashes */
	EDGE_HASH, /* FIELD_HASH_LEN lowercase hex digits */
	EDGE_TIME, /* an integer strictly inside FIELD_TIME_MIN..FIELD_TIME_MAX */
};

struct edge_col {
	const char *name, *what; /* the column; what it holds (a msgid) */
	enum edge_form form;
	size_t max; /* EDGE_TEXT: its limit in bytes */
	int flags;  /* EDGE_TEXT: text.h's TEXT_KEEP_* */
	long since; /* the schema version that added it (0: the table's) */
};

#define EDGE_COLS 12
#define TEXT_MULTI (TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB)

struct edge_table {
	const char *name, *row; /* the table; an SQL expression that names a row */
	long since;		/* the schema version that added it */
	struct edge_col col[EDGE_COLS];
};

/* Every table merge reads, every column it reads (NULL passes: the later checks say if it may be). */
static const struct edge_table edge_tables[] = {
	{"playbook_texts",
	 "hash",
	 1,
	 {{"hash", N_("playbook hash"), EDGE_HASH, 0, 0, 0},
	  {"id", N_("playbook id"), EDGE_TEXT, FIELD_PLAYBOOK_ID_MAX, 0, 0},
	  {"version", N_("playbook version"), EDGE_TEXT, FIELD_VERSION_MAX, 0, 0}}},
	{"calls",
	 "id",
	 1,
	 {{"id", N_("call id"), EDGE_UUID, 0, 0, 0},
	  {"agent", N_("agent name"), EDGE_TEXT, FIELD_AGENT_MAX, 0, 0},
	  {"customer", N_("customer name"), EDGE_TEXT, FIELD_CUSTOMER_MAX, 0, 0},
	  {"customer_ref", N_("reference"), EDGE_TEXT, FIELD_REF_MAX, 0, 0},
	  {"playbook_id", N_("playbook id"), EDGE_TEXT, FIELD_PLAYBOOK_ID_MAX, 0, 0},
	  {"playbook_version", N_("playbook version"), EDGE_TEXT, FIELD_VERSION_MAX, 0, 0},
	  {"playbook_hash", N_("playbook hash"), EDGE_HASH, 0, 0, 0},
	  {"status", N_("status"), EDGE_TEXT, sizeof(((struct call_meta *)0)->status) - 1, 0, 0},
	  {"outcome", N_("outcome"), EDGE_TEXT, sizeof(((struct call_meta *)0)->outcome) - 1, 0,
	   0},
	  {"cause", N_("cause id"), EDGE_TEXT, FIELD_CAUSE_ID_MAX, 0, 0},
	  {"practice", N_("scenario id"), EDGE_TEXT, FIELD_PLAYBOOK_ID_MAX, 0, 9}}},
	{"followups",
	 "call_id || '/' || seq",
	 1,
	 {{"call_id", N_("call id"), EDGE_UUID, 0, 0, 0},
	  {"done_at", N_("done time"), EDGE_TIME, 0, 0, 0}}},
	{"reviews",
	 "'id ' || id || ', call ' || call_id",
	 2,
	 {{"call_id", N_("call id"), EDGE_UUID, 0, 0, 0},
	  {"reviewer", N_("a reviewer's name"), EDGE_TEXT, FIELD_AGENT_MAX, 0, 0},
	  {"comment", N_("a review's comment"), EDGE_TEXT, REVIEW_COMMENT_MAX, TEXT_MULTI, 0},
	  {"created_at", N_("creation time"), EDGE_TIME, 0, 0, 0},
	  {"acked_at", N_("read time"), EDGE_TIME, 0, 0, 0},
	  {"uuid", N_("review id"), EDGE_UUID, 0, 0, 5},
	  {"updated_at", N_("edit time"), EDGE_TIME, 0, 0, 11}}},
	{"review_scores",
	 "review_id || '/' || stage",
	 2,
	 {{"stage", N_("stage"), EDGE_TEXT, FIELD_PLAYBOOK_ID_MAX, 0, 0}}},
	{"qa_scores",
	 "id",
	 7,
	 {{"id", N_("score id"), EDGE_UUID, 0, 0, 0},
	  {"call_id", N_("call id"), EDGE_UUID, 0, 0, 0},
	  {"reviewer", N_("a reviewer's name"), EDGE_TEXT, FIELD_AGENT_MAX, 0, 0},
	  {"scorecard_id", N_("scorecard id"), EDGE_TEXT, FIELD_PLAYBOOK_ID_MAX, 0, 0},
	  {"scorecard_version", N_("scorecard version"), EDGE_TEXT, FIELD_VERSION_MAX, 0, 0}}},
	{"qa_answers",
	 "score_id || '/' || criterion",
	 7,
	 {{"score_id", N_("score id"), EDGE_UUID, 0, 0, 0},
	  {"criterion", N_("a criterion id"), EDGE_TEXT, FIELD_PLAYBOOK_ID_MAX, 0, 0}}},
	{"review_replies",
	 "id",
	 7,
	 {{"id", N_("reply id"), EDGE_UUID, 0, 0, 0},
	  {"review_id", N_("review id"), EDGE_UUID, 0, 0, 11},
	  {"agent", N_("an agent name"), EDGE_TEXT, FIELD_AGENT_MAX, 0, 0},
	  {"kind", N_("kind"), EDGE_TEXT, 15, 0, 0},
	  {"text", N_("a reply's text"), EDGE_TEXT, REVIEW_COMMENT_MAX, 0, 0}}},
};

/* Why column i of row s breaks its form (in why), or 0 when it keeps it. */
static int edge_bad(sqlite3_stmt *s, int i, const struct edge_col *col, char *why, size_t size)
{
	int type = sqlite3_column_type(s, i); /* before column_text converts the value */
	const char *v = (const char *)sqlite3_column_text(s, i);
	size_t n = v ? strlen(v) : 0;
	struct poise_error e;

	if (type == SQLITE_NULL)
		return 0;
	if (col->form == EDGE_TIME) {
		if (type == SQLITE_INTEGER && time_inside(sqlite3_column_int64(s, i)))
			return 0;
		snprintf(why, size, _("its %s is not a time (milliseconds from 1970 to 9999)"),
			 _(col->what));
		return 1;
	}
	if (type != SQLITE_TEXT || !v)
		snprintf(why, size, _("its %s is not text"), _(col->what));
	else if ((size_t)sqlite3_column_bytes(s, i) != n)
		snprintf(why, size, _("its %s holds a NUL byte"), _(col->what));
	else if (col->form == EDGE_UUID && (n != FIELD_CALL_ID_LEN || !limits_call_id(v, 1)))
		snprintf(why, size,
			 _("its %s is not a UUID (36 characters: lowercase hex digits and dashes), "
			   "it is %zu bytes"),
			 _(col->what), n);
	else if (col->form == EDGE_HASH && !is_hash(v))
		snprintf(why, size, _("its %s is not a SHA-256 (64 lowercase hex digits)"),
			 _(col->what));
	else if (col->form == EDGE_TEXT && n > col->max)
		snprintf(why, size, _("its %s is %zu bytes, longer than poise's limit of %zu"),
			 _(col->what), n, col->max);
	else if (text_check_field(col->what, v, n, col->flags, &e) != POISE_OK)
		snprintf(why, size, "%.*s", (int)size - 1, e.msg); /* cut to why */
	else
		return 0;
	return 1;
}

/* Refuse the source at path for row n of table t (its name in column 0 of s). */
static enum poise_status edge_refuse(struct merge_ctx *c, const char *path,
				     const struct edge_table *t, long long n, sqlite3_stmt *s,
				     const char *why)
{
	const char *raw = store_col_text(s, 0);
	char key[72], file[160];

	text_safe(key, sizeof(key) - 4, raw, 0);
	if (strlen(raw) > strlen(key))
		strcat(key, "...");
	text_safe(file, sizeof(file), path, 0);
	return poise_error_set(c->err, POISE_INVALID, NULL, 0, 0,
			       "'%s' cannot be merged: table %s, row %lld (%s): %s. That row is not "
			       "one poise wrote (the file is damaged or was edited): get a fresh "
			       "copy from its owner, or delete the row, and merge again",
			       file, t->name, n, key, why);
}

/* Each row of one table of the source, each column it is read for. */
static enum poise_status edge_table(struct merge_ctx *c, const char *path, long v,
				    const struct edge_table *t)
{
	const struct edge_col *col[EDGE_COLS];
	char sql[512], why[300];
	size_t len, ncol = 0;
	sqlite3_stmt *s = NULL;
	enum poise_status ps = POISE_OK;
	long long n = 0;
	int rc;

	len = (size_t)snprintf(sql, sizeof(sql), "SELECT %s", t->row);
	for (size_t i = 0; i < EDGE_COLS && t->col[i].name; i++)
		if (v >= t->col[i].since) {
			col[ncol++] = &t->col[i];
			len += (size_t)snprintf(sql + len, sizeof(sql) - len, ", %s", t->col[i].name);
		}
	snprintf(sql + len, sizeof(sql) - len, " FROM %s", t->name);
	rc = sqlite3_prepare_v2(c->src->db, sql, -1, &s, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		n++;
		for (size_t i = 0; ps == POISE_OK && i < ncol; i++)
			if (edge_bad(s, (int)i + 1, col[i], why, sizeof(why)))
				ps = edge_refuse(c, path, t, n, s, why);
		if (ps != POISE_OK)
			break;
	}
	sqlite3_finalize(s);
	if (ps == POISE_OK && rc != SQLITE_DONE && rc != SQLITE_OK)
		ps = store_fail(c->src, rc, "check the file's rows", c->err);
	return ps;
}

/* Every row merge may read from the source, checked before anything is written. */
static enum poise_status edge_check(struct merge_ctx *c, const char *path)
{
	long v = store_user_version(c->src);
	enum poise_status ps = POISE_OK;

	sqlite3_stmt *s = NULL;
	char why[120];
	int rc;

	for (size_t i = 0; ps == POISE_OK && i < sizeof(edge_tables) / sizeof(edge_tables[0]); i++)
		if (v >= edge_tables[i].since)
			ps = edge_table(c, path, v, &edge_tables[i]);
	if (ps != POISE_OK || v < 7)
		return ps;
	/* A scoring is read back with at most SCORECARD_MAX_CRITERIA answers: more would be cut. */
	rc = sqlite3_prepare_v2(c->src->db,
				"SELECT score_id, count(*) FROM qa_answers GROUP BY score_id "
				"HAVING count(*) > ?1 LIMIT 1",
				-1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(s, 1, SCORECARD_MAX_CRITERIA);
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_ROW) {
		snprintf(why, sizeof(why), _("its scoring has more than %d answers"),
			 SCORECARD_MAX_CRITERIA);
		ps = edge_refuse(c, path, &(struct edge_table){"qa_answers", NULL, 7, {{0}}},
				 sqlite3_column_int64(s, 1), s, why);
	} else if (rc != SQLITE_DONE)
		ps = store_fail(c->src, rc, "check the file's rows", c->err);
	sqlite3_finalize(s);
	return ps;
}

static enum poise_status merge_all(struct merge_ctx *c)
{
	struct poise_error *err = c->err;
	enum poise_status ps;
	int rc;

	if ((ps = store_batch_begin(c->dst, STORE_BATCH_CACHE_MERGE, &c->batch, err)) != POISE_OK)
		return ps;
	ps = store_each_call(c->src, 0, 0, call_fn, c, err);
	if (ps == POISE_OK)
		ps = c->ps;
	rc = c->rc;
	if (ps == POISE_OK && rc == SQLITE_OK && (rc = copy_closed(c)) != SQLITE_OK)
		ps = store_fail(c->src, rc, "copy closed follow-ups", err);
	else if (ps == POISE_OK && rc == SQLITE_OK &&
		 ((rc = copy_reviews(c)) != SQLITE_OK || (rc = copy_qa_scores(c)) != SQLITE_OK ||
		  (rc = copy_replies(c)) != SQLITE_OK))
		ps = c->ps != POISE_OK ? c->ps : store_fail(c->src, rc, "copy reviews", err);
	else if (ps == POISE_OK && rc != SQLITE_OK)
		ps = store_fail(c->dst, rc, "merge calls", err);
	if (ps == POISE_OK) {
		ps = store_batch_commit(c->batch, err); /* it aborts when it fails */
		/* A comment replaced by its later edit lingers in no file (as review_save). */
		if (ps == POISE_OK && c->counts->edited)
			store_scrub_wal(c->dst);
		return ps;
	}
	store_batch_abort(c->batch);
	return ps;
}

enum poise_status merge_file(struct store *st, const char *src_path, struct merge_counts *out,
			     struct poise_error *err)
{
	struct merge_ctx c = {.dst = st, .counts = out, .err = err};
	enum poise_status ps;

	memset(out, 0, sizeof(*out));
	if (st->flags & STORE_READONLY)
		return poise_error_set(err, POISE_DB_READONLY, NULL, 0, 0,
				       "cannot merge into database '%s': it is open read-only",
				       st->path);
	if ((ps = store_open(src_path, STORE_READONLY | STORE_READ_OLD, &c.src, err)) != POISE_OK)
		return ps;
	out->pending = store_pending(c.src);
	/* No value the source holds can make us read more than this at once. */
	sqlite3_limit(c.src->db, SQLITE_LIMIT_LENGTH, MERGE_VALUE_MAX);
	c.keeper = report_keeper_new(st);
	if ((ps = edge_check(&c, src_path)) == POISE_OK)
		ps = merge_all(&c);
	report_keeper_free(c.keeper);
	free(c.held.ev);
	free(c.held.off);
	free(c.held.text);
	free(c.score);
	if (ps != POISE_OK)
		memset(out, 0, sizeof(*out));
	out->pending = store_pending(c.src);
	store_close(c.src);
	return ps;
}
