/*
 * bench_append.c - store_append of one event against a bare SQLite insert.
 *
 * Both databases sit side by side in one mktemp folder (the same disk) with
 * the pragmas poise uses: WAL, synchronous=FULL, foreign_keys, secure_delete.
 * The floor inserts a row of the same shape into a table of the same shape
 * in its own BEGIN IMMEDIATE ... COMMIT, with prepared statements. Both pay
 * the fsync of the commit, which is most of the time on a real disk; what
 * poise adds is finding the next seq and keeping the calls row up to date,
 * and for a note its entry in the note search. A NOTE and a MOOD (the
 * keypress bench's event) are measured apart.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "poise/store.h"

#define NOTE "customer says the invoice doubled in March"

struct ctx {
	struct store *st;
	char call_id[37];
	int64_t t;
	sqlite3 *db;
	sqlite3_stmt *begin, *insert, *commit;
	int64_t seq;
};

static void append(struct ctx *c, enum event_kind kind)
{
	struct event ev = {0,
			   ++c->t,
			   kind,
			   0,
			   kind == EV_MOOD ? 2 + c->t % 2 : 0,
			   0,
			   kind == EV_NOTE ? NOTE : NULL};
	struct poise_error err;
	int deferred = 0;

	if (store_append(c->st, c->call_id, &ev, &deferred, &err) != POISE_OK || deferred)
		bench_die("store_append", deferred ? "deferred to the side log" : err.msg);
}

/* The functions bench_pair runs, and callgrind counts (run.sh). */
static void append_poise(void *p)
{
	append(p, EV_NOTE);
}

static void append_poise_mood(void *p)
{
	append(p, EV_MOOD);
}

static void step(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		bench_die("sqlite3_step", sqlite3_errmsg(sqlite3_db_handle(s)));
	sqlite3_reset(s);
}

static void floor_insert(struct ctx *c, int note)
{
	step(c->begin);
	sqlite3_bind_text(c->insert, 1, c->call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->insert, 2, ++c->seq);
	sqlite3_bind_int64(c->insert, 3, ++c->t);
	sqlite3_bind_text(c->insert, 4, note ? "note" : "mood", -1, SQLITE_STATIC);
	sqlite3_bind_text(c->insert, 5, "calm", -1, SQLITE_STATIC);
	sqlite3_bind_int(c->insert, 6, note ? 0 : (int)(2 + c->t % 2));
	sqlite3_bind_int(c->insert, 7, 0);
	if (note)
		sqlite3_bind_text(c->insert, 8, NOTE, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(c->insert, 8);
	step(c->insert);
	step(c->commit);
}

static void append_floor(void *p)
{
	floor_insert(p, 1);
}

static void append_floor_mood(void *p)
{
	floor_insert(p, 0);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		bench_die(sql, msg);
}

static void prepare(sqlite3 *db, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK)
		bench_die(sql, sqlite3_errmsg(db));
}

static void open_floor(struct ctx *c, const char *path)
{
	if (sqlite3_open(path, &c->db) != SQLITE_OK)
		bench_die(path, sqlite3_errmsg(c->db));
	exec(c->db, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
		    "PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL;"
		    "CREATE TABLE events (call_id TEXT NOT NULL, seq INTEGER NOT NULL,"
		    " t INTEGER NOT NULL, kind TEXT NOT NULL, stage TEXT NOT NULL,"
		    " a INTEGER NOT NULL DEFAULT 0, b INTEGER NOT NULL DEFAULT 0, text TEXT,"
		    " PRIMARY KEY (call_id, seq)) WITHOUT ROWID");
	prepare(c->db, "BEGIN IMMEDIATE", &c->begin);
	prepare(c->db, "INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &c->insert);
	prepare(c->db, "COMMIT", &c->commit);
}

static void open_poise(struct ctx *c, const char *path)
{
	struct call_meta meta = {0};
	struct playbook *pb = NULL;
	struct poise_error err;
	struct event start = {0, ++c->t, EV_START, 0, 0, 0, NULL};

	if (store_open(path, 0, &c->st, &err) != POISE_OK ||
	    playbook_load_default(&pb, &err) != POISE_OK ||
	    store_new_uuid(meta.id, c->t, &err) != POISE_OK)
		bench_die(path, err.msg);
	strcpy(meta.agent, "bench");
	meta.started = c->t;
	start.text = pb->hash;
	if (store_call_begin(c->st, &meta, pb, &err) != POISE_OK)
		bench_die("store_call_begin", err.msg);
	strcpy(c->call_id, meta.id);
	if (store_append(c->st, c->call_id, &start, NULL, &err) != POISE_OK)
		bench_die("store_append", err.msg);
	playbook_free(pb);
}

/*
 * Run fn until the WAL file at wal has stopped growing for 100 calls in a
 * row: it has been checkpointed and is written over from its start, as in
 * the rest of a shift. Until then each commit that extends the file pays
 * more for its fsync, and poise (three pages a commit) and the floor (one)
 * leave that stretch at different times: measured from a fresh WAL, the
 * pair run first came out 1.1-1.4x and the one run second 0.6-0.7x,
 * whichever kind it was (docs/benchmarks.md, "Event append, session 11").
 */
static void warm(struct ctx *c, void (*fn)(void *), const char *wal)
{
	struct stat sb;
	off_t last = -1;
	int same = 0;

	for (int i = 0; i < 20000 && same < 100; i++) {
		fn(c);
		if (stat(wal, &sb) != 0)
			bench_die(wal, "no WAL file");
		same = sb.st_size == last ? same + 1 : 0;
		last = sb.st_size;
	}
}

/* Remove both databases, their WAL files and the folder. */
static void clean(const char *dir)
{
	static const char *const files[] = {
		"poise.db", "poise.db-wal", "poise.db-shm", "poise.db.pending",
		"floor.db", "floor.db-wal", "floor.db-shm",
	};
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], poise_db[4200], floor_db[4200];
	struct ctx c = {.t = 1767225600000};
	double poise, floor;

	snprintf(dir, sizeof(dir), "%s/poise-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		bench_die(dir, "mkdtemp failed");
	snprintf(poise_db, sizeof(poise_db), "%s/poise.db", dir);
	snprintf(floor_db, sizeof(floor_db), "%s/floor.db", dir);
	open_poise(&c, poise_db);
	open_floor(&c, floor_db);

	/*
	 * One of each first, past the functions callgrind counts: statements
	 * prepared on first use are then ready, as in the middle of a call.
	 */
	append(&c, EV_NOTE);
	append(&c, EV_MOOD);
	floor_insert(&c, 1);
	floor_insert(&c, 0);
	snprintf(poise_db, sizeof(poise_db), "%s/poise.db-wal", dir);
	snprintf(floor_db, sizeof(floor_db), "%s/floor.db-wal", dir);
	warm(&c, append_poise, poise_db);
	warm(&c, append_floor, floor_db);
	bench_pair(append_poise, append_floor, &c, 10, 20, &poise, &floor);
	bench_row("event append (NOTE, fsync'd)", poise, floor, 1e3, "µs");
	bench_pair(append_poise_mood, append_floor_mood, &c, 10, 20, &poise, &floor);
	bench_row("event append (MOOD, fsync'd)", poise, floor, 1e3, "µs");

	store_close(c.st);
	sqlite3_finalize(c.begin);
	sqlite3_finalize(c.insert);
	sqlite3_finalize(c.commit);
	sqlite3_close(c.db);
	clean(dir);
	return 0;
}
