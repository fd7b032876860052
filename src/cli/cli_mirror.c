/*
 * cli_mirror.c - `--server` on the reading commands: the whole team, read
 * from the supervisor's mirror of the centre's server (team_mirror()).
 *
 * The mirror is a poise database of its own (--db PATH, else
 * team-HASH.db beside the default database, HASH naming the server), so
 * review, show, report, export and followups read it unchanged. Each use
 * brings it up to date first; with the server out of reach a mirror
 * already there is read as it was last brought down, with a warning.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_team.h"
#include "poise/sha256.h"
#include "poise/store.h"
#include "poise/team.h"
#include "poise/i18n.h"
#include "poise/text.h"
#include "poise/words.h"

/* The mirror's default path: team-HASH.db in the default database's folder. */
static enum poise_status mirror_path(const char *conninfo, char *db, size_t size,
				     struct poise_error *err)
{
	static const char *const vars[] = {"PGHOST",	 "PGHOSTADDR", "PGPORT",
					   "PGDATABASE", "PGSERVICE",  "PGUSER"};
	char def[4096], key[2048], hex[SHA256_HEX_LEN + 1], *slash;
	size_t len = (size_t)snprintf(key, sizeof(key), "%s", conninfo);
	enum poise_status ps = store_default_path(def, sizeof(def), cli_getenv, err);

	if (ps != POISE_OK)
		return ps;
	/* The same server named the same way is the same mirror. */
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]) && len < sizeof(key); i++) {
		const char *v = cli_getenv(vars[i]);

		len += (size_t)snprintf(key + len, sizeof(key) - len, "\n%s", v ? v : "");
	}
	sha256_hex(key, strlen(key), hex);
	slash = strrchr(def, '/');
	if (snprintf(db, size, "%.*steam-%.12s.db", slash ? (int)(slash - def + 1) : 0, def, hex) >=
	    (int)size)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "database path is too long: pass a shorter --db PATH");
	return POISE_OK;
}

/*
 * An agent's role reads only their own calls on the server, so their
 * "whole team" is themselves: said before any screen, not left to look
 * like a team of one (and once: by the run's first refresh that reaches it).
 */
static void agent_only_note(const struct team *t)
{
	const char *g = team_groups(t);

	if (strstr(g, "poise_supervisor") || !strstr(g, "poise_agent"))
		return;
	fputs("poise: ", stderr);
	fprintf(stderr,
		_("note: role '%s' is an agent's: the server shows it only its own calls "
		  "(a supervisor's role reads the whole team)"),
		team_role(t));
	fputc('\n', stderr);
}

enum poise_status cli_team_refresh(const struct cli_args *args, const char *db, int quiet_ok,
				   struct poise_error *err)
{
	const char *conninfo;
	struct team_mirror_counts n;
	struct store *st = NULL;
	struct team *t = NULL;
	enum poise_status ps;

	if ((ps = cli_team_server(NULL, &conninfo, err)) != POISE_OK)
		return ps;
	/* The server first: out of reach, no empty mirror is left to pass for one brought down. */
	if ((ps = team_connect_for(conninfo, TEAM_FOR_DESK, &t, err)) != POISE_OK)
		return ps;
	if ((ps = store_open(db, STORE_PATIENT, &st, err)) == POISE_OK) {
		if (!args->server_role[0])
			agent_only_note(t);
		snprintf(args->server_role, CLI_ROLE_SIZE, "%s", team_role(t));
		ps = team_mirror(t, st, &n, err);
	}
	team_close(t);
	store_close(st);
	if (ps == POISE_OK && !quiet_ok && (n.reviews_sent || n.followups_sent)) {
		char r[64], f[64];

		words_count(r, sizeof(r), (long)n.reviews_sent, "review", "reviews");
		words_count(f, sizeof(f), (long)n.followups_sent, "follow-up closed",
			    "follow-ups closed");
		/* TRANSLATORS: "1 review, 2 follow-ups closed". */
		fprintf(stderr, _("poise: sent to the server: %s, %s\n"), r, f);
	}
	if (ps == POISE_OK && n.refused) {
		/* Never quiet: the supervisor reads the team without these calls. */
		fprintf(stderr, "poise: %s", _("warning: "));
		fprintf(stderr,
			P_("%zu call on the server was left out: its rows are not ones poise "
			   "writes (%s). The others are here; ask that agent's administrator to "
			   "check their machine.\n",
			   "%zu calls on the server were left out: their rows are not ones poise "
			   "writes (the first: %s). The others are here; ask that agent's "
			   "administrator to check their machine.\n",
			   n.refused),
			n.refused, n.refused_why);
	}
	if (ps == POISE_OK && !quiet_ok && n.scores_sent) {
		char q[64];

		words_count(q, sizeof(q), (long)n.scores_sent, "QA scoring", "QA scorings");
		/* TRANSLATORS: "2 QA scores". */
		fprintf(stderr, _("poise: sent to the server: %s\n"), q);
	}
	return ps;
}

enum poise_status cli_team_db(const struct cli_args *args, char *db, size_t size,
			      struct poise_error *err)
{
	const char *conninfo;
	enum poise_status ps;
	int had;

	if ((ps = cli_team_server(NULL, &conninfo, err)) != POISE_OK)
		return ps;
	/* --db names the mirror; else it is the server's own file beside the default database. */
	if (!cli_value(args, "db") && (ps = mirror_path(conninfo, db, size, err)) != POISE_OK)
		return ps;
	had = access(db, F_OK) == 0;
	if ((ps = cli_team_refresh(args, db, 1, err)) == POISE_OK)
		return POISE_OK;
	/* Out of reach: what was brought down before still reads, and says so. */
	if (had && ps == POISE_IO) {
		fprintf(stderr, "poise: %s", _("warning: "));
		text_fput(stderr, err->msg, 0);
		fputs("\npoise: ", stderr);
		fprintf(stderr, _("reading the team as last brought down (%s)"), db);
		fputc('\n', stderr);
		poise_error_clear(err);
		return POISE_OK;
	}
	return ps;
}
