/*
 * check_team_fault.c - the server failing in the middle of a push, each way
 * a centre sees it: stopped at once (pg_ctl -m immediate, as a crash),
 * restarted by an administrator (-m fast), killed with SIGKILL (the
 * postmaster), and out of connections. Each time the sync fails with words
 * saying to sync again, and the resync, once the server is back, completes
 * with every row on the server exactly once; a third sync changes nothing.
 * The tests run on a cluster of their own (started once for the program),
 * so stopping it disturbs no other test.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poise/review.h"
#include "poise/store_reply.h"
#include "poise/team_floor.h"
#include "team_int.h"
#include "sync_fixture.h"
#include "main/suite.h"

static char dir[] = "/tmp/poise-fault-XXXXXX";

/* Start an own cluster (once, in the parent: each test is a child) and point PGHOST at it. */
static void own_cluster(void)
{
	char env[600], line[1024];
	FILE *f;

	if (pgt_setup()) /* no server installed: each test skips through the main */
		return;
	ck_assert_ptr_nonnull(mkdtemp(dir));
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

/* However the tests end, the cluster stops and its files go. */
static void stop_own_cluster(void)
{
	char sh[1024];

	if (strstr(dir, "XXXXXX"))
		return;
	snprintf(sh, sizeof(sh), "sh %s/scripts/pg-cluster.sh stop %s; rm -rf %s", POISE_SOURCE_DIR,
		 dir, dir);
	if (system(sh) != 0)
		fprintf(stderr, "could not stop the cluster in %s\n", dir);
}

/* The backend serving role in db, 0 when none. */
static long backend_of(const char *db, const char *role)
{
	PGconn *admin = pgt_connect(db, NULL);
	char sql[256];
	long pid;

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE usename = '%s'", role);
	pid = (long)pgt_int(admin, sql);
	PQfinish(admin);
	return pid;
}

static void wait_gone(long pid)
{
	for (int i = 0; i < 300 && kill((pid_t)pid, 0) == 0; i++)
		usleep(50000);
	ck_assert_msg(kill((pid_t)pid, 0) != 0, "process %ld is still there", pid);
}

/* The postmaster, from its lock file in the data folder. */
static long postmaster(void)
{
	char path[512];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/data/postmaster.pid", getenv("PGHOST"));
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	return pid;
}

/* Connections that hold every slot an ordinary role may have. */
static PGconn *filler[128];
static size_t nfiller;

static void fill_connections(const char *db)
{
	for (nfiller = 0; nfiller < sizeof(filler) / sizeof(filler[0]); nfiller++) {
		PGconn *c = PQconnectdb(pgt_conninfo(db, "t_sue"));

		if (PQstatus(c) != CONNECTION_OK) {
			ck_assert_msg(strstr(PQerrorMessage(c), "connection"), "%s",
				      PQerrorMessage(c));
			PQfinish(c);
			break;
		}
		filler[nfiller] = c;
	}
	ck_assert_uint_lt(nfiller, sizeof(filler) / sizeof(filler[0]));
}

static void free_connections(void)
{
	while (nfiller)
		PQfinish(filler[--nfiller]);
}

enum fault { HALT, RESTART, KILL, FULL };

/* Fail the server how, the first time the sync of role reaches hook where of batch no. */
struct fault_ctx {
	enum fault how;
	const char *db;
	int done;
	const char *role;
	enum team_hook where;
	size_t no;
};

/*
 * Before a batch's statements go (STAGED) the sync goes on and meets the
 * failure itself; after the server's COMMIT it stops there, as a
 * connection lost before the batch is marked here.
 */
static int fail_server(void *ctx, enum team_hook where, size_t no)
{
	struct fault_ctx *f = ctx;
	long pid;

	if (f->done || where != f->where || no != f->no)
		return 0;
	f->done = 1;
	switch (f->how) {
	case HALT:
		pgt_cluster("halt", dir);
		break;
	case RESTART:
		pgt_cluster("restart", dir);
		break;
	case KILL:
		/* SIGKILL to the server; its backends end when they see it gone. */
		pid = backend_of(f->db, f->role);
		ck_assert_int_gt(pid, 0);
		ck_assert_int_eq(kill((pid_t)postmaster(), SIGKILL), 0);
		wait_gone(pid);
		break;
	case FULL:
		/* The connection drops, and every slot is taken before sync can come back. */
		pid = backend_of(f->db, f->role);
		ck_assert_int_eq(kill((pid_t)pid, SIGTERM), 0);
		wait_gone(pid);
		fill_connections(f->db);
		break;
	}
	return where == TEAM_HOOK_COMMITTED;
}

/* Connect as role, waiting for a server that is starting up (a crash's recovery). */
static struct team *connect_when_up(const char *db, const char *role)
{
	struct team *t = NULL;
	struct poise_error err;

	for (int i = 0; i < 300; i++) {
		if (team_connect(pgt_conninfo(db, role), &t, &err) == POISE_OK)
			return t;
		usleep(100000);
	}
	ck_abort_msg("the server did not come back: %s", err.msg);
	return NULL;
}

/* The server back after the fault: resumed, started again, or its slots freed. */
static void bring_back(enum fault how, const char *db)
{
	struct poise_error err;

	if (how == HALT)
		pgt_cluster("resume", dir);
	if (how == KILL) {
		/* The killed server's helpers may take a moment to notice: start when they have. */
		char sh[1024];
		int rc = -1;

		snprintf(sh, sizeof(sh), "sh %s/scripts/pg-cluster.sh resume %s 2>/dev/null",
			 POISE_SOURCE_DIR, dir);
		for (int i = 0; i < 20 && rc != 0; i++)
			if ((rc = system(sh)) != 0)
				usleep(500000);
		ck_assert_int_eq(rc, 0);
	}
	if (how == FULL) {
		struct team *none = NULL;

		ck_assert_int_eq(team_connect(pgt_conninfo(db, "agent01"), &none, &err), POISE_IO);
		ck_assert_msg(strstr(err.msg, "cannot reach the server"), "%s", err.msg);
		free_connections();
	}
}

static void fail_and_resync(enum fault how, const char *db)
{
	char path[512];
	struct store *st;
	struct team *t;
	PGconn *admin;
	struct fault_ctx fc = {how, db, 0, "agent01", TEAM_HOOK_STAGED, 1};
	/* Killed or restarted, the server loses a COPY into staging; halted or full, a small
	 * batch's one statement. */
	struct team_sync_opts o = {.batch = 5,
				   .copy_from = how == KILL || how == RESTART ? 1 : 0,
				   .hook = fail_server,
				   .ctx = &fc};
	struct team_sync_counts n;
	struct poise_error err;

	st = sfx_setup(db, 1, 20, path, sizeof(path));
	t = sfx_team(db, "agent01");
	ck_assert_msg(team_sync(t, st, &o, &n, &err) == POISE_IO, "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(err.msg, "sync again"));
	ck_assert_int_eq(fc.done, 1);
	team_close(t);
	/* Only the first batch was noted here as sent. */
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM sync_calls"), 5);
	if (how == HALT) {
		struct team *none = NULL;

		/* Down: a sync says so and changes nothing here. */
		ck_assert_int_eq(team_connect(pgt_conninfo(db, "agent01"), &none, &err), POISE_IO);
		ck_assert_ptr_nonnull(strstr(err.msg, "cannot reach the server"));
	}
	bring_back(how, db);
	t = connect_when_up(db, "agent01");
	admin = pgt_connect(db, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), 5);
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

START_TEST(test_server_halted_mid_push)
{
	fail_and_resync(HALT, "t_fault_halt");
}
END_TEST

START_TEST(test_server_restarted_mid_push)
{
	fail_and_resync(RESTART, "t_fault_restart");
}
END_TEST

START_TEST(test_server_killed_mid_push)
{
	fail_and_resync(KILL, "t_fault_kill");
}
END_TEST

START_TEST(test_out_of_connections_mid_push)
{
	fail_and_resync(FULL, "t_fault_full");
}
END_TEST

/*
 * The QA rows cut the same ways: an agent's replies (its sync) and a
 * supervisor's scores with their answers (the mirror's push), each push
 * failed once, before its statements reach the server (a small batch's one
 * string, or a big one's COPY into staging) or after the server's COMMIT,
 * before it is marked here. Neither is marked sent while it is not on the
 * server; the resyncs leave each row on the server once, every mark here
 * set, each side holding the other's rows; a third sync changes nothing.
 */
#define QA_ROWS 3

static void qa_fail_and_resync(enum fault how, enum team_hook where, int copy, const char *db)
{
	char path[512], mpath[600], qid[QA_ROWS][37] = {""};
	struct store *st, *m = NULL;
	struct team *agent, *sue;
	PGconn *admin;
	struct fault_ctx fc = {how, db, 0, "agent01", where, 0};
	struct team_sync_opts o = {.copy_from = copy ? 1 : 0, .hook = fail_server, .ctx = &fc};
	struct team_sync_counts n;
	struct team_mirror_counts mn;
	struct poise_error err = {0};
	size_t sent = 0, scores, replies;
	long long on_server = where == TEAM_HOOK_COMMITTED ? QA_ROWS : 0;

	st = sfx_setup(db, 1, 2 * QA_ROWS, path, sizeof(path));
	snprintf(mpath, sizeof(mpath), "%.500s.team", path);
	ck_assert_msg(store_open(mpath, 0, &m, &err) == POISE_OK, "%s", err.msg);
	agent = sfx_team(db, "agent01");
	sue = sfx_team(db, "t_sue");
	ck_assert_msg(team_sync(agent, st, NULL, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_msg(team_mirror(sue, m, &mn, &err) == POISE_OK, "%s", err.msg);
	/* A review of each of three calls, up from the mirror and down to the agent. */
	for (int i = 0; i < QA_ROWS; i++) {
		struct review r = {0};
		char sql[160], *call;

		snprintf(sql, sizeof(sql), "SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET %d", i);
		call = fx_sql_text(mpath, sql);
		snprintf(r.call_id, sizeof(r.call_id), "%s", call);
		snprintf(r.reviewer, sizeof(r.reviewer), "t_sue");
		snprintf(r.comment, sizeof(r.comment), "review %d", i);
		r.created_at = INT64_C(1700000100000) + i;
		ck_assert_msg(review_save(m, &r, &err) == POISE_OK, "%s", err.msg);
		free(call);
	}
	ck_assert_msg(team_mirror(sue, m, &mn, &err) == POISE_OK, "%s", err.msg);
	ck_assert_msg(team_sync(agent, st, NULL, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(n.reviews, QA_ROWS);
	/* The agent replies to each; the supervisor scores the same calls. */
	for (int i = 0; i < QA_ROWS; i++) {
		struct review_reply rp = {0};
		char sql[160], *call;

		snprintf(sql, sizeof(sql), "SELECT id FROM reviews ORDER BY id LIMIT 1 OFFSET %d", i);
		rp.review_id = sfx_local(path, sql);
		rp.kind = REPLY_REPLY;
		snprintf(rp.agent, sizeof(rp.agent), "agent01");
		snprintf(rp.text, sizeof(rp.text), "reply %d", i);
		ck_assert_msg(store_reply_add(st, &rp, INT64_C(1700000150000) + i, &err) == POISE_OK,
			      "%s", err.msg);
		snprintf(sql, sizeof(sql), "SELECT call_id FROM reviews ORDER BY id LIMIT 1 OFFSET %d",
			 i);
		call = fx_sql_text(mpath, sql);
		sfx_score(m, call, qid[i], 1 + i, INT64_C(1700000160000) + i);
		free(call);
	}
	/* The agent's sync fails at its one batch, the replies (its calls are all up). */
	ck_assert_int_eq(team_sync(agent, st, &o, &n, &err), POISE_IO);
	ck_assert_int_eq(fc.done, 1);
	team_close(agent);
	bring_back(how, db);
	admin = pgt_connect(db, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.review_replies"), on_server);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM review_replies WHERE synced = 0"),
			 QA_ROWS);
	PQfinish(admin);
	/* The mirror's push of the scores fails the same way. */
	team_close(sue);
	sue = connect_when_up(db, "t_sue");
	fc.done = 0;
	fc.role = "t_sue";
	ck_assert_int_eq(team_qa(sue, m, 1, &o, &sent, &scores, &replies, &err), POISE_IO);
	ck_assert_int_eq(fc.done, 1);
	team_close(sue);
	bring_back(how, db);
	admin = pgt_connect(db, NULL);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_scores"), on_server);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 2 * on_server);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM qa_scores WHERE synced = 0"),
			 QA_ROWS);
	/* The resyncs: each row once on the server, all marked here, each side has the other's. */
	sue = connect_when_up(db, "t_sue");
	agent = connect_when_up(db, "agent01");
	ck_assert_msg(team_mirror(sue, m, &mn, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(mn.scores_sent, QA_ROWS);
	ck_assert_int_eq(mn.replies, on_server);
	ck_assert_msg(team_sync(agent, st, NULL, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(n.replies_sent, QA_ROWS);
	ck_assert_int_eq(n.scores, QA_ROWS);
	ck_assert_msg(team_mirror(sue, m, &mn, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(mn.replies, QA_ROWS - on_server);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.review_replies"), QA_ROWS);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(DISTINCT text) FROM poise.review_replies"),
			 QA_ROWS);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_scores"), QA_ROWS);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 2 * QA_ROWS);
	ck_assert_int_eq(pgt_int(admin, "SELECT sum(value) FROM poise.qa_answers"),
			 (QA_ROWS * (QA_ROWS + 1)) / 2);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM review_replies WHERE synced = 0"),
			 0);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM qa_scores WHERE synced = 0"), 0);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_scores"), QA_ROWS);
	ck_assert_int_eq(sfx_local(path, "SELECT count(*) FROM qa_answers"), 2 * QA_ROWS);
	ck_assert_int_eq(fx_sql_int(mpath, "SELECT count(*) FROM review_replies"), QA_ROWS);
	/* Again: nothing moves. */
	ck_assert_msg(team_sync(agent, st, NULL, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(n.replies_sent + n.scores + n.replies + n.reviews, 0);
	ck_assert_msg(team_mirror(sue, m, &mn, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(mn.scores_sent + mn.scores + mn.replies + mn.reviews_sent, 0);
	team_close(agent);
	team_close(sue);
	store_close(m);
	store_close(st);
	PQfinish(admin);
}

/* The QA cases: how the server fails, where, a small batch or COPY, in a database of its own. */
static const struct {
	enum fault how;
	enum team_hook where;
	int copy;
	const char *db;
} qa_cases[] = {
	{HALT, TEAM_HOOK_STAGED, 0, "t_qa_halt"},
	{KILL, TEAM_HOOK_STAGED, 1, "t_qa_kill"},
	{KILL, TEAM_HOOK_COMMITTED, 0, "t_qa_kill_commit"},
	{FULL, TEAM_HOOK_STAGED, 1, "t_qa_full"},
};

START_TEST(test_qa_rows_mid_push)
{
	qa_fail_and_resync(qa_cases[_i].how, qa_cases[_i].where, qa_cases[_i].copy,
			   qa_cases[_i].db);
}
END_TEST

/*
 * A server that stops answering (here its postmaster frozen with SIGSTOP, as
 * a dead link or a hung host looks): the floor's poll reconnects a step at a
 * time and comes back at once each tick, saying it is connecting, instead
 * of holding the supervisor's screen until the connect timeout. Time is
 * passed in, so the retry wait is crossed without sleeping.
 */
START_TEST(test_floor_never_waits_on_a_frozen_server)
{
	const char *db = "t_fault_frozen";
	struct poise_error err;
	char path[512], said[3][sizeof(err.msg)];
	struct store *st = sfx_setup(db, 1, 1, path, sizeof(path));
	struct team_floor *f;
	int64_t now = 1000000;
	size_t n;
	long pid, pm;
	int back = 0;

	ck_assert_msg(team_floor_open(sfx_team(db, "t_sue"), now, &f, &err) == POISE_OK, "%s",
		      err.msg);
	ck_assert_int_gt(pid = backend_of(db, "t_sue"), 0);
	ck_assert_int_eq(kill((pid_t)pid, SIGTERM), 0);
	wait_gone(pid);
	for (int i = 0; i < 100 && team_floor_poll(f, now, &n, &err) == POISE_OK; i++)
		usleep(50000); /* until the cut is seen */
	ck_assert_ptr_nonnull(strstr(err.msg, "lost the server"));
	pm = postmaster();
	ck_assert_int_eq(kill((pid_t)pm, SIGSTOP), 0);
	for (int i = 0; i < 3; i++) {
		now += 4000;
		team_floor_poll(f, now, &n, &err);
		snprintf(said[i], sizeof(said[i]), "%s", err.msg);
	}
	ck_assert_int_eq(kill((pid_t)pm, SIGCONT), 0);
	for (int i = 0; i < 300 && !back; i++) {
		usleep(50000);
		now += 4000;
		back = team_floor_poll(f, now, &n, &err) == POISE_OK;
	}
	for (int i = 0; i < 3; i++)
		ck_assert_msg(strstr(said[i], "connecting again"), "poll %d said: %s", i, said[i]);
	ck_assert_msg(back, "the floor did not come back: %s", err.msg);
	team_floor_close(f);
	store_close(st);
}
END_TEST

/* Poll the floor a tick (sim ms of its clock): wait for its socket, or a moment when it has none.
 */
static enum poise_status floor_tick(struct team_floor *f, int64_t *now, int64_t sim, size_t *n,
				    struct poise_error *err)
{
	struct pollfd p = {team_floor_socket(f), POLLIN, 0};

	if (p.fd >= 0)
		poll(&p, 1, 1000); /* the server's answer, however loaded the machine */
	else
		usleep(10000);
	*now += sim;
	return team_floor_poll(f, *now, n, err);
}

/* Run sql as the superuser on db, then tell the floor which call (pg_notify), as a streamer does.
 */
static void agent_event(const char *db, const char *call, int seq, const char *kind,
			const char *text)
{
	PGconn *admin = pgt_connect(db, NULL);
	char sql[600];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO poise.events (call_id, seq, t, kind, stage, text) VALUES"
		 " ('%s', %d, (extract(epoch FROM clock_timestamp()) * 1000)::bigint, '%s',"
		 " 'calm', '%s'); SELECT pg_notify('%s', '%s')",
		 call, seq, kind, text, TEAM_FLOOR_CHANNEL, call);
	pgt_ok(admin, sql);
	PQfinish(admin);
}

/* A setting of the floor's session, read over its own connection (t, which the floor keeps). */
static char *setting(struct team *t, const char *name)
{
	static char v[64];
	char sql[96];
	PGresult *r;

	snprintf(sql, sizeof(sql), "SHOW %s", name);
	r = PQexec(t->pg, sql);
	ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQerrorMessage(t->pg));
	snprintf(v, sizeof(v), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/*
 * The server restarted under a floor: while it is down the floor says so
 * and tries again (a step a poll); within a second of the floor's clock
 * after the server is back it alerts again, what came meanwhile included,
 * over a session set up as team_connect sets one up (the role's own
 * defaults, here an SQL DateStyle and synchronous_commit off, overridden
 * again), LISTENing again.
 */
START_TEST(test_floor_after_restart_same_session)
{
	const char *db = "t_fault_floor_restart";
	struct poise_error err;
	char path[512], sql[700], call[40], hash[80];
	struct store *st = sfx_setup(db, 1, 1, path, sizeof(path));
	struct team *agent = connect_when_up(db, "agent01"), *t;
	struct team_sync_counts sn;
	const struct team_floor_alert *al;
	struct team_floor *f;
	PGconn *admin = pgt_connect(db, NULL);
	int64_t now = 1000000, back;
	size_t n;
	PGresult *r;

	ck_assert_msg(team_sync(agent, st, NULL, &sn, &err) == POISE_OK, "%s", err.msg);
	team_close(agent);
	snprintf(sql, sizeof(sql),
		 "ALTER ROLE t_sue IN DATABASE %s SET DateStyle = 'SQL, DMY';"
		 " ALTER ROLE t_sue IN DATABASE %s SET synchronous_commit = off",
		 db, db);
	pgt_ok(admin, sql);
	r = PQexec(admin,
		   "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version,"
		   " playbook_hash, started_at) SELECT gen_random_uuid(), agent, playbook_id,"
		   " playbook_version, playbook_hash, 1000000 FROM poise.calls LIMIT 1"
		   " RETURNING id, playbook_hash");
	ck_assert_int_eq(PQntuples(r), 1);
	snprintf(call, sizeof(call), "%s", PQgetvalue(r, 0, 0));
	snprintf(hash, sizeof(hash), "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	PQfinish(admin);
	agent_event(db, call, 1, "start", hash);
	t = connect_when_up(db, "t_sue");
	ck_assert_msg(team_floor_open(t, now, &f, &err) == POISE_OK, "%s", err.msg);
	ck_assert_str_eq(setting(t, "DateStyle"), "ISO, DMY");
	agent_event(db, call, 2, "escalate", "asked");
	for (int i = 0; i < 300 && team_floor_alerts(f, &al) < 1; i++)
		floor_tick(f, &now, 50, &n, &err);
	ck_assert_int_eq(team_floor_alerts(f, &al), 1);
	/* Down: the floor sees it, and keeps trying (and failing) while it is. */
	pgt_cluster("halt", dir);
	for (int i = 0; i < 300 && floor_tick(f, &now, 50, &n, &err) == POISE_OK; i++)
		;
	ck_assert_msg(strstr(err.msg, "lost the server"), "%s", err.msg);
	for (int i = 0; i < 60; i++)
		ck_assert_int_ne(floor_tick(f, &now, 50, &n, &err), POISE_OK);
	/* Back: an escalation made meanwhile, and one after the floor is back. */
	pgt_cluster("resume", dir);
	back = now;
	agent_event(db, call, 3, "escalate", "while it was down");
	for (int i = 0; i < 300 && team_floor_alerts(f, &al) < 2; i++)
		floor_tick(f, &now, 50, &n, &err);
	ck_assert_msg(team_floor_alerts(f, &al) == 2, "no alert after the restart: %s", err.msg);
	ck_assert_str_eq(setting(t, "DateStyle"), "ISO, DMY");
	ck_assert_str_eq(setting(t, "synchronous_commit"), "on");
	ck_assert_str_eq(setting(t, "client_min_messages"), "warning");
	ck_assert_str_eq(setting(t, "application_name"), "poise");
	ck_assert_msg(now - back <= 1000, "the floor alerted %lld ms after the server was back",
		      (long long)(now - back));
	agent_event(db, call, 4, "manager", "");
	for (int i = 0; i < 300 && team_floor_alerts(f, &al) < 3; i++)
		floor_tick(f, &now, 50, &n, &err);
	ck_assert_int_eq(team_floor_alerts(f, &al), 3);
	ck_assert_int_eq(al[1].seq, 3);
	ck_assert_int_eq(al[2].alert, FLOOR_ALERT_MANAGER);
	team_floor_close(f);
	store_close(st);
}
END_TEST

Suite *team_fault_suite(void)
{
	Suite *s = suite_create("team_fault");
	TCase *tc = tcase_create("fault");

	tcase_add_unchecked_fixture(tc, own_cluster, stop_own_cluster);
	tcase_add_test(tc, test_server_halted_mid_push);
	tcase_add_test(tc, test_server_restarted_mid_push);
	tcase_add_test(tc, test_server_killed_mid_push);
	tcase_add_test(tc, test_out_of_connections_mid_push);
	tcase_add_loop_test(tc, test_qa_rows_mid_push, 0,
			    (int)(sizeof(qa_cases) / sizeof(qa_cases[0])));
	tcase_add_test(tc, test_floor_never_waits_on_a_frozen_server);
	tcase_add_test(tc, test_floor_after_restart_same_session);
	suite_add_tcase(s, tc);
	return s;
}
