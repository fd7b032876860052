/*
 * bgsync.c - `poise sync` in the background, between calls.
 *
 * The agent's SQLite stays the live path: a sync is a child process (the
 * same poise binary, `poise sync --db PATH`, posix_spawn), in a process
 * group of its own so a signal meant for the screen is not its, with
 * nothing on the terminal (stdin, stdout, stderr /dev/null). The screen
 * never waits for it: the loop reaps it with waitpid(WNOHANG) each tick.
 * The child records how it went in the database (store_sync_outcome),
 * which the ready screen reads: "server unreachable, N calls waiting".
 * After a failure it is tried again BGSYNC_RETRY_FIRST_MS after the
 * failed try began, then twice as long each time up to BGSYNC_RETRY_MS, so
 * the calls catch up soon after the server is back, even on an idle ready
 * screen, and a long outage costs a try a half minute. A sync that says no server is
 * configured (it records nothing) stops the tries for the session.
 */
#include "ui/app.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "poise/store_sync.h"

extern char **environ;

static int64_t outcome_at(struct ui *ui)
{
	struct poise_error err;
	int64_t ok = 0, failed = 0;

	poise_error_clear(&err);
	if (store_sync_mark(ui->st, "sync_ok_at", &ok, &err) != POISE_OK ||
	    store_sync_mark(ui->st, "sync_failed_at", &failed, &err) != POISE_OK)
		return 0;
	return ok > failed ? ok : failed;
}

void bgsync_start(struct ui *ui)
{
	char *argv[] = {(char *)ui->opts->sync_exe, "sync", "--db", (char *)ui->opts->db, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, deflt;
	pid_t pid;

	if (!ui->opts->sync_exe || ui->sync_off)
		return;
	if (ui->sync_pid > 0) {
		ui->sync_again = 1; /* the running one may have missed the newest call */
		return;
	}
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGHUP);
	sigaddset(&deflt, SIGQUIT);
	sigaddset(&deflt, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &deflt);
	ui->sync_before = outcome_at(ui);
	ui->sync_at = ui_now();
	ui->sync_again = 0;
	if (posix_spawn(&pid, ui->opts->sync_exe, &fa, &at, argv, environ) == 0)
		ui->sync_pid = pid;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
}

int bgsync_poll(struct ui *ui, int64_t now)
{
	int status, done = 0;

	if (ui->sync_pid > 0 && waitpid(ui->sync_pid, &status, WNOHANG) == ui->sync_pid) {
		ui->sync_pid = 0;
		done = 1;
		/* It recorded nothing: no server is configured; none is tried again. */
		if (outcome_at(ui) == ui->sync_before)
			ui->sync_off = 1;
	}
	if (!ui->sync_failed)
		ui->sync_wait = 0;
	else if (!ui->sync_wait)
		ui->sync_wait = BGSYNC_RETRY_FIRST_MS;
	if (ui->sync_pid == 0 && !ui->sync_off && !ui->in_call &&
	    (ui->sync_again || (ui->sync_failed && now - ui->sync_at >= ui->sync_wait))) {
		if (!ui->sync_again && (ui->sync_wait *= 2) > BGSYNC_RETRY_MS)
			ui->sync_wait = BGSYNC_RETRY_MS;
		bgsync_start(ui);
	}
	return done;
}
