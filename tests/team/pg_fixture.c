/* pg_fixture.c - see pg_fixture.h. */
#include "pg_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pgt_setup(void)
{
	static char why[512];
	char line[1024];
	FILE *f = fopen(POISE_PG_ENV, "r");
	int have = 0;

	if (!f) {
		snprintf(why, sizeof(why),
			 "no test cluster (%s is missing): run the tests with ctest, whose "
			 "fixture team_pg_start starts it",
			 POISE_PG_ENV);
		return why;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "POISE_PG_SKIP", 13) == 0) {
			fclose(f);
			return "no PostgreSQL server (initdb, pg_ctl) installed: install "
			       "postgresql "
			       "(scripts/deps.sh test)";
		}
		if (!eq)
			continue;
		*eq = '\0';
		setenv(line, eq + 1, 1);
		have |= strcmp(line, "PGHOST") == 0;
	}
	fclose(f);
	unsetenv("PGDATABASE");
	unsetenv("PGSERVICE");
	unsetenv("POISE_SERVER");
	return have ? NULL : "the test cluster's env file names no PGHOST";
}

const char *pgt_conninfo(const char *db, const char *role)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "dbname=%s user=%s", db, role ? role : "postgres");
	return buf;
}

PGconn *pgt_connect(const char *db, const char *role)
{
	PGconn *c = PQconnectdb(pgt_conninfo(db, role));

	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "connect to %s as %s: %s", db,
		      role ? role : "postgres", PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return c;
}

int pgt_try(PGconn *c, const char *sql, char state[6])
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	if (state)
		snprintf(state, 6, "%s", ok || !st ? "" : st);
	PQclear(r);
	return ok;
}

void pgt_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);

	ck_assert_msg(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK, "%s: %s", sql,
		      PQresultErrorMessage(r));
	PQclear(r);
}

long long pgt_int(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	long long v;

	ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "%s: %s", sql,
		      PQresultErrorMessage(r));
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

void pgt_db(const char *name)
{
	PGconn *c = pgt_connect("postgres", NULL);
	char sql[256];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	pgt_ok(c, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE template0", name);
	pgt_ok(c, sql);
	PQfinish(c);
}

void pgt_role(PGconn *admin, const char *name, const char *group)
{
	char sql[512];

	/* Roles belong to the cluster, shared by the test programs running at once. */
	snprintf(sql, sizeof(sql),
		 "DO $$ BEGIN CREATE ROLE %s LOGIN; EXCEPTION WHEN duplicate_object OR "
		 "unique_violation THEN NULL; END $$",
		 name);
	pgt_ok(admin, sql);
	snprintf(sql, sizeof(sql), "GRANT %s TO %s", group, name);
	pgt_ok(admin, sql);
}

void pgt_cluster(const char *cmd, const char *dir)
{
	char sh[1024];

	snprintf(sh, sizeof(sh), "sh %s/scripts/pg-cluster.sh %s %s", POISE_SOURCE_DIR, cmd, dir);
	ck_assert_msg(system(sh) == 0, "%s failed", sh);
}
