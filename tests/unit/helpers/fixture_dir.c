/* fixture_dir.c - a scratch folder under /tmp for tests, and reading a file back whole. */
#include "helpers/fixture_dir.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int fixture_remove_one(const char *path, const struct stat *sb, int flag,
			      struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fixture_dir_make(char *root, size_t size, const char *prefix)
{
	snprintf(root, size, "/tmp/%sXXXXXX", prefix);
	ck_assert_ptr_nonnull(mkdtemp(root));
}

void fixture_dir_remove(const char *root)
{
	nftw(root, fixture_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *fixture_read_all(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	ck_assert_msg(f != NULL, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_int_eq(fread(text, 1, (size_t)len, f), len);
	fclose(f);
	if (len_out)
		*len_out = (size_t)len;
	return text;
}
