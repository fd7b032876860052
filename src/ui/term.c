/*
 * term.c - the terminal: refusing the ones we cannot drive, starting and
 * stopping curses, attributes with or without colour, and the signal flags.
 *
 * Signal handlers only set a flag: curses is not async-signal-safe, so the
 * main loop notices the flag, records the interruption and leaves cleanly
 * (SIGHUP, SIGTERM, SIGINT, SIGQUIT). A fatal signal (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGABRT) cannot go back to the loop: its handler writes a
 * reset sequence computed at start with write(2), puts the saved terminal
 * modes back with tcsetattr(3) (both async-signal-safe), and re-raises the
 * signal with its default action. The call stays open, as after kill -9,
 * and the next start offers to resume it.
 */
#include "ui/app.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <term.h>

/*
 * File-level on purpose, the only such state in src/ui: a signal handler
 * is given nothing but the signal's number, so what it sets or reads must
 * be where it can reach it. There is one terminal per process.
 */
static volatile sig_atomic_t pending_signal;
static int keys_on; /* term_keys() has run since curses started */

/* For a fatal signal: filled before the handlers go in, only read after. */
static char reset_seq[256];
static size_t reset_len;
static struct termios saved_modes;
static int have_modes;

static void on_signal(int signo)
{
	pending_signal = signo;
}

static void on_fatal(int signo)
{
	int saved = errno;

	if (reset_len && write(STDOUT_FILENO, reset_seq, reset_len) < 0)
		reset_len = 0; /* nothing more to do about a terminal gone */
	if (have_modes)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes);
	errno = saved;
	/* SA_RESETHAND put the default back; SA_NODEFER lets this land now. */
	raise(signo);
}

/* Append a terminfo capability (or the fallback) to the reset sequence. */
static void reset_add(const char *cap, const char *fallback)
{
	const char *s = tigetstr((char *)cap);
	size_t n;

	if (!s || s == (char *)-1)
		s = fallback;
	n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

/* The sequence a fatal signal writes: what endwin would leave. */
static void reset_prepare(void)
{
	reset_len = 0;
	reset_add("", "\030");	/* CAN: ends a sequence the signal cut in half */
	reset_add("rmcup", ""); /* first: leaving it may bring back its own modes */
	reset_add("sgr0", "\033[m");
	reset_add("cnorm", "\033[?25h");
	reset_add("rmkx", "");
	reset_add("", TERM_PASTE_OFF);
	reset_add("", "\r\n");
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

static int readable_file(const char *path, int n, size_t size)
{
	struct stat sb;

	return n > 0 && (size_t)n < size && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	       access(path, R_OK) == 0;
}

/* A readable file at dir/x/term or dir/78/term (ncurses keeps either layout). */
static int entry_in(const char *dir, size_t len, const char *term)
{
	char p[4096];
	int n;

	if (!len)
		return 0;
	n = snprintf(p, sizeof(p), "%.*s/%c/%s", (int)len, dir, term[0], term);
	if (readable_file(p, n, sizeof(p)))
		return 1;
	n = snprintf(p, sizeof(p), "%.*s/%02x/%s", (int)len, dir, (unsigned char)term[0], term);
	return readable_file(p, n, sizeof(p));
}

/*
 * Whether term's compiled entry is in a folder ncurses searches ($TERMINFO,
 * ~/.terminfo, $TERMINFO_DIRS, the usual system folders), found without
 * reading it: newterm reads and parses it, once (docs/benchmarks.md,
 * "Start-up, session 9"). Only a yes is taken as the answer; a no (an entry
 * in a hashed database, or in a folder this list lacks) leaves it to
 * setupterm. An entry found here that newterm cannot read is refused by
 * term_start_err, on a terminal still untouched.
 */
static int terminfo_found(const char *term)
{
	static const char *const sys[] = {"/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo",
					  "/usr/lib/terminfo"};
	const char *ti = getenv("TERMINFO"), *home = getenv("HOME"), *dirs = getenv("TERMINFO_DIRS");
	char p[4096];

	if (strchr(term, '/'))
		return 0; /* never a name ncurses looks up */
	if (ti && entry_in(ti, strlen(ti), term))
		return 1;
	if (home && *home && snprintf(p, sizeof(p), "%s/.terminfo", home) < (int)sizeof(p) &&
	    entry_in(p, strlen(p), term))
		return 1;
	for (const char *d = dirs; d && *d;) {
		size_t n = strcspn(d, ":");

		if (entry_in(d, n, term))
			return 1;
		d += n + (d[n] == ':');
	}
	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (entry_in(sys[i], strlen(sys[i]), term))
			return 1;
	return 0;
}

int term_check_err(struct poise_error *err)
{
	const char *term = getenv("TERM");
	int rc = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		poise_error_set(
			err, POISE_INVALID, NULL, 0, 0,
			_("the call screen needs a terminal on stdin and stdout: run it in "
			  "a terminal (for plain text use 'poise show' or 'poise export')"));
		return -1;
	}
	if (!term || !*term || strcmp(term, "dumb") == 0) {
		poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				_("TERM is %s: the call screen needs a full-screen terminal; set "
				  "TERM, e.g. TERM=xterm-256color"),
				term && *term ? "'dumb'" : _("not set"));
		return -1;
	}
	if (terminfo_found(term))
		return 0;
	if (setupterm(term, STDOUT_FILENO, &rc) != OK) {
		poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				_("unknown terminal type '%s': set TERM to one this machine knows "
				  "(e.g. TERM=xterm-256color) or install its terminfo"),
				term);
		return -1;
	}
	del_curterm(cur_term);
	return 0;
}

static void install_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGTERM, SIGINT, SIGQUIT};
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: let wget_wch return so the loop sees the flag at once. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
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
	/*
	 * The first refresh clears the screen anyway; said now, curses skips
	 * looking through every cell of its copy of the screen for the colour
	 * pair each call below changes (use_default_colors: about 90 k
	 * instructions at 100x30).
	 */
	clearok(curscr, TRUE);
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

	have_modes = tcgetattr(STDIN_FILENO, &saved_modes) == 0;
	if (!newterm(NULL, stdout, stdin)) {
		poise_error_set(err, POISE_IO, NULL, 0, 0,
				_("cannot start the terminal '%s': try TERM=xterm-256color"),
				getenv("TERM"));
		return -1;
	}
	cs = nl_langinfo(CODESET);
	ui->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keys_on = 0; /* term_keys(), before the first key is read */
	timeout(UI_TICK_MS);
	curs_set(0);
	init_colors(ui);
	reset_prepare();
	install_signals();
	term_paste(1);
	return 0;
}

/*
 * The function keys: curses' tree of their sequences (keypad) and the ones
 * terminfo lacks. The first frame does not need them, so they are set up
 * after it, before the first key is read (loop.c's read_key; docs/
 * benchmarks.md, "Start-up, session 9").
 */
void term_keys(void)
{
	if (keys_on)
		return;
	keys_on = 1;
	keypad(stdscr, TRUE);
	define_key("\033[200~", UI_PASTE_BEGIN);
	define_key("\033[201~", UI_PASTE_END);
	/* Shift-Tab where terminfo lacks it (vt100, linux): the sequence xterm and tmux send. */
	define_key("\033[Z", KEY_BTAB);
}

void term_paste(int on)
{
	const char *s = on ? TERM_PASTE_ON : TERM_PASTE_OFF;

	fflush(stdout);
	if (write(STDOUT_FILENO, s, strlen(s)) < 0)
		return; /* a terminal gone: the loop notices the hangup */
}

void term_stop(void)
{
	if (!isendwin()) {
		term_paste(0);
		endwin();
	}
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

void term_plain_start(void)
{
	struct termios raw;

	have_modes = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_modes) == 0;
	if (have_modes) {
		raw = saved_modes;
		/* Single keys, no echo; Ctrl-C still a signal, output as it was (no redraws). */
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	install_signals();
}

void term_plain_stop(void)
{
	if (have_modes)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_modes);
	have_modes = 0;
}
