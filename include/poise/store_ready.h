/*
 * store_ready.h - what the screens between calls read: the follow-ups that
 * are due, and the agent's newest call.
 *
 * Owns: those read-only queries (SQL stays in the core, never in the
 * UI). Does not own: today's figures (the report's: report.h, report_run
 * over the agent's day, so the ready screen and `poise report` agree) or
 * marking follow-ups done.
 */
#ifndef POISE_STORE_READY_H
#define POISE_STORE_READY_H

#include <stdint.h>

#include "poise/event.h"
#include "poise/followup.h"
#include "poise/limits.h"
#include "poise/status.h"
#include "poise/store.h"

/*
 * Each open follow-up of agent due on or before `due` ("YYYY-MM-DD"), oldest
 * due first, at most `max`: the rows `poise followups` lists (followup.h),
 * of one agent. fn returns non-zero to stop.
 */
enum poise_status store_ready_followups(struct store *st, const char *agent, const char *due,
					int max, followup_fn fn, void *ctx,
					struct poise_error *err);

/*
 * The id of agent's newest call (latest start); POISE_NOT_FOUND when none.
 * The call screen offers to resume it when a signal or a crash ended it.
 */
enum poise_status store_ready_last_call(struct store *st, const char *agent,
					char id[FIELD_CALL_ID_SIZE], struct poise_error *err);

/*
 * What a session's start must look at, in one read: whether agent has open
 * calls, open rehearsals, and whether the newest call ended interrupted.
 * Each 0 means there is nothing of that kind to offer or close, so its
 * fuller query (store_each_open_call, store_each_open_practice,
 * store_ready_last_call) need not run; 1 means it must. With entries waiting
 * in the side log all three are 1: only those queries read it.
 */
struct ready_start {
	int open_calls;
	int open_practice;
	int last_interrupted;
};
enum poise_status store_ready_start(struct store *st, const char *agent, struct ready_start *out,
				    struct poise_error *err);

#endif
