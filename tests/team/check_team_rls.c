/*
 * check_team_rls.c - the server's roles and row-level security as a matrix.
 *
 * Issue 10: "an agent can insert only their own calls and events and read
 * only their own calls and the reviews of them; a supervisor reads
 * everything and writes reviews; a trainer publishes playbooks. Test each
 * denial by trying it with that role's connection."
 *
 * For every relation of the poise schema, every role (an agent, a
 * supervisor, a trainer, a login role with no poise role) and every
 * operation, the matrix below says what the issue allows, and each cell is
 * tried for real over that role's own connection, in a transaction rolled
 * back after it (so no cell depends on another). The catalog is checked
 * against the same lists, so a table, view, sequence or function added
 * later without its row here fails the test (the class, not the examples).
 * Then the sneaky forms one by one. The server is made "as released" at
 * schema version 3, given its rows, and upgraded: the upgrade is what a
 * centre's existing server gets.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_fixture.h"
#include "sync_fixture.h"
#include "poise/team.h"
#include "main/suite.h"
#include "team_int.h"
#include "poise/team_floor.h"

#define DB "t_rls"

/* Own role names: roles are the cluster's, shared with the other team tests running. */
#define ANN "r_ann"
#define BOB "r_bob"
#define SUE "r_sue"
#define TIA "r_tia"
#define NOB "r_nob" /* logs in, no poise role */

#define A1 "019b0000-0000-7000-8000-0000000000a1"
#define A2 "019b0000-0000-7000-8000-0000000000a2"
#define B1 "019b0000-0000-7000-8000-0000000000b1"
#define RA "019b0000-0000-7000-8000-0000000001a1"
#define RB "019b0000-0000-7000-8000-0000000001b1"
#define SA "019b0000-0000-7000-8000-0000000002a1"
#define SB "019b0000-0000-7000-8000-0000000002b1"

/* A text's hash as poise computes it (SHA-256, hex), in SQL. */
#define HASH(text) "encode(sha256(convert_to(" text ", 'UTF8')), 'hex')"

enum { R_ANN, R_SUE, R_TIA, R_NOB, ROLES };
static const char *const roles[ROLES] = {ANN, SUE, TIA, NOB};

/* A server at schema 3 with two agents' calls and everything hanging off them; then 4. */
static PGconn *setup(void)
{
	struct team *t;
	struct poise_error err;
	int from = -1, to = -1;
	PGconn *admin;

	pgt_db(DB);
	t = sfx_team(DB, NULL);
	ck_assert_msg(team_init_upto(t, 3, &from, &to, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(to, 3);
	admin = pgt_connect(DB, NULL);
	pgt_role(admin, ANN, "poise_agent");
	pgt_role(admin, BOB, "poise_agent");
	pgt_role(admin, SUE, "poise_supervisor");
	pgt_role(admin, TIA, "poise_trainer");
	pgt_ok(admin, "DO $$ BEGIN CREATE ROLE " NOB " LOGIN; EXCEPTION WHEN duplicate_object OR "
		      "unique_violation THEN NULL; END $$");
	pgt_ok(admin,
	       "INSERT INTO poise.playbook_texts SELECT " HASH("'id: general'") ", 'general', '1',"
	       " 'id: general';"
	       "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, playbook_hash,"
	       " started_at) SELECT x.id::uuid, x.agent, 'general', '1', hash, 1"
	       " FROM poise.playbook_texts, (VALUES ('" A1 "', '" ANN "'), ('" A2 "', '" ANN "'),"
	       " ('" B1 "', '" BOB "')) x (id, agent);"
	       "INSERT INTO poise.events (call_id, seq, t, kind, stage, text) VALUES"
	       " ('" A1 "', 1, 1, 'start', 'calm', NULL),"
	       " ('" A1 "', 2, 2, 'reflection', 'calm', E'a\\tb'),"
	       " ('" B1 "', 1, 1, 'reflection', 'calm', E'c\\td');"
	       "INSERT INTO poise.followups (call_id, seq, promise) VALUES"
	       " ('" A1 "', 1, 'call back'), ('" B1 "', 1, 'write');"
	       "INSERT INTO poise.call_figures (call_id, fold, last_seq, figures) VALUES"
	       " ('" A1 "', 1, 2, '\\x00'), ('" B1 "', 1, 1, '\\x00');"
	       "INSERT INTO poise.reviews (id, call_id, reviewer, comment) VALUES"
	       " ('" RA "', '" A1 "', '" SUE "', 'good'), ('" RB "', '" B1 "', '" SUE "', 'fine');"
	       "INSERT INTO poise.qa_scores (id, call_id, reviewer, scorecard_id,"
	       " scorecard_version, created_at, updated_at, score) VALUES"
	       " ('" SA "', '" A1 "', '" SUE "', 'default', '1', 1, 1, 5000),"
	       " ('" SB "', '" B1 "', '" SUE "', 'default', '1', 1, 1, 7000);"
	       "INSERT INTO poise.qa_answers (score_id, criterion, weight, scale, value) VALUES"
	       " ('" SA "', 'listened', 10, 5, 3), ('" SB "', 'listened', 10, 5, 4);"
	       "INSERT INTO poise.review_replies (id, review_id, agent, created_at, kind) VALUES"
	       " (gen_random_uuid(), '" RA "', '" ANN "', 2, 'ack'),"
	       " (gen_random_uuid(), '" RB "', '" BOB "', 2, 'ack');"
	       "INSERT INTO poise.playbooks (hash, id, version, text, published_by)"
	       " SELECT " HASH("'id: general'") ", 'general', '1', 'id: general', '" TIA "'");
	ck_assert_msg(team_init(t, &from, &to, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(from, 3);
	ck_assert_int_eq(to, TEAM_SCHEMA_VERSION);
	team_close(t);
	return admin;
}

/*
 * What sql did: "n" refused by a privilege or a policy (42501), "c" by a
 * CHECK (23514), "f" refused as not supported (0A000, COPY FROM a table
 * with row-level security), "y" done, a number: done, and the one value it
 * returned (a count), "e:STATE" anything else. COPY TO gives its row
 * count; COPY FROM sends the one row in copy_row (NULL: none at all).
 */
static void outcome(PGconn *c, const char *sql, const char *copy_row, char *out, size_t size)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	long n = 0;
	char *line;

	if (s == PGRES_COPY_OUT) {
		while (PQgetCopyData(c, &line, 0) > 0) {
			n++;
			PQfreemem(line);
		}
		PQclear(r);
		r = PQgetResult(c);
		s = PQresultStatus(r);
		if (s == PGRES_COMMAND_OK) {
			snprintf(out, size, "%ld", n);
			goto done;
		}
	} else if (s == PGRES_COPY_IN) {
		PQclear(r);
		if (copy_row)
			PQputCopyData(c, copy_row, (int)strlen(copy_row));
		PQputCopyEnd(c, NULL);
		r = PQgetResult(c);
		s = PQresultStatus(r);
	}
	if (s == PGRES_TUPLES_OK && PQntuples(r) == 1)
		snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
	else if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
		snprintf(out, size, "y");
	else {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		st = st ? st : "?";
		snprintf(out, size, "%s",
			 strcmp(st, "42501") == 0   ? "n"
			 : strcmp(st, "23514") == 0 ? "c"
			 : strcmp(st, "0A000") == 0 ? "f"
						    : "e:");
		if (strcmp(out, "e:") == 0)
			snprintf(out, size, "e:%s %.80s", st, PQresultErrorMessage(r));
	}
done:
	PQclear(r);
	while ((r = PQgetResult(c)))
		PQclear(r);
}

/*
 * One cell of the matrix per role: sql, tried as each role in a transaction
 * rolled back; want holds the four outcomes (agent, supervisor, trainer, no
 * role), space-separated. A mismatch is added to bad.
 */
struct cell {
	const char *what; /* e.g. "calls SELECT" */
	const char *sql;
	const char *copy_row;
	const char *want;
};

static void try_cell(PGconn *const *as, const struct cell *c, char *bad, size_t size)
{
	char want[128], *save = NULL, *w;

	snprintf(want, sizeof(want), "%s", c->want);
	w = strtok_r(want, " ", &save);
	for (int r = 0; r < ROLES; r++, w = strtok_r(NULL, " ", &save)) {
		char got[160];

		ck_assert_msg(w, "%s: want has fewer than %d outcomes", c->what, ROLES);
		pgt_ok(as[r], "BEGIN");
		outcome(as[r], c->sql, c->copy_row, got, sizeof(got));
		PQclear(PQexec(as[r], "ROLLBACK"));
		if (strcmp(got, w) != 0) {
			size_t len = strlen(bad);

			snprintf(bad + len, size - len, "\n  %s as %s: want %s, got %s", c->what,
				 roles[r], w, got);
		}
	}
}

/* The relations of the schema, and who may do what with each (the matrix's rows). */
struct relation {
	const char *name;
	char kind;	     /* pg_class.relkind */
	int rls;	     /* row-level security on */
	const char *select;  /* SELECT count(*), each role */
	const char *insert;  /* an INSERT of the role's own row, by its columns */
	const char *insert_want;
	const char *update;  /* SET a column to itself, rows touched */
	const char *update_want;
	const char *del_want;	/* DELETE, rows gone */
	const char *copy_in_want; /* COPY FROM STDIN of insert's row in copy_row */
	const char *copy_row;
};

/*
 * The matrix. Outcomes: agent r_ann, supervisor r_sue, trainer r_tia, no
 * poise role r_nob. TRUNCATE is refused to all, on every table (below), as
 * is any INSERT or UPDATE that names xid, and COPY TO shows what SELECT does.
 * COPY FROM into a table is refused to every role: by the column privileges
 * where a table has an xid (the role may not fill every column), else as
 * unsupported under row-level security (sync COPYs into its own TEMP
 * staging tables, then INSERTs from them).
 */
static const struct relation relations[] = {
	{"calls", 'r', 1, "2 3 n n",
	 "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, playbook_hash,"
	 " started_at) SELECT gen_random_uuid(), current_user, 'general', '1', hash, 9"
	 " FROM poise.playbook_texts",
	 "y n n n", "outcome = outcome", "2 n n n", "n n n n", "n n n n", NULL},
	{"events", 'r', 1, "2 3 n n",
	 "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES"
	 " ('" A2 "', 1, 9, 'start', 'calm')",
	 "y n n n", "text = text", "n n n n", "n n n n", "n n n n",
	 A2 "\t1\t9\tstart\tcalm\t0\t0\t\\N\n"},
	{"followups", 'r', 1, "1 2 n n",
	 "INSERT INTO poise.followups (call_id, seq, promise) VALUES ('" A2 "', 1, 'x')",
	 "y n n n", "done_at = done_at", "1 2 n n", "n n n n", "n n n n", NULL},
	{"call_figures", 'r', 1, "1 2 n n",
	 "INSERT INTO poise.call_figures (call_id, fold, last_seq, figures) VALUES"
	 " ('" A2 "', 1, 1, '\\x00')",
	 "y n n n", "fold = fold", "1 n n n", "n n n n", "f n n n", NULL},
	{"reviews", 'r', 1, "1 2 n n",
	 "INSERT INTO poise.reviews (id, call_id, comment) VALUES (gen_random_uuid(), '" A1
	 "', 'x')",
	 "n y n n", "comment = comment", "n 2 n n", "n n n n", "n n n n", NULL},
	{"qa_scores", 'r', 1, "1 2 n n",
	 "INSERT INTO poise.qa_scores (id, call_id, scorecard_id, scorecard_version,"
	 " created_at, updated_at) VALUES (gen_random_uuid(), '" A1 "', 'd', '1', 1, 1)",
	 "n y n n", "score = score", "n 2 n n", "n n n n", "n n n n", NULL},
	{"qa_answers", 'r', 1, "1 2 n n",
	 "INSERT INTO poise.qa_answers (score_id, criterion, weight, scale) VALUES"
	 " ('" SA "', 'x', 1, 2)",
	 "n y n n", "value = value", "n n n n", "n 2 n n", "n f n n", NULL},
	{"review_replies", 'r', 1, "1 2 n n",
	 "INSERT INTO poise.review_replies (id, review_id, created_at, kind) VALUES"
	 " (gen_random_uuid(), '" RA "', 3, 'reply')",
	 "y n n n", "text = text", "1 n n n", "n n n n", "n n n n", NULL},
	/* Shared by all who read calls; an agent adds the texts their calls used. */
	{"playbook_texts", 'r', 1, "1 1 n n",
	 "INSERT INTO poise.playbook_texts (hash, id, version, text) SELECT " HASH("'id: x'")
	 ", 'x', '1', 'id: x'",
	 "y n n n", "text = text", "n n n n", "n n n n", "f n n n",
	 "56a14c9768e2e1abe396d81ddaf689e901a0e20da62a23f27fe95f0c5aac038a\tx\t1\tid: x\n"},
	{"playbooks", 'r', 1, "1 1 1 n",
	 "INSERT INTO poise.playbooks (hash, id, version, text) SELECT " HASH("'id: y'")
	 ", 'y', '1', 'id: y'",
	 "n n y n", "text = text", "n n n n", "n n n n", "n n n n", NULL},
	{"schema_version", 'r', 0, "1 1 1 1", "INSERT INTO poise.schema_version VALUES (9)",
	 "n n n n", "version = version", "n n n n", "n n n n", "n n n n", NULL},
	/* A view over events, as its reader: the events' policies apply (security_invoker). */
	{"reflections", 'v', 0, "1 2 n n",
	 "INSERT INTO poise.reflections (call_id, seq) VALUES ('" A2 "', 5)", "n n n n",
	 "seq = seq", "n n n n", "n n n n", NULL, NULL},
};
#define RELATIONS (sizeof(relations) / sizeof(relations[0]))

/* The functions of the schema; none runs as its owner (SECURITY DEFINER). */
static const char *const functions[] = {"touch"};

/* Every relation, function and sequence of the schema is in the lists above. */
START_TEST(test_catalog_is_the_matrix)
{
	PGconn *admin = setup();
	char sql[2048], names[1024] = "";
	PGresult *r;

	for (size_t i = 0; i < RELATIONS; i++) {
		size_t len = strlen(names);

		snprintf(names + len, sizeof(names) - len, "%s%s:%c:%d", len ? "," : "",
			 relations[i].name, relations[i].kind, relations[i].rls);
	}
	snprintf(sql, sizeof(sql),
		 "SELECT string_agg(relname || ':' || relkind::text || ':' || relrowsecurity::int,"
		 " ',' ORDER BY relname COLLATE \"C\") = (SELECT string_agg(x, ',' ORDER BY x"
		 " COLLATE \"C\") FROM unnest(string_to_array('%s', ',')) x)::text,"
		 " string_agg(relname || ':' || relkind::text || ':' || relrowsecurity::int, ','"
		 " ORDER BY relname COLLATE \"C\")"
		 " FROM pg_class WHERE relnamespace = 'poise'::regnamespace"
		 " AND relkind NOT IN ('i', 'I', 't')",
		 names);
	r = PQexec(admin, sql);
	ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
	ck_assert_msg(strcmp(PQgetvalue(r, 0, 0), "t") == 0,
		      "the schema's relations are %s; the matrix lists %s", PQgetvalue(r, 0, 1),
		      names);
	PQclear(r);
	/* Every table with row-level security lets no group role write (SET ROLE poise_agent). */
	r = PQexec(admin, "SELECT string_agg(relname, ' ') FROM pg_class c WHERE relnamespace ="
			  " 'poise'::regnamespace AND relrowsecurity AND NOT EXISTS (SELECT 1 FROM"
			  " pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'a_person' AND"
			  " NOT p.polpermissive)");
	ck_assert_msg(PQgetisnull(r, 0, 0), "without the policy a_person: %s", PQgetvalue(r, 0, 0));
	PQclear(r);
	/* Functions: the listed ones, none SECURITY DEFINER, none anyone may call as owner. */
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM pg_proc WHERE pronamespace ="
					" 'poise'::regnamespace AND prosecdef"),
			 0);
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM pg_proc WHERE pronamespace ="
					" 'poise'::regnamespace"),
			 (long long)(sizeof(functions) / sizeof(functions[0])));
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM pg_proc WHERE pronamespace ="
					" 'poise'::regnamespace AND proname = 'touch'"),
			 1);
	/*
	 * xid is the server's: no role inserts or updates it, on any table. And a
	 * table a role inserts into (or updates) takes every other column from it:
	 * a column added later without its GRANT fails here.
	 */
	for (int ro = 0; ro < ROLES; ro++)
		for (int p = 0; p < 2; p++) {
			const char *priv = p ? "UPDATE" : "INSERT";

			snprintf(sql, sizeof(sql),
				 "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid ="
				 " a.attrelid WHERE c.relnamespace = 'poise'::regnamespace AND"
				 " c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND"
				 " has_column_privilege('%s', c.oid, a.attnum, '%s') AND"
				 " a.attname = 'xid'",
				 roles[ro], priv);
			ck_assert_msg(pgt_int(admin, sql) == 0, "%s may %s an xid", roles[ro], priv);
			snprintf(sql, sizeof(sql),
				 "SELECT string_agg(c.relname || '.' || a.attname, ' ') FROM"
				 " pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE"
				 " c.relnamespace = 'poise'::regnamespace AND c.relkind = 'r' AND"
				 " a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'xid' AND"
				 " has_any_column_privilege('%s', c.oid, '%s') AND NOT"
				 " has_column_privilege('%s', c.oid, a.attnum, '%s') AND NOT"
				 " (c.relname = 'followups' AND '%s' = 'UPDATE')",
				 roles[ro], priv, roles[ro], priv, priv);
			r = PQexec(admin, sql);
			ck_assert_msg(PQgetisnull(r, 0, 0), "%s may %s these tables but not: %s",
				      roles[ro], priv, PQgetvalue(r, 0, 0));
			PQclear(r);
		}
	/* No one but the owner creates in the schema, or references, triggers, truncates. */
	for (int ro = 0; ro < ROLES; ro++) {
		snprintf(sql, sizeof(sql),
			 "SELECT has_schema_privilege('%s', 'poise', 'CREATE')::int + (SELECT"
			 " count(*) FROM pg_class c WHERE c.relnamespace = 'poise'::regnamespace"
			 " AND c.relkind IN ('r', 'v') AND (has_table_privilege('%s', c.oid,"
			 " 'TRUNCATE') OR has_any_column_privilege('%s', c.oid, 'REFERENCES') OR"
			 " has_table_privilege('%s', c.oid, 'TRIGGER')))",
			 roles[ro], roles[ro], roles[ro], roles[ro]);
		ck_assert_msg(pgt_int(admin, sql) == 0, "%s may create, truncate, reference or "
							"trigger",
			      roles[ro]);
	}
	PQfinish(admin);
}
END_TEST

static void connect_all(PGconn **as)
{
	for (int r = 0; r < ROLES; r++)
		as[r] = pgt_connect(DB, roles[r]);
}

static void finish_all(PGconn **as)
{
	for (int r = 0; r < ROLES; r++)
		PQfinish(as[r]);
}

/* Every relation, role and operation, tried. */
START_TEST(test_matrix)
{
	PGconn *admin = setup();
	PGconn *as[ROLES];
	static char bad[16384];
	char sel[160], upd[256], del[160], trunc[96], copy_to[96], copy_from[96], xid_ins[160],
		xid_upd[160], listen[32];

	bad[0] = '\0';
	connect_all(as);
	for (size_t i = 0; i < RELATIONS; i++) {
		const struct relation *rel = &relations[i];
		char what[64];

		snprintf(sel, sizeof(sel), "SELECT count(*) FROM poise.%s", rel->name);
		snprintf(upd, sizeof(upd),
			 "WITH u AS (UPDATE poise.%s SET %s RETURNING 1) SELECT count(*) FROM u",
			 rel->name, rel->update);
		snprintf(del, sizeof(del),
			 "WITH d AS (DELETE FROM poise.%s RETURNING 1) SELECT count(*) FROM d",
			 rel->name);
		snprintf(trunc, sizeof(trunc), "TRUNCATE poise.%s", rel->name);
		snprintf(copy_to, sizeof(copy_to), "COPY poise.%s TO STDOUT", rel->name);
		snprintf(copy_from, sizeof(copy_from), "COPY poise.%s FROM STDIN", rel->name);
		snprintf(what, sizeof(what), "%s SELECT", rel->name);
		try_cell(as, &(struct cell){what, sel, NULL, rel->select}, bad, sizeof(bad));
		snprintf(what, sizeof(what), "%s INSERT", rel->name);
		try_cell(as, &(struct cell){what, rel->insert, NULL, rel->insert_want}, bad,
			 sizeof(bad));
		snprintf(what, sizeof(what), "%s UPDATE", rel->name);
		try_cell(as, &(struct cell){what, upd, NULL, rel->update_want}, bad, sizeof(bad));
		snprintf(what, sizeof(what), "%s DELETE", rel->name);
		try_cell(as, &(struct cell){what, del, NULL, rel->del_want}, bad, sizeof(bad));
		if (rel->kind != 'r')
			continue;
		snprintf(what, sizeof(what), "%s TRUNCATE", rel->name);
		try_cell(as, &(struct cell){what, trunc, NULL, "n n n n"}, bad, sizeof(bad));
		/* COPY TO shows a role what SELECT does, no more. */
		snprintf(what, sizeof(what), "%s COPY TO", rel->name);
		try_cell(as, &(struct cell){what, copy_to, NULL, rel->select}, bad, sizeof(bad));
		snprintf(what, sizeof(what), "%s COPY FROM", rel->name);
		try_cell(as, &(struct cell){what, copy_from, rel->copy_row, rel->copy_in_want}, bad,
			 sizeof(bad));
	}
	/* An xid is the server's: naming it in an INSERT or UPDATE is refused to all. */
	for (size_t i = 0; i < RELATIONS; i++) {
		const struct relation *rel = &relations[i];
		char what[64], q[200];

		snprintf(q, sizeof(q),
			 "SELECT count(*) FROM pg_attribute WHERE attrelid = 'poise.%s'::regclass"
			 " AND attname = 'xid'",
			 rel->name);
		if (pgt_int(admin, q) == 0)
			continue;
		snprintf(xid_upd, sizeof(xid_upd),
			 "UPDATE poise.%s SET xid = '999999999'::xid8", rel->name);
		snprintf(what, sizeof(what), "%s UPDATE xid", rel->name);
		try_cell(as, &(struct cell){what, xid_upd, NULL, "n n n n"}, bad, sizeof(bad));
		snprintf(xid_ins, sizeof(xid_ins), "INSERT INTO poise.%s (xid) VALUES ('1'::xid8)",
			 rel->name);
		snprintf(what, sizeof(what), "%s INSERT xid", rel->name);
		try_cell(as, &(struct cell){what, xid_ins, NULL, "n n n n"}, bad, sizeof(bad));
	}
	/* No one creates in the schema: a table, a view, a function. */
	try_cell(as,
		 &(struct cell){"CREATE TABLE", "CREATE TABLE poise.x (a int)", NULL, "n n n n"},
		 bad, sizeof(bad));
	try_cell(as,
		 &(struct cell){"CREATE VIEW", "CREATE VIEW poise.v AS SELECT 1", NULL,
				"n n n n"},
		 bad, sizeof(bad));
	try_cell(as,
		 &(struct cell){"CREATE FUNCTION",
				"CREATE FUNCTION poise.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
				NULL, "n n n n"},
		 bad, sizeof(bad));
	/* touch() is a trigger's, called by no one directly. */
	try_cell(as, &(struct cell){"touch()", "SELECT poise.touch()", NULL, "f f f f"}, bad,
		 sizeof(bad));
	/*
	 * LISTEN and NOTIFY have no privileges in PostgreSQL: anyone who may
	 * connect to the database may do both (docs/database.md says so). What
	 * the floor's channel carries is a call's id and nothing else, and the
	 * floor reads the call under its own reader's rights.
	 */
	snprintf(listen, sizeof(listen), "LISTEN %s", TEAM_FLOOR_CHANNEL);
	try_cell(as, &(struct cell){"LISTEN", listen, NULL, "y y y y"}, bad, sizeof(bad));
	finish_all(as);
	PQfinish(admin);
	ck_assert_msg(bad[0] == '\0', "the matrix does not hold:%s", bad);
}
END_TEST

/* sql as role: refused with state (42501 privilege or policy, 23514 CHECK). */
static void refused(PGconn *c, const char *sql, const char *state)
{
	char got[6];

	pgt_ok(c, "SAVEPOINT s");
	ck_assert_msg(!pgt_try(c, sql, got), "done: %s", sql);
	ck_assert_msg(strcmp(got, state) == 0, "%s: SQLSTATE %s, want %s", sql, got, state);
	pgt_ok(c, "ROLLBACK TO SAVEPOINT s");
}

static long long count(PGconn *c, const char *sql)
{
	return pgt_int(c, sql);
}

#define CALL_AS(id, agent)                                                                         \
	"INSERT INTO poise.calls (id, agent, playbook_id, playbook_version, playbook_hash,"        \
	" started_at) SELECT '" id "', " agent ", 'general', '1', hash, 9 FROM poise.playbook_texts"

/* The sneaky forms, one by one. */
START_TEST(test_sneaky_forms)
{
	PGconn *admin = setup();
	PGconn *ann = pgt_connect(DB, ANN), *sue = pgt_connect(DB, SUE),
	       *tia = pgt_connect(DB, TIA), *bob = pgt_connect(DB, BOB);

	pgt_ok(ann, "BEGIN");
	/* An event into another agent's call; a call whose agent is another. */
	refused(ann, "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES ('" B1
		     "', 9, 9, 'note', 'calm')",
		"42501");
	refused(ann, CALL_AS("019b0000-0000-7000-8000-0000000000a9", "'" BOB "'"), "42501");
	/* An UPDATE that moves a row to another agent, or to another's call. */
	refused(ann, "UPDATE poise.calls SET agent = '" BOB "' WHERE id = '" A1 "'", "42501");
	refused(ann, "UPDATE poise.followups SET call_id = '" B1 "' WHERE call_id = '" A1 "'",
		"42501");
	refused(ann, "UPDATE poise.call_figures SET call_id = '" B1 "'", "42501");
	refused(ann, "UPDATE poise.review_replies SET review_id = '" RB "'", "42501");
	/* INSERT ... ON CONFLICT DO UPDATE onto another's row. */
	refused(ann,
		CALL_AS(B1, "current_user") " ON CONFLICT (id) DO UPDATE SET outcome = 'abuse'",
		"42501");
	refused(ann,
		"INSERT INTO poise.followups (call_id, seq) VALUES ('" B1 "', 1)"
		" ON CONFLICT (call_id, seq) DO UPDATE SET done_at = 1",
		"42501");
	refused(ann,
		"INSERT INTO poise.call_figures (call_id, fold, last_seq, figures) VALUES ('" B1
		"', 1, 1, '\\x00') ON CONFLICT (call_id) DO UPDATE SET fold = 9",
		"42501");
	/* Reading another's rows through a view, a join, RETURNING, a subquery. */
	ck_assert_int_eq(count(ann, "SELECT count(*) FROM poise.reflections WHERE call_id = '" B1
				    "'"),
			 0);
	ck_assert_int_eq(count(ann, "SELECT count(*) FROM poise.reviews r JOIN poise.calls c"
				    " ON c.id = r.call_id WHERE r.id = '" RB "'"),
			 0);
	ck_assert_int_eq(count(ann, "WITH u AS (UPDATE poise.calls SET outcome = outcome WHERE"
				    " id = '" B1 "' RETURNING agent) SELECT count(*) FROM u"),
			 0);
	ck_assert_int_eq(count(ann, "WITH i AS (" CALL_AS("019b0000-0000-7000-8000-0000000000aa",
							  "current_user")
				    " ON CONFLICT DO NOTHING RETURNING id) SELECT count(*) FROM"
				    " poise.calls WHERE agent <> current_user"),
			 0);
	ck_assert_int_eq(count(ann, "SELECT count(*) FROM poise.qa_answers a WHERE EXISTS"
				    " (SELECT 1 FROM poise.qa_scores s WHERE s.call_id = '" B1
				    "' AND s.id = a.score_id)"),
			 0);
	ck_assert_int_eq(count(ann, "SELECT count(*) FROM poise.review_replies WHERE review_id"
				    " = '" RB "'"),
			 0);
	/* A made-up xid (far ahead: every puller's mark past the rows after it). */
	refused(ann, "INSERT INTO poise.calls (id, agent, playbook_id, playbook_version,"
		     " playbook_hash, started_at, xid) SELECT gen_random_uuid(), current_user,"
		     " 'g', '1', hash, 9, '999999999999'::xid8 FROM poise.playbook_texts",
		"42501");
	/* A playbook text under another text's hash. */
	refused(ann, "INSERT INTO poise.playbook_texts (hash, id, version, text) SELECT "
		     HASH("'id: general\n# changed'") ", 'general', '2', 'not that text'",
		"42501");
	/* SET ROLE: to another person, to another group, or to one's own group to sign as it. */
	refused(ann, "SET ROLE " BOB, "42501");
	refused(ann, "SET ROLE poise_supervisor", "42501");
	refused(ann, "SET ROLE " SUE, "42501");
	pgt_ok(ann, "SET ROLE poise_agent");
	refused(ann, CALL_AS("019b0000-0000-7000-8000-0000000000ab", "current_user"), "42501");
	refused(ann, "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES ('" A1
		     "', 9, 9, 'note', 'calm')",
		"42501");
	pgt_ok(ann, "ROLLBACK");

	/* A supervisor: no calls or events as anyone, reviews only as themselves. */
	pgt_ok(sue, "BEGIN");
	refused(sue, CALL_AS("019b0000-0000-7000-8000-0000000000c1", "'" ANN "'"), "42501");
	refused(sue, CALL_AS("019b0000-0000-7000-8000-0000000000c2", "current_user"), "42501");
	refused(sue, "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES ('" A1
		     "', 9, 9, 'note', 'calm')",
		"42501");
	refused(sue, "INSERT INTO poise.reviews (call_id, reviewer) VALUES ('" A1 "', '" ANN "')",
		"42501");
	refused(sue, "UPDATE poise.reviews SET reviewer = '" ANN "'", "42501");
	refused(sue, "UPDATE poise.followups SET promise = 'x'", "42501");
	refused(sue, "SET ROLE " ANN, "42501");
	pgt_ok(sue, "SET ROLE poise_supervisor");
	refused(sue, "INSERT INTO poise.reviews (call_id) VALUES ('" A1 "')", "42501");
	pgt_ok(sue, "ROLLBACK");

	/* A trainer: no calls, events, reviews; playbooks only as themselves, by their hash. */
	pgt_ok(tia, "BEGIN");
	refused(tia, "SELECT count(*) FROM poise.calls", "42501");
	refused(tia, "SELECT count(*) FROM poise.events", "42501");
	refused(tia, "SELECT count(*) FROM poise.reflections", "42501");
	refused(tia, "INSERT INTO poise.playbooks (hash, id, version, text, published_by) SELECT "
		     HASH("'id: z'") ", 'z', '1', 'id: z', '" SUE "'",
		"42501");
	refused(tia, "INSERT INTO poise.playbooks (hash, id, version, text) VALUES ('"
		     "0000000000000000000000000000000000000000000000000000000000000000', 'z', '1',"
		     " 'id: z')",
		"42501");
	pgt_ok(tia, "ROLLBACK");

	/*
	 * Another session's staging table (sync's COPY goes into TEMP tables):
	 * another agent cannot read it.
	 */
	{
		char sql[200];
		PGresult *r;

		pgt_ok(ann, "CREATE TEMP TABLE stage_calls (id uuid, agent text);"
			    "INSERT INTO stage_calls VALUES ('" A1 "', '" ANN "')");
		r = PQexec(ann, "SELECT pg_my_temp_schema()::regnamespace::text");
		ck_assert_int_eq(PQresultStatus(r), PGRES_TUPLES_OK);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s.stage_calls",
			 PQgetvalue(r, 0, 0));
		PQclear(r);
		pgt_ok(bob, "BEGIN");
		refused(bob, sql, "42501");
		pgt_ok(bob, "ROLLBACK");
	}
	ck_assert_int_eq(pgt_int(admin, "SELECT count(*) FROM poise.calls"), 3);
	PQfinish(ann);
	PQfinish(sue);
	PQfinish(tia);
	PQfinish(bob);
	PQfinish(admin);
}
END_TEST

/* `poise server init` by a role that does not own the schema: refused, said, nothing changed. */
START_TEST(test_init_by_non_owner)
{
	PGconn *admin = setup();
	struct team *t;
	struct poise_error err;
	int from = -1, to = -1;

	/* Up to date: nothing to do, and saying so harms nothing. */
	t = sfx_team(DB, SUE);
	ck_assert_msg(team_init(t, &from, &to, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(from, TEAM_SCHEMA_VERSION);
	team_close(t);
	/* An older server: only its owner upgrades it. */
	pgt_ok(admin, "UPDATE poise.schema_version SET version = 3");
	for (int r = 0; r < ROLES; r++) {
		t = sfx_team(DB, roles[r]);
		ck_assert_int_eq(team_init(t, &from, &to, &err), POISE_DB);
		ck_assert_msg(strstr(err.msg, "only its owner") && strstr(err.msg, roles[r]), "%s",
			      err.msg);
		team_close(t);
	}
	ck_assert_int_eq(pgt_int(admin, "SELECT version FROM poise.schema_version"), 3);
	/* A database without the schema: a role that may not create there is told the same. */
	pgt_db(DB);
	t = sfx_team(DB, ANN);
	ck_assert_int_eq(team_init(t, &from, &to, &err), POISE_DB);
	ck_assert_ptr_nonnull(strstr(err.msg, "only its owner"));
	team_close(t);
	PQfinish(admin);
}
END_TEST

/* A denial a command meets says whose, what and what to do, in one line, not libpq's words. */
START_TEST(test_denial_messages)
{
	PGconn *admin = setup();
	struct team *t = sfx_team(DB, TIA);
	struct poise_error err;

	ck_assert_int_eq(team_exec(t, "SELECT count(*) FROM poise.reviews", "read from the server",
				   &err),
			 POISE_DB);
	ck_assert_msg(strstr(err.msg, "cannot read from the server") &&
			      strstr(err.msg, "role '" TIA "' (poise_trainer) may not") &&
			      strstr(err.msg, "permission denied for table reviews") &&
			      strstr(err.msg, "administrator") && !strchr(err.msg, '\n') &&
			      !strstr(err.msg, "ERROR:"),
		      "%s", err.msg);
	team_close(t);
	/* An agent writing for another: a policy's refusal reads the same way. */
	t = sfx_team(DB, ANN);
	ck_assert_int_eq(team_exec(t,
				   "INSERT INTO poise.events (call_id, seq, t, kind, stage) VALUES"
				   " ('" B1 "', 9, 9, 'note', 'calm')",
				   "send calls to the server", &err),
			 POISE_DB);
	ck_assert_msg(strstr(err.msg, "role '" ANN "' (poise_agent) may not") &&
			      strstr(err.msg, "row-level security") && strstr(err.msg, "administrator"),
		      "%s", err.msg);
	team_close(t);
	/* A login role with no poise role is told that, and what to ask for. */
	t = sfx_team(DB, NOB);
	ck_assert_int_eq(team_exec(t, "SELECT count(*) FROM poise.calls", "read from the server",
				   &err),
			 POISE_DB);
	ck_assert_msg(strstr(err.msg, "role '" NOB "' has none of the poise roles") &&
			      strstr(err.msg, "grant it"),
		      "%s", err.msg);
	team_close(t);
	PQfinish(admin);
}
END_TEST

Suite *team_rls_suite(void)
{
	Suite *s = suite_create("team_rls");
	TCase *tc = tcase_create("matrix");

	tcase_add_test(tc, test_catalog_is_the_matrix);
	tcase_add_test(tc, test_matrix);
	tcase_add_test(tc, test_sneaky_forms);
	tcase_add_test(tc, test_init_by_non_owner);
	tcase_add_test(tc, test_denial_messages);
	suite_add_tcase(s, tc);
	return s;
}
