/*
 * export.c - calls and events as JSON Lines or CSV, streamed.
 *
 * Strings and cells go through text.h: JSON escapes control, C1 and
 * bidirectional characters and turns invalid UTF-8 into U+FFFD, so every
 * line parses whatever an agent typed; CSV follows RFC 4180 (CRLF rows,
 * fields quoted when they hold a comma, quote, CR or LF, quotes doubled)
 * and a text cell that a spreadsheet would take for a formula is
 * neutralised with a leading single quote.
 */
#include "poise/export.h"

#include "poise/text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const csv_header =
	"call_id,agent,customer,ref,playbook_id,playbook_version,playbook_hash,started,ended,"
	"status,outcome,cause,seq,t,offset_ms,kind,stage,a,b,text\r\n";

struct export_ctx {
	struct store *st;
	FILE *out;
	enum export_format fmt;
	int redact;			     /* enum export_redact */
	char (*agents)[FIELD_AGENT_MAX + 1]; /* redacted: agents in order of first appearance */
	size_t nagents, agentcap;
	char pseudonym[32];
	const struct call_meta *meta;
	size_t nevents; /* of the current call */
	enum poise_status ps;
	struct poise_error *err;
};

int export_format_from_name(const char *name)
{
	if (name && strcmp(name, "jsonl") == 0)
		return EXPORT_JSONL;
	if (name && strcmp(name, "csv") == 0)
		return EXPORT_CSV;
	return -1;
}

/* A string member, null when empty. */
static void json_member(FILE *out, const char *key, const char *v, int comma)
{
	fprintf(out, "%s\"%s\":", comma ? "," : "", key);
	text_json_str(out, v && v[0] ? v : NULL);
}

static void csv_int(FILE *out, int64_t v, int present)
{
	if (present)
		fprintf(out, "%" PRId64, v);
	fputc(',', out);
}

/* A playbook's id as poise writes it (a cause, a rule), or NULL. */
static const char *kept_id(const char *s)
{
	return s && (!s[0] || (strlen(s) <= FIELD_CAUSE_ID_MAX && playbook_id_valid(s))) ? s : NULL;
}

static const char *kept_outcome(const char *s)
{
	return s && (!s[0] || outcome_from_key(s) != OUTCOME_NONE) ? s : NULL;
}

static int is_hash(const char *s)
{
	return strlen(s) == FIELD_HASH_LEN && strspn(s, "0123456789abcdef") == FIELD_HASH_LEN;
}

/* Why a call was interrupted, as poise writes it (resume.c, session.c). */
static int is_interrupt_key(const char *s)
{
	static const char *const keys[] = {"closed on start", "no clean exit", "SIGHUP",
					   "SIGTERM",	      "SIGQUIT",       "SIGINT"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(s, keys[i]) == 0)
			return 1;
	return 0;
}

/* A skip's text is kept only when it is one of poise's reason keys. */
static int is_skip_key(const char *text)
{
	for (int k = 0; k < SKIP_COUNT; k++)
		if (strcmp(text, skip_reason_key((enum skip_reason)k)) == 0)
			return 1;
	return 0;
}

/*
 * The text of ev as exported. Redacted, only keys poise wrote stay (an
 * allow-list, so a new kind of event carrying typed text is left out until
 * someone says otherwise); a follow-up keeps its date alone.
 */
static const char *event_text(const struct export_ctx *c, const struct event *ev, char *buf,
			      size_t size)
{
	int n;

	if (!(c->redact & EXPORT_REDACT) || !ev->text)
		return ev->text;
	/* Each kept only in the shape poise writes: a database edited elsewhere may hold more. */
	switch (ev->kind) {
	case EV_START:
		return is_hash(ev->text) ? ev->text : NULL;
	case EV_PROMPT:
	case EV_CAUSE:
		return kept_id(ev->text);
	case EV_OUTCOME:
		return kept_outcome(ev->text);
	case EV_INTERRUPTED:
		return is_interrupt_key(ev->text) ? ev->text : NULL;
	case EV_SKIP:
		return is_skip_key(ev->text) ? ev->text : NULL;
	case EV_FOLLOWUP:
		n = strcspn(ev->text, "\t");
		if (n != 10 || strspn(ev->text, "0123456789-") != 10)
			return NULL; /* no date: nothing of it is kept */
		snprintf(buf, size, "%.10s", ev->text);
		return buf;
	default:
		return NULL;
	}
}

/* The agent as exported: redacted, "agent-N" by first appearance, the same N throughout. */
static const char *agent_name(struct export_ctx *c, const char *agent)
{
	size_t i;

	if (!(c->redact & EXPORT_REDACT) || (c->redact & EXPORT_KEEP_AGENTS))
		return agent;
	for (i = 0; i < c->nagents; i++)
		if (strcmp(c->agents[i], agent) == 0)
			break;
	if (i == c->nagents) {
		char(*grown)[FIELD_AGENT_MAX + 1] = c->nagents < c->agentcap ? c->agents : NULL;

		if (!grown) {
			size_t cap = c->agentcap ? c->agentcap * 2 : 16;

			if (!(grown = realloc(c->agents, cap * sizeof(*grown))))
				return "agent-?"; /* out of memory: never the name */
			c->agents = grown;
			c->agentcap = cap;
		}
		snprintf(c->agents[c->nagents++], sizeof(c->agents[0]), "%s", agent);
	}
	snprintf(c->pseudonym, sizeof(c->pseudonym), "agent-%zu", i + 1);
	return c->pseudonym;
}

static const char *stage_name(int stage)
{
	const char *key = stage_key((enum stage)stage);

	return key ? key : "";
}

static void csv_call(struct export_ctx *c)
{
	const struct call_meta *m = c->meta;

	text_csv_cell(c->out, m->id, 0, 0);
	text_csv_cell(c->out, agent_name(c, m->agent), 0, 0);
	text_csv_cell(c->out, c->redact ? NULL : m->customer, 0, 0);
	text_csv_cell(c->out, c->redact ? NULL : m->ref, 0, 0);
	text_csv_cell(c->out, m->playbook_id, 0, 0);
	text_csv_cell(c->out, m->playbook_version, 0, 0);
	text_csv_cell(c->out, m->playbook_hash, 0, 0);
	csv_int(c->out, m->started, 1);
	csv_int(c->out, m->ended, m->ended != 0);
	text_csv_cell(c->out, m->status, 0, 0);
	text_csv_cell(c->out, c->redact ? kept_outcome(m->outcome) : m->outcome, 0, 0);
	text_csv_cell(c->out, c->redact ? kept_id(m->cause) : m->cause, 0, 0);
}

static int event_fn(void *ctx, const struct event *ev)
{
	struct export_ctx *c = ctx;
	char buf[256];
	const char *text = event_text(c, ev, buf, sizeof(buf));

	if (c->fmt == EXPORT_CSV) {
		csv_call(c);
		csv_int(c->out, ev->seq, 1);
		csv_int(c->out, ev->t, 1);
		csv_int(c->out, ev->t - c->meta->started, 1);
		text_csv_cell(c->out, event_kind_key(ev->kind), 0, 0);
		text_csv_cell(c->out, stage_name(ev->stage), 0, 0);
		csv_int(c->out, ev->a, 1);
		csv_int(c->out, ev->b, 1);
		text_csv_cell(c->out, text, 0, 1);
	} else {
		fprintf(c->out,
			"%s{\"seq\":%" PRId64 ",\"t\":%" PRId64 ",\"offset_ms\":%" PRId64
			",\"kind\":\"%s\",\"stage\":\"%s\",\"a\":%d,\"b\":%d,\"text\":",
			c->nevents ? "," : "", ev->seq, ev->t, ev->t - c->meta->started,
			event_kind_key(ev->kind), stage_name(ev->stage), ev->a, ev->b);
		text_json_str(c->out, text);
		fputc('}', c->out);
	}
	c->nevents++;
	return ferror(c->out) != 0;
}

static void json_call_head(struct export_ctx *c)
{
	const struct call_meta *m = c->meta;
	FILE *out = c->out;

	json_member(out, "id", m->id, 0);
	json_member(out, "agent", agent_name(c, m->agent), 1);
	json_member(out, "customer", c->redact ? NULL : m->customer, 1);
	json_member(out, "ref", c->redact ? NULL : m->ref, 1);
	json_member(out, "playbook_id", m->playbook_id, 1);
	json_member(out, "playbook_version", m->playbook_version, 1);
	json_member(out, "playbook_hash", m->playbook_hash, 1);
	fprintf(out, ",\"started\":%" PRId64 ",\"ended\":", m->started);
	if (m->ended)
		fprintf(out, "%" PRId64, m->ended);
	else
		fputs("null", out);
	json_member(out, "status", m->status, 1);
	json_member(out, "outcome", c->redact ? kept_outcome(m->outcome) : m->outcome, 1);
	json_member(out, "cause", c->redact ? kept_id(m->cause) : m->cause, 1);
	if (c->redact)
		fputs(",\"redacted\":true", out);
}

static int call_fn(void *ctx, const struct call_meta *meta)
{
	struct export_ctx *c = ctx;

	c->meta = meta;
	c->nevents = 0;
	if (c->fmt == EXPORT_JSONL) {
		fputc('{', c->out);
		json_call_head(c);
		fputs(",\"events\":[", c->out);
	}
	c->ps = store_call_events(c->st, meta->id, event_fn, c, c->err);
	if (c->ps != POISE_OK)
		return 1;
	if (c->fmt == EXPORT_JSONL) {
		fputs("]}\n", c->out);
	} else if (c->nevents == 0) {
		/* A call without events still gets its row. */
		csv_call(c);
		fputs(",,,,,,,\r\n", c->out);
	}
	return ferror(c->out) != 0;
}

enum poise_status export_calls(struct store *st, FILE *out, enum export_format fmt, int redact,
			       int64_t since, int64_t until, struct poise_error *err)
{
	struct export_ctx c = {.st = st, .out = out, .fmt = fmt, .redact = redact, .err = err};
	enum poise_status ps;

	if (fmt != EXPORT_JSONL && fmt != EXPORT_CSV)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "unknown export format: use jsonl or csv");
	if (fmt == EXPORT_CSV)
		fputs(csv_header, out);
	ps = store_each_call(st, since, until, call_fn, &c, err);
	free(c.agents);
	if (ps == POISE_OK)
		ps = c.ps;
	if (ps == POISE_OK && (ferror(out) || fflush(out) != 0))
		ps = poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the export: %s",
				     strerror(errno ? errno : EIO));
	return ps;
}
