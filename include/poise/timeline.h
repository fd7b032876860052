/*
 * timeline.h - one logged call as plain text, for `poise show` and review.
 *
 * Owns: the words for each event ("mood 4 (angry)", "warning 2: <the
 * playbook's wording>", "said: <the line>"), taken from the playbook text
 * kept for the call, and the plain-text timeline: a header, one line per
 * event with its offset into the call, then the figures of the fold.
 * Does not own: interpreting events (call.h: every figure comes from
 * call_apply, the same fold as the live screen), reading the clock, or
 * choosing where the text goes (the caller passes a FILE*).
 *
 * Times in the header are shown in the local time zone (TZ).
 */
#ifndef POISE_TIMELINE_H
#define POISE_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "poise/call.h"
#include "poise/status.h"
#include "poise/store.h"

/*
 * ev in words, malloc'd, whole however long its text (NULL when out of
 * memory). cs is the state just before ev is applied (its
 * stage and playbook say which items CHECK, SAID and SKIP name); cs may be
 * NULL when the call's playbook text does not load, and then items are
 * named by number. meta fills {customer} and {agent} in the wording.
 */
char *timeline_describe(const struct call_state *cs, const struct call_meta *meta,
			const struct event *ev);

/*
 * Write the call whose id (or unique id prefix) is id_or_prefix to out:
 * header, events, summary. An unknown id is POISE_NOT_FOUND, an ambiguous
 * prefix POISE_USAGE. A stored log the fold refuses is still printed, each
 * refused event marked, and the summary says the figures are incomplete.
 */
enum poise_status timeline_write(struct store *st, const char *id_or_prefix, FILE *out,
				 struct poise_error *err);

#endif
