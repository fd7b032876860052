/* cmd_export.c - `poise export`: every call with its events, as JSON Lines or CSV. */
#include <stdio.h>

#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/export.h"
#include "poise/store.h"
#include "poise/i18n.h"

const struct cli_opt cmd_export_opts[] = {
	CLI_SERVER_FLAG,
	{"format", "jsonl|csv", N_("jsonl (a call per line; the default) or csv")},
	{"since", "DATE", N_("calls started on or after this day (YYYY-MM-DD)")},
	{"until", "DATE", N_("calls started on or before this day")},
	{"redact", NULL, N_("drop customers, references, typed text; agents renamed")},
	{"keep-agents", NULL, N_("with --redact: keep the agents' names")},
	{NULL, NULL, NULL},
};

static enum poise_status read_range(const struct cli_args *args, int64_t *since, int64_t *until,
				    struct poise_error *err)
{
	const char *s = cli_value(args, "since"), *u = cli_value(args, "until");
	enum poise_status ps;

	*since = *until = 0;
	if (s && (ps = cli_parse_date("since", s, 0, since, err)) != POISE_OK)
		return ps;
	if (u && (ps = cli_parse_date("until", u, 1, until, err)) != POISE_OK)
		return ps;
	if (s && u && *until <= *since)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "--until %s is before --since %s", u, s);
	return POISE_OK;
}

int cmd_export(const struct cli_args *args)
{
	const char *name = cli_value(args, "format");
	struct poise_error err;
	struct store *st;
	int64_t since, until;
	int fmt = EXPORT_JSONL;

	poise_error_clear(&err);
	if (name && (fmt = export_format_from_name(name)) < 0) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0,
				"unknown format '%s': use jsonl or csv", name);
		return cli_report(args->cmd, &err);
	}
	if (cli_value(args, "keep-agents") && !cli_value(args, "redact")) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0, "--keep-agents goes with --redact");
		return cli_report(args->cmd, &err);
	}
	if (read_range(args, &since, &until, &err) != POISE_OK || !(st = cli_store(args, &err)) ||
	    export_calls(st, stdout, (enum export_format)fmt,
			 (cli_value(args, "redact") ? EXPORT_REDACT : 0) |
				 (cli_value(args, "keep-agents") ? EXPORT_KEEP_AGENTS : 0),
			 since, until, &err) != POISE_OK)
		return cli_report(args->cmd, &err);
	return CLI_OK;
}
