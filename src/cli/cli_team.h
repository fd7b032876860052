/*
 * cli_team.h - the commands that talk to the centre's server (team.h):
 * `poise server init` and `poise sync`.
 */
#ifndef POISE_CLI_TEAM_H
#define POISE_CLI_TEAM_H

#include "cli/cli.h"

int cmd_server(const struct cli_args *args);
int cmd_sync(const struct cli_args *args);

extern const struct cli_opt cmd_server_opts[];
extern const struct cli_opt cmd_sync_opts[];

/* Connect to --server URL, else $POISE_SERVER, else libpq's PG* variables. */
struct team;
int cli_team_connect(const struct cli_args *args, struct team **t, struct poise_error *err);

#endif
