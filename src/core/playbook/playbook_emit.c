/*
 * playbook_emit.c - a whole playbook written back out as YAML.
 *
 * Used for the resolved form of an extending playbook: that text is what a
 * call stores, so it must load back to the very same playbook. Every string
 * is double-quoted with the escapes YAML defines, so no value can be read
 * as a number, a null, a comment or a line break it was not.
 */
#include "playbook_tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

struct out {
	char *buf;
	size_t len, cap;
	int nomem;
};

static void put(struct out *o, const char *s, size_t n)
{
	while (!o->nomem && o->len + n + 1 > o->cap)
		if (!GROW(o->buf, o->len + n + 1, o->cap, 4096))
			o->nomem = 1;
	if (o->nomem)
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* A double-quoted scalar: '"', '\\', tab, newline and the other YAML line breaks escaped. */
static void quoted(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(o, "\"", 1);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\') {
			put(o, "\\", 1);
			put(o, (const char *)p, 1);
		} else if (*p == '\t') {
			put(o, "\\t", 2);
		} else if (*p == '\n') {
			put(o, "\\n", 2);
		} else if (p[0] == 0xc2 && p[1] == 0x85) {
			put(o, "\\N", 2), p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			put(o, p[2] == 0xa8 ? "\\L" : "\\P", 2), p += 2;
		} else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			put(o, "\\uFEFF", 6), p += 2;
		} else {
			put(o, (const char *)p, 1);
		}
	}
	put(o, "\"", 1);
}

static void key_str(struct out *o, const char *indent, const char *key, const char *val)
{
	if (!val)
		return;
	putf(o, "%s%s: ", indent, key);
	quoted(o, val);
	put(o, "\n", 1);
}

static void key_list(struct out *o, const char *indent, const char *key, const struct strlist *l)
{
	if (!l->len)
		return;
	putf(o, "%s%s:\n", indent, key);
	for (size_t i = 0; i < l->len; i++) {
		putf(o, "%s  - ", indent);
		quoted(o, l->items[i]);
		put(o, "\n", 1);
	}
}

static void emit_stage(struct out *o, const struct playbook *pb, enum stage s)
{
	const struct pb_stage *st = &pb->stages[s];
	struct strlist warnings = {(char **)pb->warnings, PLAYBOOK_WARNINGS};

	putf(o, "  %s:\n", stage_key(s));
	key_str(o, "    ", "goal", st->goal);
	for (int sec = 0; sec < SECTION_COUNT; sec++)
		key_list(o, "    ", section_key((enum section)sec), &st->section[sec]);
	if (st->timebox)
		putf(o, "    timebox: %d\n", st->timebox);
	key_str(o, "    ", "timebox-why", st->timebox_why);
	key_list(o, "    ", "sources", &st->sources);
	if (s == STAGE_BOUNDARY)
		key_list(o, "    ", "warnings", &warnings);
}

static void emit_rule(struct out *o, const struct pb_rule *r)
{
	putf(o, "  - id: ");
	quoted(o, r->id);
	putf(o, "\n    when: %s\n", rule_kind_key(r->kind));
	if (r->kind == RULE_MOOD)
		putf(o, "    mood: %d\n", r->mood);
	if (r->kind == RULE_MOOD || r->kind == RULE_HOLD)
		putf(o, "    seconds: %d\n", r->seconds);
	if (r->kind == RULE_HOLD && r->repeat)
		putf(o, "    repeat: %d\n", r->repeat);
	if (r->kind == RULE_BOUNDARY)
		putf(o, "    count: %d\n", r->count);
	if (r->kind == RULE_TIMEBOX && r->only_stage)
		putf(o, "    stage: %s\n", stage_key((enum stage)(r->only_stage - 1)));
	if (r->cooldown)
		putf(o, "    cooldown: %d\n", r->cooldown);
	key_str(o, "    ", "why", r->why);
	key_str(o, "    ", "message", r->message);
	putf(o, "    action: %s\n", rule_action_key(r->action));
}

enum poise_status playbook_emit(const struct playbook *pb, const char *comment, char **text,
				size_t *len, struct poise_error *err)
{
	struct out o = {0};

	*text = NULL;
	*len = 0;
	if (comment)
		putf(&o, "# %s\n", comment);
	key_str(&o, "", "id", pb->id);
	key_str(&o, "", "title", pb->title);
	key_str(&o, "", "version", pb->version);
	key_str(&o, "", "language", pb->language);
	key_str(&o, "", "description", pb->description);
	key_str(&o, "", "scorecard", pb->scorecard);
	key_list(&o, "", "sources", &pb->sources);
	put(&o, "stages:\n", 8);
	for (int s = 0; s < STAGE_COUNT; s++)
		emit_stage(&o, pb, (enum stage)s);
	key_str(&o, "", "manager", pb->manager);
	put(&o, "causes:\n", 8);
	for (size_t i = 0; i < pb->ncauses; i++) {
		key_str(&o, "  - ", "id", pb->causes[i].id);
		key_str(&o, "    ", "label", pb->causes[i].label);
	}
	if (pb->nrules)
		put(&o, "rules:\n", 7);
	for (size_t i = 0; i < pb->nrules; i++)
		emit_rule(&o, &pb->rules[i]);
	if (o.nomem || !o.buf) {
		free(o.buf);
		return poise_error_nomem(err);
	}
	*text = o.buf;
	*len = o.len;
	return POISE_OK;
}
