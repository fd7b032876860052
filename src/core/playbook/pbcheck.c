/*
 * pbcheck.c - the call screen's layout arithmetic and lint's warnings.
 *
 * The layout mirrors src/ui/calllayout.c and src/ui/draw.c at full size:
 * a list item with a mark is indented four columns, a section heading is a
 * row of its own, a line that has been said carries "  (said)", a warning
 * that was given "  (given at HH:MM:SS)"; text wraps at the last space
 * that fits, as draw.c's next_line() does.
 */
#include "poise/pbcheck.h"
#include "poise/i18n.h"
#include "poise/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ITEM_INDENT 4
#define SAID_TAIL   "  (said)"
#define GIVEN_TAIL  "  (given at 00:00:00)"
#define WARN_HEAD   "Warnings, word for word (w logs the next)"

/* The next code point of s (advanced); invalid bytes count as one column. */
static unsigned long next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	int more = p[0] >= 0xf0 ? 3 : p[0] >= 0xe0 ? 2 : p[0] >= 0xc0 ? 1 : 0;
	unsigned long cp = more ? p[0] & (0x3f >> more) : p[0];

	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += 1;
			return '?';
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*s += more + 1;
	return cp;
}

int fit_text_cols(const char *utf8)
{
	return text_columns(utf8);
}

/* Decode utf8 into code points (caller frees); *n gets the count. */
static unsigned long *decode(const char *utf8, size_t *n)
{
	const unsigned char *p = (const unsigned char *)utf8;
	unsigned long *cps = malloc((strlen(utf8) + 1) * sizeof(*cps));

	*n = 0;
	while (cps && *p)
		cps[(*n)++] = next_cp(&p);
	if (cps)
		cps[*n] = 0;
	return cps;
}

/* draw.c's next_line(): the length of the row at s and where the next one starts. */
static size_t next_row(const unsigned long *s, int w, size_t *next)
{
	size_t i = 0, brk = 0;
	int cols = 0;

	while (s[i] && s[i] != '\n') {
		int c = text_cp_columns((unsigned)s[i]);

		if (cols + c > w)
			break;
		if (s[i] == ' ')
			brk = i;
		cols += c;
		i++;
	}
	if (s[i] == '\n') {
		*next = i + 1;
		return i;
	}
	if (!s[i] || brk == 0 || s[i] == ' ')
		brk = i;
	if (brk == 0)
		brk = 1;
	*next = brk;
	while (s[*next] == ' ')
		(*next)++;
	return brk;
}

int fit_text_rows(const char *utf8, int width)
{
	size_t n, next;
	unsigned long *cps = decode(utf8, &n), *p = cps;
	int rows = 0;

	/* empty text is one empty row (draw.c's loop would step past its end) */
	if (!cps || width <= 0 || !n) {
		free(cps);
		return 1;
	}
	do {
		next_row(p, width, &next);
		rows++;
		p += next;
	} while (*p);
	free(cps);
	return rows;
}

/* text with the placeholders filled as the screen fills them, plus tail. */
static char *filled(const char *text, const char *tail)
{
	size_t cap = strlen(text) * 4 + strlen(tail) + 64, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (*text && len + 40 < cap) {
		if (!strncmp(text, "{customer}", 10)) {
			len += (size_t)snprintf(out + len, cap - len, "%s", FIT_CUSTOMER);
			text += 10;
		} else if (!strncmp(text, "{agent}", 7)) {
			len += (size_t)snprintf(out + len, cap - len, "%s", FIT_AGENT);
			text += 7;
		} else {
			out[len++] = *text++;
		}
	}
	snprintf(out + len, cap - len, "%s", tail);
	return out;
}

static int item_rows(const char *text, const char *tail, int width)
{
	char *s = filled(text, tail);
	int rows = s ? fit_text_rows(s, width) : 1;

	free(s);
	return rows;
}

struct layout {
	struct fit_stage *out;
	int used;
};

static void place(struct layout *l, int rows, int section, size_t index, const char *text)
{
	l->used += rows;
	if (l->used > l->out->have && !l->out->out_text) {
		l->out->out_section = section;
		l->out->out_index = index;
		l->out->out_text = text;
	}
}

void fit_stage(const struct playbook *pb, enum stage s, int cols, int rows, struct fit_stage *out)
{
	const struct pb_stage *st = &pb->stages[s];
	struct layout l = {out, 0};
	int w = cols - 2, goal_rows, top;
	char *goal;
	size_t len = strlen(stage_title(s)) + strlen(st->goal ? st->goal : "") + 3;

	memset(out, 0, sizeof(*out));
	goal = malloc(len);
	if (goal)
		snprintf(goal, len, "%s: %s", stage_title(s), st->goal ? st->goal : "");
	goal_rows = goal ? fit_text_rows(goal, w) : 1;
	free(goal);
	if (goal_rows > 2)
		goal_rows = 2;
	top = 3 + goal_rows + 1;
	out->have = rows - FIT_FOOTER_ROWS - 1 - top;
	if (s == STAGE_BOUNDARY) {
		place(&l, fit_text_rows(WARN_HEAD, w), -1, 0, WARN_HEAD);
		for (size_t i = 0; i < PLAYBOOK_WARNINGS; i++)
			if (pb->warnings[i])
				place(&l, item_rows(pb->warnings[i], GIVEN_TAIL, w - ITEM_INDENT),
				      -1, i, pb->warnings[i]);
	}
	for (int sec = 0; sec < SECTION_COUNT; sec++) {
		const struct strlist *list = &st->section[sec];
		const char *tail = sec == SECTION_SAY || sec == SECTION_ASK ? SAID_TAIL : "";

		if (!list->len)
			continue;
		place(&l, 1, sec, 0, section_title((enum section)sec));
		for (size_t i = 0; i < list->len; i++)
			place(&l, item_rows(list->items[i], tail, w - ITEM_INDENT), sec, i,
			      list->items[i]);
	}
	out->need = l.used;
}

int fit_prompt_cols(const struct pb_rule *r)
{
	const char *hint = rule_action_hint(r->action);
	char *msg = filled(r->message ? r->message : "", "");
	int cols = 2 + fit_text_cols(hint) + (*hint ? 1 : 0) + (msg ? fit_text_cols(msg) : 0);

	free(msg);
	return cols;
}

struct check {
	const struct playbook *pb;
	pbcheck_fn fn;
	void *ctx;
	size_t n;
};

static void warn(struct check *c, struct pb_pos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct check *c, struct pb_pos at, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	/* Inherited, unchanged: point at the `extends:` that brought it in. */
	if (!at.line)
		at = c->pb->extends_at;
	c->n++;
	c->fn(c->ctx, at, msg);
}

static void check_fit(struct check *c, enum stage s)
{
	struct fit_stage f;

	fit_stage(c->pb, s, FIT_COLS, FIT_ROWS, &f);
	if (f.need <= f.have)
		return;
	warn(c, c->pb->stages[s].at,
	     "stage '%s' needs %d rows and %d fit at %dx%d: from '%.60s' on, its lines are "
	     "below the fold; cut or shorten lines, most important first",
	     stage_key(s), f.need, f.have, FIT_COLS, FIT_ROWS, f.out_text);
}

/*
 * How many questions a line asks: its question marks, or, with one, a second
 * question joined on by "and"/"or" and a question word ("What happened, and
 * when did you notice?"). English and Spanish words; a heuristic, so a
 * warning, never an error.
 */
static int questions(const char *line)
{
	static const char *const joins[] = {" and ", " or ", " y ", " o "};
	static const char *const words[] = {"when ",  "what ",	"how ",	   "why ", "where ",
					    "who ",   "which ", "cuándo ", "qué ", "cómo ",
					    "dónde ", "quién ", "cuál "};
	int q = 0;

	for (const char *p = line; *p; p++)
		q += *p == '?';
	if (q != 1)
		return q;
	for (size_t j = 0; j < sizeof(joins) / sizeof(joins[0]); j++)
		for (const char *p = strstr(line, joins[j]); p; p = strstr(p + 1, joins[j]))
			for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
				if (!strncmp(p + strlen(joins[j]), words[w], strlen(words[w])))
					return 2;
	return 1;
}

static void check_questions(struct check *c, enum stage s)
{
	const struct strlist *ask = &c->pb->stages[s].section[SECTION_ASK];

	for (size_t i = 0; i < ask->len; i++) {
		int q = questions(ask->items[i]);

		if (q > 1)
			warn(c, c->pb->stages[s].at,
			     "stage '%s': ask line %zu asks %d questions; ask one, then wait "
			     "for the answer",
			     stage_key(s), i + 1, q);
	}
}

/* Code points of a UTF-8 string. */
static size_t codepoints(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void check_lengths(struct check *c, enum stage s)
{
	const struct pb_stage *st = &c->pb->stages[s];

	for (int sec = 0; sec < SECTION_COUNT; sec++)
		for (size_t i = 0; i < st->section[sec].len; i++) {
			size_t n = codepoints(st->section[sec].items[i]);

			if (n > PBCHECK_ITEM_MAX)
				warn(c, st->at,
				     "stage '%s': %s line %zu is %zu characters; keep each to %d "
				     "so "
				     "it reads at a glance",
				     stage_key(s), section_key((enum section)sec), i + 1, n,
				     PBCHECK_ITEM_MAX);
		}
}

static void check_stage(struct check *c, enum stage s)
{
	const struct pb_stage *st = &c->pb->stages[s];

	check_fit(c, s);
	check_questions(c, s);
	check_lengths(c, s);
	/* Boundary's lines to say are its three warnings. */
	if (!st->section[SECTION_SAY].len && !(s == STAGE_BOUNDARY && c->pb->warnings[0]))
		warn(c, st->at,
		     "stage '%s' has no 'say' lines; give the agent at least one thing ready "
		     "to say",
		     stage_key(s));
	if (st->timebox && !st->timebox_why)
		warn(c, st->at,
		     "stage '%s' has a timebox of %d s and no 'timebox-why:'; say why that "
		     "long, so the next trainer can judge it",
		     stage_key(s), st->timebox);
}

static void check_rule(struct check *c, const struct pb_rule *r)
{
	int listen = c->pb->stages[STAGE_LISTEN].timebox, cols = fit_prompt_cols(r);

	if (cols > FIT_COLS - 2)
		warn(c, r->at,
		     "rule '%s': its prompt needs %d columns with the key hint; %d fit on one "
		     "line at %d columns",
		     r->id, cols, FIT_COLS - 2, FIT_COLS);
	if (!r->why)
		warn(c, r->at,
		     "rule '%s' has no 'why:'; say why it fires when it does, so the next "
		     "trainer can judge it",
		     r->id);
	if (r->kind == RULE_TIMEBOX) {
		int any = 0;

		for (int s = 0; s < STAGE_COUNT; s++)
			any |= c->pb->stages[s].timebox &&
			       (!r->only_stage || r->only_stage - 1 == s);
		if (!any && r->only_stage)
			warn(c, r->at,
			     "rule '%s' can never fire: stage '%s' has no timebox; give it one "
			     "or remove the rule",
			     r->id, stage_key((enum stage)(r->only_stage - 1)));
		else if (!any)
			warn(c, r->at,
			     "rule '%s' can never fire: no stage has a timebox; give one a "
			     "timebox or remove the rule",
			     r->id);
	}
	if (r->kind == RULE_MOOD && r->action == ACTION_ESCALATE && r->seconds < listen)
		warn(c, r->at,
		     "rule '%s' prompts to escalate after %d s, before listen's timebox "
		     "(%d s) has given the caller time to vent",
		     r->id, r->seconds, listen);
}

size_t pbcheck_run(const struct playbook *pb, pbcheck_fn fn, void *ctx)
{
	struct check c = {pb, fn, ctx, 0};

	for (int s = 0; s < STAGE_COUNT; s++)
		check_stage(&c, (enum stage)s);
	for (size_t i = 0; i < pb->nrules; i++)
		check_rule(&c, &pb->rules[i]);
	if (!pb->manager)
		warn(&c, pb->id_at,
		     "playbook '%s' has no 'manager:' line; when the caller asks for a "
		     "manager (m), the agent is shown nothing to say",
		     pb->id);
	for (size_t i = 0; i < pb->ncauses; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcasecmp(pb->causes[i].label, pb->causes[j].label)) {
				warn(&c, pb->extends_at,
				     "causes '%s' and '%s' have the same label '%.60s'; an agent "
				     "cannot tell them apart, so one of them will go unused",
				     pb->causes[j].id, pb->causes[i].id, pb->causes[i].label);
				break;
			}
	return c.n;
}
