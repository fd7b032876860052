/*
 * bench_floor.c - how soon an agent's alert reaches the supervisor's floor.
 *
 *   bench_floor        (bench/run.sh --team starts a throwaway cluster)
 *
 * 20 agents, each with their own local database and streamer (a child
 * process and a connection each), are on a call; a floor (team_floor_*, as
 * `poise floor` uses it) listens. The time measured runs from the moment
 * an agent's event is appended to the local log (store_append returns,
 * then the streamer is nudged: what the call screen does on a key) to the
 * moment the floor has raised the alert (team_floor_poll, woken by the
 * socket as soon as the notification arrives). The screen adds at most
 * one loop tick (UI_TICK_MS, 200 ms) to draw it.
 *
 * Two ways: one alert at a time while the other 19 agents log other
 * events, and all 20 agents pressing e at once. The floor: a bare NOTIFY
 * from one connection to another that LISTENs, the least any
 * LISTEN/NOTIFY design costs.
 */
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "bench.h"
#include "poise/playbook.h"
#include "poise/store.h"
#include "poise/team_floor.h"

#define AGENTS 20
#define ROUNDS 100
#define DB     "bench_floor"

struct agent {
	char name[16], path[600];
	struct store *st;
	struct team_stream *stream;
	char id[40];
};

static struct agent agents[AGENTS];

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		bench_die(sql, PQresultErrorMessage(r));
	PQclear(r);
}

static PGconn *pg(const char *ci)
{
	PGconn *c = PQconnectdb(ci);

	if (PQstatus(c) != CONNECTION_OK)
		bench_die(ci, PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

static void setup_server(void)
{
	PGconn *c = pg("dbname=postgres");
	struct team *t;
	struct poise_error err;
	char sql[256];

	ok(c, "DROP DATABASE IF EXISTS " DB " WITH (FORCE)");
	ok(c, "CREATE DATABASE " DB " TEMPLATE template0");
	PQfinish(c);
	if (team_connect("dbname=" DB, &t, &err) != POISE_OK ||
	    team_init(t, NULL, NULL, &err) != POISE_OK)
		bench_die("server init", err.msg);
	team_close(t);
	c = pg("dbname=" DB);
	ok(c, "DO $$ BEGIN CREATE ROLE bench_sue LOGIN; EXCEPTION WHEN duplicate_object THEN "
	      "NULL; END $$; GRANT poise_supervisor TO bench_sue");
	for (int i = 1; i <= AGENTS; i++) {
		snprintf(sql, sizeof(sql),
			 "DO $$ BEGIN CREATE ROLE agent%02d LOGIN; EXCEPTION WHEN duplicate_object "
			 "THEN NULL; END $$; GRANT poise_agent TO agent%02d",
			 i, i);
		ok(c, sql);
	}
	PQfinish(c);
}

/* Log ev in agent i's call as the call screen does; the ns the append took. */
static int64_t record(int i, struct event ev)
{
	struct poise_error err;
	int deferred;
	int64_t t0 = bench_now_ns();

	ev.t = wall_ms();
	if (store_append(agents[i].st, agents[i].id, &ev, &deferred, &err) != POISE_OK)
		bench_die("store_append", err.msg);
	t0 = bench_now_ns() - t0;
	team_stream_note(agents[i].stream, agents[i].id);
	return t0;
}

/* Wait on the floor's socket until it has `want` alerts in all. */
static void wait_alerts(struct team_floor *f, size_t want)
{
	const struct team_floor_alert *al;
	int64_t until = bench_now_ns() + INT64_C(60000000000);

	while (team_floor_alerts(f, &al) < want) {
		struct pollfd p = {team_floor_socket(f), POLLIN, 0};
		struct poise_error err;
		size_t n;

		if (bench_now_ns() > until)
			bench_die("bench_floor", "an alert did not arrive in 60 s");
		poll(&p, p.fd >= 0 ? 1 : 0, 1000);
		team_floor_poll(f, wall_ms(), &n, &err);
	}
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void row(const char *what, int64_t *ns, size_t n, const int64_t *floor_ns, size_t fn)
{
	qsort(ns, n, sizeof(*ns), cmp64);
	qsort((void *)floor_ns, fn, sizeof(*floor_ns), cmp64);
	printf("| %s | median %.1f ms, 95%% %.1f ms, max %.1f ms%s | median %.2f ms | %.1fx |\n",
	       what, (double)ns[n / 2] / 1e6, (double)ns[n * 95 / 100] / 1e6,
	       (double)ns[n - 1] / 1e6, ns[n - 1] < INT64_C(1000000000) ? " (all < 1 s)" : " (OVER 1 s)",
	       (double)floor_ns[fn / 2] / 1e6, (double)ns[n / 2] / (double)floor_ns[fn / 2]);
	fflush(stdout);
}

/* The floor: NOTIFY on one connection, seen by another that LISTENs. */
static void bare_notify(int64_t *ns, size_t n)
{
	PGconn *a = pg("dbname=" DB), *b = pg("dbname=" DB);
	PGnotify *nf;

	ok(a, "LISTEN bench");
	for (size_t i = 0; i < n; i++) {
		int64_t t0 = bench_now_ns();

		ok(b, "NOTIFY bench, 'x'");
		for (;;) {
			struct pollfd p = {PQsocket(a), POLLIN, 0};

			PQconsumeInput(a);
			if ((nf = PQnotifies(a))) {
				PQfreemem(nf);
				break;
			}
			poll(&p, 1, 1000);
		}
		ns[i] = bench_now_ns() - t0;
	}
	PQfinish(a);
	PQfinish(b);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[512], ci[128];
	struct playbook *pb;
	struct poise_error err;
	struct team_floor *f;
	struct team *t;
	static int64_t one[ROUNDS], burst[AGENTS * 5], floor_ns[ROUNDS], append[ROUNDS];
	size_t nburst = 0;

	if (!getenv("PGHOST"))
		bench_die("bench_floor", "no server: PGHOST is not set (bench/run.sh --team starts one)");
	snprintf(dir, sizeof(dir), "%s/bench-floor-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		bench_die("mkdtemp", NULL);
	setup_server();
	/* The streamers fork before any database is open here (team_floor.h). */
	for (int i = 0; i < AGENTS; i++) {
		snprintf(agents[i].name, sizeof(agents[i].name), "agent%02d", i + 1);
		snprintf(agents[i].path, sizeof(agents[i].path), "%.500s/agent%02d.db", dir, i + 1);
		snprintf(ci, sizeof(ci), "dbname=" DB " user=agent%02d", i + 1);
		if (team_stream_start(ci, agents[i].path, &agents[i].stream, &err) != POISE_OK)
			bench_die("team_stream_start", err.msg);
	}
	if (playbook_load_default(&pb, &err) != POISE_OK ||
	    team_connect("dbname=" DB " user=bench_sue", &t, &err) != POISE_OK ||
	    team_floor_open(t, wall_ms(), &f, &err) != POISE_OK)
		bench_die("the floor", err.msg);
	for (int i = 0; i < AGENTS; i++) {
		struct call_meta m;

		memset(&m, 0, sizeof(m));
		m.started = wall_ms();
		if (store_open(agents[i].path, 0, &agents[i].st, &err) != POISE_OK ||
		    store_new_uuid(m.id, m.started, &err) != POISE_OK)
			bench_die("an agent's call", err.msg);
		memcpy(m.agent, agents[i].name, strlen(agents[i].name) + 1);
		snprintf(m.playbook_id, sizeof(m.playbook_id), "%s", pb->id);
		snprintf(m.playbook_version, sizeof(m.playbook_version), "%s", pb->version);
		snprintf(m.playbook_hash, sizeof(m.playbook_hash), "%s", pb->hash);
		snprintf(m.status, sizeof(m.status), "open");
		if (store_call_begin(agents[i].st, &m, pb, &err) != POISE_OK)
			bench_die("store_call_begin", err.msg);
		snprintf(agents[i].id, sizeof(agents[i].id), "%s", m.id);
		record(i, (struct event){.kind = EV_START, .stage = STAGE_CALM, .text = pb->hash});
	}
	/* One alert at a time, the other agents busy around it. */
	for (int r = 0; r < ROUNDS; r++) {
		int who = r % AGENTS;
		int64_t t0;
		const struct team_floor_alert *al;
		size_t have = team_floor_alerts(f, &al);

		for (int i = 0; i < AGENTS; i++)
			if (i != who)
				record(i, (struct event){.kind = EV_MOOD, .a = 1 + (r + i) % 5});
		t0 = bench_now_ns();
		append[r] = record(who, (struct event){.kind = r % 2 ? EV_MANAGER : EV_ESCALATE,
							.text = "x"});
		wait_alerts(f, have + 1);
		one[r] = bench_now_ns() - t0;
	}
	/* All twenty at once, five times. */
	for (int k = 0; k < 5; k++) {
		const struct team_floor_alert *al;
		size_t have = team_floor_alerts(f, &al);
		int64_t sent[AGENTS];

		for (int i = 0; i < AGENTS; i++) {
			sent[i] = bench_now_ns();
			record(i, (struct event){.kind = EV_ESCALATE, .text = "x"});
		}
		/* Each alert's time: from its own append to the poll that raised it. */
		for (size_t got = have; got < have + AGENTS;) {
			size_t now_have;

			wait_alerts(f, got + 1);
			now_have = team_floor_alerts(f, &al);
			for (size_t j = got; j < now_have; j++) {
				int i = atoi(al[j].agent + 5) - 1;

				burst[nburst++] = bench_now_ns() - sent[i];
			}
			got = now_have;
		}
	}
	bare_notify(floor_ns, ROUNDS);
	row("alert on the floor, one at a time among 20 agents streaming", one, ROUNDS, floor_ns,
	    ROUNDS);
	row("alert on the floor, 20 agents pressing e at once", burst, nburst, floor_ns, ROUNDS);
	qsort(append, ROUNDS, sizeof(*append), cmp64);
	printf("| of which the agent's own append (SQLite, fsync), as any key | median %.1f ms, "
	       "max %.1f ms | | |\n",
	       (double)append[ROUNDS / 2] / 1e6, (double)append[ROUNDS - 1] / 1e6);
	team_floor_close(f);
	for (int i = 0; i < AGENTS; i++) {
		team_stream_stop(agents[i].stream, 10000);
		store_close(agents[i].st);
	}
	playbook_free(pb);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_floor: could not remove %s\n", dir);
	}
	return 0;
}
