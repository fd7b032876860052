/* main.c - the command table and the one place poise exits. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_floor.h"
#include "cli/cli_review.h"
#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "poise/i18n.h"

/*
 * Every command, once: dispatch, `poise --help` and `poise CMD --help` read
 * this, and its setup column (CLI_DB_*, cli.h) says what runs before the
 * handler: the --db option and path, the database opened to read or write.
 */
const struct cli_cmd cli_commands[] = {
	{"call", cmd_call, cmd_call_opts, NULL, 0, 0, CLI_DB_PATH,
	 N_("coach a live call, stage by stage (the default command)")},
	{"rehearse", cmd_rehearse, cmd_rehearse_opts, "SCENARIO", 1, 1, CLI_DB_PATH,
	 N_("practise a call with a scripted difficult customer (a scenario file or name); "
	    "logged as practice, never counted in report")},
	{"lint", cmd_lint, cmd_lint_opts, "PATH...", 1, -1, 0,
	 N_("check playbook files, or the *.yaml and *.yml files of folders (errors, then "
	 "warnings about what will not serve a live call)")},
	{"preview", cmd_preview, cmd_preview_opts, "PLAYBOOK", 1, 1, 0,
	 N_("walk a playbook's stages on the call screen, no database, reloaded when its file "
	    "is saved (trainers)")},
	{"playbooks", cmd_playbooks, NULL, NULL, 0, 0, 0,
	 N_("list the playbooks on the search path, in the order they are searched")},
	{"export", cmd_export, cmd_export_opts, NULL, 0, 0, CLI_DB_READ | CLI_DB_TEAM,
	 N_("write every logged call with its events as JSON Lines or CSV")},
	{"review", cmd_review, cmd_review_opts, NULL, 0, 0, CLI_DB_PATH | CLI_DB_TEAM,
	 N_("browse logged calls: filter, open, replay, score and comment (supervisors)")},
	{"show", cmd_show, cmd_show_opts, "CALL_ID", 1, 1, CLI_DB_READ | CLI_DB_TEAM,
	 N_("print one call's timeline as plain text (a unique id prefix will do)")},
	{"followups", cmd_followups, cmd_followups_opts, "[done ID]", 0, 2,
	 CLI_DB_READ | CLI_DB_WRITE | CLI_DB_TEAM,
	 N_("list the follow-ups due and overdue, or close one with 'done ID'")},
	{"report", cmd_report, cmd_report_opts, NULL, 0, 0, CLI_DB_READ | CLI_DB_TEAM, N_("figures: times, rates, moods, causes")},
	{"merge", cmd_merge, cmd_merge_opts, "FILE.db...", 1, -1, CLI_DB_WRITE,
	 N_("import the calls of other poise databases, skipping those already here")},
	{"doctor", cmd_doctor, cmd_doctor_opts, NULL, 0, 0, CLI_DB_WRITE,
	 N_("check the database and rebuild its note search index")},
	{"server", cmd_server, cli_server_opts, "init", 1, 1, 0,
	 N_("create or upgrade the centre's PostgreSQL schema, roles and policies (its owner)")},
	{"sync", cmd_sync, cli_server_opts, NULL, 0, 0, CLI_DB_WRITE,
	 N_("send this agent's calls to the centre's server; bring back reviews, follow-ups, playbooks")},
	{"publish", cmd_publish, cli_server_opts, "FILE.yaml", 1, 1, 0,
	 N_("lint a playbook, then publish it on the centre's server for every agent (trainers)")},
	{"floor", cmd_floor, cli_server_opts, NULL, 0, 0, 0,
	 N_("the live floor: every agent's call as it happens, who needs help first, and an "
	 "alert when one asks (supervisors; needs the centre's server)")},
	{NULL, NULL, NULL, NULL, 0, 0, 0, NULL},
};

/* Commands for developers: dispatched like the others, left out of --help. */
static const struct cli_cmd hidden_commands[] = {
	{"gen", cmd_gen, cmd_gen_opts, "N", 1, 1, CLI_DB_WRITE, N_("write N realistic made-up calls (benchmarks)")},
	{NULL, NULL, NULL, NULL, 0, 0, 0, NULL},
};

static const struct cli_cmd *find_command(const char *name)
{
	for (const struct cli_cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	for (const struct cli_cmd *c = hidden_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int run(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	struct poise_error err;

	poise_error_clear(&err);
	/* No command: take a call with every default, as the agent expects. */
	if (argc < 2)
		return cli_run(find_command("call"), 0, argv + 1);
	if (strcmp(argv[1], "--version") == 0) {
		printf("poise %s\n", POISE_VERSION);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_print_usage(stdout, NULL);
		return CLI_OK;
	}
	/* Options first: a call, as `poise call OPTIONS` ("poise --db PATH"). */
	if (argv[1][0] == '-')
		return cli_run(find_command("call"), argc - 1, argv + 1);
	cmd = find_command(argv[1]);
	if (!cmd) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0, "unknown command '%s'", argv[1]);
		return cli_report(NULL, &err);
	}
	return cli_run(cmd, argc - 2, argv + 2);
}

int main(int argc, char **argv)
{
	int code;

	i18n_init();
	code = run(argc, argv);

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) != 0 && code == CLI_OK)
		code = CLI_FAIL;
	return code;
}
