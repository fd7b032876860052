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

Suite *sidelog_suite(void)
{
	Suite *s = suite_create("sidelog");
	TCase *log = tcase_create("log");

	tcase_add_checked_fixture(log, fx_setup, fx_teardown);
	tcase_add_test(log, test_locked_goes_to_side_log);
	tcase_add_test(log, test_append_after_unlock_drains_side_log_first);
	tcase_add_test(log, test_call_begun_while_locked);
	tcase_add_test(log, test_leftover_side_log_replayed_at_open);
	tcase_add_test(log, test_damaged_side_log_reported);
	tcase_add_test(log, test_side_log_is_locked_between_processes);
	suite_add_tcase(s, log);
	return s;
}
