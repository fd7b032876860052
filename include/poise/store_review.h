/*
 * store_review.h - the supervisor's rows in the store: the review list and
 * the reviews written about calls.
 *
 * Owns: the review list (filters, note search, keyset paging newest first)
 * and the reviews and per-stage scores a supervisor writes (tables
 * `reviews`, `review_scores`, schema 2), and which of them an agent has not
 * yet acknowledged. Implemented in src/core/store/store_review*.c, the only
 * place their SQL is written.
 * Does not own: reading one call back whole and folding it (review.h),
 * figures (report.h), or drawing anything.
 *
 * Fast at a million calls: every list query is an index seek that yields
 * rows already in (started_at, id) order and stops after one page, never an
 * OFFSET; review_plan() shows the plan so tests can prove it.
 */
#ifndef POISE_STORE_REVIEW_H
#define POISE_STORE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "poise/limits.h"
#include "poise/playbook.h"
#include "poise/status.h"
#include "poise/store.h"

#define REVIEW_PAGE_MAX	   200
#define REVIEW_SEARCH_MIN  3	/* characters: the trigram index needs three */
/*
 * A shorter search (one or two characters: a word of Chinese or Japanese is
 * often two) reads every typed text of the newest this many calls, without
 * an index: its cost is bounded whatever the size of the database (a text
 * found nowhere: some 0.4 s, measured on `poise gen` calls of 33 events;
 * a common one finds its page in a few ms), where reading every call of
 * 1,000,000 would take half a minute. Older calls need three characters, which
 * the indexes answer.
 */
#define REVIEW_SEARCH_SHORT_CALLS 10000
/* Bytes of UTF-8 that hold LIMIT_COMMENT characters (limits.h), without the NUL. */
#define REVIEW_COMMENT_MAX (LIMIT_BYTES(LIMIT_COMMENT) - 1)
/*
 * A note search matching fewer notes than this reads the matches and sorts
 * them; a commoner one walks the calls newest first and checks each call's
 * notes, which then finds a page quickly. Both stay near a few ms at 1M calls.
 */
#define REVIEW_SEARCH_SPARSE 5000

enum review_reviewed {
	REVIEWED_ANY,
	REVIEWED_YES, /* has a review (comment or stage scores) or a QA scoring */
	REVIEWED_NO,  /* has neither */
};

/* Which calls to list. Empty strings and zeros mean "any". */
struct review_filter {
	char agent[128];
	int64_t since, until; /* started in [since, until), ms; 0 = unbounded */
	char outcome[16];     /* outcome key: "resolved", ... */
	char cause[FIELD_CAUSE_ID_SIZE];	      /* cause id */
	char playbook[128];   /* playbook id */
	int mood_min;	      /* 1..5: mood at start or at end at or above this */
	/*
	 * Any typed text of the call contains this (case-insensitive for ASCII;
	 * accents count: "cafe" does not find "café", as SQLite 3.40's trigram
	 * tokenizer cannot ignore them, remove_diacritics came in 3.45):
	 * a note, the escalation reason, a promise, the reflection, a review's
	 * comment or the agent's reply to one.
	 */
	char search[256];
	char customer[FIELD_CUSTOMER_MAX + 1]; /* the customer's name contains this (as search) */
	char ref[FIELD_REF_MAX + 1];	       /* the customer reference, exactly */
	char status[16];		       /* "open", "interrupted" or "done" */
	enum review_reviewed reviewed;
	int score_below; /* 1..100: a QA scoring of the call below this percentage */
	int sampled;	 /* only the calls review_sample() drew last on this connection */
	int practice; /* 1: rehearsals only (poise rehearse); 0: real calls only */
};

/* A place in the list: the list is ordered by (started, id), newest first. */
struct review_key {
	int64_t started;
	char id[FIELD_CALL_ID_SIZE];
};

enum review_dir {
	REVIEW_OLDER, /* the calls after `from` (from NULL: from the newest) */
	REVIEW_NEWER, /* the calls before `from` (from NULL: the oldest page) */
};

/*
 * Up to max (<= REVIEW_PAGE_MAX) calls matching f next to `from` in
 * direction dir, returned newest first in rows[0..*n). A search shorter
 * than REVIEW_SEARCH_MIN characters looks in the newest
 * REVIEW_SEARCH_SHORT_CALLS calls only. A mood outside 1..5 or an unknown
 * outcome is POISE_USAGE.
 */
enum poise_status review_page(struct store *st, const struct review_filter *f, enum review_dir dir,
			      const struct review_key *from, struct call_meta *rows, size_t max,
			      size_t *n, struct poise_error *err);

/* How many calls match f (f's own sample included), into *n. */
enum poise_status review_count(struct store *st, const struct review_filter *f, int64_t *n,
			       struct poise_error *err);

/*
 * A random sample of up to want calls among those matching f (its sampled
 * ignored), as a review queue: the calls whose hash of (seed, call id) is
 * smallest. The same seed over the same calls draws the same sample, and a
 * call added later changes it only by taking a place it would win. The
 * sample is kept on this connection (a temporary table) for filters with
 * sampled set; *n is how many were drawn (fewer than want when fewer match),
 * *matched how many matched. want 0 or over REVIEW_SAMPLE_MAX is POISE_USAGE.
 */
#define REVIEW_SAMPLE_MAX 10000
enum poise_status review_sample(struct store *st, const struct review_filter *f, int want,
				uint64_t seed, int64_t *n, int64_t *matched,
				struct poise_error *err);

/* EXPLAIN QUERY PLAN of the statement review_page would run: each detail line. */
typedef int (*review_plan_fn)(void *ctx, const char *detail);
enum poise_status review_plan(struct store *st, const struct review_filter *f, enum review_dir dir,
			      review_plan_fn fn, void *ctx, struct poise_error *err);

/* A supervisor's review of one call: per-stage scores and a comment. */
struct review {
	int64_t id; /* 0 until saved */
	char call_id[FIELD_CALL_ID_SIZE];
	char reviewer[128];
	int64_t created_at;	 /* ms */
	int64_t updated_at;	 /* ms: last saved; set it to now before saving an edit */
	int64_t acked_at;	 /* when the agent acknowledged it; 0 = not yet */
	int scores[STAGE_COUNT]; /* 1..5; 0 = not scored */
	char comment[REVIEW_COMMENT_MAX + 1];
	/* Read back only: the call it is about. */
	char customer[128];
	int64_t call_started;
};

/*
 * Save r: a new review (id 0: inserted, r->id set) or a change to one (its
 * comment and scores replaced, and unacknowledged again so the agent sees
 * the change). One transaction. Scores outside 0..5 are POISE_USAGE.
 */
enum poise_status review_save(struct store *st, struct review *r, struct poise_error *err);

typedef int (*review_fn)(void *ctx, const struct review *r);
/* Every review of a call, oldest first. fn returns non-zero to stop. */
enum poise_status review_each(struct store *st, const char *call_id, review_fn fn, void *ctx,
			      struct poise_error *err);
/* The reviews of agent's calls not yet acknowledged, oldest first, at most max. */
enum poise_status review_unacked(struct store *st, const char *agent, int max, review_fn fn,
				 void *ctx, struct poise_error *err);
/* The agent has read review id: acknowledged at now (ms). POISE_NOT_FOUND if none. */
enum poise_status review_ack(struct store *st, int64_t id, int64_t now, struct poise_error *err);

#endif
