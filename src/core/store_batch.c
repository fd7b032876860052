/*
 * store_batch.c - many whole calls per transaction.
 *
 * The rows come from store_write_call() and store_write_event(), the
 * writers behind store_call_begin() and store_append(); only the
 * transaction boundaries differ, so a batch cannot drift from the live path.
 */
#include "poise/store_batch.h"

#include "store_int.h"

enum poise_status store_batch_begin(struct store *st, struct poise_error *err)
{
	int rc;

	if (st->pending)
		return poise_error_set(err, POISE_STATE, NULL, 0, 0,
				       "cannot write a batch while the side log of '%s' holds "
				       "entries: open it with poise first",
				       st->path);
	/*
	 * Random UUIDs put each call's rows at random places in the B-trees: a
	 * page cache of 2 MiB (the default) turns every insert into file I/O
	 * once the database is large. 256 MiB keeps the hot pages of a million
	 * calls in memory; the connection gives it back when it closes.
	 */
	sqlite3_exec(st->db, "PRAGMA cache_size = -262144", NULL, NULL, NULL);
	/*
	 * Each call row is written before its events, so the parent lookups of
	 * foreign_keys only cost time here; back on at commit (the pragma is a
	 * no-op inside a transaction, so it is set before BEGIN and after COMMIT).
	 */
	sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
	if ((rc = store_step_done(st, STMT_BEGIN)) != SQLITE_OK)
		return store_fail(st, rc, "start a batch", err);
	return POISE_OK;
}

enum poise_status store_batch_call(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct event *ev, size_t n,
				   struct poise_error *err)
{
	enum poise_status ps;
	int rc;

	if (!pb || !pb->hash[0] || !pb->id || !pb->version || !meta->agent[0])
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call: it needs an agent and a playbook "
				       "with its hash");
	for (size_t i = 0; i < n; i++)
		if ((ps = store_check_event(&ev[i], err)) != POISE_OK)
			return ps;
	rc = store_write_call(st, meta, pb->id, pb->version, pb->hash, pb->text, pb->text_len);
	if (rc == SQLITE_OK && sqlite3_changes(st->db) == 0)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "cannot record call '%s': that id is taken", meta->id);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		ev[i].seq = (int64_t)i + 1;
		rc = store_write_event(st, meta->id, &ev[i]);
	}
	if (rc != SQLITE_OK)
		return store_fail(st, rc, "record call", err);
	return POISE_OK;
}

enum poise_status store_batch_commit(struct store *st, struct poise_error *err)
{
	int rc = store_step_done(st, STMT_COMMIT);

	if (rc != SQLITE_OK) {
		store_batch_abort(st);
		return store_fail(st, rc, "finish a batch", err);
	}
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return POISE_OK;
}

void store_batch_abort(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		store_step_done(st, STMT_ROLLBACK);
	sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}
