/*
 * cmd_rehearse.c - `poise rehearse`: find the scenario, then play it on the
 * call screen as a practice call (ui_rehearse).
 *
 * SCENARIO is a file (it names a folder, or ends in .yaml or .yml) or a
 * shipped scenario's id, looked up, first match wins, as NAME.yaml in
 * $POISE_SCENARIO_PATH (colon-separated), $XDG_CONFIG_HOME/poise/scenarios
 * (else ~/.config/poise/scenarios), then the installed POISE_DATADIR/scenarios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "poise/i18n.h"
#include "poise/scenario.h"
#include "poise/store.h"
#include "ui/ui.h"

const struct cli_opt cmd_rehearse_opts[] = {
	{"playbook", "NAME|FILE", N_("playbook id or file (default: the scenario's, else de-escalation)")},
	{"agent", "NAME", N_("the trainee's name (default: $POISE_AGENT, login name)")},
	{NULL, NULL, NULL},
};

static int is_file_name(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(s + n - 4, ".yml"));
}

/* DIR/NAME.yaml into path when it exists; 1 found. */
static int try_dir(const char *dir, size_t dlen, const char *name, char *path, size_t size)
{
	if (!dlen)
		return 0;
	snprintf(path, size, "%.*s/%s.yaml", (int)dlen, dir, name);
	return access(path, F_OK) == 0;
}

static int find_named(const char *name, char *path, size_t size, char *tried, size_t tsize)
{
	const char *sp = getenv("POISE_SCENARIO_PATH"), *xdg = getenv("XDG_CONFIG_HOME"),
		   *home = getenv("HOME");
	char dir[4096];
	size_t used = 0;

	tried[0] = '\0';
#define TRIED(d, n) used += (size_t)snprintf(tried + used, used < tsize ? tsize - used : 0, \
					       "%s%.*s", used ? ", " : "", (int)(n), d)
	for (const char *p = sp; p && *p;) {
		size_t n = strcspn(p, ":");

		if (n) {
			TRIED(p, n);
			if (try_dir(p, n, name, path, size))
				return 1;
		}
		p += n + (p[n] == ':');
	}
	if (xdg && xdg[0] == '/')
		snprintf(dir, sizeof(dir), "%s/poise/scenarios", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.config/poise/scenarios", home ? home : "");
	TRIED(dir, strlen(dir));
	if (try_dir(dir, strlen(dir), name, path, size))
		return 1;
	snprintf(dir, sizeof(dir), "%s/scenarios", POISE_DATADIR);
	TRIED(dir, strlen(dir));
#undef TRIED
	return try_dir(dir, strlen(dir), name, path, size);
}

static enum poise_status load(const char *arg, struct scenario **sc, struct poise_error *err)
{
	char path[4200], tried[2048];

	if (is_file_name(arg))
		return scenario_load_file(arg, sc, err);
	if (!find_named(arg, path, sizeof(path), tried, sizeof(tried)))
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       _("no scenario '%s' in %s: give its file, or put NAME.yaml "
					 "in one of them"),
				       arg, tried);
	return scenario_load_file(path, sc, err);
}

int cmd_rehearse(const struct cli_args *args)
{
	struct call_opts opts = {0};
	struct scenario *sc = NULL;
	struct poise_error err;
	int rc;

	poise_error_clear(&err);
	if (!cli_call_opts(args, &opts, &err) || load(args->operands[0], &sc, &err) != POISE_OK)
		return cli_report(args->cmd, &err);
	rc = ui_rehearse(&opts, sc, &err);
	scenario_free(sc);
	return err.status != POISE_OK ? cli_report(args->cmd, &err) : rc;
}
