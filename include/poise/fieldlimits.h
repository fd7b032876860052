/*
 * fieldlimits.h - the one limit of each bounded name and id, in bytes of
 * UTF-8 (docs/database.md, "Limits").
 *
 * Owns: how long names, references, ids and versions may be. Each is
 * checked at every edge where it enters (the command line, `poise lint`,
 * `poise merge`, the side log) with text_check_field() (text.h), and the
 * buffers that hold one read back are FIELD_*_MAX + 1 bytes, so nothing
 * accepted is ever cut when read back.
 * Does not own: the limits of free texts (notes, reasons, promises,
 * reflections, comments), which live beside the events that carry them.
 */
#ifndef POISE_FIELDLIMITS_H
#define POISE_FIELDLIMITS_H

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

#endif
