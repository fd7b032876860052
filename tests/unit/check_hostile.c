/*
 * check_hostile.c - hostile input and rare faults on the data side (issue 13):
 * readers wait for a busy writer, files that are not what they seem, schemas
 * poise did not make, rows merge must refuse, limits at the edges, control
 * characters from data, CSV formulas, redaction and the WAL, extreme values.
 * Each test walks a class of cases, not one example.
 */
/* Names here are made to sit at their limits: a cut is what the tests look for. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "store_fixture.h"

#include "helpers/run_poise.h"
#include "main/suite.h"
#include "poise/export.h"
#include "poise/merge.h"
#include "poise/playbook.h"
#include "poise/report.h"
#include "poise/review.h"
#include "poise/store_ready.h"
#include "poise/text.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define RUN(r, ...) run_poise_in(fx_dir, (r), (const char *[]){__VA_ARGS__, NULL})

static char id1[37], id2[37];

/*
 * A closed call with a note, a follow-up and a reflection, on the built-in
 * playbook. A note the store refuses (a control character, bad UTF-8) is
 * put in by hand, as sqlite3 or an older poise would have left it.
 */
static void seed_calls(const char *path, const char *agent, const char *customer, const char *note)
{
	struct playbook *pb = NULL;
	struct poise_error err = {0};
	struct store *st = fx_open(path);
	int by_hand = text_check_field("note", note, FIELD_EVENT_TEXT_MAX,
				       TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB, &err) != POISE_OK;

	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	id1[0] = id2[0] = '\0';
	fx_call(st, id1, agent, customer, 1700000000000, pb);
	fx_append(st, id1, EV_START, 1700000000000, STAGE_CALM, 0, 0, pb->hash);
	fx_append(st, id1, EV_MOOD, 1700000001000, STAGE_CALM, 4, 0, NULL);
	fx_append(st, id1, EV_NOTE, 1700000002000, STAGE_CALM, 0, 0, by_hand ? "by hand" : note);
	fx_append(st, id1, EV_WRAPUP, 1700000003000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, id1, EV_OUTCOME, 1700000003100, STAGE_CALM, 0, 0, "callback");
	fx_append(st, id1, EV_FOLLOWUP, 1700000003200, STAGE_CALM, 0, 0,
		  "2023-11-20\tphone\tring them back");
	fx_append(st, id1, EV_REFLECTION, 1700000003300, STAGE_CALM, 0, 0, "calm\tfaster");
	fx_append(st, id1, EV_END, 1700000004000, STAGE_CALM, 0, 0, NULL);
	fx_call(st, id2, "bo", "Second", 1700000100000, pb);
	fx_append(st, id2, EV_START, 1700000100000, STAGE_CALM, 0, 0, pb->hash);
	fx_append(st, id2, EV_NOTE, 1700000100500, STAGE_CALM, 0, 0, "plain note here");
	store_close(st);
	playbook_free(pb);
	if (by_hand)
		fx_sql_text_param(path, "UPDATE events SET text = ?1 WHERE text = 'by hand'", note);
}

/* ---------------------------------------------------------------------------
 * 2. Readers never fail on a busy writer.
 */

/*
 * Another program takes the database's lock (exclusive locking mode, as a
 * close and checkpoint does, only longer) and holds it for hold_ms; the
 * byte on *ready says it holds it.
 */
static pid_t hold_lock(const char *path, int hold_ms, int *ready)
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sqlite3 *db;
		int ok;

		close(p[0]);
		ok = sqlite3_open(path, &db) == SQLITE_OK &&
		     sqlite3_exec(db,
				  "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
				  "UPDATE calls SET outcome = outcome;",
				  NULL, NULL, NULL) == SQLITE_OK;
		if (write(p[1], ok ? "y" : "n", 1) != 1)
			_exit(2);
		usleep((useconds_t)hold_ms * 1000);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(db);
		_exit(ok ? 0 : 1);
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

START_TEST(test_readers_wait_for_a_busy_writer)
{
	const char *db = fx_path(0, "busy.db");
	const char *const cmds[][6] = {
		{"export", NULL},    {"export", "--format", "csv", NULL},
		{"report", NULL},    {"report", "--lines", "--format", "json", NULL},
		{"show", id1, NULL}, {"followups", "--all", NULL},
		{"followups", NULL},
	};
	char src[600], dst[600];

	seed_calls(db, "ana", "Ada", "a note");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[10];
		struct run r;
		int ready, status, n = 0;
		char c = 0;
		pid_t pid = hold_lock(db, 1200, &ready);

		ck_assert_int_eq(read(ready, &c, 1), 1);
		ck_assert_int_eq(c, 'y');
		for (; cmds[i][n]; n++)
			args[n] = cmds[i][n];
		args[n++] = "--db";
		args[n++] = db;
		args[n] = NULL;
		run_poise_in(fx_dir, &r, args);
		ck_assert_msg(r.code == 0, "%s while locked: exit %d: %s", cmds[i][0], r.code,
			      r.err);
		run_free(&r);
		close(ready);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	}
	/* A writer from the command line waits too: merge into, and from, a busy file. */
	snprintf(src, sizeof(src), "%s", fx_path(1, "src.db"));
	snprintf(dst, sizeof(dst), "%s", fx_path(2, "dst.db"));
	seed_calls(src, "cy", "Cy", "other note");
	for (int side = 0; side < 2; side++) {
		struct run r;
		int ready, status;
		char c = 0;
		pid_t pid = hold_lock(side ? src : db, 1200, &ready);

		ck_assert_int_eq(read(ready, &c, 1), 1);
		RUN(&r, "merge", src, "--db", side ? dst : db);
		ck_assert_msg(r.code == 0, "merge with a busy %s: %s", side ? "source" : "target",
			      r.err);
		run_free(&r);
		close(ready);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	}
}
END_TEST

/* ---------------------------------------------------------------------------
 * 5. Files that are not what they seem.
 */

enum odd_kind { ODD_FIFO, ODD_DIR, ODD_SOCKET, ODD_DEVICE, ODD_COUNT };

static void make_odd(const char *path, enum odd_kind kind)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	switch (kind) {
	case ODD_FIFO:
		ck_assert_int_eq(mkfifo(path, 0600), 0);
		break;
	case ODD_DIR:
		ck_assert_int_eq(mkdir(path, 0700), 0);
		break;
	case ODD_SOCKET:
		ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
		strcpy(sa.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
		break;
	case ODD_DEVICE:
		ck_assert_int_eq(symlink("/dev/zero", path), 0);
		break;
	default:
		break;
	}
}

static void remove_odd(const char *path)
{
	if (rmdir(path) != 0)
		unlink(path);
}

static void assert_refused_at_once(const char *db, int flags, const char *what)
{
	struct store *st = NULL;
	struct poise_error err = {0};

	alarm(20); /* a FIFO waited on would hang here: the alarm fails the test */
	ck_assert_msg(store_open(db, flags, &st, &err) != POISE_OK, "%s was taken", what);
	alarm(0);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(err.msg, "not a regular file") || strstr(err.msg, "is a folder"),
		      "%s: %s", what, err.msg);
}

START_TEST(test_files_that_are_not_files_are_refused_at_once)
{
	static const char *const suffix[] = {"", "-wal", "-shm", ".pending", ".quarantine"};
	const char *db = fx_path(0, "odd.db");
	char p[600], what[128];

	for (size_t s = 0; s < sizeof(suffix) / sizeof(suffix[0]); s++)
		for (int k = 0; k < ODD_COUNT; k++) {
			if (s > 0)
				seed_calls(db, "ana", "Ada", "n");
			snprintf(p, sizeof(p), "%s%s", db, suffix[s]);
			make_odd(p, (enum odd_kind)k);
			snprintf(what, sizeof(what), "kind %d as '%s'", k, suffix[s]);
			assert_refused_at_once(db, 0, what);
			assert_refused_at_once(db, STORE_READONLY, what);
			/* merge reads its sources read-only: the same refusal. */
			if (s > 0 || k != ODD_DEVICE) {
				struct store *dst = fx_open(fx_path(1, "dst.db"));
				struct merge_counts n;
				struct poise_error err = {0};

				alarm(20);
				ck_assert_int_ne(merge_file(dst, db, &n, &err), POISE_OK);
				alarm(0);
				store_close(dst);
			}
			remove_odd(p);
			unlink(db);
		}
	/* A playbook that is a FIFO, a folder, a socket or a device: refused, not waited on,
	 * and said so in the same words. */
	for (int k = 0; k < ODD_COUNT; k++) {
		struct playbook *pb = NULL;
		struct poise_error err = {0};

		make_odd(fx_path(2, "pb.yaml"), (enum odd_kind)k);
		alarm(20);
		ck_assert_int_ne(playbook_load_file(fx_path(2, "pb.yaml"), &pb, &err), POISE_OK);
		alarm(0);
		ck_assert_msg(strstr(err.msg, "not a regular file") || strstr(err.msg, "is a folder"),
			      "playbook of kind %d: %s", k, err.msg);
		remove_odd(fx_path(2, "pb.yaml"));
	}
}
END_TEST

/* A database poise writes is private: others' bits are taken away, on every file of it. */
START_TEST(test_database_files_are_made_private)
{
	static const char *const suffix[] = {"", "-wal", ".pending", ".quarantine"};
	const char *db = fx_path(0, "open.db");
	char p[600];
	struct store *st;

	for (size_t s = 0; s < sizeof(suffix) / sizeof(suffix[0]); s++) {
		seed_calls(db, "ana", "Ada", "n");
		snprintf(p, sizeof(p), "%s%s", db, suffix[s]);
		if (s > 0) /* an empty -wal or side log is a valid one */
			close(open(p, O_WRONLY | O_CREAT, 0600));
		ck_assert_int_eq(chmod(p, 0666), 0);
		/* A reader leaves the database itself as it is. */
		ck_assert_int_eq(store_open(db, STORE_READONLY, &st, &(struct poise_error){0}),
				 POISE_OK);
		store_close(st);
		if (s == 0)
			ck_assert_int_eq(mode_of(p), 0666);
		st = fx_open(db);
		ck_assert_msg(mode_of(p) == 0600, "'%s' left %o", suffix[s], mode_of(p));
		store_close(st);
		unlink(p);
		unlink(db);
	}
}
END_TEST

/* ---------------------------------------------------------------------------
 * 6. Schemas poise did not make; the note search damaged.
 */

START_TEST(test_foreign_schema_refused_before_reading)
{
	static const char *const tamper[] = {
		"CREATE TRIGGER t AFTER INSERT ON events BEGIN DELETE FROM calls; END;",
		"CREATE TEMP TABLE x (a); CREATE VIEW v AS SELECT 1;",
		"CREATE VIEW v AS SELECT * FROM calls;",
		"CREATE TABLE extra (a);",
		"CREATE INDEX extra ON calls (agent, customer);",
		"ALTER TABLE calls ADD COLUMN evil TEXT DEFAULT 'x';",
		"DROP TABLE skips; CREATE VIEW skips AS SELECT * FROM events;",
		/* a name poise's triggers had until schema 14 */
		"CREATE TRIGGER notes_index_end AFTER UPDATE OF "
		"status ON calls BEGIN UPDATE calls SET agent = 'x'; END;",
		"DROP INDEX calls_playbook; CREATE INDEX calls_playbook ON calls (lower(agent));",
		"DROP TABLE followups;",
	};
	const char *db = fx_path(0, "foreign.db");

	for (size_t i = 0; i < sizeof(tamper) / sizeof(tamper[0]); i++) {
		static const int flags[] = {0, STORE_READONLY, STORE_READONLY | STORE_READ_OLD};
		size_t len1, len2;
		char *before, *after;

		seed_calls(db, "ana", "Ada", "n");
		fx_sql_exec(db, tamper[i]);
		before = slurp(db, &len1);
		for (size_t f = 0; f < 3; f++) {
			struct store *st = NULL;
			struct poise_error err = {0};

			ck_assert_msg(store_open(db, flags[f], &st, &err) == POISE_DB_NOT_POISE,
				      "taken: %s (%s)", tamper[i], err.msg);
			ck_assert_ptr_null(st);
			ck_assert_msg(strstr(err.msg, "not a poise database"), "%s", err.msg);
		}
		{
			struct store *dst = fx_open(fx_path(1, "dst.db"));
			struct merge_counts n;
			struct poise_error err = {0};

			ck_assert_int_eq(merge_file(dst, db, &n, &err), POISE_DB_NOT_POISE);
			store_close(dst);
		}
		after = slurp(db, &len2);
		ck_assert_msg(len1 == len2 && memcmp(before, after, len1) == 0,
			      "the refused file was changed: %s", tamper[i]);
		free(before);
		free(after);
		unlink(db);
	}
}
END_TEST

/*
 * The schema check compares SQL byte for byte, so the released text of each
 * object must never drift: a database made by an older poise would be
 * refused. These are the texts poise has always written.
 */
START_TEST(test_released_schema_text_is_kept)
{
	static const char *const released[][2] = {
		/* events_note_fts (schema 2) is dropped by schema 8: no longer here. */
		{"notes_fts", "CREATE VIRTUAL TABLE notes_fts USING fts5 (\n"
			      "\ttext, call_id UNINDEXED, seq UNINDEXED, tokenize = 'trigram')"},
		{"events_note", "CREATE INDEX events_note ON events (call_id, text) WHERE kind = "
				"'note'"},
	};
	const char *db = fx_path(0, "released.db");

	store_close(fx_open(db));
	for (size_t i = 0; i < sizeof(released) / sizeof(released[0]); i++) {
		char sql[160], *got;

		snprintf(sql, sizeof(sql), "SELECT sql FROM sqlite_schema WHERE name = '%s'",
			 released[i][0]);
		got = fx_sql_text(db, sql);
		ck_assert_str_eq(got, released[i][1]);
		free(got);
	}
}
END_TEST

static enum poise_status search(const char *db, const char *word, size_t *n,
				struct poise_error *err)
{
	struct review_filter f = {0};
	struct call_meta rows[8];
	struct store *st = NULL;
	enum poise_status ps = store_open(db, STORE_READONLY, &st, err);

	snprintf(f.search, sizeof(f.search), "%s", word);
	if (ps == POISE_OK)
		ps = review_page(st, &f, REVIEW_OLDER, NULL, rows, 8, n, err);
	store_close(st);
	return ps;
}

START_TEST(test_damaged_note_search_is_rebuilt_by_doctor)
{
	static const char *const damage[] = {
		"UPDATE notes_fts_data SET block = randomblob(length(block)) WHERE id > 10",
		"DELETE FROM notes_fts_data WHERE id > 10",
		"UPDATE notes_fts_idx SET pgno = pgno + 1000",
	};
	const char *db = fx_path(0, "fts.db");

	for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		struct poise_error err = {0};
		struct run r;
		size_t n = 0;

		seed_calls(db, "ana", "Ada", "the invoice was wrong twice");
		ck_assert_int_eq(search(db, "invoice", &n, &err), POISE_OK);
		ck_assert_uint_eq(n, 1);
		fx_sql_exec(db, damage[i]);
		/* Search fails with a word; the rest of the database still reads. */
		if (search(db, "invoice", &n, &err) != POISE_OK)
			ck_assert_msg(strstr(err.msg, "poise doctor"), "%s: %s", damage[i],
				      err.msg);
		RUN(&r, "export", "--db", db);
		ck_assert_msg(r.code == 0 && strstr(r.out, id1), "%s: %s", damage[i], r.err);
		run_free(&r);
		RUN(&r, "doctor", "--db", db);
		ck_assert_msg(r.code == 0, "doctor: %s", r.err);
		ck_assert_ptr_nonnull(strstr(r.out, "note search index"));
		run_free(&r);
		ck_assert_msg(search(db, "invoice", &n, &err) == POISE_OK, "%s", err.msg);
		ck_assert_uint_eq(n, 1);
		unlink(db);
	}
}
END_TEST

/* What a side log replay set aside is said by `poise doctor`, counted once however often it runs. */
START_TEST(test_doctor_says_the_quarantine)
{
	const char *db = fx_path(0, "quar.db");
	char pending[600], line[256];
	struct run r;
	FILE *f;

	seed_calls(db, "ana", "Ada", "n");
	RUN(&r, "doctor", "--db", db);
	ck_assert_msg(r.code == 0, "doctor: %s", r.err);
	ck_assert_ptr_null(strstr(r.out, "quarantine"));
	run_free(&r);
	snprintf(pending, sizeof(pending), "%s.pending", db);
	f = fopen(pending, "w");
	ck_assert_ptr_nonnull(f);
	snprintf(line, sizeof(line), "event\t%s\t2\t1700000001500\tnote\tcalm\t0\t0\tlate\n", id1);
	fputs(line, f);
	fclose(f);
	for (int i = 0; i < 2; i++) {
		RUN(&r, "doctor", "--db", db);
		ck_assert_msg(r.code == 0, "doctor: %s", r.err);
		ck_assert_msg(strstr(r.out, ": 1 side log entry could not be saved as it was and is "
					    "kept in ") &&
				      strstr(r.out, "quar.db.quarantine"),
			      "%s", r.out);
		run_free(&r);
		if (i == 0) { /* the same line left in the side log again */
			f = fopen(pending, "w");
			fputs(line, f);
			fclose(f);
		}
	}
	unlink(db);
}
END_TEST

/* ---------------------------------------------------------------------------
 * 6, 7. Rows merge must refuse.
 */

START_TEST(test_merge_refuses_rows_out_of_bounds)
{
	static const char *const tamper[] = {
		"UPDATE calls SET id = 'not-a-uuid' WHERE customer = 'Ada'",
		"UPDATE calls SET id = upper(id) WHERE customer = 'Ada'",
		"UPDATE calls SET agent = printf('%.200c', 'a') WHERE customer = 'Ada'",
		"UPDATE calls SET agent = '' WHERE customer = 'Ada'",
		"UPDATE calls SET customer = 'x' || char(27) || '[2J' WHERE customer = 'Ada'",
		"UPDATE calls SET customer_ref = CAST(x'41ff42' AS TEXT) WHERE customer = 'Ada'",
		"UPDATE calls SET customer_ref = 'a' || char(8238) || 'b' WHERE customer = 'Ada'",
		"UPDATE calls SET playbook_version = printf('%.64c', 'v') WHERE customer = 'Ada'",
		"UPDATE calls SET cause = printf('%.65c', 'c') WHERE customer = 'Ada'",
		"UPDATE calls SET started_at = -1 WHERE customer = 'Ada'",
		"UPDATE calls SET started_at = 9223372036854775807 WHERE customer = 'Ada'",
		"UPDATE calls SET ended_at = started_at - 1 WHERE customer = 'Ada'",
		"UPDATE events SET t = -9223372036854775808 WHERE seq = 2",
		"UPDATE events SET t = 253402300800000 WHERE seq = 3",
		"UPDATE events SET text = printf('%.70000c', 'n') WHERE kind = 'note'",
		"UPDATE events SET text = CAST(x'6e6f74c0af65' AS TEXT) WHERE kind = 'note'",
		"UPDATE events SET a = 2147483647 WHERE kind = 'mood'",
		"UPDATE events SET kind = 'unheard-of' WHERE seq = 2",
	};
	const char *src = fx_path(0, "src.db"), *dst = fx_path(1, "dst.db");

	for (size_t i = 0; i < sizeof(tamper) / sizeof(tamper[0]); i++) {
		struct merge_counts n;
		struct poise_error err = {0};
		struct store *st;
		long long calls;

		seed_calls(src, "ana", "Ada", "note");
		fx_sql_exec(src, tamper[i]);
		st = fx_open(dst);
		calls = fx_sql_int(dst, "SELECT count(*) FROM calls");
		ck_assert_msg(merge_file(st, src, &n, &err) != POISE_OK, "merged: %s", tamper[i]);
		ck_assert_msg(strstr(err.msg, "cannot be merged") ||
				      strstr(err.msg, "unknown kind"),
			      "%s: %s", tamper[i], err.msg);
		ck_assert(text_is_safe(err.msg, 0));
		store_close(st);
		ck_assert_int_eq(fx_sql_int(dst, "SELECT count(*) FROM calls"), calls);
		unlink(src);
	}
	/* Untampered, the same source merges. */
	{
		struct merge_counts n;
		struct poise_error err = {0};
		struct store *st;

		seed_calls(src, "ana", "Ada", "note");
		st = fx_open(dst);
		ck_assert_msg(merge_file(st, src, &n, &err) == POISE_OK, "%s", err.msg);
		ck_assert_uint_eq(n.added, 2);
		store_close(st);
	}
}
END_TEST

/* Any one value bigger than merge reads at once fails the source, in bounded memory. */
START_TEST(test_merge_memory_is_bounded)
{
	const char *src = fx_path(0, "big.db"), *dst = fx_path(1, "dst.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct store *st;

	seed_calls(src, "ana", "Ada", "note");
	fx_sql_exec(src, "UPDATE events SET text = printf('%.3000000c', 'n') WHERE kind = 'note'");
	st = fx_open(dst);
	ck_assert_int_ne(merge_file(st, src, &n, &err), POISE_OK);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(dst, "SELECT count(*) FROM calls"), 0);
}
END_TEST

/* ---------------------------------------------------------------------------
 * 7. Lengths at the edges.
 */

START_TEST(test_limits_at_the_command_line)
{
	/* Every option that takes a bounded field, the filters of report included. */
	static const char *const opts[][2] = {{"call", "--customer"},	{"call", "--ref"},
					      {"call", "--agent"},	{"review", "--reviewer"},
					      {"report", "--agent"},	{"report", "--playbook"}};
	char big[300], mb[300], ctl[16];
	const char *db = fx_path(0, "lim.db");

	memset(big, 'a', 128);
	big[128] = '\0';
	/* 126 bytes, then a two-byte character: 128, over by one in the middle of it. */
	memset(mb, 'b', 126);
	memcpy(mb + 126, "\xc3\xa9", 3);
	snprintf(ctl, sizeof(ctl), "a\x1b]0;x\x07");
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const char *vals[] = {big, mb, ctl, "ab\xff"};

		for (size_t v = 0; v < 4; v++) {
			struct run r;

			RUN(&r, opts[i][0], opts[i][1], vals[v], "--db", db);
			ck_assert_msg(r.code == 2, "%s %s %zu: exit %d", opts[i][0], opts[i][1], v,
				      r.code);
			ck_assert_msg(strstr(r.err, opts[i][1]), "%s", r.err);
			ck_assert(!exists(db));
			run_free(&r);
		}
	}
}
END_TEST

/* What fits is read back whole, never cut (a multi-byte character at the very end). */
START_TEST(test_names_at_the_limit_read_back_whole)
{
	struct playbook pb = fx_pb("test", "9d", "id: test\n");
	struct call_meta m;
	struct poise_error err = {0};
	char agent[FIELD_AGENT_MAX + 1], cust[FIELD_CUSTOMER_MAX + 1];
	struct store *st;
	char id[37] = "";

	memset(agent, 'a', FIELD_AGENT_MAX - 2);
	memcpy(agent + FIELD_AGENT_MAX - 2, "\xc3\xa9", 3);
	memset(cust, 'c', FIELD_CUSTOMER_MAX - 3);
	memcpy(cust + FIELD_CUSTOMER_MAX - 3, "\xe2\x82\xac", 4);
	st = fx_open(fx_path(0, "whole.db"));
	fx_call(st, id, agent, cust, 1700000000000, &pb);
	fx_append(st, id, EV_START, 1700000000000, STAGE_CALM, 0, 0, pb.hash);
	ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.agent, agent);
	ck_assert_str_eq(m.customer, cust);
	ck_assert_int_eq(m.out_of_range, 0);
	store_close(st);
}
END_TEST

START_TEST(test_limits_in_playbooks)
{
	struct playbook *pb = NULL;
	struct poise_error err = {0};
	char *text = NULL, *text2, longv[80], *at;
	size_t len = 0;

	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	text = strndup(pb->text, pb->text_len);
	len = pb->text_len;
	playbook_free(pb);
	/* A version one byte over, then one of a multi-byte character over. */
	for (int k = 0; k < 2; k++) {
		if (k == 0) {
			memset(longv, '1', FIELD_VERSION_MAX + 1);
			longv[FIELD_VERSION_MAX + 1] = '\0';
		} else {
			memset(longv, '1', FIELD_VERSION_MAX - 1);
			memcpy(longv + FIELD_VERSION_MAX - 1, "\xc3\xa9", 3);
		}
		at = strstr(text, "\nversion:");
		ck_assert_ptr_nonnull(at);
		text2 = malloc(len + 200);
		ck_assert_ptr_nonnull(text2);
		{
			size_t head = (size_t)(at - text) + 1;
			const char *eol = strchr(at + 1, '\n');

			memcpy(text2, text, head);
			sprintf(text2 + head, "version: \"%s\"%s", longv, eol);
		}
		ck_assert_int_ne(playbook_load_text(text2, strlen(text2), "v.yaml", &pb, &err),
				 POISE_OK);
		ck_assert_msg(strstr(err.msg, "limit") || strstr(err.msg, "longer"), "%s", err.msg);
		free(text2);
	}
	/* A cause id one over the limit. */
	at = strstr(text, "  - id: ");
	ck_assert_ptr_nonnull(at);
	{
		const char *eol = strchr(at, '\n');
		size_t head = (size_t)(at - text);

		text2 = malloc(len + 200);
		memcpy(text2, text, head);
		memset(longv, 'c', FIELD_CAUSE_ID_MAX + 1);
		longv[FIELD_CAUSE_ID_MAX + 1] = '\0';
		sprintf(text2 + head, "  - id: %s%s", longv, eol);
		ck_assert_int_ne(playbook_load_text(text2, strlen(text2), "c.yaml", &pb, &err),
				 POISE_OK);
		ck_assert_msg(strstr(err.msg, "longer"), "%s", err.msg);
		free(text2);
	}
	free(text);
}
END_TEST

/* ---------------------------------------------------------------------------
 * 4. No control characters reach a terminal from data.
 */

/* Nothing a terminal would obey: C0 (but newline), DEL, C1, bidi controls, bad UTF-8. */
static void assert_terminal_safe(const char *what, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		unsigned cp = 0;
		size_t len = text_utf8_len(s, n, &cp);

		ck_assert_msg(len > 0, "%s: invalid UTF-8 at '%.20s'", what, s);
		ck_assert_msg(cp == '\n' || !text_cp_unsafe(cp, 0),
			      "%s: U+%04X reaches the terminal", what, cp);
		s += len;
		n -= len;
	}
}

/*
 * The same for CSV: a cell may keep newlines and tabs, and CR appears only
 * in the CRLF that ends a record.
 */
static void assert_csv_terminal_safe(const char *what, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		unsigned cp = 0;
		size_t len = text_utf8_len(s, n, &cp);

		ck_assert_msg(len > 0, "%s: invalid UTF-8 at '%.20s'", what, s);
		ck_assert_msg(!text_cp_unsafe(cp, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB) ||
				      (cp == '\r' && s[1] == '\n'),
			      "%s: U+%04X reaches the terminal at '%.20s'", what, cp, s);
		s += len;
		n -= len;
	}
}

/* Every hostile character poise must not pass, as one string. */
static void hostile_string(char *buf, size_t size)
{
	size_t used = 0;

	for (int c = 1; c < 0x20; c++)
		if (c != '\n')
			buf[used++] = (char)c;
	buf[used++] = 0x7f;
	for (unsigned c = 0x80; c <= 0x9f; c++) {
		buf[used++] = (char)(0xc0 | (c >> 6));
		buf[used++] = (char)(0x80 | (c & 0x3f));
		buf[used++] = (char)c; /* and as a lone byte */
	}
	{
		static const unsigned bidi[] = {0x061c, 0x200e, 0x200f, 0x2028, 0x2029,
						0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
						0x2066, 0x2067, 0x2068, 0x2069};

		for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
			if (bidi[i] < 0x800) {
				buf[used++] = (char)(0xc0 | (bidi[i] >> 6));
			} else {
				buf[used++] = (char)(0xe0 | (bidi[i] >> 12));
				buf[used++] = (char)(0x80 | ((bidi[i] >> 6) & 0x3f));
			}
			buf[used++] = (char)(0x80 | (bidi[i] & 0x3f));
		}
	}
	/* Overlong, surrogate, beyond U+10FFFF, cut short. */
	memcpy(buf + used, "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x80", 11);
	used += 11;
	ck_assert_uint_lt(used, size);
	buf[used] = '\0';
}

START_TEST(test_sanitizer_class)
{
	char hostile[512], out[2048];
	size_t need;

	hostile_string(hostile, sizeof(hostile));
	need = text_safe(out, sizeof(out), hostile, 0);
	ck_assert_uint_lt(need, sizeof(out));
	assert_terminal_safe("text_safe", out);
	ck_assert_ptr_nonnull(strstr(out, TEXT_REPLACEMENT)); /* made visible */
	/* Cut anywhere, it stays whole characters. */
	for (size_t size = 1; size < 40; size++) {
		char small[40];

		text_safe(small, size,
			  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x1b"
			  "abc",
			  0);
		assert_terminal_safe("cut", small);
	}
	/*
	 * Cut at every size, the output is the longest whole-character prefix
	 * of the full one that fits, and the size needed is always the full one.
	 */
	{
		static const char mixed[] = "ab\x1b"
					    "cd\xc3\xa9"
					    "efg\xe2\x82\xac"
					    "h";
		char full[64], small[64];
		unsigned cp;
		size_t whole = text_safe(full, sizeof(full), mixed, 0);

		ck_assert_str_eq(full, "ab" TEXT_REPLACEMENT "cd\xc3\xa9"
				       "efg\xe2\x82\xac"
				       "h");
		/* Measuring only (no buffer), as the screens do first: the same length. */
		ck_assert_uint_eq(text_safe(NULL, 0, mixed, 0), whole);
		ck_assert_uint_eq(text_safe(NULL, 0, "plain ascii", 0), 11);
		for (size_t size = 1; size <= whole + 1; size++) {
			size_t n = text_safe(small, size, mixed, 0), got = strlen(small);

			ck_assert_uint_eq(n, whole);
			ck_assert_uint_lt(got, size);
			ck_assert_int_eq(strncmp(small, full, got), 0);
			/* no shorter piece after a cut one: the next character did not fit */
			if (got < whole)
				ck_assert_uint_ge(
					got + text_utf8_len(full + got, whole - got, &cp) + 1,
					size + 1);
		}
	}
	ck_assert(!text_is_safe(hostile, 0));
	ck_assert(text_is_safe("caf\xc3\xa9 \xe2\x82\xac\n", TEXT_KEEP_NEWLINE));
}
END_TEST

/* What text_fput writes for s (flags), as a string to compare (free it). */
static char *fput_of(const char *s, int flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	text_fput(f, s, flags);
	fclose(f);
	return buf;
}

/* The same for text_json_str. */
static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	text_json_str(f, s);
	fclose(f);
	return buf;
}

/*
 * Characters that draw nothing (Unicode's format characters) are data, but a
 * terminal shows each marked, so "r1" and "r<ZWSP>1" never look alike: the
 * whole class, through every writer, against the scripts that need joiners.
 */
START_TEST(test_invisible_characters_shown_marked)
{
	static const struct {
		const char *utf8, *mark;
	} hidden[] = {
		{"\xc2\xad", "<U+00AD>"},	  /* soft hyphen */
		{"\xe1\xa0\x8e", "<U+180E>"},	  /* Mongolian vowel separator */
		{"\xe2\x80\x8b", "<U+200B>"},	  /* zero-width space */
		{"\xe2\x80\x8c", "<U+200C>"},	  /* zero-width non-joiner, after ASCII */
		{"\xe2\x80\x8d", "<U+200D>"},	  /* zero-width joiner, after ASCII */
		{"\xe2\x81\xa0", "<U+2060>"},	  /* word joiner */
		{"\xe2\x81\xa3", "<U+2063>"},	  /* invisible separator */
		{"\xe2\x81\xaf", "<U+206F>"},	  /* nominal digit shapes */
		{"\xef\xbb\xbf", "<U+FEFF>"},	  /* BOM, zero-width no-break space */
		{"\xef\xbf\xb9", "<U+FFF9>"},	  /* interlinear annotation */
		{"\xf0\x9b\xb2\xa0", "<U+1BCA0>"}, /* shorthand format letter overlap */
		{"\xf0\x9d\x85\xb3", "<U+1D173>"}, /* musical symbol begin beam */
		{"\xf3\xa0\x80\x81", "<U+E0001>"}, /* language tag */
		{"\xf3\xa0\x81\xa1", "<U+E0061>"}, /* a tag, after ASCII */
	};
	/* Joiners and tags that shape the text around them pass as they are. */
	static const char *const whole[] = {
		"\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85", /* Persian ZWNJ */
		"\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7",			 /* Devanagari ZWJ */
		"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", /* family */
		"\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xb3\xf3\xa0\x81\xa3"
		"\xf3\xa0\x81\xb4\xf3\xa0\x81\xbf", /* the flag of Scotland */
		"Zo\xc3\xab e\xcc\x81 \xe5\xa5\xbd",
	};

	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		char in[64], want[64], out[128], *put, *json, *csv = NULL, err_in[64];
		size_t csvlen = 0;
		FILE *f;
		struct poise_error err;

		snprintf(in, sizeof(in), "r%s1", hidden[i].utf8);
		snprintf(want, sizeof(want), "r%s1", hidden[i].mark);
		ck_assert_uint_eq(text_safe(out, sizeof(out), in, 0), strlen(want));
		ck_assert_str_eq(out, want);
		ck_assert_str_eq(put = fput_of(in, 0), want);
		/* at the start too, and in a cut: a mark is never split */
		ck_assert_uint_eq(text_safe(out, sizeof(out), in + 1, 0), strlen(want) - 1);
		ck_assert_str_eq(out, want + 1);
		ck_assert_uint_eq(text_safe(out, 4, in, 0), strlen(want));
		ck_assert_str_eq(out, "r");
		/* data, not refused: the edge keeps it, CSV keeps it, JSON escapes it */
		ck_assert(text_is_safe(in, 0));
		ck_assert_int_eq(text_check_field("customer name", in, 64, 0, &err), POISE_OK);
		json = json_of(in);
		ck_assert_ptr_null(strstr(json, hidden[i].utf8));
		ck_assert_msg(strstr(json, "\\u"), "%s", json);
		ck_assert_ptr_nonnull(f = open_memstream(&csv, &csvlen));
		text_csv_cell(f, in, 0, 1);
		fclose(f);
		snprintf(err_in, sizeof(err_in), "%s\r\n", in);
		ck_assert_str_eq(csv, err_in);
		free(put);
		free(json);
		free(csv);
	}
	/* A pair beyond the BMP as JSON: a surrogate pair, so it parses back. */
	{
		char *json = json_of("a\xf3\xa0\x80\x81");

		ck_assert_str_eq(json, "\"a\\udb40\\udc01\"");
		free(json);
	}
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		char out[128], *put = fput_of(whole[i], 0), *json = json_of(whole[i]);

		text_safe(out, sizeof(out), whole[i], 0);
		ck_assert_str_eq(out, whole[i]);
		ck_assert_str_eq(put, whole[i]);
		ck_assert_ptr_nonnull(strstr(json, whole[i]));
		free(put);
		free(json);
	}
	/* A mark is the previous character for the next: a joiner after one is marked too. */
	{
		char out[64];

		text_safe(out, sizeof(out), "\xc3\xa9\xe2\x80\x8b\xe2\x80\x8d", 0);
		ck_assert_str_eq(out, "\xc3\xa9<U+200B><U+200D>");
	}
	/* A cell counts the mark it shows. */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		text_fput_cell(f, "a\xe2\x80\x8b", 12, 0);
		fclose(f);
		ck_assert_str_eq(buf, "a<U+200B>   ");
		free(buf);
	}
}
END_TEST

/* cell(s, width, flags) as text_fput_cell writes it, malloc'd. */
static char *cell_of(const char *s, int width, int flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	text_fput_cell(f, s, width, flags);
	fclose(f);
	return buf;
}

/*
 * A table's cell takes the columns a terminal gives its text, not one per
 * code point: a Chinese or Japanese name (two columns a character) or an
 * accent written as a combining mark (none) keeps the next column in line,
 * padded, cut (never through a wide character) or right-aligned.
 */
START_TEST(test_cells_count_terminal_columns)
{
	static const struct {
		const char *in;
		int width, flags;
		const char *out;
	} cases[] = {
		{"\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d", 10, 0, "\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d    "},
		{"\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d", 8, TEXT_RIGHT, "  \xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d"},
		{"\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d", 5, 0, "\xe6\x9d\x8e\xe5\xb0\x8f "},
		{"\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d", 4, 0, "\xe6\x9d\x8e\xe5\xb0\x8f"},
		{"\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d", 5, TEXT_NO_PAD, "\xe6\x9d\x8e\xe5\xb0\x8f"},
		{"\xe4\xbf\x9d\xe8\xa8\xbc\xe6\x9b\xb8 form", 8, TEXT_ELLIPSIS, "\xe4\xbf\x9d\xe8\xa8\xbc... "},
		{"\xea\xb9\x80 \xef\xbc\xa1", 6, 0, "\xea\xb9\x80 \xef\xbc\xa1 "},
		{"Zoe\xcc\x88 M", 7, 0, "Zoe\xcc\x88 M  "},
		{"Zo\xc3\xab", 5, TEXT_RIGHT, "  Zo\xc3\xab"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = cell_of(cases[i].in, cases[i].width, cases[i].flags);

		ck_assert_msg(strcmp(got, cases[i].out) == 0, "cell %zu of '%s' in %d: '%s', not '%s'",
			      i, cases[i].in, cases[i].width, got, cases[i].out);
		free(got);
	}
	ck_assert_int_eq(text_columns("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x8d Zoe\xcc\x88"), 10);
	ck_assert_int_eq(text_columns(NULL), 0);
}
END_TEST

START_TEST(test_no_control_characters_reach_the_terminal)
{
	char hostile[512], name[200], note[600];
	const char *db = fx_path(0, "ctl.db");
	const char *const cmds[][5] = {
		{"show", id1, NULL},	      {"show", id2, NULL},
		{"followups", "--all", NULL}, {"report", NULL},
		{"report", "--lines", NULL},  {"show", hostile, NULL},
		{"report", "--agent", NULL},  {"report", "--lines", "--format", "json"},
	};
	struct run r;

	hostile_string(hostile, sizeof(hostile));
	/* Names within their limits, made of hostile characters (as merge or an old poise left
	 * them). */
	snprintf(name, 100, "%.40s%s", hostile, hostile + 128);
	snprintf(note, sizeof(note), "note %s end", hostile);
	seed_calls(db, "ana", "Ada", note);
	{
		char sql[2048];
		sqlite3 *h;
		sqlite3_stmt *s;

		ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
		snprintf(sql, sizeof(sql),
			 "UPDATE calls SET agent = ?1, customer = ?1, customer_ref = ?1, "
			 "cause = ?1");
		ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		ck_assert_int_eq(sqlite3_prepare_v2(h,
						    "UPDATE followups SET channel = ?1, "
						    "promise = ?1",
						    -1, &s, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		/* The playbook hash too (report --lines prints it), kept to its 64 bytes. */
		sqlite3_exec(h, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
		for (int t = 0; t < 2; t++) {
			ck_assert_int_eq(sqlite3_prepare_v2(h,
							    t ? "UPDATE calls SET playbook_hash = ?1 "
								"|| substr(playbook_hash, 33)"
							      : "UPDATE playbook_texts SET hash = ?1 "
								"|| substr(hash, 33)",
							    -1, &s, NULL),
					 SQLITE_OK);
			sqlite3_bind_text(s, 1, hostile, 32, SQLITE_STATIC);
			ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
			sqlite3_finalize(s);
		}
		sqlite3_close(h);
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *args[8];
		int n = 0;

		for (; cmds[i][n]; n++)
			args[n] = cmds[i][n];
		if (strcmp(cmds[i][0], "report") == 0 && n == 2)
			args[n++] = name;
		args[n++] = "--db";
		args[n++] = db;
		args[n] = NULL;
		run_poise_in(fx_dir, &r, args);
		assert_terminal_safe(cmds[i][0], r.out);
		assert_terminal_safe(cmds[i][0], r.err);
		run_free(&r);
	}
	/* CSV on a terminal (`poise export --format csv` with no file): controls shown too. */
	{
		static const char *const csv[][6] = {
			{"export", "--format", "csv", NULL},
			{"report", "--format", "csv", NULL},
			{"report", "--lines", "--format", "csv", NULL},
		};

		for (size_t i = 0; i < sizeof(csv) / sizeof(csv[0]); i++) {
			const char *args[8];
			int n = 0;

			for (; csv[i][n]; n++)
				args[n] = csv[i][n];
			args[n++] = "--db";
			args[n++] = db;
			args[n] = NULL;
			run_poise_in(fx_dir, &r, args);
			ck_assert_msg(strstr(r.out, TEXT_REPLACEMENT) || r.code != 0,
				      "%s %s: the hostile text is not shown: %.300s", csv[i][0], csv[i][1],
				      r.out);
			assert_csv_terminal_safe(csv[i][0], r.out);
			assert_terminal_safe(csv[i][0], r.err);
			run_free(&r);
		}
	}
	/* Error messages quoting a path, and lint quoting a file's line. */
	{
		char path[700];
		FILE *f;

		snprintf(path, sizeof(path), "%s/pb\x1b[31m\xc2\x9b\xe2\x80\xae.yaml", fx_dir);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "id: x\ntitle: \"%s\"\nbogus\x1b: [\n", "t\xc2\x85");
		fclose(f);
		RUN(&r, "lint", path);
		ck_assert_int_eq(r.code, 1);
		assert_terminal_safe("lint", r.out);
		assert_terminal_safe("lint", r.err);
		run_free(&r);
		RUN(&r, "export", "--db", path);
		assert_terminal_safe("export error", r.err);
		run_free(&r);
		RUN(&r, "merge", "--db", db, path);
		ck_assert_int_eq(r.code, 1);
		assert_terminal_safe("merge", r.out);
		assert_terminal_safe("merge", r.err);
		run_free(&r);
	}
	/* lint's warnings name the file too, given as a file or in a folder. */
	{
		char path[700], *text;
		size_t len;
		FILE *f;

		snprintf(path, sizeof(path), "%s/w\x1b[2J\xc2\x9b\xe2\x81\xa6.yaml", fx_dir);
		text = slurp(POISE_TEST_DATA "/e2e/fast.yaml", &len);
		ck_assert_ptr_nonnull(text);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fwrite(text, 1, len, f);
		fclose(f);
		free(text);
		RUN(&r, "lint", path);
		ck_assert_msg(strstr(r.err, "warning"), "no warning: %s", r.err);
		assert_terminal_safe("lint warning", r.out);
		assert_terminal_safe("lint warning", r.err);
		run_free(&r);
		RUN(&r, "lint", fx_dir);
		assert_terminal_safe("lint folder", r.out);
		assert_terminal_safe("lint folder", r.err);
		run_free(&r);
	}
}
END_TEST

/* ---------------------------------------------------------------------------
 * 4. CSV cells a spreadsheet would run.
 */

START_TEST(test_csv_formulas_neutralised_numbers_kept)
{
	static const char *const formula[] = {
		"=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"};
	const char *db = fx_path(0, "csv.db");
	struct run r;

	for (size_t i = 0; i < sizeof(formula) / sizeof(formula[0]); i++) {
		char want[128], sql[256];
		sqlite3 *h;
		sqlite3_stmt *s;

		seed_calls(db, "ana", "Ada", "n");
		ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(h, "UPDATE calls SET agent = ?1, customer = ?1",
						    -1, &s, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(s, 1, formula[i], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		snprintf(sql, sizeof(sql), "UPDATE events SET b = -7 WHERE kind = 'note'");
		ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h);
		/* A CR is shown, not obeyed (test_no_control_characters_reach_the_terminal). */
		snprintf(want, sizeof(want), "\"'%s",
			 formula[i][0] == '\r' ? TEXT_REPLACEMENT "x" : formula[i]);
		/* A quote inside the cell is doubled: look for the start only. */
		want[strcspn(want + 2, "\"") + 2] = '\0';
		RUN(&r, "export", "--format", "csv", "--db", db);
		ck_assert_int_eq(r.code, 0);
		ck_assert_msg(strstr(r.out, want), "export: %s not neutralised:\n%s", formula[i],
			      r.out);
		ck_assert_msg(strstr(r.out, ",-7,"), "a negative number is no longer one");
		run_free(&r);
		RUN(&r, "report", "--format", "csv", "--db", db);
		ck_assert_int_eq(r.code, 0);
		ck_assert_msg(strstr(r.out, want), "report: %s not neutralised:\n%s", formula[i],
			      r.out);
		run_free(&r);
		unlink(db);
	}
}
END_TEST

/*
 * Every cell of a CSV poise writes: a text that begins with =, +, -, @, tab
 * or CR starts with the single quote spreadsheets expect; a number may
 * begin with '-'. Parses RFC 4180 (quoted cells, doubled quotes).
 */
static void assert_csv_cells_safe(const char *what, const char *csv)
{
	const char *p = csv;
	char cell[4096];

	while (*p) {
		size_t n = 0;

		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (n < sizeof(cell) - 1)
					cell[n++] = *p;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != '\r' && *p != '\n')
				if (n < sizeof(cell) - 1)
					cell[n++] = *p++;
				else
					p++;
		}
		cell[n] = '\0';
		if (cell[0] == '-') {
			char *end;

			(void)strtod(cell, &end);
			ck_assert_msg(*end == '\0', "%s: cell '%s' is a formula", what, cell);
		} else {
			ck_assert_msg(!strchr("=+@\t\r", cell[0]) || !cell[0],
				      "%s: cell '%s' is a formula", what, cell);
		}
		if (*p == ',')
			p++;
		else if (*p == '\r' && p[1] == '\n')
			p += 2;
		else if (*p == '\n')
			p++;
	}
}

/*
 * The class: every text a database may hold, in every CSV column of every
 * CSV poise writes (export, report, report --lines), playbook hash and
 * playbook text included, whichever character a formula begins with.
 */
START_TEST(test_csv_every_column_neutralised)
{
	static const char *const formula[] = {"=1+2", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"};
	static const char *const outputs[][6] = {
		{"export", "--format", "csv", NULL},
		{"export", "--format", "csv", "--redact", NULL},
		{"report", "--format", "csv", NULL},
		{"report", "--lines", "--format", "csv", NULL},
	};
	const char *db = fx_path(0, "csvall.db");

	for (size_t i = 0; i < sizeof(formula) / sizeof(formula[0]); i++) {
		sqlite3 *h;
		sqlite3_stmt *s;
		char pbtext[1024];

		seed_calls(db, "ana", "Ada", formula[i]);
		ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
		sqlite3_exec(h, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
		/* A playbook whose lines are formulas too (no CR: a playbook refuses it). */
		snprintf(pbtext, sizeof(pbtext), "%s",
			 formula[i][0] == '\t' ? "\\tx" : formula[i][0] == '\r' ? "@x" : formula[i]);
		ck_assert_int_eq(sqlite3_prepare_v2(h,
						    "UPDATE playbook_texts SET hash = ?1 || substr(hash, length(?1) + 1), "
						    "text = replace(text, '      - \"', "
						    "'      - \"' || ?2)",
						    -1, &s, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(s, 1, formula[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, pbtext, -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		ck_assert_int_eq(sqlite3_prepare_v2(h,
						    "UPDATE calls SET agent = ?1, customer = ?1, "
						    "customer_ref = ?1, cause = ?1, playbook_id = ?1, "
						    "playbook_version = ?1, "
						    "playbook_hash = ?1 || substr(playbook_hash, length(?1) + 1)",
						    -1, &s, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(s, 1, formula[i], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		ck_assert_int_eq(sqlite3_prepare_v2(h,
						    "UPDATE events SET text = ?1 WHERE text IS NOT "
						    "NULL AND kind NOT IN ('start', 'followup', "
						    "'reflection', 'outcome')",
						    -1, &s, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(s, 1, formula[i], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		sqlite3_close(h);
		for (size_t o = 0; o < sizeof(outputs) / sizeof(outputs[0]); o++) {
			const char *args[10];
			char what[128];
			struct run r;
			int n = 0;

			for (; outputs[o][n]; n++)
				args[n] = outputs[o][n];
			args[n++] = "--db";
			args[n++] = db;
			args[n] = NULL;
			run_poise_in(fx_dir, &r, args);
			snprintf(what, sizeof(what), "%s %s, formula %zu", outputs[o][0],
				 outputs[o][1], i);
			ck_assert_msg(r.code == 0, "%s: %s", what, r.err);
			ck_assert_msg(strlen(r.out) > 200, "%s: too little: %s", what, r.out);
			assert_csv_cells_safe(what, r.out);
			run_free(&r);
		}
		unlink(db);
	}
}
END_TEST

/* ---------------------------------------------------------------------------
 * 9. Redaction and text left behind.
 */

START_TEST(test_redact_drops_every_free_text_and_agents)
{
	static const char *const planted[] = {"Plantedcust",	"plantednote", "phone",
					      "ring them back", "faster",      "Plantedagent"};
	const char *db = fx_path(0, "red.db");
	struct run r;

	seed_calls(db, "Plantedagent", "Plantedcust", "plantednote");
	for (int f = 0; f < 2; f++) {
		const char *fmt = f ? "csv" : "jsonl";
		char *first;

		RUN(&r, "export", "--redact", "--format", fmt, "--db", db);
		ck_assert_int_eq(r.code, 0);
		for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++)
			ck_assert_msg(!strstr(r.out, planted[i]), "%s keeps '%s'", fmt, planted[i]);
		ck_assert_ptr_nonnull(strstr(r.out, "agent-1"));
		ck_assert_ptr_nonnull(strstr(r.out, "agent-2"));
		ck_assert_ptr_nonnull(strstr(r.out, "2023-11-20"));
		first = strdup(r.out);
		run_free(&r);
		/* Stable: the same pseudonyms again. */
		RUN(&r, "export", "--redact", "--format", fmt, "--db", db);
		ck_assert_str_eq(r.out, first);
		free(first);
		run_free(&r);
		RUN(&r, "export", "--redact", "--keep-agents", "--format", fmt, "--db", db);
		ck_assert_int_eq(r.code, 0);
		ck_assert_ptr_nonnull(strstr(r.out, "Plantedagent"));
		ck_assert_ptr_null(strstr(r.out, "plantednote"));
		run_free(&r);
	}
	RUN(&r, "export", "--keep-agents", "--db", db);
	ck_assert_int_eq(r.code, 2);
	run_free(&r);
}
END_TEST

/*
 * The class: whatever text a database holds in any event of any kind, or
 * in a call's outcome and cause (edited, merged from an old poise), a
 * redacted export keeps only what has the shape poise writes there.
 */
START_TEST(test_redact_drops_planted_text_in_every_kind)
{
	const char *db = fx_path(0, "redall.db");
	sqlite3 *h;
	struct run r;

	seed_calls(db, "ana", "Ada", "n");
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	for (int k = 0; k < EV_COUNT; k++) {
		char sql[512];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO events (call_id, seq, t, kind, stage, a, b, text) VALUES "
			 "('%s', %d, 1700000100900, '%s', 'calm', 3, 0, 'Planted %s text')",
			 id2, 100 + k, event_kind_key((enum event_kind)k),
			 event_kind_key((enum event_kind)k));
		ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
			      sqlite3_errmsg(h));
	}
	ck_assert_int_eq(sqlite3_exec(h,
				      "UPDATE events SET text = 'Planted ' || kind WHERE call_id "
				      "!= (SELECT call_id FROM events WHERE seq >= 100 LIMIT 1); "
				      "UPDATE calls SET outcome = 'Planted outcome', cause = "
				      "'Planted cause'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	for (int f = 0; f < 2; f++) {
		RUN(&r, "export", "--redact", "--format", f ? "csv" : "jsonl", "--db", db);
		ck_assert_msg(r.code == 0, "%s", r.err);
		ck_assert_msg(!strstr(r.out, "Planted"), "%s keeps planted text:\n%s",
			      f ? "csv" : "jsonl", r.out);
		run_free(&r);
	}
	/* Not redacted, every planted text is there: the test plants what it thinks. */
	RUN(&r, "export", "--db", db);
	ck_assert_ptr_nonnull(strstr(r.out, "Planted note"));
	ck_assert_ptr_nonnull(strstr(r.out, "Planted followup text"));
	ck_assert_ptr_nonnull(strstr(r.out, "Planted cause"));
	run_free(&r);
}
END_TEST

START_TEST(test_edited_text_does_not_linger)
{
	const char *db = fx_path(0, "wal.db");
	struct review rv = {0};
	struct poise_error err = {0};
	struct store *st;

	seed_calls(db, "ana", "Ada", "n");
	st = fx_open(db);
	memcpy(rv.call_id, id1, sizeof(rv.call_id));
	snprintf(rv.reviewer, sizeof(rv.reviewer), "sue");
	rv.created_at = 1700000500000;
	snprintf(rv.comment, sizeof(rv.comment), "oldsecretcomment first words");
	ck_assert_int_eq(review_save(st, &rv, &err), POISE_OK);
	ck_assert(fx_text_in_files(db, "oldsecretcomment"));
	snprintf(rv.comment, sizeof(rv.comment), "kinder words");
	ck_assert_int_eq(review_save(st, &rv, &err), POISE_OK);
	/* Still open, as the review screen is: nothing of the old comment anywhere. */
	ck_assert_msg(!fx_text_in_files(db, "oldsecretcomment"), "the old comment lingers");
	store_close(st);
	ck_assert(!fx_text_in_files(db, "oldsecretcomment"));
}
END_TEST

/* ---------------------------------------------------------------------------
 * 10. Extreme values: run by the sanitizer build too (halt on any report).
 */

/* count_fu: each follow-up the ready screen would list. */
static int count_fu(void *ctx, const struct followup *f)
{
	(void)f;
	++*(int *)ctx;
	return 0;
}

/*
 * The readers behind the screens, in this process (the sanitizer build
 * stops at the first undefined behaviour): the ready screen's figures and
 * follow-ups, the review list with and without a time filter, a call
 * loaded and replayed, and the open calls a restart looks for.
 */
static void extreme_in_process(const char *db)
{
	struct review_filter f;
	struct call_meta *rows = calloc(REVIEW_PAGE_MAX, sizeof(*rows));
	struct report_query rq = {.agent = "ana", .repeat_days = 1, .now = 1700000000000};
	struct report *rep = NULL;
	struct store *st = NULL;
	struct poise_error err = {0};
	size_t n = 0;
	int nfu = 0;

	ck_assert_ptr_nonnull(rows);
	ck_assert_msg(store_open(db, STORE_READONLY, &st, &err) == POISE_OK, "%s", err.msg);
	/* The ready screen's figures are the report's, over one agent's day. */
	report_run(st, &rq, &rep, &err);
	report_free(rep);
	rq.since = 1700000000000;
	rq.until = 1800000000000;
	report_run(st, &rq, &rep, &err);
	report_free(rep);
	store_ready_followups(st, "ana", "9999-12-31", 50, count_fu, &nfu, &err);
	memset(&f, 0, sizeof(f));
	review_page(st, &f, REVIEW_OLDER, NULL, rows, REVIEW_PAGE_MAX, &n, &err);
	review_page(st, &f, REVIEW_NEWER, NULL, rows, REVIEW_PAGE_MAX, &n, &err);
	f.since = 1600000000000;
	f.until = 1800000000000;
	review_page(st, &f, REVIEW_OLDER, NULL, rows, REVIEW_PAGE_MAX, &n, &err);
	for (int c = 0; c < 2; c++) {
		struct review_call rc;

		memset(&rc, 0, sizeof(rc));
		if (review_call_load(st, c ? id2 : id1, &rc, &err) == POISE_OK) {
			for (size_t k = 0; k <= rc.nevents; k++) {
				struct call_state cs;

				if (review_call_state(&rc, k, &cs, &err) == POISE_OK)
					call_free(&cs);
			}
		}
		review_call_free(&rc);
	}
	store_open_call(st, "bo", rows, &err);
	store_close(st);
	free(rows);
}

START_TEST(test_extreme_values_read_without_a_fault)
{
	static const char *const extreme[] = {
		"UPDATE calls SET started_at = -9223372036854775808, "
		"ended_at = 9223372036854775807, wrapup_at = -9223372036854775808",
		"UPDATE calls SET started_at = 9223372036854775807, ended_at = 1",
		"UPDATE events SET t = CASE seq % 2 WHEN 0 THEN 9223372036854775807 "
		"ELSE -9223372036854775808 END",
		"UPDATE events SET a = 2147483647, b = -2147483648",
		"UPDATE events SET a = 9223372036854775807, b = -9223372036854775808",
		"UPDATE calls SET mood_start = 2147483647, mood_end = -2147483648, "
		"last_seq = -9223372036854775808",
		"UPDATE followups SET due = '99999-99-99', done_at = -9223372036854775808",
		"UPDATE events SET t = t - 100000000 WHERE kind = 'end'",
		"UPDATE events SET text = '9999-12-31\tx\ty' WHERE kind = 'followup'",
	};
	const char *const cmds[][6] = {
		{"export", NULL},
		{"export", "--format", "csv", NULL},
		{"export", "--redact", NULL},
		{"show", id1, NULL},
		{"show", id2, NULL},
		{"report", NULL},
		{"report", "--format", "json", NULL},
		{"report", "--format", "csv", "--refold", NULL},
		{"report", "--lines", NULL},
		{"followups", "--all", NULL},
		{"export", "--since", "2023-01-01", "--until", "2024-01-01"},
		{"report", "--since", "1970-01-01", "--until", "9999-12-31"},
		{"report", "--lines", "--format", "csv", "--refold"},
		{"doctor", NULL},
	};
	const char *db = fx_path(0, "extreme.db");

	setenv("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1", 1);
	for (size_t i = 0; i < sizeof(extreme) / sizeof(extreme[0]); i++) {
		seed_calls(db, "ana", "Ada", "n");
		fx_sql_exec(db, "DELETE FROM call_figures");
		fx_sql_exec(db, extreme[i]);
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			const char *args[8];
			struct run r;
			int n = 0;

			for (; cmds[c][n]; n++)
				args[n] = cmds[c][n];
			args[n++] = "--db";
			args[n++] = db;
			args[n] = NULL;
			run_poise_in(fx_dir, &r, args);
			ck_assert_msg(r.code == 0 || r.code == 1, "%s on '%s': exit %d: %s",
				      cmds[c][0], extreme[i], r.code, r.err);
			ck_assert_msg(!strstr(r.err, "runtime error") &&
					      !strstr(r.err, "Sanitizer"),
				      "%s on '%s': %s", cmds[c][0], extreme[i], r.err);
			run_free(&r);
		}
		/* merge reads it as a source: what is out of range is refused, not used. */
		{
			struct run r;

			unlink(fx_path(1, "extreme-dst.db"));
			RUN(&r, "merge", "--db", fx_path(1, "extreme-dst.db"), db);
			ck_assert_msg(r.code == 0 || r.code == 1, "merge on '%s': exit %d: %s",
				      extreme[i], r.code, r.err);
			ck_assert_msg(!strstr(r.err, "runtime error") && !strstr(r.err, "Sanitizer"),
				      "merge on '%s': %s", extreme[i], r.err);
			run_free(&r);
		}
		extreme_in_process(db);
		unlink(db);
	}
}
END_TEST

Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *busy = tcase_create("busy"), *files = tcase_create("files");
	TCase *sql = tcase_create("schema"), *merge = tcase_create("merge");
	TCase *lim = tcase_create("limits"), *term = tcase_create("terminal");
	TCase *priv = tcase_create("privacy"), *ext = tcase_create("extreme");

	tcase_set_timeout(busy, 120);
	tcase_add_test(busy, test_readers_wait_for_a_busy_writer);
	tcase_add_test(files, test_files_that_are_not_files_are_refused_at_once);
	tcase_add_test(files, test_database_files_are_made_private);
	tcase_add_test(sql, test_foreign_schema_refused_before_reading);
	tcase_add_test(sql, test_released_schema_text_is_kept);
	tcase_add_test(sql, test_damaged_note_search_is_rebuilt_by_doctor);
	tcase_add_test(sql, test_doctor_says_the_quarantine);
	tcase_add_test(merge, test_merge_refuses_rows_out_of_bounds);
	tcase_add_test(merge, test_merge_memory_is_bounded);
	tcase_add_test(lim, test_limits_at_the_command_line);
	tcase_add_test(lim, test_names_at_the_limit_read_back_whole);
	tcase_add_test(lim, test_limits_in_playbooks);
	tcase_set_timeout(term, 120); /* each test runs poise many times */
	tcase_add_test(term, test_sanitizer_class);
	tcase_add_test(term, test_invisible_characters_shown_marked);
	tcase_add_test(term, test_cells_count_terminal_columns);
	tcase_add_test(term, test_no_control_characters_reach_the_terminal);
	tcase_add_test(term, test_csv_formulas_neutralised_numbers_kept);
	tcase_add_test(term, test_csv_every_column_neutralised);
	tcase_add_test(priv, test_redact_drops_every_free_text_and_agents);
	tcase_add_test(priv, test_redact_drops_planted_text_in_every_kind);
	tcase_add_test(priv, test_edited_text_does_not_linger);
	tcase_set_timeout(ext, 300);
	tcase_add_test(ext, test_extreme_values_read_without_a_fault);
	TCase *all[] = {busy, files, sql, merge, lim, term, priv, ext};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		tcase_add_checked_fixture(all[i], fx_setup, fx_teardown);
	suite_add_tcase(s, busy);
	suite_add_tcase(s, files);
	suite_add_tcase(s, sql);
	suite_add_tcase(s, merge);
	suite_add_tcase(s, lim);
	suite_add_tcase(s, term);
	suite_add_tcase(s, priv);
	suite_add_tcase(s, ext);
	return s;
}
