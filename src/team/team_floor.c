/*
 * team_floor.c - the supervisor's live floor from the server (team_floor.h).
 *
 * LISTEN poise_floor, then load every call that is open, started within
 * TEAM_FLOOR_WINDOW_MS, and fold its events (call.h) under the playbook
 * text the call started with (one parse per text). Each notification names
 * a call: its events after the last one folded are read and folded, and
 * each that floor.h calls an alert is raised. What a notification says is
 * only where to look: the alert comes from the event row itself, which
 * row-level security let its agent write only into their own call.
 * A call that ends (END, INTERRUPTED) leaves the floor; a RESUME brings it
 * back (its whole log is read again). The floor remembers where each of the
 * last FLOOR_GONE_MAX calls to leave it ended, so a notification that comes
 * after the end (the agent's last events sent in two statements) or a
 * RESUME raises the alerts of the events after that end, never again the
 * call's earlier ones.
 */
#include "team_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "poise/team_floor.h"
#include "poise/text.h"

/*
 * A lost server is tried again after RECONNECT_FIRST_MS, then after twice
 * as long each time up to RECONNECT_MAX_MS: back within a second of the
 * server, and a try is a step a tick, never a wait.
 */
#define RECONNECT_FIRST_MS 100
#define RECONNECT_MAX_MS   500
#define FLOOR_GONE_MAX	   256

/* A call that left the floor, and the last of its events folded. */
struct gone {
	char id[FIELD_CALL_ID_LEN + 1];
	int64_t seq;
};

struct fcall {
	struct call_meta meta;
	struct call_state cs;
	int64_t seq;   /* events folded up to this */
	int raise;     /* the refresh under way raises this call's alerts */
	int64_t quiet; /* ... of its events after this seq (those before were raised) */
};

struct team_floor {
	struct team *t;
	struct fcall **calls;
	size_t n, cap;
	struct pb_cache pbs; /* the calls' playbooks, read from the server once */
	struct team_floor_alert *alerts;
	size_t nalerts;
	struct floor_row *rows;
	size_t rcap;
	struct gone gone[FLOOR_GONE_MAX]; /* a ring: the next goes at ngone % FLOOR_GONE_MAX */
	size_t ngone;
	int lost;	  /* 0 connected, 1 waiting to retry, 2 reconnecting */
	int64_t retry_at, backoff;
};

static PGresult *query(struct team_floor *f, const char *sql, int n, const char *const *v,
		       const char *what, enum poise_status *ps, struct poise_error *err)
{
	PGresult *r = PQexecParams(f->t->pg, sql, n, NULL, v, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		*ps = team_fail(f->t, r, what, err);
		PQclear(r);
		return NULL;
	}
	*ps = POISE_OK;
	return r;
}

static int stage_of(const char *key)
{
	for (int s = 0; s < STAGE_COUNT; s++)
		if (strcmp(stage_key((enum stage)s), key) == 0)
			return s;
	return -1;
}

/* The playbook of hash, read and parsed once; NULL when it cannot be had. */
static const struct playbook *playbook_of(struct team_floor *f, const char *hash,
					  enum poise_status *ps, struct poise_error *err)
{
	const char *v[1] = {hash};
	struct playbook *pb = NULL;
	struct poise_error perr;
	PGresult *r;

	*ps = POISE_OK;
	if (pb_cache_get(&f->pbs, hash, &pb))
		return pb;
	r = query(f, "SELECT text FROM poise.playbook_texts WHERE hash = $1", 1, v,
		  "read a playbook from the server", ps, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 1)
		playbook_load_text(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), hash, &pb,
				   &perr);
	PQclear(r);
	/* NULL too: a text that did not load is not read again. */
	if (!pb_cache_put(&f->pbs, hash, pb))
		*ps = poise_error_nomem(err);
	return *ps == POISE_OK ? pb : NULL;
}

/* Where the call of id ended when it last left the floor; 0 when it never did. */
static int64_t gone_at(const struct team_floor *f, const char *id)
{
	size_t n = f->ngone < FLOOR_GONE_MAX ? f->ngone : FLOOR_GONE_MAX;

	for (size_t i = 0; i < n; i++)
		if (strcmp(f->gone[i].id, id) == 0)
			return f->gone[i].seq;
	return 0;
}

/* The call i leaves the floor; an ended one is remembered (gone_at). */
static void call_drop(struct team_floor *f, size_t i)
{
	const struct fcall *c = f->calls[i];

	if (c->cs.phase == CALL_DONE || c->cs.phase == CALL_INTERRUPTED) {
		struct gone *g = &f->gone[f->ngone++ % FLOOR_GONE_MAX];

		snprintf(g->id, sizeof(g->id), "%s", c->meta.id);
		g->seq = c->seq;
	}
	call_free(&f->calls[i]->cs);
	free(f->calls[i]);
	memmove(f->calls + i, f->calls + i + 1, (f->n - i - 1) * sizeof(f->calls[0]));
	f->n--;
}

static void raise_alert(struct team_floor *f, const struct fcall *c, const struct event *ev,
			int64_t now)
{
	struct team_floor_alert *a;

	if (!f->alerts && !(f->alerts = calloc(TEAM_FLOOR_ALERTS_MAX, sizeof(*f->alerts))))
		return;
	if (f->nalerts == TEAM_FLOOR_ALERTS_MAX)
		memmove(f->alerts, f->alerts + 1, --f->nalerts * sizeof(*f->alerts));
	a = &f->alerts[f->nalerts++];
	memset(a, 0, sizeof(*a));
	snprintf(a->call_id, sizeof(a->call_id), "%s", c->meta.id);
	snprintf(a->agent, sizeof(a->agent), "%s", c->meta.agent);
	snprintf(a->customer, sizeof(a->customer), "%s", c->meta.customer);
	a->alert = floor_alert_of(ev);
	a->level = ev->a;
	a->seq = ev->seq;
	a->t = ev->t;
	a->seen = now;
}

/* A call the floor does not follow yet: its row and playbook; NULL when not to be shown. */
static struct fcall *call_add(struct team_floor *f, const char *id, enum poise_status *ps,
			      struct poise_error *err)
{
	const char *v[1] = {id};
	const struct playbook *pb;
	struct fcall *c;
	PGresult *r = query(f,
			    "SELECT agent, customer, customer_ref, playbook_id, playbook_version,"
			    " playbook_hash, started_at FROM poise.calls WHERE id = $1::text::uuid",
			    1, v, "read a call from the server", ps, err);

	if (!r)
		return NULL;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return NULL;
	}
	if (!(pb = playbook_of(f, PQgetvalue(r, 0, 5), ps, err))) {
		PQclear(r);
		return NULL;
	}
	if ((f->n == f->cap &&
	     !(f->calls = realloc(f->calls, (f->cap = f->cap ? f->cap * 2 : 32) * sizeof(c)))) ||
	    !(c = calloc(1, sizeof(*c)))) {
		PQclear(r);
		*ps = poise_error_nomem(err);
		return NULL;
	}
	/* The server does not bound names: a long one is cut between characters. */
	text_copy(c->meta.id, sizeof(c->meta.id), id);
	text_copy(c->meta.agent, sizeof(c->meta.agent), PQgetvalue(r, 0, 0));
	text_copy(c->meta.customer, sizeof(c->meta.customer), PQgetvalue(r, 0, 1));
	text_copy(c->meta.ref, sizeof(c->meta.ref), PQgetvalue(r, 0, 2));
	text_copy(c->meta.playbook_id, sizeof(c->meta.playbook_id), PQgetvalue(r, 0, 3));
	text_copy(c->meta.playbook_version, sizeof(c->meta.playbook_version), PQgetvalue(r, 0, 4));
	text_copy(c->meta.playbook_hash, sizeof(c->meta.playbook_hash), PQgetvalue(r, 0, 5));
	c->meta.started = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
	PQclear(r);
	if (call_init(&c->cs, pb) != POISE_OK) {
		free(c);
		*ps = poise_error_nomem(err);
		return NULL;
	}
	f->calls[f->n++] = c;
	return c;
}

/* The followed call of id; NULL when none. */
static struct fcall *call_of(struct team_floor *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->calls[i]->meta.id, id) == 0)
			return f->calls[i];
	return NULL;
}

/*
 * Read and fold the new events of the calls ids (valid call ids), all in
 * one query; raise alerts for the calls followed before (raise_known) and
 * those new to the floor (raise_new).
 */
static enum poise_status refresh(struct team_floor *f, char (*ids)[FIELD_CALL_ID_LEN + 1],
				 size_t n, int raise_known, int raise_new, int64_t now,
				 size_t *alerts, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	size_t idlen = 3 + n * (FIELD_CALL_ID_LEN + 1), seqlen = 3 + n * 24, ilen = 0, slen = 0;
	char *idarr = malloc(idlen), *seqarr = malloc(seqlen);
	const char *v[2] = {idarr, seqarr};
	struct fcall *c = NULL;
	PGresult *r;

	if (!idarr || !seqarr) {
		free(idarr);
		free(seqarr);
		return poise_error_nomem(err);
	}
	idarr[ilen++] = '{';
	seqarr[slen++] = '{';
	for (size_t k = 0; k < n && ps == POISE_OK; k++) {
		int known = (c = call_of(f, ids[k])) != NULL;

		if (!c && !(c = call_add(f, ids[k], &ps, err)))
			continue; /* not a call this role may see, or an error (ps) */
		c->raise = known ? raise_known : raise_new;
		if (!known)
			c->quiet = gone_at(f, ids[k]);
		ilen += (size_t)snprintf(idarr + ilen, idlen - ilen, "%s%s", ilen > 1 ? "," : "",
					 ids[k]);
		slen += (size_t)snprintf(seqarr + slen, seqlen - slen, "%s%lld", slen > 1 ? "," : "",
					 (long long)c->seq);
	}
	idarr[ilen] = '}'; /* room: "{", 37 bytes an id or 24 a seq at most, "}", NUL */
	idarr[ilen + 1] = '\0';
	seqarr[slen] = '}';
	seqarr[slen + 1] = '\0';
	r = ps != POISE_OK || ilen == 1
		    ? NULL
		    : query(f,
			    "SELECT e.call_id, e.seq, e.t, e.kind, e.stage, e.a, e.b, e.text"
			    " FROM unnest($1::uuid[], $2::bigint[]) AS k(id, after)"
			    " JOIN poise.events e ON e.call_id = k.id AND e.seq > k.after"
			    " ORDER BY e.call_id, e.seq",
			    2, v, "read the calls' events from the server", &ps, err);
	free(idarr);
	free(seqarr);
	c = NULL;
	for (int row = 0; r && row < PQntuples(r); row++) {
		int kind = event_kind_from_key(PQgetvalue(r, row, 3));
		int stage = stage_of(PQgetvalue(r, row, 4));
		struct event ev = {.seq = strtoll(PQgetvalue(r, row, 1), NULL, 10),
				   .t = strtoll(PQgetvalue(r, row, 2), NULL, 10),
				   .kind = (enum event_kind)kind,
				   .stage = stage,
				   .a = atoi(PQgetvalue(r, row, 5)),
				   .b = atoi(PQgetvalue(r, row, 6)),
				   .text = PQgetisnull(r, row, 7) ? NULL : PQgetvalue(r, row, 7)};

		if ((!c || strcmp(c->meta.id, PQgetvalue(r, row, 0)) != 0) &&
		    !(c = call_of(f, PQgetvalue(r, row, 0))))
			continue;
		c->seq = ev.seq;
		/* Outside data: an event the fold refuses is left out, as review does. */
		if (kind < 0 || stage < 0 || call_apply(&c->cs, &ev) != POISE_OK)
			continue;
		if (c->raise && ev.seq > c->quiet && floor_alert_of(&ev) != FLOOR_ALERT_NONE) {
			raise_alert(f, c, &ev, now);
			(*alerts)++;
		}
	}
	PQclear(r);
	for (size_t i = f->n; i > 0; i--)
		if (f->calls[i - 1]->cs.phase == CALL_DONE ||
		    f->calls[i - 1]->cs.phase == CALL_INTERRUPTED)
			call_drop(f, i - 1);
	return ps;
}

/* LISTEN, then (again) every live call's events; alerts for the calls already followed. */
static enum poise_status load(struct team_floor *f, int64_t now, size_t *alerts,
			      struct poise_error *err)
{
	enum poise_status ps;
	char since[24];
	const char *v[1] = {since};
	PGresult *r;
	char(*ids)[FIELD_CALL_ID_LEN + 1];
	int n;

	if ((ps = team_check_version(f->t, err)) != POISE_OK ||
	    (ps = team_exec(f->t, "LISTEN " TEAM_FLOOR_CHANNEL, "listen to the floor", err)) !=
		    POISE_OK)
		return ps;
	snprintf(since, sizeof(since), "%lld", (long long)(now - TEAM_FLOOR_WINDOW_MS));
	r = query(f,
		  "SELECT id FROM poise.calls WHERE status = 'open' AND started_at >= $1::bigint"
		  " ORDER BY started_at",
		  1, v, "read the live calls from the server", &ps, err);
	if (!r)
		return ps;
	n = PQntuples(r);
	if (!(ids = calloc((size_t)n + 1, sizeof(*ids)))) {
		PQclear(r);
		return poise_error_nomem(err);
	}
	for (int i = 0; i < n; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	ps = refresh(f, ids, (size_t)n, 1, 0, now, alerts, err);
	free(ids);
	return ps;
}

enum poise_status team_floor_open(struct team *t, int64_t now, struct team_floor **out,
				  struct poise_error *err)
{
	struct team_floor *f = calloc(1, sizeof(*f));
	enum poise_status ps;
	size_t alerts = 0;

	*out = NULL;
	if (!f) {
		team_close(t);
		return poise_error_nomem(err);
	}
	f->t = t;
	ps = load(f, now, &alerts, err);
	return POISE_HAND_OUT(ps, f, out, team_floor_close);
}

void team_floor_close(struct team_floor *f)
{
	if (!f)
		return;
	while (f->n)
		call_drop(f, f->n - 1);
	free(f->calls);
	pb_cache_free(&f->pbs);
	free(f->alerts);
	free(f->rows);
	team_close(f->t);
	free(f);
}

int team_floor_socket(const struct team_floor *f)
{
	/* Reconnecting, the socket says when the server's next answer is there. */
	return f->lost == 1 ? -1 : PQsocket(f->t->pg);
}

/* Not connected (or not set up): try again later, a little later each time. */
static void retry_later(struct team_floor *f, int64_t now)
{
	if (!f->lost)
		f->backoff = RECONNECT_FIRST_MS;
	else if ((f->backoff *= 2) > RECONNECT_MAX_MS)
		f->backoff = RECONNECT_MAX_MS;
	f->lost = 1;
	f->retry_at = now + f->backoff;
}

/* The connection is gone, or a try to make it again failed: try again later. */
static enum poise_status lost(struct team_floor *f, int64_t now, struct poise_error *err)
{
	retry_later(f, now);
	return poise_error_set(err, POISE_IO, NULL, 0, 0,
			       "lost the server (%.200s): trying again; the agents' "
			       "calls are safe on their machines",
			       PQerrorMessage(f->t->pg)[0] ? PQerrorMessage(f->t->pg) : "closed");
}

enum poise_status team_floor_poll(struct team_floor *f, int64_t now, size_t *alerts,
				  struct poise_error *err)
{
	enum poise_status ps = POISE_OK;
	PGnotify *nf;
	char(*ids)[FIELD_CALL_ID_LEN + 1] = NULL;
	size_t n = 0, cap = 0;

	*alerts = 0;
	if (f->lost) {
		/* Reconnect a step a tick (PQresetStart/PQresetPoll), so the screen and
		 * its keys never wait on a server that does not answer. */
		PostgresPollingStatusType r = PGRES_POLLING_READING;

		if (f->lost == 1 && now < f->retry_at)
			return poise_error_set(err, POISE_IO, NULL, 0, 0,
					       "lost the server: trying again");
		if (f->lost == 1)
			r = PQresetStart(f->t->pg) ? PGRES_POLLING_WRITING : PGRES_POLLING_FAILED;
		if (r != PGRES_POLLING_FAILED)
			r = PQresetPoll(f->t->pg);
		if (r == PGRES_POLLING_FAILED)
			return lost(f, now, err);
		if (r != PGRES_POLLING_OK) {
			f->lost = 2;
			return poise_error_set(err, POISE_IO, NULL, 0, 0,
					       "lost the server: connecting again");
		}
		/* A new session: set up as team_connect's, then LISTEN and catch up (load).
		 * Connected only when both are done: a set-up refused on a live connection
		 * (the role's rights, the schema's version) would hear nothing, so it is
		 * tried again as a lost server is, its own error said meanwhile. */
		if ((ps = team_session(f->t, err)) != POISE_OK ||
		    (ps = load(f, now, alerts, err)) != POISE_OK) {
			if (PQstatus(f->t->pg) != CONNECTION_OK)
				return lost(f, now, err);
			retry_later(f, now);
			return ps;
		}
		f->lost = 0;
	}
	if (!PQconsumeInput(f->t->pg) || PQstatus(f->t->pg) != CONNECTION_OK)
		return lost(f, now, err);
	/* Each call once, however many of its events arrived. */
	while ((nf = PQnotifies(f->t->pg))) {
		int dup = 0;

		for (size_t i = 0; i < n && !dup; i++)
			dup = strcmp(ids[i], nf->extra) == 0;
		if (!dup && strlen(nf->extra) == FIELD_CALL_ID_LEN && limits_call_id(nf->extra, 1)) {
			if (n == cap) {
				void *p = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof(*ids));

				if (!p) {
					PQfreemem(nf);
					free(ids);
					return poise_error_nomem(err);
				}
				ids = p;
			}
			snprintf(ids[n++], sizeof(ids[0]), "%s", nf->extra);
		}
		PQfreemem(nf);
	}
	if (n)
		ps = refresh(f, ids, n, 1, 1, now, alerts, err);
	free(ids);
	if (ps != POISE_OK && PQstatus(f->t->pg) != CONNECTION_OK)
		return lost(f, now, err);
	return ps;
}

size_t team_floor_rows(struct team_floor *f, int64_t now, const struct floor_row **rows)
{
	size_t n = 0;

	if (f->rcap < f->n) {
		free(f->rows);
		f->rcap = f->n;
		if (!(f->rows = calloc(f->rcap, sizeof(*f->rows))))
			f->rcap = 0;
	}
	for (size_t i = 0; i < f->n && n < f->rcap; i++) {
		const struct fcall *c = f->calls[i];

		if (c->cs.phase != CALL_TALK && c->cs.phase != CALL_WRAPUP)
			continue;
		if (c->cs.last_t < now - TEAM_FLOOR_STALE_MS)
			continue;
		floor_row_make(&f->rows[n++], &c->meta, &c->cs, now);
	}
	floor_sort(f->rows, n);
	*rows = f->rows;
	return n;
}

size_t team_floor_alerts(const struct team_floor *f, const struct team_floor_alert **alerts)
{
	*alerts = f->alerts;
	return f->nalerts;
}
