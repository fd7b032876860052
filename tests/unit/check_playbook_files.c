/*
 * check_playbook_files.c - loading playbooks from files: the bad fixtures
 * in tests/data/bad (which lint tests reuse), the 1 MiB limit on a file
 * generated here, huge and unreadable files.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "poise/playbook.h"
#include "poise/scenario.h"
#include "poise/scorecard.h"
#include "main/suite.h"

/* Each file of tests/data/bad (see its README) and what loading it must say. */
static const struct bad_file {
	const char *file;
	enum poise_status status;
	const char *msg;
	int line, col;
} bad_files[] = {
	{"alias-bomb.yaml", POISE_PLAYBOOK, "anchors are not allowed (found '&a')", 2, 4},
	{"duplicate-cause.yaml", POISE_PLAYBOOK, "duplicate cause id 'other' (first at line 16)",
	 17, 10},
	{"duplicate-key.yaml", POISE_PLAYBOOK, "duplicate key 'title'", 3, 1},
	{"missing-stage.yaml", POISE_PLAYBOOK, "missing stage 'listen'", 7, 3},
	{"not-utf8.yaml", POISE_YAML, "invalid UTF-8 byte 0xe9", 2, 11},
	{"nul-byte.yaml", POISE_YAML, "found a NUL byte", 2, 10},
	{"placeholder.yaml", POISE_PLAYBOOK, "unknown placeholder '{name}'", 18, 48},
	{"rule-kind-key.yaml", POISE_PLAYBOOK, "'count' only applies to 'when: boundary-warnings'",
	 18, 39},
	{"stage-order.yaml", POISE_PLAYBOOK, "stage 'listen' must come before 'empathize'", 8, 3},
	{"tab-indent.yaml", POISE_YAML, "tab character where YAML needs spaces", 7, 1},
	{"too-deep.yaml", POISE_PLAYBOOK, "nesting is deeper than 8 levels", 2, 15},
	{"two-documents.yaml", POISE_PLAYBOOK, "a second YAML document", 19, 1},
	{"unknown-key.yaml", POISE_PLAYBOOK, "unknown key 'tipz' in stage 'calm'", 7, 19},
	{"wrong-type.yaml", POISE_PLAYBOOK, "expected a list of strings for 'tips', got a string",
	 7, 25},
};

START_TEST(test_bad_file)
{
	const struct bad_file *b = &bad_files[_i];
	struct playbook *pb = (struct playbook *)&pb;
	struct poise_error err;
	char path[4096];

	snprintf(path, sizeof(path), "%s/bad/%s", POISE_TEST_DATA, b->file);
	ck_assert_int_eq(playbook_load_file(path, &pb, &err), b->status);
	ck_assert_int_eq(err.status, b->status);
	ck_assert_ptr_null(pb);
	ck_assert_str_eq(err.file, path);
	ck_assert_msg(strstr(err.msg, b->msg) != NULL, "%s: message '%s' lacks '%s'", b->file,
		      err.msg, b->msg);
	ck_assert_msg(err.line == b->line && err.col == b->col, "%s: at %d:%d, want %d:%d", b->file,
		      err.line, err.col, b->line, b->col);
}
END_TEST

/* A fresh temporary file path; the caller unlinks it. */
static int temp_file(char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/check_playbook.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		ck_assert_int_gt(n, 0);
		buf += n;
		len -= (size_t)n;
	}
}

/* The good fixture padded with comment lines to exactly size bytes. */
static char *padded_fixture(size_t size)
{
	size_t len, line = 100;
	char *buf = malloc(size);
	FILE *f = fopen(POISE_TEST_DATA "/good/minimal.yaml", "rb");

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(f);
	len = fread(buf, 1, size, f);
	fclose(f);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_lt(len, 4096);
	while (len < size) {
		size_t n = size - len < line ? size - len : line;

		memset(buf + len, '#', n);
		buf[len + n - 1] = '\n';
		len += n;
	}
	return buf;
}

START_TEST(test_size_limit)
{
	char *buf = padded_fixture(PLAYBOOK_MAX_BYTES + 1);
	struct playbook *pb = NULL;
	struct poise_error err;
	char path[4096];
	int fd = temp_file(path, sizeof(path));

	/* exactly the limit loads */
	write_all(fd, buf, PLAYBOOK_MAX_BYTES);
	ck_assert_int_eq(playbook_load_file(path, &pb, &err), POISE_OK);
	ck_assert_uint_eq(pb->text_len, PLAYBOOK_MAX_BYTES);
	ck_assert_str_eq(pb->id, "test-minimal");
	playbook_free(pb);
	ck_assert_int_eq(playbook_load_text(buf, PLAYBOOK_MAX_BYTES, "t", &pb, &err), POISE_OK);
	playbook_free(pb);

	/* one byte more does not */
	buf[PLAYBOOK_MAX_BYTES] = '\n';
	write_all(fd, buf + PLAYBOOK_MAX_BYTES, 1);
	ck_assert_int_eq(playbook_load_file(path, &pb, &err), POISE_TOO_BIG);
	ck_assert_ptr_null(pb);
	ck_assert_str_eq(err.file, path);
	ck_assert_ptr_nonnull(strstr(err.msg, "playbook is 1048577 bytes; the limit is 1048576"));
	ck_assert_int_eq(playbook_load_text(buf, PLAYBOOK_MAX_BYTES + 1, "t", &pb, &err),
			 POISE_TOO_BIG);
	close(fd);
	unlink(path);
	free(buf);
}
END_TEST

/* Every trainer's text (playbook, scenario, scorecard) is refused alike when too big or absent. */
static enum poise_status load_kind(int kind, const char *text, size_t len, struct poise_error *err)
{
	struct playbook *pb = NULL;
	struct scenario *sc = NULL;
	struct scorecard *card = NULL;
	enum poise_status st = kind == 0   ? playbook_load_text(text, len, "t", &pb, err)
			       : kind == 1 ? scenario_load_text(text, len, "t", &sc, err)
					   : scorecard_load_text(text, len, "t", &card, err);

	ck_assert(!pb && !sc && !card);
	return st;
}

START_TEST(test_text_refused_alike)
{
	static const struct {
		const char *what;
		size_t max;
	} kinds[] = {{"playbook", PLAYBOOK_MAX_BYTES},
		     {"scenario", SCENARIO_MAX_BYTES},
		     {"scorecard", PLAYBOOK_MAX_BYTES}};
	size_t max = kinds[_i].max;
	char *buf = malloc(max + 1), want[128];
	struct poise_error err;

	ck_assert_ptr_nonnull(buf);
	memset(buf, '#', max + 1); /* a YAML comment: nothing to parse, were it parsed */
	ck_assert_int_eq(load_kind(_i, buf, max + 1, &err), POISE_TOO_BIG);
	snprintf(want, sizeof(want), "%s is %zu bytes; the limit is %zu (%zu KiB)",
		 kinds[_i].what, max + 1, max, max / 1024);
	ck_assert_str_eq(err.msg, want);
	ck_assert_str_eq(err.file, "t");
	ck_assert_int_eq(load_kind(_i, NULL, 5, &err), POISE_USAGE);
	ck_assert_str_eq(err.msg, "no text to load");
	buf[0] = '\x01'; /* a control character, refused before any parse */
	ck_assert_int_eq(load_kind(_i, buf, 2, &err), POISE_YAML);
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(err.col, 1);
	free(buf);
}
END_TEST

/* A huge (sparse) file is refused from its size, without reading it. */
START_TEST(test_huge_file)
{
	struct playbook *pb = NULL;
	struct poise_error err;
	struct timespec t0, t1;
	char path[4096];
	int fd = temp_file(path, sizeof(path));

	ck_assert_int_eq(ftruncate(fd, (off_t)1 << 32), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(playbook_load_file(path, &pb, &err), POISE_TOO_BIG);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_nonnull(strstr(err.msg, "playbook is 4294967296 bytes"));
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 2);
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(test_file_errors)
{
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_int_eq(playbook_load_file("/nonexistent/x.yaml", &pb, &err), POISE_NOT_FOUND);
	ck_assert_str_eq(err.file, "/nonexistent/x.yaml");
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot open playbook"));
	ck_assert_int_eq(playbook_load_file(POISE_TEST_DATA, &pb, &err), POISE_IO);
	ck_assert_str_eq(err.msg, "cannot read playbook: is a folder");
	ck_assert_int_eq(playbook_load_file("/dev/null", &pb, &err), POISE_IO);
	ck_assert_str_eq(err.msg, "cannot read playbook: not a regular file");
	ck_assert_ptr_null(pb);
}
END_TEST

Suite *playbook_files_suite(void)
{
	Suite *s = suite_create("playbook files");
	TCase *tc = tcase_create("files");

	tcase_add_loop_test(tc, test_bad_file, 0, (int)(sizeof(bad_files) / sizeof(bad_files[0])));
	tcase_add_test(tc, test_size_limit);
	tcase_add_loop_test(tc, test_text_refused_alike, 0, 3);
	tcase_add_test(tc, test_huge_file);
	tcase_add_test(tc, test_file_errors);
	suite_add_tcase(s, tc);
	return s;
}
