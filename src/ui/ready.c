/*
 * ready.c - between calls: the ready screen (today's figures, follow-ups
 * due), picking another playbook, and the short breather after a hard call.
 */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/followup.h"
#include "poise/store_ready.h"
#include "ui/review_ready.h"

#define READY_FOLLOWUPS 20
#define PICK_MAX	64
#define BREATHER_MS	30000

struct ready {
	struct ready_figures fig;
	struct ready_followup fu[READY_FOLLOWUPS];
	int nfu;
	int sel;	       /* the selected follow-up, for d */
	char today[11];	       /* the local day the list was read on */
	struct rv_comments cm; /* supervisors' new comments (review_ready.c) */
	int next;	       /* 1 next call, 0 quit */
	struct caller *caller; /* the next caller, filled by the form */
	char error[512];
};

static int ready_next(struct ui *ui, int key);
static int ready_pick(struct ui *ui, int key);
static int ready_quit(struct ui *ui, int key);
static int ready_ack(struct ui *ui, int key);
static int ready_move(struct ui *ui, int key);
static int ready_done(struct ui *ui, int key);

#define READY_KEYS(K)                                                                              \
	K(next, KEYS('\r', '\n', KF(KEY_ENTER), 'c'), "Enter/c", "next call",                      \
	  "the next caller's name and reference, then the call")                                   \
	K(pick, KEYS('p'), "p", "playbook", "pick the playbook for the next call")                 \
	K(ack, KEYS('a'), "a", "read", "mark the supervisor's new comments as read")               \
	K(move, KEYS(KF(KEY_UP), KF(KEY_DOWN), 'k', 'j'), "j/k", "follow-up",                      \
	  "select a follow-up in the list")                                                        \
	K(done, KEYS('d'), "d", "done",                                                            \
	  "close the selected follow-up (as poise followups done ID)")                             \
	K(quit, KEYS('q'), "q", "quit", "quit poise")

#define READY_KEY_ENTRY(name, keys, label, brief, help) {keys, label, brief, help, ready_##name},
static const struct keybind ready_keys[] = {READY_KEYS(READY_KEY_ENTRY)};
#undef READY_KEY_ENTRY
#define NREADY_KEYS (sizeof(ready_keys) / sizeof(ready_keys[0]))

static int collect_fu(void *ctx, const struct ready_followup *f)
{
	struct ready *r = ctx;

	if (r->nfu >= READY_FOLLOWUPS)
		return 1;
	r->fu[r->nfu++] = *f;
	return 0;
}

static void load(struct ui *ui, struct ready *r)
{
	time_t now = time(NULL);
	struct poise_error err;
	char *today = r->today;
	struct tm tm;

	poise_error_clear(&err);
	localtime_r(&now, &tm);
	followup_local_day((int64_t)now * 1000, today);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	r->nfu = 0;
	r->error[0] = '\0';
	r->sel = 0;
	if (store_ready_figures(ui->st, ui->opts->agent, (int64_t)mktime(&tm) * 1000, 0, &r->fig,
				&err) != POISE_OK ||
	    store_ready_followups(ui->st, ui->opts->agent, today, READY_FOLLOWUPS, collect_fu, r,
				  &err) != POISE_OK)
		snprintf(r->error, sizeof(r->error), "%s", err.msg);
	rv_comments_load(ui, &r->cm);
}

static void draw_figures(struct ui *ui, struct ready *r, int *y)
{
	char buf[512], avg[16], calls[WORDS_BUF];
	size_t len;

	words_duration(avg, sizeof(avg), r->fig.closed ? r->fig.handle_ms / r->fig.closed : 0);
	snprintf(buf, sizeof(buf), "Today: %s, average handle time %s",
		 words_count(calls, sizeof(calls), r->fig.calls, "call", "calls"), avg);
	*y += draw_text(ui, *y, 2, COLS - 4, 2, A_BOLD, buf);
	len = (size_t)snprintf(buf, sizeof(buf), "Outcomes:");
	for (int o = 0; o < OUTCOME_COUNT; o++)
		if (r->fig.outcomes[o] && len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "  %s %d",
						outcome_label((enum outcome)o), r->fig.outcomes[o]);
	*y += draw_text(ui, *y, 2, COLS - 4, 2, A_NORMAL, len > 9 ? buf : "Outcomes: none yet");
	if (store_quarantined(ui->st) > 0) {
		snprintf(buf, sizeof(buf),
			 "%zu side log %s could not be saved as %s: kept in %s.quarantine "
			 "(poise doctor)",
			 store_quarantined(ui->st),
			 store_quarantined(ui->st) == 1 ? "entry" : "entries",
			 store_quarantined(ui->st) == 1 ? "it was" : "they were",
			 store_path(ui->st));
		*y += draw_text(ui, *y, 2, COLS - 4, 2, ui_attr(ui, R_WARN), buf);
	}
}

static void ready_draw(struct ui *ui, void *ctx)
{
	struct ready *r = ctx;
	char buf[1024];
	int y = 2, fh = draw_footer(ui, -1, 2, ready_keys, NREADY_KEYS);

	draw_fill(0, ui_attr(ui, R_HEADER));
	snprintf(buf, sizeof(buf), "poise - ready for the next call   agent %s   playbook %s %s",
		 ui->opts->agent, ui->pb->id, ui->pb->version);
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), buf);
	draw_figures(ui, r, &y);
	y++;
	y = rv_comments_draw(ui, &r->cm, y, LINES - fh - 2);
	attron(ui_attr(ui, R_SECTION));
	mvaddnstr(y++, 2, r->nfu ? "Follow-ups due" : "No follow-ups due", COLS - 4);
	attroff(ui_attr(ui, R_SECTION));
	for (int i = 0; i < r->nfu && y < LINES - fh - 2; i++) {
		int overdue = strcmp(r->fu[i].due, r->today) < 0;

		snprintf(buf, sizeof(buf), "%-7s %s  %s  %s  %s", overdue ? "overdue" : "today",
			 r->fu[i].due, r->fu[i].customer[0] ? r->fu[i].customer : "(no name)",
			 r->fu[i].channel, r->fu[i].promise);
		y += draw_text(ui, y, 2, COLS - 4, 1,
			       i == r->sel ? ui_attr(ui, R_SELECTED)
			       : overdue   ? ui_attr(ui, R_WARN)
					   : A_NORMAL,
			       buf);
	}
	if (r->error[0] || ui->banner[0])
		draw_text(ui, LINES - fh - 1, 1, COLS - 2, 1,
			  ui_attr(ui, ui->banner_error || r->error[0] ? R_ERROR : R_WARN),
			  r->error[0] ? r->error : ui->banner);
	draw_footer(ui, LINES - fh, 2, ready_keys, NREADY_KEYS);
}

/* The ready screen is the top of the stack while its keys run. */
static struct ready *top_ready(struct ui *ui)
{
	return ui->ctx[ui->depth - 1];
}

static int ready_next(struct ui *ui, int key)
{
	struct ready *r = top_ready(ui);

	(void)key;
	if (!caller_ask(ui, r->caller))
		return REDRAW; /* Esc: back to the ready screen */
	r->next = 1;
	return QUIT;
}

static int ready_ack(struct ui *ui, int key)
{
	(void)key;
	rv_comments_ack(ui, &top_ready(ui)->cm);
	return REDRAW;
}

static int ready_move(struct ui *ui, int key)
{
	struct ready *r = top_ready(ui);

	if (key == KF(KEY_UP) || key == 'k')
		r->sel -= r->sel > 0;
	else
		r->sel += r->sel + 1 < r->nfu;
	return REDRAW;
}

/* Close the selected follow-up, stored as `poise followups done ID` stores it. */
static int ready_done(struct ui *ui, int key)
{
	struct ready *r = top_ready(ui);
	const struct ready_followup *f;
	struct poise_error err;
	char q[400];
	int64_t done_at = 0;

	(void)key;
	if (r->nfu == 0) {
		ui_set_banner(ui, 0, "no follow-up to close");
		return REDRAW;
	}
	f = &r->fu[r->sel];
	snprintf(q, sizeof(q), "close the follow-up due %s for %.100s (%.160s)? y yes  n no", f->due,
		 f->customer[0] ? f->customer : "(no name)", f->promise[0] ? f->promise : "-");
	if (ui_ask_key(ui, q, "yn", 1) != 'y')
		return REDRAW;
	poise_error_clear(&err);
	if (followup_done(ui->st, f->id, ui_now(), &done_at, &err) != POISE_OK)
		ui_set_banner(ui, 1, "follow-up %lld not closed: %s", (long long)f->id, err.msg);
	else
		ui_set_banner(ui, 0, "follow-up %lld closed (due %s, %s)", (long long)f->id, f->due,
			      f->customer[0] ? f->customer : "no name");
	load(ui, r);
	return REDRAW;
}

static int ready_quit(struct ui *ui, int key)
{
	(void)key;
	top_ready(ui)->next = 0;
	return QUIT;
}

static int ready_key(struct ui *ui, void *ctx, int key)
{
	const struct keybind *kb = keymap_find(ready_keys, NREADY_KEYS, key);

	(void)ctx;
	return kb ? kb->fn(ui, key) | HANDLED : 0;
}

static const struct screen ready_screen = {"ready", ready_draw, ready_key, NULL};

int ready_run(struct ui *ui, struct caller *next_caller)
{
	struct ready *r = calloc(1, sizeof(*r));
	int next;

	if (!r)
		return 0;
	r->caller = next_caller;
	load(ui, r);
	ui_push(ui, &ready_screen, r);
	ui_run(ui);
	ui_pop(ui);
	next = r->next && !ui->stopping;
	free(r);
	return next;
}

/* The playbook picker: every playbook found on the search path. */
struct pick_entry {
	char *path;
	char *label;
	int ok;
};

struct pick {
	struct pick_entry e[PICK_MAX];
	int n, sel, chosen;
};

static int pick_collect(void *ctx, const char *path, const struct playbook *pb,
			const struct poise_error *err)
{
	struct pick *p = ctx;
	char buf[1024];

	if (p->n >= PICK_MAX)
		return 1;
	if (pb)
		snprintf(buf, sizeof(buf), "%-20s %-6s %s  %s%s%s", pb->id, pb->version, pb->title,
			 path[0] == '(' ? "" : "(", path, path[0] == '(' ? "" : ")");
	else
		snprintf(buf, sizeof(buf), "%s: %s", path, err ? err->msg : "does not load");
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
	struct list_item items[PICK_MAX];

	erase();
	draw_fill(0, ui_attr(ui, R_HEADER));
	attron(ui_attr(ui, R_HEADER));
	mvaddnstr(0, 1, "pick a playbook: Up/Down moves, Enter chooses, Esc goes back", COLS - 2);
	attroff(ui_attr(ui, R_HEADER));
	for (int i = 0; i < p->n; i++)
		items[i] = (struct list_item){NULL, p->e[i].label, NULL,
					      p->e[i].ok ? A_NORMAL : ui_attr(ui, R_DIM), 1};
	draw_list(ui, 2, 1, COLS - 2, LINES - 3, items, (size_t)p->n, p->sel);
}

static int pick_key(struct ui *ui, void *ctx, int key)
{
	struct pick *p = ctx;

	(void)ui;
	if (key == KF(KEY_UP) || key == 'k')
		p->sel -= p->sel > 0;
	else if (key == KF(KEY_DOWN) || key == 'j')
		p->sel += p->sel + 1 < p->n;
	else if (key == KEY_ESC || key == 'q')
		return QUIT;
	else if ((key == '\r' || key == '\n' || key == KF(KEY_ENTER)) && p->n && p->e[p->sel].ok)
		return p->chosen = p->sel, QUIT;
	return REDRAW;
}

static const struct screen pick_screen = {"pick", pick_draw, pick_key, NULL};

static int ready_pick(struct ui *ui, int key)
{
	struct pick *p = calloc(1, sizeof(*p));
	struct playbook *pb = NULL;
	struct poise_error err;

	(void)key;
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
			playbook_free(ui->pb);
			ui->pb = pb;
			ui_set_banner(ui, 0, "next call uses %s %s", pb->id, pb->version);
		} else {
			ui_set_banner(ui, 1, "cannot load %s: %s", path, err.msg);
		}
	}
	for (int i = 0; i < p->n; i++)
		free(p->e[i].path), free(p->e[i].label);
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
	attron(ui_attr(ui, R_HEADER));
	mvaddnstr(0, 1, "poise - a short breather", COLS - 2);
	attroff(ui_attr(ui, R_HEADER));
	draw_text(ui, 2, 2, COLS - 4, 3, A_NORMAL,
		  "That was a hard call. Breathe with the bar before the next one.");
	draw_pacer(ui, LINES / 2, 2, COLS - 4, el);
	snprintf(buf, sizeof(buf), "%d s left; any key skips",
		 (int)((BREATHER_MS - el + 999) / 1000));
	attron(ui_attr(ui, R_DIM));
	mvaddnstr(LINES - 1, 1, buf, COLS - 2);
	attroff(ui_attr(ui, R_DIM));
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
					      breather_tick};

void breather_run(struct ui *ui)
{
	int64_t start = ui_now();

	ui->banner[0] = '\0';
	ui_push(ui, &breather_screen, &start);
	ui_run(ui);
	ui_pop(ui);
}
