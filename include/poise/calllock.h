/*
 * calllock.h - which calls are live in a poise process right now.
 *
 * Owns: the mark a live call carries while one process has it open, so a
 * second poise on the same database never offers it for resume nor closes
 * it. The mark is an exclusive flock() on `<db>.lock-<call id>` (0600,
 * beside the database): the kernel drops it when its process ends, however
 * it ends (kill -9 included), so a dead window's call is free to resume at
 * once. The file is removed when the call is closed; one a crash left is
 * harmless and taken over. Does not own: the call's rows (store.h).
 */
#ifndef POISE_CALLLOCK_H
#define POISE_CALLLOCK_H

#include "poise/status.h"

struct call_lock;

/*
 * Take call_id's lock beside the database at db_path, without waiting.
 * POISE_DB_BUSY when another process (or another lock in this one) holds
 * it; POISE_IO when the lock file cannot be made.
 */
enum poise_status call_lock_take(const char *db_path, const char *call_id, struct call_lock **out,
				 struct poise_error *err);

/* Let the lock go (NULL is fine); with closed, the call is over: its file goes too. */
void call_lock_release(struct call_lock *lk, int closed);

/* 1 when some process holds call_id's lock now, 0 when nobody does. */
int call_lock_in_use(const char *db_path, const char *call_id);

#endif
