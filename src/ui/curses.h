/*
 * curses.h - the one place that includes <curses.h>.
 *
 * Every UI file includes this instead, so the wide-character API is always
 * visible (wget_wch, mvaddnwstr) and no core file can reach curses by accident.
 */
#ifndef POISE_UI_CURSES_H
#define POISE_UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <curses.h>

#endif
