/*
 * draw.c - the one way to draw wrapped text, a list of items, a footer of
 * keys, the help screen and the breathing pacer.
 *
 * Text is UTF-8 from playbooks and notes: it is widened once and measured in
 * columns (wcwidth), never in bytes, so accents and CJK wrap correctly.
 */
#include "ui/app.h"

#include "poise/fill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* Widen UTF-8; invalid bytes become '?', control characters spaces. */
static wchar_t *to_wide(const char *s)
{
	size_t len = strlen(s), n = 0;
	wchar_t *out = malloc((len + 1) * sizeof(*out));
	mbstate_t mb;

	if (!out)
		return NULL;
	memset(&mb, 0, sizeof(mb));
	while (*s) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, len, &mb);

		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&mb, 0, sizeof(mb));
			wc = L'?';
			r = 1;
		}
		if (wc != L'\n' && (iswcntrl((wint_t)wc) || wcwidth(wc) < 0))
			wc = L' ';
		out[n++] = wc;
		s += r;
		len -= r;
	}
	out[n] = L'\0';
	return out;
}

static int wc_cols(wchar_t wc)
{
	int c = wcwidth(wc);

	return c < 0 ? 1 : c;
}

/* The next line of at most w columns: its length, and where the one after starts. */
static size_t next_line(const wchar_t *s, int w, size_t *next)
{
	size_t i = 0, brk = 0;
	int cols = 0;

	while (s[i] && s[i] != L'\n') {
		int c = wc_cols(s[i]);

		if (cols + c > w)
			break;
		if (s[i] == L' ')
			brk = i;
		cols += c;
		i++;
	}
	if (s[i] == L'\n') {
		*next = i + 1;
		return i;
	}
	if (!s[i] || brk == 0 || s[i] == L' ')
		brk = i;
	if (brk == 0)
		brk = 1; /* a glyph wider than the line: show it anyway */
	*next = brk;
	while (s[*next] == L' ')
		(*next)++;
	return brk;
}

static int wrap(const char *utf8, int y, int x, int w, int maxlines, attr_t attr, int draw)
{
	wchar_t *ws = to_wide(utf8 ? utf8 : "");
	const wchar_t *p = ws;
	int lines = 0;

	if (!ws || w <= 0)
		goto out;
	do {
		size_t next, len = next_line(p, w, &next);

		if (maxlines > 0 && lines >= maxlines)
			break;
		if (draw && y + lines < LINES && y + lines >= 0) {
			attron(attr);
			mvaddnwstr(y + lines, x, p, (int)len);
			attroff(attr);
		}
		lines++;
		p += next;
	} while (*p);
out:
	free(ws);
	return lines;
}

int draw_text(struct ui *ui, int y, int x, int w, int maxlines, attr_t attr, const char *utf8)
{
	(void)ui;
	if (x + w > COLS)
		w = COLS - x;
	return wrap(utf8, y, x, w, maxlines, attr, 1);
}

int draw_text_height(int w, const char *utf8)
{
	return wrap(utf8, 0, 0, w, 0, 0, 0);
}

static char *item_text(const struct list_item *it)
{
	size_t len = strlen(it->text) + (it->tail ? strlen(it->tail) + 3 : 0) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s%s%s", it->text, it->tail ? "  " : "",
			 it->tail ? it->tail : "");
	return s;
}

/* Marks are at most three columns ("[x]"): one indent for all keeps text aligned. */
static int item_indent(const struct list_item *it)
{
	return it->mark ? 4 : 0;
}

/* Scroll so that the selected item (and the heading just above it) is in view. */
static size_t list_top(const int *heights, size_t n, int sel, int h)
{
	size_t top = 0;
	int sum = 0;

	if (sel < 0 || (size_t)sel >= n)
		return 0;
	for (size_t i = 0; i <= (size_t)sel; i++)
		sum += heights[i];
	while (top < (size_t)sel && sum > h)
		sum -= heights[top++];
	return top;
}

void draw_list(struct ui *ui, int y, int x, int w, int h, const struct list_item *items, size_t n,
	       int sel)
{
	int *heights = calloc(n ? n : 1, sizeof(*heights));
	size_t top;
	int row = 0;

	if (!heights || w <= 4)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *s = item_text(&items[i]);

		heights[i] = s ? draw_text_height(w - item_indent(&items[i]), s) : 1;
		free(s);
	}
	top = list_top(heights, n, sel, h);
	if (top > 0 && top == (size_t)sel && !items[top - 1].selectable &&
	    heights[top - 1] + heights[top] <= h)
		top--;
	for (size_t i = top; i < n && row < h; i++) {
		const struct list_item *it = &items[i];
		attr_t a = (int)i == sel ? it->attr | ui_attr(ui, R_SELECTED) : it->attr;
		int ind = item_indent(it);
		char *s = item_text(it);

		if (it->mark) {
			attron(a);
			mvaddstr(y + row, x, it->mark);
			attroff(a);
		}
		row += draw_text(ui, y + row, x + ind, w - ind, h - row, a, s ? s : "");
		free(s);
	}
	if (top > 0)
		mvaddstr(y, x + w - 1, "^");
out:
	free(heights);
}

const struct keybind *keymap_find(const struct keybind *keys, size_t n, int key)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(keys[i].keys) / sizeof(keys[i].keys[0]); k++)
			if (keys[i].keys[k] && keys[i].keys[k] == key)
				return &keys[i];
	return NULL;
}

/* Lay the keys out left to right; y < 0 only measures. Returns the lines used. */
int draw_footer(struct ui *ui, int y, int maxlines, const struct keybind *keys, size_t n)
{
	int line = 0, col = 0;

	for (size_t i = 0; i < n; i++) {
		int len = (int)(strlen(keys[i].label) + 1 + strlen(keys[i].brief));

		if (col > 0 && col + 2 + len > COLS) {
			if (line + 1 >= maxlines)
				break;
			line++;
			col = 0;
		}
		if (col > 0)
			col += 2;
		if (y >= 0) {
			attron(ui_attr(ui, R_KEY));
			mvaddnstr(y + line, col, keys[i].label, COLS - col);
			attroff(ui_attr(ui, R_KEY));
			if (col + (int)strlen(keys[i].label) + 1 < COLS)
				mvaddnstr(y + line, col + (int)strlen(keys[i].label) + 1,
					  keys[i].brief,
					  COLS - col - (int)strlen(keys[i].label) - 1);
		}
		col += len;
	}
	return line + 1;
}

void draw_help(struct ui *ui, const char *title, const struct keybind *keys, size_t n)
{
	int y = 2;

	erase();
	draw_fill(0, ui_attr(ui, R_HEADER));
	attron(ui_attr(ui, R_HEADER));
	mvaddnstr(0, 1, title, COLS - 2);
	attroff(ui_attr(ui, R_HEADER));
	for (size_t i = 0; i < n && y < LINES - 2; i++, y++) {
		attron(ui_attr(ui, R_KEY));
		mvaddnstr(y, 2, keys[i].label, COLS - 3);
		attroff(ui_attr(ui, R_KEY));
		if (COLS > 18)
			mvaddnstr(y, 16, keys[i].help, COLS - 17);
	}
	attron(ui_attr(ui, R_DIM));
	mvaddnstr(LINES - 1, 1, "any key closes this help", COLS - 2);
	attroff(ui_attr(ui, R_DIM));
}

void draw_fill(int y, attr_t attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	attroff(attr);
}

/* One line, the longest wording that fits; typing and logging carry on below it. */
void draw_too_small(void)
{
	static const char *const fmt[] = {
		"terminal too small (%dx%d) - need at least %dx%d",
		"too small (%dx%d), need %dx%d",
		"too small (%dx%d)",
	};
	char buf[128];

	for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		snprintf(buf, sizeof(buf), fmt[i], COLS, LINES, UI_MIN_W, UI_MIN_H);
		if ((int)strlen(buf) <= COLS)
			break;
	}
	draw_text(NULL, 0, 0, COLS, 1, A_BOLD, buf);
}

/* In 4, pause 4, out 4: a bar that fills, stays full, then empties. */
void draw_pacer(struct ui *ui, int y, int x, int w, int64_t elapsed_ms)
{
	static const char *const phase_name[] = {"breathe in ", "pause      ", "breathe out"};
	int phase = (int)((elapsed_ms % 12000) / 4000);
	int sec = (int)((elapsed_ms % 4000) / 1000) + 1;
	int bar = w - 20, fill;
	char head[32];

	if (bar < 4)
		bar = 4;
	fill = phase == 0 ? bar * sec / 4 : phase == 1 ? bar : bar * (4 - sec) / 4;
	snprintf(head, sizeof(head), "%s %d/4 ", phase_name[phase], sec);
	attron(ui_attr(ui, R_PROMPT));
	mvaddnstr(y, x, head, w);
	attroff(ui_attr(ui, R_PROMPT));
	if (x + 16 + bar > COLS)
		bar = COLS - x - 16;
	for (int i = 0; i < bar; i++)
		mvaddch(y, x + 16 + i, i < fill ? ('#' | ui_attr(ui, R_DONE)) : '.');
}

const char *ui_customer(const struct ui *ui)
{
	return ui->in_call && ui->meta.customer[0] ? ui->meta.customer : "(no name)";
}

/* The open call's names: a call never borrows another call's caller. */
char *ui_fill(const struct ui *ui, const char *text)
{
	return fill_text(text, ui->in_call ? ui->meta.customer : "", ui->opts->agent);
}

void fmt_mmss(char *buf, size_t size, int64_t ms)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;

	if (s >= 3600)
		snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60),
			 (int)(s % 60));
	else
		snprintf(buf, size, "%02d:%02d", (int)(s / 60), (int)(s % 60));
}

static void panel_draw(struct ui *ui, void *ctx)
{
	const struct panel *p = ctx;

	draw_fill(0, ui_attr(ui, R_HEADER));
	attron(ui_attr(ui, R_HEADER));
	mvaddnstr(0, 1, p->title, COLS - 2);
	attroff(ui_attr(ui, R_HEADER));
	draw_text(ui, 2, 2, COLS - 4, LINES - 4, A_NORMAL, p->text);
}

static int panel_key(struct ui *ui, void *ctx, int key)
{
	(void)ui, (void)ctx, (void)key;
	return 0;
}

const struct screen panel_screen = {"panel", panel_draw, panel_key, NULL};
