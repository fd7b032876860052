/*
 * loop.c - the screen stack, the one main loop and recording events.
 *
 * The loop waits for a key at most UI_TICK_MS, so timers tick, coaching
 * prompts fire and the side log is retried without a key press. Handlers
 * return flags; only this loop redraws.
 */
#include "ui/app.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/live.h"
#include "poise/rules.h"
#include "poise/text.h"
#include "poise/timeline.h"

void ui_push(struct ui *ui, const struct screen *scr, void *ctx)
{
	if (ui->depth >= UI_STACK_MAX)
		return;
	ui->stack[ui->depth] = scr;
	ui->ctx[ui->depth] = ctx;
	ui->depth++;
}

void ui_pop(struct ui *ui)
{
	if (ui->depth > 0)
		ui->depth--;
}

void ui_set_banner(struct ui *ui, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->banner, sizeof(ui->banner), fmt, ap);
	va_end(ap);
	ui->banner_error = error;
}

int ui_too_small(void)
{
	return COLS < UI_MIN_W || LINES < UI_MIN_H;
}

int ui_wait_larger(struct ui *ui, const char *what)
{
	snprintf(ui->waiting, sizeof(ui->waiting), "%s", what);
	return REDRAW | HANDLED;
}

int ui_compact(void)
{
	return COLS < UI_FULL_W || LINES < UI_FULL_H;
}

/*
 * Only what a draw touches is compared and sent by refresh(); erase()
 * touches every line. A screen drawn at every key and every second (the
 * call screen) keeps its frame: when it is the only screen, the loop leaves
 * the last frame on screen and the screen redraws only what changed.
 */
int ui_frame_left(const struct ui *ui)
{
	return ui->depth == 1 && ui->stack[0]->keeps_frame && !ui_too_small();
}

static void redraw(struct ui *ui)
{
	ui->cur_y = ui->cur_x = -1;
	ui->frames++;
	if (!ui_frame_left(ui))
		erase();
	if (ui_too_small()) {
		draw_too_small(ui->waiting);
	} else {
		for (int i = 0; i < ui->depth; i++)
			ui->stack[i]->draw(ui, ui->ctx[i]);
	}
	if (ui->cur_y >= 0) {
		move(ui->cur_y, ui->cur_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}

void ui_event_words(const struct ui *ui, const struct event *ev, char *buf, size_t size)
{
	char *words = timeline_describe(&ui->cs, &ui->meta, ev);
	const char *s = words ? words : event_kind_key(ev->kind);
	size_t n = text_cut(s, size - sizeof("…"));

	snprintf(buf, size, "%.*s%s", (int)n, s, s[n] ? "…" : "");
	free(words);
}

/*
 * Why an event was not saved, and what the agent can do with the call still
 * open: the store's own advice (pass --db PATH, try again) is for commands.
 */
static const struct {
	enum poise_status status;
	const char *why, *todo;
} unsaved[] = {
	{POISE_DB_FULL, N_("the disk is full"), N_("free some space, then press the key again")},
	{POISE_DB_LIMIT, N_("the database reached the file size limit (ulimit -f)"),
	 N_("press Ctrl-C, raise the limit and start poise again: it offers this call to resume")},
	{POISE_DB_READONLY, N_("the database became read-only"),
	 N_("make it writable, then press the key again")},
};

/*
 * The database's other failures say the status alone (the store's message
 * advises --db PATH); an event refused before the database (too long, out
 * of memory) says the store's message, which is about the event.
 */
static void banner_unsaved(struct ui *ui, const struct event *ev, enum poise_status s,
			   const struct poise_error *err)
{
	int db = s == POISE_IO || s == POISE_DB || s == POISE_DB_BUSY || s == POISE_DB_NOT_POISE;
	const char *why = db || !err->msg[0] ? poise_status_str(s) : err->msg,
		   *todo = N_("press the key again; if it fails again, press Ctrl-C and start "
			      "poise again: it offers this call to resume");
	char what[96];

	for (size_t i = 0; i < sizeof(unsaved) / sizeof(unsaved[0]); i++)
		if (unsaved[i].status == s) {
			why = _(unsaved[i].why);
			todo = unsaved[i].todo;
			db = 1;
		}
	ui_event_words(ui, ev, what, sizeof(what));
	if (!db)
		ui_set_banner(ui, 1, _("NOT SAVED: %s — %s"), what, why);
	else
		ui_set_banner(
			ui, 1,
			/* TRANSLATORS: what ("mood 2 uneasy"), why, what to do, the database. */
			_("NOT SAVED: %s — %s. Everything before it is saved and the call "
			  "stays open: %s (database %s)"),
			what, why, _(todo), ui->st ? store_path(ui->st) : "");
}

/*
 * Record ev for the open call through the core's one live path
 * (live_record: checked, stored, then folded into the state the screen
 * shows; a closing event keeps the call's figures). When the store
 * refuses, nothing is applied and the agent is told what failed; what was
 * saved before stays saved.
 */
int ui_record(struct ui *ui, struct event *ev)
{
	struct poise_error err;
	struct live_done done;
	enum poise_status s;

	if (!ui->in_call)
		return -1;
	if (!ev->t)
		ev->t = ui_now();
	if (ev->t < ui->cs.last_t)
		ev->t = ui->cs.last_t; /* the wall clock stepped back: keep events ordered */
	poise_error_clear(&err);
	s = live_record(ui->st, ui->meta.id, &ui->cs, ev, &done, &err);
	if (s == POISE_STATE) {
		char what[96];

		ui_event_words(ui, ev, what, sizeof(what));
		ui_set_banner(ui, 0, _("%s: not possible now"), what);
		return -1;
	}
	if (s != POISE_OK && !done.stored) {
		banner_unsaved(ui, ev, s, &err);
		return -1;
	}
	if (ui->opts->stored && done.stored) /* never waits: team_stream_note */
		ui->opts->stored(ui->opts->stored_ctx, ui->meta.id);
	if (s != POISE_OK) {
		char what[96];

		ui_event_words(ui, ev, what, sizeof(what));
		ui_set_banner(ui, 1, _("%s: saved but could not be shown; restart poise to resume"),
			      what);
		return -1;
	}
	/* A prompt is the clock's doing, not the agent's: it leaves their banner. */
	if (ev->kind != EV_PROMPT && (ui->banner_error || !done.deferred))
		ui->banner[0] = '\0';
	/* In a rehearsal the customer answers what the agent did (not the clock's prompts). */
	if (ui->rh && ev->kind != EV_PROMPT)
		rehearse_react(ui, ev, ev->t);
	return 0;
}

static int tick(struct ui *ui, int64_t now)
{
	int flags = 0;

	if (bgsync_poll(ui, now))
		ui->sync_news = 1;
	flags = ui_call_tick(ui, now);
	if (now / 1000 != ui->last_sec) {
		ui->last_sec = now / 1000;
		flags |= REDRAW;
	}
	return flags;
}

int ui_call_tick(struct ui *ui, int64_t now)
{
	int flags = 0;

	/* Once a second: each try may wait out the store's short busy timeout. */
	if (ui->st && store_pending(ui->st) > 0 && now / 1000 != ui->last_sec) {
		struct poise_error err;
		size_t left = 0;
		char n[WORDS_BUF];

		poise_error_clear(&err);
		store_flush(ui->st, &left, &err);
		if (left > 0)
			ui_set_banner(ui, 0, _("database busy — %s saved to side log, retrying"),
				      words_count(n, sizeof(n), (long)left, "event", "events"));
		else if (!ui->banner_error)
			ui->banner[0] = '\0';
		if (store_quarantined(ui->st) > 0)
			ui_set_banner(
				ui, 1,
				P_("%zu side log entry could not be saved as it was: kept in "
				   "%s.quarantine",
				   "%zu side log entries could not be saved as they were: kept in "
				   "%s.quarantine",
				   store_quarantined(ui->st)),
				store_quarantined(ui->st), store_path(ui->st));
		flags |= REDRAW;
	}
	/* The file deleted under the call (the data folder removed): written again. */
	if (ui->st && now / 1000 != ui->last_sec) {
		struct poise_error err;
		const char *where = NULL;
		int r;

		poise_error_clear(&err);
		r = store_rescue(ui->st, &where, &err);
		if (r > 0)
			ui_set_banner(ui, 1,
				      _("the database file was deleted or moved: poise wrote it "
					"again at %s; everything is kept"),
				      where);
		else if (r < 0)
			ui_set_banner(ui, 1, "%s", err.msg);
		if (r)
			flags |= REDRAW;
	}
	if (ui->in_call && ui->cs.phase == CALL_TALK) {
		size_t due[8], n, rounds = ui->call_pb->nrules / 8 + 1;
		int ok = 1;

		/* Rounds of eight: a rule that fired is not due again, so none is left out. */
		do {
			n = rules_due(&ui->cs, now, due, 8);
			for (size_t i = 0; i < n; i++) {
				const char *id = ui->call_pb->rules[due[i]].id;
				struct event ev = {.t = now,
						   .kind = EV_PROMPT,
						   .stage = (int)ui->cs.stage,
						   .a = (int)due[i],
						   .text = id};

				if (ui_record(ui, &ev) != 0)
					ok = 0;
				flags |= REDRAW;
			}
		} while (ok && n == 8 && --rounds > 0);
	}
	if (ui->rh)
		flags |= rehearse_react(ui, NULL, now);
	return flags;
}

static int read_key(int *key)
{
	wint_t wch;
	int rc;

	term_keys();
	rc = wget_wch(stdscr, &wch);

	if (rc == KEY_CODE_YES)
		*key = KF((int)wch);
	else if (rc == OK)
		*key = (int)wch;
	else
		return 0;
	return 1;
}

int ui_is_enter(int key)
{
	return key == '\r' || key == '\n' || key == KF(KEY_ENTER);
}

static int is_text(int key)
{
	return !(key & UI_KEYF) && key >= 32 && key != 127;
}

/*
 * The next key if one is waiting or comes within a few milliseconds: far
 * sooner than anyone types, long enough to bridge a paste that the
 * terminal writes in pieces.
 */
static int waiting_key(int *key)
{
	int got;

	timeout(UI_BURST_MS);
	got = read_key(key);
	timeout(UI_TICK_MS);
	return got;
}

/* Give a key read ahead back to curses, for the next turn of the loop. */
static void unread_key(int key)
{
	if (key & UI_KEYF)
		ungetch(key & ~UI_KEYF);
	else
		unget_wch((wchar_t)key);
}

/*
 * A bracketed paste (ESC[200~ ... ESC[201~): every character in it is text
 * for the line editor, and nothing at all for any other screen, so a paste
 * never runs a key. Read in one go without redrawing, so a long paste costs
 * no more than reading it; a lost end marker ends it after a quiet tick.
 */
static int paste_bracketed(struct ui *ui, const struct screen *top, void *ctx)
{
	int text = ui_takes_paste(top), flags = REDRAW, key;

	while (!term_signal() && read_key(&key)) {
		if (key == KF(UI_PASTE_END))
			break;
		if (text && !(key & UI_KEYF))
			flags |= top->key(ui, ctx, UI_PASTED | key);
	}
	return flags & ~QUIT;
}

/*
 * Without bracketed paste, a paste is a burst: input already waiting behind
 * the key just read. In the line editor a burst is text, read in one go; an
 * Enter inside it, with more right behind, is a line break of the pasted
 * text (a space), not the end of the field, so the lines after it can
 * never reach the call screen as keys. So is any other control character
 * in it (ESC, CR, backspace, BEL, DEL: text copied from a terminal or a
 * web page), even the last: no one types Esc within milliseconds of a
 * paste, and taken as a key it would close the editor and turn the rest
 * into call keys. An Enter with nothing or another Enter behind it, or a
 * function key (an arrow, a bracketed paste's start), ends the burst as
 * typed.
 */
static int paste_burst(struct ui *ui, const struct screen *top, void *ctx, int key)
{
	int flags = 0, next;

	while (waiting_key(&next)) {
		if (next == KF(UI_PASTE_BEGIN) || (next & UI_KEYF) ||
		    (ui_is_enter(key) && ui_is_enter(next))) {
			unread_key(next);
			break;
		}
		flags |= top->key(ui, ctx, UI_PASTED | key);
		key = next;
	}
	return flags | top->key(ui, ctx, is_text(key) || ui_is_enter(key) ? key : UI_PASTED | key);
}

/*
 * A terminal that hung up without a signal makes every read fail at once:
 * a long run of instant failures is treated as SIGHUP rather than spinning.
 */
static int hung_up(int64_t waited_ms, int *fast_errors)
{
	if (waited_ms >= UI_TICK_MS / 4)
		*fast_errors = 0;
	else
		(*fast_errors)++;
	return *fast_errors > 100;
}

void ui_run(struct ui *ui)
{
	int depth = ui->depth;
	int flags = REDRAW, fast_errors = 0;

	while (!ui->stopping && ui->depth >= depth) {
		const struct screen *top = ui->stack[depth - 1];
		void *ctx = ui->ctx[depth - 1];
		int64_t now;
		int key;

		if (flags & REDRAW)
			redraw(ui);
		flags = 0;
		if (ui->start_held && session_settle(ui) != 0)
			break; /* nothing of that call was kept: no key may act on it */
		if (term_signal()) {
			ui->stopping = term_signal();
			break;
		}
		now = ui_now();
		if (read_key(&key)) {
			fast_errors = 0;
			if (ui->waiting[0]) {
				ui->waiting[0] = '\0'; /* said for the key before */
				flags |= REDRAW;
			}
			if (key == KF(KEY_RESIZE))
				flags |= REDRAW;
			else if (key == KF(UI_PASTE_BEGIN))
				flags |= paste_bracketed(ui, top, ctx);
			else if (key == KF(UI_PASTE_END))
				continue; /* a stray end marker: nothing to do */
			else if (ui_takes_paste(top) && (is_text(key) || ui_is_enter(key)))
				flags |= paste_burst(ui, top, ctx, key);
			else
				flags |= top->key(ui, ctx, key);
		} else if (hung_up(ui_now() - now, &fast_errors) && !term_signal()) {
			ui->stopping = SIGHUP;
			break;
		}
		if (flags & QUIT)
			break;
		now = ui_now();
		flags |= tick(ui, now);
		if (top->tick)
			flags |= top->tick(ui, ctx, now);
		if (flags & QUIT)
			break;
	}
}
