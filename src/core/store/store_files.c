/*
 * store_files.c - is each file of a database what it seems, and ours?
 *
 * Before SQLite opens anything, the database, its -wal and -shm, its
 * side log and the side log's quarantine are looked at: a FIFO, a device,
 * a socket or a folder where one should be is refused at once (looked at
 * through an O_PATH descriptor, so a FIFO cannot hang us, then fstat). A database poise writes must be the
 * user's own and private: owned by someone else, it is refused; readable or
 * writable by others, it is narrowed to 0600 through a descriptor checked
 * to be the same file (fchmod, never by path, so a file swapped in
 * meanwhile is not the one changed). The file
 * SQLite then opens is checked to be the one looked at (device and inode),
 * so a swap between the two is refused too.
 */
/* O_PATH is Linux's (glibc shows it with _GNU_SOURCE). */
#define _GNU_SOURCE
#include "store_int.h"
#include "poise/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_name(mode_t m)
{
	return S_ISDIR(m)    ? _("a folder")
	       : S_ISFIFO(m) ? _("a FIFO")
	       : S_ISSOCK(m) ? _("a socket")
	       : S_ISCHR(m)  ? _("a character device")
	       : S_ISBLK(m)  ? _("a block device")
	       : S_ISLNK(m)  ? _("a symbolic link")
			     : _("not a regular file");
}

static enum poise_status not_regular(const char *path, const char *what, mode_t m,
				     struct poise_error *err)
{
	return poise_error_set(err, POISE_DB_NOT_POISE, NULL, 0, 0,
			       "%s '%s' is %s, not a regular file: remove or rename it, or pass "
			       "--db PATH",
			       _(what), path, kind_name(m));
}

/*
 * The user's own file, private: narrowed to 0600 when others may read or
 * write it. The mode is changed through a descriptor of the very file that
 * was looked at (id), never by a path that could have been swapped.
 */
static enum poise_status make_private(const char *path, const char *what, int follow,
				      const struct stat *id, struct poise_error *err)
{
	struct stat sb;
	int fd, ok;

	if (id->st_uid != geteuid())
		return poise_error_set(
			err, POISE_DB_READONLY, NULL, 0, 0,
			"%s '%s' belongs to another user (uid %ld), so poise will not "
			"write it: copy it to a file of your own (cp, then chmod 600) "
			"and pass --db PATH",
			_(what), path, (long)id->st_uid);
	if (!(id->st_mode & 077))
		return POISE_OK;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	ok = fd >= 0 && fstat(fd, &sb) == 0 && sb.st_dev == id->st_dev && sb.st_ino == id->st_ino &&
	     fchmod(fd, id->st_mode & 0700) == 0;
	if (fd >= 0)
		close(fd);
	if (ok)
		return POISE_OK;
	return poise_error_set(err, POISE_DB_READONLY, NULL, 0, 0,
			       "%s '%s' can be read or written by others and cannot be made "
			       "private: run chmod 600 '%s'",
			       _(what), path, path);
}

/*
 * Look at one file that may exist (the database follows a symbolic link,
 * its companions do not): refuse what is not a regular file; for a writer,
 * make it private. *id gets its device and inode (zero when absent).
 *
 * Looked at through an O_PATH descriptor: it never blocks (a FIFO is not
 * opened for reading), and closing it cannot drop the POSIX locks SQLite
 * may hold on the same file in this process (closing any ordinary
 * descriptor of a file would).
 */
static enum poise_status check_one(const char *path, const char *what, int follow, int writer,
				   struct stat *id, struct poise_error *err)
{
	struct stat sb;
	enum poise_status ps = POISE_OK;
	int fd;

	memset(id, 0, sizeof(*id));
	if (lstat(path, &sb) != 0)
		return POISE_OK; /* absent (or unreadable: the open says why) */
	if (S_ISLNK(sb.st_mode) && !follow)
		return not_regular(path, what, sb.st_mode, err);
	fd = open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0)
		return POISE_OK; /* gone meanwhile, or no search permission: the open says why */
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		ps = not_regular(path, what, sb.st_mode, err);
	else if (writer)
		ps = make_private(path, what, follow, &sb, err);
	*id = sb;
	close(fd);
	return ps;
}

enum poise_status store_check_files(struct store *st, struct poise_error *err)
{
	static const char *const side[] = {"-wal", "-shm"};
	int writer = !(st->flags & STORE_READONLY);
	char p[4096];
	struct stat ignored;
	enum poise_status ps;

	if ((ps = check_one(st->path, N_("database"), 1, writer, &st->file_id, err)) != POISE_OK)
		return ps;
	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s%s", st->path, side[i]) >= sizeof(p))
			return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
					       "database path '%s' is too long: pass a shorter "
					       "--db PATH",
					       st->path);
		if ((ps = check_one(p, N_("database journal"), 0, writer, &ignored, err)) != POISE_OK)
			return ps;
	}
	if ((ps = check_one(st->pending_path, N_("side log"), 0, writer, &ignored, err)) != POISE_OK)
		return ps;
	if ((size_t)snprintf(p, sizeof(p), "%s.quarantine", st->path) >= sizeof(p))
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "database path '%s' is too long: pass a shorter --db PATH",
				       st->path);
	return check_one(p, N_("side log quarantine"), 0, writer, &ignored, err);
}

enum poise_status store_check_same_file(struct store *st, struct poise_error *err)
{
	struct stat sb;

	if (!st->file_id.st_ino)
		return POISE_OK; /* created by us just now */
	if (stat(st->path, &sb) == 0 && sb.st_dev == st->file_id.st_dev &&
	    sb.st_ino == st->file_id.st_ino)
		return POISE_OK;
	return poise_error_set(err, POISE_DB_NOT_POISE, NULL, 0, 0,
			       "database '%s' was replaced while it was being opened: check who "
			       "else writes its folder, then try again",
			       st->path);
}

int store_open_regular(const char *path, int oflags, mode_t mode)
{
	struct stat sb;
	int fd = open(path, oflags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}
