/*
 * review_score.c - scoring a call against its QA scorecard from the call
 * view: the scorecard its playbook names (else the built-in default), one
 * question per criterion the reviewer answers, the facts and the stages
 * never visited decided by the call itself (scorecard_check), saved as the
 * reviewer's one scoring of the call (store_score_save; scoring again
 * edits it).
 */
#include "ui/review_int.h"

#include <stdio.h>
#include <string.h>

#include "poise/store_score.h"
#include "poise/words.h"

static int answer_of(const struct qa_score *q, const char *criterion)
{
	for (size_t i = 0; i < q->nanswers; i++)
		if (!strcmp(q->answers[i].criterion, criterion))
			return q->answers[i].value;
	return SCORE_UNSET;
}

static const char *value_word(enum score_scale scale, int v, char buf[4])
{
	if (v == SCORE_UNSET)
		return "-";
	if (v == SCORE_NA)
		return _("N/A");
	if (scale == SCALE_YES_NO)
		return v ? _("yes") : _("no");
	snprintf(buf, 4, "%d", v);
	return buf;
}

void rv_score_describe(const struct qa_score *q, char *head, size_t hsize, char *body, size_t bsize)
{
	char pct[WORDS_BUF], at[64], one[4];
	size_t len = 0;

	rv_datetime(at, sizeof(at), q->updated_at);
	snprintf(head, hsize, _("%s by %s: %s on scorecard %s %s%s"), at, q->reviewer,
		 words_score(pct, sizeof(pct), q->score), q->scorecard_id,
		 q->scorecard_version, q->auto_failed ? _("  AUTO-FAIL") : "");
	body[0] = '\0';
	for (size_t i = 0; i < q->nanswers && len < bsize; i++)
		len += (size_t)snprintf(body + len, bsize - len, "%s%s %s", i ? ", " : "",
					q->answers[i].criterion,
					value_word(q->answers[i].scale, q->answers[i].value, one));
}

/* Ask criterion c; 0 when the reviewer stopped (Esc), else *v set. */
static int ask_one(struct ui *ui, const struct scorecard *sc, const struct sc_criterion *c, int *v)
{
	char q[512], keys[16], one[4];
	int ch;

	snprintf(keys, sizeof(keys), "%s%s\n", c->scale == SCALE_YES_NO ? "yn" : "12345",
		 c->na ? "-" : "");
	/* TRANSLATORS: group: criterion (weight, auto-fail) [value now]: keys (y/n or 1-5
	   and "- N/A" stay as they are: they are the keys), Enter keeps, Esc stops. */
	snprintf(q, sizeof(q), _("%s: %s (weight %d%s) [%s]: %s%s, Enter keeps, Esc stops"),
		 sc->groups[c->group].title, c->text, c->weight,
		 c->auto_fail ? _(", auto-fail") : "", value_word(c->scale, *v, one),
		 c->scale == SCALE_YES_NO ? "y/n" : "1-5", c->na ? _(", - N/A") : "");
	if (!(ch = ui_ask_key(ui, q, keys, 1)))
		return 0;
	if (ch == 'y' || ch == 'n')
		*v = ch == 'y';
	else if (ch == '-')
		*v = SCORE_NA;
	else if (ch != '\n')
		*v = ch - '0';
	return 1;
}

static void fill_score(const struct scorecard *sc, const int *answers, struct qa_score *q)
{
	snprintf(q->scorecard_id, sizeof(q->scorecard_id), "%s", sc->id);
	snprintf(q->scorecard_version, sizeof(q->scorecard_version), "%s", sc->version);
	q->nanswers = 0;
	for (size_t i = 0; i < sc->ncriteria; i++) {
		const struct sc_criterion *c = &sc->criteria[i];
		struct qa_answer *a;

		if (answers[i] == SCORE_UNSET)
			continue;
		a = &q->answers[q->nanswers++];
		snprintf(a->criterion, sizeof(a->criterion), "%s", c->id);
		a->weight = c->weight;
		a->scale = c->scale;
		a->auto_fail = c->auto_fail;
		a->value = answers[i];
	}
}

int rv_score_run(struct ui *ui, const struct review_call *rc, const char *reviewer,
		 struct qa_score *mine)
{
	struct scorecard *sc = NULL;
	struct poise_error err;
	int answers[SCORECARD_MAX_CRITERIA];
	char pct[WORDS_BUF];
	int saved = 0;

	poise_error_clear(&err);
	if (scorecard_resolve(&ui->pp, rc->pb ? rc->pb->scorecard : NULL, &sc, &err) != POISE_OK) {
		ui_set_banner(ui, 1, _("cannot score: %s"), err.msg);
		return 0;
	}
	if (!mine->id[0] &&
	    store_score_latest(ui->st, rc->meta.id, reviewer, mine, &err) != POISE_OK)
		memset(mine, 0, sizeof(*mine));
	for (size_t i = 0; i < sc->ncriteria; i++)
		answers[i] = answer_of(mine, sc->criteria[i].id);
	for (size_t i = 0; i < sc->ncriteria; i++) {
		/* The call decides these: a fact, or a stage it never visited. */
		if (sc->criteria[i].fact != FACT_NONE || !scorecard_applies(sc, i, &rc->state)) {
			answers[i] = SCORE_UNSET;
			continue;
		}
		if (!ask_one(ui, sc, &sc->criteria[i], &answers[i])) {
			ui_set_banner(ui, 0, _("score not saved"));
			goto out;
		}
	}
	if (scorecard_check(sc, &rc->state, answers, &err) != POISE_OK) {
		ui_set_banner(ui, 1, _("score not saved: %s"), err.msg);
		goto out;
	}
	fill_score(sc, answers, mine);
	snprintf(mine->call_id, sizeof(mine->call_id), "%s", rc->meta.id);
	snprintf(mine->reviewer, sizeof(mine->reviewer), "%s", reviewer);
	if (store_score_save(ui->st, mine, ui_now(), &err) != POISE_OK) {
		ui_set_banner(ui, 1, _("score not saved: %s"), err.msg);
		goto out;
	}
	ui_set_banner(ui, 0, _("score %s%s saved as %s (scorecard %s)"),
		      words_score(pct, sizeof(pct), mine->score),
		      mine->auto_failed ? _(" (auto-fail)") : "", reviewer, sc->id);
	saved = 1;
out:
	scorecard_free(sc);
	return saved;
}
