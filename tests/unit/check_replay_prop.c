/*
 * check_replay_prop.c - review's replay equals what the agent saw, as a
 * property of many generated calls, not one script (issue 9 item 2).
 *
 * Each seed makes its own playbook (many lines a stage, many coaching
 * rules of every kind and action, timeboxes) and one call recorded as the
 * call screen records it: at each moment the rules due are fired as
 * PROMPT events in rounds (loop.c's tick), then one event of the agent's,
 * all through live_record(). The agent's events are drawn from every kind
 * (stages forward, back and to boundary, moods, notes, holds, warnings,
 * escalations, manager, checks, lines said and skipped with every reason,
 * the pacer, undo of the newest mark or of a line's mark, the wrap-up and
 * its undo, an interruption and its resume, a crash: the live fold thrown
 * away and rebuilt from the store as resume.c does), and now and then a
 * hostile event (any kind, fields at random), which must either be taken
 * or leave the fold and the log as they were.
 *
 * After every event, the call is read back from SQLite and its replay to
 * that step (review_call_state, what review's replay draws from) is
 * compared whole with the live fold: every field, every line's mark and
 * skip reason, every prompt and how it left the screen, and what the
 * screen asks of the fold (the prompt shown, the undo target, the stage's
 * place, the stages Tab and Backspace go to). When the call has ended,
 * each step is replayed again from the whole stored call and compared
 * with the live fold as it was at that step (nothing later changes what
 * the replay shows of earlier), and the figures kept by the event that
 * closed the call equal the figures of its stored events packed afresh.
 *
 * Seeds are fixed (PROP_SEEDS of them from PROP_SEED0), so a run is
 * repeatable; every failure names the seed and the event index. Set
 * POISE_PROP_SEED=N to run seed N alone.
 */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture_call.h"
#include "main/suite.h"
#include "poise/live.h"
#include "poise/report.h"
#include "poise/review.h"
#include "poise/rules.h"
#include "store_fixture.h"

#define PROP_SEED0  UINT64_C(9001)
#define PROP_SEEDS  30
#define PROP_EVENTS 160 /* the agent's events a call, at most, besides prompts */

/* --- a repeatable generator ------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static int rnd(int n)
{
	return n > 0 ? (int)(rng_next() % (uint64_t)n) : 0;
}

static int chance(int percent)
{
	return rnd(100) < percent;
}

/* --- the call under test ---------------------------------------------------- */

struct prop {
	uint64_t seed;
	struct playbook *pb;	  /* the playbook the call started under */
	struct playbook *resumed; /* after a crash: the stored one, as resume.c loads it */
	struct store *st;
	char db[512];
	char id[37];
	struct call_state live;
	size_t nrecorded; /* events stored */
	size_t tries;	  /* events offered, refused ones included: the index failures name */
	int64_t t;
	char **seen; /* the live fold's view after each stored event */
	size_t nseen, seen_cap;
	unsigned kinds; /* kinds stored, one bit each, over every seed */
	unsigned skips; /* skip reasons stored */
	unsigned ends;	/* prompt ends seen */
	int crashes, refused;
	int end_mode; /* how the call ends (below) */
};

/* Every way a call ends, each seed one of them in turn. */
enum { END_BY_END, END_BY_HANGUP, END_BY_CRASH_THEN_CLOSE, END_MODES };
static int all_end_modes[END_MODES];

static struct prop P;
static unsigned all_kinds, all_skips, all_ends;
static int all_crashes, all_refused;

#define FAIL_IF(cond, ...) prop_check(!(cond), __LINE__, __VA_ARGS__)

static void prop_check(int ok, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void prop_check(int ok, int line, const char *fmt, ...)
{
	char msg[1400];
	va_list ap;

	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck_abort_msg("seed %" PRIu64 ", event %zu (%zu stored), line %d: %s (rerun with "
		     "POISE_PROP_SEED=%" PRIu64 ")",
		     P.seed, P.tries, P.nrecorded, line, msg, P.seed);
}

/* --- its playbook: generated, then loaded and stored as any other -------- */

static const char *const stage_yaml[STAGE_COUNT] = {"calm",   "listen", "empathize", "clarify",
						    "inform", "solve",	"boundary",  "follow-up"};
static const char *const action_yaml[] = {"none",     "escalate", "boundary",
					  "end-hold", "breathe",  "next-stage"};

static void lines(FILE *f, const char *key, const char *stage, int n)
{
	if (n == 0)
		return;
	fprintf(f, "    %s:\n", key);
	for (int i = 0; i < n; i++)
		fprintf(f, "      - \"%s %s %d for {customer}\"\n", stage, key, i);
}

static char *playbook_yaml(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int nrules = chance(20) ? 0 : 1 + rnd(60);

	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"id: prop-%" PRIu64 "\ntitle: Property\nversion: \"1\"\nlanguage: en\n"
		"sources: [\"000\"]\nmanager: \"Yes, {customer}.\"\nstages:\n",
		P.seed);
	for (int s = 0; s < STAGE_COUNT; s++) {
		fprintf(f, "  %s:\n    goal: %s goal\n    sources: [\"000\"]\n", stage_yaml[s],
			stage_yaml[s]);
		lines(f, "tips", stage_yaml[s], 1 + rnd(2));
		lines(f, "say", stage_yaml[s], chance(10) ? 0 : 1 + rnd(chance(20) ? 300 : 12));
		lines(f, "ask", stage_yaml[s], rnd(4));
		lines(f, "avoid", stage_yaml[s], rnd(3));
		lines(f, "checklist", stage_yaml[s], 1 + rnd(6));
		if (chance(40))
			fprintf(f, "    timebox: %d\n", 1 + rnd(60));
		if (s == STAGE_BOUNDARY)
			fprintf(f, "    warnings: [\"One, {customer}\", \"Two\", \"Three\"]\n");
	}
	fprintf(f, "causes:\n  - id: billing\n    label: Billing\n  - id: other\n    label: "
		   "Other\n");
	if (nrules)
		fprintf(f, "rules:\n");
	for (int i = 0; i < nrules; i++) {
		int kind = rnd(RULE_KIND_COUNT);

		fprintf(f, "  - id: r%d\n    message: \"Rule %d for {customer}\"\n    action: %s\n",
			i, i, action_yaml[rnd((int)(sizeof(action_yaml) / sizeof(*action_yaml)))]);
		if (chance(30))
			fprintf(f, "    cooldown: %d\n", rnd(40));
		switch (kind) {
		case RULE_MOOD:
			fprintf(f, "    when: mood\n    mood: %d\n    seconds: %d\n", 1 + rnd(5),
				1 + rnd(20));
			break;
		case RULE_HOLD:
			fprintf(f, "    when: hold\n    seconds: %d\n", 1 + rnd(20));
			if (chance(50))
				fprintf(f, "    repeat: %d\n", 1 + rnd(15));
			break;
		case RULE_BOUNDARY:
			fprintf(f, "    when: boundary-warnings\n    count: %d\n", 1 + rnd(3));
			break;
		case RULE_TIMEBOX:
			fprintf(f, "    when: stage-timebox\n");
			if (chance(40))
				fprintf(f, "    stage: %s\n", stage_yaml[rnd(STAGE_COUNT)]);
			break;
		default:
			fprintf(f, "    when: manager-asked\n");
			break;
		}
	}
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

/* --- comparing the live fold with the replay -------------------------------- */

/*
 * The fold whole (fixture_call_dump), its log, and what the screens ask of
 * it, at now: what the agent saw then.
 */
static char *view_dump(const struct call_state *cs, int64_t now)
{
	char *base = fixture_call_dump(cs, now), *out = NULL;
	size_t len = 0;
	FILE *f;
	enum section sec;
	int index, placed;

	if (!base || !(f = open_memstream(&out, &len))) {
		free(base);
		return NULL;
	}
	fputs(base, f);
	free(base);
	for (size_t i = 0; i < cs->nlog; i++) {
		const struct call_entry *e = &cs->log[i];

		fprintf(f, "log %" PRId64 " %" PRId64 " %s %d %d %d %s in %d mood %d undone %d\n",
			e->seq, e->t, event_kind_key(e->kind), e->stage, e->a, e->b,
			e->text ? e->text : "-", e->in_stage, e->mood, e->undone);
	}
	for (int s = 0; s < STAGE_COUNT; s++)
		for (int k = 0; k < SECTION_COUNT; k++)
			for (size_t i = 0; i < call_section_len(cs, s, k); i++) {
				const char *why = call_skip_reason(cs, s, k, (int)i);

				if (why)
					fprintf(f, "skipped %d/%d/%zu: %s\n", s, k, i, why);
			}
	placed = call_stage_place(cs, &sec, &index);
	fprintf(f, "shown prompt %d undo %" PRId64 " next %d prev %d place %d %d %d\n",
		call_prompt_rule(cs), call_undo_target(cs), call_next_stage(cs),
		call_prev_stage(cs), placed, placed ? (int)sec : -1, placed ? index : -1);
	for (int k = 0; k < SECTION_COUNT; k++)
		for (size_t i = 0; i < call_section_len(cs, cs->stage, k); i++)
			fprintf(f, "mark seq %d/%zu %" PRId64 "\n", k, i,
				call_line_mark_seq(cs, (enum section)k, (int)i));
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static void replay_equals_live(int64_t now)
{
	struct poise_error err = {0};
	struct review_call rc;
	struct call_state replay;
	char *want, *got, diff[700];

	FAIL_IF(review_call_load(P.st, P.id, &rc, &err) != POISE_OK, "load: %s", err.msg);
	FAIL_IF(rc.nevents != P.nrecorded, "%zu events read back", rc.nevents);
	FAIL_IF(review_call_state(&rc, P.nrecorded, &replay, &err) != POISE_OK, "replay: %s",
		err.msg);
	want = view_dump(&P.live, now);
	got = view_dump(&replay, now);
	FAIL_IF(!want || !got, "out of memory");
	FAIL_IF(strcmp(want, got) != 0, "the replay differs from the live screen: %s",
		fixture_dump_diff(want, got, diff, sizeof(diff)));
	free(got);
	if (P.nseen == P.seen_cap) {
		P.seen_cap = P.seen_cap ? 2 * P.seen_cap : 64;
		P.seen = realloc(P.seen, P.seen_cap * sizeof(*P.seen));
		ck_assert_ptr_nonnull(P.seen);
	}
	P.seen[P.nseen++] = want;
	call_free(&replay);
	review_call_free(&rc);
}

/* Offer ev as the screen does: taken (stored, folded, replayed alike) or refused (nothing changes).
 */
static int offer(struct event ev)
{
	struct poise_error err = {0};
	struct live_done done;
	enum poise_status s;
	char *before = view_dump(&P.live, P.t), *after;
	size_t stored = P.nrecorded;

	ck_assert_ptr_nonnull(before);
	P.tries++;
	s = live_record(P.st, P.id, &P.live, &ev, &done, &err);
	if (s == POISE_OK) {
		FAIL_IF(!done.stored || done.deferred, "%s taken but not stored",
			event_kind_key(ev.kind));
		P.nrecorded++;
		P.kinds |= 1u << ev.kind;
		if (ev.kind == EV_SKIP) {
			for (int r = 0; r < SKIP_COUNT; r++)
				if (ev.text && strcmp(ev.text, skip_reason_key(r)) == 0)
					P.skips |= 1u << r;
		}
		free(before);
		replay_equals_live(ev.t);
		return 1;
	}
	P.refused++;
	FAIL_IF(done.stored, "%s refused (%s) but stored", event_kind_key(ev.kind), err.msg);
	FAIL_IF(s != POISE_STATE && s != POISE_INVALID, "%s: status %d: %s",
		event_kind_key(ev.kind), (int)s, err.msg);
	after = view_dump(&P.live, P.t);
	ck_assert_ptr_nonnull(after);
	FAIL_IF(strcmp(before, after) != 0, "a refused %s changed the fold",
		event_kind_key(ev.kind));
	FAIL_IF(stored != P.nrecorded, "count");
	free(before);
	free(after);
	return 0;
}

static struct event ev_of(enum event_kind kind, int stage, int a, int b, const char *text)
{
	return (struct event){.t = P.t, .kind = kind, .stage = stage, .a = a, .b = b, .text = text};
}

/* The clock at P.t: every rule due fires, in rounds, as loop.c's tick does. */
static void tick(void)
{
	size_t due[8], n;

	do {
		n = rules_due(&P.live, P.t, due, 8);
		for (size_t i = 0; i < n; i++)
			FAIL_IF(!offer(ev_of(EV_PROMPT, (int)P.live.stage, (int)due[i], 0,
					     P.live.pb->rules[due[i]].id)),
				"a due prompt of rule %zu refused", due[i]);
	} while (n == 8);
}

static void advance(void)
{
	switch (rnd(10)) {
	case 0:
		break; /* the same millisecond */
	case 1:
		P.t += 1 + rnd(999);
		break;
	case 2:
		P.t += 1000 * (int64_t)(20 + rnd(100)); /* past timeboxes, holds repeat */
		break;
	default:
		P.t += 200 + rnd(6000);
		break;
	}
}

/* --- the agent ---------------------------------------------------------------- */

static const char *const notes[] = {
	"checking the order",
	"caller said \"again\"; cannot wait",
	"\xc3\xa9l dijo: \xc2\xa1otra vez! \xe2\x80\x94 100 \xe2\x82\xac",
	"\x1b[31mred\x1b[0m and a \xe2\x80\xae bidi",
	"a tab\there",
	"",
};

/* A crash: the live fold thrown away and rebuilt from the store, as resume.c does. */
static int fold_stored(void *ctx, const struct event *ev)
{
	FAIL_IF(call_apply(ctx, ev) != POISE_OK, "stored event %" PRId64 " does not fold", ev->seq);
	return 0;
}

static void crash(void)
{
	struct poise_error err = {0};
	char *before = view_dump(&P.live, P.t), *after;
	struct playbook *pb = NULL;
	char diff[700];

	ck_assert_ptr_nonnull(before);
	call_free(&P.live);
	FAIL_IF(store_playbook(P.st, P.pb->hash, "stored playbook", &pb, &err) != POISE_OK, "%s",
		err.msg);
	FAIL_IF(call_init(&P.live, pb) != POISE_OK, "call_init");
	FAIL_IF(store_call_events(P.st, P.id, fold_stored, &P.live, &err) != POISE_OK, "%s",
		err.msg);
	after = view_dump(&P.live, P.t);
	ck_assert_ptr_nonnull(after);
	FAIL_IF(strcmp(before, after) != 0, "the fold rebuilt after a crash differs: %s",
		fixture_dump_diff(before, after, diff, sizeof(diff)));
	free(before);
	free(after);
	playbook_free(P.resumed);
	P.resumed = pb;
	P.crashes++;
}

/* After a crash, the next start closes the call at its last event (session.c, resume.c). */
static void close_at_last(const char *why)
{
	struct event stop = ev_of(EV_INTERRUPTED, (int)P.live.stage, 0, 0, why);

	stop.t = P.live.last_t;
	FAIL_IF(!offer(stop), "the crash's INTERRUPTED (%s) refused", why);
}

/* session_resume_call: the crash marked at the last event, then RESUME with the hold. */
static void crash_and_resume(void)
{
	crash();
	close_at_last("no clean exit");
	FAIL_IF(!offer(ev_of(EV_RESUME, (int)P.live.stage, 1, 0, NULL)), "RESUME refused");
}

/* A line of the current stage to mark: section and index; 0 when the stage has none. */
static int pick_line(int *sec, int *index)
{
	int secs[] = {SECTION_SAY, SECTION_ASK};
	int s = secs[rnd(2)];
	size_t n = call_section_len(&P.live, P.live.stage, s);

	if (n == 0) {
		s = s == SECTION_SAY ? SECTION_ASK : SECTION_SAY;
		n = call_section_len(&P.live, P.live.stage, s);
	}
	if (n == 0)
		return 0;
	*sec = s;
	*index = rnd((int)n);
	return 1;
}

static void talk_event(void)
{
	const struct call_state *cs = &P.live;
	int st = (int)cs->stage, sec, index, r;

	switch (rnd(24)) {
	case 0:
	case 1: {
		int next = chance(15)	? STAGE_BOUNDARY
			   : chance(20) ? call_prev_stage(cs)
			   : chance(10) ? rnd(STAGE_COUNT)
					: call_next_stage(cs);

		if (next >= 0)
			offer(ev_of(EV_STAGE, next, st, 0, NULL));
		break;
	}
	case 2:
		offer(ev_of(EV_MOOD, st, 1 + rnd(5), 0, NULL));
		break;
	case 3:
		offer(ev_of(EV_NOTE, st, 0, 0, notes[rnd((int)(sizeof(notes) / sizeof(*notes)))]));
		break;
	case 4:
		offer(ev_of(cs->on_hold ? EV_HOLD_END : EV_HOLD_START, st, 0, 0, NULL));
		break;
	case 5:
		offer(ev_of(EV_ESCALATE, st, 0, 0, chance(50) ? "asked twice" : ""));
		break;
	case 6:
		offer(ev_of(EV_WARNING, st, cs->warnings + 1, 0, "One"));
		break;
	case 7:
		if (call_section_len(cs, cs->stage, SECTION_CHECKLIST)) {
			int i = rnd((int)call_section_len(cs, cs->stage, SECTION_CHECKLIST));

			offer(ev_of(EV_CHECK, st, i, !cs->ticked[cs->stage][i], NULL));
		}
		break;
	case 8:
	case 9:
	case 10:
		if (pick_line(&sec, &index))
			offer(ev_of(EV_SAID, st, sec, index, NULL));
		break;
	case 11:
	case 12:
		r = rnd(SKIP_COUNT);
		if (pick_line(&sec, &index))
			offer(ev_of(EV_SKIP, st, sec, index, skip_reason_key((enum skip_reason)r)));
		break;
	case 13:
		offer(ev_of(EV_MANAGER, st, 0, 0, NULL));
		break;
	case 14:
		offer(ev_of(cs->pacing ? EV_BREATHE_END : EV_BREATHE, st, 0, 0, NULL));
		break;
	case 15:
	case 16:
		if (call_undo_target(cs))
			offer(ev_of(EV_UNDO, st, (int)call_undo_target(cs), 0, NULL));
		break;
	case 17:
		/* u on a marked line: its mark taken back. */
		if (pick_line(&sec, &index) && call_line_mark_seq(cs, sec, index))
			offer(ev_of(EV_UNDO, st, (int)call_line_mark_seq(cs, sec, index), 0, NULL));
		break;
	case 18:
		if (chance(25))
			offer(ev_of(EV_WRAPUP, st, 0, 0, NULL));
		break;
	case 19:
		if (chance(30)) {
			offer(ev_of(EV_INTERRUPTED, st, 0, 0, "SIGHUP"));
			advance();
			offer(ev_of(EV_RESUME, (int)P.live.stage, rnd(2), 0, NULL));
		}
		break;
	case 20:
		if (chance(30))
			crash_and_resume();
		break;
	default: {
		/* Hostile: any kind, any fields. */
		static const char *const texts[] = {NULL, "", "bogus", "2026-13-45\tx\ty", "x\ty"};
		struct event ev =
			ev_of((enum event_kind)rnd(EV_COUNT + 1), rnd(STAGE_COUNT + 2) - 1,
			      rnd(12) - 2, rnd(400) - 2, texts[rnd(5)]);

		if (ev.kind == EV_UNDO && chance(50))
			ev.a = (int)rnd((int)cs->nlog + 2);
		offer(ev);
		break;
	}
	}
}

static void wrapup_event(void)
{
	const struct call_state *cs = &P.live;
	int st = (int)cs->stage;
	char text[64];

	switch (rnd(9)) {
	case 0:
		offer(ev_of(EV_OUTCOME, st, 0, 0, outcome_key((enum outcome)rnd(OUTCOME_COUNT))));
		break;
	case 1:
		offer(ev_of(EV_CAUSE, st, 0, 0, chance(50) ? "billing" : "other"));
		break;
	case 2:
		snprintf(text, sizeof(text), "2026-12-%02d\tphone\tcall back", 1 + rnd(28));
		offer(ev_of(EV_FOLLOWUP, st, 0, 0, text));
		break;
	case 3:
		offer(ev_of(EV_REFLECTION, st, 0, 0, "kept calm\tless talking"));
		break;
	case 4:
		offer(ev_of(EV_NOTE, st, 0, 0, "after the call"));
		break;
	case 5:
		offer(ev_of(cs->pacing ? EV_BREATHE_END : EV_BREATHE, st, 0, 0, NULL));
		break;
	case 6:
		if (call_undo_target(cs))
			offer(ev_of(EV_UNDO, st, (int)call_undo_target(cs), 0, NULL));
		break;
	case 7:
		if (chance(10))
			crash_and_resume();
		break;
	default:
		if (cs->outcome != OUTCOME_NONE && P.end_mode == END_BY_END)
			offer(ev_of(EV_END, st, 0, 0, NULL));
		else
			offer(ev_of(EV_OUTCOME, st, 0, 0, "resolved"));
		break;
	}
}

/* --- after the call: every step again, and the kept figures ---------------- */

static void every_step_again(void)
{
	struct poise_error err = {0};
	struct review_call rc;
	char diff[700];

	FAIL_IF(review_call_load(P.st, P.id, &rc, &err) != POISE_OK, "%s", err.msg);
	FAIL_IF(rc.nevents != P.nseen, "%zu events, %zu seen", rc.nevents, P.nseen);
	for (size_t n = 1; n <= rc.nevents; n++) {
		struct call_state cs;
		char *got;

		FAIL_IF(review_call_state(&rc, n, &cs, &err) != POISE_OK, "%s", err.msg);
		/* The screen's clock then: the seen view was dumped at its event's time. */
		got = view_dump(&cs, rc.events[n - 1].t);
		ck_assert_ptr_nonnull(got);
		FAIL_IF(strcmp(P.seen[n - 1], got) != 0,
			"step %zu replayed from the whole call differs: %s", n,
			fixture_dump_diff(P.seen[n - 1], got, diff, sizeof(diff)));
		free(got);
		call_free(&cs);
	}
	for (size_t i = 0; i < P.live.nprompts; i++)
		P.ends |= 1u << P.live.prompts[i].end;
	review_call_free(&rc);
}

static void kept_figures_are_the_fold(void)
{
	struct poise_error err = {0};
	struct review_call rc;
	unsigned char *blob = NULL;
	size_t len = 0;
	sqlite3 *db;
	sqlite3_stmt *s;
	int same;

	FAIL_IF(review_call_load(P.st, P.id, &rc, &err) != POISE_OK, "%s", err.msg);
	FAIL_IF(report_pack_call(rc.pb, rc.events, rc.nevents, &blob, &len, &err) != POISE_OK, "%s",
		err.msg);
	ck_assert_int_eq(sqlite3_open_v2(P.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "SELECT figures FROM call_figures WHERE call_id = ?",
					    -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(s, 1, P.id, -1, SQLITE_STATIC);
	FAIL_IF(sqlite3_step(s) != SQLITE_ROW, "the closed call kept no figures");
	same = (size_t)sqlite3_column_bytes(s, 0) == len &&
	       memcmp(sqlite3_column_blob(s, 0), blob, len) == 0;
	sqlite3_finalize(s);
	sqlite3_close(db);
	FAIL_IF(!same, "the kept figures are not the fold of the stored events");
	free(blob);
	review_call_free(&rc);
}

/* --- one seed ------------------------------------------------------------------ */

static void run_seed(uint64_t seed)
{
	struct poise_error err = {0};
	char *yaml;
	int nevents;

	memset(&P, 0, sizeof(P));
	P.seed = seed;
	rng_state = seed;
	yaml = playbook_yaml();
	FAIL_IF(playbook_load_text(yaml, strlen(yaml), "prop.yaml", &P.pb, &err) != POISE_OK,
		"the generated playbook: %s", err.msg);
	free(yaml);
	{
		char name[64];

		snprintf(name, sizeof(name), "db-%" PRIu64, seed);
		snprintf(P.db, sizeof(P.db), "%s", fx_path(0, name));
	}
	P.st = fx_open(P.db);
	P.t = FIXTURE_T0 + (int64_t)rnd(1000000);
	fx_call(P.st, P.id, "ana", chance(50) ? "Dana" : "\xc3\x81lvaro \xe2\x80\x94 O'Neil", P.t,
		P.pb);
	ck_assert_int_eq(call_init(&P.live, P.pb), POISE_OK);
	FAIL_IF(!offer(ev_of(EV_START, STAGE_CALM, 0, 0, P.pb->hash)), "START refused");
	P.end_mode = (int)(seed % END_MODES);
	nevents = 20 + rnd(PROP_EVENTS - 20);
	for (int i = 0; i < nevents && P.live.phase != CALL_DONE; i++) {
		advance();
		tick();
		if (P.live.phase == CALL_TALK)
			talk_event();
		else if (P.live.phase == CALL_WRAPUP)
			wrapup_event();
		else if (P.live.phase == CALL_INTERRUPTED) /* a hostile INTERRUPTED was taken */
			FAIL_IF(!offer(ev_of(EV_RESUME, (int)P.live.stage, rnd(2), 0, NULL)),
				"RESUME refused");
	}
	if (P.live.phase == CALL_INTERRUPTED)
		FAIL_IF(!offer(ev_of(EV_RESUME, (int)P.live.stage, 0, 0, NULL)), "RESUME refused");
	/* The call closes, the way this seed's ends, unless an END came first. */
	advance();
	if (P.live.phase != CALL_DONE) {
		switch (P.end_mode) {
		case END_BY_END: /* x, the wrap-up, its outcome, END */
			if (P.live.phase == CALL_TALK)
				FAIL_IF(!offer(ev_of(EV_WRAPUP, (int)P.live.stage, 0, 0, NULL)),
					"WRAPUP refused");
			if (P.live.outcome == OUTCOME_NONE)
				FAIL_IF(!offer(ev_of(EV_OUTCOME, (int)P.live.stage, 0, 0, "abuse")),
					"OUTCOME refused");
			FAIL_IF(!offer(ev_of(EV_END, (int)P.live.stage, 0, 0, NULL)),
				"END refused");
			break;
		case END_BY_HANGUP: /* the terminal closed: session_interrupt */
			FAIL_IF(!offer(ev_of(EV_INTERRUPTED, (int)P.live.stage, 0, 0, "SIGHUP")),
				"INTERRUPTED refused");
			break;
		default: /* kill -9, and the next start closes it (c on the unfinished call) */
			crash();
			close_at_last("closed on start");
			break;
		}
	}
	all_end_modes[P.live.phase == CALL_DONE ? END_BY_END : P.end_mode]++;
	every_step_again();
	kept_figures_are_the_fold();

	all_kinds |= P.kinds;
	all_skips |= P.skips;
	all_ends |= P.ends;
	all_crashes += P.crashes;
	all_refused += P.refused;
	for (size_t i = 0; i < P.nseen; i++)
		free(P.seen[i]);
	free(P.seen);
	call_free(&P.live);
	playbook_free(P.resumed);
	playbook_free(P.pb);
	store_close(P.st);
}

/*
 * Thousands of transactions, each one synced: in memory where the machine
 * has a tmpfs (the property is about the fold, not the disk), else /tmp.
 */
static void setup(void)
{
	snprintf(fx_dir, sizeof(fx_dir), "/dev/shm/poise-prop-XXXXXX");
	if (!mkdtemp(fx_dir))
		fx_setup();
}

static void teardown(void)
{
	fx_teardown();
}

START_TEST(replay_equals_what_the_agent_saw_in_generated_calls)
{
	const char *one = getenv("POISE_PROP_SEED");

	if (one && *one) {
		run_seed(strtoull(one, NULL, 10));
		return;
	}
	all_kinds = all_skips = all_ends = 0;
	all_crashes = all_refused = 0;
	memset(all_end_modes, 0, sizeof(all_end_modes));
	for (uint64_t i = 0; i < PROP_SEEDS; i++)
		run_seed(PROP_SEED0 + i);
	/* The seeds reach every kind of event, every skip reason, every way a prompt leaves. */
	for (int k = 0; k < EV_COUNT; k++)
		ck_assert_msg(all_kinds & (1u << k), "no seed stored a %s event",
			      event_kind_key((enum event_kind)k));
	for (int r = 0; r < SKIP_COUNT; r++)
		ck_assert_msg(all_skips & (1u << r), "no seed skipped a line as %s",
			      skip_reason_key((enum skip_reason)r));
	for (int e = PROMPT_PENDING; e <= PROMPT_LAPSED; e++)
		ck_assert_msg(all_ends & (1u << e), "no prompt ended as %d", e);
	ck_assert_int_gt(all_crashes, 0);
	for (int m = 0; m < END_MODES; m++)
		ck_assert_msg(all_end_modes[m] > 0, "no call ended the way %d", m);
	ck_assert_int_gt(all_refused, 0);
}
END_TEST

Suite *replay_prop_suite(void)
{
	Suite *s = suite_create("replay_prop");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 900); /* 30 seeds: seconds plain, minutes under ASan on a busy machine */
	tcase_add_test(tc, replay_equals_what_the_agent_saw_in_generated_calls);
	suite_add_tcase(s, tc);
	return s;
}
