/* fixture_review.c - see fixture_review.h. */
#include "helpers/fixture_review.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fixture_review(struct store *st, struct review *r, const char *call, const char *reviewer,
		    const char *comment, int64_t t)
{
	struct poise_error err = {0};

	snprintf(r->call_id, sizeof(r->call_id), "%s", call);
	snprintf(r->reviewer, sizeof(r->reviewer), "%s", reviewer);
	snprintf(r->comment, sizeof(r->comment), "%s", comment);
	r->created_at = t;
	ck_assert_msg(review_save(st, r, &err) == POISE_OK, "%s", err.msg);
}

void fixture_reply(struct store *st, int64_t review_id, enum reply_kind kind, const char *agent,
		   const char *text, int64_t t)
{
	struct poise_error err = {0};
	struct review_reply rp = {.review_id = review_id, .kind = kind};

	snprintf(rp.agent, sizeof(rp.agent), "%s", agent);
	snprintf(rp.text, sizeof(rp.text), "%s", text);
	ck_assert_msg(store_reply_add(st, &rp, t, &err) == POISE_OK, "%s", err.msg);
}

void fixture_score(struct store *st, const char *call, const char *reviewer, char id[37],
		   int64_t created_at, int64_t now, const struct qa_answer *a, size_t n)
{
	struct poise_error err = {0};
	struct qa_score *q = calloc(1, sizeof(*q));

	ck_assert_ptr_nonnull(q);
	ck_assert_uint_le(n, SCORECARD_MAX_CRITERIA);
	snprintf(q->id, sizeof(q->id), "%s", id);
	snprintf(q->call_id, sizeof(q->call_id), "%s", call);
	snprintf(q->reviewer, sizeof(q->reviewer), "%s", reviewer);
	snprintf(q->scorecard_id, sizeof(q->scorecard_id), "default");
	snprintf(q->scorecard_version, sizeof(q->scorecard_version), "1");
	q->created_at = created_at;
	memcpy(q->answers, a, n * sizeof(*a));
	q->nanswers = n;
	ck_assert_msg(store_score_save(st, q, now, &err) == POISE_OK, "%s", err.msg);
	snprintf(id, 37, "%s", q->id);
	free(q);
}
