/*
 * store_int.h - what the store_*.c files share and nobody else sees.
 *
 * store.c opens and closes, maps SQLite errors and holds the prepared
 * statements; store_schema.c checks and migrates the file; store_write.c
 * turns an event into rows; store_sidelog.c keeps events while the database
 * is locked; store_replay.c (the writer's) puts them into the database once
 * it can; store_read.c reads calls and events back.
 *
 * Who calls whom, with no loop: store_files.c is a leaf; store_sidelog.c
 * calls only store_files.c; store_write.c and store_replay.c write (through
 * the side log when locked); store_read.c reads (and the side log's waiting
 * events). Stage, section and event kind names come from their one table
 * each (playbook.h, event.h), never from the writer.
 *
 * Nothing outside src/core/store/ includes this header (tests and fuzz
 * targets of the store excepted); tests/check_boundary.sh checks it.
 */
#ifndef POISE_STORE_INT_H
#define POISE_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "poise/store.h"

#define STORE_BUSY_MS 200 /* short: the call screen must never freeze */

#define STORE_META_COLS                                                                            \
	"id, agent, customer, customer_ref, playbook_id, playbook_version, "                       \
	"playbook_hash, started_at, ended_at, status, outcome, cause, "                            \
	"mood_start, mood_end, wrapup_at, last_seq"

/*
 * The ids of the calls whose typed texts contain the FTS5 phrase at param
 * (notes_fts: notes; texts_fts: every other typed text), for `IN (...)`.
 * The one place the text search is written.
 */
#define STORE_OTHER_TEXT_MATCH(param)                                                              \
	"SELECT call_id FROM texts_fts WHERE texts_fts MATCH " param
#define STORE_TEXT_MATCH(param)                                                                    \
	"SELECT call_id FROM notes_fts WHERE notes_fts MATCH " param " UNION "                     \
	STORE_OTHER_TEXT_MATCH(param)

/* The highest mood of a call, as indexed (calls_review_mood): start or end. */
#define STORE_MOOD_PEAK "max(coalesce(mood_start, 0), coalesce(mood_end, 0))"

/* Events of call ?1 of a kind that no UNDO took back (event.h). */
#define STORE_KEPT(kind)                                                                           \
	"e.call_id = ?1 AND e.kind = '" kind "' AND NOT EXISTS (SELECT 1 FROM events u "           \
	"WHERE u.call_id = ?1 AND u.kind = 'undo' AND u.a = e.seq)"

/*
 * An event's summary UPDATE of its calls row moves last_seq too (?9, the
 * event's seq): one statement and one rewrite of the row per event, not two.
 */
#define STORE_SEQ_SET "last_seq = max(last_seq, ?9), "

/* X(name, sql): every statement, prepared once per store on first use (store.c). */
#define STORE_STMT_LIST(X)                                                                         \
	X(BEGIN, "BEGIN IMMEDIATE")                                                                \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(INS_TEXT, "INSERT OR IGNORE INTO playbook_texts (hash, id, version, text) "              \
		    "VALUES (?1, ?2, ?3, ?4)")                                                     \
	X(INS_CALL, "INSERT OR IGNORE INTO calls (id, agent, customer, customer_ref, "             \
		    "playbook_id, playbook_version, playbook_hash, started_at) "                   \
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                                     \
	X(INS_CALL_DONE, "INSERT OR IGNORE INTO calls (" STORE_META_COLS ") VALUES (?1, ?2, ?3, "  \
			 "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")             \
	X(LAST_SEQ, "SELECT last_seq FROM calls WHERE id = ?1")                                    \
	X(INS_EVENT, "INSERT OR IGNORE INTO events (call_id, seq, t, kind, stage, a, b, text) "    \
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                                    \
	X(UPD_SEQ, "UPDATE calls SET last_seq = max(last_seq, ?9) WHERE id = ?1")                  \
	X(UPD_MOOD, "UPDATE calls SET " STORE_SEQ_SET "mood_start = coalesce(mood_start, ?2), "    \
		    "mood_end = ?2 WHERE id = ?1")                                                 \
	X(UPD_WRAPUP,                                                                              \
	  "UPDATE calls SET " STORE_SEQ_SET "wrapup_at = coalesce(wrapup_at, ?2) WHERE id = ?1")   \
	X(UPD_OUTCOME, "UPDATE calls SET " STORE_SEQ_SET "outcome = ?2 WHERE id = ?1")             \
	X(UPD_CAUSE, "UPDATE calls SET " STORE_SEQ_SET "cause = ?2 WHERE id = ?1")                 \
	X(UPD_UNDONE,                                                                              \
	  "UPDATE calls SET " STORE_SEQ_SET                                                        \
	  "mood_start = (SELECT a FROM events e WHERE " STORE_KEPT(                                \
		  "mood") " ORDER BY e.seq LIMIT 1), "                                             \
			  "mood_end = (SELECT a FROM events e WHERE " STORE_KEPT(                  \
				  "mood") " ORDER BY e.seq DESC LIMIT 1), "                        \
					  "wrapup_at = (SELECT t FROM events e WHERE " STORE_KEPT( \
						  "wrapup") " ORDER BY e.seq LIMIT 1) WHERE id = " \
							    "?1")                                  \
	X(DEL_SKIP, "DELETE FROM skips WHERE call_id = ?1 AND seq = ?2")                           \
	X(UPD_STATUS,                                                                              \
	  "UPDATE calls SET " STORE_SEQ_SET "status = ?2, ended_at = ?3 WHERE id = ?1")            \
	X(INS_FOLLOWUP, "INSERT INTO followups (call_id, seq, due, channel, promise) "             \
			"VALUES (?1, ?2, ?3, ?4, ?5)")                                             \
	X(INS_REFLECTION, "INSERT INTO reflections (call_id, seq, went_well, improve) "            \
			  "VALUES (?1, ?2, ?3, ?4)")                                               \
	X(INS_SKIP, "INSERT INTO skips (call_id, seq, stage, section, item, reason) "              \
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                             \
	X(META_RANGE, "SELECT " STORE_META_COLS " FROM calls "                                     \
		      "WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2")                            \
	X(OPEN_CALL, "SELECT " STORE_META_COLS " FROM calls "                                      \
		     "WHERE status = 'open' AND agent = ?1 "                                       \
		     "ORDER BY started_at DESC, id DESC")                                          \
	X(EACH_CALL, "SELECT " STORE_META_COLS " FROM calls "                                      \
		     "WHERE started_at >= ?1 AND started_at <= ?2 ORDER BY started_at, id")        \
	X(EVENTS, "SELECT seq, t, kind, stage, a, b, text FROM events "                            \
		  "WHERE call_id = ?1 ORDER BY seq")                                               \
	X(PB_TEXT, "SELECT text FROM playbook_texts WHERE hash = ?1")

/*
 * One row of call_figures (store_scan.c), written with *s, prepared on
 * first use (call_figures is schema 3: not among the statements every open
 * prepares). Returns the SQLite result.
 */
int store_write_figures(struct store *st, sqlite3_stmt **s, const char *call_id, int fold,
			int64_t last_seq, const void *blob, size_t len);

#define STORE_STMT_ENUM(name, sql) STMT_##name,
enum store_stmt { STORE_STMT_LIST(STORE_STMT_ENUM) STMT_COUNT };
#undef STORE_STMT_ENUM

/* The next seq of a call whose events may be waiting in the side log. */
struct store_seq {
	char call_id[37];
	int64_t next;
};

struct store {
	sqlite3 *db;
	char *path;
	char *pending_path;
	int flags;
	sqlite3_stmt *stmt[STMT_COUNT];
	struct store_seq *seqs;
	size_t nseqs, seqcap;
	size_t pending; /* entries in the side log */
	size_t quarantined; /* lines in <db>.quarantine (store_sidelog.c) */
	void *aside; /* during a replay: what it set aside, written once it commits */
	int fail_errno; /* errno of the last failed step, for store_fail */
	struct stat file_id; /* the database file looked at before SQLite opened it */
};

/* store.c */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id); /* reset, unbound */
int store_step_done(struct store *st, enum store_stmt id);	/* run, SQLITE_DONE -> OK */
int store_rc_busy(int rc);
/* Fill err from an SQLite result code: "cannot WHAT: database 'PATH' ...". */
enum poise_status store_fail(struct store *st, int rc, const char *what, struct poise_error *err);

/* store_files.c: each file of the database what it seems (and, for a writer, private). */
enum poise_status store_check_files(struct store *st, struct poise_error *err);
/*
 * open(2) that refuses at once what is not a regular file (O_NONBLOCK, so a
 * FIFO cannot hang it, then fstat; EINVAL) and follows no symbolic link.
 */
int store_open_regular(const char *path, int oflags, mode_t mode);
/* The file SQLite opened is the one store_check_files looked at. */
enum poise_status store_check_same_file(struct store *st, struct poise_error *err);

/* store_schema.c */
enum poise_status store_schema_precheck(const char *path, struct poise_error *err);
/* application_id and user_version: ours (or an empty file), not newer. */
enum poise_status store_schema_check(struct store *st, struct poise_error *err);
enum poise_status store_schema_migrate(struct store *st, struct poise_error *err);

/* store_read.c: one row of STORE_META_COLS into m. */
/*
 * Column col as text: copied into dst ("" for NULL; 1 when it did not fit,
 * cut at a character, or held a NUL), or the pointer ("" for NULL).
 */
int store_col_copy(sqlite3_stmt *s, int col, char *dst, size_t size);
/* A time read back, kept within FIELD_TIME_MIN..FIELD_TIME_MAX (limits.h). */
int64_t store_clamp_time(int64_t t);
const char *store_col_text(sqlite3_stmt *s, int col);
/*
 * An events row selected as (seq, t, kind, stage, a, b, text): 0 when its
 * kind or stage is unknown (a newer poise). ev->text lives until the next step.
 */
int store_row_event(sqlite3_stmt *s, struct event *ev);
/* The error for such a row: POISE_DB, naming the call, the event and the file. */
enum poise_status store_unknown_event(const struct store *st, const char *call_id, int64_t seq,
				      struct poise_error *err);
void store_row_meta(sqlite3_stmt *s, struct call_meta *m);

/* store_write.c: rows for one call or event, inside an open transaction. */
/*
 * A call c (with s its sync_calls row, LEFT JOINed) has something the team
 * server lacks: never sent, new events, kept figures not sent, or a
 * follow-up whose done time changed since it was sent (store_sync.c, and
 * the step of store_schema.c that fills sync_dirty).
 */
#define SYNC_PENDING_COND                                                                          \
	"(s.call_id IS NULL OR c.last_seq > s.pushed_seq "                                         \
	"OR EXISTS (SELECT 1 FROM call_figures f WHERE f.call_id = c.id "                          \
	"AND f.last_seq <> s.figures_seq) "                                                        \
	"OR EXISTS (SELECT 1 FROM followups f LEFT JOIN sync_followups y ON y.followup_id = f.id " \
	"WHERE f.call_id = c.id AND f.done_at IS NOT y.done_at))"

/* Both return an SQLite code; a call or event already there is left alone. */
int store_write_call(struct store *st, const struct call_meta *meta, const char *pb_id,
		     const char *pb_version, const char *pb_hash, const char *text, size_t len);
int store_write_event(struct store *st, const char *call_id, const struct event *ev);
/* The followups, reflections or skips row an event implies (store_batch.c writes events apart). */
int store_write_helper_rows(struct store *st, const char *call_id, const struct event *ev);

/*
 * store_sidelog.c: a leaf (it calls only store_files.c). The next seq this
 * process knows for a call (*slot 0: not known yet); NULL: no memory.
 */
int64_t *store_seq_slot(struct store *st, const char *call_id);
enum poise_status sidelog_load(struct store *st, struct poise_error *err);
/*
 * Check a whole side log held in buf (NUL-terminated, changed in place):
 * count its entries and learn each call's next seq, writing nothing. The
 * parser the fuzz target tests/fuzz/fuzz_sidelog.c drives.
 */
enum poise_status sidelog_scan(struct store *st, char *buf, struct poise_error *err);
enum poise_status sidelog_add_call(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct poise_error *err);
int sidelog_call_events(struct store *st, const char *call_id, int64_t after, store_event_fn fn,
			void *ctx, enum poise_status *ps, struct poise_error *err);
enum poise_status sidelog_add_event(struct store *st, const char *call_id, struct event *ev,
				    struct poise_error *err);
/*
 * Where a replay puts the side log's entries (the writer, store_replay.c).
 * Each returns an SQLite code; event returns SQLITE_ABORT when it has
 * filled err itself (the replay then stops with POISE_IO, the log kept).
 */
struct sidelog_sink {
	int (*call)(void *ctx, const struct call_meta *meta, const char *pb_id,
		    const char *pb_version, const char *pb_hash, const char *text, size_t len);
	int (*event)(void *ctx, const char *call_id, const struct event *ev, size_t lineno,
		     struct poise_error *err);
	int (*commit)(void *ctx); /* after the last entry, before the log is emptied */
	void *ctx;
};
/*
 * Under the side log's lock: every entry to sink, then sink->commit, then
 * (committed) the log emptied. *rc: the SQLite code of a failed entry or
 * commit. The caller holds the database's write lock already.
 */
enum poise_status sidelog_replay(struct store *st, const struct sidelog_sink *sink, int *rc,
				 struct poise_error *err);
/*
 * During a replay, set an entry the database cannot take aside, as its line
 * (a call line's events after it follow it there): sidelog_replay writes
 * them to `<db>.quarantine` (0600) once the sink has committed, each line
 * once however often a replay is tried, and counts the file's lines in
 * st->quarantined. 0 when out of memory. sidelog_call_aside: whether the
 * replay set call_id's call line aside.
 */
int sidelog_quarantine(struct store *st, const char *call_id, const struct event *ev);
int sidelog_quarantine_call(struct store *st, const struct call_meta *meta, const char *pb_id,
			    const char *pb_version, const char *pb_hash, const char *text,
			    size_t len);
int sidelog_call_aside(const struct store *st, const char *call_id);
/*
 * What the side log says of calls while the database is locked: sidelog_meta
 * folds the entries waiting for m->id (past m->last_seq) into m's summary
 * (status, moods, outcome...); sidelog_calls gives (malloc'd, newest first)
 * every call that only the side log holds, its entries folded the same way;
 * sidelog_playbook_text the text a call line of the log keeps under hash
 * (POISE_NOT_FOUND when none).
 */
enum poise_status sidelog_meta(struct store *st, struct call_meta *m, struct poise_error *err);
enum poise_status sidelog_calls(struct store *st, struct call_meta **out, size_t *n,
				struct poise_error *err);
enum poise_status sidelog_playbook_text(struct store *st, const char *hash, char **text,
					size_t *len, struct poise_error *err);

/*
 * store_review_list.c: every call matching f (no keyset, no limit) in one
 * statement, the list's own query wrapped as prefix ... suffix, e.g.
 * "SELECT count(*) FROM (" ... ")". For review_count and review_sample.
 */
struct review_filter;
enum poise_status review_prepare_all(struct store *st, const struct review_filter *f,
				     const char *prefix, const char *suffix, sqlite3_stmt **s,
				     struct poise_error *err);
/* store_review_sample.c: the temporary table of the last sample, made when missing. */
#define REVIEW_SAMPLE_TABLE "review_sample"
enum poise_status review_sample_table(struct store *st, struct poise_error *err);

#endif
