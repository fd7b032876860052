/*
 * edit.c - the line editor and the one-key question, both overlays drawn on
 * the bottom line over whatever screen is beneath, while the loop keeps
 * ticking (timers, prompts) underneath.
 *
 * The editor works on wide characters so Backspace removes a whole
 * character, never half of a UTF-8 sequence. It holds at most `max`
 * characters (limits.h) and what fits the caller's buffer, shows how many
 * more fit, and refuses one more with a word: nothing is ever cut.
 */
#include "ui/app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/text.h"

struct edit {
	const char *label;
	wchar_t *buf; /* max + 1 */
	size_t max;   /* characters */
	size_t len, pos;
	size_t bytes; /* of buf in the terminal's encoding (UTF-8) */
	ui_check_fn check;
	const void *check_ctx;
	struct poise_error why; /* the check's refusal */
	const char *error;
	char full[128];
	char *out;
	size_t size;
	int saved;
};

static int wcs_cols(const wchar_t *s, size_t n)
{
	int cols = 0;

	for (size_t i = 0; i < n; i++) {
		int c = wcwidth(s[i]);

		cols += c < 0 ? 1 : c;
	}
	return cols;
}

static size_t edit_view_start(const wchar_t *buf, size_t pos, int avail)
{
	size_t start = pos;
	int cols = 0;

	while (start > 0 && cols + wcs_cols(buf + start - 1, 1) < avail)
		cols += wcs_cols(buf + --start, 1);
	return start;
}

/* What is left, at the right of the line: "480 left". */
static int draw_left(struct ui *ui, struct edit *ed, int y)
{
	char buf[64];
	int len;

	/* TRANSLATORS: the characters a field has room for, at the right of the line editor. */
	buf[0] = ' ';
	snprintf(buf + 1, sizeof(buf) - 1, _("%zu left"), ed->max - ed->len);
	len = draw_cols(buf);
	if (len >= COLS / 3)
		return 0;
	attron(ed->len >= ed->max ? ui_attr(ui, R_WARN) : ui_attr(ui, R_DIM));
	mvaddstr(y, COLS - len, buf);
	attroff(ed->len >= ed->max ? ui_attr(ui, R_WARN) : ui_attr(ui, R_DIM));
	return len;
}

/* A narrow screen: the field goes on the line above its label. */
static int edit_narrow(const struct edit *ed)
{
	return draw_cols(ed->label) + 2 >= COLS - 14;
}

static void edit_draw(struct ui *ui, void *ctx)
{
	struct edit *ed = ctx;
	int y = LINES - 1, lw = draw_cols(ed->label) + 2;
	size_t start = 0;
	int avail;

	draw_fill(y, A_NORMAL);
	draw_cut(y, 0, COLS, ui_attr(ui, R_KEY), ed->label);
	if (edit_narrow(ed))
		lw = 0, y--; /* a narrow screen: edit on the line above the label */
	draw_banner(ui, y - 1, DRAW_BANNER_MOST, ed->error, 1); /* a refusal, whole */
	draw_fill(y, A_NORMAL);
	if (lw)
		draw_cut(y, 0, COLS, A_NORMAL, ed->label);
	avail = COLS - lw - 1 - draw_left(ui, ed, y);
	/*
	 * Scroll horizontally so the cursor stays in view: the first character
	 * shown is the leftmost one keeping the cursor under `avail` columns.
	 * Both walks are linear, so a full field redraws fast after a paste.
	 */
	start = edit_view_start(ed->buf, ed->pos, avail);
	{
		size_t n = 0;
		int cols = 0;

		while (start + n < ed->len && cols + wcs_cols(ed->buf + start + n, 1) <= avail)
			cols += wcs_cols(ed->buf + start + n++, 1);
		mvaddnwstr(y, lw, ed->buf + start, (int)n);
	}
	ui->cur_y = y;
	ui->cur_x = lw + wcs_cols(ed->buf + start, ed->pos - start);
}

/* The bytes wc takes in the terminal's encoding; 0 when it has none there. */
static size_t wc_bytes(wchar_t wc)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, wc, &st);
	return n == (size_t)-1 ? 0 : n;
}

static void edit_insert(struct edit *ed, wchar_t wc)
{
	size_t nb;

	if (wc == L'\t')
		wc = L' '; /* tabs separate fields in event text */
	nb = wc_bytes(wc);
	if (nb == 0) {
		ed->error = _("that character cannot be written in this terminal's encoding");
		return;
	}
	if (ed->len >= ed->max || ed->bytes + nb > ed->size - 1) {
		snprintf(ed->full, sizeof(ed->full), _("full: %zu characters at most"), ed->len);
		ed->error = ed->full;
		return;
	}
	memmove(ed->buf + ed->pos + 1, ed->buf + ed->pos, (ed->len - ed->pos) * sizeof(wchar_t));
	ed->buf[ed->pos++] = wc;
	ed->len++;
	ed->bytes += nb;
	ed->buf[ed->len] = L'\0';
}

/* Remove the character at i. */
static void edit_remove(struct edit *ed, size_t i)
{
	ed->bytes -= wc_bytes(ed->buf[i]);
	memmove(ed->buf + i, ed->buf + i + 1, (ed->len - i - 1) * sizeof(wchar_t));
	ed->len--;
	ed->buf[ed->len] = L'\0';
}

static int edit_finish(struct edit *ed)
{
	size_t n;

	/* a paste that ended in a line break left a space no one meant */
	while (ed->len > 0 && ed->buf[ed->len - 1] == L' ')
		edit_remove(ed, ed->len - 1);
	ed->pos = ed->pos > ed->len ? ed->len : ed->pos;
	ed->buf[ed->len] = L'\0';
	n = wcstombs(ed->out, ed->buf, ed->size - 1);
	if (n == (size_t)-1) {
		ed->error = _("text cannot be encoded in this terminal's character set");
		return REDRAW;
	}
	ed->out[n] = '\0';
	poise_error_clear(&ed->why);
	if (ed->check && ed->check(ed->check_ctx, ed->out, &ed->why) != POISE_OK) {
		ed->error = ed->why.msg[0] ? ed->why.msg : poise_status_str(ed->why.status);
		return REDRAW;
	}
	ed->saved = 1;
	return QUIT;
}

/*
 * A pasted character is text: a line break or tab becomes a space, every
 * other character a terminal would obey (text.h: controls, C1, the bidi
 * controls, the line and paragraph separators) is dropped, so what is
 * saved is what the store and every other poise take (event_check); what
 * does not fit is cut with a word.
 */
static int edit_pasted(struct edit *ed, int c)
{
	size_t before = ed->len;

	if (c & UI_KEYF)
		return 0;
	if (c == '\r' || c == '\n' || c == '\t')
		c = ' ';
	else if (text_cp_unsafe((unsigned)c, 0))
		return 0;
	edit_insert(ed, (wchar_t)c);
	if (ed->len == before && !ed->error)
		ed->error = _("the field is full: what came after was not kept");
	return REDRAW;
}

/* The keys an open question leaves to the list beneath it. */
static int under_key(struct ui *ui, int key)
{
	if (!ui->under_view || (key != KF(KEY_UP) && key != KF(KEY_DOWN) && key != KF(KEY_PPAGE) &&
				key != KF(KEY_NPAGE)))
		return 0;
	return list_view_key(ui->under_view, key);
}

static int edit_key(struct ui *ui, void *ctx, int key)
{
	struct edit *ed = ctx;

	/* Text that came in a burst is typed text too: the Enter after it is deliberate. */
	if (key & UI_PASTED) {
		ui_enter_repeat(ui, ' ');
		return edit_pasted(ed, key & ~UI_PASTED);
	}
	if (ui_enter_repeat(ui, key))
		return 0;
	if (under_key(ui, key))
		return REDRAW;
	/* Typing goes on unseen; saving or cancelling what cannot be read waits. */
	if (ui_too_small() && (key == KEY_ESC || ui_is_enter(key)))
		/* TRANSLATORS: what waits, in "%s: make the window larger first". */
		return ui_wait_larger(ui, key == KEY_ESC ? _("cancelling") : _("saving"));
	ed->error = NULL;
	switch (key) {
	case KEY_ESC:
		return QUIT;
	case '\r':
	case '\n':
	case KF(KEY_ENTER):
		return edit_finish(ed);
	case KF(KEY_BACKSPACE):
	case 127:
	case 8:
		if (ed->pos > 0)
			edit_remove(ed, --ed->pos);
		break;
	case KF(KEY_DC):
		if (ed->pos < ed->len)
			edit_remove(ed, ed->pos);
		break;
	case KF(KEY_LEFT):
		if (ed->pos > 0)
			ed->pos--;
		break;
	case KF(KEY_RIGHT):
		if (ed->pos < ed->len)
			ed->pos++;
		break;
	case KF(KEY_HOME):
	case 1: /* C-a */
		ed->pos = 0;
		break;
	case KF(KEY_END):
	case 5: /* C-e */
		ed->pos = ed->len;
		break;
	case 21: /* C-u */
		ed->len = ed->pos = ed->bytes = 0;
		break;
	default:
		if (!(key & UI_KEYF) && key >= 32)
			edit_pasted(ed, key); /* typed or pasted, it is text */
		else if (key == '\t')
			edit_insert(ed, L' ');
		break;
	}
	return REDRAW;
}

static const struct screen edit_screen = {"edit", edit_draw, edit_key, NULL, 0};

int ui_takes_paste(const struct screen *scr)
{
	return scr == &edit_screen;
}

/* The editor's run; keep_draft: a signal's stop hands back what was typed (2). */
static int edit_run(struct ui *ui, const char *label, size_t max, char *out, size_t size,
		    ui_check_fn check, const void *ctx, int keep_draft)
{
	struct edit *ed = calloc(1, sizeof(*ed));
	int saved;

	if (!ed || size == 0 || !(ed->buf = calloc(max + 1, sizeof(*ed->buf))))
		return free(ed), 0;
	ed->label = label;
	ed->max = max;
	ed->out = out;
	ed->size = size;
	ed->check = check;
	ed->check_ctx = ctx;
	ui_push(ui, &edit_screen, ed);
	ui_run(ui);
	ui_pop(ui);
	saved = ed->saved && !ui->stopping;
	if (ui->stopping && keep_draft && ed->len > 0) {
		ed->check = NULL;
		saved = edit_finish(ed) == QUIT ? 2 : 0;
	}
	free(ed->buf);
	free(ed);
	return saved;
}

int ui_edit_text(struct ui *ui, const char *label, size_t max, char *out, size_t size,
		 ui_check_fn check, const void *ctx)
{
	return edit_run(ui, label, max, out, size, check, ctx, 0);
}

int ui_edit_note(struct ui *ui, const char *label, size_t max, char *out, size_t size)
{
	return edit_run(ui, label, max, out, size, NULL, NULL, 1);
}

int ui_edit_line(struct ui *ui, const char *label, char *out, size_t size, ui_check_fn check,
		 const void *ctx)
{
	return ui_edit_text(ui, label, size - 1, out, size, check, ctx);
}

struct ask {
	const char *question;
	const char *keys;
	int esc_ok;
	int answer;
};

static int ask_rows(const struct ask *a)
{
	return draw_text_height(COLS - 2, a->question);
}

static void ask_draw(struct ui *ui, void *ctx)
{
	struct ask *a = ctx;
	int h = ask_rows(a);
	int y = LINES - h;

	for (int i = 0; i < h; i++)
		draw_fill(y + i, ui_attr(ui, R_HEADER));
	draw_text(ui, y, 1, COLS - 2, h, ui_attr(ui, R_HEADER), a->question);
}

static int ask_key(struct ui *ui, void *ctx, int key)
{
	struct ask *a = ctx;

	/* A question cannot be answered unseen: every answer waits (the Esc too). */
	if (ui_too_small() &&
	    ((key == KEY_ESC && a->esc_ok) || (key > 0 && key < 128 && strchr(a->keys, key)) ||
	     (ui_is_enter(key) && strchr(a->keys, '\n'))))
		/* TRANSLATORS: what waits, in "%s: make the window larger first". */
		return ui_wait_larger(ui, _("answering"));

	if (key == KEY_ESC && a->esc_ok) {
		a->answer = 0;
		return QUIT;
	}
	if (key > 0 && key < 128 && strchr(a->keys, key)) {
		a->answer = key;
		return QUIT;
	}
	if (ui_is_enter(key) && strchr(a->keys, '\n')) {
		a->answer = '\n';
		return QUIT;
	}
	return under_key(ui, key) ? REDRAW : 0;
}

static const struct screen ask_screen = {"ask", ask_draw, ask_key, NULL, 0};

int ui_overlay_rows(const struct ui *ui)
{
	const struct screen *top = ui->depth ? ui->stack[ui->depth - 1] : NULL;
	const void *ctx = ui->depth ? ui->ctx[ui->depth - 1] : NULL;

	if (top == &ask_screen)
		return ask_rows(ctx);
	if (top == &edit_screen)
		return 1 + edit_narrow(ctx) +
		       draw_banner_rows(((const struct edit *)ctx)->error, DRAW_BANNER_MOST);
	return 0;
}

int ui_ask_key(struct ui *ui, const char *question, const char *keys, int esc_ok)
{
	struct ask a = {question, keys, esc_ok, 0};

	ui_push(ui, &ask_screen, &a);
	ui_run(ui);
	ui_pop(ui);
	return ui->stopping ? 0 : a.answer;
}
