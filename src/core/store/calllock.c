/*
 * calllock.c - a live call's lock: flock() on `<db>.lock-<call id>`.
 *
 * flock, not fcntl: an fcntl lock belongs to the process and is dropped
 * when any descriptor of the file closes, while a flock belongs to the open
 * file, so checking a lock (call_lock_in_use) never drops one we hold.
 * The file is unlinked while still locked, when its call closes; whoever
 * had opened it before then checks, once locked, that the path still names
 * the file it locked, and otherwise tries again with the new one.
 */
#include "poise/calllock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct call_lock {
	int fd;
	char path[];
};

static char *lock_path(const char *db_path, const char *call_id)
{
	size_t n = strlen(db_path) + strlen(call_id) + sizeof(".lock-");
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s.lock-%s", db_path, call_id);
	return p;
}

/* 1 when fd is still the file at path (not unlinked or replaced meanwhile). */
/* A lock is a regular file: a FIFO or device put in its place is never waited on. */
static int is_regular(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int still_there(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

enum poise_status call_lock_take(const char *db_path, const char *call_id, struct call_lock **out,
				 struct poise_error *err)
{
	char *path = lock_path(db_path, call_id);
	struct call_lock *lk;
	int fd = -1;

	*out = NULL;
	if (!path)
		return poise_error_nomem(err);
	for (int tries = 0; tries < 100; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
		if (fd >= 0 && !is_regular(fd)) {
			close(fd);
			poise_error_set(err, POISE_IO, NULL, 0, 0,
					"the call's lock '%s' is not a regular file: remove it", path);
			free(path);
			return POISE_IO;
		}
		if (fd < 0) {
			poise_error_set(err, POISE_IO, NULL, 0, 0,
					"cannot make the call's lock '%s': %s", path,
					strerror(errno));
			free(path);
			return POISE_IO;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			enum poise_status s = errno == EWOULDBLOCK ? POISE_DB_BUSY : POISE_IO;

			if (s == POISE_DB_BUSY)
				poise_error_set(err, s, NULL, 0, 0,
						"the call is open in another poise window");
			else
				poise_error_set(err, s, NULL, 0, 0, "cannot lock '%s': %s", path,
						strerror(errno));
			close(fd);
			free(path);
			return s;
		}
		if (still_there(fd, path))
			break;
		close(fd); /* its call closed while we waited: take the new file */
		fd = -1;
	}
	lk = fd < 0 ? NULL : malloc(sizeof(*lk) + strlen(path) + 1);
	if (!lk) {
		if (fd >= 0)
			close(fd);
		free(path);
		return poise_error_set(err, fd < 0 ? POISE_IO : POISE_NOMEM, NULL, 0, 0,
				       "cannot take the call's lock");
	}
	lk->fd = fd;
	strcpy(lk->path, path);
	free(path);
	*out = lk;
	return POISE_OK;
}

void call_lock_release(struct call_lock *lk, int closed)
{
	if (!lk)
		return;
	if (closed)
		unlink(lk->path); /* still locked: nobody takes the old file after this */
	close(lk->fd);
	free(lk);
}

int call_lock_in_use(const char *db_path, const char *call_id)
{
	char *path = lock_path(db_path, call_id);
	int fd, used = 0;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		used = is_regular(fd) && flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
		close(fd);
	}
	free(path);
	return used;
}
