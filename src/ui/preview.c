/*
 * preview.c - `poise preview PLAYBOOK`: a playbook's stages walked on the
 * call screen itself, with no database, for a trainer's edit-and-look loop.
 *
 * The walk is a call that is never written: its events go through the same
 * live path (live_record with no store: checked and folded, nothing
 * stored), the screen is the call screen (calllayout.c, callscreen.c, with
 * PREVIEW in its header and the keys that only make a log left out), and
 * no database is opened or made. When the file changes on disk (the one
 * watcher the ready screen uses, pbpath_watch), the new version is folded
 * again from the walk so far and drawn in place: the stages gone through,
 * the mood, the warnings, and the marks of lines whose text did not change.
 * A save that does not load shows every error of the file, as lint writes
 * them (file:line:col: message), until a save that loads.
 */
#include "ui/callscreen.h"
#include "poise/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "poise/pbcheck.h"

#define PREVIEW_LOOK_MS 500

struct preview {
	char *path; /* the file watched (a copy); NULL: the built-in playbook, never changes */
	struct pbpath_watch w;
	int64_t looked;
	struct poise_error *errs; /* while the file does not load: every error of it */
	size_t nerrs;
	struct list_view view; /* the errors, scrolled */
	struct callscr call;   /* the call screen's view of the walk */
};

static const char *env(const char *name)
{
	return getenv(name);
}

static void count_warning(void *ctx, struct pb_pos at, const char *msg)
{
	(void)at, (void)msg;
	(*(size_t *)ctx)++;
}

/* The line of an item in a playbook; NULL when it has no such line. */
static const char *item_text(const struct playbook *pb, int stage, int section, int index)
{
	const struct strlist *sl;

	if (stage < 0 || stage >= STAGE_COUNT || section < 0 || section >= SECTION_COUNT ||
	    index < 0)
		return NULL;
	sl = &pb->stages[stage].section[section];
	return (size_t)index < sl->len ? sl->items[index] : NULL;
}

/* A mark of a line (SAID, SKIP, CHECK) is kept only when the line reads the same. */
static int same_line(const struct playbook *old, const struct playbook *pb,
		     const struct call_entry *e)
{
	int section = e->a, index = e->b;
	const char *a, *b;

	if (e->kind == EV_CHECK) {
		section = SECTION_CHECKLIST;
		index = e->a;
	} else if (e->kind != EV_SAID && e->kind != EV_SKIP) {
		return 1;
	}
	a = item_text(old, e->in_stage, section, index);
	b = item_text(pb, e->in_stage, section, index);
	return a && b && !strcmp(a, b);
}

/*
 * The walk so far folded again under pb: every event kept but the undone
 * ones and their UNDOs, the prompts (the rules fire again under the new
 * version) and the marks of lines that changed. The stage stays, as every
 * playbook has the eight. 0, or -1 (out of memory) with nothing changed.
 */
static int refold(struct ui *ui, const struct playbook *pb)
{
	struct call_state cs;

	if (call_init(&cs, pb) != POISE_OK)
		return -1;
	for (size_t i = 0; i < ui->cs.nlog; i++) {
		const struct call_entry *e = &ui->cs.log[i];
		struct event ev;

		if (e->undone || e->kind == EV_UNDO || e->kind == EV_PROMPT ||
		    !same_line(ui->call_pb, pb, e))
			continue;
		ev = call_entry_event(e);
		ev.seq = 0; /* numbered again in the order folded */
		if (ev.kind == EV_START)
			ev.text = pb->hash;
		if (call_check(&cs, &ev) == POISE_OK && call_apply(&cs, &ev) != POISE_OK) {
			call_free(&cs);
			return -1;
		}
	}
	call_free(&ui->cs);
	ui->cs = cs;
	return 0;
}

/* A walk from the start: calm, no mark. */
static int start_walk(struct ui *ui)
{
	struct event ev = {.kind = EV_START, .stage = STAGE_CALM};

	if (call_init(&ui->cs, ui->pb) != POISE_OK)
		return -1;
	ui->call_pb = ui->pb;
	ui->in_call = 1;
	ev.text = ui->pb->hash;
	return ui_record(ui, &ev);
}

static void clear_errors(struct preview *p)
{
	free(p->errs);
	p->errs = NULL;
	p->nerrs = 0;
}

/* A new version that loads: drawn in place, the walk so far kept. */
static void take(struct ui *ui, struct preview *p, struct playbook *pb)
{
	char when[16], n[WORDS_BUF];
	time_t now = time(NULL);
	struct tm tm;
	size_t warnings = 0;

	clear_errors(p);
	if (ui->pb && !strcmp(pb->hash, ui->pb->hash)) {
		playbook_free(pb); /* saved again as it was: nothing to fold */
		return;
	}
	if (ui->in_call && refold(ui, pb) != 0) {
		ui_set_banner(ui, 1, _("the new version could not be shown: out of memory"));
		playbook_free(pb);
		return;
	}
	playbook_free(ui->pb);
	ui->pb = ui->call_pb = pb;
	if (!ui->in_call && start_walk(ui) != 0) {
		ui->in_call = 0;
		return;
	}
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	pbcheck_run(pb, count_warning, &warnings);
	words_count(n, sizeof(n), (long)warnings, "lint warning", "lint warnings");
	ui_set_banner(ui, 0, _("reloaded at %s: %s version %s%s%s"), when, pb->id, pb->version,
		      warnings ? "; " : "", warnings ? n : "");
}

/* A save that does not load: every error of the file, in place of the walk. */
static void broken(struct preview *p, const struct poise_error *err)
{
	struct poise_error *all = NULL;
	size_t n = 0;

	clear_errors(p);
	if (pbpath_errors(p->path, err, &all, &n, NULL) != POISE_OK || !n) {
		free(all);
		if (!(all = malloc(sizeof(*all))))
			return;
		*all = *err;
		n = 1;
	}
	p->errs = all;
	p->nerrs = n;
	p->view.top = 0;
}

static int look(struct ui *ui, struct preview *p)
{
	struct playbook *pb = NULL;
	struct poise_error err;
	int got;

	poise_error_clear(&err);
	got = pbpath_watch(&p->w, &ui->pp, p->path, &pb, &err);
	if (got > 0)
		take(ui, p, pb);
	else if (got < 0)
		broken(p, &err);
	return got ? REDRAW : 0;
}

static void draw_broken(struct ui *ui, struct preview *p)
{
	struct list_build b = {0};
	char head[400];

	draw_fill(0, ui_attr(ui, R_ERROR));
	snprintf(head, sizeof(head), _("PREVIEW  %s does not load"), p->path);
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_ERROR), head);
	draw_text(ui, 1, 1, COLS - 2, 2, A_NORMAL,
		  _("Fix the file and save it: the preview reloads by itself."));
	for (size_t i = 0; i < p->nerrs; i++) {
		const struct poise_error *e = &p->errs[i];
		size_t len = strlen(e->file) + strlen(e->msg) + 64;
		char *line = malloc(len);

		if (line && e->line > 0)
			snprintf(line, len, "%s:%d:%d: %s", e->file, e->line, e->col, e->msg);
		else if (line)
			snprintf(line, len, "%s: %s", e->file[0] ? e->file : p->path,
				 e->msg[0] ? e->msg : poise_status_str(e->status));
		list_add(&b, NULL, list_own(&b, line), A_NORMAL, 0);
	}
	list_build_draw(ui, 3, 1, COLS - 2, LINES - 4, &b, &p->view);
	list_build_free(&b);
	draw_text(ui, LINES - 1, 1, COLS - 2, 1, ui_attr(ui, R_DIM),
		  _("q quit  j/k PgUp/PgDn scroll the errors"));
}

static void preview_draw(struct ui *ui, void *ctx)
{
	struct preview *p = ctx;

	if (p->nerrs || !ui->in_call)
		draw_broken(ui, p);
	else
		call_screen.draw(ui, &p->call);
}

static int preview_key(struct ui *ui, void *ctx, int key)
{
	struct preview *p = ctx;

	if (p->nerrs || !ui->in_call)
		return key == 'q' ? QUIT : list_view_key(&p->view, key) | HANDLED;
	return call_screen.key(ui, &p->call, key);
}

static int preview_tick(struct ui *ui, void *ctx, int64_t now)
{
	struct preview *p = ctx;

	if (!p->path || now - p->looked < PREVIEW_LOOK_MS)
		return 0;
	p->looked = now;
	return look(ui, p);
}

static const struct screen preview_screen = {"preview", preview_draw, preview_key,
					     preview_tick, 0};

/*
 * The playbook: a name on the search path or a file. A file that exists
 * but does not load is previewed all the same: its errors are shown until
 * it is fixed. Anything else (no such playbook) is refused before the
 * screen starts.
 */
static int open_playbook(struct ui *ui, struct preview *p, struct poise_error *err)
{
	const char *name = ui->opts->playbook;
	struct stat sb;

	if (pbpath_init(&ui->pp, env, err) != POISE_OK)
		return -1;
	if (pbpath_resolve(&ui->pp, name, &ui->pb, err) == POISE_OK) {
		if (ui->pb->path && ui->pb->path[0] != '(' && !(p->path = strdup(ui->pb->path)))
			return poise_error_nomem(err), -1;
		return 0;
	}
	if (!name || stat(name, &sb) != 0 || !S_ISREG(sb.st_mode))
		return -1;
	if (!(p->path = strdup(name)))
		return poise_error_nomem(err), -1;
	broken(p, err);
	poise_error_clear(err);
	return 0;
}

int ui_preview(const struct call_opts *opts, struct poise_error *err)
{
	struct preview p = {0};
	struct ui *ui;
	int rc = 1;

	ui = calloc(1, sizeof(*ui));
	if (!ui) {
		poise_error_nomem(err);
		return 1;
	}
	ui->opts = opts;
	ui->preview = 1;
	ui->sync_off = 1;
	snprintf(ui->meta.customer, sizeof(ui->meta.customer), "%s",
		 opts->customer ? opts->customer : "");
	snprintf(ui->meta.agent, sizeof(ui->meta.agent), "%s", opts->agent ? opts->agent : "");
	p.view.sel = -1;
	/* A playbook that is not there is said first: a terminal cannot help it. */
	if (open_playbook(ui, &p, err) != 0 || term_check_err(err) != 0)
		goto out;
	if (ui->pb && start_walk(ui) != 0) {
		poise_error_nomem(err);
		goto out;
	}
	/* The file as it is now is the one shown: only a later save is news. */
	if (p.path) {
		struct playbook *same = NULL;
		struct poise_error ignored;

		pbpath_watch(&p.w, &ui->pp, p.path, &same, &ignored);
		playbook_free(same);
	}
	if (term_start_err(ui, err) != 0)
		goto out;
	ui_push(ui, &preview_screen, &p);
	ui_run(ui);
	ui_pop(ui);
	term_stop();
	rc = ui->stopping ? 128 + ui->stopping : 0;
out:
	clear_errors(&p);
	free(p.path);
	if (ui->in_call)
		call_free(&ui->cs);
	playbook_free(ui->pb);
	pbpath_free(&ui->pp);
	free(ui);
	return rc;
}
