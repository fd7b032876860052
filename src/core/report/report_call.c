/*
 * report_call.c - one call's part of a report, and keeping it.
 *
 * A call's events go through call_apply(), the fold every other view of a
 * call uses, and its figures are read from the folded state and the events
 * it kept (so an UNDO takes a mark out of the figures too): the lines said
 * and the mood after each is read from the kept events when the call is
 * closed. Only each follow-up (the state keeps the last) is taken from the
 * events as they come: a follow-up is never undone.
 *
 * What comes out (struct call_figs) is all a report adds for a closed
 * call, but for what changes after the call: whether a follow-up has been
 * done, and whether the customer called again. So it can be kept: packed
 * (call_figs_pack) in the call_figures table when the call closes, it
 * spares later reports the call's events. A kept row counts only while its
 * fold version (REPORT_FIGURES_VERSION) and the call's last_seq match, and
 * is checked like any outside input before use (call_figs_unpack).
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "poise/store_scan.h"
#include "poise/strbuf.h"

/* cf is zeroed or was folded before: its line and follow-up arrays are reused. */
enum poise_status call_fold_begin(struct call_fold *cf, const struct playbook *pb)
{
	struct call_figs keep = cf->figs;

	call_free(&cf->cs);
	memset(cf, 0, sizeof(*cf));
	cf->figs.lev = keep.lev;
	cf->figs.levcap = keep.levcap;
	cf->figs.fu = keep.fu;
	cf->figs.fucap = keep.fucap;
	return call_init(&cf->cs, pb);
}

void call_figs_free(struct call_figs *f)
{
	free(f->lev);
	free(f->fu);
	f->lev = NULL;
	f->fu = NULL;
	f->nlev = f->levcap = f->nfu = f->fucap = 0;
}

void call_fold_free(struct call_fold *cf)
{
	call_free(&cf->cs);
	call_figs_free(&cf->figs);
}

static struct line_ev *push_line(struct call_figs *f)
{
	if (!GROW(f->lev, f->nlev, f->levcap, 32))
		return NULL;
	return memset(&f->lev[f->nlev++], 0, sizeof(*f->lev));
}

static struct fu_ev *push_fu(struct call_figs *f)
{
	if (!GROW(f->fu, f->nfu, f->fucap, 4))
		return NULL;
	return memset(&f->fu[f->nfu++], 0, sizeof(*f->fu));
}

static int line_said(struct call_figs *f, const struct call_entry *e)
{
	struct line_ev *l = push_line(f);

	if (!l)
		return 0;
	l->t = e->t;
	l->stage = e->in_stage;
	l->section = e->a;
	l->index = e->b;
	l->mood = e->mood;
	l->skip = e->kind == EV_SKIP ? skip_reason_from_key(e->text) : -1;
	l->done = e->kind == EV_SKIP;
	return 1;
}

/* A MOOD answers every line said since the last MOOD, if it came soon enough. */
static void resolve_mood(struct call_figs *f, size_t *pending, const struct call_entry *e)
{
	for (size_t i = *pending; i < f->nlev; i++) {
		struct line_ev *l = &f->lev[i];

		if (l->done)
			continue;
		l->done = 1;
		if (l->mood && e->t - l->t <= REPORT_MOOD_WINDOW_MS) {
			l->sample = 1;
			l->change = e->a - l->mood;
		}
	}
	*pending = f->nlev;
}

/* The lines said or skipped, and the mood after each, from the events the fold kept. */
static int fold_lines(struct call_fold *cf)
{
	const struct call_state *cs = &cf->cs;
	size_t pending = 0;

	cf->figs.nlev = 0;
	for (size_t i = 0; i < cs->nlog; i++) {
		const struct call_entry *e = &cs->log[i];

		if (e->undone)
			continue;
		if ((e->kind == EV_SAID || e->kind == EV_SKIP) && !line_said(&cf->figs, e))
			return 0;
		if (e->kind == EV_MOOD)
			resolve_mood(&cf->figs, &pending, e);
	}
	return 1;
}

/* A follow-up's date: "YYYY-MM-DD\t..." keeps its first ten bytes, anything else none. */
static int followup(struct call_fold *cf, const struct event *ev, int64_t done_at)
{
	struct fu_ev *fu = push_fu(&cf->figs);
	int n;

	event_field(ev->text, 0, &n);
	if (!fu)
		return 0;
	fu->seq = ev->seq;
	fu->done_at = done_at;
	if (n == 10)
		memcpy(fu->due, ev->text, 10);
	return 1;
}

int call_fold_event(struct call_fold *cf, const struct event *ev, int64_t done_at)
{
	if (call_check(&cf->cs, ev) != POISE_OK) {
		cf->refused = 1;
		return 1;
	}
	cf->last_seq = ev->seq;
	if (ev->kind == EV_FOLLOWUP && !followup(cf, ev, done_at))
		return -1;
	if (call_apply(&cf->cs, ev) != POISE_OK)
		return -1;
	return 0;
}

int call_fold_scan(void *ctx, const struct event *ev, int64_t done_at)
{
	struct call_fold *cf = ctx;
	int rc = call_fold_event(cf, ev, done_at);

	cf->oom = rc < 0;
	return rc != 0;
}

int call_fold_closed(const struct call_fold *cf)
{
	return !cf->refused && (cf->cs.phase == CALL_DONE || cf->cs.phase == CALL_INTERRUPTED);
}

void report_call_figures(const struct call_state *cs, struct report_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->calls = 1;
	f->done = cs->phase == CALL_DONE;
	f->interrupted = cs->phase == CALL_INTERRUPTED;
	f->open = !f->done && !f->interrupted;
	f->closed = !f->open;
	if (f->done) {
		f->handle_ms = call_elapsed_ms(cs, cs->ended);
		f->wrapup_ms = call_wrapup_ms(cs, cs->ended);
	}
	f->hold_ms = cs->hold_ms;
	f->holds = cs->holds;
	f->hold_longest_ms = cs->hold_longest_ms;
	f->escalated = cs->escalations > 0 || cs->outcome == OUTCOME_ESCALATED;
	f->transferred = cs->outcome == OUTCOME_TRANSFERRED;
	f->warnings = cs->warnings;
	f->warned = cs->warnings > 0;
	f->abuse = cs->outcome == OUTCOME_ABUSE;
	if (cs->nmoods > 0) {
		f->mood_calls = 1;
		f->mood_start_sum = cs->moods[0].mood;
		f->mood_end_sum = cs->moods[cs->nmoods - 1].mood;
	}
	if (cs->nmoods > 1) {
		f->mood_pairs = 1;
		f->calmer = cs->moods[cs->nmoods - 1].mood < cs->moods[0].mood;
	}
	if (cs->empathy_at) {
		f->empathy_calls = 1;
		f->empathy_ms = cs->empathy_at - cs->started - cs->empathy_gap;
	}
	/* Checklist adherence: what was ticked of what the playbook asked in the stages visited. */
	for (int s = 0; s < STAGE_COUNT; s++) {
		f->stage_ms[s] = cs->stage_ms[s];
		if (!(cs->visited & (1u << s)))
			continue;
		f->checklist_ticked += (long)call_ticked_count(cs, (enum stage)s);
		f->checklist_items += (long)call_section_len(cs, (enum stage)s, SECTION_CHECKLIST);
	}
	if (cs->outcome != OUTCOME_NONE)
		f->outcomes[cs->outcome] = 1;
	f->causes = cs->cause != NULL;
}

/* The figures of the folded call alone, as report.c sums them. */
int call_fold_end(struct call_fold *cf)
{
	const struct call_state *cs = &cf->cs;

	if (!fold_lines(cf))
		return 0;
	report_call_figures(cs, &cf->figs.one);
	cf->figs.visited = cs->visited;
	snprintf(cf->figs.cause, sizeof(cf->figs.cause), "%s", cs->cause ? cs->cause : "");
	return 1;
}

/* --- packing ------------------------------------------------------------- */

/*
 * The figures of one call the list marks kept (pack 1, report.h), in its
 * order, each a zigzag varint; then the
 * eight stage times, the visited stages, the cause (length, bytes), the
 * outcome (its index + 1, 0 for none), the lines (count; stage, section, index, skip + 1, sample, change each) and
 * the follow-ups (count; seq, date length 0 or 10, date bytes each).
 * Changing this, or what the fold makes of events, means a new
 * REPORT_FIGURES_VERSION: rows of the old one are then ignored.
 */
static void put(struct strbuf *b, int64_t v)
{
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	char bytes[10];
	size_t n = 0;

	do {
		bytes[n++] = (char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
		z >>= 7;
	} while (z);
	strbuf_add(b, bytes, n);
}

static void put_bytes(struct strbuf *b, const char *s, size_t n)
{
	put(b, (int64_t)n);
	strbuf_add(b, s, n);
}

/* A one-call column's outcome (a call has one at most); OUTCOME_NONE when none. */
static int outcome_of(const struct report_figures *one)
{
	for (int o = 0; o < OUTCOME_COUNT; o++)
		if (one->outcomes[o])
			return o;
	return OUTCOME_NONE;
}

int call_figs_pack(const struct call_figs *f, unsigned char **out, size_t *len)
{
	struct strbuf b = {0};

#define PUT_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql)                             \
	if (pack)                                                                                  \
		put(&b, f->one.name);
#define PUT_RATE(out, key, label, num, den, group)
	REPORT_FIGURE_LIST(PUT_FIGURE, PUT_RATE)
#undef PUT_FIGURE
#undef PUT_RATE
	for (int s = 0; s < STAGE_COUNT; s++)
		put(&b, f->one.stage_ms[s]);
	put(&b, f->visited);
	put_bytes(&b, f->cause, strlen(f->cause));
	put(&b, outcome_of(&f->one) + 1);
	put(&b, (int64_t)f->nlev);
	for (size_t i = 0; i < f->nlev; i++) {
		const struct line_ev *l = &f->lev[i];

		put(&b, l->stage);
		put(&b, l->section);
		put(&b, l->index);
		put(&b, l->skip + 1);
		put(&b, l->sample);
		put(&b, l->change);
	}
	put(&b, (int64_t)f->nfu);
	for (size_t i = 0; i < f->nfu; i++) {
		put(&b, f->fu[i].seq);
		put_bytes(&b, f->fu[i].due, strlen(f->fu[i].due));
	}
	if (b.oom) {
		free(b.p);
		return 0;
	}
	*out = (unsigned char *)b.p;
	*len = b.len;
	return 1;
}

struct rd {
	const unsigned char *p;
	size_t len, at;
	int bad;
};

static int64_t get(struct rd *r)
{
	uint64_t z = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		unsigned char c;

		if (r->at >= r->len)
			break;
		c = r->p[r->at++];
		z |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
	}
	r->bad = 1;
	return 0;
}

/* A count or an index: 0 <= v < limit. */
static int64_t get_in(struct rd *r, int64_t limit)
{
	int64_t v = get(r);

	if (v < 0 || v >= limit)
		r->bad = 1;
	return r->bad ? 0 : v;
}

static void get_bytes(struct rd *r, char *out, size_t size)
{
	size_t n = (size_t)get_in(r, (int64_t)size);

	if (r->bad || r->len - r->at < n) {
		r->bad = 1;
		return;
	}
	memcpy(out, r->p + r->at, n);
	out[n] = '\0';
	r->at += n;
}

int call_figs_unpack(struct call_figs *f, const struct playbook *pb, const void *blob, size_t len)
{
	struct rd r = {.p = blob, .len = len};
	size_t n;
	int outcome;

	memset(&f->one, 0, sizeof(f->one));
	f->nlev = f->nfu = 0;
#define GET_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql)                             \
	if (pack)                                                                                  \
		f->one.name = get(&r);
#define GET_RATE(out, key, label, num, den, group)
	REPORT_FIGURE_LIST(GET_FIGURE, GET_RATE)
#undef GET_FIGURE
#undef GET_RATE
	for (int s = 0; s < STAGE_COUNT; s++)
		f->one.stage_ms[s] = get(&r);
	f->visited = (unsigned)get_in(&r, 1 << STAGE_COUNT);
	get_bytes(&r, f->cause, sizeof(f->cause));
	outcome = (int)get_in(&r, OUTCOME_COUNT + 1) - 1;
	if (outcome != OUTCOME_NONE)
		f->one.outcomes[outcome] = 1;
	n = (size_t)get_in(&r, (int64_t)len + 1); /* each line takes bytes */
	for (size_t i = 0; i < n && !r.bad; i++) {
		struct line_ev *l = push_line(f);

		if (!l)
			return -1;
		l->stage = (int)get_in(&r, STAGE_COUNT);
		l->section = (int)get_in(&r, SECTION_COUNT);
		l->index = (int)get_in(&r, (int64_t)pb->stages[l->stage].section[l->section].len);
		l->skip = (int)get_in(&r, SKIP_COUNT + 1) - 1;
		l->sample = (int)get_in(&r, 2);
		l->change = (int)get(&r);
	}
	n = r.bad ? 0 : (size_t)get_in(&r, (int64_t)len + 1);
	for (size_t i = 0; i < n && !r.bad; i++) {
		struct fu_ev *fu = push_fu(f);

		if (!fu)
			return -1;
		fu->seq = get(&r);
		get_bytes(&r, fu->due, sizeof(fu->due));
	}
	/* A closed call is done or interrupted, once; every byte is used. */
	if (r.bad || r.at != len || f->one.done + f->one.interrupted != 1 ||
	    f->one.causes != (f->cause[0] != '\0') ||
	    f->one.transferred != (outcome == OUTCOME_TRANSFERRED) ||
	    f->one.abuse != (outcome == OUTCOME_ABUSE))
		return 0;
	f->one.calls = 1;
	f->one.closed = 1;
	return 1;
}

/* --- keeping a call's figures -------------------------------------------- */

/* The packed figures of a call folded to its end; id (may be NULL) names it in errors. */
static enum poise_status pack_folded(struct call_fold *cf, const char *id, unsigned char **blob,
				     size_t *len, struct poise_error *err)
{
	*blob = NULL;
	*len = 0;
	if (cf->oom)
		return poise_error_nomem(err);
	if (!call_fold_closed(cf))
		return poise_error_set(err, POISE_STATE, NULL, 0, 0,
				       "call%s%s%s is not closed: its figures are not final",
				       id ? " '" : "", id ? id : "", id ? "'" : "");
	if (!call_fold_end(cf) || !call_figs_pack(&cf->figs, blob, len))
		return poise_error_nomem(err);
	return POISE_OK;
}

#define KEEPER_PLAYBOOKS 16 /* parsed playbooks kept; a centre runs a few */

struct report_keeper {
	struct store *st;
	struct call_fold cf;
	struct pb_cache pbs;
};

struct report_keeper *report_keeper_new(struct store *st)
{
	struct report_keeper *k = calloc(1, sizeof(*k));

	if (k) {
		k->st = st;
		k->pbs.max = KEEPER_PLAYBOOKS;
	}
	return k;
}

void report_keeper_free(struct report_keeper *k)
{
	if (!k)
		return;
	pb_cache_free(&k->pbs);
	call_fold_free(&k->cf);
	free(k);
}

/* The playbook of this hash, parsed once while there is room. */
static enum poise_status keeper_playbook(struct report_keeper *k, const char *hash,
					 struct playbook **out, struct poise_error *err)
{
	enum poise_status ps;

	if (pb_cache_get(&k->pbs, hash, out))
		return POISE_OK;
	if ((ps = store_playbook(k->st, hash, hash, out, err)) != POISE_OK)
		return ps;
	if (!pb_cache_put(&k->pbs, hash, *out))
		return *out = NULL, poise_error_nomem(err);
	return POISE_OK;
}

enum poise_status report_keeper_call(struct report_keeper *k, const char *call_id,
				     struct poise_error *err)
{
	struct call_meta meta;
	struct playbook *pb = NULL;
	struct store_scan *sc = NULL;
	unsigned char *blob = NULL;
	size_t len = 0;
	enum poise_status ps;

	if ((ps = store_call_meta(k->st, call_id, &meta, err)) != POISE_OK ||
	    (ps = keeper_playbook(k, meta.playbook_hash, &pb, err)) != POISE_OK)
		return ps;
	if (call_fold_begin(&k->cf, pb) != POISE_OK)
		return poise_error_nomem(err);
	if ((ps = store_scan_open(k->st, &sc, err)) != POISE_OK)
		return ps;
	ps = store_scan_events(sc, meta.id, call_fold_scan, &k->cf, err);
	store_scan_close(sc);
	if (ps == POISE_OK)
		ps = pack_folded(&k->cf, meta.id, &blob, &len, err);
	if (ps == POISE_OK)
		ps = store_put_figures(k->st, meta.id, REPORT_FIGURES_VERSION, k->cf.last_seq,
				       blob, len, err);
	free(blob);
	return ps;
}

enum poise_status report_keeper_pack(struct report_keeper *k, const char *playbook_hash,
				     const struct event *ev, size_t n, unsigned char **blob,
				     size_t *len, struct poise_error *err)
{
	struct playbook *pb = NULL;
	enum poise_status ps = keeper_playbook(k, playbook_hash, &pb, err);

	*blob = NULL;
	*len = 0;
	return ps != POISE_OK ? ps : report_pack_call(pb, ev, n, blob, len, err);
}

enum poise_status report_keeper_figures(struct report_keeper *k, const char *playbook_hash,
					const void *blob, size_t len, struct report_figures *out,
					struct poise_error *err)
{
	struct call_figs f;
	struct playbook *pb = NULL;
	enum poise_status ps = keeper_playbook(k, playbook_hash, &pb, err);
	int rc;

	if (ps != POISE_OK)
		return ps;
	memset(&f, 0, sizeof(f));
	rc = call_figs_unpack(&f, pb, blob, len);
	*out = f.one; /* the one-call column: calls = closed = 1 when it unpacks */
	call_figs_free(&f);
	if (rc < 0)
		return poise_error_nomem(err);
	if (rc == 0)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "kept figures do not unpack under playbook %.12s",
				       playbook_hash);
	return POISE_OK;
}

enum poise_status report_keep_call(struct store *st, const char *call_id, struct poise_error *err)
{
	struct report_keeper *k = report_keeper_new(st);
	enum poise_status ps;

	if (!k)
		return poise_error_nomem(err);
	ps = report_keeper_call(k, call_id, err);
	report_keeper_free(k);
	return ps;
}

enum poise_status report_pack_call(const struct playbook *pb, const struct event *ev, size_t n,
				   unsigned char **blob, size_t *len, struct poise_error *err)
{
	struct call_fold cf;
	enum poise_status ps;

	memset(&cf, 0, sizeof(cf));
	*blob = NULL;
	*len = 0;
	if (call_fold_begin(&cf, pb) != POISE_OK) {
		ps = poise_error_nomem(err);
	} else {
		for (size_t i = 0; i < n && !call_fold_scan(&cf, &ev[i], 0); i++)
			;
		ps = pack_folded(&cf, NULL, blob, len, err);
	}
	call_fold_free(&cf);
	return ps;
}
