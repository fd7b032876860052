/*
 * callscreen.c - the live call screen: its key table, one handler per
 * action, and the layout (full from 80x24, compact down to 40x12).
 *
 * Every handler turns a key into one event and hands it to ui_record(),
 * which stores it before the state (and so the screen) changes.
 */
#include "ui/callscreen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/rules.h"
#include "poise/timeline.h"

struct sel_item {
	enum section section;
	int index;
};

static int selectable_section(enum section s)
{
	return s == SECTION_SAY || s == SECTION_ASK || s == SECTION_CHECKLIST;
}

/* Item `want` of those Up/Down move among, in display order, into out; returns how many. */
static int stage_selectable(const struct ui *ui, int want, struct sel_item *out)
{
	int n = 0;

	for (int s = 0; s < SECTION_COUNT; s++) {
		size_t len;

		if (!selectable_section((enum section)s))
			continue;
		len = call_section_len(&ui->cs, ui->cs.stage, (enum section)s);
		for (size_t i = 0; i < len; i++, n++)
			if (n == want)
				*out = (struct sel_item){(enum section)s, (int)i};
	}
	return n;
}

/* The selected line into it (c->sel kept in range, 0 on a new stage); the stage's count, 0 none. */
static int current_item(struct ui *ui, struct callscr *c, struct sel_item *it)
{
	int n = stage_selectable(ui, -1, it);

	if (c->sel_stage != (int)ui->cs.stage) {
		c->sel_stage = (int)ui->cs.stage;
		c->sel = 0;
	}
	if (n == 0)
		return 0;
	if (c->sel >= n)
		c->sel = n - 1;
	stage_selectable(ui, c->sel, it);
	return n;
}

void callscr_place(struct ui *ui, struct callscr *c)
{
	struct sel_item it = {0};
	int n = stage_selectable(ui, -1, &it), index;
	enum section section;

	c->sel = 0;
	c->sel_stage = (int)ui->cs.stage;
	if (!call_stage_place(&ui->cs, &section, &index))
		return;
	for (int i = 0; i < n; i++) {
		stage_selectable(ui, i, &it);
		if (it.section == section && it.index == index)
			c->sel = i;
	}
}

static int record(struct ui *ui, enum event_kind kind, int a, int b, const char *text)
{
	struct event ev = {.kind = kind, .stage = (int)ui->cs.stage, .a = a, .b = b, .text = text};

	ui_record(ui, &ev);
	return REDRAW;
}

/*
 * Notes, escalations and manager requests change nothing else on the screen:
 * a short line says they were saved (until the next key), so the agent
 * never wonders whether the key took.
 */
static int record_said(struct ui *ui, enum event_kind kind, const char *text, const char *done)
{
	struct event ev = {.kind = kind, .stage = (int)ui->cs.stage, .text = text};

	if (ui_record(ui, &ev) == 0 && !ui->banner[0])
		ui_set_banner(ui, 0, "%s", done);
	return REDRAW;
}

static int goto_stage(struct ui *ui, struct callscr *c, int stage)
{
	int from = (int)ui->cs.stage;

	if (stage < 0 || stage >= STAGE_COUNT || stage == from)
		return HANDLED;
	if (ui_record(ui, &(struct event){.kind = EV_STAGE, .stage = stage, .a = from}) == 0)
		c->sel = 0;
	return REDRAW;
}

/* Take back the event of seq, saying in a word what was taken back. */
static int undo_seq(struct ui *ui, int64_t seq)
{
	const struct call_entry *e = call_entry_of(&ui->cs, seq);
	struct event ev = {.kind = EV_UNDO, .stage = (int)ui->cs.stage, .a = (int)seq}, undone;
	char *what;

	if (!e)
		return HANDLED;
	undone = call_entry_event(e);
	what = timeline_describe(&ui->cs, &ui->meta, &undone);
	/* The selection stays: a stage changed back is placed by its next draw. */
	if (ui_record(ui, &ev) != 0) {
		free(what);
		return REDRAW;
	}
	/* The hold never ended, as far as the log goes: say so, and how to end it. */
	if (undone.kind == EV_HOLD_END)
		ui_set_banner(ui, 0,
			      _("undone: hold ended; on hold again since it began (h ends it)"));
	else
		ui_set_banner(ui, 0, _("undone: %s"), what ? what : "");
	free(what);
	return REDRAW;
}

static int call_mood(struct ui *ui, void *ctx, int key)
{
	(void)ctx;
	return record(ui, EV_MOOD, key - '0', 0, NULL);
}

/* To stage (-1: none that way, said with why), from Tab or Left. */
static int goto_or_say(struct ui *ui, struct callscr *c, int stage, const char *why)
{
	if (stage < 0) {
		ui_set_banner(ui, 0, "%s", why);
		return REDRAW;
	}
	return goto_stage(ui, c, stage);
}

static int call_next(struct ui *ui, void *ctx, int key)
{
	(void)key;
	return goto_or_say(ui, ctx, call_next_stage(&ui->cs),
			   _("this is the last stage; x ends the call"));
}

static int call_prev(struct ui *ui, void *ctx, int key)
{
	(void)key;
	return goto_or_say(ui, ctx, call_prev_stage(&ui->cs),
			   _("this is where the call began; Tab goes on"));
}

/*
 * u right after p or after Space took a line's mark back takes back that
 * key, as after any other: the pacer stops; the line is marked again (the
 * log's UNDO stays; a new SAID or SKIP puts the mark back, as the agent
 * had it). Else the newest mark is taken back.
 */
static int undo_last_key(struct ui *ui, struct callscr *c)
{
	const struct line_use *u;
	struct event ev = c->unmark;

	if (c->last == LAST_PACER && ui->cs.pacing) {
		if (ui_record(ui, &(struct event){.kind = EV_BREATHE_END,
						  .stage = (int)ui->cs.stage}) == 0)
			ui_set_banner(ui, 0, _("undone: breathing pacer started"));
		return 1;
	}
	if (c->last != LAST_UNMARK || ev.stage != (int)ui->cs.stage)
		return 0;
	u = call_line(&ui->cs, ui->cs.stage, (enum section)ev.a, ev.b);
	if (!u || u->mark != LINE_SHOWN)
		return 0;
	if (ui_record(ui, &ev) == 0)
		ui_set_banner(ui, 0, _("undone: line un-marked; it is marked again"));
	return 1;
}

static int call_undo(struct ui *ui, void *ctx, int key)
{
	struct callscr *c = ctx;
	int64_t seq;

	(void)key;
	if (undo_last_key(ui, c)) {
		c->last = LAST_OTHER;
		return REDRAW;
	}
	seq = call_undo_target(&ui->cs);
	if (!seq) {
		ui_set_banner(ui, 0, _("nothing to undo: no mark left in this call"));
		return REDRAW;
	}
	return undo_seq(ui, seq);
}

/*
 * Up/Down move among the lines to say and tick, and scroll past the other
 * lines on the way (list_select_key), so every line of the stage can be
 * read at 40x12. PgUp/PgDn scroll a page; while a warning's wording is
 * shown, every key of these scrolls.
 */
static int call_move(struct ui *ui, void *ctx, int key)
{
	struct callscr *c = ctx;
	struct sel_item it;
	int n = current_item(ui, c, &it);

	return list_select_key(&c->body, &c->sel, c->warn_shown ? 0 : n, key);
}

/* Space and s act on the selected line only while it is on screen. */
static int sel_on_screen(struct ui *ui, struct callscr *c)
{
	if (!c->body.sel_above && !c->body.sel_below)
		return 1;
	c->body.follow = 1;
	ui_set_banner(ui, 0, _("the selected line is shown now: press the key again"));
	return 0;
}

static int call_mark(struct ui *ui, void *ctx, int key)
{
	struct sel_item it;

	(void)key;
	if (!current_item(ui, ctx, &it))
		return HANDLED;
	if (!sel_on_screen(ui, ctx))
		return REDRAW;
	if (it.section == SECTION_CHECKLIST) {
		const unsigned char *ticked = ui->cs.ticked[ui->cs.stage];

		return record(ui, EV_CHECK, it.index, !(ticked && ticked[it.index]), NULL);
	}
	/* A line marked already is un-marked: its mark is taken back, never logged twice. */
	if (ui->cs.lines[ui->cs.stage][it.section][it.index].mark != LINE_SHOWN) {
		struct callscr *c = ctx;
		const struct call_entry *e =
			call_entry_of(&ui->cs, call_line_mark_seq(&ui->cs, it.section, it.index));
		int ret;

		if (!e)
			return HANDLED;
		c->unmark = (struct event){.kind = e->kind, .stage = (int)ui->cs.stage,
					   .a = e->a, .b = e->b};
		/* The reason's key, from poise's own table: the entry's text may go with the fold. */
		if (e->kind == EV_SKIP && e->text)
			c->unmark.text = skip_reason_key(
				(enum skip_reason)skip_reason_from_key(e->text));
		ret = undo_seq(ui, e->seq);
		c->last = LAST_UNMARK;
		return ret;
	}
	return record(ui, EV_SAID, (int)it.section, it.index, NULL);
}

static int call_skip(struct ui *ui, void *ctx, int key)
{
	struct sel_item it;
	char choices[256], q[320], keys[SKIP_COUNT + 1];
	int ch, reason;

	(void)key;
	if (!current_item(ui, ctx, &it) || it.section == SECTION_CHECKLIST) {
		ui_set_banner(ui, 0, _("select a line to say or ask first (Up/Down)"));
		return REDRAW;
	}
	if (!sel_on_screen(ui, ctx))
		return REDRAW;
	skip_reason_choices(choices, sizeof(choices), keys);
	snprintf(q, sizeof(q), _("skip this line because: %s  (Esc cancels)"), choices);
	ch = ui_ask_key(ui, q, keys, 1);
	reason = skip_reason_from_char(ch);
	if (reason < 0)
		return REDRAW;
	return record(ui, EV_SKIP, (int)it.section, it.index,
		      skip_reason_key((enum skip_reason)reason));
}

static int call_boundary(struct ui *ui, void *ctx, int key)
{
	(void)key;
	return goto_stage(ui, ctx, STAGE_BOUNDARY);
}

/*
 * A warning is logged only while its wording is on screen: the first w
 * scrolls to the next one and highlights it, the second logs it with the
 * very text shown. Any other key but moving puts it back.
 */
static int call_warn(struct ui *ui, void *ctx, int key)
{
	struct callscr *c = ctx;
	int next = ui->cs.warnings + 1;
	char *text;

	(void)key;
	if (ui->cs.stage != STAGE_BOUNDARY) {
		ui_set_banner(ui, 0, _("warnings are given in the boundary stage: press b first"));
		return REDRAW;
	}
	if (ui->cs.warnings >= PLAYBOOK_WARNINGS) {
		ui_set_banner(ui, 0,
			      _("all three warnings given; per policy you may end the call (x)"));
		return REDRAW;
	}
	if (c->warn_shown != next || c->body.sel_above || c->body.sel_below) {
		c->warn_shown = next;
		c->body.follow = 1;
		ui_set_banner(ui, 0, _("warning %d is highlighted: say it, then w logs it"), next);
		return REDRAW;
	}
	text = ui_fill(ui, ui->call_pb->warnings[next - 1]);
	if (!text) {
		ui_set_banner(ui, 1, _("warning not logged: out of memory"));
		return REDRAW;
	}
	c->warn_shown = 0;
	record(ui, EV_WARNING, next, 0, text);
	free(text);
	return REDRAW;
}

static int call_note(struct ui *ui, void *ctx, int key)
{
	char text[LIMIT_BYTES(LIMIT_NOTE)];

	(void)ctx, (void)key;
	/* A note half typed when the terminal closes is kept: 2 from ui_edit_note. */
	if (ui_edit_note(ui, _("note (Enter saves, Esc cancels):"), LIMIT_NOTE, text, sizeof(text)) &&
	    text[0])
		record_said(ui, EV_NOTE, text, _("note saved"));
	return REDRAW;
}

static int call_hold(struct ui *ui, void *ctx, int key)
{
	(void)ctx, (void)key;
	if (ui->cs.on_hold)
		return record(ui, EV_HOLD_END, 0, 0, NULL);
	return record(ui, EV_HOLD_START, 0, 0, NULL);
}

static int call_escalate(struct ui *ui, void *ctx, int key)
{
	char text[LIMIT_BYTES(LIMIT_REASON)];

	(void)ctx, (void)key;
	if (!ui_edit_text(ui, _("escalate, reason:"), LIMIT_REASON, text, sizeof(text), NULL,
			  NULL))
		return REDRAW;
	return record_said(ui, EV_ESCALATE, text, _("escalation saved"));
}

/*
 * The caller asked for a manager: the playbook's line (`manager:`), with
 * their name filled in, is shown and logged as the text shown.
 */
static int call_manager(struct ui *ui, void *ctx, int key)
{
	struct event ev = {.kind = EV_MANAGER, .stage = (int)ui->cs.stage};
	char *line = NULL;

	(void)ctx, (void)key;
	if (ui->call_pb->manager && !(line = ui_fill(ui, ui->call_pb->manager))) {
		ui_set_banner(ui, 1, _("manager request not logged: out of memory"));
		return REDRAW;
	}
	ev.text = line;
	if (ui_record(ui, &ev) == 0) {
		if (line)
			ui_set_banner(ui, 0, _("manager request saved. Say: %s"), line);
		else
			ui_set_banner(ui, 0,
				      _("manager request saved (this playbook has no "
					"'manager:' line to say)"));
	}
	free(line);
	return REDRAW;
}

/* The pacer runs, from any stage, until Esc or p again: both are events (the fold's pacing). */
static int call_breathe(struct ui *ui, void *ctx, int key)
{
	int start = !ui->cs.pacing;

	(void)key;
	record(ui, start ? EV_BREATHE : EV_BREATHE_END, 0, 0, NULL);
	if (start && ui->cs.pacing)
		((struct callscr *)ctx)->last = LAST_PACER;
	return REDRAW;
}

static int call_end(struct ui *ui, void *ctx, int key)
{
	(void)ctx, (void)key;
	/* WRAPUP closes an open hold itself (call.h), at the same moment. */
	record(ui, EV_WRAPUP, 0, 0, NULL);
	return ui->cs.phase == CALL_TALK ? REDRAW : QUIT;
}

static key_fn call_read;

#define CALL_KEYS(K)                                                                               \
	K(key_help, KEYS('?'), "?", N_("help"), N_("show this help"))                              \
	K(call_mood, KEYS('1', '2', '3', '4', '5'), "1-5", N_("mood"),                             \
	  N_("mood: 1 calm, 2 uneasy, 3 annoyed, 4 angry, 5 furious"))                             \
	K(call_next, KEYS(KF(KEY_RIGHT), '\t'), N_("Tab"), N_("next"),                             \
	  N_("next stage (Tab or Right arrow); boundary only with b"))                             \
	K(call_prev, KEYS(KF(KEY_LEFT), KF(KEY_BTAB)), N_("Left"), N_("back"),                     \
	  N_("back along the stages taken (Left arrow, or Shift-Tab)"))                            \
	K(call_move, KEYS(KF(KEY_UP), 'k', KF(KEY_DOWN), 'j', KF(KEY_NPAGE), KF(KEY_PPAGE)),       \
	  "j/k", N_("move"),                                                                       \
	  N_("move among the lines to say and tick, scrolling past the rest (Up/Down, "            \
	     "j/k); PgUp/PgDn scroll a page"))                                                     \
	K(call_mark, KEYS(' '), N_("Space"), N_("tick/said"),                                      \
	  N_("tick a checklist item, or mark a line said (again: un-mark it)"))                    \
	K(call_undo, KEYS('u'), "u", N_("undo"),                                                   \
	  N_("undo your last mark (again: the one before)"))                                       \
	K(call_skip, KEYS('s'), "s", N_("skip"),                                                   \
	  N_("skip the selected line, with a one-key reason"))                                     \
	K(call_boundary, KEYS('b'), "b", N_("boundary"),                                           \
	  N_("jump to the boundary stage from anywhere"))                                          \
	K(call_warn, KEYS('w'), "w", N_("warn"),                                                   \
	  N_("show the next boundary warning's wording; w again logs it as given (in boundary)"))  \
	K(call_note, KEYS('n'), "n", N_("note"), N_("add a note (Enter saves, Esc cancels)"))      \
	K(call_hold, KEYS('h'), "h", N_("hold"), N_("start or end a hold"))                        \
	K(call_escalate, KEYS('e'), "e", N_("escalate"),                                           \
	  N_("escalate the call (asks a short reason)"))                                           \
	K(call_manager, KEYS('m'), "m", N_("manager"),                                             \
	  N_("the customer asked for a manager: log it, see what to say"))                         \
	K(call_breathe, KEYS('p'), "p", N_("breathe"),                                             \
	  N_("breathing pacer, any stage: in 4, pause 4, out 4; p or Esc stops it"))               \
	K(call_end, KEYS('x'), "x", N_("end call"), N_("end the call and open the wrap-up"))       \
	K(call_read, KEYS('i'), "i", N_("read prompt"),                                            \
	  N_("read the coaching prompt in full, when it is cut"))

static const struct keybind call_keys[] = {CALL_KEYS(KEY_ENTRY)};
#define NCALL_KEYS (sizeof(call_keys) / sizeof(call_keys[0]))

static const struct keybind preview_quit = {KEYS('q'), "q", N_("quit"),
					    N_("quit the preview (nothing was logged)"), key_quit};

/*
 * The keys that work now. A preview logs nothing, so the keys that only
 * make a log (a note, an escalation, ending the call) are left out, and q
 * quits; every other key does what it does in a call.
 */
static size_t keys_now(const struct ui *ui, struct keybind *out)
{
	size_t n = 0;

	for (size_t i = 0; i < NCALL_KEYS; i++)
		if (!ui->preview || (call_keys[i].fn != call_end && call_keys[i].fn != call_note &&
				     call_keys[i].fn != call_escalate))
			out[n++] = call_keys[i];
	if (ui->preview)
		out[n++] = preview_quit;
	return n;
}

static int call_read(struct ui *ui, void *ctx, int key)
{
	char *line = callscr_prompt_text(ui);
	struct list_item it = {NULL, line, NULL, A_NORMAL, 0};

	(void)ctx, (void)key;
	if (!line) {
		ui_set_banner(ui, 0, _("no coaching prompt to read"));
		return REDRAW;
	}
	ui_pager(ui, _("poise - the coaching prompt"), &it, 1);
	free(line);
	return REDRAW;
}

/*
 * The keys that act while the screen is too small to be read: what logs
 * the talk as it goes (mood, hold, a tick or a line said, moving among the
 * lines and stages: each shown or taken back once the window is larger),
 * so nothing the agent does mid-call is lost. Every other key waits for a
 * larger window (ui_wait_larger): it ends the call (x), takes something
 * back (u), or opens what has to be read or answered (b's script, w's
 * wording, s's reasons, the note and escalation editors, m's line, the
 * pacer, a prompt, the help). A key added to the table waits until it is
 * named here.
 */
static int acts_unseen(const struct keybind *kb)
{
	return kb->fn == call_mood || kb->fn == call_hold || kb->fn == call_mark ||
	       kb->fn == call_move || kb->fn == call_next || kb->fn == call_prev ||
	       kb->fn == key_quit;
}

static int callscr_key(struct ui *ui, void *ctx, int key)
{
	struct keybind keys[NCALL_KEYS + 1];
	struct keymap km = {ui->preview ? N_("poise - keys of the preview")
					: N_("poise - keys of the call screen"),
			    keys, keys_now(ui, keys), BANNER_NOTE};
	const struct keybind *kb = keymap_find(km.keys, km.n, key);

	if (key == KEY_ESC && ui->cs.pacing) {
		record(ui, EV_BREATHE_END, 0, 0, NULL);
		return REDRAW;
	}
	if (kb && ui_too_small() && !acts_unseen(kb)) {
		char what[sizeof(ui->waiting)];

		snprintf(what, sizeof(what), "%s %s", ui_tr(kb->label), ui_tr(kb->brief));
		return ui_wait_larger(ui, what);
	}
	if (kb && kb->fn != call_warn && kb->fn != call_move)
		((struct callscr *)ctx)->warn_shown = 0;
	/* What u may take back is the last key's only (p, or Space un-marking). */
	if (kb && kb->fn != call_undo)
		((struct callscr *)ctx)->last = LAST_OTHER;
	return keymap_key(ui, &km, ctx, key);
}

void callscr_footer(struct ui *ui, struct footer *f, int maxlines)
{
	struct keybind keys[NCALL_KEYS + 1];

	footer_layout(f, keys, keys_now(ui, keys), maxlines);
}

/* No tick of its own: the loop redraws every second, which moves the pacer. */
const struct screen call_screen = {"call", callscr_draw, callscr_key, NULL, 1};
