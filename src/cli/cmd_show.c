/* cmd_show.c - `poise show CALL_ID`: one call's timeline as plain text. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "poise/store.h"
#include "poise/timeline.h"

const struct cli_opt cmd_show_opts[] = {
	{NULL, NULL, NULL},
};

int cmd_show(const struct cli_args *args)
{
	struct poise_error err;
	struct store *st;

	poise_error_clear(&err);
	if (!(st = cli_store(args, &err)))
		return cli_report(args->cmd, &err);
	if (timeline_write(st, args->operands[0], stdout, &err) != POISE_OK) {
		/* An ambiguous or malformed id is the user's to fix, not a usage error. */
		if (err.status == POISE_USAGE)
			err.status = POISE_INVALID;
		return cli_report(args->cmd, &err);
	}
	return CLI_OK;
}
