/* cmd_call.c - `poise call`: resolve who and where, then hand over to the screen. */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "poise/store.h"
#include "ui/ui.h"

const struct cli_opt cmd_call_opts[] = {
	{"playbook", "NAME|FILE", "playbook id or file (default: de-escalation)"},
	{"customer", "NAME", "the caller's name, for {customer} in phrases"},
	{"ref", "ID", "customer or ticket reference"},
	{"agent", "NAME", "your name (default: $POISE_AGENT, login name)"},
	{"db", "PATH", "the call log (default: $POISE_DB, XDG data)"},
	{NULL, NULL, NULL},
};

/* --agent, else $POISE_AGENT, else the login name: never a silent "unknown". */
static const char *call_agent(const struct cli_args *args, struct poise_error *err)
{
	const char *agent = cli_value(args, "agent");
	struct passwd *pw;

	if (agent && !agent[0]) {
		poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--agent' needs a NAME");
		return NULL;
	}
	if (!agent)
		agent = cli_getenv("POISE_AGENT");
	if (agent && agent[0])
		return agent;
	pw = getpwuid(getuid());
	if (pw && pw->pw_name && pw->pw_name[0])
		return pw->pw_name;
	poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			"cannot tell who you are: give --agent NAME or set POISE_AGENT");
	return NULL;
}

int cmd_call(const struct cli_args *args)
{
	struct call_opts opts = {0};
	struct poise_error err;
	char db[4096];
	int rc;

	poise_error_clear(&err);
	opts.playbook = cli_value(args, "playbook");
	opts.customer = cli_value(args, "customer");
	opts.ref = cli_value(args, "ref");
	opts.agent = call_agent(args, &err);
	if (!opts.agent)
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
	rc = ui_call(&opts, &err);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
