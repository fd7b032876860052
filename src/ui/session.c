/*
 * session.c - ui_call(): one session of the live coach, from the terminal
 * checks through calls, wrap-ups and the ready screen to a clean exit, and
 * what happens to an unfinished call (resume or close) and on a signal.
 */
#include "ui/callscreen.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *env(const char *name)
{
	return getenv(name);
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/*
 * A new call with c's caller; nothing of the last call is carried over. The
 * call and its START are stored in one transaction, then START is folded
 * into the state the screen shows, as ui_record() does for every later event.
 * With hold, that transaction's COMMIT (its fsync) waits for session_settle(),
 * which ui_run() calls once the call screen's first frame is drawn and
 * before it reads a key (docs/architecture.md).
 */
static int start_call(struct ui *ui, const struct caller *c, int hold)
{
	struct poise_error err;
	struct event ev = {.kind = EV_START, .stage = STAGE_CALM};
	int deferred = 0, held = 0;

	poise_error_clear(&err);
	memset(&ui->meta, 0, sizeof(ui->meta));
	ui->meta.started = ev.t = ui_now();
	if (store_new_uuid(ui->meta.id, ui->meta.started, &err) != POISE_OK ||
	    call_lock_take(store_path(ui->st), ui->meta.id, &ui->lock, &err) != POISE_OK)
		goto fail;
	copy(ui->meta.agent, sizeof(ui->meta.agent), ui->opts->agent);
	copy(ui->meta.customer, sizeof(ui->meta.customer), c->customer);
	copy(ui->meta.ref, sizeof(ui->meta.ref), c->ref);
	copy(ui->meta.playbook_id, sizeof(ui->meta.playbook_id), ui->pb->id);
	copy(ui->meta.playbook_version, sizeof(ui->meta.playbook_version), ui->pb->version);
	copy(ui->meta.playbook_hash, sizeof(ui->meta.playbook_hash), ui->pb->hash);
	copy(ui->meta.status, sizeof(ui->meta.status), "open");
	copy(ui->meta.practice, sizeof(ui->meta.practice), ui->opts->practice);
	if (call_init(&ui->cs, ui->pb) != POISE_OK) {
		poise_error_set(&err, POISE_NOMEM, NULL, 0, 0, "%s",
				_("cannot start a call: out of memory"));
		goto fail;
	}
	ev.text = ui->pb->hash;
	if (call_check(&ui->cs, &ev) != POISE_OK ||
	    (hold ? store_call_start_held(ui->st, &ui->meta, ui->pb, &ev, &deferred, &held, &err)
		  : store_call_start(ui->st, &ui->meta, ui->pb, &ev, &deferred, &err)) != POISE_OK) {
		call_free(&ui->cs);
		goto fail;
	}
	ui->call_pb = ui->pb;
	ui->in_call = 1;
	ui->start_held = held;
	ui->banner[0] = '\0';
	ui->banner_error = 0;
	if (!held && ui->opts->stored) /* the call and its START: the live floor hears of it now */
		ui->opts->stored(ui->opts->stored_ctx, ui->meta.id);
	if (call_apply(&ui->cs, &ev) != POISE_OK) {
		char what[96];

		ui_event_words(ui, &ev, what, sizeof(what));
		ui_set_banner(ui, 1, _("%s: saved but could not be shown; restart poise to resume"),
			      what);
		return -1;
	}
	return 0;
fail:
	call_lock_release(ui->lock, 1);
	ui->lock = NULL;
	ui_set_banner(ui, 1, _("cannot start a call: %s"),
		      err.msg[0] ? err.msg : _("unknown error"));
	return -1;
}

int session_start_call(struct ui *ui, const struct caller *c)
{
	return start_call(ui, c, 0);
}

int session_settle(struct ui *ui)
{
	struct poise_error err;

	poise_error_clear(&err);
	ui->start_held = 0;
	if (store_call_settle(ui->st, &err) == POISE_OK) {
		if (ui->opts->stored)
			ui->opts->stored(ui->opts->stored_ctx, ui->meta.id);
		store_append_prepare(ui->st); /* the first key as quick as the next */
		return 0;
	}
	call_free(&ui->cs);
	ui->in_call = 0;
	ui->start_failed = 1;
	call_lock_release(ui->lock, 1);
	ui->lock = NULL;
	ui_set_banner(ui, 1, _("cannot start a call: %s"),
		      err.msg[0] ? err.msg : _("unknown error"));
	return -1;
}

void session_end_call(struct ui *ui)
{
	int closed = ui->in_call && (ui->cs.phase == CALL_DONE || ui->cs.phase == CALL_INTERRUPTED);

	/* A call left open stays resumable: its lock goes, its file stays. */
	call_lock_release(ui->lock, closed);
	ui->lock = NULL;
	if (!ui->in_call)
		return;
	/* Its figures were kept by the event that closed it (live.h). */
	call_free(&ui->cs);
	if (ui->call_pb && ui->call_pb != ui->pb)
		playbook_free(ui->call_pb);
	ui->call_pb = NULL;
	ui->in_call = 0;
}

/* A session stopped by a signal: the open call is closed as interrupted. */
int session_interrupt(struct ui *ui, int signo)
{
	const char *why = signo == SIGHUP    ? "SIGHUP"
			  : signo == SIGTERM ? "SIGTERM"
			  : signo == SIGQUIT ? "SIGQUIT"
					     : "SIGINT";
	struct event ev = {.kind = EV_INTERRUPTED, .text = why};
	int ok = 1;

	if (ui->in_call && (ui->cs.phase == CALL_TALK || ui->cs.phase == CALL_WRAPUP)) {
		ev.stage = (int)ui->cs.stage;
		ok = ui_record(ui, &ev) == 0;
	}
	session_end_call(ui);
	return ok ? 128 + signo : 1;
}

/* What the screen shows of the call is the fold's; only its view (callscr) starts afresh. */
int session_talk(struct ui *ui)
{
	struct callscr view = {0};

	/* The wrap-up may go back to the call (Esc) until its outcome is saved. */
	while (ui->cs.phase == CALL_TALK || ui->cs.phase == CALL_WRAPUP) {
		if (ui->cs.phase == CALL_TALK) {
			ui_push(ui, &call_screen, &view);
			ui_run(ui);
			ui_pop(ui);
		}
		if (ui->stopping || ui->start_failed)
			return -1;
		if (ui->cs.phase == CALL_WRAPUP && wrapup_run(ui) != 0)
			return -1;
	}
	return 0;
}

/* One call from its screen through the wrap-up; 0 to go on, -1 to stop. */
static int one_call(struct ui *ui)
{
	int hard;

	if (session_talk(ui) != 0)
		return -1;
	hard = ui->cs.outcome == OUTCOME_ESCALATED || ui->cs.outcome == OUTCOME_ABUSE ||
	       ui->cs.warnings > 0;
	session_end_call(ui);
	if (hard)
		breather_run(ui);
	return ui->stopping ? -1 : 0;
}

/*
 * The first call's caller: --customer/--ref as given, else the form; Esc
 * there leads to the ready screen (where q quits), as after any call.
 */
static int first_caller(struct ui *ui, struct caller *c)
{
	memset(c, 0, sizeof(*c));
	if (!ui->opts->customer) {
		if (!caller_ask(ui, c))
			return 0;
		if (!c->ref[0]) /* --ref alone: the form's reference, else that one */
			copy(c->ref, sizeof(c->ref), ui->opts->ref);
		return 1;
	}
	copy(c->customer, sizeof(c->customer), ui->opts->customer);
	copy(c->ref, sizeof(c->ref), ui->opts->ref);
	return 1;
}

static int session_main(struct ui *ui)
{
	struct caller c;
	int have;

	if (session_resume(ui) != 0 || ui->stopping)
		return 0;
	have = ui->in_call || first_caller(ui, &c);
	for (;;) {
		if (ui->stopping || (!have && !ready_run(ui, &c)))
			break;
		if (!ui->in_call && start_call(ui, &c, 1) != 0)
			return -1;
		have = 0;
		if (one_call(ui) != 0)
			break;
	}
	return 0;
}

/*
 * Everything that can refuse is opened before the screen starts, so a
 * refusal is one plain message on a terminal left as it was. A database we
 * cannot write (read-only, a folder that takes no new file, someone else's
 * file, a newer schema) is refused here too: no call could be saved.
 */
int session_open(struct ui *ui, struct poise_error *err)
{
	if (pbpath_init(&ui->pp, env, err) != POISE_OK ||
	    pbpath_resolve(&ui->pp, ui->opts->playbook, &ui->pb, err) != POISE_OK)
		return -1;
	if (store_open(ui->opts->db, 0, &ui->st, err) != POISE_OK)
		return -1;
	return 0;
}

void session_close(struct ui *ui)
{
	if (!ui)
		return;
	session_end_call(ui);
	if (ui->st)
		store_close(ui->st);
	playbook_free(ui->pb);
	pbpath_free(&ui->pp);
	free(ui);
}

/*
 * What the store does before the first frame that curses' start does not
 * need: the read of what there is to resume, and compiling the statements
 * of a call's START. Only reads: nothing here changes the database or the
 * terminal, so whatever fails is met again, and said, where it is used.
 */
static void read_ahead(struct ui *ui)
{
	struct poise_error err;

	poise_error_clear(&err);
	ui->ready_read = store_ready_start(ui->st, ui->opts->agent, &ui->ready, &err) == POISE_OK;
	store_call_prepare(ui->st);
}

/*
 * The store's reads, then curses' start (terminfo, the screen, colours,
 * signals). Session 9 ran the reads in a second thread beside curses' start:
 * measured, the thread's creation and glibc's locking once a thread exists
 * cost more than the overlap saved (docs/benchmarks.md, "Start-up, session
 * 9"), so they run here, in turn.
 */
static int start_terminal(struct ui *ui, struct poise_error *err)
{
	read_ahead(ui);
	return term_start_err(ui, err);
}

int ui_call(const struct call_opts *opts, struct poise_error *err)
{
	struct ui *ui;
	int rc = 1;

	if (term_check_err(err) != 0)
		return 1;
	ui = calloc(1, sizeof(*ui));
	if (!ui) {
		poise_error_nomem(err);
		return 1;
	}
	ui->opts = opts;
	if (session_open(ui, err) != 0 || start_terminal(ui, err) != 0)
		goto out;
	rc = session_main(ui) == 0 && !ui->start_failed ? 0 : 1;
	if (ui->stopping)
		rc = session_interrupt(ui, ui->stopping);
	term_stop();
	if (rc == 1)
		poise_error_set(err, POISE_DB, NULL, 0, 0, "%s",
				ui->banner[0] ? ui->banner : _("the call screen stopped"));
out:
	session_close(ui);
	return rc;
}
