/* cmd_call.c - `poise call`: resolve who and where, then hand over to the screen. */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_team.h"
#include "poise/i18n.h"
#include "poise/store.h"
#include "poise/team_floor.h"
#include "ui/ui.h"

const struct cli_opt cmd_call_opts[] = {
	{"playbook", "NAME|FILE", N_("playbook id or file (default: de-escalation)")},
	{"customer", "NAME", N_("the first caller's name (else a form asks each caller)")},
	{"ref", "ID", N_("the first caller's customer or ticket reference")},
	{"agent", "NAME", N_("your name (default: $POISE_AGENT, login name)")},
	{"plain", NULL,
	 N_("plain lines and single keys, no full screen: for screen readers and slow links; "
	    "works on pipes")},
	{"server", "URL",
	 N_("the centre's server, where each event also streams to the live floor (default: "
	 "$POISE_SERVER, else libpq's PG* variables; none: nothing leaves this machine)")},
	{NULL, NULL, NULL},
};

static void note_stored(void *ctx, const char *call_id)
{
	team_stream_note(ctx, call_id);
}

/*
 * With a server configured, each event also streams to it (the live
 * floor): a child process, started before the database is opened. Without
 * one, nothing. A server address poise refuses (a password in it) stops
 * here; a streamer that cannot start leaves the call as it would be.
 */
static enum poise_status start_stream(const struct cli_args *args, const char *db,
				      struct team_stream **out, struct poise_error *err)
{
	const char *conninfo;
	enum poise_status ps = cli_team_server(cli_value(args, "server"), &conninfo, err);

	*out = NULL;
	if (ps == POISE_OK && team_stream_start(conninfo, db, out, err) != POISE_OK)
		*out = NULL;
	if (ps != POISE_USAGE) {
		poise_error_clear(err);
		ps = POISE_OK;
	}
	return ps;
}

int cli_call_opts(const struct cli_args *args, struct call_opts *opts, struct poise_error *err)
{
	opts->playbook = cli_value(args, "playbook");
	opts->db = args->db;
	return (opts->agent = cli_person(args, "agent", err)) != NULL;
}

int cmd_call(const struct cli_args *args)
{
	char exe[4096] = "";
	struct call_opts opts = {0};
	struct team_stream *stream = NULL;
	struct poise_error err;
	int rc;

	poise_error_clear(&err);
	opts.customer = cli_value(args, "customer");
	opts.ref = cli_value(args, "ref");
	if (!cli_call_opts(args, &opts, &err) ||
	    cli_check_field("customer", N_("customer name"), opts.customer, FIELD_CUSTOMER_MAX, &err) ||
	    cli_check_field("ref", N_("reference"), opts.ref, FIELD_REF_MAX, &err))
		return cli_report(args->cmd, &err);
	/* This very poise runs `poise sync` in the background after each call. */
	if (readlink("/proc/self/exe", exe, sizeof(exe) - 1) > 0)
		opts.sync_exe = exe;
	if (start_stream(args, args->db, &stream, &err) != POISE_OK)
		return cli_report(args->cmd, &err);
	if (stream) {
		opts.stored = note_stored;
		opts.stored_ctx = stream;
	}
	rc = cli_value(args, "plain") ? ui_call_plain(&opts, &err) : ui_call(&opts, &err);
	team_stream_stop(stream, 2000);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
