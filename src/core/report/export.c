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

#include "poise/review.h"
#include "poise/store_score.h"
#include "poise/text.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const csv_header =
	"call_id,agent,customer,ref,playbook_id,playbook_version,playbook_hash,started,ended,"
	"status,outcome,cause,seq,t,offset_ms,kind,stage,a,b,text,practice\r\n";

/* Names met so far, so a pseudonym stays the same throughout an export. */
struct names {
	char (*name)[FIELD_AGENT_MAX + 1];
	size_t n, cap;
};

struct export_ctx {
	struct store *st;
	FILE *out;
	enum export_format fmt;
	int redact;			     /* enum export_redact */
	struct names agents, reviewers; /* redacted: in order of first appearance */
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
		/* only one of poise's reason keys */
		return skip_reason_from_key(ev->text) >= 0 ? ev->text : NULL;
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

/* A person as "PREFIX-N", N by first appearance in the export, the same N throughout. */
static const char *pseudonym(struct export_ctx *c, struct names *ns, const char *prefix,
			     const char *name)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (strcmp(ns->name[i], name) == 0)
			break;
	if (i == ns->n) {
		if (ns->n == ns->cap) {
			size_t cap = ns->cap ? ns->cap * 2 : 16;
			char(*grown)[FIELD_AGENT_MAX + 1] = realloc(ns->name, cap * sizeof(*grown));

			if (!grown)
				return "?"; /* out of memory: never the name */
			ns->name = grown;
			ns->cap = cap;
		}
		snprintf(ns->name[ns->n++], sizeof(ns->name[0]), "%s", name);
	}
	snprintf(c->pseudonym, sizeof(c->pseudonym), "%s-%zu", prefix, i + 1);
	return c->pseudonym;
}

/* The agent as exported: redacted, "agent-N" unless EXPORT_KEEP_AGENTS. */
static const char *agent_name(struct export_ctx *c, const char *agent)
{
	if (!(c->redact & EXPORT_REDACT) || (c->redact & EXPORT_KEEP_AGENTS))
		return agent;
	return pseudonym(c, &c->agents, "agent", agent);
}

/* A reviewer as exported: redacted, "reviewer-N" unless EXPORT_KEEP_AGENTS. */
static const char *reviewer_name(struct export_ctx *c, const char *reviewer)
{
	if (!(c->redact & EXPORT_REDACT) || (c->redact & EXPORT_KEEP_AGENTS))
		return reviewer;
	return pseudonym(c, &c->reviewers, "reviewer", reviewer);
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

/*
 * The last column of each row: a rehearsal's scenario id (poise rehearse),
 * empty for a real call. Last, so the columns before it keep their places.
 */
static void csv_practice(struct export_ctx *c)
{
	text_csv_cell(c->out, c->meta->practice, 0, 1);
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
		text_csv_cell(c->out, text, 0, 0);
		csv_practice(c);
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
	/* A rehearsal: the scenario played; null for a real call. */
	json_member(out, "practice", m->practice[0] ? m->practice : NULL, 1);
	if (c->redact)
		fputs(",\"redacted\":true", out);
}

/*
 * A review or QA score as a CSV row among the events: no seq, no stage;
 * its text three fields joined by tabs, as an event's text is.
 */
static int csv_extra(struct export_ctx *c, const char *kind, int64_t t, int64_t a, int64_t b,
		     const char *who, const char *what, const char *comment)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return 1;
	fprintf(m, "%s\t%s\t%s", who, what, comment ? comment : "");
	fclose(m);
	csv_call(c);
	fprintf(c->out, ",%" PRId64 ",%" PRId64 ",%s,,%" PRId64 ",%" PRId64 ",", t,
		t - c->meta->started, kind, a, b);
	text_csv_cell(c->out, text, 0, 0);
	csv_practice(c);
	free(text);
	return ferror(c->out) != 0;
}

/* A review (per-stage scores, comment): JSON member of reviews[], or a CSV row of kind review. */
static int review_out(void *ctx, const struct review *r)
{
	struct export_ctx *c = ctx;
	const char *comment = c->redact ? NULL : r->comment;
	char scores[128] = "";
	size_t len = 0;
	int n = 0;

	if (c->fmt == EXPORT_CSV) {
		for (int s = 0; s < STAGE_COUNT; s++)
			if (r->scores[s] && len < sizeof(scores))
				len += (size_t)snprintf(scores + len, sizeof(scores) - len, "%s%s=%d",
							len ? ";" : "", stage_key((enum stage)s), r->scores[s]);
		return csv_extra(c, "review", r->created_at, r->acked_at, 0,
				 reviewer_name(c, r->reviewer), scores, comment);
	}
	fputs(c->nevents++ ? ",{" : "{", c->out);
	json_member(c->out, "reviewer", reviewer_name(c, r->reviewer), 0);
	fprintf(c->out, ",\"created_at\":%" PRId64 ",\"acked_at\":", r->created_at);
	if (r->acked_at)
		fprintf(c->out, "%" PRId64, r->acked_at);
	else
		fputs("null", c->out);
	json_member(c->out, "comment", comment, 1);
	fputs(",\"stage_scores\":{", c->out);
	for (int s = 0; s < STAGE_COUNT; s++)
		if (r->scores[s])
			fprintf(c->out, "%s\"%s\":%d", n++ ? "," : "", stage_key((enum stage)s), r->scores[s]);
	fputs("}}", c->out);
	return ferror(c->out) != 0;
}

static void json_answer(FILE *out, const struct qa_answer *a, int comma)
{
	fputs(comma ? ",{" : "{", out);
	json_member(out, "criterion", a->criterion, 0);
	fprintf(out, ",\"weight\":%d,\"scale\":%d,\"auto_fail\":%s,\"value\":", a->weight,
		(int)a->scale, a->auto_fail ? "true" : "false");
	if (a->value == SCORE_NA)
		fputs("null}", out);
	else
		fprintf(out, "%d}", a->value);
}

/* A QA scoring: JSON member of qa_scores[], or a CSV row of kind qa-score. */
static int score_out(void *ctx, const struct qa_score *q)
{
	struct export_ctx *c = ctx;
	char answers[SCORECARD_MAX_CRITERIA * 72] = "";
	size_t len = 0;

	if (c->fmt == EXPORT_CSV) {
		for (size_t i = 0; i < q->nanswers && len < sizeof(answers); i++)
			len += (size_t)snprintf(answers + len, sizeof(answers) - len, "%s%s=%d",
						i ? ";" : "", q->answers[i].criterion,
						q->answers[i].value);
		return csv_extra(c, "qa-score", q->updated_at, q->score, q->auto_failed,
				 reviewer_name(c, q->reviewer), q->scorecard_id, answers);
	}
	fputs(c->nevents++ ? ",{" : "{", c->out);
	json_member(c->out, "id", q->id, 0);
	json_member(c->out, "reviewer", reviewer_name(c, q->reviewer), 1);
	json_member(c->out, "scorecard_id", q->scorecard_id, 1);
	json_member(c->out, "scorecard_version", q->scorecard_version, 1);
	fprintf(c->out, ",\"created_at\":%" PRId64 ",\"updated_at\":%" PRId64 ",\"score\":",
		q->created_at, q->updated_at);
	if (q->score < 0)
		fputs("null", c->out);
	else
		fprintf(c->out, "%d", q->score);
	fprintf(c->out, ",\"auto_failed\":%s,\"answers\":[", q->auto_failed ? "true" : "false");
	for (size_t i = 0; i < q->nanswers; i++)
		json_answer(c->out, &q->answers[i], i > 0);
	fputs("]}", c->out);
	return ferror(c->out) != 0;
}

/* The call's reviews and QA scores, after its events. */
static enum poise_status call_reviews(struct export_ctx *c)
{
	enum poise_status ps;

	if (c->fmt == EXPORT_JSONL)
		fputs("],\"reviews\":[", c->out);
	c->nevents = 0;
	if ((ps = review_each(c->st, c->meta->id, review_out, c, c->err)) != POISE_OK)
		return ps;
	if (c->fmt == EXPORT_JSONL)
		fputs("],\"qa_scores\":[", c->out);
	c->nevents = 0;
	return store_score_each(c->st, c->meta->id, score_out, c, c->err);
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
	if (c->fmt == EXPORT_CSV && c->nevents == 0) {
		/* A call without events still gets its row. */
		csv_call(c);
		fputs(",,,,,,,,", c->out);
		csv_practice(c);
	}
	if ((c->ps = call_reviews(c)) != POISE_OK)
		return 1;
	if (c->fmt == EXPORT_JSONL)
		fputs("]}\n", c->out);
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
	free(c.agents.name);
	free(c.reviewers.name);
	if (ps == POISE_OK)
		ps = c.ps;
	if (ps == POISE_OK && (ferror(out) || fflush(out) != 0))
		ps = poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the export: %s",
				     strerror(errno ? errno : EIO));
	return ps;
}
