/*
 * store_bind.c - binding a statement's parameters from one list of typed
 * values (store_int.h: STORE_BIND, SV_TEXT, SV_INT...), and the one-integer
 * query that the side log's replay asks of the database.
 */
#include "store_int.h"

void store_bind(sqlite3_stmt *s, int first, const struct store_val *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int at = first + (int)i;

		switch (v[i].type) {
		case STORE_VAL_TEXT:
			/* a NULL text binds SQL NULL */
			sqlite3_bind_text(s, at, v[i].text, v[i].len, SQLITE_STATIC);
			break;
		case STORE_VAL_INT:
			sqlite3_bind_int64(s, at, v[i].i);
			break;
		default:
			sqlite3_bind_null(s, at);
			break;
		}
	}
}

int store_query_int(struct store *st, const char *sql, const struct store_val *v, size_t n,
		    int dflt)
{
	sqlite3_stmt *s = NULL;
	int out = dflt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return dflt;
	store_bind(s, 1, v, n);
	if (sqlite3_step(s) == SQLITE_ROW)
		out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return out;
}
