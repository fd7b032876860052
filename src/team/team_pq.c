/*
 * team_pq.c - libpq, loaded when a team command first needs it.
 *
 * Linking libpq pulls some twenty libraries (TLS, Kerberos, LDAP, ...)
 * into every start of poise: loading and relocating them was a third of
 * the time to the first call screen and half of its memory, for commands
 * an agent's call never runs. So poise links none of them: the libpq
 * functions src/team calls are defined here, each forwarding to libpq's
 * own, found with dlopen/dlsym on first use. The team code calls them by
 * their usual names; an agent's machine without libpq runs every command
 * but sync and server, which say what to install.
 */
#include "team_int.h"
#include "poise/i18n.h"

#include <dlfcn.h>
#include <string.h>

#ifndef POISE_LIBPQ_SONAME
#define POISE_LIBPQ_SONAME "libpq.so.5"
#endif

/* X(return type, name, (parameters), (arguments), value when libpq is missing) */
#define PQ_FUNCTIONS(X)                                                                            \
	X(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)                         \
	X(PGconn *, PQconnectdbParams,                                                             \
	  (const char *const *keywords, const char *const *values, int expand_dbname),             \
	  (keywords, values, expand_dbname), NULL)                                                 \
	X(PQconninfoOption *, PQconninfoParse, (const char *conninfo, char **errmsg),              \
	  (conninfo, errmsg), NULL)                                                                \
	X(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD)                  \
	X(char *, PQerrorMessage, (const PGconn *conn), (conn), missing)                           \
	X(PGresult *, PQexec, (PGconn * conn, const char *query), (conn, query), NULL)             \
	X(PGresult *, PQexecParams,                                                                \
	  (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,                 \
	   const char *const *paramValues, const int *paramLengths, const int *paramFormats,       \
	   int resultFormat),                                                                      \
	  (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,            \
	   resultFormat),                                                                          \
	  NULL)                                                                                    \
	X(int, PQsendQuery, (PGconn * conn, const char *query), (conn, query), 0)                  \
	X(PGresult *, PQgetResult, (PGconn * conn), (conn), NULL)                                  \
	X(int, PQputCopyData, (PGconn * conn, const char *buffer, int nbytes),                     \
	  (conn, buffer, nbytes), -1)                                                              \
	X(int, PQputCopyEnd, (PGconn * conn, const char *errormsg), (conn, errormsg), -1)          \
	X(int, PQgetCopyData, (PGconn * conn, char **buffer, int async), (conn, buffer, async),    \
	  -2)                                                                                      \
	X(ExecStatusType, PQresultStatus, (const PGresult *res), (res), PGRES_FATAL_ERROR)         \
	X(char *, PQresultErrorMessage, (const PGresult *res), (res), missing)                     \
	X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode),      \
	  NULL)                                                                                    \
	X(int, PQntuples, (const PGresult *res), (res), 0)                                         \
	X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),                   \
	  (res, tup_num, field_num), empty)                                                        \
	X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),                     \
	  (res, tup_num, field_num), 1)                                                            \
	X(char *, PQcmdTuples, (PGresult * res), (res), empty)                                     \
	X(int, PQgetlength, (const PGresult *res, int tup_num, int field_num),                    \
	  (res, tup_num, field_num), 0)                                                            \
	X(int, PQconsumeInput, (PGconn * conn), (conn), 0)                                         \
	X(PGnotify *, PQnotifies, (PGconn * conn), (conn), NULL)                                   \
	X(int, PQsocket, (const PGconn *conn), (conn), -1)                                         \
	X(int, PQresetStart, (PGconn * conn), (conn), 0)                                           \
	X(PostgresPollingStatusType, PQresetPoll, (PGconn * conn), (conn), PGRES_POLLING_FAILED)

/* X(name, (parameters), (arguments)): the ones that only free. */
#define PQ_FREERS(X)                                                                               \
	X(PQclear, (PGresult * res), (res))                                                        \
	X(PQfinish, (PGconn * conn), (conn))                                                       \
	X(PQconninfoFree, (PQconninfoOption * connOptions), (connOptions))                         \
	X(PQfreemem, (void *ptr), (ptr))

#define PQ_POINTER(ret, name, params, args, fail) ret(*name) params;
#define PQ_FREE_POINTER(name, params, args)	  void(*name) params;
static struct {
	PQ_FUNCTIONS(PQ_POINTER)
	PQ_FREERS(PQ_FREE_POINTER)
} pq;
#undef PQ_POINTER
#undef PQ_FREE_POINTER

static int loaded; /* 0: not tried, 1: every function found, -1: failed */
static char why[300];
static char missing[] = "libpq, PostgreSQL's client library, is not installed\n";
static char empty[] = "";

/* dlsym's void * as a function pointer, without a cast ISO C forbids. */
static void find(void *lib, const char *name, void *fn, size_t size, int *ok)
{
	void *p = dlsym(lib, name);

	if (!p && *ok) {
		snprintf(why, sizeof(why), _("%s has no %s"), POISE_LIBPQ_SONAME, name);
		*ok = 0;
	}
	memcpy(fn, &p, size);
}

static int load(void)
{
	void *lib;
	int ok = 1;

	if (loaded)
		return loaded > 0;
	loaded = -1;
	if (!(lib = dlopen(POISE_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL))) {
		const char *e = dlerror();

		snprintf(why, sizeof(why), e ? "%s" : _("cannot load %s"), e ? e : POISE_LIBPQ_SONAME);
		return 0;
	}
#define PQ_FIND(ret, name, params, args, fail) find(lib, #name, &pq.name, sizeof(pq.name), &ok);
#define PQ_FIND_FREE(name, params, args)       find(lib, #name, &pq.name, sizeof(pq.name), &ok);
	PQ_FUNCTIONS(PQ_FIND)
	PQ_FREERS(PQ_FIND_FREE)
#undef PQ_FIND
#undef PQ_FIND_FREE
	if (!ok) {
		dlclose(lib);
		return 0;
	}
	loaded = 1;
	return 1;
}

enum poise_status team_pq_load(struct poise_error *err)
{
	if (load())
		return POISE_OK;
	return poise_error_set(err, POISE_IO, NULL, 0, 0,
			       "the team commands need libpq, PostgreSQL's client library (%s): "
			       "install it (e.g. the libpq5 package); calls stay safe on this "
			       "machine",
			       why);
}

#define PQ_DEFINE(ret, name, params, args, fail)                                                   \
	ret name params                                                                            \
	{                                                                                          \
		return load() ? pq.name args : (fail);                                             \
	}
#define PQ_DEFINE_FREE(name, params, args)                                                         \
	void name params                                                                           \
	{                                                                                          \
		if (load())                                                                        \
			pq.name args;                                                              \
	}
PQ_FUNCTIONS(PQ_DEFINE)
PQ_FREERS(PQ_DEFINE_FREE)
