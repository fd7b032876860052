/*
 * rehearse.c - the scripted customer of a rehearsal, and its debrief.
 *
 * Pure: the fold, the event and the time come in; which reaction is due
 * and what the debrief says come out. Nothing here reads a clock or draws.
 */
#include <stdlib.h>
#include <string.h>

#include "poise/scenario.h"
#include "util/grow.h"

enum poise_status rehearsal_init(struct rehearsal *r, const struct scenario *sc, int64_t now)
{
	memset(r, 0, sizeof(*r));
	if (!sc)
		return POISE_USAGE;
	if (sc->nreactions && !(r->fired = calloc(sc->nreactions, 1)))
		return POISE_NOMEM;
	r->sc = sc;
	r->mood = sc->mood;
	r->last_action = now;
	return POISE_OK;
}

void rehearsal_free(struct rehearsal *r)
{
	free(r->fired);
	memset(r, 0, sizeof(*r));
}

static int matches(const struct rehearsal *r, const struct reaction *x,
		   const struct call_state *cs, const struct event *ev, int64_t now)
{
	int kind = ev ? (int)ev->kind : -1;

	switch (x->when) {
	case REACT_SAID:
		return kind == EV_SAID && (x->stage < 0 || (int)cs->stage == x->stage);
	case REACT_ENTER:
		/* cs is after the move, so the stage entered is already visited. */
		return kind == EV_STAGE && (int)cs->stage == x->stage &&
		       (x->before < 0 || !(cs->visited & (1u << x->before)));
	case REACT_WARNING:
		return kind == EV_WARNING && cs->warnings == x->count;
	case REACT_HOLD:
		return cs->on_hold && call_current_hold_ms(cs, now) >= (int64_t)x->seconds * 1000;
	case REACT_ESCALATE:
		return kind == EV_ESCALATE;
	case REACT_SILENCE:
		return !ev && cs->phase == CALL_TALK && !cs->on_hold &&
		       now - r->last_action >= (int64_t)x->seconds * 1000;
	case REACT_WHEN_COUNT:
		break;
	}
	return 0;
}

int rehearsal_react(struct rehearsal *r, const struct call_state *cs, const struct event *ev,
		    int64_t now)
{
	if (!r->sc || !cs || cs->phase != CALL_TALK)
		return -1;
	if (ev) {
		r->last_action = ev->t;
		if (ev->kind == EV_UNDO)
			return -1; /* what the customer said stays said */
	}
	for (size_t i = 0; i < r->sc->nreactions; i++) {
		const struct reaction *x = &r->sc->reactions[i];

		if (r->fired[i] || !matches(r, x, cs, ev, now))
			continue;
		r->fired[i] = 1;
		r->mood += x->mood;
		r->mood = r->mood < 1 ? 1 : r->mood > 5 ? 5 : r->mood;
		if (x->when == REACT_SILENCE)
			r->last_action = now;
		return (int)i;
	}
	return -1;
}

static enum poise_status add(struct debrief *d, enum debrief_kind kind, const char *label,
			     const char *text)
{
	if (!text || !*text)
		return POISE_OK;
	if (!GROW(d->items, d->n, d->cap, 8))
		return POISE_NOMEM;
	d->items[d->n++] = (struct debrief_item){kind, label, text};
	return POISE_OK;
}

/* Whether any line of stage s was marked said. */
static int said_in(const struct call_state *cs, int s)
{
	const struct pb_stage *st = &cs->pb->stages[s];

	for (int sec = 0; sec < SECTION_COUNT; sec++)
		for (size_t i = 0; cs->lines[s][sec] && i < st->section[sec].len; i++)
			if (cs->lines[s][sec][i].mark == LINE_SAID)
				return 1;
	return 0;
}

/* Whether stage `first` was entered before stage `then` was (both entered). */
static int entered_before(const struct call_state *cs, int first, int then)
{
	int seen = 0;

	if (cs->npath && cs->path[0] == first)
		return 1;
	for (size_t i = 0; i < cs->nlog; i++) {
		const struct call_entry *e = &cs->log[i];
		int s = e->kind == EV_START ? e->stage : e->kind == EV_STAGE ? e->stage : -1;

		if (e->undone || s < 0)
			continue;
		if (s == first)
			seen = 1;
		if (s == then)
			return seen;
	}
	return 0;
}

/*
 * Well: each stage visited in which the agent said a line of the guidance,
 * in stage order, with the stage's goal. To try: the goal of each stage
 * visited with nothing said, of Empathize when Solve came first, and the
 * message of every coaching rule that had to fire.
 */
enum poise_status rehearsal_debrief(const struct call_state *cs, struct debrief *out)
{
	const struct playbook *pb = cs->pb;
	unsigned tried = 0;
	enum poise_status st = POISE_OK;

	memset(out, 0, sizeof(*out));
	for (int s = 0; s < STAGE_COUNT && st == POISE_OK; s++)
		if ((cs->visited & (1u << s)) && said_in(cs, s))
			st = add(out, DEBRIEF_WELL, stage_title((enum stage)s), pb->stages[s].goal);
	if (st == POISE_OK && (cs->visited & (1u << STAGE_SOLVE)) &&
	    (!(cs->visited & (1u << STAGE_EMPATHIZE)) ||
	     !entered_before(cs, STAGE_EMPATHIZE, STAGE_SOLVE))) {
		tried |= 1u << STAGE_EMPATHIZE;
		st = add(out, DEBRIEF_TRY, stage_title(STAGE_EMPATHIZE),
			 pb->stages[STAGE_EMPATHIZE].goal);
	}
	for (int s = 0; s < STAGE_COUNT && st == POISE_OK; s++)
		if ((cs->visited & (1u << s)) && !(tried & (1u << s)) && !said_in(cs, s) &&
		    pb->stages[s].section[SECTION_SAY].len)
			st = add(out, DEBRIEF_TRY, stage_title((enum stage)s), pb->stages[s].goal);
	for (size_t i = 0; i < pb->nrules && st == POISE_OK; i++)
		if (cs->rules && cs->rules[i].fired)
			st = add(out, DEBRIEF_TRY, pb->rules[i].id, pb->rules[i].message);
	if (st != POISE_OK)
		debrief_free(out);
	return st;
}

void debrief_free(struct debrief *d)
{
	free(d->items);
	memset(d, 0, sizeof(*d));
}
