/*
 * strpool.h - the strings of one loaded document, owned and freed together.
 *
 * Owns: copies of strings kept in a few large blocks. A playbook, scenario
 * or scorecard holds many short strings that live exactly as long as it
 * does: its loader copies them into the document's pool (one malloc per
 * block, not one per string) and its free releases them all in one call.
 * Does not own: the arrays that point at the strings (a list's items, the
 * rules): those are the document's own.
 *
 * A string in a pool is never freed alone: replacing one leaves the old
 * copy in the pool until the whole pool goes. A pool can adopt another's
 * blocks, so a playbook that takes strings from the one it extends keeps
 * them alive.
 */
#ifndef POISE_STRPOOL_H
#define POISE_STRPOOL_H

#include <stddef.h>

struct strpool_block;

/* Zeroed ({0}) it is an empty pool. */
struct strpool {
	struct strpool_block *head; /* the block being filled; full ones after it */
};

/* A copy of s in the pool; NULL when out of memory. */
char *strpool_dup(struct strpool *p, const char *s);

/* A copy of s's first n bytes, '\0'-terminated; NULL when out of memory. */
char *strpool_dupn(struct strpool *p, const char *s, size_t n);

/* Move every block of from into to; from is left empty. */
void strpool_adopt(struct strpool *to, struct strpool *from);

/* Free every string of the pool; it is left empty and can be used again. */
void strpool_free(struct strpool *p);

#endif
