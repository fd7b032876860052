/*
 * store_score.h - QA scores in the store (tables qa_scores, qa_answers,
 * schema 5): saving a reviewer's scoring of a call, reading a call's back,
 * and the sums over many calls that reports are made of.
 * Owns: the SQL of QA scores. Does not own: what a score is worth
 * (scorecard.h: score_total, which save uses so every stored score is the
 * one function's), report layout (report.h), or drawing anything.
 */
#ifndef POISE_STORE_SCORE_H
#define POISE_STORE_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "poise/limits.h"
#include "poise/scorecard.h"
#include "poise/status.h"
#include "poise/store.h"

struct qa_answer {
	char criterion[FIELD_PLAYBOOK_ID_MAX + 1];
	int weight; /* 1..SCORECARD_MAX_WEIGHT */
	enum score_scale scale;
	int auto_fail;
	int value; /* SCORE_NA, 0/1 or 1..5; SCORE_UNSET answers are not stored */
};

/* One reviewer's scoring of one call against one scorecard. */
struct qa_score {
	char id[FIELD_CALL_ID_LEN + 1]; /* UUID; "" until saved */
	char call_id[FIELD_CALL_ID_LEN + 1];
	char reviewer[FIELD_AGENT_MAX + 1];
	char scorecard_id[FIELD_PLAYBOOK_ID_MAX + 1];
	char scorecard_version[FIELD_VERSION_MAX + 1];
	int64_t created_at, updated_at; /* ms */
	int score;			/* basis points (SCORE_FULL = 100%); -1: nothing scored */
	int auto_failed;		/* an auto-fail criterion answered "no" */
	struct qa_answer answers[SCORECARD_MAX_CRITERIA];
	size_t nanswers;
};

/*
 * Save q at now (ms): a new scoring (id "": a UUID is made, created_at set)
 * or a change to one (its answers replaced). score and auto_failed are
 * computed here from the answers (score_total). One transaction.
 * POISE_USAGE for an answer out of its scale; POISE_NOT_FOUND for no such call.
 */
enum poise_status store_score_save(struct store *st, struct qa_score *q, int64_t now,
				   struct poise_error *err);

typedef int (*store_score_fn)(void *ctx, const struct qa_score *q);
/*
 * Every scoring of call_id, oldest first (call_id NULL: every scoring, by
 * id), answers in criterion order. fn non-zero stops.
 */
enum poise_status store_score_each(struct store *st, const char *call_id, store_score_fn fn,
				   void *ctx, struct poise_error *err);
/* reviewer's newest scoring of call_id into *q; POISE_NOT_FOUND when none. */
enum poise_status store_score_latest(struct store *st, const char *call_id, const char *reviewer,
				     struct qa_score *q, struct poise_error *err);

/*
 * A scoring from elsewhere (merge, sync), checked first (merge.h:
 * merge_check_score): added when its call is here and it is not; put over
 * the one here when q->updated_at is later (the later edit wins; on the
 * same time the one here stays, only taking synced 1). synced: 1 when q is
 * what the server has. score and auto_failed are recomputed from the
 * answers. *applied: 1 when written; POISE_NOT_FOUND when its call is not
 * here. No transaction of its own.
 */
enum poise_status store_score_put(struct store *st, struct qa_score *q, int synced, int *applied,
				  struct poise_error *err);
/* The scorings made or changed here that the server lacks (synced 0), by id. */
enum poise_status store_score_unsent(struct store *st, store_score_fn fn, void *ctx,
				     struct poise_error *err);
/* The server has scoring id as it was at updated_at: synced 1, unless changed since. */
enum poise_status store_score_sent(struct store *st, const char *id, int64_t updated_at,
				   struct poise_error *err);

/* Which calls' scorings to sum: as report_query (0 / NULL = any). */
struct score_filter {
	int64_t since, until; /* calls started in [since, until) */
	const char *agent;
	const char *playbook;
	int practice; /* 1: rehearsals only; 0: real calls only */
};

/*
 * Sums per agent over the scorings that count: each reviewer's newest
 * scoring of each call the filter selects (docs/metrics.md, "QA").
 * criterion NULL: a scoring row (calls: distinct calls, n: scorings,
 * scored: scorings with a score, sum: their scores, auto_failed); else one
 * criterion's answers (n: answers not N/A, sum: their points).
 */
struct score_sums {
	const char *agent, *criterion;
	long calls, n, scored, auto_failed;
	int64_t sum; /* basis points */
};
typedef int (*store_score_sums_fn)(void *ctx, const struct score_sums *s);
enum poise_status store_score_sums(struct store *st, const struct score_filter *f,
				   store_score_sums_fn fn, void *ctx, struct poise_error *err);

/*
 * Calibration: for each call the filter selects with two or more scorings
 * that count, every reviewer's points (scorecard.h: score_points) on each
 * criterion they did not answer N/A, and criterion NULL for their overall
 * score (when it has one); ordered by call, criterion (overall first),
 * reviewer. fn returns non-zero to stop.
 */
typedef int (*store_score_calib_fn)(void *ctx, const char *call_id, const char *criterion,
				    const char *reviewer, int points);
enum poise_status store_score_calibration(struct store *st, const struct score_filter *f,
					  store_score_calib_fn fn, void *ctx,
					  struct poise_error *err);

#endif
