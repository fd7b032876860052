/*
 * team_floor.h - the live floor on the centre's server: agents' calls
 * streamed as they happen, and the supervisor's view of them.
 *
 * Owns: the streamer (team_stream_*), a child process an agent's poise
 * starts beside its call screen that sends each event of a live call to the
 * server moments after the local log has it; and the floor
 * (team_floor_*), which loads the live calls, folds their events and, on
 * each PostgreSQL notification, reads what is new, raising an alert for an
 * escalation, a manager request or a boundary warning 2 or 3 (floor.h).
 * Does not own: the rows' order or what is an alert (floor.h, the core),
 * drawing (src/ui/floor.c), or `poise sync` (team.h), which still sends
 * every call whole: what the streamer sent is on the server already and
 * sync's ON CONFLICT leaves it alone.
 *
 * The local SQLite stays the truth: the streamer reads the events from it
 * (never from the screen), the call screen only nudges it with the call's
 * id through a socket it never waits on, and a server that cannot be
 * reached only delays the events (retried every few seconds, and sync
 * sends them in any case). docs/architecture.md, "The live floor".
 */
#ifndef POISE_TEAM_FLOOR_H
#define POISE_TEAM_FLOOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "poise/floor.h"
#include "poise/status.h"
#include "poise/team.h"

/* The channel the streamer notifies on; its payload is the call's id. */
#define TEAM_FLOOR_CHANNEL "poise_floor"
/* Calls on the floor: open, started within this (12 hours), with an event within FLOOR_STALE. */
#define TEAM_FLOOR_WINDOW_MS INT64_C(43200000)
/* A live call with no event for this long (an hour) is off the floor: its window died. */
#define TEAM_FLOOR_STALE_MS INT64_C(3600000)

/* --- the streamer (an agent's side) --- */

struct team_stream;

/*
 * Start the streamer for the database at db_path, sending to the server at
 * conninfo (team_server's answer) as the role it connects as: only calls of
 * the agent named as that role are sent, as with sync. The child connects
 * only when nudged, so nothing is sent before a call. POISE_IO when it
 * cannot be started (no process); the call goes on without it. Start it
 * before any SQLite database is open in this process: SQLite's open files
 * must not cross a fork (the child closes every descriptor but its own).
 */
enum poise_status team_stream_start(const char *conninfo, const char *db_path,
				    struct team_stream **out, struct poise_error *err);
/* The call call_id has a new event in the local log. Never blocks, never fails. */
void team_stream_note(struct team_stream *s, const char *call_id);
/*
 * Stop: the streamer sends what it has (one more try) and ends. Waits up to
 * wait_ms for it, then leaves it to finish alone. s is freed.
 */
void team_stream_stop(struct team_stream *s, int wait_ms);
/* The streamer's process (tests). */
pid_t team_stream_pid(const struct team_stream *s);

/* --- the floor (a supervisor's side) --- */

struct team_floor_alert {
	char call_id[FIELD_CALL_ID_LEN + 1];
	char agent[FIELD_AGENT_MAX + 1];
	char customer[FIELD_CUSTOMER_MAX + 1];
	enum floor_alert alert;
	int level;    /* the warning's level */
	int64_t seq;  /* the event's */
	int64_t t;    /* the event's time (the agent's clock) */
	int64_t seen; /* when the floor read it (the now given to team_floor_poll) */
};

struct team_floor;

/*
 * LISTEN on TEAM_FLOOR_CHANNEL and load the live calls. The floor takes t
 * (closed by team_floor_close). Alerts are raised only for events read after
 * this, not for those of the calls as loaded.
 */
enum poise_status team_floor_open(struct team *t, int64_t now, struct team_floor **out,
				  struct poise_error *err);
void team_floor_close(struct team_floor *f);
/*
 * The server connection's socket, to wait on (poll/select) for reading; -1
 * while the floor waits to try the server again.
 */
int team_floor_socket(const struct team_floor *f);
/*
 * Read the notifications that arrived (never waits for one) and the new
 * events of each call named. *alerts gets the number of new alerts. A lost
 * connection is POISE_IO with err saying so; later polls connect again (a
 * step a poll; a tenth of a second after the loss, then at most every half
 * second),
 * set the new session up as team_connect does, and read what was missed.
 */
enum poise_status team_floor_poll(struct team_floor *f, int64_t now, size_t *alerts,
				  struct poise_error *err);
/* The live calls' rows at now, sorted (floor.h); valid until the next call on f. */
size_t team_floor_rows(struct team_floor *f, int64_t now, const struct floor_row **rows);
/* Every alert raised since open (the oldest first, at most TEAM_FLOOR_ALERTS_MAX kept). */
#define TEAM_FLOOR_ALERTS_MAX 1000
size_t team_floor_alerts(const struct team_floor *f, const struct team_floor_alert **alerts);

#endif
