/*
 * review_ready.c - a supervisor's scores and comments reach the agent: the
 * ready screen between calls lists the unread ones, and `a` answers the
 * oldest: acknowledge it, reply to it or dispute it with a line of text
 * (store_reply_add, a row with a UUID the supervisor sees in review), which
 * also marks it read (review_ack).
 */
#include "ui/review_ready.h"

#include <stdio.h>
#include <string.h>

#include "poise/store_reply.h"
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
	char at[64], scores[128];
	size_t len = 0;

	scores[0] = '\0';
	for (int s = 0; s < STAGE_COUNT; s++)
		if (r->scores[s] && len < sizeof(scores))
			len += (size_t)snprintf(scores + len, sizeof(scores) - len, " %s %d",
						stage_key((enum stage)s), r->scores[s]);
	rv_datetime(at, sizeof(at), r->call_started);
	/* TRANSLATORS: reviewer, "on" the customer and the call's start, then " scores" and them.
	 */
	snprintf(buf, size, _("%s on %s %s:%s%s%s%s"), r->reviewer,
		 r->customer[0] ? r->customer : _("a call"), at, scores[0] ? _(" scores") : "",
		 scores, !r->comment[0] ? "" : scores[0] ? " - " : " ", r->comment);
}

void rv_comments_ack(struct ui *ui, struct rv_comments *c)
{
	struct review_reply rp;
	struct poise_error err;
	char q[400];
	int ch;

	if (!c->n)
		return;
	memset(&rp, 0, sizeof(rp));
	/* TRANSLATORS: a, r and d are the keys: keep them as they are. */
	snprintf(q, sizeof(q), _("%.100s's comment on %.100s: a acknowledge  r reply  d dispute"),
		 c->r[0].reviewer, c->r[0].customer[0] ? c->r[0].customer : _("a call"));
	if (!(ch = ui_ask_key(ui, q, "ard", 1)))
		return;
	rp.kind = ch == 'a' ? REPLY_ACK : ch == 'r' ? REPLY_REPLY : REPLY_DISPUTE;
	if (rp.kind != REPLY_ACK &&
	    (!ui_edit_text(ui,
			   rp.kind == REPLY_REPLY
				   ? _("your reply (Enter sends, Esc cancels):")
				   : _("why you disagree (Enter sends, Esc cancels):"),
			   LIMIT_COMMENT, rp.text, sizeof(rp.text), NULL, NULL) ||
	     !rp.text[0]))
		return;
	rp.review_id = c->r[0].id;
	snprintf(rp.agent, sizeof(rp.agent), "%s", ui->opts->agent);
	poise_error_clear(&err);
	if (store_reply_add(ui->st, &rp, ui_now(), &err) != POISE_OK ||
	    review_ack(ui->st, c->r[0].id, ui_now(), &err) != POISE_OK) {
		ui_set_banner(ui, 1, _("cannot answer the comment: %s"), err.msg);
		return;
	}
	ui_set_banner(ui, 0, _("%s; %s will see it in review"), reply_kind_verb(rp.kind),
		      c->r[0].reviewer);
	rv_comments_load(ui, c);
}
