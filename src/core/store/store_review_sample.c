/*
 * store_review_sample.c - how many calls a review filter matches, and a
 * random sample of them as a review queue.
 *
 * Both run the review list's own statement (review_prepare_all), so a count
 * or a sample can never disagree with the list. The sample is the `want`
 * calls with the smallest hash of (seed, call id): reproducible from the
 * seed, independent of the order rows come in, and a call added later only
 * enters it by beating a call already in it. The drawn ids go into a
 * temporary table of this connection, which a filter with `sampled` set
 * reads; nothing is written to the database itself.
 */
#include "poise/store_review.h"

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Each row of `select` over the review list's rows under f, into row (store_each_row). */
static enum poise_status each_listed(struct store *st, const struct review_filter *f,
				     const char *select, int (*row)(void *ctx, sqlite3_stmt *s),
				     void *ctx, const char *what, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	enum poise_status ps = review_prepare_all(st, f, select, ")", &s, err);
	int rc;

	if (ps == POISE_OK && (rc = store_each_row(s, row, ctx)) != SQLITE_DONE)
		ps = store_fail(st, rc, what, err);
	sqlite3_finalize(s);
	return ps;
}

static int count_row(void *n, sqlite3_stmt *s)
{
	*(int64_t *)n = sqlite3_column_int64(s, 0);
	return 1;
}

enum poise_status review_count(struct store *st, const struct review_filter *f, int64_t *n,
			       struct poise_error *err)
{
	*n = 0;
	return each_listed(st, f, "SELECT count(*) FROM (", count_row, n, "count calls", err);
}

/* FNV-1a of the id from the seed, then splitmix64's finaliser to spread it. */
static uint64_t sample_hash(uint64_t seed, const char *id)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325) ^ seed;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * UINT64_C(0x100000001b3);
	h ^= h >> 30;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

struct drawn {
	uint64_t h;
	char id[FIELD_CALL_ID_SIZE];
};

/* a before b in the draw: the smaller hash, then the smaller id. */
static int drawn_less(const struct drawn *a, const struct drawn *b)
{
	return a->h != b->h ? a->h < b->h : strcmp(a->id, b->id) < 0;
}

/* A max-heap of the want best so far: heap[0] is the first to lose its place. */
static void heap_down(struct drawn *heap, size_t n, size_t i)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		struct drawn tmp;

		if (l < n && drawn_less(&heap[big], &heap[l]))
			big = l;
		if (r < n && drawn_less(&heap[big], &heap[r]))
			big = r;
		if (big == i)
			return;
		tmp = heap[i];
		heap[i] = heap[big];
		heap[big] = tmp;
		i = big;
	}
}

static void heap_up(struct drawn *heap, size_t i)
{
	while (i > 0 && drawn_less(&heap[(i - 1) / 2], &heap[i])) {
		struct drawn tmp = heap[i];

		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static void heap_offer(struct drawn *heap, size_t *n, size_t want, const struct drawn *d)
{
	if (*n < want) {
		heap[*n] = *d;
		heap_up(heap, (*n)++);
	} else if (drawn_less(d, &heap[0])) {
		heap[0] = *d;
		heap_down(heap, *n, 0);
	}
}

/* The draw so far: the want best in heap (n of them), of matched ids read. */
struct draw {
	uint64_t seed;
	struct drawn *heap;
	size_t want, n;
	int64_t matched;
};

static int draw_row(void *ctx, sqlite3_stmt *s)
{
	struct draw *dw = ctx;
	struct drawn d;

	store_col_copy(s, 0, d.id, sizeof(d.id));
	d.h = sample_hash(dw->seed, d.id);
	heap_offer(dw->heap, &dw->n, dw->want, &d);
	dw->matched++;
	return 0;
}

/* The drawn ids into the sample table, in place of the last sample. */
static enum poise_status keep(struct store *st, const struct drawn *heap, size_t n,
			      struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_exec(st->db, "SAVEPOINT review_sample; DELETE FROM temp." REVIEW_SAMPLE_TABLE,
			      NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db,
					"INSERT OR IGNORE INTO temp." REVIEW_SAMPLE_TABLE
					" (id) VALUES (?1)",
					-1, &s, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_text(s, 1, heap[i].id, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "RELEASE review_sample", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return POISE_OK;
	sqlite3_exec(st->db, "ROLLBACK TO review_sample; RELEASE review_sample", NULL, NULL,
		     NULL);
	return store_fail(st, rc, "keep the sample", err);
}

enum poise_status review_sample(struct store *st, const struct review_filter *f, int want,
				uint64_t seed, int64_t *n, int64_t *matched,
				struct poise_error *err)
{
	struct review_filter all = *f;
	struct draw dw = {.seed = seed, .want = (size_t)want};
	enum poise_status ps;

	*n = *matched = 0;
	if (want < 1 || want > REVIEW_SAMPLE_MAX)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "sample of %d calls: expected 1 to %d", want,
				       REVIEW_SAMPLE_MAX);
	if ((ps = review_sample_table(st, err)) != POISE_OK)
		return ps;
	if (!(dw.heap = malloc((size_t)want * sizeof(*dw.heap))))
		return poise_error_nomem(err);
	all.sampled = 0; /* read every matching id, keeping the want best of the draw */
	ps = each_listed(st, &all, "SELECT id FROM (", draw_row, &dw, "draw a sample", err);
	*matched = dw.matched;
	if (ps == POISE_OK)
		ps = keep(st, dw.heap, dw.n, err);
	if (ps == POISE_OK)
		*n = (int64_t)dw.n;
	free(dw.heap);
	return ps;
}
