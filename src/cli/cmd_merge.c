/* cmd_merge.c - `poise merge FILE.db...`: other agents' calls into this database. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "poise/merge.h"
#include "poise/store.h"
#include "poise/words.h"
#include "poise/text.h"
#include "poise/i18n.h"

const struct cli_opt cmd_merge_opts[] = {
	{NULL, NULL, NULL},
};

static void print_counts(const char *path, const struct merge_counts *n)
{
	text_fput(stdout, path, 0);
	fputs(": ", stdout);
	printf(P_("%zu call added", "%zu calls added", n->added), n->added);
	printf(", %zu %s", n->present, P_("already present", "already present", n->present));
	if (n->updated)
		printf(P_(", %zu completed with newer events", ", %zu completed with newer events",
			  n->updated),
		       n->updated);
	if (n->closed)
		printf(P_(", %zu follow-up closed", ", %zu follow-ups closed", n->closed), n->closed);
	if (n->reviews)
		printf(P_(", %zu review added", ", %zu reviews added", n->reviews), n->reviews);
	if (n->acked)
		printf(P_(", %zu review marked read", ", %zu reviews marked read", n->acked), n->acked);
	if (n->edited)
		printf(P_(", %zu review taken from its later edit",
			  ", %zu reviews taken from their later edit", n->edited),
		       n->edited);
	if (n->scores)
		printf(P_(", %zu QA score added or updated", ", %zu QA scores added or updated",
			  n->scores),
		       n->scores);
	if (n->replies)
		printf(P_(", %zu reply to a review added", ", %zu replies to reviews added",
			  n->replies),
		       n->replies);
	putchar('\n');
	if (n->pending) {
		text_fput(stdout, path, 0);
		fputs(": ", stdout);
		printf(P_("%zu entry waiting in its side log not merged: open it with poise once "
			  "to replay it, then merge again\n",
			  "%zu entries waiting in its side log not merged: open it with poise once "
			  "to replay them, then merge again\n",
			  n->pending),
		       n->pending);
	}
}

int cmd_merge(const struct cli_args *args)
{
	struct poise_error err;
	struct store *st;
	struct merge_counts n;
	int code = CLI_OK;

	poise_error_clear(&err);
	if (!(st = cli_store(args, &err)))
		return cli_report(args->cmd, &err);
	/* Each file on its own: one refused source does not stop the others. */
	for (int i = 0; i < args->noperands; i++) {
		const char *path = args->operands[i];

		poise_error_clear(&err);
		if (merge_file(st, path, &n, &err) == POISE_OK) {
			print_counts(path, &n);
			continue;
		}
		fflush(stdout);
		if (err.status == POISE_USAGE)
			err.status = POISE_INVALID;
		cli_report(args->cmd, &err);
		fputs("poise: ", stderr);
		text_fput(stderr, path, 0);
		fprintf(stderr, ": %s\n", _("nothing merged from it"));
		code = CLI_FAIL;
	}
	return code;
}
