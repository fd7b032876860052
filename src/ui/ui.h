/*
 * ui.h - the screens' entry points, called by the command line.
 *
 * Owns: nothing of the core; it drives the core (playbook, call, rules,
 * store) from a terminal. Only src/ui includes curses, through curses.h here.
 */
#ifndef POISE_UI_H
#define POISE_UI_H

#include "poise/status.h"

struct call_opts {
	const char *playbook; /* id or file; NULL = the default */
	const char *customer; /* NULL = ask nobody, show "caller" */
	const char *ref;
	const char *agent; /* already resolved: --agent, $POISE_AGENT, login */
	const char *db;	   /* already resolved path */
	/* This poise, to run `poise sync` in the background after calls; NULL: never. */
	const char *sync_exe;
	/* Told the call's id after each event is stored (the live floor's streamer); may be NULL. */
	void (*stored)(void *ctx, const char *call_id);
	void *stored_ctx;
	/* A rehearsal: the scenario's id, stored on the call as practice (rehearse.c); NULL. */
	const char *practice;
};

/*
 * The live-call coach. Returns the process exit code; when it stopped on an
 * error (a terminal it cannot drive, a database it refuses, a call it could
 * not start), err says what and the caller reports it (cli_report), after
 * the terminal has been restored.
 */
int ui_call(const struct call_opts *opts, struct poise_error *err);

/*
 * `poise preview`: opts->playbook's stages on the call screen with no
 * database (opts->db is not read), reloaded when its file changes; names
 * from opts->customer and opts->agent. The exit code, err as ui_call's.
 */
int ui_preview(const struct call_opts *opts, struct poise_error *err);

/*
 * `poise call --plain`: the same calls as plain lines and single keys, no
 * curses (src/ui/plain.c); stdin and stdout may be pipes.
 */
int ui_call_plain(const struct call_opts *opts, struct poise_error *err);

/*
 * A rehearsal (`poise rehearse`): the scenario's situation, then one call
 * on the call screen with the scripted customer speaking and their mood
 * logged as MOOD events, the wrap-up, and the debrief from the playbook's
 * rules. The call is stored as practice (opts->practice is set from sc).
 * The exit code and err as ui_call.
 */
struct scenario;
int ui_rehearse(const struct call_opts *opts, const struct scenario *sc, struct poise_error *err);

#endif
