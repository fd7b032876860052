/*
 * review.h - `poise review`, the supervisor's browser of logged calls.
 *
 * Owns: the review screens (the list, the filter form and search, one
 * call's view, its replay, scoring and comments), driven by the core's
 * review.h. Kept apart from ui.h, which belongs to the live-call screens.
 */
#ifndef POISE_UI_REVIEW_H
#define POISE_UI_REVIEW_H

#include "poise/status.h"

#include <stdint.h>

struct review_filter;

struct review_opts {
	const char *db;	      /* already resolved path; must exist */
	const char *reviewer; /* already resolved: --reviewer, $POISE_AGENT, login */
	int practice;	      /* list rehearsals (poise rehearse) instead of calls */
	/* What the list opens on (the command line's filters); NULL: every call. */
	const struct review_filter *filter;
	/* filter's first and last day as typed (YYYY-MM-DD), shown and offered by the form */
	const char *since, *until;
	int sample;    /* > 0: a random sample of this many of the filter's calls */
	uint64_t seed; /* the sample's seed when seeded; else a new one, shown */
	int seeded;
};

/*
 * The review browser. Returns the process exit code; when it could not start
 * (no terminal, a database it refuses), err says why and the caller reports
 * it (cli_report), the terminal left as it was.
 */
int ui_review(const struct review_opts *opts, struct poise_error *err);

#endif
