/*
 * store_sync.h - the local side of `poise sync`: what was pushed, what came back.
 *
 * Owns: finding this agent's calls whose events, follow-up changes or kept
 * figures the team server does not have yet (by the tables sync_calls and
 * sync_followups), recording what a push delivered, and writing what a pull
 * brought down (reviews of the agent's calls, follow-ups closed elsewhere,
 * published playbooks) together with the pull's high-water marks
 * (sync_marks), each pull in one transaction.
 * Does not own: the server or the network (team.h), nor what the rows mean.
 * The tables are schema 4, in docs/database.md.
 */
#ifndef POISE_STORE_SYNC_H
#define POISE_STORE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/status.h"
#include "poise/store.h"

/*
 * One value of a row that leaves this machine as text: text (NULL text is
 * SQL NULL) or a number. A row is an array of them, so the order of a
 * table's columns is written once (sync_event_cells) and each writer (the
 * side log's line, the server's COPY text or VALUES) walks the array.
 */
struct sync_cell {
	const char *text;
	int64_t num;
	int is_num;
};
#define SYNC_TEXT(s) ((struct sync_cell){(s), 0, 0})
#define SYNC_INT(v)  ((struct sync_cell){NULL, (int64_t)(v), 1})
#define SYNC_NULL    ((struct sync_cell){NULL, 0, 0})

/*
 * An event as a row of the events table, in its order: call id, seq, t,
 * kind key, stage key, a, b, text. The side log's event line
 * (store_sidelog.c) and the server's poise.events (team_sync.c) both.
 */
#define SYNC_EVENT_CELLS 8
void sync_event_cells(const char *call_id, const struct event *ev,
		      struct sync_cell out[SYNC_EVENT_CELLS]);

/* A call with something to push: its row, and what the server has of it. */
struct sync_call {
	struct call_meta meta;
	int64_t pushed_seq;  /* events up to this seq are on the server (0: none) */
	int64_t figures_seq; /* the kept figures pushed were made at this last_seq (0: none) */
};

/*
 * This agent's calls with something the server lacks (new events, kept
 * figures not pushed, a follow-up whose done time changed), in id order
 * after after_id ("" for the start), at most limit. fn returns non-zero to stop.
 */
typedef int (*sync_call_fn)(void *ctx, const struct sync_call *c);
enum poise_status store_sync_pending(struct store *st, const char *agent, const char *after_id,
				     size_t limit, sync_call_fn fn, void *ctx,
				     struct poise_error *err);
/* How many calls store_sync_pending would give in all, and how many calls are other agents'. */
enum poise_status store_sync_count(struct store *st, const char *agent, size_t *pending,
				   size_t *others, struct poise_error *err);

/*
 * Take agent's calls the server has whole off the list of calls to look
 * at (sync_dirty, schema 6), so the next sync reads only what changed.
 * Run after a push has been recorded.
 */
enum poise_status store_sync_tidy(struct store *st, const char *agent, struct poise_error *err);

/* A call's follow-ups; strings valid during the callback; due NULL when not given. */
struct sync_followup {
	int64_t id, seq;
	const char *due, *channel, *promise;
	int64_t done_at; /* 0 while open */
};
typedef int (*sync_followup_fn)(void *ctx, const struct sync_followup *f);
enum poise_status store_sync_followups(struct store *st, const char *call_id, sync_followup_fn fn,
				       void *ctx, struct poise_error *err);

/*
 * A call's kept figures (call_figures): fold version, last_seq and the
 * packed blob (malloc'd, to free). POISE_NOT_FOUND when none.
 */
enum poise_status store_sync_figures(struct store *st, const char *call_id, int *fold,
				     int64_t *last_seq, void **blob, size_t *len,
				     struct poise_error *err);

/* What one pushed batch delivered, recorded in one transaction once the server committed it. */
struct sync_pushed_call {
	const char *call_id;
	int64_t pushed_seq, figures_seq;
};
struct sync_pushed_followup {
	int64_t id, done_at;
};
enum poise_status store_sync_pushed(struct store *st, const struct sync_pushed_call *c, size_t nc,
				    const struct sync_pushed_followup *f, size_t nf,
				    struct poise_error *err);

/* A pull is one transaction: begin, put what came, set marks, end (commit 1, else roll back). */
enum poise_status store_sync_begin(struct store *st, struct poise_error *err);
enum poise_status store_sync_end(struct store *st, int commit, struct poise_error *err);
/* A high-water mark by name (0 when never set). */
enum poise_status store_sync_mark(struct store *st, const char *name, int64_t *value,
				  struct poise_error *err);
enum poise_status store_sync_set_mark(struct store *st, const char *name, int64_t value,
				      struct poise_error *err);

/* A review made on the server; scores[stage] 1..5, 0 when not scored. */
struct sync_review {
	const char *server_id, *call_id, *reviewer, *comment;
	int64_t created_at;
	int scores[STAGE_COUNT];
	int64_t updated_at; /* its last edit (ms); 0: never edited, created_at stands */
};
/*
 * Add or update the local copy; a changed comment or score makes it new to
 * the agent again (acked_at NULL). *applied is 0 when the call is not in
 * this database (it is skipped) or nothing changed. A review edited here
 * and not yet sent (synced = 0) is left as it is: when both sides edited
 * it, the local comment and scores win (as in merge); it is marked synced
 * once the server's copy reads the same.
 */
enum poise_status store_sync_put_review(struct store *st, const struct sync_review *r, int *applied,
					struct poise_error *err);
/* A follow-up closed on the server: closed here too unless it already is. */
enum poise_status store_sync_put_done(struct store *st, const char *call_id, int64_t seq,
				      int64_t done_at, int *applied, struct poise_error *err);
/* A published playbook: its text kept by hash, listed in published_playbooks (*applied: new here).
 */
struct sync_playbook {
	const char *hash, *id, *version, *text, *published_by;
	int64_t published_at;
};
enum poise_status store_sync_put_playbook(struct store *st, const struct sync_playbook *p,
					  int *applied, struct poise_error *err);

/*
 * The newest published playbook with this id (by published_at): its hash
 * (65 bytes with the NUL) and version; POISE_NOT_FOUND when none came.
 */
enum poise_status store_sync_published(struct store *st, const char *id, char *hash, char *version,
				       size_t version_size, struct poise_error *err);

/*
 * How syncing stands, for the ready screen: the calls of agent with
 * something the server lacks, and when a sync last succeeded and last
 * failed (ms, 0 never) with the failure's status (POISE_IO: the server
 * was out of reach), and how many calls the last sync that succeeded left
 * out (their rows fail merge's checks: `poise sync` names the first).
 * `poise sync` records them (store_sync_outcome).
 */
struct sync_status {
	size_t pending;
	int64_t ok_at, failed_at;
	int failed_status;
	size_t refused;
};
enum poise_status store_sync_status(struct store *st, const char *agent, struct sync_status *out,
				    struct poise_error *err);
/*
 * Record one sync's outcome at now: ps POISE_OK with the calls it left
 * out (refused), or why it failed (refused is then not looked at: the
 * last count stands).
 */
enum poise_status store_sync_outcome(struct store *st, int64_t now, enum poise_status ps,
				     size_t refused, struct poise_error *err);

/*
 * The team mirror (team_mirror): the reviews written here and not yet on
 * the server (synced = 0), server_id their uuid; and follow-ups closed
 * here since the server last had them (id, call, seq, done time). Strings
 * are valid during the callback; fn returns non-zero to stop.
 */
enum poise_status store_sync_unsent_reviews(struct store *st,
					    int (*fn)(void *ctx, const struct sync_review *r),
					    void *ctx, struct poise_error *err);
struct sync_closed {
	int64_t id, seq, done_at;
	const char *call_id;
};
enum poise_status store_sync_unsent_closed(struct store *st,
					   int (*fn)(void *ctx, const struct sync_closed *f),
					   void *ctx, struct poise_error *err);

#endif
