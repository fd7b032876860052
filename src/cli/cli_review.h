/* cli_review.h - `poise review` (cmd_review.c), for the command table. */
#ifndef POISE_CLI_REVIEW_H
#define POISE_CLI_REVIEW_H

#include "cli/cli.h"

int cmd_review(const struct cli_args *args);
extern const struct cli_opt cmd_review_opts[];

#endif
