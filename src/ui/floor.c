/*
 * floor.c - `poise floor`: every agent's live call, who needs help first,
 * and an alert line the moment one asks for it (ui/floor.h).
 *
 * The loop's tick (every UI_TICK_MS at most) reads the notifications that
 * arrived (team_floor_poll never waits), so an alert is on screen within a
 * tick of reaching this machine; a new alert also rings the terminal's
 * bell. The rows are drawn with the one list drawing (draw_list_view) and
 * every text from the server goes through the one sanitizer (draw_text;
 * cells through rv_cell), so an agent's or caller's name shows control
 * characters as marks, never runs them.
 */
#include "ui/floor.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/team_floor.h"
#include "poise/text.h"
#include "ui/review_int.h" /* rv_cell: a table's cells */

#define ALERT_LINES 3 /* the newest alerts not yet cleared */

struct fscreen {
	struct team_floor *f;
	const char *who;
	size_t cleared; /* alerts before this one are cleared (a) */
	struct list_view v;
	char error[sizeof(((struct poise_error *)0)->msg)];
};

static int floor_clear(struct ui *ui, void *ctx, int key);
static int floor_scroll(struct ui *ui, void *ctx, int key);

static const struct keybind floor_keys[] = {
	KB_HELP,
	KB_ONE(floor_clear, 'a', N_("clear alerts"),
	       N_("clear the alert lines (the calls stay in their place on the list)")),
	KB_ROW(floor_scroll, KEYS_SCROLL, "j/k", N_("scroll"),
	       N_("scroll the calls (Down/Up or j/k, PgDn/PgUp)")),
	KB_ONE(key_quit, 'q', N_("quit"), N_("quit")),
};
#define NFLOOR_KEYS (sizeof(floor_keys) / sizeof(floor_keys[0]))
/* While too small, scrolling and q act; clearing the alerts unseen waits (struct keymap). */
static key_fn *const floor_unseen[] = {floor_scroll, key_quit, NULL};
static const struct keymap floor_map = {N_("poise floor - keys"), floor_keys, NFLOOR_KEYS,
					BANNER_KEEP, floor_unseen};

enum { C_NEED, C_AGENT, C_CUSTOMER, C_STAGE, C_MOOD, C_HOLD, C_WARN, C_PROMPTS, C_CALL, C_COUNT };

/* Column widths: fixed ones first, the customer takes what is left; narrow: fewer. */
static void layout(int w[C_COUNT])
{
	int wide = COLS >= 80, rest;

	w[C_NEED] = 6;
	w[C_AGENT] = wide ? 12 : 10;
	w[C_STAGE] = 10;
	w[C_MOOD] = wide ? 9 : 1;
	w[C_HOLD] = 6;
	w[C_WARN] = 4;
	w[C_PROMPTS] = wide ? 7 : 0;
	w[C_CALL] = 7;
	rest = COLS - 2;
	for (int i = 0; i < C_COUNT; i++)
		if (i != C_CUSTOMER && w[i])
			rest -= w[i] + 1;
	w[C_CUSTOMER] = rest > 1 ? rest - 1 : 0;
}

static void cell(char *line, size_t size, const char *text, int width)
{
	if (width <= 0)
		return;
	rv_cell(line, size, text, width);
	rv_cell(line, size, " ", 1);
}

static void format_row(const struct floor_row *r, const int w[C_COUNT], char *line, size_t size)
{
	char mood[32], hold[16], warn[8], prompts[8], call[16];

	line[0] = '\0';
	if (w[C_MOOD] > 1)
		words_mood_mark(mood, sizeof(mood), r->mood);
	else
		words_mood_digit(mood, sizeof(mood), r->mood);
	if (r->on_hold)
		words_duration(hold, sizeof(hold), r->hold_ms);
	else
		snprintf(hold, sizeof(hold), "-");
	snprintf(warn, sizeof(warn), "%d", r->warnings);
	snprintf(prompts, sizeof(prompts), "%d", r->prompts);
	words_duration(call, sizeof(call), r->elapsed_ms);
	cell(line, size, floor_need_word(r->need), w[C_NEED]);
	cell(line, size, r->agent, w[C_AGENT]);
	cell(line, size, r->customer[0] ? r->customer : "-", w[C_CUSTOMER]);
	cell(line, size, r->phase == CALL_WRAPUP ? _("wrap-up") : stage_title(r->stage),
	     w[C_STAGE]);
	cell(line, size, mood, w[C_MOOD]);
	cell(line, size, hold, w[C_HOLD]);
	cell(line, size, warn, w[C_WARN]);
	cell(line, size, prompts, w[C_PROMPTS]);
	cell(line, size, call, w[C_CALL]);
}

static void clock_of(int64_t ms, char *buf, size_t size)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

/*
 * s as shown (made safe, rv_cell) in at most width columns, cut with "..."
 * when longer, never padded: a long name keeps the rest of its line in sight.
 */
static void fit(char *out, size_t size, const char *s, int width)
{
	char whole[(FIELD_CUSTOMER_MAX > FIELD_AGENT_MAX ? FIELD_CUSTOMER_MAX : FIELD_AGENT_MAX) *
			   TEXT_MARK_MAX +
		   64];
	size_t n;

	whole[0] = out[0] = '\0';
	rv_cell(whole, sizeof(whole), s, (int)sizeof(whole)); /* all of it, then spaces */
	for (n = strlen(whole); n > 0 && whole[n - 1] == ' '; n--)
		whole[n - 1] = '\0';
	rv_cell(out, size, whole, width);
	for (n = strlen(out); n > 0 && out[n - 1] == ' '; n--)
		out[n - 1] = '\0';
	if (strcmp(out, whole) != 0 && width > 3 && size > 3) {
		out[0] = '\0';
		rv_cell(out, size - 3, whole, width - 3);
		for (n = strlen(out); n > 0 && out[n - 1] == ' '; n--)
			out[n - 1] = '\0';
		strcat(out, "...");
	}
}

/* The alert lines, newest first; the rows they took. */
static int draw_alerts(struct ui *ui, const struct fscreen *s, int y)
{
	const struct team_floor_alert *al;
	size_t n = team_floor_alerts(s->f, &al), shown = 0;
	int top = y;

	for (size_t k = n; k > s->cleared && shown < ALERT_LINES; k--, shown++) {
		const struct team_floor_alert *a = &al[k - 1];
		char when[16], what[48], agent[256], customer[512], line[1024];

		clock_of(a->seen, when, sizeof(when));
		floor_alert_words(what, sizeof(what), a->alert, a->level);
		fit(agent, sizeof(agent), a->agent, 20);
		fit(customer, sizeof(customer), a->customer, COLS / 3 > 12 ? COLS / 3 : 12);
		snprintf(line, sizeof(line), "! %s  %s%s%s%s: %s", when, agent,
			 a->customer[0] ? " (" : "", customer, a->customer[0] ? ")" : "", what);
		draw_fill(y, ui_attr(ui, R_ERROR));
		y += draw_text(ui, y, 1, COLS - 2, 1, ui_attr(ui, R_ERROR), line);
	}
	if (n - s->cleared > shown) {
		char more[160];

		snprintf(more, sizeof(more), "  ");
		snprintf(more + 2, sizeof(more) - 2,
			 P_("and %zu more alert (a clears them)",
			    "and %zu more alerts (a clears them)", n - s->cleared - shown),
			 n - s->cleared - shown);
		y += draw_text(ui, y, 1, COLS - 2, 1, ui_attr(ui, R_ERROR), more);
	}
	return y - top;
}

static void floor_draw(struct ui *ui, void *ctx)
{
	struct fscreen *s = ctx;
	const struct floor_row *rows;
	int64_t now = ui_now();
	size_t n = team_floor_rows(s->f, now, &rows), help = 0;
	struct list_item *items = calloc(n ? n : 1, sizeof(*items));
	char *lines = malloc((n ? n : 1) * 1024), head[1100], clock[16];
	/* TRANSLATORS: the floor's column titles, cut to their columns: need 6 wide,
	   warns (boundary warnings given) 4, prompts 7, the others 6 to 12. */
	static const char *const titles[C_COUNT] = {N_("need"),	 N_("agent"),	N_("customer"),
						    N_("stage"), N_("mood"),	N_("hold"),
						    N_("warns"), N_("prompts"), N_("call")};
	int w[C_COUNT], fh = draw_footer(ui, -1, 2, floor_keys, NFLOOR_KEYS), y = 1, h;

	erase();
	for (size_t i = 0; i < n; i++)
		help += rows[i].need == FLOOR_HELP;
	clock_of(now, clock, sizeof(clock));
	snprintf(head, sizeof(head),
		 P_("poise floor - %zu live call, %zu asking for help  %s  %s",
		    "poise floor - %zu live calls, %zu asking for help  %s  %s", n),
		 n, help, s->who, clock);
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), head);
	y += draw_alerts(ui, s, y);
	layout(w);
	head[0] = '\0';
	for (int i = 0; i < C_COUNT; i++)
		cell(head, sizeof(head), _(titles[i]), w[i]);
	draw_text(ui, y++, 1, COLS - 2, 1, ui_attr(ui, R_SECTION), head);
	h = LINES - fh - 1 - y;
	if (items && lines && h > 0) {
		for (size_t i = 0; i < n; i++) {
			enum ui_role role = rows[i].need == FLOOR_HELP	   ? R_ERROR
					    : rows[i].need == FLOOR_WARNED ? R_WARN
									   : R_NORMAL;

			format_row(&rows[i], w, lines + i * 1024, 1024);
			items[i] = (struct list_item){NULL, lines + i * 1024, NULL,
						      ui_attr(ui, role), 0};
		}
		draw_list_view(ui, y, 1, COLS - 2, h, items, n, &s->v);
	}
	if (n == 0)
		draw_text(ui, y + 1, 2, COLS - 4, 3, ui_attr(ui, R_DIM),
			  _("no live calls: each call shows here as an agent takes it (their "
			    "poise streams to this server when it has --server or $POISE_SERVER)"));
	draw_banner(ui, LINES - fh - 1, DRAW_BANNER_MOST, s->error, 1);
	draw_footer(ui, LINES - fh, 2, floor_keys, NFLOOR_KEYS);
	free(items);
	free(lines);
}

static int floor_clear(struct ui *ui, void *ctx, int key)
{
	struct fscreen *s = ctx;
	const struct team_floor_alert *al;

	(void)ui, (void)key;
	s->cleared = team_floor_alerts(s->f, &al);
	return REDRAW;
}

static int floor_scroll(struct ui *ui, void *ctx, int key)
{
	struct fscreen *s = ctx;

	(void)ui;
	return list_view_key(&s->v, key) | REDRAW;
}

static int floor_key(struct ui *ui, void *ctx, int key)
{
	return keymap_key(ui, &floor_map, ctx, key);
}

static int floor_tick(struct ui *ui, void *ctx, int64_t now)
{
	struct fscreen *s = ctx;
	struct poise_error err;
	size_t alerts = 0;
	int flags = 0;

	(void)ui;
	poise_error_clear(&err);
	if (team_floor_poll(s->f, now, &alerts, &err) != POISE_OK) {
		if (strcmp(s->error, err.msg) != 0)
			flags |= REDRAW;
		snprintf(s->error, sizeof(s->error), "%s", err.msg);
	} else if (s->error[0]) {
		s->error[0] = '\0';
		flags |= REDRAW;
	}
	if (alerts) {
		beep();
		flags |= REDRAW;
	}
	return flags;
}

static const struct screen floor_screen = {"floor", floor_draw, floor_key, floor_tick, 0};

int ui_floor(struct team_floor *f, const char *who, struct poise_error *err)
{
	static const struct call_opts none;
	struct call_opts copts = none;
	struct fscreen s = {.f = f, .who = who, .v = {.sel = -1}};
	struct ui *ui = calloc(1, sizeof(*ui));
	int rc = 1;

	if (!ui) {
		poise_error_nomem(err);
		return rc;
	}
	ui->opts = &copts;
	if (term_check_err(err) == 0 && term_start_err(ui, err) == 0) {
		ui_push(ui, &floor_screen, &s);
		ui_run(ui);
		ui_pop(ui);
		term_stop();
		rc = ui->stopping ? 128 + ui->stopping : 0;
	}
	free(ui);
	return rc;
}
