/*
 * limits.h - how long the texts an agent or supervisor types may be, once.
 *
 * Owns: the length limit of each typed text, in characters (Unicode code
 * points, not bytes), and counting them. The line editor stops at these
 * and says so; docs/database.md lists the same numbers; the core refuses
 * longer (review_save). Does not own: names and references given on the
 * command line, or the playbook's own texts (playbook.h).
 */
#ifndef POISE_LIMITS_H
#define POISE_LIMITS_H

#include <stddef.h>

#define LIMIT_NOTE	 500 /* a note during the call */
#define LIMIT_REASON	 200 /* an escalation's reason */
#define LIMIT_CHANNEL	 40  /* a follow-up's channel: phone, email, ... */
#define LIMIT_PROMISE	 300 /* what a follow-up promises */
#define LIMIT_REFLECTION 500 /* each half of a reflection: went well, to improve */
#define LIMIT_COMMENT	 500 /* a supervisor's coaching comment */

/* Bytes that always hold `chars` characters of UTF-8 (4 bytes at most each), and the NUL. */
#define LIMIT_BYTES(chars) ((chars)*4 + 1)

/* The characters of utf8: bytes that do not continue a sequence (a stray one counts as one). */
size_t limits_chars(const char *utf8);

#endif
