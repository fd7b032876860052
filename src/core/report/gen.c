/*
 * gen.c - realistic made-up calls.
 *
 * Each call has its own random stream, seeded from the run's seed and the
 * call's number, so call 41 is the same whatever else is generated. The
 * script proposes events; call_check() and call_apply() decide, exactly as
 * on the live screen, and the rules are asked every few seconds of call
 * time which prompts are due, as the screen's loop does.
 */
#include "poise/gen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/call.h"
#include "poise/report.h"
#include "poise/rules.h"
#include "poise/store_batch.h"

#define GEN_TICK_MS 5000	/* how often the rules are asked */
#define GEN_BATCH 5000		/* calls per transaction */
#define DAY_MS INT64_C(86400000)

struct gen {
	uint64_t rng;
	struct call_state cs;
	struct gen_call *out;
	int64_t t, tick;
	enum poise_status ps;
};

static const char *const first_names[] = {"Ana", "Bo", "Chen", "Dana", "Eli", "Farah", "Goran",
					  "Hana", "Ivo", "Jun", "Kai", "Lena", "Mika", "Nora",
					  "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tove"};
static const char *const last_names[] = {"Berg", "Costa", "Dubois", "Ek", "Fischer", "Garcia",
					 "Hale", "Ito", "Jansen", "Kowalski", "Lund", "Moreau",
					 "Novak", "Okafor", "Petrov", "Rossi", "Silva", "Tan"};
static const char *const notes[] = {
	"charged twice this month", "router down since Monday", "wants the fee waived",
	"third call about this", "asked for a written apology", "parcel marked delivered, not here",
	"disputes the contract end date", "promised a refund last time"};
static const char *const reasons[] = {"refund above my limit", "threatened legal action",
				      "needs a technician", "asked twice for a manager"};
static const char *const channels[] = {"phone", "email", "sms"};
static const char *const promises[] = {"confirm the refund", "send the corrected invoice",
				       "call back after the repair", "check the delivery status"};
static const char *const reflections[] = {
	"kept my voice low\tgive the reference sooner", "let them finish\tfewer holds",
	"named the feeling\tset the boundary earlier", "clear next steps\tcheck in during holds"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t between(struct gen *g, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(next(&g->rng) % (uint64_t)(hi - lo + 1));
}

static int chance(struct gen *g, int percent)
{
	return between(g, 1, 100) <= percent;
}

static const char *pick(struct gen *g, const char *const *list, size_t n)
{
	return list[next(&g->rng) % n];
}

int gen_closing(enum event_kind kind)
{
	/* By name, not by place in EVENT_KIND_LIST: a kind added later talks. */
	static const unsigned char closing[EV_COUNT] = {
		[EV_WRAPUP] = 1,     [EV_OUTCOME] = 1, [EV_CAUSE] = 1,       [EV_FOLLOWUP] = 1,
		[EV_REFLECTION] = 1, [EV_END] = 1,     [EV_INTERRUPTED] = 1, [EV_RESUME] = 1,
	};

	return (unsigned)kind < EV_COUNT && closing[kind];
}

static void emit(struct gen *g, enum event_kind kind, int stage, int a, int b, const char *text)
{
	struct event ev = {.t = g->t, .kind = kind, .stage = stage, .a = a, .b = b, .text = text};

	/* Keep room for the wrap-up; the script proposes, the fold decides. */
	if (g->ps != POISE_OK ||
	    g->out->n >= GEN_MAX_EVENTS - (gen_closing(kind) ? 0 : GEN_CLOSING_ROOM))
		return;
	if (call_check(&g->cs, &ev) != POISE_OK)
		return;
	if ((g->ps = call_apply(&g->cs, &ev)) == POISE_OK)
		g->out->ev[g->out->n++] = ev;
}

/* Let ms of call time pass, firing the prompts the rules say are due. */
static void pass(struct gen *g, int64_t ms)
{
	int64_t end = g->t + ms;
	size_t due[16];

	while (g->tick + GEN_TICK_MS <= end) {
		g->tick += GEN_TICK_MS;
		g->t = g->tick;
		size_t n = rules_due(&g->cs, g->t, due, COUNT(due));

		for (size_t i = 0; i < n; i++)
			emit(g, EV_PROMPT, g->cs.stage, (int)due[i], 0, g->cs.pb->rules[due[i]].id);
	}
	g->t = end;
}

static void mood(struct gen *g, int delta)
{
	int m = g->cs.mood + delta;

	emit(g, EV_MOOD, g->cs.stage, m < 1 ? 1 : m > 5 ? 5 : m, 0, NULL);
}

static void hold(struct gen *g)
{
	emit(g, EV_HOLD_START, g->cs.stage, 0, 0, NULL);
	pass(g, between(g, 15000, 150000));
	emit(g, EV_HOLD_END, g->cs.stage, 0, 0, NULL);
}

/* One thing the agent does within a stage. */
static void act(struct gen *g)
{
	int s = g->cs.stage, r = (int)between(g, 1, 100);
	int nsay = (int)call_section_len(&g->cs, s, SECTION_SAY);
	int nask = (int)call_section_len(&g->cs, s, SECTION_ASK);
	int ncheck = (int)call_section_len(&g->cs, s, SECTION_CHECKLIST);

	if (g->cs.pacing) /* the pacer stops at the agent's next action */
		emit(g, EV_BREATHE_END, s, 0, 0, NULL);
	if (r == 100) /* a slip of the finger, taken back */
		emit(g, EV_UNDO, s, (int)call_undo_target(&g->cs), 0, NULL);
	else if (r <= 30 && ncheck)
		emit(g, EV_CHECK, s, (int)between(g, 0, ncheck - 1), 1, NULL);
	else if (r <= 50 && nsay)
		emit(g, EV_SAID, s, SECTION_SAY, (int)between(g, 0, nsay - 1), NULL);
	else if (r <= 58 && nask)
		emit(g, EV_SAID, s, SECTION_ASK, (int)between(g, 0, nask - 1), NULL);
	else if (r <= 64 && nsay)
		emit(g, EV_SKIP, s, SECTION_SAY, (int)between(g, 0, nsay - 1),
		     skip_reason_key((enum skip_reason)between(g, 0, SKIP_COUNT - 1)));
	else if (r <= 80)
		mood(g, chance(g, 75) ? -1 : 1);
	else if (r <= 87)
		emit(g, EV_NOTE, s, 0, 0, pick(g, notes, COUNT(notes)));
	else if (r <= 93 && (s == STAGE_CLARIFY || s == STAGE_SOLVE))
		hold(g);
	else if (r <= 94 && chance(g, 25))
		emit(g, EV_MANAGER, s, 0, 0, NULL);
	else if (r <= 97 && s == STAGE_SOLVE)
		emit(g, EV_ESCALATE, s, 0, 0, pick(g, reasons, COUNT(reasons)));
	else if (s == STAGE_CALM)
		emit(g, EV_BREATHE, s, 0, 0, NULL);
}

static void visit(struct gen *g, int stage)
{
	int actions = (int)between(g, 1, 5);

	if (stage != (int)g->cs.stage)
		emit(g, EV_STAGE, stage, g->cs.stage, 0, NULL);
	for (int i = 0; i < actions; i++) {
		pass(g, between(g, 4000, 40000));
		act(g);
	}
	pass(g, between(g, 2000, 20000));
}

/* The customer crosses the line: warnings in the playbook's order. */
static int boundary(struct gen *g, int abusive)
{
	visit(g, STAGE_BOUNDARY);
	for (int w = 1; w <= PLAYBOOK_WARNINGS; w++) {
		emit(g, EV_WARNING, STAGE_BOUNDARY, w, 0, NULL);
		pass(g, between(g, 10000, 60000));
		if (!abusive && chance(g, 70))
			return 0;
	}
	return 1;
}

static void talk(struct gen *g, int *abuse)
{
	int abusive = chance(g, 4);

	emit(g, EV_MOOD, STAGE_CALM, (int)between(g, 3, 5), 0, NULL);
	visit(g, STAGE_CALM);
	visit(g, STAGE_LISTEN);
	visit(g, STAGE_EMPATHIZE);
	if ((abusive || chance(g, 6)) && (*abuse = boundary(g, abusive)))
		return;
	visit(g, STAGE_CLARIFY);
	if (chance(g, 12)) {
		visit(g, STAGE_LISTEN); /* a step back: the story changed */
		visit(g, STAGE_CLARIFY);
	}
	if (chance(g, 80))
		visit(g, STAGE_INFORM);
	visit(g, STAGE_SOLVE);
	if (chance(g, 70))
		visit(g, STAGE_FOLLOW_UP);
}

static enum outcome pick_outcome(struct gen *g, int abuse)
{
	int r = (int)between(g, 1, 100);

	if (abuse)
		return OUTCOME_ABUSE;
	if (g->cs.escalations)
		return OUTCOME_ESCALATED;
	return r <= 60 ? OUTCOME_RESOLVED
	       : r <= 74 ? OUTCOME_CALLBACK
	       : r <= 84 ? OUTCOME_TRANSFERRED
	       : r <= 90 ? OUTCOME_ESCALATED
			 : OUTCOME_UNRESOLVED;
}

static void wrapup(struct gen *g, int abuse)
{
	int s = g->cs.stage;
	enum outcome o;

	emit(g, EV_WRAPUP, s, 0, 0, NULL);
	pass(g, between(g, 5000, 30000));
	o = pick_outcome(g, abuse);
	emit(g, EV_OUTCOME, s, 0, 0, outcome_key(o));
	if (g->cs.pb->ncauses && chance(g, 92))
		emit(g, EV_CAUSE, s, 0, 0, g->cs.pb->causes[next(&g->rng) % g->cs.pb->ncauses].id);
	if (o == OUTCOME_CALLBACK || chance(g, 20)) {
		time_t due = (time_t)((g->t + between(g, 1, 7) * DAY_MS) / 1000);
		struct tm tm;
		size_t n;

		gmtime_r(&due, &tm);
		n = strftime(g->out->followup, sizeof(g->out->followup), "%Y-%m-%d\t", &tm);
		snprintf(g->out->followup + n, sizeof(g->out->followup) - n, "%s\t%s",
			 pick(g, channels, COUNT(channels)), pick(g, promises, COUNT(promises)));
		emit(g, EV_FOLLOWUP, s, 0, 0, g->out->followup);
	}
	if (chance(g, 40))
		emit(g, EV_REFLECTION, s, 0, 0, pick(g, reflections, COUNT(reflections)));
	pass(g, between(g, 3000, 20000));
	emit(g, EV_END, s, 0, 0, NULL);
}

static void make_meta(struct gen *g, const struct gen_opts *o, uint64_t index, struct call_meta *m)
{
	unsigned char b[16];
	int64_t refs = o->refs > 0 ? o->refs : 1000;
	int64_t days = o->days > 0 ? o->days : 1;
	int64_t day = between(g, 0, days - 1);

	snprintf(m->agent, sizeof(m->agent), "agent%02d",
		 (int)between(g, 1, o->agents > 0 ? o->agents : 1));
	snprintf(m->customer, sizeof(m->customer), "%s %s",
		 pick(g, first_names, COUNT(first_names)), pick(g, last_names, COUNT(last_names)));
	snprintf(m->ref, sizeof(m->ref), "ACC-%06lld", (long long)between(g, 1, refs));
	/*
	 * In time order when the run's size is known: each batch then adds to
	 * the newest end of every time index, as a real centre's log grows,
	 * instead of touching pages all over a year of them.
	 */
	if (o->calls > index)
		day = days - 1 - (int64_t)((index * (uint64_t)days) / o->calls);
	/* Office hours, 08:00 to 18:00 (UTC), on one of the days before end. */
	m->started = o->end - (day + 1) * DAY_MS + between(g, 8 * 3600, 18 * 3600 - 1) * 1000 +
		     between(g, 0, 999);
	for (int i = 0; i < 16; i += 8) {
		uint64_t v = next(&g->rng);

		memcpy(b + i, &v, 8);
	}
	store_uuid_v7(m->id, m->started, b);
}

enum poise_status gen_call(const struct gen_opts *o, const struct playbook *pb, uint64_t index,
			   struct gen_call *out, struct poise_error *err)
{
	struct gen g = {.rng = o->seed ^ (index * UINT64_C(0xd1b54a32d192ed03)), .out = out};
	int abuse = 0;

	memset(&out->meta, 0, sizeof(out->meta));
	out->n = 0;
	out->followup[0] = '\0';
	next(&g.rng);
	make_meta(&g, o, index, &out->meta);
	snprintf(out->meta.playbook_id, sizeof(out->meta.playbook_id), "%s", pb->id);
	snprintf(out->meta.playbook_version, sizeof(out->meta.playbook_version), "%s",
		 pb->version);
	snprintf(out->meta.playbook_hash, sizeof(out->meta.playbook_hash), "%s", pb->hash);
	if (call_init(&g.cs, pb) != POISE_OK)
		return poise_error_nomem(err);
	g.t = g.tick = out->meta.started;
	emit(&g, EV_START, STAGE_CALM, 0, 0, pb->hash);
	talk(&g, &abuse);
	if (chance(&g, 1)) {
		emit(&g, EV_INTERRUPTED, g.cs.stage, 0, 0, "SIGHUP");
		g.t += between(&g, 30000, 600000);
		g.tick = g.t;
		emit(&g, EV_RESUME, g.cs.stage, 0, 0, NULL);
	}
	wrapup(&g, abuse);
	call_free(&g.cs);
	if (g.ps != POISE_OK)
		return poise_error_set(err, g.ps, NULL, 0, 0, "cannot generate call %llu: %s",
				       (unsigned long long)index, poise_status_str(g.ps));
	return POISE_OK;
}

/* A generated call ends like a real one: its report figures are kept too. */
static enum poise_status keep_figures(struct store_batch *b, const struct playbook *pb,
				      const struct gen_call *c, struct poise_error *err)
{
	unsigned char *blob;
	size_t len;
	enum poise_status ps = report_pack_call(pb, c->ev, c->n, &blob, &len, err);

	if (ps == POISE_OK)
		ps = store_batch_figures(b, c->meta.id, REPORT_FIGURES_VERSION, (int64_t)c->n, blob,
					 len, err);
	free(blob);
	return ps;
}

enum poise_status gen_write(struct store *st, const struct playbook *pb, const struct gen_opts *o,
			    uint64_t first, uint64_t n, void (*progress)(void *ctx, uint64_t done),
			    void *ctx, struct poise_error *err)
{
	struct gen_call *c = malloc(sizeof(*c));
	enum poise_status ps = POISE_OK;
	uint64_t i = 0;

	if (!c)
		return poise_error_nomem(err);
	while (ps == POISE_OK && i < n) {
		uint64_t end = i + GEN_BATCH < n ? i + GEN_BATCH : n;
		struct store_batch *b;

		if ((ps = store_batch_begin(st, STORE_BATCH_CACHE_GEN, &b, err)) != POISE_OK)
			break;
		for (; ps == POISE_OK && i < end; i++)
			if ((ps = gen_call(o, pb, first + i, c, err)) == POISE_OK &&
			    (ps = store_batch_call(b, &c->meta, pb, c->ev, c->n, err)) == POISE_OK)
				ps = keep_figures(b, pb, c, err);
		if (ps == POISE_OK)
			ps = store_batch_commit(b, err);
		else
			store_batch_abort(b);
		if (ps == POISE_OK && progress)
			progress(ctx, i);
	}
	free(c);
	return ps;
}
