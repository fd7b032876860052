/* check_super_cli.c - the real binary: export --redact, show, followups, merge, hidden gen. */
#include "store_fixture.h"

#include "helpers/run_poise.h"
#include "main/suite.h"

#include <fcntl.h>
#include <sys/wait.h>

static const char pb_text[] = "id: test\n";
static char id1[37];

#define RUN(r, ...) run_poise_in(fx_dir, (r), (const char *[]){__VA_ARGS__, NULL})

static void done(struct run *r)
{
	run_free(r);
}

static void seed(void)
{
	struct playbook pb = fx_pb("test", "9d", pb_text);
	struct store *st;

	fx_setup();
	st = fx_open(fx_path(0, "main.db"));
	id1[0] = '\0';
	fx_call(st, id1, "ana", "Plantedname Q", 100000, &pb);
	fx_append(st, id1, EV_START, 100000, STAGE_CALM, 0, 0, pb.hash);
	fx_append(st, id1, EV_NOTE, 101000, STAGE_CALM, 0, 0, "plantednote xyzzy");
	fx_append(st, id1, EV_ESCALATE, 101500, STAGE_CALM, 0, 0, "plantedreason");
	fx_append(st, id1, EV_WRAPUP, 102000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, id1, EV_OUTCOME, 102100, STAGE_CALM, 0, 0, "callback");
	fx_append(st, id1, EV_FOLLOWUP, 102200, STAGE_CALM, 0, 0,
		  "2001-01-01\tphone\tplantedpromise");
	fx_append(st, id1, EV_REFLECTION, 102300, STAGE_CALM, 0, 0,
		  "plantedwell\tplantedimprove");
	fx_append(st, id1, EV_END, 103000, STAGE_CALM, 0, 0, NULL);
	store_close(st);
}

START_TEST(test_export_redact_leaves_no_planted_text)
{
	static const char *const planted[] = {"Plantedname", "REF-Plantedname", "plantednote",
					      "plantedreason", "plantedpromise", "plantedwell",
					      "plantedimprove"};
	static const char *const formats[] = {"jsonl", "csv"};
	struct run r;

	for (int f = 0; f < 2; f++) {
		RUN(&r, "export", "--format", formats[f], "--db", fx_path(0, "main.db"));
		ck_assert_int_eq(r.code, 0);
		for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++)
			ck_assert_msg(strstr(r.out, planted[i]), "plain export lacks %s", planted[i]);
		done(&r);
		RUN(&r, "export", "--redact", "--format", formats[f], "--db", fx_path(0, "main.db"));
		ck_assert_int_eq(r.code, 0);
		ck_assert_ptr_nonnull(strstr(r.out, id1));
		for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++)
			ck_assert_msg(!strstr(r.out, planted[i]),
				      "redacted %s export holds '%s'", formats[f], planted[i]);
		done(&r);
	}
	RUN(&r, "export", "--since", "1970-01-02", "--db", fx_path(0, "main.db"));
	ck_assert_int_eq(r.code, 0);
	ck_assert_str_eq(r.out, "");
	done(&r);
	RUN(&r, "export", "--until", "1970-13-01", "--db", fx_path(0, "main.db"));
	ck_assert_int_eq(r.code, 2);
	done(&r);
}
END_TEST

START_TEST(test_show_prefix_and_errors)
{
	struct run r;
	char prefix[CALL_ID_SHORT + 1];

	snprintf(prefix, sizeof(prefix), "%.*s", CALL_ID_SHORT, id1);
	RUN(&r, "show", prefix, "--db", fx_path(0, "main.db"));
	ck_assert_int_eq(r.code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "customer  Plantedname Q\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "00:01  calm       note: plantednote xyzzy\n"));
	done(&r);
	RUN(&r, "show", "ffffffff", "--db", fx_path(0, "main.db"));
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "no call 'ffffffff'"));
	done(&r);
	RUN(&r, "show", "", "--db", fx_path(0, "main.db"));
	ck_assert_int_eq(r.code, 1);
	done(&r);
}
END_TEST

START_TEST(test_followups_list_and_done)
{
	struct run r;
	char db[512], id[64], want[128], full[64], shorter[64];

	snprintf(db, sizeof(db), "%s", fx_path(0, "main.db"));
	/* The id is the call's and the FOLLOWUP event's (seq 6): no number of this file's. */
	snprintf(id, sizeof(id), "%.*s/6", CALL_ID_SHORT, id1);
	snprintf(full, sizeof(full), "%s/6", id1);
	snprintf(shorter, sizeof(shorter), "%.8s/6", id1);
	RUN(&r, "followups", "--db", db);
	ck_assert_int_eq(r.code, 0);
	ck_assert_msg(strstr(r.out, "2001-01-01  overdue  phone"), "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "plantedpromise"));
	snprintf(want, sizeof(want), "\n%-17s  2001-01-01", id);
	ck_assert_msg(strstr(r.out, want), "no '%s' in %s", want, r.out);
	done(&r);
	RUN(&r, "followups", "done", id, "--db", db);
	ck_assert_int_eq(r.code, 0);
	snprintf(want, sizeof(want), "follow-up %s done\n", id);
	ck_assert_str_eq(r.out, want);
	done(&r);
	/* The full call id, or any unique prefix of it, names it too. */
	RUN(&r, "followups", "done", full, "--db", db);
	ck_assert_int_eq(r.code, 0);
	snprintf(want, sizeof(want), "follow-up %s was already done\n", full);
	ck_assert_str_eq(r.out, want);
	done(&r);
	RUN(&r, "followups", "done", shorter, "--db", db);
	ck_assert_int_eq(r.code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "was already done"));
	done(&r);
	RUN(&r, "followups", "--db", db);
	ck_assert_str_eq(r.out, "no follow-ups due\n");
	done(&r);
	snprintf(want, sizeof(want), "%.*s/99", CALL_ID_SHORT, id1);
	RUN(&r, "followups", "done", want, "--db", db);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "no follow-up"), "%s", r.err);
	done(&r);
	RUN(&r, "followups", "done", "ffffffff/6", "--db", db);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "no call 'ffffffff'"), "%s", r.err);
	done(&r);
	/* A number of this file's (what older poise showed) is no follow-up id. */
	static const char *const bad[] = {"1", "x1", "/6", "abc/", "abc/0", "abc/6x", "abc/-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(&r, "followups", "done", bad[i], "--db", db);
		ck_assert_msg(r.code == 2, "%s: %d %s", bad[i], r.code, r.err);
		ck_assert_msg(strstr(r.err, "CALL/SEQ"), "%s: %s", bad[i], r.err);
		done(&r);
	}
}
END_TEST

START_TEST(test_merge_says_what_it_added)
{
	struct run r;
	char src[512], dst[512], want[1024];

	snprintf(src, sizeof(src), "%s", fx_path(0, "main.db"));
	snprintf(dst, sizeof(dst), "%s", fx_path(1, "central.db"));
	RUN(&r, "merge", src, "--db", dst);
	ck_assert_int_eq(r.code, 0);
	snprintf(want, sizeof(want), "%s: 1 call added, 0 already present\n", src);
	ck_assert_str_eq(r.out, want);
	done(&r);
	RUN(&r, "merge", "--db", dst, src);
	snprintf(want, sizeof(want), "%s: 0 calls added, 1 already present\n", src);
	ck_assert_str_eq(r.out, want);
	done(&r);
	RUN(&r, "merge", "--db", dst, fx_path(2, "missing.db"), src);
	ck_assert_int_eq(r.code, 1);
	ck_assert_str_eq(r.out, want);
	ck_assert_ptr_nonnull(strstr(r.err, "nothing merged from it"));
	done(&r);
}
END_TEST

START_TEST(test_gen_is_hidden_but_works)
{
	struct run r;

	RUN(&r, "--help");
	ck_assert_ptr_null(strstr(r.out, "\n  gen ")); /* the commands list is "  NAME  help" */
	done(&r);
	RUN(&r, "gen", "25", "--seed", "3", "--agents", "2", "--db", fx_path(1, "gen.db"));
	ck_assert_msg(r.code == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "25 calls written"));
	done(&r);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "gen.db"), "SELECT count(*) FROM calls "
							  "WHERE status = 'done'"),
			 25);
	RUN(&r, "gen", "0", "--db", fx_path(1, "gen.db"));
	ck_assert_int_eq(r.code, 2);
	done(&r);
}
END_TEST

/* A database of an older schema is upgraded by the reading commands, then read. */
/* --agent with a name that has no calls says so, for report and followups. */
START_TEST(test_unknown_agent_said)
{
	const char *db = fx_path(0, "main.db");
	struct playbook pb = fx_pb("test", "9d", pb_text);
	struct store *st = fx_open(db);
	char id2[37] = "";
	struct run r;

	fx_call(st, id2, "bo", "Other", 200000, &pb);
	fx_append(st, id2, EV_START, 200000, STAGE_CALM, 0, 0, pb.hash);
	store_close(st);
	RUN(&r, "report", "--agent", "anna", "--db", db);
	ck_assert_int_eq(r.code, 1);
	ck_assert_msg(strstr(r.err, "no calls by agent 'anna'"), "%s", r.err);
	ck_assert_str_eq(r.out, "");
	done(&r);
	RUN(&r, "followups", "--agent", "anna", "--db", db);
	ck_assert_int_eq(r.code, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "no calls by agent 'anna'"));
	done(&r);
	RUN(&r, "report", "--agent", "ana", "--db", db);
	ck_assert_int_eq(r.code, 0);
	done(&r);
	/* Only ana's follow-ups; bo has a call but none due. */
	RUN(&r, "followups", "--agent", "ana", "--db", db);
	ck_assert_int_eq(r.code, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "plantedpromise"));
	done(&r);
	RUN(&r, "followups", "--agent", "bo", "--db", db);
	ck_assert_int_eq(r.code, 0);
	ck_assert_str_eq(r.out, "no follow-ups due\n");
	done(&r);
}
END_TEST

START_TEST(test_reading_commands_upgrade_an_older_schema)
{
	static const char *const cmds[] = {"report", "export", "show", "followups"};
	const char *db = fx_path(0, "main.db");
	struct run r;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		sqlite3 *h;

		ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(h,
					      "DROP TRIGGER IF EXISTS sync_closed_insert; DROP TRIGGER IF EXISTS sync_closed_done; "
					      "DROP TRIGGER IF EXISTS sync_closed_sent; DROP TABLE sync_closed; "
					      "DROP TABLE IF EXISTS texts_fts; "
					      "DROP TRIGGER IF EXISTS events_text_fts; "
					      "DROP TRIGGER IF EXISTS reviews_text_fts; "
					      "DROP TRIGGER IF EXISTS reviews_text_fts_update; "
					      "DROP INDEX IF EXISTS calls_review_ref; "
					      "DROP INDEX IF EXISTS calls_review_status; "
					      "DROP TABLE IF EXISTS notes_pending; "
					      "DROP TRIGGER IF EXISTS notes_pending_call; "
					      "DROP TRIGGER IF EXISTS notes_pending_resume; "
					      "DROP TRIGGER IF EXISTS notes_index_end; "
					      "DROP TABLE IF EXISTS review_replies; DROP TABLE IF EXISTS qa_answers; "
					      "DROP TABLE IF EXISTS qa_scores; "
					      "DROP TABLE IF EXISTS sync_dirty; "
					      "DROP TRIGGER IF EXISTS sync_dirty_call; "
					      "DROP TRIGGER IF EXISTS sync_dirty_seq; "
					      "DROP TRIGGER IF EXISTS sync_dirty_done; "
					      "DROP TABLE IF EXISTS sync_calls; "
					      "DROP TABLE IF EXISTS sync_followups; "
					      "DROP TABLE IF EXISTS sync_reviews; "
					      "DROP TABLE IF EXISTS sync_marks; "
					      "DROP TABLE IF EXISTS published_playbooks; "
					      "DROP TABLE IF EXISTS call_figures; "
					      "DROP INDEX IF EXISTS calls_practice; "
					      "ALTER TABLE calls DROP COLUMN practice; "
					      "DROP INDEX IF EXISTS reviews_uuid; "
					      "DROP INDEX IF EXISTS reviews_unsynced; "
					      "ALTER TABLE reviews DROP COLUMN uuid; "
					      "ALTER TABLE reviews DROP COLUMN synced; "
					      "ALTER TABLE reviews DROP COLUMN updated_at; "
					      "PRAGMA user_version = 2;",
					      NULL, NULL, NULL),
				 SQLITE_OK);
		sqlite3_close(h);
		if (strcmp(cmds[i], "show") == 0)
			RUN(&r, cmds[i], id1, "--db", db);
		else
			RUN(&r, cmds[i], "--db", db);
		ck_assert_msg(r.code == 0, "%s: %s", cmds[i], r.err);
		ck_assert_uint_gt(r.outlen, 0);
		done(&r);
		ck_assert_int_eq(fx_sql_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
		ck_assert_int_eq(fx_sql_int(db, "SELECT count(*) FROM call_figures"), 0);
	}
}
END_TEST

/*
 * A reading command on an older database another program has open: the
 * upgrade it needs waits for that program (store_schema_migrate), and the
 * message says so, not that the file needs write access.
 */
START_TEST(test_reading_command_waits_for_another_program)
{
	const char *db = fx_path(0, "main.db");
	struct fx_holder other;
	struct run r;

	fx_sql_exec(db, "PRAGMA user_version = 13;");
	other = fx_hold_open(db);
	RUN(&r, "report", "--db", db);
	ck_assert_int_ne(r.code, 0);
	ck_assert_msg(strstr(r.err, "open in another program") && !strstr(r.err, "writable"),
		      "%s", r.err);
	done(&r);
	fx_release(&other);
	ck_assert_int_eq(fx_sql_int(db, "PRAGMA user_version"), 13);
	RUN(&r, "report", "--db", db);
	ck_assert_msg(r.code == 0, "%s", r.err);
	done(&r);
	ck_assert_int_eq(fx_sql_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
}
END_TEST

Suite *super_cli_suite(void)
{
	Suite *s = suite_create("super_cli");
	TCase *tc = tcase_create("binary");

	tcase_add_checked_fixture(tc, seed, fx_teardown);
	tcase_add_test(tc, test_export_redact_leaves_no_planted_text);
	tcase_add_test(tc, test_show_prefix_and_errors);
	tcase_add_test(tc, test_followups_list_and_done);
	tcase_add_test(tc, test_unknown_agent_said);
	tcase_add_test(tc, test_reading_command_waits_for_another_program);
	tcase_add_test(tc, test_merge_says_what_it_added);
	tcase_add_test(tc, test_gen_is_hidden_but_works);
	tcase_add_test(tc, test_reading_commands_upgrade_an_older_schema);
	suite_add_tcase(s, tc);
	return s;
}
