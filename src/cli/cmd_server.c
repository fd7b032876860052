/* cmd_server.c - `poise server init`: create or upgrade the centre's schema. */
#include <stdio.h>
#include <string.h>

#include "cli/cli_team.h"
#include "poise/team.h"
#include "poise/i18n.h"

/* The options of server, sync, publish and floor: --server alone. */
const struct cli_opt cli_server_opts[] = {
	{"server", "[URL]", N_("the server (default: $POISE_SERVER, else libpq's PG* variables)")},
	{NULL, NULL, NULL},
};

enum poise_status cli_team_server(const char *url, const char **conninfo,
				  struct poise_error *err)
{
	static int warned;
	const char *pw = cli_getenv("PGPASSWORD");
	enum poise_status ps = team_server(url, cli_getenv, conninfo, err);

	if (ps == POISE_OK && pw && *pw && !warned++)
		fprintf(stderr, "%s\n",
			_("poise: warning: $PGPASSWORD holds the server's password, which some "
			  "systems show to other users (ps e, /proc) and every program started "
			  "from here inherits: put it in ~/.pgpass or a service file instead"));
	return ps;
}

int cli_team_connect(const struct cli_args *args, enum team_reader who, struct team **t,
		     struct poise_error *err)
{
	const char *conninfo;

	if (cli_team_server(cli_value(args, "server"), &conninfo, err) != POISE_OK ||
	    team_connect_for(conninfo, who, t, err) != POISE_OK)
		return CLI_FAIL;
	return CLI_OK;
}

int cmd_server(const struct cli_args *args)
{
	struct poise_error err;
	struct team *t = NULL;
	int from = 0, to = 0;

	poise_error_clear(&err);
	if (strcmp(args->operands[0], "init") != 0) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0,
				"unknown server command '%s': the one there is, is 'init'",
				args->operands[0]);
		return cli_report(args->cmd, &err);
	}
	if (cli_team_connect(args, TEAM_FOR_DESK, &t, &err) != CLI_OK ||
	    team_init(t, &from, &to, &err) != POISE_OK) {
		team_close(t);
		return cli_report(args->cmd, &err);
	}
	if (from == to)
		printf(_("server schema is up to date (version %d)\n"), to);
	else if (from == 0)
		printf(_("server schema created (version %d), with the roles poise_agent, "
			 "poise_supervisor and poise_trainer\n"),
		       to);
	else
		printf(_("server schema upgraded from version %d to %d\n"), from, to);
	team_close(t);
	return CLI_OK;
}
