/*
 * followup.h - the promises agents made to call back, for the supervisor.
 *
 * Owns: struct followup, the one row every list of follow-ups gives (the
 * agent's own list between calls, store_ready.h, too); listing open
 * follow-ups that are due (or all open ones) across every agent, and
 * closing one. The follow-up rows themselves are written
 * by the store with each FOLLOWUP event (docs/database.md, `followups`).
 * Does not own: the agent's own list's query (store_ready.h) or the
 * clock: "today" and "now" are passed in.
 */
#ifndef POISE_FOLLOWUP_H
#define POISE_FOLLOWUP_H

#include <stdint.h>

#include "poise/day.h"
#include "poise/limits.h"
#include "poise/status.h"
#include "poise/store.h"

struct followup {
	int64_t id; /* this database's row (followup_done); differs per database */
	int64_t seq; /* with call_id, the follow-up's id everywhere (followup_format_id) */
	char call_id[FIELD_CALL_ID_SIZE];
	char due[11]; /* YYYY-MM-DD; "" when no date was given */
	char channel[128];
	char promise[512];
	char customer[128];
	char agent[128];
};

/*
 * Each open follow-up due on or before today ("YYYY-MM-DD"), by due date
 * then id; with all, every open follow-up, undated ones last. fn returns
 * non-zero to stop. Rows are read one at a time (index followups_due).
 */
typedef int (*followup_fn)(void *ctx, const struct followup *f);
enum poise_status followup_each(struct store *st, const char *today, int all, followup_fn fn,
				void *ctx, struct poise_error *err);

/*
 * A follow-up's id, the same in every database, on the team server and
 * after merge or sync: its call's id and the seq of its FOLLOWUP event,
 * written "CALL/SEQ" with the call id shortened to CALL_ID_SHORT
 * characters (`poise followups` shows it; `followups done` takes it).
 */
#define FOLLOWUP_ID_SIZE (CALL_ID_SHORT + 22)
void followup_format_id(const char *call_id, int64_t seq, char out[FOLLOWUP_ID_SIZE]);
/*
 * The follow-up text names, as "CALL/SEQ" where CALL is its call's id or a
 * unique prefix of it (as `poise show` takes): *id is its row here.
 * POISE_USAGE when text is not such an id or the prefix is ambiguous,
 * POISE_NOT_FOUND when no such follow-up is here.
 */
enum poise_status followup_find(struct store *st, const char *text, int64_t *id,
				struct poise_error *err);

/*
 * Close follow-up id (its row here) at now (ms). *done_at gets when it is closed: now, or
 * the earlier time when it was already done (then nothing changes). An
 * unknown id is POISE_NOT_FOUND.
 */
enum poise_status followup_done(struct store *st, int64_t id, int64_t now, int64_t *done_at,
				struct poise_error *err);

/*
 * The due date an agent typed, as "YYYY-MM-DD" in out, counted from today
 * (the local day, "YYYY-MM-DD", that the caller read from its clock):
 *   YYYY-MM-DD     a real day, today or later
 *   today, tomorrow
 *   mon ... sun    the next such day (also monday, tues, thurs ...): today's
 *                  own name means a week from today, as "friday" said on a
 *                  Friday does; "today" is there for today
 *   +N             N days from today, 0 to FOLLOWUP_MAX_DAYS
 * Case and surrounding spaces do not matter. A day before today, or
 * anything else, is POISE_INVALID with a message that names an example a
 * week from today.
 */
#define FOLLOWUP_MAX_DAYS 3650
enum poise_status followup_parse_due(const char *text, const char *today, char out[11],
				     struct poise_error *err);

#endif
