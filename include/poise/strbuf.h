/*
 * strbuf.h - a growing string of bytes, for text built piece by piece
 * (the side log's lines, the team's rows), or a growing array of structs.
 *
 * Owns: growing it (capacity doubles) and remembering a failed growth.
 * Does not own: what is written into it (escaping is the caller's).
 */
#ifndef POISE_STRBUF_H
#define POISE_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *p; /* NUL-terminated once anything is added; free(p) when done */
	size_t len, cap;
	int oom; /* a growth failed: nothing more is added */
};

/* n bytes of s at the end, a NUL after them. */
void strbuf_add(struct strbuf *b, const char *s, size_t n);

/*
 * An array: item's size bytes at the end; the copy's place, NULL once a
 * growth failed. Element i of an array of T is ((T *)b->p)[i], with
 * b->len / sizeof(T) of them (realloc's memory is aligned for any T).
 * A later push may move the array: keep indexes, not the pointer.
 */
void *strbuf_push(struct strbuf *b, const void *item, size_t size);

#endif
