/*
 * review_ready.c - a supervisor's scores and comments reach the agent: the
 * ready screen between calls lists the unread ones and one key marks them
 * read (review_unacked / review_ack in the core).
 */
#include "ui/review_ready.h"

#include <stdio.h>
#include <string.h>

#include "ui/review_int.h"

static int collect(void *ctx, const struct review *r)
{
	struct rv_comments *c = ctx;

	if (c->n >= RV_COMMENTS)
		return 1;
	c->r[c->n++] = *r;
	return 0;
}

void rv_comments_load(struct ui *ui, struct rv_comments *c)
{
	struct poise_error err;

	c->n = 0;
	c->error[0] = '\0';
	poise_error_clear(&err);
	if (review_unacked(ui->st, ui->opts->agent, RV_COMMENTS, collect, c, &err) != POISE_OK)
		snprintf(c->error, sizeof(c->error), "%s", err.msg);
}

void rv_comment_text(const struct review *r, char *buf, size_t size)
{
	char at[32], scores[128];
	size_t len = 0;

	scores[0] = '\0';
	for (int s = 0; s < STAGE_COUNT; s++)
		if (r->scores[s] && len < sizeof(scores))
			len += (size_t)snprintf(scores + len, sizeof(scores) - len, " %s %d",
						stage_key((enum stage)s), r->scores[s]);
	rv_datetime(at, sizeof(at), r->call_started);
	snprintf(buf, size, "%s on %s %s:%s%s%s%s", r->reviewer,
		 r->customer[0] ? r->customer : "a call", at, scores[0] ? " scores" : "", scores,
		 r->comment[0] ? " - " : "", r->comment);
}

void rv_comments_ack(struct ui *ui, struct rv_comments *c)
{
	struct poise_error err;

	poise_error_clear(&err);
	for (int i = 0; i < c->n; i++)
		if (review_ack(ui->st, c->r[i].id, ui_now(), &err) != POISE_OK) {
			ui_set_banner(ui, 1, "cannot mark the comment read: %s", err.msg);
			return;
		}
	rv_comments_load(ui, c);
}
