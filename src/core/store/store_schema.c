/*
 * store_schema.c - is this our database, and bringing it up to date.
 *
 * The schema is a list of migrations: migrations[v] takes user_version v to
 * v + 1, in one BEGIN IMMEDIATE transaction that also sets user_version, so
 * a crash leaves the file at a version and never between two. Append new
 * steps; never edit a released one. docs/database.md describes the result.
 */
#include "store_int.h"

#include "poise/text.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The note search (schema 2), by itself too: `poise doctor` makes it again
 * with the very same SQL, so the schema check still knows it.
 */
#define NOTES_FTS_TABLE                                                                            \
	"CREATE VIRTUAL TABLE notes_fts USING fts5 (\n"                                            \
	"	text, call_id UNINDEXED, seq UNINDEXED, tokenize = 'trigram')"
#define NOTES_FTS_FILL                                                                             \
	"INSERT INTO notes_fts (text, call_id, seq)\n"                                             \
	"	SELECT text, call_id, seq FROM events WHERE kind = 'note' AND text IS NOT NULL"
/* The text is released: the schema check compares it byte for byte. */
/* clang-format off */
#define NOTES_FTS_TRIGGER                                                                          \
	"CREATE TRIGGER events_note_fts AFTER INSERT ON events\n"                                  \
	"WHEN new.kind = 'note' AND new.text IS NOT NULL BEGIN\n"                                  \
	"	INSERT INTO notes_fts (text, call_id, seq) VALUES (new.text, new.call_id, new.seq);\n" \
	"END"
/* clang-format on */

static const char *const migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE playbook_texts (\n"
	"	hash TEXT PRIMARY KEY NOT NULL,\n"
	"	id TEXT NOT NULL,\n"
	"	version TEXT NOT NULL,\n"
	"	text TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE calls (\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	agent TEXT NOT NULL,\n"
	"	customer TEXT NOT NULL DEFAULT '',\n"
	"	customer_ref TEXT NOT NULL DEFAULT '',\n"
	"	playbook_id TEXT NOT NULL,\n"
	"	playbook_version TEXT NOT NULL,\n"
	"	playbook_hash TEXT NOT NULL REFERENCES playbook_texts (hash),\n"
	"	started_at INTEGER NOT NULL,\n"
	"	ended_at INTEGER,\n"
	"	status TEXT NOT NULL DEFAULT 'open'\n"
	"		CHECK (status IN ('open', 'done', 'interrupted')),\n"
	"	outcome TEXT,\n"
	"	cause TEXT,\n"
	"	mood_start INTEGER,\n"
	"	mood_end INTEGER,\n"
	"	last_seq INTEGER NOT NULL DEFAULT 0,\n"
	"	wrapup_at INTEGER\n"
	");\n"
	"CREATE INDEX calls_started ON calls (started_at);\n"
	"CREATE INDEX calls_agent_started ON calls (agent, started_at);\n"
	"CREATE INDEX calls_status ON calls (status, agent, started_at);\n"
	"CREATE INDEX calls_playbook ON calls (playbook_hash);\n"
	"CREATE TABLE events (\n"
	"	call_id TEXT NOT NULL REFERENCES calls (id),\n"
	"	seq INTEGER NOT NULL CHECK (seq > 0),\n"
	"	t INTEGER NOT NULL,\n"
	"	kind TEXT NOT NULL,\n"
	"	stage TEXT NOT NULL,\n"
	"	a INTEGER NOT NULL DEFAULT 0,\n"
	"	b INTEGER NOT NULL DEFAULT 0,\n"
	"	text TEXT,\n"
	"	PRIMARY KEY (call_id, seq)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE followups (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	call_id TEXT NOT NULL REFERENCES calls (id),\n"
	"	seq INTEGER NOT NULL,\n"
	"	due TEXT,\n"
	"	channel TEXT NOT NULL DEFAULT '',\n"
	"	promise TEXT NOT NULL DEFAULT '',\n"
	"	done_at INTEGER,\n"
	"	UNIQUE (call_id, seq)\n"
	");\n"
	"CREATE INDEX followups_due ON followups (done_at, due);\n"
	"CREATE TABLE reflections (\n"
	"	call_id TEXT NOT NULL REFERENCES calls (id),\n"
	"	seq INTEGER NOT NULL,\n"
	"	went_well TEXT NOT NULL DEFAULT '',\n"
	"	improve TEXT NOT NULL DEFAULT '',\n"
	"	PRIMARY KEY (call_id, seq)\n"
	");\n"
	"CREATE TABLE skips (\n"
	"	call_id TEXT NOT NULL REFERENCES calls (id),\n"
	"	seq INTEGER NOT NULL,\n"
	"	stage TEXT NOT NULL,\n"
	"	section TEXT NOT NULL,\n"
	"	item INTEGER NOT NULL,\n"
	"	reason TEXT NOT NULL,\n"
	"	PRIMARY KEY (call_id, seq)\n"
	");\n"
	"CREATE INDEX skips_line ON skips (stage, section, item);\n",
	/*
	 * 1 -> 2: review. Indexes that end in (started_at, id) so every review
	 * filter is a seek that yields calls newest first (keyset paging);
	 * notes searchable by substring (FTS5 trigram, kept by a trigger, so
	 * every writer of events feeds it); supervisors' reviews and scores.
	 */
	"CREATE INDEX calls_review_started ON calls (started_at, id);\n"
	"CREATE INDEX calls_review_agent ON calls (agent, started_at, id);\n"
	"CREATE INDEX calls_review_outcome ON calls (outcome, started_at, id);\n"
	"CREATE INDEX calls_review_cause ON calls (cause, started_at, id);\n"
	"CREATE INDEX calls_review_playbook ON calls (playbook_id, started_at, id);\n"
	"CREATE INDEX calls_review_mood ON calls (\n"
	"	" STORE_MOOD_PEAK ", started_at, id);\n"
	"CREATE INDEX events_note ON events (call_id, text) WHERE kind = 'note';\n"
	/* clang-format off */
	NOTES_FTS_TABLE ";\n" NOTES_FTS_FILL ";\n" NOTES_FTS_TRIGGER ";\n"
	/* clang-format on */
	"CREATE TABLE reviews (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	call_id TEXT NOT NULL REFERENCES calls (id),\n"
	"	reviewer TEXT NOT NULL,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	comment TEXT NOT NULL DEFAULT '',\n"
	"	acked_at INTEGER\n"
	");\n"
	"CREATE INDEX reviews_call ON reviews (call_id, id);\n"
	"CREATE INDEX reviews_unacked ON reviews (call_id) WHERE acked_at IS NULL;\n"
	"CREATE TABLE review_scores (\n"
	"	review_id INTEGER NOT NULL REFERENCES reviews (id),\n"
	"	stage TEXT NOT NULL,\n"
	"	score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),\n"
	"	PRIMARY KEY (review_id, stage)\n"
	") WITHOUT ROWID;\n",
	/*
	 * 2 -> 3: each closed call's report figures, as the report's own fold
	 * of its events computed them (report_call.c). Derived and disposable:
	 * a row counts only while its fold version and last_seq match, and a
	 * call without one is folded from its events as before. Two indexes of
	 * step 1 are dropped: calls_review_started and calls_review_agent
	 * (step 2) begin with the same columns and serve every query they did.
	 */
	"DROP INDEX IF EXISTS calls_started;\n"
	"DROP INDEX IF EXISTS calls_agent_started;\n"
	"CREATE TABLE call_figures (\n"
	"	call_id TEXT PRIMARY KEY NOT NULL REFERENCES calls (id),\n"
	"	fold INTEGER NOT NULL,\n"
	"	last_seq INTEGER NOT NULL,\n"
	"	figures BLOB NOT NULL\n"
	") WITHOUT ROWID;\n",
	/*
	 * 3 -> 4: `poise sync` (store_sync.c): what the team server has of each
	 * call (events up to pushed_seq, the figures made at figures_seq), the
	 * done time of each follow-up as last pushed, which local review is
	 * which server review, the pulls' high-water marks, and the playbooks
	 * published on the server.
	 */
	"CREATE TABLE sync_calls (\n"
	"	call_id TEXT PRIMARY KEY NOT NULL REFERENCES calls (id),\n"
	"	pushed_seq INTEGER NOT NULL,\n"
	"	figures_seq INTEGER NOT NULL DEFAULT 0\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE sync_followups (\n"
	"	followup_id INTEGER PRIMARY KEY REFERENCES followups (id),\n"
	"	done_at INTEGER\n"
	");\n"
	"CREATE TABLE sync_reviews (\n"
	"	server_id TEXT PRIMARY KEY NOT NULL,\n"
	"	review_id INTEGER NOT NULL UNIQUE REFERENCES reviews (id)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE sync_marks (\n"
	"	name TEXT PRIMARY KEY NOT NULL,\n"
	"	value INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE published_playbooks (\n"
	"	hash TEXT PRIMARY KEY NOT NULL REFERENCES playbook_texts (hash),\n"
	"	id TEXT NOT NULL,\n"
	"	version TEXT NOT NULL,\n"
	"	published_at INTEGER NOT NULL,\n"
	"	published_by TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX published_playbooks_id ON published_playbooks (id, published_at);\n",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

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
	int rc = poise_objects(version, &want);

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

enum poise_status store_schema_migrate(struct store *st, struct poise_error *err)
{
	long version = 0;
	int rc;

	if (st->flags & STORE_READONLY)
		return POISE_OK; /* store_schema_check refused anything older */
	if ((rc = query_int(st->db, "PRAGMA user_version", &version)) != SQLITE_OK)
		return store_fail(st, rc, "read schema version", err);
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

/* The note search made again from the events, in one transaction. */
static int rebuild_notes(struct store *st)
{
	long trigger = 0;
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		rc = query_int(st->db,
			       "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
			       "AND name = 'events_note_fts'",
			       &trigger);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db,
				  "DROP TABLE IF EXISTS notes_fts;" NOTES_FTS_TABLE
				  ";" NOTES_FTS_FILL,
				  NULL, NULL, NULL);
	if (rc == SQLITE_OK && !trigger)
		rc = sqlite3_exec(st->db, NOTES_FTS_TRIGGER, NULL, NULL, NULL);
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
				       ignored, sizeof(ignored)) != SQLITE_OK;
	if ((rc = rebuild_notes(st)) != SQLITE_OK) {
		enum poise_status ps = store_fail(st, rc, "rebuild the note search", err);

		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return ps;
	}
	store_scrub_wal(st);
	return POISE_OK;
}
