/*
 * status.h - the one list of outcomes and the one way to report an error.
 *
 * Owns: the status codes every core function returns, their messages, and
 * struct poise_error (what failed, where: file, line, column).
 * Does not own: printing policy (the CLI decides where errors go) or exit
 * codes (only main exits).
 *
 * Core functions return enum poise_status and, when given a non-NULL
 * struct poise_error *, fill it with a located, human message.
 */
#ifndef POISE_STATUS_H
#define POISE_STATUS_H

#include <stdio.h>

/*
 * X(name, message): the enum and the messages come from this one list. The
 * messages are marked N_() for xgettext; status.c defines N_ (i18n.h) where
 * it expands them.
 */
#define POISE_STATUS_LIST(X)                                                   \
	X(OK, N_("success"))                                                       \
	X(NOMEM, N_("out of memory"))                                              \
	X(IO, N_("input/output error"))                                            \
	X(NOT_FOUND, N_("not found"))                                              \
	X(USAGE, N_("invalid usage"))                                              \
	X(INVALID, N_("invalid value"))                                            \
	X(YAML, N_("invalid YAML"))                                                \
	X(PLAYBOOK, N_("invalid playbook"))                                        \
	X(TOO_BIG, N_("input too large"))                                          \
	X(DB, N_("database error"))                                                \
	X(DB_BUSY, N_("database is locked by another program"))                    \
	X(DB_READONLY, N_("database is read-only"))                                \
	X(DB_FULL, N_("disk is full"))                                             \
	X(DB_LIMIT, N_("file size limit reached"))                                 \
	X(DB_NOT_POISE, N_("file is not a poise database"))                        \
	X(DB_NEWER, N_("database was written by a newer poise"))                   \
	X(DB_OLDER, N_("database has an older schema"))                            \
	X(STATE, N_("operation not allowed in this state"))

#define POISE_STATUS_ENUM(name, msg) POISE_##name,
enum poise_status { POISE_STATUS_LIST(POISE_STATUS_ENUM) POISE_STATUS_COUNT };
#undef POISE_STATUS_ENUM

/* A located error. line and col are 1-based; 0 means "not known". */
struct poise_error {
	enum poise_status status;
	char file[256];
	int line;
	int col;
	char msg[512];
};

/* The fixed message of a status ("out of memory"), translated. Never NULL. */
const char *poise_status_str(enum poise_status status);

/*
 * Fill err (if not NULL) and return status, so a failing path can be
 * written `return poise_error_set(err, POISE_IO, path, 0, 0, "cannot ...");`.
 * file may be NULL. The message is printf-formatted, lowercase, without a
 * full stop, and says what failed ("unknown key 'tipz'"). fmt is a msgid:
 * it is translated here (i18n.h; xgettext takes the 6th argument), so
 * every message the core gives reaches people in their language, and a
 * program that never calls setlocale (the unit tests) gets the English.
 */
enum poise_status poise_error_set(struct poise_error *err, enum poise_status status,
				  const char *file, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * As poise_error_set with a message already made (and translated): the
 * functions that format their own located messages end here.
 */
enum poise_status poise_error_put(struct poise_error *err, enum poise_status status,
				  const char *file, int line, int col, const char *msg);

/*
 * Out of memory: fill err (if not NULL) with POISE_NOMEM and its one
 * message, poise_status_str(POISE_NOMEM) (translated, as every status
 * message is), and return POISE_NOMEM. No file or line: running out of
 * memory is nothing a file or a line did.
 */
enum poise_status poise_error_nomem(struct poise_error *err);

/*
 * The end of a constructor that built obj: on success hand it out through
 * *out, on failure release it with its destructor; either way the status
 * is the value, so a constructor ends
 *	return POISE_HAND_OUT(ps, obj, out, obj_free);
 * status is read twice: pass a variable.
 */
#define POISE_HAND_OUT(status, obj, out, release)                              \
	((status) == POISE_OK ? (*(out) = (obj), POISE_OK) : ((release)(obj), (status)))

/* Reset err to "no error". */
void poise_error_clear(struct poise_error *err);

/*
 * Print err as "file:line:col: error: message\n" (parts that are not known
 * are left out: "file: error: message", or "error: message").
 */
void poise_error_print(FILE *out, const struct poise_error *err);

#endif
