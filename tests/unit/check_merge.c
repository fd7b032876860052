/* check_merge.c - merging poise databases: by UUID, idempotent, refusing newer or foreign files. */
#include "store_fixture.h"

#include "poise/export.h"
#include "poise/merge.h"
#include "poise/report.h"
#include "poise/review.h"
#include "poise/store_reply.h"
#include "poise/store_score.h"
#include "poise/text.h"
#include "helpers/fixture_review.h"
#include "main/suite.h"

static const char pb_text[] = "id: test\n";
static char a1[37], a2[37], m1[37];

/* a.db: a full call with a follow-up, reflection and skip, and an open call. */
static void seed_source(void)
{
	struct playbook pb = fx_pb("test", "5e", pb_text);
	struct store *st = fx_open(fx_path(0, "a.db"));

	a1[0] = a2[0] = '\0';
	fx_call(st, a1, "ana", "Zoë", 100000, &pb);
	fx_append(st, a1, EV_START, 100000, STAGE_CALM, 0, 0, pb.hash);
	fx_append(st, a1, EV_MOOD, 101000, STAGE_CALM, 5, 0, NULL);
	fx_append(st, a1, EV_SKIP, 101500, STAGE_CALM, SECTION_SAY, 1, "calmer");
	fx_append(st, a1, EV_NOTE, 102000, STAGE_LISTEN, 0, 0, "wants a refund");
	fx_append(st, a1, EV_WRAPUP, 103000, STAGE_LISTEN, 0, 0, NULL);
	fx_append(st, a1, EV_OUTCOME, 104000, STAGE_LISTEN, 0, 0, "resolved");
	fx_append(st, a1, EV_FOLLOWUP, 104200, STAGE_LISTEN, 0, 0, "2024-05-01\tphone\tcall back");
	fx_append(st, a1, EV_REFLECTION, 104300, STAGE_LISTEN, 0, 0, "calm\tfaster");
	fx_append(st, a1, EV_END, 105000, STAGE_LISTEN, 0, 0, NULL);
	fx_call(st, a2, "ana", "Max", 200000, &pb);
	fx_append(st, a2, EV_START, 200000, STAGE_CALM, 0, 0, pb.hash);
	store_close(st);
}

/* main.db: one call of its own, under another playbook. */
static void seed(void)
{
	struct playbook pb = fx_pb("other", "77", "id: other\n");
	struct store *st;

	fx_setup();
	seed_source();
	st = fx_open(fx_path(1, "main.db"));
	m1[0] = '\0';
	fx_call(st, m1, "bo", "Lee", 50000, &pb);
	fx_append(st, m1, EV_START, 50000, STAGE_CALM, 0, 0, pb.hash);
	store_close(st);
}

static char *export_of(const char *path)
{
	struct store *st = NULL;
	struct poise_error err = {0};
	char *buf;

	ck_assert_msg(store_open(path, STORE_READONLY, &st, &err) == POISE_OK, "%s", err.msg);
	buf = fx_export(st, EXPORT_JSONL);
	store_close(st);
	return buf;
}

static enum poise_status merge(const char *src, struct merge_counts *n, struct poise_error *err)
{
	struct store *st = fx_open(fx_path(1, "main.db"));
	enum poise_status ps = merge_file(st, src, n, err);

	store_close(st);
	return ps;
}

/* Every table's rows as one number each, to see that nothing changed. */
static void row_counts(char *buf, size_t size)
{
	const char *p = fx_path(1, "main.db");

	snprintf(buf, size, "%lld %lld %lld %lld %lld %lld %lld",
		 fx_sql_int(p, "SELECT count(*) FROM calls"),
		 fx_sql_int(p, "SELECT count(*) FROM events"),
		 fx_sql_int(p, "SELECT count(*) FROM playbook_texts"),
		 fx_sql_int(p, "SELECT count(*) FROM followups"),
		 fx_sql_int(p, "SELECT count(*) FROM reflections"),
		 fx_sql_int(p, "SELECT count(*) FROM skips"),
		 fx_sql_int(p, "SELECT total(done_at) FROM followups"));
}

START_TEST(test_merge_twice_changes_nothing)
{
	struct merge_counts n;
	struct poise_error err = {0};
	char before[256], after[256];
	char *src = export_of(fx_path(0, "a.db")), *once, *twice;

	ck_assert_msg(merge(fx_path(0, "a.db"), &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_eq(n.added, 2);
	ck_assert_uint_eq(n.present, 0);
	ck_assert_uint_eq(n.updated, 0);
	once = export_of(fx_path(1, "main.db"));
	/* Each source call reads back exactly as it was exported from the source. */
	for (char *line = src, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		ck_assert_msg(strstr(once, line), "merged call differs:\n%s\nin\n%s", line, once);
	}
	ck_assert_ptr_nonnull(strstr(once, m1));
	ck_assert_int_eq(fx_sql_int(fx_path(1, "main.db"), "SELECT count(*) FROM reflections"), 1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "main.db"), "SELECT count(*) FROM skips"), 1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "main.db"), "SELECT count(*) FROM playbook_texts"),
			 2);
	row_counts(before, sizeof(before));
	ck_assert_msg(merge(fx_path(0, "a.db"), &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_eq(n.added, 0);
	ck_assert_uint_eq(n.present, 2);
	row_counts(after, sizeof(after));
	ck_assert_str_eq(before, after);
	twice = export_of(fx_path(1, "main.db"));
	ck_assert_str_eq(once, twice);
	free(src);
	free(once);
	free(twice);
}
END_TEST

START_TEST(test_open_call_completed_and_followup_closed)
{
	struct merge_counts n;
	struct poise_error err = {0};
	struct store *st;
	sqlite3 *db;

	ck_assert_int_eq(merge(fx_path(0, "a.db"), &n, &err), POISE_OK);
	/* Later in a.db: the open call goes on, the follow-up is closed. */
	st = fx_open(fx_path(0, "a.db"));
	fx_append(st, a2, EV_MOOD, 201000, STAGE_CALM, 3, 0, NULL);
	fx_append(st, a2, EV_WRAPUP, 202000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, a2, EV_OUTCOME, 203000, STAGE_CALM, 0, 0, "callback");
	fx_append(st, a2, EV_END, 204000, STAGE_CALM, 0, 0, NULL);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "a.db"), "SELECT count(*) FROM followups"), 1);
	ck_assert_int_eq(sqlite3_open(fx_path(0, "a.db"), &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE followups SET done_at = 999", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(merge(fx_path(0, "a.db"), &n, &err), POISE_OK);
	ck_assert_uint_eq(n.added, 0);
	ck_assert_uint_eq(n.updated, 1);
	ck_assert_uint_eq(n.present, 1);
	ck_assert_uint_eq(n.closed, 1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "main.db"), "SELECT count(*) FROM events"),
			 fx_sql_int(fx_path(0, "a.db"), "SELECT count(*) FROM events") + 1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "main.db"),
				    "SELECT status = 'done' AND outcome = 'callback' AND mood_end = 3 "
				    "FROM calls WHERE started_at = 200000"),
			 1);
	ck_assert_int_eq(fx_sql_int(fx_path(1, "main.db"), "SELECT done_at FROM followups"), 999);
}
END_TEST

/* Merge src into dst (both paths). */
static void merge_into(const char *dst, const char *src, struct merge_counts *n)
{
	struct store *st = fx_open(dst);
	struct poise_error err = {0};

	ck_assert_msg(merge_file(st, src, n, &err) == POISE_OK, "%s", err.msg);
	store_close(st);
}

/* Reviews and follow-up state travel both ways, once. */
START_TEST(test_reviews_and_followups_both_ways)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct review r = {0};
	struct store *st;
	char *ua, *um;

	merge_into(m, a, &n);
	/* The supervisor reviews the merged call in main.db and closes its follow-up. */
	st = fx_open(m);
	r.scores[STAGE_CALM] = 4;
	fixture_review(st, &r, a1, "sue", "good calm opening", 300000);
	store_close(st);
	fx_sql_exec(m, "UPDATE followups SET done_at = 777");
	/* Back to the agent's a.db: the review with its score, and the follow-up closed. */
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.reviews, 1);
	ck_assert_uint_eq(n.closed, 1);
	ck_assert_int_eq(fx_sql_int(a, "SELECT count(*) FROM reviews WHERE comment = 'good calm "
				       "opening' AND acked_at IS NULL"),
			 1);
	ck_assert_int_eq(fx_sql_int(a, "SELECT score FROM review_scores WHERE stage = 'calm'"), 4);
	ck_assert_int_eq(fx_sql_int(a, "SELECT done_at FROM followups"), 777);
	ua = fx_sql_text(a, "SELECT uuid FROM reviews");
	um = fx_sql_text(m, "SELECT uuid FROM reviews");
	ck_assert_str_eq(ua, um);
	free(ua);
	free(um);
	/* Again, either way: nothing new. */
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.reviews + n.acked + n.closed, 0);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.reviews + n.acked + n.closed, 0);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM reviews"), 1);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM review_scores"), 1);
	/* The agent reads it in a.db: main.db learns it was read, once. */
	st = fx_open(a);
	ck_assert_int_eq(review_ack(st, fx_sql_int(a, "SELECT id FROM reviews"), 400000, &err),
			 POISE_OK);
	store_close(st);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.acked, 1);
	ck_assert_int_eq(fx_sql_int(m, "SELECT acked_at FROM reviews"), 400000);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.acked + n.reviews, 0);
}
END_TEST

/* A review in a source is checked like every other row: a bad one refuses the file. */
START_TEST(test_bad_review_refuses_the_source)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct store *st = fx_open(a);
	struct review r = {0};
	long long before = fx_sql_int(m, "SELECT count(*) FROM calls");

	fixture_review(st, &r, a1, "sue", "", 300000);
	store_close(st);
	fx_sql_exec(a, "UPDATE reviews SET reviewer = 'x' || char(27) || '[2J'");
	st = fx_open(m);
	ck_assert_int_eq(merge_file(st, a, &n, &err), POISE_INVALID);
	store_close(st);
	ck_assert_ptr_nonnull(strstr(err.msg, a1));
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM calls"), before);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM reviews"), 0);
}
END_TEST

/* The supervisor's QA scoring of call id in db at t, with one answer. */
static void score_call(const char *db, const char *id, int value, int64_t t, char *score_id)
{
	struct store *st = fx_open(db);
	const struct qa_answer a = {"listened", 10, SCALE_1_5, 0, value};

	fixture_score(st, id, "sue", score_id,
		      fx_sql_int(db, "SELECT coalesce(min(created_at), 0) FROM qa_scores"), t, &a, 1);
	store_close(st);
}

/* QA scores and the agent's replies travel both ways by uuid, once; the later edit wins. */
START_TEST(test_scores_and_replies_both_ways)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct review r = {0};
	struct store *st;
	char qid[37] = "";

	merge_into(m, a, &n);
	st = fx_open(m);
	fixture_review(st, &r, a1, "sue", "slow to empathise", 300000);
	store_close(st);
	score_call(m, a1, 3, 300500, qid);
	/* To the agent: the review and its score. */
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.reviews, 1);
	ck_assert_uint_eq(n.scores, 1);
	ck_assert_int_eq(fx_sql_int(a, "SELECT value FROM qa_answers"), 3);
	ck_assert_int_eq(fx_sql_int(a, "SELECT score FROM qa_scores"),
			 fx_sql_int(m, "SELECT score FROM qa_scores"));
	/* The agent disputes it in a.db; main.db gets the dispute, under the same review. */
	st = fx_open(a);
	fixture_reply(st, fx_sql_int(a, "SELECT id FROM reviews"), REPLY_DISPUTE, "ana",
		      "the customer hung up twice", 400000);
	store_close(st);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.replies, 1);
	ck_assert_uint_eq(n.scores + n.reviews + n.edited, 0);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM review_replies p JOIN reviews r ON "
				       "r.uuid = p.review_id WHERE p.kind = 'dispute' AND "
				       "p.text = 'the customer hung up twice'"),
			 1);
	/* Found by the search, as a reply made here is. */
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM texts_fts WHERE texts_fts MATCH "
				       "'hung up'"),
			 1);
	/* Twice, either way: nothing changes. */
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.replies + n.scores + n.reviews + n.edited + n.acked, 0);
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.replies + n.scores + n.reviews + n.edited + n.acked, 0);
	ck_assert_int_eq(fx_sql_int(a, "SELECT count(*) FROM review_replies"), 1);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM qa_scores"), 1);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM qa_answers"), 1);
	/* The supervisor rescores in main.db, later: the agent's copy takes it; once. */
	score_call(m, a1, 5, 500000, qid);
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.scores, 1);
	ck_assert_int_eq(fx_sql_int(a, "SELECT value FROM qa_answers"), 5);
	ck_assert_int_eq(fx_sql_int(a, "SELECT updated_at FROM qa_scores"), 500000);
	/* The older copy merged back changes nothing. */
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.scores, 0);
	ck_assert_int_eq(fx_sql_int(m, "SELECT value FROM qa_answers"), 5);
}
END_TEST

/*
 * A review edited on one side only is carried across, whichever side;
 * edited on both, the later edit wins in both files.
 */
START_TEST(test_later_edit_of_a_review_wins)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct review r = {0};
	struct store *st;
	char *ca, *cm;

	merge_into(m, a, &n);
	st = fx_open(m);
	r.scores[STAGE_CALM] = 2;
	fixture_review(st, &r, a1, "sue", "first", 300000);
	store_close(st);
	merge_into(a, m, &n);
	/* Edited in main.db only: a.db takes the edit, comment and scores. */
	st = fx_open(m);
	snprintf(r.comment, sizeof(r.comment), "second");
	r.scores[STAGE_CALM] = 4;
	r.updated_at = 310000;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.edited, 1);
	ck_assert_int_eq(fx_sql_int(a, "SELECT count(*) FROM reviews WHERE comment = 'second' "
				       "AND updated_at = 310000"),
			 1);
	ck_assert_int_eq(fx_sql_int(a, "SELECT score FROM review_scores"), 4);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.edited + n.reviews + n.acked, 0);
	/* Edited in a.db only (the other way): main.db takes it. */
	st = fx_open(a);
	r.id = fx_sql_int(a, "SELECT id FROM reviews");
	snprintf(r.comment, sizeof(r.comment), "third");
	r.updated_at = 320000;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.edited, 1);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM reviews WHERE comment = 'third'"), 1);
	/* Edited on both sides: the later edit (main.db's) wins in both files. */
	st = fx_open(a);
	snprintf(r.comment, sizeof(r.comment), "fourth, earlier");
	r.updated_at = 330000;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	st = fx_open(m);
	r.id = fx_sql_int(m, "SELECT id FROM reviews");
	snprintf(r.comment, sizeof(r.comment), "fourth, later");
	r.updated_at = 340000;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.edited, 0);
	merge_into(a, m, &n);
	ck_assert_uint_eq(n.edited, 1);
	ca = fx_sql_text(a, "SELECT comment FROM reviews");
	cm = fx_sql_text(m, "SELECT comment FROM reviews");
	ck_assert_str_eq(ca, "fourth, later");
	ck_assert_str_eq(cm, "fourth, later");
	free(ca);
	free(cm);
	/* An edit's time never goes back, even with a clock behind. */
	st = fx_open(m);
	snprintf(r.comment, sizeof(r.comment), "fifth");
	r.updated_at = 1;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(m, "SELECT updated_at FROM reviews"), 340001);
}
END_TEST

/*
 * A later edit merged in replaces a review's comment: the old words are
 * in no file of main.db afterwards (secure_delete zeroes them in the
 * database, the WAL is checkpointed out), even with main.db held open
 * meanwhile, as a review screen holds it.
 */
START_TEST(test_replaced_comment_does_not_linger)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct review r = {0};
	struct store *st, *held;

	merge_into(m, a, &n);
	st = fx_open(m);
	fixture_review(st, &r, a1, "sue", "oldsecretcomment, first words", 300000);
	store_close(st);
	merge_into(a, m, &n);
	ck_assert(fx_text_in_files(m, "oldsecretcomment"));
	st = fx_open(a);
	r.id = fx_sql_int(a, "SELECT id FROM reviews");
	snprintf(r.comment, sizeof(r.comment), "kinder words");
	r.updated_at = 310000;
	ck_assert_int_eq(review_save(st, &r, &err), POISE_OK);
	store_close(st);
	held = fx_open(m);
	st = fx_open(m);
	ck_assert_msg(merge_file(st, a, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_eq(n.edited, 1);
	ck_assert_msg(!fx_text_in_files(m, "oldsecretcomment"), "the old comment lingers");
	store_close(st);
	store_close(held);
	ck_assert(!fx_text_in_files(m, "oldsecretcomment"));
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM reviews WHERE comment = 'kinder words'"),
			 1);
}
END_TEST

/* Turn db back into schema 10: replies by the review's integer id, no synced or edit times. */
static void make_schema_10(const char *db)
{
	fx_sql_exec(db,
		    "DROP TRIGGER IF EXISTS sync_closed_insert; DROP TRIGGER IF EXISTS sync_closed_done; DROP TRIGGER IF EXISTS sync_closed_sent; DROP TABLE sync_closed;"
		    "CREATE TEMP TABLE x AS SELECT p.id, r.id AS rid, p.agent, p.created_at, "
		    "p.kind, p.text FROM review_replies p JOIN reviews r ON r.uuid = p.review_id;"
		    "DROP TABLE review_replies;"
		    "CREATE TABLE review_replies (\n"
		    "	id TEXT PRIMARY KEY NOT NULL,\n"
		    "	review_id INTEGER NOT NULL REFERENCES reviews (id),\n"
		    "	agent TEXT NOT NULL,\n"
		    "	created_at INTEGER NOT NULL,\n"
		    "	kind TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'dispute')),\n"
		    "	text TEXT NOT NULL DEFAULT ''\n"
		    ") WITHOUT ROWID;"
		    "INSERT INTO review_replies SELECT * FROM temp.x;"
		    "CREATE INDEX review_replies_review ON review_replies (review_id, created_at);"
		    "CREATE TRIGGER replies_text_fts AFTER INSERT ON review_replies\n"
		    "WHEN new.text <> '' BEGIN\n"
		    "	INSERT INTO texts_fts (text, call_id) SELECT new.text, r.call_id FROM reviews r\n"
		    "		WHERE r.id = new.review_id;\n"
		    "END;"
		    "DROP INDEX qa_scores_unsynced; ALTER TABLE qa_scores DROP COLUMN synced;"
		    "ALTER TABLE reviews DROP COLUMN updated_at;"
		    "PRAGMA user_version = 10;");
}

/*
 * A file of schema 10 merges as it is (its replies joined to its reviews'
 * uuids), and upgraded to 11 keeps each reply under its review, searchable.
 */
START_TEST(test_schema_10_replies_merge_and_upgrade)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct review r = {0};
	struct store *st = fx_open(a);
	char *uuid;

	fixture_review(st, &r, a1, "sue", "why the hold?", 300000);
	fixture_reply(st, r.id, REPLY_REPLY, "ana", "checking the ledger", 310000);
	store_close(st);
	make_schema_10(a);
	ck_assert_int_eq(fx_sql_int(a, "PRAGMA user_version"), 10);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.replies, 1);
	uuid = fx_sql_text(m, "SELECT uuid FROM reviews");
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM review_replies p JOIN reviews r ON "
				       "r.uuid = p.review_id WHERE p.text = 'checking the ledger'"),
			 1);
	/* Upgraded: the reply names its review's uuid, and is read back under it. */
	st = fx_open(a);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(a, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(fx_sql_int(a, "SELECT count(*) FROM review_replies p JOIN reviews r ON "
				       "r.uuid = p.review_id WHERE r.uuid = p.review_id"),
			 1);
	{
		char *ra = fx_sql_text(a, "SELECT review_id FROM review_replies");

		ck_assert_str_eq(ra, uuid);
		free(ra);
	}
	/* A new reply after the upgrade is found by the search, as the old one was. */
	st = fx_open(a);
	fixture_reply(st, r.id, REPLY_DISPUTE, "ana", "ledger was down", 320000);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(a, "SELECT count(*) FROM texts_fts WHERE texts_fts MATCH "
				       "'ledger'"),
			 2);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.replies, 1);
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.replies, 0);
	free(uuid);
}
END_TEST

/* A bad QA score or reply in a source refuses it, as a bad review does. */
START_TEST(test_bad_score_or_reply_refuses_the_source)
{
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct store *st;
	char qid[37] = "";

	score_call(a, a1, 3, 300500, qid);
	fx_sql_exec(a, "UPDATE qa_answers SET value = 4, scale = 2");
	st = fx_open(m);
	ck_assert_int_eq(merge_file(st, a, &n, &err), POISE_INVALID);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM qa_scores"), 0);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM calls"), 1);
	fx_sql_exec(a, "UPDATE qa_answers SET value = 1; UPDATE qa_scores SET reviewer = "
		       "'x' || char(27) || '[2J'");
	st = fx_open(m);
	ck_assert_int_eq(merge_file(st, a, &n, &err), POISE_INVALID);
	store_close(st);
	ck_assert_int_eq(fx_sql_int(m, "SELECT count(*) FROM calls"), 1);
}
END_TEST

/* Everything main.db holds that a merge could change, as one text. */
static char *fingerprint(void)
{
	const char *m = fx_path(1, "main.db");
	char *parts[4], *out, counts[256];
	size_t len;

	row_counts(counts, sizeof(counts));
	parts[0] = export_of(m);
	parts[1] = fx_sql_text(m, "SELECT group_concat(uuid || reviewer || comment || "
				  "coalesce(acked_at, '-') || coalesce(updated_at, '-'), '|') "
				  "FROM reviews");
	parts[2] = fx_sql_text(m, "SELECT group_concat(id || call_id || reviewer || updated_at || "
				  "coalesce(score, '-'), '|') FROM qa_scores");
	parts[3] = fx_sql_text(m, "SELECT group_concat(id || review_id || agent || text, '|') "
				  "FROM review_replies");
	len = strlen(counts) + 8;
	for (int i = 0; i < 4; i++)
		len += strlen(parts[i]);
	out = malloc(len);
	ck_assert_ptr_nonnull(out);
	snprintf(out, len, "%s\n%s\n%s\n%s\n%s", counts, parts[0], parts[1], parts[2], parts[3]);
	for (int i = 0; i < 4; i++)
		free(parts[i]);
	return out;
}

/* One bad row planted in a source, and what the refusal must say. */
struct bad_row {
	const char *sql;	    /* run on a.db */
	const char *table, *why; /* in the message */
};

static const struct bad_row bad_rows[] = {
	/* Too long: an id cut to its buffer would be the real one's. */
	{"UPDATE calls SET id = id || 'abcd'", "table calls", "call id is not a UUID"},
	{"UPDATE qa_scores SET id = id || 'ffff', updated_at = updated_at + 1",
	 "table qa_scores", "score id is not a UUID"},
	{"UPDATE qa_answers SET score_id = score_id || '0'", "table qa_answers",
	 "score id is not a UUID"},
	{"UPDATE review_replies SET id = id || '0'", "table review_replies",
	 "reply id is not a UUID"},
	{"UPDATE review_replies SET review_id = review_id || '0'", "table review_replies",
	 "review id is not a UUID"},
	{"UPDATE reviews SET uuid = uuid || '0'", "table reviews", "review id is not a UUID"},
	{"UPDATE calls SET agent = printf('%.200c', 'x')", "table calls",
	 "agent name is 200 bytes"},
	{"UPDATE calls SET playbook_id = printf('%.65c', 'p')", "table calls",
	 "playbook id is 65 bytes"},
	{"UPDATE calls SET cause = printf('%.65c', 'c')", "table calls", "cause id is 65 bytes"},
	{"UPDATE qa_scores SET reviewer = printf('%.128c', 'r')", "table qa_scores",
	 "reviewer's name is 128 bytes"},
	{"UPDATE qa_scores SET scorecard_version = printf('%.64c', 'v')", "table qa_scores",
	 "scorecard version is 64 bytes"},
	{"UPDATE qa_answers SET criterion = printf('%.65c', 'k')", "table qa_answers",
	 "criterion id is 65 bytes"},
	{"UPDATE review_replies SET agent = printf('%.128c', 'a')", "table review_replies",
	 "agent name is 128 bytes"},
	{"UPDATE playbook_texts SET version = printf('%.64c', 'v')", "table playbook_texts",
	 "playbook version is 64 bytes"},
	/* Wrong form. */
	{"UPDATE calls SET playbook_hash = upper(playbook_hash)", "table calls",
	 "playbook hash is not a SHA-256"},
	{"UPDATE playbook_texts SET hash = 'abc'", "table playbook_texts",
	 "playbook hash is not a SHA-256"},
	{"UPDATE reviews SET acked_at = 'yesterday'", "table reviews", "read time is not a time"},
	{"UPDATE followups SET done_at = 253402300800000", "table followups",
	 "done time is not a time"},
	{"UPDATE reviews SET comment = x'6f6b'", "table reviews", "comment is not text"},
	{"UPDATE calls SET customer = x'5a6f'", "table calls", "customer name is not text"},
	/* Control characters, a NUL inside, bad UTF-8. */
	{"UPDATE calls SET customer = 'Zo' || char(27) || '[2J'", "table calls",
	 "control character"},
	{"UPDATE qa_scores SET reviewer = CAST(x'73756500787878' AS TEXT)", "table qa_scores",
	 "holds a NUL byte"},
	{"UPDATE review_replies SET text = 'ok' || char(7)", "table review_replies",
	 "control character"},
	{"UPDATE reviews SET comment = CAST(x'6f6bff' AS TEXT)", "table reviews",
	 "not valid UTF-8"},
	{"UPDATE qa_answers SET criterion = 'listened' || char(155)", "table qa_answers",
	 "control character"},
};

/*
 * Every kind of bad row (too long, wrong form, control characters), in
 * every table merge reads: refused at the edge, the file and the table
 * named, and nothing in main.db changed; a longer copy of a real id above
 * all, which cut to its buffer would replace the real row here.
 */
START_TEST(test_bad_row_refused_at_the_edge)
{
	const struct bad_row *b = &bad_rows[_i];
	const char *a = fx_path(0, "a.db"), *m = fx_path(1, "main.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct review r = {0};
	struct store *st = fx_open(a);
	char qid[37] = "", *before, *after;

	fixture_review(st, &r, a1, "sue", "calm and clear", 300000);
	fixture_reply(st, r.id, REPLY_REPLY, "ana", "thanks", 310000);
	store_close(st);
	score_call(a, a1, 3, 300500, qid);
	fx_sql_exec(a, "UPDATE followups SET done_at = 999");
	merge_into(m, a, &n);
	ck_assert_uint_eq(n.scores, 1);
	before = fingerprint();
	fx_sql_exec(a, b->sql);
	st = fx_open(m);
	ck_assert_int_eq(merge_file(st, a, &n, &err), POISE_INVALID);
	store_close(st);
	ck_assert_msg(strstr(err.msg, b->table) && strstr(err.msg, b->why) && strstr(err.msg, a),
		      "%s: %s", b->sql, err.msg);
	ck_assert_msg(text_is_safe(err.msg, 0), "%s", err.msg);
	after = fingerprint();
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

/* A scoring with more answers than a scorecard can have would be read back cut: refused. */
START_TEST(test_too_many_answers_refused)
{
	const char *a = fx_path(0, "a.db");
	struct merge_counts n;
	struct poise_error err = {0};
	struct store *st;
	char qid[37] = "", *before, *after;

	score_call(a, a1, 3, 300500, qid);
	fx_sql_exec(a, "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k "
		       "WHERE i < 64) INSERT INTO qa_answers (score_id, criterion, weight, scale, "
		       "value) SELECT id, 'c' || i, 1, 5, 3 FROM qa_scores, k");
	before = fingerprint();
	st = fx_open(fx_path(1, "main.db"));
	ck_assert_int_eq(merge_file(st, a, &n, &err), POISE_INVALID);
	store_close(st);
	ck_assert_msg(strstr(err.msg, "more than 64 answers"), "%s", err.msg);
	after = fingerprint();
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

static void set_user_version(const char *path, int v)
{
	sqlite3 *db;
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

START_TEST(test_newer_or_foreign_refused)
{
	struct merge_counts n;
	struct poise_error err = {0};
	char before[256], after[256];
	FILE *f;

	row_counts(before, sizeof(before));
	set_user_version(fx_path(0, "a.db"), STORE_SCHEMA_VERSION + 1);
	ck_assert_int_eq(merge(fx_path(0, "a.db"), &n, &err), POISE_DB_NEWER);
	ck_assert_msg(strstr(err.msg, "newer"), "%s", err.msg);
	ck_assert_uint_eq(n.added, 0);
	f = fopen(fx_path(2, "notes.txt"), "w");
	fputs("not a database\n", f);
	fclose(f);
	ck_assert_int_eq(merge(fx_path(2, "notes.txt"), &n, &err), POISE_DB_NOT_POISE);
	ck_assert_int_eq(merge(fx_path(2, "missing.db"), &n, &err), POISE_NOT_FOUND);
	ck_assert(!exists(fx_path(2, "missing.db")));
	row_counts(after, sizeof(after));
	ck_assert_str_eq(before, after);
}
END_TEST

/* A source that fails part-way (an event the store would refuse) adds nothing at all. */
START_TEST(test_bad_source_adds_nothing)
{
	struct merge_counts n;
	struct poise_error err = {0};
	char before[256], after[256];
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(fx_path(0, "a.db"), &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE events SET a = 9 WHERE kind = 'mood'", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	row_counts(before, sizeof(before));
	ck_assert_int_eq(merge(fx_path(0, "a.db"), &n, &err), POISE_INVALID);
	ck_assert_msg(strstr(err.msg, "mood"), "%s", err.msg);
	row_counts(after, sizeof(after));
	ck_assert_str_eq(before, after);
}
END_TEST

/*
 * A closed call merged in gets its report figures, made here (a real
 * playbook: figures need one); from a source of schema 2, read as it is
 * and left at schema 2.
 */
START_TEST(test_merged_calls_get_figures_even_from_an_older_schema)
{
	struct playbook *pb = NULL;
	struct merge_counts n;
	struct poise_error err = {0};
	struct store *st;
	char id[37] = "", open_id[37] = "";
	const char *src = fx_path(2, "old.db"), *dst = fx_path(1, "main.db");

	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	st = fx_open(src);
	fx_call(st, id, "cy", "Ada", 300000, pb);
	fx_append(st, id, EV_START, 300000, STAGE_CALM, 0, 0, pb->hash);
	fx_append(st, id, EV_MOOD, 301000, STAGE_CALM, 4, 0, NULL);
	fx_append(st, id, EV_WRAPUP, 302000, STAGE_CALM, 0, 0, NULL);
	fx_append(st, id, EV_OUTCOME, 303000, STAGE_CALM, 0, 0, "resolved");
	fx_append(st, id, EV_END, 304000, STAGE_CALM, 0, 0, NULL);
	fx_call(st, open_id, "cy", "Bea", 400000, pb);
	fx_append(st, open_id, EV_START, 400000, STAGE_CALM, 0, 0, pb->hash);
	store_close(st);
	playbook_free(pb);
	fx_sql_exec(src, "DROP TABLE call_figures; PRAGMA user_version = 2;");

	ck_assert_msg(merge(src, &n, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_eq(n.added, 2);
	ck_assert_int_eq(fx_sql_int(src, "PRAGMA user_version"), 2);
	ck_assert_int_eq(fx_sql_int(dst, "SELECT count(*) FROM call_figures f JOIN calls c "
					 "ON c.id = f.call_id WHERE f.last_seq = c.last_seq "
					 "AND c.customer = 'Ada'"),
			 1);
	/* The kept row reads back as the one-call column report.h says: calls = 1, closed. */
	{
		struct report_keeper *k;
		struct report_figures one;
		sqlite3 *db;
		sqlite3_stmt *s;
		char hash[65];

		ck_assert_int_eq(sqlite3_open_v2(dst, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db,
						    "SELECT c.playbook_hash, f.figures FROM "
						    "call_figures f JOIN calls c ON c.id = f.call_id",
						    -1, &s, NULL),
				 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
		snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(s, 0));
		st = fx_open(dst);
		ck_assert_ptr_nonnull(k = report_keeper_new(st));
		ck_assert_msg(report_keeper_figures(k, hash, sqlite3_column_blob(s, 1),
						    (size_t)sqlite3_column_bytes(s, 1), &one,
						    &err) == POISE_OK,
			      "%s", err.msg);
		ck_assert_int_eq(one.calls, 1);
		ck_assert_int_eq(one.closed, 1);
		ck_assert_int_eq(one.done, 1);
		report_keeper_free(k);
		store_close(st);
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
	/* Still open: no figures yet. */
	ck_assert_int_eq(fx_sql_int(dst, "SELECT count(*) FROM call_figures f JOIN calls c "
					 "ON c.id = f.call_id WHERE c.customer = 'Bea'"),
			 0);
}
END_TEST

Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, seed, fx_teardown);
	tcase_add_test(tc, test_merge_twice_changes_nothing);
	tcase_add_test(tc, test_open_call_completed_and_followup_closed);
	tcase_add_test(tc, test_reviews_and_followups_both_ways);
	tcase_add_test(tc, test_bad_review_refuses_the_source);
	tcase_add_test(tc, test_scores_and_replies_both_ways);
	tcase_add_test(tc, test_later_edit_of_a_review_wins);
	tcase_add_test(tc, test_replaced_comment_does_not_linger);
	tcase_add_test(tc, test_bad_score_or_reply_refuses_the_source);
	tcase_add_loop_test(tc, test_bad_row_refused_at_the_edge, 0,
			    (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
	tcase_add_test(tc, test_too_many_answers_refused);
	tcase_add_test(tc, test_schema_10_replies_merge_and_upgrade);
	tcase_add_test(tc, test_newer_or_foreign_refused);
	tcase_add_test(tc, test_bad_source_adds_nothing);
	tcase_add_test(tc, test_merged_calls_get_figures_even_from_an_older_schema);
	suite_add_tcase(s, tc);
	return s;
}
