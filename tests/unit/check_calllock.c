/* check_calllock.c - a live call's lock: held by one process, gone with it. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "poise/calllock.h"
#include "main/suite.h"

#define ID "0190f0a0-0000-7000-8000-000000000001"

static char dir[64], db[128], lockfile[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/poise-lock.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/poise.db", dir);
	snprintf(lockfile, sizeof(lockfile), "%s.lock-%s", db, ID);
}

static void teardown(void)
{
	unlink(lockfile);
	rmdir(dir);
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

START_TEST(test_take_and_release)
{
	struct poise_error err = {0};
	struct call_lock *a = NULL, *b = NULL;

	ck_assert_int_eq(call_lock_in_use(db, ID), 0);
	ck_assert_int_eq(call_lock_take(db, ID, &a, &err), POISE_OK);
	ck_assert(exists(lockfile));
	ck_assert_int_eq(call_lock_in_use(db, ID), 1);
	/* Checking it twice never lets it go. */
	ck_assert_int_eq(call_lock_in_use(db, ID), 1);
	ck_assert_int_eq(call_lock_take(db, ID, &b, &err), POISE_DB_BUSY);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(err.msg, "another poise window"));
	/* Left open (quit without closing): free, and the file stays. */
	call_lock_release(a, 0);
	ck_assert_int_eq(call_lock_in_use(db, ID), 0);
	ck_assert(exists(lockfile));
	ck_assert_int_eq(call_lock_take(db, ID, &a, &err), POISE_OK);
	/* Closed: free, and the file is gone. */
	call_lock_release(a, 1);
	ck_assert(!exists(lockfile));
	ck_assert_int_eq(call_lock_in_use(db, ID), 0);
	call_lock_release(NULL, 1);
}
END_TEST

/* A child holds the lock until it is killed with SIGKILL: then it is free. */
START_TEST(test_dies_with_its_process)
{
	struct poise_error err = {0};
	struct call_lock *lk = NULL;
	int pipefd[2], status;
	char c = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct call_lock *mine = NULL;
		char ok = call_lock_take(db, ID, &mine, &err) == POISE_OK ? 'y' : 'n';

		if (write(pipefd[1], &ok, 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	ck_assert_int_eq(c, 'y');
	ck_assert_int_eq(call_lock_in_use(db, ID), 1);
	ck_assert_int_eq(call_lock_take(db, ID, &lk, &err), POISE_DB_BUSY);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* The file a crash left is harmless: the lock on it died with its process. */
	ck_assert(exists(lockfile));
	ck_assert_int_eq(call_lock_in_use(db, ID), 0);
	ck_assert_int_eq(call_lock_take(db, ID, &lk, &err), POISE_OK);
	call_lock_release(lk, 1);
	close(pipefd[0]);
}
END_TEST

/* Each call has its own lock: holding one leaves the others free. */
START_TEST(test_one_lock_per_call)
{
	struct poise_error err = {0};
	struct call_lock *a = NULL, *b = NULL;
	char other[256];

	ck_assert_int_eq(call_lock_take(db, ID, &a, &err), POISE_OK);
	ck_assert_int_eq(call_lock_take(db, "0190f0a0-0000-7000-8000-000000000002", &b, &err),
			 POISE_OK);
	ck_assert_int_eq(call_lock_in_use(db, "0190f0a0-0000-7000-8000-000000000003"), 0);
	call_lock_release(a, 1);
	call_lock_release(b, 1);
	snprintf(other, sizeof(other), "%s.lock-0190f0a0-0000-7000-8000-000000000002", db);
	ck_assert(!exists(other));
}
END_TEST

/* Where the lock cannot be made, it says so: never a silent "free". */
START_TEST(test_cannot_make)
{
	struct poise_error err = {0};
	struct call_lock *a = NULL;
	char nodir[256];

	snprintf(nodir, sizeof(nodir), "%s/no/such/folder/poise.db", dir);
	ck_assert_int_eq(call_lock_take(nodir, ID, &a, &err), POISE_IO);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(strstr(err.msg, "lock"));
}
END_TEST

/* A FIFO, a folder or a socket where a lock belongs is refused at once, never waited on. */
START_TEST(test_not_a_file_refused_at_once)
{
	struct poise_error err = {0};
	struct call_lock *a = NULL;
	int kind = _i;

	if (kind == 0)
		ck_assert_int_eq(mkfifo(lockfile, 0600), 0);
	else
		ck_assert_int_eq(mkdir(lockfile, 0700), 0);
	ck_assert_int_eq(call_lock_in_use(db, ID), 0);
	ck_assert_int_ne(call_lock_take(db, ID, &a, &err), POISE_OK);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(strstr(err.msg, lockfile));
	if (kind == 1)
		rmdir(lockfile);
}
END_TEST

Suite *calllock_suite(void)
{
	Suite *s = suite_create("calllock");
	TCase *tc = tcase_create("calllock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_take_and_release);
	tcase_add_test(tc, test_dies_with_its_process);
	tcase_add_test(tc, test_one_lock_per_call);
	tcase_add_test(tc, test_cannot_make);
	tcase_add_loop_test(tc, test_not_a_file_refused_at_once, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
