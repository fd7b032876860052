/*
 * review_ready.h - the supervisors' new comments on the agent's ready
 * screen (review_ready.c): what ready.c needs to list them and to mark
 * them read with one key.
 */
#ifndef POISE_UI_REVIEW_READY_H
#define POISE_UI_REVIEW_READY_H

#include "poise/review.h"
#include "ui/app.h"

#define RV_COMMENTS 5

struct rv_comments {
	struct review r[RV_COMMENTS]; /* the oldest unread first */
	int n;
	char error[512];
};

/* The agent's (ui->opts->agent) unacknowledged reviews. */
void rv_comments_load(struct ui *ui, struct rv_comments *c);
/* One of them as the ready screen lists it: reviewer, call, scores, comment. */
#define RV_COMMENT_TEXT (REVIEW_COMMENT_MAX + 512)
void rv_comment_text(const struct review *r, char *buf, size_t size);
/* Answer the oldest (acknowledge, reply, dispute), mark it read, load what is left. */
void rv_comments_ack(struct ui *ui, struct rv_comments *c);

#endif
