/* cmd_sync.c - `poise sync`: this database and the centre's server, both ways. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/store_sync.h"
#include "poise/store.h"
#include "poise/team.h"
#include "poise/i18n.h"
#include "poise/words.h"

int cmd_sync(const struct cli_args *args)
{
	struct poise_error err;
	struct team_sync_counts n;
	struct store *st;
	struct team *t = NULL;
	int code = CLI_OK;

	poise_error_clear(&err);
	/* The server's options are checked (and it is reached) before the database opens. */
	if (cli_team_connect(args, TEAM_FOR_AGENT, &t, &err) != CLI_OK ||
	    !(st = cli_store(args, &err)) || team_sync(t, st, NULL, &n, &err) != POISE_OK) {
		/*
		 * The ready screen says so ("server unreachable, N calls waiting"):
		 * any failure once a server is configured; none without one (the
		 * database is not touched then).
		 */
		if (err.status != POISE_NOT_FOUND && err.status != POISE_USAGE) {
			struct poise_error ignored;

			poise_error_clear(&ignored);
			if ((st = cli_store(args, &ignored)))
				store_sync_outcome(st, cli_now_ms(), err.status, 0, NULL);
		}
		code = cli_report(args->cmd, &err);
		goto out;
	}
	store_sync_outcome(st, cli_now_ms(), POISE_OK, n.refused, NULL);
	{
		char a[64], b[64], c[64], d[64];

		words_count_c(a, sizeof(a), (long)n.calls, "count", "call", "calls");
		words_count(b, sizeof(b), (long)n.events, "event", "events");
		words_count(c, sizeof(c), (long)n.followups, "follow-up change", "follow-up changes");
		words_count(d, sizeof(d), (long)n.figures, "set of figures", "sets of figures");
		/* TRANSLATORS: "sent 3 calls, 40 events, 1 follow-up change, 3 sets of figures". */
		printf(_("sent %s, %s, %s, %s\n"), a, b, c, d);
		words_count(a, sizeof(a), (long)n.reviews, "review", "reviews");
		words_count(b, sizeof(b), (long)n.followups_done, "follow-up closed",
			    "follow-ups closed");
		words_count(c, sizeof(c), (long)n.playbooks, "published playbook",
			    "published playbooks");
		/* TRANSLATORS: "received 2 reviews, 1 follow-up closed, 0 published playbooks". */
		printf(_("received %s, %s, %s\n"), a, b, c);
		if (n.replies_sent || n.scores || n.replies) {
			words_count(a, sizeof(a), (long)n.replies_sent, "reply to a review",
				    "replies to reviews");
			words_count(b, sizeof(b), (long)n.scores, "QA scoring", "QA scorings");
			words_count(c, sizeof(c), (long)n.replies, "reply", "replies");
			/* TRANSLATORS: "QA: sent 1 reply to a review; received 2 QA scores, 0 replies". */
			printf(_("QA: sent %s; received %s, %s\n"), a, b, c);
		}
	}
	if (n.others)
		printf(P_("%zu call of other agents in this database was not sent: sync sends the "
			  "calls of agent '%s' (the server role) only\n",
			  "%zu calls of other agents in this database were not sent: sync sends the "
			  "calls of agent '%s' (the server role) only\n",
			  n.others),
		       n.others, team_role(t));
	if (n.refused) {
		/* Never quiet: these calls wait here, unsent, until their rows are mended. */
		fprintf(stderr, "poise: %s", _("warning: "));
		fprintf(stderr,
			P_("%zu call here was not sent: its rows are not ones poise writes (%s). "
			   "The others were sent; this database was edited outside poise: restore "
			   "that call from a backup, or delete it.\n",
			   "%zu calls here were not sent: their rows are not ones poise writes "
			   "(the first: %s). The others were sent; this database was edited "
			   "outside poise: restore those calls from a backup, or delete them.\n",
			   n.refused),
			n.refused, n.refused_why);
	}
out:
	team_close(t);
	return code;
}
