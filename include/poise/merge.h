/*
 * merge.h - importing calls from other poise databases into this one.
 *
 * Owns: copying calls, by their UUID, with their events, the playbook texts
 * they used and the rows the events imply (follow-ups, reflections, skips),
 * through the store's own writers (a new call whole through store_batch.h,
 * the missing events of one already here one by one), so a merged call has
 * exactly the rows it had where it was logged; a closed one also gets its report figures
 * (report.h), made here. One transaction per source file: a source that
 * fails part-way adds nothing.
 * Does not own: opening files (store_open, read-only, which refuses a file
 * that is not a poise database or has a newer schema, and reads one of an
 * older schema as it is, without upgrading it).
 *
 * Idempotent: a call already here with all its events is left alone, so
 * merging the same file twice changes nothing. A call here with fewer
 * events than the source (it was still open when last merged) gets the
 * events it lacks. A follow-up closed in the source is closed here too.
 */
#ifndef POISE_MERGE_H
#define POISE_MERGE_H

#include <stddef.h>

#include "poise/status.h"
#include "poise/store.h"

struct merge_counts {
	size_t added;	/* calls that were not here */
	size_t updated; /* calls here that lacked some of the source's events */
	size_t present; /* calls here already, complete */
	size_t closed;	/* follow-ups closed here because they were closed there */
	size_t pending; /* entries in the source's side log, not merged */
};

/* Merge the database at src_path into st. */
enum poise_status merge_file(struct store *st, const char *src_path, struct merge_counts *out,
			     struct poise_error *err);

#endif
