/*
 * call_log.c - the events a call's fold has applied, kept in order: what
 * an UNDO may take back and the fold again without it; how each line was
 * used and the pending prompt, as the fold keeps them; the path of stages
 * taken.
 *
 * An UNDO never edits the state in place: the kept events are folded
 * again into a fresh state, skipping every event taken back, and that
 * state replaces the old one only once the whole fold has succeeded. So
 * an undone mark leaves exactly the state a call without it would have,
 * and a failed UNDO (out of memory) leaves the state as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "call_int.h"

int call_next_stage(const struct call_state *cs)
{
	int s = (int)cs->stage + 1;

	if (s == STAGE_BOUNDARY)
		s++;
	return s < STAGE_COUNT ? s : -1;
}

int call_prev_stage(const struct call_state *cs)
{
	return cs->npath >= 2 ? cs->path[cs->npath - 2] : -1;
}

/* The agent's marks, which u takes back one by one. */
static int undoable(enum event_kind kind)
{
	switch (kind) {
	case EV_STAGE:
	case EV_MOOD:
	case EV_NOTE:
	case EV_HOLD_START:
	case EV_HOLD_END:
	case EV_ESCALATE:
	case EV_WARNING:
	case EV_CHECK:
	case EV_SAID:
	case EV_SKIP:
	case EV_MANAGER:
		return 1;
	default:
		return 0;
	}
}

/* Nothing of the wrap-up is set yet: it can still go back to the call. */
static int wrapup_untouched(const struct call_state *cs)
{
	return cs->outcome == OUTCOME_NONE && !cs->cause && !cs->followup && !cs->reflection;
}

int64_t call_undo_target(const struct call_state *cs)
{
	for (size_t i = cs->nlog; i-- > 0;) {
		const struct call_entry *e = &cs->log[i];

		if (e->undone)
			continue;
		if (cs->phase == CALL_WRAPUP && e->kind == EV_WRAPUP)
			return wrapup_untouched(cs) ? e->seq : 0;
		if (cs->phase == CALL_TALK && undoable(e->kind))
			return e->seq;
	}
	return 0;
}

const struct call_entry *call_entry_of(const struct call_state *cs, int64_t seq)
{
	for (size_t i = cs->nlog; seq > 0 && i-- > 0;)
		if (cs->log[i].seq == seq && cs->log[i].kind != EV_UNDO)
			return &cs->log[i];
	return NULL;
}

const struct line_use *call_line(const struct call_state *cs, enum stage stage,
				 enum section section, int index)
{
	if (index < 0 || (size_t)index >= call_section_len(cs, stage, section))
		return NULL;
	return &cs->lines[stage][section][index];
}

int64_t call_line_mark_seq(const struct call_state *cs, enum section section, int index)
{
	const struct line_use *u = call_line(cs, cs->stage, section, index);

	return u ? u->seq : 0;
}

int call_stage_place(const struct call_state *cs, enum section *section, int *index)
{
	for (size_t i = cs->nlog; i-- > 0;) {
		const struct call_entry *e = &cs->log[i];

		if (e->undone || e->in_stage != (int)cs->stage)
			continue;
		if (e->kind == EV_SAID || e->kind == EV_SKIP) {
			*section = (enum section)e->a;
			*index = e->b;
			return 1;
		}
		if (e->kind == EV_CHECK) {
			*section = SECTION_CHECKLIST;
			*index = e->a;
			return 1;
		}
	}
	return 0;
}

const char *call_skip_reason(const struct call_state *cs, enum stage stage, enum section section,
			     int index)
{
	const struct line_use *u = call_line(cs, stage, section, index);

	if (!u || u->mark != LINE_SKIPPED || u->reason < 0)
		return NULL;
	return skip_reason_key((enum skip_reason)u->reason);
}

const struct prompt_mark *call_prompt(const struct call_state *cs)
{
	return cs->prompt >= 0 ? &cs->prompts[cs->prompt] : NULL;
}

int call_prompt_rule(const struct call_state *cs)
{
	return cs->prompt >= 0 ? cs->prompts[cs->prompt].rule : -1;
}

int call_undo_ok(const struct call_state *cs, const struct event *ev)
{
	const struct call_entry *e;

	if (ev->a <= 0)
		return 0;
	if (ev->a == call_undo_target(cs))
		return 1;
	/* While talking, a line's mark may be taken back on its own. */
	e = call_entry_of(cs, ev->a);
	return cs->phase == CALL_TALK && e && !e->undone &&
	       (e->kind == EV_SAID || e->kind == EV_SKIP) && e->in_stage == (int)cs->stage &&
	       call_line_mark_seq(cs, (enum section)e->a, e->b) == e->seq;
}

struct event call_entry_event(const struct call_entry *e)
{
	return (struct event){e->seq, e->t, e->kind, e->stage, e->a, e->b, e->text};
}

/* Fold log (n kept events; the undone and the UNDOs skipped) into fresh. */
static enum poise_status refold(struct call_state *fresh, struct call_entry *log, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct event ev;
		enum poise_status st;

		if (log[i].undone || log[i].kind == EV_UNDO)
			continue;
		ev = call_entry_event(&log[i]);
		log[i].in_stage = (int)fresh->stage;
		log[i].mood = fresh->mood;
		st = call_fold_one(fresh, &ev);
		if (st != POISE_OK)
			return st == POISE_NOMEM ? st : POISE_STATE;
	}
	return POISE_OK;
}

enum poise_status call_undo_apply(struct call_state *cs, const struct event *ev)
{
	struct call_entry *log = malloc((cs->nlog + 1) * sizeof(*log));
	struct call_entry *old = cs->log;
	size_t n = cs->nlog;
	struct call_state fresh;
	enum poise_status st;

	if (!log)
		return POISE_NOMEM;
	if (call_init(&fresh, cs->pb) != POISE_OK) {
		free(log);
		return POISE_NOMEM;
	}
	if (n)
		memcpy(log, old, n * sizeof(*log));
	for (size_t i = 0; i < n; i++)
		if (log[i].seq == ev->a && log[i].kind != EV_UNDO && !log[i].undone)
			log[i].undone = 1;
	st = refold(&fresh, log, n);
	if (st != POISE_OK) {
		free(log);
		call_free(&fresh);
		return st;
	}
	/* The texts now belong to the new log; the old array goes alone. */
	fresh.nevents = cs->nevents;
	fresh.last_t = cs->last_t;
	cs->log = NULL;
	cs->nlog = 0;
	call_free(cs);
	free(old);
	*cs = fresh;
	cs->log = log;
	cs->nlog = n;
	cs->log_cap = n + 1;
	return POISE_OK;
}
