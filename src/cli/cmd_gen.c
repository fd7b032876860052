/*
 * cmd_gen.c - `poise gen N`: write N realistic made-up calls, for
 * benchmarks and demos. Hidden: not in `poise --help`, not in the man page.
 *
 * For the bench engineer (docs/benchmarks.md is yours to write):
 *   poise gen N [--db PATH] [--seed S] [--agents K] [--days D]
 * writes N calls under the built-in playbook through store_batch.h (5000
 * calls per transaction; the same rows as the live path). Calls start in
 * office hours over the D days (default 365) before today 00:00 UTC, in
 * time order (call i on day i * D / N, as a real log grows), by K agents
 * (default 20), customer references drawn from N/3 so that repeat contacts
 * occur. The same N, seed and day give the same database content;
 * running it again with the same seed adds nothing new but fails on the
 * first id already there ("that id is taken"): use another --seed to add more.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli_super.h"
#include "poise/gen.h"
#include "poise/playbook.h"
#include "poise/store.h"
#include "poise/text.h"
#include "poise/i18n.h"

#define DAY_MS INT64_C(86400000)

const struct cli_opt cmd_gen_opts[] = {
	{"seed", "S", N_("random seed (default 1)")},
	{"agents", "K", N_("number of agents (default 20)")},
	{"days", "D", N_("spread the calls over the D days before today (default 365)")},
	{NULL, NULL, NULL},
};

static enum poise_status number(const char *name, const char *s, long long lo, long long hi,
				long long *out, struct poise_error *err)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || end == s || *end || *out < lo || *out > hi)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "%s must be a whole number from %lld to %lld, not '%s'", name,
				       lo, hi, s);
	return POISE_OK;
}

static enum poise_status read_opts(const struct cli_args *args, long long *n, struct gen_opts *o,
				   struct poise_error *err)
{
	const char *seed = cli_value(args, "seed"), *agents = cli_value(args, "agents");
	const char *days = cli_value(args, "days");
	long long v;
	enum poise_status ps;

	o->seed = 1;
	o->agents = 20;
	o->days = 365;
	if ((ps = number("N", args->operands[0], 1, 100000000, n, err)) != POISE_OK)
		return ps;
	if (seed && (ps = number("--seed", seed, 0, INT64_MAX, &v, err)) != POISE_OK)
		return ps;
	if (seed)
		o->seed = (uint64_t)v;
	if (agents && (ps = number("--agents", agents, 1, 999, &v, err)) != POISE_OK)
		return ps;
	if (agents)
		o->agents = (int)v;
	if (days && (ps = number("--days", days, 1, 36500, &v, err)) != POISE_OK)
		return ps;
	if (days)
		o->days = (int)v;
	o->refs = *n / 3 > 100 ? *n / 3 : 100;
	o->calls = (uint64_t)*n; /* in time order, day by day */
	/* Today 00:00 UTC: the same day and seed give the same calls. */
	o->end = cli_now_ms() / DAY_MS * DAY_MS;
	return POISE_OK;
}

int cmd_gen(const struct cli_args *args)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	struct store *st = NULL;
	struct gen_opts o;
	long long n = 0;
	int64_t t0 = cli_now_ms();
	int code = CLI_OK;

	poise_error_clear(&err);
	if (read_opts(args, &n, &o, &err) != POISE_OK ||
	    playbook_load_default(&pb, &err) != POISE_OK || !(st = cli_store(args, &err))) {
		playbook_free(pb);
		return cli_report(args->cmd, &err);
	}
	if (gen_write(st, pb, &o, 0, (uint64_t)n, NULL, NULL, &err) != POISE_OK) {
		code = cli_report(args->cmd, &err);
	} else {
		printf(P_("%lld call written to ", "%lld calls written to ", n), n);
		text_fput(stdout, args->db, 0);
		printf(_(" in %.1f s\n"), (double)(cli_now_ms() - t0) / 1000.0);
	}
	playbook_free(pb);
	return code;
}
