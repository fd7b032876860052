/* cmd_preview.c - `poise preview PLAYBOOK`: a playbook on the call screen, nothing logged. */
#include <stdio.h>

#include "cli/cli.h"
#include "poise/i18n.h"
#include "poise/limits.h"
#include "ui/ui.h"

const struct cli_opt cmd_preview_opts[] = {
	{"customer", "NAME", N_("a caller's name to fill the lines with (default: none)")},
	{"agent", "NAME",
	 N_("the agent's name to fill the lines with (default: $POISE_AGENT, login name)")},
	{NULL, NULL, NULL},
};

int cmd_preview(const struct cli_args *args)
{
	struct call_opts opts = {0};
	struct poise_error err;
	int rc;

	poise_error_clear(&err);
	opts.playbook = args->operands[0];
	opts.customer = cli_value(args, "customer");
	opts.agent = cli_person(args, "agent", &err);
	if (!opts.agent ||
	    cli_check_field("customer", "customer name", opts.customer, FIELD_CUSTOMER_MAX, &err))
		return cli_report(args->cmd, &err);
	rc = ui_preview(&opts, &err);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
