/*
 * bench_scale.c - the supervisor's side at N calls: review list, filters,
 * paging, report and export on a database of N generated calls.
 *
 *   bench_scale N [--db PATH]
 *
 * Without --db the database goes in a mktemp folder and is removed after;
 * with it the file is kept, and reused when it already holds N calls (the
 * generation row then says so). The calls come from `poise gen` (a child
 * process: its time and peak RSS are measured like any command's).
 *
 * Each review figure has a floor: the same page read by one bare prepared
 * SELECT on the same table, through the same index, from a plain sqlite3
 * connection, so the ratio is what poise's query building and statement
 * preparation per page add. report and export run as child processes
 * (wait4 gives their peak RSS); their floor reads what they must read: for
 * a report from kept figures, every call in the range by start with its
 * call_figures row; for `report --refold` and export, every call and each
 * call's events by primary key; no figures worked out. Every review
 * filter's EXPLAIN QUERY PLAN is checked: a plan that scans calls without
 * an index or sorts in a temporary B-tree is printed with "SCANS" and the
 * bench exits non-zero.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "poise/review.h"
#include "poise/store.h"
#include "poise/store_scan.h"
/* The floor queries use the store's own indexed expression (bench measures raw SQL). */
#include "../src/core/store/store_int.h"

#define PAGE   50
#define PAGES  100
#define ROUNDS 5
#define DAY_MS INT64_C(86400000)
#define COLS                                                                                       \
	"id, agent, customer, customer_ref, playbook_id, playbook_version, playbook_hash, "        \
	"started_at, ended_at, status, outcome, cause, mood_start, mood_end, wrapup_at, last_seq"

struct bench {
	const char *db_path;
	long long n;
	struct store *st;
	sqlite3 *db;	     /* the floors' own connection */
	int64_t first, last; /* started_at range of the data */
	char cause[65], playbook[128];
	int bad_plans;
};

/* One filter of the review list and the WHERE of its bare floor. */
struct filter_case {
	const char *name;
	struct review_filter f;
	char floor_where[256];
};

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

/* Run argv with stdout to out_fd (-1: /dev/null); wall ns and peak RSS in KiB. */
static int run_child(char *const argv[], int out_fd, int64_t *ns, long *rss_kib)
{
	int64_t t0 = bench_now_ns();
	struct rusage ru;
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		bench_die("fork", NULL);
	if (pid == 0) {
		int fd = out_fd >= 0 ? out_fd : open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		bench_die("wait4", NULL);
	*ns = bench_now_ns() - t0;
	*rss_kib = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static long long count_calls(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;

	if (access(path, F_OK) != 0 || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL))
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM calls", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static void generate(struct bench *b)
{
	char nbuf[32],
		*argv[] = {POISE_BIN, "gen", nbuf, "--db", (char *)b->db_path, "--seed", "1", NULL};
	int64_t ns;
	long rss;

	if (count_calls(b->db_path) == b->n) {
		printf("| generate %lld calls (`poise gen`) | reused %s | | |\n", b->n, b->db_path);
		return;
	}
	if (access(b->db_path, F_OK) == 0)
		bench_die(b->db_path, "exists with another number of calls: remove it");
	snprintf(nbuf, sizeof(nbuf), "%lld", b->n);
	if (run_child(argv, -1, &ns, &rss) != 0)
		bench_die("poise gen", "failed");
	printf("| generate %lld calls (`poise gen`) | %.1f s, %.0f calls/s, max RSS %ld MiB | | "
	       "|\n",
	       b->n, ms(ns) / 1000, (double)b->n / (ms(ns) / 1000), rss / 1024);
	fflush(stdout);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		bench_die(sql, sqlite3_errmsg(db));
	return s;
}

static void pick_values(struct bench *b)
{
	sqlite3_stmt *s = prep(b->db, "SELECT min(started_at), max(started_at) FROM calls");

	if (sqlite3_step(s) != SQLITE_ROW)
		bench_die("range", sqlite3_errmsg(b->db));
	b->first = sqlite3_column_int64(s, 0);
	b->last = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	s = prep(b->db, "SELECT cause, playbook_id FROM calls WHERE cause IS NOT NULL LIMIT 1");
	if (sqlite3_step(s) != SQLITE_ROW)
		bench_die("a cause", sqlite3_errmsg(b->db));
	snprintf(b->cause, sizeof(b->cause), "%s", (const char *)sqlite3_column_text(s, 0));
	snprintf(b->playbook, sizeof(b->playbook), "%s", (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
}

struct plan_ctx {
	char text[1024];
	int scans;
	int may_sort;  /* a rare note search sorts its few matches, by design */
	int after_arm; /* the line before was a mood arm's subquery */
};

static int on_plan(void *p, const char *detail)
{
	struct plan_ctx *pc = p;
	size_t len = strlen(pc->text);

	/*
	 * A sort right after "SCAN (subquery-N)" orders one mood arm's rows,
	 * already limited to a page: bounded whatever the size of the table.
	 */
	if ((strncmp(detail, "SCAN calls", 10) == 0 && !strstr(detail, "INDEX")) ||
	    (strstr(detail, "TEMP B-TREE") && !pc->may_sort && !pc->after_arm))
		pc->scans = 1;
	pc->after_arm = strncmp(detail, "SCAN (subquery-", 15) == 0;
	snprintf(pc->text + len, sizeof(pc->text) - len, "%s%s", len ? "; " : "", detail);
	return 0;
}

static int64_t page_poise(struct bench *b, const struct review_filter *f,
			  const struct review_key *from, struct review_key *last, size_t *n)
{
	static struct call_meta rows[PAGE];
	struct poise_error err;
	int64_t t0 = bench_now_ns();

	if (review_page(b->st, f, REVIEW_OLDER, from, rows, PAGE, n, &err) != POISE_OK)
		bench_die("review_page", err.msg);
	t0 = bench_now_ns() - t0;
	if (*n) {
		last->started = rows[*n - 1].started;
		memcpy(last->id, rows[*n - 1].id, sizeof(last->id));
	}
	return t0;
}

/* The bare floor: one prepared SELECT, keyset bound, every column read. */
static int64_t page_floor(sqlite3_stmt *s, const struct review_key *from, struct review_key *last,
			  size_t *n)
{
	int64_t t0 = bench_now_ns();

	sqlite3_bind_int64(s, 1, from ? from->started : INT64_MAX);
	sqlite3_bind_text(s, 2, from ? from->id : "", -1, SQLITE_TRANSIENT);
	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int c = 0; c < 16; c++)
			(void)sqlite3_column_text(s, c);
		last->started = sqlite3_column_int64(s, 7);
		snprintf(last->id, sizeof(last->id), "%s", (const char *)sqlite3_column_text(s, 0));
		(*n)++;
	}
	sqlite3_reset(s);
	return bench_now_ns() - t0;
}

static void bench_filter(struct bench *b, const struct filter_case *fc)
{
	struct plan_ctx pc = {.text = "", .may_sort = fc->f.search[0] != '\0'};
	struct review_key key, fkey;
	struct poise_error err;
	char sql[1024];
	sqlite3_stmt *floor;
	int64_t cold, best = INT64_MAX, fbest = INT64_MAX, sum = 0, worst = 0, t;
	size_t n = 0, fn = 0, pages = 0;

	if (review_plan(b->st, &fc->f, REVIEW_OLDER, on_plan, &pc, &err) != POISE_OK)
		bench_die("review_plan", err.msg);
	snprintf(sql, sizeof(sql),
		 "SELECT " COLS " FROM calls WHERE %s%s(started_at, id) < (?1, ?2) "
		 "ORDER BY started_at DESC, id DESC LIMIT %d",
		 fc->floor_where, fc->floor_where[0] ? " AND " : "", PAGE);
	floor = prep(b->db, sql);
	cold = page_poise(b, &fc->f, NULL, &key, &n);
	for (int r = 0; r < bench_rounds(ROUNDS); r++) {
		if ((t = page_poise(b, &fc->f, NULL, &key, &n)) < best)
			best = t;
		if ((t = page_floor(floor, NULL, &fkey, &fn)) < fbest)
			fbest = t;
	}
	if (n != fn)
		printf("| %s: poise found %zu calls on page 1, the floor %zu | | | |\n", fc->name,
		       n, fn);
	/* Paging: 100 pages older, each from the last row of the one before. */
	for (pages = 0; pages < PAGES && n == PAGE; pages++) {
		struct review_key from = key;

		t = page_poise(b, &fc->f, &from, &key, &n);
		sum += t;
		worst = t > worst ? t : worst;
	}
	printf("| review: %s, first page | %.2f ms (first %.2f ms) | %.2f ms | %.*fx |\n", fc->name,
	       ms(best), ms(cold), ms(fbest), (double)best < 0.1 * (double)fbest ? 3 : 1,
	       (double)best / (double)fbest);
	if (pages)
		printf("| review: %s, next %zu pages | %.2f ms a page (worst %.2f ms) | | |\n",
		       fc->name, pages, ms(sum) / (double)pages, ms(worst));
	if (pc.scans) {
		b->bad_plans++;
		fprintf(stderr, "bench_scale: %s SCANS: %s\n", fc->name, pc.text);
	}
	if (getenv("BENCH_PLANS") || pc.scans)
		printf("| plan of %s%s | %s | | |\n", fc->name, pc.scans ? " (SCANS)" : "",
		       pc.text);
	fflush(stdout);
	sqlite3_finalize(floor);
}

static void filter_cases(struct bench *b)
{
	int64_t month = b->last - 30 * DAY_MS;
	struct filter_case c[12];
	size_t n = 0;

	memset(c, 0, sizeof(c));
	c[n++].name = "no filter";
	c[n].name = "agent";
	snprintf(c[n].f.agent, sizeof(c[n].f.agent), "agent07");
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "agent = 'agent07'");
	c[n].name = "last 30 days";
	c[n].f.since = month;
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "started_at >= %lld",
		 (long long)month);
	c[n].name = "a month a year ago";
	c[n].f.since = b->first;
	c[n].f.until = b->first + 30 * DAY_MS;
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where),
		 "started_at >= %lld AND started_at < %lld", (long long)b->first,
		 (long long)(b->first + 30 * DAY_MS));
	c[n].name = "outcome abuse";
	snprintf(c[n].f.outcome, sizeof(c[n].f.outcome), "abuse");
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "outcome = 'abuse'");
	c[n].name = "cause";
	snprintf(c[n].f.cause, sizeof(c[n].f.cause), "%s", b->cause);
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "cause = '%s'", b->cause);
	c[n].name = "playbook";
	snprintf(c[n].f.playbook, sizeof(c[n].f.playbook), "%s", b->playbook);
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "playbook_id = '%s'", b->playbook);
	c[n].name = "mood 5";
	c[n].f.mood_min = 5;
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "%s = 5", STORE_MOOD_PEAK);
	c[n].name = "mood 4+";
	c[n].f.mood_min = 4;
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where), "%s >= 4", STORE_MOOD_PEAK);
	c[n].name = "agent, outcome, mood 4+";
	snprintf(c[n].f.agent, sizeof(c[n].f.agent), "agent07");
	snprintf(c[n].f.outcome, sizeof(c[n].f.outcome), "escalated");
	c[n].f.mood_min = 4;
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where),
		 "agent = 'agent07' AND outcome = 'escalated' AND %s >= 4", STORE_MOOD_PEAK);
	c[n].name = "note search, common ('refund')";
	snprintf(c[n].f.search, sizeof(c[n].f.search), "refund");
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where),
		 "id IN (SELECT call_id FROM notes_fts WHERE notes_fts MATCH '\"refund\"')");
	c[n].name = "note search, no match";
	snprintf(c[n].f.search, sizeof(c[n].f.search), "xylophone");
	snprintf(c[n++].floor_where, sizeof(c[0].floor_where),
		 "id IN (SELECT call_id FROM notes_fts WHERE notes_fts MATCH '\"xylophone\"')");
	for (size_t i = 0; i < n; i++)
		bench_filter(b, &c[i]);
}

/* What a report or export must read at least: the calls by start, each call's events. */
static int64_t floor_scan(struct bench *b, int64_t since, int64_t until, long long *events)
{
	sqlite3_stmt *calls = prep(b->db, "SELECT id FROM calls WHERE started_at >= ?1 AND "
					  "started_at < ?2 ORDER BY started_at, id");
	sqlite3_stmt *ev = prep(b->db, "SELECT seq, t, kind, stage, a, b, text FROM events "
				       "WHERE call_id = ?1 ORDER BY seq");
	int64_t t0 = bench_now_ns();

	*events = 0;
	sqlite3_exec(b->db, "BEGIN", NULL, NULL, NULL);
	sqlite3_bind_int64(calls, 1, since);
	sqlite3_bind_int64(calls, 2, until);
	while (sqlite3_step(calls) == SQLITE_ROW) {
		sqlite3_bind_text(ev, 1, (const char *)sqlite3_column_text(calls, 0), -1,
				  SQLITE_TRANSIENT);
		/* Each column as its type: integers are not turned into text. */
		while (sqlite3_step(ev) == SQLITE_ROW) {
			for (int c = 0; c < 7; c++)
				if (c == 2 || c == 3 || c == 6)
					(void)sqlite3_column_text(ev, c);
				else
					(void)sqlite3_column_int64(ev, c);
			(*events)++;
		}
		sqlite3_reset(ev);
	}
	sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
	t0 = bench_now_ns() - t0;
	sqlite3_finalize(calls);
	sqlite3_finalize(ev);
	return t0;
}

/* What a report with kept figures must read: the calls by start, each one's figures row. */
static int64_t floor_kept(struct bench *b, int64_t since, int64_t until)
{
	sqlite3_stmt *calls = prep(b->db, "SELECT c.id, c.agent, c.customer_ref, c.playbook_id, "
					  "c.playbook_hash, c.started_at, f.figures FROM calls c "
					  "LEFT JOIN call_figures f ON f.call_id = c.id "
					  "WHERE c.started_at >= ?1 AND c.started_at < ?2 "
					  "ORDER BY c.started_at, c.id");
	int64_t t0 = bench_now_ns();

	sqlite3_exec(b->db, "BEGIN", NULL, NULL, NULL);
	sqlite3_bind_int64(calls, 1, since);
	sqlite3_bind_int64(calls, 2, until);
	while (sqlite3_step(calls) == SQLITE_ROW) {
		for (int c = 0; c < 5; c++)
			(void)sqlite3_column_text(calls, c);
		(void)sqlite3_column_int64(calls, 5);
		(void)sqlite3_column_blob(calls, 6);
	}
	sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
	t0 = bench_now_ns() - t0;
	sqlite3_finalize(calls);
	return t0;
}

/* The plans of the report's reads, as store_scan.c prepares them. */
static void check_report_plans(struct bench *b)
{
	static const char *const what[] = {"calls", "events of a call", "follow-ups of a call"};
	const char *sql;

	for (size_t i = 0; (sql = store_scan_sql(i)) != NULL; i++) {
		char q[1024];
		struct plan_ctx pc = {.text = ""};
		sqlite3_stmt *s;

		snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
		s = prep(b->db, q);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(s, 3);

			on_plan(&pc, d);
			if (strncmp(d, "SCAN", 4) == 0 && !strstr(d, "INDEX"))
				pc.scans = 1;
		}
		sqlite3_finalize(s);
		if (pc.scans) {
			b->bad_plans++;
			fprintf(stderr, "bench_scale: report read %zu SCANS: %s\n", i + 1, pc.text);
		}
		if (getenv("BENCH_PLANS") || pc.scans)
			printf("| plan of the report's %s%s | %s | | |\n",
			       i < sizeof(what) / sizeof(what[0]) ? what[i] : "read",
			       pc.scans ? " (SCANS)" : "", pc.text);
	}
}

static void day_of(int64_t ms_, char *buf, size_t size)
{
	time_t t = (time_t)(ms_ / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

static void bench_command(const char *what, char *const argv[], int64_t floor_ns)
{
	int64_t ns;
	long rss;

	if (run_child(argv, -1, &ns, &rss) != 0)
		bench_die(what, "the command failed");
	printf("| %s | %.2f s, max RSS %.1f MiB | %.2f s | %.1fx |\n", what, ms(ns) / 1000,
	       (double)rss / 1024, ms(floor_ns) / 1000, (double)ns / (double)floor_ns);
	fflush(stdout);
}

static void bench_reports(struct bench *b)
{
	char since[16], until[16];
	long long events, mevents;
	int64_t all = floor_scan(b, INT64_MIN, INT64_MAX, &events), month;
	int64_t kept_all = floor_kept(b, INT64_MIN, INT64_MAX), kept_month;
	char *db = (char *)b->db_path;
	char *report_all[] = {POISE_BIN, "report", "--db", db, NULL};
	char *refold_all[] = {POISE_BIN, "report", "--refold", "--db", db, NULL};
	char *lines[] = {POISE_BIN, "report", "--lines", "--db", db, NULL};
	char *report_month[] = {POISE_BIN, "report", "--db", db,    "--since",
				since,	   "--until", until, NULL};
	char *refold_month[] = {POISE_BIN, "report", "--refold", "--db", db,
				"--since", since,    "--until",	 until, NULL};
	char *export[] = {POISE_BIN, "export", "--db", db, NULL};
	char what[160];

	check_report_plans(b);
	day_of(b->last - 29 * DAY_MS, since, sizeof(since));
	day_of(b->last, until, sizeof(until));
	month = floor_scan(b, b->last - 29 * DAY_MS - DAY_MS, b->last + 1, &mevents);
	kept_month = floor_kept(b, b->last - 29 * DAY_MS - DAY_MS, b->last + 1);
	snprintf(what, sizeof(what), "`poise report`, all %lld calls (kept figures)", b->n);
	bench_command(what, report_all, kept_all);
	bench_command("`poise report --lines`, all calls (kept figures)", lines, kept_all);
	snprintf(what, sizeof(what), "`poise report`, one month (%s to %s, kept figures)", since,
		 until);
	bench_command(what, report_month, kept_month);
	snprintf(what, sizeof(what), "`poise report --refold`, all calls (%lld events)", events);
	bench_command(what, refold_all, all);
	snprintf(what, sizeof(what), "`poise report --refold`, one month (%lld events)", mevents);
	bench_command(what, refold_month, month);
	bench_command("`poise export` (jsonl), all calls", export, all);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_scale N [--db PATH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench b = {0};
	struct poise_error err;
	char path[4200];
	const char *tmp = getenv("TMPDIR");
	struct rusage ru;

	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--db") == 0))
		usage();
	if ((b.n = atoll(argv[1])) < 1000)
		usage();
	if (argc == 4) {
		b.db_path = argv[3];
	} else {
		snprintf(path, sizeof(path), "%s/bench-scale-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(path))
			bench_die("mkdtemp", NULL);
		strcat(path, "/poise.db");
		b.db_path = path;
	}
	generate(&b);
	if (store_open(b.db_path, STORE_READONLY, &b.st, &err) != POISE_OK)
		bench_die("store_open", err.msg);
	if (sqlite3_open_v2(b.db_path, &b.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bench_die("sqlite3_open", sqlite3_errmsg(b.db));
	pick_values(&b);
	filter_cases(&b);
	getrusage(RUSAGE_SELF, &ru);
	printf("| review: max RSS of this process after every query above | %.1f MiB | | |\n",
	       (double)ru.ru_maxrss / 1024);
	bench_reports(&b);
	store_close(b.st);
	sqlite3_close(b.db);
	if (argc == 2) {
		char cmd[4400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(path) - 9), path);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_scale: could not remove %s\n", path);
	}
	return b.bad_plans ? 1 : 0;
}
