/*
 * team_schema.c - the central schema and its upgrades (`poise server init`).
 *
 * As on the SQLite side (store_schema.c), migrations[v] takes the server
 * from version v to v + 1, in one transaction that also records the new
 * version in poise.schema_version; an advisory lock makes two inits at
 * once run one after the other. Append new steps; never edit a released
 * one. docs/database.md ("The team server") describes the result.
 *
 * Roles: three group roles, NOLOGIN, that people's login roles are made
 * members of. An agent's login role is named as the agent (calls.agent),
 * which is what the row-level security policies compare with current_user.
 * Group roles belong to the whole cluster, so they are created when
 * missing, by whichever database's init comes first.
 */
#include "team_int.h"

#include <stdlib.h>
#include <string.h>

/* The SQL is laid out as SQL; clang-format would break it mid-statement. */
/* clang-format off */
static const char *const migrations[] = {
	/* 0 -> 1: calls, events, follow-ups, figures, reviews, playbooks; roles and policies. */
	"DO $$ BEGIN\n"
	"	CREATE ROLE poise_agent NOLOGIN;\n"
	"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;\n"
	"DO $$ BEGIN\n"
	"	CREATE ROLE poise_supervisor NOLOGIN;\n"
	"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;\n"
	"DO $$ BEGIN\n"
	"	CREATE ROLE poise_trainer NOLOGIN;\n"
	"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;\n"
	"GRANT USAGE ON SCHEMA poise TO poise_agent, poise_supervisor, poise_trainer;\n"
	"CREATE FUNCTION poise.touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN NEW.xid := pg_current_xact_id(); RETURN NEW; END $$;\n"
	"CREATE TABLE poise.playbook_texts (\n"
	"	hash text PRIMARY KEY,\n"
	"	id text NOT NULL,\n"
	"	version text NOT NULL,\n"
	"	text text NOT NULL\n"
	");\n"
	"CREATE TABLE poise.calls (\n"
	"	id uuid PRIMARY KEY,\n"
	"	agent text NOT NULL,\n"
	"	customer text NOT NULL DEFAULT '',\n"
	"	customer_ref text NOT NULL DEFAULT '',\n"
	"	playbook_id text NOT NULL,\n"
	"	playbook_version text NOT NULL,\n"
	"	playbook_hash text NOT NULL REFERENCES poise.playbook_texts (hash),\n"
	"	started_at bigint NOT NULL,\n"
	"	ended_at bigint,\n"
	"	status text NOT NULL DEFAULT 'open'\n"
	"		CHECK (status IN ('open', 'done', 'interrupted')),\n"
	"	outcome text,\n"
	"	cause text,\n"
	"	mood_start integer,\n"
	"	mood_end integer,\n"
	"	last_seq integer NOT NULL DEFAULT 0,\n"
	"	wrapup_at bigint\n"
	");\n"
	"CREATE INDEX calls_agent_started ON poise.calls (agent, started_at, id);\n"
	"CREATE INDEX calls_started ON poise.calls (started_at, id);\n"
	"CREATE TABLE poise.events (\n"
	"	call_id uuid NOT NULL REFERENCES poise.calls (id),\n"
	"	seq integer NOT NULL CHECK (seq > 0),\n"
	"	t bigint NOT NULL,\n"
	"	kind text NOT NULL,\n"
	"	stage text NOT NULL,\n"
	"	a integer NOT NULL DEFAULT 0,\n"
	"	b integer NOT NULL DEFAULT 0,\n"
	"	text text,\n"
	"	PRIMARY KEY (call_id, seq)\n"
	");\n"
	"CREATE TABLE poise.followups (\n"
	"	call_id uuid NOT NULL REFERENCES poise.calls (id),\n"
	"	seq integer NOT NULL,\n"
	"	due date,\n"
	"	channel text NOT NULL DEFAULT '',\n"
	"	promise text NOT NULL DEFAULT '',\n"
	"	done_at bigint,\n"
	"	xid xid8 NOT NULL DEFAULT pg_current_xact_id(),\n"
	"	PRIMARY KEY (call_id, seq)\n"
	");\n"
	"CREATE INDEX followups_xid ON poise.followups (xid);\n"
	"CREATE INDEX followups_due ON poise.followups (due) WHERE done_at IS NULL;\n"
	"CREATE TRIGGER followups_touch BEFORE UPDATE ON poise.followups\n"
	"	FOR EACH ROW EXECUTE FUNCTION poise.touch();\n"
	"CREATE TABLE poise.call_figures (\n"
	"	call_id uuid PRIMARY KEY REFERENCES poise.calls (id),\n"
	"	fold integer NOT NULL,\n"
	"	last_seq integer NOT NULL,\n"
	/* As released: a figure's column added later comes with its own migration. */
	"	done smallint, interrupted smallint, handle_ms bigint, hold_ms bigint, "
	"holds integer, hold_longest_ms bigint, wrapup_ms bigint, escalated smallint, "
	"transferred smallint, warnings integer, abuse smallint, mood_start smallint, "
	"mood_end smallint, calmer smallint, empathy_ms bigint, checklist_ticked integer, "
	"checklist_items integer, calm_ms bigint, listen_ms bigint, empathize_ms bigint, "
	"clarify_ms bigint, inform_ms bigint, solve_ms bigint, boundary_ms bigint, "
	"follow_up_ms bigint, \n"
	"	figures bytea NOT NULL\n"
	");\n"
	"CREATE TABLE poise.reviews (\n"
	"	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n"
	"	call_id uuid NOT NULL REFERENCES poise.calls (id),\n"
	"	reviewer text NOT NULL DEFAULT current_user,\n"
	"	created_at bigint NOT NULL\n"
	"		DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,\n"
	"	comment text NOT NULL DEFAULT '' CHECK (octet_length(comment) <= 2000),\n"
	"	score_calm smallint CHECK (score_calm BETWEEN 1 AND 5),\n"
	"	score_listen smallint CHECK (score_listen BETWEEN 1 AND 5),\n"
	"	score_empathize smallint CHECK (score_empathize BETWEEN 1 AND 5),\n"
	"	score_clarify smallint CHECK (score_clarify BETWEEN 1 AND 5),\n"
	"	score_inform smallint CHECK (score_inform BETWEEN 1 AND 5),\n"
	"	score_solve smallint CHECK (score_solve BETWEEN 1 AND 5),\n"
	"	score_boundary smallint CHECK (score_boundary BETWEEN 1 AND 5),\n"
	"	score_follow_up smallint CHECK (score_follow_up BETWEEN 1 AND 5),\n"
	"	xid xid8 NOT NULL DEFAULT pg_current_xact_id()\n"
	");\n"
	"CREATE INDEX reviews_call ON poise.reviews (call_id);\n"
	"CREATE INDEX reviews_xid ON poise.reviews (xid);\n"
	"CREATE TRIGGER reviews_touch BEFORE UPDATE ON poise.reviews\n"
	"	FOR EACH ROW EXECUTE FUNCTION poise.touch();\n"
	"CREATE TABLE poise.playbooks (\n"
	"	hash text PRIMARY KEY,\n"
	"	id text NOT NULL,\n"
	"	version text NOT NULL,\n"
	"	text text NOT NULL,\n"
	"	published_by text NOT NULL DEFAULT current_user,\n"
	"	published_at bigint NOT NULL\n"
	"		DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,\n"
	"	xid xid8 NOT NULL DEFAULT pg_current_xact_id()\n"
	");\n"
	"CREATE INDEX playbooks_xid ON poise.playbooks (xid);\n"
	/* Wrap-up rows a centre's SQL wants as columns, read from the events. */
	"CREATE VIEW poise.reflections WITH (security_invoker = true) AS\n"
	"	SELECT call_id, seq, split_part(text, E'\\t', 1) AS went_well,\n"
	"	       split_part(text, E'\\t', 2) AS improve\n"
	"	FROM poise.events WHERE kind = 'reflection';\n"
	/* Who may do what. */
	"REVOKE ALL ON ALL TABLES IN SCHEMA poise FROM PUBLIC;\n"
	"GRANT SELECT ON ALL TABLES IN SCHEMA poise TO poise_agent, poise_supervisor;\n"
	"GRANT INSERT, UPDATE ON poise.calls, poise.followups, poise.call_figures TO poise_agent;\n"
	"GRANT INSERT ON poise.events, poise.playbook_texts TO poise_agent;\n"
	"GRANT INSERT, UPDATE ON poise.reviews TO poise_supervisor;\n"
	"GRANT UPDATE (done_at) ON poise.followups TO poise_supervisor;\n"
	"GRANT SELECT, INSERT ON poise.playbooks TO poise_trainer;\n"
	"ALTER TABLE poise.calls ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.events ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.followups ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.call_figures ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.reviews ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.playbooks ENABLE ROW LEVEL SECURITY;\n"
	/* An agent: their own calls only; the rest follows the call (RLS on calls hides others').
	 */
	"CREATE POLICY agent_calls ON poise.calls TO poise_agent\n"
	"	USING (agent = current_user) WITH CHECK (agent = current_user);\n"
	"CREATE POLICY agent_events ON poise.events TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id))\n"
	"	WITH CHECK (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id));\n"
	"CREATE POLICY agent_followups ON poise.followups TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id))\n"
	"	WITH CHECK (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id));\n"
	"CREATE POLICY agent_figures ON poise.call_figures TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id))\n"
	"	WITH CHECK (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id));\n"
	"CREATE POLICY agent_reviews ON poise.reviews FOR SELECT TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id));\n"
	"CREATE POLICY all_playbooks ON poise.playbooks FOR SELECT\n"
	"	TO poise_agent, poise_supervisor, poise_trainer USING (true);\n"
	/* A supervisor: reads everything, writes reviews as themselves, closes follow-ups. */
	"CREATE POLICY supervisor_calls ON poise.calls FOR SELECT TO poise_supervisor USING "
	"(true);\n"
	"CREATE POLICY supervisor_events ON poise.events FOR SELECT TO poise_supervisor\n"
	"	USING (true);\n"
	"CREATE POLICY supervisor_followups_read ON poise.followups FOR SELECT\n"
	"	TO poise_supervisor USING (true);\n"
	"CREATE POLICY supervisor_followups_done ON poise.followups FOR UPDATE\n"
	"	TO poise_supervisor USING (true) WITH CHECK (true);\n"
	"CREATE POLICY supervisor_figures ON poise.call_figures FOR SELECT TO poise_supervisor\n"
	"	USING (true);\n"
	"CREATE POLICY supervisor_reviews_read ON poise.reviews FOR SELECT TO poise_supervisor\n"
	"	USING (true);\n"
	"CREATE POLICY supervisor_reviews_add ON poise.reviews FOR INSERT TO poise_supervisor\n"
	"	WITH CHECK (reviewer = current_user);\n"
	"CREATE POLICY supervisor_reviews_edit ON poise.reviews FOR UPDATE TO poise_supervisor\n"
	"	USING (reviewer = current_user) WITH CHECK (reviewer = current_user);\n"
	/* A trainer: publishes playbooks under their own name. */
	"CREATE POLICY trainer_publish ON poise.playbooks FOR INSERT TO poise_trainer\n"
	"	WITH CHECK (published_by = current_user);\n",
	/*
	 * 1 -> 2: the team mirror (team_mirror.c) reads what changed since its
	 * last pull: calls and events carry the id of the transaction that
	 * last wrote them, as reviews, follow-ups and playbooks do.
	 */
	"ALTER TABLE poise.calls ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();\n"
	"CREATE INDEX calls_xid ON poise.calls (xid, id);\n"
	"CREATE TRIGGER calls_touch BEFORE UPDATE ON poise.calls\n"
	"	FOR EACH ROW EXECUTE FUNCTION poise.touch();\n"
	"ALTER TABLE poise.events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();\n",
	/*
	 * 2 -> 3: the QA loop (team_qa.c). Scores against a scorecard with
	 * their answers, and the agent's replies to reviews, by the uuids the
	 * agents' and supervisors' files give them; a review's edit time, so
	 * the later edit wins everywhere. An agent reads the scores and
	 * replies of their own calls (the policies follow the call, as for
	 * reviews) and adds replies, as themselves, to reviews of their own
	 * calls; a supervisor reads all and writes scores as themselves; a
	 * trainer neither.
	 */
	"ALTER TABLE poise.reviews ADD COLUMN updated_at bigint;\n"
	"CREATE TABLE poise.qa_scores (\n"
	"	id uuid PRIMARY KEY,\n"
	"	call_id uuid NOT NULL REFERENCES poise.calls (id),\n"
	"	reviewer text NOT NULL DEFAULT current_user,\n"
	"	scorecard_id text NOT NULL,\n"
	"	scorecard_version text NOT NULL,\n"
	"	created_at bigint NOT NULL,\n"
	"	updated_at bigint NOT NULL,\n"
	"	score integer CHECK (score BETWEEN 0 AND 10000),\n"
	"	auto_failed boolean NOT NULL DEFAULT false,\n"
	"	xid xid8 NOT NULL DEFAULT pg_current_xact_id()\n"
	");\n"
	"CREATE INDEX qa_scores_call ON poise.qa_scores (call_id);\n"
	"CREATE INDEX qa_scores_xid ON poise.qa_scores (xid);\n"
	"CREATE TRIGGER qa_scores_touch BEFORE UPDATE ON poise.qa_scores\n"
	"	FOR EACH ROW EXECUTE FUNCTION poise.touch();\n"
	"CREATE TABLE poise.qa_answers (\n"
	"	score_id uuid NOT NULL REFERENCES poise.qa_scores (id),\n"
	"	criterion text NOT NULL,\n"
	"	weight smallint NOT NULL CHECK (weight BETWEEN 1 AND 100),\n"
	"	scale smallint NOT NULL CHECK (scale IN (2, 5)),\n"
	"	auto_fail boolean NOT NULL DEFAULT false,\n"
	"	value smallint CHECK (value BETWEEN 0 AND 5),\n"
	"	PRIMARY KEY (score_id, criterion)\n"
	");\n"
	"CREATE TABLE poise.review_replies (\n"
	"	id uuid PRIMARY KEY,\n"
	"	review_id uuid NOT NULL REFERENCES poise.reviews (id),\n"
	"	agent text NOT NULL DEFAULT current_user,\n"
	"	created_at bigint NOT NULL,\n"
	"	kind text NOT NULL CHECK (kind IN ('ack', 'reply', 'dispute')),\n"
	"	text text NOT NULL DEFAULT '' CHECK (octet_length(text) <= 2000),\n"
	"	xid xid8 NOT NULL DEFAULT pg_current_xact_id()\n"
	");\n"
	"CREATE INDEX review_replies_review ON poise.review_replies (review_id);\n"
	"CREATE INDEX review_replies_xid ON poise.review_replies (xid);\n"
	"REVOKE ALL ON poise.qa_scores, poise.qa_answers, poise.review_replies FROM PUBLIC;\n"
	"GRANT SELECT ON poise.qa_scores, poise.qa_answers, poise.review_replies\n"
	"	TO poise_agent, poise_supervisor;\n"
	"GRANT INSERT, UPDATE ON poise.qa_scores TO poise_supervisor;\n"
	"GRANT INSERT, DELETE ON poise.qa_answers TO poise_supervisor;\n"
	"GRANT INSERT, UPDATE ON poise.review_replies TO poise_agent;\n"
	"ALTER TABLE poise.qa_scores ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.qa_answers ENABLE ROW LEVEL SECURITY;\n"
	"ALTER TABLE poise.review_replies ENABLE ROW LEVEL SECURITY;\n"
	"CREATE POLICY agent_qa_scores ON poise.qa_scores FOR SELECT TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.calls c WHERE c.id = call_id));\n"
	"CREATE POLICY agent_qa_answers ON poise.qa_answers FOR SELECT TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.qa_scores s WHERE s.id = score_id));\n"
	"CREATE POLICY agent_replies_read ON poise.review_replies FOR SELECT TO poise_agent\n"
	"	USING (EXISTS (SELECT 1 FROM poise.reviews r WHERE r.id = review_id));\n"
	"CREATE POLICY agent_replies_add ON poise.review_replies FOR INSERT TO poise_agent\n"
	"	WITH CHECK (agent = current_user\n"
	"		AND EXISTS (SELECT 1 FROM poise.reviews r WHERE r.id = review_id));\n"
	"CREATE POLICY agent_replies_edit ON poise.review_replies FOR UPDATE TO poise_agent\n"
	"	USING (agent = current_user)\n"
	"	WITH CHECK (agent = current_user\n"
	"		AND EXISTS (SELECT 1 FROM poise.reviews r WHERE r.id = review_id));\n"
	"CREATE POLICY supervisor_qa_scores_read ON poise.qa_scores FOR SELECT\n"
	"	TO poise_supervisor USING (true);\n"
	"CREATE POLICY supervisor_qa_scores_add ON poise.qa_scores FOR INSERT\n"
	"	TO poise_supervisor WITH CHECK (reviewer = current_user);\n"
	"CREATE POLICY supervisor_qa_scores_edit ON poise.qa_scores FOR UPDATE\n"
	"	TO poise_supervisor USING (reviewer = current_user) WITH CHECK (reviewer = current_user);\n"
	"CREATE POLICY supervisor_qa_answers_read ON poise.qa_answers FOR SELECT\n"
	"	TO poise_supervisor USING (true);\n"
	"CREATE POLICY supervisor_qa_answers_write ON poise.qa_answers FOR INSERT\n"
	"	TO poise_supervisor WITH CHECK (EXISTS (SELECT 1 FROM poise.qa_scores s\n"
	"		WHERE s.id = score_id AND s.reviewer = current_user));\n"
	"CREATE POLICY supervisor_qa_answers_drop ON poise.qa_answers FOR DELETE\n"
	"	TO poise_supervisor USING (EXISTS (SELECT 1 FROM poise.qa_scores s\n"
	"		WHERE s.id = score_id AND s.reviewer = current_user));\n"
	"CREATE POLICY supervisor_replies_read ON poise.review_replies FOR SELECT\n"
	"	TO poise_supervisor USING (true);\n",
	/*
	 * 3 -> 4: the holes the role matrix (tests/team/check_team_rls.c) found.
	 * (a) A row's xid is the server's: the pulls read "changed since" by it,
	 * so a row inserted with a made-up one (far ahead) moved every reader's
	 * high-water mark past the rows written after it, which nobody then saw.
	 * Each role that inserts or updates a table with an xid now does so on
	 * every column but xid (column privileges; a column added later to such
	 * a table needs its own GRANT, and the matrix test fails without it),
	 * and touch() names its function whatever the session's search_path.
	 * (b) A member may SET ROLE to its group role and write as it: a call,
	 * review, score, reply or playbook signed poise_agent (or another group)
	 * is nobody's, so no group role writes (a restrictive policy, a_person,
	 * on every table with row-level security; a table added later needs it).
	 * (c) Any agent could store a playbook text under another text's hash,
	 * which every reader then took for it, and a trainer publish under a
	 * wrong one: a text's hash is now its SHA-256, as poise computes it
	 * (policies: the rows already there, and the owner's, stay as they are).
	 */
	"CREATE OR REPLACE FUNCTION poise.touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN NEW.xid := pg_catalog.pg_current_xact_id(); RETURN NEW; END $$;\n"
	"DO $$\n"
	"DECLARE r record; cols text;\n"
	"BEGIN\n"
	"	FOR r IN SELECT c.oid, a.grantee::regrole AS who, a.privilege_type AS priv\n"
	"		FROM pg_class c, aclexplode(c.relacl) a\n"
	"		WHERE c.relnamespace = 'poise'::regnamespace AND c.relkind = 'r'\n"
	"		AND a.privilege_type IN ('INSERT', 'UPDATE') AND a.grantee <> 0\n"
	"		AND a.grantee <> c.relowner AND EXISTS (SELECT 1 FROM pg_attribute x\n"
	"			WHERE x.attrelid = c.oid AND x.attname = 'xid' AND NOT x.attisdropped)\n"
	"	LOOP\n"
	"		SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols\n"
	"			FROM pg_attribute WHERE attrelid = r.oid AND attnum > 0\n"
	"			AND NOT attisdropped AND attname <> 'xid';\n"
	"		EXECUTE format('REVOKE %s ON %s FROM %s', r.priv, r.oid::regclass, r.who);\n"
	"		EXECUTE format('GRANT %s (%s) ON %s TO %s', r.priv, cols, r.oid::regclass,\n"
	"			r.who);\n"
	"	END LOOP;\n"
	"END $$;\n"
	"ALTER TABLE poise.playbook_texts ENABLE ROW LEVEL SECURITY;\n"
	"CREATE POLICY texts_read ON poise.playbook_texts FOR SELECT\n"
	"	TO poise_agent, poise_supervisor USING (true);\n"
	"CREATE POLICY texts_add ON poise.playbook_texts FOR INSERT TO poise_agent\n"
	"	WITH CHECK (hash = encode(sha256(convert_to(text, 'UTF8')), 'hex'));\n"
	"CREATE POLICY playbooks_hash ON poise.playbooks AS RESTRICTIVE FOR INSERT\n"
	"	TO poise_trainer WITH CHECK (hash = encode(sha256(convert_to(text, 'UTF8')), 'hex'));\n"
	"DO $$\n"
	"DECLARE r record;\n"
	"BEGIN\n"
	"	FOR r IN SELECT oid FROM pg_class WHERE relnamespace = 'poise'::regnamespace\n"
	"		AND relrowsecurity\n"
	"	LOOP\n"
	"		EXECUTE format('CREATE POLICY a_person ON %s AS RESTRICTIVE TO PUBLIC'\n"
	"			' USING (true) WITH CHECK (current_user NOT IN'\n"
	"			' (''poise_agent'', ''poise_supervisor'', ''poise_trainer''))',\n"
	"			r.oid::regclass);\n"
	"	END LOOP;\n"
	"END $$;\n",
};

/* clang-format on */

#define TEAM_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == TEAM_SCHEMA_VERSION,
	       "one migration per server schema version");

/*
 * The version recorded on the server; 0 when there is no poise schema yet.
 * One round trip (every sync starts here): a missing schema or table is
 * the error that says so. Outside a transaction, or after the step that
 * makes the table (an error would end the transaction).
 */
static enum poise_status read_version(struct team *t, int *out, struct poise_error *err)
{
	PGresult *res = PQexec(t->pg, "SELECT version FROM poise.schema_version");
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	enum poise_status ps = POISE_OK;

	*out = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		if (PQntuples(res) == 1)
			*out = atoi(PQgetvalue(res, 0, 0));
	} else if (!state || (strcmp(state, "42P01") != 0 && strcmp(state, "3F000") != 0)) {
		/* 42P01 undefined_table, 3F000 invalid_schema_name: no schema yet */
		ps = team_fail(t, res, "read the server's schema version", err);
	}
	PQclear(res);
	return ps;
}

static enum poise_status newer(int have, struct poise_error *err)
{
	return poise_error_set(err, POISE_DB_NEWER, NULL, 0, 0,
			       "the server's poise schema is version %d, newer than this poise "
			       "knows (%d): upgrade poise",
			       have, TEAM_SCHEMA_VERSION);
}

enum poise_status team_check_version(struct team *t, struct poise_error *err)
{
	int v = t->version;
	/* Read at connect (in the same round trip as the session's set-up): once. */
	enum poise_status ps = t->has_version ? POISE_OK : read_version(t, &v, err);

	t->has_version = 0;
	if (ps != POISE_OK)
		return ps;
	if (v > TEAM_SCHEMA_VERSION)
		return newer(v, err);
	if (v < TEAM_SCHEMA_VERSION)
		return poise_error_set(err, POISE_DB_OLDER, NULL, 0, 0,
				       "the server has poise schema %d, and this poise needs %d: "
				       "have its owner run 'poise server init'",
				       v, TEAM_SCHEMA_VERSION);
	return POISE_OK;
}

static enum poise_status step(struct team *t, int *version, struct poise_error *err)
{
	enum poise_status ps;
	char sql[160];
	int now;

	if ((ps = team_exec(
		     t,
		     /* Only the catalog's own functions and types, whoever can create elsewhere. */
		     "BEGIN; SET LOCAL search_path = pg_catalog, pg_temp;"
		     "SELECT pg_advisory_xact_lock(hashtext('poise schema'));"
		     "CREATE SCHEMA IF NOT EXISTS poise;"
		     "CREATE TABLE IF NOT EXISTS poise.schema_version (version integer NOT NULL);"
		     "GRANT USAGE ON SCHEMA poise TO PUBLIC;"
		     "GRANT SELECT ON poise.schema_version TO PUBLIC",
		     "start upgrading the server's schema", err)) != POISE_OK)
		goto fail;
	if ((ps = read_version(t, &now, err)) != POISE_OK)
		goto fail;
	if (now > TEAM_SCHEMA_VERSION) {
		ps = newer(now, err);
		goto fail;
	}
	if (now == TEAM_SCHEMA_VERSION) { /* another init did it meanwhile */
		*version = now;
		return team_exec(t, "COMMIT", "finish upgrading the server's schema", err);
	}
	if ((ps = team_exec(t, migrations[now], "upgrade the server's schema", err)) != POISE_OK)
		goto fail;
	snprintf(sql, sizeof(sql),
		 "DELETE FROM poise.schema_version; INSERT INTO poise.schema_version VALUES (%d);"
		 "COMMIT",
		 now + 1);
	if ((ps = team_exec(t, sql, "record the server's schema version", err)) != POISE_OK)
		goto fail;
	*version = now + 1;
	return POISE_OK;
fail:
	PQclear(PQexec(t->pg, "ROLLBACK"));
	return ps;
}

/*
 * Only the owner of the poise schema (or, before there is one, a role that
 * may create schemas in the database) upgrades it: anyone else would fail
 * half-way on a privilege, with PostgreSQL's words. Say so first, and how.
 */
static enum poise_status owner_only(struct team *t, struct poise_error *err)
{
	PGresult *res = PQexec(
		t->pg, "SELECT coalesce((SELECT pg_catalog.pg_has_role(nspowner, 'USAGE')"
		       " FROM pg_catalog.pg_namespace WHERE nspname = 'poise'),"
		       " pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE'))");
	enum poise_status ps = POISE_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		ps = team_fail(t, res, "read who owns the server's schema", err);
	else if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
		ps = poise_error_set(err, POISE_DB, NULL, 0, 0,
				     "role '%s' does not own the poise schema of this database, "
				     "and only its owner may create or upgrade it: run 'poise "
				     "server init' as the database's owner",
				     t->role);
	PQclear(res);
	return ps;
}

enum poise_status team_init_upto(struct team *t, int target, int *from, int *to,
				 struct poise_error *err)
{
	enum poise_status ps;
	int v;

	t->has_version = 0; /* the version read at connect is about to change */
	if ((ps = read_version(t, &v, err)) != POISE_OK)
		return ps;
	if (from)
		*from = v;
	if (v > TEAM_SCHEMA_VERSION)
		return newer(v, err);
	if (v < target && (ps = owner_only(t, err)) != POISE_OK)
		return ps;
	while (v < target)
		if ((ps = step(t, &v, err)) != POISE_OK)
			return ps;
	if (to)
		*to = v;
	return POISE_OK;
}

enum poise_status team_init(struct team *t, int *from, int *to, struct poise_error *err)
{
	return team_init_upto(t, TEAM_MIGRATIONS, from, to, err);
}
