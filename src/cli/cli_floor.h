/* cli_floor.h - `poise floor` (cmd_floor.c), for the command table. */
#ifndef POISE_CLI_FLOOR_H
#define POISE_CLI_FLOOR_H

#include "cli/cli.h"

int cmd_floor(const struct cli_args *args);

#endif
