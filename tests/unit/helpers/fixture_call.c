/* fixture_call.c - building events and comparing call states in tests. */
#include "helpers/fixture_call.h"
#include "helpers/fixture_playbook.h"
#include "poise/strbuf.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct event fixture_event(enum event_kind kind, int64_t t, int stage, int a, int b,
			   const char *text)
{
	struct event ev = {0};

	ev.t = t;
	ev.kind = kind;
	ev.stage = stage;
	ev.a = a;
	ev.b = b;
	ev.text = text;
	return ev;
}

enum poise_status fixture_apply(struct call_state *cs, enum event_kind kind, int64_t t, int stage,
				int a, int b, const char *text)
{
	struct event ev = fixture_event(kind, t, stage, a, b, text);

	return call_apply(cs, &ev);
}

struct playbook *fixture_call_new(struct call_state *cs, const struct pb_rule *rules, size_t n)
{
	struct playbook *pb = fixture_playbook_new(rules, n);

	if (pb && call_init(cs, pb) != POISE_OK) {
		fixture_playbook_free(pb);
		return NULL;
	}
	return pb;
}

void fixture_call_free(struct call_state *cs, struct playbook *pb)
{
	call_free(cs);
	fixture_playbook_free(pb);
}

static void dump_times(struct strbuf *d, const char *name, const int64_t *v, size_t n)
{
	strbuf_printf(d, "%s:", name);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(d, " %" PRId64, v[i]);
	strbuf_printf(d, "\n");
}

static void dump_bytes(struct strbuf *d, const char *name, const unsigned char *v, size_t n)
{
	strbuf_printf(d, "%s:", name);
	for (size_t i = 0; i < n; i++)
		strbuf_printf(d, " %d", v[i]);
	strbuf_printf(d, "\n");
}

static void dump_fields(struct strbuf *d, const struct call_state *cs)
{
	strbuf_printf(d,
	    "phase %d started %" PRId64 " wrapup_at %" PRId64 " ended %" PRId64 " last_t %" PRId64
	    " nevents %" PRId64 "\n",
	    cs->phase, cs->started, cs->wrapup_at, cs->ended, cs->last_t, cs->nevents);
	strbuf_printf(d, "stage %d since %" PRId64 " visited %#x clock %" PRId64 " visit_ms %" PRId64 "\n",
	    cs->stage, cs->stage_since, cs->visited, cs->stage_clock, cs->visit_ms);
	dump_times(d, "stage_ms", cs->stage_ms, STAGE_COUNT);
	strbuf_printf(d, "visits:");
	for (int s = 0; s < STAGE_COUNT; s++)
		strbuf_printf(d, " %d", cs->stage_visits[s]);
	strbuf_printf(d, "\nmood %d since %" PRId64 " marks", cs->mood, cs->mood_since);
	for (size_t i = 0; i < cs->nmoods; i++)
		strbuf_printf(d, " %d@%" PRId64, cs->moods[i].mood, cs->moods[i].t);
	strbuf_printf(d, "\npath:");
	for (size_t i = 0; i < cs->npath; i++)
		strbuf_printf(d, " %d", cs->path[i]);
	strbuf_printf(d, "\nhold %d since %" PRId64 " holds %d ms %" PRId64 " longest %" PRId64 "\n",
	    cs->on_hold, cs->hold_since, cs->holds, cs->hold_ms, cs->hold_longest_ms);
	strbuf_printf(d, "hold gap %" PRId64 " paused %d part %" PRId64 "\n", cs->hold_gap_ms,
	    cs->hold_paused, cs->hold_part_ms);
	strbuf_printf(d, "warnings %d", cs->warnings);
	dump_times(d, " at", cs->warning_at, PLAYBOOK_WARNINGS);
	strbuf_printf(d, "escalations %d manager %" PRId64 " asks %d empathy %" PRId64 " gap %" PRId64 "\n",
	    cs->escalations, cs->manager_at, cs->manager_asks, cs->empathy_at, cs->empathy_gap);
	for (size_t i = 0; i < cs->nnotes; i++)
		strbuf_printf(d, "note %" PRId64 " %s\n", cs->notes[i].t, cs->notes[i].text);
	for (size_t i = 0; i < cs->pb->nrules; i++)
		strbuf_printf(d, "rule %zu last %" PRId64 " episode %" PRId64 " fired %d\n", i,
		    cs->rules[i].last_fired, cs->rules[i].episode_start, cs->rules[i].fired);
	for (size_t i = 0; i < cs->nprompts; i++) {
		const struct prompt_mark *p = &cs->prompts[i];

		strbuf_printf(d,
		    "prompt %zu seq %" PRId64 " at %" PRId64 " rule %d stage %d end %d by %" PRId64
		    " at %" PRId64 "\n",
		    i, p->seq, p->t, p->rule, p->in_stage, p->end, p->end_seq, p->end_at);
	}
	strbuf_printf(d, "pending prompt %ld rule %d breathe %d at %" PRId64 " pacing %d\n", cs->prompt,
	    call_prompt_rule(cs), cs->breathe_count, cs->breathe_at, cs->pacing);
	strbuf_printf(d, "outcome %d cause %s followup %s reflection %s\n", cs->outcome,
	    cs->cause ? cs->cause : "-", cs->followup ? cs->followup : "-",
	    cs->reflection ? cs->reflection : "-");
	strbuf_printf(d, "interrupted %d at %" PRId64 " resume %d gap %" PRId64 " talk %" PRId64 "\n",
	    cs->interrupted_before, cs->interrupted_at, cs->resume_phase, cs->gap_ms, cs->talk_ms);
}

static void dump_items(struct strbuf *d, const struct call_state *cs)
{
	for (int s = 0; s < STAGE_COUNT; s++) {
		char name[32];

		snprintf(name, sizeof(name), "ticked %d", s);
		dump_bytes(d, name, cs->ticked[s], call_section_len(cs, s, SECTION_CHECKLIST));
		for (int sec = 0; sec < SECTION_COUNT; sec++) {
			strbuf_printf(d, "lines %d %d:", s, sec);
			for (size_t i = 0; i < call_section_len(cs, s, sec); i++) {
				const struct line_use *u = &cs->lines[s][sec][i];

				strbuf_printf(d, " %d/%d@%" PRId64 "#%" PRId64, u->mark, u->reason, u->t,
				    u->seq);
			}
			strbuf_printf(d, "\n");
		}
	}
}

static void dump_figures(struct strbuf *d, const struct call_state *cs, int64_t now)
{
	strbuf_printf(d,
	    "at %" PRId64 ": elapsed %" PRId64 " talk %" PRId64 " wrapup %" PRId64
	    " in_stage %" PRId64 " hold %" PRId64 " current_hold %" PRId64 " mood_held %" PRId64
	    "\n",
	    now, call_elapsed_ms(cs, now), call_talk_ms(cs, now), call_wrapup_ms(cs, now),
	    call_in_stage_ms(cs, now), call_hold_ms(cs, now), call_current_hold_ms(cs, now),
	    call_mood_held_ms(cs, now));
	strbuf_printf(d, "stage_ms at now:");
	for (int s = 0; s < STAGE_COUNT; s++)
		strbuf_printf(d, " %" PRId64, call_stage_ms(cs, s, now));
	strbuf_printf(d, "\nticked count:");
	for (int s = 0; s < STAGE_COUNT; s++)
		strbuf_printf(d, " %zu", call_ticked_count(cs, s));
	strbuf_printf(d, "\n");
}

char *fixture_call_dump(const struct call_state *cs, int64_t now)
{
	struct strbuf d = {0};

	dump_fields(&d, cs);
	dump_items(&d, cs);
	dump_figures(&d, cs, now);
	if (d.oom) {
		free(d.p);
		return NULL;
	}
	return d.p;
}

const char *fixture_dump_diff(const char *a, const char *b, char *buf, size_t size)
{
	size_t line = 0;

	buf[0] = '\0';
	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0) {
			snprintf(buf, size, "line %zu: '%.*s' vs '%.*s'", line + 1, (int)la, a,
				 (int)lb, b);
			return buf;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
		line++;
	}
	return buf;
}
