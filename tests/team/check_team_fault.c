/*
 * check_team_fault.c - the server itself stopped at once (pg_ctl -m
 * immediate, as a crash) in the middle of a push, then started again: the
 * resync completes and every row is on the server exactly once. The test
 * runs its own cluster, so stopping it disturbs no other test.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync_fixture.h"
#include "main/suite.h"

#define DB "t_fault"

static char dir[] = "/tmp/poise-fault-XXXXXX";

/* However the test ends, its cluster stops and its files go. */
static void stop_own_cluster(void)
{
	char sh[1024];

	snprintf(sh, sizeof(sh), "sh %s/scripts/pg-cluster.sh stop %s; rm -rf %s", POISE_SOURCE_DIR,
		 dir, dir);
	if (system(sh) != 0)
		fprintf(stderr, "could not stop the cluster in %s\n", dir);
}

/* Start an own cluster and point PGHOST at it. */
static void own_cluster(void)
{
	char env[600], line[1024];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	atexit(stop_own_cluster);
	pgt_cluster("start", dir);
	snprintf(env, sizeof(env), "%s/env", dir);
	ck_assert_ptr_nonnull(f = fopen(env, "r"));
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (eq) {
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	}
	fclose(f);
}

static int halt_server(void *ctx, enum team_hook where, size_t no)
{
	int *done = ctx;

	if (*done || where != TEAM_HOOK_STAGED || no != 1)
		return 0;
	*done = 1;
	pgt_cluster("halt", dir);
	return 0;
}

START_TEST(test_server_halted_mid_push)
{
	char path[512];
	struct store *st;
	struct team *t;
	PGconn *admin;
	int done = 0;
	struct team_sync_opts o = {.batch = 5, .hook = halt_server, .ctx = &done};
	struct team_sync_counts n;
	struct poise_error err;

	own_cluster();
	st = sfx_setup(DB, 1, 20, path, sizeof(path));
	t = sfx_team(DB, "agent01");
	ck_assert_msg(team_sync(t, st, &o, &n, &err) == POISE_IO, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "sync again"));
	ck_assert_int_eq(done, 1);
	team_close(t);
	/* Down: a sync says so and changes nothing here. */
	{
		struct team *none = NULL;

		ck_assert_int_eq(team_connect(pgt_conninfo(DB, "agent01"), &none, &err), POISE_IO);
		ck_assert_ptr_nonnull(strstr(err.msg, "cannot reach the server"));
	}
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_calls"), 5);
	pgt_cluster("resume", dir);
	admin = pgt_connect(DB, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), 5);
	t = sfx_team(DB, "agent01");
	o.hook = NULL;
	ck_assert_msg(team_sync(t, st, &o, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(n.calls, 15);
	sfx_same(path, admin);
	ck_assert_msg(team_sync(t, st, &o, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(n.calls + n.events + n.followups + n.figures, 0);
	sfx_same(path, admin);
	team_close(t);
	store_close(st);
	PQfinish(admin);
}
END_TEST

Suite *team_fault_suite(void)
{
	Suite *s = suite_create("team_fault");
	TCase *tc = tcase_create("fault");

	tcase_add_test(tc, test_server_halted_mid_push);
	suite_add_tcase(s, tc);
	return s;
}
