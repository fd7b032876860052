/*
 * cli_team.h - the commands that talk to the centre's server (team.h):
 * `poise server init`, `poise sync`, `poise publish` and --server.
 */
#ifndef POISE_CLI_TEAM_H
#define POISE_CLI_TEAM_H

#include "cli/cli.h"
#include "poise/i18n.h"
#include "poise/team.h"

int cmd_server(const struct cli_args *args);
int cmd_sync(const struct cli_args *args);
int cmd_publish(const struct cli_args *args);

/* The options of server, sync, publish and floor (cmd_server.c): --server [URL] alone
 * (without the URL: the default server). */
extern const struct cli_opt cli_server_opts[];

/*
 * cmd_lint.c: lint one playbook file as `poise lint FILE` does, its
 * findings printed the same way; *pb the playbook, resolved (extends:),
 * when it has no errors (CLI_OK), else NULL (CLI_FAIL).
 */
struct playbook;
int cli_lint_playbook(const char *path, struct playbook **pb);

/*
 * The server (team_server: url, else $POISE_SERVER, else libpq's PG*
 * variables); with $PGPASSWORD set, one warning on stderr a run.
 */
enum poise_status cli_team_server(const char *url, const char **conninfo,
				  struct poise_error *err);

/*
 * Connect to --server URL, else $POISE_SERVER, else libpq's PG* variables;
 * a server out of reach worded for who (team.h: sync is the agent's, the
 * other commands the desk's).
 */
int cli_team_connect(const struct cli_args *args, enum team_reader who, struct team **t,
		     struct poise_error *err);

/*
 * --server on a reading command (review, show, report, export, followups;
 * CLI_DB_TEAM in the command table, run by cli_run): db (the --db PATH
 * given, else the default path) becomes the team mirror (--db PATH when
 * given, else team-HASH.db beside the default database), brought up to
 * date from the server ($POISE_SERVER or libpq's PG* variables) first.
 * With the server out of reach, a mirror already there is read as it is,
 * with a warning on stderr.
 */
enum poise_status cli_team_db(const struct cli_args *args, char *db, size_t size,
			      struct poise_error *err);
/*
 * Send what was written in mirror db (reviews, follow-ups closed) and bring
 * it up to date. Reaching the server fills args->server_role with the role
 * it took us for (who the server says we are: reviews and QA scores written
 * in the mirror are sent signed so).
 */
enum poise_status cli_team_refresh(const struct cli_args *args, const char *db, int quiet_ok,
				   struct poise_error *err);
/* The --server flag of the reading commands, one wording. */
#define CLI_SERVER_FLAG                                                                            \
	{                                                                                          \
		"server", NULL,                                                                    \
			N_("the whole team, from the centre's server ($POISE_SERVER or libpq's "   \
			   "PG* variables), through a local mirror (--db names it)")               \
	}

#endif
