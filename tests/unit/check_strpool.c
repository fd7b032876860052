/*
 * check_strpool.c - a document's string pool: copies stay whole and apart
 * across blocks, a large string gets its own block without losing the
 * head's room, adopting moves every block, and freeing leaves it empty.
 * Run under ASan, a string lost or freed twice fails here.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/strpool.h"
#include "main/suite.h"

#define MANY 5000

/* Enough small strings to fill several blocks: each still reads as written. */
START_TEST(test_many_small)
{
	struct strpool p = {0};
	char *s[MANY], want[32];

	for (int i = 0; i < MANY; i++) {
		snprintf(want, sizeof(want), "line %d", i);
		ck_assert_ptr_nonnull(s[i] = strpool_dup(&p, want));
	}
	for (int i = 0; i < MANY; i++) {
		snprintf(want, sizeof(want), "line %d", i);
		ck_assert_str_eq(s[i], want);
	}
	strpool_free(&p);
	ck_assert_ptr_null(p.head);
}
END_TEST

/* A string larger than a block, between small ones: all three whole. */
START_TEST(test_large)
{
	struct strpool p = {0};
	size_t n = 200000;
	char *big = malloc(n + 1), *a, *b, *c, *d;

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', n);
	big[n] = '\0';
	a = strpool_dup(&p, "before");
	b = strpool_dup(&p, big);
	c = strpool_dup(&p, "after");
	d = strpool_dupn(&p, "cut here", 3);
	ck_assert_str_eq(a, "before");
	ck_assert_uint_eq(strlen(b), n);
	ck_assert_int_eq(memcmp(b, big, n), 0);
	ck_assert_str_eq(c, "after");
	ck_assert_str_eq(d, "cut");
	/* the head kept its room: "after" follows "before" in the same block */
	ck_assert_ptr_eq(c, a + strlen("before") + 1);
	free(big);
	strpool_free(&p);
}
END_TEST

/* Adopting into an empty pool and into a filled one: every string lives on. */
START_TEST(test_adopt)
{
	struct strpool to = {0}, from = {0}, more = {0};
	char *a = strpool_dup(&from, "parent"), *b, *c, *big;

	strpool_adopt(&to, &from);
	ck_assert_ptr_null(from.head);
	strpool_adopt(&to, &from); /* an empty pool: nothing moves */
	b = strpool_dup(&to, "own");
	for (int i = 0; i < MANY; i++)
		ck_assert_ptr_nonnull(strpool_dup(&more, "fill more than one block"));
	c = strpool_dup(&more, "child");
	big = calloc(70000, 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'y', 69999);
	ck_assert_ptr_nonnull(strpool_dup(&more, big));
	strpool_adopt(&to, &more);
	ck_assert_ptr_null(more.head);
	ck_assert_str_eq(a, "parent");
	ck_assert_str_eq(b, "own");
	ck_assert_str_eq(c, "child");
	ck_assert_str_eq(strpool_dup(&to, "after"), "after");
	free(big);
	strpool_free(&to);
	strpool_free(&from);
	strpool_free(&more);
}
END_TEST

Suite *strpool_suite(void)
{
	Suite *s = suite_create("strpool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_many_small);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_adopt);
	suite_add_tcase(s, tc);
	return s;
}
