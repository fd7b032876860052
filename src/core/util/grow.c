/* grow.c - room for one more element; see grow.h. */
#include "util/grow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int grow_array(void **items, size_t n, size_t *cap, size_t size, size_t first)
{
	size_t ncap = *cap ? *cap : first ? first : 1;
	void *p;

	if (n < *cap)
		return 1;
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2)
			return 0;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size || !(p = realloc(*items, ncap * size)))
		return 0;
	*items = p;
	*cap = ncap;
	return 1;
}

void *grow_sorted(void **items, size_t *n, size_t *cap, size_t size, size_t first, size_t key_off,
		  size_t key_size, const char *key)
{
	size_t lo = 0, hi = *n;
	char *at;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((char *)*items + mid * size + key_off, key);

		if (c == 0)
			return (char *)*items + mid * size;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!grow_array(items, *n, cap, size, first))
		return NULL;
	at = (char *)*items + lo * size;
	memmove(at + size, at, (*n - lo) * size);
	memset(at, 0, size);
	snprintf(at + key_off, key_size, "%s", key);
	(*n)++;
	return at;
}
