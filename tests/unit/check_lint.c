/*
 * check_lint.c - `poise lint` finds everything: every error of a file in
 * one run and in the order of the file, JSON for editors, the warnings of
 * guidance that will not serve a call, scenarios linted beside playbooks,
 * and a stage-timebox rule that names its stage.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture_call.h"
#include "helpers/fixture_dir.h"
#include "helpers/json.h"
#include "helpers/run_poise.h"
#include "main/suite.h"
#include "poise/playbook.h"
#include "poise/rules.h"

static char root[256];

static void setup(void)
{
	fixture_dir_make(root, sizeof(root), "check_lint.");
}

static void teardown(void)
{
	fixture_dir_remove(root);
}

static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

#define STAGE_LINE(name, extra)                                                                    \
	"  " name ": {goal: g, tips: [t], say: [s], checklist: [c], sources: [\"000\"]" extra "}\n"

/* A playbook with one mistake of each kind, in different parts of the file. */
static const char many[] =
	"id: many\n"
	"title: Many\n"
	"version: \"1\"\n"
	"language: en\n"
	"colour: blue\n" /* 5: unknown top-level key */
	"sources: [\"000\"]\n"
	"stages:\n" STAGE_LINE("calm", ", extra: 1") /* 8: unknown stage key */
	STAGE_LINE("listen", ", timebox: 0")		 /* 9: out of range */
	STAGE_LINE("empathize", "")
	"  clarify: {goal: g, tips: [\"{caller}\"], say: [s], checklist: [c], sources: [\"000\"]}\n"
	STAGE_LINE("inform", "") STAGE_LINE("solve", "")
	"  boundary: {goal: g, tips: [t], checklist: [c], sources: [\"000\"], warnings: [a, b, c]}\n"
	STAGE_LINE("follow-up", "")
	"causes:\n"
	"  - {id: Other, label: Other}\n" /* 17: bad id */
	"rules:\n"
	"  - {id: r1, when: hold, seconds: 45, message: m, why: w, count: 2}\n" /* 19 */
	"  - {id: r1, when: sometimes, message: m, why: w}\n";			/* 20: two */

START_TEST(every_error_in_file_order)
{
	const char *path = write_file("many.yaml", many);
	static const int lines[] = {5, 8, 9, 11, 17, 19, 20, 20};
	struct run r;
	const char *p;
	size_t i;

	run_poise_in(root, &r, (const char *[]){"lint", path, NULL});
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "1 file, 8 errors"), "%s", r.err);
	/* In the order of the file, each at its own line. */
	for (p = r.err, i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char at[600];

		snprintf(at, sizeof(at), "%s:%d:", path, lines[i]);
		ck_assert_msg((p = strstr(p, at)) != NULL, "no error at line %d after the one before:\n%s",
			      lines[i], r.err);
		p++;
	}
	ck_assert_ptr_nonnull(strstr(r.err, "unknown placeholder '{caller}'"));
	ck_assert_ptr_nonnull(strstr(r.err, "duplicate rule id 'r1'"));
	run_free(&r);
}
END_TEST

/* An id holding a character that draws nothing is shown marked, its caret under it. */
START_TEST(invisible_characters_shown_marked)
{
	const char *path = write_file(
		"zw.yaml", "id: zw\ntitle: Zw\nversion: \"1\"\nlanguage: en\nsources: [\"000\"]\n"
			   "stages:\n  calm: {goal: g}\ncauses:\n"
			   "  - {label: \"\xe2\x80\x8b\", id: Bad, \"\xe2\x80\x8bid\": x}\n"
			   "  - {id: \"r\xe2\x80\x8b" "1\", label: x}\n");
	struct run r;

	run_poise_in(root, &r, (const char *[]){"lint", path, NULL});
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "'r<U+200B>1' is not a valid id"), "%s", r.err);
	ck_assert_msg(strstr(r.err, "unknown key '<U+200B>id'"), "%s", r.err);
	ck_assert_msg(!strstr(r.err, "\xe2\x80\x8b"), "shown invisibly:\n%s", r.err);
	/* the caret stands under the id's first character, after the marks before it */
	ck_assert_msg(strstr(r.err, "   10 |   - {id: \"r<U+200B>1\", label: x}\n"
				    "      |          ^\n"),
		      "%s", r.err);
	ck_assert_msg(strstr(r.err, "    9 |   - {label: \"<U+200B>\", id: Bad, \"<U+200B>id\": x}\n"
				    "      |                                  ^\n"),
		      "%s", r.err);
	run_free(&r);
}
END_TEST

START_TEST(json_for_editors)
{
	const char *path = write_file("many.yaml", many);
	const struct json *findings, *first;
	struct json *doc;
	struct run r;
	char err[256];

	run_poise_in(root, &r, (const char *[]){"lint", "--format", "json", path, NULL});
	ck_assert_int_eq(r.code, 1);
	doc = json_parse(r.out, r.outlen, err, sizeof(err));
	ck_assert_msg(doc != NULL, "%s: %s", err, r.out);
	findings = json_get(doc, "findings");
	ck_assert_ptr_nonnull(findings);
	ck_assert_int_eq((int)findings->len, 8);
	first = findings->items[0];
	ck_assert_str_eq(json_get(first, "file")->string, path);
	ck_assert_int_eq((int)json_get(first, "line")->number, 5);
	ck_assert_int_eq((int)json_get(first, "column")->number, 1);
	ck_assert_str_eq(json_get(first, "severity")->string, "error");
	ck_assert_ptr_nonnull(strstr(json_get(first, "message")->string, "colour"));
	ck_assert_int_eq((int)json_get(doc, "errors")->number, 8);
	json_free(doc);
	run_free(&r);

	/* A clean file: an empty list, status 0; an unknown format is a usage error. */
	run_poise_in(root,
		     &r, (const char *[]){"lint", "--format", "json",
					  POISE_SOURCE_DIR "/playbooks/de-escalation.yaml", NULL});
	ck_assert_int_eq(r.code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "\"findings\": []"));
	run_free(&r);
	run_poise_in(root, &r, (const char *[]){"lint", "--format", "xml", path, NULL});
	ck_assert_int_eq(r.code, 2);
	run_free(&r);
}
END_TEST

/* A YAML syntax error stops that file only; the next file is still checked. */
START_TEST(syntax_stops_the_file_only)
{
	char a[512];
	const char *b;
	struct run r;

	snprintf(a, sizeof(a), "%s", write_file("a.yaml", "id: a\ntitle: Say: this\n"));
	b = write_file("b.yaml", many);
	run_poise_in(root, &r, (const char *[]){"lint", a, b, NULL});
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "quote the text"));
	ck_assert_int_eq(count(r.err, "a.yaml:"), 1);
	ck_assert_msg(strstr(r.err, "2 files, 9 errors"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* Warnings: status 0, each located and saying what to do. */
START_TEST(warnings_of_guidance)
{
	const char *path = write_file(
		"warn.yaml",
		"id: warn\ntitle: W\nversion: \"1\"\nlanguage: en\nsources: [\"000\"]\nstages:\n"
		"  calm: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n" /* no say */
		STAGE_LINE("listen", "") STAGE_LINE("empathize", "") STAGE_LINE("clarify", "")
		"  inform: {goal: g, tips: [\"This tip goes on and on and on, well past the point "
		"where anyone could read it in the middle of a busy call.\"], say: [s], checklist: [c], sources: "
		"[\"000\"]}\n"
		STAGE_LINE("solve", "")
		"  boundary: {goal: g, tips: [t], checklist: [c], sources: [\"000\"], warnings: [a, "
		"b, c]}\n"
		STAGE_LINE("follow-up", "")
		"causes:\n  - {id: billing, label: Billing}\n  - {id: bills, label: billing}\n"
		"rules:\n  - {id: late, when: stage-timebox, stage: solve, message: m, why: w}\n");
	struct run r;

	run_poise_in(root, &r, (const char *[]){"lint", path, NULL});
	ck_assert_msg(r.code == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "stage 'calm' has no 'say' lines"));
	ck_assert_ptr_null(strstr(r.err, "stage 'boundary' has no 'say'"));
	ck_assert_ptr_nonnull(strstr(r.err, "stage 'inform': tips line 1 is 108 characters"));
	ck_assert_ptr_nonnull(strstr(r.err, "rule 'late' can never fire: stage 'solve' has no timebox"));
	ck_assert_ptr_nonnull(strstr(r.err, "same label"));
	ck_assert_ptr_nonnull(strstr(r.err, "warn.yaml:1:5: warning: playbook 'warn' has no 'manager:' line"));
	ck_assert_msg(strstr(r.err, "1 file, 0 errors, 5 warnings"), "%s", r.err);
	run_free(&r);
}
END_TEST

/* Scenarios are linted beside playbooks, by what they hold, not their folder. */
START_TEST(scenarios_beside_playbooks)
{
	struct run r;

	write_file("s.yaml", "id: s\ntitle: S\nlanguage: en\ncustomer: {name: K}\nsituation: x\n"
			     "mood: 3\nopening: o\nreactions:\n  - {id: a, when: shout, line: x}\n");
	run_poise_in(root, &r, (const char *[]){"lint", root, POISE_SOURCE_DIR "/scenarios", NULL});
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "s.yaml:9:"));
	ck_assert_ptr_nonnull(strstr(r.err, "unknown 'when' value 'shout'"));
	ck_assert_ptr_null(strstr(r.err, "scenarios/"));
	run_free(&r);
}
END_TEST

/* `stage:` on a stage-timebox rule: loaded, written back out, and honoured. */
START_TEST(timebox_rule_names_its_stage)
{
	static const char text[] =
		"id: tb\ntitle: T\nversion: \"1\"\nlanguage: en\nsources: [\"000\"]\nstages:\n"
		STAGE_LINE("calm", ", timebox: 10") STAGE_LINE("listen", ", timebox: 10")
		STAGE_LINE("empathize", "") STAGE_LINE("clarify", "") STAGE_LINE("inform", "")
		STAGE_LINE("solve", "")
		"  boundary: {goal: g, tips: [t], checklist: [c], sources: [\"000\"], warnings: [a, "
		"b, c]}\n"
		STAGE_LINE("follow-up", "")
		"causes:\n  - {id: other, label: Other}\n"
		"rules:\n  - {id: listen-long, when: stage-timebox, stage: listen, message: m, "
		"why: w}\n";
	struct poise_error err;
	struct playbook *pb = NULL, *again = NULL;
	struct call_state cs;
	const int64_t t = FIXTURE_T0;
	char *out;
	size_t len, due[4];

	ck_assert_msg(playbook_load_text(text, strlen(text), "tb.yaml", &pb, &err) == POISE_OK,
		      "%s", err.msg);
	ck_assert_int_eq(pb->rules[0].only_stage, STAGE_LISTEN + 1);
	ck_assert_int_eq(playbook_emit(pb, NULL, &out, &len, &err), POISE_OK);
	ck_assert_ptr_nonnull(strstr(out, "stage: listen"));
	ck_assert_int_eq(playbook_load_text(out, len, "again", &again, &err), POISE_OK);
	ck_assert_int_eq(again->rules[0].only_stage, STAGE_LISTEN + 1);
	free(out);
	playbook_free(again);

	/* Over time in calm: nothing; over time in listen: the prompt. */
	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	ck_assert_int_eq(fixture_apply(&cs, EV_START, t, STAGE_CALM, 0, 0, "h"), POISE_OK);
	ck_assert_uint_eq(rules_due(&cs, t + SEC(30), due, 4), 0);
	ck_assert_int_eq(fixture_apply(&cs, EV_STAGE, t + SEC(31), STAGE_LISTEN, 0, 0, NULL),
			 POISE_OK);
	ck_assert_uint_eq(rules_due(&cs, t + SEC(40), due, 4), 0);
	ck_assert_uint_eq(rules_due(&cs, t + SEC(42), due, 4), 1);
	ck_assert_uint_eq(due[0], 0);
	call_free(&cs);
	playbook_free(pb);

	/* On another kind of rule it is an error. */
	static const char bad[] = "id: tb\ntitle: T\nversion: \"1\"\nlanguage: en\nsources: "
				  "[\"000\"]\nstages: {}\ncauses: []\nrules:\n  - {id: h, when: "
				  "hold, seconds: 5, stage: calm, message: m}\n";
	ck_assert_int_ne(playbook_load_text(bad, strlen(bad), "bad.yaml", &pb, &err), POISE_OK);
}
END_TEST

Suite *lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("lint");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_error_in_file_order);
	tcase_add_test(tc, json_for_editors);
	tcase_add_test(tc, invisible_characters_shown_marked);
	tcase_add_test(tc, syntax_stops_the_file_only);
	tcase_add_test(tc, warnings_of_guidance);
	tcase_add_test(tc, scenarios_beside_playbooks);
	tcase_add_test(tc, timebox_rule_names_its_stage);
	suite_add_tcase(s, tc);
	return s;
}
