/*
 * team_main.c - the one main() of the team test programs.
 *
 * Like tests/unit/main/check_main.c, plus the server: with no test cluster
 * because no PostgreSQL server is installed, the program says so and exits
 * 77 (ctest: skipped), except under CI=true or for root (who can install
 * it, as `make test` does), where the server tests must run, so that is a
 * failure.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_fixture.h"

Suite *POISE_SUITE(void);

int main(void)
{
	const char *why = pgt_setup();
	const char *ci = getenv("CI");
	SRunner *sr;
	int failed;

	if (why) {
		if ((ci && strcmp(ci, "true") == 0) || geteuid() == 0) {
			fprintf(stderr, "FAIL: CI must run the server tests, but %s\n", why);
			return EXIT_FAILURE;
		}
		printf("SKIP: %s\n", why);
		return 77;
	}
	sr = srunner_create(POISE_SUITE());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
