/*
 * store_read.c - reading calls and events back.
 *
 * Every read is an indexed lookup or range (see the indexes in
 * store_schema.c) stepping one row at a time, so nothing is loaded whole.
 */
#include "store_int.h"

#include "poise/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int store_col_copy(sqlite3_stmt *s, int col, char *dst, size_t size)
{
	const char *v = store_col_text(s, col);
	size_t n = strlen(v), keep = n < size ? n : text_cut(v, size - 1);

	memcpy(dst, v, keep);
	dst[keep] = '\0';
	/* Longer than its limit, or a NUL inside: not a row poise wrote. */
	return keep < n || (size_t)sqlite3_column_bytes(s, col) != n;
}

int64_t store_clamp_time(int64_t t)
{
	return t < FIELD_TIME_MIN ? FIELD_TIME_MIN : t > FIELD_TIME_MAX ? FIELD_TIME_MAX : t;
}

const char *store_col_text(sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);

	return v ? (const char *)v : "";
}

int store_row_event(sqlite3_stmt *s, struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = sqlite3_column_int64(s, 0);
	ev->t = store_clamp_time(sqlite3_column_int64(s, 1));
	ev->kind = (enum event_kind)event_kind_from_key(store_col_text(s, 2));
	ev->stage = stage_from_key(store_col_text(s, 3));
	ev->a = sqlite3_column_int(s, 4);
	ev->b = sqlite3_column_int(s, 5);
	ev->text = (const char *)sqlite3_column_text(s, 6);
	return (int)ev->kind >= 0 && ev->stage >= 0;
}

enum poise_status store_unknown_event(const struct store *st, const char *call_id, int64_t seq,
				      struct poise_error *err)
{
	char kind[40] = "?", stage[40] = "?";
	sqlite3_stmt *s = NULL;

	/* The kind and stage it holds, named (made safe, cut): read again, on this error only. */
	if (sqlite3_prepare_v2(st->db, "SELECT kind, stage FROM events WHERE call_id = ?1 AND seq = ?2",
			       -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, seq);
		if (sqlite3_step(s) == SQLITE_ROW) {
			text_safe(kind, sizeof(kind), store_col_text(s, 0), 0);
			text_safe(stage, sizeof(stage), store_col_text(s, 1), 0);
		}
	}
	sqlite3_finalize(s);
	return poise_error_set(err, POISE_DB, NULL, 0, 0,
			       "call '%s' event %lld has an unknown kind or stage (kind '%s', stage "
			       "'%s'): is database '%s' from a newer poise, or edited by hand?",
			       call_id, (long long)seq, kind, stage, st->path);
}

void store_row_meta(sqlite3_stmt *s, struct call_meta *m)
{
	int cut = 0;

	memset(m, 0, sizeof(*m));
	cut |= store_col_copy(s, 0, m->id, sizeof(m->id));
	cut |= store_col_copy(s, 1, m->agent, sizeof(m->agent));
	cut |= store_col_copy(s, 2, m->customer, sizeof(m->customer));
	cut |= store_col_copy(s, 3, m->ref, sizeof(m->ref));
	cut |= store_col_copy(s, 4, m->playbook_id, sizeof(m->playbook_id));
	cut |= store_col_copy(s, 5, m->playbook_version, sizeof(m->playbook_version));
	cut |= store_col_copy(s, 6, m->playbook_hash, sizeof(m->playbook_hash));
	m->started = sqlite3_column_int64(s, 7);
	m->ended = sqlite3_column_int64(s, 8);
	cut |= store_col_copy(s, 9, m->status, sizeof(m->status));
	cut |= store_col_copy(s, 10, m->outcome, sizeof(m->outcome));
	cut |= store_col_copy(s, 11, m->cause, sizeof(m->cause));
	m->mood_start = sqlite3_column_int(s, 12);
	m->mood_end = sqlite3_column_int(s, 13);
	m->wrapup_at = sqlite3_column_int64(s, 14);
	m->last_seq = sqlite3_column_int64(s, 15);
	cut |= store_col_copy(s, 16, m->practice, sizeof(m->practice));
	/* Out of range is not poise's either: kept in range, so no sum of two overflows. */
	m->out_of_range = cut || m->started != store_clamp_time(m->started) ||
			  m->ended != store_clamp_time(m->ended) ||
			  m->wrapup_at != store_clamp_time(m->wrapup_at) || m->last_seq < 0 ||
			  m->mood_start < 0 || m->mood_start > 5 || m->mood_end < 0 ||
			  m->mood_end > 5;
	m->started = store_clamp_time(m->started);
	m->ended = store_clamp_time(m->ended);
	m->wrapup_at = store_clamp_time(m->wrapup_at);
	if (m->last_seq < 0)
		m->last_seq = 0;
}

/* A statement already stepping (a callback calling back in) cannot be reused. */
static enum poise_status check_idle(struct store *st, enum store_stmt id, const char *what,
				    struct poise_error *err)
{
	if (!sqlite3_stmt_busy(st->stmt[id]))
		return POISE_OK;
	return poise_error_set(err, POISE_STATE, NULL, 0, 0,
			       "cannot %s from inside the same kind of read", what);
}

enum poise_status store_call_meta(struct store *st, const char *id_or_prefix, struct call_meta *out,
				  struct poise_error *err)
{
	char lo[FIELD_CALL_ID_SIZE], hi[FIELD_CALL_ID_SIZE + 1];
	size_t n = id_or_prefix ? strlen(id_or_prefix) : 0;
	sqlite3_stmt *s;
	int rc, rows = 0;

	if (n == 0 || n > 36)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)id_or_prefix[i]);

		if (!isxdigit(c) && c != '-')
			goto bad;
		lo[i] = hi[i] = (char)c;
	}
	lo[n] = '\0';
	/* Ids hold only [0-9a-f-], all below 'g': [prefix, prefix "g") is the range. */
	hi[n] = 'g';
	hi[n + 1] = '\0';
	if (check_idle(st, STMT_META_RANGE, "read a call", err) != POISE_OK)
		return POISE_STATE;
	s = store_stmt(st, STMT_META_RANGE);
	sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (rows++ == 0)
			store_row_meta(s, out);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "read call", err);
	/* While the database is locked, calls and events may wait in the side log. */
	if (st->pending > 0) {
		enum poise_status ps;
		struct call_meta *side;
		size_t nside;

		if (rows == 1 && (ps = sidelog_meta(st, out, err)) != POISE_OK)
			return ps;
		if ((ps = sidelog_calls(st, &side, &nside, err)) != POISE_OK)
			return ps;
		for (size_t i = 0; i < nside; i++)
			if (strncmp(side[i].id, lo, n) == 0 && rows++ == 0)
				*out = side[i];
		free(side);
	}
	if (rows == 0)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no call '%s' in database '%s'", lo, st->path);
	if (rows > 1)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "call id '%s' is ambiguous: give more of it", lo);
	return POISE_OK;
bad:
	return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
			       "'%s' is not a call id: expected up to 36 of [0-9a-f-]",
			       id_or_prefix ? id_or_prefix : "");
}

enum poise_status store_call_events(struct store *st, const char *call_id, store_event_fn fn,
				    void *ctx, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	sqlite3_stmt *s;
	int rc, stop = 0;
	int64_t last = 0;

	if (check_idle(st, STMT_EVENTS, "read events", err) != POISE_OK)
		return POISE_STATE;
	s = store_stmt(st, STMT_EVENTS);
	sqlite3_bind_text(s, 1, call_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event ev;

		if (!store_row_event(s, &ev)) {
			ps = store_unknown_event(st, call_id, ev.seq, err);
			break;
		}
		last = ev.seq;
		if ((stop = fn(ctx, &ev)) != 0)
			break;
	}
	if (ps == POISE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ps = store_fail(st, rc, "read events", err);
	sqlite3_reset(s);
	/* Then what still waits in the side log (the database locked). */
	if (ps == POISE_OK && !stop && st->pending > 0)
		sidelog_call_events(st, call_id, last, fn, ctx, &ps, err);
	return ps;
}

enum poise_status store_playbook_text(struct store *st, const char *hash, char **text, size_t *len,
				      struct poise_error *err)
{
	sqlite3_stmt *s = store_stmt(st, STMT_PB_TEXT);
	enum poise_status ps = POISE_OK;
	int rc;

	*text = NULL;
	if (len)
		*len = 0;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const void *v = sqlite3_column_text(s, 0);
		size_t n = (size_t)sqlite3_column_bytes(s, 0);

		if (!(*text = malloc(n + 1))) {
			ps = poise_error_nomem(err);
		} else {
			memcpy(*text, v ? v : "", n);
			(*text)[n] = '\0';
			if (len)
				*len = n;
		}
	} else if (rc == SQLITE_DONE) {
		/* A call begun while the database was locked keeps its text in the side log. */
		sqlite3_reset(s);
		ps = sidelog_playbook_text(st, hash, text, len, err);
	} else {
		ps = store_fail(st, rc, "read playbook text", err);
	}
	sqlite3_reset(s);
	return ps;
}

/* The side log's calls of agent still open, newest first (none when nothing waits). */
/* The side log's open calls of agent: rehearsals (practice) or real calls. */
static enum poise_status side_open_calls(struct store *st, const char *agent, int practice,
					 struct call_meta **out, size_t *n, struct poise_error *err)
{
	enum poise_status ps = sidelog_calls(st, out, n, err);
	size_t keep = 0;

	for (size_t i = 0; ps == POISE_OK && i < *n; i++)
		if (strcmp((*out)[i].agent, agent) == 0 && strcmp((*out)[i].status, "open") == 0 &&
		    !(*out)[i].practice[0] == !practice)
			(*out)[keep++] = (*out)[i];
	*n = keep;
	return ps;
}

static enum poise_status each_open(struct store *st, const char *agent, int practice,
				   store_call_fn fn, void *ctx, struct poise_error *err)
{
	enum store_stmt id = practice ? STMT_OPEN_PRACTICE : STMT_OPEN_CALL;
	struct call_meta m, *side = NULL;
	sqlite3_stmt *s;
	size_t nside = 0, next = 0;
	int rc, found = 0, stop = 0;
	enum poise_status ps;

	if (check_idle(st, id, "look for an open call", err) != POISE_OK)
		return POISE_STATE;
	/* Calls begun while the database is locked live in the side log only. */
	if ((ps = side_open_calls(st, agent, practice, &side, &nside, err)) != POISE_OK)
		return ps;
	s = store_stmt(st, id);
	sqlite3_bind_text(s, 1, agent, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_row_meta(s, &m);
		/* An entry waiting may have closed it. */
		if (st->pending > 0 && (ps = sidelog_meta(st, &m, err)) != POISE_OK)
			break;
		if (strcmp(m.status, "open") != 0)
			continue;
		/* Newest first, the side log's calls among the database's. */
		while (!stop && next < nside &&
		       (side[next].started > m.started ||
			(side[next].started == m.started && strcmp(side[next].id, m.id) > 0))) {
			found = 1;
			stop = fn(ctx, &side[next++]);
		}
		if (stop)
			break;
		found = 1;
		stop = fn(ctx, &m);
	}
	if (stop)
		rc = SQLITE_DONE;
	sqlite3_reset(s);
	while (ps == POISE_OK && rc == SQLITE_DONE && !stop && next < nside) {
		found = 1;
		stop = fn(ctx, &side[next++]);
	}
	free(side);
	if (ps != POISE_OK)
		return ps;
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "look for an open call", err);
	if (!found)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no open call for agent '%s'", agent);
	return POISE_OK;
}

enum poise_status store_each_open_call(struct store *st, const char *agent, store_call_fn fn,
				       void *ctx, struct poise_error *err)
{
	return each_open(st, agent, 0, fn, ctx, err);
}

enum poise_status store_each_open_practice(struct store *st, const char *agent, store_call_fn fn,
					   void *ctx, struct poise_error *err)
{
	return each_open(st, agent, 1, fn, ctx, err);
}

static int first_meta(void *ctx, const struct call_meta *meta)
{
	*(struct call_meta *)ctx = *meta;
	return 1;
}

enum poise_status store_open_call(struct store *st, const char *agent, struct call_meta *out,
				  struct poise_error *err)
{
	return store_each_open_call(st, agent, first_meta, out, err);
}

long store_user_version(struct store *st)
{
	sqlite3_stmt *s = NULL;
	long v = 0;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

enum poise_status store_each_call(struct store *st, int64_t since, int64_t until, store_call_fn fn,
				  void *ctx, struct poise_error *err)
{
	/* A merge source older than schema 9 (columns as of 7 and 8) has no practice column. */
	enum store_stmt id = (st->flags & STORE_READ_OLD) && store_user_version(st) < 9
				     ? STMT_EACH_CALL_V7
				     : STMT_EACH_CALL;
	struct call_meta m;
	sqlite3_stmt *s;
	int rc;

	if (check_idle(st, id, "list calls", err) != POISE_OK)
		return POISE_STATE;
	s = store_stmt(st, id);
	sqlite3_bind_int64(s, 1, since ? since : INT64_MIN);
	sqlite3_bind_int64(s, 2, until ? until - 1 : INT64_MAX); /* [since, until) */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_row_meta(s, &m);
		if (fn(ctx, &m)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, rc, "list calls", err);
	return POISE_OK;
}

enum poise_status store_playbook(struct store *st, const char *hash, const char *name,
				 struct playbook **out, struct poise_error *err)
{
	char *text = NULL;
	size_t len = 0;
	enum poise_status ps = store_playbook_text(st, hash, &text, &len, err);

	*out = NULL;
	if (ps == POISE_OK)
		ps = playbook_load_text(text, len, name, out, err);
	free(text);
	return ps;
}
