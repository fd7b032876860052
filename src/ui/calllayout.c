/*
 * calllayout.c - drawing the call screen: header, stage strip, the stage's
 * guidance as one list, the coaching prompt, the banner and the footer.
 *
 * Full layout from 80x24; compact (one-line header, short stage names, one
 * footer line) down to 40x12. Everything is clipped to the screen, so a
 * resize at any moment only costs a redraw.
 */
#include "ui/callscreen.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/fill.h"
#include "poise/rules.h"
#include "poise/words.h"

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

/* part after buf's text when both fit whole in cols columns (and in size bytes). */
static void add_whole(char *buf, size_t size, const char *part, int cols)
{
	size_t len = strlen(buf);

	if (draw_cols(buf) + draw_cols(part) <= cols && len + strlen(part) < size)
		snprintf(buf + len, size - len, "%s", part);
}

/*
 * The fixed words as this size and language need them (struct
 * callscr_words): made again only when either changed since they were.
 */
static const struct callscr_words *words_now(struct ui *ui, struct callscr *c)
{
	struct callscr_words *w = &c->words;
	const char *locale = setlocale(LC_MESSAGES, NULL);
	int preview = ui->preview != 0;

	if (!locale)
		locale = "";
	if (w->cols == COLS && w->lines == LINES && w->preview == preview &&
	    strcmp(w->locale, locale) == 0)
		return w;
	/* A name too long to keep is never equal: made again each frame, still right. */
	if (snprintf(w->locale, sizeof(w->locale), "%s", locale) >= (int)sizeof(w->locale))
		w->locale[0] = '\001';
	w->strip_cols = 0;
	for (int s = 0; s < STAGE_COUNT; s++) {
		w->title[s] = stage_title((enum stage)s);
		w->title_cols[s] = draw_cols(w->title[s]);
		w->strip_cols += w->title_cols[s] + 3;
	}
	for (int s = 0; s < SECTION_COUNT; s++)
		w->section[s] = section_title((enum section)s);
	w->said = _("(said)");
	/* TRANSLATORS: the compact header (40 columns): call time, "st" stage time,
	   " HOLD " and its time when on hold, "m" the mood's digit. Keep it short. */
	w->head_compact = _("%s st %s%s%s m%s");
	w->hold_compact = _(" HOLD ");
	/* TRANSLATORS: the header: call time, stage time, "ON HOLD " and its time, mood. */
	w->head_full = _("call %s  stage %s  %s%s%smood %s");
	w->hold_full = _("ON HOLD ");
	w->ref = _("  ref ");
	w->agent = _("  agent %s");
	c->strip = 0; /* drawn again in these words */
	callscr_footer(ui, &w->footer, ui_compact() ? 1 : 3);
	w->cols = COLS;
	w->lines = LINES;
	w->preview = preview;
	return w;
}

/*
 * The header's left: the caller, then their reference and the agent's name
 * each only where it fits whole in cols columns, so a narrow header never
 * shows a label without its name ("agent" and nothing after it).
 */
static void header_left(const struct ui *ui, const struct callscr_words *w, char *buf,
			size_t size, int cols)
{
	char part[400];

	snprintf(buf, size, "%s", ui_customer(ui));
	if (ui->meta.ref[0]) {
		snprintf(part, sizeof(part), "%s%s", w->ref, ui->meta.ref);
		add_whole(buf, size, part, cols);
	}
	snprintf(part, sizeof(part), w->agent, ui->meta.agent);
	add_whole(buf, size, part, cols);
}

static void draw_header(struct ui *ui, const struct callscr_words *w, int64_t now, int compact)
{
	const struct call_state *cs = &ui->cs;
	char call[16], stage[16], hold[16], right[192], left[400], mood[WORDS_BUF];
	int rw;

	words_duration(call, sizeof(call), call_elapsed_ms(cs, now));
	words_duration(stage, sizeof(stage), call_in_stage_ms(cs, now));
	words_duration(hold, sizeof(hold), call_current_hold_ms(cs, now));
	if (compact)
		snprintf(right, sizeof(right), w->head_compact, call, stage,
			 cs->on_hold ? w->hold_compact : "", cs->on_hold ? hold : "",
			 words_mood_digit(mood, sizeof(mood), cs->mood));
	else
		snprintf(right, sizeof(right), w->head_full, call, stage,
			 cs->on_hold ? w->hold_full : "", cs->on_hold ? hold : "",
			 cs->on_hold ? "  " : "", words_mood_mark(mood, sizeof(mood), cs->mood));
	rw = draw_cols(right);
	if (ui->preview) /* nothing is logged: said before anything else */
		snprintf(left, sizeof(left), "PREVIEW  %s %s", ui->call_pb->id,
			 ui->call_pb->version);
	else
		header_left(ui, w, left, sizeof(left), compact ? 0 : COLS - rw - 3);
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_cut(0, COLS - rw - 1 > 0 ? COLS - rw - 1 : 0, COLS, ui_attr(ui, R_HEADER), right);
	if (COLS - rw - 3 > 4)
		draw_text(ui, 0, 1, COLS - rw - 3, 1, ui_attr(ui, R_HEADER) | A_BOLD, left);
}

/*
 * The stages in a row: the current one marked, the ones visited ticked, the
 * rest dim. The row is dim spaces under the titles, so a run of dim titles
 * goes to the terminal in one attribute, not switched at every gap.
 */
static void draw_strip(struct ui *ui, const struct callscr_words *w, int y, int compact)
{
	int x = 0;

	if (w->strip_cols > COLS)
		compact = 1;
	attron(ui_attr(ui, R_DIM));
	mvhline(y, 0, ' ', compact ? STAGE_COUNT * 5 - 1 : w->strip_cols - 2);
	attroff(ui_attr(ui, R_DIM));
	for (int s = 0; s < STAGE_COUNT && x < COLS; s++) {
		const char *title = w->title[s];
		int len = compact ? 3 : w->title_cols[s];
		int cur = s == (int)ui->cs.stage;
		int seen = (ui->cs.visited & (1u << s)) != 0;

		if (seen && !cur) {
			attron(ui_attr(ui, R_STAGE_SEEN));
			mvaddstr(y, x, glyph(ui, "✓", "*"));
			attroff(ui_attr(ui, R_STAGE_SEEN));
		}
		x++;
		draw_cut(y, x, len > COLS - x ? COLS - x : len,
			 cur	? ui_attr(ui, R_STAGE_CUR)
			 : seen ? A_NORMAL
				: ui_attr(ui, R_DIM),
			 title);
		x += len + (compact ? 1 : 2);
	}
}

static char *view_fill(const struct call_view *v, const char *text)
{
	return fill_text(text, v->customer, v->agent);
}

static char *own_printf(struct list_build *b, const char *fmt, const char *a, const char *c)
{
	size_t len = strlen(fmt) + strlen(a) + strlen(c) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, fmt, a, c);
	return list_own(b, s);
}

/* Why the line was skipped, from the fold's own record of the SKIP. */
static const char *skip_label(const struct line_use *u)
{
	return u->reason >= 0 ? skip_reason_label((enum skip_reason)u->reason) : _("no reason");
}

static void add_warnings(struct ui *ui, const struct call_view *v, struct list_build *b, int *sel)
{
	static const char *const num[] = {"1.", "2.", "3."};
	const struct call_state *cs = v->cs;

	list_add(b, NULL, _("Warnings, word for word (w shows the next, w again logs it)"),
		 ui_attr(ui, R_SECTION), 0);
	for (int i = 0; i < PLAYBOOK_WARNINGS; i++) {
		struct list_item *it = list_add(
			b, num[i], list_own(b, view_fill(v, v->pb->warnings[i])), A_NORMAL, 0);
		char when[16];

		if (!it)
			continue;
		if (v->warn_shown == i + 1)
			*sel = (int)b->n - 1;
		if (i < cs->warnings) {
			clock_text(when, sizeof(when), cs->warning_at[i]);
			it->tail = own_printf(b, _("(given at %s%s)"), when, "");
			it->attr = ui_attr(ui, R_DIM);
		} else if (i == cs->warnings) {
			it->tail = v->warn_shown == i + 1 ? _("(say it, then w logs it)")
							  : _("(next: w shows it)");
			it->attr = ui_attr(ui, R_WARN);
		} else {
			it->attr = ui_attr(ui, R_DIM);
		}
	}
	if (cs->warnings >= PLAYBOOK_WARNINGS)
		list_add(b, "!", _("Third warning given: per policy you may end the call now (x)"),
			 ui_attr(ui, R_ERROR), 0);
}

static void add_section(struct ui *ui, const struct call_view *v, struct list_build *b,
			enum section sec, int *nsel, int *sel)
{
	const struct call_state *cs = v->cs;
	const struct strlist *sl = &v->pb->stages[cs->stage].section[sec];

	if (sl->len == 0)
		return;
	list_add(b, NULL, v->words ? v->words->section[sec] : section_title(sec),
		 ui_attr(ui, R_SECTION), 0);
	for (size_t i = 0; i < sl->len; i++) {
		const struct line_use *u = call_line(cs, cs->stage, sec, (int)i);
		struct list_item *it;
		const char *mark = glyph(ui, "·", "-");
		int selectable =
			sec == SECTION_SAY || sec == SECTION_ASK || sec == SECTION_CHECKLIST;

		if (sec == SECTION_AVOID)
			mark = glyph(ui, "✗", "x");
		if (sec == SECTION_CHECKLIST)
			mark = cs->ticked[cs->stage] && cs->ticked[cs->stage][i] ? "[x]" : "[ ]";
		it = list_add(b, mark, list_own(b, view_fill(v, sl->items[i])), A_NORMAL,
			      selectable);
		if (!it)
			continue;
		if (selectable && (*nsel)++ == v->sel && !v->warn_shown)
			*sel = (int)b->n - 1;
		if (u && u->mark == LINE_SAID) {
			it->mark = glyph(ui, "✓", "+");
			it->tail = v->words ? v->words->said : _("(said)");
		} else if (u && u->mark == LINE_SKIPPED) {
			it->mark = "~";
			it->attr = ui_attr(ui, R_DIM);
			it->tail = own_printf(b, _("(skipped: %s%s)"), skip_label(u), "");
		}
	}
}

int callview_stage(struct ui *ui, const struct call_view *v, struct list_build *b)
{
	int nsel = 0, sel = -1;

	list_add(b, NULL,
		 own_printf(b, "%s: %s",
			    v->words ? v->words->title[v->cs->stage] : stage_title(v->cs->stage),
			    v->pb->stages[v->cs->stage].goal),
		 ui_attr(ui, R_TITLE), 0);
	if (v->cs->stage == STAGE_BOUNDARY)
		add_warnings(ui, v, b, &sel);
	for (int s = 0; s < SECTION_COUNT; s++)
		add_section(ui, v, b, (enum section)s, &nsel, &sel);
	return sel;
}

struct call_view ui_call_view(const struct ui *ui)
{
	return (struct call_view){
		&ui->cs, ui->call_pb, ui->in_call ? ui->meta.customer : "", ui->opts->agent, -1, 0, NULL};
}

/*
 * A stage is shown from where the agent last marked a line in it (a
 * resumed call, a stage gone back to), else from its first line to say;
 * the boundary from its warnings.
 */
static void body_reset(struct ui *ui, struct callscr *c)
{
	if (c->body_stage == (int)ui->cs.stage + 1)
		return;
	c->body_stage = (int)ui->cs.stage + 1;
	callscr_place(ui, c);
	c->body.top = 0;
	c->body.follow = ui->cs.stage != STAGE_BOUNDARY;
	c->warn_shown = 0;
}

/* FNV-1a over a string and its end, so "ab","c" and "a","bc" differ. */
static uint64_t sig_text(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return (h ^ (s ? 0x100u : 0x200u)) * UINT64_C(0x100000001b3);
}

static uint64_t sig_int(uint64_t h, int64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8)
		h = (h ^ (uint64_t)(v & 0xff)) * UINT64_C(0x100000001b3);
	return h;
}

/* What the body's draw depends on: its lines, where, and how scrolled. */
static uint64_t body_sig(uint64_t lines, const struct list_view *v, int y, int h)
{
	uint64_t sig = lines;

	sig = sig_int(sig, v->top);
	sig = sig_int(sig, v->sel);
	sig = sig_int(sig, v->follow);
	sig = sig_int(sig, y);
	sig = sig_int(sig, h);
	sig = sig_int(sig, COLS);
	return sig ? sig : 1; /* 0: nothing drawn yet */
}

/*
 * The stage's lines. Built at every draw (cheap), drawn (wrapped, each
 * cell to curses) only when they, their place or their scroll changed
 * since the last frame, which the screen still shows (c->kept):
 * a mood key or the clock's tick leaves them alone.
 */
static void draw_body(struct ui *ui, struct callscr *c, int y, int h)
{
	struct list_build b = {0};
	struct call_view v = ui_call_view(ui);
	uint64_t lines = UINT64_C(0xcbf29ce484222325);
	int sel;

	body_reset(ui, c);
	v.words = &c->words;
	v.sel = c->sel;
	v.warn_shown = c->warn_shown;
	sel = callview_stage(ui, &v, &b);
	if (c->body.sel != sel)
		c->body.follow = c->body.follow || c->warn_shown;
	c->body.sel = sel;
	for (size_t i = 0; i < b.n; i++) {
		lines = sig_text(lines, b.items[i].mark);
		lines = sig_text(lines, b.items[i].text);
		lines = sig_text(lines, b.items[i].tail);
		lines = sig_int(lines, (int64_t)b.items[i].attr);
		lines = sig_int(lines, b.items[i].selectable);
	}
	lines = sig_int(lines, b.nomem);
	if (!c->kept || body_sig(lines, &c->body, y, h) != c->body_sig) {
		for (int i = 0; c->kept && i < h; i++) {
			move(y + i, 0);
			clrtoeol();
		}
		list_build_draw(ui, y, 1, COLS - 2, h, &b, &c->body);
		c->body_sig = body_sig(lines, &c->body, y, h);
	}
	list_build_free(&b);
}

/* The key for a rule's action, only where that key works now. */
static const char *action_hint(const struct call_view *v, enum rule_action action)
{
	switch (action) {
	case ACTION_BOUNDARY:
		if (v->cs->stage == STAGE_BOUNDARY)
			return v->cs->warnings < PLAYBOOK_WARNINGS ? _("[w warning]") : "";
		break;
	case ACTION_END_HOLD:
		if (!v->cs->on_hold)
			return "";
		break;
	case ACTION_BREATHE:
		if (v->cs->pacing) /* the pacer runs: its prompt offers no key */
			return "";
		break;
	case ACTION_NEXT_STAGE:
		if (call_next_stage(v->cs) < 0)
			return "";
		break;
	default:
		break;
	}
	return rule_action_hint(action);
}

char *callview_prompt(struct ui *ui, const struct call_view *v, int64_t now)
{
	const struct pb_rule *r;
	const char *hint;
	char *msg, *line, waited[16] = "";
	int rule = call_prompt_rule(v->cs);
	size_t len;

	if (rule < 0)
		return NULL;
	r = &v->pb->rules[rule];
	hint = action_hint(v, r->action);
	msg = view_fill(v, rules_message(v->cs, (size_t)rule));
	/* A hold prompt says how long the caller has waited. */
	if (r->kind == RULE_HOLD && v->cs->on_hold)
		words_duration(waited, sizeof(waited), call_current_hold_ms(v->cs, now));
	len = strlen(msg ? msg : r->message) + 96;
	if ((line = malloc(len)))
		snprintf(line, len, "%s %s%s%s%s%s%s", glyph(ui, "»", ">"), hint, *hint ? " " : "",
			 waited[0] ? _("caller waiting ") : "", waited, waited[0] ? ": " : "",
			 msg ? msg : r->message);
	free(msg);
	return line;
}

/* The coaching prompt as shown: glyph, the key of its action, the message. NULL: none. */
char *callscr_prompt_text(struct ui *ui)
{
	struct call_view v = ui_call_view(ui);

	return callview_prompt(ui, &v, ui_now());
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

/*
 * The rows of the coaching prompt and the breathing pacer. Both fit: the
 * pacer takes the bottom row of its own, so a prompt that fires while the
 * agent breathes is seen at once, not when the pacer stops.
 */
static int prompt_height(struct ui *ui)
{
	int pacer = ui->cs.pacing ? 1 : 0, h;
	char *line;

	if (!(line = callscr_prompt_text(ui)))
		return pacer;
	h = draw_text_height(COLS - 2, line);
	free(line);
	return (h < prompt_max() ? h : prompt_max()) + pacer;
}

static void draw_prompt(struct ui *ui, int y, int h, int64_t now)
{
	char *line;

	if (ui->cs.pacing) {
		draw_pacer(ui, y + h - 1, 1, COLS - 2, now - ui->cs.breathe_at);
		h--;
	}
	if (h <= 0 || !(line = callscr_prompt_text(ui)))
		return;
	if (draw_text_height(COLS - 2, line) > h) {
		char *cut = fit_with_more(line, COLS - 2, h,
					  ui->utf8 ? _("… (i reads all)") : _("... (i reads all)"));

		free(line);
		if (!(line = cut))
			return;
	}
	for (int i = 0; i < h; i++)
		draw_fill(y + i, ui_attr(ui, R_PROMPT) & ~A_UNDERLINE);
	draw_text(ui, y, 1, COLS - 2, h, ui_attr(ui, R_PROMPT), line);
	free(line);
}

/*
 * Whether this draw starts from the last frame, still on screen (c->kept):
 * the loop left it (ui_frame_left) and it is this screen's, drawn just
 * before at the same size. Else the screen starts blank.
 */
static void frame_start(struct ui *ui, struct callscr *c)
{
	int left = ui_frame_left(ui);

	c->kept = left && c->frame && c->frame + 1 == ui->frames && c->lines == LINES &&
		  c->cols == COLS;
	if (left && !c->kept)
		erase();
	c->frame = left ? ui->frames : 0;
	c->lines = LINES;
	c->cols = COLS;
}

/*
 * Over the last frame (c->kept) every row but the body's is cleared and
 * drawn again (a few rows); the body only when it changed (draw_body).
 */
void callscr_draw(struct ui *ui, void *ctx)
{
	struct callscr *c = ctx;
	int compact = ui_compact(), footer_h, bottom, banner_h = 0, prompt_h, said_h = 0;
	int body_y = compact ? 2 : 3, body_h, top, keep_footer, keep_strip;
	unsigned strip;
	int64_t now = ui_now();
	const struct callscr_words *words;

	frame_start(ui, c);
	words = words_now(ui, c);
	footer_h = words->footer.lines;
	/* A question or the editor open at the bottom: the stage stays above it, in view. */
	bottom = LINES - (ui_overlay_rows(ui) > footer_h ? ui_overlay_rows(ui) : footer_h);
	prompt_h = prompt_height(ui);
	top = bottom - prompt_h;
	if (ui->banner[0]) {
		/* Whole, however long (a line to say): the stage keeps three rows. */
		banner_h = draw_banner_rows(ui->banner, top - body_y - 3);
		if (banner_h < 1)
			banner_h = 1;
	}
	/* A rehearsal: the customer's last words, above the banner, two rows at most. */
	if (ui->customer_line[0]) {
		said_h = draw_text_height(COLS - 2, ui->customer_line);
		said_h = said_h > 2 ? 2 : said_h < 1 ? 1 : said_h;
		if (top - banner_h - said_h - body_y < 2)
			said_h = 0;
	}
	body_h = top - banner_h - said_h - body_y;
	/* The footer's keys change only with the size: kept over the last frame. */
	keep_footer = c->kept && bottom == LINES - footer_h;
	/* The strip, only with the stage and the stages visited (and the words). */
	strip = ((unsigned)ui->cs.stage + 1) | ui->cs.visited << 8;
	keep_strip = c->kept && c->strip == strip;
	for (int y = 0; c->kept && y < (keep_footer ? bottom : LINES); y++)
		if ((y < body_y || y >= body_y + body_h) && !(y == 1 && keep_strip)) {
			move(y, 0);
			clrtoeol();
		}
	draw_header(ui, words, now, compact);
	if (!keep_strip)
		draw_strip(ui, words, 1, compact);
	c->strip = strip;
	if (!keep_footer)
		footer_draw(ui, LINES - footer_h, &words->footer);
	draw_prompt(ui, top, prompt_h, now);
	draw_banner(ui, top - 1, banner_h, ui->banner, ui->banner_error);
	if (said_h)
		draw_text(ui, top - banner_h - said_h, 1, COLS - 2, said_h, ui_attr(ui, R_TITLE),
			  ui->customer_line);
	draw_body(ui, c, body_y, body_h);
}
