/*
 * report.c - reading the calls of a report and summing their figures.
 *
 * Each selected call's figures come from report_call.c: kept when the call
 * ended (call_figures) or, for a call without valid kept figures, folded
 * from its events here, the same way. A call that turns out damaged adds
 * nothing but to `damaged`. What can change after a call ends is read
 * fresh: whether its follow-ups are done, and repeat contacts.
 */
#include "report_int.h"
#include "poise/day.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/grow.h"
#include "poise/store_scan.h"

#define DAY_MS INT64_C(86400000)

struct run {
	struct report *r;
	const struct report_query *q;
	struct store *st;
	struct store_scan *sc;
	struct repeat_window *win;
	char today[11];
	enum poise_status ps;
	struct poise_error *err;
	struct call_fold cf;   /* the call being folded */
	struct call_figs kept; /* the call read from its kept figures */
	long fu[4];	       /* done, due, overdue, later */
};

enum { FU_DONE, FU_DUE, FU_OVERDUE, FU_LATER };

static enum poise_status nomem(struct run *rn)
{
	return rn->ps = poise_error_nomem(rn->err);
}

/* --- accumulators -------------------------------------------------------- */

struct acc *agent_acc(struct report *r, const char *agent)
{
	return GROW_SORTED(r->agents, r->nagents, r->agents_cap, 16, struct acc, f.agent, agent);
}

static int add_cause(struct acc *a, const char *id)
{
	for (size_t i = 0; i < a->ncauses; i++)
		if (strcmp(a->causes[i].id, id) == 0) {
			a->causes[i].calls++;
			return 1;
		}
	if (!GROW(a->causes, a->ncauses, a->cap, 8))
		return 0;
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
	int ok = 0;

	poise_error_clear(&perr);
	if (store_playbook(rn->st, e->hash, e->hash, &e->pb, &perr) != POISE_OK) {
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
	return ok;
}

static struct pb_entry *pb_entry_get(struct run *rn, const char *hash)
{
	struct report *r = rn->r;
	struct pb_entry *e;

	for (size_t i = 0; i < r->npbs; i++)
		if (strcmp(r->pbs[i].hash, hash) == 0)
			return &r->pbs[i];
	if (!GROW(r->pbs, r->npbs, r->pbs_cap, 4))
		return NULL;
	e = memset(&r->pbs[r->npbs++], 0, sizeof(*e));
	snprintf(e->hash, sizeof(e->hash), "%s", hash);
	if (!pb_entry_load(rn, e))
		return NULL;
	return e;
}

/* --- one call ------------------------------------------------------------ */

/* A follow-up's state at `today`: dates "YYYY-MM-DD" compare as text. */
static void count_followups(struct run *rn, const struct call_figs *f)
{
	memset(rn->fu, 0, sizeof(rn->fu));
	for (size_t i = 0; i < f->nfu; i++) {
		const struct fu_ev *fu = &f->fu[i];

		if (fu->done_at)
			rn->fu[FU_DONE]++;
		else if (!fu->due[0])
			rn->fu[FU_LATER]++;
		else if (strcmp(fu->due, rn->today) < 0)
			rn->fu[FU_OVERDUE]++;
		else if (strcmp(fu->due, rn->today) == 0)
			rn->fu[FU_DUE]++;
		else
			rn->fu[FU_LATER]++;
	}
}

/* One call's figures into a column, as the figure list says (a sum, or the longest). */
static void add_figures(struct report_figures *f, const struct report_figures *one)
{
#define SUM_SUM(name) f->name += one->name;
#define SUM_MAX(name)                                                                              \
	if (one->name > f->name)                                                                   \
		f->name = one->name;
#define ADD_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql) SUM_##sum(name)
#define ADD_RATE(out, key, label, num, den, group)
	REPORT_FIGURE_LIST(ADD_FIGURE, ADD_RATE)
#undef ADD_FIGURE
#undef ADD_RATE
#undef SUM_SUM
#undef SUM_MAX
	for (int s = 0; s < STAGE_COUNT; s++)
		f->stage_ms[s] += one->stage_ms[s];
	for (int o = 0; o < OUTCOME_COUNT; o++)
		f->outcomes[o] += one->outcomes[o];
}

static void add_lines(struct pb_entry *e, const struct call_figs *f)
{
	e->calls++;
	for (int s = 0; s < STAGE_COUNT; s++)
		e->stage_shown[s] += (f->visited & (1u << s)) != 0;
	for (size_t i = 0; i < f->nlev; i++) {
		const struct line_ev *l = &f->lev[i];
		struct line_acc *a = &e->lines[l->stage][l->section][l->index];

		if (l->skip < 0) {
			a->used++;
			a->said.samples += l->sample;
			a->said.change_sum += l->sample ? l->change : 0;
		} else {
			a->skipped++;
			a->skip_reason[l->skip]++;
		}
	}
	report_lines_add_call(e, f);
}

/* Add a closed call to its agent's column and to everyone's. */
static int sum_call(struct run *rn, struct pb_entry *e, const char *agent,
		    const struct call_figs *f, int repeat)
{
	struct report *r = rn->r;
	struct acc *a = agent_acc(r, agent);
	struct report_figures one;

	if (!a)
		return 0;
	/* What may change after the call ended joins what was kept of it. */
	count_followups(rn, f);
	one = f->one;
	one.repeats = repeat;
	one.fu_done = rn->fu[FU_DONE];
	one.fu_due = rn->fu[FU_DUE];
	one.fu_overdue = rn->fu[FU_OVERDUE];
	one.fu_later = rn->fu[FU_LATER];
	add_figures(&a->f, &one);
	add_figures(&r->all.f, &one);
	if (f->cause[0] && (!add_cause(a, f->cause) || !add_cause(&r->all, f->cause)))
		return 0;
	add_lines(e, f);
	return 1;
}

static int count_open(struct run *rn, const char *agent)
{
	struct acc *a = agent_acc(rn->r, agent);

	if (!a)
		return 0;
	a->f.calls++;
	a->f.open++;
	rn->r->all.f.calls++;
	rn->r->all.f.open++;
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

/* Fold a call from its events into rn->cf: 1 closed, 0 open or damaged, -1 stop. */
static int fold_events(struct run *rn, struct pb_entry *e, const struct scan_call *c)
{
	struct poise_error serr;
	enum poise_status ps;

	if (call_fold_begin(&rn->cf, e->pb) != POISE_OK) {
		nomem(rn);
		return -1;
	}
	poise_error_clear(&serr);
	ps = store_scan_events(rn->sc, c->id, call_fold_scan, &rn->cf, &serr);
	if (rn->cf.oom) {
		nomem(rn);
		return -1;
	}
	if (ps != POISE_OK && ps != POISE_DB) {
		*rn->err = serr;
		rn->ps = ps;
		return -1;
	}
	/* An unreadable or refused event: the call cannot be trusted. */
	if (ps == POISE_DB || rn->cf.refused) {
		rn->r->damaged++;
		return 0;
	}
	if (!call_fold_closed(&rn->cf)) {
		if (!count_open(rn, c->agent))
			nomem(rn);
		return rn->ps == POISE_OK ? 0 : -1;
	}
	if (!call_fold_end(&rn->cf)) {
		nomem(rn);
		return -1;
	}
	return 1;
}

static int on_followup(void *ctx, int64_t seq, int64_t done_at)
{
	struct call_figs *f = ctx;

	for (size_t i = 0; i < f->nfu; i++)
		if (f->fu[i].seq == seq)
			f->fu[i].done_at = done_at;
	return 0;
}

/* A call's kept figures into rn->kept: 1 used, 0 not valid, -1 stop. */
static int use_kept(struct run *rn, struct pb_entry *e, const struct scan_call *c)
{
	int rc = call_figs_unpack(&rn->kept, e->pb, c->figs, c->figs_len);

	if (rc < 0) {
		nomem(rn);
		return -1;
	}
	if (rc == 0)
		return 0;
	if (rn->kept.nfu > 0 && (rn->ps = store_scan_followups(rn->sc, c->id, on_followup,
							       &rn->kept, rn->err)) != POISE_OK)
		return -1;
	return 1;
}

/* Read one selected call; 0 to go on, 1 to stop (rn->ps says why). */
static int read_call(struct run *rn, const struct scan_call *c, int repeat)
{
	struct pb_entry *e = pb_entry_get(rn, c->playbook_hash);
	const struct call_figs *f = NULL;
	int rc = 0;

	if (!e) {
		nomem(rn);
		return 1;
	}
	if (!e->pb) {
		rn->r->damaged++;
		return 0;
	}
	if (c->figs && !rn->q->refold && (rc = use_kept(rn, e, c)) == 1)
		f = &rn->kept;
	else if (rc == 0 && (rc = fold_events(rn, e, c)) == 1)
		f = &rn->cf.figs;
	if (rc == 1 && !sum_call(rn, e, c->agent, f, repeat))
		nomem(rn);
	return rn->ps != POISE_OK;
}

/* A scenario rehearsed in column a, counted once; 0 when out of memory. */
static int add_scenario(struct acc *a, const char *id)
{
	size_t n = (size_t)a->f.scenarios;
	char **grown;

	for (size_t i = 0; i < n; i++)
		if (strcmp(a->scenarios[i], id) == 0)
			return 1;
	if (!(grown = realloc(a->scenarios, (n + 1) * sizeof(*grown))))
		return 0;
	a->scenarios = grown;
	if (!(a->scenarios[n] = strdup(id)))
		return 0;
	a->f.scenarios++;
	return 1;
}

static int on_call(void *ctx, const struct scan_call *c)
{
	struct run *rn = ctx;
	int repeat = 0;

	/* Rehearsals and real calls never meet: not even as repeat contacts. */
	if (!c->practice[0] != !rn->q->practice)
		return 0;

	if (c->ref[0]) {
		repeat = repeat_seen(rn->win, c->ref, c->started);
		if (repeat < 0) {
			nomem(rn);
			return 1;
		}
	}
	if (!selected(rn->q, c))
		return 0;
	if (rn->q->practice) {
		struct acc *a = agent_acc(rn->r, c->agent);

		if (!a || !add_scenario(a, c->practice) || !add_scenario(&rn->r->all, c->practice)) {
			nomem(rn);
			return 1;
		}
	}
	return read_call(rn, c, repeat);
}

/* --- the report ---------------------------------------------------------- */

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
	ps = store_scan_calls(rn->sc, from, q->until, q->refold ? 0 : REPORT_FIGURES_VERSION,
			      on_call, rn, rn->err);
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
		return poise_error_nomem(err);
	rn.r->repeat_days = q->repeat_days;
	rn.r->utc = q->utc;
	rn.r->practice = q->practice;
	rn.r->since = q->since;
	rn.r->until = q->until;
	rn.r->agent_filter = dup_or_null(q->agent, &fail);
	rn.r->playbook_filter = dup_or_null(q->playbook, &fail);
	day_format(q->utc, q->now, rn.today);
	ps = fail ? nomem(&rn) : run_scan(&rn);
	repeat_free(rn.win);
	call_fold_free(&rn.cf);
	call_figs_free(&rn.kept);
	if (ps == POISE_OK)
		ps = report_qa_add(rn.r, st, q, err);
	if (ps == POISE_OK) {
		finish_acc(&rn.r->all);
		for (size_t i = 0; i < rn.r->nagents; i++)
			finish_acc(&rn.r->agents[i]);
		if (report_lines_index(rn.r) != POISE_OK)
			ps = poise_error_nomem(err);
	}
	return POISE_HAND_OUT(ps, rn.r, out, report_free);
}

static void free_scenarios(struct acc *a)
{
	for (int64_t i = 0; i < a->f.scenarios; i++)
		free(a->scenarios[i]);
	free(a->scenarios);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	free(r->all.causes);
	free(r->all.crit);
	free_scenarios(&r->all);
	for (size_t i = 0; i < r->nagents; i++) {
		free(r->agents[i].causes);
		free(r->agents[i].crit);
		free_scenarios(&r->agents[i]);
	}
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
