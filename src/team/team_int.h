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

#include "poise/strbuf.h"
#include "poise/team.h"

struct team {
	PGconn *pg;
	char role[128];
};

/*
 * team_pq.c: load libpq (dlopen) if not yet done; POISE_OK, or POISE_IO with
 * err saying what to install. The libpq functions also load it themselves.
 */
enum poise_status team_pq_load(struct poise_error *err);

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
 * report_figures *f of that call alone; NULL where not known.
 */
#define TEAM_FIGURE_COLUMNS(X)                                                                     \
	X(done, smallint, f->done, 1)                                                              \
	X(interrupted, smallint, f->interrupted, 1)                                                \
	X(handle_ms, bigint, f->handle_ms, f->done)                                                \
	X(hold_ms, bigint, f->hold_ms, 1)                                                          \
	X(holds, integer, f->holds, 1)                                                             \
	X(hold_longest_ms, bigint, f->hold_longest_ms, 1)                                          \
	X(wrapup_ms, bigint, f->wrapup_ms, f->done)                                                \
	X(escalated, smallint, f->escalated, 1)                                                    \
	X(transferred, smallint, f->transferred, 1)                                                \
	X(warnings, integer, f->warnings, 1)                                                       \
	X(abuse, smallint, f->abuse, 1)                                                            \
	X(mood_start, smallint, f->mood_start_sum, f->mood_calls)                                  \
	X(mood_end, smallint, f->mood_end_sum, f->mood_calls)                                      \
	X(calmer, smallint, f->calmer, f->mood_pairs)                                              \
	X(empathy_ms, bigint, f->empathy_ms, f->empathy_calls)                                     \
	X(checklist_ticked, integer, f->checklist_ticked, 1)                                       \
	X(checklist_items, integer, f->checklist_items, 1)                                         \
	X(calm_ms, bigint, f->stage_ms[STAGE_CALM], 1)                                             \
	X(listen_ms, bigint, f->stage_ms[STAGE_LISTEN], 1)                                         \
	X(empathize_ms, bigint, f->stage_ms[STAGE_EMPATHIZE], 1)                                   \
	X(clarify_ms, bigint, f->stage_ms[STAGE_CLARIFY], 1)                                       \
	X(inform_ms, bigint, f->stage_ms[STAGE_INFORM], 1)                                         \
	X(solve_ms, bigint, f->stage_ms[STAGE_SOLVE], 1)                                           \
	X(boundary_ms, bigint, f->stage_ms[STAGE_BOUNDARY], 1)                                     \
	X(follow_up_ms, bigint, f->stage_ms[STAGE_FOLLOW_UP], 1)
/* "name type," for CREATE TABLE; "name = excluded.name," for an upsert. */
#define TEAM_COLUMN_DEF(name, type, value, known) #name " " #type ", "
#define TEAM_COLUMN_SET(name, type, value, known) #name " = excluded." #name ", "

/* team_schema.c: the server's schema is the one this poise knows, else why not. */
enum poise_status team_check_version(struct team *t, struct poise_error *err);

/*
 * team_qa.c: the QA loop. An agent's sync (mirror 0) sends the role's
 * replies to reviews that the server lacks; a supervisor's mirror (1) the
 * QA scores made in it; *sent counts what the server has of them now.
 * Then both pull the scores and replies written since their mark
 * (sync_marks: server_qa_xmin, mirror_qa_xmin) into *scores, *replies.
 */
enum poise_status team_qa(struct team *t, struct store *st, int mirror, size_t *sent,
			  size_t *scores, size_t *replies, struct poise_error *err);

/*
 * Send sql (several statements, BEGIN first and COMMIT last, the others
 * reads) and take its n results into r: POISE_OK when each came as
 * expected and r[1] has one row (a snapshot's xmin); else the error, the
 * transaction rolled back. The caller clears r.
 */
enum poise_status team_read_all(struct team *t, const char *sql, PGresult **r, int n,
				const char *what, struct poise_error *err);

/* COPY text rows, built in a strbuf (strbuf.h). */
void copy_text(struct strbuf *b, const char *s); /* escaped; NULL is \N */
void copy_int(struct strbuf *b, long long v);
void copy_null(struct strbuf *b);
void copy_sep(struct strbuf *b); /* a TAB between fields */
void copy_end(struct strbuf *b); /* the newline ending a row */
/* COPY table FROM STDIN with the buffer's rows; the buffer is emptied. */
enum poise_status team_copy(struct team *t, const char *table, struct strbuf *b,
			    struct poise_error *err);

#endif
