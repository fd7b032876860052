/* cmd_floor.c - `poise floor`: connect to the centre's server, then open the live floor. */
#include <stdio.h>
#include <time.h>

#include "cli/cli_floor.h"
#include "cli/cli_team.h"
#include "poise/team_floor.h"
#include "ui/floor.h"
#include "poise/i18n.h"

int cmd_floor(const struct cli_args *args)
{
	struct poise_error err;
	struct team_floor *f = NULL;
	struct team *t = NULL;
	struct timespec ts;
	char who[160];
	int rc;

	poise_error_clear(&err);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (cli_team_connect(args, TEAM_FOR_DESK, &t, &err) != CLI_OK)
		return cli_report(args->cmd, &err);
	/* TRANSLATORS: the floor's title line says who is looking, "as poise_supervisor". */
	snprintf(who, sizeof(who), _("as %s"), team_role(t));
	/* The floor takes the connection, and closes it however it ends. */
	if (team_floor_open(t, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, &f, &err) !=
	    POISE_OK)
		return cli_report(args->cmd, &err);
	rc = ui_floor(f, who, &err);
	team_floor_close(f);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
