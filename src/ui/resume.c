/*
 * resume.c - the call a crash or kill -9 left open: resume it, its state
 * rebuilt by folding its stored events, or close it as interrupted.
 *
 * The fold is the same call_apply() the live screen uses, under the exact
 * playbook text the call started with (kept in the database by hash).
 */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/day.h"
#include "poise/scenario.h"
#include "poise/store_ready.h"

struct fold {
	struct ui *ui;
	int bad;
	int64_t seq;
	char why[64]; /* text of the last INTERRUPTED */
};

static int fold_event(void *ctx, const struct event *ev)
{
	struct fold *f = ctx;

	if (call_apply(&f->ui->cs, ev) != POISE_OK) {
		f->bad = 1;
		f->seq = ev->seq;
		return 1;
	}
	if (ev->kind == EV_INTERRUPTED)
		snprintf(f->why, sizeof(f->why), "%s", ev->text ? ev->text : "");
	return 0;
}

/* Rebuild the open call's state; fills why and returns -1 when it cannot be. */
static int rebuild(struct ui *ui, char *why, size_t size, char *stopped, size_t ssize)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	struct fold f = {ui, 0, 0, ""};
	int rc = -1;

	poise_error_clear(&err);
	if (store_playbook(ui->st, ui->meta.playbook_hash, "stored playbook", &pb, &err) !=
	    POISE_OK) {
		snprintf(why, size, _("its playbook cannot be loaded: %s"), err.msg);
		goto out;
	}
	if (call_init(&ui->cs, pb) != POISE_OK) {
		snprintf(why, size, "%s", _("out of memory"));
		goto out;
	}
	ui->call_pb = pb;
	pb = NULL;
	ui->in_call = 1;
	if (store_call_events(ui->st, ui->meta.id, fold_event, &f, &err) != POISE_OK) {
		snprintf(why, size, _("its events cannot be read: %s"), err.msg);
		goto out;
	}
	if (f.bad) {
		snprintf(why, size, _("its stored event %lld does not follow from the ones before"),
			 (long long)f.seq);
		goto out;
	}
	snprintf(stopped, ssize, "%s", f.why);
	rc = 0;
out:
	playbook_free(pb);
	return rc;
}

static void describe(struct ui *ui, char *buf, size_t size, const char *why)
{
	char when[64], mood[WORDS_BUF];

	day_locale_datetime(when, sizeof(when), ui->meta.started, 0);
	if (why)
		snprintf(buf, size,
			 _("An unfinished call was found: started %s, customer %s, playbook %s "
			   "%s.\n\n"
			   "It cannot be resumed: %s.\n\n"
			   "c  close it as interrupted\nq  quit and leave it open"),
			 when, ui->meta.customer[0] ? ui->meta.customer : _("(no name)"),
			 ui->meta.playbook_id, ui->meta.playbook_version, why);
	else
		snprintf(
			buf, size,
			/* TRANSLATORS: the second %s is " with the caller on hold" or nothing. */
			_("An unfinished call was found: started %s, customer %s, playbook %s %s.\n"
			  "It was in the %s stage%s, mood %s, with %lld events saved.\n\n"
			  "r  resume it (its state is rebuilt from its events)\n"
			  "c  close it as interrupted\nq  quit and leave it open"),
			when, ui->meta.customer[0] ? ui->meta.customer : _("(no name)"),
			ui->meta.playbook_id, ui->meta.playbook_version, stage_title(ui->cs.stage),
			ui->cs.on_hold || ui->cs.hold_paused ? _(" with the caller on hold") : "",
			words_mood_mark(mood, sizeof(mood), ui->cs.mood),
			(long long)ui->cs.nevents);
}

/* Close without a state to check against: only the store's own checks apply. */
static void close_raw(struct ui *ui)
{
	struct event ev = {.t = ui_now(),
			   .kind = EV_INTERRUPTED,
			   .stage = (int)ui->cs.stage,
			   .text = "closed on start"};
	struct poise_error err;
	int deferred = 0;

	if (store_append(ui->st, ui->meta.id, &ev, &deferred, &err) != POISE_OK)
		ui_set_banner(ui, 1, _("could not close the unfinished call: %s"), err.msg);
}

/* Open calls, newest first: the first one no other window holds is ours. */
struct scan {
	struct ui *ui;
	int busy; /* open calls live in other windows */
	struct call_meta other;
};

static int take_free(void *ctx, const struct call_meta *m)
{
	struct scan *sc = ctx;
	struct poise_error err;

	if (call_lock_take(store_path(sc->ui->st), m->id, &sc->ui->lock, &err) == POISE_OK) {
		sc->ui->meta = *m;
		return 1;
	}
	if (sc->busy++ == 0)
		sc->other = *m;
	return 0;
}

/*
 * The unfinished call: an open one (a crash, kill -9) that no other window
 * has live, else the agent's newest call when a signal interrupted it; its
 * lock is taken before it is offered, so two windows never offer the same
 * call. 0 when there is none.
 */
static int find_unfinished(struct ui *ui, const struct ready_start *rs, struct scan *sc)
{
	struct poise_error err;
	char id[FIELD_CALL_ID_SIZE];

	poise_error_clear(&err);
	if (rs->open_calls &&
	    store_each_open_call(ui->st, ui->opts->agent, take_free, sc, &err) == POISE_OK &&
	    ui->lock)
		return 1;
	if (!rs->last_interrupted ||
	    store_ready_last_call(ui->st, ui->opts->agent, id, &err) != POISE_OK ||
	    store_call_meta(ui->st, id, &ui->meta, &err) != POISE_OK ||
	    strcmp(ui->meta.status, "interrupted") != 0)
		return 0;
	return call_lock_take(store_path(ui->st), ui->meta.id, &ui->lock, &err) == POISE_OK;
}

/* Another window has this agent's call live: say so; 0 to start a call here, -1 to quit. */
static int other_window(struct ui *ui, const struct call_meta *m)
{
	char text[800], when[64];
	struct panel panel = {_("poise - call open in another window"), text};
	int ch;

	day_locale_datetime(when, sizeof(when), m->started, 0);
	snprintf(text, sizeof(text),
		 _("A call is open in another poise window: started %s, customer %s.\n"
		   "It stays with that window: this one will not resume or close it.\n\n"
		   "n  start a new call here\nq  quit"),
		 when, m->customer[0] ? m->customer : _("(no name)"));
	ui_push(ui, &panel_screen, &panel);
	ch = ui_ask_key(ui, _("n new call here   q quit"), "nq", 0);
	ui_pop(ui);
	return ch == 'n' ? 0 : -1;
}

/* A rehearsal a kill left open is closed as interrupted, never offered (scenario.h). */
static void close_stale_rehearsals(struct ui *ui)
{
	struct poise_error err;
	int closed;

	poise_error_clear(&err);
	if (rehearsal_close_stale(ui->st, ui->opts->agent, &closed, &err) != POISE_OK)
		ui_set_banner(ui, 1, _("could not close an unfinished rehearsal: %s"), err.msg);
}

/*
 * The unfinished call, its state rebuilt from its events: UNF_READY it can be
 * resumed, UNF_BROKEN it cannot (why says why), UNF_NONE there is none to
 * offer (*other filled and 1 returned through busy when another window has
 * one live). Its lock is ours unless UNF_NONE. Both faces ask this.
 */
int session_unfinished(struct ui *ui, int *busy, struct call_meta *other, char *why,
		       size_t size)
{
	char stopped[64] = "";
	struct scan sc;
	int ok;

	struct ready_start rs;
	struct poise_error err;

	memset(&sc, 0, sizeof(sc));
	sc.ui = ui;
	*busy = 0;
	/*
	 * What there is to look at, in one read (done ahead while the terminal
	 * started, session.c); when it fails, look at everything.
	 */
	poise_error_clear(&err);
	if (ui->ready_read)
		rs = ui->ready;
	else if (store_ready_start(ui->st, ui->opts->agent, &rs, &err) != POISE_OK)
		rs.open_calls = rs.open_practice = rs.last_interrupted = 1;
	ui->ready_read = 0;
	if (rs.open_practice)
		close_stale_rehearsals(ui);
	if (!find_unfinished(ui, &rs, &sc)) {
		*busy = sc.busy > 0;
		*other = sc.other;
		return UNF_NONE;
	}
	ok = rebuild(ui, why, size, stopped, sizeof(stopped)) == 0;
	if (strcmp(ui->meta.status, "open") != 0 &&
	    (!ok || strcmp(stopped, "closed on start") == 0)) {
		session_end_call(ui); /* closed on purpose, or nothing we could do */
		return UNF_NONE;
	}
	return ok ? UNF_READY : UNF_BROKEN;
}

/* The unfinished call (UNF_READY) goes on: its RESUME logged; 0, or -1 (the call let go). */
int session_resume_call(struct ui *ui)
{
	/*
	 * Nobody saw what happened between the last event and now: mark
	 * the crash at the last event, so that gap counts as no time.
	 */
	struct event stop = {.t = ui->cs.last_t,
			     .kind = EV_INTERRUPTED,
			     .stage = (int)ui->cs.stage,
			     .text = "no clean exit"};
	/* a = 1: a hold open when it stopped goes on (event.h). */
	struct event ev = {.kind = EV_RESUME, .stage = (int)ui->cs.stage, .a = 1};
	int open = strcmp(ui->meta.status, "open") == 0;

	if ((!open || ui_record(ui, &stop) == 0) && ui_record(ui, &ev) == 0)
		return 0;
	session_end_call(ui);
	return -1;
}

/* The unfinished call set aside for a new one: an open one is closed as interrupted. */
void session_close_unfinished(struct ui *ui, int ready)
{
	struct event ev = {.t = ui->cs.last_t,
			   .kind = EV_INTERRUPTED,
			   .stage = (int)ui->cs.stage,
			   .text = "closed on start"};

	if (strcmp(ui->meta.status, "open") == 0 && (!ready || ui_record(ui, &ev) != 0))
		close_raw(ui);
	session_end_call(ui);
}

int session_resume(struct ui *ui)
{
	char why[600], text[2400];
	struct panel panel = {_("poise - unfinished call"), text};
	struct call_meta other;
	int found, busy, ok, ch;

	found = session_unfinished(ui, &busy, &other, why, sizeof(why));
	if (found == UNF_NONE)
		return busy ? other_window(ui, &other) : 0;
	ok = found == UNF_READY;
	describe(ui, text, sizeof(text), ok ? NULL : why);
	ui_push(ui, &panel_screen, &panel);
	ch = ui_ask_key(ui,
			ok ? _("r resume   c close as interrupted   q quit")
			   : _("c close as interrupted   q quit"),
			ok ? "rcq" : "cq", 0);
	ui_pop(ui);
	if (ch == 'r')
		return session_resume_call(ui);
	if (ch == 'c') {
		session_close_unfinished(ui, ok);
		return 0;
	}
	session_end_call(ui);
	return -1;
}
