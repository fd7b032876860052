/*
 * floor.c - the live floor's rows and alerts, from a call's fold (floor.h).
 */
#include "poise/floor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum floor_need floor_need_of(const struct floor_row *r)
{
	if (r->phase != CALL_TALK)
		return FLOOR_FINE;
	if (r->escalations > 0 || r->manager_asks > 0)
		return FLOOR_HELP;
	if (r->warnings >= 2)
		return FLOOR_WARNED;
	if (r->mood >= FLOOR_MOOD_WATCH || r->hold_ms > FLOOR_HOLD_LONG_MS || r->warnings == 1)
		return FLOOR_WATCH;
	return FLOOR_FINE;
}

void floor_row_make(struct floor_row *r, const struct call_meta *m, const struct call_state *cs,
		    int64_t now)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->call_id, sizeof(r->call_id), "%s", m->id);
	snprintf(r->agent, sizeof(r->agent), "%s", m->agent);
	snprintf(r->customer, sizeof(r->customer), "%s", m->customer);
	r->phase = cs->phase;
	r->stage = cs->stage;
	r->mood = cs->mood;
	r->on_hold = cs->on_hold;
	r->hold_ms = cs->on_hold ? call_current_hold_ms(cs, now) : 0;
	r->hold_total_ms = call_hold_ms(cs, now);
	r->warnings = cs->warnings;
	for (size_t i = 0; cs->rules && cs->pb && i < cs->pb->nrules; i++)
		r->prompts += cs->rules[i].fired;
	r->escalations = cs->escalations;
	r->manager_asks = cs->manager_asks;
	r->elapsed_ms = call_elapsed_ms(cs, now);
	r->need = floor_need_of(r);
}

/* -1 when a is more, 1 when b is more: the more comes first. */
static int more_first(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

int floor_row_cmp(const struct floor_row *a, const struct floor_row *b)
{
	int c;

	if ((c = more_first(a->need, b->need)) || (c = more_first(a->mood, b->mood)) ||
	    (c = more_first(a->hold_ms, b->hold_ms)) ||
	    (c = more_first(a->warnings, b->warnings)) ||
	    (c = more_first(a->prompts, b->prompts)) ||
	    (c = more_first(a->elapsed_ms, b->elapsed_ms)))
		return c;
	if ((c = strcmp(a->agent, b->agent)))
		return c;
	return strcmp(a->call_id, b->call_id);
}

static int cmp_rows(const void *a, const void *b)
{
	return floor_row_cmp(a, b);
}

void floor_sort(struct floor_row *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), cmp_rows);
}

const char *floor_need_word(enum floor_need need)
{
	switch (need) {
	case FLOOR_HELP:
		return "HELP";
	case FLOOR_WARNED:
		return "warned";
	case FLOOR_WATCH:
		return "watch";
	case FLOOR_FINE:
		break;
	}
	return "";
}

enum floor_alert floor_alert_of(const struct event *ev)
{
	switch (ev->kind) {
	case EV_ESCALATE:
		return FLOOR_ALERT_ESCALATE;
	case EV_MANAGER:
		return FLOOR_ALERT_MANAGER;
	case EV_WARNING:
		return ev->a >= 2 ? FLOOR_ALERT_WARNING : FLOOR_ALERT_NONE;
	default:
		return FLOOR_ALERT_NONE;
	}
}

const char *floor_alert_words(char *buf, size_t size, enum floor_alert alert, int level)
{
	switch (alert) {
	case FLOOR_ALERT_ESCALATE:
		snprintf(buf, size, "escalated");
		break;
	case FLOOR_ALERT_MANAGER:
		snprintf(buf, size, "manager requested");
		break;
	case FLOOR_ALERT_WARNING:
		snprintf(buf, size, "boundary warning %d", level);
		break;
	case FLOOR_ALERT_NONE:
		snprintf(buf, size, "-");
		break;
	}
	return buf;
}
