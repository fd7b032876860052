/*
 * rehearse.c - ui_rehearse(): a rehearsal on the real call screen.
 *
 * The scenario's situation first; then one call through the very screen,
 * keys and live path of `poise call` (ui_record, live_record), with the
 * scripted customer of the core (scenario.h) answering what the agent does
 * and the clock: their words on a line of the call screen, their mood a
 * MOOD event like any other, so the fold, the header and every figure see
 * it. The wrap-up as after any call, then the debrief from the playbook's
 * own words (rehearsal_debrief). The call is stored as practice.
 */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/i18n.h"
#include "poise/scenario.h"

/* The customer says line ({customer} and {agent} filled in): shown until they speak again. */
static void customer_says(struct ui *ui, const char *line)
{
	char *text = ui_fill(ui, line);
	const char *who = ui->meta.customer[0] ? ui->meta.customer : _("Customer");

	snprintf(ui->customer_line, sizeof(ui->customer_line), "%s %s: \xe2\x80\x9c%s\xe2\x80\x9d",
		 ui->utf8 ? "\xf0\x9f\x97\xa3" : ">", who, text ? text : line);
	free(text);
}

/* The customer's mood as the scenario has it, logged as the MOOD event it is. */
static void log_mood(struct ui *ui, int mood)
{
	struct event ev = {.kind = EV_MOOD, .stage = (int)ui->cs.stage, .a = mood};

	ui->rh_busy = 1;
	ui_record(ui, &ev);
	ui->rh_busy = 0;
}

int rehearse_react(struct ui *ui, const struct event *ev, int64_t now)
{
	struct rehearsal *r = ui->rh;
	int before, i;

	if (!r || ui->rh_busy || !ui->in_call || ui->cs.phase != CALL_TALK)
		return 0;
	before = r->mood;
	i = rehearsal_react(r, &ui->cs, ev, now);
	if (i < 0)
		return 0;
	customer_says(ui, r->sc->reactions[i].line);
	if (r->mood != before)
		log_mood(ui, r->mood);
	return REDRAW;
}

static void add_item(struct list_build *b, const char *mark, const char *text, attr_t attr)
{
	list_add(b, mark, text, attr, 0);
}

static char *joined(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 3;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s: %s", a, b);
	return s;
}

/* The situation before the call: who calls, what happened, how they feel. 1: take the call. */
static int situation(struct ui *ui, const struct scenario *sc)
{
	struct list_build b = {0};
	char title[256], mood[64], *who;
	int take;

	snprintf(title, sizeof(title), _("poise rehearse - %s"), sc->title);
	add_item(&b, NULL, _("The situation"), ui_attr(ui, R_SECTION));
	add_item(&b, NULL, sc->situation, A_NORMAL);
	add_item(&b, NULL, "", A_NORMAL);
	who = joined(_("Customer"), sc->customer);
	add_item(&b, NULL, list_own(&b, who), A_NORMAL);
	if (sc->reference && sc->reference[0])
		add_item(&b, NULL, list_own(&b, joined(_("Reference"), sc->reference)), A_NORMAL);
	snprintf(mood, sizeof(mood), "%d %s", sc->mood, words_mood(sc->mood));
	add_item(&b, NULL, list_own(&b, joined(_("Mood at the start"), mood)), A_NORMAL);
	add_item(&b, NULL, list_own(&b, joined(_("Playbook"), ui->pb->title)), A_NORMAL);
	add_item(&b, NULL, "", A_NORMAL);
	add_item(&b, NULL,
		 _("A practice call: the customer's words appear on the call screen, their mood "
		   "follows what you do. x ends the call; a debrief follows the wrap-up. It never "
		   "counts in your figures."),
		 ui_attr(ui, R_DIM));
	add_item(&b, NULL, _("Press Enter to take the call, or q to leave without one."),
		 ui_attr(ui, R_KEY));
	take = ui_pager_ask(ui, title, b.items, b.n, _("Enter take the call   q quit"));
	list_build_free(&b);
	return take;
}

/* The debrief's items of one kind under their heading, each with mark; none: a line saying so. */
static void add_kind(struct ui *ui, struct list_build *b, const struct debrief *d,
		     enum debrief_kind kind, const char *heading, const char *mark, attr_t attr,
		     const char *none)
{
	int n = 0;

	add_item(b, NULL, heading, ui_attr(ui, R_SECTION));
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].kind == kind && ++n)
			add_item(b, mark, list_own(b, joined(d->items[i].label, d->items[i].text)),
				 attr);
	if (!n)
		add_item(b, NULL, none, ui_attr(ui, R_DIM));
	add_item(b, NULL, "", A_NORMAL);
}

/* What went well and what to try, from the playbook's rules; any key returns. */
static void debrief(struct ui *ui, const struct scenario *sc, const struct rehearsal *r)
{
	struct list_build b = {0};
	struct debrief d;
	char title[256], mood[128];

	if (rehearsal_debrief(&ui->cs, &d) != POISE_OK) {
		ui_set_banner(ui, 1, "%s", _("the debrief could not be made: out of memory"));
		return;
	}
	snprintf(title, sizeof(title), _("poise rehearse - debrief: %s"), sc->title);
	snprintf(mood, sizeof(mood), _("The customer's mood: %d at the start, %d at the end"),
		 sc->mood, r->mood);
	add_item(&b, NULL, mood, A_NORMAL);
	add_item(&b, NULL, "", A_NORMAL);
	add_kind(ui, &b, &d, DEBRIEF_WELL, _("What went well"), ui->utf8 ? "\xe2\x9c\x93" : "+",
		 ui_attr(ui, R_DONE), _("(no line of the guidance was marked said)"));
	add_kind(ui, &b, &d, DEBRIEF_TRY, _("What to try"), ui->utf8 ? "\xe2\x86\x92" : "->",
		 ui_attr(ui, R_WARN), _("(nothing: every stage visited had a line said)"));
	add_item(&b, NULL, _("Press Enter to finish."), ui_attr(ui, R_KEY));
	ui_pager(ui, title, b.items, b.n);
	list_build_free(&b);
	debrief_free(&d);
}


/* A signal: the rehearsal is closed as interrupted, as a call is (session.c). */
static void interrupted(struct ui *ui)
{
	struct event ev = {.kind = EV_INTERRUPTED,
			   .stage = (int)ui->cs.stage,
			   .text = ui->stopping == SIGHUP    ? "SIGHUP"
				   : ui->stopping == SIGTERM ? "SIGTERM"
				   : ui->stopping == SIGQUIT ? "SIGQUIT"
							     : "SIGINT"};

	if (ui->in_call && (ui->cs.phase == CALL_TALK || ui->cs.phase == CALL_WRAPUP))
		ui_record(ui, &ev);
}

static int play(struct ui *ui, const struct scenario *sc)
{
	struct caller c;
	struct rehearsal r;

	memset(&c, 0, sizeof(c));
	snprintf(c.customer, sizeof(c.customer), "%s", sc->customer ? sc->customer : "");
	snprintf(c.ref, sizeof(c.ref), "%s", sc->reference ? sc->reference : "");
	if (!situation(ui, sc) || ui->stopping)
		return 0; /* nothing was logged: no call began */
	if (session_start_call(ui, &c) != 0)
		return -1;
	if (rehearsal_init(&r, sc, ui->meta.started) != POISE_OK) {
		ui_set_banner(ui, 1, "%s", _("cannot start the rehearsal: out of memory"));
		interrupted(ui);
		return -1;
	}
	log_mood(ui, sc->mood);
	ui->rh = &r;
	customer_says(ui, sc->opening);
	if (session_talk(ui) == 0 && ui->cs.phase == CALL_DONE) {
		ui->rh = NULL;
		debrief(ui, sc, &r);
	}
	ui->rh = NULL;
	ui->customer_line[0] = '\0';
	if (ui->stopping)
		interrupted(ui);
	rehearsal_free(&r);
	return 0;
}

int ui_rehearse(const struct call_opts *opts, const struct scenario *sc, struct poise_error *err)
{
	struct call_opts o = *opts;
	struct poise_error cerr = {0};
	struct ui *ui;
	int rc = 1, closed;

	if (term_check_err(err) != 0)
		return 1;
	if (!(ui = calloc(1, sizeof(*ui)))) {
		poise_error_nomem(err);
		return 1;
	}
	o.practice = sc->id;
	o.sync_exe = NULL; /* a rehearsal is never sent to the team's server */
	if (!o.playbook)
		o.playbook = sc->playbook;
	ui->opts = &o;
	if (session_open(ui, err) != 0 || term_start_err(ui, err) != 0)
		goto out;
	/* A rehearsal a kill left open is closed, never resumed (scenario.h). */
	if (rehearsal_close_stale(ui->st, o.agent, &closed, &cerr) != POISE_OK)
		ui_set_banner(ui, 1, _("could not close an unfinished rehearsal: %s"), cerr.msg);
	rc = play(ui, sc) == 0 ? 0 : 1;
	term_stop();
	if (ui->stopping)
		rc = 128 + ui->stopping;
	else if (rc == 1)
		poise_error_set(err, POISE_DB, NULL, 0, 0, "%s",
				ui->banner[0] ? ui->banner : _("the rehearsal stopped"));
out:
	session_close(ui);
	return rc;
}
