/*
 * review_replay.c - a logged call step by step, as the agent saw it: after
 * each event, the stage strip, the mood, the hold, the coaching prompt on
 * screen then and the current stage's lines with their marks (said,
 * skipped and why), drawn by the call screen's own functions from the
 * same fold; and every prompt so far with how it left the screen.
 *
 * Each step folds the first n events again with call_apply (a call is a
 * few hundred events at most), so stepping back is as exact as forward.
 */
#include "ui/review_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/fill.h"
#include "poise/strbuf.h"
#include "poise/timeline.h"

struct replay {
	const struct review_call *rc;
	size_t step; /* events applied: 0 .. nevents */
	struct call_state cs;
	int ok;
	char error[512];
	struct list_view lv;
};

static void refold(struct replay *r)
{
	struct poise_error err;

	if (r->ok)
		call_free(&r->cs);
	poise_error_clear(&err);
	r->ok = review_call_state(r->rc, r->step, &r->cs, &err) == POISE_OK;
	snprintf(r->error, sizeof(r->error), "%s", r->ok ? "" : err.msg);
	if (!r->ok)
		call_free(&r->cs);
}

static void draw_strip(struct ui *ui, const struct call_state *cs, int y)
{
	int x = 1, total = 0, shorter;

	for (int s = 0; s < STAGE_COUNT; s++)
		total += draw_cols(stage_title((enum stage)s)) + 2;
	shorter = total > COLS - 2; /* three letters each, as on the compact call screen */
	for (int s = 0; s < STAGE_COUNT && x < COLS - 1; s++) {
		const char *t = stage_title((enum stage)s);
		attr_t a = s == (int)cs->stage && cs->phase == CALL_TALK ? ui_attr(ui, R_STAGE_CUR)
			   : cs->visited & (1u << s)			 ? ui_attr(ui, R_STAGE_SEEN)
									 : ui_attr(ui, R_DIM);

		int len = shorter ? 3 : draw_cols(t);

		draw_cut(y, x, len < COLS - 1 - x ? len : COLS - 1 - x, a, t);
		x += len + (shorter ? 1 : 2);
	}
}

/* When t fell, as time into the call. */
static char *call_time(char *buf, size_t size, const struct replay *r, int64_t t)
{
	return words_duration(buf, size, t - r->rc->meta.started);
}

/* The event just applied, and the one that comes next. */
static void add_events(struct ui *ui, struct replay *r, struct list_build *b)
{
	const struct review_call *rc = r->rc;
	char at[16], *what, *line, word[48];
	struct call_state before;
	struct poise_error err;

	for (int k = 0; k < 2; k++) {
		size_t i = r->step - 1 + (size_t)k;

		if ((k == 0 && r->step == 0) || i >= rc->nevents) {
			list_add(b, NULL, k == 0 ? _("(before the call)") : _("(end of the call)"),
				 ui_attr(ui, R_DIM), 0);
			continue;
		}
		poise_error_clear(&err);
		if (review_call_state(rc, i, &before, &err) != POISE_OK) {
			call_free(&before);
			continue;
		}
		what = timeline_describe(&before, &rc->meta, &rc->events[i]);
		call_free(&before);
		/* TRANSLATORS: "now" and "next" are padded to one width on the screen. */
		line = str_printf("%s %s  %s",
				  draw_pad(word, sizeof(word), k == 0 ? _("now") : _("next"), 4),
				  call_time(at, sizeof(at), r, rc->events[i].t),
				  what ? what : _("out of memory"));
		free(what);
		list_add(b, NULL, list_own(b, line), k == 0 ? A_BOLD : ui_attr(ui, R_DIM), 0);
	}
}

/* How a prompt left the screen, as a few words; `at` is when. */
static void prompt_end_words(char *buf, size_t size, const struct prompt_mark *p, const char *at)
{
	switch (p->end) {
	case PROMPT_PENDING:
		snprintf(buf, size, "%s", _("on screen now"));
		break;
	case PROMPT_ACTED:
		snprintf(buf, size, _("acted on at %s"), at);
		break;
	case PROMPT_REPLACED:
		snprintf(buf, size, _("replaced by a newer prompt at %s"), at);
		break;
	case PROMPT_LAPSED:
		snprintf(buf, size, "%s", _("not shown: its cause was undone"));
		break;
	}
}

/* Every prompt fired so far, and how it left the agent's screen. */
static void add_prompts(struct ui *ui, struct replay *r, struct list_build *b)
{
	const struct call_state *cs = &r->cs;
	const struct call_meta *m = &r->rc->meta;
	char at[16], end[16], how[160];

	if (cs->nprompts == 0)
		return;
	list_add(b, NULL, "", A_NORMAL, 0);
	list_add(b, NULL, _("Coaching prompts so far"), ui_attr(ui, R_SECTION), 0);
	for (size_t i = 0; i < cs->nprompts; i++) {
		const struct prompt_mark *p = &cs->prompts[i];
		const struct pb_rule *rule = &r->rc->pb->rules[p->rule];
		char *msg = fill_text(rule->message, m->customer, m->agent);

		prompt_end_words(how, sizeof(how), p, call_time(end, sizeof(end), r, p->end_at));
		/* Whole: a message with {customer} filled can outgrow any fixed line. */
		char *line = str_printf("%s %s (%s): %s", call_time(at, sizeof(at), r, p->t),
					rule->id, how, msg ? msg : rule->message);

		free(msg);
		list_add(b, NULL, list_own(b, line),
			 p->end == PROMPT_PENDING ? ui_attr(ui, R_PROMPT) : ui_attr(ui, R_DIM), 0);
	}
}

/* The figures, the prompt and the stage's lines at this step, as the call screen showed them. */
static void add_state(struct ui *ui, struct replay *r, struct list_build *b)
{
	const struct call_state *cs = &r->cs;
	struct call_view v = {cs, r->rc->pb, r->rc->meta.customer, r->rc->meta.agent, -1, 0, NULL};
	int64_t now = r->step ? r->rc->events[r->step - 1].t : r->rc->meta.started;
	char buf[1024], hold[16], stage[16], mood[WORDS_BUF], n1[WORDS_BUF], n2[WORDS_BUF];

	words_duration(stage, sizeof(stage), call_in_stage_ms(cs, now));
	words_duration(hold, sizeof(hold), call_current_hold_ms(cs, now));
	/* TRANSLATORS: mood, the stage and its time, "ON HOLD" and its time, warnings, escalations.
	 */
	snprintf(buf, sizeof(buf), _("mood %s   in %s for %s%s%s   %s   %s"),
		 words_mood_mark(mood, sizeof(mood), cs->mood), stage_title(cs->stage), stage,
		 cs->on_hold ? _("   ON HOLD ") : "", cs->on_hold ? hold : "",
		 words_count(n1, sizeof(n1), cs->warnings, "warning", "warnings"),
		 words_count(n2, sizeof(n2), cs->escalations, "escalation", "escalations"));
	list_add(b, NULL, list_own(b, strdup(buf)), A_NORMAL, 0);
	/* The prompt, and the pacer below it, as on the call screen. */
	if (call_prompt(cs))
		list_add(b, NULL, list_own(b, callview_prompt(ui, &v, now)), ui_attr(ui, R_PROMPT),
			 0);
	if (cs->pacing)
		list_add(b, NULL, _("breathing pacer running"), ui_attr(ui, R_PROMPT), 0);
	list_add(b, NULL, "", A_NORMAL, 0);
	if (cs->phase != CALL_NEW)
		callview_stage(ui, &v, b);
	add_prompts(ui, r, b);
}

static key_fn replay_step, replay_ends, replay_scroll;

static const struct keybind replay_keys[] = {
	KB_HELP,
	KB_ROW(replay_step, KEYS(KF(KEY_RIGHT), 'l', ' ', KF(KEY_LEFT), 'h'), N_("Right/Left"),
	       N_("step"), N_("the next event (Right, l, Space) or the one before (Left, h)")),
	KB_ROW(replay_ends, KEYS('g', KF(KEY_HOME), 'G', KF(KEY_END)), "g/G", N_("start/end"),
	       N_("before the first event (g) or after the last (G)")),
	KB_ROW(replay_scroll, KEYS_SCROLL, "j/k", N_("scroll"),
	       N_("scroll what is shown (Down/Up, j/k, PgDn/PgUp)")),
	KB_ROW(key_quit, KEYS('q', KEY_ESC), "q", N_("back"), N_("back to the call (q or Esc)")),
};
#define NREPLAY_KEYS (sizeof(replay_keys) / sizeof(replay_keys[0]))
/* While too small, stepping, scrolling and q act; the help waits (struct keymap). */
static key_fn *const replay_unseen[] = {replay_step, replay_ends, replay_scroll, key_quit, NULL};
static const struct keymap replay_map = {N_("poise review - keys of replay"), replay_keys,
					 NREPLAY_KEYS, BANNER_KEEP, replay_unseen};

static void replay_draw(struct ui *ui, void *ctx)
{
	struct replay *r = ctx;
	int fh = draw_footer(ui, -1, 2, replay_keys, NREPLAY_KEYS), y = 2;
	char title[256], at[16];

	erase();
	words_duration(at, sizeof(at),
		       r->step ? r->rc->events[r->step - 1].t - r->rc->meta.started : 0);
	snprintf(title, sizeof(title), _("poise review - replay %s  step %zu of %zu  at %s"),
		 r->rc->meta.customer[0] ? r->rc->meta.customer : r->rc->meta.id, r->step,
		 r->rc->nevents, at);
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), title);
	if (r->ok) {
		struct list_build b = {0};

		draw_strip(ui, &r->cs, y++);
		add_events(ui, r, &b);
		list_add(&b, NULL, "", A_NORMAL, 0);
		add_state(ui, r, &b);
		list_build_draw(ui, y, 1, COLS - 2, LINES - fh - y, &b, &r->lv);
		list_build_free(&b);
	} else {
		draw_text(ui, y, 1, COLS - 2, 3, ui_attr(ui, R_ERROR), r->error);
	}
	draw_footer(ui, LINES - fh, 2, replay_keys, NREPLAY_KEYS);
}

static int replay_step(struct ui *ui, void *ctx, int key)
{
	struct replay *r = ctx;

	(void)ui;
	if (key == KF(KEY_LEFT) || key == 'h') {
		if (r->step == 0)
			return HANDLED;
		r->step--;
	} else {
		if (r->step >= r->rc->nevents)
			return HANDLED;
		r->step++;
	}
	refold(r);
	return REDRAW;
}

static int replay_ends(struct ui *ui, void *ctx, int key)
{
	struct replay *r = ctx;

	(void)ui;
	r->step = key == 'g' || key == KF(KEY_HOME) ? 0 : r->rc->nevents;
	refold(r);
	return REDRAW;
}

static int replay_scroll(struct ui *ui, void *ctx, int key)
{
	struct replay *r = ctx;

	(void)ui;
	return list_view_key(&r->lv, key);
}

static int replay_key(struct ui *ui, void *ctx, int key)
{
	return keymap_key(ui, &replay_map, ctx, key);
}

static const struct screen replay_screen = {"review-replay", replay_draw, replay_key, NULL, 0};

void rv_replay_run(struct ui *ui, const struct review_call *rc)
{
	struct replay r = {rc, 0, {0}, 0, "", {.sel = -1}};

	refold(&r);
	ui_push(ui, &replay_screen, &r);
	ui_run(ui);
	ui_pop(ui);
	if (r.ok)
		call_free(&r.cs);
}
