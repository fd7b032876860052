/*
 * call.c - a call's state as a fold over its events.
 *
 * call_check() decides, call_apply() changes: every refusal happens before
 * the first write, and the only allocations (the log entry and its text, a
 * note, a mood mark, a prompt) are made before anything is touched, so a
 * refused or failed event leaves the state exactly as it was. An event's
 * text is kept once, by its log entry: a note, the cause, the follow-up and
 * the reflection point at it.
 */
#include "poise/call.h"

#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "util/grow.h"
#include "poise/rules.h"

static unsigned char *zalloc(size_t n)
{
	/* One byte at least, so NULL always means out of memory. */
	return calloc(n ? n : 1, 1);
}

enum poise_status call_init(struct call_state *cs, const struct playbook *pb)
{
	memset(cs, 0, sizeof(*cs));
	cs->pb = pb;
	cs->phase = CALL_NEW;
	cs->stage = STAGE_CALM;
	cs->outcome = OUTCOME_NONE;
	cs->prompt = -1;
	cs->resume_phase = CALL_NEW;

	for (int s = 0; s < STAGE_COUNT; s++) {
		const struct pb_stage *st = &pb->stages[s];

		cs->ticked[s] = zalloc(st->section[SECTION_CHECKLIST].len);
		if (!cs->ticked[s])
			goto fail;
		for (int sec = 0; sec < SECTION_COUNT; sec++) {
			size_t len = st->section[sec].len;

			cs->lines[s][sec] = calloc(len ? len : 1, sizeof(struct line_use));
			if (!cs->lines[s][sec])
				goto fail;
			for (size_t i = 0; i < len; i++)
				cs->lines[s][sec][i].reason = -1;
		}
	}
	cs->rules = calloc(pb->nrules ? pb->nrules : 1, sizeof(*cs->rules));
	if (!cs->rules)
		goto fail;
	return POISE_OK;
fail:
	call_free(cs);
	return POISE_NOMEM;
}

void call_free(struct call_state *cs)
{
	for (int s = 0; s < STAGE_COUNT; s++) {
		free(cs->ticked[s]);
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			free(cs->lines[s][sec]);
	}
	for (size_t i = 0; i < cs->nlog; i++)
		free(cs->log[i].text);
	free(cs->log);
	free(cs->path);
	free(cs->notes);
	free(cs->moods);
	free(cs->rules);
	free(cs->prompts);
	memset(cs, 0, sizeof(*cs));
}

/* --- checking ------------------------------------------------------------ */

static int known_cause(const struct playbook *pb, const char *id)
{
	for (size_t i = 0; id && i < pb->ncauses; i++)
		if (strcmp(pb->causes[i].id, id) == 0)
			return 1;
	return 0;
}

static int item_in_range(const struct call_state *cs, int section, int index)
{
	if (section < 0 || section >= SECTION_COUNT || index < 0)
		return 0;
	return (size_t)index < call_section_len(cs, cs->stage, (enum section)section);
}

/* Events of the live part of the call. */
static int talk_event_ok(const struct call_state *cs, const struct event *ev)
{
	switch (ev->kind) {
	case EV_STAGE:
		return ev->stage >= 0 && ev->stage < STAGE_COUNT && ev->stage != (int)cs->stage;
	case EV_MOOD:
		return ev->a >= 1 && ev->a <= 5;
	case EV_HOLD_START:
		return !cs->on_hold;
	case EV_HOLD_END:
		return cs->on_hold;
	case EV_WARNING:
		return ev->a == cs->warnings + 1 && ev->a <= PLAYBOOK_WARNINGS;
	case EV_CHECK:
		return item_in_range(cs, SECTION_CHECKLIST, ev->a) && (ev->b == 0 || ev->b == 1);
	case EV_SAID:
		return item_in_range(cs, ev->a, ev->b);
	case EV_SKIP:
		return item_in_range(cs, ev->a, ev->b) && skip_reason_from_key(ev->text) >= 0;
	case EV_PROMPT:
		return ev->a >= 0 && (size_t)ev->a < cs->pb->nrules;
	case EV_ESCALATE:
	case EV_MANAGER:
	case EV_WRAPUP:
		return 1;
	default:
		return 0;
	}
}

static int wrapup_event_ok(const struct call_state *cs, const struct event *ev)
{
	switch (ev->kind) {
	case EV_OUTCOME:
		return ev->text && outcome_from_key(ev->text) != OUTCOME_NONE;
	case EV_CAUSE:
		return known_cause(cs->pb, ev->text);
	case EV_FOLLOWUP:
	case EV_REFLECTION:
		return ev->text != NULL;
	case EV_END:
		return cs->outcome != OUTCOME_NONE;
	default:
		return 0;
	}
}

static int event_ok(const struct call_state *cs, const struct event *ev)
{
	if (cs->phase == CALL_NEW)
		return ev->kind == EV_START && ev->t > 0 && ev->stage >= 0 &&
		       ev->stage < STAGE_COUNT;
	if (ev->t < cs->last_t)
		return 0;
	if (cs->phase == CALL_INTERRUPTED)
		return ev->kind == EV_RESUME;
	if (cs->phase != CALL_TALK && cs->phase != CALL_WRAPUP)
		return 0;
	/* Both live phases. */
	if (ev->kind == EV_INTERRUPTED || ev->kind == EV_BREATHE)
		return 1;
	if (ev->kind == EV_BREATHE_END)
		return cs->pacing;
	if (ev->kind == EV_UNDO)
		return call_undo_ok(cs, ev);
	if (ev->kind == EV_NOTE)
		return ev->text != NULL;
	if (cs->phase == CALL_TALK)
		return talk_event_ok(cs, ev);
	return wrapup_event_ok(cs, ev);
}

enum poise_status call_check(const struct call_state *cs, const struct event *ev)
{
	if (!ev || (unsigned)ev->kind >= EV_COUNT)
		return POISE_STATE;
	return event_ok(cs, ev) ? POISE_OK : POISE_STATE;
}

/* --- applying ------------------------------------------------------------ */

static void enter_stage(struct call_state *cs, int stage, int64_t t)
{
	cs->stage = (enum stage)stage;
	cs->stage_since = t;
	cs->stage_clock = t;
	cs->visit_ms = 0;
	cs->visited |= 1u << stage;
	cs->stage_visits[stage]++;
	if (stage == STAGE_EMPATHIZE && !cs->empathy_at) {
		cs->empathy_at = t;
		cs->empathy_gap = cs->gap_ms;
	}
	/* Back to the stage before on the path steps back; anything else adds to it. */
	if (cs->npath >= 2 && cs->path[cs->npath - 2] == stage)
		cs->npath--;
	else
		cs->path[cs->npath++] = stage;
}

/* Move the open stretch of the current visit into the closed totals. */
static void close_stretch(struct call_state *cs, int64_t t)
{
	int64_t d = t - cs->stage_clock;

	cs->stage_ms[cs->stage] += d;
	cs->visit_ms += d;
	cs->stage_clock = t;
}

static void close_hold(struct call_state *cs, int64_t t)
{
	int64_t d = t - cs->hold_since - cs->hold_gap_ms;

	if (!cs->on_hold)
		return;
	cs->hold_ms += d;
	if (d > cs->hold_longest_ms)
		cs->hold_longest_ms = d;
	cs->on_hold = 0;
	cs->hold_gap_ms = 0;
	cs->hold_part_ms = d;
}

/* Talk stops (WRAPUP, or INTERRUPTED while talking): close what runs. */
static void stop_talk(struct call_state *cs, int64_t t)
{
	close_hold(cs, t);
	close_stretch(cs, t);
}

static enum poise_status apply_note(struct call_state *cs, const struct event *ev)
{
	if (!GROW(cs->notes, cs->nnotes, cs->notes_cap, 8))
		return POISE_NOMEM;
	cs->notes[cs->nnotes++] = (struct note){.t = ev->t, .text = ev->text};
	return POISE_OK;
}

static enum poise_status apply_mood(struct call_state *cs, const struct event *ev)
{
	if (!GROW(cs->moods, cs->nmoods, cs->moods_cap, 8))
		return POISE_NOMEM;
	cs->moods[cs->nmoods++] = (struct mood_mark){.t = ev->t, .mood = ev->a};
	/* The same mood again confirms it: it has been held since the first. */
	if (ev->a != cs->mood)
		cs->mood_since = ev->t;
	cs->mood = ev->a;
	return POISE_OK;
}

/* Replace *slot with a copy of text. */
/* The pending prompt leaves the screen: how, and by which event. */
static void end_prompt(struct call_state *cs, enum prompt_end how, const struct event *ev)
{
	struct prompt_mark *p = &cs->prompts[cs->prompt];

	p->end = how;
	p->end_seq = ev->seq;
	p->end_at = ev->t;
	cs->prompt = -1;
}

static enum poise_status apply_prompt(struct call_state *cs, const struct event *ev)
{
	struct rule_track *tr = &cs->rules[ev->a];
	struct prompt_mark *p;

	if (!GROW(cs->prompts, cs->nprompts, cs->prompts_cap, 8))
		return POISE_NOMEM;
	tr->episode_start = rules_episode(cs, (size_t)ev->a);
	tr->last_fired = ev->t;
	tr->fired++;
	p = &cs->prompts[cs->nprompts];
	*p = (struct prompt_mark){ev->seq, ev->t, ev->a, (int)cs->stage, PROMPT_LAPSED, 0, 0};
	/* Pending only while its cause holds: folded again after an UNDO, it may not. */
	if (tr->episode_start >= 0) {
		if (cs->prompt >= 0)
			end_prompt(cs, PROMPT_REPLACED, ev);
		p->end = PROMPT_PENDING;
		cs->prompt = (long)cs->nprompts;
	}
	cs->nprompts++;
	return POISE_OK;
}

static void mark_line(struct call_state *cs, const struct event *ev, enum line_mark mark)
{
	struct line_use *u = &cs->lines[cs->stage][ev->a][ev->b];

	u->seq = ev->seq;
	u->t = ev->t;
	u->mark = (unsigned char)mark;
	u->reason = (signed char)(mark == LINE_SKIPPED ? skip_reason_from_key(ev->text) : -1);
}

static void apply_interrupted(struct call_state *cs, int64_t t)
{
	if (cs->phase == CALL_TALK) {
		cs->hold_paused = cs->on_hold;
		stop_talk(cs, t);
	}
	cs->resume_phase = cs->phase;
	cs->phase = CALL_INTERRUPTED;
	cs->interrupted_at = t;
	cs->pacing = 0; /* a resumed call starts without the pacer */
	cs->ended = t;
}

static void apply_resume(struct call_state *cs, int64_t t, int hold_goes_on)
{
	cs->gap_ms += t - cs->interrupted_at;
	cs->phase = cs->resume_phase;
	cs->interrupted_at = 0;
	cs->interrupted_before = 1;
	cs->ended = 0;
	/* RESUME's a = 1: the hold goes on (older logs have 0: it ended there). */
	if (cs->hold_paused && hold_goes_on) {
		/* The same hold goes on: its closed part is taken back, the gap left out. */
		cs->on_hold = 1;
		cs->hold_ms -= cs->hold_part_ms;
		cs->hold_gap_ms = t - cs->hold_since - cs->hold_part_ms;
	}
	cs->hold_paused = 0;
	/* The same visit goes on; its clock restarts here, after the gap. */
	cs->stage_clock = t;
}

/* The events that only set a mark or a counter. */
static void apply_simple(struct call_state *cs, const struct event *ev)
{
	switch (ev->kind) {
	case EV_HOLD_START:
		cs->on_hold = 1;
		cs->hold_since = ev->t;
		cs->holds++;
		break;
	case EV_HOLD_END:
		close_hold(cs, ev->t);
		break;
	case EV_ESCALATE:
		cs->escalations++;
		break;
	case EV_WARNING:
		cs->warning_at[cs->warnings++] = ev->t;
		break;
	case EV_CHECK:
		cs->ticked[cs->stage][ev->a] = (unsigned char)ev->b;
		break;
	case EV_SAID:
		mark_line(cs, ev, LINE_SAID);
		break;
	case EV_SKIP:
		mark_line(cs, ev, LINE_SKIPPED);
		break;
	case EV_MANAGER:
		cs->manager_at = ev->t;
		cs->manager_asks++;
		break;
	case EV_BREATHE:
		cs->breathe_count++;
		cs->breathe_at = ev->t;
		cs->pacing = 1;
		break;
	case EV_BREATHE_END:
		cs->pacing = 0;
		break;
	case EV_OUTCOME:
		cs->outcome = outcome_from_key(ev->text);
		break;
	default:
		break;
	}
}

/* The event did what the newest prompt suggested: the prompt has done its job. */
static void settle_prompt(struct call_state *cs, const struct event *ev)
{
	enum rule_action action;
	int done;

	if (cs->prompt < 0)
		return;
	action = cs->pb->rules[cs->prompts[cs->prompt].rule].action;
	switch (action) {
	case ACTION_ESCALATE:
		done = ev->kind == EV_ESCALATE;
		break;
	case ACTION_BOUNDARY:
		done = ev->kind == EV_WARNING ||
		       (ev->kind == EV_STAGE && ev->stage == STAGE_BOUNDARY);
		break;
	case ACTION_END_HOLD:
		done = ev->kind == EV_HOLD_END;
		break;
	case ACTION_BREATHE:
		done = ev->kind == EV_BREATHE;
		break;
	case ACTION_NEXT_STAGE:
		done = ev->kind == EV_STAGE;
		break;
	default:
		done = 0;
		break;
	}
	if (done)
		end_prompt(cs, PROMPT_ACTED, ev);
}

static enum poise_status move_to_stage(struct call_state *cs, const struct event *ev)
{
	if (!GROW(cs->path, cs->npath, cs->path_cap, 16))
		return POISE_NOMEM;
	if (ev->kind == EV_START) {
		cs->phase = CALL_TALK;
		cs->started = ev->t;
	} else {
		close_stretch(cs, ev->t);
	}
	enter_stage(cs, ev->stage, ev->t);
	return POISE_OK;
}

static enum poise_status apply_event(struct call_state *cs, const struct event *ev)
{
	switch (ev->kind) {
	case EV_START:
	case EV_STAGE:
		return move_to_stage(cs, ev);
	case EV_UNDO:
		return call_undo_apply(cs, ev);
	case EV_MOOD:
		return apply_mood(cs, ev);
	case EV_NOTE:
		return apply_note(cs, ev);
	case EV_PROMPT:
		return apply_prompt(cs, ev);
	case EV_CAUSE:
		cs->cause = ev->text;
		return POISE_OK;
	case EV_FOLLOWUP:
		cs->followup = ev->text;
		return POISE_OK;
	case EV_REFLECTION:
		cs->reflection = ev->text;
		return POISE_OK;
	case EV_WRAPUP:
		stop_talk(cs, ev->t);
		cs->phase = CALL_WRAPUP;
		cs->wrapup_at = ev->t;
		cs->talk_ms = call_elapsed_ms(cs, ev->t);
		return POISE_OK;
	case EV_END:
		cs->phase = CALL_DONE;
		cs->ended = ev->t;
		return POISE_OK;
	case EV_INTERRUPTED:
		apply_interrupted(cs, ev->t);
		return POISE_OK;
	case EV_RESUME:
		apply_resume(cs, ev->t, ev->a == 1);
		return POISE_OK;
	default:
		apply_simple(cs, ev);
		return POISE_OK;
	}
}

enum poise_status call_fold_one(struct call_state *cs, const struct event *ev)
{
	enum poise_status st = call_check(cs, ev);

	if (st != POISE_OK)
		return st;
	st = apply_event(cs, ev);
	if (st != POISE_OK)
		return st;
	if (ev->kind != EV_PROMPT)
		settle_prompt(cs, ev);
	cs->last_t = ev->t;
	cs->nevents++;
	return POISE_OK;
}

/*
 * Fold the event and keep it. The entry is made (its text copied, room
 * made) before the fold changes anything; an UNDO's fold again leaves room
 * for its own entry. An event without a seq is folded under its place.
 */
enum poise_status call_apply(struct call_state *cs, const struct event *given)
{
	struct event numbered = *given, *ev = &numbered;
	struct call_entry e;
	enum poise_status st = call_check(cs, ev);

	if (st != POISE_OK)
		return st;
	if (!ev->seq)
		ev->seq = cs->nevents + 1;
	e = (struct call_entry){.seq = ev->seq,
				.t = ev->t,
				.kind = ev->kind,
				.stage = ev->stage,
				.a = ev->a,
				.b = ev->b,
				.in_stage = (int)cs->stage,
				.mood = cs->mood};
	if ((ev->text && !(e.text = strdup(ev->text))) ||
	    !GROW(cs->log, cs->nlog, cs->log_cap, 32)) {
		free(e.text);
		return POISE_NOMEM;
	}
	ev->text = e.text; /* what the state keeps of it points at the log's copy */
	st = call_fold_one(cs, ev);
	if (st != POISE_OK) {
		free(e.text);
		return st;
	}
	cs->log[cs->nlog++] = e;
	return POISE_OK;
}

/* --- derived figures ----------------------------------------------------- */

static int64_t nonneg(int64_t v)
{
	return v > 0 ? v : 0;
}

/* Where the live clock stands: now while talking, else where talk stopped. */
static int64_t talk_clock(const struct call_state *cs, int64_t now)
{
	switch (cs->phase) {
	case CALL_TALK:
		return now;
	case CALL_INTERRUPTED:
		return cs->resume_phase == CALL_TALK ? cs->interrupted_at : cs->wrapup_at;
	case CALL_WRAPUP:
	case CALL_DONE:
		return cs->wrapup_at;
	default:
		return 0;
	}
}

int64_t call_elapsed_ms(const struct call_state *cs, int64_t now)
{
	int64_t end = now;

	if (cs->phase == CALL_NEW)
		return 0;
	if (cs->phase == CALL_DONE || cs->phase == CALL_INTERRUPTED)
		end = cs->ended;
	return nonneg(end - cs->started - cs->gap_ms);
}

int64_t call_talk_ms(const struct call_state *cs, int64_t now)
{
	if (cs->wrapup_at)
		return cs->talk_ms;
	return call_elapsed_ms(cs, now);
}

int64_t call_wrapup_ms(const struct call_state *cs, int64_t now)
{
	if (!cs->wrapup_at)
		return 0;
	return nonneg(call_elapsed_ms(cs, now) - cs->talk_ms);
}

int64_t call_stage_ms(const struct call_state *cs, enum stage stage, int64_t now)
{
	int64_t ms;

	if ((unsigned)stage >= STAGE_COUNT)
		return 0;
	ms = cs->stage_ms[stage];
	if (cs->phase == CALL_TALK && stage == cs->stage)
		ms += nonneg(now - cs->stage_clock);
	return ms;
}

int64_t call_in_stage_ms(const struct call_state *cs, int64_t now)
{
	if (cs->phase == CALL_TALK)
		return cs->visit_ms + nonneg(now - cs->stage_clock);
	return cs->visit_ms;
}

int64_t call_current_hold_ms(const struct call_state *cs, int64_t now)
{
	return cs->on_hold ? nonneg(now - cs->hold_since - cs->hold_gap_ms) : 0;
}

int64_t call_hold_ms(const struct call_state *cs, int64_t now)
{
	return cs->hold_ms + call_current_hold_ms(cs, now);
}

int64_t call_mood_held_ms(const struct call_state *cs, int64_t now)
{
	if (!cs->mood)
		return 0;
	return nonneg(talk_clock(cs, now) - cs->mood_since);
}

size_t call_section_len(const struct call_state *cs, enum stage stage, enum section section)
{
	if ((unsigned)stage >= STAGE_COUNT || (unsigned)section >= SECTION_COUNT)
		return 0;
	return cs->pb->stages[stage].section[section].len;
}

size_t call_ticked_count(const struct call_state *cs, enum stage stage)
{
	size_t n = 0, len = call_section_len(cs, stage, SECTION_CHECKLIST);

	for (size_t i = 0; i < len; i++)
		n += cs->ticked[stage][i] != 0;
	return n;
}
