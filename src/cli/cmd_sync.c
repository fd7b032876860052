/* cmd_sync.c - `poise sync`: this database and the centre's server, both ways. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/store_sync.h"
#include "poise/store.h"
#include "poise/team.h"
#include "poise/i18n.h"

const struct cli_opt cmd_sync_opts[] = {
	{"server", "URL", N_("the server (default: $POISE_SERVER, else libpq's PG* variables)")},
	{NULL, NULL, NULL},
};

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

int cmd_sync(const struct cli_args *args)
{
	struct poise_error err;
	struct team_sync_counts n;
	struct store *st;
	struct team *t = NULL;
	int code = CLI_OK;

	poise_error_clear(&err);
	/* The server's options are checked (and it is reached) before the database opens. */
	if (cli_team_connect(args, &t, &err) != CLI_OK || !(st = cli_store(args, &err)) ||
	    team_sync(t, st, NULL, &n, &err) != POISE_OK) {
		/*
		 * The ready screen says so ("server unreachable, N calls waiting"):
		 * any failure once a server is configured; none without one (the
		 * database is not touched then).
		 */
		if (err.status != POISE_NOT_FOUND && err.status != POISE_USAGE) {
			struct poise_error ignored;

			poise_error_clear(&ignored);
			if ((st = cli_store(args, &ignored)))
				store_sync_outcome(st, cli_now_ms(), err.status, NULL);
		}
		code = cli_report(args->cmd, &err);
		goto out;
	}
	store_sync_outcome(st, cli_now_ms(), POISE_OK, NULL);
	printf("sent %zu %s, %zu %s, %zu follow-up %s, %zu %s of figures\n", n.calls,
	       plural(n.calls, "call", "calls"), n.events, plural(n.events, "event", "events"),
	       n.followups, plural(n.followups, "change", "changes"), n.figures,
	       plural(n.figures, "set", "sets"));
	printf("received %zu %s, %zu follow-up%s closed, %zu published %s\n", n.reviews,
	       plural(n.reviews, "review", "reviews"), n.followups_done,
	       plural(n.followups_done, "", "s"), n.playbooks,
	       plural(n.playbooks, "playbook", "playbooks"));
	if (n.others)
		printf("%zu %s of other agents in this database %s not sent: sync sends the calls "
		       "of agent '%s' (the server role) only\n",
		       n.others, plural(n.others, "call", "calls"), plural(n.others, "was", "were"),
		       team_role(t));
out:
	team_close(t);
	return code;
}
