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
				  "kind, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
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
	sqlite3_finalize(s);
	if (rc == SQLITE_OK)
		return POISE_OK;
	r->id[0] = '\0';
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "cannot save the reply: no review %lld in database '%s'",
				       (long long)r->review_id, st->path);
	return store_fail(st, rc, "save the reply", err);
}

static enum reply_kind kind_of(const char *key)
{
	for (int k = 0; k < REPLY_COUNT; k++)
		if (!strcmp(key, kind_keys[k]))
			return (enum reply_kind)k;
	return REPLY_REPLY;
}

enum poise_status store_reply_each(struct store *st, int64_t review_id, store_reply_fn fn,
				   void *ctx, struct poise_error *err)
{
	static const char sql[] = "SELECT id, agent, created_at, kind, text FROM review_replies "
				  "WHERE review_id = ?1 ORDER BY created_at, id";
	sqlite3_stmt *s = NULL;
	struct review_reply r;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, review_id);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			memset(&r, 0, sizeof(r));
			store_col_copy(s, 0, r.id, sizeof(r.id));
			r.review_id = review_id;
			store_col_copy(s, 1, r.agent, sizeof(r.agent));
			r.created_at = store_clamp_time(sqlite3_column_int64(s, 2));
			r.kind = kind_of(store_col_text(s, 3));
			store_col_copy(s, 4, r.text, sizeof(r.text));
			if (fn(ctx, &r)) {
				rc = SQLITE_DONE;
				break;
			}
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? POISE_OK : store_fail(st, rc, "read the replies", err);
}
