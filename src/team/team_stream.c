/*
 * team_stream.c - the streamer: a live call's events to the server as they
 * are logged (team_floor.h).
 *
 * A child process, forked before the call screen starts (no thread, no
 * curses, no open database in the parent yet). The call screen writes the
 * call's id ("<uuid>\n", 37 bytes, one atomic write) to a Unix socket after
 * each event it stored, with MSG_DONTWAIT | MSG_NOSIGNAL: a full socket or
 * a dead child costs the key nothing. The child reads the ids, reads each
 * call's new events from the local database (the truth, side log
 * included) and sends them: the first time, the playbook text and the
 * call's row (ON CONFLICT DO NOTHING: sync fills in the rest later); then,
 * each time, one statement (one round trip, one transaction) inserting the
 * new events (ON CONFLICT DO NOTHING, by call and seq) and notifying
 * poise_floor with the call's id, which the server delivers to the floors
 * when it commits.
 *
 * A failure drops the connection and tries again 1, 2, 4 ... 16 s later,
 * from the last event the server has. The end of the socket (the call
 * screen quit, however) makes one last try, then the child ends. It
 * ignores the terminal's signals (the call screen records them and quits),
 * writes nothing to the terminal, and leaves with _exit: the parent's exit
 * handlers are not its own.
 */
#define _GNU_SOURCE /* close_range */
#include "team_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "poise/team_floor.h"
#include "poise/text.h"

#define ID_LEN	     FIELD_CALL_ID_LEN
#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 16000
#define CALLS_MAX    64 /* live calls followed at once; one window has one */

struct team_stream {
	pid_t pid;
	int fd;
};

/* A call the child follows: its events up to sent are on the server (-1: not asked yet). */
struct follow {
	char id[ID_LEN + 1];
	int64_t sent;
};

struct child {
	const char *conninfo, *db;
	struct store *st;
	struct team *t;
	struct follow calls[CALLS_MAX];
	size_t n;
	int64_t retry_at, retry_ms;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void follow(struct child *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->calls[i].id, id) == 0)
			return;
	if (c->n == CALLS_MAX) /* the oldest goes; sync sends it in any case */
		memmove(c->calls, c->calls + 1, --c->n * sizeof(c->calls[0]));
	memcpy(c->calls[c->n].id, id, ID_LEN);
	c->calls[c->n].id[ID_LEN] = '\0';
	c->calls[c->n++].sent = -1;
}

static void drop(struct child *c, size_t i)
{
	memmove(c->calls + i, c->calls + i + 1, (--c->n - i) * sizeof(c->calls[0]));
}

/* Run a parameterised statement; 0 when it succeeded. *res gets a result with rows, if asked. */
static int run(struct team *t, const char *sql, int n, const char *const *v, PGresult **res)
{
	PGresult *r = PQexecParams(t->pg, sql, n, NULL, v, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(r);
	int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;

	if (ok && res)
		*res = r;
	else
		PQclear(r);
	return ok ? 0 : -1;
}

/* The call's new events as a JSON array, for one statement (json_to_recordset). */
struct sending {
	FILE *json;
	int64_t after, last;
	int n, ended;
};

static int add_event(void *ctx, const struct event *ev)
{
	struct sending *s = ctx;

	if (ev->seq <= s->after)
		return 0;
	fprintf(s->json, "%s{\"seq\":%lld,\"t\":%lld,\"kind\":\"%s\",\"stage\":\"%s\",\"a\":%d,"
		"\"b\":%d,\"text\":",
		s->n++ ? "," : "[", (long long)ev->seq, (long long)ev->t, event_kind_key(ev->kind),
		stage_key((enum stage)ev->stage), ev->a, ev->b);
	text_json_str(s->json, ev->text);
	fputc('}', s->json);
	s->last = ev->seq;
	s->ended |= ev->kind == EV_END || ev->kind == EV_INTERRUPTED;
	return 0;
}

/* The call's row and playbook text, when the server may lack them. */
static int send_call(struct child *c, const struct call_meta *m)
{
	char started[24], *text = NULL;
	size_t len;
	struct poise_error err;
	int rc;

	if (store_playbook_text(c->st, m->playbook_hash, &text, &len, &err) != POISE_OK)
		return -1;
	{
		const char *v[4] = {m->playbook_hash, m->playbook_id, m->playbook_version, text};

		rc = run(c->t,
			 "INSERT INTO poise.playbook_texts (hash, id, version, text) "
			 "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			 4, v, NULL);
	}
	free(text);
	snprintf(started, sizeof(started), "%lld", (long long)m->started);
	if (rc == 0) {
		const char *v[8] = {m->id,	    m->agent,		 m->customer,
				    m->ref,	    m->playbook_id,	 m->playbook_version,
				    m->playbook_hash, started};

		rc = run(c->t,
			 "INSERT INTO poise.calls (id, agent, customer, customer_ref, playbook_id,"
			 " playbook_version, playbook_hash, started_at) VALUES ($1, $2, $3, $4,"
			 " $5, $6, $7, $8) ON CONFLICT DO NOTHING",
			 8, v, NULL);
	}
	return rc;
}

/*
 * Send call i's new events; 0 done (forget: the call ended, or is not
 * ours), -1 the connection failed. One statement, so one round trip and
 * one transaction: the events and the notification, which the server
 * delivers when it commits. The first time, the call's row and playbook
 * text go first and the server says where it is.
 */
static int send_one(struct child *c, size_t i, int *forget)
{
	struct follow *f = &c->calls[i];
	struct call_meta m;
	struct poise_error err;
	struct sending s = {NULL, f->sent, f->sent, 0, 0};
	char *json = NULL;
	size_t len = 0;
	PGresult *res = NULL;
	int rc = 0;

	*forget = 0;
	if (store_call_meta(c->st, f->id, &m, &err) != POISE_OK ||
	    strcmp(m.agent, team_role(c->t)) != 0) {
		*forget = 1; /* not ours to send: sync says so */
		return 0;
	}
	if (f->sent < 0) {
		const char *v[1] = {f->id};

		if (send_call(c, &m) != 0 ||
		    run(c->t, "SELECT coalesce(max(seq), 0) FROM poise.events WHERE call_id = $1",
			1, v, &res) != 0)
			return -1;
		f->sent = s.after = s.last = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	if (!(s.json = open_memstream(&json, &len)))
		return -1;
	if (store_call_events(c->st, f->id, add_event, &s, &err) != POISE_OK) {
		fclose(s.json);
		free(json);
		return -1;
	}
	fputs(s.n ? "]" : "[]", s.json);
	fclose(s.json);
	if (s.n) {
		const char *v[2] = {f->id, json};

		rc = run(c->t,
			 "WITH ins AS (INSERT INTO poise.events (call_id, seq, t, kind, stage, a, b,"
			 " text) SELECT $1::text::uuid, e.seq, e.t, e.kind, e.stage, e.a, e.b, e.text"
			 " FROM json_to_recordset($2::json) AS e(seq integer, t bigint, kind text,"
			 " stage text, a integer, b integer, text text) ON CONFLICT DO NOTHING"
			 " RETURNING 1)"
			 " SELECT pg_notify('" TEAM_FLOOR_CHANNEL "', $1::text), (SELECT count(*) FROM ins)",
			 2, v, NULL);
	}
	free(json);
	if (rc != 0)
		return -1;
	f->sent = s.last;
	*forget = s.ended;
	return 0;
}

/* Send what is new of every call followed; on failure, set the next try. */
static void flush(struct child *c)
{
	struct poise_error err;
	int failed = 0;

	if (c->n == 0 || mono_ms() < c->retry_at)
		return;
	if (!c->st && store_open(c->db, STORE_READONLY, &c->st, &err) != POISE_OK)
		failed = 1;
	if (!failed && !c->t) {
		if (team_connect(c->conninfo, &c->t, &err) != POISE_OK)
			failed = 1;
		else
			for (size_t i = 0; i < c->n; i++)
				c->calls[i].sent = -1; /* ask the server where it is */
	}
	for (size_t i = 0; !failed && i < c->n;) {
		int forget;

		if (send_one(c, i, &forget) != 0)
			failed = 1;
		else if (forget)
			drop(c, i);
		else
			i++;
	}
	if (!failed) {
		c->retry_ms = 0;
		return;
	}
	team_close(c->t);
	c->t = NULL;
	c->retry_ms = c->retry_ms ? c->retry_ms * 2 : RETRY_MIN_MS;
	if (c->retry_ms > RETRY_MAX_MS)
		c->retry_ms = RETRY_MAX_MS;
	c->retry_at = mono_ms() + c->retry_ms;
}

static void child_main(const char *conninfo, const char *db, int fd)
{
	struct child c = {.conninfo = conninfo, .db = db};
	char buf[4096];
	size_t have = 0;
	int eof = 0, null = open("/dev/null", O_RDWR);

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	while (!eof) {
		struct pollfd p = {fd, POLLIN, 0};
		int wait = -1;
		ssize_t got;

		if (c.retry_ms && c.n) {
			int64_t left = c.retry_at - mono_ms();

			wait = left > 0 ? (int)left : 0;
		}
		if (poll(&p, 1, wait) < 0 && errno != EINTR)
			break;
		if (p.revents) {
			got = read(fd, buf + have, sizeof(buf) - have);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				eof = 1;
			} else {
				size_t off = 0;

				have += (size_t)got;
				for (; have - off >= ID_LEN + 1; off += ID_LEN + 1)
					if (buf[off + ID_LEN] == '\n' && limits_call_id(buf + off, 0))
						follow(&c, buf + off);
				memmove(buf, buf + off, have - off);
				have -= off;
				if (have == sizeof(buf)) /* no id in a full buffer: not ours */
					have = 0;
			}
		}
		if (eof)
			c.retry_at = 0; /* the last try is now */
		flush(&c);
	}
	team_close(c.t);
	store_close(c.st);
	close(fd);
}

enum poise_status team_stream_start(const char *conninfo, const char *db_path,
				    struct team_stream **out, struct poise_error *err)
{
	struct team_stream *s = calloc(1, sizeof(*s));
	int sv[2];

	*out = NULL;
	if (!s)
		return poise_error_nomem(err);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		free(s);
		return poise_error_set(err, POISE_IO, NULL, 0, 0,
				       "cannot start streaming to the server: %s", strerror(errno));
	}
	fflush(NULL); /* nothing buffered is written twice */
	s->pid = fork();
	if (s->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		free(s);
		return poise_error_set(err, POISE_IO, NULL, 0, 0,
				       "cannot start streaming to the server: %s", strerror(errno));
	}
	if (s->pid == 0) {
		/*
		 * Only its own end stays open: another process's descriptors
		 * (the other end of an older streamer's socket, in a test that
		 * starts many) would keep that streamer from seeing its end.
		 */
		if (sv[0] != 3 && dup2(sv[0], 3) != 3)
			_exit(1);
		close_range(4, ~0U, 0);
		child_main(conninfo, db_path, 3);
		_exit(0);
	}
	close(sv[0]);
	s->fd = sv[1];
	*out = s;
	return POISE_OK;
}

void team_stream_note(struct team_stream *s, const char *call_id)
{
	char line[ID_LEN + 1];

	if (!s || s->fd < 0 || strlen(call_id) != ID_LEN)
		return;
	memcpy(line, call_id, ID_LEN);
	line[ID_LEN] = '\n';
	/* Full (the child is busy and has the id already, or will read the log): no matter. */
	(void)!send(s->fd, line, sizeof(line), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void team_stream_stop(struct team_stream *s, int wait_ms)
{
	if (!s)
		return;
	close(s->fd);
	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(s->pid, NULL, WNOHANG);

		if (r == s->pid || (r < 0 && errno != EINTR) || waited >= wait_ms)
			break;
		usleep(10000);
	}
	free(s);
}

pid_t team_stream_pid(const struct team_stream *s)
{
	return s->pid;
}
