/*
 * cmd_publish.c - `poise publish FILE.yaml`: a trainer's playbook to every
 * agent. Linted first, as `poise lint` does (an error publishes nothing),
 * then stored on the server whole (extends: resolved) by its hash; each
 * agent's sync brings it down, and their next call uses it.
 */
#include <stdio.h>

#include "cli/cli_team.h"
#include "poise/playbook.h"
#include "poise/team.h"
#include "poise/i18n.h"

int cmd_publish(const struct cli_args *args)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	struct team *t = NULL;
	int added = 0, code = CLI_OK;

	poise_error_clear(&err);
	if (cli_lint_playbook(args->operands[0], &pb) != CLI_OK) {
		fprintf(stderr, _("poise: publish: %s has errors: nothing published\n"),
			args->operands[0]);
		return CLI_FAIL;
	}
	if (cli_team_connect(args, TEAM_FOR_DESK, &t, &err) != CLI_OK ||
	    team_publish(t, pb->id, pb->version, pb->hash, pb->text, &added, &err) != POISE_OK)
		code = cli_report(args->cmd, &err);
	else if (added)
		printf(_("published %s version %s (%.12s): agents get it with their next sync\n"),
		       pb->id, pb->version, pb->hash);
	else
		printf(_("%s version %s (%.12s) was published already: nothing changed\n"), pb->id,
		       pb->version, pb->hash);
	team_close(t);
	playbook_free(pb);
	return code;
}
