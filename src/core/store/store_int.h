/*
 * store_int.h - what the store_*.c files share and nobody else sees.
 *
 * store.c opens and closes, maps SQLite errors and holds the prepared
 * statements; store_schema.c checks and migrates the file; store_write.c
 * turns an event into rows; store_sidelog.c keeps events while the database
 * is locked, and store_write.c (the writer) puts them into the database once
 * it can (store_flush); store_read.c reads calls and events back.
 *
 * Who calls whom, with no loop (store.c aside: every file may use its
 * errors and statements, and opening and closing use the others):
 * store_files.c and store_summary.c (pure) are leaves; store_sidelog.c
 * calls only those two; store_write.c writes (through the side log when
 * locked, and replays it); store_read.c reads (and the side log's waiting
 * events), never the writer. Stage, section and event kind names come from
 * their one table each (playbook.h, event.h), never from the writer.
 * tests/structure/check_symbols.sh checks this graph on the built objects.
 *
 * Nothing outside src/core/store/ includes this header (tests and fuzz
 * targets of the store excepted); tests/structure/check_boundary.sh checks it.
 */
#ifndef POISE_STORE_INT_H
#define POISE_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "poise/store.h"
#include "poise/store_scan.h"
#include "poise/store_sync.h"

#define STORE_BUSY_MS 200 /* short: the call screen must never freeze */

#define STORE_META_COLS                                                                            \
	"id, agent, customer, customer_ref, playbook_id, playbook_version, "                       \
	"playbook_hash, started_at, ended_at, status, outcome, cause, "                            \
	"mood_start, mood_end, wrapup_at, last_seq, practice"
/* The same from a database older than schema 9 (a merge source): no rehearsals. */
#define STORE_META_COLS_V7                                                                         \
	"id, agent, customer, customer_ref, playbook_id, playbook_version, "                       \
	"playbook_hash, started_at, ended_at, status, outcome, cause, "                            \
	"mood_start, mood_end, wrapup_at, last_seq, NULL"

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

/*
 * An event's summary UPDATE of its calls row moves last_seq too (?9, the
 * event's seq): one statement and one rewrite of the row per event, not two.
 */
#define STORE_SEQ_SET "last_seq = max(last_seq, ?9), "

/*
 * The pending notes (schema 8) of every call that is no longer open, into
 * the note search, and those calls off the list: a batch's calls arrive
 * closed, so the UPDATE that indexes a call as it closes never sees them.
 */
#define STORE_NOTES_INDEX_ENDED                                                                    \
	"INSERT INTO notes_fts (text, call_id, seq)\n"                                            \
	"	SELECT e.text, e.call_id, e.seq FROM notes_pending p\n"                           \
	"	JOIN calls c ON c.id = p.call_id AND c.status <> 'open'\n"                        \
	"	JOIN events e ON e.call_id = p.call_id AND e.seq > p.seq\n"                       \
	"	WHERE e.kind = 'note' AND e.text IS NOT NULL ORDER BY p.call_id, e.seq;\n"        \
	"DELETE FROM notes_pending WHERE (SELECT status FROM calls c\n"                           \
	"	WHERE c.id = notes_pending.call_id) IS NOT 'open'"

/* X(name, sql): every statement, prepared once per store on first use (store.c). */
#define STORE_STMT_LIST(X)                                                                         \
	X(BEGIN, "BEGIN IMMEDIATE")                                                                \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(INS_TEXT, "INSERT OR IGNORE INTO playbook_texts (hash, id, version, text) "              \
		    "VALUES (?1, ?2, ?3, ?4)")                                                     \
	X(INS_CALL, "INSERT OR IGNORE INTO calls (id, agent, customer, customer_ref, "             \
		    "playbook_id, playbook_version, playbook_hash, started_at, practice, "         \
		    "last_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, nullif(?9, ''), "           \
		    "coalesce(?10, 0))")                                                           \
	X(INS_CALL_DONE, "INSERT OR IGNORE INTO calls (" STORE_META_COLS ") VALUES (?1, ?2, ?3, "  \
			 "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "             \
			 "nullif(?17, ''))")                                                       \
	X(LAST_SEQ, "SELECT last_seq FROM calls WHERE id = ?1")                                    \
	X(INS_EVENT, "INSERT OR IGNORE INTO events (call_id, seq, t, kind, stage, a, b, text) "    \
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                                    \
	X(UPD_SEQ, "UPDATE calls SET last_seq = max(last_seq, ?9) WHERE id = ?1")                  \
	X(UPD_MOOD, "UPDATE calls SET " STORE_SEQ_SET "mood_start = ?6, mood_end = ?7 WHERE id = ?1") \
	X(UPD_WRAPUP, "UPDATE calls SET " STORE_SEQ_SET "wrapup_at = ?8 WHERE id = ?1")            \
	X(UPD_OUTCOME, "UPDATE calls SET " STORE_SEQ_SET "outcome = ?4 WHERE id = ?1")             \
	X(UPD_CAUSE, "UPDATE calls SET " STORE_SEQ_SET "cause = ?5 WHERE id = ?1")                 \
	X(UPD_UNDONE, "UPDATE calls SET " STORE_SEQ_SET                                            \
		      "mood_start = ?6, mood_end = ?7, wrapup_at = ?8 WHERE id = ?1")              \
	X(UPD_STATUS,                                                                              \
	  "UPDATE calls SET " STORE_SEQ_SET "status = ?2, ended_at = ?3 WHERE id = ?1")            \
	X(SUMMARY, "SELECT last_seq, mood_start, mood_end, wrapup_at FROM calls WHERE id = ?1")    \
	X(DEL_SKIP, "DELETE FROM skips WHERE call_id = ?1 AND seq = ?2")                           \
	X(INS_FOLLOWUP, "INSERT INTO followups (call_id, seq, due, channel, promise) "             \
			"VALUES (?1, ?2, ?3, ?4, ?5)")                                             \
	X(INS_REFLECTION, "INSERT INTO reflections (call_id, seq, went_well, improve) "            \
			  "VALUES (?1, ?2, ?3, ?4)")                                               \
	X(INS_SKIP, "INSERT INTO skips (call_id, seq, stage, section, item, reason) "              \
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                             \
	X(META_RANGE, "SELECT " STORE_META_COLS " FROM calls "                                     \
		      "WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2")                            \
	X(OPEN_CALL, "SELECT " STORE_META_COLS " FROM calls "                                      \
		     "WHERE status = 'open' AND agent = ?1 AND practice IS NULL "                  \
		     "ORDER BY started_at DESC, id DESC")                                          \
	X(OPEN_PRACTICE, "SELECT " STORE_META_COLS " FROM calls "                                  \
			 "WHERE status = 'open' AND agent = ?1 AND practice IS NOT NULL "          \
			 "ORDER BY started_at DESC, id DESC")                                      \
	X(EACH_CALL, "SELECT " STORE_META_COLS " FROM calls "                                      \
		     "WHERE started_at >= ?1 AND started_at <= ?2 ORDER BY started_at, id")        \
	X(EACH_CALL_V7, "SELECT " STORE_META_COLS_V7 " FROM calls "                                \
			"WHERE started_at >= ?1 AND started_at <= ?2 ORDER BY started_at, id")     \
	X(EVENTS, "SELECT seq, t, kind, stage, a, b, text FROM events "                            \
		  "WHERE call_id = ?1 ORDER BY seq")                                               \
	X(PB_TEXT, "SELECT text FROM playbook_texts WHERE hash = ?1")                             \
	STORE_DERIVED_LIST(X)

/*
 * The rows a write implies beyond its own (store_derive.c; triggers until
 * schema 14), each prepared on first use like the rest:
 * - SYNC_MARK: the call has something sync may not have sent (sync_dirty,
 *   schema 6): a new call, an event, kept figures, a follow-up closed.
 * - NOTES_NEW, NOTES_REOPEN: the call's notes after seq wait for the search
 *   (notes_pending, schema 8): a new call from 0, a call resumed from the
 *   last_seq it was closed at (run before the status changes).
 * - NOTES_INDEX, NOTES_DONE: a call that ends has its waiting notes indexed
 *   and leaves the list.
 * - TEXT_INDEX: an escalation reason, promise or reflection into texts_fts
 *   (schema 10; store_text_indexed() says which).
 * - FOLLOWUP_ID, FOLLOWUP_CLOSED, FOLLOWUP_MARK: a follow-up closed here
 *   waits in sync_closed (schema 12) until its done time is sent, and its
 *   call is marked; CLOSED_SENT takes it off once sync_followups records
 *   that done time as sent.
 * - REVIEW_TEXT_OFF, REVIEW_TEXT: a review's comment as row -id of
 *   texts_fts, replaced when it changes; REPLY_TEXT: a reply's text.
 */
/*
 * The next positive rowid of texts_fts, for the texts the store numbers
 * itself: given, not left to SQLite, which counts on from the largest
 * rowid, a comment's negative -reviews.id when comments are all there is,
 * and so would take the row of a review whose first comment comes later
 * (and deletes it). The largest is read from the table's FTS5 content
 * table, whose id is the rowid: a seek to its end.
 */
#define TEXTS_FTS_NEXT "max(coalesce((SELECT max(id) FROM texts_fts_content), 0), 0) + 1"
#define STORE_DERIVED_LIST(X)                                                                      \
	X(SYNC_MARK, "INSERT OR IGNORE INTO sync_dirty VALUES (?1)")                               \
	X(NOTES_NEW, "INSERT OR IGNORE INTO notes_pending VALUES (?1, 0)")                         \
	X(NOTES_REOPEN, "INSERT OR IGNORE INTO notes_pending SELECT id, last_seq FROM calls "      \
			"WHERE id = ?1 AND status <> 'open'")                                      \
	X(NOTES_INDEX, "INSERT INTO notes_fts (text, call_id, seq) "                               \
		       "SELECT e.text, e.call_id, e.seq FROM notes_pending p JOIN events e "       \
		       "ON e.call_id = p.call_id AND e.seq > p.seq WHERE p.call_id = ?1 "         \
		       "AND e.kind = 'note' AND e.text IS NOT NULL ORDER BY e.seq")               \
	X(NOTES_DONE, "DELETE FROM notes_pending WHERE call_id = ?1")                              \
	X(TEXT_INDEX, "INSERT INTO texts_fts (rowid, text, call_id) VALUES (" TEXTS_FTS_NEXT      \
		      ", ?2, ?1)")                                                                 \
	X(FOLLOWUP_ID, "SELECT id FROM followups WHERE call_id = ?1 AND seq = ?2")                 \
	X(FOLLOWUP_CLOSED, "INSERT OR IGNORE INTO sync_closed SELECT id FROM followups "           \
			   "WHERE id = ?1 AND done_at IS NOT NULL")                                \
	X(FOLLOWUP_MARK, "INSERT OR IGNORE INTO sync_dirty SELECT call_id FROM followups "         \
			 "WHERE id = ?1")                                                          \
	X(CLOSED_SENT, "DELETE FROM sync_closed WHERE followup_id = ?1 AND (SELECT done_at "      \
		       "FROM sync_followups WHERE followup_id = ?1) IS (SELECT done_at "          \
		       "FROM followups WHERE id = ?1)")                                           \
	X(REVIEW_TEXT_OFF, "DELETE FROM texts_fts WHERE rowid = -?1")                              \
	X(REVIEW_TEXT, "INSERT INTO texts_fts (rowid, text, call_id) SELECT -id, comment, "       \
		       "call_id FROM reviews WHERE id = ?1 AND comment <> ''")                    \
	X(REPLY_TEXT, "INSERT INTO texts_fts (rowid, text, call_id) SELECT " TEXTS_FTS_NEXT        \
		      ", p.text, r.call_id "                                                       \
		      "FROM review_replies p JOIN reviews r ON r.uuid = p.review_id "             \
		      "WHERE p.id = ?1 AND p.text <> ''")

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
	char call_id[FIELD_CALL_ID_SIZE];
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
	int held;	/* a new call's transaction waits for its COMMIT (store_call_settle) */
	struct stat file_id; /* the database file looked at before SQLite opened it */
	char *rescue_path;   /* store_rescue: where the copy goes, once the file moved */
	struct stat rescued; /* that copy's file, and what was written when it was made */
	sqlite3_int64 rescued_changes;
	int shm_fd; /* -1, or <db>-shm as looked at before an upgrade (store_schema.c) */
};

/* store.c */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id); /* reset, unbound */
int store_step_done(struct store *st, enum store_stmt id);	/* run, SQLITE_DONE -> OK */
int store_rc_busy(int rc);
/*
 * Run sql, an UPDATE that stamps time t (?2) on the row whose id is ?1 (a
 * follow-up done, a comment acknowledged): SQLITE_OK or SQLite's error.
 */
int store_stamp(struct store *st, const char *sql, int64_t id, int64_t t);
/*
 * Step s (bound) over its rows, row(ctx, s) for each, until row returns
 * nonzero: SQLITE_DONE when every row was seen or row stopped, otherwise the
 * failed step's code. s is left for the caller to reset or finalize.
 */
int store_each_row(sqlite3_stmt *s, int (*row)(void *ctx, sqlite3_stmt *s), void *ctx);
/* A caller's callback and its context, carried through store_each_row to a row function. */
struct store_rows {
	union {
		sync_call_fn sync_call;
		sync_followup_fn sync_followup;
		scan_call_fn scan_call;
		scan_followup_fn scan_followup;
	} fn;
	void *ctx;
};
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
 * followup.c: a follow-up as every list reads it (`poise followups`, the
 * ready screen): STORE_FOLLOWUP_SELECT, then the WHERE; each row into f
 * with store_followup_row.
 */
#define STORE_FOLLOWUP_SELECT                                                                      \
	"SELECT f.id, f.seq, f.call_id, coalesce(f.due, ''), f.channel, f.promise, c.customer, "   \
	"c.agent FROM followups f JOIN calls c ON c.id = f.call_id "
struct followup;
void store_followup_row(sqlite3_stmt *s, struct followup *f);
/* Whether sql (one text parameter, key) returns a row; 1 on error too (nothing is hidden). */
int store_exists(struct store *st, const char *sql, const char *key);
/*
 * An events row selected as (seq, t, kind, stage, a, b, text): 0 when its
 * kind or stage is unknown (a newer poise). ev->text lives until the next step.
 */
int store_row_event(sqlite3_stmt *s, struct event *ev);
/* The error for such a row: POISE_DB, naming the call, the event and the file. */
enum poise_status store_unknown_event(const struct store *st, const char *call_id, int64_t seq,
				      struct poise_error *err);
void store_row_meta(sqlite3_stmt *s, struct call_meta *m);
/* The file's schema version (PRAGMA user_version); 0 when it cannot be read. */
long store_user_version(struct store *st);

/*
 * store_summary.c: the calls row's summary columns (status, ended_at,
 * outcome, cause, mood_start, mood_end, wrapup_at, last_seq) as a fold of
 * the call's events, with no I/O; the live and the batch writer both
 * write what it gives. Texts point into the events folded.
 */
struct store_summary {
	const char *status;	     /* "open", "done", "interrupted" */
	int64_t ended;		     /* 0: NULL */
	const char *outcome, *cause; /* the last given, NULL included */
	int mood_start, mood_end;    /* 0: NULL; moods taken back left out */
	int64_t wrapup_at;	     /* the first kept WRAPUP's time */
	int have_wrapup;
	int64_t last_seq;
};
/* Which columns a step can change (besides last_seq). */
enum {
	SUMMARY_MOOD = 1,    /* mood_start, mood_end */
	SUMMARY_WRAPUP = 2,  /* wrapup_at */
	SUMMARY_OUTCOME = 4, /* outcome */
	SUMMARY_CAUSE = 8,   /* cause */
	SUMMARY_STATUS = 16, /* status, ended_at */
};
void store_summary_init(struct store_summary *sm);
/* The columns an event of this kind changes; an UNDO, those it refolds. */
unsigned store_summary_touches(enum event_kind kind);
/*
 * One event, in seq order, onto sm: the columns it changed. undone: a
 * later UNDO takes it back. An UNDO itself changes nothing here: a fold
 * sees it through the events before it.
 */
unsigned store_summary_step(struct store_summary *sm, const struct event *e, int undone);
/* A whole call, ev[0..n) in seq order with their seqs set. */
void store_summary_fold(struct store_summary *sm, const struct event *ev, size_t n);

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

/*
 * store_sync.c's statements that look at many calls, here so a test can
 * check their plans: each reads sync_dirty first, never every call.
 */
enum { SYNC_SQL_PENDING, SYNC_SQL_COUNT, SYNC_SQL_OTHERS, SYNC_SQL_TIDY, SYNC_SQL_COUNT_ };
extern const char *const store_sync_sql[SYNC_SQL_COUNT_];

/* Both return an SQLite code; a call or event already there is left alone. */
int store_write_call(struct store *st, const struct call_meta *meta, const char *pb_id,
		     const char *pb_version, const char *pb_hash, const char *text, size_t len,
		     int *added);
int store_write_event(struct store *st, const char *call_id, const struct event *ev);
/*
 * store_derive.c: the rows a write implies (STORE_DERIVED_LIST), each
 * returning an SQLite code. store_derive() runs statement id with call_id
 * as ?1 and text (unless NULL) as ?2; store_text_indexed(): whether an
 * event's text goes into texts_fts. The rest are named for the write they
 * follow, in its transaction.
 */
int store_derive(struct store *st, enum store_stmt id, const char *call_id, const char *text);
int store_text_indexed(enum event_kind kind, const char *text);
int store_call_added(struct store *st, const char *call_id);
int store_followup_closed(struct store *st, int64_t id);		      /* by followups.id */
int store_followup_closed_at(struct store *st, const char *call_id, int64_t seq); /* by key */
int store_followup_sent(struct store *st, int64_t id); /* its sync_followups row written */
int store_review_text(struct store *st, int64_t review_id); /* inserted, or comment set */
int store_reply_text(struct store *st, const char *reply_id); /* inserted */
/* The followups, reflections or skips row an event implies (store_batch.c writes events apart). */
int store_write_helper_rows(struct store *st, const char *call_id, const struct event *ev);

/*
 * store_sidelog.c: a leaf (it calls only store_files.c and store_summary_step). The next seq this
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
 * Where a replay puts the side log's entries (the writer, store_write.c).
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
/*
 * The temporary table of the last sample: made when missing by
 * review_sample_table() (store_review_list.c, whose sampled filter reads it),
 * filled by store_review_sample.c.
 */
#define REVIEW_SAMPLE_TABLE "review_sample"
enum poise_status review_sample_table(struct store *st, struct poise_error *err);

/*
 * store_bind.c: a statement's parameters bound from one list of typed
 * values, in order from parameter first:
 *   STORE_BIND(s, 1, SV_TEXT(m->id), SV_INT(m->started), SV_INT_OR_NULL(sm->ended));
 * A NULL text binds SQL NULL; texts are SQLITE_STATIC (they outlive the step).
 */
enum store_val_type { STORE_VAL_NULL, STORE_VAL_TEXT, STORE_VAL_INT };
struct store_val {
	enum store_val_type type;
	const char *text;
	int len; /* of text; -1: up to its NUL */
	int64_t i;
};
#define SV_NULL ((struct store_val){STORE_VAL_NULL, NULL, 0, 0})
#define SV_TEXT(v) ((struct store_val){STORE_VAL_TEXT, (v), -1, 0})
#define SV_TEXT_N(v, n) ((struct store_val){STORE_VAL_TEXT, (v), (int)(n), 0})
#define SV_INT(v) ((struct store_val){STORE_VAL_INT, NULL, 0, (int64_t)(v)})
#define SV_INT_OR_NULL(v) ((v) ? SV_INT(v) : SV_NULL) /* 0 stands for "none" */
#define STORE_VALS(...) (const struct store_val[]){__VA_ARGS__}
#define STORE_NVALS(...) (sizeof(STORE_VALS(__VA_ARGS__)) / sizeof(struct store_val))
#define STORE_BIND(s, first, ...)                                                                  \
	store_bind((s), (first), STORE_VALS(__VA_ARGS__), STORE_NVALS(__VA_ARGS__))
void store_bind(sqlite3_stmt *s, int first, const struct store_val *v, size_t n);
/*
 * The first column of the first row of sql, its parameters ?1.. bound from
 * v[0..n), as an int; dflt when sql cannot be prepared or gives no row.
 */
int store_query_int(struct store *st, const char *sql, const struct store_val *v, size_t n,
		    int dflt);
#define STORE_QUERY_INT(st, sql, dflt, ...)                                                        \
	store_query_int((st), (sql), STORE_VALS(__VA_ARGS__), STORE_NVALS(__VA_ARGS__), (dflt))

#endif
