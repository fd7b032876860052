/*
 * ready.c - between calls: the ready screen (today's figures, follow-ups
 * due), picking another playbook, and the short breather after a hard call.
 */
#include "ui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "poise/day.h"
#include "poise/followup.h"
#include "poise/report.h"
#include "poise/store_ready.h"
#include "poise/store_sync.h"
#include "ui/review_ready.h"

/* The most the ready screen lists; `poise followups` lists every one. */
#define READY_FOLLOWUPS 1000
#define BREATHER_MS	30000

struct ready {
	struct report_figures fig; /* today's, the agent's column of `poise report` */
	struct followup *fu;
	int nfu, cap;
	int more;		 /* more are due than READY_FOLLOWUPS */
	int sel;		 /* the selected follow-up, for d */
	struct list_view view;	 /* figures, comments and follow-ups, scrolled */
	char today[11];		 /* the local day the list was read on */
	struct rv_comments cm;	 /* supervisors' new comments (review_ready.c) */
	struct sync_status sync; /* how the background sync stands (bgsync.c) */
	int next;		 /* 1 next call, 0 quit */
	struct caller *caller;	 /* the next caller, filled by the form */
	char error[512];
};

static key_fn ready_next, ready_pick, ready_ack, ready_move, ready_done;

static const struct keybind ready_keys[] = {
	KB_HELP,
	KB_ROW(ready_next, KEYS('\r', '\n', KF(KEY_ENTER), 'c'), N_("Enter/c"), N_("next call"),
	       N_("the next caller's name and reference, then the call")),
	KB_ONE(ready_pick, 'p', N_("playbook"), N_("pick the playbook for the next call")),
	KB_ONE(ready_ack, 'a', N_("answer"),
	       N_("acknowledge, reply to or dispute a supervisor's comment")),
	KB_ROW(ready_move, KEYS_SCROLL, "j/k", N_("follow-up"),
	       N_("select a follow-up in the list (Up/Down, j/k); PgUp/PgDn scroll a page")),
	KB_ONE(ready_done, 'd', N_("done"),
	       N_("close the selected follow-up (as poise followups done ID)")),
	KB_ONE(key_quit, 'q', N_("quit"), N_("quit poise")),
};
#define NREADY_KEYS (sizeof(ready_keys) / sizeof(ready_keys[0]))
/*
 * While too small, moving and q act; the next call, the playbook, an
 * answer to a comment, closing a follow-up and the help wait (struct keymap).
 */
static key_fn *const ready_unseen[] = {ready_move, key_quit, NULL};
static const struct keymap ready_map = {N_("poise - keys of the ready screen"), ready_keys,
					NREADY_KEYS, BANNER_KEEP, ready_unseen};

static int collect_fu(void *ctx, const struct followup *f)
{
	struct ready *r = ctx;

	if (r->nfu >= READY_FOLLOWUPS) {
		r->more = 1;
		return 1;
	}
	if (r->nfu == r->cap) {
		int cap = r->cap ? 2 * r->cap : 32;
		struct followup *grown = realloc(r->fu, (size_t)cap * sizeof(*grown));

		if (!grown) {
			r->more = 1; /* what did not fit is said, not hidden */
			return 1;
		}
		r->fu = grown;
		r->cap = cap;
	}
	r->fu[r->nfu++] = *f;
	return 0;
}

/*
 * The file of the next call's playbook changed on disk (a trainer saved
 * it): the next call uses the new version, a call in progress keeps its
 * own (ui->call_pb). A file that no longer loads leaves the version in use
 * and says why, once per change. Returns 1 when there is news to draw.
 */
static int take_changed_file(struct ui *ui)
{
	struct playbook *pb = NULL;
	struct poise_error err;
	const char *path = ui->pb ? ui->pb->path : NULL;
	int looked;

	if (ui->in_call || !path || path[0] == '(')
		return 0;
	poise_error_clear(&err);
	looked = pbpath_watch(&ui->pb_file.w, &ui->pp, path, &pb, &err);
	if (looked == 0)
		return 0;
	if (looked < 0) {
		if (err.line > 0)
			ui_set_banner(
				ui, 1,
				_("playbook %s changed on disk but does not load; the next call "
				  "keeps version %s. %s line %d: %s"),
				ui->pb->id, ui->pb->version, path, err.line, err.msg);
		else
			ui_set_banner(
				ui, 1,
				_("playbook %s changed on disk but does not load; the next call "
				  "keeps version %s. %s: %s"),
				ui->pb->id, ui->pb->version, path, err.msg);
		return 1;
	}
	if (!strcmp(pb->hash, ui->pb->hash) || strcmp(pb->id, ui->pb->id)) {
		playbook_free(pb);
		return 0;
	}
	ui_set_banner(ui, 0, _("playbook %s changed on disk: the next call uses version %s"),
		      pb->id, pb->version);
	playbook_free(ui->pb);
	ui->pb = pb;
	return 1;
}

/*
 * A newer version of the playbook for the next call, published on the
 * team server and brought down by sync: the next call uses it (a call in
 * progress kept its own, ui->call_pb). Each published version is taken
 * once: a playbook the agent picks afterwards (p) stays picked.
 */
static void take_published(struct ui *ui)
{
	struct playbook *pb = NULL;
	struct poise_error err;
	char hash[FIELD_HASH_SIZE], version[FIELD_VERSION_MAX + 1], *text = NULL;
	size_t len = 0;

	poise_error_clear(&err);
	if (ui->in_call ||
	    store_sync_published(ui->st, ui->pb->id, hash, version, sizeof(version), &err) !=
		    POISE_OK ||
	    strcmp(hash, ui->pb->hash) == 0 || strcmp(hash, ui->pub_seen) == 0)
		return;
	snprintf(ui->pub_seen, sizeof(ui->pub_seen), "%s", hash);
	if (store_playbook_text(ui->st, hash, &text, &len, &err) != POISE_OK ||
	    playbook_load_text(text, len, "(published)", &pb, &err) != POISE_OK ||
	    strcmp(pb->id, ui->pb->id) != 0) {
		ui_set_banner(ui, 1, _("published playbook %s %s not taken: %s"), ui->pb->id,
			      version, err.msg[0] ? err.msg : _("its id differs"));
		playbook_free(pb);
		free(text);
		return;
	}
	free(text);
	ui_set_banner(ui, 0,
		      _("playbook %s version %s arrived from the server: the next call uses it"),
		      pb->id, pb->version);
	playbook_free(ui->pb);
	ui->pb = pb;
}

/*
 * Today's figures of this agent: the report's own (report_run, the agent's
 * real calls started since midnight), so the ready screen and `poise report
 * --agent NAME --since TODAY` say the same numbers. Repeat contacts are
 * not shown here, so the shortest window is looked back through.
 */
static enum poise_status today_figures(struct ui *ui, int64_t since, int64_t now,
				       struct report_figures *out, struct poise_error *err)
{
	struct report_query q = {.since = since, .agent = ui->opts->agent, .repeat_days = 1,
				 .now = now};
	struct report *rep = NULL;
	enum poise_status ps = report_run(ui->st, &q, &rep, err);

	memset(out, 0, sizeof(*out));
	if (ps == POISE_OK)
		*out = *report_overall(rep);
	report_free(rep);
	return ps;
}

static void load(struct ui *ui, struct ready *r)
{
	time_t now = time(NULL);
	struct poise_error err;
	char *today = r->today;
	struct tm tm;

	poise_error_clear(&err);
	localtime_r(&now, &tm);
	day_format(0, (int64_t)now * 1000, today);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	r->nfu = 0;
	r->more = 0;
	r->error[0] = '\0';
	if (today_figures(ui, (int64_t)mktime(&tm) * 1000, (int64_t)now * 1000, &r->fig, &err) !=
		    POISE_OK ||
	    store_ready_followups(ui->st, ui->opts->agent, today, READY_FOLLOWUPS + 1, collect_fu,
				  r, &err) != POISE_OK)
		snprintf(r->error, sizeof(r->error), "%s", err.msg);
	/* A follow-up closed: the selection stays in its place, on the next one. */
	if (r->sel >= r->nfu)
		r->sel = r->nfu ? r->nfu - 1 : 0;
	r->view.follow = 1;
	rv_comments_load(ui, &r->cm);
	poise_error_clear(&err);
	if (store_sync_status(ui->st, ui->opts->agent, &r->sync, &err) != POISE_OK)
		memset(&r->sync, 0, sizeof(r->sync));
	ui->sync_failed = r->sync.failed_at > r->sync.ok_at;
	take_published(ui);
	take_changed_file(ui);
}

/*
 * Everything under the header is one list, scrolled as the call screen's
 * stage is (draw_list_view, markers above and below): today's figures, the
 * supervisors' new comments, then every follow-up due, the selected one
 * kept in view.
 */
/*
 * The lines besides the follow-ups, at most: the figures (today, outcomes,
 * the side log's quarantine, a gap), the sync (calls left out, a failure),
 * the comments (a heading, RV_COMMENTS, a gap), the follow-ups' heading
 * and their "and more".
 */
#define READY_ITEMS (4 + 2 + (1 + RV_COMMENTS + 1) + 2)
struct ready_lines {
	struct list_item *items;
	char **owned;
	size_t n, nowned;
};

static struct list_item *add(struct ready_lines *l, const char *text, attr_t attr, int selectable)
{
	struct list_item *it = &l->items[l->n++];

	*it = (struct list_item){NULL, text ? text : "", NULL, attr, selectable};
	return it;
}

static const char *own_text(struct ready_lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line made for this draw, freed after it; "" when out of memory. */
static const char *own_text(struct ready_lines *l, const char *fmt, ...)
{
	va_list ap;
	int len;
	char *s;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || !(s = malloc((size_t)len + 1)))
		return "";
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	l->owned[l->nowned++] = s;
	return s;
}

static void add_figures(struct ui *ui, struct ready *r, struct ready_lines *l)
{
	char buf[512], avg[32], calls[WORDS_BUF];
	size_t len, head;

	report_field_text(&r->fig, "handle_avg_s", avg, sizeof(avg));
	words_count_c(calls, sizeof(calls), (long)r->fig.calls, "count", "call", "calls");
	add(l, own_text(l, _("Today: %s, average handle time %s"), calls, avg), A_BOLD, 0);
	len = head = (size_t)snprintf(buf, sizeof(buf), "%s", _("Outcomes:"));
	/* A no-break space (U+00A0) holds each count to its label where the line wraps. */
	for (int o = 0; o < OUTCOME_COUNT; o++)
		if (r->fig.outcomes[o] && len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "  %s%s%lld",
						outcome_label((enum outcome)o),
						ui->utf8 ? "\u00a0" : " ",
						(long long)r->fig.outcomes[o]);
	add(l, own_text(l, "%s", len > head ? buf : _("Outcomes: none yet")), A_NORMAL, 0);
	if (store_quarantined(ui->st) > 0)
		add(l,
		    own_text(l,
			     P_("%zu side log entry could not be saved as it was: kept in "
				"%s.quarantine (poise doctor)",
				"%zu side log entries could not be saved as they were: kept in "
				"%s.quarantine (poise doctor)",
				store_quarantined(ui->st)),
			     store_quarantined(ui->st), store_path(ui->st)),
		    ui_attr(ui, R_WARN), 0);
	add(l, "", A_NORMAL, 0);
}

/*
 * The team server: calls the last sync left out (their rows are not ones
 * poise writes; `poise sync` names the first and says what to do), and,
 * when the last sync failed, what waits and that it is tried again.
 */
static void add_sync(struct ui *ui, struct ready *r, struct ready_lines *l)
{
	char calls[WORDS_BUF];

	if (ui->sync_off)
		return;
	if (r->sync.refused) {
		words_count_c(calls, sizeof(calls), (long)r->sync.refused, "count", "call", "calls");
		/* TRANSLATORS: "1 call not sent: ..."; poise sync is a command, not translated. */
		add(l, own_text(l, _("%s not sent: run poise sync to see why (kept here)"), calls),
		    ui_attr(ui, R_WARN), 0);
	}
	if (r->sync.failed_at <= r->sync.ok_at)
		return;
	words_count_c(calls, sizeof(calls), (long)r->sync.pending, "count", "call", "calls");
	if (r->sync.failed_status == POISE_IO)
		add(l,
		    own_text(l,
			     _("Server unreachable, %s waiting: safe here, sent when it is back"),
			     calls),
		    ui_attr(ui, R_WARN), 0);
	else
		add(l,
		    own_text(l, _("Sync failed (poise sync says why), %s waiting: safe here"),
			     calls),
		    ui_attr(ui, R_WARN), 0);
}

static void add_comments(struct ui *ui, struct ready *r, struct ready_lines *l)
{
	char buf[RV_COMMENT_TEXT];

	if (r->cm.error[0]) {
		add(l, r->cm.error, ui_attr(ui, R_ERROR), 0);
		return;
	}
	if (!r->cm.n)
		return;
	add(l, _("New from your supervisor (a: acknowledge, reply or dispute)"),
	    ui_attr(ui, R_SECTION), 0);
	for (int i = 0; i < r->cm.n; i++) {
		rv_comment_text(&r->cm.r[i], buf, sizeof(buf));
		add(l, own_text(l, "%s", buf), ui_attr(ui, R_PROMPT), 0)->mark = " ";
	}
	add(l, "", A_NORMAL, 0);
}

static void ready_draw(struct ui *ui, void *ctx)
{
	struct ready *r = ctx;
	char buf[1024];
	int fh = draw_footer(ui, -1, 2, ready_keys, NREADY_KEYS), first, bottom;
	size_t cap = READY_ITEMS + (size_t)r->nfu;
	struct ready_lines l = {calloc(cap, sizeof(*l.items)), calloc(cap, sizeof(char *)), 0, 0};

	draw_fill(0, ui_attr(ui, R_HEADER));
	snprintf(buf, sizeof(buf), _("poise - ready for the next call   agent %s   playbook %s %s"),
		 ui->opts->agent, ui->pb->id, ui->pb->version);
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), buf);
	if (!l.items || !l.owned)
		goto out;
	add_figures(ui, r, &l);
	add_sync(ui, r, &l);
	add_comments(ui, r, &l);
	add(&l, r->nfu ? _("Follow-ups due") : _("No follow-ups due"), ui_attr(ui, R_SECTION), 0);
	first = (int)l.n;
	for (int i = 0; i < r->nfu; i++) {
		const struct followup *f = &r->fu[i];
		int overdue = strcmp(f->due, r->today) < 0;
		char when[48], day[64];

		draw_pad(when, sizeof(when), overdue ? _("overdue") : _("today"), 8);
		add(&l,
		    own_text(&l, "%s%s  %s  %s  %s", when, day_locale_day(day, sizeof(day), f->due),
			     f->customer[0] ? f->customer : _("(no name)"), f->channel, f->promise),
		    overdue ? ui_attr(ui, R_WARN) : A_NORMAL, 1);
	}
	if (r->more)
		add(&l,
		    own_text(&l, _("and more: poise followups lists every one (%d shown here)"),
			     READY_FOLLOWUPS),
		    ui_attr(ui, R_DIM), 0);
	r->view.sel = r->nfu ? first + r->sel : -1;
	/* The banner's row and the footer stay clear, and a question asked at the bottom. */
	bottom = LINES - fh - 1;
	if (LINES - ui_overlay_rows(ui) < bottom)
		bottom = LINES - ui_overlay_rows(ui);
	draw_list_view(ui, 2, 1, COLS - 2, bottom - 2, l.items, l.n, &r->view);
	draw_banner(ui, LINES - fh - 1, DRAW_BANNER_MOST, r->error[0] ? r->error : ui->banner,
		    ui->banner_error || r->error[0]);
	draw_footer(ui, LINES - fh, 2, ready_keys, NREADY_KEYS);
out:
	for (size_t i = 0; l.owned && i < l.nowned; i++)
		free(l.owned[i]);
	free(l.owned);
	free(l.items);
}

static int ready_next(struct ui *ui, void *ctx, int key)
{
	struct ready *r = ctx;

	(void)key;
	if (!caller_ask(ui, r->caller))
		return REDRAW; /* Esc: back to the ready screen */
	r->next = 1;
	return QUIT;
}

static int ready_ack(struct ui *ui, void *ctx, int key)
{
	(void)key;
	rv_comments_ack(ui, &((struct ready *)ctx)->cm);
	return REDRAW;
}

/* Up/Down select among the follow-ups, the list scrolling with them; PgUp/PgDn scroll. */
static int ready_move(struct ui *ui, void *ctx, int key)
{
	struct ready *r = ctx;

	(void)ui;
	return list_select_key(&r->view, &r->sel, r->nfu, key);
}

/* Close the selected follow-up, stored as `poise followups done ID` stores it. */
static int ready_done(struct ui *ui, void *ctx, int key)
{
	struct ready *r = ctx;
	const struct followup *f;
	struct poise_error err;
	char q[512], day[64];
	int64_t done_at = 0;

	(void)key;
	if (r->nfu == 0) {
		ui_set_banner(ui, 0, _("no follow-up to close"));
		return REDRAW;
	}
	f = &r->fu[r->sel];
	/* TRANSLATORS: y and n are the keys: keep them as they are. */
	snprintf(q, sizeof(q), _("close the follow-up due %s for %.100s (%.160s)? y yes  n no"),
		 day_locale_day(day, sizeof(day), f->due), f->customer[0] ? f->customer : _("(no name)"),
		 f->promise[0] ? f->promise : "-");
	if (ui_ask_key(ui, q, "yn", 1) != 'y')
		return REDRAW;
	poise_error_clear(&err);
	if (followup_done(ui->st, f->id, ui_now(), &done_at, &err) != POISE_OK)
		ui_set_banner(ui, 1, _("follow-up %lld not closed: %s"), (long long)f->id, err.msg);
	else
		ui_set_banner(ui, 0, _("follow-up %lld closed (due %s, %s)"), (long long)f->id,
			      day_locale_day(day, sizeof(day), f->due),
			      f->customer[0] ? f->customer : _("no name"));
	load(ui, r);
	return REDRAW;
}

static int ready_key(struct ui *ui, void *ctx, int key)
{
	return keymap_key(ui, &ready_map, ctx, key);
}

/*
 * Each tick: a background sync that finished has its reviews, follow-ups
 * and outcome shown; every 2 s, a trainer's save of the playbook file is
 * looked for.
 */
static int ready_tick(struct ui *ui, void *ctx, int64_t now)
{
	int flags = 0;

	if (ui->sync_news) {
		ui->sync_news = 0;
		load(ui, ctx);
		flags = REDRAW;
	}
	if (now - ui->pb_file.checked >= 2000) {
		ui->pb_file.checked = now;
		if (take_changed_file(ui))
			flags = REDRAW;
	}
	return flags;
}

static const struct screen ready_screen = {"ready", ready_draw, ready_key, ready_tick, 0};

int ready_run(struct ui *ui, struct caller *next_caller)
{
	struct ready *r = calloc(1, sizeof(*r));
	int next;

	if (!r)
		return 0;
	r->caller = next_caller;
	bgsync_start(ui); /* the call just closed goes to the server, if there is one */
	r->view.sel = -1;
	load(ui, r);
	ui_push(ui, &ready_screen, r);
	ui->under_view = &r->view; /* scrolled under d's question too */
	ui_run(ui);
	ui->under_view = NULL;
	ui_pop(ui);
	next = r->next && !ui->stopping;
	free(r->fu);
	free(r);
	return next;
}

/* The playbook picker: every playbook found on the search path. */
struct pick_entry {
	char *path;
	char *label;
	int ok;
};

/* Every playbook found, however many: the list grows. */
struct pick {
	struct pick_entry *e;
	struct list_item *items; /* the rows drawn, one per entry */
	int n, cap, sel, chosen;
	const char *why; /* Enter on a file that does not load: what is wrong with it */
};

static int pick_collect(void *ctx, const char *path, const struct playbook *pb,
			const struct poise_error *err)
{
	struct pick *p = ctx;
	char buf[1024];

	if (p->n == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		struct pick_entry *e = realloc(p->e, (size_t)cap * sizeof(*e));
		struct list_item *items = e ? realloc(p->items, (size_t)cap * sizeof(*items)) : NULL;

		if (e)
			p->e = e;
		if (!items)
			return 1; /* out of memory: the ones so far */
		p->items = items;
		p->cap = cap;
	}
	if (pb)
		snprintf(buf, sizeof(buf), "%-20s %-6s %s  %s%s%s", pb->id, pb->version, pb->title,
			 path[0] == '(' ? "" : "(", path, path[0] == '(' ? "" : ")");
	else if (err && err->line > 0)
		snprintf(buf, sizeof(buf), _("%s: does not load: line %d: %s"), path, err->line,
			 err->msg);
	else
		snprintf(buf, sizeof(buf), _("%s: does not load: %s"), path,
			 err ? err->msg : _("unknown error"));
	p->e[p->n].path = strdup(path);
	p->e[p->n].label = strdup(buf);
	p->e[p->n].ok = pb != NULL;
	if (p->e[p->n].path && p->e[p->n].label)
		p->n++;
	return 0;
}

static void pick_draw(struct ui *ui, void *ctx)
{
	struct pick *p = ctx;
	struct list_item *items = p->items;

	erase();
	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_cut(0, 1, COLS - 2, ui_attr(ui, R_HEADER),
		 _("pick a playbook: Up/Down moves, Enter chooses, Esc goes back"));
	for (int i = 0; i < p->n; i++)
		items[i] = (struct list_item){p->e[i].ok ? NULL : _("broken"), p->e[i].label, NULL,
					      p->e[i].ok ? A_NORMAL : ui_attr(ui, R_DIM), 1};
	draw_list(ui, 2, 1, COLS - 2, LINES - (p->why ? 6 : 3), items, (size_t)p->n, p->sel);
	if (p->why)
		draw_text(ui, LINES - 3, 1, COLS - 2, 3, ui_attr(ui, R_ERROR), p->why);
}

static int pick_key(struct ui *ui, void *ctx, int key)
{
	struct pick *p = ctx;

	(void)ui;
	p->why = NULL;
	if (key == KF(KEY_UP) || key == 'k')
		p->sel -= p->sel > 0;
	else if (key == KF(KEY_DOWN) || key == 'j')
		p->sel += p->sel + 1 < p->n;
	else if (key == KEY_ESC || key == 'q')
		return QUIT;
	else if ((key == '\r' || key == '\n' || key == KF(KEY_ENTER)) && p->n && p->e[p->sel].ok)
		return p->chosen = p->sel, QUIT;
	else if ((key == '\r' || key == '\n' || key == KF(KEY_ENTER)) && p->n)
		p->why = p->e[p->sel].label; /* say why it cannot be picked, never nothing */
	return REDRAW;
}

static const struct screen pick_screen = {"pick", pick_draw, pick_key, NULL, 0};

static int ready_pick(struct ui *ui, void *ctx, int key)
{
	struct pick *p = calloc(1, sizeof(*p));
	struct playbook *pb = NULL;
	struct poise_error err;

	(void)ctx, (void)key;
	if (!p)
		return REDRAW;
	p->chosen = -1;
	pbpath_each(&ui->pp, pick_collect, p);
	ui_push(ui, &pick_screen, p);
	ui_run(ui);
	ui_pop(ui);
	poise_error_clear(&err);
	if (p->chosen >= 0) {
		const char *path = p->e[p->chosen].path;

		if ((strcmp(path, PBPATH_BUILTIN) == 0
			     ? playbook_load_default(&pb, &err)
			     : pbpath_load_file(&ui->pp, path, &pb, &err)) == POISE_OK) {
			char version[64];

			playbook_free(ui->pb);
			ui->pb = pb;
			ui_set_banner(ui, 0, _("next call uses %s %s"), pb->id, pb->version);
			/* Picked: a version published before now does not override it. */
			if (store_sync_published(ui->st, pb->id, ui->pub_seen, version,
						 sizeof(version), &err) != POISE_OK)
				ui->pub_seen[0] = '\0';
		} else {
			ui_set_banner(ui, 1, _("cannot load %s: %s"), path, err.msg);
		}
	}
	for (int i = 0; i < p->n; i++)
		free(p->e[i].path), free(p->e[i].label);
	free(p->e);
	free(p->items);
	free(p);
	return REDRAW;
}

/* After a hard call: 30 seconds of the pacer; any key skips. */
static void breather_draw(struct ui *ui, void *ctx)
{
	const int64_t *start = ctx;
	int64_t el = ui_now() - *start;
	char buf[128];

	draw_fill(0, ui_attr(ui, R_HEADER));
	draw_cut(0, 1, COLS - 2, ui_attr(ui, R_HEADER), _("poise - a short breather"));
	draw_text(ui, 2, 2, COLS - 4, 3, A_NORMAL,
		  _("That was a hard call. Breathe with the bar before the next one."));
	draw_pacer(ui, LINES / 2, 2, COLS - 4, el);
	snprintf(buf, sizeof(buf), _("%d s left; any key skips"),
		 (int)((BREATHER_MS - el + 999) / 1000));
	draw_cut(LINES - 1, 1, COLS - 2, ui_attr(ui, R_DIM), buf);
}

static int breather_key(struct ui *ui, void *ctx, int key)
{
	(void)ui, (void)ctx, (void)key;
	return QUIT;
}

static int breather_tick(struct ui *ui, void *ctx, int64_t now)
{
	const int64_t *start = ctx;

	(void)ui;
	return now - *start >= BREATHER_MS ? QUIT : 0;
}

static const struct screen breather_screen = {"breather", breather_draw, breather_key,
					      breather_tick, 0};

void breather_run(struct ui *ui)
{
	int64_t start = ui_now();

	ui->banner[0] = '\0';
	ui_push(ui, &breather_screen, &start);
	ui_run(ui);
	ui_pop(ui);
}
