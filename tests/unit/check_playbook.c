/*
 * check_playbook.c - the strict playbook loader.
 *
 * Good playbooks load with every field right (a fixture using every key, the
 * shipped playbooks, the built-in default); every error class of the format
 * fails with its status, its message and the exact line and column; limits
 * (size, depth, aliases) fail fast.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/playbook.h"
#include "poise/sha256.h"
#include "main/suite.h"

/* A small valid playbook; the error cases below each change one thing in it. */
static const char base_text[] =
	"id: test\n"
	"title: Test\n"
	"version: \"1\"\n"
	"language: en\n"
	"sources: [\"000\"]\n"
	"stages:\n"
	"  calm: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  listen: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  empathize: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  clarify: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  inform: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  solve: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  boundary: {goal: g, tips: [t], checklist: [c], sources: [\"000\"], warnings: [w1, w2, "
	"w3]}\n"
	"  follow-up: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"causes:\n"
	"  - {id: other, label: Other}\n"
	"rules:\n"
	"  - {id: r1, when: hold, seconds: 45, message: m}\n";

/* sha256sum of base_text, computed outside poise. */
static const char base_hash[] = "59fdf0d67b6aa51b960dc228f893ce97b4264743c8cc681d244c425d8fe891b5";

/* text with the first `from` replaced by `to` (from must occur). */
static char *edit(char *text, const char *from, const char *to)
{
	char *at = strstr(text, from), *out;
	size_t head, flen = strlen(from), tlen = strlen(to);

	ck_assert_msg(at != NULL, "'%s' not in the text", from);
	head = (size_t)(at - text);
	out = malloc(strlen(text) - flen + tlen + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, text, head);
	memcpy(out + head, to, tlen);
	strcpy(out + head + tlen, at + flen);
	free(text);
	return out;
}

static void expect_error(const char *what, const char *text, size_t len, enum poise_status st,
			 const char *msg, int line, int col)
{
	struct playbook *pb = (struct playbook *)&pb;
	struct poise_error err;
	enum poise_status got = playbook_load_text(text, len, "t.yaml", &pb, &err);

	ck_assert_msg(got == st && err.status == st, "%s: status %d, want %d (%d:%d: %s)", what,
		      got, st, err.line, err.col, err.msg);
	ck_assert_msg(pb == NULL, "%s: *out not NULL on failure", what);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "%s: message '%s' lacks '%s'", what, err.msg,
		      msg);
	ck_assert_msg(err.line == line && err.col == col, "%s: at %d:%d, want %d:%d (%s)", what,
		      err.line, err.col, line, col, err.msg);
	ck_assert_str_eq(err.file, "t.yaml");
}

/* One error class per row: an edit (or two) of base_text and what must come out. */
static const struct error_case {
	const char *what;
	const char *from1, *to1, *from2, *to2;
	enum poise_status status;
	const char *msg;
	int line, col;
} error_cases[] = {
	{"syntax", "title: Test", "title: Test: x", NULL, NULL, POISE_YAML,
	 "inside a value: quote the text", 2, 12},
	/* Indentation and colons: reported at the line that is wrong, saying the fix. */
	{"over-indented key", "title: Test\n", "title: Test\n  draft: x\n", NULL, NULL, POISE_YAML,
	 "indented further than the key above it (line 2)", 3, 3},
	{"key without a colon", "title: Test\n", "title: Test\ndraft\n", NULL, NULL, POISE_YAML,
	 "a key needs ': ' after it", 3, 1},
	{"list item among keys", "causes:\n", " - x\ncauses:\n", NULL, NULL, POISE_YAML,
	 "a list item ('- ') where a key is expected", 15, 2},
	{"key in line with nothing", "  calm:", "    calm:", NULL, NULL, POISE_YAML,
	 "in line with nothing above it", 8, 3},
	{"syntax with context", "title: Test", "title: [Test", NULL, NULL, POISE_YAML,
	 "while parsing a flow sequence at 2:8", 3, 8},
	{"tab indent", "  calm:", "\tcalm:", NULL, NULL, POISE_YAML, "indent with spaces", 7, 1},
	{"unknown key", "calm: {goal: g,", "calm: {goal: g, tipz: [x],", NULL, NULL, POISE_PLAYBOOK,
	 "unknown key 'tipz' in stage 'calm' (allowed: goal, tips,", 7, 19},
	{"wrong type", "calm: {goal: g, tips: [t]", "calm: {goal: g, tips: t", NULL, NULL,
	 POISE_PLAYBOOK, "expected a list of strings for 'tips', got a string", 7, 25},
	{"wrong item type", "calm: {goal: g, tips: [t]", "calm: {goal: g, tips: [[t]]", NULL, NULL,
	 POISE_PLAYBOOK, "expected a string in 'tips', got a list", 7, 26},
	{"stage not a mapping", "  solve: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}",
	 "  solve: [x]", NULL, NULL, POISE_PLAYBOOK,
	 "expected a mapping for stage 'solve', got a list", 12, 10},
	{"empty stage", "  calm: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}",
	 "  calm:", NULL, NULL, POISE_PLAYBOOK, "empty value for stage 'calm'", 7, 3},
	{"null cause", "  - {id: other, label: Other}", "  - ~", NULL, NULL, POISE_PLAYBOOK,
	 "empty value for cause 1", 16, 5},
	{"missing key", "title: Test\n", "", NULL, NULL, POISE_PLAYBOOK,
	 "missing required key 'title' in the playbook", 1, 1},
	{"missing stage key", "calm: {goal: g, ", "calm: {", NULL, NULL, POISE_PLAYBOOK,
	 "missing required key 'goal' in stage 'calm'", 7, 9},
	{"duplicate key", "title: Test\n", "title: Test\ntitle: Again\n", NULL, NULL,
	 POISE_PLAYBOOK, "duplicate key 'title' in the playbook (first at line 2)", 3, 1},
	{"stage missing", "  listen: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n",
	 "", NULL, NULL, POISE_PLAYBOOK, "missing stage 'listen'", 7, 3},
	{"stage duplicated", "  empathize:", "  listen:", NULL, NULL, POISE_PLAYBOOK,
	 "duplicate stage 'listen' (first at line 8)", 9, 3},
	{"stage out of order", "  empathize:", "  listen:", "  listen:", "  empathize:",
	 POISE_PLAYBOOK, "stage 'listen' must come before 'empathize'", 8, 3},
	{"stage unknown", "  listen:", "  lissen:", NULL, NULL, POISE_PLAYBOOK,
	 "unknown stage 'lissen'", 8, 3},
	{"empty value", "title: Test", "title:", NULL, NULL, POISE_PLAYBOOK,
	 "empty value for 'title'", 2, 1},
	{"null value", "title: Test", "title: ~", NULL, NULL, POISE_PLAYBOOK,
	 "empty value for 'title'", 2, 8},
	{"empty quoted value", "title: Test", "title: \"\"", NULL, NULL, POISE_PLAYBOOK,
	 "empty value for 'title'", 2, 8},
	{"empty list", "calm: {goal: g, tips: [t]", "calm: {goal: g, tips: []", NULL, NULL,
	 POISE_PLAYBOOK, "empty list for 'tips'", 7, 25},
	{"empty string in list", "calm: {goal: g, tips: [t]", "calm: {goal: g, tips: [\"\"]", NULL,
	 NULL, POISE_PLAYBOOK, "empty string in 'tips'", 7, 26},
	{"duplicate cause id", "  - {id: other, label: Other}\n",
	 "  - {id: other, label: Other}\n  - {id: other, label: Again}\n", NULL, NULL,
	 POISE_PLAYBOOK, "duplicate cause id 'other' (first at line 16)", 17, 10},
	{"duplicate rule id", "message: m}\n",
	 "message: m}\n  - {id: r1, when: manager-asked, "
	 "message: n}\n",
	 NULL, NULL, POISE_PLAYBOOK, "duplicate rule id 'r1' (first at line 18)", 19, 10},
	{"several documents", "message: m}\n", "message: m}\n---\nid: x\n", NULL, NULL,
	 POISE_PLAYBOOK, "a second YAML document", 19, 1},
	{"anchor", "title: Test", "title: &a Test", NULL, NULL, POISE_PLAYBOOK,
	 "anchors are not allowed (found '&a')", 2, 8},
	{"alias", "title: Test", "title: *a", NULL, NULL, POISE_PLAYBOOK,
	 "aliases are not allowed (found '*a')", 2, 8},
	{"foreign tag", "title: Test", "title: !foo Test", NULL, NULL, POISE_PLAYBOOK,
	 "tag '!foo' is not allowed", 2, 8},
	{"standard tag of another type", "title: Test", "title: !!bool true", NULL, NULL,
	 POISE_PLAYBOOK, "tag '!!bool' is not allowed", 2, 8},
	{"tag on a collection", "sources: [", "sources: !!seq [", NULL, NULL, POISE_PLAYBOOK,
	 "tag '!!seq' is not allowed", 5, 10},
	{"int tag on a string", "title: Test", "title: !!int 5", NULL, NULL, POISE_PLAYBOOK,
	 "expected a string for 'title', got an !!int", 2, 8},
	{"str tag on an integer", "seconds: 45", "seconds: !!str 45", NULL, NULL, POISE_PLAYBOOK,
	 "expected a whole number for 'seconds', got a !!str", 18, 35},
	{"quoted integer", "seconds: 45", "seconds: \"45\"", NULL, NULL, POISE_PLAYBOOK,
	 "got a quoted string", 18, 35},
	{"not a whole number", "seconds: 45", "seconds: 4.5", NULL, NULL, POISE_PLAYBOOK,
	 "expected a whole number for 'seconds', got '4.5'", 18, 35},
	{"negative number", "seconds: 45", "seconds: -45", NULL, NULL, POISE_PLAYBOOK,
	 "expected a whole number for 'seconds', got '-45'", 18, 35},
	{"number out of range", "seconds: 45", "seconds: 86401", NULL, NULL, POISE_PLAYBOOK,
	 "'seconds' must be between 1 and 86400, got 86401", 18, 35},
	{"number overflowing long", "seconds: 45", "seconds: 99999999999999999999999", NULL, NULL,
	 POISE_PLAYBOOK, "'seconds' must be between 1 and 86400", 18, 35},
	{"timebox range", "solve: {goal: g,", "solve: {goal: g, timebox: 0,", NULL, NULL,
	 POISE_PLAYBOOK, "'timebox' must be between 1 and 3600, got 0", 12, 29},
	{"key for another rule kind", "seconds: 45,", "seconds: 45, count: 2,", NULL, NULL,
	 POISE_PLAYBOOK, "'count' only applies to 'when: boundary-warnings'", 18, 39},
	{"key for two other kinds", "when: hold, seconds: 45", "when: manager-asked, seconds: 45",
	 NULL, NULL, POISE_PLAYBOOK, "'seconds' only applies to 'when: mood' and 'when: hold'", 18,
	 35},
	{"key a rule kind requires", "when: hold, seconds: 45", "when: mood, seconds: 45", NULL,
	 NULL, POISE_PLAYBOOK, "missing required key 'mood' in rule 1 for 'when: mood'", 18, 5},
	{"unknown rule kind", "when: hold", "when: holding", NULL, NULL, POISE_PLAYBOOK,
	 "unknown 'when' value 'holding' (allowed: mood, hold,", 18, 20},
	{"unknown action", "message: m}", "message: m, action: shout}", NULL, NULL, POISE_PLAYBOOK,
	 "unknown 'action' value 'shout'", 18, 59},
	{"unknown placeholder", "message: m}", "message: \"hi {name}\"}", NULL, NULL,
	 POISE_PLAYBOOK, "unknown placeholder '{name}'", 18, 48},
	{"stray brace", "calm: {goal: g, tips: [t]", "calm: {goal: g, tips: [\"a { b\"]", NULL,
	 NULL, POISE_PLAYBOOK, "'{' that does not start {customer} or {agent}", 7, 26},
	/* A warning or the manager line is logged as shown: what the store takes, no more. */
	{"bidi mark in a warning", "warnings: [w1, w2, w3]", "warnings: [\"w1\\u200F\", w2, w3]",
	 NULL, NULL, POISE_PLAYBOOK, "control character U+200F", 13, 79},
	{"line separator in a tip", "calm: {goal: g, tips: [t]", "calm: {goal: g, tips: [\"a\\Lb\"]",
	 NULL, NULL, POISE_PLAYBOOK, "control character U+2028", 7, 26},
	{"bidi override in a manager line", "title: Test", "title: Test\nmanager: \"a\\u202Eb\"",
	 NULL, NULL, POISE_PLAYBOOK, "control character U+202E", 3, 10},
	{"warnings count", "warnings: [w1, w2, w3]", "warnings: [w1, w2]", NULL, NULL,
	 POISE_PLAYBOOK, "'warnings' must have exactly 3 lines, got 2", 13, 78},
	{"warnings outside boundary", "calm: {goal: g,", "calm: {goal: g, warnings: [a, b, c],",
	 NULL, NULL, POISE_PLAYBOOK, "'warnings' only applies to the boundary stage", 7, 19},
	{"boundary without warnings", ", warnings: [w1, w2, w3]", "", NULL, NULL, POISE_PLAYBOOK,
	 "missing required key 'warnings' in stage 'boundary'", 13, 13},
	{"bad playbook id", "id: test", "id: Test", NULL, NULL, POISE_PLAYBOOK,
	 "'Test' is not a valid id", 1, 5},
	{"long playbook id", "id: test",
	 "id: a1234567890123456789012345678901234567890123456789012345678901234", NULL, NULL,
	 POISE_PLAYBOOK, "id is longer than 64 characters", 1, 5},
	{"bad cause id", "{id: other,", "{id: -other,", NULL, NULL, POISE_PLAYBOOK,
	 "'-other' is not a valid id", 16, 10},
	{"bad language", "language: en", "language: English", NULL, NULL, POISE_PLAYBOOK,
	 "'English' is not a language tag", 4, 11},
	{"bad guide number", "sources: [\"000\"]\nstages", "sources: [\"000\", \"12\"]\nstages",
	 NULL, NULL, POISE_PLAYBOOK, "'12' is not a guide number", 5, 18},
	{"no causes", "  - {id: other, label: Other}\n", "", "causes:", "causes: []",
	 POISE_PLAYBOOK, "empty list for 'causes'", 15, 9},
	{"long scalar", "label: Other",
	 "label: "
	 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
	 "8901234567890123456789012345678901234567890123456789012345678901234567890123456789012345"
	 "6789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"
	 "4567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"
	 "2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
	 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
	 "8901234567890123456789012345678901234567890123456789012345678901234567890123456789012345"
	 "6789012345678901234567890123456789012345678901234567890123456789012345678901234567890123"
	 "4567890123456789012345678901234567890123456789012345678901234567890123456789012345678901"
	 "2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
	 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
	 "890123456789012345678901234567890",
	 NULL, NULL, POISE_PLAYBOOK, "value is longer than 1000 bytes (1001)", 16, 24},
	{"escaped NUL", "title: Test", "title: \"a\\0b\"", NULL, NULL, POISE_PLAYBOOK,
	 "value contains a NUL character", 2, 8},
	{"escaped control character", "title: Test", "title: \"\\e[2J\"", NULL, NULL,
	 POISE_PLAYBOOK, "value contains control character U+001B", 2, 8},
	{"escaped C1 control", "title: Test", "title: \"\\x9b\"", NULL, NULL, POISE_PLAYBOOK,
	 "value contains control character U+009B", 2, 8},
	{"nesting too deep", "title: Test", "title: [[[[[[[[[[[[x]]]]]]]]]]]]", NULL, NULL,
	 POISE_PLAYBOOK, "nesting is deeper than 8 levels", 2, 15},
	{"complex key", "title: Test", "? [a]\n: b", NULL, NULL, POISE_PLAYBOOK,
	 "expected a key name in the playbook, got a list", 2, 3},
};

START_TEST(test_error_class)
{
	const struct error_case *c = &error_cases[_i];
	char *text = strdup(base_text);

	ck_assert_ptr_nonnull(text);
	text = edit(text, c->from1, c->to1);
	if (c->from2)
		text = edit(text, c->from2, c->to2);
	expect_error(c->what, text, strlen(text), c->status, c->msg, c->line, c->col);
	free(text);
}
END_TEST

#define RAW(s) s, sizeof(s) - 1

/* Texts that are wrong before any YAML is read, or not a playbook at all. */
static const struct raw_case {
	const char *what;
	const char *text;
	size_t len;
	enum poise_status status;
	const char *msg;
	int line, col;
} raw_cases[] = {
	{"NUL byte", RAW("id: a\0b\n"), POISE_YAML, "found a NUL byte", 1, 6},
	{"invalid UTF-8", RAW("id: test\ntitle: caf\xc3\xa9 \xff\n"), POISE_YAML,
	 "invalid UTF-8 byte 0xff", 2, 13},
	{"overlong UTF-8", RAW("id: \xc0\xafx\n"), POISE_YAML, "invalid UTF-8 byte 0xc0", 1, 5},
	{"UTF-8 surrogate", RAW("# \xed\xa0\x80\n"), POISE_YAML, "invalid UTF-8 byte 0xed", 1, 3},
	{"truncated UTF-8", RAW("id: x\xe2\x82"), POISE_YAML, "invalid UTF-8 byte 0xe2", 1, 6},
	{"UTF-16 BOM", RAW("\xff\xfei\0d\0"), POISE_YAML, "invalid UTF-8 byte 0xff", 1, 1},
	{"control character", RAW("id: test\r\ntitle: \x01\n"), POISE_YAML,
	 "character U+0001 is not allowed", 2, 8},
	{"C1 control in raw text", RAW("id: test\ntitle: \xc2\x9b\n"), POISE_YAML,
	 "character U+009B is not allowed", 2, 8},
	{"BOM is not a column", RAW("\xef\xbb\xbfid: \x01\n"), POISE_YAML, "character U+0001", 1,
	 5},
	{"BOM is not a column for libyaml", RAW("\xef\xbb\xbfid: a: b\n"), POISE_YAML,
	 "inside a value: quote the text", 1, 6},
	{"empty text", RAW(""), POISE_PLAYBOOK, "the playbook is empty", 1, 1},
	{"only a comment", RAW("# nothing yet\n"), POISE_PLAYBOOK, "the playbook is empty", 1, 1},
	{"empty document", RAW("---\n...\n"), POISE_PLAYBOOK, "the playbook is empty", 2, 1},
	{"top is a list", RAW("- id: test\n"), POISE_PLAYBOOK,
	 "expected a mapping of playbook keys, got a list", 1, 1},
	{"top is a string", RAW("\n\nhello\n"), POISE_PLAYBOOK,
	 "expected a mapping of playbook keys, got a string", 3, 1},
	{"deep block nesting",
	 RAW("a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g:\n       h:\n        i: j\n"),
	 POISE_PLAYBOOK, "nesting is deeper than 8 levels", 9, 9},
};

START_TEST(test_raw_error)
{
	const struct raw_case *c = &raw_cases[_i];

	expect_error(c->what, c->text, c->len, c->status, c->msg, c->line, c->col);
}
END_TEST

static struct playbook *load_ok(const char *path)
{
	struct playbook *pb = NULL;
	struct poise_error err;
	enum poise_status st = playbook_load_file(path, &pb, &err);

	ck_assert_msg(st == POISE_OK, "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
	ck_assert_ptr_nonnull(pb);
	return pb;
}

static void assert_list(const struct strlist *l, size_t len, const char *first, const char *last)
{
	ck_assert_uint_eq(l->len, len);
	ck_assert_str_eq(l->items[0], first);
	ck_assert_str_eq(l->items[len - 1], last);
}

static void assert_rule(const struct pb_rule *r, const char *id, enum rule_kind kind, int mood,
			int seconds, int repeat, int count, int cooldown, const char *message,
			enum rule_action action)
{
	ck_assert_str_eq(r->id, id);
	ck_assert_int_eq(r->kind, kind);
	ck_assert_int_eq(r->mood, mood);
	ck_assert_int_eq(r->seconds, seconds);
	ck_assert_int_eq(r->repeat, repeat);
	ck_assert_int_eq(r->count, count);
	ck_assert_int_eq(r->cooldown, cooldown);
	ck_assert_str_eq(r->message, message);
	ck_assert_int_eq(r->action, action);
}

START_TEST(test_minimal_fixture)
{
	struct playbook *pb = load_ok(POISE_TEST_DATA "/good/minimal.yaml");
	const struct pb_stage *calm = &pb->stages[STAGE_CALM];
	const struct pb_stage *solve = &pb->stages[STAGE_SOLVE];
	char hash[SHA256_HEX_LEN + 1];

	ck_assert_str_eq(pb->id, "test-minimal");
	ck_assert_str_eq(pb->title, "Minimal test playbook");
	ck_assert_str_eq(pb->version, "2.1");
	ck_assert_str_eq(pb->language, "pt-BR");
	ck_assert_str_eq(pb->description, "Only for tests");
	assert_list(&pb->sources, 2, "000", "004");
	ck_assert_str_eq(calm->goal, "Breathe first");
	assert_list(&calm->section[SECTION_TIPS], 2, "Slow down", "Hello {customer}, I am {agent}");
	assert_list(&calm->section[SECTION_SAY], 1, "I'm here, {customer}.",
		    "I'm here, {customer}.");
	assert_list(&calm->section[SECTION_ASK], 1, "What happened?", "What happened?");
	assert_list(&calm->section[SECTION_AVOID], 1, "Raising your voice", "Raising your voice");
	assert_list(&calm->section[SECTION_CHECKLIST], 1, "Breathed", "Breathed");
	ck_assert_int_eq(calm->timebox, 60);
	assert_list(&calm->sources, 1, "000", "000");
	ck_assert_str_eq(pb->stages[STAGE_LISTEN].goal, "Listen");
	ck_assert_uint_eq(pb->stages[STAGE_LISTEN].section[SECTION_SAY].len, 0);
	ck_assert_ptr_null(pb->stages[STAGE_LISTEN].section[SECTION_SAY].items);
	ck_assert_int_eq(pb->stages[STAGE_LISTEN].timebox, 0);
	ck_assert_int_eq(solve->timebox, 3600);
	ck_assert_str_eq(pb->stages[STAGE_BOUNDARY].goal, "Protect yourself");
	assert_list(&pb->stages[STAGE_FOLLOW_UP].sources, 2, "000", "001");
	ck_assert_str_eq(pb->warnings[0], "First, {customer}");
	ck_assert_str_eq(pb->warnings[1], "Second");
	ck_assert_str_eq(pb->warnings[2], "Third");
	ck_assert_uint_eq(pb->ncauses, 2);
	ck_assert_str_eq(pb->causes[0].id, "billing");
	ck_assert_str_eq(pb->causes[0].label, "Cobrança");
	ck_assert_str_eq(pb->causes[1].id, "other");
	ck_assert_ptr_eq(playbook_cause(pb, "other"), &pb->causes[1]);
	ck_assert_ptr_null(playbook_cause(pb, "product"));
	ck_assert_uint_eq(pb->nrules, 5);
	assert_rule(&pb->rules[0], "furious", RULE_MOOD, 5, 120, 0, 0, 300,
		    "Bring in your supervisor", ACTION_ESCALATE);
	assert_rule(&pb->rules[1], "hold-check", RULE_HOLD, 0, 45, 30, 0, 0,
		    "{customer} is waiting", ACTION_END_HOLD);
	assert_rule(&pb->rules[2], "warned-twice", RULE_BOUNDARY, 0, 0, 0, 2, 0,
		    "Second warning given", ACTION_BOUNDARY);
	assert_rule(&pb->rules[3], "long-stage", RULE_TIMEBOX, 0, 0, 0, 0, 0, "Move on",
		    ACTION_NEXT_STAGE);
	assert_rule(&pb->rules[4], "manager", RULE_MANAGER, 0, 0, 0, 0, 0,
		    "Involve your supervisor", ACTION_NONE);
	ck_assert_str_eq(pb->path, POISE_TEST_DATA "/good/minimal.yaml");
	ck_assert_uint_eq(strlen(pb->text), pb->text_len);
	sha256_hex(pb->text, pb->text_len, hash);
	ck_assert_str_eq(pb->hash, hash);
	playbook_free(pb);
}
END_TEST

START_TEST(test_base_text)
{
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_int_eq(playbook_load_text(base_text, strlen(base_text), NULL, &pb, &err),
			 POISE_OK);
	ck_assert_str_eq(pb->hash, base_hash);
	ck_assert_uint_eq(pb->text_len, strlen(base_text));
	ck_assert_int_eq(memcmp(pb->text, base_text, pb->text_len), 0);
	ck_assert_str_eq(pb->path, "(text)");
	ck_assert_str_eq(pb->version, "1");
	ck_assert_ptr_null(pb->description);
	ck_assert_int_eq(pb->rules[0].action, ACTION_NONE);
	playbook_free(pb);

	/* the text need not be NUL-terminated: only len bytes are read */
	{
		size_t len = strlen(base_text);
		char *copy = malloc(len);

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, base_text, len);
		ck_assert_int_eq(playbook_load_text(copy, len, "copy", &pb, NULL), POISE_OK);
		ck_assert_str_eq(pb->hash, base_hash);
		playbook_free(pb);
		free(copy);
	}
}
END_TEST

/* Every shipped playbook loads; the de-escalation default among them. */
START_TEST(test_shipped_playbooks)
{
	const char *dir = POISE_SOURCE_DIR "/playbooks";
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0, default_seen = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char path[4096];
		struct playbook *pb;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		pb = load_ok(path);
		ck_assert_ptr_nonnull(pb->id);
		ck_assert_ptr_nonnull(pb->warnings[2]);
		ck_assert_ptr_nonnull(pb->manager); /* m shows the playbook's own line */
		default_seen |= !strcmp(pb->id, "de-escalation");
		playbook_free(pb);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 4);
	ck_assert(default_seen);
}
END_TEST

START_TEST(test_default)
{
	struct playbook *pb = NULL,
			*file = load_ok(POISE_SOURCE_DIR "/playbooks/de-escalation.yaml");
	struct poise_error err;

	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	ck_assert_str_eq(pb->path, "(built-in)");
	ck_assert_str_eq(pb->id, "de-escalation");
	ck_assert_uint_eq(pb->text_len, file->text_len);
	ck_assert_str_eq(pb->text, file->text);
	ck_assert_str_eq(pb->hash, file->hash);
	/* The build's hash of the built-in text (cmake/embed.cmake) is its SHA-256. */
	{
		char h[SHA256_HEX_LEN + 1];

		sha256_hex(poise_default_playbook, poise_default_playbook_len, h);
		ck_assert_str_eq(poise_default_playbook_sha256, h);
		ck_assert_str_eq(pb->hash, h);
	}
	ck_assert_uint_eq(pb->nrules, file->nrules);
	playbook_free(pb);
	playbook_free(file);
}
END_TEST

/* Equal strings, both NULL or both set. */
static void same_str(const char *a, const char *b, const char *what)
{
	ck_assert_msg((a == NULL) == (b == NULL), "%s: one is NULL", what);
	if (a)
		ck_assert_msg(strcmp(a, b) == 0, "%s: '%s' != '%s'", what, a, b);
}

static void same_list(const struct strlist *a, const struct strlist *b, const char *what)
{
	ck_assert_msg(a->len == b->len, "%s: %zu items, not %zu", what, a->len, b->len);
	for (size_t i = 0; i < a->len; i++)
		same_str(a->items[i], b->items[i], what);
}

static void same_pos(struct pb_pos a, struct pb_pos b, const char *what)
{
	ck_assert_msg(a.line == b.line && a.col == b.col, "%s: %d:%d, not %d:%d", what, a.line,
		      a.col, b.line, b.col);
}

/* Every field of struct playbook (playbook.h), one by one. */
static void same_playbook(const struct playbook *a, const struct playbook *b)
{
	char *ya = NULL, *yb = NULL;
	size_t la = 0, lb = 0;
	struct poise_error err;

	same_str(a->id, b->id, "id");
	same_pos(a->id_at, b->id_at, "id_at");
	same_str(a->title, b->title, "title");
	same_str(a->version, b->version, "version");
	same_str(a->language, b->language, "language");
	same_str(a->description, b->description, "description");
	same_str(a->scorecard, b->scorecard, "scorecard");
	same_list(&a->sources, &b->sources, "sources");
	for (int s = 0; s < STAGE_COUNT; s++) {
		const struct pb_stage *x = &a->stages[s], *y = &b->stages[s];

		same_str(x->goal, y->goal, "goal");
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			same_list(&x->section[sec], &y->section[sec], section_key(sec));
		same_list(&x->sources, &y->sources, "stage sources");
		ck_assert_int_eq(x->timebox, y->timebox);
		same_str(x->timebox_why, y->timebox_why, "timebox_why");
		same_pos(x->at, y->at, "stage at");
	}
	for (int i = 0; i < PLAYBOOK_WARNINGS; i++)
		same_str(a->warnings[i], b->warnings[i], "warning");
	same_str(a->manager, b->manager, "manager");
	same_pos(a->manager_at, b->manager_at, "manager_at");
	ck_assert_uint_eq(a->ncauses, b->ncauses);
	for (size_t i = 0; i < a->ncauses; i++) {
		same_str(a->causes[i].id, b->causes[i].id, "cause id");
		same_str(a->causes[i].label, b->causes[i].label, "cause label");
	}
	ck_assert_uint_eq(a->nrules, b->nrules);
	for (size_t i = 0; i < a->nrules; i++) {
		const struct pb_rule *x = &a->rules[i], *y = &b->rules[i];

		same_str(x->id, y->id, "rule id");
		ck_assert_int_eq(x->kind, y->kind);
		ck_assert_int_eq(x->mood, y->mood);
		ck_assert_int_eq(x->seconds, y->seconds);
		ck_assert_int_eq(x->repeat, y->repeat);
		ck_assert_int_eq(x->count, y->count);
		ck_assert_int_eq(x->cooldown, y->cooldown);
		ck_assert_int_eq(x->only_stage, y->only_stage);
		same_str(x->message, y->message, "rule message");
		same_str(x->why, y->why, "rule why");
		ck_assert_int_eq(x->action, y->action);
		same_pos(x->at, y->at, "rule at");
	}
	ck_assert_str_eq(a->hash, b->hash);
	ck_assert_uint_eq(a->text_len, b->text_len);
	ck_assert_int_eq(memcmp(a->text, b->text, a->text_len + 1), 0);
	same_str(a->path, b->path, "path");
	same_str(a->extends, b->extends, "extends");
	same_pos(a->extends_at, b->extends_at, "extends_at");
	ck_assert_ptr_null(a->overlay);
	ck_assert_ptr_null(b->overlay);
	ck_assert_uint_eq(a->nnotes, b->nnotes);
	for (size_t i = 0; i < a->nnotes; i++) {
		ck_assert_int_eq(a->notes[i].status, b->notes[i].status);
		ck_assert_str_eq(a->notes[i].file, b->notes[i].file);
		ck_assert_int_eq(a->notes[i].line, b->notes[i].line);
		ck_assert_int_eq(a->notes[i].col, b->notes[i].col);
		ck_assert_str_eq(a->notes[i].msg, b->notes[i].msg);
	}
	/* And written back out, the same YAML: a field the list above misses still shows. */
	ck_assert_int_eq(playbook_emit(a, NULL, &ya, &la, &err), POISE_OK);
	ck_assert_int_eq(playbook_emit(b, NULL, &yb, &lb, &err), POISE_OK);
	ck_assert_uint_eq(la, lb);
	ck_assert_str_eq(ya, yb);
	free(ya);
	free(yb);
}

/*
 * The built-in playbook comes from a table the build made (playbook_table.c);
 * it equals a fresh parse of the same bytes, field by field, and each load
 * is a copy of its own.
 */
START_TEST(test_default_table)
{
	struct playbook *table = NULL, *parsed = NULL, *again = NULL;
	struct poise_error err;

	ck_assert_int_eq(playbook_load_default(&table, &err), POISE_OK);
	ck_assert_msg(playbook_load_text((const char *)poise_default_playbook,
					 poise_default_playbook_len, "(built-in)", &parsed,
					 &err) == POISE_OK,
		      "%s", err.msg);
	same_playbook(table, parsed);
	ck_assert_ptr_ne(table->text, (char *)poise_default_playbook);
	table->stages[STAGE_CALM].goal = strpool_dup(&table->strings, "changed");
	ck_assert_int_eq(playbook_load_default(&again, &err), POISE_OK);
	same_playbook(again, parsed);
	playbook_free(table);
	playbook_free(again);
	playbook_free(parsed);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(stage_key(STAGE_CALM), "calm");
	ck_assert_str_eq(stage_key(STAGE_FOLLOW_UP), "follow-up");
	ck_assert_str_eq(stage_title(STAGE_FOLLOW_UP), "Follow-up");
	ck_assert_ptr_null(stage_key(STAGE_COUNT));
	ck_assert_ptr_null(stage_title((enum stage) - 1));
	ck_assert_str_eq(section_key(SECTION_CHECKLIST), "checklist");
	ck_assert_str_eq(section_title(SECTION_SAY), "Say");
	ck_assert_ptr_null(section_key(SECTION_COUNT));
	ck_assert_ptr_null(section_title(SECTION_COUNT));
	ck_assert_str_eq(rule_kind_key(RULE_BOUNDARY), "boundary-warnings");
	ck_assert_ptr_null(rule_kind_key(RULE_KIND_COUNT));
	ck_assert_str_eq(rule_action_key(ACTION_END_HOLD), "end-hold");
	ck_assert_ptr_null(rule_action_key(ACTION_COUNT));
	ck_assert_ptr_null(playbook_cause(NULL, "x"));
}
END_TEST

/* Errors are reported with a NULL err too, and never crash. */
START_TEST(test_null_err)
{
	struct playbook *pb = (struct playbook *)&pb;

	ck_assert_int_eq(playbook_load_text("id: [", 5, NULL, &pb, NULL), POISE_YAML);
	ck_assert_ptr_null(pb);
	ck_assert_int_eq(playbook_load_text(NULL, 0, NULL, &pb, NULL), POISE_PLAYBOOK);
	ck_assert_int_eq(playbook_load_text(NULL, 3, NULL, &pb, NULL), POISE_USAGE);
	ck_assert_int_eq(playbook_load_file("/nonexistent/x.yaml", &pb, NULL), POISE_NOT_FOUND);
	playbook_free(NULL);
}
END_TEST

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "Billion laughs": nine levels of nine aliases each. It must stop at the first anchor. */
START_TEST(test_alias_bomb)
{
	static const char bomb[] =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_error("billion laughs", RAW(bomb), POISE_PLAYBOOK, "anchors are not allowed", 1, 4);
	ck_assert_double_lt(seconds_since(&t0), 1.0);
}
END_TEST

/* A megabyte of '[' stops at the ninth, long before the closing brackets. */
START_TEST(test_deep_nesting)
{
	size_t half = PLAYBOOK_MAX_BYTES / 2 - 4;
	char *buf = malloc(PLAYBOOK_MAX_BYTES);
	struct timespec t0;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "id: ", 4);
	memset(buf + 4, '[', half);
	memset(buf + 4 + half, ']', half);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_error("deep flow nesting", buf, 4 + 2 * half, POISE_PLAYBOOK,
		     "nesting is deeper than 8 levels", 1, 12);
	ck_assert_double_lt(seconds_since(&t0), 2.0);
	/* eight levels are fine as far as nesting goes: the format objects instead */
	free(buf);
	buf = edit(strdup(base_text), "title: Test", "title: [[[[[[[x]]]]]]]");
	expect_error("eight levels", buf, strlen(buf), POISE_PLAYBOOK,
		     "expected a string for 'title', got a list", 2, 8);
	free(buf);
}
END_TEST

/* Line breaks as YAML counts them: CRLF is one, a lone CR is one. */
START_TEST(test_line_breaks)
{
	char *text = strdup(base_text), *p, *crlf = malloc(2 * sizeof(base_text));
	size_t n = 0;

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(crlf);
	text = edit(text, "seconds: 45", "seconds: 0");
	for (p = text; *p; p++) {
		if (*p == '\n')
			crlf[n++] = '\r';
		crlf[n++] = *p;
	}
	expect_error("CRLF", crlf, n, POISE_PLAYBOOK, "'seconds' must be between", 18, 35);
	for (p = text; *p; p++)
		if (*p == '\n')
			*p = '\r';
	expect_error("CR", text, strlen(text), POISE_PLAYBOOK, "'seconds' must be between", 18, 35);
	free(text);
	free(crlf);
}
END_TEST

static struct playbook *default_pb(void)
{
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	return pb;
}

/* Playbooks by hash: each kept once, the oldest making room when full, a failed load too. */
START_TEST(test_pb_cache)
{
	struct pb_cache c = {.max = 2};
	struct playbook *a = default_pb(), *b = default_pb(), *got = NULL;

	ck_assert_int_eq(pb_cache_get(&c, "a", &got), 0);
	ck_assert_int_eq(pb_cache_put(&c, "a", a), 1);
	ck_assert_int_eq(pb_cache_put(&c, "b", b), 1);
	ck_assert_int_eq(pb_cache_get(&c, "a", &got), 1);
	ck_assert_ptr_eq(got, a);
	ck_assert_int_eq(pb_cache_put(&c, "none", NULL), 1); /* a makes room (freed) */
	ck_assert_int_eq(pb_cache_get(&c, "a", &got), 0);
	got = a;
	ck_assert_int_eq(pb_cache_get(&c, "none", &got), 1);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(pb_cache_get(&c, "b", &got), 1);
	ck_assert_ptr_eq(got, b);
	ck_assert_int_eq(pb_cache_put(&c, "c", default_pb()), 1); /* then b */
	ck_assert_int_eq(pb_cache_get(&c, "b", &got), 0);
	ck_assert_uint_eq(c.n, 2);
	pb_cache_free(&c);
	ck_assert_uint_eq(c.n, 0);
	for (int i = 0; i < 20; i++) { /* max 0: no limit */
		char hash[8];

		snprintf(hash, sizeof(hash), "h%d", i);
		ck_assert_int_eq(pb_cache_put(&c, hash, i % 2 ? default_pb() : NULL), 1);
	}
	ck_assert_int_eq(pb_cache_get(&c, "h0", &got), 1);
	ck_assert_int_eq(pb_cache_get(&c, "h19", &got), 1);
	ck_assert_ptr_nonnull(got);
	pb_cache_free(&c);
}
END_TEST

Suite *playbook_suite(void)
{
	Suite *s = suite_create("playbook");
	TCase *good = tcase_create("good"), *bad = tcase_create("errors");
	TCase *limits = tcase_create("limits");

	tcase_add_test(good, test_minimal_fixture);
	tcase_add_test(good, test_base_text);
	tcase_add_test(good, test_shipped_playbooks);
	tcase_add_test(good, test_default);
	tcase_add_test(good, test_default_table);
	tcase_add_test(good, test_names);
	tcase_add_test(good, test_pb_cache);
	suite_add_tcase(s, good);
	tcase_add_loop_test(bad, test_error_class, 0,
			    (int)(sizeof(error_cases) / sizeof(error_cases[0])));
	tcase_add_loop_test(bad, test_raw_error, 0,
			    (int)(sizeof(raw_cases) / sizeof(raw_cases[0])));
	tcase_add_test(bad, test_null_err);
	tcase_add_test(bad, test_line_breaks);
	suite_add_tcase(s, bad);
	tcase_add_test(limits, test_alias_bomb);
	tcase_add_test(limits, test_deep_nesting);
	suite_add_tcase(s, limits);
	return s;
}
