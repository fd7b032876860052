/*
 * strbuf.h - a growing string of bytes, for text built piece by piece
 * (the side log's lines, the team's rows), or a growing array of structs.
 *
 * Owns: growing it (capacity doubles) and remembering a failed growth.
 * Does not own: what is written into it (escaping is the caller's).
 */
#ifndef POISE_STRBUF_H
#define POISE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *p; /* NUL-terminated once anything is added; free(p) when done */
	size_t len, cap;
	int oom; /* a growth failed: nothing more is added */
};

/* n bytes of s at the end, a NUL after them. */
void strbuf_add(struct strbuf *b, const char *s, size_t n);

/* printf at the end, whole however long (the growth's failure in oom). */
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* printf into a new string, whole (malloc'd; NULL when out of memory). */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * An array: item's size bytes at the end; the copy's place, NULL once a
 * growth failed. Element i of an array of T is ((T *)b->p)[i], with
 * b->len / sizeof(T) of them (realloc's memory is aligned for any T).
 * A later push may move the array: keep indexes, not the pointer.
 */
void *strbuf_push(struct strbuf *b, const void *item, size_t size);

#endif
