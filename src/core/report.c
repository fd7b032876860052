/*
 * report.c - reading, folding and summing the calls of a report.
 *
 * Each call's events go through call_apply(), the fold every other view of
 * a call uses, and the figures are read from the folded state; the only
 * things taken from events beside the fold are what the state does not
 * keep: each follow-up (the state keeps the last), the mood after a line
 * was said, and how long it took to reach empathize without the gaps.
 * Figures of a call are added only once its last event is folded, so a
 * call that turns out damaged adds nothing but to `damaged`.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/call.h"
#include "poise/store_scan.h"

#define DAY_MS INT64_C(86400000)

/* A SAID or SKIP of the call being folded, kept until the call is summed. */
struct line_ev {
	int64_t t;
	int stage, section, index;
	int skip;   /* -1 for SAID, else the skip reason */
	int mood;   /* mood when said; 0 = not set */
	int sample; /* 1 once a MOOD within the window resolved it */
	int change;
	int done; /* resolved, with or without a sample */
};

struct run {
	struct report *r;
	const struct report_query *q;
	struct store *st;
	struct store_scan *sc;
	struct repeat_window *win;
	char today[11];
	enum poise_status ps;
	struct poise_error *err;
	/* The call being folded. */
	struct call_state cs;
	struct pb_entry *pbe;
	int refused;	     /* call_apply refused an event: the call is damaged */
	int64_t empathy_gap; /* gap_ms when empathize was first entered */
	long fu[4];	     /* done, due, overdue, later */
	struct line_ev *lev;
	size_t nlev, levcap, pending; /* lev[pending..] may still wait for a MOOD */
};

enum { FU_DONE, FU_DUE, FU_OVERDUE, FU_LATER };

static enum poise_status nomem(struct run *rn)
{
	return rn->ps = poise_error_set(rn->err, POISE_NOMEM, NULL, 0, 0, "out of memory");
}

/* --- accumulators -------------------------------------------------------- */

static struct acc *agent_acc(struct report *r, const char *agent)
{
	size_t lo = 0, hi = r->nagents;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(r->agents[mid].f.agent, agent);

		if (c == 0)
			return &r->agents[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (r->nagents == r->agents_cap) {
		size_t cap = r->agents_cap ? r->agents_cap * 2 : 16;
		struct acc *p = realloc(r->agents, cap * sizeof(*p));

		if (!p)
			return NULL;
		r->agents = p;
		r->agents_cap = cap;
	}
	memmove(&r->agents[lo + 1], &r->agents[lo], (r->nagents - lo) * sizeof(*r->agents));
	memset(&r->agents[lo], 0, sizeof(*r->agents));
	snprintf(r->agents[lo].f.agent, sizeof(r->agents[lo].f.agent), "%s", agent);
	r->nagents++;
	return &r->agents[lo];
}

static int add_cause(struct acc *a, const char *id)
{
	for (size_t i = 0; i < a->ncauses; i++)
		if (strcmp(a->causes[i].id, id) == 0) {
			a->causes[i].calls++;
			return 1;
		}
	if (a->ncauses == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct cause_count *p = realloc(a->causes, cap * sizeof(*p));

		if (!p)
			return 0;
		a->causes = p;
		a->cap = cap;
	}
	snprintf(a->causes[a->ncauses].id, sizeof(a->causes[0].id), "%s", id);
	a->causes[a->ncauses++].calls = 1;
	return 1;
}

static int cause_cmp(const void *pa, const void *pb)
{
	const struct cause_count *a = pa, *b = pb;

	if (a->calls != b->calls)
		return a->calls > b->calls ? -1 : 1;
	return strcmp(a->id, b->id);
}

static void finish_acc(struct acc *a)
{
	if (a->ncauses > 1)
		qsort(a->causes, a->ncauses, sizeof(*a->causes), cause_cmp);
	a->f.ntop = a->ncauses < REPORT_TOP_CAUSES ? a->ncauses : REPORT_TOP_CAUSES;
	for (size_t i = 0; i < a->f.ntop; i++) {
		memcpy(a->f.top[i].id, a->causes[i].id, sizeof(a->f.top[i].id));
		a->f.top[i].calls = a->causes[i].calls;
	}
}

/* --- playbooks ----------------------------------------------------------- */

static void pb_entry_free(struct pb_entry *e)
{
	for (int s = 0; s < STAGE_COUNT; s++)
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			free(e->lines[s][sec]);
	playbook_free(e->pb);
}

/* Parse the playbook text once and give every line a counter. */
static int pb_entry_load(struct run *rn, struct pb_entry *e)
{
	struct poise_error perr;
	char *text = NULL;
	size_t len = 0;
	int ok = 0;

	poise_error_clear(&perr);
	if (store_playbook_text(rn->st, e->hash, &text, &len, &perr) != POISE_OK ||
	    playbook_load_text(text, len, e->hash, &e->pb, &perr) != POISE_OK) {
		/* Out of memory stops the report; a missing or bad text damages its calls. */
		ok = perr.status != POISE_NOMEM;
		goto out;
	}
	for (int s = 0; s < STAGE_COUNT; s++)
		for (int sec = 0; sec < SECTION_COUNT; sec++) {
			size_t n = e->pb->stages[s].section[sec].len;

			e->lines[s][sec] = calloc(n ? n : 1, sizeof(struct line_acc));
			if (!e->lines[s][sec])
				goto out;
		}
	ok = 1;
out:
	free(text);
	return ok;
}

static struct pb_entry *pb_entry_get(struct run *rn, const char *hash)
{
	struct report *r = rn->r;
	struct pb_entry *e;

	for (size_t i = 0; i < r->npbs; i++)
		if (strcmp(r->pbs[i].hash, hash) == 0)
			return &r->pbs[i];
	if (r->npbs == r->pbs_cap) {
		size_t cap = r->pbs_cap ? r->pbs_cap * 2 : 4;
		struct pb_entry *p = realloc(r->pbs, cap * sizeof(*p));

		if (!p)
			return NULL;
		r->pbs = p;
		r->pbs_cap = cap;
	}
	e = memset(&r->pbs[r->npbs++], 0, sizeof(*e));
	snprintf(e->hash, sizeof(e->hash), "%s", hash);
	if (!pb_entry_load(rn, e))
		return NULL;
	return e;
}

/* --- one call's events --------------------------------------------------- */

static int push_line_ev(struct run *rn, const struct event *ev)
{
	struct line_ev *l;

	if (rn->nlev == rn->levcap) {
		size_t cap = rn->levcap ? rn->levcap * 2 : 32;
		struct line_ev *p = realloc(rn->lev, cap * sizeof(*p));

		if (!p)
			return 0;
		rn->lev = p;
		rn->levcap = cap;
	}
	l = memset(&rn->lev[rn->nlev++], 0, sizeof(*l));
	l->t = ev->t;
	l->stage = (int)rn->cs.stage;
	l->section = ev->a;
	l->index = ev->b;
	l->mood = rn->cs.mood;
	l->skip = -1;
	if (ev->kind == EV_SKIP) {
		for (int i = 0; i < SKIP_COUNT; i++)
			if (strcmp(skip_reason_key((enum skip_reason)i), ev->text) == 0)
				l->skip = i;
		l->done = 1;
	}
	return 1;
}

/* A MOOD answers every line said since the last MOOD, if it came soon enough. */
static void resolve_mood(struct run *rn, const struct event *ev)
{
	for (size_t i = rn->pending; i < rn->nlev; i++) {
		struct line_ev *l = &rn->lev[i];

		if (l->done)
			continue;
		l->done = 1;
		if (l->mood && ev->t - l->t <= REPORT_MOOD_WINDOW_MS) {
			l->sample = 1;
			l->change = ev->a - l->mood;
		}
	}
	rn->pending = rn->nlev;
}

/* A follow-up's state at `today`: "YYYY-MM-DD\t..." compares as text. */
static void count_followup(struct run *rn, const char *text, int64_t done_at)
{
	size_t n = strcspn(text, "\t");

	if (done_at)
		rn->fu[FU_DONE]++;
	else if (n != 10)
		rn->fu[FU_LATER]++;
	else if (strncmp(text, rn->today, 10) < 0)
		rn->fu[FU_OVERDUE]++;
	else if (strncmp(text, rn->today, 10) == 0)
		rn->fu[FU_DUE]++;
	else
		rn->fu[FU_LATER]++;
}

static int on_event(void *ctx, const struct event *ev, int64_t done_at)
{
	struct run *rn = ctx;
	int reached = rn->cs.empathy_at != 0;

	if (call_check(&rn->cs, ev) != POISE_OK) {
		rn->refused = 1;
		return 1;
	}
	if ((ev->kind == EV_SAID || ev->kind == EV_SKIP) && !push_line_ev(rn, ev))
		goto oom;
	if (ev->kind == EV_MOOD)
		resolve_mood(rn, ev);
	if (ev->kind == EV_FOLLOWUP)
		count_followup(rn, ev->text, done_at);
	if (call_apply(&rn->cs, ev) != POISE_OK)
		goto oom;
	if (!reached && rn->cs.empathy_at)
		rn->empathy_gap = rn->cs.gap_ms;
	return 0;
oom:
	nomem(rn);
	return 1;
}

/* --- summing a folded call ----------------------------------------------- */

static void add_figures(struct report_figures *f, const struct call_state *cs, int64_t gap,
			const long fu[4], int repeat)
{
	if (cs->phase == CALL_DONE) {
		f->done++;
		f->handle_ms += call_elapsed_ms(cs, cs->ended);
		f->wrapup_ms += call_wrapup_ms(cs, cs->ended);
	} else {
		f->interrupted++;
	}
	f->hold_ms += cs->hold_ms;
	f->holds += cs->holds;
	if (cs->hold_longest_ms > f->hold_longest_ms)
		f->hold_longest_ms = cs->hold_longest_ms;
	f->escalated += cs->escalations > 0 || cs->outcome == OUTCOME_ESCALATED;
	f->transferred += cs->outcome == OUTCOME_TRANSFERRED;
	f->warnings += cs->warnings;
	f->warned += cs->warnings > 0;
	f->abuse += cs->outcome == OUTCOME_ABUSE;
	if (cs->nmoods > 0) {
		f->mood_calls++;
		f->mood_start_sum += cs->moods[0].mood;
		f->mood_end_sum += cs->moods[cs->nmoods - 1].mood;
	}
	if (cs->nmoods > 1) {
		f->mood_pairs++;
		f->calmer += cs->moods[cs->nmoods - 1].mood < cs->moods[0].mood;
	}
	if (cs->empathy_at) {
		f->empathy_calls++;
		f->empathy_ms += cs->empathy_at - cs->started - gap;
	}
	for (int s = 0; s < STAGE_COUNT; s++) {
		f->stage_ms[s] += cs->stage_ms[s];
		if (!(cs->visited & (1u << s)))
			continue;
		f->checklist_ticked += (long)call_ticked_count(cs, (enum stage)s);
		f->checklist_items += (long)call_section_len(cs, (enum stage)s, SECTION_CHECKLIST);
	}
	f->repeats += repeat;
	f->fu_done += fu[FU_DONE];
	f->fu_due += fu[FU_DUE];
	f->fu_overdue += fu[FU_OVERDUE];
	f->fu_later += fu[FU_LATER];
	f->causes += cs->cause != NULL;
}

static void add_lines(struct run *rn)
{
	struct pb_entry *e = rn->pbe;

	e->calls++;
	for (int s = 0; s < STAGE_COUNT; s++)
		e->stage_shown[s] += (rn->cs.visited & (1u << s)) != 0;
	for (size_t i = 0; i < rn->nlev; i++) {
		const struct line_ev *l = &rn->lev[i];
		struct line_acc *a = &e->lines[l->stage][l->section][l->index];

		if (l->skip < 0) {
			a->used++;
			a->mood_samples += l->sample;
			a->mood_change_sum += l->sample ? l->change : 0;
		} else {
			a->skipped++;
			a->skip_reason[l->skip]++;
		}
	}
}

/* Add the folded call to its agent's column and to everyone's. */
static int sum_call(struct run *rn, const char *agent, int repeat)
{
	struct report *r = rn->r;
	struct acc *a = agent_acc(r, agent);
	const struct call_state *cs = &rn->cs;

	if (!a)
		return 0;
	a->f.calls++;
	r->all.f.calls++;
	if (cs->phase != CALL_DONE && cs->phase != CALL_INTERRUPTED) {
		a->f.open++;
		r->all.f.open++;
		return 1;
	}
	add_figures(&a->f, cs, rn->empathy_gap, rn->fu, repeat);
	add_figures(&r->all.f, cs, rn->empathy_gap, rn->fu, repeat);
	if (cs->cause && (!add_cause(a, cs->cause) || !add_cause(&r->all, cs->cause)))
		return 0;
	add_lines(rn);
	return 1;
}

static int selected(const struct report_query *q, const struct scan_call *c)
{
	if (q->since && c->started < q->since)
		return 0; /* read only for repeat contacts */
	if (q->agent && strcmp(q->agent, c->agent) != 0)
		return 0;
	return !q->playbook || strcmp(q->playbook, c->playbook_id) == 0;
}

/* Fold one call; 0 to go on, 1 to stop (rn->ps says why). */
static int fold_call(struct run *rn, const struct scan_call *c, int repeat)
{
	struct poise_error serr;
	enum poise_status ps;

	rn->pbe = pb_entry_get(rn, c->playbook_hash);
	if (!rn->pbe) {
		nomem(rn);
		return 1;
	}
	if (!rn->pbe->pb) {
		rn->r->damaged++;
		return 0;
	}
	if (call_init(&rn->cs, rn->pbe->pb) != POISE_OK) {
		nomem(rn);
		return 1;
	}
	rn->refused = 0;
	rn->empathy_gap = 0;
	memset(rn->fu, 0, sizeof(rn->fu));
	rn->nlev = rn->pending = 0;
	poise_error_clear(&serr);
	ps = store_scan_events(rn->sc, c->id, on_event, rn, &serr);
	if (ps != POISE_OK && ps != POISE_DB) {
		*rn->err = serr;
		rn->ps = ps;
	} else if (rn->ps == POISE_OK) {
		/* An unreadable or refused event: the call cannot be trusted. */
		if (ps == POISE_DB || rn->refused)
			rn->r->damaged++;
		else if (!sum_call(rn, c->agent, repeat))
			nomem(rn);
	}
	call_free(&rn->cs);
	return rn->ps != POISE_OK;
}

static int on_call(void *ctx, const struct scan_call *c)
{
	struct run *rn = ctx;
	int repeat = 0;

	if (c->ref[0]) {
		repeat = repeat_seen(rn->win, c->ref, c->started);
		if (repeat < 0) {
			nomem(rn);
			return 1;
		}
	}
	if (!selected(rn->q, c))
		return 0;
	return fold_call(rn, c, repeat);
}

/* --- the report ---------------------------------------------------------- */

static void today_of(const struct report_query *q, char out[11])
{
	time_t secs = (time_t)(q->now / 1000);
	struct tm tm;

	if (q->utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static enum poise_status run_scan(struct run *rn)
{
	const struct report_query *q = rn->q;
	int64_t window = (int64_t)q->repeat_days * DAY_MS;
	/*
	 * Calls up to repeat_days before `since` are read (not folded) for
	 * repeats; reading more than that would change nothing.
	 */
	int64_t from = q->since ? q->since - window : 0;
	enum poise_status ps;

	if (!(rn->win = repeat_new(window)))
		return nomem(rn);
	ps = store_scan_open(rn->st, &rn->sc, rn->err);
	if (ps != POISE_OK)
		return ps;
	ps = store_scan_calls(rn->sc, from, q->until, on_call, rn, rn->err);
	store_scan_close(rn->sc);
	if (ps != POISE_OK)
		return ps;
	return rn->ps;
}

static char *dup_or_null(const char *s, int *fail)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*fail = 1;
	return d;
}

enum poise_status report_run(struct store *st, const struct report_query *q, struct report **out,
			     struct poise_error *err)
{
	struct run rn = {.q = q, .st = st, .err = err};
	enum poise_status ps;
	int fail = 0;

	*out = NULL;
	if (q->repeat_days < 1 || q->repeat_days > REPORT_REPEAT_MAX)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "repeat days must be 1..%d, not %d", REPORT_REPEAT_MAX,
				       q->repeat_days);
	if (!(rn.r = calloc(1, sizeof(*rn.r))))
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	rn.r->repeat_days = q->repeat_days;
	rn.r->utc = q->utc;
	rn.r->since = q->since;
	rn.r->until = q->until;
	rn.r->agent_filter = dup_or_null(q->agent, &fail);
	rn.r->playbook_filter = dup_or_null(q->playbook, &fail);
	today_of(q, rn.today);
	ps = fail ? nomem(&rn) : run_scan(&rn);
	repeat_free(rn.win);
	free(rn.lev);
	if (ps == POISE_OK) {
		finish_acc(&rn.r->all);
		for (size_t i = 0; i < rn.r->nagents; i++)
			finish_acc(&rn.r->agents[i]);
		if ((ps = report_lines_index(rn.r)) != POISE_OK)
			poise_error_set(err, ps, NULL, 0, 0, "out of memory");
	}
	if (ps != POISE_OK) {
		report_free(rn.r);
		return ps;
	}
	*out = rn.r;
	return POISE_OK;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	free(r->all.causes);
	for (size_t i = 0; i < r->nagents; i++)
		free(r->agents[i].causes);
	free(r->agents);
	for (size_t i = 0; i < r->npbs; i++)
		pb_entry_free(&r->pbs[i]);
	free(r->pbs);
	free(r->lines);
	free((char *)r->agent_filter);
	free((char *)r->playbook_filter);
	free(r);
}

const struct report_figures *report_overall(const struct report *r)
{
	return &r->all.f;
}

size_t report_agent_count(const struct report *r)
{
	return r->nagents;
}

const struct report_figures *report_agent(const struct report *r, size_t i)
{
	return i < r->nagents ? &r->agents[i].f : NULL;
}

long report_damaged(const struct report *r)
{
	return r->damaged;
}
