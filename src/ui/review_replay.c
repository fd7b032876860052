/*
 * review_replay.c - a logged call step by step, as the agent saw it: after
 * each event, the stage strip, the mood, the hold, the current stage's
 * checklist and the coaching prompt on screen then.
 *
 * Each step folds the first n events again with call_apply (a call is a
 * few hundred events at most), so stepping back is as exact as forward.
 */
#include "ui/review_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/timeline.h"

struct replay {
	const struct review_call *rc;
	size_t step; /* events applied: 0 .. nevents */
	struct call_state cs;
	int ok;
	char error[512];
	struct list_view lv;
};

static struct replay *current;

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
		total += (int)strlen(stage_title((enum stage)s)) + 2;
	shorter = total > COLS - 2; /* three letters each, as on the compact call screen */
	for (int s = 0; s < STAGE_COUNT && x < COLS - 1; s++) {
		const char *t = stage_title((enum stage)s);
		attr_t a = s == (int)cs->stage && cs->phase == CALL_TALK ? ui_attr(ui, R_STAGE_CUR)
			   : cs->visited & (1u << s)			 ? ui_attr(ui, R_STAGE_SEEN)
									 : ui_attr(ui, R_DIM);

		int len = shorter ? 3 : (int)strlen(t);

		attron(a);
		mvaddnstr(y, x, t, len < COLS - 1 - x ? len : COLS - 1 - x);
		attroff(a);
		x += len + (shorter ? 1 : 2);
	}
}

#define REPLAY_ITEMS 256

/* What the replay body shows, as one list: the texts are owned here. */
struct body {
	struct list_item items[REPLAY_ITEMS];
	char *text[REPLAY_ITEMS];
	size_t n;
};

static void add(struct body *b, attr_t attr, const char *mark, const char *text)
{
	if (b->n >= REPLAY_ITEMS || !(b->text[b->n] = strdup(text)))
		return;
	b->items[b->n] = (struct list_item){mark, b->text[b->n], NULL, attr, 0};
	b->n++;
}

/* The event just applied, and the one that comes next. */
static void add_events(struct ui *ui, struct replay *r, struct body *b)
{
	const struct review_call *rc = r->rc;
	char at[16], what[1024], line[1100];
	struct call_state before;
	struct poise_error err;

	for (int k = 0; k < 2; k++) {
		size_t i = r->step - 1 + (size_t)k;

		if ((k == 0 && r->step == 0) || i >= rc->nevents) {
			add(b, ui_attr(ui, R_DIM), NULL,
			    k == 0 ? "(before the call)" : "(end of the call)");
			continue;
		}
		poise_error_clear(&err);
		if (review_call_state(rc, i, &before, &err) != POISE_OK) {
			call_free(&before);
			continue;
		}
		timeline_describe(&before, &rc->meta, &rc->events[i], what, sizeof(what));
		call_free(&before);
		words_duration(at, sizeof(at), rc->events[i].t - rc->meta.started);
		snprintf(line, sizeof(line), "%s %s  %s", k == 0 ? "now " : "next", at, what);
		add(b, k == 0 ? A_BOLD : ui_attr(ui, R_DIM), NULL, line);
	}
}

static void add_state(struct ui *ui, struct replay *r, struct body *b)
{
	const struct call_state *cs = &r->cs;
	const struct pb_stage *st = &r->rc->pb->stages[cs->stage];
	const struct strlist *cl = &st->section[SECTION_CHECKLIST];
	int64_t now = r->step ? r->rc->events[r->step - 1].t : r->rc->meta.started;
	char buf[1024], hold[16], stage[16], mood[WORDS_BUF], n1[WORDS_BUF], n2[WORDS_BUF];

	words_duration(stage, sizeof(stage), call_in_stage_ms(cs, now));
	words_duration(hold, sizeof(hold), call_current_hold_ms(cs, now));
	snprintf(buf, sizeof(buf), "mood %s   in %s for %s%s%s   %s   %s",
		 words_mood_mark(mood, sizeof(mood), cs->mood), stage_title(cs->stage), stage,
		 cs->on_hold ? "   ON HOLD " : "", cs->on_hold ? hold : "",
		 words_count(n1, sizeof(n1), cs->warnings, "warning", "warnings"),
		 words_count(n2, sizeof(n2), cs->escalations, "escalation", "escalations"));
	add(b, A_NORMAL, NULL, buf);
	if (call_prompt(cs)) {
		words_duration(stage, sizeof(stage), call_prompt(cs)->t - r->rc->meta.started);
		snprintf(buf, sizeof(buf), "prompt at %s: %s", stage,
			 r->rc->pb->rules[call_prompt_rule(cs)].message);
		add(b, ui_attr(ui, R_PROMPT), NULL, buf);
	}
	add(b, A_NORMAL, NULL, "");
	add(b, ui_attr(ui, R_SECTION), NULL, st->goal);
	for (size_t i = 0; i < cl->len; i++) {
		int ticked = cs->ticked[cs->stage] && cs->ticked[cs->stage][i];

		add(b, ticked ? ui_attr(ui, R_DONE) : A_NORMAL, ticked ? "[x]" : "[ ]",
		    cl->items[i]);
	}
}

static int replay_step(struct ui *ui, int key);
static int replay_ends(struct ui *ui, int key);
static int replay_help(struct ui *ui, int key);
static int replay_scroll(struct ui *ui, int key);
static int replay_back(struct ui *ui, int key);

#define REPLAY_KEYS(K)                                                                             \
	K(help, KEYS('?'), "?", "help", "show this help")                                          \
	K(step, KEYS(KF(KEY_RIGHT), 'l', ' ', KF(KEY_LEFT), 'h'), "Right/Left", "step",            \
	  "the next event (Right, l, Space) or the one before (Left, h)")                          \
	K(ends, KEYS('g', KF(KEY_HOME), 'G', KF(KEY_END)), "g/G", "start/end",                     \
	  "before the first event (g) or after the last (G)")                                      \
	K(scroll, KEYS(KF(KEY_DOWN), 'j', KF(KEY_UP), 'k', KF(KEY_NPAGE), KF(KEY_PPAGE)), "j/k",   \
	  "scroll", "scroll what is shown (Down/Up, j/k, PgDn/PgUp)")                              \
	K(back, KEYS('q', KEY_ESC), "q", "back", "back to the call (q or Esc)")

#define REPLAY_KEY_ENTRY(name, keys, label, brief, help) {keys, label, brief, help, replay_##name},
static const struct keybind replay_keys[] = {REPLAY_KEYS(REPLAY_KEY_ENTRY)};
#undef REPLAY_KEY_ENTRY
#define NREPLAY_KEYS (sizeof(replay_keys) / sizeof(replay_keys[0]))

static void replay_draw(struct ui *ui, void *ctx)
{
	struct replay *r = ctx;
	int fh = draw_footer(ui, -1, 2, replay_keys, NREPLAY_KEYS), y = 2;
	char title[256], at[16];

	erase();
	words_duration(at, sizeof(at),
		       r->step ? r->rc->events[r->step - 1].t - r->rc->meta.started : 0);
	snprintf(title, sizeof(title), "poise review - replay %s  step %zu of %zu  at %s",
		 r->rc->meta.customer[0] ? r->rc->meta.customer : r->rc->meta.id, r->step,
		 r->rc->nevents, at);
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), title);
	if (r->ok) {
		struct body *b = calloc(1, sizeof(*b));

		draw_strip(ui, &r->cs, y++);
		if (b) {
			add_events(ui, r, b);
			add(b, A_NORMAL, NULL, "");
			add_state(ui, r, b);
			draw_list_view(ui, y, 1, COLS - 2, LINES - fh - y, b->items, b->n, &r->lv);
			for (size_t i = 0; i < b->n; i++)
				free(b->text[i]);
			free(b);
		}
	} else {
		draw_text(ui, y, 1, COLS - 2, 3, ui_attr(ui, R_ERROR), r->error);
	}
	draw_footer(ui, LINES - fh, 2, replay_keys, NREPLAY_KEYS);
}

static int replay_step(struct ui *ui, int key)
{
	struct replay *r = current;

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

static int replay_ends(struct ui *ui, int key)
{
	(void)ui;
	current->step = key == 'g' || key == KF(KEY_HOME) ? 0 : current->rc->nevents;
	refold(current);
	return REDRAW;
}

static int replay_scroll(struct ui *ui, int key)
{
	(void)ui;
	return list_view_key(&current->lv, key);
}

static int replay_help(struct ui *ui, int key)
{
	(void)key;
	ui_help(ui, "poise review - keys of replay", replay_keys, NREPLAY_KEYS);
	return REDRAW;
}

static int replay_back(struct ui *ui, int key)
{
	(void)ui, (void)key;
	return QUIT;
}

static int replay_key(struct ui *ui, void *ctx, int key)
{
	const struct keybind *kb = keymap_find(replay_keys, NREPLAY_KEYS, key);

	current = ctx;
	return kb ? kb->fn(ui, key) | HANDLED : 0;
}

static const struct screen replay_screen = {"review-replay", replay_draw, replay_key, NULL};

void rv_replay_run(struct ui *ui, const struct review_call *rc)
{
	struct replay r = {rc, 0, {0}, 0, "", {.sel = -1}};
	struct replay *outer = current;

	refold(&r);
	ui_push(ui, &replay_screen, &r);
	ui_run(ui);
	ui_pop(ui);
	if (r.ok)
		call_free(&r.cs);
	current = outer;
}
