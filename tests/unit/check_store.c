/* check_store.c - the SQLite call log: files, schema, refusals, read back. */
#include "store_fixture.h"

#include <fcntl.h>
#include <inttypes.h>

#include "poise/merge.h"
#include "poise/store_batch.h"

/* The statement list, to check every one of them against EXPLAIN QUERY PLAN. */
#include "../../src/core/store/store_int.h"
#include "main/suite.h"
#include "poise/followup.h"
#include "poise/store_reply.h"
#include "poise/store_review.h"

static const char pb_text[] = "id: test\ntitle: Test\n";

START_TEST(test_create_and_reopen)
{
	const char *path = fx_path(0, "a/b/poise.db");
	struct playbook pb = fx_pb("test", "ab", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "";
	struct call_meta m;
	struct poise_error err = {0};

	ck_assert_str_eq(store_path(st), path);
	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, pb.hash);
	store_close(st);
	st = fx_open(path);
	ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.agent, "ana");
	ck_assert_int_eq(m.last_seq, 1);
	ck_assert_int_eq(fx_append(st, id, EV_MOOD, 1100, STAGE_CALM, 4, 0, NULL), 2);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 2);
}
END_TEST

/* The file deleted under an open store, then replaced by another: nothing is lost. */
START_TEST(test_deleted_file_written_again)
{
	const char *path = fx_path(0, "gone/poise.db");
	struct playbook pb = fx_pb("test", "ab", pb_text);
	struct store *st = fx_open(path);
	struct poise_error err = {0};
	const char *where = NULL;
	char id[37] = "", side[600];

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, pb.hash);
	ck_assert_int_eq(store_rescue(st, &where, &err), 0); /* nothing moved */
	for (const char *end = ""; end; end = *end ? NULL : "-wal") {
		snprintf(side, sizeof(side), "%s%s", path, end);
		unlink(side);
	}
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	ck_assert_int_eq(rmdir(fx_path(1, "gone")), 0); /* the folder goes too */
	fx_append(st, id, EV_MOOD, 1100, STAGE_CALM, 4, 0, NULL);
	ck_assert_int_eq(store_rescue(st, &where, &err), 1);
	ck_assert_str_eq(where, path);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 2);
	ck_assert_int_eq(store_rescue(st, &where, &err), 0); /* nothing new since */
	fx_append(st, id, EV_NOTE, 1200, STAGE_CALM, 0, 0, "still here");
	ck_assert_int_eq(store_rescue(st, &where, &err), 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 3);
	/* Another file takes the path: it is never written over; the copy goes beside it. */
	unlink(path);
	fx_sql_exec(path, "PRAGMA user_version = 7");
	fx_append(st, id, EV_MOOD, 1300, STAGE_CALM, 3, 0, NULL);
	store_close(st); /* the last copy, at the close */
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA user_version"), 7);
	snprintf(side, sizeof(side), "%s.rescued", path);
	ck_assert_int_eq(fx_sql_int(side, "SELECT count(*) FROM events"), 4);
}
END_TEST

START_TEST(test_modes_with_hostile_umask)
{
	const char *path = fx_path(0, "x/y/poise.db");
	struct playbook pb = fx_pb("test", "cd", pb_text);
	mode_t old = umask(0);
	struct store *st = fx_open(path);
	char id[37] = "", p[600];

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	umask(old);
	ck_assert_int_eq(mode_of(fx_path(1, "x")), 0700);
	ck_assert_int_eq(mode_of(fx_path(1, "x/y")), 0700);
	ck_assert_int_eq(mode_of(path), 0600);
	snprintf(p, sizeof(p), "%s-wal", path);
	ck_assert_int_eq(mode_of(p), 0600);
	snprintf(p, sizeof(p), "%s-shm", path);
	ck_assert_int_eq(mode_of(p), 0600);
	store_close(st);
}
END_TEST

START_TEST(test_pragmas)
{
	const char *path = fx_path(0, "poise.db");
	struct store *st = fx_open(path);

	ck_assert_int_eq(fx_sql_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
			 1);
	ck_assert_int_eq(sqlite3_busy_timeout(st->db, STORE_BUSY_MS), SQLITE_OK);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
	store_close(st);
}
END_TEST

/* store_open must refuse `path` with `want` and leave it byte for byte as it was. */
static void assert_refused(const char *path, enum poise_status want, const char *words)
{
	size_t n0, n1;
	char *before = slurp(path, &n0), *after, p[600];
	struct store *st = NULL;
	struct poise_error err = {0};

	ck_assert_int_eq(store_open(path, 0, &st, &err), want);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, words) &&
			      strstr(err.msg, "--db PATH"),
		      "message: %s", err.msg);
	after = slurp(path, &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert_int_eq(memcmp(before, after, n0), 0);
	snprintf(p, sizeof(p), "%s-wal", path);
	ck_assert(!exists(p));
	snprintf(p, sizeof(p), "%s-shm", path);
	ck_assert(!exists(p));
	free(before);
	free(after);
}

START_TEST(test_newer_schema_refused)
{
	const char *path = fx_path(0, "new.db");

	fx_sql_exec(path, "PRAGMA application_id = 1886349683; PRAGMA user_version = 99;"
			  "CREATE TABLE calls (id TEXT);");
	assert_refused(path, POISE_DB_NEWER, "newer");
}
END_TEST

START_TEST(test_foreign_sqlite_refused)
{
	const char *path = fx_path(0, "other.db");
	const char *path2 = fx_path(1, "other2.db");

	fx_sql_exec(path, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');");
	assert_refused(path, POISE_DB_NOT_POISE, "not a poise database");
	fx_sql_exec(path2, "PRAGMA application_id = 42; PRAGMA user_version = 1;");
	assert_refused(path2, POISE_DB_NOT_POISE, "another program");
}
END_TEST

START_TEST(test_text_file_refused)
{
	const char *path = fx_path(0, "notes.txt");
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 20; i++)
		fputs("this is not a database at all\n", f);
	fclose(f);
	assert_refused(path, POISE_DB_NOT_POISE, "not an SQLite file");
	f = fopen(path, "w");
	fputs("x", f);
	fclose(f);
	assert_refused(path, POISE_DB_NOT_POISE, "not an SQLite file");
}
END_TEST

/* A step that cannot apply says SQLite's reason and leaves the version as it was. */
START_TEST(test_failed_migration_says_why)
{
	const char *path = fx_path(0, "half.db");
	struct store *st = fx_open(path);
	struct poise_error err = {0};

	store_close(st);
	/* Version 2, but with the table step 3 creates: step 3 fails. */
	fx_sql_exec(path, "PRAGMA user_version = 2;");
	ck_assert_int_ne(store_open(path, 0, &st, &err), POISE_OK);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(err.msg, "upgrade database schema") &&
			      strstr(err.msg, "call_figures already exists"),
		      "message: %s", err.msg);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA user_version"), 2);
}
END_TEST

/*
 * An older poise (or any program) that has the database open when a newer
 * one would upgrade it: refused, the schema left as it was. Schema 14 moved
 * the derived rows (note search, sync marks) from triggers to poise's own
 * writers; a schema-13 poise still running on the upgraded file would write
 * calls that sync never sends and notes the search never finds. Once it has
 * quit, the upgrade goes ahead.
 */
START_TEST(test_no_upgrade_under_another_program)
{
	const char *path = fx_path(0, "shared.db");
	struct store *st = fx_open(path);
	struct poise_error err = {0};
	struct fx_holder other;

	store_close(st);
	fx_sql_exec(path, "PRAGMA user_version = 13;");
	other = fx_hold_open(path);
	ck_assert_int_eq(store_open(path, 0, &st, &err), POISE_DB_BUSY);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "open in another program"),
		      "message: %s", err.msg);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA user_version"), 13);
	fx_release(&other); /* it quits */
	st = fx_open(path);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}
END_TEST

START_TEST(test_empty_file_gets_schema)
{
	const char *path = fx_path(0, "empty.db");
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	struct store *st;

	ck_assert_int_ge(fd, 0);
	close(fd);
	st = fx_open(path);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(
		fx_sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'calls'"), 1);
}
END_TEST

START_TEST(test_readonly_open_cannot_append)
{
	const char *path = fx_path(0, "ro.db");
	struct playbook pb = fx_pb("test", "ef", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "";
	struct event ev = {.t = 2000, .kind = EV_NOTE, .text = "hi"};
	struct poise_error err = {0};
	struct call_meta m;
	int deferred = -1;

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	store_close(st);
	ck_assert_int_eq(store_open(path, STORE_READONLY, &st, &err), POISE_OK);
	ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
	ck_assert_int_eq(store_append(st, id, &ev, &deferred, &err), POISE_DB_READONLY);
	ck_assert_int_eq(deferred, 0);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "read-only") &&
			      strstr(err.msg, "--db PATH"),
		      "message: %s", err.msg);
	ck_assert_uint_eq(store_pending(st), 0);
	ck_assert(!exists(store_pending_path(st)));
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 1);
	/* Read-only never creates a database. */
	ck_assert_int_eq(store_open(fx_path(1, "none.db"), STORE_READONLY, &st, &err),
			 POISE_NOT_FOUND);
	ck_assert(!exists(fx_path(1, "none.db")));
}
END_TEST

/*
 * Root ignores permission bits, so the read-only file and folder are made
 * with the immutable attribute, which binds root too.
 */
START_TEST(test_readonly_location)
{
	const char *path = fx_path(0, "imm.db");
	const char *dir = fx_path(1, "locked");
	char cmd[700], p[600];
	struct store *st = fx_open(path);
	struct poise_error err = {0};
	enum poise_status ps;

	store_close(st);
	snprintf(cmd, sizeof(cmd), "chattr +i '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
	ps = store_open(path, 0, &st, &err);
	snprintf(cmd, sizeof(cmd), "chattr -i '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(ps, POISE_DB_READONLY);
	ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "--db PATH"), "%s", err.msg);

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(cmd, sizeof(cmd), "chattr +i '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(p, sizeof(p), "%s/poise.db", dir);
	ps = store_open(p, 0, &st, &err);
	snprintf(cmd, sizeof(cmd), "chattr -i '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(ps, POISE_DB_READONLY);
	ck_assert_msg(strstr(err.msg, p) && strstr(err.msg, "permissions"), "%s", err.msg);
}
END_TEST

START_TEST(test_disk_full_keeps_what_was_saved)
{
	const char *path = fx_path(0, "full.db");
	struct playbook pb = fx_pb("test", "12", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "", big[4000];
	struct poise_error err = {0};
	enum poise_status ps = POISE_OK;
	int64_t saved = 0;
	struct call_meta m;

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	saved = fx_append(st, id, EV_START, 1000, STAGE_CALM, 0, 0, NULL);
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_gt(store_set_max_pages(st, 1), 0);
	for (int i = 0; i < 200 && ps == POISE_OK; i++) {
		struct event ev = {.t = 2000 + i, .kind = EV_NOTE, .text = big};
		int deferred = 0;

		ps = store_append(st, id, &ev, &deferred, &err);
		ck_assert_int_eq(deferred, 0);
		if (ps == POISE_OK)
			saved = ev.seq;
	}
	ck_assert_int_eq(ps, POISE_DB_FULL);
	ck_assert_msg(strstr(err.msg, "disk is full") && strstr(err.msg, path), "%s", err.msg);
	ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
	ck_assert_int_eq(m.last_seq, saved);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), saved);
	ck_assert_int_eq(fx_sql_int(path, "SELECT max(seq) FROM events"), saved);
	/* Room again: the next event takes the next seq. */
	st = fx_open(path);
	ck_assert_int_eq(fx_append(st, id, EV_END, 9000, STAGE_CALM, 0, 0, NULL), saved + 1);
	store_close(st);
}
END_TEST

/* One valid event of every kind, in call order (END, INTERRUPTED, RESUME last). */
static struct event sample_event(int kind, char *text, size_t size)
{
	struct event ev = {.t = 10000 + kind * 100,
			   .kind = (enum event_kind)kind,
			   .stage = kind % STAGE_COUNT,
			   .a = kind,
			   .b = kind * 2};

	text[0] = '\0';
	switch (kind) {
	case EV_MOOD:
		ev.a = 1 + kind % 5;
		break;
	case EV_SKIP:
		ev.a = SECTION_SAY;
		snprintf(text, size, "calmer");
		break;
	case EV_FOLLOWUP:
		snprintf(text, size, "2024-05-01\tphone\tcall back with the refund");
		break;
	case EV_REFLECTION:
		snprintf(text, size, "stayed calm\tsummarise sooner");
		break;
	case EV_OUTCOME:
		snprintf(text, size, "resolved");
		break;
	case EV_CAUSE:
		snprintf(text, size, "billing");
		break;
	case EV_NOTE:
		snprintf(text, size, "café — “quoted” \\ line\nnext");
		break;
	case EV_ESCALATE:
	case EV_INTERRUPTED:
	case EV_PROMPT:
	case EV_START:
		snprintf(text, size, "%s-text", event_kind_key(ev.kind));
		break;
	}
	ev.text = text[0] ? text : NULL;
	return ev;
}

START_TEST(test_round_trip_every_kind)
{
	const char *path = fx_path(0, "kinds.db");
	struct playbook pb = fx_pb("test", "bc", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "", texts[EV_COUNT][128];
	struct event sent[EV_COUNT];
	struct collect *c = calloc(1, sizeof(*c));
	struct poise_error err = {0};
	struct call_meta m;

	fx_call(st, id, "ana", "Bob", 10000, &pb);
	for (int k = 0; k < EV_COUNT; k++) {
		int deferred = -1;

		sent[k] = sample_event(k, texts[k], sizeof(texts[k]));
		ck_assert_msg(store_append(st, id, &sent[k], &deferred, &err) == POISE_OK, "%s",
			      err.msg);
		ck_assert_int_eq(sent[k].seq, k + 1);
		if (k == EV_END) {
			ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
			ck_assert_str_eq(m.status, "done");
			ck_assert_int_eq(m.ended, sent[k].t);
		}
		if (k == EV_INTERRUPTED) {
			ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
			ck_assert_str_eq(m.status, "interrupted");
		}
	}
	ck_assert_int_eq(store_call_events(st, id, collect_fn, c, &err), POISE_OK);
	ck_assert_int_eq(c->n, EV_COUNT);
	for (int k = 0; k < EV_COUNT; k++) {
		ck_assert_int_eq(c->ev[k].seq, k + 1);
		ck_assert_int_eq(c->ev[k].t, sent[k].t);
		ck_assert_int_eq(c->ev[k].kind, k);
		ck_assert_int_eq(c->ev[k].stage, sent[k].stage);
		ck_assert_int_eq(c->ev[k].a, sent[k].a);
		ck_assert_int_eq(c->ev[k].b, sent[k].b);
		if (sent[k].text)
			ck_assert_str_eq(c->ev[k].text, sent[k].text);
		else
			ck_assert_ptr_null(c->ev[k].text);
	}
	ck_assert_int_eq(store_call_meta(st, id, &m, &err), POISE_OK);
	ck_assert_str_eq(m.status, "open"); /* RESUME came last */
	ck_assert_int_eq(m.ended, 0);
	ck_assert_str_eq(m.outcome, "resolved");
	ck_assert_str_eq(m.cause, "billing");
	ck_assert_int_eq(m.wrapup_at, sent[EV_WRAPUP].t);
	ck_assert_int_eq(m.mood_start, sent[EV_MOOD].a);
	ck_assert_int_eq(m.last_seq, EV_COUNT);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM followups WHERE due = '2024-05-01' "
					  "AND channel = 'phone' AND promise = "
					  "'call back with the refund' AND done_at IS NULL"),
			 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM reflections WHERE went_well = "
					  "'stayed calm' AND improve = 'summarise sooner'"),
			 1);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM skips WHERE section = 'say' AND "
					  "reason = 'calmer' AND stage = 'follow-up'"),
			 sent[EV_SKIP].stage == STAGE_FOLLOW_UP);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM skips"), 1);
	free(c);
}
END_TEST

START_TEST(test_invalid_events_refused)
{
	const char *path = fx_path(0, "inv.db");
	struct playbook pb = fx_pb("test", "de", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "";
	struct poise_error err = {0};
	struct event bad[] = {
		{.kind = EV_MOOD, .a = 6},
		{.kind = EV_MOOD, .a = 0},
		{.kind = EV_COUNT},
		{.kind = EV_NOTE, .stage = STAGE_COUNT, .text = "x"},
		{.kind = EV_SKIP, .a = SECTION_COUNT, .text = "other"},
		{.kind = EV_FOLLOWUP, .text = "tomorrow\tphone\tx"},
	};
	struct event ok = {.kind = EV_NOTE, .text = "x"}, mood = {.kind = EV_MOOD, .a = 2};
	int deferred;

	fx_call(st, id, "ana", "Bob", 1000, &pb);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(store_append(st, id, &bad[i], &deferred, &err), POISE_INVALID);
	ck_assert_int_eq(
		store_append(st, "00000000-0000-4000-8000-000000000000", &ok, &deferred, &err),
		POISE_NOT_FOUND);
	/* A mood reads the calls row's summary columns with its seq: no row, the same. */
	ck_assert_int_eq(
		store_append(st, "00000000-0000-4000-8000-000000000000", &mood, &deferred, &err),
		POISE_NOT_FOUND);
	ck_assert_msg(strstr(err.msg, "no call"), "message: %s", err.msg);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events"), 0);
}
END_TEST

/*
 * One rule for an event's text, whichever way it comes in: what an append
 * or a batch (gen, merge) stores is exactly what merge takes from another
 * poise and sync sends (merge_check_event), so a note never reads one way
 * here and another on the server. Each kind that carries free text, each
 * class of text: controls (CR, ESC, BEL, DEL), C1 as UTF-8, the bidi
 * controls, the line separator, bytes that are not UTF-8 (a stray byte, a
 * lone continuation, an overlong form, a surrogate, a cut sequence), one
 * byte over the limit; and the texts that must pass (newline, tab,
 * accents, emoji, right-to-left script, an invisible character).
 */
START_TEST(test_event_text_one_rule)
{
	static const char *const good[] = {
		"plain",	  "caf\xc3\xa9 \xf0\x9f\x98\x80", "line\nbreak", "tab\there", "",
		"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", "zero\xe2\x80\x8bwidth",
	};
	static const char *const bad[] = {
		"cr\r",		   "esc \x1b[2J",	  "bel\a",	   "del\x7f",
		"c1 \xc2\x9b" "2J", "bidi \xe2\x80\xae",  "lrm \xe2\x80\x8e", "ls \xe2\x80\xa8",
		"byte \xff",	   "lone \x80",		  "overlong \xc0\xaf", "surrogate \xed\xa0\x80",
		"cut \xe2\x82",
	};
	static const enum event_kind kinds[] = {EV_NOTE, EV_ESCALATE, EV_REFLECTION, EV_FOLLOWUP};
	size_t ngood = sizeof(good) / sizeof(good[0]), nbad = sizeof(bad) / sizeof(bad[0]);
	const char *path = fx_path(0, "text.db");
	struct playbook pb = fx_pb("test", "te", pb_text);
	struct store *st = fx_open(path);
	char id[37] = "", *big = malloc(FIELD_EVENT_TEXT_MAX + 2), text[256];
	long long stored = 0;

	ck_assert_ptr_nonnull(big);
	memset(big, 'n', FIELD_EVENT_TEXT_MAX + 1);
	memcpy(big, "2024-05-01\tphone\t", 17); /* a follow-up's too */
	big[FIELD_EVENT_TEXT_MAX + 1] = '\0';
	fx_call(st, id, "ana", "Bob", 1000, &pb);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t i = 0; i < ngood + nbad + 1; i++) {
			const char *t = i < ngood ? good[i] : i < ngood + nbad ? bad[i - ngood] : big;
			int ok = i < ngood, deferred;
			struct event ev = {.seq = 1, .t = 2000, .kind = kinds[k], .text = t};
			struct call_meta m;
			struct store_batch *b = NULL;
			struct poise_error err = {0};
			enum poise_status ps;

			/* A follow-up's text is its due date, channel and promise: the text goes last. */
			if (kinds[k] == EV_FOLLOWUP && t != big) {
				snprintf(text, sizeof(text), "2024-05-01\tphone\t%s", t);
				ev.text = text;
			}
			ck_assert_msg((merge_check_event(&ev, &err) == POISE_OK) == ok,
				      "merge, %s, text %zu: %s", event_kind_key(kinds[k]), i, err.msg);
			ps = store_append(st, id, &ev, &deferred, &err);
			ck_assert_msg((ps == POISE_OK) == ok, "append, %s, text %zu: %s",
				      event_kind_key(kinds[k]), i, err.msg);
			if (!ok)
				ck_assert_msg(strstr(err.msg, "cannot save") && strstr(err.msg, "text"),
					      "append, %s, text %zu: %s", event_kind_key(kinds[k]), i,
					      err.msg);
			stored += ok;
			/* The batch writer (gen, merge): the same, and a refused call is not there. */
			memset(&m, 0, sizeof(m));
			snprintf(m.id, sizeof(m.id), "ffffffff-0000-4000-8000-%012zu", k * 100 + i);
			snprintf(m.agent, sizeof(m.agent), "ana");
			m.started = 1000;
			ev.seq = 0;
			ck_assert_int_eq(store_batch_begin(st, STORE_BATCH_CACHE_MERGE, &b, &err),
					 POISE_OK);
			ps = store_batch_call(b, &m, &pb, &ev, 1, &err);
			ck_assert_msg((ps == POISE_OK) == ok, "batch, %s, text %zu: %s",
				      event_kind_key(kinds[k]), i, err.msg);
			if (ps == POISE_OK)
				ck_assert_int_eq(store_batch_commit(b, &err), POISE_OK);
			else
				store_batch_abort(b);
		}
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM events WHERE seq > 0 AND call_id "
					  "NOT LIKE 'ffffffff-%'"),
			 stored);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM calls WHERE id LIKE 'ffffffff-%'"),
			 stored);
	free(big);
}
END_TEST

START_TEST(test_playbook_text_once_per_hash)
{
	const char *path = fx_path(0, "pb.db");
	struct playbook a = fx_pb("one", "aa", "text of one\n");
	struct playbook b = fx_pb("one", "bb", "text of one, edited\n");
	struct store *st = fx_open(path);
	char id1[37] = "", id2[37] = "", id3[37] = "";
	struct poise_error err = {0};
	char *text;
	size_t len;

	fx_call(st, id1, "ana", "A", 1000, &a);
	fx_call(st, id2, "ana", "B", 2000, &a);
	fx_call(st, id3, "ana", "C", 3000, &b);
	ck_assert_int_eq(store_playbook_text(st, a.hash, &text, &len, &err), POISE_OK);
	ck_assert_str_eq(text, "text of one\n");
	ck_assert_uint_eq(len, 12);
	free(text);
	ck_assert_int_eq(store_playbook_text(st, "ff", &text, &len, &err), POISE_NOT_FOUND);
	ck_assert_ptr_null(text);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(*) FROM playbook_texts"), 2);
	ck_assert_int_eq(fx_sql_int(path, "SELECT count(DISTINCT playbook_hash) FROM calls"), 2);
}
END_TEST

START_TEST(test_call_meta_prefix)
{
	const char *path = fx_path(0, "prefix.db");
	struct playbook pb = fx_pb("test", "0f", pb_text);
	struct store *st = fx_open(path);
	char a[37] = "abcd0000-0000-4000-8000-000000000001";
	char b[37] = "abcd0000-0000-4000-8000-000000000002";
	char c[37] = "abce0000-0000-4000-8000-000000000003";
	struct call_meta m;
	struct poise_error err = {0};

	fx_call(st, a, "ana", "A", 1000, &pb);
	fx_call(st, b, "ana", "B", 2000, &pb);
	fx_call(st, c, "ana", "C", 3000, &pb);
	ck_assert_int_eq(store_call_meta(st, "ABCE", &m, &err), POISE_OK);
	ck_assert_str_eq(m.id, c);
	ck_assert_str_eq(m.customer, "C");
	ck_assert_str_eq(m.ref, "REF-C");
	ck_assert_str_eq(m.playbook_id, "test");
	ck_assert_str_eq(m.playbook_version, "1.0");
	ck_assert_int_eq(m.started, 3000);
	ck_assert_int_eq(store_call_meta(st, b, &m, &err), POISE_OK);
	ck_assert_str_eq(m.id, b);
	ck_assert_int_eq(store_call_meta(st, "abcd", &m, &err), POISE_USAGE);
	ck_assert_msg(strstr(err.msg, "ambiguous"), "%s", err.msg);
	ck_assert_int_eq(store_call_meta(st, "abcf", &m, &err), POISE_NOT_FOUND);
	ck_assert_int_eq(store_call_meta(st, "xyz", &m, &err), POISE_USAGE);
	ck_assert_int_eq(store_call_meta(st, "", &m, &err), POISE_USAGE);
	/* A taken id is refused. */
	{
		struct call_meta dup = {0};

		snprintf(dup.id, sizeof(dup.id), "%s", a);
		snprintf(dup.agent, sizeof(dup.agent), "bo");
		ck_assert_int_ne(store_call_begin(st, &dup, &pb, &err), POISE_OK);
	}
	store_close(st);
}
END_TEST

struct starts {
	int n;
	int64_t started[8];
};

static int starts_fn(void *ctx, const struct call_meta *m)
{
	struct starts *s = ctx;

	s->started[s->n++] = m->started;
	return s->n == 8;
}

START_TEST(test_open_call_and_each_call)
{
	const char *path = fx_path(0, "each.db");
	struct playbook pb = fx_pb("test", "77", pb_text);
	struct store *st = fx_open(path);
	char ids[5][37] = {""};
	int64_t at[5] = {3000, 1000, 5000, 2000, 4000};
	struct call_meta m;
	struct poise_error err = {0};
	struct starts s = {0};

	for (int i = 0; i < 5; i++)
		fx_call(st, ids[i], i == 3 ? "bo" : "ana", "X", at[i], &pb);
	fx_append(st, ids[2], EV_END, 6000, 0, 0, 0, NULL);
	ck_assert_int_eq(store_open_call(st, "ana", &m, &err), POISE_OK);
	ck_assert_str_eq(m.id, ids[4]); /* 5000 is done: 4000 is the newest open */
	ck_assert_int_eq(store_open_call(st, "bo", &m, &err), POISE_OK);
	ck_assert_str_eq(m.id, ids[3]);
	ck_assert_int_eq(store_open_call(st, "cy", &m, &err), POISE_NOT_FOUND);

	ck_assert_int_eq(store_each_call(st, 0, 0, starts_fn, &s, &err), POISE_OK);
	ck_assert_int_eq(s.n, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(s.started[i], 1000 * (i + 1));
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(store_each_call(st, 2000, 4000, starts_fn, &s, &err), POISE_OK);
	ck_assert_int_eq(s.n, 2);
	ck_assert_int_eq(s.started[0], 2000);
	ck_assert_int_eq(s.started[1], 3000);
	store_close(st);
}
END_TEST

static const char *env_none(const char *name)
{
	(void)name;
	return NULL;
}

static const char *env_home(const char *name)
{
	return strcmp(name, "HOME") == 0 ? "/home/ana" : NULL;
}

static const char *env_xdg(const char *name)
{
	if (strcmp(name, "XDG_DATA_HOME") == 0)
		return "/data";
	return env_home(name);
}

static const char *env_xdg_relative(const char *name)
{
	if (strcmp(name, "XDG_DATA_HOME") == 0)
		return "data";
	return env_home(name);
}

static const char *env_all(const char *name)
{
	if (strcmp(name, "POISE_DB") == 0)
		return "/tmp/mine.db";
	return env_xdg(name);
}

START_TEST(test_default_path)
{
	char buf[256];
	struct poise_error err = {0};

	ck_assert_int_eq(store_default_path(buf, sizeof(buf), env_all, &err), POISE_OK);
	ck_assert_str_eq(buf, "/tmp/mine.db");
	ck_assert_int_eq(store_default_path(buf, sizeof(buf), env_xdg, &err), POISE_OK);
	ck_assert_str_eq(buf, "/data/poise/poise.db");
	ck_assert_int_eq(store_default_path(buf, sizeof(buf), env_xdg_relative, &err), POISE_OK);
	ck_assert_str_eq(buf, "/home/ana/.local/share/poise/poise.db");
	ck_assert_int_eq(store_default_path(buf, sizeof(buf), env_home, &err), POISE_OK);
	ck_assert_str_eq(buf, "/home/ana/.local/share/poise/poise.db");
	ck_assert_int_eq(store_default_path(buf, sizeof(buf), env_none, &err), POISE_NOT_FOUND);
	ck_assert_int_eq(store_default_path(buf, 8, env_home, &err), POISE_TOO_BIG);
}
END_TEST

START_TEST(test_uuid)
{
	char a[37], b[37], c[37];
	struct poise_error err = {0};
	const int64_t ms = INT64_C(1764000000123); /* 0x019ab697e87b */

	ck_assert_int_eq(store_new_uuid(a, ms, &err), POISE_OK);
	ck_assert_int_eq(store_new_uuid(b, ms, &err), POISE_OK);
	ck_assert_int_eq(store_new_uuid(c, ms + 1, &err), POISE_OK);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), 36);
	/* The start in ms, big-endian, then the version 7 and the variant. */
	ck_assert_int_eq(strncmp(a, "019ab697-e87b-7", 15), 0);
	ck_assert(strchr("89ab", a[19]));
	for (int i = 0; i < 36; i++)
		ck_assert(i == 8 || i == 13 || i == 18 || i == 23
				  ? a[i] == '-'
				  : strchr("0123456789abcdef", a[i]) != NULL);
	/* Ids sort by start, whatever their random bits. */
	ck_assert_int_lt(strcmp(a, c), 0);
	ck_assert_int_lt(strcmp(b, c), 0);
}
END_TEST

/* The random bits are kept as given; a start out of 48 bits is clamped. */
START_TEST(test_uuid_v7_layout)
{
	unsigned char ones[16], zeros[16] = {0};
	char id[37];

	memset(ones, 0xff, sizeof(ones));
	store_uuid_v7(id, 0, ones);
	ck_assert_str_eq(id, "00000000-0000-7fff-bfff-ffffffffffff");
	store_uuid_v7(id, -5, zeros);
	ck_assert_str_eq(id, "00000000-0000-7000-8000-000000000000");
	store_uuid_v7(id, INT64_MAX, zeros);
	ck_assert_str_eq(id, "ffffffff-ffff-7000-8000-000000000000");
}
END_TEST

#define STMT_SQL(name, sql) sql,
static const char *const all_sql[] = {STORE_STMT_LIST(STMT_SQL)};
#undef STMT_SQL

/* No statement the store runs may scan a whole table. */
START_TEST(test_no_full_table_scans)
{
	const char *path = fx_path(0, "plan.db");
	struct store *st = fx_open(path);
	sqlite3 *db;

	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < sizeof(all_sql) / sizeof(all_sql[0]); i++) {
		char sql[1024];
		sqlite3_stmt *s;

		snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", all_sql[i]);
		ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s",
			      all_sql[i], sqlite3_errmsg(db));
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(s, 3);
			/* FTS5 by rowid: "SCAN texts_fts VIRTUAL TABLE INDEX 0:=", a seek */
			const char *vt = strstr(detail, "VIRTUAL TABLE INDEX ");
			const char *how = vt ? strchr(vt, ':') : NULL;

			ck_assert_msg(strncmp(detail, "SCAN", 4) != 0 || (how && how[1] == '='),
				      "%s: %s", all_sql[i], detail);
		}
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
}
END_TEST

/*
 * What an append runs, triggers included, builds no temporary B-tree
 * (OpenEphemeral): schema 10's events_text_fts tested `kind IN (three
 * names)`, which SQLite made into a throwaway index for every event.
 */
START_TEST(test_append_builds_no_temporary_table)
{
	static const enum store_stmt per_event[] = {
		STMT_LAST_SEQ,	   STMT_INS_EVENT,	STMT_SUMMARY,	  STMT_UPD_SEQ,
		STMT_UPD_MOOD,	   STMT_UPD_WRAPUP,	STMT_UPD_OUTCOME, STMT_UPD_CAUSE,
		STMT_INS_FOLLOWUP, STMT_INS_REFLECTION, STMT_INS_SKIP,	  STMT_DEL_SKIP,
	};
	const char *path = fx_path(0, "ephemeral.db");
	struct store *st = fx_open(path);
	sqlite3 *db;

	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < sizeof(per_event) / sizeof(per_event[0]); i++) {
		const char *q = all_sql[per_event[i]];
		char sql[1024];
		sqlite3_stmt *s;

		snprintf(sql, sizeof(sql), "EXPLAIN %s", q);
		ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", q,
			      sqlite3_errmsg(db));
		while (sqlite3_step(s) == SQLITE_ROW)
			ck_assert_msg(strcmp((const char *)sqlite3_column_text(s, 1),
					     "OpenEphemeral") != 0,
				      "%s: a temporary table at step %d", q,
				      sqlite3_column_int(s, 0));
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
}
END_TEST

/*
 * Sync's statements over many calls read the short sync_dirty list first
 * and look each call up by its key: never the agent's every call (through
 * calls_review_agent, which SQLite picks when left to order the join: 2 s
 * at 100,000 calls for one new call), never a scan of calls.
 */
START_TEST(test_sync_reads_only_dirty_calls)
{
	const char *path = fx_path(0, "syncplan.db");
	struct store *st = fx_open(path);
	sqlite3 *db;

	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (int i = 0; i < SYNC_SQL_COUNT_; i++) {
		char sql[2048];
		sqlite3_stmt *s;
		int first = 1;

		snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", store_sync_sql[i]);
		ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s",
			      store_sync_sql[i], sqlite3_errmsg(db));
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(s, 3);

			ck_assert_msg(!strstr(detail, "calls_review_agent") &&
					      strncmp(detail, "SCAN c", 6) != 0 &&
					      strncmp(detail, "SCAN calls", 10) != 0,
				      "%s: %s", store_sync_sql[i], detail);
			/* The outer loop (the first table the plan names) is sync_dirty. */
			if (first && (!strncmp(detail, "SCAN ", 5) || !strncmp(detail, "SEARCH ", 7))) {
				ck_assert_msg(strstr(detail, " d ") || strstr(detail, "sync_dirty") ||
						      !strcmp(strchr(detail, ' '), " d"),
					      "%s: starts with %s", store_sync_sql[i], detail);
				first = 0;
			}
		}
		ck_assert_msg(!first, "%s: no table in the plan", store_sync_sql[i]);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
}
END_TEST

/* store_call_start: the call and its START together; the next event follows it. */
START_TEST(test_call_start_with_first_event)
{
	struct store *st = fx_open(fx_path(0, "start.db"));
	struct playbook pb = fx_pb("test", "5c", "id: test\ntitle: Test\n");
	struct event start = {.t = 2000, .kind = EV_START, .stage = STAGE_CALM, .text = pb.hash};
	struct event bad = {.t = 2000, .kind = EV_MOOD, .stage = STAGE_CALM, .a = 9};
	struct call_meta m = {.started = 2000}, again, back;
	struct poise_error err = {0};
	int deferred = -1;

	ck_assert_int_eq(store_new_uuid(m.id, 2000, &err), POISE_OK);
	snprintf(m.agent, sizeof(m.agent), "ana");
	again = m;
	ck_assert_msg(store_call_start(st, &m, &pb, &start, &deferred, &err) == POISE_OK, "%s",
		      err.msg);
	ck_assert_int_eq(deferred, 0);
	ck_assert_int_eq(start.seq, 1);
	ck_assert_int_eq(store_call_meta(st, m.id, &back, &err), POISE_OK);
	ck_assert_int_eq(back.last_seq, 1);
	ck_assert_str_eq(back.status, "open");
	ck_assert_int_eq(fx_append(st, m.id, EV_MOOD, 2100, STAGE_CALM, 3, 0, NULL), 2);
	/* The same id again is refused, and so is an invalid first event: nothing is written. */
	ck_assert_int_ne(store_call_start(st, &again, &pb, &start, NULL, &err), POISE_OK);
	ck_assert_int_eq(store_new_uuid(again.id, 2200, &err), POISE_OK);
	ck_assert_int_eq(store_call_start(st, &again, &pb, &bad, NULL, &err), POISE_INVALID);
	ck_assert_int_eq(store_call_meta(st, again.id, &back, &err), POISE_NOT_FOUND);
	store_close(st);
}
END_TEST

/* How many rows of calls another connection sees (what is committed). */
static int calls_seen(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int n = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM calls", -1, &q, NULL),
			 SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/*
 * store_call_start_held: nothing is committed until store_call_settle, the
 * store's next write or its close; each of the three commits it, in order.
 */
START_TEST(test_call_start_held)
{
	const char *path = fx_path(0, "held.db");
	struct store *st = fx_open(path);
	struct playbook pb = fx_pb("test", "5c", "id: test\ntitle: Test\n");
	struct event start = {.t = 2000, .kind = EV_START, .stage = STAGE_CALM, .text = pb.hash};
	struct call_meta m = {.started = 2000}, back;
	struct poise_error err = {0};
	int deferred = -1, held = -1;

	snprintf(m.agent, sizeof(m.agent), "ana");
	ck_assert_int_eq(store_call_settle(st, &err), POISE_OK); /* none waits */
	for (int how = 0; how < 3; how++) {
		ck_assert_int_eq(store_new_uuid(m.id, 2000 + how, &err), POISE_OK);
		ck_assert_msg(store_call_start_held(st, &m, &pb, &start, &deferred, &held, &err) ==
				      POISE_OK,
			      "%s", err.msg);
		ck_assert_int_eq(held, 1);
		ck_assert_int_eq(deferred, 0);
		ck_assert_int_eq(start.seq, 1);
		ck_assert_int_eq(calls_seen(path), how); /* not yet committed */
		if (how == 0) {
			ck_assert_int_eq(store_call_settle(st, &err), POISE_OK);
		} else if (how == 1) { /* the next write commits it first */
			ck_assert_int_eq(fx_append(st, m.id, EV_MOOD, 2100, STAGE_CALM, 3, 0, NULL),
					 2);
		} else { /* and so does the close */
			store_close(st);
			st = fx_open(path);
		}
		ck_assert_int_eq(calls_seen(path), how + 1);
		ck_assert_int_eq(store_call_meta(st, m.id, &back, &err), POISE_OK);
		ck_assert_int_eq(back.last_seq, how == 1 ? 2 : 1);
		ck_assert_int_eq(store_call_settle(st, &err), POISE_OK);
	}
	store_close(st);
}
END_TEST

/*
 * store_call_prepare (the read-ahead of a session's start, session.c) writes
 * nothing and holds no lock: another store starts a call at once, not into
 * its side log, and this store's own START, compiled ahead, is stored as
 * before.
 */
START_TEST(test_call_prepare_writes_nothing)
{
	const char *path = fx_path(0, "prepare.db");
	struct store *st = fx_open(path), *other;
	struct playbook pb = fx_pb("test", "5c", "id: test\ntitle: Test\n");
	struct event start = {.t = 2000, .kind = EV_START, .stage = STAGE_CALM, .text = pb.hash};
	struct call_meta m = {.started = 2000};
	struct poise_error err = {0};
	int deferred = -1;

	snprintf(m.agent, sizeof(m.agent), "ana");
	store_call_prepare(st);
	store_call_prepare(st); /* twice: the statements are kept, not compiled again */
	ck_assert_int_eq(calls_seen(path), 0);
	other = fx_open(path);
	ck_assert_int_eq(store_new_uuid(m.id, 2000, &err), POISE_OK);
	ck_assert_msg(store_call_start(other, &m, &pb, &start, &deferred, &err) == POISE_OK, "%s",
		      err.msg);
	ck_assert_int_eq(deferred, 0); /* the database's write lock was free */
	ck_assert_int_eq(calls_seen(path), 1);
	store_close(other);
	ck_assert_int_eq(store_new_uuid(m.id, 2001, &err), POISE_OK);
	deferred = -1;
	ck_assert_msg(store_call_start(st, &m, &pb, &start, &deferred, &err) == POISE_OK, "%s",
		      err.msg);
	ck_assert_int_eq(deferred, 0);
	ck_assert_int_eq(start.seq, 1);
	ck_assert_int_eq(calls_seen(path), 2);
	store_close(st);
}
END_TEST

/*
 * The rows the writers add beside their own (store_derive.c; triggers
 * until schema 14) equal what their definitions say, after a call that
 * ends, is resumed and ends again, one left open, a follow-up closed, a
 * review written and edited, and a reply: the note search holds the notes
 * of the closed calls, the open call waits in notes_pending, texts_fts
 * holds every other typed text once, sync_dirty both calls and
 * sync_closed the closed follow-up.
 */
START_TEST(test_derived_rows_match_their_definitions)
{
	static const char *const same[][2] = {
		{"SELECT group_concat(call_id || ':' || seq || ':' || text, '|') FROM "
		 "(SELECT * FROM notes_fts ORDER BY call_id, seq)",
		 "SELECT group_concat(call_id || ':' || seq || ':' || text, '|') FROM "
		 "(SELECT * FROM events WHERE kind = 'note' AND text IS NOT NULL AND call_id IN "
		 "(SELECT id FROM calls WHERE status <> 'open') ORDER BY call_id, seq)"},
		{"SELECT group_concat(call_id || ':' || seq, '|') FROM notes_pending",
		 "SELECT group_concat(id || ':0', '|') FROM calls WHERE status = 'open'"},
		{"SELECT group_concat(call_id || ':' || text, '|') FROM "
		 "(SELECT * FROM texts_fts ORDER BY call_id, text)",
		 "SELECT group_concat(call_id || ':' || text, '|') FROM (SELECT * FROM ("
		 "SELECT call_id, text FROM events WHERE kind IN ('escalate', 'followup', "
		 "'reflection') AND text IS NOT NULL UNION ALL "
		 "SELECT call_id, comment FROM reviews WHERE comment <> '' UNION ALL "
		 "SELECT r.call_id, p.text FROM review_replies p JOIN reviews r "
		 "ON r.uuid = p.review_id WHERE p.text <> '') ORDER BY call_id, text)"},
		{"SELECT group_concat(call_id, '|') FROM (SELECT * FROM sync_dirty ORDER BY 1)",
		 "SELECT group_concat(id, '|') FROM (SELECT id FROM calls ORDER BY id)"},
		{"SELECT group_concat(followup_id, '|') FROM sync_closed",
		 "SELECT group_concat(id, '|') FROM followups WHERE done_at IS NOT NULL"},
	};
	const char *path = fx_path(0, "derived.db");
	struct playbook pb = fx_pb("test", "ab", pb_text);
	struct store *st = fx_open(path);
	struct poise_error err = {0};
	struct review rv = {0};
	struct review_reply rp = {0};
	char a[37] = "", b[37] = "";
	int64_t done_at;

	fx_call(st, a, "ana", "Bob", 1000, &pb);
	fx_append(st, a, EV_START, 1000, STAGE_CALM, 0, 0, pb.hash);
	fx_append(st, a, EV_NOTE, 1100, STAGE_CALM, 0, 0, "first note");
	fx_append(st, a, EV_ESCALATE, 1200, STAGE_CALM, 0, 0, "asked for a manager");
	fx_append(st, a, EV_FOLLOWUP, 1300, STAGE_SOLVE, 0, 0, "2024-05-01\tphone\tcall back");
	fx_append(st, a, EV_END, 1400, STAGE_SOLVE, 0, 0, NULL);
	fx_append(st, a, EV_RESUME, 1500, STAGE_SOLVE, 0, 0, NULL);
	fx_append(st, a, EV_NOTE, 1600, STAGE_SOLVE, 0, 0, "after the resume");
	fx_append(st, a, EV_INTERRUPTED, 1700, STAGE_SOLVE, 0, 0, NULL);
	fx_append(st, a, EV_REFLECTION, 1800, STAGE_SOLVE, 0, 0, "calm\tfaster");
	fx_call(st, b, "ana", "Cy", 2000, &pb);
	fx_append(st, b, EV_START, 2000, STAGE_CALM, 0, 0, pb.hash);
	fx_append(st, b, EV_NOTE, 2100, STAGE_CALM, 0, 0, "still talking");
	ck_assert_msg(followup_done(st, 1, 3000, &done_at, &err) == POISE_OK, "%s", err.msg);
	memcpy(rv.call_id, a, sizeof(a));
	snprintf(rv.reviewer, sizeof(rv.reviewer), "sue");
	rv.created_at = 4000;
	snprintf(rv.comment, sizeof(rv.comment), "kind but slow");
	ck_assert_msg(review_save(st, &rv, &err) == POISE_OK, "%s", err.msg);
	rv.updated_at = 4100;
	snprintf(rv.comment, sizeof(rv.comment), "kind, and quick enough");
	ck_assert_msg(review_save(st, &rv, &err) == POISE_OK, "%s", err.msg);
	rp.review_id = rv.id;
	snprintf(rp.agent, sizeof(rp.agent), "ana");
	rp.kind = REPLY_REPLY;
	snprintf(rp.text, sizeof(rp.text), "the manager was away");
	ck_assert_msg(store_reply_add(st, &rp, 5000, &err) == POISE_OK, "%s", err.msg);
	store_close(st);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *got = fx_sql_text(path, same[i][0]), *want = fx_sql_text(path, same[i][1]);

		ck_assert_msg(want[0] != '\0', "%s: nothing to compare", same[i][1]);
		ck_assert_msg(strcmp(got, want) == 0, "%s:\n got %s\nwant %s", same[i][0], got, want);
		free(got);
		free(want);
	}
}
END_TEST

Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *files = tcase_create("files");
	TCase *read = tcase_create("read");
	TCase *root = tcase_create("root");

	tcase_set_tags(root, "root");
	tcase_add_checked_fixture(root, fx_setup, fx_teardown);
	tcase_add_checked_fixture(files, fx_setup, fx_teardown);
	tcase_add_checked_fixture(read, fx_setup, fx_teardown);
	tcase_add_test(files, test_create_and_reopen);
	tcase_add_test(files, test_deleted_file_written_again);
	tcase_add_test(files, test_sync_reads_only_dirty_calls);
	tcase_add_test(files, test_call_start_with_first_event);
	tcase_add_test(files, test_call_start_held);
	tcase_add_test(files, test_call_prepare_writes_nothing);
	tcase_add_test(files, test_modes_with_hostile_umask);
	tcase_add_test(files, test_pragmas);
	tcase_add_test(files, test_newer_schema_refused);
	tcase_add_test(files, test_foreign_sqlite_refused);
	tcase_add_test(files, test_text_file_refused);
	tcase_add_test(files, test_empty_file_gets_schema);
	tcase_add_test(files, test_failed_migration_says_why);
	tcase_add_test(files, test_no_upgrade_under_another_program);
	tcase_add_test(files, test_readonly_open_cannot_append);
	tcase_add_test(root, test_readonly_location);
	tcase_add_test(files, test_disk_full_keeps_what_was_saved);
	tcase_add_test(files, test_default_path);
	tcase_add_test(files, test_uuid);
	tcase_add_test(files, test_uuid_v7_layout);
	tcase_add_test(read, test_round_trip_every_kind);
	tcase_add_test(read, test_invalid_events_refused);
	tcase_add_test(read, test_event_text_one_rule);
	tcase_add_test(read, test_playbook_text_once_per_hash);
	tcase_add_test(read, test_call_meta_prefix);
	tcase_add_test(read, test_open_call_and_each_call);
	tcase_add_test(read, test_no_full_table_scans);
	tcase_add_test(read, test_append_builds_no_temporary_table);
	tcase_add_test(read, test_derived_rows_match_their_definitions);
	suite_add_tcase(s, files);
	suite_add_tcase(s, read);
	suite_add_tcase(s, root);
	return s;
}
