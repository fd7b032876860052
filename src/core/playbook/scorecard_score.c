/*
 * scorecard_score.c - a score's arithmetic: which criteria a call can be
 * scored on, the facts its fold answers, and the weighted percentage.
 * Integers throughout (basis points), so every reader gets the same figure.
 */
#include "poise/scorecard.h"
#include "poise/i18n.h"

int scorecard_applies(const struct scorecard *sc, size_t criterion, const struct call_state *cs)
{
	int stage = sc->groups[sc->criteria[criterion].group].stage;

	return stage < 0 || ((cs->visited >> stage) & 1u);
}

int scorecard_fact(enum score_fact f, const struct call_state *cs)
{
	switch (f) {
	case FACT_WARNED_BEFORE_ABUSE_END:
		/* Policy: every warning, in turn, before a call is ended for abuse. */
		if (cs->outcome != OUTCOME_ABUSE)
			return SCORE_NA;
		return cs->warnings >= PLAYBOOK_WARNINGS;
	case FACT_REACHED_EMPATHY:
		return cs->empathy_at != 0;
	case FACT_FOLLOWUP_ON_CALLBACK:
		if (cs->outcome != OUTCOME_CALLBACK)
			return SCORE_NA;
		return cs->followup != NULL;
	case FACT_NONE:
	case FACT_COUNT:
		break;
	}
	return SCORE_NA;
}

static int value_valid(const struct sc_criterion *c, int v)
{
	if (v == SCORE_UNSET)
		return 1;
	if (v == SCORE_NA)
		return c->na;
	return c->scale == SCALE_YES_NO ? v == 0 || v == 1 : v >= 1 && v <= 5;
}

enum poise_status scorecard_check(const struct scorecard *sc, const struct call_state *cs,
				  int *answers, struct poise_error *err)
{
	for (size_t i = 0; i < sc->ncriteria; i++) {
		const struct sc_criterion *c = &sc->criteria[i];
		int stage = sc->groups[c->group].stage;

		if (!scorecard_applies(sc, i, cs)) {
			if (answers[i] != SCORE_UNSET && answers[i] != SCORE_NA)
				return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
						       "criterion '%s' is about the %s stage, "
						       "which this call never visited",
						       c->id, stage_key((enum stage)stage));
			answers[i] = SCORE_NA;
			continue;
		}
		if (c->fact != FACT_NONE) {
			answers[i] = scorecard_fact(c->fact, cs);
			continue;
		}
		if (!value_valid(c, answers[i]))
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "criterion '%s' takes %s%s, not %d", c->id,
					       c->scale == SCALE_YES_NO ? _("yes or no") : _("1 to 5"),
					       c->na ? _(" or N/A") : "", answers[i]);
	}
	return POISE_OK;
}

int score_points(enum score_scale scale, int value)
{
	if (value < 0)
		return -1;
	if (scale == SCALE_YES_NO)
		return value ? SCORE_FULL : 0;
	return (value - 1) * (SCORE_FULL / 4);
}

int score_total(const struct score_item *items, size_t n, int *auto_failed)
{
	int64_t num = 0, den = 0;

	*auto_failed = 0;
	for (size_t i = 0; i < n; i++) {
		int p = score_points(items[i].scale, items[i].value);

		if (p < 0)
			continue;
		if (items[i].auto_fail && p == 0)
			*auto_failed = 1;
		num += (int64_t)items[i].weight * p;
		den += items[i].weight;
	}
	if (*auto_failed)
		return 0;
	if (!den)
		return -1;
	return (int)((2 * num + den) / (2 * den)); /* half up: every value is >= 0 */
}

int scorecard_total(const struct scorecard *sc, const int *answers, int *auto_failed)
{
	struct score_item items[SCORECARD_MAX_CRITERIA];

	for (size_t i = 0; i < sc->ncriteria; i++)
		items[i] = (struct score_item){sc->criteria[i].weight, sc->criteria[i].scale,
					       sc->criteria[i].auto_fail, answers[i]};
	return score_total(items, sc->ncriteria, auto_failed);
}
