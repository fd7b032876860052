/*
 * grow.h - the one way the core grows an array: room for one more element.
 *
 * Private to src/core. Capacity doubles (from `first`), so n pushes cost
 * O(n) copies; sizes that would overflow are refused like a failed malloc.
 */
#ifndef POISE_GROW_H
#define POISE_GROW_H

#include <stddef.h>

/* Room for element n of *items (*cap elements of size bytes); 0 when out of memory. */
int grow_array(void **items, size_t n, size_t *cap, size_t size, size_t first);

/* GROW(arr, n, cap, first): grow_array for a typed pointer arr. */
#define GROW(arr, n, cap, first) grow_array((void **)&(arr), (n), &(cap), sizeof(*(arr)), (first))

/*
 * The element of *items (*n of them, size bytes each, kept sorted by the
 * string of key_size bytes at key_off in each) whose string is key: found,
 * or inserted in its place, zeroed, with key copied in (cut to key_size).
 * NULL when out of memory.
 */
void *grow_sorted(void **items, size_t *n, size_t *cap, size_t size, size_t first, size_t key_off,
		  size_t key_size, const char *key);

/* GROW_SORTED(arr, n, cap, first, type, member, key): grow_sorted by arr's char member[]. */
#define GROW_SORTED(arr, n, cap, first, type, member, key)                                         \
	((type *)grow_sorted((void **)&(arr), &(n), &(cap), sizeof(type), (first),                 \
			     offsetof(type, member), sizeof(((type *)0)->member), (key)))

#endif
