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
 * A review of a call that is here (by its uuid) is added when it is not
 * here, and marked read when it was read there; a review here already is
 * otherwise left as it is (an edited comment travels by the team server).
 */
#ifndef POISE_MERGE_H
#define POISE_MERGE_H

#include <stddef.h>

#include "poise/event.h"
#include "poise/status.h"
#include "poise/store_batch.h"
#include "poise/store.h"

/*
 * What merge takes from a source, so its memory stays bounded whatever the
 * file holds: a call's events (held whole to be written in one go) and
 * their texts, and any one value SQLite reads from the source (a playbook
 * text at most). docs/database.md, "Limits".
 */
#define MERGE_CALL_EVENTS_MAX 100000
#define MERGE_CALL_TEXT_MAX   (16 * 1024 * 1024)
#define MERGE_VALUE_MAX	      (2 * 1024 * 1024)

struct merge_counts {
	size_t added;	/* calls that were not here */
	size_t updated; /* calls here that lacked some of the source's events */
	size_t present; /* calls here already, complete */
	size_t closed;	/* follow-ups closed here because they were closed there */
	size_t reviews; /* reviews of calls here that were not here */
	size_t acked;	/* reviews here marked read because they were read there */
	size_t edited;	/* reviews here replaced by a later edit there */
	size_t scores;	/* QA scorings added here, or replaced by a later edit there */
	size_t replies; /* the agent's replies to reviews, added here */
	size_t pending; /* entries in the source's side log, not merged */
};

/*
 * Each row from a source is checked before it is written: the call's id a
 * UUID (lowercase, with dashes), its names and ids within their limits
 * (limits.h), valid UTF-8 without control characters, its times
 * strictly inside FIELD_TIME_MIN..FIELD_TIME_MAX and not ending before they
 * start; each event valid as store_append() would take it, its time in
 * range and its text at most FIELD_EVENT_TEXT_MAX bytes of valid UTF-8. A
 * row that fails refuses the source (nothing is merged from it) with
 * POISE_INVALID naming the call and why. merge_file() checks before these,
 * and before writing anything, every column it reads from every table of
 * the source as the file holds it (type, NUL bytes, limit, form, UTF-8,
 * control characters), so nothing is cut to its buffer; a bad row refuses
 * the file naming the file, table and row.
 */
enum poise_status merge_check_call(const struct call_meta *m, struct poise_error *err);
enum poise_status merge_check_event(const struct event *ev, struct poise_error *err);
/*
 * A QA scoring (its ids UUIDs, names and criteria within their limits, its
 * times in range) and an agent's reply to a review (kind: its
 * reply_kind_from_key, -1 when unknown) from elsewhere, as merge and sync
 * check them; the answers' values are checked by store_score_put.
 */
struct qa_score;
struct review_reply;
enum poise_status merge_check_score(const struct qa_score *q, struct poise_error *err);
enum poise_status merge_check_reply(const struct review_reply *r, int kind,
				    struct poise_error *err);

/*
 * One call from a source that is not a file (the team server's mirror,
 * team.h), in the caller's batch b on st (store_batch.h): meta as the
 * source has it, its playbook's text, and its events (in seq order; those
 * with a seq already here are skipped). The rest must follow on from what
 * is here with none missing, and everything is checked as merge_file
 * checks it (POISE_INVALID names the call). A new call is written whole
 * with its report figures (keeper, may be NULL); a call here gets the
 * events it lacks. *changed is 1 when anything was written.
 */
struct report_keeper;
enum poise_status merge_call(struct store *st, struct store_batch *b, struct report_keeper *keeper,
			     const struct call_meta *meta, const char *text, size_t len,
			     struct event *ev, size_t n, int *changed, struct poise_error *err);

/* Merge the database at src_path into st. */
enum poise_status merge_file(struct store *st, const char *src_path, struct merge_counts *out,
			     struct poise_error *err);

#endif
