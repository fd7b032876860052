/*
 * floor_key.c - the least a program does for a keypress that is logged:
 * read the key, insert a row in its own fsync'd transaction (WAL,
 * synchronous=FULL, as poise), redraw the line that changed. bench_start
 * presses 2 and 3 in turn and waits for "2 uneasy" / "3 annoyed",
 * exactly as it does with poise. The database is $POISE_DB; the row goes to
 * a table of its own. Leaves when the terminal hangs up.
 */
#include <locale.h>
#include <stdlib.h>

#include <curses.h>
#include <sqlite3.h>

static sqlite3 *db;
static sqlite3_stmt *stmt[3]; /* begin, insert, commit: prepared once, as poise does */

static int log_key(int ch)
{
	int rc = SQLITE_DONE;

	sqlite3_bind_int(stmt[1], 1, ch);
	for (int i = 0; i < 3 && rc == SQLITE_DONE; i++) {
		rc = sqlite3_step(stmt[i]);
		sqlite3_reset(stmt[i]);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int open_log(const char *path)
{
	static const char *const sql[3] = {"BEGIN IMMEDIATE", "INSERT INTO floor_keys VALUES (?1)",
					   "COMMIT"};

	if (!path || sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL;"
			 "CREATE TABLE IF NOT EXISTS floor_keys (key INTEGER)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (int i = 0; i < 3; i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, &stmt[i], NULL) != SQLITE_OK)
			return -1;
	return 0;
}

int main(void)
{
	int ch;

	if (open_log(getenv("POISE_DB")) != 0)
		return 1;
	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	mvaddstr(0, 1, "Calm: keep your own voice low and slow");
	mvaddstr(LINES - 1, 0, "x end call");
	refresh();
	while ((ch = getch()) != ERR) {
		if (log_key(ch) != 0)
			break;
		mvaddstr(0, 60, ch == '2' ? "mood 2 uneasy " : "mood 3 annoyed");
		refresh();
	}
	endwin();
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(stmt[i]);
	sqlite3_close(db);
	return 0;
}
