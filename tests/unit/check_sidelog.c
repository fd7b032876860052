/* check_sidelog.c - a locked database: events wait in the side log, then replay. */
#include "store_fixture.h"

#include <sys/file.h>
#include <sys/wait.h>
#include "main/suite.h"

static const char pb_text[] = "id: test\ntitle: Test\n";

/* Another program holds the write lock on path until lock_release(). */
static sqlite3 *lock_take(const char *path)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static void lock_release(sqlite3 *db)
{
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int64_t append_deferred(struct store *st, const char *id, enum event_kind kind, int a,
			       const char *text)
{
	struct event ev = {.t = 5000, .kind = kind, .stage = STAGE_LISTEN, .a = a, .text = text};
	struct poise_error err = {0};
	int deferred = 0;

	ck_assert_msg(store_append(st, id, &ev, &deferred, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(deferred, 1);
	return ev.seq;
}

static off_t size_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

START_TEST(test_locked_goes_to_side_log)
{
	const char *path = fx_path(0, "locked.db");
	struct playbook pb = fx_pb("test", "34", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "";
	struct poise_error err = {0};
	struct collect *c = calloc(1, sizeof(*c));
	sqlite3 *other;
	size_t left = 99;

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	other = lock_take(path);
	ck_assert_int_eq(append_deferred(st, id, EV_MOOD, 4, NULL), 2);
	ck_assert_int_eq(append_deferred(st, id, EV_NOTE, 0, "line one\nwith\ttab \\ and \\N"), 3);
	ck_assert_uint_eq(store_pending(st), 2);
	ck_assert_int_eq(mode_of(store_pending_path(st)), 0600);
	ck_assert_int_eq(store_flush(st, &left, &err), POISE_OK);
	ck_assert_uint_eq(left, 2);
	lock_release(other);

	ck_assert_int_eq(store_flush(st, &left, &err), POISE_OK);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(store_pending(st), 0);
	ck_assert_int_eq(size_of(store_pending_path(st)), 0);
	ck_assert_int_eq(store_call_events(st, id, collect_fn, c, &err), POISE_OK);
	ck_assert_int_eq(c->n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(c->ev[i].seq, i + 1);
	ck_assert_int_eq(c->ev[1].kind, EV_MOOD);
	ck_assert_int_eq(c->ev[1].a, 4);
	ck_assert_int_eq(c->ev[1].stage, STAGE_LISTEN);
	ck_assert_ptr_null(c->ev[1].text);
	ck_assert_str_eq(c->ev[2].text, "line one\nwith\ttab \\ and \\N");
	ck_assert_int_eq(fx_append(st, id, EV_END, 6000, STAGE_LISTEN, 0, 0, NULL), 4);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT mood_end FROM calls"), 4);
	free(c);
}
END_TEST

START_TEST(test_append_after_unlock_drains_side_log_first)
{
	const char *path = fx_path(0, "drain.db");
	struct playbook pb = fx_pb("test", "56", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "";
	sqlite3 *other;

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	other = lock_take(path);
	ck_assert_int_eq(append_deferred(st, id, EV_MOOD, 5, NULL), 2);
	lock_release(other);
	ck_assert_int_eq(fx_append(st, id, EV_MOOD, 7000, STAGE_CALM, 2, 0, NULL), 3);
	ck_assert_uint_eq(store_pending(st), 0);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT mood_start * 10 + mood_end FROM calls"), 52);
	ck_assert_int_eq(fx_sql_int(path, "SELECT group_concat(seq) = '1,2,3' FROM "
					  "(SELECT seq FROM events ORDER BY seq)"),
			 1);
}
END_TEST

START_TEST(test_call_begun_while_locked)
{
	const char *path = fx_path(0, "lockcall.db");
	struct playbook pb = fx_pb("test", "78", pb_text);
	struct store *st = fx_open(path);
	sqlite3 *other = lock_take(path);
	char id[37] = "";
	struct call_meta m;
	struct poise_error err = {0};

	fx_call(st, id, "ana", "Zoë\tTab", 1000, &pb);
	ck_assert_uint_eq(store_pending(st), 1);
	ck_assert_int_eq(append_deferred(st, id, EV_START, 0, pb.hash), 1);
	ck_assert_int_eq(append_deferred(st, id, EV_MOOD, 3, NULL), 2);
	lock_release(other);
	ck_assert_int_eq(store_flush(st, NULL, &err), POISE_OK);
	ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.customer, "Zoë\tTab");
	ck_assert_str_eq(m.playbook_hash, pb.hash);
	ck_assert_int_eq(m.last_seq, 2);
	ck_assert_int_eq(m.mood_start, 3);
	store_close(st);
}
END_TEST

/* store_call_start while locked: the call and its START both wait, in order. */
START_TEST(test_call_started_while_locked)
{
	const char *path = fx_path(0, "lockstart.db");
	struct playbook pb = fx_pb("test", "7b", pb_text);
	struct store *st = fx_open(path);
	sqlite3 *other = lock_take(path);
	struct event start = {.t = 1000, .kind = EV_START, .stage = STAGE_CALM, .text = pb.hash};
	struct call_meta m = {.started = 1000};
	struct poise_error err = {0};
	int deferred = 0;

	ck_assert_int_eq(store_new_uuid(m.id, 1000, &err), POISE_OK);
	snprintf(m.agent, sizeof(m.agent), "ana");
	ck_assert_msg(store_call_start(st, &m, &pb, &start, &deferred, &err) == POISE_OK, "%s",
		      err.msg);
	ck_assert_int_eq(deferred, 1);
	ck_assert_int_eq(start.seq, 1);
	ck_assert_uint_eq(store_pending(st), 2);
	ck_assert_int_eq(append_deferred(st, m.id, EV_MOOD, 4, NULL), 2);
	lock_release(other);
	ck_assert_int_eq(store_flush(st, NULL, &err), POISE_OK);
	ck_assert_uint_eq(store_pending(st), 0);
	ck_assert_int_eq(store_call_meta(st, m.id, &m, &err), POISE_OK);
	ck_assert_int_eq(m.last_seq, 2);
	ck_assert_int_eq(m.mood_start, 4);
	store_close(st);
}
END_TEST

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *buf = slurp(from, &n);
	FILE *f = fopen(to, "wb");

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	fclose(f);
	free(buf);
}

START_TEST(test_leftover_side_log_replayed_at_open)
{
	const char *path = fx_path(0, "crash.db");
	const char *saved = fx_path(1, "saved.pending");
	struct playbook pb = fx_pb("test", "9a", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "", pending[600];
	sqlite3 *other;
	FILE *f;

	snprintf(pending, sizeof(pending), "%s", store_pending_path(st));
	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	other = lock_take(path);
	append_deferred(st, id, EV_MOOD, 5, NULL);
	append_deferred(st, id, EV_NOTE, 0, "kept");
	store_close(st); /* as if killed: the side log stays */
	lock_release(other);
	copy_file(pending, saved);
	/* A torn last line (never acknowledged) is dropped, not glued to the next. */
	f = fopen(pending, "a");
	fputs("event\tdeadbeef", f);
	fclose(f);

	/* Still locked at open: the entries wait, and new ones follow them. */
	other = lock_take(path);
	st = fx_open(path);
	ck_assert_uint_eq(store_pending(st), 2);
	ck_assert_int_eq(append_deferred(st, id, EV_FOLLOWUP, 0, "2024-06-01\temail\tsend it"), 4);
	lock_release(other);
	ck_assert_int_eq(fx_append(st, id, EV_MOOD, 8000, STAGE_CALM, 2, 0, NULL), 5);
	ck_assert_uint_eq(store_pending(st), 0);
	ck_assert_int_eq(size_of(pending), 0);
	ck_assert_int_eq(fx_append(st, id, EV_END, 8000, STAGE_CALM, 0, 0, NULL), 6);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 6);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events WHERE seq = 3 AND "
					  "kind = 'note' AND text = 'kept'"),
			 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM followups WHERE seq = 4"), 1);

	/* Killed between commit and truncate: the replay is harmless. */
	copy_file(saved, pending);
	st = fx_open(path);
	ck_assert_uint_eq(store_pending(st), 0);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 6);
	ck_assert_int_eq(fx_sql_int(path, "SELECT status = 'done' FROM calls"), 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT mood_end FROM calls"), 2);
}
END_TEST

START_TEST(test_damaged_side_log_reported)
{
	const char *path = fx_path(0, "damaged.db");
	struct store *st = fx_open(path);
	struct poise_error err = {0};
	char pending[600];
	FILE *f;

	snprintf(pending, sizeof(pending), "%s", store_pending_path(st));
	store_close(st);
	f = fopen(pending, "w");
	fputs("event\tnot-a-uuid\t1\n", f);
	fclose(f);
	ck_assert_int_eq(store_open(path, 0, &st, &err), POISE_DB);
	ck_assert_int_eq(err.line, 1);
	ck_assert_msg(strstr(err.msg, "damaged") && strstr(err.msg, pending), "%s", err.msg);
	ck_assert_int_gt(size_of(pending), 0);
}
END_TEST

/* Another process's view: hold the side log's lock until side_unlock(). */
static int side_lock(const char *pending)
{
	int fd = open(pending, O_RDWR | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	return fd;
}

/* The child is still waiting after 300 ms: 1; it has exited with 0: 0. */
static int still_waiting(pid_t pid)
{
	int status;

	usleep(300 * 1000);
	return waitpid(pid, &status, WNOHANG) == 0;
}

static void child_exits_0(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}

/* What the other poise does, in a child: 0 when it went as expected. */
static int append_mood(struct store *st, const char *id)
{
	struct poise_error err = {0};
	struct event ev = {.t = 5000, .kind = EV_MOOD, .stage = STAGE_CALM, .a = 4};
	int deferred = 0;

	return store_append(st, id, &ev, &deferred, &err) != POISE_OK || !deferred;
}

static int flush_all(struct store *st, const char *id)
{
	struct poise_error err = {0};
	size_t left = 1;

	(void)id;
	return store_flush(st, &left, &err) != POISE_OK || left != 0;
}

/*
 * Another poise process on path: it opens the database (which reads the
 * side log) and runs work. held is the parent's lock, copied by fork: the
 * child closes it, or it would hold the very lock it waits for.
 */
static pid_t as_other_poise(int held, const char *path, const char *id,
			    int (*work)(struct store *, const char *))
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct store *st = NULL;
		struct poise_error err = {0};
		int rc;

		close(held);
		if (store_open(path, 0, &st, &err) != POISE_OK)
			_exit(2);
		rc = work(st, id);
		store_close(st);
		_exit(rc ? 3 : 0);
	}
	return pid;
}

/*
 * Two processes on one database share its side log: an append, and a
 * replay from reading the log to emptying it, each wait for the other's
 * lock, so no entry lands between a replay's read and its truncate.
 */
START_TEST(test_side_log_is_locked_between_processes)
{
	const char *path = fx_path(0, "shared.db");
	struct playbook pb = fx_pb("test", "9a", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "", pending[600];
	sqlite3 *other;
	pid_t pid;
	int fd;

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	snprintf(pending, sizeof(pending), "%s", store_pending_path(st));
	store_close(st);

	/* A second poise appends while the database is locked: it waits for the log. */
	other = lock_take(path);
	fd = side_lock(pending);
	pid = as_other_poise(fd, path, id, append_mood);
	ck_assert(still_waiting(pid));
	ck_assert_int_eq(size_of(pending), 0);
	close(fd);
	child_exits_0(pid);
	ck_assert_int_gt(size_of(pending), 0);
	lock_release(other);

	/* A poise opening the database replays the log: it waits for the log too. */
	fd = side_lock(pending);
	pid = as_other_poise(fd, path, id, flush_all);
	ck_assert(still_waiting(pid));
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 1);
	close(fd);
	child_exits_0(pid);
	ck_assert_int_eq(size_of(pending), 0);
	ck_assert_int_eq(fx_sql_int(path, "SELECT mood_end FROM calls"), 4);
}
END_TEST

/*
 * Two processes of one agent write the same call while the database is
 * locked (one was killed, the other resumed the call; or any order of
 * turns): each side log entry takes a seq past every seq the log and the
 * database hold, whatever the process knew, and the replay keeps them all.
 */
START_TEST(test_two_writers_same_call_keep_every_event)
{
	const char *path = fx_path(0, "twowriters.db");
	struct playbook pb = fx_pb("test", "9a", pb_text);
	struct store *a = fx_open(path), *b;
	char id[37] = "";
	struct poise_error err = {0};
	sqlite3 *other;
	int64_t seen[8];
	size_t n = 0, left = 9;
	/* Turns: which process writes next; each process's seq knowledge goes stale. */
	static const int turns[] = {0, 0, 1, 0, 1, 1, 0};

	fx_call(a, id, "ana", "Bob", 1000, &pb);
	fx_append(a, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	other = lock_take(path);
	b = fx_open(path); /* the second process starts while it is locked */
	for (size_t i = 0; i < sizeof(turns) / sizeof(turns[0]); i++) {
		char text[16];

		snprintf(text, sizeof(text), "turn %zu", i);
		seen[n++] = append_deferred(turns[i] ? b : a, id, EV_NOTE, 0, text);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			ck_assert_msg(seen[i] != seen[j], "seq %lld given twice",
				      (long long)seen[i]);
	lock_release(other);
	ck_assert_int_eq(store_flush(b, &left, &err), POISE_OK);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(store_quarantined(b), 0);
	store_close(b);
	store_close(a);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events WHERE kind = 'note'"), 7);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(DISTINCT text) FROM events"), 7);
	ck_assert_int_eq(fx_sql_int(path, "SELECT max(seq) FROM events"), 8);
}
END_TEST

/*
 * A side log entry whose seq another, different event already holds in the
 * database (a log written by an older poise, or copied in) is not dropped:
 * it is kept in <db>.quarantine and counted; an entry replayed twice (the
 * log was not emptied) is skipped as the same event.
 */
START_TEST(test_clashing_entry_is_quarantined_not_dropped)
{
	char path[512], pending[600], id[37] = "", line[256], qpath[600];
	struct playbook pb = fx_pb("test", "9b", pb_text);
	struct store *st;
	struct poise_error err = {0};
	size_t left = 9, qlen = 0;
	FILE *f;
	char *q;

	snprintf(path, sizeof(path), "%s", fx_path(0, "clash.db"));
	snprintf(pending, sizeof(pending), "%s.pending", path);
	st = fx_open(path);
	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, id, EV_NOTE, 2000, STAGE_CALM, 0, 0, "saved");
	store_close(st);
	f = fopen(fx_path(1, "clash.db.pending"), "w");
	ck_assert_ptr_nonnull(f);
	/* seq 2 again with another text; then seq 2 as saved; then a new seq 3. */
	snprintf(line, sizeof(line), "event\t%s\t2\t2500\tnote\tcalm\t0\t0\tlost before\n", id);
	fputs(line, f);
	snprintf(line, sizeof(line), "event\t%s\t2\t2000\tnote\tcalm\t0\t0\tsaved\n", id);
	fputs(line, f);
	snprintf(line, sizeof(line), "event\t%s\t3\t3000\tnote\tcalm\t0\t0\tnext\n", id);
	fputs(line, f);
	fclose(f);
	ck_assert_int_eq(rename(fx_path(1, "clash.db.pending"), pending), 0);

	st = fx_open(path);
	ck_assert_int_eq(store_flush(st, &left, &err), POISE_OK);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(store_quarantined(st), 1);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 3);
	snprintf(qpath, sizeof(qpath), "%s.quarantine", path);
	q = slurp(qpath, &qlen);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(strstr(q, "lost before"));
	ck_assert_ptr_null(strstr(q, "saved"));
	ck_assert_int_eq(mode_of(qpath), 0600);
	free(q);
}
END_TEST



/* Open calls of agent, newest first, as store_each_open_call gives them. */
struct opens {
	int n;
	struct call_meta m[8];
};

static int open_fn(void *ctx, const struct call_meta *m)
{
	struct opens *o = ctx;

	ck_assert_int_lt(o->n, 8);
	o->m[o->n++] = *m;
	return 0;
}

/*
 * A call begun while the database is locked lives in the side log only:
 * a restart while it is still locked offers it (store_each_open_call), finds
 * it by id or prefix with its summary folded from the waiting entries
 * (store_call_meta), loads the playbook it began with (store_playbook_text)
 * and folds its events; once the lock goes the call is in the database whole.
 */
START_TEST(test_side_log_only_call_offered_while_locked)
{
	char path[512], id[37] = "", older[37] = "", hash[65], prefix[CALL_ID_SHORT + 1];
	struct playbook pb = fx_pb("test", "9d", pb_text);
	struct store *a, *b;
	struct poise_error err = {0};
	struct collect *c = calloc(1, sizeof(*c));
	struct opens o = {0};
	struct call_meta m;
	char *text = NULL;
	size_t len = 0;
	sqlite3 *other;

	snprintf(path, sizeof(path), "%s", fx_path(0, "sideonly.db"));
	snprintf(hash, sizeof(hash), "%s", pb.hash);
	a = fx_open(path);
	fx_call(a, older, "ana", "Old", 1000, &pb); /* open in the database, older */
	fx_append(a, older, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	other = lock_take(path);
	fx_call(a, id, "ana", "Ana", 9000, &pb);
	ck_assert_int_eq(append_deferred(a, id, EV_START, 0, NULL), 1);
	ck_assert_int_eq(append_deferred(a, id, EV_MOOD, 4, NULL), 2);
	ck_assert_int_eq(append_deferred(a, id, EV_NOTE, 0, "while locked"), 3);
	store_close(a); /* killed: only the side log has the call */

	b = fx_open(path);
	ck_assert_int_eq(store_each_open_call(b, "ana", open_fn, &o, &err), POISE_OK);
	ck_assert_int_eq(o.n, 2);
	ck_assert_str_eq(o.m[0].id, id); /* newest first */
	ck_assert_str_eq(o.m[0].customer, "Ana");
	ck_assert_str_eq(o.m[0].status, "open");
	ck_assert_str_eq(o.m[0].playbook_hash, hash);
	ck_assert_str_eq(o.m[0].playbook_id, "test");
	ck_assert_int_eq(o.m[0].mood_end, 4);
	ck_assert_int_eq(o.m[0].last_seq, 3);
	ck_assert_str_eq(o.m[1].id, older);
	o.n = 0;
	ck_assert_int_eq(store_each_open_call(b, "bo", open_fn, &o, &err), POISE_NOT_FOUND);
	ck_assert_int_eq(store_open_call(b, "ana", &m, &err), POISE_OK);
	ck_assert_str_eq(m.id, id);

	/* By id and by a prefix; a prefix both share is ambiguous. */
	ck_assert_int_eq(store_call_meta(b, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.customer, "Ana");
	ck_assert_str_eq(m.ref, "REF-Ana");
	ck_assert_int_eq(m.started, 9000);
	ck_assert_int_eq(m.mood_start, 4);
	ck_assert_str_eq(m.status, "open");
	memset(&m, 0, sizeof(m));
	memcpy(prefix, id, CALL_ID_SHORT);
	prefix[CALL_ID_SHORT] = '\0';
	ck_assert_int_eq(store_call_meta(b, prefix, &m, &err), POISE_OK);
	ck_assert_str_eq(m.id, id);
	ck_assert_int_eq(store_call_meta(b, "0", &m, &err), POISE_USAGE);

	ck_assert_int_eq(store_playbook_text(b, hash, &text, &len, &err), POISE_OK);
	ck_assert_uint_eq(len, strlen(pb_text));
	ck_assert_str_eq(text, pb_text);
	free(text);
	ck_assert_int_eq(store_call_events(b, id, collect_fn, c, &err), POISE_OK);
	ck_assert_int_eq(c->n, 3);
	ck_assert_str_eq(c->ev[2].text, "while locked");

	/* Resumed and ended while still locked: then it is no longer open. */
	ck_assert_int_eq(append_deferred(b, id, EV_RESUME, 1, NULL), 4);
	ck_assert_int_eq(append_deferred(b, id, EV_END, 0, NULL), 5);
	o.n = 0;
	ck_assert_int_eq(store_each_open_call(b, "ana", open_fn, &o, &err), POISE_OK);
	ck_assert_int_eq(o.n, 1);
	ck_assert_str_eq(o.m[0].id, older);
	ck_assert_int_eq(store_call_meta(b, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.status, "done");
	ck_assert_int_eq(m.ended, 5000);

	lock_release(other);
	ck_assert_int_eq(store_flush(b, NULL, &err), POISE_OK);
	ck_assert_uint_eq(store_pending(b), 0);
	ck_assert_uint_eq(store_quarantined(b), 0);
	ck_assert_int_eq(store_call_meta(b, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.status, "done");
	ck_assert_int_eq(m.last_seq, 5);
	store_close(b);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 6);
	free(c);
}
END_TEST


/*
 * A call in the database, the database locked by another connection, more
 * of its events appended (each waits in the side log), the writer killed:
 * a restart while still locked reads the call's events and summary from the
 * side log too, offers the call only while those entries leave it open, and
 * gives the next event the seq after them; once the lock goes, one flush
 * puts every entry into the database.
 */
static const struct killed_case {
	const char *db;
	int stored_mood;		/* a MOOD in the database before the lock; 0: none */
	struct {
		enum event_kind kind;
		int a;
		const char *text;
	} waiting[3];
	int nwaiting;
	const char *status, *outcome;
	int mood_start, mood_end;
} killed_cases[] = {
	{"restart.db", 0, {{EV_MOOD, 4, NULL}, {EV_NOTE, 0, "waits"}}, 2, "open", "", 4, 4},
	{"closedside.db",
	 2,
	 {{EV_MOOD, 5, NULL}, {EV_OUTCOME, 0, "resolved"}, {EV_END, 0, NULL}},
	 3,
	 "done",
	 "resolved",
	 2,
	 5},
};

START_TEST(test_killed_while_locked_restarts_from_side_log)
{
	const struct killed_case *k = &killed_cases[_i];
	char path[512], id[37] = "";
	struct playbook pb = fx_pb("test", "9c", pb_text);
	struct store *a, *b;
	struct poise_error err = {0};
	struct collect *c = calloc(1, sizeof(*c));
	struct opens o = {0};
	struct call_meta m;
	int64_t stored = 1, seq;
	sqlite3 *other;

	snprintf(path, sizeof(path), "%s", fx_path(0, k->db));
	a = fx_open(path);
	fx_call(a, id, "ana", "Bob", 1000, &pb);
	fx_append(a, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	if (k->stored_mood) {
		fx_append(a, id, EV_MOOD, 1500, STAGE_CALM, k->stored_mood, 0, NULL);
		stored++;
	}
	other = lock_take(path);
	for (int i = 0; i < k->nwaiting; i++)
		ck_assert_int_eq(append_deferred(a, id, k->waiting[i].kind, k->waiting[i].a,
						 k->waiting[i].text),
				 stored + 1 + i);
	store_close(a); /* as if killed: the entries stay in the side log */

	b = fx_open(path);
	ck_assert_int_eq(store_call_events(b, id, collect_fn, c, &err), POISE_OK);
	ck_assert_int_eq(c->n, stored + k->nwaiting);
	for (int i = 0; i < k->nwaiting; i++) {
		const struct event *ev = &c->ev[stored + i];

		ck_assert_int_eq(ev->kind, k->waiting[i].kind);
		ck_assert_int_eq(ev->a, k->waiting[i].a);
		if (k->waiting[i].text)
			ck_assert_str_eq(ev->text, k->waiting[i].text);
	}
	ck_assert_int_eq(store_call_meta(b, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.status, k->status);
	ck_assert_str_eq(m.outcome, k->outcome);
	ck_assert_int_eq(m.mood_start, k->mood_start);
	ck_assert_int_eq(m.mood_end, k->mood_end);
	ck_assert_int_eq(m.last_seq, stored + k->nwaiting);
	ck_assert_int_eq(store_each_open_call(b, "ana", open_fn, &o, &err),
			 strcmp(k->status, "open") == 0 ? POISE_OK : POISE_NOT_FOUND);
	ck_assert_int_eq(o.n, strcmp(k->status, "open") == 0);
	seq = append_deferred(b, id, EV_NOTE, 0, "after the restart");
	ck_assert_int_eq(seq, stored + k->nwaiting + 1);
	lock_release(other);
	ck_assert_int_eq(store_flush(b, NULL, &err), POISE_OK);
	ck_assert_uint_eq(store_pending(b), 0);
	store_close(b);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), seq);
	free(c);
}
END_TEST

/* Append lines by hand to path's side log (another writer's, or an older poise's). */
static void add_side_lines(const char *path, const char *lines)
{
	char pending[600];
	FILE *f;

	snprintf(pending, sizeof(pending), "%s.pending", path);
	f = fopen(pending, "a");
	ck_assert_ptr_nonnull(f);
	fputs(lines, f);
	fclose(f);
}

static int count_in(const char *path, const char *needle)
{
	size_t len = 0;
	char *buf = slurp(path, &len);
	int n = 0;

	for (const char *p = buf; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(buf);
	return n;
}

/*
 * A replay that fails (the disk full) after it met a clashing entry, then
 * is tried again, and one whose log was not emptied and runs again, set the
 * entry aside once: the quarantine never holds a line twice, and its count
 * is the file's, in this process and the next.
 */
START_TEST(test_quarantine_not_doubled_on_retry)
{
	char path[512], qpath[600], pending[600], saved[600], id[37] = "", line[256];
	struct playbook pb = fx_pb("test", "a1", pb_text);
	char *big = malloc(20000);
	struct store *st;
	struct poise_error err = {0};
	size_t left = 9;
	sqlite3 *other;

	snprintf(path, sizeof(path), "%s", fx_path(0, "qretry.db"));
	snprintf(qpath, sizeof(qpath), "%s.quarantine", path);
	snprintf(pending, sizeof(pending), "%s.pending", path);
	snprintf(saved, sizeof(saved), "%s", fx_path(1, "qretry.saved"));
	st = fx_open(path);
	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, id, EV_NOTE, 2000, STAGE_CALM, 0, 0, "saved");
	other = lock_take(path);
	snprintf(line, sizeof(line), "event\t%s\t2\t2500\tnote\tcalm\t0\t0\tclash one\n", id);
	add_side_lines(path, line);
	memset(big, 'x', 19999);
	big[19999] = '\0';
	ck_assert_int_eq(append_deferred(st, id, EV_NOTE, 0, big), 3);
	lock_release(other);
	copy_file(pending, saved);

	/* No room for the big note: the replay fails and is rolled back. */
	store_set_max_pages(st, 1);
	ck_assert_int_eq(store_flush(st, &left, &err), POISE_DB_FULL);
	ck_assert_int_eq(count_in(qpath, "clash one"), 0);
	store_set_max_pages(st, 1 << 20);
	ck_assert_int_eq(store_flush(st, &left, &err), POISE_OK);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(store_quarantined(st), 1);
	ck_assert_int_eq(count_in(qpath, "clash one"), 1);
	store_close(st);

	/* Killed before the log was emptied: the next open replays it again. */
	copy_file(saved, pending);
	st = fx_open(path);
	ck_assert_uint_eq(store_pending(st), 0);
	ck_assert_uint_eq(store_quarantined(st), 1);
	store_close(st);
	ck_assert_int_eq(count_in(qpath, "clash one"), 1);
	ck_assert_int_eq(count_in(qpath, "\n"), 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 3);
	ck_assert_int_eq(fx_sql_int(path, "SELECT length(text) FROM events WHERE seq = 3"), 19999);
	free(big);
}
END_TEST

/*
 * What a replay cannot write as it is never blocks the rest nor vanishes:
 * an event differing from the stored one only in its stage or numbers, an
 * event of a call the database does not have, and a call line whose id
 * another call holds (with its events) go to the quarantine; the rest is
 * saved and the log emptied.
 */
START_TEST(test_replay_sets_aside_what_it_cannot_write)
{
	char path[512], qpath[600], id[37] = "", lines[2048];
	const char *ghost = "01890000-0000-7000-8000-000000000001";
	struct playbook pb = fx_pb("test", "a2", pb_text);
	struct store *st;
	struct poise_error err = {0};
	size_t left = 9;

	snprintf(path, sizeof(path), "%s", fx_path(0, "aside.db"));
	snprintf(qpath, sizeof(qpath), "%s.quarantine", path);
	st = fx_open(path);
	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, id, EV_MOOD, 2000, STAGE_CALM, 3, 0, NULL);
	store_close(st);
	snprintf(lines, sizeof(lines),
		 "event\t%s\t2\t2000\tmood\tcalm\t5\t0\t\\N\n"	   /* another mood at seq 2 */
		 "event\t%s\t1\t2000\tnote\tcalm\t0\t0\tnobody\n"  /* no such call */
		 "event\t%s\t3\t3000\tnote\tcalm\t0\t0\tkept\n"
		 "call\t%s\tbo\tEve\tR\t1000\tx\t1.0\t%s\tid: x\n" /* the id is Bob's call's */
		 "event\t%s\t9\t3000\tnote\tcalm\t0\t0\tEve's\n",  /* so its events follow it */
		 id, ghost, id, id, pb.hash, id);
	add_side_lines(path, lines);
	st = fx_open(path);
	ck_assert_int_eq(store_flush(st, &left, &err), POISE_OK);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(store_quarantined(st), 4);
	store_close(st);
	ck_assert_int_eq(count_in(qpath, "\tmood\tcalm\t5\t"), 1);
	ck_assert_int_eq(count_in(qpath, "nobody"), 1);
	ck_assert_int_eq(count_in(qpath, "\tEve\t"), 1);
	ck_assert_int_eq(count_in(qpath, "Eve's"), 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 3);
	ck_assert_int_eq(fx_sql_int(path, "SELECT mood_end FROM calls"), 3);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM calls WHERE customer = 'Bob'"), 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events WHERE text = 'kept'"), 1);
}
END_TEST

Suite *sidelog_suite(void)
{
	Suite *s = suite_create("sidelog");
	TCase *log = tcase_create("log");

	tcase_add_checked_fixture(log, fx_setup, fx_teardown);
	tcase_add_test(log, test_locked_goes_to_side_log);
	tcase_add_test(log, test_append_after_unlock_drains_side_log_first);
	tcase_add_test(log, test_call_begun_while_locked);
	tcase_add_test(log, test_call_started_while_locked);
	tcase_add_test(log, test_leftover_side_log_replayed_at_open);
	tcase_add_test(log, test_damaged_side_log_reported);
	tcase_add_test(log, test_side_log_is_locked_between_processes);
	tcase_add_test(log, test_two_writers_same_call_keep_every_event);
	tcase_add_test(log, test_clashing_entry_is_quarantined_not_dropped);
	tcase_add_loop_test(log, test_killed_while_locked_restarts_from_side_log, 0,
			    (int)(sizeof(killed_cases) / sizeof(killed_cases[0])));
	tcase_add_test(log, test_side_log_only_call_offered_while_locked);
	tcase_add_test(log, test_quarantine_not_doubled_on_retry);
	tcase_add_test(log, test_replay_sets_aside_what_it_cannot_write);
	suite_add_tcase(s, log);
	return s;
}
