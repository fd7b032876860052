/*
 * check_team_floor.c - the live floor against a real server: 20 agents,
 * each with their own local database and their own streamer (a child
 * process and a connection each), take a call at once; a supervisor's
 * floor sees every call and receives every alert (escalate, manager,
 * boundary warning 2) exactly once, through LISTEN/NOTIFY. How soon is
 * measured by bench/bench_floor.c, not asserted here: the waits below are
 * only a generous bound for a loaded machine.
 */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers/fixture_dir.h"
#include "poise/playbook.h"
#include "poise/store.h"
#include "poise/team_floor.h"
#include "sync_fixture.h"
#include "main/suite.h"

#define DB     "t_floor"
#define AGENTS 20
#define WAIT_S 60 /* a bound for a loaded machine, not a figure */

struct agent {
	char name[32], dir[128], path[256];
	struct store *st;
	struct team_stream *stream;
	struct call_meta meta;
};

static struct agent agents[AGENTS];
static int nagents;
static struct playbook *pb;

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void cleanup(void)
{
	for (int i = 0; i < nagents; i++)
		if (agents[i].dir[0])
			fixture_dir_remove(agents[i].dir);
}

/* The server database, the supervisor t_sue and n agents agent01.., each with a streamer. */
static void setup(int n)
{
	struct poise_error err;
	struct team *t;
	PGconn *admin;

	pgt_db(DB);
	t = sfx_team(DB, NULL);
	ck_assert_msg(team_init(t, NULL, NULL, &err) == POISE_OK, "%s", err.msg);
	team_close(t);
	admin = pgt_connect(DB, NULL);
	pgt_role(admin, "t_sue", "poise_supervisor");
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
	atexit(cleanup);
	nagents = n;
	for (int i = 0; i < n; i++) {
		struct agent *a = &agents[i];

		snprintf(a->name, sizeof(a->name), "agent%02d", i + 1);
		pgt_role(admin, a->name, "poise_agent");
		fixture_dir_make(a->dir, sizeof(a->dir), "poise-floor-");
		memcpy(a->path, a->dir, sizeof(a->dir)); /* the folder, then the file in it */
		strncat(a->path, "/poise.db", sizeof(a->path) - strlen(a->path) - 1);
		/* Before any database is open here, as the call screen does (team_floor.h). */
		ck_assert_msg(team_stream_start(pgt_conninfo(DB, a->name), a->path, &a->stream,
						&err) == POISE_OK,
			      "%s", err.msg);
	}
	for (int i = 0; i < n; i++)
		ck_assert_msg(store_open(agents[i].path, 0, &agents[i].st, &err) == POISE_OK, "%s",
			      err.msg);
	PQfinish(admin);
}

/* Agent i logs ev in their call, as the call screen does: stored, then the streamer nudged. */
static void record(int i, struct event ev)
{
	struct agent *a = &agents[i];
	struct poise_error err;
	int deferred = 0;

	ev.t = wall_ms();
	ck_assert_msg(store_append(a->st, a->meta.id, &ev, &deferred, &err) == POISE_OK, "%s",
		      err.msg);
	team_stream_note(a->stream, a->meta.id);
}

static void start_call(int i)
{
	struct agent *a = &agents[i];
	struct poise_error err;

	memset(&a->meta, 0, sizeof(a->meta));
	a->meta.started = wall_ms();
	ck_assert_int_eq(store_new_uuid(a->meta.id, a->meta.started, &err), POISE_OK);
	memcpy(a->meta.agent, a->name, strlen(a->name) + 1);
	snprintf(a->meta.customer, sizeof(a->meta.customer), "Caller %d", i + 1);
	snprintf(a->meta.playbook_id, sizeof(a->meta.playbook_id), "%s", pb->id);
	snprintf(a->meta.playbook_version, sizeof(a->meta.playbook_version), "%s", pb->version);
	snprintf(a->meta.playbook_hash, sizeof(a->meta.playbook_hash), "%s", pb->hash);
	snprintf(a->meta.status, sizeof(a->meta.status), "open");
	ck_assert_msg(store_call_begin(a->st, &a->meta, pb, &err) == POISE_OK, "%s", err.msg);
	record(i, (struct event){.kind = EV_START, .stage = STAGE_CALM, .text = pb->hash});
}

/* Poll the floor until done(f) or the generous bound. */
static void wait_for(struct team_floor *f, int (*done)(struct team_floor *f, void *ctx),
		     void *ctx)
{
	int64_t until = wall_ms() + WAIT_S * 1000;
	struct poise_error err;

	poise_error_clear(&err);
	while (!done(f, ctx)) {
		struct pollfd p = {team_floor_socket(f), POLLIN, 0};
		size_t n;

		ck_assert_msg(wall_ms() < until, "the floor did not get there in %d s (last: %s)",
			      WAIT_S, err.msg);
		poll(&p, p.fd >= 0 ? 1 : 0, 100);
		if (team_floor_poll(f, wall_ms(), &n, &err) == POISE_OK)
			poise_error_clear(&err);
	}
}

static int alerts_at_least(struct team_floor *f, void *ctx)
{
	const struct team_floor_alert *a;

	return team_floor_alerts(f, &a) >= *(size_t *)ctx;
}

static int rows_are(struct team_floor *f, void *ctx)
{
	const struct floor_row *r;

	return team_floor_rows(f, wall_ms(), &r) == *(size_t *)ctx;
}

static struct team_floor *open_floor(void)
{
	struct team_floor *f;
	struct poise_error err;

	ck_assert_msg(team_floor_open(sfx_team(DB, "t_sue"), wall_ms(), &f, &err) == POISE_OK,
		      "%s", err.msg);
	return f;
}

static void stop_all(void)
{
	for (int i = 0; i < nagents; i++) {
		team_stream_stop(agents[i].stream, 30000);
		store_close(agents[i].st);
	}
	playbook_free(pb);
}

START_TEST(test_twenty_agents_every_alert)
{
	struct team_floor *f;
	const struct team_floor_alert *al;
	const struct floor_row *rows;
	size_t want, n;
	int seen[AGENTS][3];
	PGconn *admin;

	setup(AGENTS);
	f = open_floor();
	/* All twenty at once, event by event. */
	for (int i = 0; i < AGENTS; i++)
		start_call(i);
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_MOOD, .a = i == 6 ? 5 : 3});
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_STAGE, .stage = STAGE_BOUNDARY});
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_WARNING, .a = 1});
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_ESCALATE, .text = "asked"});
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_NOTE, .text = "noise [2J"});
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_MANAGER});
	for (int i = 0; i < AGENTS; i++)
		record(i, (struct event){.kind = EV_WARNING, .a = 2});
	want = AGENTS * 3;
	wait_for(f, alerts_at_least, &want);
	/* Exactly once each: a few more polls bring nothing twice. */
	for (int k = 0; k < 5; k++) {
		struct poise_error err;

		usleep(100000);
		ck_assert_int_eq(team_floor_poll(f, wall_ms(), &n, &err), POISE_OK);
		ck_assert_int_eq(n, 0);
	}
	ck_assert_int_eq(team_floor_alerts(f, &al), AGENTS * 3);
	memset(seen, 0, sizeof(seen));
	for (size_t k = 0; k < AGENTS * 3; k++) {
		int i = atoi(al[k].agent + 5) - 1;

		ck_assert_int_ge(i, 0);
		ck_assert_int_lt(i, AGENTS);
		ck_assert_str_eq(al[k].call_id, agents[i].meta.id);
		ck_assert_int_ge(al[k].seen, al[k].t);
		if (al[k].alert == FLOOR_ALERT_WARNING)
			ck_assert_int_eq(al[k].level, 2);
		seen[i][al[k].alert - FLOOR_ALERT_ESCALATE]++;
	}
	for (int i = 0; i < AGENTS; i++)
		for (int k = 0; k < 3; k++)
			ck_assert_msg(seen[i][k] == 1, "agent %d alert %d: %d", i + 1, k,
				      seen[i][k]);
	/* Every call on the floor, help asked everywhere, the furious caller first. */
	n = team_floor_rows(f, wall_ms(), &rows);
	ck_assert_int_eq(n, AGENTS);
	ck_assert_str_eq(rows[0].agent, "agent07");
	ck_assert_int_eq(rows[0].mood, 5);
	for (size_t k = 0; k < n; k++) {
		ck_assert_int_eq(rows[k].need, FLOOR_HELP);
		ck_assert_int_eq(rows[k].stage, STAGE_BOUNDARY);
		ck_assert_int_eq(rows[k].warnings, 2);
		ck_assert_int_eq(rows[k].escalations, 1);
		ck_assert_int_eq(rows[k].manager_asks, 1);
		if (k > 0)
			ck_assert_int_le(floor_row_cmp(&rows[k - 1], &rows[k]), 0);
	}
	/* Five calls end: they leave the floor. */
	for (int i = 0; i < 5; i++)
		record(i, (struct event){.kind = EV_INTERRUPTED, .text = "test"});
	want = AGENTS - 5;
	wait_for(f, rows_are, &want);
	/* Every event is on the server once, as in each agent's log. */
	admin = pgt_connect(DB, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), AGENTS);
	stop_all();
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.events"), AGENTS * 8 + 5);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(DISTINCT (call_id, seq)) FROM poise.events"),
			 AGENTS * 8 + 5);
	PQfinish(admin);
	team_floor_close(f);
}
END_TEST

/* The agent's connection cut mid-call: the events wait and arrive; the floor loses none. */
START_TEST(test_cut_connection_only_delays)
{
	struct team_floor *f;
	const struct team_floor_alert *al;
	size_t want = 2;
	PGconn *admin;

	setup(1);
	f = open_floor();
	start_call(0);
	record(0, (struct event){.kind = EV_ESCALATE, .text = "asked"});
	want = 1;
	wait_for(f, alerts_at_least, &want);
	admin = pgt_connect(DB, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(pg_terminate_backend(pid)) FROM "
					"pg_stat_activity WHERE usename = 'agent01'"),
			 1);
	record(0, (struct event){.kind = EV_NOTE, .text = "while cut"});
	record(0, (struct event){.kind = EV_MANAGER});
	want = 2;
	wait_for(f, alerts_at_least, &want);
	ck_assert_int_eq(team_floor_alerts(f, &al), 2);
	ck_assert_int_eq(al[1].alert, FLOOR_ALERT_MANAGER);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.events"), 4);
	/* A supervisor's floor cut: it says so, connects again and misses nothing. */
	ck_assert_int_eq(pgt_int(admin, "SELECT count(pg_terminate_backend(pid)) FROM "
					"pg_stat_activity WHERE usename = 't_sue'"),
			 1);
	record(0, (struct event){.kind = EV_STAGE, .stage = STAGE_BOUNDARY});
	record(0, (struct event){.kind = EV_WARNING, .a = 1});
	record(0, (struct event){.kind = EV_WARNING, .a = 2});
	want = 3;
	wait_for(f, alerts_at_least, &want);
	ck_assert_int_eq(team_floor_alerts(f, &al), 3);
	ck_assert_int_eq(al[2].alert, FLOOR_ALERT_WARNING);
	stop_all();
	PQfinish(admin);
	team_floor_close(f);
}
END_TEST

/* Poll until the floor's poll fails saying what (a set-up refused, not a lost server). */
static void wait_for_error(struct team_floor *f, const char *what)
{
	int64_t until = wall_ms() + WAIT_S * 1000;
	struct poise_error err;
	size_t n;

	poise_error_clear(&err);
	while (team_floor_poll(f, wall_ms(), &n, &err) == POISE_OK || !strstr(err.msg, what)) {
		ck_assert_msg(wall_ms() < until, "no '%s' in %d s (last: %s)", what, WAIT_S,
			      err.msg);
		usleep(50000);
	}
}

/*
 * The floor connects again but the new session's set-up is refused on a live
 * connection (here the server's schema is not the version this poise knows):
 * it counts as not connected, keeps trying, and once the set-up succeeds it
 * LISTENs again, so the next alert arrives.
 */
START_TEST(test_failed_setup_is_not_connected)
{
	struct team_floor *f;
	const struct team_floor_alert *al;
	size_t want = 1;
	PGconn *admin;

	setup(1);
	f = open_floor();
	start_call(0);
	record(0, (struct event){.kind = EV_ESCALATE, .text = "asked"});
	wait_for(f, alerts_at_least, &want);
	admin = pgt_connect(DB, NULL);
	pgt_ok(admin, "UPDATE poise.schema_version SET version = version + 1000");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(pg_terminate_backend(pid)) FROM "
					"pg_stat_activity WHERE usename = 't_sue'"),
			 1);
	wait_for_error(f, "version");
	/* Not connected: no socket to wait on, and the set-up is tried again. */
	ck_assert_int_eq(team_floor_socket(f), -1);
	wait_for_error(f, "version");
	ck_assert_int_eq(team_floor_socket(f), -1);
	pgt_ok(admin, "UPDATE poise.schema_version SET version = version - 1000");
	record(0, (struct event){.kind = EV_MANAGER});
	want = 2;
	wait_for(f, alerts_at_least, &want);
	ck_assert_int_eq(team_floor_alerts(f, &al), 2);
	ck_assert_int_eq(al[1].alert, FLOOR_ALERT_MANAGER);
	/* Heard through LISTEN on the new session, not only caught up: one more. */
	record(0, (struct event){.kind = EV_STAGE, .stage = STAGE_BOUNDARY});
	record(0, (struct event){.kind = EV_WARNING, .a = 1});
	record(0, (struct event){.kind = EV_WARNING, .a = 2});
	want = 3;
	wait_for(f, alerts_at_least, &want);
	stop_all();
	PQfinish(admin);
	team_floor_close(f);
}
END_TEST

static void poll_quietly(struct team_floor *f)
{
	struct poise_error err;
	size_t n;

	for (int k = 0; k < 5; k++) {
		usleep(100000);
		ck_assert_int_eq(team_floor_poll(f, wall_ms(), &n, &err), POISE_OK);
		ck_assert_int_eq(n, 0);
	}
}

/*
 * A notification that comes after the call left the floor (the agent's last
 * events sent in two statements) raises nothing again; a RESUME brings the
 * call back with the alerts of what follows only.
 */
START_TEST(test_ended_call_alerts_once)
{
	struct team_floor *f;
	const struct team_floor_alert *al;
	size_t want = 1;
	PGconn *admin;
	char sql[160];

	setup(1);
	f = open_floor();
	start_call(0);
	record(0, (struct event){.kind = EV_ESCALATE, .text = "asked"});
	wait_for(f, alerts_at_least, &want);
	record(0, (struct event){.kind = EV_INTERRUPTED, .text = "test"});
	want = 0;
	wait_for(f, rows_are, &want);
	admin = pgt_connect(DB, NULL);
	snprintf(sql, sizeof(sql), "SELECT pg_notify('%s', '%s')", TEAM_FLOOR_CHANNEL,
		 agents[0].meta.id);
	pgt_ok(admin, sql);
	poll_quietly(f);
	ck_assert_int_eq(team_floor_alerts(f, &al), 1);
	ck_assert_int_eq(team_floor_rows(f, wall_ms(), &(const struct floor_row *){NULL}), 0);
	record(0, (struct event){.kind = EV_RESUME});
	record(0, (struct event){.kind = EV_MANAGER});
	want = 2;
	wait_for(f, alerts_at_least, &want);
	poll_quietly(f);
	ck_assert_int_eq(team_floor_alerts(f, &al), 2);
	ck_assert_int_eq(al[0].alert, FLOOR_ALERT_ESCALATE);
	ck_assert_int_eq(al[1].alert, FLOOR_ALERT_MANAGER);
	want = 1;
	wait_for(f, rows_are, &want);
	stop_all();
	PQfinish(admin);
	team_floor_close(f);
}
END_TEST

/*
 * The server does not bound names: a customer of 100 "é" (200 bytes) on the
 * floor is cut to the longest whole-character prefix that fits its row and
 * its alert (63 "é", 126 bytes), never inside a character.
 */
START_TEST(test_long_multibyte_name_cut_whole)
{
	struct team_floor *f;
	const struct team_floor_alert *al;
	const struct floor_row *rows;
	size_t one = 1;
	char want[FIELD_CUSTOMER_MAX + 1] = "";
	PGconn *admin;

	setup(1);
	f = open_floor();
	start_call(0);
	wait_for(f, rows_are, &one); /* the call is on the server */
	team_floor_close(f);
	admin = pgt_connect(DB, NULL);
	pgt_ok(admin, "UPDATE poise.calls SET customer = repeat('é', 100)");
	f = open_floor();
	record(0, (struct event){.kind = EV_ESCALATE, .text = "asked"});
	wait_for(f, alerts_at_least, &one);
	for (int i = 0; i < 63; i++)
		strcat(want, "é");
	ck_assert_int_eq(team_floor_rows(f, wall_ms(), &rows), 1);
	ck_assert_str_eq(rows[0].customer, want);
	ck_assert_int_eq(team_floor_alerts(f, &al), 1);
	ck_assert_str_eq(al[0].customer, want);
	stop_all();
	PQfinish(admin);
	team_floor_close(f);
}
END_TEST

Suite *team_floor_suite(void)
{
	Suite *s = suite_create("team_floor");
	TCase *tc = tcase_create("floor");

	tcase_add_test(tc, test_twenty_agents_every_alert);
	tcase_add_test(tc, test_cut_connection_only_delays);
	tcase_add_test(tc, test_failed_setup_is_not_connected);
	tcase_add_test(tc, test_ended_call_alerts_once);
	tcase_add_test(tc, test_long_multibyte_name_cut_whole);
	suite_add_tcase(s, tc);
	return s;
}
