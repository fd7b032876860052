/*
 * cmd_followups.c - `poise followups`: the follow-ups due, and
 * `poise followups done ID` to close one. Streams the list with fixed
 * columns (cut to width in terminal columns, a CJK character two) so a
 * long list is never held whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/day.h"
#include "poise/followup.h"
#include "poise/store.h"
#include "poise/text.h"
#include "poise/i18n.h"

const struct cli_opt cmd_followups_opts[] = {
	CLI_SERVER_FLAG,
	{"all", NULL, N_("every open follow-up, also those due later or without a date")},
	{"agent", "NAME", N_("only the follow-ups of this agent's calls")},
	{NULL, NULL, NULL},
};

/* "CALL/SEQ": a short call id, a slash and room for a three-digit seq */
enum { ID_COLS = CALL_ID_SHORT + 4 };

struct listing {
	const char *today;
	const char *agent; /* NULL: everyone's */
	size_t rows;
};

/* s made safe, padded or cut to width columns, then two spaces. */
static void cell(const char *s, int width)
{
	text_fput_cell(stdout, s, width, 0);
	fputs("  ", stdout);
}

static int print_row(void *ctx, const struct followup *f)
{
	struct listing *l = ctx;
	const char *mark = !f->due[0]			   ? _("no date")
			   : strcmp(f->due, l->today) < 0  ? _("overdue")
			   : strcmp(f->due, l->today) == 0 ? _("today")
							   : "";
	char id[FOLLOWUP_ID_SIZE], due[32];

	if (l->agent && strcmp(f->agent, l->agent) != 0)
		return 0;
	if (l->rows++ == 0) {
		/* TRANSLATORS: the follow-ups table's headings, in capitals as ls and ps write them. */
		cell(_("ID"), ID_COLS);
		cell(_("DUE"), 10);
		cell("", 7);
		cell(_("CHANNEL"), 8);
		cell(_("CUSTOMER"), 16);
		cell(_("AGENT"), 12);
		puts(_("PROMISE"));
	}
	/* The call's id and the event's seq: the same in every database and on the server. */
	followup_format_id(f->call_id, f->seq, id);
	cell(id, ID_COLS);
	cell(f->due[0] ? day_locale_day(due, sizeof(due), f->due) : "-", 10);
	cell(mark, 7);
	cell(f->channel[0] ? f->channel : "-", 8);
	cell(f->customer[0] ? f->customer : "-", 16);
	cell(f->agent, 12);
	text_fput(stdout, f->promise, 0);
	putchar('\n');
	return ferror(stdout) != 0;
}

static int list(struct store *st, int all, const char *agent, struct poise_error *err)
{
	char today[11];
	struct listing l = {today, agent, 0};

	if (agent && cli_known_agent(st, agent, err) != POISE_OK)
		return -1;
	day_format(0, cli_now_ms(), today);
	if (followup_each(st, today, all, print_row, &l, err) != POISE_OK)
		return -1;
	if (l.rows == 0)
		puts(all ? _("no open follow-ups") : _("no follow-ups due"));
	return 0;
}

static int close_one(const struct cli_args *args, const char *word, struct poise_error *err)
{
	struct store *st;
	int64_t id = 0, now = cli_now_ms(), done_at = 0;

	/* Closing one must not create a database as a side effect. */
	if (access(args->db, F_OK) != 0) {
		poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				"no database at '%s': pass --db PATH", args->db);
		return -1;
	}
	if (!(st = cli_store_write(args, err)) || followup_find(st, word, &id, err) != POISE_OK ||
	    followup_done(st, id, now, &done_at, err) != POISE_OK)
		return -1;
	fputs(_("follow-up "), stdout);
	text_fput(stdout, word, 0);
	puts(done_at == now ? _(" done") : _(" was already done"));
	return 0;
}

int cmd_followups(const struct cli_args *args)
{
	struct poise_error err;
	struct store *st;
	int rc;

	poise_error_clear(&err);
	if (args->noperands > 0 && (args->noperands != 2 || strcmp(args->operands[0], "done"))) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0,
				"expected no arguments, or 'done ID'");
		return cli_report(args->cmd, &err);
	}
	if (args->noperands == 2) {
		rc = close_one(args, args->operands[1], &err);
		cli_store_close(args);
		/* Closed in the team's mirror: to the server now, else with the next --server. */
		if (rc == 0 && cli_value(args, "server") &&
		    cli_team_refresh(args, args->db, 0, &err) != POISE_OK)
			fprintf(stderr,
				_("poise: warning: %s\npoise: the follow-up is closed in %s and goes "
				  "to the server with the next --server command\n"),
				err.msg, args->db);
	} else if (!(st = cli_store(args, &err)))
		rc = -1;
	else {
		const char *agent = cli_value(args, "agent");

		if (agent && !agent[0]) {
			poise_error_set(&err, POISE_USAGE, NULL, 0, 0, "option '--agent' needs a NAME");
			rc = -1;
		} else {
			rc = list(st, cli_value(args, "all") != NULL, agent, &err);
		}
	}
	return rc ? cli_report(args->cmd, &err) : CLI_OK;
}
