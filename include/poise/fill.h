/*
 * fill.h - guidance lines with the caller's and the agent's names filled in.
 *
 * Owns: replacing {customer} and {agent} in a playbook line, the form a line
 * takes when nobody gave the caller's name, and whether that form reads
 * cleanly (what `poise lint` checks). Does not own: where lines come from
 * (playbook.h) or how they are drawn.
 *
 * Without a name, {customer} drops out with what joins it to the sentence
 * (docs/playbook-format.md, "Lines without a name"):
 *   "That sounds frustrating, {customer}."    -> "That sounds frustrating."
 *   "Thanks, {customer}, for waiting."        -> "Thanks for waiting."
 *   "Yes, {customer}, my colleague calls."    -> "Yes, my colleague calls."
 *   "Hello {customer}!"                       -> "Hello!"
 *   "{customer}, I want to help."             -> "I want to help."
 *   "¿Me oye, Sra. {customer}?"               -> "¿Me oye?"
 * A title right before it (Mr, Ms, Dr, Sra. ...) drops with it. Where it
 * cannot drop (as the subject of a sentence: "{customer} has been on hold"),
 * it reads "the caller" ("The caller" at the start of a sentence); lint
 * reports such a place in a line the agent says aloud.
 */
#ifndef POISE_FILL_H
#define POISE_FILL_H

#include <stddef.h>

#define FILL_NO_NAME "the caller"

/*
 * text with {customer} and {agent} filled in; customer NULL or "" means no
 * name was given, agent NULL or "" reads "agent". A malloc'd string, NULL
 * only when out of memory. When the customer's name already starts with a
 * title, a title the line puts before {customer} is left out ("Ms Ms Rivera"
 * never happens).
 */
char *fill_text(const char *text, const char *customer, const char *agent);

/*
 * 1 when every {customer} of text drops cleanly without a name; else 0,
 * with *offset (may be NULL) the byte offset of the first one that does not.
 */
int fill_drops_cleanly(const char *text, size_t *offset);

#endif
