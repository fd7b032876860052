/*
 * check_team_crowd.c - 20 agents syncing at once, each from their own
 * machine's database (a copy of one generated for 20 agents: each sends
 * only their own calls) through their own connection, in small batches so
 * their transactions interleave: the server ends with every call, event,
 * follow-up and figure row exactly once; doing it again at once sends
 * nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync_fixture.h"
#include "main/suite.h"

#define DB     "t_crowd"
#define AGENTS 20
#define CALLS  200

static char paths[AGENTS][600];

/* One agent's sync in a child process: 0 sent as expected, else why not. */
static int agent_sync(int i, int again)
{
	char role[16];
	struct team *t = NULL;
	struct store *st = NULL;
	struct poise_error err;
	struct team_sync_counts n;
	struct team_sync_opts o = {.batch = 7};
	int rc = 0;

	snprintf(role, sizeof(role), "agent%02d", (i + 1) % 100);
	if (store_open(paths[i], 0, &st, &err) != POISE_OK ||
	    team_connect(pgt_conninfo(DB, role), &t, &err) != POISE_OK ||
	    team_sync(t, st, &o, &n, &err) != POISE_OK) {
		fprintf(stderr, "%s: %s\n", role, err.msg);
		rc = 1;
	} else if (again ? n.calls + n.events + n.followups + n.figures != 0 : n.calls == 0) {
		fprintf(stderr, "%s: sent %zu calls, %zu events\n", role, n.calls, n.events);
		rc = 2;
	}
	team_close(t);
	store_close(st);
	return rc;
}

static void all_at_once(int again)
{
	pid_t pids[AGENTS];

	for (int i = 0; i < AGENTS; i++) {
		ck_assert_int_ge(pids[i] = fork(), 0);
		if (pids[i] == 0)
			_exit(agent_sync(i, again));
	}
	for (int i = 0; i < AGENTS; i++) {
		int status = 0;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "agent%02d's sync failed (%d)", i + 1, status);
	}
}

START_TEST(test_twenty_agents_at_once)
{
	char path[512], cmd[1400];
	struct store *st = sfx_setup(DB, AGENTS, CALLS, path, sizeof(path));
	PGconn *admin = pgt_connect(DB, NULL);
	static const char *const pairs[][2] = {
		{"SELECT count(*) FROM calls", "SELECT count(*) FROM poise.calls"},
		{"SELECT count(*) FROM events", "SELECT count(*) FROM poise.events"},
		{"SELECT count(*) FROM events", "SELECT count(DISTINCT (call_id, seq)) FROM "
						"poise.events"},
		{"SELECT sum(t % 100000 + seq) FROM events",
		 "SELECT sum(t % 100000 + seq) FROM poise.events"},
		{"SELECT count(*) FROM followups", "SELECT count(*) FROM poise.followups"},
		{"SELECT count(*) FROM call_figures", "SELECT count(*) FROM poise.call_figures"},
		{"SELECT count(DISTINCT agent) FROM calls",
		 "SELECT count(DISTINCT agent) FROM poise.calls"},
	};

	for (int i = 1; i < AGENTS; i++) {
		char role[16];

		snprintf(role, sizeof(role), "agent%02d", i + 1);
		pgt_role(admin, role, "poise_agent");
	}
	store_close(st);
	/* Each agent's machine: a copy of the file, taken while nothing has it open. */
	for (int i = 0; i < AGENTS; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%.500s.agent%02d", path, i + 1);
		snprintf(cmd, sizeof(cmd), "cp '%.500s' '%.600s'", path, paths[i]);
		ck_assert_int_eq(system(cmd), 0);
	}
	all_at_once(0);
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		long long l = sfx_local(path, pairs[k][0]), s = pgt_int(admin, pairs[k][1]);

		ck_assert_msg(l == s, "%s: %lld here, %lld on the server", pairs[k][1], l, s);
	}
	ck_assert_int_eq(pgt_int(admin, "SELECT count(DISTINCT agent) FROM poise.calls"), AGENTS);
	all_at_once(1);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"),
			 sfx_local(path, "SELECT count(*) FROM calls"));
	PQfinish(admin);
}
END_TEST

Suite *team_crowd_suite(void)
{
	Suite *s = suite_create("team_crowd");
	TCase *tc = tcase_create("crowd");

	tcase_add_test(tc, test_twenty_agents_at_once);
	suite_add_tcase(s, tc);
	return s;
}
