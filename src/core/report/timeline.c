/*
 * timeline.c - one call as plain text.
 *
 * Every event is described with the state just before it and then applied
 * with call_apply(), so the words ("said: <line>") and the figures at the
 * end come from the same fold the agent's screen used, never from a second
 * reading of the events; the figures a report also counts (checklist
 * adherence, time to empathy) are the report's own for this one call
 * (report_call_figures), written as its table writes them.
 */
#include "poise/timeline.h"
#include "poise/words.h"
#include "poise/i18n.h"
#include "poise/report.h"

#include "poise/day.h"
#include "poise/fill.h"
#include "poise/strbuf.h"
#include "poise/text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

/* Append to b, growing it: no text of an event is ever cut (b->oom says when it could not grow). */
static void put(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* text with {customer} and {agent} filled in as the agent saw it, appended to b. */
static void put_filled(struct strbuf *b, const char *text, const struct call_meta *meta)
{
	char *filled = fill_text(text, meta ? meta->customer : "", meta ? meta->agent : "");

	put(b, "%s", filled ? filled : text);
	free(filled);
}

/* The playbook's text of an item of the current stage; NULL when unknown. */
static const char *item_text(const struct call_state *cs, int section, int index)
{
	const struct strlist *l;

	if (!cs || !cs->pb || section < 0 || section >= SECTION_COUNT || index < 0)
		return NULL;
	l = &cs->pb->stages[cs->stage].section[section];
	return (size_t)index < l->len ? l->items[index] : NULL;
}

static void put_item(struct strbuf *b, const struct call_state *cs, const struct call_meta *meta,
		     int section, int index)
{
	const char *text = item_text(cs, section, index);

	if (text)
		put_filled(b, text, meta);
	else
		put(b, _("%s item %d"), or_q(section_key((enum section)section)), index + 1);
}

static void describe_wrapup(struct strbuf *b, const struct call_state *cs, const struct event *ev)
{
	const struct pb_cause *cause;
	int n0, n1, n2;
	const char *f0, *f1, *f2;

	switch (ev->kind) {
	case EV_OUTCOME:
		put(b, _("outcome: %s"), outcome_label(outcome_from_key(ev->text)));
		break;
	case EV_CAUSE:
		cause = cs && cs->pb ? playbook_cause(cs->pb, ev->text ? ev->text : "") : NULL;
		if (cause)
			put(b, _("cause: %s (%s)"), cause->label, cause->id);
		else
			put(b, _("cause: %s"), ev->text ? ev->text : "-");
		break;
	case EV_FOLLOWUP:
		f0 = event_field(ev->text, 0, &n0);
		f1 = event_field(ev->text, 1, &n1);
		f2 = event_field(ev->text, 2, &n2);
		put(b, _("follow-up%s%.*s%s%.*s: %.*s"), n0 ? _(" due ") : "", n0, f0,
		    n1 ? _(" by ") : "", n1, f1, n2, f2);
		break;
	case EV_REFLECTION:
		f0 = event_field(ev->text, 0, &n0);
		f1 = event_field(ev->text, 1, &n1);
		/* A half left empty reads "-", as an empty field does everywhere. */
		put(b, _("reflection: went well: %.*s; to improve: %.*s"), n0 ? n0 : 1,
		    n0 ? f0 : "-", n1 ? n1 : 1, n1 ? f1 : "-");
		break;
	default:
		break;
	}
}

static void describe_item(struct strbuf *b, const struct call_state *cs,
			  const struct call_meta *meta, const struct event *ev)
{
	switch (ev->kind) {
	case EV_CHECK:
		put(b, "%s: ", ev->b ? _("ticked") : _("unticked"));
		put_item(b, cs, meta, SECTION_CHECKLIST, ev->a);
		break;
	case EV_SAID:
		if (ev->a == SECTION_SAY)
			put(b, _("said: "));
		else if (ev->a == SECTION_ASK)
			put(b, _("asked: "));
		else
			put(b, _("used (%s): "), or_q(section_key((enum section)ev->a)));
		put_item(b, cs, meta, ev->a, ev->b);
		break;
	case EV_SKIP: {
		/* The reason in words, as on the call screen; a key poise does not know, as it is. */
		int reason = skip_reason_from_key(ev->text);

		put(b, _("skipped (%s): "),
		    reason >= 0 ? skip_reason_label((enum skip_reason)reason)
				: ev->text ? ev->text : "-");
		put_item(b, cs, meta, ev->a, ev->b);
		break;
	}
	default:
		break;
	}
}

static void describe_marks(struct strbuf *b, const struct call_state *cs,
			   const struct call_meta *meta, const struct event *ev)
{
	char d[32];
	const char *msg;

	switch (ev->kind) {
	case EV_HOLD_END:
		if (cs && cs->on_hold) {
			/* The fold's hold: an interruption's gap is no time on hold. */
			words_duration(d, sizeof(d), call_current_hold_ms(cs, ev->t));
			put(b, _("hold ended after %s"), d);
		} else {
			put(b, _("hold ended"));
		}
		break;
	case EV_WARNING:
		put(b, _("warning %d"), ev->a);
		if (ev->text) { /* the wording as the agent had it on screen */
			put(b, ": %s", ev->text);
		} else if (cs && cs->pb && ev->a >= 1 && ev->a <= PLAYBOOK_WARNINGS &&
			   cs->pb->warnings[ev->a - 1]) {
			put(b, ": ");
			put_filled(b, cs->pb->warnings[ev->a - 1], meta);
		}
		break;
	case EV_PROMPT:
		put(b, _("prompt %s"), ev->text ? ev->text : "-");
		msg = cs && cs->pb && ev->a >= 0 && (size_t)ev->a < cs->pb->nrules
			      ? cs->pb->rules[ev->a].message
			      : NULL;
		if (msg) {
			put(b, ": ");
			put_filled(b, msg, meta);
		}
		break;
	default:
		break;
	}
}

/* What an UNDO took back, in the words of the event undone (cs: the state before the UNDO). */
static void describe_undo(struct strbuf *b, const struct call_state *cs,
			  const struct call_meta *meta, const struct event *ev)
{
	const struct call_entry *e = cs ? call_entry_of(cs, ev->a) : NULL;
	struct event undone;
	char *what;

	if (!e) {
		put(b, _("undone: event %d"), ev->a);
		return;
	}
	if (e->kind == EV_WRAPUP) {
		put(b, _("back to the call from the wrap-up"));
		return;
	}
	undone = call_entry_event(e);
	if (!(what = timeline_describe(cs, meta, &undone))) {
		b->oom = 1;
		return;
	}
	put(b, _("undone: %s"), what);
	free(what);
}

/* The events told in one fixed phrase, with the event's text at its %s if it has one. */
static const char *const told[EV_COUNT] = {
	[EV_NOTE] = N_("note: %s"),
	[EV_HOLD_START] = N_("hold started"),
	[EV_ESCALATE] = N_("escalated: %s"),
	[EV_BREATHE] = N_("breathing pacer"),
	[EV_BREATHE_END] = N_("breathing pacer stopped"),
	[EV_WRAPUP] = N_("wrap-up began"),
	[EV_END] = N_("call closed"),
	[EV_INTERRUPTED] = N_("interrupted: %s"),
	[EV_RESUME] = N_("resumed"),
};

static void describe(struct strbuf *b, const struct call_state *cs, const struct call_meta *meta,
		     const struct event *ev)
{
	const char *text = ev->text ? ev->text : "";
	char d[WORDS_BUF];

	if ((unsigned)ev->kind < EV_COUNT && told[ev->kind]) {
		/* a phrase without %s ignores text */
		put(b, _(told[ev->kind]), text);
		return;
	}
	switch (ev->kind) {
	case EV_START:
		put(b, _("call started"));
		if (meta)
			put(b, _(" with playbook %s %s"), meta->playbook_id,
			    meta->playbook_version);
		break;
	case EV_STAGE:
		put(b, _("moved to %s from %s"), or_q(stage_key((enum stage)ev->stage)),
		    or_q(stage_key((enum stage)ev->a)));
		break;
	case EV_MOOD:
		put(b, _("mood %s"), words_mood_mark(d, sizeof(d), ev->a));
		break;
	case EV_MANAGER:
		put(b, _("customer asked for a manager%s%s%s"), text[0] ? _(": said \"") : "", text,
		    text[0] ? "\"" : "");
		break;
	case EV_UNDO:
		describe_undo(b, cs, meta, ev);
		break;
	case EV_CHECK:
	case EV_SAID:
	case EV_SKIP:
		describe_item(b, cs, meta, ev);
		break;
	case EV_HOLD_END:
	case EV_WARNING:
	case EV_PROMPT:
		describe_marks(b, cs, meta, ev);
		break;
	default:
		describe_wrapup(b, cs, ev);
		break;
	}
}

char *timeline_describe(const struct call_state *cs, const struct call_meta *meta,
			const struct event *ev)
{
	struct strbuf b = {0};

	strbuf_add(&b, "", 0);
	describe(&b, cs, meta, ev);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* --- the whole call ------------------------------------------------------ */

struct tl_ctx {
	FILE *out;
	const struct call_meta *meta;
	struct call_state *cs; /* NULL when the playbook did not load */
	int refused;	       /* events the fold would not apply */
	enum poise_status ps;  /* out of memory in the fold */
};

/* The start for people: the locale's day (ISO in C and POSIX, day.h), then the time. */
static void local_time(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	char iso[DAY_SIZE], day[64], hms[16];
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(iso, sizeof(iso), "%Y-%m-%d", &tm) ||
	    !strftime(hms, sizeof(hms), "%H:%M:%S", &tm))
		snprintf(buf, size, "%" PRId64, ms);
	else
		snprintf(buf, size, "%s %s", day_locale_day(day, sizeof(day), iso), hms);
}

/*
 * The header is what the calls row says; the fold's figures come after the
 * events. The duration is the fold's elapsed time when it is known (elapsed
 * >= 0), the one every screen and the report's handle time use: an
 * interruption's gap does not count.
 */
/* One header line: the label, the value made safe ("-" when empty). */
static void header_line(FILE *out, const char *label, const char *v)
{
	text_fput_cell(out, label, 10, 0);
	text_fput(out, v && v[0] ? v : "-", 0);
	fputc('\n', out);
}

static void write_header(FILE *out, const struct call_meta *m, int64_t elapsed)
{
	char started[64], dur[32],
		pb[FIELD_PLAYBOOK_ID_MAX + FIELD_VERSION_MAX + FIELD_HASH_LEN + 3];

	local_time(m->started, started, sizeof(started));
	words_duration(dur, sizeof(dur), elapsed >= 0 ? elapsed : m->ended - m->started);
	snprintf(pb, sizeof(pb), "%s %s %s", m->playbook_id, m->playbook_version, m->playbook_hash);
	header_line(out, C_("show", "call"), m->id);
	header_line(out, C_("show", "agent"), m->agent);
	header_line(out, C_("show", "customer"), m->customer);
	header_line(out, C_("show", "ref"), m->ref);
	header_line(out, C_("show", "started"), started);
	header_line(out, C_("show", "duration"), m->ended ? dur : _("- (not closed)"));
	header_line(out, C_("show", "status"), m->status);
	header_line(out, C_("show", "outcome"),
		    m->outcome[0] ? outcome_label(outcome_from_key(m->outcome)) : "-");
	header_line(out, C_("show", "cause"), m->cause);
	header_line(out, C_("show", "playbook"), pb);
	fputc('\n', out);
}

static int event_fn(void *ctx, const struct event *ev)
{
	struct tl_ctx *c = ctx;
	char when[32], *what;
	enum poise_status ps;

	words_duration(when, sizeof(when), ev->t - c->meta->started);
	if (!(what = timeline_describe(c->cs, c->meta, ev))) {
		c->ps = POISE_NOMEM;
		return 1;
	}
	fprintf(c->out, "%s  %-9s  ", when, or_q(stage_key((enum stage)ev->stage)));
	text_fput(c->out, what, 0);
	free(what);
	if (c->cs && (ps = call_apply(c->cs, ev)) != POISE_OK) {
		if (ps != POISE_STATE) {
			c->ps = ps;
			fputc('\n', c->out);
			return 1;
		}
		c->refused++;
		fprintf(c->out, "  %s", _("[not possible here: left out of the figures]"));
	}
	fputc('\n', c->out);
	return ferror(c->out) != 0;
}

static void write_stages(FILE *out, const struct call_state *cs, const struct report_figures *one,
			 int64_t now)
{
	char c[WORDS_BUF], pct[32];

	fputs("  ", out);
	text_fput_cell(out, _("stage"), 10, 0);
	fputc(' ', out);
	text_fput_cell(out, _("time"), 6, TEXT_RIGHT);
	fputs("  ", out);
	text_fput_cell(out, _("visits"), 6, TEXT_RIGHT);
	fprintf(out, "  %s\n", _("checklist"));
	for (int s = 0; s < STAGE_COUNT; s++) {
		char d[32];
		size_t n = call_section_len(cs, (enum stage)s, SECTION_CHECKLIST);
		size_t t = call_ticked_count(cs, (enum stage)s);

		if (!(cs->visited & (1u << s)))
			continue;
		words_duration(d, sizeof(d), call_stage_ms(cs, (enum stage)s, now));
		fprintf(out, "  %-10s %6s  %6d  %s\n", stage_key((enum stage)s), d,
			cs->stage_visits[s], words_checklist(c, sizeof(c), t, n));
	}
	report_field_text(one, "checklist_pct", pct, sizeof(pct));
	/* TRANSLATORS: "2/6 ticked (33.3%)": the report's checklist adherence of this call. */
	fprintf(out, _("  checklist of the stages visited: %s (%s)\n"),
		words_checklist(c, sizeof(c), (size_t)one->checklist_ticked,
				(size_t)one->checklist_items),
		pct);
}

static void count_lines(const struct call_state *cs, int *said, int *skipped)
{
	*said = *skipped = 0;
	for (int s = 0; s < STAGE_COUNT; s++)
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			for (size_t i = 0; i < call_section_len(cs, (enum stage)s, sec); i++) {
				*said += cs->lines[s][sec][i].mark == LINE_SAID;
				*skipped += cs->lines[s][sec][i].mark == LINE_SKIPPED;
			}
}

static void write_summary(FILE *out, const struct call_state *cs, int refused)
{
	int64_t now = cs->ended ? cs->ended : cs->last_t;
	char a[32], b[32], c[32], d[32], n1[64], n2[64], n3[64];
	int said, skipped, prompts = 0;
	struct report_figures one; /* the figures `poise report` counts for this call */

	report_call_figures(cs, &one);

	words_duration(a, sizeof(a), call_elapsed_ms(cs, now));
	words_duration(b, sizeof(b), call_talk_ms(cs, now));
	words_duration(c, sizeof(c), call_wrapup_ms(cs, now));
	fprintf(out, "\n%s\n",
		refused ? _("summary (incomplete: some events were not possible)") : _("summary"));
	fprintf(out, _("  elapsed %s: talk %s, wrap-up %s\n"), a, b, c);
	write_stages(out, cs, &one, now);
	words_duration(a, sizeof(a), call_hold_ms(cs, now));
	words_duration(d, sizeof(d), cs->hold_longest_ms);
	fprintf(out, _("  %s, %s in all, longest %s\n"),
		words_count_c(n1, sizeof(n1), cs->holds, "count", "hold", "holds"), a, d);
	fprintf(out, "  %s, %s, %s\n",
		words_count(n1, sizeof(n1), cs->warnings, "boundary warning", "boundary warnings"),
		words_count(n2, sizeof(n2), cs->escalations, "escalation", "escalations"),
		words_count(n3, sizeof(n3), cs->manager_asks, "manager request",
			    "manager requests"));
	fprintf(out, _("  mood %s -> %s\n"),
		words_mood_mark(a, sizeof(a), cs->nmoods ? cs->moods[0].mood : 0),
		words_mood_mark(b, sizeof(b), cs->nmoods ? cs->moods[cs->nmoods - 1].mood : 0));
	if (one.empathy_calls) {
		report_field_text(&one, "empathy_avg_s", a, sizeof(a));
		fprintf(out, _("  time to empathy %s\n"), a);
	}
	count_lines(cs, &said, &skipped);
	for (size_t i = 0; i < cs->pb->nrules; i++)
		prompts += cs->rules[i].fired;
	fprintf(out, _("  %s, %d skipped; %s; %s\n"),
		words_count(n1, sizeof(n1), said, "line said", "lines said"), skipped,
		words_count_c(n2, sizeof(n2), (long)cs->nnotes, "count", "note", "notes"),
		words_count(n3, sizeof(n3), prompts, "prompt", "prompts"));
}

static int fold_fn(void *ctx, const struct event *ev)
{
	call_apply(ctx, ev); /* a refused event counts for nothing, as in the summary */
	return 0;
}

/* The elapsed time of a closed call, folded on its own before the timeline is written; -1 unknown.
 */
static int64_t closed_elapsed(struct store *st, const struct call_meta *m,
			      const struct playbook *pb)
{
	struct call_state cs;
	int64_t elapsed = -1;

	if (call_init(&cs, pb) != POISE_OK)
		return -1;
	if (store_call_events(st, m->id, fold_fn, &cs, NULL) == POISE_OK && cs.ended)
		elapsed = call_elapsed_ms(&cs, cs.ended);
	call_free(&cs);
	return elapsed;
}

/* The playbook the call used, from the text kept for it; NULL with why when it does not load. */
static struct playbook *call_playbook(struct store *st, const struct call_meta *m,
				      struct poise_error *why)
{
	struct playbook *pb = NULL;

	store_playbook(st, m->playbook_hash, "stored playbook", &pb, why);
	return pb;
}

enum poise_status timeline_write(struct store *st, const char *id_or_prefix, FILE *out,
				 struct poise_error *err)
{
	struct call_meta meta;
	struct call_state cs;
	struct poise_error why;
	struct playbook *pb;
	struct tl_ctx c = {.out = out, .meta = &meta};
	enum poise_status ps;

	if ((ps = store_call_meta(st, id_or_prefix, &meta, err)) != POISE_OK)
		return ps;
	poise_error_clear(&why);
	pb = call_playbook(st, &meta, &why);
	if (pb && call_init(&cs, pb) != POISE_OK) {
		playbook_free(pb);
		return poise_error_nomem(err);
	}
	c.cs = pb ? &cs : NULL;
	write_header(out, &meta, pb && meta.ended ? closed_elapsed(st, &meta, pb) : -1);
	if (!pb)
		fprintf(out,
			_("(the playbook text kept for this call does not load: %s; "
			  "lines are named by number and there is no summary)\n\n"),
			why.msg[0] ? why.msg : poise_status_str(why.status));
	ps = store_call_events(st, meta.id, event_fn, &c, err);
	if (ps == POISE_OK && c.ps != POISE_OK)
		ps = poise_error_set(err, c.ps, NULL, 0, 0, "cannot fold call '%s': %s", meta.id,
				     poise_status_str(c.ps));
	if (ps == POISE_OK && pb)
		write_summary(out, &cs, c.refused);
	if (ps == POISE_OK && (ferror(out) || fflush(out) != 0))
		ps = poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the timeline");
	if (pb) {
		call_free(&cs);
		playbook_free(pb);
	}
	return ps;
}
