/* strbuf.c - a growing string of bytes; see strbuf.h. */
#include "poise/strbuf.h"

#include <stdlib.h>
#include <string.h>

void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void *strbuf_push(struct strbuf *b, const void *item, size_t size)
{
	strbuf_add(b, item, size);
	return b->oom ? NULL : b->p + b->len - size;
}
