/*
 * limits.h - every limit of poise's texts and values, once (docs/database.md,
 * "Limits").
 *
 * Owns: the length limit of each typed text, in characters (Unicode code
 * points, not bytes), and counting them: the line editor stops at these and
 * says so, the core refuses longer (review_save). The limit of each bounded
 * name and id, in bytes of UTF-8: each is checked at every edge where it
 * enters (the command line, `poise lint`, `poise merge`, the side log) with
 * text_check_field() (text.h), and the buffers that hold one read back are
 * FIELD_*_MAX + 1 bytes (FIELD_*_SIZE), so nothing accepted is ever cut
 * when read back. The range of a mood and of a time.
 * Does not own: the playbook's own texts (playbook.h).
 */
#ifndef POISE_LIMITS_H
#define POISE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * s is a call id as poise writes them, a lowercase UUID with dashes
 * (FIELD_CALL_ID_LEN bytes): all of s when whole, else its start.
 */
int limits_call_id(const char *s, int whole);

/* --- names, ids and versions, in bytes of UTF-8 -------------------------- */

#define FIELD_CALL_ID_LEN     36    /* a UUID, lowercase, with dashes: exactly this */
#define FIELD_AGENT_MAX	      127   /* an agent's or reviewer's name */
#define FIELD_CUSTOMER_MAX    127   /* the caller's name */
#define FIELD_REF_MAX	      127   /* a customer or ticket reference */
#define FIELD_PLAYBOOK_ID_MAX 64    /* a playbook's id */
#define FIELD_VERSION_MAX     63    /* a playbook's version */
#define FIELD_CAUSE_ID_MAX    64    /* a cause category's id */
#define FIELD_HASH_LEN	      64    /* a playbook text's SHA-256, lowercase hex */
#define FIELD_EVENT_TEXT_MAX  65536 /* the text of any one event, read from elsewhere */

/*
 * Times (ms since the epoch) poise takes from a database or a side log:
 * 1970-01-01 up to 9999-12-31. Anything outside is refused where it enters
 * (merge) and treated as damaged where it is read, so no sum or difference
 * of two times can overflow.
 */
#define FIELD_TIME_MIN INT64_C(0)
#define FIELD_TIME_MAX INT64_C(253402300799999)

/* Buffers that hold one, with its NUL. */
#define FIELD_CALL_ID_SIZE (FIELD_CALL_ID_LEN + 1)
#define FIELD_HASH_SIZE	   (FIELD_HASH_LEN + 1)
#define FIELD_CAUSE_ID_SIZE (FIELD_CAUSE_ID_MAX + 1)

/* A customer's mood: 1 calm .. 5 furious (0 where none is set). */
#define MOOD_MIN 1
#define MOOD_MAX 5

#endif
