/* cmd_review.c - `poise review`: resolve the database and the reviewer, then open the browser. */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_review.h"
#include "poise/store.h"
#include "ui/review.h"

const struct cli_opt cmd_review_opts[] = {
	{"db", "PATH", "the call log (default: $POISE_DB, XDG data)"},
	{"reviewer", "NAME", "who signs scores and comments (default: $POISE_AGENT, login name)"},
	{NULL, NULL, NULL},
};

static const char *reviewer(const struct cli_args *args, struct poise_error *err)
{
	const char *name = cli_value(args, "reviewer");
	struct passwd *pw;

	if (name && !name[0]) {
		poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--reviewer' needs a NAME");
		return NULL;
	}
	if (!name)
		name = cli_getenv("POISE_AGENT");
	if (name && name[0])
		return name;
	pw = getpwuid(getuid());
	if (pw && pw->pw_name && pw->pw_name[0])
		return pw->pw_name;
	poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			"cannot tell who you are: give --reviewer NAME or set POISE_AGENT");
	return NULL;
}

int cmd_review(const struct cli_args *args)
{
	struct review_opts opts = {0};
	struct poise_error err;
	char db[4096];
	int rc;

	poise_error_clear(&err);
	if (!(opts.reviewer = reviewer(args, &err)))
		return cli_report(args->cmd, &err);
	opts.db = cli_value(args, "db");
	if (opts.db && !opts.db[0]) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0, "option '--db' needs a PATH");
		return cli_report(args->cmd, &err);
	}
	if (!opts.db) {
		if (store_default_path(db, sizeof(db), cli_getenv, &err) != POISE_OK)
			return cli_report(args->cmd, &err);
		opts.db = db;
	}
	/* Reviewing never creates a database: a wrong path should say so. */
	if (access(opts.db, F_OK) != 0) {
		poise_error_set(&err, POISE_NOT_FOUND, NULL, 0, 0,
				"no database at '%s': run a call first or pass --db PATH", opts.db);
		return cli_report(args->cmd, &err);
	}
	rc = ui_review(&opts, &err);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
