/*
 * review_view.c - one call, opened from the review list: what happened
 * (figures of the fold, notes, wrap-up, reflection, the playbook it used),
 * the reviews so far, and the timeline with every event's offset; then
 * replay (r), a QA score against the call's scorecard (s, review_score.c)
 * and a coaching comment (c). Per-stage scores of older reviews are shown.
 *
 * The text is built once per change as lines and scrolled; every figure
 * comes from call_apply over the stored events (review_call_load), and the
 * words for each event from the core's timeline_describe, like `poise show`.
 */
#include "ui/review_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/fill.h"
#include "poise/report.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "poise/strbuf.h"
#include "poise/timeline.h"

struct line {
	char *text;
	char *label; /* "    0:12 warning 1": the text wraps under itself after it; NULL: none */
	attr_t attr;
};

struct view {
	struct ui *ui;
	const struct review_opts *opts;
	struct review_call rc;
	struct review mine; /* this session's review: created by the first c */
	struct qa_score qa; /* the reviewer's QA scoring: read back or made by s */
	struct line *lines;
	size_t n, cap;
	struct list_view lv;
};

/*
 * One line from fmt. When it ends with " " and then tail (a note, a warning,
 * a reason: text that may be long), what comes before is its label and the
 * text wraps under itself, not back at the left edge (draw_list_view's mark).
 */
static void add_line(struct view *v, attr_t attr, const char *tail, const char *fmt, va_list ap)
{
	struct strbuf sb = {0};
	char *buf, *label = NULL;
	size_t len, tlen = tail ? strlen(tail) : 0;

	strbuf_vprintf(&sb, fmt, ap); /* whole: a note is never cut */
	if (sb.oom) {
		free(sb.p);
		return;
	}
	buf = sb.p;
	len = strlen(buf);
	/* A label of 3 columns at least: the list indents text 4 at least. */
	if (tail && len > tlen + 3 && !strcmp(buf + len - tlen, tail) &&
	    buf[len - tlen - 1] == ' ') {
		if (!(label = strndup(buf, len - tlen - 1))) {
			free(buf);
			return;
		}
		memmove(buf, buf + len - tlen, tlen + 1);
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 128;
		struct line *n = realloc(v->lines, cap * sizeof(*n));

		if (!n) {
			free(buf);
			free(label);
			return;
		}
		v->lines = n;
		v->cap = cap;
	}
	v->lines[v->n].text = buf;
	v->lines[v->n].label = label;
	v->lines[v->n++].attr = attr;
}

static void add(struct view *v, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct view *v, attr_t attr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(v, attr, NULL, fmt, ap);
	va_end(ap);
}

/* A line that ends with text, which wraps under itself (add_line). */
static void add_text(struct view *v, attr_t attr, const char *text, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_text(struct view *v, attr_t attr, const char *text, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(v, attr, text, fmt, ap);
	va_end(ap);
}

static void clear_lines(struct view *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->lines[i].text);
		free(v->lines[i].label);
	}
	v->n = 0;
}

static int64_t end_of(const struct review_call *rc)
{
	const struct call_state *cs = &rc->state;

	return cs->ended ? cs->ended : cs->interrupted_at ? cs->interrupted_at : cs->last_t;
}

static void section(struct ui *ui, struct view *v, const char *title)
{
	add(v, A_NORMAL, "%s", "");
	add(v, ui_attr(ui, R_SECTION), "%s", title);
}

static void add_summary(struct ui *ui, struct view *v)
{
	const struct review_call *rc = &v->rc;
	const struct call_state *cs = &rc->state;
	int64_t end = end_of(rc);
	char a[32], b[32], c[32], spark[256];

	rv_datetime(a, sizeof(a), rc->meta.started);
	words_duration(b, sizeof(b), call_elapsed_ms(cs, end));
	add(v, A_BOLD, _("%s%s%s  agent %s  started %s  length %s  %s"),
	    rc->meta.customer[0] ? rc->meta.customer : _("(no name)"),
	    rc->meta.ref[0] ? _("  ref ") : "", rc->meta.ref, rc->meta.agent, a, b,
	    rc->meta.status);
	add(v, A_NORMAL, _("call %s"), rc->meta.id);
	add(v, A_NORMAL, _("playbook %s version %s"), rc->meta.playbook_id,
	    rc->meta.playbook_version);
	add(v, ui_attr(ui, R_DIM), "  sha256 %s", rc->meta.playbook_hash);
	rv_sparkline(ui, cs, rc->meta.started, end, COLS > 60 ? 40 : 20, spark, sizeof(spark));
	add(v, A_NORMAL, _("mood %s %s %s  |%s|"),
	    words_mood_mark(a, sizeof(a), rc->meta.mood_start), ui->utf8 ? "→" : "->",
	    words_mood_mark(c, sizeof(c), rc->meta.mood_end), spark);
	words_duration(a, sizeof(a), call_talk_ms(cs, end));
	words_duration(b, sizeof(b), call_hold_ms(cs, end));
	words_duration(c, sizeof(c), call_wrapup_ms(cs, end));
	add(v, A_NORMAL, _("talk %s  hold %s  wrap-up %s"), a, b, c);
}

static void add_stages(struct ui *ui, struct view *v)
{
	const struct call_state *cs = &v->rc.state;
	int64_t end = end_of(&v->rc);
	struct report_figures one; /* the figures `poise report` counts for this call */
	char cl[WORDS_BUF], pct[32];

	section(ui, v, _("Time per stage, checklist"));
	for (int s = 0; s < STAGE_COUNT; s++) {
		size_t n = call_section_len(cs, (enum stage)s, SECTION_CHECKLIST);
		size_t t = call_ticked_count(cs, (enum stage)s);
		char ms[16], title[64];

		words_duration(ms, sizeof(ms), call_stage_ms(cs, (enum stage)s, end));
		add(v, cs->visited & (1u << s) ? A_NORMAL : ui_attr(ui, R_DIM),
		    _("  %s %s  %dx  checklist %s"),
		    draw_pad(title, sizeof(title), stage_title((enum stage)s), 10), ms,
		    cs->stage_visits[s], words_checklist(cl, sizeof(cl), t, n));
	}
	report_call_figures(cs, &one);
	report_field_text(&one, "checklist_pct", pct, sizeof(pct));
	add(v, A_NORMAL, _("  checklist of the stages visited %s (%s)"),
	    words_checklist(cl, sizeof(cl), (size_t)one.checklist_ticked,
			    (size_t)one.checklist_items),
	    pct);
}

/* The fold's entries of kind, each at its time into the call; what was undone is left out. */
static void add_logged(struct view *v, enum event_kind kind)
{
	const struct review_call *rc = &v->rc;
	char *const *warnings = rc->pb->warnings;
	const char *said;
	char at[16];

	for (size_t i = 0; i < rc->state.nlog; i++) {
		const struct call_entry *e = &rc->state.log[i];

		if (e->undone || e->kind != kind)
			continue;
		words_duration(at, sizeof(at), e->t - rc->meta.started);
		if (kind == EV_ESCALATE) {
			said = e->text ? e->text : "";
			add_text(v, A_NORMAL, said, _("    %s escalated: %s"), at, said);
		} else if (e->a >= 1 && e->a <= PLAYBOOK_WARNINGS) {
			/* a warning logged without its words: the playbook's, filled as show fills them */
			char *filled = e->text || !warnings[e->a - 1]
					       ? NULL
					       : fill_text(warnings[e->a - 1], rc->meta.customer,
							   rc->meta.agent);

			said = e->text ? e->text : filled ? filled : warnings[e->a - 1] ? warnings[e->a - 1] : "";
			add_text(v, A_NORMAL, said, _("    %s warning %d: %s"), at, e->a, said);
			free(filled);
		}
	}
}

static void add_events_of(struct ui *ui, struct view *v)
{
	const struct review_call *rc = &v->rc;
	const struct call_state *cs = &rc->state;
	char a[16], b[16], n1[WORDS_BUF], n2[WORDS_BUF];

	section(ui, v, _("Holds, escalations, boundary"));
	words_duration(a, sizeof(a), call_hold_ms(cs, end_of(rc)));
	words_duration(b, sizeof(b), cs->hold_longest_ms);
	add(v, A_NORMAL, _("  %s, %s in all, longest %s"),
	    words_count_c(n1, sizeof(n1), cs->holds, "count", "hold", "holds"), a, b);
	add(v, A_NORMAL, "  %s, %s",
	    words_count(n1, sizeof(n1), cs->escalations, "escalation", "escalations"),
	    words_count(n2, sizeof(n2), cs->manager_asks, "manager request", "manager requests"));
	add_logged(v, EV_ESCALATE);
	add(v, cs->warnings ? ui_attr(ui, R_WARN) : A_NORMAL, "  %s",
	    words_count(n1, sizeof(n1), cs->warnings, "boundary warning", "boundary warnings"));
	add_logged(v, EV_WARNING);
}

static void add_wrapup(struct ui *ui, struct view *v)
{
	const struct call_state *cs = &v->rc.state;
	const struct pb_cause *cause = cs->cause ? playbook_cause(v->rc.pb, cs->cause) : NULL;
	const char *f0, *f1, *f2;
	int n0, n1, n2;
	char at[16];

	section(ui, v, _("Notes"));
	for (size_t i = 0; i < cs->nnotes; i++) {
		words_duration(at, sizeof(at), cs->notes[i].t - v->rc.meta.started);
		add_text(v, A_NORMAL, cs->notes[i].text, "  %s %s", at, cs->notes[i].text);
	}
	if (!cs->nnotes)
		add(v, ui_attr(ui, R_DIM), _("  none"));
	section(ui, v, _("Wrap-up"));
	add(v, A_NORMAL, _("  outcome %s   cause %s"),
	    cs->outcome == OUTCOME_NONE ? "-" : outcome_label(cs->outcome),
	    cause	? cause->label
	    : cs->cause ? cs->cause
			: "-");
	f0 = event_field(cs->followup, 0, &n0);
	f1 = event_field(cs->followup, 1, &n1);
	f2 = event_field(cs->followup, 2, &n2);
	if (cs->followup)
		add(v, A_NORMAL, _("  follow-up %.*s %.*s: %.*s"), n0, n0 ? f0 : _("(no date)"), n1,
		    f1, n2, f2);
	f0 = event_field(cs->reflection, 0, &n0);
	f1 = event_field(cs->reflection, 1, &n1);
	section(ui, v, _("Reflection"));
	add(v, A_NORMAL, _("  went well: %.*s"), n0 ? n0 : 1, n0 ? f0 : "-");
	add(v, A_NORMAL, _("  to improve: %.*s"), n1 ? n1 : 1, n1 ? f1 : "-");
}

/* The agent's answer to a review, under it. */
static int add_reply(void *ctx, const struct review_reply *rp)
{
	struct view *v = ctx;
	char at[32];

	rv_datetime(at, sizeof(at), rp->created_at);
	add_text(v, rp->kind == REPLY_DISPUTE ? ui_attr(v->ui, R_WARN) : A_NORMAL, rp->text,
		 "    %s %s %s%s%s", at, rp->agent, reply_kind_verb(rp->kind),
		 rp->text[0] ? ": " : "", rp->text);
	return 0;
}

static int add_review(void *ctx, const struct review *r)
{
	struct view *v = ctx;
	struct ui *ui = v->ui;
	char at[32], scores[256] = "";
	size_t len = 0;

	rv_datetime(at, sizeof(at), r->created_at);
	for (int s = 0; s < STAGE_COUNT; s++)
		if (r->scores[s] && len < sizeof(scores))
			len += (size_t)snprintf(scores + len, sizeof(scores) - len, " %s %d",
						stage_key((enum stage)s), r->scores[s]);
	add(v, A_BOLD, "  %s by %s%s", at, r->reviewer, r->acked_at ? "" : _("  (not yet read)"));
	if (scores[0])
		add(v, A_NORMAL, _("    scores:%s"), scores);
	if (r->comment[0])
		add_text(v, ui_attr(ui, R_PROMPT), r->comment, "    %s", r->comment);
	store_reply_each(ui->st, r->id, add_reply, v, NULL);
	return 0;
}

static int add_qa(void *ctx, const struct qa_score *q)
{
	struct view *v = ctx;
	char head[512], body[4096];

	rv_score_describe(q, head, sizeof(head), body, sizeof(body));
	add(v, A_BOLD, "  %s", head);
	if (body[0])
		add_text(v, A_NORMAL, body, "    %s", body);
	return 0;
}

static void add_timeline(struct ui *ui, struct view *v)
{
	const struct review_call *rc = &v->rc;
	struct call_state cs;
	char at[16], *what;

	section(ui, v, _("Timeline"));
	if (call_init(&cs, rc->pb) != POISE_OK)
		return;
	for (size_t i = 0; i < rc->nevents; i++) {
		const struct event *e = &rc->events[i];

		what = timeline_describe(&cs, &rc->meta, e);
		call_apply(&cs, e);
		words_duration(at, sizeof(at), e->t - rc->meta.started);
		add_text(v, A_NORMAL, what ? what : _("out of memory"), "  %s  %s", at,
			 what ? what : _("out of memory"));
		free(what);
	}
	call_free(&cs);
}

static void build(struct ui *ui, struct view *v)
{
	struct poise_error err;

	clear_lines(v);
	add_summary(ui, v);
	add_stages(ui, v);
	add_events_of(ui, v);
	add_wrapup(ui, v);
	section(ui, v, _("Reviews"));
	poise_error_clear(&err);
	if (review_each(ui->st, v->rc.meta.id, add_review, v, &err) != POISE_OK)
		add(v, ui_attr(ui, R_ERROR), "  %s", err.msg);
	section(ui, v, _("QA scores"));
	if (store_score_each(ui->st, v->rc.meta.id, add_qa, v, &err) != POISE_OK)
		add(v, ui_attr(ui, R_ERROR), "  %s", err.msg);
	add_timeline(ui, v);
}

static key_fn view_scroll, view_replay, view_score, view_comment;

static const struct keybind view_keys[] = {
	KB_HELP,
	KB_ROW(view_scroll, KEYS_SCROLL, "j/k", N_("scroll"),
	       N_("scroll a line (Down/Up, j/k) or a page (PgDn/PgUp)")),
	KB_ROW(view_scroll, KEYS('g', KF(KEY_HOME), 'G', KF(KEY_END), ' '), "g/G", N_("top/end"),
	       N_("the top (g, Home) or the end (G, End); Space pages down")),
	KB_ONE(view_replay, 'r', N_("replay"),
	       N_("replay the call step by step as the agent saw it")),
	KB_ONE(view_score, 's', N_("score"),
	       N_("score the call on its QA scorecard (Enter keeps, - N/A, Esc stops)")),
	KB_ONE(view_comment, 'c', N_("comment"), N_("write a coaching comment for the agent")),
	KB_ROW(key_quit, KEYS('q', KEY_ESC), "q", N_("back"), N_("back to the list (q or Esc)")),
};
#define NVIEW_KEYS (sizeof(view_keys) / sizeof(view_keys[0]))
/* While too small, scrolling and q act; replay, score, comment and help wait (struct keymap). */
static key_fn *const view_unseen[] = {view_scroll, key_quit, NULL};
static const struct keymap view_map = {N_("poise review - keys of a call"), view_keys, NVIEW_KEYS,
				       BANNER_NOTE, view_unseen};

static void view_draw(struct ui *ui, void *ctx)
{
	struct view *v = ctx;
	int fh = draw_footer(ui, -1, 2, view_keys, NVIEW_KEYS);
	struct list_item *items = calloc(v->n ? v->n : 1, sizeof(*items));
	char title[256], rows[WORDS_BUF];

	erase();
	for (size_t i = 0; items && i < v->n; i++)
		items[i] = (struct list_item){v->lines[i].label, v->lines[i].text, NULL,
					      v->lines[i].attr, 0};
	/* The body ends above the banner's row, so the footer and banner never cover it. */
	if (items)
		draw_list_view(ui, 1, 1, COLS - 2, LINES - 2 - fh, items, v->n, &v->lv);
	free(items);
	snprintf(title, sizeof(title), _("poise review - call %.*s  %s"), CALL_ID_SHORT,
		 v->rc.meta.id, words_count(rows, sizeof(rows), v->lv.rows, "line", "lines"));
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), title);
	draw_banner(ui, LINES - fh - 1, DRAW_BANNER_MOST, ui->banner, ui->banner_error);
	draw_footer(ui, LINES - fh, 2, view_keys, NVIEW_KEYS);
}

static int view_scroll(struct ui *ui, void *ctx, int key)
{
	struct view *v = ctx;

	(void)ui;
	return list_view_key(&v->lv, key);
}

static int view_replay(struct ui *ui, void *ctx, int key)
{
	struct view *v = ctx;

	(void)key;
	rv_replay_run(ui, &v->rc);
	return REDRAW;
}

/* Save this session's review and show it in the Reviews section. */
static void save(struct ui *ui, struct view *v, const char *what)
{
	struct poise_error err;
	int top = v->lv.top;

	poise_error_clear(&err);
	if (!v->mine.id) {
		snprintf(v->mine.call_id, sizeof(v->mine.call_id), "%s", v->rc.meta.id);
		snprintf(v->mine.reviewer, sizeof(v->mine.reviewer), "%s", v->opts->reviewer);
		v->mine.created_at = ui_now();
	}
	v->mine.updated_at = ui_now();
	if (review_save(ui->st, &v->mine, &err) != POISE_OK) {
		ui_set_banner(ui, 1, _("%s not saved: %s"), what, err.msg);
		return;
	}
	ui_set_banner(ui, 0, _("%s saved as %s; %s will see it on the ready screen"), what,
		      v->mine.reviewer, v->rc.meta.agent);
	build(ui, v);
	v->lv.top = top;
}

static int view_score(struct ui *ui, void *ctx, int key)
{
	struct view *v = ctx;
	int top = v->lv.top;

	(void)key;
	if (rv_score_run(ui, &v->rc, v->opts->reviewer, &v->qa)) {
		build(ui, v);
		v->lv.top = top;
	}
	return REDRAW;
}

static int view_comment(struct ui *ui, void *ctx, int key)
{
	struct view *v = ctx;
	char text[REVIEW_COMMENT_MAX + 1];

	(void)key;
	if (!ui_edit_text(ui, _("comment for the agent (Enter saves, Esc cancels):"), LIMIT_COMMENT,
			  text, sizeof(text), NULL, NULL) ||
	    !text[0])
		return REDRAW;
	snprintf(v->mine.comment, sizeof(v->mine.comment), "%s", text);
	save(ui, v, _("comment"));
	return REDRAW;
}

static int view_key(struct ui *ui, void *ctx, int key)
{
	return keymap_key(ui, &view_map, ctx, key);
}

static const struct screen view_screen = {"review-call", view_draw, view_key, NULL, 0};

void rv_view_run(struct ui *ui, const char *call_id, const struct review_opts *opts)
{
	struct view *v = calloc(1, sizeof(*v));
	struct poise_error err;

	if (!v) {
		ui_set_banner(ui, 1, _("cannot open the call: out of memory"));
		return;
	}
	v->ui = ui;
	v->opts = opts;
	v->lv.sel = -1;
	poise_error_clear(&err);
	ui->banner[0] = '\0';
	ui->banner_error = 0;
	if (review_call_load(ui->st, call_id, &v->rc, &err) != POISE_OK) {
		ui_set_banner(ui, 1, _("cannot open call %.*s: %s"), CALL_ID_SHORT, call_id,
			      err.msg);
		goto out;
	}
	build(ui, v);
	ui_push(ui, &view_screen, v);
	ui_run(ui);
	ui_pop(ui);
	ui->banner[0] = '\0';
	ui->banner_error = 0;
out:
	clear_lines(v);
	free(v->lines);
	review_call_free(&v->rc);
	free(v);
}
