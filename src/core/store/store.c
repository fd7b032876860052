/*
 * store.c - opening and closing the call log, errors, prepared statements.
 *
 * The database file is created by us (open(O_CREAT, 0600) + fchmod) before
 * SQLite sees it, so its mode never depends on the umask; SQLite then gives
 * its -wal and -shm files the database's own mode.
 */
#include "store_int.h"
#include "poise/i18n.h"
#include "poise/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_STMT_SQL(name, sql) sql,
static const char *const stmt_sql[] = {STORE_STMT_LIST(STORE_STMT_SQL)};
#undef STORE_STMT_SQL

static const char *env_or_null(const char *(*getenv_fn)(const char *), const char *name)
{
	const char *v = getenv_fn ? getenv_fn(name) : getenv(name);

	return v && v[0] ? v : NULL;
}

enum poise_status store_default_path(char *buf, size_t size, const char *(*getenv_fn)(const char *),
				     struct poise_error *err)
{
	const char *db = env_or_null(getenv_fn, "POISE_DB");
	const char *xdg = env_or_null(getenv_fn, "XDG_DATA_HOME");
	const char *home = env_or_null(getenv_fn, "HOME");
	int n;

	/* The XDG spec says a relative XDG_DATA_HOME is invalid: ignore it. */
	if (xdg && xdg[0] != '/')
		xdg = NULL;
	if (db)
		n = snprintf(buf, size, "%s", db);
	else if (xdg)
		n = snprintf(buf, size, "%s/poise/poise.db", xdg);
	else if (home)
		n = snprintf(buf, size, "%s/.local/share/poise/poise.db", home);
	else
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "cannot choose a database path: neither POISE_DB, "
				       "XDG_DATA_HOME nor HOME is set; pass --db PATH");
	if (n < 0 || (size_t)n >= size)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "database path is too long: pass a shorter --db PATH");
	return POISE_OK;
}

const char *store_path(const struct store *st)
{
	return st->path;
}

const char *store_pending_path(const struct store *st)
{
	return st->pending_path;
}

size_t store_pending(const struct store *st)
{
	return st->pending;
}

size_t store_quarantined(const struct store *st)
{
	return st->quarantined;
}

void store_uuid_v7(char out[FIELD_CALL_ID_SIZE], int64_t ms, const unsigned char rnd[16])
{
	uint64_t t = ms < 0			    ? 0
		     : ms > INT64_C(0xffffffffffff) ? UINT64_C(0xffffffffffff)
						    : (uint64_t)ms;
	unsigned char b[16];

	memcpy(b, rnd, sizeof(b));
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(t >> (40 - 8 * i));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x70); /* version 7 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 9562 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

enum poise_status store_new_uuid(char out[FIELD_CALL_ID_SIZE], int64_t ms, struct poise_error *err)
{
	unsigned char b[16];
	ssize_t n = -1;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		do
			n = read(fd, b, sizeof(b));
		while (n < 0 && errno == EINTR);
		close(fd);
	}
	if (n != (ssize_t)sizeof(b))
		return poise_error_set(err, POISE_IO, "/dev/urandom", 0, 0,
				       "cannot read random bytes for a call id: %s",
				       n < 0 ? strerror(errno) : "short read");
	store_uuid_v7(out, ms, b);
	return POISE_OK;
}

int store_rc_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* strerror(e) in the lowercase of our messages ("operation not permitted"). */
static const char *errno_text(int e, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/*
 * A write that found no room. SQLite says SQLITE_FULL for ENOSPC but a plain
 * I/O error for a quota or a file size limit (EFBIG): look at errno too, so
 * the agent reads what to do rather than "disk I/O error". POISE_DB_LIMIT
 * for the limit (raised only by starting again), else POISE_DB_FULL.
 */
static enum poise_status fail_no_room(struct store *st, int rc, int e, const char *what,
				      struct poise_error *err)
{
	if ((rc & 0xff) != SQLITE_FULL && e == EFBIG)
		return poise_error_set(err, POISE_DB_LIMIT, NULL, 0, 0,
				       "cannot %s: database '%s' has reached the file size limit "
				       "(ulimit -f): raise the limit or pass --db PATH, then try "
				       "again",
				       what, st->path);
	return poise_error_set(err, POISE_DB_FULL, NULL, 0, 0,
			       "cannot %s: disk is full for database '%s': free some space "
			       "or pass --db PATH, then try again",
			       what, st->path);
}

enum poise_status store_fail(struct store *st, int rc, const char *what, struct poise_error *err)
{
	const char *p = st->path;
	int e = st->db ? sqlite3_system_errno(st->db) : 0;

	/* what is a msgid (xgettext keyword store_fail:3): "cannot <what>" in the reader's language. */
	what = _(what);

	if (!e)
		e = st->fail_errno;
	st->fail_errno = 0;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return poise_error_set(err, POISE_DB_BUSY, NULL, 0, 0,
				       "cannot %s: database '%s' is locked by another program: "
				       "close it or try again",
				       what, p);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return poise_error_set(err, POISE_DB_READONLY, NULL, 0, 0,
				       "cannot %s: database '%s' is read-only, so nothing can be "
				       "saved: check its permissions or pass --db PATH",
				       what, p);
	case SQLITE_FULL:
		return fail_no_room(st, rc, e, what, err);
	case SQLITE_NOTADB:
		return poise_error_set(err, POISE_DB_NOT_POISE, NULL, 0, 0,
				       "cannot %s: '%s' is not a poise database: pass --db PATH",
				       what, p);
	case SQLITE_CORRUPT:
		if (rc == SQLITE_CORRUPT_VTAB)
			return poise_error_set(
				err, POISE_DB, NULL, 0, 0,
				"cannot %s: the note search index of database '%s' is "
				"damaged: run 'poise doctor --db %s' to rebuild it",
				what, p, p);
		return poise_error_set(err, POISE_DB, NULL, 0, 0,
				       "cannot %s: database '%s' is damaged: restore a backup "
				       "or pass --db PATH",
				       what, p);
	case SQLITE_NOMEM:
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "cannot %s: out of memory",
				       what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		if (e == ENOSPC || e == EDQUOT || e == EFBIG)
			return fail_no_room(st, rc, e, what, err);
		return poise_error_set(err, POISE_IO, NULL, 0, 0,
				       "cannot %s: input/output error on database '%s' (%s): "
				       "check the disk or pass --db PATH",
				       what, p,
				       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	default:
		return poise_error_set(err, POISE_DB, NULL, 0, 0, "cannot %s: database '%s': %s",
				       what, p,
				       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	}
}

/*
 * Each statement is prepared when first used, then kept for the store's
 * life: an open prepares nothing, and a call prepares only what it runs.
 * A statement that cannot be prepared stays NULL (SQLite refuses a NULL
 * statement harmlessly, with SQLITE_MISUSE) and is tried again next time.
 */
static sqlite3_stmt *stmt_get(struct store *st, enum store_stmt id, int *rc)
{
	*rc = SQLITE_OK;
	if (!st->stmt[id])
		*rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					 &st->stmt[id], NULL);
	return st->stmt[id];
}

sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id)
{
	int rc;
	sqlite3_stmt *s = stmt_get(st, id, &rc);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

int store_step_done(struct store *st, enum store_stmt id)
{
	int rc, e;

	if (id == STMT_BEGIN)
		st->fail_errno = 0;
	if (!stmt_get(st, id, &rc))
		return rc;
	errno = 0;
	rc = sqlite3_step(st->stmt[id]);
	e = errno;
	/*
	 * Keep why a write failed: SQLite records no errno for a failed COMMIT,
	 * and the reset and a ROLLBACK would clear it anyway.
	 */
	if (rc != SQLITE_DONE && rc != SQLITE_ROW && !st->fail_errno)
		st->fail_errno = sqlite3_system_errno(st->db) ? sqlite3_system_errno(st->db) : e;
	sqlite3_reset(st->stmt[id]);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int store_stamp(struct store *st, const char *sql, int64_t id, int64_t t)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_int64(s, 2, t);
		rc = sqlite3_step(s);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	return rc;
}

int store_each_row(sqlite3_stmt *s, int (*row)(void *ctx, sqlite3_stmt *s), void *ctx)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (row(ctx, s))
			return SQLITE_DONE;
	return rc;
}

void store_scrub_wal(struct store *st)
{
	if (!(st->flags & STORE_READONLY))
		sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
}

/* What the folder of a database must be: there (made where it is not), or taking new files. */
enum folder_need { FOLDER_MADE, FOLDER_WRITABLE };
static enum poise_status folder_ready(const char *path, enum folder_need need,
				      struct poise_error *err);

/* The same file as the copy left it (an inode number is soon reused by another). */
static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int store_rescue(struct store *st, const char **where, struct poise_error *err)
{
	int moved = 0, rc;
	struct stat now;
	sqlite3_int64 changes;
	sqlite3_stmt *s = NULL;
	char *tmp;

	if (!st->db || !st->path || (st->flags & STORE_READONLY) || st->held ||
	    sqlite3_file_control(st->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK ||
	    !moved)
		return 0;
	changes = sqlite3_total_changes64(st->db);
	if (st->rescue_path) {
		int here = stat(st->rescue_path, &now) == 0;

		if (here && same_file(&now, &st->rescued) && changes == st->rescued_changes)
			return 0;
		/* Someone else's file took the copy's place: it is never written over. */
		if (here && !same_file(&now, &st->rescued) &&
		    strcmp(st->rescue_path, st->path) == 0) {
			free(st->rescue_path);
			st->rescue_path = NULL;
		}
	}
	if (!st->rescue_path)
		st->rescue_path = stat(st->path, &now) == 0 ? str_printf("%s.rescued", st->path)
							   : str_printf("%s", st->path);
	tmp = st->rescue_path ? str_printf("%s.rescue-tmp", st->rescue_path) : NULL;
	if (!tmp) {
		poise_error_nomem(err);
		return -1;
	}
	folder_ready(tmp, FOLDER_MADE, NULL); /* the folder may have gone with the file */
	unlink(tmp);
	rc = sqlite3_prepare_v2(st->db, "VACUUM INTO ?", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, tmp, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK || rename(tmp, st->rescue_path) != 0 ||
	    stat(st->rescue_path, &st->rescued) != 0) {
		poise_error_set(err, POISE_IO, st->rescue_path, 0, 0,
				"the database file was deleted or moved while poise had it open, "
				"and writing it again failed (%s): keep this window open and free "
				"space in that folder",
				rc != SQLITE_OK ? sqlite3_errmsg(st->db) : strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	st->rescued_changes = changes;
	if (where)
		*where = st->rescue_path;
	return 1;
}

long store_set_max_pages(struct store *st, long pages)
{
	char sql[64];
	sqlite3_stmt *s = NULL;
	long got = -1;

	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %ld", pages);
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		got = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return got;
}

static enum poise_status denied_status(int e)
{
	return e == EACCES || e == EROFS || e == EPERM ? POISE_DB_READONLY : POISE_IO;
}

/* *dir: the folder the file at path is in, malloc'd: "." for a bare name, "/" at the root. */
static enum poise_status folder_of(const char *path, char **dir, struct poise_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t len = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);

	if (!(*dir = len ? strndup(path, len) : strdup(".")))
		return poise_error_nomem(err);
	return POISE_OK;
}

/*
 * mkdir -p with 0700 for every folder we create; existing ones are left as
 * they are. 0, or the errno of the folder that could not be made (dir is
 * then cut to it).
 */
static int make_dirs(char *dir)
{
	if (strcmp(dir, ".") == 0 || strcmp(dir, "/") == 0)
		return 0; /* the current folder or the root: there already */
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(dir, 0700) == 0)
			chmod(dir, 0700); /* the umask may have taken bits away */
		else if (errno != EEXIST)
			return errno;
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

/*
 * The folder of the database at path, made (FOLDER_MADE), or able to take
 * new files (FOLDER_WRITABLE): SQLite keeps the -wal and -shm files beside
 * the database, and refusing before the screen starts beats failing on the
 * first key of a call.
 */
static enum poise_status folder_ready(const char *path, enum folder_need need,
				      struct poise_error *err)
{
	static const char *const refused[] = {
		[FOLDER_MADE] = N_("cannot create folder '%s' for database '%s' (%s): check the "
				   "permissions of the folder above it or pass --db PATH"),
		[FOLDER_WRITABLE] =
			N_("folder '%s' of database '%s' is not writable (%s), so no "
			   "call could be saved: check its permissions or pass --db PATH"),
	};
	char *dir, why[128];
	enum poise_status rc = folder_of(path, &dir, err);
	int e;

	if (rc != POISE_OK)
		return rc;
	if (need == FOLDER_MADE)
		e = make_dirs(dir);
	else
		e = access(dir, W_OK) == 0 ? 0 : errno;
	if (e)
		rc = poise_error_set(err, denied_status(e), NULL, 0, 0, refused[need], dir, path,
				     errno_text(e, why, sizeof(why)));
	free(dir);
	return rc;
}

/* Create the file 0600 ourselves, or check that an existing one may be written. */
static enum poise_status prepare_file(const char *path, int flags, struct poise_error *err)
{
	char why[128];
	int fd;

	if (access(path, F_OK) == 0) {
		if (flags & STORE_READONLY)
			return POISE_OK;
		if (access(path, W_OK) != 0) {
			int e = errno;

			return poise_error_set(err, denied_status(e), NULL, 0, 0,
					       "database '%s' is read-only (%s), so no call could "
					       "be saved: check its permissions or pass --db PATH",
					       path, errno_text(e, why, sizeof(why)));
		}
		return folder_ready(path, FOLDER_WRITABLE, err);
	}
	if (flags & STORE_READONLY)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no database at '%s': run a call first or pass --db PATH",
				       path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return poise_error_set(err, denied_status(e), NULL, 0, 0,
				       "cannot create database '%s' (%s): check the "
				       "permissions of its folder or pass --db PATH",
				       path, errno_text(e, why, sizeof(why)));
	}
	close(fd);
	return POISE_OK;
}

static int exec_pragma(struct store *st, const char *sql, const char *want)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && want &&
		    sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), want) != 0)
			rc = SQLITE_CANTOPEN;
		else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

static int set_pragmas(struct store *st)
{
	int rc;

	sqlite3_extended_result_codes(st->db, 1);
	if ((rc = exec_pragma(st, "PRAGMA foreign_keys = ON", NULL)) ||
	    (rc = exec_pragma(st, "PRAGMA secure_delete = ON", NULL)) ||
	    (rc = exec_pragma(st, "PRAGMA synchronous = FULL", NULL)))
		return rc;
	if (st->flags & STORE_READONLY)
		return SQLITE_OK;
	return exec_pragma(st, "PRAGMA journal_mode = WAL", "wal");
}

/* SQLite gives -wal/-shm the database's mode; make sure, whatever the umask. */
static void tighten_side_files(const struct store *st)
{
	static const char *const suffix[] = {"-wal", "-shm"};
	char p[4096];
	struct stat sb;

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", st->path, suffix[i]);
		if (stat(p, &sb) == 0 && (sb.st_mode & 077))
			chmod(p, sb.st_mode & 0700);
	}
}

/*
 * Once a process, before SQLite starts (when something else started it
 * first, sqlite3_config refuses and nothing changes): no memory statistics
 * (poise never reads them, and keeping them takes a global mutex and two
 * counters on every allocation SQLite makes), and no page cache allocated
 * 20 pages at a time before the first is needed (a call reads fewer; each
 * page is allocated when first read instead). docs/benchmarks.md, "Start-up
 * and memory, session 7".
 */
static void sqlite_setup(void)
{
	static int done;

	if (!done) {
		done = 1;
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	}
}

static enum poise_status open_db(struct store *st, struct poise_error *err)
{
	int oflags = (st->flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	enum poise_status ps;
	int rc;

	sqlite_setup();
	rc = sqlite3_open_v2(st->path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "open database", err);
	/*
	 * Files come from elsewhere (--db, merge): no SQL may write the file
	 * behind SQLite's back, and nothing in the schema (a trigger, a view, a
	 * default) may call a function with side effects. The schema check
	 * below then refuses any object poise did not make.
	 */
	if ((rc = sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL)) != SQLITE_OK)
		return store_fail(st, rc, "open database", err);
	/* Before the first read: SQLite looks up the schema while the lock may be busy. */
	sqlite3_busy_timeout(st->db, (st->flags & (STORE_READONLY | STORE_PATIENT))
					     ? STORE_WAIT_MS
					     : STORE_BUSY_MS);
	/* Refuse before any pragma could rewrite the header of someone else's file. */
	if ((ps = store_schema_check(st, err)) != POISE_OK)
		return ps;
	/*
	 * Every object in the file is now one poise made, by the same SQL: its
	 * own trigger may feed the note search (FTS5 is not marked innocuous).
	 */
	if ((rc = sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 1, NULL)) != SQLITE_OK)
		return store_fail(st, rc, "open database", err);
	if ((rc = set_pragmas(st)) != SQLITE_OK)
		return store_fail(st, rc, "set up database", err);
	return store_schema_migrate(st, err);
}

enum poise_status store_open(const char *path, int flags, struct store **out,
			     struct poise_error *err)
{
	struct store *st = NULL;
	enum poise_status ps;
	mode_t old_mask = umask(077);
	size_t len;

	*out = NULL;
	if (!path || !path[0]) {
		ps = poise_error_set(err, POISE_USAGE, NULL, 0, 0, "database path is empty");
		goto out;
	}
	len = strlen(path);
	st = calloc(1, sizeof(*st));
	if (st)
		st->shm_fd = -1;
	if (!st || !(st->path = strdup(path)) || !(st->pending_path = malloc(len + 9))) {
		ps = poise_error_nomem(err);
		goto out;
	}
	memcpy(st->pending_path, path, len);
	memcpy(st->pending_path + len, ".pending", 9);
	st->flags = flags;
	if (!(flags & STORE_READONLY) && (ps = folder_ready(path, FOLDER_MADE, err)) != POISE_OK)
		goto out;
	if ((ps = store_check_files(st, err)) != POISE_OK)
		goto out;
	if ((ps = prepare_file(path, flags, err)) != POISE_OK)
		goto out;
	if ((ps = store_schema_precheck(path, err)) != POISE_OK)
		goto out;
	if ((ps = open_db(st, err)) != POISE_OK ||
	    (ps = store_check_same_file(st, err)) != POISE_OK)
		goto out;
	tighten_side_files(st);
	if ((ps = sidelog_load(st, err)) != POISE_OK)
		goto out;
	if (st->pending && !(flags & STORE_READONLY))
		ps = store_flush(st, NULL, err);
out:
	umask(old_mask);
	return POISE_HAND_OUT(ps, st, out, store_close);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	store_call_settle(st, NULL); /* a held new call is never rolled back by the close */
	store_rescue(st, NULL, NULL); /* a file deleted under it: written again, last time */
	for (int i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	if (st->shm_fd >= 0)
		close(st->shm_fd); /* after SQLite's: closing it drops this process's locks */
	free(st->seqs);
	free(st->pending_path);
	free(st->rescue_path);
	free(st->path);
	free(st);
}

int store_exists(struct store *st, const char *sql, const char *key)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return rc != SQLITE_DONE;
}
