/*
 * review_list.c - `poise review`: the list of calls newest first, paged by
 * keyset (a page is the rows that fit; the next one starts after its last
 * row), the filter form and the note search, and ui_review() itself.
 *
 * Only one page is ever held: at a million calls the first page, the next
 * one and a new filter each cost one index seek in the core (review.h).
 */
#include "poise/day.h"
#include "poise/i18n.h"
#include "ui/review_int.h"

#include "poise/i18n.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rlist {
	const struct review_opts *opts;
	struct review_filter f;
	char from[11], to[11]; /* the dates typed, as shown */
	struct call_meta rows[REVIEW_PAGE_MAX];
	struct call_meta next[REVIEW_PAGE_MAX]; /* load()'s page, read whole before it replaces rows */
	size_t n;
	int sel;
	int more;  /* the page was full: there may be older calls */
	int newer; /* there may be newer calls than this page's */
	int64_t count;	     /* calls the filter matches (the sample's size when sampled) */
	struct rv_sample smp; /* the sample asked for; f.sampled once drawn */
	int64_t drawn_from;  /* how many calls the sample was drawn from */
	char error[512];
};

static key_fn list_open, list_move, list_page, list_ends, list_filter, list_search, list_clear,
	list_practice;

static const struct keybind list_keys[] = {
	KB_HELP,
	KB_ROW(list_open, KEYS('\r', '\n', KF(KEY_ENTER)), N_("Enter"), N_("open"),
	       N_("open the call: timeline, figures, replay, score and comment")),
	KB_ROW(list_move, KEYS(KF(KEY_DOWN), 'j', KF(KEY_UP), 'k'), "j/k", N_("move"),
	       N_("next or previous call (Down/Up or j/k), across pages")),
	KB_ROW(list_page, KEYS(KF(KEY_NPAGE), KF(KEY_PPAGE)), N_("PgDn/PgUp"), N_("page"),
	       N_("the page of older calls (PgDn) or newer calls (PgUp)")),
	KB_ROW(list_ends, KEYS('g', KF(KEY_HOME), 'G', KF(KEY_END)), "g/G", N_("newest/oldest"),
	       N_("the newest calls (g or Home) or the oldest (G or End)")),
	KB_ONE(list_filter, 'f', N_("filter"),
	       N_("filter by agent, dates, outcome, cause, playbook, mood, customer, reference, "
		  "status, reviewed, QA score; draw a random sample (Enter keeps, - clears)")),
	KB_ONE(list_search, '/', N_("search"),
	       N_("search every typed text: notes, reasons, promises, reflections, comments, "
		  "replies (3 characters or more)")),
	KB_ONE(list_clear, 'F', N_("clear"), N_("clear every filter and the search")),
	KB_ONE(list_practice, 'P', N_("rehearsals"),
	       N_("list the rehearsals (poise rehearse) instead of the calls; P again goes back")),
	KB_ONE(key_quit, 'q', N_("quit"), N_("quit")),
};
#define NLIST_KEYS (sizeof(list_keys) / sizeof(list_keys[0]))
/*
 * While too small, moving among the calls and pages and q act; opening a
 * call, the filter and search forms, clearing them, the rehearsals and the
 * help wait (struct keymap).
 */
static key_fn *const list_unseen[] = {list_move, list_page, list_ends, key_quit, NULL};
static const struct keymap list_map = {N_("poise review - keys of the list"), list_keys, NLIST_KEYS,
				       BANNER_ANY, list_unseen};

/* Rows that fit between the two header lines and the status line and footer. */
static int page_rows(struct ui *ui)
{
	int h = LINES - 3 - draw_footer(ui, -1, 2, list_keys, NLIST_KEYS);

	if (h < 1)
		h = 1;
	return h > REVIEW_PAGE_MAX ? REVIEW_PAGE_MAX : h;
}

static void set_error(struct rlist *l, const struct poise_error *err)
{
	snprintf(l->error, sizeof(l->error), "%s",
		 err->msg[0] ? err->msg : poise_status_str(err->status));
}

/* Load the page next to `from` in dir; keeps the old page when nothing is there. */
static int load(struct ui *ui, struct rlist *l, enum review_dir dir, const struct review_key *from,
		int keep_if_empty)
{
	struct call_meta *rows = l->next;
	struct poise_error err;
	size_t want = (size_t)page_rows(ui), n = 0;

	poise_error_clear(&err);
	l->error[0] = '\0';
	if (review_page(ui->st, &l->f, dir, from, rows, want, &n, &err) != POISE_OK) {
		set_error(l, &err);
		return -1;
	}
	if (n == 0 && keep_if_empty)
		return 0;
	memcpy(l->rows, rows, n * sizeof(rows[0]));
	l->n = n;
	l->more = dir == REVIEW_NEWER || n == want;
	l->newer = dir == REVIEW_NEWER ? n == want : from != NULL;
	return (int)n;
}

static void key_of(const struct call_meta *m, struct review_key *k)
{
	k->started = m->started;
	snprintf(k->id, sizeof(k->id), "%s", m->id);
}

/* The first page of a new filter, and how many calls it matches. */
static void load_top(struct ui *ui, struct rlist *l)
{
	struct poise_error err;

	poise_error_clear(&err);
	l->count = -1;
	if (load(ui, l, REVIEW_OLDER, NULL, 0) >= 0 &&
	    review_count(ui->st, &l->f, &l->count, &err) != POISE_OK) {
		set_error(l, &err);
		l->count = -1;
	}
	l->sel = 0;
}

/* Draw the sample the form asked for (or drop it), then the first page. */
static void load_sample(struct ui *ui, struct rlist *l)
{
	struct poise_error err;
	int64_t n;

	poise_error_clear(&err);
	l->f.sampled = 0;
	if (l->smp.want > 0) {
		if (review_sample(ui->st, &l->f, l->smp.want, l->smp.seed, &n, &l->drawn_from,
				  &err) != POISE_OK) {
			set_error(l, &err);
			l->n = 0;
			l->count = -1;
			return;
		}
		l->f.sampled = 1;
	}
	load_top(ui, l);
}

/* --- drawing --------------------------------------------------------- */

struct col {
	const char *title;
	int width;
};

enum { C_START, C_DUR, C_AGENT, C_CUSTOMER, C_OUTCOME, C_CAUSE, C_MOOD, C_COUNT };

/* Fixed columns first; agent, customer and cause share what is left. */
/* Fixed columns first; agent, customer and cause share what is left. Narrow: fewer, shorter. */
static void layout(struct col c[C_COUNT])
{
	/* TRANSLATORS: the review list's column titles, cut to their columns. */
	static const char *const titles[C_COUNT] = {N_("started"),  N_("length"),  N_("agent"),
						    N_("customer"), N_("outcome"), N_("cause"),
						    N_("mood")};
	int wide = COLS >= 80, rest;

	for (int i = 0; i < C_COUNT; i++)
		c[i] = (struct col){_(titles[i]), 0};
	c[C_START].width = wide ? 16 : 11; /* "2024-05-01 14:03" or "05-01 14:03" */
	c[C_DUR].width = wide ? 7 : 0;
	c[C_OUTCOME].width = wide ? 11 : 10;
	c[C_MOOD].width = wide ? 6 : 4;
	rest = COLS - 2 - c[C_START].width - c[C_DUR].width - c[C_OUTCOME].width - c[C_MOOD].width -
	       (wide ? C_COUNT : C_COUNT - 2); /* a space after each column shown */
	c[C_CAUSE].width = wide ? (rest / 4 > 12 ? 12 : rest / 4) : 0;
	rest -= c[C_CAUSE].width;
	c[C_AGENT].width = rest * 2 / 5 > 16 ? 16 : rest * 2 / 5;
	c[C_CUSTOMER].width = rest - c[C_AGENT].width;
	if (c[C_CUSTOMER].width < 0)
		c[C_CUSTOMER].width = 0;
}

static void cell(char *line, size_t size, const char *text, int width)
{
	if (width <= 0)
		return;
	rv_cell(line, size, text, width);
	rv_cell(line, size, " ", 1);
}

static void format_row(const struct ui *ui, const struct call_meta *m, const struct col *c,
		       char *line, size_t size)
{
	char start[32], dur[16], mood[16], m1[4], m2[4];

	line[0] = '\0';
	day_locale_datetime(start, sizeof(start), m->started, c[C_START].width < 16);
	if (m->ended)
		words_duration(dur, sizeof(dur), m->ended - m->started - m->gap_ms);
	else
		snprintf(dur, sizeof(dur), "%s", m->status);
	if (m->mood_start)
		snprintf(mood, sizeof(mood), "%s%s%s",
			 words_mood_digit(m1, sizeof(m1), m->mood_start), ui->utf8 ? "→" : ">",
			 words_mood_digit(m2, sizeof(m2), m->mood_end));
	else
		snprintf(mood, sizeof(mood), "-");
	cell(line, size, start, c[C_START].width);
	cell(line, size, dur, c[C_DUR].width);
	cell(line, size, m->agent, c[C_AGENT].width);
	cell(line, size, m->customer[0] ? m->customer : "-", c[C_CUSTOMER].width);
	/* A rehearsal has no outcome: its scenario is shown instead. */
	cell(line, size, m->practice[0] ? _("practice") : m->outcome[0] ? m->outcome : "-",
	     c[C_OUTCOME].width);
	cell(line, size, m->practice[0] ? m->practice : m->cause[0] ? m->cause : "-",
	     c[C_CAUSE].width);
	cell(line, size, mood, c[C_MOOD].width);
}

/* The filter as shown: each field set, as name=value (typed text quoted), in one order. */
static void filter_text(const struct rlist *l, char *buf, size_t size)
{
	const struct review_filter *f = &l->f;
	char mood[16] = "", score[16] = "";
	const struct {
		const char *name, *value;
		int quoted;
	} part[] = {
		{"", f->practice ? _("rehearsals") : "", 0},
		{"agent=", f->agent, 0},
		{"from=", l->from, 0},
		{"to=", l->to, 0},
		{"outcome=", f->outcome, 0},
		{"cause=", f->cause, 0},
		{"playbook=", f->playbook, 0},
		{"mood>=", mood, 0},
		{"search=", f->search, 1},
		{"customer=", f->customer, 1},
		{"ref=", f->ref, 0},
		{"status=", f->status, 0},
		{"reviewed=",
		 !f->reviewed		       ? ""
		 : f->reviewed == REVIEWED_YES ? "yes"
					       : "no",
		 0},
		{"score<", score, 0},
	};
	size_t len = 0;

	if (f->mood_min)
		snprintf(mood, sizeof(mood), "%d", f->mood_min);
	if (f->score_below)
		snprintf(score, sizeof(score), "%d%%", f->score_below);
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++)
		if (part[i].value[0])
			len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
						part[i].quoted ? " %s\"%s\"" : " %s%s",
						part[i].name, part[i].value);
}

/* The row under the page: markers for the calls on other pages. */
static void draw_pages(struct ui *ui, const struct rlist *l, int y)
{
	char buf[256];

	if (!l->newer && !l->more)
		return;
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", l->newer ? (ui->utf8 ? "▲ " : "^ ") : "",
		 l->newer ? _("newer calls (PgUp)") : "", l->newer && l->more ? "  " : "",
		 l->more ? (ui->utf8 ? "▼ " : "v ") : "", l->more ? _("older calls (PgDn)") : "");
	draw_text(ui, y, 1, COLS - 2, 1, ui_attr(ui, R_DIM), buf);
}

/* How many calls match, or the sample drawn with its seed: the header's right end. */
static void count_text(const struct rlist *l, char *count, size_t size)
{
	count[0] = '\0';
	if (l->f.sampled)
		snprintf(count, size,
			 P_("sample of %lld from %lld call (seed %llu)",
			    "sample of %lld from %lld calls (seed %llu)", l->drawn_from),
			 (long long)l->count, (long long)l->drawn_from,
			 (unsigned long long)l->smp.seed);
	else if (l->count >= 0)
		snprintf(count, size, P_("%lld call", "%lld calls", l->count),
			 (long long)l->count);
}

static void list_draw(struct ui *ui, void *ctx)
{
	struct rlist *l = ctx;
	struct list_item *items = calloc(l->n ? l->n : 1, sizeof(*items));
	char *lines = malloc((l->n ? l->n : 1) * 1024);
	char head[1100], filters[1024], count[160];
	struct col c[C_COUNT];
	int cw;
	int fh = draw_footer(ui, -1, 2, list_keys, NLIST_KEYS);

	erase();
	layout(c);
	filter_text(l, filters, sizeof(filters));
	snprintf(head, sizeof(head), _("poise review - %s%s"),
		 filters[0] ? _("filtered:") : _("all calls"), filters);
	count_text(l, count, sizeof(count));
	/* The count stays in sight at the right; a long filter is cut before it. */
	cw = draw_cols(count);
	if (cw > COLS / 2)
		cw = COLS / 2;
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_text(ui, 0, 1, COLS - 4 - cw, 1, ui_attr(ui, R_HEADER), head);
	if (cw > 0)
		draw_text(ui, 0, COLS - 1 - cw, cw, 1, ui_attr(ui, R_HEADER), count);
	head[0] = '\0';
	for (int i = 0; i < C_COUNT; i++)
		cell(head, sizeof(head), c[i].title, c[i].width);
	draw_cut(1, 1, COLS - 2, ui_attr(ui, R_SECTION), head);
	if (items && lines) {
		for (size_t i = 0; i < l->n; i++) {
			format_row(ui, &l->rows[i], c, lines + i * 1024, 1024);
			items[i] = (struct list_item){NULL, lines + i * 1024, NULL, A_NORMAL, 1};
		}
		draw_list(ui, 2, 1, COLS - 2, page_rows(ui), items, l->n, l->sel);
	}
	if (l->n == 0)
		draw_text(ui, 3, 2, COLS - 4, 2, ui_attr(ui, R_DIM),
			  filters[0] ? _("no call matches these filters (F clears them)")
				     : _("no calls logged yet"));
	if (l->error[0] || ui->banner[0])
		draw_banner(ui, LINES - fh - 1, DRAW_BANNER_MOST, l->error[0] ? l->error : ui->banner,
			    l->error[0] || ui->banner_error);
	else
		draw_pages(ui, l, LINES - fh - 1);
	draw_footer(ui, LINES - fh, 2, list_keys, NLIST_KEYS);
	free(items);
	free(lines);
}

/* --- keys ------------------------------------------------------------ */

static int list_move(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;
	struct review_key k;

	if (key == KF(KEY_DOWN) || key == 'j') {
		if (l->sel + 1 < (int)l->n) {
			l->sel++;
		} else if (l->n && l->more) {
			key_of(&l->rows[l->n - 1], &k);
			if (load(ui, l, REVIEW_OLDER, &k, 1) > 0)
				l->sel = 0;
		}
	} else if (l->sel > 0) {
		l->sel--;
	} else if (l->n) {
		key_of(&l->rows[0], &k);
		if (load(ui, l, REVIEW_NEWER, &k, 1) > 0)
			l->sel = (int)l->n - 1;
	}
	return REDRAW;
}

static int list_page(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;
	int older = key == KF(KEY_NPAGE);
	struct review_key k;

	if (l->n && (!older || l->more)) {
		key_of(&l->rows[older ? l->n - 1 : 0], &k);
		if (load(ui, l, older ? REVIEW_OLDER : REVIEW_NEWER, &k, 1) > 0) {
			l->sel = older ? 0 : (int)l->n - 1;
			return REDRAW;
		}
	}
	/* Nothing further that way: go to the end of this page. */
	l->sel = older && l->n ? (int)l->n - 1 : 0;
	return REDRAW;
}

static int list_ends(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;

	if (key == 'g' || key == KF(KEY_HOME)) {
		load(ui, l, REVIEW_OLDER, NULL, 0);
		l->sel = 0;
	} else if (load(ui, l, REVIEW_NEWER, NULL, 1) > 0) {
		l->sel = (int)l->n - 1;
		l->more = 0;
	}
	return REDRAW;
}

static int list_open(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;
	char id[FIELD_CALL_ID_SIZE];

	(void)key;
	if (!l->n)
		return HANDLED;
	snprintf(id, sizeof(id), "%s", l->rows[l->sel].id);
	rv_view_run(ui, id, l->opts);
	return REDRAW;
}

static int list_filter(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;
	struct review_filter f = l->f;
	struct rv_sample smp = l->smp;
	char from[11], to[11];

	(void)key;
	memcpy(from, l->from, sizeof(from));
	memcpy(to, l->to, sizeof(to));
	/* A new sample gets a new seed to offer; the one shown can be typed over. */
	if (!smp.want || !l->f.sampled)
		smp.seed = rv_new_seed();
	if (!rv_filter_form(ui, &f, from, to, &smp))
		return REDRAW;
	l->f = f;
	l->smp = smp;
	memcpy(l->from, from, sizeof(from));
	memcpy(l->to, to, sizeof(to));
	load_sample(ui, l);
	return REDRAW;
}

static int list_search(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;
	char text[sizeof(l->f.search)];

	(void)key;
	if (!ui_edit_line(ui, _("search every typed text (empty stops searching):"), text,
			  sizeof(text), NULL, NULL))
		return REDRAW;
	snprintf(l->f.search, sizeof(l->f.search), "%s", text);
	load_sample(ui, l);
	return REDRAW;
}

static int list_practice(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;

	(void)key;
	l->f.practice = !l->f.practice;
	load_top(ui, l);
	return REDRAW;
}

static int list_clear(struct ui *ui, void *ctx, int key)
{
	struct rlist *l = ctx;
	int practice = l->f.practice; /* a list to show, not a filter */

	(void)key;
	memset(&l->f, 0, sizeof(l->f));
	l->f.practice = practice;
	memset(&l->smp, 0, sizeof(l->smp));
	l->from[0] = l->to[0] = '\0';
	load_top(ui, l);
	return REDRAW;
}

static int list_key(struct ui *ui, void *ctx, int key)
{
	return keymap_key(ui, &list_map, ctx, key);
}

static const struct screen list_screen = {"review", list_draw, list_key, NULL, 0};

/* --- the session ----------------------------------------------------- */

/* The scorecards beside the playbooks are found on the playbook search path. */
static const char *review_env(const char *name)
{
	return getenv(name);
}

int ui_review(const struct review_opts *opts, struct poise_error *err)
{
	static const struct call_opts none;
	struct call_opts copts = none;
	struct rlist *l = calloc(1, sizeof(*l));
	struct ui *ui = calloc(1, sizeof(*ui));
	int rc = 1;

	if (!l || !ui) {
		poise_error_nomem(err);
		goto out;
	}
	if (term_check_err(err) != 0)
		goto out;
	copts.agent = opts->reviewer;
	copts.db = opts->db;
	ui->opts = &copts;
	l->opts = opts;
	/* Read-write: scores and comments are written, and schema 1 is upgraded. */
	if (pbpath_init(&ui->pp, review_env, err) != POISE_OK ||
	    store_open(opts->db, STORE_PATIENT, &ui->st, err) != POISE_OK ||
	    term_start_err(ui, err) != 0)
		goto out;
	if (opts->filter)
		l->f = *opts->filter;
	snprintf(l->from, sizeof(l->from), "%s", opts->since ? opts->since : "");
	snprintf(l->to, sizeof(l->to), "%s", opts->until ? opts->until : "");
	l->f.practice = opts->practice; /* which list, not a filter: after the filters */
	l->smp.want = opts->sample;
	l->smp.seed = opts->seeded ? opts->seed : rv_new_seed();
	load_sample(ui, l);
	ui_push(ui, &list_screen, l);
	ui_run(ui);
	ui_pop(ui);
	term_stop();
	rc = ui->stopping ? 128 + ui->stopping : 0;
out:
	if (ui && ui->st)
		store_close(ui->st);
	if (ui)
		pbpath_free(&ui->pp);
	free(ui);
	free(l);
	return rc;
}
