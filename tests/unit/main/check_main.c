/*
 * check_main.c - the one main() of every Check program.
 *
 * Each tests/unit/check_NAME.c defines `Suite *NAME_suite(void)`; CMake
 * compiles this file beside it with POISE_SUITE set to that name.
 *
 * Test cases that need something this machine may lack carry a Check tag
 * naming the need (tcase_set_tags(tc, "root")). CMake runs such a case as a
 * test of its own (check_NAME_TAG, with CK_INCLUDE_TAGS=TAG) and leaves it
 * out of check_NAME (CK_EXCLUDE_TAGS). When the need is unmet, that test
 * says why and exits 77, which ctest reports as skipped, never as passed.
 *
 * The team programs (tests/team, POISE_NEEDS_SERVER) all need the test
 * PostgreSQL server. Without one they skip too, except under CI=true or for
 * root (who can install it, as `make test` does): there it is a failure.
 */
#include <check.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef POISE_SUITE
#error "POISE_SUITE must name the program's suite function"
#endif

#define SKIP_CODE 77

#include "main/suite.h"
#ifdef POISE_NEEDS_SERVER
#include "pg_fixture.h"
#endif

/* Each returns NULL when the need is met, else why it is not. */
static const char *need_root(void)
{
	return geteuid() == 0 ? NULL : "needs root (chattr +i, which binds root too)";
}

static const char *need_seeds(void)
{
	DIR *d = opendir(POISE_SOURCE_DIR "/../shared/seeds");

	if (!d)
		return "needs the guides in " POISE_SOURCE_DIR "/../shared/seeds";
	closedir(d);
	return NULL;
}

/* The Spanish cases: the es_ES.UTF-8 locale (ctest's es_locale builds it under LOCPATH). */
static const char *need_es(void)
{
	locale_t l = newlocale(LC_ALL_MASK, "es_ES.UTF-8", (locale_t)0);

	if (!l)
		return "needs the es_ES.UTF-8 locale (localedef -i es_ES -f UTF-8; LOCPATH)";
	freelocale(l);
	return NULL;
}

static const struct need {
	const char *tag;
	const char *(*unmet)(void);
} needs[] = {
	{"root", need_root},
	{"seeds", need_seeds},
	{"es", need_es},
};

/* The reason the tags in `tags` (space-separated) cannot run here; NULL when they can. */
static const char *unmet_need(const char *tags)
{
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		size_t n = strlen(needs[i].tag);
		const char *p = tags;

		while ((p = strstr(p, needs[i].tag))) {
			int whole = (p == tags || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ');

			if (whole && needs[i].unmet())
				return needs[i].unmet();
			p += n;
		}
	}
	return NULL;
}

int main(void)
{
	const char *only = getenv("CK_INCLUDE_TAGS");
	const char *why = only ? unmet_need(only) : NULL;
	SRunner *sr;
	int failed;

#ifdef POISE_NEEDS_SERVER
	if (!why && (why = pgt_setup())) {
		const char *ci = getenv("CI");

		if ((ci && strcmp(ci, "true") == 0) || geteuid() == 0) {
			fprintf(stderr, "FAIL: CI must run the server tests, but %s\n", why);
			return EXIT_FAILURE;
		}
	}
#endif
	if (why) {
		printf("SKIP: %s\n", why);
		return SKIP_CODE;
	}
	sr = srunner_create(POISE_SUITE());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
