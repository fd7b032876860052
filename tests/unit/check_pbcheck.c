/*
 * check_pbcheck.c - what fits on the call screen, and lint's warnings.
 *
 * Wrapping counts rows the way draw.c does; a stage's rows are counted the
 * way calllayout.c lays them out at 80x24; each file of tests/data/warn
 * (see its README) draws exactly its one warning, at its place; and every
 * shipped playbook draws none.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main/suite.h"
#include "poise/pbcheck.h"
#include "poise/playbook.h"

START_TEST(test_wrap_rows)
{
	ck_assert_int_eq(fit_text_rows("", 10), 1);
	ck_assert_int_eq(fit_text_rows("0123456789", 10), 1);
	ck_assert_int_eq(fit_text_rows("0123456789a", 10), 2);
	/* breaks at the last space that fits; the spaces at the break vanish */
	ck_assert_int_eq(fit_text_rows("aaaa bbbb cccc", 9), 2);
	ck_assert_int_eq(fit_text_rows("aaaa bbbb  cccc dd", 9), 2);
	/* a word longer than the line is cut */
	ck_assert_int_eq(fit_text_rows("abcdefghijklmnopqrstuvwxyz", 10), 3);
	ck_assert_int_eq(fit_text_rows("one\ntwo", 20), 2);
	/* accents take one column, CJK two */
	ck_assert_int_eq(fit_text_cols("ñandú ¿sí?"), 10);
	ck_assert_int_eq(fit_text_cols("中文"), 4);
	ck_assert_int_eq(fit_text_rows("中文中文中", 9), 2);
	ck_assert_int_eq(fit_text_rows("áéíóúáéíóú", 10), 1);
}
END_TEST

static struct playbook *load(const char *path)
{
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_msg(playbook_load_file(path, &pb, &err) == POISE_OK, "%s:%d:%d: %s", err.file,
		      err.line, err.col, err.msg);
	return pb;
}

/* The stage rows of the clean fixture, counted by hand from calllayout.c. */
START_TEST(test_fit_stage_rows)
{
	struct playbook *pb = load(POISE_TEST_DATA "/warn/clean.yaml");
	struct fit_stage f;

	/* header, strip, blank, goal (1 row), blank: items from row 5; the prompt, the keys */
	fit_stage(pb, STAGE_CLARIFY, 80, 24, &f);
	ck_assert_int_eq(f.have, 24 - 5 - 1 - FIT_FOOTER_ROWS);
	/* Tips, Say, Ask, Checklist headings + one line each */
	ck_assert_int_eq(f.need, 8);
	ck_assert_ptr_null(f.out_text);
	/* boundary: the warnings' heading and three warnings come first */
	fit_stage(pb, STAGE_BOUNDARY, 80, 24, &f);
	ck_assert_int_eq(f.need, 4 + 4);
	/* on a 12-row screen the same stage falls short at its third warning */
	fit_stage(pb, STAGE_BOUNDARY, 80, 12, &f);
	ck_assert_int_eq(f.have, 12 - 5 - 1 - FIT_FOOTER_ROWS);
	ck_assert_int_eq(f.out_section, -1);
	ck_assert_uint_eq(f.out_index, 2);
	/* a goal of two rows takes one from the items */
	pb->stages[STAGE_CALM].goal =
		strpool_dup(&pb->strings, "A goal long enough to need a second row on an "
					  "eighty-column screen, with words to spare");
	fit_stage(pb, STAGE_CALM, 80, 24, &f);
	ck_assert_int_eq(f.have, 24 - 6 - 1 - FIT_FOOTER_ROWS);
	playbook_free(pb);
}
END_TEST

START_TEST(test_prompt_cols)
{
	struct pb_rule r = {.message = "Check back in", .action = ACTION_NEXT_STAGE};

	/* "» [Tab next stage] Check back in" */
	ck_assert_int_eq(fit_prompt_cols(&r), 2 + 16 + 1 + 13);
	r.action = ACTION_NONE;
	ck_assert_int_eq(fit_prompt_cols(&r), 2 + 13);
	/* {customer} is measured with a longish name */
	r.message = "{customer} waits";
	ck_assert_int_eq(fit_prompt_cols(&r), 2 + (int)strlen(FIT_CUSTOMER) + 6);
}
END_TEST

struct got {
	int n;
	struct pb_pos at;
	char msg[600];
};

static void collect(void *ctx, struct pb_pos at, const char *msg)
{
	struct got *g = ctx;

	if (!g->n++) {
		g->at = at;
		snprintf(g->msg, sizeof(g->msg), "%s", msg);
	}
}

static const struct warn_file {
	const char *file, *msg;
	int line, col;
} warn_files[] = {
	{"stage-too-long.yaml", "stage 'solve' needs 20 rows and 15 fit at 80x24", 26, 3},
	{"prompt-too-long.yaml", "rule 'furious': its prompt needs 104 columns", 43, 5},
	{"rule-no-why.yaml", "rule 'furious' has no 'why:'", 43, 5},
	{"timebox-no-why.yaml", "stage 'listen' has a timebox of 180 s and no 'timebox-why:'", 9,
	 3},
	{"escalate-early.yaml", "prompts to escalate after 120 s, before listen's timebox (180 s)",
	 43, 5},
	{"two-questions.yaml", "stage 'clarify': ask line 1 asks 2 questions", 18, 3},
	{"extends-too-long.yaml", "stage 'solve' needs 16 rows and 15 fit", 7, 3},
	{"no-manager.yaml", "playbook 'no-manager' has no 'manager:' line", 2, 5},
};

START_TEST(test_warn_file)
{
	const struct warn_file *w = &warn_files[_i];
	char path[4096];
	struct got g = {0};
	struct playbook *pb;

	snprintf(path, sizeof(path), "%s/warn/%s", POISE_TEST_DATA, w->file);
	pb = load(path);
	ck_assert_uint_eq(pbcheck_run(pb, collect, &g), 1);
	ck_assert_int_eq(g.n, 1);
	ck_assert_msg(strstr(g.msg, w->msg), "%s: '%s' lacks '%s'", w->file, g.msg, w->msg);
	ck_assert_msg(g.at.line == w->line && g.at.col == w->col, "%s: at %d:%d, want %d:%d",
		      w->file, g.at.line, g.at.col, w->line, w->col);
	playbook_free(pb);
}
END_TEST

/* Every shipped playbook (and the base of the warning files) lints clean. */
START_TEST(test_shipped_no_warnings)
{
	DIR *d = opendir(POISE_SOURCE_DIR "/playbooks");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char path[4096];
		struct got g = {0};
		struct playbook *pb;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/playbooks/%s", POISE_SOURCE_DIR, de->d_name);
		pb = load(path);
		ck_assert_msg(pbcheck_run(pb, collect, &g) == 0, "%s:%d:%d: %s", path, g.at.line,
			      g.at.col, g.msg);
		playbook_free(pb);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 4);
	{
		struct got g = {0};
		struct playbook *pb = load(POISE_TEST_DATA "/warn/clean.yaml");

		ck_assert_uint_eq(pbcheck_run(pb, collect, &g), 0);
		playbook_free(pb);
	}
}
END_TEST

Suite *pbcheck_suite(void)
{
	Suite *s = suite_create("pbcheck");
	TCase *tc = tcase_create("pbcheck");

	tcase_add_test(tc, test_wrap_rows);
	tcase_add_test(tc, test_fit_stage_rows);
	tcase_add_test(tc, test_prompt_cols);
	tcase_add_loop_test(tc, test_warn_file, 0,
			    (int)(sizeof(warn_files) / sizeof(warn_files[0])));
	tcase_add_test(tc, test_shipped_no_warnings);
	suite_add_tcase(s, tc);
	return s;
}
