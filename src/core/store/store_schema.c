/*
 * store_schema.c - is this our database, and bringing it up to date.
 *
 * The schema is a list of migrations: migrations[v] takes user_version v to
 * v + 1, in one BEGIN IMMEDIATE transaction that also sets user_version, so
 * a crash leaves the file at a version and never between two. Append new
 * steps; never edit a released one. docs/database.md describes the result.
 */
#include "store_int.h"

#include "store_migrations.h"
#include "poise/text.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct schema_row {
	const char *type, *name, *tbl_name, *sql;
};
#include "store_schema_rows.h" /* schema_rows[]: made at build time by gen/schema_rows.c */

_Static_assert(SCHEMA_ROWS_VERSION == STORE_SCHEMA_VERSION, "store_schema_rows.h is stale");

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static enum poise_status not_poise(const char *path, const char *why, struct poise_error *err)
{
	return poise_error_set(err, POISE_DB_NOT_POISE, NULL, 0, 0,
			       "'%s' is not a poise database (%s): leave it alone and pass "
			       "--db PATH",
			       path, why);
}

static enum poise_status newer(const char *path, long have, struct poise_error *err)
{
	return poise_error_set(err, POISE_DB_NEWER, NULL, 0, 0,
			       "database '%s' has schema %ld, newer than this poise knows (%d): "
			       "upgrade poise or pass --db PATH",
			       path, have, STORE_SCHEMA_VERSION);
}

/*
 * Look at the header ourselves before SQLite opens the file, so a text file
 * or someone else's database is never handed to SQLite (which could add
 * -wal/-shm files beside it). The header may be stale when a -wal exists:
 * store_schema_check() asks SQLite again once open.
 */
enum poise_status store_schema_precheck(const char *path, struct poise_error *err)
{
	unsigned char h[100];
	struct stat sb;
	ssize_t n;
	uint32_t app;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return poise_error_set(err, errno == EACCES ? POISE_DB_READONLY : POISE_IO, NULL, 0,
				       0,
				       "cannot read database '%s': %s: check its permissions "
				       "or pass --db PATH",
				       path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return not_poise(path, "not a regular file", err);
	}
	n = sb.st_size == 0 ? 0 : read(fd, h, sizeof(h));
	close(fd);
	if (sb.st_size == 0)
		return POISE_OK; /* new: gets the schema */
	if (n != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0)
		return not_poise(path, "not an SQLite file", err);
	app = be32(h + 68);
	if (app != 0 && app != STORE_APPLICATION_ID)
		return not_poise(path, "an SQLite database of another program", err);
	if (app == STORE_APPLICATION_ID && be32(h + 60) > STORE_SCHEMA_VERSION)
		return newer(path, (long)be32(h + 60), err);
	return POISE_OK;
}

static int query_int(sqlite3 *db, const char *sql, long *out)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		*out = (long)sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * In a database in memory, made by the migrations: temp.allowed holds every
 * object of every schema from version on (the file may be on its way up),
 * temp.required the tables of schema version itself.
 */
static int poise_objects(long version, sqlite3 **out)
{
	int rc =
		sqlite3_open_v2(":memory:", out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(*out,
				  "CREATE TEMP TABLE allowed (type, name, tbl_name, sql, "
				  "UNIQUE (type, name, tbl_name, sql));"
				  "CREATE TEMP TABLE required (name);",
				  NULL, NULL, NULL);
	for (long v = 0; rc == SQLITE_OK && v <= STORE_SCHEMA_VERSION; v++) {
		if (v > 0)
			rc = sqlite3_exec(*out, migrations[v - 1], NULL, NULL, NULL);
		if (rc == SQLITE_OK && v == version)
			rc = sqlite3_exec(
				*out,
				"INSERT INTO required SELECT name FROM main.sqlite_schema "
				"WHERE type = 'table'",
				NULL, NULL, NULL);
		if (rc == SQLITE_OK && v >= version)
			rc = sqlite3_exec(
				*out,
				"INSERT OR IGNORE INTO allowed SELECT type, name, tbl_name, "
				"coalesce(sql, '') FROM main.sqlite_schema",
				NULL, NULL, NULL);
	}
	return rc;
}

static enum poise_status odd_object(struct store *st, const char *how, sqlite3_stmt *row,
				    struct poise_error *err)
{
	char why[160];

	snprintf(why, sizeof(why), "%s %s '%.64s'", how, sqlite3_column_text(row, 0),
		 sqlite3_column_text(row, 1));
	text_safe(why, sizeof(why), why, 0);
	return not_poise(st->path, why, err);
}

/* Each row of `each` (type, name, ...) found by `find` (bound to the same columns)? */
static int all_found(sqlite3_stmt *each, sqlite3_stmt *find, int ncols, int *rc)
{
	while ((*rc = sqlite3_step(each)) == SQLITE_ROW) {
		sqlite3_reset(find);
		for (int i = 0; i < ncols; i++)
			sqlite3_bind_value(find, i + 1, sqlite3_column_value(each, i));
		if ((*rc = sqlite3_step(find)) != SQLITE_ROW) {
			if (*rc == SQLITE_DONE)
				*rc = SQLITE_OK;
			return 0;
		}
	}
	if (*rc == SQLITE_DONE)
		*rc = SQLITE_OK;
	return 1;
}

/* Row r is the object whose columns (type, name, tbl_name, sql) are col; the name first. */
static int row_is(const struct schema_row *r, const char *const col[4])
{
	const char *want[4] = {r->type, r->name, r->tbl_name, r->sql};

	for (int i = 0; i < 4; i++) {
		int c = (i + 1) % 4; /* name, tbl_name, sql, type */

		if (!col[c] || strcmp(col[c], want[c]) != 0)
			return 0;
	}
	return 1;
}

/*
 * The quick way to the answer schema_same() gives for a file at the current
 * version, with the SQLite that made schema_rows[]: each object one of
 * schema_rows[], and as many as there are of them (there are no two the same,
 * so then every table is there too). Each row's columns are read once, and
 * compared name first (names differ at once). 1 when so, 0 when
 * schema_same() must look (and give its message), or SQLite's error.
 */
static int schema_same_quick(struct store *st, long version, int *rc)
{
	static const size_t nrows = sizeof(schema_rows) / sizeof(schema_rows[0]);
	unsigned char seen[sizeof(schema_rows) / sizeof(schema_rows[0])] = {0};
	sqlite3_stmt *have = NULL;
	size_t found = 0;
	int same = 1;

	*rc = SQLITE_OK;
	if (version != STORE_SCHEMA_VERSION || sqlite3_libversion_number() != SCHEMA_ROWS_SQLITE)
		return 0;
	/*
	 * The filter and the coalesce of schema_same()'s statement done here:
	 * 45 k instructions less a start-up (docs/benchmarks.md, "Start-up,
	 * session 8"). A row this cannot place (a NULL name) is left to
	 * schema_same(), as is any other difference.
	 */
	*rc = sqlite3_prepare_v2(st->db, "SELECT type, name, tbl_name, sql FROM sqlite_schema", -1,
				 &have, NULL);
	while (*rc == SQLITE_OK && same && (*rc = sqlite3_step(have)) == SQLITE_ROW) {
		const char *col[4];
		size_t i = 0;

		*rc = SQLITE_OK;
		for (int c = 0; c < 4; c++)
			col[c] = (const char *)sqlite3_column_text(have, c);
		if (col[1] && strncasecmp(col[1], "sqlite_stat", 11) == 0)
			continue; /* name LIKE 'sqlite\_stat%': ANALYZE's, let be */
		if (!col[3])
			col[3] = "";
		while (i < nrows && (seen[i] || !row_is(&schema_rows[i], col)))
			i++;
		if (i == nrows)
			same = 0;
		else
			seen[i] = 1, found++;
	}
	if (*rc == SQLITE_DONE)
		*rc = SQLITE_OK;
	sqlite3_finalize(have);
	return *rc == SQLITE_OK && same && found == nrows;
}

/*
 * The schema is poise's: every object in the file one that poise makes at
 * its version or a later one, by the very same SQL (so every table is a
 * table, and no trigger, view or index is foreign), and none of the tables
 * of its version missing. A file from elsewhere is refused here, before
 * any of its rows is read. A missing index or trigger is let be: it only
 * speeds up or feeds the note search, which `poise doctor` rebuilds.
 */
static enum poise_status schema_same(struct store *st, long version, struct poise_error *err)
{
	sqlite3 *want = NULL;
	sqlite3_stmt *have = NULL, *allowed = NULL, *req = NULL, *table = NULL;
	enum poise_status ps = POISE_OK;
	int rc;

	if (schema_same_quick(st, version, &rc))
		return POISE_OK;
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "read database schema", err);
	rc = poise_objects(version, &want);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(
			st->db,
			"SELECT type, name, tbl_name, coalesce(sql, '') FROM "
			"sqlite_schema WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'",
			-1, &have, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(want,
					"SELECT 1 FROM allowed WHERE type = ?1 AND name = ?2 AND "
					"tbl_name = ?3 AND sql = ?4",
					-1, &allowed, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(want, "SELECT 'table', name FROM required", -1, &req, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db,
					"SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2",
					-1, &table, NULL);
	if (rc == SQLITE_OK && !all_found(have, allowed, 4, &rc) && rc == SQLITE_OK)
		ps = odd_object(st, "it has a foreign", have, err);
	else if (rc == SQLITE_OK && !all_found(req, table, 2, &rc) && rc == SQLITE_OK)
		ps = odd_object(st, "it lacks the", req, err);
	if (rc != SQLITE_OK && ps == POISE_OK)
		ps = store_fail(st, rc, "read database schema", err);
	sqlite3_finalize(have);
	sqlite3_finalize(allowed);
	sqlite3_finalize(req);
	sqlite3_finalize(table);
	sqlite3_close(want);
	return ps;
}

enum poise_status store_schema_check(struct store *st, struct poise_error *err)
{
	long app = 0, version = 0, objects = 0;
	int rc;

	if ((rc = query_int(st->db, "PRAGMA application_id", &app)) ||
	    (rc = query_int(st->db, "PRAGMA user_version", &version)) ||
	    (rc = query_int(st->db, "SELECT count(*) FROM sqlite_schema", &objects)))
		return store_fail(st, rc, "read database header", err);
	if ((uint32_t)app != STORE_APPLICATION_ID) {
		if (app == 0 && version == 0 && objects == 0)
			return POISE_OK; /* an empty SQLite file: ours to fill */
		return not_poise(st->path,
				 app ? "an SQLite database of another program"
				     : "an SQLite database without poise's application_id",
				 err);
	}
	if (version > STORE_SCHEMA_VERSION)
		return newer(st->path, version, err);
	if (version < STORE_SCHEMA_VERSION && (st->flags & STORE_READONLY) &&
	    !(st->flags & STORE_READ_OLD))
		return poise_error_set(err, POISE_DB_OLDER, NULL, 0, 0,
				       "database '%s' has the older schema %ld and is opened "
				       "read-only: open it once for writing to upgrade it",
				       st->path, version);
	return schema_same(st, version, err);
}

/* One step in its own transaction; a concurrent poise may have done it already. */
static int migrate_step(struct store *st, long from)
{
	char sql[96];
	long now = 0;
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return rc;
	if ((rc = query_int(st->db, "PRAGMA user_version", &now)) != SQLITE_OK)
		goto out;
	if (now != from)
		goto out;
	if ((rc = sqlite3_exec(st->db, migrations[from], NULL, NULL, NULL)) != SQLITE_OK)
		goto out;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %ld; PRAGMA user_version = %ld",
		 (long)STORE_APPLICATION_ID, from + 1);
	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
out:
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc; /* on failure the caller reads the message, then rolls back */
}

/*
 * Whether another process has the database open: in WAL mode each
 * connection holds a shared lock on the DMS byte of <db>-shm (byte 128 on
 * Unix; sqlite.org/walformat.html) for as long as it is open, idle or not.
 * The descriptor stays open until store_close, after SQLite's own: closing
 * any descriptor of a file drops every POSIX lock this process holds on it.
 */
static int others_connected(struct store *st)
{
	char p[4096];
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};

	if (st->shm_fd < 0) {
		snprintf(p, sizeof(p), "%s-shm", st->path);
		st->shm_fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	return st->shm_fd >= 0 && fcntl(st->shm_fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

/*
 * A file an older poise wrote is upgraded only while no other program has
 * it open: one still running would go on writing by its own schema's
 * rules (until schema 14, triggers kept the note search and the marks sync
 * reads; a schema-13 poise on the upgraded file leaves both unwritten).
 */
enum poise_status store_schema_migrate(struct store *st, struct poise_error *err)
{
	long version = 0;
	int rc;

	if (st->flags & STORE_READONLY)
		return POISE_OK; /* store_schema_check refused anything older */
	if ((rc = query_int(st->db, "PRAGMA user_version", &version)) != SQLITE_OK)
		return store_fail(st, rc, "read schema version", err);
	if (version > 0 && version < STORE_SCHEMA_VERSION && others_connected(st))
		return poise_error_set(err, POISE_DB_BUSY, NULL, 0, 0,
				       "database '%s' is open in another program, perhaps an "
				       "older poise in another window: quit it, then start again "
				       "(its schema %ld is upgraded to %d only when nothing else "
				       "has it open)",
				       st->path, version, STORE_SCHEMA_VERSION);
	for (long v = version; v < STORE_SCHEMA_VERSION; v++)
		if ((rc = migrate_step(st, v)) != SQLITE_OK) {
			enum poise_status ps = store_fail(st, rc, "upgrade database schema", err);

			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return ps;
		}
	return POISE_OK;
}

/* --- poise doctor ---------------------------------------------------------- */

/* The first finding of one check (a text row), "ok" when none; SQLite's code. */
static int first_row(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	snprintf(out, size, "ok");
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		text_safe(out, size, (const char *)sqlite3_column_text(s, 0), 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * The text search made again from the events, in one transaction: every
 * note of every call, so no call is pending any more but those still open,
 * whose later notes are (schema 8); then every other typed text.
 */
static int rebuild_notes(struct store *st)
{
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db,
				  "DROP TABLE IF EXISTS notes_fts;" NOTES_FTS_TABLE ";" NOTES_FTS_FILL
				  ";DELETE FROM notes_pending;"
				  "INSERT INTO notes_pending SELECT id, last_seq FROM calls "
				  "WHERE status = 'open';"
				  "DROP TABLE IF EXISTS texts_fts;" TEXTS_FTS_TABLE ";" TEXTS_FTS_FILL,
				  NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

enum poise_status store_doctor(struct store *st, struct store_doctor *out, struct poise_error *err)
{
	char ignored[8];
	int rc;

	memset(out, 0, sizeof(*out));
	if (st->flags & STORE_READONLY)
		return poise_error_set(err, POISE_DB_READONLY, NULL, 0, 0,
				       "cannot repair database '%s': it is open read-only",
				       st->path);
	if ((rc = first_row(st->db, "PRAGMA quick_check(1)", out->check, sizeof(out->check))))
		return store_fail(st, rc, "check database", err);
	/* FTS5 compares its index with its content; any error means damaged. */
	out->notes_damaged = first_row(st->db,
				       "INSERT INTO notes_fts (notes_fts, rank) "
				       "VALUES ('integrity-check', 1)",
				       ignored, sizeof(ignored)) != SQLITE_OK ||
			     first_row(st->db,
				       "INSERT INTO texts_fts (texts_fts, rank) "
				       "VALUES ('integrity-check', 1)",
				       ignored, sizeof(ignored)) != SQLITE_OK;
	if ((rc = rebuild_notes(st)) != SQLITE_OK) {
		enum poise_status ps = store_fail(st, rc, "rebuild the note search", err);

		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return ps;
	}
	store_scrub_wal(st);
	return POISE_OK;
}
