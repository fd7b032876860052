/*
 * term.c - the terminal: refusing the ones we cannot drive, starting and
 * stopping curses, attributes with or without colour, and the signal flags.
 *
 * Signal handlers only set a flag: curses is not async-signal-safe, so the
 * main loop notices the flag, records the interruption and leaves cleanly.
 */
#include "ui/app.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <term.h>

static volatile sig_atomic_t pending_signal;

static void on_signal(int signo)
{
	pending_signal = signo;
}

int term_signal(void)
{
	return pending_signal;
}

int64_t ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int term_check_err(struct poise_error *err)
{
	const char *term = getenv("TERM");
	int rc = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				"the call screen needs a terminal on stdin and stdout: run it in "
				"a terminal (for plain text use 'poise show' or 'poise export')");
		return -1;
	}
	if (!term || !*term || strcmp(term, "dumb") == 0) {
		poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				"TERM is %s: the call screen needs a full-screen terminal; set "
				"TERM, e.g. TERM=xterm-256color",
				term && *term ? "'dumb'" : "not set");
		return -1;
	}
	if (setupterm(term, STDOUT_FILENO, &rc) != OK) {
		poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				"unknown terminal type '%s': set TERM to one this machine knows "
				"(e.g. TERM=xterm-256color) or install its terminfo",
				term);
		return -1;
	}
	del_curterm(cur_term);
	return 0;
}

static void install_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGTERM, SIGINT};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: let wget_wch return so the loop sees the flag at once. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A file size limit must fail the write (and show a banner), not kill the call. */
	signal(SIGXFSZ, SIG_IGN);
}

static void init_colors(struct ui *ui)
{
	const char *nc = getenv("NO_COLOR");

	ui->color = 0;
	if ((nc && *nc) || !has_colors())
		return;
	if (start_color() == ERR || COLORS < 8)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE); /* header */
	init_pair(2, COLOR_CYAN, -1);	       /* section titles */
	init_pair(3, COLOR_YELLOW, -1);	       /* prompt */
	init_pair(4, COLOR_WHITE, COLOR_RED);  /* error */
	init_pair(5, COLOR_GREEN, -1);	       /* done marks */
	init_pair(6, COLOR_MAGENTA, -1);       /* boundary */
	ui->color = 1;
}

int term_start_err(struct ui *ui, struct poise_error *err)
{
	const char *cs;

	if (!newterm(NULL, stdout, stdin)) {
		poise_error_set(err, POISE_IO, NULL, 0, 0,
				"cannot start the terminal '%s': try TERM=xterm-256color",
				getenv("TERM"));
		return -1;
	}
	cs = nl_langinfo(CODESET);
	ui->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Shift-Tab where terminfo lacks it (vt100, linux): the sequence xterm and tmux send. */
	define_key("\033[Z", KEY_BTAB);
	timeout(UI_TICK_MS);
	curs_set(0);
	init_colors(ui);
	install_signals();
	return 0;
}

void term_stop(void)
{
	if (!isendwin())
		endwin();
}

attr_t ui_attr(const struct ui *ui, enum ui_role role)
{
	static const attr_t mono[R_COUNT] = {
		[R_NORMAL] = A_NORMAL,
		[R_HEADER] = A_REVERSE,
		[R_TITLE] = A_BOLD,
		[R_STAGE_CUR] = A_REVERSE | A_BOLD,
		[R_STAGE_SEEN] = A_NORMAL,
		[R_SECTION] = A_BOLD | A_UNDERLINE,
		[R_SELECTED] = A_REVERSE,
		[R_DIM] = A_DIM,
		[R_KEY] = A_BOLD,
		[R_PROMPT] = A_BOLD,
		[R_ERROR] = A_REVERSE | A_BOLD,
		[R_WARN] = A_BOLD,
		[R_DONE] = A_NORMAL,
	};
	static const short pair[R_COUNT] = {
		[R_HEADER] = 1, [R_SECTION] = 2,    [R_PROMPT] = 3, [R_ERROR] = 4,
		[R_DONE] = 5,	[R_STAGE_SEEN] = 5, [R_WARN] = 6,
	};

	if ((unsigned)role >= R_COUNT)
		return A_NORMAL;
	if (!ui->color || !pair[role])
		return mono[role];
	return (mono[role] & ~A_REVERSE) | COLOR_PAIR(pair[role]) |
	       (role == R_ERROR || role == R_HEADER ? A_BOLD : 0);
}
