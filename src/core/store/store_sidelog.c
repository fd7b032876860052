/*
 * store_sidelog.c - where calls and events wait while the database is locked.
 *
 * `<db>.pending` (mode 0600) holds one line per entry, fields separated by
 * tabs, each line written with one write() and fsynced before the agent is
 * told it is saved:
 *   call  ID AGENT CUSTOMER REF STARTED PB_ID PB_VERSION PB_HASH PB_TEXT [PRACTICE]
 *   event CALL_ID SEQ T KIND STAGE A B TEXT
 * In fields, backslash, tab, newline and carriage return are written \\ \t
 * \n \r; a NULL text is \N. The seq is the one the event will take, so a
 * replay keeps seqs consecutive. PRACTICE, the scenario of a rehearsal,
 * is there only for one (schema 9): a real call's line is as it always
 * was. A last line without its newline is a torn write that was never
 * acknowledged and is dropped. See docs/database.md.
 *
 * Two poise processes may share a database and so its side log: each
 * append, and each replay from reading the log to emptying it, holds an
 * exclusive flock() on the file, so no entry can be appended between a
 * replay's read and its truncate and lost. A replay takes the lock only
 * once it holds the database's write lock, so it never waits with both.
 *
 * A leaf of the store: it reads and writes its own file and knows each
 * call's next seq, and calls nothing of the writer or the reader. Replaying
 * into the database is the writer's (store_write.c, store_flush), which hands each
 * entry's rows to sidelog_replay as a struct sidelog_sink.
 */
#include "store_int.h"

#include "poise/store_sync.h"
#include "poise/strbuf.h"
#include "poise/text.h"
#include "poise/i18n.h"
#include "util/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIDELOG_FIELDS 11

/* A tab, then s escaped (NULL as \N). */
static void sb_field(struct strbuf *b, const char *s, size_t n)
{
	strbuf_add(b, "\t", 1);
	if (!s) {
		strbuf_add(b, "\\N", 2);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *e = s[i] == '\\'   ? "\\\\"
				: s[i] == '\t' ? "\\t"
				: s[i] == '\n' ? "\\n"
				: s[i] == '\r' ? "\\r"
					       : NULL;

		if (e)
			strbuf_add(b, e, 2);
		else
			strbuf_add(b, s + i, 1);
	}
}

static void sb_str(struct strbuf *b, const char *s)
{
	sb_field(b, s, s ? strlen(s) : 0);
}

static void sb_int(struct strbuf *b, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRId64, v);
	sb_field(b, num, strlen(num));
}

/* The next seq this process knows for a call (0: not known yet); NULL: no memory. */
int64_t *store_seq_slot(struct store *st, const char *call_id)
{
	for (size_t i = 0; i < st->nseqs; i++)
		if (strcmp(st->seqs[i].call_id, call_id) == 0)
			return &st->seqs[i].next;
	if (!GROW(st->seqs, st->nseqs, st->seqcap, 8))
		return NULL;
	snprintf(st->seqs[st->nseqs].call_id, sizeof(st->seqs[0].call_id), "%s", call_id);
	st->seqs[st->nseqs].next = 0; /* 0: not known yet */
	return &st->seqs[st->nseqs++].next;
}

/* Wait for the side log's exclusive lock on fd; closing fd releases it. */
static int lock_file(int fd)
{
	int rc;

	do
		rc = flock(fd, LOCK_EX);
	while (rc != 0 && errno == EINTR);
	return rc;
}

static enum poise_status read_log(struct store *st, char **buf, size_t *len,
				  struct poise_error *err);
/*
 * What a walk shows its caller, besides counting: the events of call_id
 * past `after`, in order, to fn; every call line to on_call and every
 * event line to on_event (either may be NULL).
 */
struct visit {
	const char *call_id;
	int64_t after; /* the last seq given */
	store_event_fn fn;
	void *ctx;
	int stop;
	/* m is the call line's (status "open"); f and flen its fields, unescaped. */
	int (*on_call)(struct visit *v, const struct call_meta *m, char **f, const size_t *flen);
	void (*on_event)(struct visit *v, const char *call_id, const struct event *ev);
	void *data;
};
static enum poise_status walk(struct store *st, char *buf, const struct sidelog_sink *sink,
			      int *rc, struct poise_error *err, struct visit *v);

/*
 * Before an event line is written, under the log's lock: every seq the log
 * already holds for the call, whoever wrote it, so two processes writing
 * the same call (one killed, the other resuming it) never give two events
 * the same seq. A replay would keep only one of them.
 */
static enum poise_status fresh_seq(struct store *st, const char *call_id, struct event *ev,
				   struct poise_error *err)
{
	char *buf = NULL;
	size_t len;
	int rc;
	int64_t *slot;
	enum poise_status ps = read_log(st, &buf, &len, err);

	if (ps == POISE_OK && buf)
		ps = walk(st, buf, NULL, &rc, err, NULL);
	free(buf);
	if (ps != POISE_OK)
		return ps;
	if (!(slot = store_seq_slot(st, call_id)))
		return poise_error_nomem(err);
	if (ev->seq < *slot)
		ev->seq = *slot;
	return POISE_OK;
}

void sync_event_cells(const char *call_id, const struct event *ev,
		      struct sync_cell out[SYNC_EVENT_CELLS])
{
	const struct sync_cell row[SYNC_EVENT_CELLS] = {
		SYNC_TEXT(call_id),	 SYNC_INT(ev->seq),
		SYNC_INT(ev->t),	 SYNC_TEXT(event_kind_key(ev->kind)),
		SYNC_TEXT(stage_key((enum stage)ev->stage)), SYNC_INT(ev->a),
		SYNC_INT(ev->b),	 SYNC_TEXT(ev->text)};

	memcpy(out, row, sizeof(row));
}

static void event_line(struct strbuf *b, const char *call_id, const struct event *ev)
{
	struct sync_cell c[SYNC_EVENT_CELLS];

	strbuf_add(b, "event", 5);
	sync_event_cells(call_id, ev, c);
	for (size_t i = 0; i < SYNC_EVENT_CELLS; i++)
		if (c[i].is_num)
			sb_int(b, c[i].num);
		else
			sb_str(b, c[i].text);
}

/*
 * Append one line, all or nothing, and make it durable. With ev, the line
 * is the event's, its seq first brought past every seq the log holds.
 */
static enum poise_status append_line(struct store *st, struct strbuf *b, const char *call_id,
				     struct event *ev, struct poise_error *err)
{
	struct stat sb;
	int fd = -1, e = 0;
	ssize_t n;

	fd = store_open_regular(st->pending_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || lock_file(fd) != 0 || fchmod(fd, 0600) != 0 || fstat(fd, &sb) != 0) {
		e = errno;
		goto out;
	}
	if (ev) {
		enum poise_status ps = fresh_seq(st, call_id, ev, err);

		if (ps != POISE_OK) {
			close(fd);
			return ps;
		}
		event_line(b, call_id, ev);
	}
	if (b->oom) {
		close(fd);
		return poise_error_nomem(err);
	}
	strbuf_add(b, "\n", 1);
	do
		n = write(fd, b->p, b->len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)b->len || fsync(fd) != 0) {
		e = n < 0 ? errno : errno ? errno : EIO;
		if (ftruncate(fd, sb.st_size) == 0)
			fsync(fd);
		goto out;
	}
	st->pending++;
out:
	if (fd >= 0)
		close(fd);
	if (!e)
		return POISE_OK;
	return poise_error_set(err, e == ENOSPC ? POISE_DB_FULL : POISE_IO, NULL, 0, 0,
			       "database '%s' is locked and the side log '%s' cannot be written: "
			       "%s: the last action was not saved",
			       st->path, st->pending_path, strerror(e));
}

static void call_line(struct strbuf *b, const struct call_meta *meta, const char *pb_id,
		      const char *pb_version, const char *pb_hash, const char *text, size_t len)
{
	strbuf_add(b, "call", 4);
	sb_str(b, meta->id);
	sb_str(b, meta->agent);
	sb_str(b, meta->customer);
	sb_str(b, meta->ref);
	sb_int(b, meta->started);
	sb_str(b, pb_id);
	sb_str(b, pb_version);
	sb_str(b, pb_hash);
	sb_field(b, text ? text : "", text ? len : 0);
	if (meta->practice[0])
		sb_str(b, meta->practice);
}

enum poise_status sidelog_add_call(struct store *st, const struct call_meta *meta,
				   const struct playbook *pb, struct poise_error *err)
{
	struct strbuf b = {0};
	enum poise_status ps;

	call_line(&b, meta, pb->id, pb->version, pb->hash, pb->text, pb->text_len);
	ps = append_line(st, &b, NULL, NULL, err);
	free(b.p);
	return ps;
}

enum poise_status sidelog_add_event(struct store *st, const char *call_id, struct event *ev,
				    struct poise_error *err)
{
	struct strbuf b = {0};
	enum poise_status ps = append_line(st, &b, call_id, ev, err);

	free(b.p);
	return ps;
}

/* Split a line (without its newline) into unescaped fields, in place. */
static int split_line(char *line, char **f, size_t *flen)
{
	int n = 0;
	char *p = line;

	for (;;) {
		char *out = p, *start = p;

		if (n == SIDELOG_FIELDS)
			return -1;
		while (*p && *p != '\t') {
			if (*p != '\\') {
				*out++ = *p++;
				continue;
			}
			switch (p[1]) {
			case '\\':
				*out++ = '\\';
				break;
			case 't':
				*out++ = '\t';
				break;
			case 'n':
				*out++ = '\n';
				break;
			case 'r':
				*out++ = '\r';
				break;
			case 'N':
				if (p != start || (p[2] && p[2] != '\t'))
					return -1;
				start = NULL;
				break;
			default:
				return -1;
			}
			p += 2;
		}
		f[n] = start;
		flen[n] = start ? (size_t)(out - start) : 0;
		n++;
		if (!*p) {
			*out = '\0';
			return n;
		}
		*p++ = '\0';
		*out = '\0';
	}
}

static int parse_i64(const char *s, int64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int time_ok(int64_t t)
{
	return t >= FIELD_TIME_MIN && t <= FIELD_TIME_MAX;
}

/* A call line's names and ids within their limits (limits.h): never cut when kept. */
static int call_fields_fit(char **f, const size_t *flen)
{
	return flen[2] <= FIELD_AGENT_MAX && flen[3] <= FIELD_CUSTOMER_MAX &&
	       flen[4] <= FIELD_REF_MAX && flen[6] <= FIELD_PLAYBOOK_ID_MAX &&
	       flen[7] <= FIELD_VERSION_MAX && flen[8] == FIELD_HASH_LEN &&
	       strlen(f[2]) == flen[2] && strlen(f[3]) == flen[3] && strlen(f[4]) == flen[4];
}

/* Read the whole side log; a torn last line is cut off (and dropped from the file). */
static enum poise_status read_log(struct store *st, char **buf, size_t *len,
				  struct poise_error *err)
{
	struct stat sb;
	size_t got = 0, keep;
	int fd = store_open_regular(st->pending_path, O_RDONLY, 0);

	*buf = NULL;
	*len = 0;
	if (fd < 0 && errno == ENOENT)
		return POISE_OK;
	if (fd < 0 || fstat(fd, &sb) != 0)
		goto fail;
	if (!(*buf = malloc((size_t)sb.st_size + 1))) {
		close(fd);
		return poise_error_nomem(err);
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		got += (size_t)n;
	}
	close(fd);
	fd = -1;
	for (keep = got; keep > 0 && (*buf)[keep - 1] != '\n'; keep--)
		;
	/* Cut a torn tail now, or the next entry would be glued to it. */
	if (keep < got && !(st->flags & STORE_READONLY) &&
	    truncate(st->pending_path, (off_t)keep) != 0)
		goto fail;
	(*buf)[keep] = '\0';
	*len = keep;
	return POISE_OK;
fail:
	if (fd >= 0)
		close(fd);
	free(*buf);
	*buf = NULL;
	return poise_error_set(err, POISE_IO, NULL, 0, 0,
			       "cannot read side log '%s': %s: check its permissions",
			       st->pending_path, strerror(errno));
}

static enum poise_status damaged(struct store *st, size_t line, struct poise_error *err)
{
	return poise_error_set(err, POISE_DB, st->pending_path, (int)line, 0,
			       "side log line %zu is damaged: move '%s' aside to go on "
			       "(its entries are not in database '%s')",
			       line, st->pending_path, st->path);
}

/* "<db>.quarantine", malloc'd; NULL when out of memory. */
static char *quarantine_path(const struct store *st)
{
	size_t n = strlen(st->path) + sizeof(".quarantine");
	char *path = malloc(n);

	if (path)
		snprintf(path, n, "%s.quarantine", st->path);
	return path;
}

/* Lines in buf[0..len) (a last one without its newline counts). */
static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len > 0 && buf[len - 1] != '\n');
}

/* Whether the newline-ended line (len bytes) is one of buf's lines. */
static int has_line(const char *buf, size_t blen, const char *line, size_t len)
{
	for (size_t at = 0; at < blen;) {
		const char *nl = memchr(buf + at, '\n', blen - at);
		size_t end = nl ? (size_t)(nl - buf) + 1 : blen;

		if (end - at == len && memcmp(buf + at, line, len) == 0)
			return 1;
		at = end;
	}
	return 0;
}

/* Read all of fd (a regular file) into a malloc'd buffer. */
static int read_all(int fd, char **out, size_t *len)
{
	struct stat sb;
	size_t got = 0;
	char *buf;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &sb) != 0 || !(buf = malloc((size_t)sb.st_size + 1)))
		return -1;
	while (got < (size_t)sb.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)sb.st_size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*out = buf;
	*len = got;
	return 0;
}

/*
 * The lines a replay set aside go to `<db>.quarantine` (0600), each once:
 * a replay retried (its commit failed, or the log could not be emptied)
 * finds its lines there already and does not write them again.
 * st->quarantined then counts the file's lines. -1 (errno) when they could
 * not be written: the side log must be kept.
 */
static int write_aside(struct store *st, const struct strbuf *aside)
{
	char *path = quarantine_path(st), *have = NULL;
	struct strbuf add = {0};
	size_t hlen = 0;
	int fd = -1, ok = 0, e;

	if (path)
		fd = store_open_regular(path, O_RDWR | O_APPEND | O_CREAT, 0600);
	if (fd < 0 || lock_file(fd) != 0 || fchmod(fd, 0600) != 0 ||
	    read_all(fd, &have, &hlen) != 0)
		goto out;
	for (size_t at = 0; aside && at < aside->len;) {
		const char *line = aside->p + at;
		size_t n = (size_t)((const char *)memchr(line, '\n', aside->len - at) - line) + 1;

		if (!has_line(have, hlen, line, n) && !has_line(add.p, add.len, line, n))
			strbuf_add(&add, line, n);
		at += n;
	}
	if (add.oom) {
		errno = ENOMEM;
		goto out;
	}
	if (add.len > 0 && hlen > 0 && have[hlen - 1] != '\n')
		goto out_torn;
	if (add.len > 0) {
		ssize_t n;

		do
			n = write(fd, add.p, add.len);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)add.len || fsync(fd) != 0) {
			if (n >= 0 && ftruncate(fd, (off_t)hlen) == 0)
				fsync(fd);
			if (n >= 0 && !errno)
				errno = EIO;
			goto out;
		}
	}
	st->quarantined = count_lines(have, hlen) + count_lines(add.p, add.len);
	ok = 1;
	goto out;
out_torn:
	errno = EINVAL; /* a line torn in the quarantine: gluing to it would damage both */
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	free(path);
	free(have);
	free(add.p);
	errno = e;
	return ok ? 0 : -1;
}

/* How many lines <db>.quarantine holds now (0 when there is none, or it cannot be read). */
static void count_quarantine(struct store *st)
{
	char *path = quarantine_path(st), *have = NULL;
	size_t hlen = 0;
	int fd = path ? store_open_regular(path, O_RDONLY, 0) : -1;

	if (fd >= 0 && read_all(fd, &have, &hlen) == 0)
		st->quarantined = count_lines(have, hlen);
	if (fd >= 0)
		close(fd);
	free(path);
	free(have);
}

/* What a replay set aside: lines for the quarantine, and the calls whose line went. */
struct aside {
	struct strbuf lines, calls;
	size_t n;
};

int sidelog_quarantine(struct store *st, const char *call_id, const struct event *ev)
{
	struct aside *a = st->aside;

	if (!a)
		return 0;
	event_line(&a->lines, call_id, ev);
	strbuf_add(&a->lines, "\n", 1);
	a->n++;
	return !a->lines.oom;
}

int sidelog_quarantine_call(struct store *st, const struct call_meta *meta, const char *pb_id,
			    const char *pb_version, const char *pb_hash, const char *text,
			    size_t len)
{
	struct aside *a = st->aside;

	if (!a)
		return 0;
	call_line(&a->lines, meta, pb_id, pb_version, pb_hash, text, len);
	strbuf_add(&a->lines, "\n", 1);
	strbuf_add(&a->calls, meta->id, strlen(meta->id));
	strbuf_add(&a->calls, "\n", 1);
	a->n++;
	return !a->lines.oom && !a->calls.oom;
}

int sidelog_call_aside(const struct store *st, const char *call_id)
{
	const struct aside *a = st->aside;
	char idl[FIELD_CALL_ID_LEN + 2];

	snprintf(idl, sizeof(idl), "%s\n", call_id);
	return a && has_line(a->calls.p, a->calls.len, idl, strlen(idl));
}

/*
 * Walk the side log: with a sink, hand it every entry (it writes them inside
 * its transaction); without, only count entries and learn each call's next
 * seq. *rc gets the SQLite code of a failed write.
 */
static enum poise_status walk(struct store *st, char *buf, const struct sidelog_sink *sink,
			      int *rc, struct poise_error *err, struct visit *v)
{
	char *f[SIDELOG_FIELDS];
	size_t flen[SIDELOG_FIELDS], lineno = 0;

	*rc = SQLITE_OK;
	for (char *line = buf, *nl; line && *line; line = nl) {
		int n;
		int64_t num[5] = {0}, *slot;

		lineno++;
		if (!(nl = strchr(line, '\n')))
			return damaged(st, lineno, err); /* a NUL byte inside */
		*nl++ = '\0';
		n = split_line(line, f, flen);
		if (n < 2 || !f[1] || flen[1] != 36)
			return damaged(st, lineno, err);
		if ((n == 10 || (n == 11 && f[10] && flen[10] > 0 &&
				 flen[10] <= FIELD_PLAYBOOK_ID_MAX && strlen(f[10]) == flen[10])) &&
		    f[0] && strcmp(f[0], "call") == 0 && f[1] && f[2] && f[3] && f[4] &&
		    f[6] && f[7] && f[8] && f[9] && parse_i64(f[5], &num[0]) == 0 &&
		    call_fields_fit(f, flen) && time_ok(num[0])) {
			struct call_meta m = {0};

			snprintf(m.id, sizeof(m.id), "%s", f[1]);
			snprintf(m.agent, sizeof(m.agent), "%s", f[2]);
			snprintf(m.customer, sizeof(m.customer), "%s", f[3]);
			snprintf(m.ref, sizeof(m.ref), "%s", f[4]);
			snprintf(m.playbook_id, sizeof(m.playbook_id), "%s", f[6]);
			snprintf(m.playbook_version, sizeof(m.playbook_version), "%s", f[7]);
			snprintf(m.playbook_hash, sizeof(m.playbook_hash), "%s", f[8]);
			snprintf(m.status, sizeof(m.status), "open");
			if (n == 11)
				snprintf(m.practice, sizeof(m.practice), "%s", f[10]);
			m.started = num[0];
			if (!(slot = store_seq_slot(st, m.id)))
				return poise_error_nomem(err);
			if (*slot < 1)
				*slot = 1;
			if (v && v->on_call && v->on_call(v, &m, f, flen) != 0)
				return poise_error_nomem(err);
			if (sink && (*rc = sink->call(sink->ctx, &m, f[6], f[7], f[8], f[9],
						      flen[9])) != SQLITE_OK)
				return POISE_DB;
		} else if (n == 9 && f[0] && strcmp(f[0], "event") == 0 && f[1] && f[4] && f[5] &&
			   parse_i64(f[2], &num[0]) == 0 && parse_i64(f[3], &num[1]) == 0 &&
			   parse_i64(f[6], &num[2]) == 0 && parse_i64(f[7], &num[3]) == 0 &&
			   num[0] > 0 && time_ok(num[1]) && num[2] >= INT_MIN &&
			   num[2] <= INT_MAX && num[3] >= INT_MIN && num[3] <= INT_MAX) {
			struct event ev = {.seq = num[0],
					   .t = num[1],
					   .a = (int)num[2],
					   .b = (int)num[3],
					   .text = f[8]};

			ev.kind = (enum event_kind)event_kind_from_key(f[4]);
			ev.stage = stage_from_key(f[5]);
			if (event_check(&ev, NULL) != POISE_OK)
				return damaged(st, lineno, err);
			if (!(slot = store_seq_slot(st, f[1])))
				return poise_error_nomem(err);
			if (*slot < ev.seq + 1)
				*slot = ev.seq + 1;
			if (v && v->fn && !v->stop && ev.seq > v->after &&
			    strcmp(f[1], v->call_id) == 0) {
				v->after = ev.seq;
				v->stop = v->fn(v->ctx, &ev);
			}
			if (v && v->on_event)
				v->on_event(v, f[1], &ev);
			if (sink && (*rc = sink->event(sink->ctx, f[1], &ev, lineno, err)) != SQLITE_OK)
				return *rc == SQLITE_ABORT ? (*rc = SQLITE_OK, POISE_IO) : POISE_DB;
		} else {
			return damaged(st, lineno, err);
		}
	}
	if (!sink)
		st->pending = lineno;
	return POISE_OK;
}

enum poise_status sidelog_scan(struct store *st, char *buf, struct poise_error *err)
{
	int rc;

	return walk(st, buf, NULL, &rc, err, NULL);
}

/*
 * Hold the side log's lock in *fd (-1 when there is no side log: nothing to
 * guard). Reading takes it too: a line another process is writing must not
 * be taken for a torn one and cut.
 */
static enum poise_status lock_log(struct store *st, int *fd, struct poise_error *err)
{
	*fd = store_open_regular(st->pending_path, O_RDONLY, 0);
	if (*fd < 0 && errno == ENOENT)
		return POISE_OK;
	if (*fd >= 0 && lock_file(*fd) == 0)
		return POISE_OK;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return poise_error_set(err, POISE_IO, NULL, 0, 0,
			       "cannot lock side log '%s': %s: check its permissions",
			       st->pending_path, strerror(errno));
}

/* Walk the side log under its lock, showing v (may be NULL) what it holds. */
static enum poise_status visit_log(struct store *st, struct visit *v, struct poise_error *err)
{
	char *buf = NULL;
	size_t len;
	int rc, lock;
	enum poise_status ps = lock_log(st, &lock, err);

	if (ps == POISE_OK && (ps = read_log(st, &buf, &len, err)) == POISE_OK && buf)
		ps = walk(st, buf, NULL, &rc, err, v);
	if (lock >= 0)
		close(lock);
	free(buf);
	return ps;
}

enum poise_status sidelog_load(struct store *st, struct poise_error *err)
{
	count_quarantine(st);
	return visit_log(st, NULL, err);
}

/*
 * The call's events waiting in the side log with a seq past `after` (the
 * last one the database gave), in order: a restart while the database is
 * still locked folds them too. Returns 1 when fn asked to stop.
 */
int sidelog_call_events(struct store *st, const char *call_id, int64_t after, store_event_fn fn,
			void *ctx, enum poise_status *ps, struct poise_error *err)
{
	struct visit v = {.call_id = call_id, .after = after, .fn = fn, .ctx = ctx};

	*ps = visit_log(st, &v, err);
	return v.stop;
}

/*
 * What an event waiting in the side log does to its call's summary, as
 * store_write.c's rows will once it is replayed: the one summary step
 * (store_summary.c, pure) on m's columns. An UNDO is left to the replay
 * (the columns it sets are folded from every kept event).
 */
static void meta_apply(struct call_meta *m, const struct event *ev)
{
	struct store_summary sm = {
		.status = m->status,
		.ended = m->ended,
		.mood_start = m->mood_start,
		.mood_end = m->mood_end,
		.wrapup_at = m->wrapup_at,
		.have_wrapup = m->wrapup_at != 0,
		.last_seq = m->last_seq,
	};
	unsigned changed;

	if (ev->seq <= m->last_seq)
		return; /* the database has it already */
	changed = store_summary_step(&sm, ev, 0);
	m->last_seq = sm.last_seq;
	if (changed & SUMMARY_MOOD) {
		m->mood_start = sm.mood_start;
		m->mood_end = sm.mood_end;
	}
	if (changed & SUMMARY_WRAPUP)
		m->wrapup_at = sm.wrapup_at;
	if (changed & SUMMARY_OUTCOME)
		text_copy(m->outcome, sizeof(m->outcome), sm.outcome);
	if (changed & SUMMARY_CAUSE)
		text_copy(m->cause, sizeof(m->cause), sm.cause);
	if (changed & SUMMARY_STATUS) {
		snprintf(m->status, sizeof(m->status), "%s", sm.status);
		m->ended = sm.ended;
	}
}

static void meta_event(struct visit *v, const char *call_id, const struct event *ev)
{
	struct call_meta *m = v->data;

	if (strcmp(call_id, m->id) == 0)
		meta_apply(m, ev);
}

enum poise_status sidelog_meta(struct store *st, struct call_meta *m, struct poise_error *err)
{
	struct visit v = {.on_event = meta_event, .data = m};

	return st->pending ? visit_log(st, &v, err) : POISE_OK;
}

struct side_calls {
	struct call_meta *m;
	size_t n, cap;
};

static int calls_add(struct visit *v, const struct call_meta *m, char **f, const size_t *flen)
{
	struct side_calls *c = v->data;

	(void)f;
	(void)flen;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->m[i].id, m->id) == 0)
			return 0; /* the same call line twice: the first one counts */
	if (!GROW(c->m, c->n, c->cap, 4))
		return -1;
	c->m[c->n++] = *m;
	return 0;
}

static void calls_event(struct visit *v, const char *call_id, const struct event *ev)
{
	struct side_calls *c = v->data;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->m[i].id, call_id) == 0)
			meta_apply(&c->m[i], ev);
}

static int newest_first(const void *a, const void *b)
{
	const struct call_meta *x = a, *y = b;

	if (x->started != y->started)
		return x->started > y->started ? -1 : 1;
	return -strcmp(x->id, y->id);
}

/* Whether the database has a row for call id (a read that fails: it has not). */
static int in_database(struct store *st, const char *id)
{
	sqlite3_stmt *s = store_stmt(st, STMT_LAST_SEQ);
	int rc;

	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_ROW;
}

enum poise_status sidelog_calls(struct store *st, struct call_meta **out, size_t *n,
				struct poise_error *err)
{
	struct side_calls c = {0};
	struct visit v = {.on_call = calls_add, .on_event = calls_event, .data = &c};
	enum poise_status ps = st->pending ? visit_log(st, &v, err) : POISE_OK;
	size_t keep = 0;

	*out = NULL;
	*n = 0;
	if (ps != POISE_OK) {
		free(c.m);
		return ps;
	}
	for (size_t i = 0; i < c.n; i++)
		if (!in_database(st, c.m[i].id))
			c.m[keep++] = c.m[i];
	if (keep > 1)
		qsort(c.m, keep, sizeof(*c.m), newest_first);
	if (keep == 0) {
		free(c.m);
		c.m = NULL;
	}
	*out = c.m;
	*n = keep;
	return POISE_OK;
}

struct side_text {
	const char *hash;
	char *text;
	size_t len;
	int oom;
};

static int text_find(struct visit *v, const struct call_meta *m, char **f, const size_t *flen)
{
	struct side_text *t = v->data;

	(void)m;
	if (t->text || t->oom || strcmp(f[8], t->hash) != 0)
		return 0;
	if (!(t->text = malloc(flen[9] + 1))) {
		t->oom = 1;
		return -1;
	}
	memcpy(t->text, f[9], flen[9]);
	t->text[flen[9]] = '\0';
	t->len = flen[9];
	return 0;
}

enum poise_status sidelog_playbook_text(struct store *st, const char *hash, char **text,
					size_t *len, struct poise_error *err)
{
	struct side_text t = {.hash = hash};
	struct visit v = {.on_call = text_find, .data = &t};
	enum poise_status ps = st->pending ? visit_log(st, &v, err) : POISE_OK;

	if (ps != POISE_OK) {
		free(t.text);
		return ps;
	}
	if (!t.text)
		return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
				       "no playbook with hash '%s' in database '%s'", hash,
				       st->path);
	*text = t.text;
	if (len)
		*len = t.len;
	return POISE_OK;
}

static enum poise_status truncate_log(struct store *st, struct poise_error *err)
{
	int fd = store_open_regular(st->pending_path, O_WRONLY, 0);

	if (fd < 0 || ftruncate(fd, 0) != 0 || fsync(fd) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		/* Replaying again is harmless: entries already stored are skipped. */
		return poise_error_set(err, POISE_IO, NULL, 0, 0,
				       "cannot empty side log '%s' after saving it: %s",
				       st->pending_path, strerror(e));
	}
	close(fd);
	st->pending = 0;
	st->nseqs = 0; /* nothing waits: the database knows every seq again */
	return POISE_OK;
}

enum poise_status sidelog_replay(struct store *st, const struct sidelog_sink *sink, int *rc,
				 struct poise_error *err)
{
	char *buf = NULL;
	size_t len;
	int lock = -1;
	enum poise_status ps;

	struct aside a = {0};

	*rc = SQLITE_OK;
	st->aside = &a;
	if ((ps = lock_log(st, &lock, err)) == POISE_OK &&
	    (ps = read_log(st, &buf, &len, err)) == POISE_OK && buf)
		ps = walk(st, buf, sink, rc, err, NULL);
	st->aside = NULL;
	if (ps == POISE_OK && (a.lines.oom || a.calls.oom))
		ps = poise_error_nomem(err);
	if (ps == POISE_OK)
		*rc = sink->commit(sink->ctx);
	/* Set aside only once the rest is saved: a retried replay adds no copy. */
	if (ps == POISE_OK && *rc == SQLITE_OK && a.n > 0 && write_aside(st, &a.lines) != 0)
		ps = poise_error_set(err, POISE_IO, NULL, 0, 0,
				     P_("%zu side log entry could not be saved as it was and "
					"cannot be set aside in '%s.quarantine': %s; the side log "
					"'%s' is kept",
					"%zu side log entries could not be saved as they were and "
					"cannot be set aside in '%s.quarantine': %s; the side log "
					"'%s' is kept",
					a.n),
				     a.n, st->path, strerror(errno), st->pending_path);
	if (ps == POISE_OK && *rc == SQLITE_OK)
		ps = truncate_log(st, err);
	if (lock >= 0)
		close(lock);
	free(buf);
	free(a.lines.p);
	free(a.calls.p);
	return ps;
}
