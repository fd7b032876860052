/*
 * store_scan.h - streaming calls and their events for reports.
 *
 * Owns: the read-only scans a report makes over a time range: the calls in
 * start order and, per call, its events in seq order with each follow-up's
 * done time beside its FOLLOWUP event. One snapshot: every scan between
 * store_scan_open() and store_scan_close() sees the same database state,
 * even while an agent is logging a call (WAL).
 * Also the table call_figures: each closed call's report figures, packed
 * by report_call.c, read beside the call and written when a call ends.
 * Does not own: what events mean (call.h) or the figures (report.h).
 *
 * Nothing is loaded whole: the scans step one row at a time through
 * indexes (calls_review_started, the primary keys of call_figures and
 * events, followups' UNIQUE (call_id, seq)), so memory does not grow with
 * the database.
 */
#ifndef POISE_STORE_SCAN_H
#define POISE_STORE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/status.h"
#include "poise/store.h"

struct store_scan;

/* A call as the scan sees it; the strings are valid during the callback only. */
struct scan_call {
	const char *id;
	const char *agent;
	const char *ref; /* customer reference; "" when none */
	const char *playbook_id;
	const char *playbook_hash;
	int64_t started; /* calls.started_at, ms */
	const void *figs; /* its kept figures (report_call.c), NULL when none are valid */
	size_t figs_len;
	const char *practice; /* a rehearsal's scenario id; "" for a real call */
};

/* Start a read snapshot on st; close it with store_scan_close. */
enum poise_status store_scan_open(struct store *st, struct store_scan **out,
				  struct poise_error *err);
void store_scan_close(struct store_scan *sc);

/*
 * Every call with since <= started < until (ms; 0 = unbounded), ordered by
 * (started, id), with its kept figures when they were kept by fold version
 * `fold` at the call's current last_seq (fold 0: never). fn returns
 * non-zero to stop. fn may call store_scan_events and store_scan_followups.
 */
typedef int (*scan_call_fn)(void *ctx, const struct scan_call *call);
enum poise_status store_scan_calls(struct store_scan *sc, int64_t since, int64_t until, int fold,
				   scan_call_fn fn, void *ctx, struct poise_error *err);

/*
 * The events of one call in seq order. done_at is the follow-up's done time
 * for a FOLLOWUP event that has been marked done, 0 otherwise. An event of
 * an unknown kind or stage (a newer poise) is POISE_DB. fn returns non-zero
 * to stop.
 */
typedef int (*scan_event_fn)(void *ctx, const struct event *ev, int64_t done_at);
enum poise_status store_scan_events(struct store_scan *sc, const char *call_id, scan_event_fn fn,
				    void *ctx, struct poise_error *err);

/* A call's follow-ups: the seq of each FOLLOWUP event and its done time (0: not done). */
typedef int (*scan_followup_fn)(void *ctx, int64_t seq, int64_t done_at);
enum poise_status store_scan_followups(struct store_scan *sc, const char *call_id,
				       scan_followup_fn fn, void *ctx, struct poise_error *err);

/* The scans' statements in turn (NULL past the last), for EXPLAIN QUERY PLAN in bench/. */
const char *store_scan_sql(size_t i);

/*
 * Keep a closed call's packed figures (replacing any), computed by fold
 * version `fold` when the call's last event was last_seq; one short
 * transaction of its own.
 */
enum poise_status store_put_figures(struct store *st, const char *call_id, int fold,
				    int64_t last_seq, const void *blob, size_t len,
				    struct poise_error *err);

#endif
