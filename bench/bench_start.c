/*
 * bench_start.c - from exec of `poise call` to its first full screen,
 * against the same for floor_curses; then keypresses, against floor_key.
 * Everything runs under a pseudo-terminal, as in the agent's terminal.
 *
 * The clock starts before forkpty and stops when the footer's text has come
 * out of the pty: curses draws top to bottom, so the footer is the end of
 * the first full screen. Each run gets a fresh folder with a database
 * already created (untimed), as on an agent's machine, and no playbooks
 * but the built-in one. A keypress is timed from writing the key to the
 * pty until the line it changes has come out: mood 2 and 3 in turn, each
 * one event stored (fsync'd) and a redraw. Closing the pty hangs the
 * program up, as closing the terminal window would; poise then records the
 * call as interrupted. Just before that, the peak resident set (VmHWM) of
 * poise and of floor_key, each after its keypresses, is read from /proc.
 *
 * poise gets --customer, so its first screen is the call's, not the caller
 * form's. Each row is the median of the alternated runs.
 *
 * `bench_start --instructions` runs each program once more under
 * valgrind --tool=callgrind instead, and counts instructions, which do not
 * move with the machine's load: poise's start-up is what it executed
 * before it first records an event (--dump-before=live_record: with no key
 * pressed that is the hang-up's INTERRUPTED, so its first dump is exec to
 * the first full screen and idle ticks); floor_curses' is its whole run. A
 * keypress is (a run with KEYS keys - a run with none) / KEYS, for poise
 * and for floor_key alike. It prints "start POISE FLOOR" and "key POISE
 * FLOOR" (instructions) for bench/run.sh, which puts them beside the times.
 * With BENCH_KEEP set, the callgrind files (p0, pk, c, k0, kk) are left in the folder it
 * names on stderr, to be read with callgrind_annotate.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "poise/store.h"

#define MARKER	   "end call" /* the last key of the call screen's footer */
#define TIMEOUT_MS (instr_dir[0] ? 120000 : 10000) /* valgrind is slow */
#define KEYS	   10 /* keypresses timed per run */

struct run {
	const char *what;
	char *const *argv;
	char dir[4096];
};

/* --instructions: the folder of callgrind's output files, and the run's name. */
static char instr_dir[4096];
static const char *instr_name;

/* A fresh folder with an empty poise database, so no earlier call is resumed. */
static void fresh_folder(struct run *r)
{
	const char *tmp = getenv("TMPDIR");
	struct poise_error err;
	struct store *st;
	char db[4200];

	snprintf(r->dir, sizeof(r->dir), "%s/poise-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(r->dir))
		bench_die(r->dir, strerror(errno));
	snprintf(db, sizeof(db), "%s/poise.db", r->dir);
	if (store_open(db, 0, &st, &err) != POISE_OK)
		bench_die(db, err.msg);
	store_close(st);
}

static void remove_folder(const struct run *r)
{
	static const char *const files[] = {"poise.db", "poise.db-wal", "poise.db-shm",
					    "poise.db.pending"};
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", r->dir, files[i]);
		unlink(path);
	}
	if (rmdir(r->dir) != 0)
		bench_die(r->dir, "left files behind");
}

static void child(const struct run *r)
{
	char db[4200];

	snprintf(db, sizeof(db), "%s/poise.db", r->dir);
	setenv("TERM", "xterm-256color", 1);
	setenv("LANG", "C.UTF-8", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("POISE_DB", db, 1);
	setenv("POISE_AGENT", "bench", 1);
	setenv("POISE_PLAYBOOK_PATH", r->dir, 1);
	setenv("HOME", r->dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	if (instr_dir[0]) {
		char out[4200];
		char *argv[16] = {"valgrind", "--tool=callgrind", "--dump-before=live_record",
				  out};
		int n = 4;

		snprintf(out, sizeof(out), "--callgrind-out-file=%s/%s.%%p", instr_dir, instr_name);
		for (int i = 0; r->argv[i] && n < 15; i++)
			argv[n++] = r->argv[i];
		argv[n] = NULL;
		execvp(argv[0], argv);
		_exit(127);
	}
	execv(r->argv[0], r->argv);
	_exit(127);
}

/* Read the pty until marker has come out; 0 on success. */
static int read_until(int fd, const char *marker)
{
	static char buf[1 << 16];
	size_t len = 0;
	int64_t deadline = bench_now_ns() + (int64_t)TIMEOUT_MS * 1000000;

	buf[0] = '\0';
	while (bench_now_ns() < deadline && len < sizeof(buf) - 1) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break; /* the program exited */
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, marker))
			return 0;
	}
	/* Show what came out instead, e.g. poise's error message. */
	fprintf(stderr, "bench: no '%s'; the terminal showed:\n%s\n", marker,
		len > 400 ? buf + len - 400 : buf);
	return -1;
}

/* Hang up and reap; a program that does not leave on SIGHUP is a finding. */
static void hang_up(const struct run *r, pid_t pid, int fd)
{
	int status;

	close(fd);
	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	bench_die(r->what, "still running 5 s after its terminal hung up");
}

/* Start r's program; returns ns from fork to the footer on screen. */
static double start(struct run *r, pid_t *pid, int *fd)
{
	struct winsize ws = {.ws_row = 30, .ws_col = 100};
	int64_t t0;

	fresh_folder(r);
	t0 = bench_now_ns();
	if ((*pid = forkpty(fd, NULL, NULL, &ws)) < 0)
		bench_die("forkpty", strerror(errno));
	if (*pid == 0)
		child(r);
	if (read_until(*fd, MARKER) != 0) {
		hang_up(r, *pid, *fd);
		bench_die(r->what, "no '" MARKER "' on the screen");
	}
	return (double)(bench_now_ns() - t0);
}

/* Peak resident set of pid so far, in KiB (0 when /proc cannot tell). */
static double peak_rss_kib(pid_t pid)
{
	char path[64], line[256];
	double kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = atof(line + 6);
	fclose(f);
	return kib;
}

/* Press mood 2 and 3 in turn; the median ns from key to changed line. */
static double keys(const struct run *r, pid_t pid, int fd)
{
	double t[KEYS];

	for (int i = 0; i < KEYS; i++) {
		const char *key = i % 2 ? "3" : "2", *marker = i % 2 ? "3 annoyed" : "2 uneasy";
		int64_t t0 = bench_now_ns();

		if (write(fd, key, 1) != 1 || read_until(fd, marker) != 0) {
			hang_up(r, pid, fd);
			bench_die(r->what, "the mood key did not change the screen");
		}
		t[i] = (double)(bench_now_ns() - t0);
	}
	return bench_median(t, KEYS);
}

/* The instructions in one callgrind output file ("totals:" or "summary:"). */
static double file_instructions(const char *path)
{
	char line[512];
	double n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		bench_die(path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "totals:", 7) == 0 || strncmp(line, "summary:", 8) == 0)
			n = atof(strchr(line, ':') + 1);
	fclose(f);
	return n;
}

/*
 * Sum of the files of run `name` (name.PID and its dumps name.PID.N); with
 * first_dump, only name.PID.1 (what ran before the first dump).
 */
static double run_instructions(const char *name, int first_dump)
{
	size_t len = strlen(name);
	struct dirent *e;
	double n = 0;
	int files = 0;
	DIR *d = opendir(instr_dir);

	if (!d)
		bench_die(instr_dir, strerror(errno));
	while ((e = readdir(d))) {
		const char *dot;
		char path[8400];

		if (strncmp(e->d_name, name, len) != 0 || e->d_name[len] != '.')
			continue;
		dot = strchr(e->d_name + len + 1, '.');
		if (first_dump && !(dot && strcmp(dot, ".1") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", instr_dir, e->d_name);
		n += file_instructions(path);
		files++;
	}
	closedir(d);
	if (!files || n <= 0)
		bench_die(name, "callgrind wrote no counts");
	return n;
}

/* One run under callgrind, named name, pressing nkeys keys when nkeys >= 0. */
static void instr_run(struct run *r, const char *name, int nkeys)
{
	pid_t pid;
	int fd;

	instr_name = name;
	start(r, &pid, &fd);
	for (int i = 0; i < nkeys; i++) {
		const char *key = i % 2 ? "3" : "2", *marker = i % 2 ? "3 annoyed" : "2 uneasy";

		if (write(fd, key, 1) != 1 || read_until(fd, marker) != 0) {
			hang_up(r, pid, fd);
			bench_die(r->what, "the mood key did not change the screen");
		}
	}
	if (nkeys >= 0) {
		hang_up(r, pid, fd);
	} else { /* it leaves by itself */
		int status;

		close(fd);
		waitpid(pid, &status, 0);
	}
	remove_folder(r);
}

/* One line for bench/run.sh: KEY, poise's instructions, the floor's. */
static void row_instructions(const char *key, double p, double f)
{
	printf("%s %.0f %.0f\n", key, p, f);
}

static int instructions(struct run *poise, struct run *curses, struct run *key)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(instr_dir, sizeof(instr_dir), "%s/poise-cg.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(instr_dir))
		bench_die(instr_dir, strerror(errno));
	instr_run(poise, "p0", 0);
	instr_run(poise, "pk", KEYS);
	instr_run(curses, "c", -1);
	instr_run(key, "k0", 0);
	instr_run(key, "kk", KEYS);
	row_instructions("start", run_instructions("p0", 1),
			 run_instructions("c", 0));
	row_instructions("key",
			 (run_instructions("pk", 0) - run_instructions("p0", 0)) / KEYS,
			 (run_instructions("kk", 0) - run_instructions("k0", 0)) / KEYS);
	if (getenv("BENCH_KEEP")) { /* to read with callgrind_annotate */
		fprintf(stderr, "bench: callgrind's files are in %s\n", instr_dir);
		return 0;
	}
	{
		DIR *d = opendir(instr_dir);
		struct dirent *e;
		char path[8400];

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", instr_dir, e->d_name);
				unlink(path);
			}
		if (d)
			closedir(d);
		rmdir(instr_dir);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char *poise_argv[] = {POISE_BIN, "call", "--customer", "Ann Example", NULL};
	char *curses_argv[] = {FLOOR_CURSES_BIN, NULL}, *key_argv[] = {FLOOR_KEY_BIN, NULL};
	struct run poise = {"poise call", poise_argv, ""};
	struct run curses = {"floor_curses", curses_argv, ""}, key = {"floor_key", key_argv, ""};
	int rounds = bench_rounds(20), fd;
	double *t = malloc(sizeof(double) * 6 * (size_t)rounds);
	double *sp = t, *sf = t + rounds, *kp = t + 2 * rounds, *kf = t + 3 * rounds;
	double *rp = t + 4 * rounds, *rf = t + 5 * rounds;
	pid_t pid;

	if (!t)
		bench_die("bench_start", "out of memory");
	if (argc > 1 && strcmp(argv[1], "--instructions") == 0) {
		free(t);
		return instructions(&poise, &curses, &key);
	}
	for (int i = 0; i < rounds; i++) {
		sp[i] = start(&poise, &pid, &fd);
		kp[i] = keys(&poise, pid, fd);
		rp[i] = peak_rss_kib(pid);
		hang_up(&poise, pid, fd);
		remove_folder(&poise);

		sf[i] = start(&curses, &pid, &fd);
		hang_up(&curses, pid, fd);
		remove_folder(&curses);

		start(&key, &pid, &fd);
		kf[i] = keys(&key, pid, fd);
		rf[i] = peak_rss_kib(pid);
		hang_up(&key, pid, fd);
		remove_folder(&key);
	}
	bench_row("start-up to first call screen (`poise call --customer`)",
		  bench_median(sp, rounds), bench_median(sf, rounds), 1e6, "ms");
	bench_row("keypress to screen (mood, fsync'd)", bench_median(kp, rounds),
		  bench_median(kf, rounds), 1e3, "µs");
	/* KiB -> MiB: bench_row divides by its unit. */
	bench_row("peak RSS during a call (floor: floor_key)", bench_median(rp, rounds),
		  bench_median(rf, rounds), 1024, "MiB");
	free(t);
	return 0;
}
