/*
 * report_repeat.c - which customer references called within the last N days.
 *
 * Calls arrive in start order, so a reference only needs its latest start:
 * an open-addressing table of (ref, latest start). When it fills up it is
 * rebuilt without the references older than the window, so its size follows
 * the customers of the last N days, not the whole database.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	char *ref; /* NULL: empty */
	int64_t last;
};

struct repeat_window {
	int64_t window_ms;
	struct slot *slots;
	size_t cap, used; /* cap is a power of two */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static struct slot *find(struct slot *slots, size_t cap, const char *ref)
{
	size_t i = (size_t)hash_str(ref) & (cap - 1);

	while (slots[i].ref && strcmp(slots[i].ref, ref) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

struct repeat_window *repeat_new(int64_t window_ms)
{
	struct repeat_window *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->window_ms = window_ms;
	w->cap = 64;
	w->slots = calloc(w->cap, sizeof(*w->slots));
	if (!w->slots) {
		free(w);
		return NULL;
	}
	return w;
}

void repeat_free(struct repeat_window *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->cap; i++)
		free(w->slots[i].ref);
	free(w->slots);
	free(w);
}

/* Drop references older than the window at t; grow if still half full. */
static int rebuild(struct repeat_window *w, int64_t t)
{
	size_t live = 0, cap = 64;
	struct slot *slots;

	for (size_t i = 0; i < w->cap; i++)
		live += w->slots[i].ref && t - w->slots[i].last <= w->window_ms;
	while (cap < live * 4)
		cap *= 2;
	if (!(slots = calloc(cap, sizeof(*slots))))
		return 0;
	for (size_t i = 0; i < w->cap; i++) {
		struct slot *s = &w->slots[i];

		if (s->ref && t - s->last <= w->window_ms)
			*find(slots, cap, s->ref) = *s;
		else
			free(s->ref);
	}
	free(w->slots);
	w->slots = slots;
	w->cap = cap;
	w->used = live;
	return 1;
}

int repeat_seen(struct repeat_window *w, const char *ref, int64_t t)
{
	struct slot *s = find(w->slots, w->cap, ref);
	int seen;

	if (s->ref) {
		seen = t - s->last <= w->window_ms;
		s->last = t;
		return seen;
	}
	if ((w->used + 1) * 2 > w->cap) {
		if (!rebuild(w, t))
			return -1;
		s = find(w->slots, w->cap, ref);
	}
	if (!(s->ref = strdup(ref)))
		return -1;
	s->last = t;
	w->used++;
	return 0;
}
