/*
 * bench_team.c - `poise sync` at scale against a real PostgreSQL server.
 *
 *   bench_team N [--push-only|--cutoff-only]   (bench/run.sh --team N starts a
 *                                               throwaway cluster)
 *
 * BENCH_TEAM_DB=PATH keeps the generated file of N calls there and reuses
 * it when it holds N calls (generating 1,000,000 takes longer than pushing).
 *
 * libpq's PG* variables say where the server is; the bench connects as
 * its superuser to make databases and as agent01..agent20 to sync.
 *
 * - First push of N calls (one agent's, `poise gen N --agents 1`), by
 *   team_sync into a fresh server database, against its floor: a bare COPY
 *   of the same rows, read from the same SQLite file by plain SELECTs, into
 *   the same tables of another fresh database, in one transaction, as the
 *   owner (COPY cannot go through row-level security, which is why sync
 *   copies into staging tables first). The floor leaves the figures' typed
 *   columns empty; sync fills them.
 * - An incremental sync of one new call (best of 5) against a bare
 *   transaction inserting the same call and events: on one open connection,
 *   and as a session's first sync (a new connection each time, as `poise
 *   sync` runs: it pays whatever a session sets up; connecting not counted).
 * - 20 agents syncing at once (not with --push-only) (20 processes and connections, 1,000 calls
 *   each), checked row by row: nothing lost, nothing twice. Its floor: the
 *   bare COPY of the same rows.
 * - A whole fresh `poise sync` process of one new call, start to exit,
 *   against a fresh process (this bench, --floor-one) that connects and
 *   sends the same rows as one INSERT string; and team_connect against a
 *   bare PQconnectdb (fresh()).
 * - (not with --push-only; alone with --cutoff-only) pushes of 1 to 2,000
 *   new calls on a fresh connection, by INSERT ... VALUES and by COPY
 *   staging (copy_from forced), to place team_sync's cutoff (cutoff()).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "bench.h"
#include "poise/gen.h"
#include "poise/playbook.h"
#include "poise/store.h"
#include "poise/team.h"

#define CROWD	    20
#define CROWD_CALLS 1000
#define DAY_MS	    INT64_C(86400000)
/* team_sync.c's TEAM_COPY_FROM, which the cutoff rows say the path of. */
#define TEAM_COPY_FROM_NOW 50

/* The columns the floor copies (the server's xid columns take their default). */
#define SERVER_CALL_COLUMNS                                                                        \
	"id, agent, customer, customer_ref, playbook_id, playbook_version, playbook_hash, "        \
	"started_at, ended_at, status, outcome, cause, mood_start, mood_end, last_seq, wrapup_at"
#define SERVER_EVENT_COLUMNS "call_id, seq, t, kind, stage, a, b, text"

static char dir[512];
static pid_t owner; /* the process that made dir: only it removes it */

/* The temporary folder goes however the bench ends: done, bench_die, or a signal. */
static void remove_dir(void)
{
	char cmd[600];

	if (!dir[0] || getpid() != owner)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) == 0)
		dir[0] = '\0';
}

static void on_signal(int sig)
{
	/* Not async-signal-safe, but the bench is dying anyway: its files should not stay. */
	remove_dir();
	signal(sig, SIG_DFL);
	raise(sig);
}

static double sec(int64_t ns)
{
	return (double)ns / 1e9;
}

static void run_cmd(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_cmd(const char *what, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		bench_die(what, cmd);
}

static PGconn *pg(const char *db, const char *role)
{
	char ci[256];
	PGconn *c;

	snprintf(ci, sizeof(ci), "dbname=%s%s%s", db, role ? " user=" : "", role ? role : "");
	c = PQconnectdb(ci);
	if (PQstatus(c) != CONNECTION_OK)
		bench_die(ci, PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

static void ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		bench_die(sql, PQresultErrorMessage(r));
	PQclear(r);
}

static long long one(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long long v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		bench_die(sql, PQresultErrorMessage(r));
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* A fresh database with poise's schema (team_init as the superuser). */
static void fresh_db(const char *name)
{
	PGconn *c = pg("postgres", NULL);
	char sql[256], ci[128];
	struct team *t;
	struct poise_error err;

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	ok(c, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0", name);
	ok(c, sql);
	PQfinish(c);
	snprintf(ci, sizeof(ci), "dbname=%s", name);
	if (team_connect(ci, &t, &err) != POISE_OK || team_init(t, NULL, NULL, &err) != POISE_OK)
		bench_die("server init", err.msg);
	team_close(t);
	c = pg(name, NULL);
	for (int i = 1; i <= CROWD; i++) {
		snprintf(sql, sizeof(sql),
			 "DO $$ BEGIN CREATE ROLE agent%02d LOGIN; EXCEPTION WHEN duplicate_object "
			 "THEN NULL; END $$; GRANT poise_agent TO agent%02d",
			 i, i);
		ok(c, sql);
	}
	PQfinish(c);
}

/* --- the floor: a bare COPY of the rows of the SQLite file ------------ */

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		if (!(b->p = realloc(b->p, b->cap)))
			bench_die("realloc", NULL);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void put_escaped(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
			char e[2] = {'\\', c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r'};

			put(b, e, 2);
		} else {
			put(b, &c, 1);
		}
	}
}

static void copy_table(PGconn *c, sqlite3 *db, const char *select, const char *copy,
		       long long *rows)
{
	sqlite3_stmt *s;
	struct buf b = {0};
	PGresult *r = PQexec(c, copy);
	int cols;

	if (PQresultStatus(r) != PGRES_COPY_IN)
		bench_die(copy, PQresultErrorMessage(r));
	PQclear(r);
	if (sqlite3_prepare_v2(db, select, -1, &s, NULL) != SQLITE_OK)
		bench_die(select, sqlite3_errmsg(db));
	cols = sqlite3_column_count(s);
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int i = 0; i < cols; i++) {
			char num[24];
			const unsigned char *blob;
			int n;

			if (i)
				put(&b, "\t", 1);
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				put(&b, "\\N", 2);
				break;
			case SQLITE_INTEGER:
				put(&b, num,
				    (size_t)snprintf(num, sizeof(num), "%lld",
						     (long long)sqlite3_column_int64(s, i)));
				break;
			case SQLITE_BLOB:
				blob = sqlite3_column_blob(s, i);
				n = sqlite3_column_bytes(s, i);
				put(&b, "\\\\x", 3);
				for (int k = 0; k < n; k++) {
					snprintf(num, sizeof(num), "%02x", blob[k]);
					put(&b, num, 2);
				}
				break;
			default:
				put_escaped(&b, (const char *)sqlite3_column_text(s, i),
					    (size_t)sqlite3_column_bytes(s, i));
			}
		}
		put(&b, "\n", 1);
		(*rows)++;
		if (b.len > (1u << 20)) {
			if (PQputCopyData(c, b.p, (int)b.len) != 1)
				bench_die("COPY", PQerrorMessage(c));
			b.len = 0;
		}
	}
	sqlite3_finalize(s);
	if ((b.len && PQputCopyData(c, b.p, (int)b.len) != 1) || PQputCopyEnd(c, NULL) != 1)
		bench_die("COPY", PQerrorMessage(c));
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			bench_die(copy, PQresultErrorMessage(r));
		PQclear(r);
	}
	free(b.p);
}

/* Every row of the file's calls into db by COPY, one transaction; ns, and the rows. */
static int64_t bare_copy(const char *path, const char *dbname, long long *rows)
{
	sqlite3 *db;
	PGconn *c = pg(dbname, NULL);
	int64_t t0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bench_die(path, sqlite3_errmsg(db));
	*rows = 0;
	t0 = bench_now_ns();
	ok(c, "BEGIN");
	copy_table(c, db, "SELECT hash, id, version, text FROM playbook_texts",
		   "COPY poise.playbook_texts FROM STDIN", rows);
	copy_table(c, db,
		   "SELECT id, agent, customer, customer_ref, playbook_id, playbook_version,"
		   " playbook_hash, started_at, ended_at, status, outcome, cause, mood_start,"
		   " mood_end, last_seq, wrapup_at FROM calls",
		   "COPY poise.calls (" SERVER_CALL_COLUMNS ") FROM STDIN", rows);
	copy_table(c, db, "SELECT call_id, seq, t, kind, stage, a, b, text FROM events",
		   "COPY poise.events (" SERVER_EVENT_COLUMNS ") FROM STDIN", rows);
	copy_table(c, db, "SELECT call_id, seq, due, channel, promise, done_at FROM followups",
		   "COPY poise.followups (call_id, seq, due, channel, promise, done_at) FROM STDIN",
		   rows);
	copy_table(c, db, "SELECT call_id, fold, last_seq, figures FROM call_figures",
		   "COPY poise.call_figures (call_id, fold, last_seq, figures) FROM STDIN", rows);
	ok(c, "COMMIT");
	t0 = bench_now_ns() - t0;
	sqlite3_close(db);
	PQfinish(c);
	return t0;
}

/* --- poise ------------------------------------------------------------ */

static int64_t push(const char *path, const char *dbname, const char *role,
		    struct team_sync_counts *n)
{
	char ci[128];
	struct store *st;
	struct team *t;
	struct poise_error err;
	int64_t t0;

	snprintf(ci, sizeof(ci), "dbname=%s user=%s", dbname, role);
	if (store_open(path, 0, &st, &err) != POISE_OK || team_connect(ci, &t, &err) != POISE_OK)
		bench_die("push", err.msg);
	t0 = bench_now_ns();
	if (team_sync(t, st, NULL, n, &err) != POISE_OK)
		bench_die("team_sync", err.msg);
	t0 = bench_now_ns() - t0;
	team_close(t);
	store_close(st);
	return t0;
}

static void generate(const char *path, long long n, int agents, const char *days)
{
	int64_t t0 = bench_now_ns();

	run_cmd("poise gen", "'%s' gen %lld --agents %d --days %s --seed 1 --db '%s' >/dev/null",
		POISE_BIN, n, agents, days, path);
	fprintf(stderr, "bench_team: generated %lld calls in %.1f s\n", n,
		sec(bench_now_ns() - t0));
}

/* How many calls the file at path holds; -1 when it cannot be read. */
static long long calls_in(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;

	if (access(path, F_OK) != 0)
		return -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM calls", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return n;
}

/* Compare the local file's rows with the server's: 0 when every row is there once. */
static int same_rows(const char *path, const char *dbname)
{
	static const char *const pairs[][2] = {
		{"SELECT count(*) FROM calls", "SELECT count(*) FROM poise.calls"},
		{"SELECT count(*) FROM events", "SELECT count(*) FROM poise.events"},
		{"SELECT count(*) FROM events",
		 "SELECT count(*) FROM (SELECT DISTINCT call_id, seq FROM poise.events) d"},
		{"SELECT sum(t % 100000 + seq) FROM events",
		 "SELECT sum(t % 100000 + seq) FROM poise.events"},
		{"SELECT count(*) FROM followups", "SELECT count(*) FROM poise.followups"},
		{"SELECT count(*) FROM call_figures", "SELECT count(*) FROM poise.call_figures"},
	};
	sqlite3 *db;
	PGconn *c = pg(dbname, NULL);
	int bad = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bench_die(path, sqlite3_errmsg(db));
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		sqlite3_stmt *s;
		long long l = -1, r = one(c, pairs[i][1]);

		if (sqlite3_prepare_v2(db, pairs[i][0], -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			l = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
		if (l != r) {
			fprintf(stderr, "bench_team: %s: %lld here, %lld on the server\n",
				pairs[i][1], l, r);
			bad = 1;
		}
	}
	sqlite3_close(db);
	PQfinish(c);
	return bad;
}

/* 20 agents, each with a copy of one file of all their calls, sync at once. */
static void crowd(void)
{
	char path[600], copy[700];
	pid_t pids[CROWD];
	long long rows;
	int64_t t0, wall, floor_ns;
	int failed = 0;

	snprintf(path, sizeof(path), "%s/crowd.db", dir);
	generate(path, (long long)CROWD * CROWD_CALLS, CROWD, "30");
	for (int i = 0; i < CROWD; i++)
		run_cmd("cp", "cp '%s' '%s.%02d'", path, path, i + 1);
	fresh_db("bench_crowd");
	fresh_db("bench_crowd_floor");
	t0 = bench_now_ns();
	for (int i = 0; i < CROWD; i++) {
		if ((pids[i] = fork()) < 0)
			bench_die("fork", NULL);
		if (pids[i] == 0) {
			struct team_sync_counts n;
			char role[16];

			snprintf(copy, sizeof(copy), "%s.%02d", path, i + 1);
			snprintf(role, sizeof(role), "agent%02d", i + 1);
			push(copy, "bench_crowd", role, &n);
			_exit(n.calls > 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < CROWD; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	wall = bench_now_ns() - t0;
	floor_ns = bare_copy(path, "bench_crowd_floor", &rows);
	printf("| %d agents syncing at once, %d calls in all | %.2f s, %s | %.2f s | %.1fx |\n",
	       CROWD, CROWD * CROWD_CALLS, sec(wall),
	       failed || same_rows(path, "bench_crowd") ? "ROWS LOST OR TWICE"
							 : "every row once",
	       sec(floor_ns), (double)wall / (double)floor_ns);
	fflush(stdout);
	if (failed)
		bench_die("crowd", "an agent's sync failed");
}

/* One new call in the local file: the generator's call number index, written as it is. */
static void add_call(struct store *st, const struct playbook *pb, uint64_t index, long long n)
{
	struct gen_opts o = {.seed = 99, .agents = 1, .days = 1, .calls = 0};
	struct gen_call *gc = calloc(1, sizeof(*gc));
	struct poise_error err;

	o.end = (int64_t)time(NULL) * 1000 / DAY_MS * DAY_MS + DAY_MS;
	(void)n;
	if (!gc || gen_call(&o, pb, index, gc, &err) != POISE_OK ||
	    store_call_begin(st, &gc->meta, pb, &err) != POISE_OK)
		bench_die("a new call", err.msg);
	for (size_t i = 0; i < gc->n; i++) {
		int deferred;

		if (store_append(st, gc->meta.id, &gc->ev[i], &deferred, &err) != POISE_OK)
			bench_die("a new call's event", err.msg);
	}
	free(gc);
}

/* The bare insert of one call's rows, read from the file. */
static int64_t bare_one(PGconn *c, sqlite3 *db, const char *id)
{
	char sql[512];
	PGresult *r;
	int64_t t0 = bench_now_ns();
	long long rows = 0;

	/* As the floor of the push, less COPY's start: the call's rows in one transaction. */
	ok(c, "BEGIN");
	snprintf(sql, sizeof(sql),
		 "SELECT id, agent, customer, customer_ref, playbook_id, playbook_version,"
		 " playbook_hash, started_at, ended_at, status, outcome, cause, mood_start,"
		 " mood_end, last_seq, wrapup_at FROM calls WHERE id = '%s'",
		 id);
	copy_table(c, db, sql, "COPY poise.calls (" SERVER_CALL_COLUMNS ") FROM STDIN", &rows);
	snprintf(sql, sizeof(sql),
		 "SELECT call_id, seq, t, kind, stage, a, b, text FROM events WHERE call_id = '%s'",
		 id);
	copy_table(c, db, sql, "COPY poise.events (" SERVER_EVENT_COLUMNS ") FROM STDIN", &rows);
	ok(c, "COMMIT");
	r = NULL;
	(void)r;
	return bench_now_ns() - t0;
}

/*
 * One new call, then sync: on one open connection, or (fresh) on a new
 * connection each time, as `poise sync` runs (connecting not counted: it
 * is libpq's and the server's); best of 5 against the bare insert of the
 * same rows on the same kind of connection.
 */
static void incremental(const char *path, long long n, int fresh)
{
	struct playbook *pb;
	struct store *st;
	struct team *t = NULL;
	struct poise_error err;
	struct team_sync_counts cnt;
	PGconn *fc = fresh ? NULL : pg("bench_push_floor", NULL);
	sqlite3 *db;
	int64_t best = INT64_MAX, fbest = INT64_MAX;
	int rounds = bench_rounds(5);

	if (playbook_load_default(&pb, &err) != POISE_OK ||
	    store_open(path, 0, &st, &err) != POISE_OK ||
	    (!fresh && team_connect("dbname=bench_push user=agent01", &t, &err) != POISE_OK))
		bench_die("incremental", err.msg);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bench_die(path, sqlite3_errmsg(db));
	for (int r = 0; r < rounds; r++) {
		int64_t t0, ns;
		sqlite3_stmt *s;
		char id[64];

		add_call(st, pb, (uint64_t)(fresh * rounds + r), n);
		if (fresh && team_connect("dbname=bench_push user=agent01", &t, &err) != POISE_OK)
			bench_die("team_connect", err.msg);
		t0 = bench_now_ns();
		if (team_sync(t, st, NULL, &cnt, &err) != POISE_OK)
			bench_die("team_sync", err.msg);
		ns = bench_now_ns() - t0;
		if (fresh) {
			team_close(t);
			t = NULL;
		}
		if (cnt.calls != 1)
			bench_die("incremental", "did not send exactly one call");
		best = ns < best ? ns : best;
		if (sqlite3_prepare_v2(db, "SELECT id FROM calls ORDER BY rowid DESC LIMIT 1", -1,
				       &s, NULL) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_ROW)
			bench_die("the new call", sqlite3_errmsg(db));
		snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
		if (fresh)
			fc = pg("bench_push_floor", NULL);
		ns = bare_one(fc, db, id);
		if (fresh) {
			PQfinish(fc);
			fc = NULL;
		}
		fbest = ns < fbest ? ns : fbest;
	}
	printf("| incremental sync of one new call (%lld on the server; %s; best of %d) "
	       "| %.1f ms%s | %.1f ms | %.1fx |\n",
	       n, fresh ? "a session's first sync" : "one open connection",
	       rounds, (double)best / 1e6, best < 50000000 ? " (< 50 ms)" : " (OVER 50 ms)",
	       (double)fbest / 1e6, (double)best / (double)fbest);
	fflush(stdout);
	sqlite3_close(db);
	PQfinish(fc);
	team_close(t);
	store_close(st);
	playbook_free(pb);
}

/* --- a fresh `poise sync` process, as the call screen and an agent run it --- */

/* The rows of select as one INSERT INTO poise.table (cols) VALUES (...),...; into b. */
static void insert_values(struct buf *b, sqlite3 *db, const char *select, const char *into)
{
	sqlite3_stmt *s;
	int cols, rows = 0;

	if (sqlite3_prepare_v2(db, select, -1, &s, NULL) != SQLITE_OK)
		bench_die(select, sqlite3_errmsg(db));
	put(b, into, strlen(into));
	put(b, " VALUES ", 8);
	cols = sqlite3_column_count(s);
	while (sqlite3_step(s) == SQLITE_ROW) {
		put(b, ",(" + !rows, rows ? 2 : 1);
		rows++;
		for (int i = 0; i < cols; i++) {
			char num[24];
			const char *text;

			if (i)
				put(b, ",", 1);
			switch (sqlite3_column_type(s, i)) {
			case SQLITE_NULL:
				put(b, "NULL", 4);
				break;
			case SQLITE_INTEGER:
				put(b, num,
				    (size_t)snprintf(num, sizeof(num), "%lld",
						     (long long)sqlite3_column_int64(s, i)));
				break;
			default: /* an escape string: \ and ' doubled */
				text = (const char *)sqlite3_column_text(s, i);
				put(b, "E'", 2);
				for (; *text; text++) {
					if (*text == '\\' || *text == '\'')
						put(b, text, 1);
					put(b, text, 1);
				}
				put(b, "'", 1);
			}
		}
		put(b, ")", 1);
	}
	sqlite3_finalize(s);
	put(b, ";", 1);
}

/*
 * The floor of a fresh sync of one call, in this process: connect (libpq,
 * no psql), then the call's row and its events, read from the file, as
 * BEGIN, two INSERT ... VALUES and COMMIT in one string (one round trip),
 * and disconnect. 0, or dies.
 */
static int floor_one(const char *path, const char *id)
{
	char sel[512];
	struct buf b = {0};
	sqlite3 *db;
	PGconn *c;
	PGresult *r;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bench_die(path, sqlite3_errmsg(db));
	c = PQconnectdb("dbname=bench_push_floor");
	if (PQstatus(c) != CONNECTION_OK)
		bench_die("connect", PQerrorMessage(c));
	put(&b, "BEGIN;", 6);
	snprintf(sel, sizeof(sel),
		 "SELECT id, agent, customer, customer_ref, playbook_id, playbook_version,"
		 " playbook_hash, started_at, ended_at, status, outcome, cause, mood_start,"
		 " mood_end, last_seq, wrapup_at FROM calls WHERE id = '%s'",
		 id);
	insert_values(&b, db, sel, "INSERT INTO poise.calls (" SERVER_CALL_COLUMNS ")");
	snprintf(sel, sizeof(sel),
		 "SELECT call_id, seq, t, kind, stage, a, b, text FROM events WHERE call_id = '%s'",
		 id);
	insert_values(&b, db, sel, "INSERT INTO poise.events (" SERVER_EVENT_COLUMNS ")");
	put(&b, "COMMIT", 7); /* with its NUL */
	r = PQexec(c, b.p);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		bench_die("the floor's INSERT", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	sqlite3_close(db);
	free(b.p);
	return 0;
}

/*
 * argv in a new process (stdout to /dev/null; PG* for agent01 of bench_push):
 * ns, start to exit; *cpu_ns its own CPU time (user and system).
 */
static int64_t run_process(char *const argv[], double *cpu_ns)
{
	struct rusage ru;
	int64_t t0 = bench_now_ns();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		bench_die("fork", NULL);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		setenv("PGDATABASE", "bench_push", 1);
		setenv("PGUSER", "agent01", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_die(argv[0], "failed");
	*cpu_ns = ((double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec) * 1e9 +
		  ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) * 1e3;
	return bench_now_ns() - t0;
}

/* The id of the newest call of the file. */
static void newest(sqlite3 *db, char *id, size_t size)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, "SELECT id FROM calls ORDER BY rowid DESC LIMIT 1", -1, &s,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW)
		bench_die("the new call", sqlite3_errmsg(db));
	snprintf(id, size, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

/*
 * One new call, then a whole `poise sync` process (start, libpq's load,
 * connect, sync, exit), against its floor: a fresh libpq connection and
 * one INSERT string of the same rows. Then connecting alone: team_connect
 * (the session's set-up and the schema version in one round trip) against
 * a bare PQconnectdb. Medians of alternated rounds.
 */
static void fresh(const char *path, long long n, char *self)
{
	struct playbook *pb;
	struct store *st;
	struct poise_error err;
	sqlite3 *db;
	int rounds = bench_rounds(7);
	double *p = calloc((size_t)rounds * 6, sizeof(double)), *f = p + rounds, *cp = f + rounds,
	       *cf = cp + rounds, *pu = cf + rounds, *fu = pu + rounds;
	double pm, fm;

	if (!p || playbook_load_default(&pb, &err) != POISE_OK)
		bench_die("fresh", err.msg);
	for (int r = 0; r < rounds; r++) {
		char id[64];
		struct team *t;
		PGconn *c;
		int64_t t0;

		/* The new call; the file then closed, as an agent's shell leaves it. */
		if (store_open(path, 0, &st, &err) != POISE_OK)
			bench_die("fresh", err.msg);
		add_call(st, pb, (uint64_t)(1000 + r), n);
		store_close(st);
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			bench_die(path, sqlite3_errmsg(db));
		newest(db, id, sizeof(id));
		sqlite3_close(db);
		{
			char *sync[] = {POISE_BIN, "sync", "--db", (char *)path, NULL};
			char *bare[] = {self, "--floor-one", (char *)path, id, NULL};

			if (r % 2) {
				f[r] = (double)run_process(bare, &fu[r]);
				p[r] = (double)run_process(sync, &pu[r]);
			} else {
				p[r] = (double)run_process(sync, &pu[r]);
				f[r] = (double)run_process(bare, &fu[r]);
			}
		}
		t0 = bench_now_ns();
		if (team_connect("dbname=bench_push user=agent01", &t, &err) != POISE_OK)
			bench_die("team_connect", err.msg);
		team_close(t);
		cp[r] = (double)(bench_now_ns() - t0);
		t0 = bench_now_ns();
		c = PQconnectdb("dbname=bench_push user=agent01");
		if (PQstatus(c) != CONNECTION_OK)
			bench_die("connect", PQerrorMessage(c));
		PQfinish(c);
		cf[r] = (double)(bench_now_ns() - t0);
	}
	pm = bench_median(p, rounds) / 1e6;
	fm = bench_median(f, rounds) / 1e6;
	printf("| a fresh `poise sync` process of one new call (%lld on the server; start to exit, "
	       "and the process's own CPU; median of %d) | %.1f ms%s, CPU %.1f ms | %.1f ms, CPU "
	       "%.1f ms (a new process: connect, one INSERT string of its rows) | %.1fx |\n",
	       n, rounds, pm, pm < 50 ? " (< 50 ms)" : " (OVER 50 ms)",
	       bench_median(pu, rounds) / 1e6, fm, bench_median(fu, rounds) / 1e6, pm / fm);
	pm = bench_median(cp, rounds) / 1e6;
	fm = bench_median(cf, rounds) / 1e6;
	printf("| of which connecting: team_connect, then close (median of %d) | %.1f ms "
	       "| %.1f ms (PQconnectdb) | %.1fx |\n",
	       rounds, pm, fm, pm / fm);
	fflush(stdout);
	free(p);
	playbook_free(pb);
}

/* --- the cutoff between INSERT ... VALUES and COPY staging ------------ */

/*
 * A push of k new calls on a fresh connection (as `poise sync` runs), each
 * way: team_sync with copy_from forced (SIZE_MAX: VALUES, 1: COPY), into a
 * fresh copy of an initialised database, from a fresh copy of a file of k
 * calls; the whole sync (its pull too: the same both ways). Medians of
 * alternated rounds; VALUES in the poise column, COPY in the floor's.
 */
static void cutoff(void)
{
	static const int ks[] = {1, 10, 20, 50, 75, 100, 200, 500, 2000};
	int rounds = bench_rounds(3);
	double *v = calloc((size_t)rounds * 2, sizeof(double)), *cp = v + rounds;
	PGconn *c;

	if (!v)
		bench_die("calloc", NULL);
	fresh_db("bench_cut_template");
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		char file[700], work[720];

		snprintf(file, sizeof(file), "%s/cut-%d.db", dir, ks[i]);
		snprintf(work, sizeof(work), "%s.work", file);
		generate(file, ks[i], 1, "30");
		for (int r = 0; r < 2 * rounds; r++) {
			int by_copy = (r + r / 2) % 2; /* VALUES, COPY; COPY, VALUES; ... */
			struct team_sync_opts o = {.copy_from = by_copy ? 1 : SIZE_MAX};
			struct team_sync_counts cnt;
			struct store *st;
			struct team *t;
			struct poise_error err;
			int64_t t0;

			c = pg("postgres", NULL);
			ok(c, "DROP DATABASE IF EXISTS bench_cut WITH (FORCE)");
			ok(c, "CREATE DATABASE bench_cut TEMPLATE bench_cut_template");
			PQfinish(c);
			run_cmd("cp", "cp '%s' '%s' && rm -f '%s-wal' '%s-shm'", file, work, work,
				work);
			if (store_open(work, 0, &st, &err) != POISE_OK ||
			    team_connect("dbname=bench_cut user=agent01", &t, &err) != POISE_OK)
				bench_die("cutoff", err.msg);
			t0 = bench_now_ns();
			if (team_sync(t, st, &o, &cnt, &err) != POISE_OK)
				bench_die("team_sync", err.msg);
			(by_copy ? cp : v)[r / 2] = (double)(bench_now_ns() - t0);
			team_close(t);
			store_close(st);
			if (cnt.calls != (size_t)ks[i])
				bench_die("cutoff", "did not send every call");
		}
		{
			double vm = bench_median(v, rounds) / 1e6, cm = bench_median(cp, rounds) / 1e6;

			printf("| push of %d new %s on a fresh connection: INSERT ... VALUES "
			       "vs COPY staging (median of %d; now by %s) | %.1f ms | %.1f ms | %.2fx |\n",
			       ks[i], ks[i] == 1 ? "call" : "calls", rounds,
			       ks[i] < TEAM_COPY_FROM_NOW ? "VALUES" : "COPY", vm, cm, vm / cm);
			fflush(stdout);
		}
	}
	free(v);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR"), *keep = getenv("BENCH_TEAM_DB");
	char path[600], copy[700];
	long long n, rows;
	int64_t floor_ns, ns;
	struct team_sync_counts cnt;
	struct rusage ru;
	char self[600];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (argc == 4 && strcmp(argv[1], "--floor-one") == 0) /* fresh()'s floor, in a new process */
		return floor_one(argv[2], argv[3]);
	if (len <= 0)
		bench_die("/proc/self/exe", NULL);
	self[len] = '\0';
	if (argc < 2 || argc > 3 || (n = atoll(argv[1])) < 1000 ||
	    (argc == 3 && strcmp(argv[2], "--push-only") != 0 &&
	     strcmp(argv[2], "--cutoff-only") != 0)) {
		fprintf(stderr, "usage: bench_team N [--push-only|--cutoff-only] (N >= 1000)\n");
		return 2;
	}
	if (!getenv("PGHOST"))
		bench_die("bench_team", "no server: PGHOST is not set (bench/run.sh --team starts one)");
	snprintf(dir, sizeof(dir), "%s/bench-team-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		bench_die("mkdtemp", NULL);
	owner = getpid();
	atexit(remove_dir);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, on_signal);
	if (argc == 3 && strcmp(argv[2], "--cutoff-only") == 0) {
		cutoff();
		return 0;
	}
	/* The crowd first: its 20 processes fork before any database is open here. */
	if (argc == 2)
		crowd();
	snprintf(path, sizeof(path), "%s/push.db", dir);
	snprintf(copy, sizeof(copy), "%s/push-copy.db", dir);
	if (keep && *keep) { /* BENCH_TEAM_DB: made once, reused while it holds N calls */
		snprintf(path, sizeof(path), "%s", keep);
		if (calls_in(path) != n) {
			run_cmd("rm", "rm -f '%s'", path);
			generate(path, n, 1, "365");
		} else {
			fprintf(stderr, "bench_team: reusing %s\n", path);
		}
	} else {
		generate(path, n, 1, "365");
	}
	run_cmd("cp", "cp '%s' '%s'", path, copy);
	fresh_db("bench_push_floor");
	fresh_db("bench_push");
	floor_ns = bare_copy(path, "bench_push_floor", &rows);
	ns = push(copy, "bench_push", "agent01", &cnt);
	getrusage(RUSAGE_SELF, &ru);
	printf("| first push of %lld calls (%zu events; `team_sync`, max RSS %.0f MiB) | %.1f s, "
	       "%.0f calls/s, %s | %.1f s (bare COPY of %lld rows) | %.2fx%s |\n",
	       n, cnt.events, (double)ru.ru_maxrss / 1024, sec(ns), (double)n / sec(ns),
	       same_rows(copy, "bench_push") ? "ROWS LOST OR TWICE" : "every row once",
	       sec(floor_ns), rows, (double)ns / (double)floor_ns,
	       (double)ns <= 2.0 * (double)floor_ns ? " (<= 2x)" : " (OVER 2x)");
	fflush(stdout);
	incremental(copy, n, 0);
	incremental(copy, n, 1);
	fresh(copy, n, self);
	if (argc == 2)
		cutoff();
	return 0;
}
