/*
 * store.h - the SQLite call log.
 *
 * Owns: the one way to open the database (path, folder 0700, file 0600,
 * pragmas, schema migrations, refusing foreign or newer databases), appending
 * events one transaction each, the side log used while the database is
 * locked, and reading calls and events back.
 * Does not own: what events mean (call.h) or figures (report.h).
 * The schema is documented in docs/database.md.
 */
#ifndef POISE_STORE_H
#define POISE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/limits.h"
#include "poise/playbook.h"
#include "poise/status.h"

#define STORE_SCHEMA_VERSION 14
#define STORE_APPLICATION_ID 0x706f6973 /* "pois" */

struct store;

enum store_flags {
	STORE_READONLY = 1 << 0, /* open for reading only; never create */
	/*
	 * With STORE_READONLY: take an older schema as it is, for a reader of
	 * schema-1 tables only (calls, events, followups, playbook_texts):
	 * merge reads other people's databases and must not upgrade them.
	 */
	STORE_READ_OLD = 1 << 1,
	/*
	 * Wait up to STORE_WAIT_MS for another program's lock instead of
	 * STORE_BUSY_MS (the call screen's, which has the side log). Readers
	 * (STORE_READONLY) always wait so long; the commands that write from
	 * the command line (merge, followups done, review, doctor) ask for it.
	 */
	STORE_PATIENT = 1 << 2,
};

/* How long a reader or a patient writer waits for a lock: a call's close included. */
#define STORE_WAIT_MS 10000

/*
 * How much of a call id to show where the whole one is too wide: its start
 * to the millisecond (see store_new_uuid), unique in practice, and a
 * prefix `poise show` takes.
 */
#define CALL_ID_SHORT 13

/* What identifies a call and who was on it. Strings are NUL-terminated. */
struct call_meta {
	char id[FIELD_CALL_ID_LEN + 1]; /* UUID, lowercase, with dashes */
	char agent[FIELD_AGENT_MAX + 1];
	char customer[FIELD_CUSTOMER_MAX + 1];
	char ref[FIELD_REF_MAX + 1];
	char playbook_id[FIELD_PLAYBOOK_ID_MAX + 1];
	char playbook_version[FIELD_VERSION_MAX + 1];
	char playbook_hash[FIELD_HASH_LEN + 1];
	int64_t started; /* ms since epoch */
	int64_t ended;	 /* 0 while open */
	char status[16]; /* "open", "done", "interrupted" */
	char outcome[16];
	/* Filled when read back; ignored by store_call_begin. */
	char cause[FIELD_CAUSE_ID_MAX + 1]; /* cause id from the playbook; "" when none */
	int mood_start;	   /* first MOOD given, 0 when none */
	int mood_end;	   /* last MOOD given, 0 when none */
	int64_t wrapup_at; /* first WRAPUP, 0 when none */
	int64_t last_seq;  /* seq of the newest event stored */
	/* A rehearsal: the id of the scenario played; "" for a real call (written by begin). */
	char practice[FIELD_PLAYBOOK_ID_MAX + 1];
	/* review_page only: time between each interruption and its resume, 0 when none. */
	int64_t gap_ms;
	/*
	 * Read back: a field longer than its limit or a time, mood or seq out
	 * of range, in a row poise did not write (merge refuses the call). The
	 * times are kept in range whatever the file holds.
	 */
	int out_of_range;
};

/*
 * The default database path: $POISE_DB, else $XDG_DATA_HOME/poise/poise.db,
 * else $HOME/.local/share/poise/poise.db. getenv_fn lets tests pass their own.
 */
enum poise_status store_default_path(char *buf, size_t size, const char *(*getenv_fn)(const char *),
				     struct poise_error *err);

/*
 * Open (creating when needed, unless STORE_READONLY) the database at path:
 * folder created 0700, file 0600 whatever the umask; WAL, synchronous=FULL,
 * foreign_keys, secure_delete; migrate to STORE_SCHEMA_VERSION in BEGIN
 * IMMEDIATE. A file that is not a poise database or has a newer schema is
 * refused with POISE_DB_NOT_POISE / POISE_DB_NEWER and left untouched.
 */
enum poise_status store_open(const char *path, int flags, struct store **out,
			     struct poise_error *err);
void store_close(struct store *st);
const char *store_path(const struct store *st);

/*
 * Call ids are UUIDs of version 7 (RFC 9562), lowercase with dashes: the
 * first 48 bits are the call's start in ms since the epoch, the other 74
 * free bits random. Ids then sort by start, so a call's rows (events,
 * index entries) sit beside those of the calls started around it: a day's
 * or a year's calls are read from one stretch of the file, and a busy log
 * grows at one end instead of touching pages everywhere.
 */
/* Format the id for start ms (clamped to 0..2^48-1) and 16 random bytes. */
void store_uuid_v7(char out[FIELD_CALL_ID_SIZE], int64_t ms, const unsigned char rnd[16]);
/* A new call id for start ms, its random bits from /dev/urandom. */
enum poise_status store_new_uuid(char out[FIELD_CALL_ID_SIZE], int64_t ms, struct poise_error *err);

/*
 * Record a new call (meta->id must be set) and keep pb's text once per hash.
 * The call's playbook id, version and hash are taken from pb (meta's are
 * ignored). Does not append START: the caller appends it like any other
 * event. While the database is locked the call goes to the side log like an
 * event (POISE_OK, store_pending() > 0).
 */
enum poise_status store_call_begin(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct poise_error *err);

/*
 * store_call_begin() and the call's first event (its START) in the same
 * transaction, so a new call costs one fsync, not two: first->seq becomes
 * 1. While the database is locked both go to the side log, and *deferred
 * (when not NULL) is set to 1, as store_append() does.
 */
enum poise_status store_call_start(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct event *first, int *deferred,
				   struct poise_error *err);

/*
 * store_call_start() with its COMMIT, and so its fsync, left for
 * store_call_settle(): the call screen is drawn while the disk is still
 * busy, and the START is durable before the first key is read (ui_run).
 * *held is 1 when a COMMIT waits (0 when the call went to the side log).
 * Until it is settled other writers wait; this store's next write and
 * store_close() settle it first, so it is never rolled back unseen.
 */
enum poise_status store_call_start_held(struct store *st, const struct call_meta *meta,
					const struct playbook *pb, struct event *first,
					int *deferred, int *held, struct poise_error *err);
/*
 * Compile ahead the statements a new call's START runs (store_call_start*),
 * writing nothing: a session does it in a second thread while the terminal
 * starts (session.c). A statement that fails is prepared again when used.
 */
void store_call_prepare(struct store *st);
/* Commit a held new call (fsync'd); POISE_OK when none waits. On failure it is rolled back. */
enum poise_status store_call_settle(struct store *st, struct poise_error *err);

/*
 * Append ev to call_id in one BEGIN IMMEDIATE transaction, assigning ev->seq.
 * When the database stays locked beyond a short busy timeout, the event is
 * written to the side log (`<db>.pending`, 0600, fsynced) instead and
 * POISE_OK is returned with *deferred set to 1; store_flush() replays it.
 * Any other failure (read-only, disk full) returns its status and the event
 * is not recorded anywhere: the caller must tell the agent.
 */
enum poise_status store_append(struct store *st, const char *call_id, struct event *ev,
			       int *deferred, struct poise_error *err);

/*
 * Replay the side log into the database, in order, in one transaction, then
 * truncate it; *left (may be NULL) gets the entries still pending (all of
 * them when the database is still locked: that is POISE_OK too).
 */
enum poise_status store_flush(struct store *st, size_t *left, struct poise_error *err);
/* Entries (calls and events) waiting in the side log. */
size_t store_pending(const struct store *st);
/*
 * Side log entries a replay could not write as they were (another event
 * already held their seq): never dropped, kept in "<db>.quarantine".
 */
size_t store_quarantined(const struct store *st);
/* The side log's path: "<db>.pending". */
const char *store_pending_path(const struct store *st);

/*
 * Read back. Callbacks return 0 to go on, non-zero to stop. id_or_prefix
 * is a whole id or a unique prefix of one (case does not matter); an
 * ambiguous prefix is POISE_USAGE, none POISE_NOT_FOUND. Event text is
 * valid during the callback only.
 */
typedef int (*store_event_fn)(void *ctx, const struct event *ev);
enum poise_status store_call_meta(struct store *st, const char *id_or_prefix, struct call_meta *out,
				  struct poise_error *err);
enum poise_status store_call_events(struct store *st, const char *call_id, store_event_fn fn,
				    void *ctx, struct poise_error *err);
/* The playbook text a call used (malloc'd, NUL-terminated), by hash. */
enum poise_status store_playbook_text(struct store *st, const char *hash, char **text, size_t *len,
				      struct poise_error *err);
/*
 * The playbook a call was logged under: the text kept by hash, parsed
 * again (name names it in errors). The one way a stored call's playbook is
 * loaded (review, replay, resume, show, reports); *out to playbook_free.
 */
enum poise_status store_playbook(struct store *st, const char *hash, const char *name,
				 struct playbook **out, struct poise_error *err);

/* The newest call still open for this agent (after a crash); POISE_NOT_FOUND if none. */
enum poise_status store_open_call(struct store *st, const char *agent, struct call_meta *out,
				  struct poise_error *err);

/*
 * Every call, oldest first (by started), with since <= started < until in
 * ms (0 = unbounded). The meta is valid during the callback only; the
 * callback may read events (store_call_events) but not nest store_each_call.
 */
typedef int (*store_call_fn)(void *ctx, const struct call_meta *meta);
enum poise_status store_each_call(struct store *st, int64_t since, int64_t until, store_call_fn fn,
				  void *ctx, struct poise_error *err);

/*
 * Every call still open for agent, newest first (a crash's, or one live in
 * another window: calllock.h tells them apart). POISE_NOT_FOUND when none.
 */
enum poise_status store_each_open_call(struct store *st, const char *agent, store_call_fn fn,
				       void *ctx, struct poise_error *err);

/* The same for agent's rehearsals (practice calls), which the one above leaves out. */
enum poise_status store_each_open_practice(struct store *st, const char *agent, store_call_fn fn,
					   void *ctx, struct poise_error *err);

/*
 * After text was edited or deleted: copy the WAL into the database and empty
 * it (PRAGMA wal_checkpoint(TRUNCATE)), so the old text lingers in no file
 * (secure_delete zeroes it inside the database). Best effort: a reader in
 * the way leaves it to the next checkpoint.
 */
void store_scrub_wal(struct store *st);

/*
 * The database file deleted or replaced while st is open (`rm` of the data
 * folder mid-call): what st writes then lives only in this process. Write
 * the whole database again (VACUUM INTO a file beside it, renamed into
 * place) at its path, or at PATH.rescued when another file took the path,
 * and again whenever more was written since; store_close() does it a last
 * time. 1 when it wrote a copy (*where: the file it wrote, owned by st), 0
 * when nothing was moved or nothing changed since the last copy, -1 when
 * the copy failed (err).
 */
int store_rescue(struct store *st, const char **where, struct poise_error *err);

/*
 * `poise doctor`: check the database (PRAGMA quick_check) and make the note
 * search index again from the events, whether or not it was damaged (a
 * damaged one fails a search with a word saying to run this). Needs the
 * store open for writing.
 */
struct store_doctor {
	char check[256];   /* quick_check's first finding: "ok" when none */
	int notes_damaged; /* the note search index failed its own check */
};
enum poise_status store_doctor(struct store *st, struct store_doctor *out, struct poise_error *err);

/*
 * Test hook: cap the database at `pages` pages (PRAGMA max_page_count) to
 * simulate a full disk. Returns the new cap.
 */
long store_set_max_pages(struct store *st, long pages);

#endif
