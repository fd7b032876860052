/*
 * strpool.c - a document's strings in a few blocks, freed in one call.
 *
 * Strings are copied one after the other into the head block; one that
 * does not fit starts a new head, twice the last one's size up to
 * STRPOOL_MAX_BLOCK. A string larger than a quarter of that block gets a
 * block of its own, put behind the head so the head's room is not lost.
 */
#include "poise/strpool.h"

#include <stdlib.h>
#include <string.h>

#define STRPOOL_FIRST_BLOCK 1024
#define STRPOOL_MAX_BLOCK   65536

struct strpool_block {
	struct strpool_block *next;
	size_t used, cap;
	char data[];
};

static struct strpool_block *block_new(size_t cap, struct strpool_block *next)
{
	struct strpool_block *b = malloc(sizeof(*b) + cap);

	if (b)
		*b = (struct strpool_block){.next = next, .cap = cap};
	return b;
}

/* Room for n bytes, taken from the pool. */
static char *take(struct strpool *p, size_t n)
{
	struct strpool_block *b = p->head;
	size_t cap;

	if (b && b->cap - b->used >= n) {
		b->used += n;
		return b->data + b->used - n;
	}
	cap = b ? b->cap * 2 : STRPOOL_FIRST_BLOCK;
	if (cap > STRPOOL_MAX_BLOCK)
		cap = STRPOOL_MAX_BLOCK;
	if (n > cap / 4) {
		if (!(b = block_new(n, b ? b->next : NULL)))
			return NULL;
		if (p->head)
			p->head->next = b;
		else
			p->head = b;
	} else {
		if (!(b = block_new(cap, p->head)))
			return NULL;
		p->head = b;
	}
	b->used = n;
	return b->data;
}

char *strpool_dupn(struct strpool *p, const char *s, size_t n)
{
	char *d = n < (size_t)-1 ? take(p, n + 1) : NULL;

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *strpool_dup(struct strpool *p, const char *s)
{
	return strpool_dupn(p, s, strlen(s));
}

void strpool_adopt(struct strpool *to, struct strpool *from)
{
	struct strpool_block *last = from->head;

	if (!last)
		return;
	while (last->next)
		last = last->next;
	if (to->head) {
		last->next = to->head->next;
		to->head->next = from->head;
	} else {
		to->head = from->head;
	}
	from->head = NULL;
}

void strpool_free(struct strpool *p)
{
	while (p->head) {
		struct strpool_block *next = p->head->next;

		free(p->head);
		p->head = next;
	}
}
