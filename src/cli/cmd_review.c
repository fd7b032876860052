/* cmd_review.c - `poise review`: resolve the database and the reviewer, then open the browser. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_review.h"
#include "poise/store.h"
#include "ui/review.h"

const struct cli_opt cmd_review_opts[] = {
	{"reviewer", "NAME", "who signs scores and comments (default: $POISE_AGENT, login name)"},
	{NULL, NULL, NULL},
};

int cmd_review(const struct cli_args *args)
{
	struct review_opts opts = {0};
	struct poise_error err;
	int rc;

	poise_error_clear(&err);
	if (!(opts.reviewer = cli_person(args, "reviewer", &err)))
		return cli_report(args->cmd, &err);
	opts.db = args->db;
	/* Reviewing never creates a database: a wrong path should say so. */
	if (access(opts.db, F_OK) != 0) {
		poise_error_set(&err, POISE_NOT_FOUND, NULL, 0, 0,
				"no database at '%s': run a call first or pass --db PATH", opts.db);
		return cli_report(args->cmd, &err);
	}
	rc = ui_review(&opts, &err);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
