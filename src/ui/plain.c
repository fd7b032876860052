/*
 * plain.c - `poise call --plain`: the live coach as plain lines, for screen
 * readers and the thinnest links (a 9600-baud line). One line per change
 * (the stage entered with its lines, a coaching prompt fired, each mark,
 * warnings, the call's time once a minute), single keys read in raw mode
 * (termios; no curses: no cursor addressing, no colour, no redraw), the
 * call screen's keys where they make sense, and `?` lists them.
 *
 * Nothing here is a second event path: every event goes through
 * ui_record (live_record: checked, stored, folded), the clock through
 * ui_call_tick (the prompts fire as on the call screen), a call starts
 * through session_start_call and a signal closes it through
 * session_interrupt, so the log is the call screen's, event for event.
 *
 * When stdin is not a terminal, lines are read: a line answers the
 * question asked, else each of its characters is a key; a line that is
 * only a key's name (tab, left, right, up, down, space, esc) is that key,
 * and an empty line is Enter. The end of input is a hang-up.
 */
#include "ui/app.h"
#include "poise/day.h"
#include "poise/i18n.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poise/followup.h"
#include "poise/text.h"
#include "poise/strbuf.h"
#include "poise/timeline.h"

enum {
	PK_NONE = 0,
	PK_ENTER = '\r',
	PK_ESC = 27,
	PK_BACKSPACE = 127,
	PK_LEFT = 0x110000,
	PK_RIGHT,
	PK_UP,
	PK_DOWN,
	PK_PGUP,
	PK_PGDN,
	PK_BTAB,
	PK_STOP = -1, /* a signal or the end of input: nothing more comes */
};

struct plain {
	struct ui *ui;
	int tty;
	char in[4096]; /* read, not yet taken */
	size_t inlen;
	int eof;
	int overlong; /* the line being read had its start dropped (longer than in) */
	int keys[256]; /* keys of a line read when stdin is not a terminal */
	int nkeys, nextkey;
	int sel;	    /* the selected line of the stage (say, ask, checklist in order) */
	int warn_shown;	    /* the warning w showed, not yet logged; 0 none */
	int64_t minute;	    /* the call's last whole minute said */
	size_t prompts_said; /* prompts of the fold already said */
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line; what it quotes (names, the playbook's lines) made safe (text.h). */
static void say(const char *fmt, ...)
{
	struct strbuf buf = {0};
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&buf, fmt, ap); /* whole, however long a note is */
	va_end(ap);
	text_fput(stdout, buf.oom ? _("out of memory") : buf.p, 0);
	free(buf.p);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Bytes from stdin within ms: 1 some, 0 none yet, -1 the end of input. */
static int fill(struct plain *p, int ms)
{
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	ssize_t n;

	if (p->eof)
		return -1;
	if (p->inlen == sizeof(p->in)) {
		p->inlen = 0; /* a line longer than any answer: dropped, not run as keys */
		p->overlong = 1;
	}
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	n = read(STDIN_FILENO, p->in + p->inlen, sizeof(p->in) - p->inlen);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		p->eof = 1;
		return -1;
	}
	p->inlen += (size_t)n;
	return 1;
}

static void take(struct plain *p, size_t n)
{
	memmove(p->in, p->in + n, p->inlen - n);
	p->inlen -= n;
}

/* What the clock did since the last look: prompts fired, the call's minute. */
static void say_prompt(struct plain *p);
static void say_news(struct plain *p)
{
	struct ui *ui = p->ui;
	const struct call_state *cs = &ui->cs;

	if (ui->in_call && p->prompts_said < cs->nprompts) {
		p->prompts_said = cs->nprompts;
		if (cs->prompt >= 0)
			say_prompt(p);
	}
	if (ui->in_call && cs->phase == CALL_TALK) {
		int64_t now = ui_now(), m = call_elapsed_ms(cs, now) / 60000;
		char call[16], stage[16], hold[16];

		if (m > p->minute) {
			p->minute = m;
			words_duration(call, sizeof(call), call_elapsed_ms(cs, now));
			words_duration(stage, sizeof(stage), call_in_stage_ms(cs, now));
			words_duration(hold, sizeof(hold), call_current_hold_ms(cs, now));
			say(_("time: call %s, %s %s%s%s"), call, stage_title(cs->stage), stage,
			    cs->on_hold ? ", on hold " : "", cs->on_hold ? hold : "");
		}
	}
	if (ui->banner[0]) {
		say("%s%s", ui->banner_error ? _("error: ") : "", ui->banner);
		ui->banner[0] = '\0';
		ui->banner_error = 0;
	}
}

/* Enough input to go on: a key's bytes; for a line, a '\n' or the end of input. */
static int have_input(const struct plain *p, int line)
{
	return line ? memchr(p->in, '\n', p->inlen) || p->eof : p->inlen > 0;
}

/*
 * Wait for input (a key's bytes, or a whole line), the clock going on: 1
 * it is there, PK_STOP when a signal came or the input ended with nothing
 * left. News is said only between questions (not when quiet); a line read
 * ahead is taken before it, as it came.
 */
static int wait_input(struct plain *p, int quiet, int line)
{
	for (;;) {
		if (line && have_input(p, 1))
			break;
		if (term_signal()) {
			p->ui->stopping = term_signal();
			return PK_STOP;
		}
		if (p->ui->in_call)
			ui_call_tick(p->ui, ui_now());
		if (!quiet)
			say_news(p);
		if (have_input(p, line) || (fill(p, UI_TICK_MS) < 0 && !p->inlen))
			break;
	}
	if (!p->inlen) {
		p->ui->stopping = SIGHUP; /* the end of input, as a terminal that hung up */
		return PK_STOP;
	}
	return 1;
}

/* A line of input (not a terminal): its bytes up to '\n', into buf; PK_STOP at the end. */
static int next_line(struct plain *p, char *buf, size_t size, int quiet)
{
	char *nl;
	size_t n;

	if (wait_input(p, quiet, 1) == PK_STOP)
		return PK_STOP;
	nl = memchr(p->in, '\n', p->inlen);
	n = nl ? (size_t)(nl - p->in) : p->inlen;
	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), p->in);
	take(p, nl ? n + 1 : n);
	buf[strcspn(buf, "\r")] = '\0';
	return 1;
}

static const struct {
	const char *name;
	int key;
} key_names[] = {{"tab", '\t'},	 {"left", PK_LEFT}, {"right", PK_RIGHT}, {"up", PK_UP},
		 {"down", PK_DOWN}, {"space", ' '},	    {"esc", PK_ESC},	 {"enter", PK_ENTER}};

/* One key from a terminal in raw mode: escape sequences for the arrows, Shift-Tab, PgUp/PgDn. */
static int tty_key(struct plain *p)
{
	unsigned char c = (unsigned char)p->in[0];
	char d;
	size_t i;

	if (c != 27) {
		take(p, 1);
		return c == '\n' ? PK_ENTER : c == 8 ? PK_BACKSPACE : c;
	}
	if (p->inlen == 1)
		fill(p, 25); /* the rest of a sequence, or Esc alone */
	if (p->inlen == 1 || (p->in[1] != '[' && p->in[1] != 'O')) {
		take(p, 1);
		return PK_ESC;
	}
	for (i = 2; i < p->inlen && !(p->in[i] >= 0x40 && p->in[i] <= 0x7e); i++)
		;
	if (i >= p->inlen) {
		take(p, p->inlen);
		return PK_NONE;
	}
	c = (unsigned char)p->in[i];
	d = i == 3 ? p->in[2] : 0; /* ESC [ 5 ~, ESC [ 6 ~ */
	take(p, i + 1);
	switch (c) {
	case 'A':
		return PK_UP;
	case 'B':
		return PK_DOWN;
	case 'C':
		return PK_RIGHT;
	case 'D':
		return PK_LEFT;
	case 'Z':
		return PK_BTAB;
	case '~':
		return d == '5' ? PK_PGUP : d == '6' ? PK_PGDN : PK_NONE;
	default:
		return PK_NONE;
	}
}

/* The next key, the clock going on meanwhile; PK_STOP when nothing more comes. */
static int next_key(struct plain *p)
{
	char line[512];

	if (p->tty) {
		int key;

		do {
			if (wait_input(p, 0, 0) == PK_STOP)
				return PK_STOP;
			key = tty_key(p);
		} while (key == PK_NONE);
		return key;
	}
	while (p->nextkey >= p->nkeys) {
		size_t n;

		p->overlong = 0;
		if (next_line(p, line, sizeof(line), 0) == PK_STOP)
			return PK_STOP;
		p->nkeys = p->nextkey = 0;
		if (p->overlong || strlen(line) >= sizeof(line) - 1) {
			/* the rest of a line too long to be keys: none of it runs as keys */
			say(_("a line too long to be keys was left out"));
			continue;
		}
		if (!line[0]) {
			p->keys[p->nkeys++] = PK_ENTER;
			continue;
		}
		for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
			if (!strcmp(line, key_names[i].name))
				p->keys[p->nkeys++] = key_names[i].key;
		for (n = 0; !p->nkeys && line[n] && n < sizeof(p->keys) / sizeof(p->keys[0]); n++)
			p->keys[n] = (unsigned char)line[n];
		if (!p->nkeys)
			p->nkeys = (int)n;
	}
	return p->keys[p->nextkey++];
}

/*
 * An answer as the store takes it (event_check), whatever the terminal
 * sent: a tab becomes a space (tabs separate an event's fields, as on the
 * call screen), and each character a terminal would obey and each byte
 * that is not UTF-8 (a Latin-1 terminal's e-acute) becomes U+FFFD: seen,
 * never lost, never refused. 0 when the answer, so made, is longer than
 * max characters or out's size bytes: refused whole, never cut.
 */
static int clean_answer(char *out, size_t size, size_t max)
{
	char raw[sizeof(((struct plain *)0)->in) + 1];
	size_t n = strlen(out);

	if (n >= sizeof(raw))
		return 0;
	memcpy(raw, out, n + 1);
	for (char *t = raw; (t = strchr(t, '\t'));)
		*t = ' ';
	return text_safe(out, size, raw, TEXT_KEEP_FORMAT) < size && limits_chars(out) <= max;
}

/* The answer is too long: nothing of it is kept. */
static int too_long(char *out, size_t max)
{
	out[0] = '\0';
	say(P_("too long: at most %zu character; not saved",
	       "too long: at most %zu characters; not saved", max),
	    max);
	return 0;
}

/*
 * A line typed as the answer to label: 1 given (maybe empty), 0 Esc, PK_STOP.
 * On a terminal the characters are echoed as typed and Backspace takes one
 * back ("\b \b"): no cursor addressing. At most max characters. What is
 * given (a draft at PK_STOP too) is clean_answer's.
 */
static int read_text(struct plain *p, const char *label, char *out, size_t size, size_t max)
{
	size_t len = 0, chars = 0;

	p->nkeys = p->nextkey = 0; /* what followed a key on its line is not an answer */
	text_fput(stdout, label, 0);
	fputc(' ', stdout);
	fflush(stdout);
	out[0] = '\0';
	if (!p->tty) {
		char line[sizeof(p->in) + 1];

		p->overlong = 0;
		if (next_line(p, line, sizeof(line), 1) == PK_STOP)
			return PK_STOP;
		if (p->overlong || strlen(line) >= size) {
			/* Never cut: a longer answer is refused whole, as Esc would. */
			fputc('\n', stdout);
			p->overlong = 0;
			return too_long(out, max);
		}
		memcpy(out, line, strlen(line) + 1);
		if (!clean_answer(out, size, max)) {
			fputc('\n', stdout);
			return too_long(out, max);
		}
		text_fput(stdout, out, 0); /* the answer in the transcript, as kept */
		fputc('\n', stdout);
		return 1;
	}
	for (;;) {
		int key;

		if (wait_input(p, 1, 0) == PK_STOP) {
			clean_answer(out, size, max); /* a draft is kept, cut if it must be */
			return PK_STOP;
		}
		key = tty_key(p);
		if (key == PK_ENTER || key == '\r') {
			fputc('\n', stdout);
			fflush(stdout);
			return clean_answer(out, size, max) ? 1 : too_long(out, max);
		}
		if (key == PK_ESC) {
			fputs(_(" (cancelled)"), stdout);
			fputc('\n', stdout);
			fflush(stdout);
			out[0] = '\0';
			return 0;
		}
		if (key == PK_BACKSPACE && len > 0) {
			while (len > 0 && ((unsigned char)out[--len] & 0xc0) == 0x80)
				;
			out[len] = '\0';
			chars--;
			fputs("\b \b", stdout);
		} else if (key >= 32 && key < 256 && key != PK_BACKSPACE && len + 1 < size &&
			   (chars < max || ((unsigned char)key & 0xc0) == 0x80)) {
			if (((unsigned char)key & 0xc0) != 0x80)
				chars++;
			out[len++] = (char)key;
			out[len] = '\0';
			fputc(key, stdout);
		}
		fflush(stdout);
	}
}

/* One key among keys (ASCII), asked with a line; 0 on Esc when esc_ok; PK_STOP. */
static int ask_key(struct plain *p, const char *question, const char *keys, int esc_ok)
{
	say("%s", question);
	for (;;) {
		int key = next_key(p);

		if (key == PK_STOP)
			return PK_STOP;
		if (key == PK_ESC && esc_ok)
			return 0;
		if (key > 0 && key < 128 && strchr(keys, key))
			return key;
	}
}

/* The selectable lines of the stage, in the call screen's order: say, ask, checklist. */
static int selectable(const struct call_state *cs, int want, enum section *sec, int *index)
{
	static const enum section order[] = {SECTION_SAY, SECTION_ASK, SECTION_CHECKLIST};
	int n = 0;

	for (size_t s = 0; s < sizeof(order) / sizeof(order[0]); s++)
		for (size_t i = 0; i < call_section_len(cs, cs->stage, order[s]); i++, n++)
			if (n == want) {
				*sec = order[s];
				*index = (int)i;
			}
	return n;
}

/* "Say 2: the line (said)", the name filled in. */
static void say_item(struct plain *p, const char *lead, enum section sec, int index, int number)
{
	struct ui *ui = p->ui;
	const struct call_state *cs = &ui->cs;
	const struct line_use *u = call_line(cs, cs->stage, sec, index);
	char *text = ui_fill(ui, ui->call_pb->stages[cs->stage].section[sec].items[index]);
	char tail[96] = "";

	if (sec == SECTION_CHECKLIST)
		snprintf(tail, sizeof(tail), cs->ticked[cs->stage] && cs->ticked[cs->stage][index]
						     ? _(" (ticked)")
						     : "");
	else if (u && u->mark == LINE_SAID)
		snprintf(tail, sizeof(tail), "%s", _(" (said)"));
	else if (u && u->mark == LINE_SKIPPED)
		snprintf(tail, sizeof(tail), _(" (skipped: %s)"),
			 u->reason >= 0 ? skip_reason_label((enum skip_reason)u->reason)
					: _("no reason"));
	if (number > 0)
		say("%s%s %d: %s%s", lead, section_title(sec), number, text ? text : "?", tail);
	else
		say("%s%s: %s%s", lead, section_title(sec), text ? text : "?", tail);
	free(text);
}

static void say_selected(struct plain *p)
{
	enum section sec = SECTION_SAY;
	int index = 0, n = selectable(&p->ui->cs, -1, &sec, &index);

	if (!n)
		return;
	if (p->sel >= n)
		p->sel = n - 1;
	selectable(&p->ui->cs, p->sel, &sec, &index);
	say_item(p, "> ", sec, index, p->sel + 1);
}

static void say_warnings(struct plain *p)
{
	struct ui *ui = p->ui;

	for (int i = 0; i < PLAYBOOK_WARNINGS; i++) {
		char *text = ui_fill(ui, ui->call_pb->warnings[i]);

		say(_("Warning %d: %s%s"), i + 1, text ? text : "?",
		    i < ui->cs.warnings ? _(" (given)") : i == ui->cs.warnings ? _(" (next: w)") : "");
		free(text);
	}
}

/* The stage entered: its goal, then every line of it, the selectable ones numbered. */
static void say_stage(struct plain *p)
{
	struct ui *ui = p->ui;
	const struct call_state *cs = &ui->cs;
	const struct pb_stage *st = &ui->call_pb->stages[cs->stage];
	int number = 0;

	say(_("Stage %d of %d: %s. %s"), (int)cs->stage + 1, STAGE_COUNT, stage_title(cs->stage),
	    st->goal);
	if (cs->stage == STAGE_BOUNDARY)
		say_warnings(p);
	for (int s = 0; s < SECTION_COUNT; s++) {
		int numbered = s == SECTION_SAY || s == SECTION_ASK || s == SECTION_CHECKLIST;

		for (size_t i = 0; i < st->section[s].len; i++)
			say_item(p, "", (enum section)s, (int)i, numbered ? ++number : 0);
	}
}

static void say_prompt(struct plain *p)
{
	char *line = callscr_prompt_text(p->ui);

	if (line)
		say(_("prompt: %s"), line);
	free(line);
}

/* Record ev through the one live path; its words said when it is kept. 0 kept. */
static int rec(struct plain *p, struct event ev)
{
	struct ui *ui = p->ui;
	char *words = timeline_describe(&ui->cs, &ui->meta, &ev);

	if (ui_record(ui, &ev) != 0) {
		free(words);
		say_news(p); /* the reason, from the banner */
		return -1;
	}
	if (ev.kind == EV_STAGE || ev.kind == EV_RESUME) {
		enum section sec = SECTION_SAY, s2 = SECTION_SAY;
		int index = 0, i2 = 0;

		p->sel = 0;
		if (call_stage_place(&ui->cs, &sec, &index))
			for (int i = 0, n = selectable(&ui->cs, -1, &s2, &i2); i < n; i++) {

				selectable(&ui->cs, i, &s2, &i2);
				if (s2 == sec && i2 == index)
					p->sel = i;
			}
		say_stage(p);
	} else if (ev.kind != EV_START) {
		say("%s", words ? words : _("out of memory"));
	}
	free(words);
	return 0;
}

static struct event ev_of(const struct plain *p, enum event_kind kind, int a, int b,
			  const char *text)
{
	return (struct event){.kind = kind, .stage = (int)p->ui->cs.stage, .a = a, .b = b,
			      .text = text};
}

static void say_keys(void)
{
	say(_("keys: 1-5 mood; Tab or Right next stage; Left or Shift-Tab back; b boundary; "
	    "j/k or Down/Up select a line; Space mark it said or tick it (again: un-mark); "
	    "s skip it; u undo; w warning (shows it, w again logs it); n note; h hold; "
	    "e escalate; m manager asked; p breathe; i read the prompt; r read the stage "
	    "again; x end the call; ? these keys"));
}

static void mark(struct plain *p)
{
	const struct call_state *cs = &p->ui->cs;
	enum section sec = SECTION_SAY;
	int index = 0;

	if (!selectable(cs, -1, &sec, &index)) {
		say(_("nothing to mark in this stage"));
		return;
	}
	selectable(cs, p->sel, &sec, &index);
	if (sec == SECTION_CHECKLIST)
		rec(p, ev_of(p, EV_CHECK, index, !(cs->ticked[cs->stage] &&
						    cs->ticked[cs->stage][index]),
			     NULL));
	else if (cs->lines[cs->stage][sec][index].mark != LINE_SHOWN)
		rec(p, ev_of(p, EV_UNDO, (int)call_line_mark_seq(cs, sec, index), 0, NULL));
	else
		rec(p, ev_of(p, EV_SAID, (int)sec, index, NULL));
}

/* Skip the selected line, with a reason: 0, or -1 when a signal stopped poise meanwhile. */
static int skip(struct plain *p)
{
	enum section sec = SECTION_SAY;
	char choices[256], q[320], keys[SKIP_COUNT + 1];
	int index = 0, ch, reason;

	if (!selectable(&p->ui->cs, -1, &sec, &index) ||
	    (selectable(&p->ui->cs, p->sel, &sec, &index), sec == SECTION_CHECKLIST)) {
		say(_("select a line to say or ask first (j/k)"));
		return 0;
	}
	skip_reason_choices(choices, sizeof(choices), keys);
	snprintf(q, sizeof(q), _("skip this line because: %s  (Esc cancels)"), choices);
	ch = ask_key(p, q, keys, 1);
	if (ch == PK_STOP)
		return -1;
	if ((reason = skip_reason_from_char(ch)) >= 0)
		rec(p, ev_of(p, EV_SKIP, (int)sec, index,
			     skip_reason_key((enum skip_reason)reason)));
	return 0;
}

/* Move the call to stage, the event naming the stage it leaves (as the call screen's). */
static void to_stage(struct plain *p, int stage)
{
	rec(p, (struct event){.kind = EV_STAGE, .stage = stage, .a = (int)p->ui->cs.stage});
}

static void warn(struct plain *p)
{
	struct ui *ui = p->ui;
	int next = ui->cs.warnings + 1;
	char *text;

	if (ui->cs.stage != STAGE_BOUNDARY) {
		say(_("warnings are given in the boundary stage: press b first"));
		return;
	}
	if (ui->cs.warnings >= PLAYBOOK_WARNINGS) {
		say(_("all three warnings given; per policy you may end the call (x)"));
		return;
	}
	if (!(text = ui_fill(ui, ui->call_pb->warnings[next - 1])))
		return;
	if (p->warn_shown != next) {
		p->warn_shown = next;
		say(_("Warning %d, say it: %s (w again logs it)"), next, text);
	} else {
		p->warn_shown = 0;
		rec(p, ev_of(p, EV_WARNING, next, 0, text));
	}
	free(text);
}

/* Ask a line, record it as a kind event: 0, or -1 when a signal stopped poise meanwhile. */
static int text_event(struct plain *p, enum event_kind kind, const char *label, size_t max)
{
	char text[LIMIT_BYTES(LIMIT_NOTE) + LIMIT_BYTES(LIMIT_REASON)];
	int got = read_text(p, label, text, sizeof(text), max);

	if (got == PK_STOP) {
		/* A note half typed when the terminal closes is kept, as on the call screen. */
		if (kind == EV_NOTE && text[0])
			rec(p, ev_of(p, kind, 0, 0, text));
		return -1;
	}
	if (got == 1 && (text[0] || kind == EV_ESCALATE))
		rec(p, ev_of(p, kind, 0, 0, text));
	return 0;
}

static void manager(struct plain *p)
{
	struct ui *ui = p->ui;
	char *line = ui->call_pb->manager ? ui_fill(ui, ui->call_pb->manager) : NULL;

	if (rec(p, ev_of(p, EV_MANAGER, 0, 0, line)) == 0)
		say(line ? _("say: %s") : "%s",
		    line ? line : _("this playbook has no 'manager:' line to say"));
	free(line);
}

/* The talk, key by key: 1 the wrap-up is next, -1 stopped. */
static int talk(struct plain *p)
{
	struct ui *ui = p->ui;

	while (ui->cs.phase == CALL_TALK) {
		int key = next_key(p), n, stage, stopped = 0;
		enum section sec = SECTION_SAY;
		int index = 0;

		if (key == PK_STOP)
			return -1;
		if (key != 'w')
			p->warn_shown = 0;
		switch (key) {
		case '1': case '2': case '3': case '4': case '5':
			rec(p, ev_of(p, EV_MOOD, key - '0', 0, NULL));
			break;
		case '\t': case PK_RIGHT:
			if ((stage = call_next_stage(&ui->cs)) < 0)
				say(_("this is the last stage; x ends the call"));
			else
				to_stage(p, stage);
			break;
		case PK_LEFT: case PK_BTAB:
			if ((stage = call_prev_stage(&ui->cs)) < 0)
				say(_("this is where the call began; Tab goes on"));
			else
				to_stage(p, stage);
			break;
		case 'b':
			if (ui->cs.stage != STAGE_BOUNDARY)
				to_stage(p, STAGE_BOUNDARY);
			break;
		case 'j': case PK_DOWN: case 'k': case PK_UP:
			n = selectable(&ui->cs, -1, &sec, &index);
			if (key == 'j' || key == PK_DOWN)
				p->sel = p->sel + 1 < n ? p->sel + 1 : p->sel;
			else
				p->sel = p->sel > 0 ? p->sel - 1 : 0;
			say_selected(p);
			break;
		case ' ':
			mark(p);
			break;
		case 's':
			stopped = skip(p);
			break;
		case 'u': {
			int64_t seq = call_undo_target(&ui->cs);
			const struct call_entry *e = call_entry_of(&ui->cs, seq);
			char *what;
			struct event undone;

			if (!seq || !e) {
				say(_("nothing to undo: no mark left in this call"));
				break;
			}
			undone = call_entry_event(e);
			what = timeline_describe(&ui->cs, &ui->meta, &undone);
			if (ui_record(ui, &(struct event){.kind = EV_UNDO,
							  .stage = (int)ui->cs.stage,
							  .a = (int)seq}) == 0)
				say(_("undone: %s"), what ? what : _("out of memory"));
			else
				say_news(p);
			free(what);
			break;
		}
		case 'w':
			warn(p);
			break;
		case 'n':
			stopped = text_event(p, EV_NOTE, _("note (Enter saves, Esc cancels):"),
					     LIMIT_NOTE);
			break;
		case 'h':
			rec(p, ev_of(p, ui->cs.on_hold ? EV_HOLD_END : EV_HOLD_START, 0, 0, NULL));
			break;
		case 'e':
			stopped = text_event(p, EV_ESCALATE, _("escalate, reason:"), LIMIT_REASON);
			break;
		case 'm':
			manager(p);
			break;
		case 'p':
			if (rec(p, ev_of(p, EV_BREATHE, 0, 0, NULL)) == 0)
				say(_("breathe: in for 4, pause for 4, out for 4; twice more"));
			break;
		case 'i':
			if (ui->cs.prompt >= 0)
				say_prompt(p);
			else
				say(_("no coaching prompt to read"));
			break;
		case 'r':
			say_stage(p);
			break;
		case '?':
			say_keys();
			break;
		case 'x':
			rec(p, ev_of(p, EV_WRAPUP, 0, 0, NULL));
			break;
		default:
			break;
		}
		if (stopped)
			return -1; /* a question was open when a signal stopped poise */
	}
	return 1;
}

/* The wrap-up's questions as lines: 0 closed, 1 back to the call, -1 stopped. */
static int wrapup(struct plain *p)
{
	struct ui *ui = p->ui;
	const struct playbook *pb = ui->call_pb;
	char q[1024], keys[32] = "", due[64], day[11], today[11];
	char channel[LIMIT_BYTES(LIMIT_CHANNEL)], promise[LIMIT_BYTES(LIMIT_PROMISE)];
	char fu[sizeof(day) + sizeof(channel) + sizeof(promise) + 4];
	char well[LIMIT_BYTES(LIMIT_REFLECTION)], improve[LIMIT_BYTES(LIMIT_REFLECTION)];
	char refl[sizeof(well) + sizeof(improve) + 2];
	char choices[256], outcome_keys[OUTCOME_COUNT + 1];
	size_t qlen, k = 0;
	int ch;

	say(_("Wrap-up."));
	outcome_choices(choices, sizeof(choices), outcome_keys);
	snprintf(q, sizeof(q), _("How did the call end? %s  (Esc: back to the call)"), choices);
	while (ui->cs.outcome == OUTCOME_NONE) {
		ch = ask_key(p, q, outcome_keys, 1);
		if (ch == PK_STOP)
			return -1;
		if (ch == 0) {
			if (rec(p, ev_of(p, EV_UNDO, (int)call_undo_target(&ui->cs), 0, NULL)) == 0) {
				say(_("back to the call; x ends it again"));
				return 1;
			}
			continue;
		}
		rec(p, ev_of(p, EV_OUTCOME, 0, 0, outcome_key(outcome_from_char(ch))));
	}
	qlen = (size_t)snprintf(q, sizeof(q), "%s", _("What was it about?"));
	for (size_t i = 0; i < pb->ncauses && i < 9 && qlen < sizeof(q); i++) {
		keys[k++] = (char)('1' + i);
		qlen += (size_t)snprintf(q + qlen, sizeof(q) - qlen, "  %zu %s", i + 1,
					 pb->causes[i].label);
	}
	while (!ui->cs.cause && k) {
		if ((ch = ask_key(p, q, keys, 0)) == PK_STOP)
			return -1;
		rec(p, ev_of(p, EV_CAUSE, 0, 0, pb->causes[ch - '1'].id));
	}
	day_format(0, ui_now(), today);
	while (!ui->cs.followup) {
		struct poise_error err;

		if (read_text(p,
			      _("Anything promised for later? Due: YYYY-MM-DD, today, tomorrow, a "
			      "weekday such as fri, or +N days (Enter skips):"),
			      due, sizeof(due), sizeof(due) - 1) == PK_STOP)
			return -1;
		if (!due[0])
			break;
		poise_error_clear(&err);
		if (followup_parse_due(due, today, day, &err) != POISE_OK) {
			say("%s", err.msg);
			continue;
		}
		if (read_text(p, _("follow-up channel, e.g. phone or email (Enter skips):"), channel,
			      sizeof(channel), LIMIT_CHANNEL) == PK_STOP ||
		    read_text(p, _("promise made (Enter skips):"), promise, sizeof(promise),
			      LIMIT_PROMISE) == PK_STOP)
			return -1;
		snprintf(fu, sizeof(fu), "%s\t%s\t%s", day, channel, promise);
		rec(p, ev_of(p, EV_FOLLOWUP, 0, 0, fu));
		break;
	}
	if (!ui->cs.reflection) {
		if (read_text(p, _("What went well? (Enter skips):"), well, sizeof(well),
			      LIMIT_REFLECTION) == PK_STOP ||
		    read_text(p, _("What to improve? (Enter skips):"), improve, sizeof(improve),
			      LIMIT_REFLECTION) == PK_STOP)
			return -1;
		snprintf(refl, sizeof(refl), "%s\t%s", well, improve);
		if (well[0] || improve[0])
			rec(p, ev_of(p, EV_REFLECTION, 0, 0, refl));
	}
	while (rec(p, ev_of(p, EV_END, 0, 0, NULL)) != 0)
		if (ask_key(p, _("The call could not be closed; press Enter to retry"), "\r", 0) ==
		    PK_STOP)
			return -1;
	say(_("Call saved."));
	return 0;
}

/* The caller's name and reference, asked as lines; 0, or -1 stopped. */
static int ask_caller(struct plain *p, struct caller *c)
{
	memset(c, 0, sizeof(*c));
	if (read_text(p, _("Next caller's name (Enter skips):"), c->customer, sizeof(c->customer),
		      FIELD_CUSTOMER_MAX) == PK_STOP ||
	    read_text(p, _("Reference (Enter skips):"), c->ref, sizeof(c->ref), FIELD_REF_MAX) ==
		    PK_STOP)
		return -1;
	return 0;
}

/* The call in ui (started or resumed) from its talk through the wrap-up; 0, or -1 stopped. */
static int run_call(struct plain *p)
{
	struct ui *ui = p->ui;

	for (;;) {
		int rc = talk(p);

		if (rc < 0)
			return -1;
		rc = wrapup(p);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		say_stage(p);
	}
	session_end_call(ui);
	return 0;
}

static int one_call(struct plain *p, const struct caller *c)
{
	struct ui *ui = p->ui;

	if (session_start_call(ui, c) != 0) {
		say_news(p);
		return -1;
	}
	p->minute = 0;
	p->prompts_said = 0;
	p->sel = 0;
	say(_("Call with %s started (playbook %s %s)."), ui_customer(ui), ui->call_pb->id,
	    ui->call_pb->version);
	say_stage(p);
	return run_call(p);
}

/*
 * The unfinished call the call screen would offer (session_unfinished), as
 * a line and one key: r resumes it (session_resume_call, the screen's
 * RESUME) and the call goes on here; n sets it aside as the screen's c
 * does. 0 a new call is next, 1 the resumed call ran to its end, -1 quit
 * or stopped.
 */
static int offer_resume(struct plain *p)
{
	struct ui *ui = p->ui;
	struct call_meta other;
	char why[600], when[64];
	int busy, found, ch;

	found = session_unfinished(ui, &busy, &other, why, sizeof(why));
	if (found == UNF_NONE) {
		if (!busy)
			return 0;
		day_locale_datetime(when, sizeof(when), other.started, 0);
		say(_("A call is open in another poise window: customer %s, started %s. It "
		      "stays with that window."),
		    other.customer[0] ? other.customer : _("(no name)"), when);
		ch = ask_key(p, _("n new call here   q quit"), "nq", 0);
		return ch == 'n' ? 0 : -1;
	}
	day_locale_datetime(when, sizeof(when), ui->meta.started, 0);
	if (found == UNF_BROKEN) {
		say(_("Unfinished call: customer %s, started %s. It cannot be resumed: %s."),
		    ui->meta.customer[0] ? ui->meta.customer : _("(no name)"), when, why);
		ch = ask_key(p, _("n new call (this one is closed as interrupted)   q quit"), "nq",
			     0);
	} else {
		say(_("Unfinished call: customer %s, started %s, in the %s stage."),
		    ui->meta.customer[0] ? ui->meta.customer : _("(no name)"), when,
		    stage_title(ui->cs.stage));
		ch = ask_key(p, _("r resume   n new call (this one is closed as interrupted)   q quit"),
			     "rnq", 0);
	}
	if (ch == 'n') {
		session_close_unfinished(ui, found == UNF_READY);
		return 0;
	}
	if (ch != 'r') {
		session_end_call(ui);
		return -1;
	}
	if (session_resume_call(ui) != 0) {
		say_news(p);
		return -1;
	}
	p->minute = call_elapsed_ms(&ui->cs, ui_now()) / 60000;
	p->prompts_said = ui->cs.nprompts;
	p->sel = 0;
	say(_("Call with %s resumed (playbook %s %s)."), ui_customer(ui), ui->call_pb->id,
	    ui->call_pb->version);
	say_stage(p);
	return run_call(p) == 0 ? 1 : -1;
}

int ui_call_plain(const struct call_opts *opts, struct poise_error *err)
{
	struct plain *p = calloc(1, sizeof(*p));
	struct ui *ui = calloc(1, sizeof(*ui));
	struct caller c;
	int rc = 1, ch, resumed;

	if (!p || !ui) {
		poise_error_nomem(err);
		goto out;
	}
	p->ui = ui;
	ui->opts = opts;
	ui->sync_off = 1;
	p->tty = isatty(STDIN_FILENO);
	if (session_open(ui, err) != 0)
		goto out;
	term_plain_start();
	say(_("poise, plain mode: playbook %s %s. ? lists the keys."), ui->pb->id, ui->pb->version);
	memset(&c, 0, sizeof(c));
	if ((resumed = offer_resume(p)) < 0) {
		goto stop;
	} else if (resumed) {
		/* the resumed call has ended: the next one is asked for below */
	} else if (opts->customer) {
		snprintf(c.customer, sizeof(c.customer), "%s", opts->customer);
		snprintf(c.ref, sizeof(c.ref), "%s", opts->ref ? opts->ref : "");
	} else if (ask_caller(p, &c) != 0) {
		goto stop;
	} else if (!c.ref[0] && opts->ref) {
		snprintf(c.ref, sizeof(c.ref), "%s", opts->ref);
	}
	for (;;) {
		if (!resumed && one_call(p, &c) != 0)
			break;
		resumed = 0;
		ch = ask_key(p, _("Ready for the next call: Enter or c starts it, q quits."), "\rcq", 0);
		if (ch == PK_STOP || ch == 'q' || ask_caller(p, &c) != 0)
			break;
	}
stop:
	rc = ui->stopping ? session_interrupt(ui, ui->stopping) : 0;
	if (ui->stopping)
		say(_("Stopped by %s: the call is kept, and poise call offers to resume it."),
		    ui->stopping == SIGHUP ? _("a hang-up") : _("a signal"));
	term_plain_stop();
out:
	session_close(ui);
	free(p);
	return rc;
}
