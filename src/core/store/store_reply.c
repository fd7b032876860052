/*
 * store_reply.c - the agent's acknowledgement, reply or dispute of a
 * review (review_replies). See store_reply.h.
 */
#include "poise/store_reply.h"

#include <string.h>

#include "store_int.h"

static const char *const kind_keys[] = {
#define KEY(name, key, verb) key,
	REPLY_KIND_LIST(KEY)
#undef KEY
};
static const char *const kind_verbs[] = {
#define VERB(name, key, verb) verb,
	REPLY_KIND_LIST(VERB)
#undef VERB
};

const char *reply_kind_key(enum reply_kind k)
{
	return k >= 0 && k < REPLY_COUNT ? kind_keys[k] : "";
}

const char *reply_kind_verb(enum reply_kind k)
{
	return k >= 0 && k < REPLY_COUNT ? kind_verbs[k] : "";
}

enum poise_status store_reply_add(struct store *st, struct review_reply *r, int64_t now,
				  struct poise_error *err)
{
	static const char sql[] = "INSERT INTO review_replies (id, review_id, agent, created_at, "
				  "kind, text) SELECT ?1, uuid, ?3, ?4, ?5, ?6 FROM reviews "
				  "WHERE id = ?2 AND uuid IS NOT NULL";
	sqlite3_stmt *s = NULL;
	enum poise_status ps;
	int rc;

	if (r->kind < 0 || r->kind >= REPLY_COUNT || (r->kind == REPLY_ACK) != !r->text[0])
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "a reply or dispute needs a line of text; an "
				       "acknowledgement takes none");
	if ((ps = store_new_uuid(r->id, now, err)) != POISE_OK)
		return ps;
	r->created_at = now;
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, r->review_id);
		sqlite3_bind_text(s, 3, r->agent, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, now);
		sqlite3_bind_text(s, 5, kind_keys[r->kind], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, r->text, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	if (rc == SQLITE_OK && sqlite3_changes(st->db) == 0)
		rc = SQLITE_CONSTRAINT; /* no such review */
	sqlite3_finalize(s);
	if (rc == SQLITE_OK)
		rc = store_reply_text(st, r->id);
	if (rc == SQLITE_OK)
		return POISE_OK;
	r->id[0] = '\0';
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "cannot save the reply: no review %lld in database '%s'",
				       (long long)r->review_id, st->path);
	return store_fail(st, rc, "save the reply", err);
}

int reply_kind_from_key(const char *key)
{
	for (int k = 0; key && k < REPLY_COUNT; k++)
		if (!strcmp(key, kind_keys[k]))
			return k;
	return -1;
}

static void read_reply(sqlite3_stmt *s, struct review_reply *r)
{
	int kind = reply_kind_from_key(store_col_text(s, 4));

	store_col_copy(s, 0, r->id, sizeof(r->id));
	store_col_copy(s, 1, r->review_uuid, sizeof(r->review_uuid));
	store_col_copy(s, 2, r->agent, sizeof(r->agent));
	r->created_at = store_clamp_time(sqlite3_column_int64(s, 3));
	r->kind = kind < 0 ? REPLY_REPLY : (enum reply_kind)kind;
	store_col_copy(s, 5, r->text, sizeof(r->text));
}

#define REPLY_COLS "id, review_id, agent, created_at, kind, text"

/* Each reply sql selects (REPLY_COLS, ?1 bound to key, or to id when key is NULL) to fn. */
static enum poise_status each(struct store *st, const char *sql, const char *key, int64_t id,
			      store_reply_fn fn, void *ctx, const char *what,
			      struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	struct review_reply r;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		if (key)
			sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(s, 1, id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			memset(&r, 0, sizeof(r));
			read_reply(s, &r);
			r.review_id = id;
			if (fn(ctx, &r)) {
				rc = SQLITE_DONE;
				break;
			}
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? POISE_OK : store_fail(st, rc, what, err);
}

enum poise_status store_reply_each(struct store *st, int64_t review_id, store_reply_fn fn,
				   void *ctx, struct poise_error *err)
{
	return each(st,
		    "SELECT " REPLY_COLS " FROM review_replies "
		    "WHERE review_id = (SELECT uuid FROM reviews WHERE id = ?1) "
		    "ORDER BY created_at, id",
		    NULL, review_id, fn, ctx, "read the replies", err);
}

enum poise_status store_reply_put(struct store *st, const struct review_reply *r, int synced,
				  int *applied, struct poise_error *err)
{
	static const char sql[] =
		"INSERT INTO review_replies (id, review_id, agent, created_at, kind, text, synced) "
		"SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM reviews WHERE uuid = ?2) "
		"ON CONFLICT (id) DO UPDATE SET synced = 1 WHERE excluded.synced > synced";
	sqlite3_stmt *s = NULL;
	/* The search gets a reply once, when it is new here (not when only marked synced). */
	int is_new = !store_exists(st, "SELECT 1 FROM review_replies WHERE id = ?1", r->id);
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	*applied = 0;
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, r->review_uuid, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, r->agent, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, r->created_at);
		sqlite3_bind_text(s, 5, reply_kind_key(r->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, r->text, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 7, synced != 0);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
		*applied = rc == SQLITE_OK && sqlite3_changes(st->db) > 0;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_OK && *applied && is_new)
		rc = store_reply_text(st, r->id);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "save a reply from elsewhere", err);
	if (!*applied && !store_exists(st, "SELECT 1 FROM reviews WHERE uuid = ?1", r->review_uuid))
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no review '%s' for the reply", r->review_uuid);
	return POISE_OK;
}

enum poise_status store_reply_unsent(struct store *st, const char *agent, store_reply_fn fn,
				     void *ctx, struct poise_error *err)
{
	return each(st,
		    "SELECT " REPLY_COLS " FROM review_replies INDEXED BY review_replies_unsynced "
		    "WHERE synced = 0 AND agent = ?1 ORDER BY id",
		    agent, 0, fn, ctx, "read the replies to send", err);
}

enum poise_status store_reply_sent(struct store *st, const char *id, struct poise_error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "UPDATE review_replies SET synced = 1 WHERE id = ?1",
				    -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(st->db);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_OK ? POISE_OK : store_fail(st, rc, "record a reply as sent", err);
}
