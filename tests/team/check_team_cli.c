/*
 * check_team_cli.c - `poise server init` and `poise sync` as a user runs
 * them: the real binary, its output and exit codes, against a real server.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sync_fixture.h"
#include "main/suite.h"

#define DB "t_cli"

/* Run sh (under /bin/sh, stderr into the output); the exit code, the output in out. */
static int run(const char *sh, char *out, size_t size)
{
	char cmd[2048];
	FILE *p;
	size_t n;
	int status;

	snprintf(cmd, sizeof(cmd), "( %s ) 2>&1", sh);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_no_server_sends_nothing)
{
	char out[4096];
	int rc = run("env -u PGHOST -u PGSERVICE -u PGDATABASE -u PGHOSTADDR -u POISE_SERVER "
		     "POISE_DB=/nonexistent/never/poise.db " POISE_BIN
		     " sync --db /tmp/poise-cli-none.db",
		     out, sizeof(out));

	ck_assert_msg(rc == 1, "rc %d: %s", rc, out);
	ck_assert_msg(strstr(out, "no server configured: pass --server URL"), "%s", out);
	remove("/tmp/poise-cli-none.db");
}
END_TEST

START_TEST(test_usage_errors)
{
	char out[4096];
	int rc = run(POISE_BIN " sync --server postgresql://sam:secret@db.example/poise", out,
		     sizeof(out));

	ck_assert_msg(rc == 2, "rc %d: %s", rc, out);
	ck_assert_msg(strstr(out, "holds a password"), "%s", out);
	ck_assert_msg(!strstr(out, "secret"), "%s", out);
	rc = run(POISE_BIN " server drop", out, sizeof(out));
	ck_assert_msg(rc == 2, "rc %d: %s", rc, out);
	ck_assert_msg(strstr(out, "unknown server command 'drop'"), "%s", out);
	rc = run(POISE_BIN " server", out, sizeof(out));
	ck_assert_msg(rc == 2, "rc %d: %s", rc, out);
	rc = run(POISE_BIN " sync --help", out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "--server [URL]"), "rc %d: %s", rc, out);
}
END_TEST

START_TEST(test_init_and_sync)
{
	char path[512], sh[1024], out[4096];
	struct store *st = sfx_setup(DB, 1, 6, path, sizeof(path));
	PGconn *admin;
	char want[64];
	int rc;

	store_close(st);
	pgt_db(DB); /* the binary makes the schema itself */
	snprintf(sh, sizeof(sh), POISE_BIN " server init --server 'dbname=" DB "'");
	rc = run(sh, out, sizeof(out));
	snprintf(want, sizeof(want), "server schema created (version %d)", TEAM_SCHEMA_VERSION);
	ck_assert_msg(rc == 0 && strstr(out, want), "rc %d: %s", rc, out);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "up to date"), "rc %d: %s", rc, out);
	/* The address from $POISE_SERVER; the role is the agent. */
	snprintf(sh, sizeof(sh),
		 "POISE_SERVER='dbname=" DB " user=agent01' " POISE_BIN " sync --db %s", path);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "sent 6 calls"), "rc %d: %s", rc, out);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "sent 0 calls, 0 events"), "rc %d: %s", rc, out);
	admin = pgt_connect(DB, NULL);
	sfx_same(path, admin);
	/* A supervisor has no calls of their own to send: said, not an error. */
	snprintf(sh, sizeof(sh), POISE_BIN " sync --db %s --server 'dbname=" DB " user=t_sue'",
		 path);
	rc = run(sh, out, sizeof(out));
	/* Their owner sent them already: nothing to say of them. */
	ck_assert_msg(rc == 0 && strstr(out, "sent 0 calls") && !strstr(out, "other agents"),
		      "rc %d: %s", rc, out);
	/* An older server schema: say who must do what. */
	pgt_ok(admin, "UPDATE poise.schema_version SET version = 0");
	snprintf(sh, sizeof(sh), POISE_BIN " sync --db %s --server 'dbname=" DB " user=agent01'",
		 path);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 1 && strstr(out, "run 'poise server init'"), "rc %d: %s", rc, out);
	/* No server there: calls stay safe here. */
	snprintf(sh, sizeof(sh), POISE_BIN " sync --db %s --server 'host=/nonexistent dbname=x'",
		 path);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 1 && strstr(out, "cannot reach the server"), "rc %d: %s", rc, out);
	PQfinish(admin);
}
END_TEST

Suite *team_cli_suite(void)
{
	Suite *s = suite_create("team_cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_no_server_sends_nothing);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_init_and_sync);
	suite_add_tcase(s, tc);
	return s;
}
