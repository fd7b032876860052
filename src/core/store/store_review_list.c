/*
 * store_review_list.c - the review list: filters, note search and keyset paging.
 *
 * A page is one statement built from the filter: conditions on calls that
 * each have an index ending in (started_at, id), a keyset bound
 * (started_at, id) < (key) instead of an OFFSET, ORDER BY that index's
 * order and LIMIT one page. So the first page and the thousandth cost the
 * same: a seek and a short walk. Values are always bound by name.
 *
 * Some filters need more than a WHERE:
 * - mood "at or above N" is a range on the indexed peak mood, which would
 *   lose the time order; so each level N..5 is its own seek, and the
 *   arms are merged (UNION ALL, each already ordered and limited). With
 *   another filter, that filter's index leads and the mood is checked.
 * - two or more of agent, outcome, cause and playbook meet: one index
 *   leads (the first of them in that order) and each of the others is
 *   checked by a seek on its own index at the same (started_at, id); only
 *   calls that pass every check read their row. Checking on the row reads
 *   the row of every call the walk passes: at a million calls a page of
 *   agent, outcome and mood 4+ read some 1,400 rows, from disk when the
 *   file is not cached (30 ms a page), where now it reads some 70.
 * - text search goes through the trigram indexes (notes_fts, texts_fts:
 *   STORE_TEXT_MATCH) when the text is rare (the matches are read and
 *   sorted: few), with the notes of the calls not yet indexed
 *   (notes_pending: those still open) read from events, and otherwise
 *   walks the calls newest first checking each call's notes (events_note)
 *   and its other texts, which finds a page of a common text after a short
 *   walk.
 * - the customer's name, reviewed or not, a score below N and the sample
 *   are checked on the row (each an index seek by call id where it needs
 *   another table).
 */
#include "poise/store_review.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "poise/scorecard.h"

#define SQL_MAX 8192

struct sql {
	char buf[SQL_MAX];
	size_t len;
	int overflow;
};

static void add(struct sql *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct sql *q, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (q->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(q->buf + q->len, sizeof(q->buf) - q->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(q->buf) - q->len)
		q->overflow = 1;
	else
		q->len += (size_t)n;
}

enum search_mode { SEARCH_NONE, SEARCH_SPARSE, SEARCH_WALK, SEARCH_SHORT };

/*
 * A search of one or two characters (a word of Chinese or Japanese is often
 * two), which the trigram indexes cannot answer: every typed text of each
 * call read, as the indexes were filled (note, escalate, followup,
 * reflection events, review comments, replies), in the newest
 * REVIEW_SEARCH_SHORT_CALLS calls only (STORE_TEXT_MATCH stays the one
 * indexed search).
 */
#define SHORT_MATCHES                                                                              \
	"(EXISTS (SELECT 1 FROM events e WHERE e.call_id = calls.id"                               \
	" AND e.kind IN ('note', 'escalate', 'followup', 'reflection')"                            \
	" AND e.text LIKE :like ESCAPE '\\')"                                                      \
	" OR EXISTS (SELECT 1 FROM reviews r WHERE r.call_id = calls.id"                           \
	" AND r.comment LIKE :like ESCAPE '\\')"                                                   \
	" OR EXISTS (SELECT 1 FROM reviews r JOIN review_replies p ON p.review_id = r.uuid"        \
	" WHERE r.call_id = calls.id AND p.text LIKE :like ESCAPE '\\'))"

/*
 * The notes matching :like of the calls not yet in notes_fts (schema 8:
 * a call's notes are indexed when it ends). notes_pending is short (the
 * calls open now), so it leads: each of its calls' notes by primary key.
 */
#define PENDING_MATCHES                                                                            \
	"SELECT p.call_id FROM notes_pending p CROSS JOIN events e"                                \
	" ON e.call_id = p.call_id AND e.seq > p.seq"                                              \
	" WHERE e.kind = 'note' AND e.text LIKE :like ESCAPE '\\'"

/* Everything a statement binds, worked out once from the filter. */
struct plan {
	const struct review_filter *f;
	enum review_dir dir;
	struct review_key key; /* the keyset bound, with since/until folded in */
	enum search_mode search;
	char match[600];     /* FTS5 phrase */
	char like[600];	     /* LIKE pattern, escaped with '\' */
	char customer[600];  /* LIKE pattern of the customer's name */
	int64_t short_since; /* SEARCH_SHORT: the start of the newest calls it reads */
	int limit;
	const char *cols; /* what a row yields: a page's STORE_META_COLS, a count's key alone */
};

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * text between two edge characters into out, each character of special
 * preceded by esc: -1 when it does not fit in size bytes.
 */
static int quote_into(char *out, size_t size, const char *text, char edge, const char *special,
		      char esc)
{
	size_t n = 0;

	out[n++] = edge;
	for (; *text; text++) {
		if (n + 4 > size) /* an escaped character, the closing edge and the NUL */
			return -1;
		if (strchr(special, *text))
			out[n++] = esc;
		out[n++] = *text;
	}
	out[n++] = edge;
	out[n] = '\0';
	return 0;
}

/*
 * An FTS5 string: the text in double quotes, quotes doubled. A phrase of
 * trigrams is a substring.
 */
static int make_match(char *out, size_t size, const char *text)
{
	return quote_into(out, size, text, '"', "\"", '"');
}

/* A LIKE pattern of a substring (ESCAPE '\'): between '%', with '%', '_' and '\' escaped. */
static int make_like(char *out, size_t size, const char *text)
{
	return quote_into(out, size, text, '%', "%_\\", '\\');
}

static int key_cmp(int64_t t1, const char *id1, int64_t t2, const char *id2)
{
	if (t1 != t2)
		return t1 < t2 ? -1 : 1;
	return strcmp(id1, id2);
}

/*
 * The keyset bound. Going older, rows are below it: until becomes the
 * bound when it is lower, as (until, "") (every id is above ""), so the
 * seek starts at the range instead of walking down to it. Going newer,
 * since does the same from below.
 */
static void plan_key(struct plan *p, const struct review_key *from)
{
	const struct review_filter *f = p->f;

	if (p->dir == REVIEW_OLDER) {
		p->key.started = INT64_MAX;
		p->key.id[0] = '\0';
		if (from)
			p->key = *from;
		if (f->until && key_cmp(f->until, "", p->key.started, p->key.id) < 0) {
			p->key.started = f->until;
			p->key.id[0] = '\0';
		}
	} else {
		p->key.started = INT64_MIN;
		p->key.id[0] = '\0';
		if (from)
			p->key = *from;
		if (f->since && key_cmp(f->since, "", p->key.started, p->key.id) > 0) {
			p->key.started = f->since;
			p->key.id[0] = '\0';
		}
	}
}

static enum poise_status check_filter(const struct review_filter *f, struct poise_error *err)
{
	if (f->outcome[0] && outcome_from_key(f->outcome) == OUTCOME_NONE)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "unknown outcome '%s': expected resolved, escalated, "
				       "transferred, callback, abuse or unresolved",
				       f->outcome);
	if (f->mood_min < 0 || f->mood_min > MOOD_MAX)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "mood %d is out of range: expected 1 (calm) to 5 (furious)",
				       f->mood_min);
	if (f->status[0] && strcmp(f->status, "open") != 0 &&
	    strcmp(f->status, "interrupted") != 0 && strcmp(f->status, "done") != 0)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "unknown status '%s': expected open, interrupted or done",
				       f->status);
	if (f->score_below < 0 || f->score_below > 100)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "score %d is out of range: expected 1 to 100 (percent)",
				       f->score_below);
	if (f->reviewed < REVIEWED_ANY || f->reviewed > REVIEWED_NO)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "reviewed is out of range");
	return POISE_OK;
}

static void bind_name_text(sqlite3_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(s, name);

	if (i > 0)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT); /* outlives the plan */
}

static void bind_name_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(s, name);

	if (i > 0)
		sqlite3_bind_int64(s, i, v);
}

static void bind_plan(sqlite3_stmt *s, const struct plan *p)
{
	char name[8];

	bind_name_int(s, ":kt", p->key.started);
	bind_name_text(s, ":kid", p->key.id);
	bind_name_int(s, ":since", p->f->since);
	bind_name_int(s, ":until", p->f->until);
	bind_name_int(s, ":short", p->short_since);
	bind_name_text(s, ":agent", p->f->agent);
	bind_name_text(s, ":outcome", p->f->outcome);
	bind_name_text(s, ":cause", p->f->cause);
	bind_name_text(s, ":playbook", p->f->playbook);
	bind_name_text(s, ":match", p->match);
	bind_name_text(s, ":like", p->like);
	bind_name_text(s, ":cust", p->customer);
	bind_name_text(s, ":ref", p->f->ref);
	bind_name_text(s, ":status", p->f->status);
	bind_name_int(s, ":below", (int64_t)p->f->score_below * SCORE_FULL / 100);
	bind_name_int(s, ":limit", p->limit);
	bind_name_int(s, ":mood", p->f->mood_min);
	for (int m = 1; m <= 5; m++) {
		snprintf(name, sizeof(name), ":m%d", m);
		bind_name_int(s, name, m);
	}
}

/*
 * The filters that are an equality on an indexed column, in the order they
 * lead when they meet: rarest first as a rule. There are many agents, each
 * with a small share of the calls; an outcome asked for is usually a rare
 * one (abuse, escalated); causes are a handful; a centre runs few playbooks.
 */
static const struct equal {
	const char *col, *param, *index;
	size_t off; /* of the value in struct review_filter */
} equals[] = {
	{"customer_ref", ":ref", "calls_review_ref", offsetof(struct review_filter, ref)},
	{"agent", ":agent", "calls_review_agent", offsetof(struct review_filter, agent)},
	{"outcome", ":outcome", "calls_review_outcome", offsetof(struct review_filter, outcome)},
	{"status", ":status", "calls_review_status", offsetof(struct review_filter, status)},
	{"cause", ":cause", "calls_review_cause", offsetof(struct review_filter, cause)},
	{"playbook_id", ":playbook", "calls_review_playbook",
	 offsetof(struct review_filter, playbook)},
};

#define NEQUALS (sizeof(equals) / sizeof(equals[0]))

static int has_equal(const struct review_filter *f, size_t i)
{
	return ((const char *)f + equals[i].off)[0] != '\0';
}

static size_t count_equals(const struct review_filter *f)
{
	size_t n = 0;

	for (size_t i = 0; i < NEQUALS; i++)
		n += (size_t)has_equal(f, i);
	return n;
}

/*
 * The keyset bound, the dates and the equality filters. With meet, the
 * first equality is the condition of the walk (the statement names its
 * index) and each further one is a seek on its own index, which holds
 * (value, started_at, id): no call's row is read for it.
 */
static void add_keys(struct sql *q, const struct plan *p, int meet)
{
	const struct review_filter *f = p->f;
	int first = 1;

	add(q, " WHERE (started_at, id) %s (:kt, :kid)", p->dir == REVIEW_OLDER ? "<" : ">");
	if (f->since && p->dir == REVIEW_OLDER)
		add(q, " AND started_at >= :since");
	if (f->until && p->dir == REVIEW_NEWER)
		add(q, " AND started_at < :until");
	if (p->search == SEARCH_SHORT)
		add(q, " AND started_at >= :short");
	for (size_t i = 0; i < NEQUALS; i++) {
		const struct equal *e = &equals[i];

		if (!has_equal(f, i))
			continue;
		if (!meet || first)
			add(q, " AND %s = %s", e->col, e->param);
		else
			add(q,
			    " AND EXISTS (SELECT 1 FROM calls x INDEXED BY %s WHERE x.%s = %s "
			    "AND x.started_at = calls.started_at AND x.id = calls.id)",
			    e->index, e->col, e->param);
		first = 0;
	}
}

/* Reviewed: a review (comment or stage scores) or a QA scoring. */
#define REVIEWED_SQL                                                                               \
	"(EXISTS (SELECT 1 FROM reviews r WHERE r.call_id = calls.id) OR "                         \
	"EXISTS (SELECT 1 FROM qa_scores s WHERE s.call_id = calls.id))"

/* The checks on a call's row: its texts, customer, reviews, scores, the sample. */
static void add_search(struct sql *q, const struct plan *p)
{
	const struct review_filter *f = p->f;

	if (p->search == SEARCH_SPARSE)
		/* Open calls' notes are not indexed until the call ends (schema 8). */
		add(q, " AND (id IN (" STORE_TEXT_MATCH(":match") ") OR id IN (" PENDING_MATCHES
		       "))");
	else if (p->search == SEARCH_WALK)
		add(q, " AND (EXISTS (SELECT 1 FROM events e INDEXED BY events_note "
		       "WHERE e.call_id = calls.id AND e.kind = 'note' "
		       "AND e.text LIKE :like ESCAPE '\\') OR id IN (" STORE_OTHER_TEXT_MATCH(
			       ":match") "))");
	else if (p->search == SEARCH_SHORT)
		add(q, " AND " SHORT_MATCHES);
	if (f->customer[0])
		add(q, " AND customer LIKE :cust ESCAPE '\\'");
	if (f->reviewed == REVIEWED_YES)
		add(q, " AND " REVIEWED_SQL);
	else if (f->reviewed == REVIEWED_NO)
		add(q, " AND NOT " REVIEWED_SQL);
	if (f->score_below)
		add(q, " AND EXISTS (SELECT 1 FROM qa_scores s WHERE s.call_id = calls.id "
		       "AND s.score < :below)");
	if (f->sampled)
		add(q, " AND id IN (SELECT id FROM temp." REVIEW_SAMPLE_TABLE ")");
}

/* Checks on the row that an index cannot lead. */
static int row_checks(const struct review_filter *f)
{
	return f->search[0] || f->customer[0] || f->reviewed || f->score_below || f->sampled;
}

/* Rehearsals are listed only when asked for, and then alone (a check on the row). */
static void add_practice(struct sql *q, const struct plan *p)
{
	add(q, " AND calls.practice IS %s", p->f->practice ? "NOT NULL" : "NULL");
}

/* The conditions every arm shares. */
static void add_where(struct sql *q, const struct plan *p)
{
	add_keys(q, p, 0);
	add_practice(q, p);
	add_search(q, p);
}

static const char *order_of(const struct plan *p)
{
	return p->dir == REVIEW_OLDER ? "started_at DESC, id DESC" : "started_at, id";
}

/*
 * Equality filters meeting: the walk over the leading index is a subquery
 * that yields each passing call's rowid and key (a covering walk: the
 * checks are seeks on the other indexes), joined in that order (CROSS
 * JOIN) to the calls it names. The planner flattens it into two nested
 * loops, so the rows come in the walk's order and stop after one page.
 * The row's own checks (mood, a common search) follow on the row. The
 * checks cannot simply join the plain statement: SQLite tests correlated
 * subqueries after every other condition, so the mood would read the row
 * first. The walk's columns are renamed so the outer names stay unique.
 */
static void build_meet(struct sql *q, const struct plan *p)
{
	const char *desc = p->dir == REVIEW_OLDER ? " DESC" : "";
	size_t lead = 0;

	while (!has_equal(p->f, lead))
		lead++;
	add(q,
	    "SELECT %s FROM (SELECT rowid AS k_row, started_at AS k_started, "
	    "id AS k_id FROM calls INDEXED BY %s",
	    p->cols, equals[lead].index);
	add_keys(q, p, 1);
	add(q, ") AS k CROSS JOIN calls WHERE calls.rowid = k.k_row");
	add_practice(q, p);
	if (p->f->mood_min)
		add(q, " AND " STORE_MOOD_PEAK " >= :mood");
	add_search(q, p);
	add(q, " ORDER BY k.k_started%s, k.k_id%s LIMIT :limit", desc, desc);
}

static void build(struct sql *q, const struct plan *p, const char *prefix)
{
	const struct review_filter *f = p->f;
	int lo = f->mood_min;

	q->len = 0;
	q->overflow = 0;
	add(q, "%s", prefix);
	/*
	 * A rare search is left to the planner, which reads the few matches
	 * and sorts them: walking the meeting filters could pass every call of
	 * the leading one before finding a page.
	 */
	if (count_equals(f) >= 2 && p->search != SEARCH_SPARSE) {
		build_meet(q, p);
		return;
	}
	/*
	 * Beside an equality filter the mood is checked on that filter's rows:
	 * an arm per mood level would make the planner seek by mood and filter
	 * the rarer column (seen at 300+ ms for agent, outcome and mood).
	 */
	if (!lo || count_equals(f) || row_checks(f)) {
		add(q, "SELECT %s FROM calls", p->cols);
		add_where(q, p);
		if (lo)
			add(q, " AND " STORE_MOOD_PEAK " >= :mood");
		add(q, " ORDER BY %s LIMIT :limit", order_of(p));
		return;
	}
	for (int m = 5; m >= lo; m--) {
		add(q, "%sSELECT * FROM (SELECT %s FROM calls", m == 5 ? "" : " UNION ALL ",
		    p->cols);
		add_where(q, p);
		add(q, " AND " STORE_MOOD_PEAK " = :m%d ORDER BY %s LIMIT :limit)", m,
		    order_of(p));
	}
	add(q, " ORDER BY %s LIMIT :limit", order_of(p));
}

/* Rare or common? Count the matches up to REVIEW_SEARCH_SPARSE. */
static enum poise_status probe_search(struct store *st, struct plan *p, struct poise_error *err)
{
	static const char sql[] = "SELECT (SELECT count(*) FROM (SELECT 1 FROM notes_fts "
				  "WHERE notes_fts MATCH :match LIMIT :cap)) + "
				  "(SELECT count(*) FROM (" PENDING_MATCHES " LIMIT :cap)) + "
				  "(SELECT count(*) FROM (SELECT 1 FROM texts_fts "
				  "WHERE texts_fts MATCH :match LIMIT :cap))";
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	int64_t n = 0;

	if (rc == SQLITE_OK) {
		bind_name_text(s, ":match", p->match);
		bind_name_text(s, ":like", p->like);
		bind_name_int(s, ":cap", REVIEW_SEARCH_SPARSE);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			n = sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "search notes", err);
	p->search = n < REVIEW_SEARCH_SPARSE ? SEARCH_SPARSE : SEARCH_WALK;
	return POISE_OK;
}

/*
 * Where the newest REVIEW_SEARCH_SHORT_CALLS calls begin, for a search too
 * short for the trigram indexes: a seek and a short walk down the index.
 */
static enum poise_status short_window(struct store *st, struct plan *p, struct poise_error *err)
{
	static const char sql[] = "SELECT started_at FROM calls INDEXED BY calls_review_started "
				  "ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET :skip";
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	p->search = SEARCH_SHORT;
	p->short_since = INT64_MIN;
	if (rc == SQLITE_OK) {
		bind_name_int(s, ":skip", REVIEW_SEARCH_SHORT_CALLS - 1);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			p->short_since = sqlite3_column_int64(s, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "search notes", err);
}

/*
 * The temporary table of the last sample (store_review_sample.c fills it),
 * made when missing: a filter with `sampled` reads it, so the list makes it.
 */
enum poise_status review_sample_table(struct store *st, struct poise_error *err)
{
	int rc = sqlite3_exec(st->db,
			      "CREATE TEMP TABLE IF NOT EXISTS " REVIEW_SAMPLE_TABLE
			      " (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID",
			      NULL, NULL, NULL);

	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "keep the sample", err);
}

static enum poise_status make_plan(struct store *st, const struct review_filter *f,
				   enum review_dir dir, const struct review_key *from, size_t max,
				   struct plan *p, struct poise_error *err)
{
	enum poise_status ps;

	memset(p, 0, sizeof(*p));
	p->f = f;
	p->cols = STORE_META_COLS;
	p->dir = dir;
	p->limit = (int)(max > REVIEW_PAGE_MAX ? REVIEW_PAGE_MAX : max);
	if ((ps = check_filter(f, err)) != POISE_OK)
		return ps;
	plan_key(p, from);
	if (f->customer[0] && make_like(p->customer, sizeof(p->customer), f->customer) != 0)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0, "customer name is too long");
	if (f->sampled && (ps = review_sample_table(st, err)) != POISE_OK)
		return ps;
	if (!f->search[0])
		return POISE_OK;
	if (make_match(p->match, sizeof(p->match), f->search) != 0 ||
	    make_like(p->like, sizeof(p->like), f->search) != 0)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0, "search text is too long");
	if (utf8_chars(f->search) < REVIEW_SEARCH_MIN)
		return short_window(st, p, err);
	return probe_search(st, p, err);
}

static enum poise_status prepare(struct store *st, const struct plan *p, const char *prefix,
				 const char *suffix, sqlite3_stmt **s, struct poise_error *err)
{
	struct sql *q = malloc(sizeof(*q));
	enum poise_status ps = POISE_OK;
	int rc;

	*s = NULL;
	if (!q)
		return poise_error_nomem(err);
	build(q, p, prefix);
	add(q, "%s", suffix);
	if (q->overflow) {
		ps = poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0, "review query is too long");
		goto out;
	}
	rc = sqlite3_prepare_v2(st->db, q->buf, -1, s, NULL);
	if (rc != SQLITE_OK) {
		ps = store_fail(st, rc, "list calls", err);
		goto out;
	}
	bind_plan(*s, p);
out:
	free(q);
	return ps;
}

/*
 * The gaps of a call: from each INTERRUPTED to the RESUME after it. Nobody
 * saw them, so its length is ended - started - gaps, as the fold counts
 * elapsed time (call.h) and every other screen shows it.
 */
static const char gaps_sql[] =
	"SELECT coalesce(sum(r.t - (SELECT i.t FROM events i WHERE i.call_id = r.call_id"
	" AND i.seq < r.seq AND i.kind = 'interrupted' ORDER BY i.seq DESC LIMIT 1)), 0)"
	" FROM events r WHERE r.call_id = ?1 AND r.kind = 'resume'";

static enum poise_status read_gaps(struct store *st, struct call_meta *rows, size_t n,
				   struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, gaps_sql, -1, &s, NULL);

	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_text(s, 1, rows[i].id, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			int64_t gap = sqlite3_column_int64(s, 0);
			int64_t len = rows[i].ended - rows[i].started;

			rows[i].gap_ms = gap > 0 && gap <= len ? gap : 0;
			rc = SQLITE_OK;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "list calls", err);
}

enum poise_status review_page(struct store *st, const struct review_filter *f, enum review_dir dir,
			      const struct review_key *from, struct call_meta *rows, size_t max,
			      size_t *n, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	enum poise_status ps;
	struct plan p;
	int rc;

	*n = 0;
	if (max == 0)
		return POISE_OK;
	if ((ps = make_plan(st, f, dir, from, max, &p, err)) != POISE_OK)
		return ps;
	if ((ps = prepare(st, &p, "", "", &s, err)) != POISE_OK)
		return ps;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < (size_t)p.limit)
		store_row_meta(s, &rows[(*n)++]);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ps = store_fail(st, rc, "list calls", err);
	sqlite3_finalize(s);
	/* Going newer the rows came oldest first; a page always reads newest first. */
	for (size_t i = 0; dir == REVIEW_NEWER && i < *n / 2; i++) {
		struct call_meta tmp = rows[i];

		rows[i] = rows[*n - 1 - i];
		rows[*n - 1 - i] = tmp;
	}
	if (ps == POISE_OK)
		ps = read_gaps(st, rows, *n, err);
	return ps;
}

enum poise_status review_plan(struct store *st, const struct review_filter *f, enum review_dir dir,
			      review_plan_fn fn, void *ctx, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	enum poise_status ps;
	struct plan p;
	int rc;

	if ((ps = make_plan(st, f, dir, NULL, REVIEW_PAGE_MAX, &p, err)) != POISE_OK)
		return ps;
	if ((ps = prepare(st, &p, "EXPLAIN QUERY PLAN ", "", &s, err)) != POISE_OK)
		return ps;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(s, 3)))
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ps = store_fail(st, rc, "explain the review query", err);
	sqlite3_finalize(s);
	return ps;
}

enum poise_status review_prepare_all(struct store *st, const struct review_filter *f,
				     const char *prefix, const char *suffix, sqlite3_stmt **s,
				     struct poise_error *err)
{
	enum poise_status ps;
	struct plan p;

	*s = NULL;
	if ((ps = make_plan(st, f, REVIEW_OLDER, NULL, REVIEW_PAGE_MAX, &p, err)) != POISE_OK)
		return ps;
	p.limit = -1;
	/* The key alone: a walk over an index ending in (started_at, id) reads no call's row. */
	p.cols = "id, started_at";
	return prepare(st, &p, prefix, suffix, s, err);
}
