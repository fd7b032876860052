/*
 * store_fixture.h - a scratch folder, a fake playbook and a call, shared by
 * check_store.c and check_export.c (static: each test program gets its own).
 */
#ifndef POISE_STORE_FIXTURE_H
#define POISE_STORE_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers/fixture_dir.h"
#include "poise/export.h"
#include "poise/store.h"

static char fx_dir[64];

static inline void fx_setup(void)
{
	fixture_dir_make(fx_dir, sizeof(fx_dir), "poise-store-");
}

static inline void fx_teardown(void)
{
	fixture_dir_remove(fx_dir);
}

/* A path inside the scratch folder (static buffer per slot). */
static inline const char *fx_path(int slot, const char *name)
{
	static char buf[4][512];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", fx_dir, name);
	return buf[slot];
}

static inline struct playbook fx_pb(const char *id, const char *hash_fill, const char *text)
{
	struct playbook pb;

	memset(&pb, 0, sizeof(pb));
	pb.id = (char *)id;
	pb.version = (char *)"1.0";
	for (int i = 0; i < 64; i++)
		pb.hash[i] = hash_fill[i % strlen(hash_fill)];
	pb.hash[64] = '\0';
	pb.text = (char *)text;
	pb.text_len = strlen(text);
	return pb;
}

static inline struct store *fx_open(const char *path)
{
	struct store *st = NULL;
	struct poise_error err = {0};
	enum poise_status ps = store_open(path, 0, &st, &err);

	ck_assert_msg(ps == POISE_OK, "store_open: %s", err.msg);
	return st;
}

/* Record a call for agent with the given id (NULL: a new uuid). */
static inline void fx_call(struct store *st, char id[37], const char *agent, const char *customer,
			   int64_t started, const struct playbook *pb)
{
	struct call_meta m;
	struct poise_error err = {0};

	memset(&m, 0, sizeof(m));
	if (!id[0])
		ck_assert_int_eq(store_new_uuid(id, started, &err), POISE_OK);
	memcpy(m.id, id, sizeof(m.id));
	snprintf(m.agent, sizeof(m.agent), "%s", agent);
	snprintf(m.customer, sizeof(m.customer), "%s", customer);
	snprintf(m.ref, sizeof(m.ref), "REF-%s", customer);
	m.started = started;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "call_begin: %s", err.msg);
}

static inline int64_t fx_append(struct store *st, const char *id, enum event_kind kind, int64_t t,
				int stage, int a, int b, const char *text)
{
	struct event ev = {.t = t, .kind = kind, .stage = stage, .a = a, .b = b, .text = text};
	struct poise_error err = {0};
	int deferred = -1;

	ck_assert_msg(store_append(st, id, &ev, &deferred, &err) == POISE_OK, "append: %s",
		      err.msg);
	ck_assert_int_eq(deferred, 0);
	return ev.seq;
}

/* Run SQL on a separate connection to path, as another program would. */
static inline void fx_sql_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg);
	sqlite3_close(db);
}

/*
 * SQL with one text parameter, ?1 (the bytes of text as they are), on a
 * separate connection to path: a database edited by hand, or left by an
 * older poise, holding what the store itself would refuse.
 */
static inline void fx_sql_text_param(const char *path, const char *sql, const char *text)
{
	sqlite3 *db;
	sqlite3_stmt *s;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	ck_assert_msg(sqlite3_step(s) == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* One integer from SQL on a separate connection to path. */
static inline long long fx_sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Every call of st exported (export.h) in format (an enum export_format), malloc'd. */
static inline char *fx_export(struct store *st, int format)
{
	struct poise_error err = {0};
	FILE *f = tmpfile();
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(export_calls(st, f, (enum export_format)format, 0, 0, 0, &err) == POISE_OK,
		      "%s", err.msg);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* One text from SQL on a separate connection to path (malloc'd; "" for NULL). */
static inline char *fx_sql_text(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *v;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = strdup(sqlite3_column_text(s, 0) ? (const char *)sqlite3_column_text(s, 0) : "");
	ck_assert_ptr_nonnull(v);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Every file of the database at db, read raw: does needle linger in any? */
static inline int fx_text_in_files(const char *db, const char *needle)
{
	static const char *const suffix[] = {"", "-wal", "-shm", ".pending", ".quarantine"};
	char p[600];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		size_t len;
		char *buf;
		int found = 0;

		snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
		if (!(buf = slurp(p, &len)))
			continue;
		for (size_t at = 0; !found && at + strlen(needle) <= len; at++)
			found = memcmp(buf + at, needle, strlen(needle)) == 0;
		free(buf);
		if (found)
			return 1;
	}
	return 0;
}

static inline int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static inline int mode_of(const char *path)
{
	struct stat sb;

	ck_assert_msg(stat(path, &sb) == 0, "stat %s", path);
	return (int)(sb.st_mode & 07777);
}

/* Events read back, texts copied. */
struct collect {
	int n;
	struct event ev[64];
	char text[64][256];
};

static inline int collect_fn(void *ctx, const struct event *ev)
{
	struct collect *c = ctx;

	ck_assert_int_lt(c->n, 64);
	c->ev[c->n] = *ev;
	c->ev[c->n].text = NULL;
	if (ev->text) {
		snprintf(c->text[c->n], sizeof(c->text[0]), "%s", ev->text);
		c->ev[c->n].text = c->text[c->n];
	}
	c->n++;
	return 0;
}

/*
 * Another process with the database at path open and idle (a connection
 * made and used once, as a poise at its ready screen holds one), until
 * fx_release. Its pid and the pipe that lets it go.
 */
struct fx_holder {
	pid_t pid;
	int go;
};

static inline struct fx_holder fx_hold_open(const char *path)
{
	int ready[2], go[2];
	char c = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sqlite3 *db = NULL;
		int ok = sqlite3_open(path, &db) == SQLITE_OK &&
			 sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) ==
				 SQLITE_OK;

		close(ready[0]);
		close(go[1]);
		if (write(ready[1], ok ? "y" : "n", 1) != 1 || read(go[0], &c, 1) < 0)
			ok = 0;
		sqlite3_close(db);
		_exit(ok ? 0 : 1);
	}
	close(ready[1]);
	close(go[0]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	ck_assert_int_eq(c, 'y');
	return (struct fx_holder){pid, go[1]};
}

static inline void fx_release(struct fx_holder *h)
{
	int status = -1;

	close(h->go);
	ck_assert_int_eq(waitpid(h->pid, &status, 0), h->pid);
	ck_assert_int_eq(status, 0);
}

#endif
