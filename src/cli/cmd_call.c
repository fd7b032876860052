/* cmd_call.c - `poise call`: resolve who and where, then hand over to the screen. */
#include <stdio.h>

#include "cli/cli.h"
#include "poise/store.h"
#include "ui/ui.h"

const struct cli_opt cmd_call_opts[] = {
	{"playbook", "NAME|FILE", "playbook id or file (default: de-escalation)"},
	{"customer", "NAME", "the first caller's name (else a form asks each caller)"},
	{"ref", "ID", "the first caller's customer or ticket reference"},
	{"agent", "NAME", "your name (default: $POISE_AGENT, login name)"},
	{NULL, NULL, NULL},
};

int cmd_call(const struct cli_args *args)
{
	struct call_opts opts = {0};
	struct poise_error err;
	int rc;

	poise_error_clear(&err);
	opts.playbook = cli_value(args, "playbook");
	opts.customer = cli_value(args, "customer");
	opts.ref = cli_value(args, "ref");
	opts.agent = cli_person(args, "agent", &err);
	if (!opts.agent ||
	    cli_check_field("customer", "customer name", opts.customer, FIELD_CUSTOMER_MAX, &err) ||
	    cli_check_field("ref", "reference", opts.ref, FIELD_REF_MAX, &err))
		return cli_report(args->cmd, &err);
	opts.db = args->db;
	rc = ui_call(&opts, &err);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
