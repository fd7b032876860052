/*
 * check_team_cli.c - `poise server init` and `poise sync` as a user runs
 * them: the real binary, its output and exit codes, against a real server.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	ck_assert_msg(!strstr(out, "PGPASSWORD"), "%s", out);
	/* A password in $PGPASSWORD: used, and warned of once a run (never shown). */
	snprintf(sh, sizeof(sh),
		 "PGPASSWORD=hunter2 POISE_SERVER='dbname=" DB " user=agent01' " POISE_BIN
		 " sync --db %s",
		 path);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "sent 0 calls, 0 events"), "rc %d: %s", rc, out);
	ck_assert_msg(strstr(out, "warning: $PGPASSWORD holds the server's password") &&
			      strstr(out, "~/.pgpass or a service file") && !strstr(out, "hunter2"),
		      "%s", out);
	/* A reading command connects more than once: still one warning. */
	snprintf(sh, sizeof(sh),
		 "PGPASSWORD=hunter2 POISE_SERVER='dbname=" DB " user=t_sue' " POISE_BIN
		 " report --server --db %s.mirror",
		 path);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0, "rc %d: %s", rc, out);
	ck_assert_msg(strstr(out, "$PGPASSWORD") &&
			      !strstr(strstr(out, "$PGPASSWORD") + 1, "$PGPASSWORD"),
		      "%s", out);
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

/* Lines in s. */
static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * A supervisor's commands with the server out of reach (a port nothing
 * listens on): each says so once, in the desk's words (what, where, what
 * to do, the data here unchanged), not the agent's, with no libpq hint
 * lines; exits non-zero; and leaves no empty mirror behind to pass, next
 * time, for one brought down. A mirror brought down before is read as it
 * was, with the same words as a warning. The agent's sync keeps theirs.
 */
START_TEST(test_desk_commands_unreachable)
{
	static const char *const cmds[] = {
		"review --server", "show --server 00000000-0000-0000-0000-000000000000",
		"report --server", "export --server", "followups --server",
		"floor --server 'host=127.0.0.1 port=1 dbname=x'"};
	char dir[] = "/tmp/poise-cli-down-XXXXXX", env[256], sh[1400], out[4096], path[512];
	struct store *st = sfx_setup(DB, 1, 2, path, sizeof(path));
	int rc;

	store_close(st);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(env, sizeof(env),
		 "HOME=%s XDG_DATA_HOME=%s POISE_SERVER='host=127.0.0.1 port=1 dbname=x'", dir,
		 dir);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		for (int twice = 0; twice < 2; twice++) {
			snprintf(sh, sizeof(sh), "%s " POISE_BIN " %s --db %s/mirror.db", env,
				 cmds[i], dir);
			if (strncmp(cmds[i], "floor", 5) == 0) /* floor has no --db */
				snprintf(sh, sizeof(sh), "%s " POISE_BIN " %s", env, cmds[i]);
			rc = run(sh, out, sizeof(out));
			ck_assert_msg(rc != 0, "%s: rc %d: %s", cmds[i], rc, out);
			ck_assert_msg(lines(out) == 1, "%s: %s", cmds[i], out);
			ck_assert_msg(strstr(out, "poise: error: cannot reach the team server ("),
				      "%s: %s", cmds[i], out);
			ck_assert_msg(strstr(out, "\"127.0.0.1\", port 1"), "%s: %s", cmds[i], out);
			ck_assert_msg(strstr(out, "check its address") &&
					      strstr(out, "the data on this machine is unchanged"),
				      "%s: %s", cmds[i], out);
			ck_assert_msg(!strstr(out, "calls stay safe"), "%s: %s", cmds[i], out);
			snprintf(sh, sizeof(sh), "%s/mirror.db", dir);
			ck_assert_msg(access(sh, F_OK) != 0, "%s left a mirror", cmds[i]);
		}
	/* A mirror brought down once is read as it was, with a warning. */
	snprintf(sh, sizeof(sh),
		 "HOME=%s XDG_DATA_HOME=%s POISE_SERVER='dbname=" DB " user=t_sue' " POISE_BIN
		 " report --server --db %s/mirror.db",
		 dir, dir, dir);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0 && strstr(out, "calls"), "rc %d: %s", rc, out);
	snprintf(sh, sizeof(sh), "%s " POISE_BIN " report --server --db %s/mirror.db", env, dir);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 0, "rc %d: %s", rc, out);
	ck_assert_msg(strstr(out, "poise: warning: cannot reach the team server (") &&
			      strstr(out, "reading the team as last brought down") &&
			      !strstr(out, "calls stay safe"),
		      "%s", out);
	/* The agent's sync: their calls stay safe here. */
	snprintf(sh, sizeof(sh), "%s " POISE_BIN " sync --db %s", env, path);
	rc = run(sh, out, sizeof(out));
	ck_assert_msg(rc == 1 && lines(out) == 1 && strstr(out, "cannot reach the server") &&
			      strstr(out, "calls stay safe on this machine"),
		      "rc %d: %s", rc, out);
	snprintf(sh, sizeof(sh), "rm -rf %s", dir);
	ck_assert_int_eq(system(sh), 0);
}
END_TEST

Suite *team_cli_suite(void)
{
	Suite *s = suite_create("team_cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_no_server_sends_nothing);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_init_and_sync);
	tcase_add_test(tc, test_desk_commands_unreachable);
	suite_add_tcase(s, tc);
	return s;
}
