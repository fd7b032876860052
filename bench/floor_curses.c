/*
 * floor_curses.c - the least a curses program does to put a screen up:
 * start curses, write a line at the top and the footer at the bottom,
 * refresh once, end. bench_start times it exactly as it times poise.
 */
#include <locale.h>

#include <curses.h>

int main(void)
{
	setlocale(LC_ALL, "");
	initscr();
	mvaddstr(0, 1, "Calm: keep your own voice low and slow");
	mvaddstr(LINES - 1, 0, "x end call");
	refresh();
	endwin();
	return 0;
}
