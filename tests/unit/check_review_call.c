/*
 * check_review_call.c - one call read back and folded for the call view and
 * replay; reviews and scores saved and read back; what an agent has not
 * acknowledged; and the upgrade of a schema 1 database to schema 2.
 */
#include "poise/review.h"

#include "helpers/fixture_playbook.h"
#include "store_fixture.h"
#include "main/suite.h"

#define T0 INT64_C(1700000000000)

static struct playbook pb_fake;

static void setup(void)
{
	fx_setup();
	pb_fake = fx_pb("alpha", "a1", "id: alpha\n");
}

/* A short real call under the test playbook: 8 events. */
static void real_call(struct store *st, char id[37], const struct playbook *pb)
{
	id[0] = '\0';
	fx_call(st, id, "ana", "Dana", T0, pb);
	fx_append(st, id, EV_START, T0, STAGE_CALM, 0, 0, pb->hash);
	fx_append(st, id, EV_MOOD, T0 + 1000, STAGE_CALM, 5, 0, NULL);
	fx_append(st, id, EV_CHECK, T0 + 2000, STAGE_CALM, 0, 1, NULL);
	fx_append(st, id, EV_STAGE, T0 + 30000, STAGE_LISTEN, STAGE_CALM, 0, NULL);
	fx_append(st, id, EV_NOTE, T0 + 31000, STAGE_LISTEN, 0, 0, "wants a refund");
	fx_append(st, id, EV_MOOD, T0 + 60000, STAGE_LISTEN, 2, 0, NULL);
	fx_append(st, id, EV_WRAPUP, T0 + 90000, STAGE_LISTEN, 0, 0, NULL);
	fx_append(st, id, EV_OUTCOME, T0 + 91000, STAGE_LISTEN, 0, 0, "resolved");
	fx_append(st, id, EV_END, T0 + 95000, STAGE_LISTEN, 0, 0, NULL);
}

START_TEST(a_call_is_folded_from_its_own_playbook_text)
{
	struct poise_error err = {0};
	struct playbook *pb = fixture_playbook_load("good/minimal.yaml", &err);
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_call rc;
	struct call_state cs;
	char id[37];

	ck_assert_msg(pb != NULL, "%s", err.msg);
	real_call(st, id, pb);
	playbook_free(pb); /* what the review shows comes from the database alone */
	id[8] = '\0';	   /* a prefix is enough */
	ck_assert_msg(review_call_load(st, id, &rc, &err) == POISE_OK, "%s", err.msg);
	ck_assert_str_eq(rc.pb->id, "test-minimal");
	ck_assert_str_eq(rc.pb->version, "2.1");
	ck_assert_str_eq(rc.meta.customer, "Dana");
	ck_assert_uint_eq(rc.nevents, 9);
	ck_assert_str_eq(rc.events[4].text, "wants a refund");
	ck_assert_int_eq(rc.state.phase, CALL_DONE);
	ck_assert_int_eq(rc.state.mood, 2);
	ck_assert_int_eq(rc.state.outcome, OUTCOME_RESOLVED);
	ck_assert_int_eq(call_stage_ms(&rc.state, STAGE_CALM, 0), 30000);
	ck_assert_int_eq(call_stage_ms(&rc.state, STAGE_LISTEN, 0), 60000);
	ck_assert_uint_eq(rc.state.nnotes, 1);
	/* Replay: the state after the first three events, as the agent saw it then. */
	ck_assert_int_eq(review_call_state(&rc, 3, &cs, &err), POISE_OK);
	ck_assert_int_eq(cs.phase, CALL_TALK);
	ck_assert_int_eq(cs.stage, STAGE_CALM);
	ck_assert_int_eq(cs.mood, 5);
	ck_assert_int_eq(cs.ticked[STAGE_CALM][0], 1);
	ck_assert_uint_eq(cs.nnotes, 0);
	call_free(&cs);
	ck_assert_int_eq(review_call_state(&rc, 0, &cs, &err), POISE_OK);
	ck_assert_int_eq(cs.phase, CALL_NEW);
	call_free(&cs);
	review_call_free(&rc);
	ck_assert_int_eq(review_call_load(st, "ffffffff", &rc, &err), POISE_NOT_FOUND);
	review_call_free(&rc);
	store_close(st);
}
END_TEST

struct got {
	int n;
	struct review r[8];
};

static int collect(void *ctx, const struct review *r)
{
	struct got *g = ctx;

	ck_assert_int_lt(g->n, 8);
	g->r[g->n++] = *r;
	return 0;
}

static struct review new_review(const char *call_id, const char *reviewer, int64_t at,
				const char *comment)
{
	struct review r;

	memset(&r, 0, sizeof(r));
	snprintf(r.call_id, sizeof(r.call_id), "%s", call_id);
	snprintf(r.reviewer, sizeof(r.reviewer), "%s", reviewer);
	snprintf(r.comment, sizeof(r.comment), "%s", comment);
	r.created_at = at;
	return r;
}

START_TEST(scores_and_comments_are_saved_and_read_back)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	struct review r;
	struct got g = {0};
	char id[37] = "";

	fx_call(st, id, "ana", "Dana", T0, &pb_fake);
	r = new_review(id, "sam", T0 + 500000, "Good empathy — name the feeling earlier");
	r.scores[STAGE_CALM] = 4;
	r.scores[STAGE_EMPATHIZE] = 5;
	r.scores[STAGE_FOLLOW_UP] = 1;
	ck_assert_msg(review_save(st, &r, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_gt(r.id, 0);
	ck_assert_int_eq(review_each(st, id, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(g.r[0].id, r.id);
	ck_assert_str_eq(g.r[0].reviewer, "sam");
	ck_assert_str_eq(g.r[0].comment, "Good empathy — name the feeling earlier");
	ck_assert_int_eq(g.r[0].created_at, T0 + 500000);
	ck_assert_int_eq(g.r[0].acked_at, 0);
	ck_assert_str_eq(g.r[0].customer, "Dana");
	for (int s = 0; s < STAGE_COUNT; s++)
		ck_assert_int_eq(g.r[0].scores[s], r.scores[s]);
	/* Changing it replaces its scores and comment; it stays one review. */
	r.scores[STAGE_CALM] = 0;
	r.scores[STAGE_SOLVE] = 3;
	snprintf(r.comment, sizeof(r.comment), "second thoughts");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	g.n = 0;
	ck_assert_int_eq(review_each(st, id, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 1);
	ck_assert_str_eq(g.r[0].comment, "second thoughts");
	ck_assert_int_eq(g.r[0].scores[STAGE_CALM], 0);
	ck_assert_int_eq(g.r[0].scores[STAGE_SOLVE], 3);
	ck_assert_int_eq(g.r[0].scores[STAGE_EMPATHIZE], 5);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM review_scores"), 3);
	store_close(st);
}
END_TEST

START_TEST(bad_reviews_are_refused_and_change_nothing)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	struct review r;
	char id[37] = "";

	fx_call(st, id, "ana", "Dana", T0, &pb_fake);
	r = new_review(id, "sam", T0, "x");
	r.scores[STAGE_SOLVE] = 6;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "solve"));
	r = new_review("00000000-0000-4000-8000-000000000000", "sam", T0, "x");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_NOT_FOUND);
	ck_assert_int_eq(r.id, 0);
	r = new_review(id, "", T0, "x");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_USAGE);
	r = new_review(id, "sam", T0, "x");
	r.id = 4242;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_NOT_FOUND);
	ck_assert_int_eq(r.id, 4242);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM reviews"), 0);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM review_scores"), 0);
	store_close(st);
}
END_TEST

START_TEST(the_agent_sees_new_comments_until_acknowledged)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct poise_error err = {0};
	struct review a, b, c;
	struct got g = {0};
	char ana1[37] = "", ana2[37] = "", bob[37] = "";

	fx_call(st, ana1, "ana", "One", T0, &pb_fake);
	fx_call(st, ana2, "ana", "Two", T0 + 1000, &pb_fake);
	fx_call(st, bob, "bob", "Three", T0 + 2000, &pb_fake);
	a = new_review(ana1, "sam", T0 + 10, "first");
	b = new_review(bob, "sam", T0 + 20, "for bob");
	c = new_review(ana2, "lee", T0 + 30, "second");
	ck_assert_int_eq(review_save(st, &a, &err), POISE_OK);
	ck_assert_int_eq(review_save(st, &b, &err), POISE_OK);
	ck_assert_int_eq(review_save(st, &c, &err), POISE_OK);
	ck_assert_int_eq(review_unacked(st, "ana", 10, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 2);
	ck_assert_str_eq(g.r[0].comment, "first");
	ck_assert_str_eq(g.r[0].customer, "One");
	ck_assert_int_eq(g.r[0].call_started, T0);
	ck_assert_str_eq(g.r[1].comment, "second");
	g.n = 0;
	ck_assert_int_eq(review_unacked(st, "ana", 1, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 1); /* at most max */
	ck_assert_int_eq(review_ack(st, a.id, T0 + 99, &err), POISE_OK);
	g.n = 0;
	ck_assert_int_eq(review_unacked(st, "ana", 10, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 1);
	ck_assert_str_eq(g.r[0].comment, "second");
	g.n = 0;
	ck_assert_int_eq(review_each(st, ana1, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.r[0].acked_at, T0 + 99);
	/* Acknowledging twice keeps the first time. */
	ck_assert_int_eq(review_ack(st, a.id, T0 + 500, &err), POISE_OK);
	g.n = 0;
	ck_assert_int_eq(review_each(st, ana1, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.r[0].acked_at, T0 + 99);
	/* A changed review is new again. */
	snprintf(a.comment, sizeof(a.comment), "first, amended");
	ck_assert_int_eq(review_save(st, &a, &err), POISE_OK);
	g.n = 0;
	ck_assert_int_eq(review_unacked(st, "ana", 10, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 2);
	g.n = 0;
	ck_assert_int_eq(review_unacked(st, "bob", 10, collect, &g, &err), POISE_OK);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(review_ack(st, 9999, T0, &err), POISE_NOT_FOUND);
	store_close(st);
}
END_TEST

/* Every table, index and trigger of the schema, as one string. */
static char *schema_of(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *out = calloc(1, 65536);
	size_t len = 0;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "SELECT type, name, sql FROM sqlite_schema "
					    "ORDER BY type, name",
					    -1, &s, NULL),
			 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		len += (size_t)snprintf(
			out + len, 65536 - len, "%s %s %s\n", sqlite3_column_text(s, 0),
			sqlite3_column_text(s, 1),
			sqlite3_column_text(s, 2) ? (const char *)sqlite3_column_text(s, 2) : "");
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

/*
 * A schema 1 database: a fresh one with what step 2 adds taken away again,
 * holding a call with a note, opened by this poise.
 */
START_TEST(schema_1_is_upgraded_keeping_its_calls)
{
	const char *v1 = fx_path(0, "v1.db"), *fresh = fx_path(1, "fresh.db");
	struct store *st = fx_open(v1);
	struct review_filter f = {0};
	struct call_meta rows[4];
	struct poise_error err = {0};
	struct review r;
	char id[37] = "", *want, *got;
	size_t n;

	fx_call(st, id, "ana", "Dana", T0, &pb_fake);
	fx_append(st, id, EV_START, T0, 0, 0, 0, pb_fake.hash);
	fx_append(st, id, EV_NOTE, T0 + 5, 0, 0, 0, "promised a callback");
	store_close(st);
	fx_sql_exec(v1, "DROP TRIGGER IF EXISTS sync_closed_insert; DROP TRIGGER IF EXISTS sync_closed_done; DROP TRIGGER IF EXISTS sync_closed_sent; DROP TABLE sync_closed;"
			"DROP TABLE texts_fts; DROP TRIGGER IF EXISTS events_text_fts; DROP TRIGGER IF EXISTS reviews_text_fts;"
			"DROP TRIGGER IF EXISTS reviews_text_fts_update;"
			"DROP INDEX calls_review_ref; DROP INDEX calls_review_status;"
			"DROP TABLE review_replies; DROP TABLE qa_answers; DROP TABLE qa_scores;"
				"DROP TABLE sync_dirty; DROP TRIGGER IF EXISTS sync_dirty_call;"
			"DROP TRIGGER IF EXISTS sync_dirty_seq; DROP TRIGGER IF EXISTS sync_dirty_done;"
			"DROP TABLE sync_calls; DROP TABLE sync_followups; DROP TABLE sync_reviews;"
			"DROP TABLE sync_marks; DROP TABLE published_playbooks;"
			"DROP TABLE call_figures; DROP INDEX calls_practice;"
			"ALTER TABLE calls DROP COLUMN practice;"
			"DROP TABLE review_scores; DROP TABLE reviews; DROP TABLE notes_fts;"
			"DROP TABLE notes_pending; DROP TRIGGER IF EXISTS notes_pending_call;"
			"DROP TRIGGER IF EXISTS notes_pending_resume; DROP TRIGGER IF EXISTS notes_index_end;"
			"DROP INDEX events_note;"
			"DROP INDEX calls_review_started; DROP INDEX calls_review_agent;"
			"DROP INDEX calls_review_outcome; DROP INDEX calls_review_cause;"
			"DROP INDEX calls_review_playbook; DROP INDEX calls_review_mood;"
			"PRAGMA user_version = 1;");
	ck_assert_int_eq(fx_sql_int(v1, "SELECT count(*) FROM sqlite_schema WHERE name LIKE "
					"'%review%' OR name LIKE 'notes%'"),
			 0);
	st = fx_open(v1);
	ck_assert_int_eq(fx_sql_int(v1, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(fx_sql_int(v1, "SELECT count(*) FROM events"), 2);
	/* The note written under schema 1 is searchable. */
	snprintf(f.search, sizeof(f.search), "CALLBACK");
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(rows[0].id, id);
	r = new_review(id, "sam", T0 + 9, "ok");
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	/* The upgraded schema is exactly a new database's. */
	st = fx_open(fresh);
	store_close(st);
	want = schema_of(fresh);
	got = schema_of(v1);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
}
END_TEST

START_TEST(notes_written_later_are_searchable)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct review_filter f = {0};
	struct call_meta rows[4];
	struct poise_error err = {0};
	char id[37] = "";
	size_t n;

	fx_call(st, id, "ana", "Dana", T0, &pb_fake);
	fx_append(st, id, EV_START, T0, 0, 0, 0, pb_fake.hash);
	snprintf(f.search, sizeof(f.search), "voucher");
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_OK);
	ck_assert_uint_eq(n, 0);
	fx_append(st, id, EV_NOTE, T0 + 5, 0, 0, 0, "Offered a VOUCHER");
	fx_append(st, id, EV_ESCALATE, T0 + 6, 0, 0, 0, "voucher refused"); /* not a note */
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_OK);
	ck_assert_uint_eq(n, 1);
	/* Indexed when the call ends, not in the note's own transaction. */
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM notes_fts"), 0);
	fx_append(st, id, EV_END, T0 + 9, 0, 0, 0, NULL);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM notes_fts"), 1);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM notes_pending"), 0);
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_OK);
	ck_assert_uint_eq(n, 1);
	store_close(st);
}
END_TEST

static size_t search_count(struct store *st, const char *text)
{
	struct review_filter f = {0};
	struct call_meta rows[4];
	struct poise_error err = {0};
	size_t n = 0;

	snprintf(f.search, sizeof(f.search), "%s", text);
	ck_assert_int_eq(review_page(st, &f, REVIEW_OLDER, NULL, rows, 4, &n, &err), POISE_OK);
	return n;
}

/*
 * A call killed with its notes not yet indexed, then resumed, interrupted
 * (the hang-up), resumed again and ended: every note is found at every
 * step, and indexed exactly once in the end; doctor's rebuild agrees.
 */
START_TEST(notes_of_killed_and_resumed_calls_are_searchable)
{
	const char *db = fx_path(0, "db");
	struct store *st = fx_open(db);
	struct store_doctor doc;
	struct poise_error err = {0};
	char id[37] = "";

	fx_call(st, id, "ana", "Dana", T0, &pb_fake);
	fx_append(st, id, EV_START, T0, 0, 0, 0, pb_fake.hash);
	fx_append(st, id, EV_NOTE, T0 + 5, 0, 0, 0, "wants a voucher");
	store_close(st); /* killed: no INTERRUPTED */
	st = fx_open(db);
	ck_assert_uint_eq(search_count(st, "voucher"), 1);
	fx_append(st, id, EV_RESUME, T0 + 50, 0, 0, 0, NULL);
	fx_append(st, id, EV_NOTE, T0 + 55, 0, 0, 0, "second thoughts");
	fx_append(st, id, EV_INTERRUPTED, T0 + 60, 0, 0, 0, NULL);
	ck_assert_int_eq(fx_sql_int(db, "SELECT count(*) FROM notes_fts"), 2);
	ck_assert_uint_eq(search_count(st, "voucher"), 1);
	ck_assert_uint_eq(search_count(st, "thoughts"), 1);
	fx_append(st, id, EV_RESUME, T0 + 70, 0, 0, 0, NULL);
	fx_append(st, id, EV_NOTE, T0 + 75, 0, 0, 0, "third note");
	ck_assert_uint_eq(search_count(st, "voucher"), 1);
	ck_assert_uint_eq(search_count(st, "third note"), 1);
	ck_assert_int_eq(fx_sql_int(db, "SELECT count(*) FROM notes_pending"), 1);
	/* A rebuild while it is open indexes what is there, and still finds the rest later. */
	ck_assert_int_eq(store_doctor(st, &doc, &err), POISE_OK);
	ck_assert_int_eq(fx_sql_int(db, "SELECT count(*) FROM notes_fts"), 3);
	fx_append(st, id, EV_NOTE, T0 + 80, 0, 0, 0, "fourth note");
	ck_assert_uint_eq(search_count(st, "fourth"), 1);
	fx_append(st, id, EV_END, T0 + 90, 0, 0, 0, NULL);
	ck_assert_int_eq(fx_sql_int(db, "SELECT count(*) FROM notes_fts"), 4);
	ck_assert_int_eq(fx_sql_int(db, "SELECT count(DISTINCT seq) FROM notes_fts"), 4);
	ck_assert_int_eq(fx_sql_int(db, "SELECT count(*) FROM notes_pending"), 0);
	ck_assert_uint_eq(search_count(st, "voucher"), 1);
	ck_assert_uint_eq(search_count(st, "fourth"), 1);
	store_close(st);
}
END_TEST

Suite *review_call_suite(void)
{
	Suite *s = suite_create("review_call");
	TCase *tc = tcase_create("call");

	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, a_call_is_folded_from_its_own_playbook_text);
	tcase_add_test(tc, scores_and_comments_are_saved_and_read_back);
	tcase_add_test(tc, bad_reviews_are_refused_and_change_nothing);
	tcase_add_test(tc, the_agent_sees_new_comments_until_acknowledged);
	tcase_add_test(tc, schema_1_is_upgraded_keeping_its_calls);
	tcase_add_test(tc, notes_written_later_are_searchable);
	tcase_add_test(tc, notes_of_killed_and_resumed_calls_are_searchable);
	suite_add_tcase(s, tc);
	return s;
}
