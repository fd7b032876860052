/*
 * store_reply.h - the agent's side of a review (table review_replies,
 * schema 7; by the review's uuid since 11): acknowledging a supervisor's comment, replying to it or
 * disputing it with a line of text, each a row with a UUID.
 * Owns: the SQL of replies. Does not own: marking the review read
 * (store_review.h: review_ack), or drawing anything.
 */
#ifndef POISE_STORE_REPLY_H
#define POISE_STORE_REPLY_H

#include <stdint.h>

#include "poise/limits.h"
#include "poise/status.h"
#include "poise/store.h"

/* X(enum suffix, key stored, what the supervisor reads) */
#define REPLY_KIND_LIST(X)                                                                         \
	X(ACK, "ack", "acknowledged")                                                              \
	X(REPLY, "reply", "replied")                                                               \
	X(DISPUTE, "dispute", "disputes")
#define REPLY_KIND_ENUM(name, key, verb) REPLY_##name,
enum reply_kind { REPLY_KIND_LIST(REPLY_KIND_ENUM) REPLY_COUNT };
#undef REPLY_KIND_ENUM

const char *reply_kind_key(enum reply_kind k);
const char *reply_kind_verb(enum reply_kind k);
/* The kind stored as key; -1 for none of them. */
int reply_kind_from_key(const char *key);

struct review_reply {
	char id[FIELD_CALL_ID_LEN + 1]; /* UUID */
	int64_t review_id;			 /* reviews.id here */
	char review_uuid[FIELD_CALL_ID_LEN + 1]; /* reviews.uuid: what the row stores (schema 11) */
	char agent[FIELD_AGENT_MAX + 1];
	int64_t created_at;
	enum reply_kind kind;
	char text[LIMIT_BYTES(LIMIT_COMMENT)]; /* "" for an acknowledgement */
};

/*
 * Add reply r at now (ms): its id is made here. A reply or dispute needs
 * text; an acknowledgement takes none (POISE_USAGE otherwise).
 * POISE_NOT_FOUND when there is no review r->review_id.
 */
enum poise_status store_reply_add(struct store *st, struct review_reply *r, int64_t now,
				  struct poise_error *err);

typedef int (*store_reply_fn)(void *ctx, const struct review_reply *r);
/* The replies to review_id, oldest first. fn returns non-zero to stop. */
enum poise_status store_reply_each(struct store *st, int64_t review_id, store_reply_fn fn,
				   void *ctx, struct poise_error *err);

/*
 * A reply from elsewhere (merge, sync; checked first: merge.h,
 * merge_check_reply), r->id and r->review_uuid as they came: added when its
 * review is here and it is not (a reply is never edited, so one here stays,
 * only taking synced 1). synced: 1 when it came from the server. *applied:
 * 1 when written; POISE_NOT_FOUND when its review is not here. No
 * transaction of its own.
 */
enum poise_status store_reply_put(struct store *st, const struct review_reply *r, int synced,
				  int *applied, struct poise_error *err);
/* agent's replies that the server lacks (synced 0), by id; review_id is not filled. */
enum poise_status store_reply_unsent(struct store *st, const char *agent, store_reply_fn fn,
				     void *ctx, struct poise_error *err);
/* The server has reply id: synced 1. */
enum poise_status store_reply_sent(struct store *st, const char *id, struct poise_error *err);

#endif
