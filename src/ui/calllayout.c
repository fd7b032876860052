/*
 * calllayout.c - drawing the call screen: header, stage strip, the stage's
 * guidance as one list, the coaching prompt, the banner and the footer.
 *
 * Full layout from 80x24; compact (one-line header, short stage names, one
 * footer line) down to 40x12. Everything is clipped to the screen, so a
 * resize at any moment only costs a redraw.
 */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/rules.h"
#include "poise/words.h"

#define MAX_ITEMS 512

struct body {
	struct list_item items[MAX_ITEMS];
	char *owned[MAX_ITEMS * 2];
	size_t n, nowned;
	int sel; /* index in items of the selected line; -1 none */
};

static const char *glyph(const struct ui *ui, const char *utf8, const char *ascii)
{
	return ui->utf8 ? utf8 : ascii;
}

static void clock_text(char *buf, size_t size, int64_t t)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

static void draw_header(struct ui *ui, int64_t now, int compact)
{
	const struct call_state *cs = &ui->cs;
	char call[16], stage[16], hold[16], right[128], left[400], mood[WORDS_BUF];
	int rw;

	words_duration(call, sizeof(call), call_elapsed_ms(cs, now));
	words_duration(stage, sizeof(stage), call_in_stage_ms(cs, now));
	words_duration(hold, sizeof(hold), call_current_hold_ms(cs, now));
	if (compact)
		snprintf(right, sizeof(right), "%s st %s%s%s m%s", call, stage,
			 cs->on_hold ? " HOLD " : "", cs->on_hold ? hold : "",
			 words_mood_digit(mood, sizeof(mood), cs->mood));
	else
		snprintf(right, sizeof(right), "call %s  stage %s  %s%s%smood %s", call, stage,
			 cs->on_hold ? "ON HOLD " : "", cs->on_hold ? hold : "",
			 cs->on_hold ? "  " : "", words_mood_mark(mood, sizeof(mood), cs->mood));
	if (compact)
		snprintf(left, sizeof(left), "%s", ui_customer(ui));
	else
		snprintf(left, sizeof(left), "%s%s%s  agent %s", ui_customer(ui),
			 ui->meta.ref[0] ? "  ref " : "", ui->meta.ref, ui->meta.agent);
	draw_fill(0, ui_attr(ui, R_HEADER));
	rw = (int)strlen(right);
	attron(ui_attr(ui, R_HEADER));
	mvaddnstr(0, COLS - rw - 1 > 0 ? COLS - rw - 1 : 0, right, COLS);
	attroff(ui_attr(ui, R_HEADER));
	if (COLS - rw - 3 > 4)
		draw_text(ui, 0, 1, COLS - rw - 3, 1, ui_attr(ui, R_HEADER) | A_BOLD, left);
}

static void draw_strip(struct ui *ui, int y, int compact)
{
	int x = 0, total = 0;

	for (int s = 0; s < STAGE_COUNT; s++)
		total += (int)strlen(stage_title((enum stage)s)) + 3;
	if (total > COLS)
		compact = 1;
	for (int s = 0; s < STAGE_COUNT && x < COLS; s++) {
		const char *title = stage_title((enum stage)s);
		int len = compact ? 3 : (int)strlen(title);
		int cur = s == (int)ui->cs.stage;
		int seen = (ui->cs.visited & (1u << s)) != 0;

		if (seen && !cur) {
			attron(ui_attr(ui, R_STAGE_SEEN));
			mvaddstr(y, x, glyph(ui, "✓", "*"));
			attroff(ui_attr(ui, R_STAGE_SEEN));
		}
		x++;
		attron(cur ? ui_attr(ui, R_STAGE_CUR) : seen ? A_NORMAL : ui_attr(ui, R_DIM));
		mvaddnstr(y, x, title, len > COLS - x ? COLS - x : len);
		attroff(cur ? ui_attr(ui, R_STAGE_CUR) : seen ? A_NORMAL : ui_attr(ui, R_DIM));
		x += len + (compact ? 1 : 2);
	}
}

static struct list_item *add(struct body *b, const char *mark, const char *text, attr_t attr,
			     int selectable)
{
	struct list_item *it;

	if (b->n >= MAX_ITEMS)
		return NULL;
	it = &b->items[b->n++];
	*it = (struct list_item){mark, text, NULL, attr, selectable};
	return it;
}

static char *own(struct body *b, char *s)
{
	if (s && b->nowned < MAX_ITEMS * 2)
		b->owned[b->nowned++] = s;
	else if (s)
		return free(s), NULL;
	return s;
}

static char *own_printf(struct body *b, const char *fmt, const char *a, const char *c)
{
	size_t len = strlen(fmt) + strlen(a) + strlen(c) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, fmt, a, c);
	return own(b, s);
}

/* Why the line was skipped, from the fold's own record of the SKIP. */
static const char *skip_label(const struct ui *ui, int stage, int section, int index)
{
	const char *key =
		call_skip_reason(&ui->cs, (enum stage)stage, (enum section)section, index);

	for (int r = 0; key && r < SKIP_COUNT; r++)
		if (strcmp(skip_reason_key((enum skip_reason)r), key) == 0)
			return skip_reason_label((enum skip_reason)r);
	return key ? key : "no reason";
}

static void add_warnings(struct ui *ui, struct body *b)
{
	static const char *const num[] = {"1.", "2.", "3."};
	const struct call_state *cs = &ui->cs;

	add(b, NULL, "Warnings, word for word (w shows the next, w again logs it)",
	    ui_attr(ui, R_SECTION), 0);
	for (int i = 0; i < PLAYBOOK_WARNINGS; i++) {
		struct list_item *it =
			add(b, num[i], own(b, ui_fill(ui, ui->call_pb->warnings[i])), A_NORMAL, 0);
		char when[16];

		if (!it || !it->text)
			continue;
		if (ui->warn_shown == i + 1)
			b->sel = (int)b->n - 1;
		if (i < cs->warnings) {
			clock_text(when, sizeof(when), cs->warning_at[i]);
			it->tail = own_printf(b, "(given at %s%s)", when, "");
			it->attr = ui_attr(ui, R_DIM);
		} else if (i == cs->warnings) {
			it->tail = ui->warn_shown == i + 1 ? "(say it, then w logs it)"
							   : "(next: w shows it)";
			it->attr = ui_attr(ui, R_WARN);
		} else {
			it->attr = ui_attr(ui, R_DIM);
		}
	}
	if (cs->warnings >= PLAYBOOK_WARNINGS)
		add(b, "!", "Third warning given: per policy you may end the call now (x)",
		    ui_attr(ui, R_ERROR), 0);
}

static void add_section(struct ui *ui, struct body *b, enum section sec, int *nsel)
{
	const struct strlist *sl = &ui->call_pb->stages[ui->cs.stage].section[sec];
	const unsigned char *marks = ui->cs.marks[ui->cs.stage][sec];

	if (sl->len == 0)
		return;
	add(b, NULL, section_title(sec), ui_attr(ui, R_SECTION), 0);
	for (size_t i = 0; i < sl->len; i++) {
		struct list_item *it;
		const char *mark = glyph(ui, "·", "-");
		int selectable =
			sec == SECTION_SAY || sec == SECTION_ASK || sec == SECTION_CHECKLIST;

		if (sec == SECTION_AVOID)
			mark = glyph(ui, "✗", "x");
		if (sec == SECTION_CHECKLIST)
			mark = ui->cs.ticked[ui->cs.stage] && ui->cs.ticked[ui->cs.stage][i]
				       ? "[x]"
				       : "[ ]";
		it = add(b, mark, own(b, ui_fill(ui, sl->items[i])), A_NORMAL, selectable);
		if (!it || !it->text)
			continue;
		if (selectable && (*nsel)++ == ui->sel && !ui->warn_shown)
			b->sel = (int)b->n - 1;
		if (marks && marks[i] == LINE_SAID) {
			it->mark = glyph(ui, "✓", "+");
			it->tail = "(said)";
		} else if (marks && marks[i] == LINE_SKIPPED) {
			it->mark = "~";
			it->attr = ui_attr(ui, R_DIM);
			it->tail =
				own_printf(b, "(skipped: %s%s)",
					   skip_label(ui, (int)ui->cs.stage, (int)sec, (int)i), "");
		}
	}
}

/*
 * A stage is shown from where the agent last marked a line in it (a
 * resumed call, a stage gone back to), else from its first line to say;
 * the boundary from its warnings.
 */
static void body_reset(struct ui *ui)
{
	if (ui->body_stage == (int)ui->cs.stage + 1)
		return;
	ui->body_stage = (int)ui->cs.stage + 1;
	callscr_place(ui);
	ui->body.top = 0;
	ui->body.follow = ui->cs.stage != STAGE_BOUNDARY;
	ui->warn_shown = 0;
}

static void draw_body(struct ui *ui, int y, int h)
{
	struct body *b = calloc(1, sizeof(*b));
	int nsel = 0;

	if (!b)
		return;
	body_reset(ui);
	b->sel = -1;
	add(b, NULL,
	    own_printf(b, "%s: %s", stage_title(ui->cs.stage),
		       ui->call_pb->stages[ui->cs.stage].goal),
	    ui_attr(ui, R_TITLE), 0);
	if (ui->cs.stage == STAGE_BOUNDARY)
		add_warnings(ui, b);
	for (int s = 0; s < SECTION_COUNT; s++)
		add_section(ui, b, (enum section)s, &nsel);
	if (ui->body.sel != b->sel)
		ui->body.follow = ui->body.follow || ui->warn_shown;
	ui->body.sel = b->sel;
	draw_list_view(ui, y, 1, COLS - 2, h, b->items, b->n, &ui->body);
	for (size_t i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	free(b);
}

/* The key for a rule's action, only where that key works now. */
static const char *action_hint(const struct ui *ui, enum rule_action action)
{
	switch (action) {
	case ACTION_BOUNDARY:
		if (ui->cs.stage == STAGE_BOUNDARY)
			return ui->cs.warnings < PLAYBOOK_WARNINGS ? "[w warning]" : "";
		break;
	case ACTION_END_HOLD:
		if (!ui->cs.on_hold)
			return "";
		break;
	case ACTION_BREATHE:
		if (ui->pacer_start)
			return "";
		break;
	case ACTION_NEXT_STAGE:
		if (call_next_stage(&ui->cs) < 0)
			return "";
		break;
	default:
		break;
	}
	return rule_action_hint(action);
}

/* The coaching prompt as shown: glyph, the key of its action, the message. NULL: none. */
char *callscr_prompt_text(struct ui *ui)
{
	const struct pb_rule *r;
	char *msg, *line, waited[16] = "";
	size_t len;

	if (ui->cs.prompt_rule < 0 || (size_t)ui->cs.prompt_rule >= ui->call_pb->nrules)
		return NULL;
	r = &ui->call_pb->rules[ui->cs.prompt_rule];
	msg = ui_fill(ui, rules_message(&ui->cs, (size_t)ui->cs.prompt_rule));
	/* A hold prompt says how long the caller has waited. */
	if (r->kind == RULE_HOLD && ui->cs.on_hold)
		words_duration(waited, sizeof(waited), call_current_hold_ms(&ui->cs, ui_now()));
	len = strlen(msg ? msg : r->message) + 96;
	if ((line = malloc(len)))
		snprintf(line, len, "%s %s%s%s%s%s%s", glyph(ui, "»", ">"),
			 action_hint(ui, r->action), *action_hint(ui, r->action) ? " " : "",
			 waited[0] ? "caller waiting " : "", waited, waited[0] ? ": " : "",
			 msg ? msg : r->message);
	free(msg);
	return line;
}

/* Rows the prompt may take: the rest goes to the stage's lines. */
static int prompt_max(void)
{
	return ui_compact() ? 2 : 3;
}

/* text cut so that it and `more` fit rows lines of w columns, never inside a character. */
static char *fit_with_more(const char *text, int w, int rows, const char *more)
{
	size_t len = strlen(text), mlen = strlen(more);
	char *buf = malloc(len + mlen + 1);

	while (buf && len > 0) {
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--; /* back to a character's start */
		memcpy(buf, text, len);
		memcpy(buf + len, more, mlen + 1);
		if (draw_text_height(w, buf) <= rows)
			break;
		len--;
	}
	return buf;
}

static int prompt_height(struct ui *ui)
{
	char *line;
	int h;

	if (ui->pacer_start)
		return 1;
	if (!(line = callscr_prompt_text(ui)))
		return 0;
	h = draw_text_height(COLS - 2, line);
	free(line);
	return h < prompt_max() ? h : prompt_max();
}

static void draw_prompt(struct ui *ui, int y, int h, int64_t now)
{
	char *line;

	if (ui->pacer_start) {
		draw_pacer(ui, y, 1, COLS - 2, now - ui->pacer_start);
		return;
	}
	if (!(line = callscr_prompt_text(ui)))
		return;
	if (draw_text_height(COLS - 2, line) > h) {
		char *cut = fit_with_more(line, COLS - 2, h,
					  glyph(ui, "… (i reads all)", "... (i reads all)"));

		free(line);
		if (!(line = cut))
			return;
	}
	for (int i = 0; i < h; i++)
		draw_fill(y + i, ui_attr(ui, R_PROMPT) & ~A_UNDERLINE);
	draw_text(ui, y, 1, COLS - 2, h, ui_attr(ui, R_PROMPT), line);
	free(line);
}

void callscr_draw(struct ui *ui, void *ctx)
{
	int compact = ui_compact(), footer_h, bottom, banner_h = 0, prompt_h;
	int64_t now = ui_now();

	(void)ctx;
	draw_header(ui, now, compact);
	draw_strip(ui, 1, compact);
	footer_h = callscr_footer(ui, -1, compact ? 1 : 3);
	callscr_footer(ui, LINES - footer_h, compact ? 1 : 3);
	/* A question or the editor open at the bottom: the stage stays above it, in view. */
	bottom = LINES - (ui_overlay_rows(ui) > footer_h ? ui_overlay_rows(ui) : footer_h);
	prompt_h = prompt_height(ui);
	draw_prompt(ui, bottom - prompt_h, prompt_h, now);
	if (ui->banner[0]) {
		attr_t a = ui_attr(ui, ui->banner_error ? R_ERROR : R_WARN);
		int top = bottom - prompt_h;

		/* Whole, however long (a line to say): the stage keeps three rows. */
		banner_h = draw_text_height(COLS - 2, ui->banner);
		if (banner_h > top - (compact ? 2 : 3) - 3)
			banner_h = top - (compact ? 2 : 3) - 3;
		if (banner_h < 1)
			banner_h = 1;
		for (int i = 0; i < banner_h; i++)
			draw_fill(top - banner_h + i, ui->banner_error ? a : A_NORMAL);
		draw_text(ui, top - banner_h, 1, COLS - 2, banner_h, a, ui->banner);
	}
	draw_body(ui, compact ? 2 : 3, bottom - prompt_h - banner_h - (compact ? 2 : 3));
}
