/*
 * sync_fixture.h - an agent's local database and a server database for sync tests.
 */
#ifndef POISE_SYNC_FIXTURE_H
#define POISE_SYNC_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "pg_fixture.h"
#include "store_fixture.h"
#include "poise/store.h"
#include "poise/team.h"

/*
 * A fresh server database db with the schema and the roles agent01 (an
 * agent), t_sue (a supervisor) and t_tia (a trainer); a fresh local
 * database under /tmp with n generated calls of `agents` agents
 * (agent01, agent02, ...). Returns the store; its path in path.
 */
struct store *sfx_setup(const char *db, int agents, size_t n, char *path, size_t size);
/* Connect to db as role, failing the test if it cannot. */
struct team *sfx_team(const char *db, const char *role);
/* Local SQL: fx_sql_int and fx_sql_text of tests/unit/store_fixture.h. */
#define sfx_local fx_sql_int
/* Every row agent01 has locally is on the server exactly once, and nothing else. */
void sfx_same(const char *path, PGconn *admin);

/*
 * t_sue's scoring of call in db at now (one 1-5 answer of value, one
 * yes/no left N/A): a new one when id is "", else id's rescoring; id
 * (37 bytes) gets its uuid.
 */
void sfx_score(struct store *db, const char *call, char *id, int value, int64_t now);

#endif
