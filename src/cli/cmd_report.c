/* cmd_report.c - `poise report`: figures per agent and overall, or per playbook line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/i18n.h"
#include "poise/report.h"
#include "poise/store.h"
#include "poise/store_ready.h"
#include "poise/i18n.h"

const struct cli_opt cmd_report_opts[] = {
	CLI_SERVER_FLAG,
	{"since", "DATE", N_("calls started on or after this day (YYYY-MM-DD)")},
	{"until", "DATE", N_("calls started on or before this day (UTC days unless TZ is set)")},
	{"agent", "NAME", N_("only this agent's calls")},
	{"playbook", "ID", N_("only calls under this playbook id")},
	{"format", "table|csv|json|html", N_("table (the default), csv, json, or html (a page of weekly charts)")},
	{"lines", NULL, N_("per playbook line: shown, used, skipped, mood after")},
	{"calibration", NULL, N_("calls several reviewers scored: spread per criterion, who deviates")},
	{"repeat-days", "N", N_("a repeat contact is within N days (default 7)")},
	{"refold", NULL, N_("fold every call from its events, not from kept figures")},
	{"practice", NULL,
	 N_("rehearsals only (poise rehearse), per trainee: rehearsals, scenarios and the usual "
	    "figures; without it rehearsals are never counted")},
	{NULL, NULL, NULL},
};

/* An option that takes a value must not be given empty. */
static enum poise_status nonempty(const struct cli_args *args, const char *name, const char *what,
				  const char **out, struct poise_error *err)
{
	*out = cli_value(args, name);
	if (*out && !(*out)[0])
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--%s' needs a %s",
				       name, _(what));
	return POISE_OK;
}

static enum poise_status read_repeat_days(const struct cli_args *args, int *days,
					  struct poise_error *err)
{
	const char *v = cli_value(args, "repeat-days");
	char *end = NULL;
	long n;

	*days = REPORT_REPEAT_DAYS;
	if (!v)
		return POISE_OK;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!v[0] || *end || errno || n < 1 || n > REPORT_REPEAT_MAX)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "option '--repeat-days' needs a number of days, 1..%d, "
				       "not '%s'",
				       REPORT_REPEAT_MAX, v);
	*days = (int)n;
	return POISE_OK;
}

#define FORMAT_HTML (-2) /* not a report_format: the page reads the store week by week */

/* Everything the command line says, checked before the database is opened. */
static enum poise_status read_query(const struct cli_args *args, struct report_query *q, int *fmt,
				    struct poise_error *err)
{
	const char *name = cli_value(args, "format"), *since = cli_value(args, "since"),
		   *until = cli_value(args, "until");
	enum poise_status ps;

	q->utc = 0; /* local days, as every command */
	*fmt = REPORT_TABLE;
	if (name && !strcmp(name, "html")) {
		*fmt = FORMAT_HTML;
		if (cli_value(args, "lines"))
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "--lines has no html form: use table, csv or json");
		if (cli_value(args, "calibration"))
			return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
					       "--calibration has no html form: use table, csv "
					       "or json");
	} else if (name && (*fmt = report_format_from_name(name)) < 0) {
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "unknown format '%s': use table, csv, json or html", name);
	}
	if ((ps = nonempty(args, "agent", "NAME", &q->agent, err)) != POISE_OK ||
	    (ps = nonempty(args, "playbook", N_("playbook id"), &q->playbook, err)) != POISE_OK ||
	    /* Filters hold the same limits as what they filter: a longer one matches nothing. */
	    (ps = cli_check_field("agent", N_("name"), q->agent, FIELD_AGENT_MAX, err)) != POISE_OK ||
	    (ps = cli_check_field("playbook", N_("playbook id"), q->playbook, FIELD_PLAYBOOK_ID_MAX,
				  err)) != POISE_OK ||
	    (since && (ps = cli_parse_date("since", since, 0, &q->since, err)) != POISE_OK) ||
	    (until && (ps = cli_parse_date("until", until, 1, &q->until, err)) != POISE_OK) ||
	    (ps = read_repeat_days(args, &q->repeat_days, err)) != POISE_OK)
		return ps;
	if (q->since && q->until && q->until <= q->since)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "--until %s is before --since %s", cli_value(args, "until"),
				       cli_value(args, "since"));
	q->refold = cli_value(args, "refold") != NULL;
	q->practice = cli_value(args, "practice") != NULL;
	if (q->practice && (*fmt == FORMAT_HTML || cli_value(args, "calibration")))
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       _("--practice has no html or calibration form: use table, "
					 "csv or json"));
	q->now = cli_now_ms();
	return POISE_OK;
}

static int calibration(const struct cli_args *args, struct store *st,
		       const struct report_query *q, enum report_format fmt)
{
	struct report_calib *c = NULL;
	struct poise_error err;
	int code = CLI_OK;

	poise_error_clear(&err);
	if (cli_value(args, "lines")) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0,
				"--calibration and --lines are two reports: give one");
		return cli_report(args->cmd, &err);
	}
	if (report_calibration(st, q, &c, &err) != POISE_OK ||
	    report_write_calibration(c, stdout, fmt, &err) != POISE_OK)
		code = cli_report(args->cmd, &err);
	report_calib_free(c);
	return code;
}

int cmd_report(const struct cli_args *args)
{
	struct report_query q = {0};
	struct poise_error err;
	struct store *st;
	struct report *r = NULL;
	enum poise_status ps;
	int fmt, code = CLI_OK;

	poise_error_clear(&err);
	if (read_query(args, &q, &fmt, &err) != POISE_OK || !(st = cli_store(args, &err)))
		return cli_report(args->cmd, &err);
	if (q.agent && cli_known_agent(st, q.agent, &err) != POISE_OK) {
		code = cli_report(args->cmd, &err);
		goto out;
	}
	if (fmt == FORMAT_HTML) {
		if (report_write_html(st, &q, stdout, &err) != POISE_OK)
			code = cli_report(args->cmd, &err);
		goto out;
	}
	if (cli_value(args, "calibration")) {
		code = calibration(args, st, &q, (enum report_format)fmt);
		goto out;
	}
	if (report_run(st, &q, &r, &err) != POISE_OK) {
		code = cli_report(args->cmd, &err);
		goto out;
	}
	if (cli_value(args, "lines"))
		ps = report_write_lines(r, stdout, (enum report_format)fmt, &err);
	else
		ps = report_write(r, stdout, (enum report_format)fmt, &err);
	if (ps != POISE_OK)
		code = cli_report(args->cmd, &err);
out:
	report_free(r);
	return code;
}
