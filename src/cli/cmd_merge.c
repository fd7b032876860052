/* cmd_merge.c - `poise merge FILE.db...`: other agents' calls into this database. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "poise/merge.h"
#include "poise/store.h"
#include "poise/words.h"
#include "poise/text.h"

const struct cli_opt cmd_merge_opts[] = {
	{NULL, NULL, NULL},
};

static void print_counts(const char *path, const struct merge_counts *n)
{
	char w[64];

	text_fput(stdout, path, 0);
	printf(": %s added, %zu already present",
	       words_count(w, sizeof(w), (long)n->added, "call", "calls"), n->present);
	if (n->updated)
		printf(", %zu completed with newer events", n->updated);
	if (n->closed)
		printf(", %s closed",
		       words_count(w, sizeof(w), (long)n->closed, "follow-up", "follow-ups"));
	if (n->reviews)
		printf(", %s added",
		       words_count(w, sizeof(w), (long)n->reviews, "review", "reviews"));
	if (n->acked)
		printf(", %s marked read",
		       words_count(w, sizeof(w), (long)n->acked, "review", "reviews"));
	putchar('\n');
	if (n->pending) {
		text_fput(stdout, path, 0);
		printf(": %s waiting in its side log not merged: open it with poise "
		       "once to replay them, then merge again\n",
		       words_count(w, sizeof(w), (long)n->pending, "entry", "entries"));
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
		fputs(": nothing merged from it\n", stderr);
		code = CLI_FAIL;
	}
	return code;
}
