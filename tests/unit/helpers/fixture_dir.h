/*
 * fixture_dir.h - a scratch folder under /tmp for tests that write files,
 * and reading a file back whole.
 */
#ifndef POISE_TEST_FIXTURE_DIR_H
#define POISE_TEST_FIXTURE_DIR_H

#include <stddef.h>

/*
 * Make /tmp/<prefix>XXXXXX (a fresh name) and put its path in root (size
 * bytes); fails the test if it cannot.
 */
void fixture_dir_make(char *root, size_t size, const char *prefix);

/* Remove root and everything below it. */
void fixture_dir_remove(const char *root);

/*
 * The whole of path, NUL-terminated, in a malloc'd buffer; its length in
 * *len_out unless that is NULL. Fails the test if the file cannot be read.
 */
char *fixture_read_all(const char *path, size_t *len_out);

#endif
