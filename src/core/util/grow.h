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

#endif
