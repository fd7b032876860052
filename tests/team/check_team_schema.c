/*
 * check_team_schema.c - `poise server init` and what each role may do.
 *
 * Every denial is tried for real, over a connection as that role, against
 * the schema team_init made.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pg_fixture.h"
#include "sync_fixture.h"
#include "poise/team.h"
#include "main/suite.h"
#include "../../src/team/team_int.h"

#define DB	 "t_schema"
#define ANN_CALL "019a0000-0000-7000-8000-000000000001"
#define BOB_CALL "019a0000-0000-7000-8000-000000000002"

/* A fresh database with the schema, two agents' calls, a supervisor's review of each. */
static PGconn *setup(void)
{
	struct team *t;
	struct poise_error err;
	int from = -1, to = -1;
	PGconn *admin;

	pgt_db(DB);
	t = sfx_team(DB, NULL);
	ck_assert_msg(team_init(t, &from, &to, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(from, 0);
	ck_assert_int_eq(to, TEAM_SCHEMA_VERSION);
	team_close(t);
	admin = pgt_connect(DB, NULL);
	pgt_role(admin, "t_ann", "poise_agent");
	pgt_role(admin, "t_bob", "poise_agent");
	pgt_role(admin, "t_sue", "poise_supervisor");
	pgt_role(admin, "t_tia", "poise_trainer");
	pgt_ok(admin,
	       "INSERT INTO poise.playbook_texts VALUES ('h1', 'general', '1', 'text');"
	       "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, "
	       "playbook_hash, started_at) VALUES "
	       "('" ANN_CALL "', 't_ann', 'general', '1', 'h1', 1),"
	       "('" BOB_CALL "', 't_bob', 'general', '1', 'h1', 2);"
	       "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES "
	       "('" ANN_CALL "', 1, 1, 'start', 'calm'), ('" BOB_CALL "', 1, 2, 'start', 'calm');"
	       "INSERT INTO poise.followups (call_id, seq, channel, promise) VALUES "
	       "('" ANN_CALL "', 1, 'phone', 'call back'), ('" BOB_CALL "', 1, 'mail', 'write');"
	       "INSERT INTO poise.reviews (call_id, reviewer, comment) VALUES "
	       "('" ANN_CALL "', 't_sue', 'good'), ('" BOB_CALL "', 't_sue', 'fine')");
	return admin;
}

/* sql as role must be refused: by a privilege or a policy (42501), or see nothing. */
static void denied(const char *role, const char *sql)
{
	PGconn *c = pgt_connect(DB, role);
	char state[6];

	ck_assert_msg(!pgt_try(c, sql, state), "%s may: %s", role, sql);
	ck_assert_msg(strcmp(state, "42501") == 0, "%s: %s: SQLSTATE %s", role, sql, state);
	PQfinish(c);
}

static void allowed(const char *role, const char *sql)
{
	PGconn *c = pgt_connect(DB, role);

	pgt_ok(c, sql);
	PQfinish(c);
}

static long long count_as(const char *role, const char *sql)
{
	PGconn *c = pgt_connect(DB, role);
	long long n = pgt_int(c, sql);

	PQfinish(c);
	return n;
}

START_TEST(test_init_versions)
{
	PGconn *admin = setup();
	struct team *t = sfx_team(DB, NULL);
	struct poise_error err;
	int from = -1, to = -1;

	/* Again: nothing to do, nothing lost. */
	ck_assert_msg(team_init(t, &from, &to, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(from, TEAM_SCHEMA_VERSION);
	ck_assert_int_eq(to, TEAM_SCHEMA_VERSION);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), 2);
	ck_assert_int_eq(pgt_int(admin, "SELECT version FROM poise.schema_version"),
			 TEAM_SCHEMA_VERSION);
	/* A newer server is refused, and left alone. */
	pgt_ok(admin, "UPDATE poise.schema_version SET version = 99");
	ck_assert_int_eq(team_init(t, NULL, NULL, &err), POISE_DB_NEWER);
	ck_assert_ptr_nonnull(strstr(err.msg, "upgrade poise"));
	ck_assert_int_eq(pgt_int(admin, "SELECT version FROM poise.schema_version"), 99);
	team_close(t);
	PQfinish(admin);
}
END_TEST

START_TEST(test_agent_denials)
{
	PGconn *admin = setup();

	/* Reads: their own calls, events, follow-ups and the reviews of them, nothing else. */
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.calls"), 1);
	ck_assert_int_eq(
		count_as("t_ann", "SELECT count(*) FROM poise.calls WHERE agent = 't_bob'"), 0);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.events"), 1);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.followups"), 1);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.reviews"), 1);
	ck_assert_int_eq(count_as("t_ann",
				  "SELECT count(*) FROM poise.reviews WHERE call_id = '" ANN_CALL
				  "'"),
			 1);
	/* Writes: only their own calls and events. */
	allowed("t_ann",
		"INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, "
		"playbook_hash, started_at) VALUES "
		"('019a0000-0000-7000-8000-000000000003', 't_ann', 'general', '1', 'h1', 3)");
	denied("t_ann",
	       "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, "
	       "playbook_hash, started_at) VALUES "
	       "('019a0000-0000-7000-8000-000000000004', 't_bob', 'general', '1', 'h1', 4)");
	allowed("t_ann", "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES "
			 "('" ANN_CALL "', 2, 5, 'note', 'calm')");
	denied("t_ann", "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES "
			"('" BOB_CALL "', 2, 5, 'note', 'calm')");
	denied("t_ann", "UPDATE poise.calls SET agent = 't_bob' WHERE id = '" ANN_CALL "'");
	denied("t_ann", "UPDATE poise.events SET text = 'x'");
	denied("t_ann", "DELETE FROM poise.events");
	denied("t_ann", "DELETE FROM poise.calls");
	denied("t_ann", "INSERT INTO poise.reviews (call_id, reviewer) "
			"VALUES ('" ANN_CALL "', 't_ann')");
	denied("t_ann", "UPDATE poise.reviews SET comment = 'great'");
	denied("t_ann", "INSERT INTO poise.playbooks (hash, id, version, text) "
			"VALUES ('h2', 'x', '1', 'x')");
	/* An update of another agent's row touches nothing. */
	allowed("t_ann", "UPDATE poise.calls SET outcome = 'abuse' WHERE id = '" BOB_CALL "'");
	allowed("t_ann", "UPDATE poise.followups SET done_at = 9 WHERE call_id = '" BOB_CALL "'");
	ck_assert_int_eq(
		pgt_int(admin, "SELECT count(*) FROM poise.calls WHERE outcome IS NOT NULL"), 0);
	ck_assert_int_eq(
		pgt_int(admin, "SELECT count(*) FROM poise.followups WHERE done_at IS NOT NULL"),
		0);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), 3);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.events"), 3);
	PQfinish(admin);
}
END_TEST

START_TEST(test_supervisor_denials)
{
	PGconn *admin = setup();

	ck_assert_int_eq(count_as("t_sue", "SELECT count(*) FROM poise.calls"), 2);
	ck_assert_int_eq(count_as("t_sue", "SELECT count(*) FROM poise.events"), 2);
	ck_assert_int_eq(count_as("t_sue", "SELECT count(*) FROM poise.reviews"), 2);
	allowed("t_sue", "INSERT INTO poise.reviews (call_id, comment, score_calm) "
			 "VALUES ('" BOB_CALL "', 'try naming the feeling', 3)");
	allowed("t_sue", "UPDATE poise.reviews SET comment = 'better' WHERE comment = 'fine'");
	allowed("t_sue", "UPDATE poise.followups SET done_at = 7 WHERE call_id = '" ANN_CALL "'");
	denied("t_sue", "INSERT INTO poise.reviews (call_id, reviewer) "
			"VALUES ('" BOB_CALL "', 't_ann')");
	denied("t_sue",
	       "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, "
	       "playbook_hash, started_at) VALUES "
	       "('019a0000-0000-7000-8000-000000000005', 't_sue', 'general', '1', 'h1', 5)");
	denied("t_sue", "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES "
			"('" BOB_CALL "', 3, 5, 'note', 'calm')");
	denied("t_sue", "UPDATE poise.events SET text = 'x'");
	denied("t_sue", "UPDATE poise.followups SET promise = 'x'");
	denied("t_sue", "DELETE FROM poise.reviews");
	denied("t_sue", "INSERT INTO poise.playbooks (hash, id, version, text) "
			"VALUES ('h2', 'x', '1', 'x')");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.reviews"), 3);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.followups WHERE done_at = 7"),
			 1);
	PQfinish(admin);
}
END_TEST

START_TEST(test_trainer_denials)
{
	PGconn *admin = setup();

	allowed("t_tia", "INSERT INTO poise.playbooks (hash, id, version, text) SELECT "
			 "encode(sha256('id: general'), 'hex'), 'general', '2', 'id: general'");
	ck_assert_int_eq(count_as("t_tia", "SELECT count(*) FROM poise.playbooks"), 1);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.playbooks"), 1);
	denied("t_tia", "INSERT INTO poise.playbooks (hash, id, version, text, published_by) "
			"SELECT encode(sha256('x'), 'hex'), 'general', '3', 'x', 't_sue'");
	/* Under a hash that is not its text's (every reader would take it for that text). */
	denied("t_tia", "INSERT INTO poise.playbooks (hash, id, version, text) "
			"VALUES ('h3', 'general', '3', 'x')");
	denied("t_tia", "UPDATE poise.playbooks SET text = 'x'");
	denied("t_tia", "SELECT count(*) FROM poise.calls");
	denied("t_tia", "SELECT count(*) FROM poise.reviews");
	denied("t_tia", "INSERT INTO poise.reviews (call_id) VALUES ('" ANN_CALL "')");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.playbooks"), 1);
	PQfinish(admin);
}
END_TEST

#define ANN_REVIEW "019a0000-0000-7000-8000-0000000000a1"
#define BOB_REVIEW "019a0000-0000-7000-8000-0000000000b1"
#define ANN_SCORE  "019a0000-0000-7000-8000-0000000000a2"
#define BOB_SCORE  "019a0000-0000-7000-8000-0000000000b2"

/* setup(), then a score of each call by t_sue with one answer, and each agent's reply. */
static PGconn *setup_qa(void)
{
	PGconn *admin = setup();

	pgt_role(admin, "t_sam", "poise_supervisor");
	pgt_ok(admin,
	       "UPDATE poise.reviews SET id = '" ANN_REVIEW "' WHERE call_id = '" ANN_CALL "';"
	       "UPDATE poise.reviews SET id = '" BOB_REVIEW "' WHERE call_id = '" BOB_CALL "';"
	       "INSERT INTO poise.qa_scores (id, call_id, reviewer, scorecard_id, "
	       "scorecard_version, created_at, updated_at, score) VALUES "
	       "('" ANN_SCORE "', '" ANN_CALL "', 't_sue', 'default', '1', 1, 1, 5000),"
	       "('" BOB_SCORE "', '" BOB_CALL "', 't_sue', 'default', '1', 1, 1, 7000);"
	       "INSERT INTO poise.qa_answers (score_id, criterion, weight, scale, value) VALUES "
	       "('" ANN_SCORE "', 'listened', 10, 5, 3), ('" BOB_SCORE "', 'listened', 10, 5, 4);"
	       "INSERT INTO poise.review_replies (id, review_id, agent, created_at, kind, text) "
	       "VALUES ('019a0000-0000-7000-8000-0000000000a3', '" ANN_REVIEW "', 't_ann', 2, "
	       "'dispute', 'no'), ('019a0000-0000-7000-8000-0000000000b3', '" BOB_REVIEW
	       "', 't_bob', 2, 'ack', '')");
	return admin;
}

#define REPLY(id, review, agent)                                                                   \
	"INSERT INTO poise.review_replies (id, review_id, agent, created_at, kind, text) "         \
	"VALUES ('" id "', '" review "', '" agent "', 3, 'reply', 'ok')"

/* QA scores and replies: each role's reads and writes, each denial tried as that role. */
START_TEST(test_qa_denials)
{
	PGconn *admin = setup_qa();

	/* An agent reads the scores and replies of their own calls only. */
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.qa_scores"), 1);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.qa_scores WHERE call_id "
					   "= '" BOB_CALL "'"),
			 0);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.qa_answers"), 1);
	ck_assert_int_eq(count_as("t_ann", "SELECT count(*) FROM poise.review_replies"), 1);
	/* ... adds replies as themselves to reviews of their own calls, and nothing else. */
	allowed("t_ann", REPLY("019a0000-0000-7000-8000-0000000000a4", ANN_REVIEW, "t_ann"));
	denied("t_ann", REPLY("019a0000-0000-7000-8000-0000000000a5", BOB_REVIEW, "t_ann"));
	denied("t_ann", REPLY("019a0000-0000-7000-8000-0000000000a6", ANN_REVIEW, "t_bob"));
	denied("t_ann", "UPDATE poise.review_replies SET review_id = '" BOB_REVIEW "'");
	denied("t_ann", "DELETE FROM poise.review_replies");
	denied("t_ann", "INSERT INTO poise.qa_scores (id, call_id, scorecard_id, "
			"scorecard_version, created_at, updated_at) VALUES "
			"('019a0000-0000-7000-8000-0000000000a7', '" ANN_CALL "', 'd', '1', 1, 1)");
	denied("t_ann", "UPDATE poise.qa_scores SET score = 10000");
	denied("t_ann", "INSERT INTO poise.qa_answers (score_id, criterion, weight, scale) "
			"VALUES ('" ANN_SCORE "', 'x', 1, 2)");
	denied("t_ann", "DELETE FROM poise.qa_answers");
	/* Another agent's reply: an update touches nothing. */
	allowed("t_ann", "UPDATE poise.review_replies SET text = 'x' WHERE agent = 't_bob'");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.review_replies WHERE "
					"text = 'x'"),
			 0);
	/* A supervisor reads all, writes scores as themselves, never replies. */
	ck_assert_int_eq(count_as("t_sam", "SELECT count(*) FROM poise.qa_scores"), 2);
	ck_assert_int_eq(count_as("t_sam", "SELECT count(*) FROM poise.qa_answers"), 2);
	ck_assert_int_eq(count_as("t_sam", "SELECT count(*) FROM poise.review_replies"), 3);
	allowed("t_sam", "INSERT INTO poise.qa_scores (id, call_id, scorecard_id, "
			 "scorecard_version, created_at, updated_at, score) VALUES "
			 "('019a0000-0000-7000-8000-0000000000c1', '" BOB_CALL "', 'd', '1', 5, 5, 1);"
			 "INSERT INTO poise.qa_answers (score_id, criterion, weight, scale, value) "
			 "VALUES ('019a0000-0000-7000-8000-0000000000c1', 'x', 1, 2, 1);"
			 "UPDATE poise.qa_scores SET score = 2 WHERE reviewer = 't_sam';"
			 "DELETE FROM poise.qa_answers WHERE score_id = "
			 "'019a0000-0000-7000-8000-0000000000c1'");
	denied("t_sam", "INSERT INTO poise.qa_scores (id, call_id, reviewer, scorecard_id, "
			"scorecard_version, created_at, updated_at) VALUES "
			"('019a0000-0000-7000-8000-0000000000c2', '" BOB_CALL "', 't_sue', 'd', '1', "
			"1, 1)");
	denied("t_sam", "INSERT INTO poise.qa_answers (score_id, criterion, weight, scale) "
			"VALUES ('" ANN_SCORE "', 'y', 1, 2)");
	denied("t_sam", "DELETE FROM poise.qa_scores");
	denied("t_sam", REPLY("019a0000-0000-7000-8000-0000000000c3", ANN_REVIEW, "t_sam"));
	denied("t_sam", "UPDATE poise.review_replies SET text = 'y'");
	/* t_sue's score: t_sam's update touches nothing, nor their delete of its answers. */
	allowed("t_sam", "UPDATE poise.qa_scores SET score = 1 WHERE reviewer = 't_sue';"
			 "DELETE FROM poise.qa_answers WHERE score_id = '" ANN_SCORE "'");
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_scores WHERE score = 1"),
			 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_answers"), 2);
	/* A trainer neither reads nor writes them. */
	denied("t_tia", "SELECT count(*) FROM poise.qa_scores");
	denied("t_tia", "SELECT count(*) FROM poise.qa_answers");
	denied("t_tia", "SELECT count(*) FROM poise.review_replies");
	denied("t_tia", REPLY("019a0000-0000-7000-8000-0000000000d1", ANN_REVIEW, "t_tia"));
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.review_replies"), 3);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.qa_scores"), 3);
	PQfinish(admin);
}
END_TEST

static const char *fake_env_none(const char *name)
{
	(void)name;
	return NULL;
}

static const char *fake_env_pghost(const char *name)
{
	return strcmp(name, "PGHOST") == 0 ? "/run/somewhere" : NULL;
}

static const char *fake_env_server(const char *name)
{
	return strcmp(name, "POISE_SERVER") == 0 ? "postgresql://sam:secret@db.example/poise"
						 : NULL;
}

/*
 * The kept figures' typed columns: the server's, after every migration,
 * start with the columns as first released (the schema did not change), and
 * hold every column the figure list makes (TEAM_FIGURE_COLUMNS) with its
 * type and nothing else: a figure given a column without the migration
 * that adds it fails here.
 */
START_TEST(test_figure_columns_are_the_lists)
{
	static const char released[] =
		"call_id uuid, fold integer, last_seq integer, done smallint, interrupted smallint, "
		"handle_ms bigint, hold_ms bigint, holds integer, hold_longest_ms bigint, "
		"wrapup_ms bigint, escalated smallint, transferred smallint, warnings integer, "
		"abuse smallint, mood_start smallint, mood_end smallint, calmer smallint, "
		"empathy_ms bigint, checklist_ticked integer, checklist_items integer, "
		"calm_ms bigint, listen_ms bigint, empathize_ms bigint, clarify_ms bigint, "
		"inform_ms bigint, solve_ms bigint, boundary_ms bigint, follow_up_ms bigint, "
		"figures bytea";
	static const char listed[] = TEAM_FIGURE_COLUMNS(TEAM_COLUMN_DEF);
	PGconn *admin = setup();
	char sql[4096];
	int n = 0;

	for (const char *c = listed; (c = strstr(c, ", ")); c += 2)
		n++;
	ck_assert_int_ge(n, 25);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM information_schema.columns WHERE "
					"table_schema = 'poise' AND table_name = 'call_figures'"),
			 n + 4);
	/* The first 29 columns, in order, are the released ones. */
	snprintf(sql, sizeof(sql),
		 "SELECT (string_agg(column_name || ' ' || data_type, ', ' ORDER BY "
		 "ordinal_position) = '%s')::int + count(*) - 1 FROM (SELECT * FROM "
		 "information_schema.columns WHERE table_schema = 'poise' AND table_name = "
		 "'call_figures' ORDER BY ordinal_position LIMIT 29) c",
		 released);
	ck_assert_int_eq(pgt_int(admin, sql), 29);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'poise' "
		 "AND table_name = 'call_figures' AND column_name || ' ' || data_type = "
		 "ANY(string_to_array(rtrim('%s', ', '), ', '))",
		 listed);
	ck_assert_int_eq(pgt_int(admin, sql), n);
	PQfinish(admin);
}
END_TEST

START_TEST(test_where_the_server_is)
{
	struct poise_error err;
	const char *ci = NULL;

	/* Nothing configured: nothing is sent anywhere. */
	ck_assert_int_eq(team_server(NULL, fake_env_none, &ci, &err), POISE_NOT_FOUND);
	ck_assert_ptr_null(ci);
	ck_assert_int_eq(team_server("", fake_env_none, &ci, &err), POISE_NOT_FOUND);
	/* libpq's own variables. */
	ck_assert_int_eq(team_server(NULL, fake_env_pghost, &ci, &err), POISE_OK);
	ck_assert_str_eq(ci, "");
	/* The option wins over the environment. */
	ck_assert_int_eq(team_server("postgresql://db.example/poise?sslmode=verify-full",
				     fake_env_server, &ci, &err),
			 POISE_OK);
	ck_assert_str_eq(ci, "postgresql://db.example/poise?sslmode=verify-full");
	/* A password anywhere in the address is refused, wherever it comes from. */
	ck_assert_int_eq(team_server(NULL, fake_env_server, &ci, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "$POISE_SERVER holds a password"));
	ck_assert_ptr_null(strstr(err.msg, "secret"));
	ck_assert_int_eq(team_server("host=db.example password=secret", fake_env_none, &ci, &err),
			 POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, ".pgpass"));
	ck_assert_int_eq(team_server("postgresql://u:p@h/d", fake_env_none, &ci, &err),
			 POISE_USAGE);
	ck_assert_int_eq(team_server("postgresql://h/d?password=p", fake_env_none, &ci, &err),
			 POISE_USAGE);
	/* Not an address at all. */
	ck_assert_int_eq(team_server("host=", fake_env_none, &ci, &err), POISE_OK);
	ck_assert_int_eq(team_server("nonsense without equals", fake_env_none, &ci, &err),
			 POISE_USAGE);
}
END_TEST

Suite *team_schema_suite(void)
{
	Suite *s = suite_create("team_schema");
	TCase *tc = tcase_create("roles");

	tcase_add_test(tc, test_init_versions);
	tcase_add_test(tc, test_figure_columns_are_the_lists);
	tcase_add_test(tc, test_agent_denials);
	tcase_add_test(tc, test_supervisor_denials);
	tcase_add_test(tc, test_trainer_denials);
	tcase_add_test(tc, test_qa_denials);
	tcase_add_test(tc, test_where_the_server_is);
	suite_add_tcase(s, tc);
	return s;
}
