/*
 * check_review.c - the review list (order, keyset pages, every filter, note
 * search), its query plans, loading a call, reviews and scores, what an
 * agent has not acknowledged, and the migration from schema 1 to 2.
 */
#include "poise/review.h"
#include "poise/store_batch.h"
#include "poise/store_reply.h"

#include "store_fixture.h"

#include <strings.h>
#include "main/suite.h"

#define NCALLS 40
#define T0     INT64_C(1700000000000)

/* The model: what each call was made with, to compute every expected list. */
struct mcall {
	char id[37];
	const char *agent;
	int64_t started;
	const char *outcome; /* NULL: none */
	const char *cause;
	const char *pb;
	int ms, me; /* 0: no mood */
	const char *note;
	const char *customer, *status;
	/* The other typed texts (NULL: none), a review's comment and the agent's reply. */
	const char *escalate, *followup, *reflection, *comment, *reply;
	int reviewed; /* a review row or a QA scoring */
	int score;    /* the QA score in basis points; -1: none */
};

static struct mcall model[NCALLS];
static struct playbook pb_alpha, pb_beta;

static const char *const agents[] = {"ana", "bob", "chen"};
static const char *const outcomes[] = {"resolved", "escalated", "transferred",
				       "callback", "abuse",	"unresolved"};
static const char *const causes[] = {"billing", "product", "service", "other"};
static const char *const notes[] = {"Refund of 50% promised", "asked for_manager twice", "all fine",
				    "said \"never again\"", "ÉCLAIR order late"};
static const char *const customers[] = {"Ann Lee", "Bert Oakes", "Carla Lee-Ward", ""};

static void setup(void)
{
	fx_setup();
	pb_alpha = fx_pb("alpha", "a1", "id: alpha\n");
	pb_beta = fx_pb("beta", "b2", "id: beta\n");
}

/*
 * Reviews, replies and QA scores on a separate connection, with their
 * texts in the search as the store's writers put them (store_derive.c).
 */
static void add_reviews(const char *path)
{
	char sql[1024];

	for (int i = 0; i < NCALLS; i++) {
		const struct mcall *m = &model[i];

		if (m->comment || i % 10 == 3) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO reviews (id, call_id, reviewer, created_at, comment, uuid) "
				 "VALUES (%d, '%.36s', 'sue', 1, '%.200s', '%.36s');",
				 i + 1, m->id, m->comment ? m->comment : "", m->id);
			fx_sql_exec(path, sql);
		}
		if (m->reply) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO review_replies (id, review_id, agent, created_at, "
				 "kind, text) VALUES ('r%d', '%.36s', '%.100s', 2, 'reply', '%.200s');",
				 i, m->id, m->agent, m->reply);
			fx_sql_exec(path, sql);
		}
		if (m->score >= 0) {
			snprintf(sql, sizeof(sql),
				 "INSERT INTO qa_scores (id, call_id, reviewer, scorecard_id, "
				 "scorecard_version, created_at, updated_at, score) VALUES "
				 "('q%d', '%.36s', 'sue', 'default', '1', 1, 1, %d);",
				 i, m->id, m->score);
			fx_sql_exec(path, sql);
		}
	}
	fx_sql_exec(path, "INSERT INTO texts_fts (rowid, text, call_id) SELECT -id, comment, call_id "
			  "FROM reviews WHERE comment <> '';"
			  "INSERT INTO texts_fts (text, call_id) SELECT p.text, r.call_id "
			  "FROM review_replies p JOIN reviews r ON r.uuid = p.review_id "
			  "WHERE p.text <> '';");
}

static void model_texts(struct mcall *m, int i)
{
	m->customer = customers[i % 4];
	m->status = i % 11 == 3 ? "interrupted" : i % 13 == 5 ? "open" : "done";
	m->escalate = i % 6 == 1 ? "wants Dana the supervisor" : NULL;
	m->followup = i % 7 == 2 ? "2024-05-01\tphone\tsend the refund code" : NULL;
	m->reflection = i % 5 == 1 ? "kept calm\tsummarise sooner" : NULL;
	m->comment = i % 4 == 0 ? "Good empathy, slow close 很好" : NULL;
	m->reply = i % 8 == 0 ? "Thanks, I will close sooner (退款)" : NULL;
	m->score = i % 3 == 0 ? (i * 997) % 10001 : -1;
	m->reviewed = m->comment || i % 10 == 3 || m->score >= 0;
}

static void make_calls(struct store *st)
{
	for (int i = 0; i < NCALLS; i++) {
		struct mcall *m = &model[i];
		const struct playbook *pb = i % 2 ? &pb_beta : &pb_alpha;
		int64_t t;

		memset(m, 0, sizeof(*m));
		m->agent = agents[i % 3];
		m->started = T0 + (i / 2) * 1000; /* pairs share a start: id breaks the tie */
		m->outcome = i % 7 == 0 ? NULL : outcomes[i % 6];
		m->cause = i % 5 == 4 ? NULL : causes[i % 4];
		m->pb = pb->id;
		m->ms = i % 9 == 0 ? 0 : 1 + i % 5;
		m->me = i % 9 == 0 ? 0 : 1 + (i * 3) % 5;
		m->note = notes[i % 5];
		model_texts(m, i);
		fx_call(st, m->id, m->agent, m->customer, m->started, pb);
		t = m->started;
		fx_append(st, m->id, EV_START, t, 0, 0, 0, pb->hash);
		if (m->ms)
			fx_append(st, m->id, EV_MOOD, ++t, 0, m->ms, 0, NULL);
		fx_append(st, m->id, EV_NOTE, ++t, 1, 0, 0, m->note);
		if (m->me)
			fx_append(st, m->id, EV_MOOD, ++t, 1, m->me, 0, NULL);
		fx_append(st, m->id, EV_WRAPUP, ++t, 1, 0, 0, NULL);
		if (m->outcome)
			fx_append(st, m->id, EV_OUTCOME, ++t, 1, 0, 0, m->outcome);
		if (m->cause)
			fx_append(st, m->id, EV_CAUSE, ++t, 1, 0, 0, m->cause);
		if (m->escalate)
			fx_append(st, m->id, EV_ESCALATE, ++t, 1, 0, 0, m->escalate);
		if (m->followup)
			fx_append(st, m->id, EV_FOLLOWUP, ++t, 1, 0, 0, m->followup);
		if (m->reflection)
			fx_append(st, m->id, EV_REFLECTION, ++t, 1, 0, 0, m->reflection);
		if (strcmp(m->status, "done") == 0)
			fx_append(st, m->id, EV_END, ++t, 1, 0, 0, NULL);
		else if (strcmp(m->status, "interrupted") == 0)
			fx_append(st, m->id, EV_INTERRUPTED, ++t, 1, 0, 0, "SIGHUP");
	}
	add_reviews(fx_path(0, "db"));
}

static int eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Case-insensitive (ASCII) substring, what the search promises. */
static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* Any typed text of m contains needle. */
static int texts_contain(const struct mcall *m, const char *needle)
{
	const char *texts[] = {m->note,	   m->escalate, m->followup,
			       m->reflection, m->comment,  m->reply};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i] && contains(texts[i], needle))
			return 1;
	return 0;
}

/* The new filters (issue 11): customer, reference, status, reviewed, score below. */
static int matches_more(const struct mcall *m, const struct review_filter *f)
{
	char ref[160];

	snprintf(ref, sizeof(ref), "REF-%s", m->customer);
	return (!f->customer[0] || contains(m->customer, f->customer)) &&
	       (!f->ref[0] || strcmp(ref, f->ref) == 0) &&
	       (!f->status[0] || strcmp(m->status, f->status) == 0) &&
	       (f->reviewed != REVIEWED_YES || m->reviewed) &&
	       (f->reviewed != REVIEWED_NO || !m->reviewed) &&
	       (!f->score_below || (m->score >= 0 && m->score < f->score_below * 100));
}

static int matches(const struct mcall *m, const struct review_filter *f)
{
	int peak = m->ms > m->me ? m->ms : m->me;

	if (!matches_more(m, f))
		return 0;
	return (!f->agent[0] || eq(m->agent, f->agent)) && (!f->since || m->started >= f->since) &&
	       (!f->until || m->started < f->until) &&
	       (!f->outcome[0] || eq(m->outcome, f->outcome)) &&
	       (!f->cause[0] || eq(m->cause, f->cause)) &&
	       (!f->playbook[0] || eq(m->pb, f->playbook)) &&
	       (!f->mood_min || peak >= f->mood_min) &&
	       (!f->search[0] || texts_contain(m, f->search));
}

static int newest_first(const void *a, const void *b)
{
	const struct mcall *x = *(const struct mcall *const *)a;
	const struct mcall *y = *(const struct mcall *const *)b;

	if (x->started != y->started)
		return x->started > y->started ? -1 : 1;
	return -strcmp(x->id, y->id);
}

/* The ids the filter should list, newest first; returns how many. */
static int expected(const struct review_filter *f, const char *out[NCALLS])
{
	const struct mcall *sel[NCALLS];
	int n = 0;

	for (int i = 0; i < NCALLS; i++)
		if (matches(&model[i], f))
			sel[n++] = &model[i];
	qsort(sel, (size_t)n, sizeof(sel[0]), newest_first);
	for (int i = 0; i < n; i++)
		out[i] = sel[i]->id;
	return n;
}

/* Page older from the newest, `size` at a time; every id in order. */
static int page_older(struct store *st, const struct review_filter *f, size_t size,
		      char ids[NCALLS + 1][37])
{
	struct call_meta rows[8];
	struct review_key key;
	struct poise_error err = {0};
	size_t n;
	int total = 0, first = 1;

	ck_assert_uint_le(size, 8);
	do {
		ck_assert_msg(review_page(st, f, REVIEW_OLDER, first ? NULL : &key, rows, size, &n,
					  &err) == POISE_OK,
			      "review_page: %s", err.msg);
		first = 0;
		for (size_t i = 0; i < n; i++) {
			ck_assert_int_le(total, NCALLS);
			memcpy(ids[total++], rows[i].id, 37);
		}
		if (n) {
			key.started = rows[n - 1].started;
			memcpy(key.id, rows[n - 1].id, 37);
		}
	} while (n == size);
	return total;
}

/* Page newer from the oldest page; every id, put back newest first. */
static int page_newer(struct store *st, const struct review_filter *f, size_t size,
		      char ids[NCALLS + 1][37])
{
	char rev[NCALLS + 1][37];
	struct call_meta rows[8];
	struct review_key key;
	struct poise_error err = {0};
	size_t n;
	int total = 0, first = 1;

	do {
		ck_assert_msg(review_page(st, f, REVIEW_NEWER, first ? NULL : &key, rows, size, &n,
					  &err) == POISE_OK,
			      "review_page: %s", err.msg);
		first = 0;
		for (size_t i = n; i-- > 0;) {
			ck_assert_int_le(total, NCALLS);
			memcpy(rev[total++], rows[i].id, 37);
		}
		if (n) {
			key.started = rows[0].started;
			memcpy(key.id, rows[0].id, 37);
		}
	} while (n == size);
	for (int i = 0; i < total; i++)
		memcpy(ids[i], rev[total - 1 - i], 37);
	return total;
}

static void check_filter(struct store *st, const struct review_filter *f, const char *what)
{
	const char *want[NCALLS];
	char got[NCALLS + 1][37];
	int n = expected(f, want);

	for (size_t size = 1; size <= 7; size += 3) {
		int m = page_older(st, f, size, got);

		ck_assert_msg(m == n, "%s, pages of %zu going older: %d calls, expected %d", what,
			      size, m, n);
		for (int i = 0; i < n; i++)
			ck_assert_msg(strcmp(got[i], want[i]) == 0, "%s: call %d out of order",
				      what, i);
		m = page_newer(st, f, size, got);
		ck_assert_msg(m == n, "%s, pages of %zu going newer: %d calls, expected %d", what,
			      size, m, n);
		for (int i = 0; i < n; i++)
			ck_assert_msg(strcmp(got[i], want[i]) == 0,
				      "%s: call %d out of order going newer", what, i);
	}
}

START_TEST(pages_cover_every_call_once_newest_first)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f = {0};
	const char *want[NCALLS];

	make_calls(st);
	ck_assert_int_eq(expected(&f, want), NCALLS);
	/* The model really has ties on started, or the id tie-break is untested. */
	ck_assert_int_eq(model[0].started, model[1].started);
	check_filter(st, &f, "no filter");
	store_close(st);
}
END_TEST

START_TEST(each_filter_alone_and_together)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f;

	make_calls(st);
	memset(&f, 0, sizeof(f));
	snprintf(f.agent, sizeof(f.agent), "bob");
	check_filter(st, &f, "agent");
	memset(&f, 0, sizeof(f));
	f.since = T0 + 5000;
	check_filter(st, &f, "since");
	f.until = T0 + 12000;
	check_filter(st, &f, "since and until");
	f.since = 0;
	check_filter(st, &f, "until");
	memset(&f, 0, sizeof(f));
	snprintf(f.outcome, sizeof(f.outcome), "abuse");
	check_filter(st, &f, "outcome");
	memset(&f, 0, sizeof(f));
	snprintf(f.cause, sizeof(f.cause), "billing");
	check_filter(st, &f, "cause");
	memset(&f, 0, sizeof(f));
	snprintf(f.playbook, sizeof(f.playbook), "beta");
	check_filter(st, &f, "playbook");
	for (int m = 1; m <= 5; m++) {
		memset(&f, 0, sizeof(f));
		f.mood_min = m;
		check_filter(st, &f, "mood");
	}
	memset(&f, 0, sizeof(f));
	snprintf(f.agent, sizeof(f.agent), "ana");
	snprintf(f.cause, sizeof(f.cause), "service");
	f.mood_min = 3;
	f.since = T0 + 2000;
	f.until = T0 + 18000;
	check_filter(st, &f, "agent, cause, mood and dates");
	memset(&f, 0, sizeof(f));
	snprintf(f.agent, sizeof(f.agent), "nobody");
	check_filter(st, &f, "nobody");
	store_close(st);
}
END_TEST

/*
 * Two or more of agent, outcome, cause and playbook: one index walks, the
 * others are seeks (review.c, build_meet). Every such mix, with and
 * without a mood and dates; the four values meet in calls 1, 13, 25, 37.
 */
/* check_filter, and review_count gives the model's number too. */
static void check_filter_count(struct store *st, const struct review_filter *f, const char *what,
			       int at_least)
{
	const char *want[NCALLS];
	struct poise_error err = {0};
	int64_t n = -1;
	int e = expected(f, want);

	check_filter(st, f, what);
	ck_assert_msg(review_count(st, f, &n, &err) == POISE_OK, "review_count: %s", err.msg);
	ck_assert_msg(n == e, "%s: count %lld, expected %d", what, (long long)n, e);
	ck_assert_msg(e >= at_least, "%s: the model has only %d such calls", what, e);
}

START_TEST(finding_any_call)
{
	static const char *const words[] = {"dana the", "REFUND CODE", "summarise", "empathy",
					    "close sooner", "Lee"};
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f;
	char what[64];

	make_calls(st);
	memset(&f, 0, sizeof(f));
	snprintf(f.customer, sizeof(f.customer), "lee");
	check_filter_count(st, &f, "customer", 10);
	snprintf(f.customer, sizeof(f.customer), "%s", "%");
	check_filter_count(st, &f, "customer %", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.ref, sizeof(f.ref), "REF-Bert Oakes");
	check_filter_count(st, &f, "reference", 5);
	snprintf(f.ref, sizeof(f.ref), "REF-Bert");
	check_filter_count(st, &f, "part of a reference", 0);
	for (int i = 0; i < 3; i++) {
		static const char *const sts[] = {"open", "interrupted", "done"};

		memset(&f, 0, sizeof(f));
		snprintf(f.status, sizeof(f.status), "%s", sts[i]);
		check_filter_count(st, &f, sts[i], 2);
	}
	memset(&f, 0, sizeof(f));
	f.reviewed = REVIEWED_YES;
	check_filter_count(st, &f, "reviewed", 10);
	f.reviewed = REVIEWED_NO;
	check_filter_count(st, &f, "not reviewed", 10);
	for (int below = 1; below <= 100; below += 33) {
		memset(&f, 0, sizeof(f));
		f.score_below = below;
		snprintf(what, sizeof(what), "scored below %d", below);
		check_filter_count(st, &f, what, below > 1 ? 2 : 0);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		memset(&f, 0, sizeof(f));
		snprintf(f.search, sizeof(f.search), "%s", words[i]);
		check_filter_count(st, &f, words[i], i < 5 ? 1 : 0);
	}
	/* Together, and beside the older filters. */
	memset(&f, 0, sizeof(f));
	snprintf(f.customer, sizeof(f.customer), "LEE");
	snprintf(f.status, sizeof(f.status), "done");
	f.reviewed = REVIEWED_NO;
	check_filter_count(st, &f, "customer, status, not reviewed", 1);
	snprintf(f.agent, sizeof(f.agent), "bob");
	f.mood_min = 2;
	check_filter_count(st, &f, "and agent and mood", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.ref, sizeof(f.ref), "REF-Ann Lee");
	snprintf(f.agent, sizeof(f.agent), "ana");
	snprintf(f.status, sizeof(f.status), "done");
	check_filter_count(st, &f, "reference, agent and status meet", 1);
	memset(&f, 0, sizeof(f));
	snprintf(f.search, sizeof(f.search), "sooner");
	f.score_below = 50;
	check_filter_count(st, &f, "search and score", 0);
	store_close(st);
}
END_TEST

/* A review's comment changed in review: the search finds the new words, not the old. */
START_TEST(changed_comment_replaces_the_old_in_search)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f = {0};
	struct poise_error err = {0};
	struct review r;
	int64_t n;
	char id[37] = "";

	fx_call(st, id, "ana", "Zed", T0, &pb_alpha);
	fx_append(st, id, EV_START, T0, 0, 0, 0, pb_alpha.hash);
	memset(&r, 0, sizeof(r));
	memcpy(r.call_id, id, sizeof(r.call_id));
	snprintf(r.reviewer, sizeof(r.reviewer), "sue");
	r.created_at = T0 + 10;
	snprintf(r.comment, sizeof(r.comment), "apologised twice");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	snprintf(f.search, sizeof(f.search), "twice");
	ck_assert_int_eq(review_count(st, &f, &n, &err), POISE_OK);
	ck_assert_int_eq(n, 1);
	snprintf(r.comment, sizeof(r.comment), "summed up well");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	ck_assert_int_eq(review_count(st, &f, &n, &err), POISE_OK);
	ck_assert_int_eq(n, 0);
	snprintf(f.search, sizeof(f.search), "SUMMED");
	ck_assert_int_eq(review_count(st, &f, &n, &err), POISE_OK);
	ck_assert_int_eq(n, 1);
	/* A text indexed by its own trigger after the comment still gets a rowid of its own. */
	fx_append(st, id, EV_ESCALATE, T0 + 20, 0, 0, 0, "legal threat");
	snprintf(f.search, sizeof(f.search), "legal");
	ck_assert_int_eq(review_count(st, &f, &n, &err), POISE_OK);
	ck_assert_int_eq(n, 1);
	snprintf(f.search, sizeof(f.search), "summed");
	ck_assert_int_eq(review_count(st, &f, &n, &err), POISE_OK);
	ck_assert_int_eq(n, 1);
	store_close(st);
}
END_TEST

/*
 * A text the store numbers itself (an escalation reason, a reply, a batch's
 * texts from merge or the mirror) takes a positive rowid of texts_fts even
 * when the only rows are comments at negative ones: counted on from them it
 * would take the row -id of a review without a comment yet, and that
 * review's first comment would then delete it from the search.
 */
START_TEST(texts_keep_their_rows_when_comments_come_later)
{
	enum { NREV = 5 };
	static const char *const words[] = {"legal", "voucher", "batched", "calm", "twice", "summed"};
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f = {0};
	struct poise_error err = {0};
	struct review r[NREV];
	struct review_reply reply = {0};
	struct store_batch *b;
	struct call_meta m = {0};
	struct event ev[] = {{.kind = EV_START, .t = T0, .text = pb_alpha.hash},
			     {.kind = EV_ESCALATE, .t = T0 + 1, .text = "batched reason"},
			     {.kind = EV_REFLECTION, .t = T0 + 2, .text = "kept calm\t-"}};
	int64_t n;
	char id[37] = "";

	fx_call(st, id, "ana", "Zed", T0, &pb_alpha);
	fx_append(st, id, EV_START, T0, 0, 0, 0, pb_alpha.hash);
	/* Reviews 1 to 4 scored only, review 5 with a comment: texts_fts holds row -5 alone. */
	for (int i = 0; i < NREV; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		memcpy(r[i].call_id, id, sizeof(r[i].call_id));
		snprintf(r[i].reviewer, sizeof(r[i].reviewer), "sue%d", i);
		r[i].created_at = T0 + 10 + i;
		r[i].scores[0] = 3;
		if (i == NREV - 1)
			snprintf(r[i].comment, sizeof(r[i].comment), "apologised twice");
		ck_assert_int_eq(review_save(st, &r[i], &err), POISE_OK);
	}
	snprintf(m.id, sizeof(m.id), "01900000-0000-7000-8000-00000000b001");
	snprintf(m.agent, sizeof(m.agent), "bob");
	m.started = T0;
	ck_assert_int_eq(store_batch_begin(st, STORE_BATCH_CACHE_MERGE, &b, &err), POISE_OK);
	ck_assert_msg(store_batch_call(b, &m, &pb_alpha, ev, sizeof(ev) / sizeof(ev[0]), &err) ==
			      POISE_OK,
		      "%s", err.msg);
	ck_assert_msg(store_batch_commit(b, &err) == POISE_OK, "%s", err.msg);
	fx_append(st, id, EV_ESCALATE, T0 + 20, 0, 0, 0, "legal threat");
	reply.review_id = r[NREV - 1].id;
	snprintf(reply.agent, sizeof(reply.agent), "ana");
	reply.kind = REPLY_REPLY;
	snprintf(reply.text, sizeof(reply.text), "named the voucher");
	ck_assert_int_eq(store_reply_add(st, &reply, T0 + 30, &err), POISE_OK);
	/* Now the other reviews get their first comments. */
	for (int i = 0; i < NREV - 1; i++) {
		snprintf(r[i].comment, sizeof(r[i].comment), "summed up well");
		ck_assert_int_eq(review_save(st, &r[i], &err), POISE_OK);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(f.search, sizeof(f.search), "%s", words[i]);
		ck_assert_int_eq(review_count(st, &f, &n, &err), POISE_OK);
		ck_assert_msg(n == 1, "search '%s' finds %lld calls, not 1", words[i], (long long)n);
	}
	store_close(st);
}
END_TEST

/* The model's count of f's calls. */
static int model_count(const struct review_filter *f)
{
	const char *want[NCALLS];

	return expected(f, want);
}

START_TEST(sample_is_reproducible_and_within_the_filter)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f = {0}, s = {0};
	struct poise_error err = {0};
	char first[NCALLS + 1][37], again[NCALLS + 1][37], other[NCALLS + 1][37];
	int64_t n, matched, count;
	int got, same = 1;

	make_calls(st);
	f.since = T0 + 2000;
	f.until = T0 + 15000;
	snprintf(f.status, sizeof(f.status), "done");
	ck_assert_int_eq(review_sample(st, &f, 5, 42, &n, &matched, &err), POISE_OK);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(matched, model_count(&f));
	ck_assert_int_gt(matched, 10);
	s = f;
	s.sampled = 1;
	ck_assert_int_eq(review_count(st, &s, &count, &err), POISE_OK);
	ck_assert_int_eq(count, 5);
	got = page_older(st, &s, 4, first);
	ck_assert_int_eq(got, 5);
	/* Every sampled call is one the filter matches. */
	for (int i = 0; i < got; i++) {
		int found = 0;

		for (int j = 0; j < NCALLS; j++)
			if (strcmp(model[j].id, first[i]) == 0)
				found = matches(&model[j], &f);
		ck_assert_msg(found, "sampled call %s is outside the filter", first[i]);
	}
	/* The same seed draws the same calls; another seed, not the same ones. */
	ck_assert_int_eq(review_sample(st, &f, 5, 42, &n, &matched, &err), POISE_OK);
	ck_assert_int_eq(page_older(st, &s, 7, again), 5);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(first[i], again[i]);
	ck_assert_int_eq(review_sample(st, &f, 5, 43, &n, &matched, &err), POISE_OK);
	ck_assert_int_eq(page_older(st, &s, 7, other), 5);
	for (int i = 0; i < 5; i++)
		same &= strcmp(first[i], other[i]) == 0;
	ck_assert_msg(!same, "seeds 42 and 43 drew the same sample");
	/* More than match: all of them; and nonsense is refused. */
	ck_assert_int_eq(review_sample(st, &f, 1000, 1, &n, &matched, &err), POISE_OK);
	ck_assert_int_eq(n, matched);
	ck_assert_int_eq(review_sample(st, &f, 0, 1, &n, &matched, &err), POISE_USAGE);
	ck_assert_int_eq(review_sample(st, &f, REVIEW_SAMPLE_MAX + 1, 1, &n, &matched, &err),
			 POISE_USAGE);
	store_close(st);
}
END_TEST

START_TEST(equality_filters_meet)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f;
	const char *want[NCALLS];
	char what[64];

	make_calls(st);
	for (unsigned mask = 3; mask < 16; mask++) {
		if (!(mask & (mask - 1)))
			continue; /* one filter: no meeting */
		for (int v = 0; v < 3; v++) {
			memset(&f, 0, sizeof(f));
			if (mask & 1)
				snprintf(f.agent, sizeof(f.agent), "bob");
			if (mask & 2)
				snprintf(f.outcome, sizeof(f.outcome), "escalated");
			if (mask & 4)
				snprintf(f.cause, sizeof(f.cause), "product");
			if (mask & 8)
				snprintf(f.playbook, sizeof(f.playbook), "beta");
			f.mood_min = v ? 3 : 0;
			if (v == 2) {
				f.since = T0 + 1000;
				f.until = T0 + 18000;
			}
			snprintf(what, sizeof(what), "filters %x%s%s", mask, v ? ", mood" : "",
				 v == 2 ? ", dates" : "");
			check_filter(st, &f, what);
			if (mask == 15 && v == 0)
				ck_assert_int_eq(expected(&f, want), 4);
		}
	}
	memset(&f, 0, sizeof(f));
	snprintf(f.agent, sizeof(f.agent), "ana");
	snprintf(f.outcome, sizeof(f.outcome), "escalated"); /* only bob's calls are escalated */
	ck_assert_int_eq(expected(&f, want), 0);
	check_filter(st, &f, "filters that never meet");
	store_close(st);
}
END_TEST

START_TEST(search_in_notes)
{
	/*
	 * After "zzz": shorter than the trigram indexes can answer, read from
	 * every typed text of the newest calls (all of them here): two CJK
	 * characters (a reply, a comment), two ASCII ones, one, and LIKE's
	 * wildcards taken as they are.
	 */
	static const char *const words[] = {
		"refund", "REFUND OF", "50%", "for_man", "\"never", "late", "d_of", "zzz",
		"退款",	  "很好",      "50",  "Fo",	 "%",	    "_",    "zz",   "É"};
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f;

	make_calls(st);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *want[NCALLS];

		memset(&f, 0, sizeof(f));
		snprintf(f.search, sizeof(f.search), "%s", words[i]);
		check_filter(st, &f, words[i]);
		/* The model is not trivially empty or full for the words that occur. */
		if (i < 6)
			ck_assert_int_gt(expected(&f, want), 0);
		if (strcmp(words[i], "d_of") == 0)
			ck_assert_int_eq(expected(&f, want), 0); /* _ is not a wildcard */
	}
	memset(&f, 0, sizeof(f));
	snprintf(f.search, sizeof(f.search), "fine");
	snprintf(f.agent, sizeof(f.agent), "chen");
	f.mood_min = 2;
	check_filter(st, &f, "search with agent and mood");
	store_close(st);
}
END_TEST

START_TEST(bad_filters_are_refused)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f = {0};
	struct poise_error err = {0};
	struct call_meta rows[4];
	size_t n = 99;
	int64_t count;

	f.mood_min = 6;
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_USAGE);
	memset(&f, 0, sizeof(f));
	snprintf(f.outcome, sizeof(f.outcome), "happy");
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "happy"));
	memset(&f, 0, sizeof(f));
	snprintf(f.status, sizeof(f.status), "closed");
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "closed"));
	memset(&f, 0, sizeof(f));
	f.score_below = 101;
	ck_assert_int_eq(review_count(st, &f, &count, &err), POISE_USAGE);
	f.score_below = 0;
	f.reviewed = (enum review_reviewed)3;
	ck_assert_int_eq(review_count(st, &f, &count, &err), POISE_USAGE);
	store_close(st);
}
END_TEST

struct plan_check {
	int searches; /* SEARCH lines on calls or events */
	int sorts;    /* USE TEMP B-TREE lines */
	int walk;     /* the common-text search: events_note */
	const char *index;
	int uses_index; /* lines naming index */
	char bad[256];
};

/*
 * A scan is allowed only over a bounded subquery, a text index by MATCH or
 * the calls whose notes are not indexed yet (notes_pending: the open ones).
 */
static int plan_line(void *ctx, const char *d)
{
	struct plan_check *pc = ctx;

	if (strncmp(d, "SEARCH calls ", 13) == 0 || strncmp(d, "SEARCH e ", 9) == 0)
		pc->searches++;
	if (strstr(d, "TEMP B-TREE"))
		pc->sorts++;
	if (strstr(d, "events_note"))
		pc->walk++;
	if (pc->index && strstr(d, pc->index))
		pc->uses_index++;
	if (strncmp(d, "SCAN ", 5) == 0 && strncmp(d, "SCAN (subquery", 14) != 0 &&
	    !((strstr(d, "notes_fts VIRTUAL TABLE INDEX") ||
	       strstr(d, "texts_fts VIRTUAL TABLE INDEX")) &&
	      strstr(d, ":M")) &&
	    strcmp(d, "SCAN p") != 0)
		snprintf(pc->bad, sizeof(pc->bad), "%s", d);
	return 0;
}

/* The plan of f searches index (its own filter's), never scans, and sorts only when allowed. */
static void check_plan(struct store *st, const struct review_filter *f, const char *what,
		       const char *index, int may_sort)
{
	for (int dir = REVIEW_OLDER; dir <= REVIEW_NEWER; dir++) {
		struct plan_check pc = {.index = index};
		struct poise_error err = {0};

		ck_assert_msg(review_plan(st, f, (enum review_dir)dir, plan_line, &pc, &err) ==
				      POISE_OK,
			      "review_plan: %s", err.msg);
		ck_assert_msg(!pc.bad[0], "%s: the plan scans: %s", what, pc.bad);
		ck_assert_msg(pc.searches > 0, "%s: the plan has no index search", what);
		ck_assert_msg(may_sort || pc.sorts == 0, "%s: the plan sorts every match", what);
		ck_assert_msg(pc.uses_index > 0, "%s: the plan does not use %s", what, index);
	}
}

START_TEST(every_filter_is_an_index_search)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f;

	make_calls(st);
	memset(&f, 0, sizeof(f));
	check_plan(st, &f, "no filter", "calls_review_started", 0);
	snprintf(f.agent, sizeof(f.agent), "bob");
	check_plan(st, &f, "agent", "calls_review_agent", 0);
	memset(&f, 0, sizeof(f));
	f.since = T0 + 5000;
	f.until = T0 + 9000;
	check_plan(st, &f, "dates", "calls_review_started", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.outcome, sizeof(f.outcome), "abuse");
	check_plan(st, &f, "outcome", "calls_review_outcome", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.cause, sizeof(f.cause), "billing");
	check_plan(st, &f, "cause", "calls_review_cause", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.playbook, sizeof(f.playbook), "beta");
	check_plan(st, &f, "playbook", "calls_review_playbook", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.ref, sizeof(f.ref), "REF-Ann Lee");
	check_plan(st, &f, "reference", "calls_review_ref", 0);
	memset(&f, 0, sizeof(f));
	snprintf(f.status, sizeof(f.status), "open");
	check_plan(st, &f, "status", "calls_review_status", 0);
	memset(&f, 0, sizeof(f));
	f.mood_min = 4; /* one seek per level, each ordered and limited: sorts one page */
	check_plan(st, &f, "mood", "calls_review_mood", 1);
	snprintf(f.agent, sizeof(f.agent), "bob"); /* the agent's index leads, not the mood's */
	snprintf(f.outcome, sizeof(f.outcome), "abuse");
	check_plan(st, &f, "agent, outcome and mood", "COVERING INDEX calls_review_agent", 0);
	/* The outcome is a seek on its own index: no call's row is read for it. */
	check_plan(st, &f, "agent, outcome and mood", "COVERING INDEX calls_review_outcome", 0);
	{
		struct plan_check pc = {.index = "calls_review_mood"};
		struct poise_error err = {0};

		ck_assert_int_eq(review_plan(st, &f, REVIEW_OLDER, plan_line, &pc, &err), POISE_OK);
		ck_assert_int_eq(pc.uses_index, 0);
	}
	memset(&f, 0, sizeof(f));
	snprintf(f.search, sizeof(f.search), "refund"); /* rare: sorts its few matches */
	check_plan(st, &f, "rare search", "VIRTUAL TABLE INDEX 0:M", 1);
	store_close(st);
}
END_TEST

/* Bulk rows on a separate connection: n calls of agent "bulk", each with one note. */
static void bulk_notes(const char *path, int n, const char *note)
{
	char sql[2048];
	sqlite3 *db;
	char *msg = NULL;

	snprintf(
		sql, sizeof(sql),
		"BEGIN;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		"INSERT INTO calls (id, agent, playbook_id, playbook_version, playbook_hash, "
		"started_at, status, last_seq) SELECT printf('00000000-0000-4000-8000-%%012d', i), "
		"'bulk', 'alpha', '1.0', '%s', %lld + i / 3, 'done', 1 FROM n;"
		"INSERT INTO events (call_id, seq, t, kind, stage, text) "
		"SELECT id, 1, started_at, 'note', 'calm', '%s' FROM calls WHERE agent = 'bulk';"
		/* closed calls: their notes are in the search, as the store's writers leave them */
		"INSERT INTO notes_fts (text, call_id, seq) SELECT text, call_id, seq FROM events "
		"WHERE call_id IN (SELECT id FROM calls WHERE agent = 'bulk');"
		"COMMIT;",
		n, pb_alpha.hash, (long long)(T0 - 100000000), note);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "bulk: %s", msg);
	sqlite3_close(db);
}

START_TEST(common_search_walks_the_calls)
{
	const char *path = fx_path(0, "db");
	struct store *st = fx_open(path);
	struct review_filter f = {0};
	struct call_meta rows[REVIEW_PAGE_MAX];
	struct review_key key;
	struct poise_error err = {0};
	struct plan_check pc = {0};
	size_t n;
	int total = 0, first = 1;

	make_calls(st);
	bulk_notes(path, REVIEW_SEARCH_SPARSE + 10, "Common words, said often");
	snprintf(f.search, sizeof(f.search), "common WORDS");
	ck_assert_int_eq(review_plan(st, &f, REVIEW_OLDER, plan_line, &pc, &err), POISE_OK);
	ck_assert_int_gt(pc.walk, 0);
	check_plan(st, &f, "common search", "events_note", 0);
	do {
		ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, first ? NULL : &key, rows,
					     REVIEW_PAGE_MAX, &n, &err),
				 POISE_OK);
		for (size_t i = 0; i < n; i++, total++) {
			ck_assert_str_eq(rows[i].agent, "bulk");
			ck_assert(
				(first && i == 0) || rows[i].started < key.started ||
				(rows[i].started == key.started && strcmp(rows[i].id, key.id) < 0));
			key.started = rows[i].started;
			memcpy(key.id, rows[i].id, 37);
		}
		first = 0;
	} while (n == REVIEW_PAGE_MAX);
	ck_assert_int_eq(total, REVIEW_SEARCH_SPARSE + 10);
	/* Beside filters that meet, the common text is still a check on each call's notes. */
	snprintf(f.agent, sizeof(f.agent), "bulk");
	snprintf(f.playbook, sizeof(f.playbook), "alpha");
	check_plan(st, &f, "common search, agent and playbook", "events_note", 0);
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, REVIEW_PAGE_MAX, &n, &err),
			 POISE_OK);
	ck_assert_uint_eq(n, REVIEW_PAGE_MAX);
	snprintf(f.agent, sizeof(f.agent), "ana");
	check_filter(st, &f, "common search in no call of the agent's");
	/* The rare texts of the model are still found the other way, beside the bulk. */
	memset(&f, 0, sizeof(f));
	snprintf(f.search, sizeof(f.search), "for_man");
	check_filter(st, &f, "rare beside common");
	store_close(st);
}
END_TEST

/*
 * A listed call's length leaves out the time between each interruption and
 * its resume, as the fold's elapsed time does: two gaps, 60 s and 300 s.
 */
START_TEST(listed_length_leaves_out_the_gaps)
{
	struct store *st = fx_open(fx_path(0, "gaps.db"));
	struct review_filter f = {0};
	struct call_meta rows[4];
	struct poise_error err = {0};
	char plain[37] = "", resumed[37] = "";
	size_t n = 0;
	int64_t t = T0;

	fx_call(st, plain, "ana", "Plain", T0, &pb_alpha);
	fx_append(st, plain, EV_START, T0, 0, 0, 0, pb_alpha.hash);
	fx_append(st, plain, EV_WRAPUP, T0 + 90000, 0, 0, 0, NULL);
	fx_append(st, plain, EV_OUTCOME, T0 + 91000, 0, 0, 0, "resolved");
	fx_append(st, plain, EV_END, T0 + 95000, 0, 0, 0, NULL);
	t = T0 + 1000000;
	fx_call(st, resumed, "ana", "Resumed", t, &pb_alpha);
	fx_append(st, resumed, EV_START, t, 0, 0, 0, pb_alpha.hash);
	fx_append(st, resumed, EV_INTERRUPTED, t + 10000, 0, 0, 0, "SIGHUP");
	fx_append(st, resumed, EV_RESUME, t + 70000, 0, 0, 0, NULL);
	fx_append(st, resumed, EV_INTERRUPTED, t + 80000, 0, 0, 0, "SIGHUP");
	fx_append(st, resumed, EV_RESUME, t + 380000, 0, 0, 0, NULL);
	fx_append(st, resumed, EV_WRAPUP, t + 400000, 0, 0, 0, NULL);
	fx_append(st, resumed, EV_OUTCOME, t + 401000, 0, 0, 0, "resolved");
	fx_append(st, resumed, EV_END, t + 405000, 0, 0, 0, NULL);
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].id, resumed);
	ck_assert_int_eq(rows[0].gap_ms, 360000);
	ck_assert_int_eq(rows[0].ended - rows[0].started - rows[0].gap_ms, 45000);
	ck_assert_str_eq(rows[1].id, plain);
	ck_assert_int_eq(rows[1].gap_ms, 0);
	store_close(st);
}
END_TEST

Suite *review_suite(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("list");

	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, pages_cover_every_call_once_newest_first);
	tcase_add_test(tc, each_filter_alone_and_together);
	tcase_add_test(tc, equality_filters_meet);
	tcase_add_test(tc, finding_any_call);
	tcase_add_test(tc, changed_comment_replaces_the_old_in_search);
	tcase_add_test(tc, texts_keep_their_rows_when_comments_come_later);
	tcase_add_test(tc, sample_is_reproducible_and_within_the_filter);
	tcase_add_test(tc, search_in_notes);
	tcase_add_test(tc, bad_filters_are_refused);
	tcase_add_test(tc, every_filter_is_an_index_search);
	tcase_add_test(tc, common_search_walks_the_calls);
	tcase_add_test(tc, listed_length_leaves_out_the_gaps);
	suite_add_tcase(s, tc);
	return s;
}
