/*
 * store_migrations.h - the schema as a list of migrations (store_schema.c).
 *
 * migrations[v] takes user_version v to v + 1. Also read at build time by
 * gen/schema_rows.c, which runs them in memory and writes the objects they
 * make as a C table, so that opening a file at the current version checks
 * its schema without running them again. Append new steps; never edit a
 * released one.
 */
#ifndef POISE_STORE_MIGRATIONS_H
#define POISE_STORE_MIGRATIONS_H

#include "poise/store.h"
#include "store_int.h"

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
/*
 * Every other typed text (schema 8): escalation reasons, promises,
 * reflections, review comments (row -reviews.id) and replies.
 */
#define TEXTS_FTS_TABLE                                                                            \
	"CREATE VIRTUAL TABLE texts_fts USING fts5 (\n"                                            \
	"	text, call_id UNINDEXED, tokenize = 'trigram')"
/* REPLIES_JOIN: how a reply names its review (by reviews.id until schema 11, by uuid since). */
#define TEXTS_FTS_FILL_AS(REPLIES_JOIN)                                                            \
	"INSERT INTO texts_fts (text, call_id)\n"                                                  \
	"	SELECT text, call_id FROM events WHERE kind IN ('escalate', 'followup', 'reflection')\n" \
	"		AND text IS NOT NULL;\n"                                                    \
	"INSERT INTO texts_fts (text, call_id)\n"                                                  \
	"	SELECT p.text, r.call_id FROM review_replies p JOIN reviews r ON " REPLIES_JOIN "\n"  \
	"		WHERE p.text <> '';\n"                                                      \
	"INSERT INTO texts_fts (rowid, text, call_id)\n"                                           \
	"	SELECT -id, comment, call_id FROM reviews WHERE comment <> ''"
/* `poise doctor` rebuilds the search of the current schema. */
#define TEXTS_FTS_FILL TEXTS_FTS_FILL_AS("r.uuid = p.review_id")
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
	/*
	 * 4 -> 5: a review is one review everywhere. Each gets a UUID (the
	 * server's id for it, kept when merged or synced, so merge and sync
	 * recognise it in any database) and synced, 0 while a change made
	 * here has not reached the server (a supervisor's review in the team
	 * mirror, pushed by sync). A review pulled before keeps its server id.
	 */
	"ALTER TABLE reviews ADD COLUMN uuid TEXT;\n"
	"ALTER TABLE reviews ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;\n"
	"UPDATE reviews SET synced = 1, uuid = (SELECT server_id FROM sync_reviews y\n"
	"	WHERE y.review_id = reviews.id) WHERE id IN (SELECT review_id FROM sync_reviews);\n"
	"UPDATE reviews SET uuid = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2)))\n"
	"	|| '-4' || substr(lower(hex(randomblob(2))), 2) || '-'\n"
	"	|| substr('89ab', 1 + abs(random()) % 4, 1) || substr(lower(hex(randomblob(2))), 2)\n"
	"	|| '-' || lower(hex(randomblob(6))) WHERE uuid IS NULL;\n"
	"CREATE UNIQUE INDEX reviews_uuid ON reviews (uuid);\n"
	"CREATE INDEX reviews_unsynced ON reviews (id) WHERE synced = 0;\n",
	/*
	 * 5 -> 6: sync finds what to send without scanning every call. A call
	 * is listed in sync_dirty when it is added, its last_seq moves, its
	 * kept figures are written or a follow-up of it is closed (triggers,
	 * so every writer feeds it); sync reads only these and takes a call
	 * off once the server has all of it (store_sync.c).
	 */
	"CREATE TABLE sync_dirty (\n"
	"	call_id TEXT PRIMARY KEY NOT NULL\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO sync_dirty SELECT c.id FROM calls c\n"
	"	LEFT JOIN sync_calls s ON s.call_id = c.id WHERE " SYNC_PENDING_COND ";\n"
	"CREATE TRIGGER sync_dirty_call AFTER INSERT ON calls BEGIN\n"
	"	INSERT OR IGNORE INTO sync_dirty VALUES (NEW.id); END;\n"
	"CREATE TRIGGER sync_dirty_seq AFTER UPDATE OF last_seq ON calls\n"
	"	WHEN NEW.last_seq IS NOT OLD.last_seq BEGIN\n"
	"	INSERT OR IGNORE INTO sync_dirty VALUES (NEW.id); END;\n"
	"CREATE TRIGGER sync_dirty_figures AFTER INSERT ON call_figures BEGIN\n"
	"	INSERT OR IGNORE INTO sync_dirty VALUES (NEW.call_id); END;\n"
	"CREATE TRIGGER sync_dirty_figures_update AFTER UPDATE ON call_figures BEGIN\n"
	"	INSERT OR IGNORE INTO sync_dirty VALUES (NEW.call_id); END;\n"
	"CREATE TRIGGER sync_dirty_done AFTER UPDATE OF done_at ON followups\n"
	"	WHEN NEW.done_at IS NOT OLD.done_at BEGIN\n"
	"	INSERT OR IGNORE INTO sync_dirty VALUES (NEW.call_id); END;\n",
	/*
	 * 6 -> 7: QA scores against a scorecard (store_score.c), and the
	 * agent's answer to a review (store_reply.c). One row per
	 * reviewer's scoring of a call, by UUID so it merges and syncs like a
	 * call; its answers carry their weight, scale and auto-fail, so the
	 * score reads back without the scorecard file. value NULL is N/A. The
	 * per-stage scores of schema 2 (review_scores) stay as they were.
	 * review_replies.review_id is the local reviews.id (not reviews.uuid):
	 * replies stay in this database and are not merged or synced yet.
	 */
	"CREATE TABLE qa_scores (\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	call_id TEXT NOT NULL REFERENCES calls (id),\n"
	"	reviewer TEXT NOT NULL,\n"
	"	scorecard_id TEXT NOT NULL,\n"
	"	scorecard_version TEXT NOT NULL,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL,\n"
	"	score INTEGER CHECK (score BETWEEN 0 AND 10000),\n"
	"	auto_failed INTEGER NOT NULL DEFAULT 0 CHECK (auto_failed IN (0, 1))\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX qa_scores_call ON qa_scores (call_id, reviewer, updated_at);\n"
	"CREATE TABLE qa_answers (\n"
	"	score_id TEXT NOT NULL REFERENCES qa_scores (id),\n"
	"	criterion TEXT NOT NULL,\n"
	"	weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),\n"
	"	scale INTEGER NOT NULL CHECK (scale IN (2, 5)),\n"
	"	auto_fail INTEGER NOT NULL DEFAULT 0 CHECK (auto_fail IN (0, 1)),\n"
	"	value INTEGER CHECK (value BETWEEN 0 AND 5),\n"
	"	PRIMARY KEY (score_id, criterion)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE review_replies (\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	review_id INTEGER NOT NULL REFERENCES reviews (id),\n"
	"	agent TEXT NOT NULL,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'dispute')),\n"
	"	text TEXT NOT NULL DEFAULT ''\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX review_replies_review ON review_replies (review_id, created_at);\n",
	/*
	 * 7 -> 8: a note is indexed for search when its call ends, not in the
	 * event's own transaction (FTS5 wrote a segment per note: most of a
	 * NOTE's append). notes_pending lists the calls whose notes after seq
	 * are not in notes_fts yet: every call from its insert, a resumed call
	 * from the seq it was closed at. A call that ends (done or
	 * interrupted) has its pending notes indexed by the same UPDATE that
	 * closes it; a batch inserts calls already closed and indexes them
	 * at its commit (STORE_NOTES_INDEX_ENDED). The review search reads the
	 * pending calls' notes from events, so a call still open, or killed
	 * and never resumed, is found as before.
	 */
	"DROP TRIGGER IF EXISTS events_note_fts;\n" /* a missing trigger is let be */
	"CREATE TABLE notes_pending (\n"
	"	call_id TEXT PRIMARY KEY NOT NULL,\n"
	"	seq INTEGER NOT NULL\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO notes_pending SELECT id, last_seq FROM calls WHERE status = 'open';\n"
	"CREATE TRIGGER notes_pending_call AFTER INSERT ON calls BEGIN\n"
	"	INSERT OR IGNORE INTO notes_pending VALUES (NEW.id, 0); END;\n"
	"CREATE TRIGGER notes_pending_resume AFTER UPDATE OF status ON calls\n"
	"	WHEN NEW.status = 'open' AND OLD.status <> 'open' BEGIN\n"
	"	INSERT OR IGNORE INTO notes_pending VALUES (NEW.id, OLD.last_seq); END;\n"
	"CREATE TRIGGER notes_index_end AFTER UPDATE OF status ON calls\n"
	"	WHEN NEW.status <> 'open' BEGIN\n"
	"	INSERT INTO notes_fts (text, call_id, seq)\n"
	"		SELECT e.text, e.call_id, e.seq FROM notes_pending p JOIN events e\n"
	"		ON e.call_id = p.call_id AND e.seq > p.seq\n"
	"		WHERE p.call_id = NEW.id AND e.kind = 'note' AND e.text IS NOT NULL\n"
	"		ORDER BY e.seq;\n"
	"	DELETE FROM notes_pending WHERE call_id = NEW.id; END;\n",
	/*
	 * 8 -> 9: rehearsals (`poise rehearse`). practice is the id of the
	 * scenario a rehearsal played, NULL for a real call: reports leave
	 * practice calls out, review lists them only when asked, and
	 * `report --practice` reports on them alone. The partial index finds
	 * them newest first without walking the real calls.
	 */
	"ALTER TABLE calls ADD COLUMN practice TEXT;\n"
	"CREATE INDEX calls_practice ON calls (started_at, id) WHERE practice IS NOT NULL;\n",
	/*
	 * 9 -> 10: finding any call (store_review_list.c). The other typed
	 * texts searchable beside the notes (texts_fts, trigram like
	 * notes_fts): escalation reasons, promises, reflections, review
	 * comments and the agent's replies, each kept by a trigger so every
	 * writer (the call, merge, sync) feeds it. A review's comment is its
	 * row -id, so a changed comment replaces the old one. The reference
	 * and the status get an index ending in (started_at, id), as every
	 * review filter has.
	 */
	TEXTS_FTS_TABLE ";\n" TEXTS_FTS_FILL_AS("r.id = p.review_id") ";\n"
	"CREATE TRIGGER events_text_fts AFTER INSERT ON events\n"
	"WHEN new.kind IN ('escalate', 'followup', 'reflection') AND new.text IS NOT NULL BEGIN\n"
	"	INSERT INTO texts_fts (text, call_id) VALUES (new.text, new.call_id);\n"
	"END;\n"
	"CREATE TRIGGER reviews_text_fts AFTER INSERT ON reviews\n"
	"WHEN new.comment <> '' BEGIN\n"
	"	INSERT INTO texts_fts (rowid, text, call_id) VALUES (-new.id, new.comment, new.call_id);\n"
	"END;\n"
	"CREATE TRIGGER reviews_text_fts_update AFTER UPDATE OF comment ON reviews BEGIN\n"
	"	DELETE FROM texts_fts WHERE rowid = -old.id;\n"
	"	INSERT INTO texts_fts (rowid, text, call_id) SELECT -new.id, new.comment, new.call_id\n"
	"		WHERE new.comment <> '';\n"
	"END;\n"
	"CREATE TRIGGER replies_text_fts AFTER INSERT ON review_replies\n"
	"WHEN new.text <> '' BEGIN\n"
	"	INSERT INTO texts_fts (text, call_id) SELECT new.text, r.call_id FROM reviews r\n"
	"		WHERE r.id = new.review_id;\n"
	"END;\n"
	"CREATE INDEX calls_review_ref ON calls (customer_ref, started_at, id);\n"
	"CREATE INDEX calls_review_status ON calls (status, started_at, id);\n",
	/*
	 * 10 -> 11: the QA loop merges and syncs (merge.c, team_sync.c). A
	 * reply names its review by reviews.uuid, the review's id in every
	 * database and on the server (a reply whose review is gone is not
	 * kept: none can be, the key is enforced); its search trigger follows.
	 * Replies and QA scores carry synced, 0 while the server lacks this
	 * row as it is here (an agent's sync sends replies, a supervisor's
	 * mirror sends scores), as reviews do since schema 5. A review carries
	 * updated_at, when it was last saved (NULL: never edited, created_at
	 * stands), so the later edit wins in merge and sync.
	 */
	"ALTER TABLE reviews ADD COLUMN updated_at INTEGER;\n"
	"ALTER TABLE qa_scores ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;\n"
	"CREATE INDEX qa_scores_unsynced ON qa_scores (id) WHERE synced = 0;\n"
	"CREATE TEMP TABLE replies_10 AS SELECT p.id, r.uuid AS review_id, p.agent,\n"
	"	p.created_at, p.kind, p.text FROM review_replies p JOIN reviews r ON r.id = p.review_id\n"
	"	WHERE r.uuid IS NOT NULL;\n"
	"DROP TABLE review_replies;\n"
	"CREATE TABLE review_replies (\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	review_id TEXT NOT NULL REFERENCES reviews (uuid),\n"
	"	agent TEXT NOT NULL,\n"
	"	created_at INTEGER NOT NULL,\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('ack', 'reply', 'dispute')),\n"
	"	text TEXT NOT NULL DEFAULT '',\n"
	"	synced INTEGER NOT NULL DEFAULT 0\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO review_replies (id, review_id, agent, created_at, kind, text)\n"
	"	SELECT id, review_id, agent, created_at, kind, text FROM temp.replies_10;\n"
	"DROP TABLE temp.replies_10;\n"
	"CREATE INDEX review_replies_review ON review_replies (review_id, created_at);\n"
	"CREATE INDEX review_replies_unsynced ON review_replies (id) WHERE synced = 0;\n"
	"CREATE TRIGGER replies_text_fts AFTER INSERT ON review_replies\n"
	"WHEN new.text <> '' BEGIN\n"
	"	INSERT INTO texts_fts (text, call_id) SELECT new.text, r.call_id FROM reviews r\n"
	"		WHERE r.uuid = new.review_id;\n"
	"END;\n",
	/*
	 * 11 -> 12: a --server command finds the follow-ups closed here and not
	 * yet sent (store_sync_unsent_closed) without reading every closed one.
	 * A follow-up is listed in sync_closed when it is written or updated
	 * closed, and taken off when sync_followups records its done time as
	 * sent (pushed, or pulled from the server), so the list holds only the
	 * few waiting.
	 */
	"CREATE TABLE sync_closed (\n"
	"	followup_id INTEGER PRIMARY KEY\n"
	");\n"
	"INSERT INTO sync_closed SELECT f.id FROM followups f\n"
	"	LEFT JOIN sync_followups y ON y.followup_id = f.id\n"
	"	WHERE f.done_at IS NOT NULL AND f.done_at IS NOT y.done_at;\n"
	"CREATE TRIGGER sync_closed_insert AFTER INSERT ON followups\n"
	"	WHEN NEW.done_at IS NOT NULL BEGIN\n"
	"	INSERT OR IGNORE INTO sync_closed VALUES (NEW.id); END;\n"
	"CREATE TRIGGER sync_closed_done AFTER UPDATE OF done_at ON followups\n"
	"	WHEN NEW.done_at IS NOT NULL AND NEW.done_at IS NOT OLD.done_at BEGIN\n"
	"	INSERT OR IGNORE INTO sync_closed VALUES (NEW.id); END;\n"
	"CREATE TRIGGER sync_closed_sent AFTER INSERT ON sync_followups BEGIN\n"
	"	DELETE FROM sync_closed WHERE followup_id = NEW.followup_id\n"
	"		AND NEW.done_at IS (SELECT done_at FROM followups WHERE id = NEW.followup_id);\n"
	"	END;\n",
	/*
	 * 12 -> 13: the per-event cost. events_text_fts's WHEN of schema 10,
	 * `new.kind IN (three names)`, built a throwaway index of the three
	 * names for every event written (SQLite makes one for an IN list of
	 * more than two constants), about a third of a MOOD append's
	 * instructions. The same test as plain comparisons, the text first
	 * (most events have none), builds nothing.
	 */
	"DROP TRIGGER IF EXISTS events_text_fts;\n"
	"CREATE TRIGGER events_text_fts AFTER INSERT ON events\n"
	"WHEN new.text IS NOT NULL AND (new.kind = 'escalate' OR new.kind = 'followup'\n"
	"	OR new.kind = 'reflection') BEGIN\n"
	"	INSERT INTO texts_fts (text, call_id) VALUES (new.text, new.call_id);\n"
	"END;\n",
	/*
	 * 13 -> 14: start-up. SQLite parses every trigger in the schema when a
	 * connection first prepares, and codes a table's triggers into every
	 * statement that writes it: the eight on calls, events and
	 * call_figures were a third of the schema's parse at each start and
	 * were coded into the call's first statements. The store's writers,
	 * the only code that writes those tables, now do the same work with
	 * statements of their own
	 * (store_derive.c): sync_dirty marked for a new call, an event, kept
	 * figures or a follow-up closed; notes_pending for a new or resumed
	 * call; a call's pending notes into notes_fts when it ends; escalation
	 * reasons, promises, reflections, review comments and replies into
	 * texts_fts; sync_closed for a follow-up closed here until its done
	 * time is sent. The other seven triggers go with them: every trigger
	 * is parsed at every start, whatever table it is on.
	 */
	"DROP TRIGGER IF EXISTS sync_dirty_call;\n"
	"DROP TRIGGER IF EXISTS sync_dirty_seq;\n"
	"DROP TRIGGER IF EXISTS sync_dirty_figures;\n"
	"DROP TRIGGER IF EXISTS sync_dirty_figures_update;\n"
	"DROP TRIGGER IF EXISTS notes_pending_call;\n"
	"DROP TRIGGER IF EXISTS notes_pending_resume;\n"
	"DROP TRIGGER IF EXISTS notes_index_end;\n"
	"DROP TRIGGER IF EXISTS events_text_fts;\n"
	"DROP TRIGGER IF EXISTS sync_dirty_done;\n"
	"DROP TRIGGER IF EXISTS sync_closed_insert;\n"
	"DROP TRIGGER IF EXISTS sync_closed_done;\n"
	"DROP TRIGGER IF EXISTS sync_closed_sent;\n"
	"DROP TRIGGER IF EXISTS reviews_text_fts;\n"
	"DROP TRIGGER IF EXISTS reviews_text_fts_update;\n"
	"DROP TRIGGER IF EXISTS replies_text_fts;\n",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

#endif
