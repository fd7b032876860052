/*
 * team_int.h - what the src/team files share and nobody else sees.
 *
 * team.c connects and turns libpq's failures into poise errors; team_schema.c
 * holds the central schema's migrations; team_sync.c pushes and pulls.
 */
#ifndef POISE_TEAM_INT_H
#define POISE_TEAM_INT_H

#include <libpq-fe.h>
#include <stddef.h>

#include "poise/report.h"
#include "poise/store_sync.h"
#include "poise/strbuf.h"
#include "poise/team.h"

struct store;

struct team {
	PGconn *pg;
	char role[128];
	/* The poise group roles it has the privileges of, space-separated; "": none. */
	char groups[64];
	/* The server's schema version read at connect, for the first check only. */
	int version, has_version;
};

/*
 * team_pq.c: load libpq (dlopen) if not yet done; POISE_OK, or POISE_IO with
 * err saying what to install. The libpq functions also load it themselves.
 */
enum poise_status team_pq_load(struct poise_error *err);

/*
 * The session's set-up on a connection just made (team_connect) or made
 * again (PQreset, the floor's reconnect): its settings, role and the
 * server's schema version for team_check_version. POISE_OK, or why not.
 */
enum poise_status team_session(struct team *t, struct poise_error *err);

/*
 * team_schema.c: team_init, but only up to schema version target (a test's
 * server "as released" at an older version, to upgrade).
 */
enum poise_status team_init_upto(struct team *t, int target, int *from, int *to,
				 struct poise_error *err);

/* Fill err from the connection's (or res's) message: "cannot WHAT: ...". */
enum poise_status team_fail(struct team *t, const PGresult *res, const char *what,
			    struct poise_error *err);
/*
 * Run sql (no parameters, may hold several statements) and expect it to
 * succeed: POISE_OK, or POISE_DB / POISE_IO with err set. The result is freed.
 */
enum poise_status team_exec(struct team *t, const char *sql, const char *what,
			    struct poise_error *err);

/*
 * X(column, SQL type, value, known): the kept figures of one closed call as
 * the server's typed columns (poise.call_figures), from struct
 * report_figures *f of that call alone; NULL where not known. Made from
 * REPORT_FIGURE_LIST's sql (report.h), then the time per stage, so that a
 * new figure with a column reaches the sync without a second edit here;
 * its column still needs a server migration (team_schema.c). An X-macro
 * list cannot hand X on, so each X has a twin X_FIGURE for the list's
 * rows: #define X_FIGURE(...) TEAM_FIGURE(X, __VA_ARGS__).
 */
#define TEAM_FIGURE_COLUMNS(X)                                                                     \
	REPORT_FIGURE_LIST(X##_FIGURE, TEAM_NO_RATE)                                               \
	X(calm_ms, bigint, f->stage_ms[STAGE_CALM], 1)                                             \
	X(listen_ms, bigint, f->stage_ms[STAGE_LISTEN], 1)                                         \
	X(empathize_ms, bigint, f->stage_ms[STAGE_EMPATHIZE], 1)                                   \
	X(clarify_ms, bigint, f->stage_ms[STAGE_CLARIFY], 1)                                       \
	X(inform_ms, bigint, f->stage_ms[STAGE_INFORM], 1)                                         \
	X(solve_ms, bigint, f->stage_ms[STAGE_SOLVE], 1)                                           \
	X(boundary_ms, bigint, f->stage_ms[STAGE_BOUNDARY], 1)                                     \
	X(follow_up_ms, bigint, f->stage_ms[STAGE_FOLLOW_UP], 1)
/* A list row to X(column, type, value, known) when its sql is SQL(...), to nothing when NO_SQL. */
#define TEAM_FIGURE(X, name, sum, pack, out, kind, den, group, key, label, sql)                    \
	TEAM_APPLY(X, name, TEAM_##sql)
#define TEAM_NO_RATE(out, key, label, num, den, group)
#define TEAM_SQL(column, type, known)		       TEAM_ONE, column, type, TEAM_KNOWN_##known
#define TEAM_NO_SQL				       TEAM_NONE, , , 0
#define TEAM_KNOWN_ALWAYS			       1
#define TEAM_KNOWN_IF(figure)			       f->figure
#define TEAM_APPLY(X, name, ...)		       TEAM_APPLY_(X, name, __VA_ARGS__)
#define TEAM_APPLY_(X, name, how, column, type, known) how(X, column, type, f->name, known)
#define TEAM_ONE(X, column, type, value, known)	       X(column, type, value, known)
#define TEAM_NONE(X, column, type, value, known)
/* "name type," for CREATE TABLE; "name," to list them. */
#define TEAM_COLUMN_DEF(name, type, value, known)  #name " " #type ", "
#define TEAM_COLUMN_NAME(name, type, value, known) #name ", "
#define TEAM_COLUMN_DEF_FIGURE(...)		   TEAM_FIGURE(TEAM_COLUMN_DEF, __VA_ARGS__)
#define TEAM_COLUMN_NAME_FIGURE(...)		   TEAM_FIGURE(TEAM_COLUMN_NAME, __VA_ARGS__)

/*
 * What a pull reads of the reviews and the closed follow-ups written since
 * a mark (xid8; x is the parameter or literal that holds it), and writes
 * them into the local database (team_sync.c; the agent's sync and the
 * supervisor's mirror both pull them): each count grows by what changed.
 */
#define TEAM_REVIEWS_SINCE(x)                                                                      \
	"SELECT id, call_id, reviewer, created_at, comment, score_calm, score_listen,"             \
	" score_empathize, score_clarify, score_inform, score_solve, score_boundary,"              \
	" score_follow_up, coalesce(updated_at, created_at) FROM poise.reviews"                    \
	" WHERE xid >= " x "::xid8 ORDER BY xid"
#define TEAM_DONE_SINCE(x)                                                                         \
	"SELECT call_id, seq, done_at FROM poise.followups WHERE xid >= " x "::xid8"               \
	" AND done_at IS NOT NULL"
enum poise_status team_apply_reviews_done(struct store *st, const PGresult *rv, const PGresult *fu,
					  size_t *reviews, size_t *done, struct poise_error *err);

/* team_schema.c: the server's schema is the one this poise knows, else why not. */
enum poise_status team_check_version(struct team *t, struct poise_error *err);

/*
 * A call whose rows fail merge's checks (merge_check_call, merge_check_event)
 * is left out of a pull (team_mirror) or a push (team_sync), counted in
 * *refused; the first is named in why_out (size bytes: id, agent as safe
 * text, why) for the one warning.
 */
void team_refuse(size_t *refused, char *why_out, size_t size, const struct call_meta *m,
		 const char *why);

/*
 * team_qa.c: the QA loop. An agent's sync (mirror 0) sends the role's
 * replies to reviews that the server lacks; a supervisor's mirror (1) the
 * QA scores made in it (team_push_qa); *sent counts what the server has
 * of them now. Then both pull the scores and replies written since their
 * mark (sync_marks: server_qa_xmin, mirror_qa_xmin) into *scores,
 * *replies. o (may be NULL) as team_sync's: its hook sees the QA batch.
 */
enum poise_status team_qa(struct team *t, struct store *st, int mirror,
			  const struct team_sync_opts *o, size_t *sent, size_t *scores,
			  size_t *replies, struct poise_error *err);

/*
 * team_sync.c: push the QA rows the server lacks, through the push's one
 * mechanism (its tables[]): an agent's (mirror 0) replies, a mirror's (1)
 * scores with their answers. *sent: how many the server has now, each
 * marked synced here only after the server's COMMIT.
 */
enum poise_status team_push_qa(struct team *t, struct store *st, int mirror,
			       const struct team_sync_opts *o, size_t *sent,
			       struct poise_error *err);

/*
 * A pull, as team_sync's and team_qa's: mark_name's value read here, sql
 * (BEGIN, the snapshot's xmin, the reads, COMMIT; each %s in it becomes
 * the mark) read in one round trip into its n results r, then, in one
 * local transaction, apply(ctx, st, r, &mark, err) with mark the
 * snapshot's xmin (apply may lower it, to read a row again next time)
 * and the mark set to it.
 */
typedef enum poise_status (*team_apply_fn)(void *ctx, struct store *st, PGresult **r,
					   int64_t *mark, struct poise_error *err);
enum poise_status team_pull(struct team *t, struct store *st, const char *mark_name,
			    const char *sql, int n, team_apply_fn apply, void *ctx,
			    const char *what, struct poise_error *err);

/*
 * Send sql (several statements, BEGIN first and COMMIT last, the others
 * reads) and take its n results into r: POISE_OK when each came as
 * expected and r[1] has one row (a snapshot's xmin); else the error, the
 * transaction rolled back. The caller clears r.
 */
enum poise_status team_read_all(struct team *t, const char *sql, PGresult **r, int n,
				const char *what, struct poise_error *err);

/*
 * Rows for the server, built field by field: COPY's text format, or
 * (sql = 1) an SQL VALUES list, "(...),(...)", for a small batch sent as
 * plain statements. Text that is not UTF-8 goes as U+FFFD.
 */
struct rows {
	struct strbuf b;
	int sql;
	size_t n;   /* rows ended */
	int fields; /* fields in the row being written */
};
void row_text(struct rows *r, const char *s); /* NULL is NULL */
void row_int(struct rows *r, long long v);
void row_null(struct rows *r);
void row_bytea(struct rows *r, const unsigned char *p, size_t n);
void row_end(struct rows *r);
/* A whole row: each cell (store_sync.h) as row_text, row_int or row_null, then row_end. */
void row_cells(struct rows *r, const struct sync_cell *c, size_t n);
#define ROW_CELLS(r, ...)                                                                          \
	row_cells((r), (const struct sync_cell[]){__VA_ARGS__},                                    \
		  sizeof((const struct sync_cell[]){__VA_ARGS__}) / sizeof(struct sync_cell))
/* 0 (not known) and "" (none) as NULL. */
#define SYNC_OPT_INT(v)	 ((v) ? SYNC_INT(v) : SYNC_NULL)
#define SYNC_OPT_TEXT(s) ((s) && *(s) ? SYNC_TEXT(s) : SYNC_NULL)
void rows_clear(struct rows *r, int sql); /* empty, in the format sql says */
/* COPY table FROM STDIN with r's rows (COPY text); none: nothing is sent. */
enum poise_status team_copy(struct team *t, const char *table, struct rows *r,
			    struct poise_error *err);

#endif
