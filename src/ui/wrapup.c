/*
 * wrapup.c - after the talk: outcome, cause, follow-up and reflection, each
 * asked in turn at the bottom while a summary of the call stays on screen,
 * then END. Optional fields are skipped with Enter on an empty line. Until
 * the outcome is saved, Esc goes back to the call: an UNDO of the WRAPUP.
 *
 * A resumed wrap-up starts from the fold: what the call's events already
 * hold (outcome, cause, follow-up, reflection) is shown, never asked again.
 */
#include "poise/followup.h"
#include "ui/app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wrapup {
	char cause[128];
	char followup[64 + LIMIT_BYTES(LIMIT_CHANNEL) + LIMIT_BYTES(LIMIT_PROMISE)];
	char reflection[2 * LIMIT_BYTES(LIMIT_REFLECTION) + 4];
	const char *step;
	struct list_view view; /* the summary, the answers and the step, scrolled */
};

/* The next question: the view goes to its end, where the step is. */
static void set_step(struct wrapup *w, const char *step)
{
	w->step = step;
	w->view.top = INT_MAX / 2; /* the draw stops at the end */
}

/* A labelled row: the label as the mark, so the value wraps under itself. */
#define WRAPUP_LINES 12
struct wrapup_lines {
	struct list_item items[WRAPUP_LINES];
	char label[WRAPUP_LINES][48];
	size_t n;
};

static void add(struct wrapup_lines *l, const char *label, const char *value, attr_t attr)
{
	if (l->n >= WRAPUP_LINES)
		return;
	if (label)
		draw_pad(l->label[l->n], sizeof(l->label[l->n]), _(label), 12);
	l->items[l->n] = (struct list_item){label ? l->label[l->n] : NULL, value, NULL, attr, 0};
	l->n++;
}

static void wrapup_draw(struct ui *ui, void *ctx)
{
	struct wrapup *w = ctx;
	const struct call_state *cs = &ui->cs;
	char buf[256], t1[16], t2[16], m1[WORDS_BUF], m2[WORDS_BUF];
	char n1[WORDS_BUF], n2[WORDS_BUF], n3[WORDS_BUF], n4[WORDS_BUF], n5[WORDS_BUF];
	char stages[96], mood[96], logged[256];
	struct wrapup_lines l = {.n = 0};

	draw_fill(0, ui_attr(ui, R_HEADER));
	words_duration(t1, sizeof(t1), call_elapsed_ms(cs, ui_now()));
	snprintf(buf, sizeof(buf), _("Wrap-up  %s  %s"), ui_customer(ui), t1);
	draw_text(ui, 0, 1, COLS - 2, 1, ui_attr(ui, R_HEADER), buf); /* the name is data */
	snprintf(stages, sizeof(stages), _("%d of 8 visited, ended in %s"),
		 __builtin_popcount(cs->visited), stage_title(cs->stage));
	add(&l, N_("Stages"), stages, A_NORMAL);
	snprintf(mood, sizeof(mood), _("%s at the start, %s at the end"),
		 words_mood_mark(m1, sizeof(m1), cs->nmoods ? cs->moods[0].mood : 0),
		 words_mood_mark(m2, sizeof(m2), cs->mood));
	add(&l, N_("Mood"), mood, A_NORMAL);
	words_duration(t2, sizeof(t2), cs->hold_ms);
	/* TRANSLATORS: holds, their total time; warnings; escalations; manager requests; notes. */
	snprintf(logged, sizeof(logged), _("%s, %s in all; %s; %s; %s; %s"),
		 words_count_c(n1, sizeof(n1), cs->holds, "count", "hold", "holds"), t2,
		 words_count(n2, sizeof(n2), cs->warnings, "warning", "warnings"),
		 words_count(n3, sizeof(n3), cs->escalations, "escalation", "escalations"),
		 words_count(n5, sizeof(n5), cs->manager_asks, "manager request",
			     "manager requests"),
		 words_count_c(n4, sizeof(n4), (long)cs->nnotes, "count", "note", "notes"));
	add(&l, N_("Logged"), logged, A_NORMAL);
	add(&l, NULL, "", A_NORMAL);
	add(&l, NULL, _("Wrap-up"), ui_attr(ui, R_SECTION));
	add(&l, N_("Outcome"), cs->outcome == OUTCOME_NONE ? "-" : outcome_label(cs->outcome),
	    A_NORMAL);
	add(&l, N_("Cause"), w->cause[0] ? w->cause : "-", A_NORMAL);
	add(&l, N_("Follow-up"), w->followup[0] ? w->followup : "-", A_NORMAL);
	add(&l, N_("Reflection"), w->reflection[0] ? w->reflection : "-", A_NORMAL);
	if (ui->banner[0])
		add(&l, NULL, ui->banner, ui_attr(ui, ui->banner_error ? R_ERROR : R_WARN));
	if (w->step) {
		add(&l, NULL, "", A_NORMAL);
		add(&l, NULL, w->step, ui_attr(ui, R_PROMPT));
	}
	/* Above the question at the bottom, whatever its height: nothing drawn over. */
	draw_list_view(ui, 2, 1, COLS - 2, LINES - 2 - ui_overlay_rows(ui), l.items, l.n, &w->view);
	if (w->view.rows > w->view.page)
		draw_text(ui, 1, 1, COLS - 2, 1, ui_attr(ui, R_DIM), _("Up/Down PgUp/PgDn scroll"));
}

/* Under a question, the pager keys scroll the summary (edit.c gives them here). */
static int wrapup_key(struct ui *ui, void *ctx, int key)
{
	struct wrapup *w = ctx;

	(void)ui;
	return list_view_key(&w->view, key) ? REDRAW | HANDLED : 0;
}

static const struct screen wrapup_screen = {"wrapup", wrapup_draw, wrapup_key, NULL, 0};

static int record(struct ui *ui, enum event_kind kind, const char *text)
{
	struct event ev = {.kind = kind, .stage = (int)ui->cs.stage, .text = text};

	return ui_record(ui, &ev);
}

/* Esc: the talk goes on, as if x had not been pressed (call.h: Undo). */
static int back_to_call(struct ui *ui)
{
	struct event ev = {.kind = EV_UNDO, .stage = (int)ui->cs.stage};

	ev.a = (int)call_undo_target(&ui->cs);
	if (ev.a && ui_record(ui, &ev) == 0) {
		ui_set_banner(ui, 0, _("back to the call; x ends it again"));
		return 1;
	}
	return 0;
}

/* 0 saved, 1 back to the call, -1 stopped. */
static int ask_outcome(struct ui *ui)
{
	char choices[256], q[320], keys[OUTCOME_COUNT + 1];
	int ch;

	outcome_choices(choices, sizeof(choices), keys);
	snprintf(q, sizeof(q), _("outcome: %s"), choices);
	do {
		ch = ui_ask_key(ui, q, keys, 1);
		if (ui->stopping)
			return -1;
		if (ch == 0 && back_to_call(ui))
			return 1;
	} while (ch == 0 || record(ui, EV_OUTCOME, outcome_key(outcome_from_char(ch))) != 0);
	return 0;
}

static int ask_cause(struct ui *ui, struct wrapup *w)
{
	const struct playbook *pb = ui->call_pb;
	char q[1024], keys[64] = "";
	size_t qlen = (size_t)snprintf(q, sizeof(q), "%s", _("cause:")), k = 0;
	const struct pb_cause *chosen = NULL;

	for (size_t i = 0; i < pb->ncauses && i < 9; i++) {
		int first = pb->causes[i].label[0] | 0x20;

		keys[k++] = (char)('1' + i);
		if (first >= 'a' && first <= 'z' && !strchr(keys, first))
			keys[k++] = (char)first;
		keys[k] = '\0';
		qlen += (size_t)snprintf(q + qlen, sizeof(q) - qlen, "  %zu %s", i + 1,
					 pb->causes[i].label);
		if (qlen >= sizeof(q))
			break;
	}
	while (!chosen) {
		int ch = ui_ask_key(ui, q, keys, 0);

		if (ui->stopping)
			return -1;
		for (size_t i = 0; i < pb->ncauses && i < 9 && !chosen; i++)
			if (ch == (int)('1' + i) || ch == (pb->causes[i].label[0] | 0x20))
				chosen = &pb->causes[i];
		if (chosen && record(ui, EV_CAUSE, chosen->id) != 0)
			chosen = NULL;
	}
	snprintf(w->cause, sizeof(w->cause), "%s", chosen->label);
	return 0;
}

/* The due date as typed: ctx is today's day, read once when the question opens. */
static enum poise_status check_due(const void *ctx, const char *text, struct poise_error *why)
{
	char day[11];

	return text[0] ? followup_parse_due(text, ctx, day, why) : POISE_OK;
}

static int ask_followup(struct ui *ui, struct wrapup *w)
{
	char due[64] = "", today[11], day[11], channel[LIMIT_BYTES(LIMIT_CHANNEL)] = "",
	     promise[LIMIT_BYTES(LIMIT_PROMISE)] = "";

	day_format(0, ui_now(), today);
	if (!ui_edit_line(ui, _("follow-up due date (Enter skips):"), due, sizeof(due), check_due,
			  today) ||
	    !due[0])
		return ui->stopping ? -1 : 0;
	if (followup_parse_due(due, today, day, NULL) != POISE_OK)
		return 0;
	snprintf(due, sizeof(due), "%s", day); /* stored as the day it names */
	ui_edit_text(ui, _("follow-up channel, e.g. phone or email (Enter skips):"), LIMIT_CHANNEL,
		     channel, sizeof(channel), NULL, NULL);
	if (ui->stopping)
		return -1;
	ui_edit_text(ui, _("promise made (Enter skips):"), LIMIT_PROMISE, promise, sizeof(promise),
		     NULL, NULL);
	if (ui->stopping)
		return -1;
	snprintf(w->followup, sizeof(w->followup), "%s\t%s\t%s", due, channel, promise);
	if (record(ui, EV_FOLLOWUP, w->followup) != 0)
		w->followup[0] = '\0';
	for (char *p = w->followup; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return 0;
}

static int ask_reflection(struct ui *ui, struct wrapup *w)
{
	char well[LIMIT_BYTES(LIMIT_REFLECTION)] = "", improve[LIMIT_BYTES(LIMIT_REFLECTION)] = "";

	ui_edit_text(ui, _("what went well (Enter skips):"), LIMIT_REFLECTION, well, sizeof(well),
		     NULL, NULL);
	if (ui->stopping)
		return -1;
	ui_edit_text(ui, _("what to improve (Enter skips):"), LIMIT_REFLECTION, improve,
		     sizeof(improve), NULL, NULL);
	if (ui->stopping)
		return -1;
	if (!well[0] && !improve[0])
		return 0;
	snprintf(w->reflection, sizeof(w->reflection), "%s\t%s", well, improve);
	if (record(ui, EV_REFLECTION, w->reflection) != 0)
		w->reflection[0] = '\0';
	snprintf(w->reflection, sizeof(w->reflection), "%s / %s", well, improve);
	return 0;
}

/* What the fold already holds (a resumed wrap-up), shown as the questions would have. */
static void wrapup_from_fold(const struct ui *ui, struct wrapup *w)
{
	const struct call_state *cs = &ui->cs;
	const struct playbook *pb = ui->call_pb;

	if (cs->cause) {
		snprintf(w->cause, sizeof(w->cause), "%s", cs->cause);
		for (size_t i = 0; pb && i < pb->ncauses; i++)
			if (strcmp(pb->causes[i].id, cs->cause) == 0)
				snprintf(w->cause, sizeof(w->cause), "%s", pb->causes[i].label);
	}
	if (cs->followup)
		snprintf(w->followup, sizeof(w->followup), "%s", cs->followup);
	if (cs->reflection)
		snprintf(w->reflection, sizeof(w->reflection), "%s", cs->reflection);
	for (char *p = w->followup; *p; p++)
		if (*p == '\t')
			*p = ' ';
	for (char *p = w->reflection; *p; p++)
		if (*p == '\t')
			*p = '/';
}

int wrapup_run(struct ui *ui)
{
	struct wrapup *w = calloc(1, sizeof(*w));
	int rc = -1;

	if (!w)
		return -1;
	wrapup_from_fold(ui, w);
	ui_push(ui, &wrapup_screen, w);
	w->view.sel = -1;
	ui->under_view = &w->view;
	set_step(w, _("How did the call end? (Esc: back to the call)"));
	if (ui->cs.outcome == OUTCOME_NONE && (rc = ask_outcome(ui)) != 0) {
		rc = rc > 0 ? 0 : -1; /* back to the call is no failure */
		goto out;
	}
	rc = -1;
	set_step(w, _("What was it about?"));
	if (!ui->cs.cause && ask_cause(ui, w) != 0)
		goto out;
	set_step(w, _("Anything promised for later? (optional) Due: YYYY-MM-DD, today, tomorrow, "
		      "a weekday such as fri, or +N days"));
	if (!ui->cs.followup && ask_followup(ui, w) != 0)
		goto out;
	set_step(w, _("A moment to reflect (optional)"));
	if (!ui->cs.reflection && ask_reflection(ui, w) != 0)
		goto out;
	while (record(ui, EV_END, NULL) != 0) {
		set_step(w, _("The call could not be closed; press any key to retry"));
		ui_ask_key(ui, ui->banner, "abcdefghijklmnopqrstuvwxyz\n ", 0);
		if (ui->stopping)
			goto out;
	}
	rc = 0;
out:
	ui->under_view = NULL;
	ui_pop(ui);
	free(w);
	return rc;
}
