/*
 * pg_fixture.h - a real PostgreSQL server for the team tests.
 *
 * The cluster is started once per test run by scripts/pg-cluster.sh (the
 * ctest fixture "pg"), which writes where it is to POISE_PG_ENV. Each test
 * case makes a fresh database in it (pgt_db), connects as the cluster's
 * superuser or as a role (pgt_conninfo), and runs SQL as either.
 */
#ifndef POISE_PG_FIXTURE_H
#define POISE_PG_FIXTURE_H

#include <libpq-fe.h>
#include <stddef.h>

/*
 * Read POISE_PG_ENV and export PGHOST, PGPORT and PGUSER from it. NULL when
 * the cluster is there, else why not (no server installed: a skip).
 */
const char *pgt_setup(void);

/* A fresh, empty database named name (dropped first when it exists). */
void pgt_db(const char *name);

/* "dbname=DB user=ROLE" (role NULL: the superuser) in a static buffer. */
const char *pgt_conninfo(const char *db, const char *role);

/* A connection to db as role (NULL: superuser); fails the test if none. */
PGconn *pgt_connect(const char *db, const char *role);

/* Run sql; 1 if it succeeded, 0 if the server refused it (its SQLSTATE in state[6]). */
int pgt_try(PGconn *c, const char *sql, char state[6]);
/* Run sql and fail the test unless it succeeds. */
void pgt_ok(PGconn *c, const char *sql);
/* The first column of the first row of sql as a number; fails the test on error. */
long long pgt_int(PGconn *c, const char *sql);

/* Create login role name in group (poise_agent, ...) unless it exists. */
void pgt_role(PGconn *admin, const char *name, const char *group);

/* Run scripts/pg-cluster.sh CMD DIR (halt, resume) on the shared or an own cluster. */
void pgt_cluster(const char *cmd, const char *dir);

#endif
