/* cmd_review.c - `poise review`: resolve the database and the reviewer, then open the browser. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_team.h"
#include "cli/cli_review.h"
#include "poise/store.h"
#include "ui/review.h"
#include "poise/i18n.h"

const struct cli_opt cmd_review_opts[] = {
	CLI_SERVER_FLAG,
	{"reviewer", "NAME", N_("who signs scores and comments (default: $POISE_AGENT, login name)")},
	{"practice", NULL, N_("list the rehearsals (poise rehearse) instead of the calls (P in the list)")},
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
	opts.practice = cli_value(args, "practice") != NULL;
	/* Reviewing never creates a database: a wrong path should say so. */
	if (access(opts.db, F_OK) != 0) {
		poise_error_set(&err, POISE_NOT_FOUND, NULL, 0, 0,
				"no database at '%s': run a call first or pass --db PATH", opts.db);
		return cli_report(args->cmd, &err);
	}
	rc = ui_review(&opts, &err);
	if (err.status != POISE_OK)
		return cli_report(args->cmd, &err);
	/* Reviews written in the team's mirror go to the server now; else with the next. */
	if (cli_value(args, "server") && cli_team_refresh(args->db, 0, &err) != POISE_OK)
		fprintf(stderr,
			_("poise: warning: %s\npoise: the reviews stay in %s and go to the server "
			  "with the next 'poise review --server' or any --server command\n"),
			err.msg, args->db);
	return rc;
}
