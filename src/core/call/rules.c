/*
 * rules.c - which coaching prompts are due.
 *
 * Pure functions of the call state and a time. Each rule kind names its
 * episodes by the time they began (rules_episode); a rule is due when its
 * condition holds, it has not fired in the episode under way (a hold rule
 * with `repeat` excepted) and its cooldown has passed. What has fired comes
 * only from the PROMPT events call_apply() recorded in rule_track, so a
 * replayed call fires exactly the prompts the live one did.
 */
#include "poise/rules.h"

static int64_t ms(int seconds)
{
	return (int64_t)seconds * 1000;
}

/* Start of the stretch of MOOD marks at or above level that reaches now. */
static int64_t mood_episode(const struct call_state *cs, int level)
{
	int64_t start = -1;

	for (size_t i = cs->nmoods; i > 0; i--) {
		if (cs->moods[i - 1].mood < level)
			break;
		start = cs->moods[i - 1].t;
	}
	return start;
}

int64_t rules_episode(const struct call_state *cs, size_t rule)
{
	const struct pb_rule *r;

	if (rule >= cs->pb->nrules || cs->phase == CALL_NEW)
		return -1;
	r = &cs->pb->rules[rule];
	switch (r->kind) {
	case RULE_MOOD:
		return mood_episode(cs, r->mood);
	case RULE_HOLD:
		return cs->on_hold ? cs->hold_since : -1;
	case RULE_BOUNDARY:
		return cs->started;
	case RULE_TIMEBOX:
		if (r->only_stage && (int)cs->stage != r->only_stage - 1)
			return -1;
		return cs->pb->stages[cs->stage].timebox > 0 ? cs->stage_since : -1;
	case RULE_MANAGER:
		return cs->manager_asks ? cs->manager_at : -1;
	default:
		return -1;
	}
}

/* Whether the rule's condition holds at now in the episode that began at ep. */
static int condition_holds(const struct call_state *cs, const struct pb_rule *r, int64_t ep,
			   int64_t now)
{
	switch (r->kind) {
	case RULE_MOOD:
		return now - ep >= ms(r->seconds);
	case RULE_HOLD:
		return call_current_hold_ms(cs, now) > ms(r->seconds);
	case RULE_BOUNDARY:
		return cs->warnings >= r->count;
	case RULE_TIMEBOX:
		return call_in_stage_ms(cs, now) > ms(cs->pb->stages[cs->stage].timebox);
	case RULE_MANAGER:
		return 1;
	default:
		return 0;
	}
}

static int rule_due(const struct call_state *cs, size_t i, int64_t now)
{
	const struct pb_rule *r = &cs->pb->rules[i];
	const struct rule_track *tr = &cs->rules[i];
	int64_t ep = rules_episode(cs, i);
	int fired_in_episode = tr->fired > 0 && tr->episode_start == ep;

	if (ep < 0 || !condition_holds(cs, r, ep, now))
		return 0;
	if (tr->fired > 0 && now - tr->last_fired < ms(r->cooldown))
		return 0;
	if (!fired_in_episode)
		return 1;
	/* Fired in this episode already: only a hold's repeat fires again. */
	return r->kind == RULE_HOLD && r->repeat > 0 && now - tr->last_fired >= ms(r->repeat);
}

size_t rules_due(const struct call_state *cs, int64_t now, size_t *out, size_t max)
{
	size_t n = 0;

	if (cs->phase != CALL_TALK)
		return 0;
	for (size_t i = 0; i < cs->pb->nrules && n < max; i++)
		if (rule_due(cs, i, now))
			out[n++] = i;
	return n;
}

const char *rules_message(const struct call_state *cs, size_t rule)
{
	if (rule >= cs->pb->nrules)
		return NULL;
	return cs->pb->rules[rule].message;
}
