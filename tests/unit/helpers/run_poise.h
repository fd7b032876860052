/*
 * run_poise.h - run the real binary as a user would, its output read back.
 */
#ifndef POISE_TEST_RUN_POISE_H
#define POISE_TEST_RUN_POISE_H

#include <stddef.h>

struct run {
	int code; /* exit status; 128 + signal when killed */
	char *out, *err;
	size_t outlen;
};

/*
 * Run POISE_BIN with args (NULL-ended) in TZ=UTC, stdout and stderr kept in
 * files in dir and read back whole.
 */
void run_poise_in(const char *dir, struct run *r, const char *const *args);
void run_free(struct run *r);

#endif
