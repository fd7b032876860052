/* cmd_sync.c - `poise sync`: this database and the centre's server, both ways. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/store_sync.h"
#include "poise/store.h"
#include "poise/team.h"

const struct cli_opt cmd_sync_opts[] = {
	{"server", "URL", "the server (default: $POISE_SERVER, else libpq's PG* variables)"},
	{"db", "PATH", "the database (default: $POISE_DB, XDG data)"},
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
	struct store *st = NULL;
	struct team *t = NULL;
	const char *conninfo;
	char db[4096];
	int code = CLI_OK;

	poise_error_clear(&err);
	/* No server configured: nothing to do, and the database is not touched. */
	if (team_server(cli_value(args, "server"), cli_getenv, &conninfo, &err) != POISE_OK ||
	    cli_db_path(args, db, sizeof(db), &err) != POISE_OK ||
	    store_open(db, 0, &st, &err) != POISE_OK)
		return cli_report(args->cmd, &err);
	if (team_connect(conninfo, &t, &err) != POISE_OK ||
	    team_sync(t, st, NULL, &n, &err) != POISE_OK) {
		/* The ready screen says so: "server unreachable, N calls waiting". */
		store_sync_outcome(st, cli_now_ms(), err.status, NULL);
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
	store_close(st);
	return code;
}
