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

#include "poise/team.h"

struct team {
	PGconn *pg;
	char role[128];
};

/* Fill err from the connection's (or res's) message: "cannot WHAT: ...". */
enum poise_status team_fail(struct team *t, const PGresult *res, const char *what,
			    struct poise_error *err);
/*
 * Run sql (no parameters, may hold several statements) and expect it to
 * succeed: POISE_OK, or POISE_DB / POISE_IO with err set. The result is freed.
 */
enum poise_status team_exec(struct team *t, const char *sql, const char *what,
			    struct poise_error *err);

/* team_schema.c: the server's schema is the one this poise knows, else why not. */
enum poise_status team_check_version(struct team *t, struct poise_error *err);

/* A growing buffer for COPY text rows. */
struct copybuf {
	char *p;
	size_t len, cap;
	int oom;
};
void copy_text(struct copybuf *b, const char *s); /* escaped; NULL is \N */
void copy_int(struct copybuf *b, long long v);
void copy_null(struct copybuf *b);
void copy_sep(struct copybuf *b);			       /* a TAB between fields */
void copy_end(struct copybuf *b);			       /* the newline ending a row */
void copy_put_raw(struct copybuf *b, const char *s, size_t n); /* as it is */
/* COPY table FROM STDIN with the buffer's rows; the buffer is emptied. */
enum poise_status team_copy(struct team *t, const char *table, struct copybuf *b,
			    struct poise_error *err);

#endif
