/*
 * team.h - the centre's PostgreSQL server: one place for a team's calls.
 *
 * Owns: connecting to the server (one URL, or libpq's PG* variables and
 * service file; never a password given on the command line), creating and
 * upgrading the central schema with its roles and row-level security
 * (`poise server init`), and `poise sync`: pushing this agent's calls,
 * events, follow-up changes and kept figures the server lacks, and pulling
 * reviews of their calls, follow-up state and published playbooks.
 * Does not own: the local SQLite log (store.h, store_sync.h): the agent's
 * own file stays the live path, and nothing here is needed to take a call.
 * The server schema is documented in docs/database.md ("The team server").
 *
 * This is its own library (poise_team, src/team), the only code that links
 * libpq; the core knows nothing of it.
 */
#ifndef POISE_TEAM_H
#define POISE_TEAM_H

#include <stddef.h>
#include <stdint.h>

#include "poise/status.h"
#include "poise/store.h"

/* The version `poise server init` brings the central schema to. */
#define TEAM_SCHEMA_VERSION 4

struct team;

/*
 * Where the server is: url (a libpq URL or "key=value" string) when not
 * NULL or empty, else $POISE_SERVER (getenv_fn), else libpq's own PGHOST,
 * PGHOSTADDR, PGSERVICE or PGDATABASE. With none of them set there is no
 * server: POISE_NOT_FOUND, and nothing is sent anywhere. A URL that holds a
 * password is refused (POISE_USAGE): passwords belong in ~/.pgpass
 * (PGPASSFILE). *out is the string to connect with ("" for libpq's
 * defaults), pointing into url or the environment.
 */
enum poise_status team_server(const char *url, const char *(*getenv_fn)(const char *),
			      const char **out, struct poise_error *err);

/*
 * Connect (libpq: PQconnectdbParams, application_name poise). A server out
 * of reach is POISE_IO, its advice for whom: an agent (their calls stay
 * safe on this machine and sync later; team_connect) or the team's desk, a
 * supervisor or trainer reading or writing the team (the address to
 * check, the data here unchanged).
 */
enum team_reader { TEAM_FOR_AGENT, TEAM_FOR_DESK };
enum poise_status team_connect_for(const char *conninfo, enum team_reader who, struct team **out,
				   struct poise_error *err);
enum poise_status team_connect(const char *conninfo, struct team **out, struct poise_error *err);
void team_close(struct team *t);
/* The database role this connection is: an agent's role is named as the agent. */
const char *team_role(const struct team *t);
/* The poise group roles it has the privileges of, space-separated ("": none). */
const char *team_groups(const struct team *t);

/*
 * Create or upgrade the central schema (schema poise) and the group roles
 * poise_agent, poise_supervisor and poise_trainer, each step in one
 * transaction. *from and *to (may be NULL) get the versions before and after.
 * Run by the database's owner; POISE_DB_NEWER for a newer server schema.
 */
enum poise_status team_init(struct team *t, int *from, int *to, struct poise_error *err);

/* What a sync moved. */
struct team_sync_counts {
	size_t calls, events, followups, figures;  /* pushed (new or changed on the server) */
	size_t others;				   /* local calls of other agents, not pushed */
	size_t reviews, followups_done, playbooks; /* pulled into the local database */
	size_t replies_sent;			   /* the agent's replies the server has now */
	size_t scores, replies;			   /* QA scores and replies pulled */
	size_t refused;	       /* local calls not pushed: their rows fail merge's checks */
	char refused_why[400]; /* the first of them and why, made safe */
};

/* Where team_sync stops to call the test hook. */
enum team_hook {
	TEAM_HOOK_STAGED,    /* a batch is ready (a big one copied to staging), before its
				INSERTs and COMMIT go */
	TEAM_HOOK_COMMITTED, /* the server committed a batch, before it is marked locally */
};

struct team_sync_opts {
	size_t batch; /* calls per server transaction; 0: the default (2000) */
	/* A batch of this many calls or more goes by COPY through staging; a smaller
	 * one as plain INSERTs in one round trip. 0: the default (50). */
	size_t copy_from;
	/* Tests: called at each hook; non-zero makes the sync stop there with POISE_IO. */
	int (*hook)(void *ctx, enum team_hook where, size_t batch_no);
	void *ctx;
};

/*
 * Push what the server lacks of this agent's calls (agent = team_role),
 * then pull what belongs to them. Idempotent: by call id and event seq on
 * the server, by a local record of what was pushed and pulled. A broken
 * connection leaves every batch either whole on the server or absent, and
 * the next sync completes it. o may be NULL. A call whose row fails
 * merge_check_call (a database edited by hand: control characters, names
 * over their limits, bad times) is not pushed, counted in n->refused and
 * the first named in n->refused_why; the rest are pushed, and it stays
 * waiting here.
 */
enum poise_status team_sync(struct team *t, struct store *st, const struct team_sync_opts *o,
			    struct team_sync_counts *n, struct poise_error *err);

/*
 * A trainer publishes a playbook: its id, version, hash and whole text
 * (extends: resolved), published_by the role. *added is 0 when the same
 * text was published already. The same id and version with another text
 * is refused (POISE_INVALID: raise the version), so a version names one
 * text on every agent's machine.
 */
enum poise_status team_publish(struct team *t, const char *id, const char *version,
			       const char *hash, const char *text, int *added,
			       struct poise_error *err);

/* What a mirror pull moved. */
struct team_mirror_counts {
	size_t reviews_sent, followups_sent;	       /* written in the mirror, sent up */
	size_t calls, events, reviews, followups_done; /* new or changed, brought down */
	size_t scores_sent;			       /* QA scores made here, on the server now */
	size_t scores, replies;			       /* QA scores and replies brought down */
	size_t refused;				       /* calls left on the server: their checks failed */
	char refused_why[400];			       /* the first of them and why, made safe */
};

/*
 * A supervisor's copy of the whole team: st is a poise database of its own
 * (the mirror, never an agent's live file) that every reading command
 * (review, show, report, export, followups) reads unchanged. Sends the
 * reviews written in it and the follow-ups closed in it, then brings down
 * what changed on the server since the last time (calls and their events,
 * reviews, follow-ups closed), checked as `poise merge` checks a file.
 * A call that fails those checks (another agent's machine wrote control
 * characters, an unknown event kind, a missing playbook) is left out and
 * counted in n->refused, the first named in n->refused_why; the rest of
 * the team still comes down (one bad row never blinds the supervisor).
 * Incremental and idempotent like team_sync; what a role may read is the
 * server's row-level security's to say (an agent mirrors their own calls).
 */
enum poise_status team_mirror(struct team *t, struct store *st, struct team_mirror_counts *n,
			      struct poise_error *err);

#endif
