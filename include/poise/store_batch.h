/*
 * store_batch.h - writing many whole calls in one transaction.
 *
 * Owns: a fast path for loading calls that are already complete (the
 * generator behind `poise gen`, imports): many calls per BEGIN ... COMMIT
 * instead of one transaction per event. Each call is written with the same
 * row writers as store_call_begin() and store_append(), so it produces
 * exactly the rows the normal path does (unit tests compare every row).
 * Does not own: the live path (store.h) with its side log; a batch never
 * defers, it fails when the database is locked.
 */
#ifndef POISE_STORE_BATCH_H
#define POISE_STORE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "poise/event.h"
#include "poise/playbook.h"
#include "poise/status.h"
#include "poise/store.h"

struct store_batch;

/*
 * The batch's page cache, in MiB. A million generated calls write the
 * right edges of some twenty B-trees and the FTS5 segments being merged:
 * 512 MiB made `poise gen 1000000` 16% faster than 64 (282 s against 328)
 * at 586 MiB of RSS against 80. A merge is one batch of another file's
 * calls: 64 MiB merged 100,000 calls as fast as 512 (28 s) in 84 MiB.
 */
#define STORE_BATCH_CACHE_GEN	512
#define STORE_BATCH_CACHE_MERGE 64

/* Start a batch on st: one BEGIN IMMEDIATE until store_batch_commit. */
enum poise_status store_batch_begin(struct store *st, int cache_mib, struct store_batch **out,
				    struct poise_error *err);

/*
 * Record a new call (meta->id not yet in the database) under pb, then its
 * n events in order, assigning seq 1..n. A taken id is POISE_INVALID; the
 * batch must then be aborted.
 */
enum poise_status store_batch_call(struct store_batch *b, const struct call_meta *meta,
				   const struct playbook *pb, struct event *ev, size_t n,
				   struct poise_error *err);

/* Keep a call's report figures, as store_put_figures() (store_scan.h) does. */
enum poise_status store_batch_figures(struct store_batch *b, const char *call_id, int fold,
				      int64_t last_seq, const void *blob, size_t len,
				      struct poise_error *err);

/*
 * The same for a call whose playbook is given by meta's playbook_id,
 * version and hash and its text (merge: copying a call as it was).
 */
enum poise_status store_batch_call_text(struct store_batch *b, const struct call_meta *meta,
					const char *text, size_t len, struct event *ev, size_t n,
					struct poise_error *err);

/* Write what is held back and commit; b is freed whatever happens. */
enum poise_status store_batch_commit(struct store_batch *b, struct poise_error *err);
/* Give up the batch (b is freed): nothing written since store_batch_begin stays. */
void store_batch_abort(struct store_batch *b);

#endif
