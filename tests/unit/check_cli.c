/* check_cli.c - the real poise binary: help, usage errors, lint, playbooks, call. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/fixture_dir.h"
#include "poise/status.h"
#include "main/suite.h"

#define PLAYBOOKS POISE_SOURCE_DIR "/playbooks"

static char root[64];
static char *base_text; /* the shipped default playbook, rewritten per test file */

struct run {
	int code; /* exit status; 128 + signal when killed */
	char out[65536];
	char err[65536];
};

static void slurp(const char *path, char *buf, size_t size)
{
	size_t len;
	char *text = fixture_read_all(path, &len);

	ck_assert_msg(len < size, "output of %zu bytes is too long for the test", len);
	memcpy(buf, text, len + 1);
	free(text);
}

/*
 * Run poise with args (NULL-terminated) in a pinned environment plus
 * `extra_env` ("NAME=value" words, NULL-terminated): stdin is /dev/null,
 * stdout and stderr go to files that are read back into r.
 */
static void run_poise(struct run *r, const char *const *extra_env, const char *const *args)
{
	char out_path[128], err_path[128], home[128], config[128], data[128];
	const char *argv[32] = {POISE_BIN};
	const char *envp[32];
	int n = 0, status;
	pid_t pid;

	snprintf(out_path, sizeof(out_path), "%s/stdout", root);
	snprintf(err_path, sizeof(err_path), "%s/stderr", root);
	snprintf(home, sizeof(home), "HOME=%s/home", root);
	snprintf(config, sizeof(config), "XDG_CONFIG_HOME=%s/config", root);
	snprintf(data, sizeof(data), "XDG_DATA_HOME=%s/data", root);
	envp[n++] = "PATH=/usr/bin:/bin";
	envp[n++] = "LANG=C.UTF-8";
	envp[n++] = "TERM=dumb";
	envp[n++] = home;
	envp[n++] = config;
	envp[n++] = data;
	for (int i = 0; extra_env && extra_env[i]; i++)
		envp[n++] = extra_env[i];
	envp[n] = NULL;
	for (int i = 0; args[i]; i++)
		argv[i + 1] = args[i];

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(err, 2) < 0)
			_exit(127);
		execve(POISE_BIN, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	slurp(out_path, r->out, sizeof(r->out));
	slurp(err_path, r->err, sizeof(r->err));
}

#define RUN(r, ...) run_poise((r), NULL, (const char *[]){__VA_ARGS__, NULL})
#define RUN_ENV(r, env, ...) run_poise((r), (env), (const char *[]){__VA_ARGS__, NULL})

/* root/rel, in a static buffer per slot so a test can hold a few at once. */
static const char *at(int slot, const char *rel)
{
	static char buf[8][200];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", root, rel);
	return buf[slot];
}

static void write_file(const char *rel, const char *text)
{
	FILE *f = fopen(at(7, rel), "w");

	ck_assert_msg(f != NULL, "cannot write %s", rel);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * The default playbook with its id replaced (line 6 stays "id: ID") and,
 * when insert is given, that text put right after the line `after`.
 */
static void write_playbook(const char *rel, const char *id, const char *after, const char *insert)
{
	const char *id_line = "\nid: de-escalation\n";
	char *id_at = strstr(base_text, id_line);
	size_t size = strlen(base_text) + 1024;
	char *text = malloc(size), *pos;

	ck_assert_ptr_nonnull(id_at);
	ck_assert_ptr_nonnull(text);
	snprintf(text, size, "%.*s\nid: %s\n%s", (int)(id_at - base_text), base_text, id,
		 id_at + strlen(id_line));
	if (insert) {
		char *rest;

		pos = strstr(text, after);
		ck_assert_msg(pos != NULL, "no '%s' in the default playbook", after);
		pos += strlen(after);
		rest = strdup(pos);
		ck_assert_ptr_nonnull(rest);
		snprintf(pos, size - (size_t)(pos - text), "%s%s", insert, rest);
		free(rest);
	}
	write_file(rel, text);
	free(text);
}

static int line_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	int line = 1;

	ck_assert_msg(p != NULL, "'%s' not in the text", needle);
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	return line;
}

static void setup(void)
{
	fixture_dir_make(root, sizeof(root), "check_cli.");
	base_text = fixture_read_all(PLAYBOOKS "/de-escalation.yaml", NULL);
	mkdir(at(0, "home"), 0700);
	mkdir(at(0, "config"), 0700);
	mkdir(at(0, "pb"), 0700);
}

static void teardown(void)
{
	fixture_dir_remove(root);
	free(base_text);
}

/* The first line of text, without its newline (static copy). */
static const char *first_line(const char *text)
{
	static char line[512];

	snprintf(line, sizeof(line), "%.*s", (int)strcspn(text, "\n"), text);
	return line;
}

/* The last line of text, without its newline (static copy). */
static const char *last_line(const char *text)
{
	size_t len = strlen(text);
	const char *p;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	for (p = text + len; p > text && p[-1] != '\n'; p--)
		;
	return first_line(p);
}

static const char *second_line(const char *text)
{
	const char *nl = strchr(text, '\n');

	ck_assert_ptr_nonnull(nl);
	return first_line(nl + 1);
}

START_TEST(test_version)
{
	struct run r;

	int major, minor, patch;
	char nl;

	RUN(&r, "--version");
	ck_assert_int_eq(r.code, 0);
	ck_assert_int_eq(sscanf(r.out, "poise %d.%d.%d%c", &major, &minor, &patch, &nl), 4);
	ck_assert_int_eq(nl, '\n');
	ck_assert_str_eq(r.err, "");
}
END_TEST

START_TEST(test_help_lists_every_command)
{
	static const char *const commands[] = {"call",	    "lint",  "playbooks", "export",
					       "show",	    "merge", "followups", NULL};
	const char *const words[] = {"--help", "-h"};
	struct run r;

	for (int w = 0; w < 2; w++) {
		RUN(&r, words[w]);
		ck_assert_int_eq(r.code, 0);
		ck_assert_str_eq(r.err, "");
		ck_assert_str_eq(first_line(r.out), "usage: poise [COMMAND] [OPTIONS] [ARGS]");
		for (int i = 0; commands[i]; i++) {
			char row[64];

			snprintf(row, sizeof(row), "\n  %s ", commands[i]);
			ck_assert_msg(strstr(r.out, row), "--help does not list '%s'", commands[i]);
		}
	}
}
END_TEST

START_TEST(test_command_help)
{
	struct run r;

	/* --help may come anywhere, even after operands. */
	RUN(&r, "lint", "some.yaml", "--help");
	ck_assert_int_eq(r.code, 0);
	ck_assert_str_eq(first_line(r.out), "usage: poise lint [--format text|json] PATH...");
	ck_assert_ptr_nonnull(strstr(r.out, "-h, --help"));
	ck_assert_str_eq(r.err, "");

	RUN(&r, "call", "-h");
	ck_assert_int_eq(r.code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: poise call [--playbook NAME|FILE]"));
	ck_assert_ptr_nonnull(strstr(r.out, "--customer NAME"));
	ck_assert_ptr_nonnull(strstr(r.out, "--db PATH"));
}
END_TEST

START_TEST(test_unknown_command)
{
	struct run r;

	RUN(&r, "frobnicate");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(first_line(r.err), "poise: unknown command 'frobnicate'");
	ck_assert_str_eq(second_line(r.err), "usage: poise [COMMAND] [OPTIONS] [ARGS]");
}
END_TEST

START_TEST(test_unknown_option)
{
	struct run r;

	/* Options without a command are the call's: the usage is the call's. */
	RUN(&r, "--frob");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_str_eq(first_line(r.err), "poise: unknown option '--frob'");
	ck_assert_ptr_nonnull(strstr(second_line(r.err), "usage: poise call"));

	/* After the operands too, and with =value: the usage is the command's. */
	RUN(&r, "lint", PLAYBOOKS, "--frob=1");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: unknown option '--frob'");
	ck_assert_str_eq(second_line(r.err), "usage: poise lint [--format text|json] PATH...");
	/* A usage error stays in sight: the synopsis and where the options are, not all of them. */
	ck_assert_ptr_nonnull(strstr(r.err, "Try 'poise lint --help' for its options.\n"));
	ck_assert_ptr_null(strstr(r.err, "options:"));

	RUN(&r, "report", "--csv");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: unknown option '--csv'");
	ck_assert_ptr_null(strstr(r.err, "options:"));
	ck_assert_ptr_nonnull(strstr(r.err, "Try 'poise report --help'"));

	RUN(&r, "lint", "-x", PLAYBOOKS);
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: unknown option '-x'");
}
END_TEST

START_TEST(test_option_values)
{
	struct run r;

	RUN(&r, "call", "--db");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: option '--db' needs a PATH");
	ck_assert_ptr_nonnull(strstr(r.err, "usage: poise call"));

	RUN(&r, "call", "stray");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: unexpected argument 'stray'");

	/* --server's URL may be left out (the default server), last or before another option. */
	RUN(&r, "floor", "--server");
	ck_assert_int_ne(r.code, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "no server configured"));
	RUN(&r, "sync", "--server", "--db", at(0, "sync.db"));
	ck_assert_int_ne(r.code, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "no server configured"));
}
END_TEST

START_TEST(test_lint_usage)
{
	struct run r;

	RUN(&r, "lint");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: lint needs PATH...");
	ck_assert_str_eq(second_line(r.err), "usage: poise lint [--format text|json] PATH...");
	ck_assert_str_eq(r.out, "");
}
END_TEST

static int count_playbook_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] != '.' &&
		    ((len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) ||
		     (len > 4 && strcmp(de->d_name + len - 4, ".yml") == 0)))
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_lint_good)
{
	char summary[64];
	struct run r;

	RUN(&r, "lint", PLAYBOOKS "/de-escalation.yaml");
	ck_assert_int_eq(r.code, 0);
	ck_assert_str_eq(r.err, "1 file, 0 errors\n");
	ck_assert_str_eq(r.out, "");

	/* A folder: every playbook the project ships must pass. */
	RUN(&r, "lint", PLAYBOOKS);
	/* ...and the scorecards beside them. */
	snprintf(summary, sizeof(summary), "%d files, 0 errors\n",
		 count_playbook_files(PLAYBOOKS) + count_playbook_files(PLAYBOOKS "/scorecards"));
	ck_assert_msg(r.code == 0, "lint playbooks/ failed:\n%s", r.err);
	ck_assert_str_eq(r.err, summary);
}
END_TEST

START_TEST(test_lint_bad_file_located_with_caret)
{
	char expect[2048];
	struct run r;
	int line;

	/* An unknown key, indented under the calm stage: column 5. */
	write_playbook("pb/bad.yaml", "bad", "\n  calm:\n", "    tipz: oops\n");
	{
		char *text = fixture_read_all(at(0, "pb/bad.yaml"), NULL);

		line = line_of(text, "    tipz: oops");
		free(text);
	}
	RUN(&r, "lint", at(1, "pb/bad.yaml"));
	ck_assert_int_eq(r.code, 1);
	snprintf(expect, sizeof(expect), "%s:%d:5: error: ", at(1, "pb/bad.yaml"), line);
	ck_assert_msg(strncmp(r.err, expect, strlen(expect)) == 0, "got:\n%s\nwanted: %s", r.err,
		      expect);
	ck_assert_ptr_nonnull(strstr(first_line(r.err), "tipz"));
	snprintf(expect, sizeof(expect), "\n%5d |     tipz: oops\n      |     ^\n1 file, 1 error\n",
		 line);
	ck_assert_msg(strstr(r.err, expect), "no source line and caret in:\n%s", r.err);
}
END_TEST

START_TEST(test_lint_folder_with_duplicates_and_errors)
{
	char expect[2048];
	struct run r;

	write_playbook("pb/a.yaml", "same", NULL, NULL);
	write_playbook("pb/b.yml", "same", NULL, NULL);
	write_playbook("pb/c.yaml", "other", NULL, NULL);
	write_file("pb/d.yaml", "id: [unclosed\n");
	write_file("pb/notes.txt", "not a playbook\n");
	mkdir(at(0, "other"), 0700);
	write_playbook("other/e.yaml", "other", NULL, NULL);
	/* "--" ends the options; the second operand repeats an id of the folder. */
	RUN(&r, "lint", at(0, "pb"), "--", at(1, "other/e.yaml"));
	ck_assert_int_eq(r.code, 1);
	/* The id is on line 6, column 5, of every file written from the default. */
	snprintf(expect, sizeof(expect),
		 "%s:6:5: error: duplicate playbook id 'same' (first defined at %s:6)\n"
		 "    6 | id: same\n"
		 "      |     ^\n",
		 at(1, "pb/b.yml"), at(2, "pb/a.yaml"));
	ck_assert_msg(strstr(r.err, expect), "got:\n%s\nwanted:\n%s", r.err, expect);
	snprintf(expect, sizeof(expect), "%s:6:5: error: duplicate playbook id 'other' "
		 "(first defined at %s:6)\n", at(1, "other/e.yaml"), at(2, "pb/c.yaml"));
	ck_assert_msg(strstr(r.err, expect), "got:\n%s\nwanted:\n%s", r.err, expect);
	ck_assert_msg(strstr(r.err, at(1, "pb/d.yaml:")), "no located error for d.yaml in:\n%s",
		      r.err);
	ck_assert_str_eq(last_line(r.err), "5 files, 3 errors");
}
END_TEST

/*
 * Two files that claim one id are found whatever else is wrong with either:
 * the first with an error of its own, the second with one, the third with a
 * parent that cannot be found. Every one of them is said, the duplicates too.
 */
START_TEST(test_lint_duplicate_beside_other_errors)
{
	char expect[2048];
	struct run r;

	/* a.yaml is read first: its own error must not hide its id from the others. */
	write_playbook("pb/a.yaml", "same", "\nversion: \"2.0\"\n", "tipz: oops\n");
	write_playbook("pb/b.yaml", "same", "\nversion: \"2.0\"\n", "colour: red\n");
	write_file("pb/c.yaml", "title: T\nid: same\nversion: \"1\"\nextends: nowhere\n");
	RUN(&r, "lint", at(0, "pb"));
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "tipz"), "no error for a.yaml in:\n%s", r.err);
	ck_assert_msg(strstr(r.err, "'colour'"), "no error for b.yaml in:\n%s", r.err);
	ck_assert_msg(strstr(r.err, "nowhere"), "no error for c.yaml in:\n%s", r.err);
	snprintf(expect, sizeof(expect),
		 "%s:6:5: error: duplicate playbook id 'same' (first defined at %s:6)\n",
		 at(1, "pb/b.yaml"), at(2, "pb/a.yaml"));
	ck_assert_msg(strstr(r.err, expect), "got:\n%s\nwanted:\n%s", r.err, expect);
	snprintf(expect, sizeof(expect),
		 "%s:2:5: error: duplicate playbook id 'same' (first defined at %s:6)\n",
		 at(1, "pb/c.yaml"), at(2, "pb/a.yaml"));
	ck_assert_msg(strstr(r.err, expect), "got:\n%s\nwanted:\n%s", r.err, expect);
	ck_assert_str_eq(last_line(r.err), "3 files, 5 errors");
}
END_TEST

/* Scorecards beside the playbooks are linted with them, by their own format. */
START_TEST(test_lint_scorecards)
{
	char expect[1024];
	struct run r;

	write_playbook("pb/a.yaml", "a", NULL, NULL);
	mkdir(at(0, "pb/scorecards"), 0700);
	write_file("pb/scorecards/good.yaml",
		   "id: good\ntitle: G\nversion: \"1\"\ngroups:\n  - title: T\n    criteria:\n"
		   "      - {id: a, text: A, scale: yes-no, auto_fail: true}\n");
	write_file("pb/scorecards/bad.yaml",
		   "id: bad\ntitle: G\nversion: \"1\"\ngroups:\n  - title: T\n    criteria:\n"
		   "      - {id: a, text: A, scale: 1-5, auto_fail: true}\n");
	write_file("pb/scorecards/misnamed.yaml",
		   "id: other\ntitle: G\nversion: \"1\"\ngroups:\n  - title: T\n    criteria:\n"
		   "      - {id: a, text: A, scale: 1-5}\n");
	RUN(&r, "lint", at(0, "pb"));
	ck_assert_int_eq(r.code, 1);
	snprintf(expect, sizeof(expect),
		 "%s:7:38: error: criterion 'a': auto_fail needs scale yes-no",
		 at(1, "pb/scorecards/bad.yaml"));
	ck_assert_msg(strstr(r.err, expect), "got:\n%s\nwanted:\n%s", r.err, expect);
	ck_assert_ptr_nonnull(strstr(r.err, "scorecard 'other' must be in a file named other.yaml"));
	ck_assert_str_eq(last_line(r.err), "4 files, 2 errors");
	/* One scorecard file alone, and the scorecards folder alone. */
	RUN(&r, "lint", at(0, "pb/scorecards/good.yaml"));
	ck_assert_int_eq(r.code, 0);
	RUN(&r, "lint", at(0, "pb/scorecards"));
	ck_assert_str_eq(last_line(r.err), "3 files, 2 errors");
}
END_TEST

/* A warning is located like an error, shown with its line, and does not fail the run. */
START_TEST(test_lint_warns)
{
	char expect[2048];
	struct run r;

	RUN(&r, "lint", POISE_TEST_DATA "/warn/rule-no-why.yaml");
	ck_assert_int_eq(r.code, 0);
	snprintf(expect, sizeof(expect),
		 "%s/warn/rule-no-why.yaml:43:5: warning: rule 'furious' has no 'why:'",
		 POISE_TEST_DATA);
	ck_assert_msg(strncmp(r.err, expect, strlen(expect)) == 0, "got:\n%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "\n   43 |   - id: furious\n      |     ^\n"));
	ck_assert_str_eq(last_line(r.err), "1 file, 0 errors, 1 warning");
	/* a folder: each file's warnings, counted together */
	RUN(&r, "lint", POISE_TEST_DATA "/warn");
	ck_assert_int_eq(r.code, 0);
	ck_assert_str_eq(last_line(r.err), "9 files, 0 errors, 8 warnings");
}
END_TEST

START_TEST(test_lint_missing_and_empty)
{
	struct run r;

	RUN(&r, "lint", at(0, "no-such.yaml"));
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "no-such.yaml: error: cannot open: "));
	ck_assert_ptr_nonnull(strstr(r.err, "0 files, 1 error\n"));

	RUN(&r, "lint", at(0, "pb"));
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "no playbook files"));
}
END_TEST

START_TEST(test_playbooks_in_search_order)
{
	char env_path[600];
	const char *env[] = {env_path, NULL};
	const char *last;
	struct run r;

	write_playbook("pb/first.yaml", "first-one", NULL, NULL);
	write_playbook("pb/second.yaml", "de-escalation", NULL, NULL);
	snprintf(env_path, sizeof(env_path), "POISE_PLAYBOOK_PATH=%s", at(0, "pb"));
	RUN_ENV(&r, env, "playbooks");
	ck_assert_msg(r.code == 0, "exit %d: %s", r.code, r.err);
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_nonnull(strstr(first_line(r.out), "ID"));
	ck_assert_ptr_nonnull(strstr(first_line(r.out), "PATH"));
	ck_assert_ptr_nonnull(strstr(second_line(r.out), "first-one"));
	ck_assert_ptr_nonnull(strstr(second_line(r.out), at(0, "pb/first.yaml")));
	/* The built-in comes last, behind the file with its id. */
	last = last_line(r.out);
	ck_assert_ptr_nonnull(strstr(last, "de-escalation"));
	ck_assert_ptr_nonnull(strstr(last, "(built-in)"));
	ck_assert_ptr_nonnull(strstr(last, "shadowed"));

	/* A file that does not load is listed with its error, and the exit says so. */
	write_file("pb/broken.yaml", "id: [unclosed\n");
	RUN_ENV(&r, env, "playbooks");
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.out, at(0, "pb/broken.yaml:")));
	ck_assert_ptr_nonnull(strstr(r.out, "(built-in)"));
}
END_TEST

START_TEST(test_call_refuses_without_terminal)
{
	char db_env[300], db_opt[300];
	const char *env[] = {db_env, "POISE_AGENT=tester", NULL};
	struct stat sb;
	struct run r;

	snprintf(db_env, sizeof(db_env), "POISE_DB=%s", at(0, "env/poise.db"));
	/* stdin is /dev/null and stdout a file: no screen to coach on. */
	RUN_ENV(&r, env, "call", "--db", at(1, "opt/poise.db"), "--customer", "Ms Rivera");
	ck_assert_int_ne(r.code, 0);
	ck_assert_str_ne(r.err, "");
	ck_assert_int_ne(stat(at(1, "opt/poise.db"), &sb), 0);

	snprintf(db_opt, sizeof(db_opt), "--db=%s", at(2, "eq/poise.db"));
	RUN_ENV(&r, env, "call", db_opt, "--agent=sam");
	ck_assert_int_ne(r.code, 0);
	ck_assert_int_ne(stat(at(2, "eq/poise.db"), &sb), 0);

	/* Every option of call works without the word call. */
	RUN_ENV(&r, env, "--db", at(3, "bare/poise.db"), "--customer", "Ana", "--ref", "R-1",
		"--agent", "sam", "--playbook", "de-escalation");
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "terminal"));
	ck_assert_int_ne(stat(at(3, "bare/poise.db"), &sb), 0);
	RUN_ENV(&r, env, "--db");
	ck_assert_int_eq(r.code, 2);
	ck_assert_str_eq(first_line(r.err), "poise: option '--db' needs a PATH");
	ck_assert_ptr_nonnull(strstr(r.err, "usage: poise call"));

	/* No command at all is a call with the defaults: $POISE_DB here. */
	run_poise(&r, env, (const char *[]){NULL});
	ck_assert_int_ne(r.code, 0);
	ck_assert_int_ne(r.code, 2);
	ck_assert_str_ne(r.err, "");
	ck_assert_int_ne(stat(at(1, "env/poise.db"), &sb), 0);
	ck_assert_int_ne(stat(at(2, "data/poise/poise.db"), &sb), 0);
}
END_TEST

/* --name words of text, once each, in order, as a NUL-separated list in out. */
static size_t option_words(const char *text, char out[][40], size_t max)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, "--")) && n < max; p += 2) {
		size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		int seen = 0;

		if (len == 0 || len >= 40 || (p > text && p[-1] != ' ' && p[-1] != '['))
			continue;
		for (size_t i = 0; i < n; i++)
			seen |= strlen(out[i]) == len && strncmp(out[i], p + 2, len) == 0;
		if (seen || strncmp(p + 2, "help", len) == 0)
			continue;
		memcpy(out[n], p + 2, len);
		out[n++][len] = '\0';
	}
	return n;
}

static int listed(char words[][40], size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(words[i], word) == 0)
			return 1;
	return 0;
}

/* The man page's SYNOPSIS entry of cmd, with \- turned into -, in buf. */
static void man_synopsis(const char *man, const char *cmd, char *buf, size_t size)
{
	const char *syn = strstr(man, ".SH SYNOPSIS"), *end = strstr(man, ".SH DESCRIPTION");
	char head[64];
	const char *at, *stop;
	size_t len = 0;

	ck_assert_ptr_nonnull(syn);
	ck_assert_ptr_nonnull(end);
	snprintf(head, sizeof(head), "\n.B poise %.39s\n", cmd);
	at = strstr(syn, head);
	ck_assert_msg(at && at < end, "docs/poise.1 has no SYNOPSIS entry for '%s'", cmd);
	stop = strstr(at + 1, "\n.br");
	if (!stop || stop > end)
		stop = end;
	for (const char *p = at; p < stop && len + 1 < size; p++) {
		if (p[0] == '\\' && p[1] == '-')
			p++;
		buf[len++] = *p;
	}
	buf[len] = '\0';
}

/* What --name takes in a --help synopsis ("[--name ARG]": ARG, "[--name]": none), in arg. */
static void help_arg(const char *usage, const char *name, char *arg, size_t size)
{
	char key[64];
	size_t klen = (size_t)snprintf(key, sizeof(key), "[--%.40s", name);

	arg[0] = '\0';
	for (const char *p = usage; (p = strstr(p, key)); p += klen) {
		const char *end = strchr(p + klen, ']');

		if (p[klen] == ']')
			return;
		if (p[klen] == ' ' && end) { /* "[--name [ARG]]" (optional): ARG */
			size_t n = 0;

			for (const char *q = p + klen + 1; q < end && n + 1 < size; q++)
				if (*q != '[')
					arg[n++] = *q;
			arg[n] = '\0';
			return;
		}
	}
}

/*
 * What --name takes in the manual's SYNOPSIS entry (with \- already -):
 * ".RB [ --name ]" none; ".RB [ --name" then ".IR A | B ]" "A|B" (the
 * line's words, spaces and brackets dropped); then ".RB [" another option.
 */
static void man_arg(const char *syn, const char *name, char *arg, size_t size)
{
	char key[64];
	size_t klen = (size_t)snprintf(key, sizeof(key), "[ --%.40s", name), n = 0;

	arg[0] = '\0';
	for (const char *p = syn; (p = strstr(p, key)); p += klen) {
		const char *line = p + klen + 1;

		if (p[klen] != '\n')
			continue;
		if (strncmp(line, ".RB [", 5) == 0 || strncmp(line, ".br", 3) == 0)
			return;
		line = strchr(line, ' ');
		for (; line && *line && *line != '\n' && n + 1 < size; line++)
			if (*line != ' ' && *line != ']' && *line != '[')
				arg[n++] = *line;
		arg[n] = '\0';
		return;
	}
}

/* Each command's options in `poise CMD --help` are those of its SYNOPSIS in the manual. */
START_TEST(test_help_agrees_with_the_manual)
{
	size_t mlen, ncmd = 0;
	char *man = fixture_read_all(POISE_SOURCE_DIR "/docs/poise.1", &mlen);
	char cmds[32][40], help[64][40], doc[64][40], syn[4096];
	struct run r;
	const char *p;

	ck_assert_ptr_nonnull(man);
	RUN(&r, "--help");
	p = strstr(r.out, "\ncommands:\n");
	ck_assert_ptr_nonnull(p);
	for (p += strlen("\ncommands:\n"); p[0] == ' ' && p[1] == ' ' && ncmd < 32;
	     p = strchr(p, '\n') + 1) {
		size_t len = strcspn(p + 2, " \n");

		ck_assert_uint_lt(len, 40);
		memcpy(cmds[ncmd], p + 2, len);
		cmds[ncmd++][len] = '\0';
	}
	ck_assert_uint_ge(ncmd, 9);
	for (size_t c = 0; c < ncmd; c++) {
		size_t nh, nd;
		const char *opts;

		RUN(&r, cmds[c], "--help");
		ck_assert_int_eq(r.code, 0);
		opts = strstr(r.out, "\noptions:\n");
		ck_assert_ptr_nonnull(opts);
		nh = option_words(opts, help, 64);
		man_synopsis(man, cmds[c], syn, sizeof(syn));
		nd = option_words(syn, doc, 64);
		for (size_t i = 0; i < nh; i++)
			ck_assert_msg(listed(doc, nd, help[i]),
				      "'poise %s --help' has --%s, the manual's SYNOPSIS not",
				      cmds[c], help[i]);
		for (size_t j = 0; j < nd; j++)
			ck_assert_msg(listed(help, nh, doc[j]),
				      "the manual gives 'poise %s' --%s, its --help not", cmds[c],
				      doc[j]);
		/* With the same argument, named alike ("--format jsonl|csv", "--db PATH"). */
		for (size_t i = 0; i < nh; i++) {
			char h[64], m[64];

			help_arg(r.out, help[i], h, sizeof(h));
			man_arg(syn, help[i], m, sizeof(m));
			ck_assert_msg(strcmp(h, m) == 0,
				      "'poise %s --help' gives --%s '%s', the manual's SYNOPSIS '%s'",
				      cmds[c], help[i], h, m);
		}
		/* And the manual says what each one does, in the command's own entry. */
		for (size_t i = 0; i < nh; i++) {
			char word[128];

			snprintf(word, sizeof(word), "\\-\\-%.39s", help[i]);
			for (char *q = word + 4; *q; q++)
				if (*q == '-') {
					memmove(q + 1, q, strlen(q) + 1);
					*q++ = '\\';
				}
			ck_assert_msg(strstr(strstr(man, ".SH COMMANDS"), word),
				      "the manual's COMMANDS do not explain 'poise %s --%s'",
				      cmds[c], help[i]);
		}
	}
	free(man);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_help_lists_every_command);
	tcase_add_test(tc, test_command_help);
	tcase_add_test(tc, test_unknown_command);
	tcase_add_test(tc, test_unknown_option);
	tcase_add_test(tc, test_option_values);
	tcase_add_test(tc, test_lint_usage);
	tcase_add_test(tc, test_lint_good);
	tcase_add_test(tc, test_lint_scorecards);
	tcase_add_test(tc, test_lint_bad_file_located_with_caret);
	tcase_add_test(tc, test_lint_folder_with_duplicates_and_errors);
	tcase_add_test(tc, test_lint_duplicate_beside_other_errors);
	tcase_add_test(tc, test_lint_warns);
	tcase_add_test(tc, test_lint_missing_and_empty);
	tcase_add_test(tc, test_playbooks_in_search_order);
	tcase_add_test(tc, test_call_refuses_without_terminal);
	tcase_add_test(tc, test_help_agrees_with_the_manual);
	suite_add_tcase(s, tc);
	return s;
}
