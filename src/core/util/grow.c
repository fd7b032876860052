/* grow.c - room for one more element; see grow.h. */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>

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
