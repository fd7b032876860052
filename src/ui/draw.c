/*
 * draw.c - the one way to draw wrapped text, a list of items, a footer of
 * keys, the help screen and the breathing pacer.
 *
 * Text is UTF-8 from playbooks and notes: it is widened once and measured in
 * columns (wcwidth), never in bytes, so accents and CJK wrap correctly.
 */
#include "ui/app.h"

#include "poise/fill.h"
#include "poise/i18n.h"
#include "poise/text.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

/* The bytes of printable ASCII s starts with: safe, and a column each, in every locale. */
static size_t ascii_run(const char *s)
{
	size_t n = 0;

	while (s[n] >= 0x20 && s[n] < 0x7f)
		n++;
	return n;
}

/*
 * Widen UTF-8 made safe by the core (text.h: control, C1 and bidirectional
 * characters and invalid bytes become U+FFFD); what the locale still cannot
 * show becomes '?' or a space. Printable ASCII alone (most of what is
 * drawn: keys, figures, English) is copied as it is.
 */
static wchar_t *to_wide(const char *raw)
{
	size_t len = ascii_run(raw), n = 0;
	char *safe, *s;
	wchar_t *out;
	mbstate_t mb;

	if (!raw[len]) {
		if ((out = malloc((len + 1) * sizeof(*out)))) {
			for (n = 0; n < len; n++)
				out[n] = (wchar_t)raw[n];
			out[n] = L'\0';
		}
		return out;
	}
	len = text_safe(NULL, 0, raw, TEXT_KEEP_NEWLINE);
	safe = s = malloc(len + 1);
	out = malloc((len + 1) * sizeof(*out));
	if (!out || !safe) {
		free(safe);
		free(out);
		return NULL;
	}
	text_safe(safe, len + 1, raw, TEXT_KEEP_NEWLINE);
	memset(&mb, 0, sizeof(mb));
	while (*s) {
		wchar_t wc;
		size_t r;

		/* Printable ASCII is itself in every locale poise runs in: no decoding. */
		if (*s >= 0x20 && *s < 0x7f) {
			out[n++] = (wchar_t)*s++;
			len--;
			continue;
		}
		r = mbrtowc(&wc, s, len, &mb);

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
	free(safe);
	return out;
}

static int wc_cols(wchar_t wc)
{
	int c = wc >= 0x20 && wc < 0x7f ? 1 : wcwidth(wc);

	return c < 0 ? 1 : c;
}

int draw_cols(const char *utf8)
{
	size_t plain = ascii_run(utf8 ? utf8 : "");
	wchar_t *ws;
	int cols = 0;

	if (!utf8 || !utf8[plain])
		return (int)plain;
	ws = to_wide(utf8);
	for (size_t i = 0; ws && ws[i]; i++)
		cols += wc_cols(ws[i]);
	free(ws);
	return cols;
}

void draw_cut(int y, int x, int cols, attr_t attr, const char *utf8)
{
	wchar_t *ws = to_wide(utf8 ? utf8 : "");
	size_t n = 0;
	int used = 0;

	if (x + cols > COLS)
		cols = COLS - x;
	while (ws && ws[n] && ws[n] != L'\n' && used + wc_cols(ws[n]) <= cols)
		used += wc_cols(ws[n++]);
	if (ws && n > 0 && y >= 0 && y < LINES) {
		attron(attr);
		mvaddnwstr(y, x, ws, (int)n);
		attroff(attr);
	}
	free(ws);
}

char *draw_pad(char *buf, size_t size, const char *label, int cols)
{
	int pad = cols - draw_cols(label);

	snprintf(buf, size, "%s%*s", label, pad > 1 ? pad : 1, "");
	return buf;
}

const char *ui_tr(const char *msgid)
{
	return msgid && *msgid ? _(msgid) : msgid;
}

/* The next line of at most w columns: its length, and where the one after starts. */
static size_t next_line(const wchar_t *s, int w, size_t *next)
{
	size_t i = 0, brk = 0;
	int cols = 0;

	if (!s[0]) {
		*next = 0;
		return 0;
	}
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

/* Wrap utf8 at w columns; draw (when draw) the lines from `skip` on, at most maxlines of them. */
static int wrap(const char *utf8, int y, int x, int w, int skip, int maxlines, attr_t attr,
		int draw)
{
	wchar_t *ws = to_wide(utf8 ? utf8 : "");
	const wchar_t *p = ws;
	int lines = 0;

	if (!ws || w <= 0)
		goto out;
	do {
		size_t next, len = next_line(p, w, &next);
		int row = lines - skip;

		if (maxlines > 0 && row >= maxlines)
			break;
		if (draw && row >= 0 && y + row < LINES && y + row >= 0) {
			attron(attr);
			mvaddnwstr(y + row, x, p, (int)len);
			attroff(attr);
		}
		lines++;
		p += next;
	} while (*p);
out:
	free(ws);
	return lines - skip > 0 ? lines - skip : 0;
}

int draw_text(struct ui *ui, int y, int x, int w, int maxlines, attr_t attr, const char *utf8)
{
	(void)ui;
	if (x + w > COLS)
		w = COLS - x;
	return wrap(utf8, y, x, w, 0, maxlines, attr, 1);
}

int draw_text_height(int w, const char *utf8)
{
	return wrap(utf8, 0, 0, w, 0, 0, 0, 0);
}

/* The item's text and its tail as one: it->text itself when it has none (*owned NULL). */
static const char *item_text(const struct list_item *it, char **owned)
{
	size_t len;

	*owned = NULL;
	if (!it->tail)
		return it->text;
	len = strlen(it->text) + strlen(it->tail) + 3;
	if ((*owned = malloc(len)))
		snprintf(*owned, len, "%s  %s", it->text, it->tail);
	return *owned;
}

/* Text starts after the mark and a space, at column 4 at least, so "·" and "[x]" align. */
static int item_indent(const struct list_item *it)
{
	int cols = it->mark ? (int)limits_chars(it->mark) + 1 : 0;

	return !it->mark ? 0 : cols > 4 ? cols : 4;
}

/* Rows of text a view of h rows has from top on: h less the markers it needs. */
static int view_page(int top, int h, int total)
{
	int c = h - (top > 0);

	if (top + c < total)
		c--;
	return c > 0 ? c : 1;
}

/* The first row top can be: the end of the list is on the last row of text. */
static int view_max_top(int h, int total)
{
	int top = 0;

	while (top + view_page(top, h, total) < total)
		top++;
	return top;
}

/* Scroll the least that shows sel whole (with the heading just above it, when it fits). */
static void view_follow(struct list_view *v, const struct list_item *items, const int *start,
			const int *heights, int h, int total)
{
	int s0 = start[v->sel], s1 = s0 + heights[v->sel];

	if (v->sel > 0 && !items[v->sel - 1].selectable &&
	    heights[v->sel - 1] + heights[v->sel] <= view_page(1, h, total))
		s0 = start[v->sel - 1];
	int from = v->top, step = view_page(from, h, total) - 1;

	if (s0 < v->top)
		v->top = s0;
	while (s1 > v->top + view_page(v->top, h, total) && v->top < start[v->sel])
		v->top++;
	/* A step never jumps over a row: the views before and after share one. */
	if (v->follow == LIST_STEP && step > 0 && v->top > from + step)
		v->top = from + step;
	if (v->follow == LIST_STEP && step > 0 && v->top < from - step)
		v->top = from - step;
}

static void draw_marker(struct ui *ui, int y, int x, int w, int above, int rows)
{
	char buf[160];
	const char *arrow = above ? (ui->utf8 ? "▲" : "^") : (ui->utf8 ? "▼" : "v");

	if (above)
		/* TRANSLATORS: a marker row of a scrolled list: the arrow, then the count. */
		snprintf(buf, sizeof(buf),
			 P_("%s %d more line above", "%s %d more lines above", rows), arrow, rows);
	else
		snprintf(buf, sizeof(buf),
			 P_("%s %d more line below", "%s %d more lines below", rows), arrow, rows);
	draw_text(ui, y, x, w, 1, ui_attr(ui, R_DIM), buf);
}

void draw_list_view(struct ui *ui, int y, int x, int w, int h, const struct list_item *items,
		    size_t n, struct list_view *v)
{
	int *heights = calloc(n ? n : 1, sizeof(*heights));
	int *start = calloc(n ? n : 1, sizeof(*start));
	int total = 0, page, row = 0;

	if (!heights || !start || w <= 4 || h <= 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *owned;
		const char *s = item_text(&items[i], &owned);

		start[i] = total;
		heights[i] = s ? draw_text_height(w - item_indent(&items[i]), s) : 1;
		total += heights[i];
		free(owned);
	}
	if (v->sel >= (int)n)
		v->sel = n ? (int)n - 1 : -1;
	if (total <= h) {
		v->top = 0;
	} else {
		if (v->follow && v->sel >= 0)
			view_follow(v, items, start, heights, h, total);
		if (v->top > view_max_top(h, total))
			v->top = view_max_top(h, total);
		if (v->top < 0)
			v->top = 0;
	}
	v->follow = 0;
	page = total <= h ? h : view_page(v->top, h, total);
	v->rows = total;
	v->page = page;
	v->sel_above = v->sel >= 0 && start[v->sel] < v->top;
	v->sel_below = v->sel >= 0 && start[v->sel] + heights[v->sel] > v->top + page;
	if (v->top > 0) {
		draw_marker(ui, y, x, w, 1, v->top);
		y++;
	}
	for (size_t i = 0; i < n && row < page; i++) {
		const struct list_item *it = &items[i];
		int skip = v->top - start[i], ind = item_indent(it);
		attr_t a = (int)i == v->sel ? it->attr | ui_attr(ui, R_SELECTED) : it->attr;
		char *owned;
		const char *s;

		if (start[i] + heights[i] <= v->top)
			continue;
		if (skip < 0)
			skip = 0;
		if (it->mark && skip == 0) {
			attron(a);
			mvaddstr(y + row, x, it->mark);
			attroff(a);
		}
		s = item_text(it, &owned);
		row += wrap(s ? s : "", y + row, x + ind, w - ind, skip, page - row, a, 1);
		free(owned);
	}
	if (v->top + page < total)
		draw_marker(ui, y + page, x, w, 0, total - v->top - page);
out:
	free(heights);
	free(start);
}

/* Room for one more of *arr (n used, *cap held); 0 when out of memory. */
static int list_room(void **arr, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 32;
	void *p;

	if (n < *cap)
		return 1;
	if (ncap > SIZE_MAX / size || !(p = realloc(*arr, ncap * size)))
		return 0;
	*arr = p;
	*cap = ncap;
	return 1;
}

struct list_item *list_add(struct list_build *b, const char *mark, const char *text, attr_t attr,
			   int selectable)
{
	struct list_item *it;

	if (!text || !list_room((void **)&b->items, b->n, &b->cap, sizeof(*b->items))) {
		b->nomem = 1;
		return NULL;
	}
	it = &b->items[b->n++];
	*it = (struct list_item){mark, text, NULL, attr, selectable};
	return it;
}

char *list_own(struct list_build *b, char *s)
{
	if (s && list_room((void **)&b->owned, b->nowned, &b->owned_cap, sizeof(*b->owned)))
		return b->owned[b->nowned++] = s;
	free(s);
	b->nomem = 1;
	return NULL;
}

void list_build_draw(struct ui *ui, int y, int x, int w, int h, struct list_build *b,
		     struct list_view *v)
{
	/* What could not be added is said on the last row, never left out in silence. */
	int room = b->nomem && h > 1 ? h - 1 : h;

	draw_list_view(ui, y, x, w, room, b->items, b->n, v);
	if (room < h)
		draw_text(ui, y + room, x, w, 1, ui_attr(ui, R_ERROR),
			  _("out of memory: not every line is shown"));
}

void list_build_free(struct list_build *b)
{
	for (size_t i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	free(b->owned);
	free(b->items);
	memset(b, 0, sizeof(*b));
}

void draw_list(struct ui *ui, int y, int x, int w, int h, const struct list_item *items, size_t n,
	       int sel)
{
	struct list_view v = {.sel = sel, .follow = 1};

	draw_list_view(ui, y, x, w, h, items, n, &v);
}

int list_view_key(struct list_view *v, int key)
{
	int page = v->page > 1 ? v->page - 1 : 1;

	if (key == KF(KEY_DOWN) || key == 'j')
		v->top++;
	else if (key == KF(KEY_UP) || key == 'k')
		v->top--;
	else if (key == KF(KEY_NPAGE) || key == ' ')
		v->top += page;
	else if (key == KF(KEY_PPAGE))
		v->top -= page;
	else if (key == 'g' || key == KF(KEY_HOME))
		v->top = 0;
	else if (key == 'G' || key == KF(KEY_END))
		v->top = v->rows; /* the next draw stops at the end */
	else
		return 0;
	if (v->top < 0)
		v->top = 0;
	v->follow = 0;
	return REDRAW;
}

int list_select_key(struct list_view *v, int *sel, int n, int key)
{
	int up = key == KF(KEY_UP) || key == 'k', down = key == KF(KEY_DOWN) || key == 'j';

	if ((!up && !down) || n <= 0)
		return list_view_key(v, key);
	if ((up && v->sel_above) || (down && v->sel_below)) {
		v->follow = LIST_STEP; /* toward the selected item first */
		return REDRAW;
	}
	if ((up && *sel <= 0) || (down && *sel + 1 >= n))
		return list_view_key(v, key); /* on past it */
	*sel += up ? -1 : 1;
	v->follow = LIST_STEP;
	return REDRAW;
}

const struct keybind *keymap_find(const struct keybind *keys, size_t n, int key)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(keys[i].keys) / sizeof(keys[i].keys[0]); k++)
			if (keys[i].keys[k] && keys[i].keys[k] == key)
				return &keys[i];
	return NULL;
}

int keymap_key(struct ui *ui, const struct keymap *km, void *ctx, int key)
{
	const struct keybind *kb = keymap_find(km->keys, km->n, key);
	int flags;

	if (!kb)
		return 0;
	if (km->banner == BANNER_ANY || (km->banner == BANNER_NOTE && !ui->banner_error))
		ui->banner[0] = '\0';
	flags = kb->fn(ui, ctx, key);
	if (flags & HELP) {
		ui_help(ui, ui_tr(km->help_title), km->keys, km->n);
		flags = (flags & ~HELP) | REDRAW;
	}
	return flags | HANDLED;
}

int key_help(struct ui *ui, void *ctx, int key)
{
	(void)ui, (void)ctx, (void)key;
	return HELP;
}

int key_quit(struct ui *ui, void *ctx, int key)
{
	(void)ui, (void)ctx, (void)key;
	return QUIT;
}

/*
 * Left to right, a line after another: a key goes on the next line when it
 * does not fit whole on this one (cut only when wider than the screen).
 */
void footer_layout(struct footer *f, const struct keybind *keys, size_t n, int maxlines)
{
	int line = 0, col = 0;

	f->n = 0;
	for (size_t i = 0; i < n && f->n < FOOTER_MAX; i++) {
		struct footer_key *k = &f->key[f->n];
		int len;

		k->label = ui_tr(keys[i].label);
		k->brief = ui_tr(keys[i].brief);
		k->label_cols = draw_cols(k->label);
		len = k->label_cols + 1 + draw_cols(k->brief);
		if (col > 0 && col + 2 + len > COLS) {
			if (line + 1 >= maxlines)
				break;
			line++;
			col = 0;
		}
		if (col > 0)
			col += 2;
		k->line = line;
		k->col = col;
		f->n++;
		col += len;
	}
	f->lines = line + 1;
}

void footer_draw(struct ui *ui, int y, const struct footer *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct footer_key *k = &f->key[i];
		int brief_x = k->col + k->label_cols + 1;

		draw_cut(y + k->line, k->col, COLS - k->col, ui_attr(ui, R_KEY), k->label);
		if (brief_x < COLS)
			draw_cut(y + k->line, brief_x, COLS - brief_x, A_NORMAL, k->brief);
	}
}

int draw_footer(struct ui *ui, int y, int maxlines, const struct keybind *keys, size_t n)
{
	struct footer f;

	footer_layout(&f, keys, n, maxlines);
	if (y >= 0)
		footer_draw(ui, y, &f);
	return f.lines;
}

/*
 * A full screen of items under a title, scrolled with the pager keys; any
 * other key closes. Asked (ask non-NULL, the footer naming the keys): only
 * Enter (yes) or q or Esc (no) closes it, so no stray key answers for you.
 */
struct pager {
	const char *title;
	const struct list_item *items;
	size_t n;
	struct list_view v;
	const char *ask;
	int yes;
};

static void pager_draw(struct ui *ui, void *ctx)
{
	struct pager *p = ctx;

	erase();
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), p->title);
	draw_list_view(ui, 2, 2, COLS - 3, LINES - 4, p->items, p->n, &p->v);
	draw_text(ui, LINES - 1, 1, COLS - 2, 1, ui_attr(ui, R_DIM),
		  p->ask		    ? p->ask
		  : p->v.rows > p->v.page ? _("j/k PgDn/PgUp scroll; any other key closes")
					  : _("any key closes"));
}

static int pager_key(struct ui *ui, void *ctx, int key)
{
	struct pager *p = ctx;

	(void)ui;
	if (key != ' ' && list_view_key(&p->v, key))
		return REDRAW;
	if (!p->ask)
		return QUIT;
	p->yes = key == '\r' || key == '\n' || key == KF(KEY_ENTER);
	return p->yes || key == 'q' || key == KEY_ESC ? QUIT : 0;
}

static const struct screen pager_screen = {"pager", pager_draw, pager_key, NULL, 0};

static int pager_run(struct ui *ui, struct pager *p)
{
	ui_push(ui, &pager_screen, p);
	ui_run(ui);
	ui_pop(ui);
	return p->yes;
}

void ui_pager(struct ui *ui, const char *title, const struct list_item *items, size_t n)
{
	pager_run(ui, &(struct pager){title, items, n, {.sel = -1}, NULL, 0});
}

int ui_pager_ask(struct ui *ui, const char *title, const struct list_item *items, size_t n,
		 const char *ask)
{
	return pager_run(ui, &(struct pager){title, items, n, {.sel = -1}, ask, 0});
}

void ui_help(struct ui *ui, const char *title, const struct keybind *keys, size_t n)
{
	struct list_item *items = calloc(n ? n : 1, sizeof(*items));
	char **lines = calloc(n ? n : 1, sizeof(*lines));

	/* The keys as marks, padded alike: the help wraps under itself, not under them. */
	for (size_t i = 0; items && lines && i < n; i++) {
		const char *label = ui_tr(keys[i].label);
		size_t size = strlen(label) + 16;

		if ((lines[i] = malloc(size)))
			draw_pad(lines[i], size, label, 11);
		items[i] = (struct list_item){lines[i], ui_tr(keys[i].help), NULL, A_NORMAL, 0};
	}
	if (items && lines)
		ui_pager(ui, title, items, n);
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	free(items);
}

void draw_fill(int y, attr_t attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	attroff(attr);
}

int draw_banner_rows(const char *text, int most)
{
	int h = text && text[0] ? draw_text_height(COLS - 2, text) : 0;

	return h > most ? most : h;
}

int draw_banner(struct ui *ui, int last, int most, const char *text, int error)
{
	attr_t a = ui_attr(ui, error ? R_ERROR : R_WARN);
	int h = draw_banner_rows(text, most);

	for (int i = 0; i < h; i++)
		draw_fill(last - h + 1 + i, error ? a : A_NORMAL);
	if (h)
		draw_text(ui, last - h + 1, 1, COLS - 2, h, a, text);
	return h;
}

/*
 * One line, the longest wording that fits; typing and logging carry on
 * below it. After a key that waits for a larger window, the line says so
 * (what it is first, so the narrowest wording still names it).
 */
void draw_too_small(const char *waiting)
{
	static const char *const fmt[] = {
		N_("terminal too small (%dx%d) - need at least %dx%d"),
		N_("too small (%dx%d), need %dx%d"),
		N_("too small (%dx%d)"),
	};
	/* TRANSLATORS: %s is a key and what it does ("x end call"), or "answering". */
	static const char *const wait_fmt[] = {
		N_("%s: make the window at least %dx%d first"),
		N_("%s: make the window larger first"),
		N_("%s: larger window first"),
	};
	const char *const *f = waiting && waiting[0] ? wait_fmt : fmt;
	char buf[256];

	for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		if (f == fmt)
			snprintf(buf, sizeof(buf), _(f[i]), COLS, LINES, UI_MIN_W, UI_MIN_H);
		else
			snprintf(buf, sizeof(buf), _(f[i]), waiting, UI_MIN_W, UI_MIN_H);
		if (draw_cols(buf) <= COLS)
			break;
	}
	draw_text(NULL, 0, 0, COLS, 1, A_BOLD, buf);
}

/* In 4, pause 4, out 4: a bar that fills, stays full, then empties. */
void draw_pacer(struct ui *ui, int y, int x, int w, int64_t elapsed_ms)
{
	/* TRANSLATORS: the breathing pacer's phases; the bar starts after 16 columns. */
	static const char *const phase_name[] = {N_("breathe in"), N_("pause"), N_("breathe out")};
	int phase = (int)((elapsed_ms % 12000) / 4000);
	int sec = (int)((elapsed_ms % 4000) / 1000) + 1;
	int bar = w - 20, fill;
	char head[96];

	if (bar < 4)
		bar = 4;
	fill = phase == 0 ? bar * sec / 4 : phase == 1 ? bar : bar * (4 - sec) / 4;
	snprintf(head, sizeof(head), "%s %d/4 ", _(phase_name[phase]), sec);
	draw_cut(y, x, w < 16 ? w : 16, ui_attr(ui, R_PROMPT), head);
	if (x + 16 + bar > COLS)
		bar = COLS - x - 16;
	for (int i = 0; i < bar; i++)
		mvaddch(y, x + 16 + i, i < fill ? ('#' | ui_attr(ui, R_DONE)) : '.');
}

const char *ui_customer(const struct ui *ui)
{
	return ui->in_call && ui->meta.customer[0] ? ui->meta.customer : _("(no name)");
}

/* The open call's names: a call never borrows another call's caller. */
char *ui_fill(const struct ui *ui, const char *text)
{
	return fill_text(text, ui->in_call ? ui->meta.customer : "", ui->opts->agent);
}

static void panel_draw(struct ui *ui, void *ctx)
{
	const struct panel *p = ctx;

	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_cut(0, 1, COLS - 2, ui_attr(ui, R_HEADER), p->title);
	draw_text(ui, 2, 2, COLS - 4, LINES - 4, A_NORMAL, p->text);
}

static int panel_key(struct ui *ui, void *ctx, int key)
{
	(void)ui, (void)ctx, (void)key;
	return 0;
}

const struct screen panel_screen = {"panel", panel_draw, panel_key, NULL, 0};

