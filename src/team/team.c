/*
 * team.c - connecting to the centre's server, and libpq's errors as ours.
 */
#include "team_int.h"

#include <stdlib.h>
#include <string.h>

#include "poise/text.h"
#include "poise/i18n.h"

enum poise_status team_server(const char *url, const char *(*getenv_fn)(const char *),
			      const char **out, struct poise_error *err)
{
	static const char *const pgvars[] = {"PGHOST", "PGHOSTADDR", "PGSERVICE", "PGDATABASE"};
	const char *from = "--server";
	PQconninfoOption *opts;
	char *msg = NULL;

	*out = NULL;
	if (!url || !*url) {
		url = getenv_fn("POISE_SERVER");
		from = "$POISE_SERVER";
	}
	if (!url || !*url) {
		for (size_t i = 0; i < sizeof(pgvars) / sizeof(pgvars[0]); i++) {
			const char *v = getenv_fn(pgvars[i]);

			if (v && *v) {
				*out = "";
				return POISE_OK;
			}
		}
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no server configured: pass --server URL, or set "
				       "$POISE_SERVER or libpq's PGHOST or PGSERVICE");
	}
	if (team_pq_load(err) != POISE_OK)
		return err->status;
	opts = PQconninfoParse(url, &msg);
	if (!opts) {
		enum poise_status ps = poise_error_set(
			err, msg ? POISE_USAGE : POISE_NOMEM, NULL, 0, 0,
			"%s is not a server address libpq reads (%.*s): give a URL such as "
			"postgresql://host/db",
			from, msg ? (int)strcspn(msg, "\n") : 0, msg ? msg : "");

		PQfreemem(msg);
		return ps;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
			PQconninfoFree(opts);
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "%s holds a password: take it out and put it in "
					       "~/.pgpass (or the file $PGPASSFILE names)",
					       from);
		}
	PQconninfoFree(opts);
	*out = url;
	return POISE_OK;
}

/* The server's words are outside text: no control character reaches a terminal. */
static void no_controls(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* libpq's message, one line, without its "ERROR:  " or trailing newline. */
static void pg_message(const char *m, char *out, size_t size)
{
	size_t n;

	if (!m || !*m)
		m = "unknown error";
	if (strncmp(m, "ERROR:  ", 8) == 0)
		m += 8;
	n = strcspn(m, "\n");
	snprintf(out, size, "%.*s", (int)n, m);
	no_controls(out);
}

enum poise_status team_fail(struct team *t, const PGresult *res, const char *what,
			    struct poise_error *err)
{
	char m[400];
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	what = _(what); /* a msgid: "cannot <what>" in the reader's language */

	pg_message(res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
						     : PQerrorMessage(t->pg),
		   m, sizeof(m));
	/* No SQLSTATE: libpq's own failure, which is the connection's. */
	if (PQstatus(t->pg) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0)
		return poise_error_set(err, POISE_IO, NULL, 0, 0,
				       "cannot %s: the connection to the server was lost (%s): "
				       "nothing half-done is kept; sync again when it is back",
				       what, m);
	if (state && strcmp(state, "42501") == 0 && !t->groups[0])
		return poise_error_set(err, POISE_DB, NULL, 0, 0,
				       "cannot %s: role '%s' has none of the poise roles "
				       "(poise_agent, poise_supervisor, poise_trainer) on this server "
				       "(%s): ask the centre's administrator to grant it the one it needs",
				       what, t->role, m);
	if (state && strcmp(state, "42501") == 0)
		return poise_error_set(err, POISE_DB, NULL, 0, 0,
				       "cannot %s: role '%s' (%s) may not (%s): ask the centre's "
				       "administrator for the right role",
				       what, t->role, t->groups, m);
	return poise_error_set(err, POISE_DB, NULL, 0, 0, "cannot %s: %s", what, m);
}

enum poise_status team_exec(struct team *t, const char *sql, const char *what,
			    struct poise_error *err)
{
	PGresult *res = PQexec(t->pg, sql);
	enum poise_status ps = POISE_OK;
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		ps = team_fail(t, res, what, err);
	PQclear(res);
	return ps;
}

/* The poise group roles whose privileges the session's role has (a denial names them). */
#define GROUPS                                                                                     \
	"(SELECT coalesce(string_agg(rolname, ' ' ORDER BY rolname), '') FROM pg_catalog.pg_roles" \
	" WHERE rolname IN ('poise_agent', 'poise_supervisor', 'poise_trainer')"                   \
	" AND pg_catalog.pg_has_role(current_user, oid, 'USAGE'))"

/* What every session sets first (team_connect says why). */
#define SESSION_SETUP                                                                              \
	"SET client_min_messages = warning; SET DateStyle = ISO; SET client_encoding = 'UTF8';"    \
	" SET synchronous_commit = on;"

/*
 * Times are ms integers and dates are ISO: nothing depends on the session's
 * settings. Text goes as UTF-8, whatever the database's encoding, which also
 * keeps the escaping of a small batch's literals (row_text) sound. A COMMIT is
 * on the server's disk before sync records it here, whatever the server's
 * default (synchronous_commit off could lose a batch that this machine then
 * never sends again). Then who we are and the server's schema version, which
 * every command checks first (team_check_version): one round trip (PQexec
 * returns the last statement's result, or the first error). Without a poise
 * schema (server init's first run) the string fails whole, its SETs with it:
 * a second one then sets up the session alone, and the check reads the
 * version itself. The connection's own parameters (application_name, the
 * connect timeout) are libpq's and outlive a PQreset; these do not, so a
 * reconnected session (the floor's) runs this again.
 */
enum poise_status team_session(struct team *t, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	PGresult *res;

	t->has_version = 0;
	res = PQexec(t->pg, SESSION_SETUP " SELECT current_user, " GROUPS ", (SELECT CASE WHEN"
					   " count(*) = 1 THEN max(version) ELSE 0 END FROM"
					   " poise.schema_version)");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		t->version = atoi(PQgetvalue(res, 0, 2));
		t->has_version = 1;
	} else if (PQstatus(t->pg) == CONNECTION_OK) {
		PQclear(res);
		res = PQexec(t->pg, SESSION_SETUP " SELECT current_user, " GROUPS);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		ps = team_fail(t, res, "set up the session", err);
	} else {
		text_copy(t->role, sizeof(t->role), PQgetvalue(res, 0, 0));
		text_copy(t->groups, sizeof(t->groups), PQgetvalue(res, 0, 1));
		no_controls(t->role);
	}
	PQclear(res);
	return ps;
}

enum poise_status team_connect(const char *conninfo, struct team **out, struct poise_error *err)
{
	return team_connect_for(conninfo, TEAM_FOR_AGENT, out, err);
}

enum poise_status team_connect_for(const char *conninfo, enum team_reader who, struct team **out,
				   struct poise_error *err)
{
	const char *keys[] = {"dbname", "fallback_application_name", "connect_timeout", NULL};
	const char *vals[] = {conninfo ? conninfo : "", "poise", "10", NULL};
	struct team *t = calloc(1, sizeof(*t));
	enum poise_status ps;

	*out = NULL;
	if (!t)
		return poise_error_nomem(err);
	if ((ps = team_pq_load(err)) != POISE_OK) {
		free(t);
		return ps;
	}
	t->pg = PQconnectdbParams(keys, vals, 1);
	if (!t->pg) {
		free(t);
		return poise_error_nomem(err);
	}
	if (PQstatus(t->pg) != CONNECTION_OK) {
		char m[400];

		pg_message(PQerrorMessage(t->pg), m, sizeof(m));
		team_close(t);
		if (who == TEAM_FOR_DESK)
			return poise_error_set(
				err, POISE_IO, NULL, 0, 0,
				"cannot reach the team server (%s): check its address (--server, "
				"$POISE_SERVER or libpq's PG* variables) or try again later; the "
				"data on this machine is unchanged",
				m);
		return poise_error_set(err, POISE_IO, NULL, 0, 0,
				       "cannot reach the server: %s: check the address and "
				       "that the server is up; calls stay safe on this machine",
				       m);
	}
	ps = team_session(t, err);
	return POISE_HAND_OUT(ps, t, out, team_close);
}

void team_close(struct team *t)
{
	if (!t)
		return;
	PQfinish(t->pg);
	free(t);
}

const char *team_role(const struct team *t)
{
	return t->role;
}

const char *team_groups(const struct team *t)
{
	return t->groups;
}

/* Before a field: what ends the previous one, or what opens an SQL row. */
static void field_start(struct rows *r)
{
	if (r->fields++)
		strbuf_add(&r->b, r->sql ? "," : "\t", 1);
	else if (r->sql)
		strbuf_add(&r->b, r->n ? ",(" : "(", r->n ? 2 : 1);
}

void row_text(struct rows *r, const char *s)
{
	/* The characters each format escapes, and what each becomes. */
	const char *special = r->sql ? "\\'" : "\\\t\n\r";
	static const char *const copy_as[] = {"\\\\", "\\t", "\\n", "\\r"};
	static const char *const sql_as[] = {"\\\\", "''"};
	const char *const *as = r->sql ? sql_as : copy_as;

	if (!s) {
		row_null(r);
		return;
	}
	field_start(r);
	if (r->sql) /* an escape string: the same whatever standard_conforming_strings says */
		strbuf_add(&r->b, "E'", 2);
	for (const char *p = s; *p;) {
		size_t n = 0;
		unsigned cp;

		/* A run of plain text; the server's UTF-8 refuses a batch with a bad byte. */
		while (p[n] && !strchr(special, p[n])) {
			size_t k = (unsigned char)p[n] < 0x80
					   ? 1
					   : text_utf8_len(p + n, strnlen(p + n, 4), &cp);

			if (k == 0)
				break;
			n += k;
		}
		strbuf_add(&r->b, p, n);
		p += n;
		if (!*p)
			break;
		/* A byte that is not UTF-8: U+FFFD, as a terminal shows it. */
		if (!strchr(special, *p)) {
			strbuf_add(&r->b, TEXT_REPLACEMENT, sizeof(TEXT_REPLACEMENT) - 1);
			p++;
			continue;
		}
		strbuf_add(&r->b, as[strchr(special, *p) - special], 2);
		p++;
	}
	if (r->sql)
		strbuf_add(&r->b, "'", 1);
}

void row_int(struct rows *r, long long v)
{
	char s[24];

	field_start(r);
	strbuf_add(&r->b, s, (size_t)snprintf(s, sizeof(s), "%lld", v));
}

void row_null(struct rows *r)
{
	field_start(r);
	strbuf_add(&r->b, r->sql ? "NULL" : "\\N", r->sql ? 4 : 2);
}

void row_bytea(struct rows *r, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char two[2];

	/* bytea's hex form, \x and two digits a byte; its backslash escaped as in text. */
	field_start(r);
	strbuf_add(&r->b, r->sql ? "E'\\\\x" : "\\\\x", r->sql ? 5 : 3);
	for (size_t i = 0; i < n; i++) {
		two[0] = hex[p[i] >> 4];
		two[1] = hex[p[i] & 15];
		strbuf_add(&r->b, two, 2);
	}
	if (r->sql)
		strbuf_add(&r->b, "'", 1);
}

void row_end(struct rows *r)
{
	strbuf_add(&r->b, r->sql ? ")" : "\n", 1);
	r->fields = 0;
	r->n++;
}

void row_cells(struct rows *r, const struct sync_cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].is_num)
			row_int(r, c[i].num);
		else
			row_text(r, c[i].text);
	row_end(r);
}

void rows_clear(struct rows *r, int sql)
{
	r->b.len = 0;
	r->n = 0;
	r->fields = 0;
	r->sql = sql;
}

enum poise_status team_copy(struct team *t, const char *table, struct rows *r,
			    struct poise_error *err)
{
	char sql[128];
	PGresult *res;
	enum poise_status ps = POISE_OK;

	if (r->b.oom)
		return poise_error_nomem(err);
	if (r->n == 0)
		return POISE_OK;
	snprintf(sql, sizeof(sql), "COPY %s FROM STDIN", table);
	res = PQexec(t->pg, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		ps = team_fail(t, res, "send rows to the server", err);
		PQclear(res);
		return ps;
	}
	PQclear(res);
	if (PQputCopyData(t->pg, r->b.p, (int)r->b.len) != 1 || PQputCopyEnd(t->pg, NULL) != 1)
		ps = team_fail(t, NULL, "send rows to the server", err);
	while ((res = PQgetResult(t->pg))) {
		if (ps == POISE_OK && PQresultStatus(res) != PGRES_COMMAND_OK)
			ps = team_fail(t, res, "send rows to the server", err);
		PQclear(res);
	}
	return ps;
}


enum poise_status team_read_all(struct team *t, const char *sql, PGresult **r, int n,
				const char *what, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	PGresult *res;
	int got = 0;

	if (!PQsendQuery(t->pg, sql))
		ps = team_fail(t, NULL, what, err);
	while (ps == POISE_OK && (res = PQgetResult(t->pg))) {
		ExecStatusType want =
			got == 0 || got == n - 1 ? PGRES_COMMAND_OK : PGRES_TUPLES_OK;

		if (got >= n || PQresultStatus(res) != want) {
			ps = team_fail(t, res, what, err);
			PQclear(res);
			break;
		}
		r[got++] = res;
	}
	if (ps != POISE_OK) {
		while ((res = PQgetResult(t->pg)))
			PQclear(res);
		if (PQstatus(t->pg) == CONNECTION_OK)
			PQclear(PQexec(t->pg, "ROLLBACK"));
	} else if (got != n || PQntuples(r[1]) != 1) {
		ps = team_fail(t, NULL, what, err);
	}
	return ps;
}
