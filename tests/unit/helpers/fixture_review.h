/*
 * fixture_review.h - a supervisor's review and QA scoring of a call, saved
 * the way the review screen saves them (review_save, store_score_save), and
 * the agent's reply to a review (store_reply_add), for
 * the tests that carry them between databases (check_merge, the team mirror).
 */
#ifndef POISE_TEST_FIXTURE_REVIEW_H
#define POISE_TEST_FIXTURE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "poise/store_reply.h"
#include "poise/store_review.h"
#include "poise/store_score.h"

/*
 * reviewer's review of call with comment at t, saved in st; r is filled
 * (give it stage scores first if wanted: they are kept) and gets its id.
 */
void fixture_review(struct store *st, struct review *r, const char *call, const char *reviewer,
		    const char *comment, int64_t t);

/* agent's reply of kind to review review_id, with text, at t, saved in st as the ready screen saves it. */
void fixture_reply(struct store *st, int64_t review_id, enum reply_kind kind, const char *agent,
		   const char *text, int64_t t);

/*
 * reviewer's QA scoring of call against scorecard "default" version 1,
 * created at created_at and saved at now with answers a[0..n): id "" makes a
 * new scoring (its id is written back), an id already there rescores it.
 */
void fixture_score(struct store *st, const char *call, const char *reviewer, char id[37],
		   int64_t created_at, int64_t now, const struct qa_answer *a, size_t n);

#endif
