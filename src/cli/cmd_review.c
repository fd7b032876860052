/* cmd_review.c - `poise review`: resolve the database and the reviewer, then open the browser. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_super.h"
#include "cli/cli_team.h"
#include "cli/cli_review.h"
#include "poise/store.h"
#include "poise/store_review.h"
#include "ui/review.h"
#include "poise/i18n.h"

const struct cli_opt cmd_review_opts[] = {
	CLI_SERVER_FLAG,
	{"reviewer", "NAME", N_("who signs scores and comments (default: $POISE_AGENT, login name; "
			      "with --server: your server role, and no other)")},
	{"practice", NULL, N_("list the rehearsals (poise rehearse) instead of the calls (P in the list)")},
	{"since", "DATE", N_("list calls started on or after this day (YYYY-MM-DD)")},
	{"until", "DATE", N_("list calls started on or before this day")},
	{"agent", "NAME", N_("only this agent's calls")},
	{"customer", "TEXT", N_("only calls whose customer's name contains TEXT")},
	{"ref", "REF", N_("only calls with this customer reference")},
	{"status", "STATUS", N_("only open, interrupted or done calls")},
	{"search", "TEXT", N_("only calls with TEXT in a note, reason, promise, reflection, comment "
			   "or reply")},
	{"reviewed", "yes|no", N_("only calls reviewed or scored (yes), or neither (no)")},
	{"score-below", "N", N_("only calls with a QA score below N percent")},
	{"sample", "N", N_("open on a random sample of N of those calls, as a review queue")},
	{"seed", "N", N_("the sample's seed: the same seed draws the same calls (default: new, shown)")},
	{NULL, NULL, NULL},
};

/* A whole number lo..hi given to --name. */
static enum poise_status read_number(const struct cli_args *args, const char *name, long lo,
				     long hi, long *out, struct poise_error *err)
{
	const char *v = cli_value(args, name);
	char *end = NULL;

	if (!v)
		return POISE_OK;
	errno = 0;
	*out = strtol(v, &end, 10);
	if (!v[0] || *end || errno || *out < lo || *out > hi)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "option '--%s' needs a number %ld..%ld, not '%s'", name, lo,
				       hi, v);
	return POISE_OK;
}

/* Copy --name's value into out; too long is a usage error, not a cut. */
static enum poise_status read_text(const struct cli_args *args, const char *name, char *out,
				   size_t size, struct poise_error *err)
{
	const char *v = cli_value(args, name);

	if (v && strlen(v) >= size)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "option '--%s' is too long (at most %zu bytes)", name,
				       size - 1);
	if (v)
		memcpy(out, v, strlen(v) + 1);
	return POISE_OK;
}

/* The filters and sample the list opens on; the store checks the rest when it loads. */
static enum poise_status read_filter(const struct cli_args *args, struct review_filter *f,
				     struct review_opts *opts, struct poise_error *err)
{
	const char *since = cli_value(args, "since"), *until = cli_value(args, "until"),
		   *reviewed = cli_value(args, "reviewed");
	long below = 0, sample = 0, seed = -1;
	enum poise_status ps;

	if ((since && (ps = cli_parse_date("since", since, 0, &f->since, err)) != POISE_OK) ||
	    (until && (ps = cli_parse_date("until", until, 1, &f->until, err)) != POISE_OK) ||
	    (ps = read_text(args, "agent", f->agent, sizeof(f->agent), err)) != POISE_OK ||
	    (ps = read_text(args, "customer", f->customer, sizeof(f->customer), err)) !=
		    POISE_OK ||
	    (ps = read_text(args, "ref", f->ref, sizeof(f->ref), err)) != POISE_OK ||
	    (ps = read_text(args, "status", f->status, sizeof(f->status), err)) != POISE_OK ||
	    (ps = read_text(args, "search", f->search, sizeof(f->search), err)) != POISE_OK ||
	    (ps = read_number(args, "score-below", 1, 100, &below, err)) != POISE_OK ||
	    (ps = read_number(args, "sample", 1, REVIEW_SAMPLE_MAX, &sample, err)) != POISE_OK ||
	    (ps = read_number(args, "seed", 0, 999999999, &seed, err)) != POISE_OK)
		return ps;
	if (f->status[0] && strcmp(f->status, "open") && strcmp(f->status, "interrupted") &&
	    strcmp(f->status, "done"))
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "unknown status '%s': expected open, interrupted or done",
				       f->status);
	if (reviewed && strcmp(reviewed, "yes") && strcmp(reviewed, "no"))
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "option '--reviewed' needs yes or no, not '%s'", reviewed);
	if (seed >= 0 && !sample)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "--seed needs --sample N");
	f->reviewed = !reviewed ? REVIEWED_ANY : reviewed[0] == 'y' ? REVIEWED_YES : REVIEWED_NO;
	f->score_below = (int)below;
	opts->filter = f;
	opts->since = since;
	opts->until = until;
	opts->sample = (int)sample;
	opts->seeded = seed >= 0;
	opts->seed = seed >= 0 ? (uint64_t)seed : 0;
	return POISE_OK;
}

/*
 * Who signs. With --server, the server role: the server records a review
 * as the role that sends it, and takes a QA scoring only from the role it
 * names, so a scoring signed otherwise would wait in the mirror for ever.
 * Another --reviewer is refused; out of reach (the mirror read as last
 * brought down), the role is not known, and the usual default stands with
 * a warning.
 */
static const char *reviewer(const struct cli_args *args, struct poise_error *err)
{
	const char *role = args->server_role[0] ? args->server_role : NULL,
		   *given = cli_value(args, "reviewer"), *name;

	if (!cli_value(args, "server"))
		return cli_person(args, "reviewer", err);
	if (role && given && strcmp(given, role) != 0) {
		poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				"with --server, scores and comments are signed by your server "
				"role '%s': the server would not take them signed '%s'. Drop "
				"--reviewer, or connect as that role (PGUSER, or user= in "
				"$POISE_SERVER)",
				role, given);
		return NULL;
	}
	if (role)
		return role;
	if ((name = cli_person(args, "reviewer", err)))
		fprintf(stderr,
			_("poise: warning: the server is out of reach, so your server role is not "
			  "known: scores and comments are signed '%s' here, and a QA score "
			  "reaches the server only if that is your role\n"),
			name);
	return name;
}

int cmd_review(const struct cli_args *args)
{
	struct review_opts opts = {0};
	struct review_filter f = {0};
	struct poise_error err;
	int rc;

	poise_error_clear(&err);
	if (read_filter(args, &f, &opts, &err) != POISE_OK)
		return cli_report(args->cmd, &err);
	if (!(opts.reviewer = reviewer(args, &err)))
		return cli_report(args->cmd, &err);
	opts.db = args->db;
	opts.practice = cli_value(args, "practice") != NULL;
	/* Reviewing never creates a database: a wrong path should say so. */
	if (access(opts.db, F_OK) != 0) {
		poise_error_set(&err, POISE_NOT_FOUND, NULL, 0, 0,
				"no database at '%s': run a call first or pass --db PATH", opts.db);
		return cli_report(args->cmd, &err);
	}
	rc = ui_review(&opts, &err);
	if (err.status != POISE_OK)
		return cli_report(args->cmd, &err);
	/* Reviews written in the team's mirror go to the server now; else with the next. */
	if (cli_value(args, "server") && cli_team_refresh(args, args->db, 0, &err) != POISE_OK)
		fprintf(stderr,
			_("poise: warning: %s\npoise: the reviews stay in %s and go to the server "
			  "with the next 'poise review --server' or any --server command\n"),
			err.msg, args->db);
	return rc;
}
