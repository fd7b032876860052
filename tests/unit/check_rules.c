/* check_rules.c - which coaching prompts are due, and replaying them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers/fixture_call.h"
#include "helpers/fixture_playbook.h"
#include "poise/call.h"
#include "poise/rules.h"
#include "poise/store.h"
#include "main/suite.h"

static struct playbook *pb;
static struct call_state cs;

#define T(s) (FIXTURE_T0 + SEC(s))

/* A call under a playbook with just these rules. */
static void begin(const struct pb_rule *rules, size_t n)
{
	struct event ev = fixture_event(EV_START, T(0), STAGE_CALM, 0, 0, NULL);

	pb = fixture_playbook_new(rules, n);
	ck_assert_ptr_nonnull(pb);
	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	ck_assert_int_eq(call_apply(&cs, &ev), POISE_OK);
}

static void teardown(void)
{
	call_free(&cs);
	fixture_playbook_free(pb);
	pb = NULL;
}

static void put(enum event_kind kind, int64_t t, int stage, int a)
{
	struct event ev = fixture_event(kind, t, stage, a, 0, NULL);

	ck_assert_int_eq(call_apply(&cs, &ev), POISE_OK);
}

/* Whether rule 0 is due at t. */
static int due0(int64_t t)
{
	size_t out[4];
	size_t n = rules_due(&cs, t, out, 4);

	ck_assert_uint_le(n, 1);
	if (n)
		ck_assert_uint_eq(out[0], 0);
	return n == 1;
}

/* What the UI does: append a PROMPT for rule i at t. */
static void fire(size_t i, int64_t t)
{
	struct event ev = fixture_event(EV_PROMPT, t, cs.stage, (int)i, 0, pb->rules[i].id);

	ck_assert_int_eq(call_apply(&cs, &ev), POISE_OK);
}

START_TEST(test_mood)
{
	static const struct pb_rule r[] = {
		{.id = "supervisor", .kind = RULE_MOOD, .mood = 4, .seconds = 120, .message = "m"}};

	begin(r, 1);
	ck_assert(!due0(T(500))); /* no mood yet */
	put(EV_MOOD, T(10), 0, 4);
	ck_assert(!due0(T(129.999)));
	ck_assert(due0(T(130)));
	fire(0, T(130));
	ck_assert_int_eq(cs.rules[0].episode_start, T(10));
	ck_assert(!due0(T(130)));
	ck_assert(!due0(T(200)));
	/* Rising further is the same stretch. */
	put(EV_MOOD, T(210), 0, 5);
	ck_assert_int_eq(rules_episode(&cs, 0), T(10));
	ck_assert(!due0(T(400)));
	/* A drop below ends it; nothing is due below the level. */
	put(EV_MOOD, T(410), 0, 3);
	ck_assert_int_eq(rules_episode(&cs, 0), -1);
	ck_assert(!due0(T(900)));
	/* A new stretch is a new episode, timed from its own start. */
	put(EV_MOOD, T(920), 0, 4);
	ck_assert(!due0(T(1039.999)));
	ck_assert(due0(T(1040)));
	fire(0, T(1040));
	ck_assert_int_eq(cs.rules[0].episode_start, T(920));
	ck_assert_int_eq(cs.rules[0].fired, 2);
	ck_assert(!due0(T(5000)));
}
END_TEST

START_TEST(test_mood_cooldown)
{
	static const struct pb_rule r[] = {{.id = "m",
					    .kind = RULE_MOOD,
					    .mood = 5,
					    .seconds = 60,
					    .cooldown = 300,
					    .message = "m"}};

	begin(r, 1);
	put(EV_MOOD, T(0), 0, 5);
	ck_assert(due0(T(60)));
	fire(0, T(60));
	put(EV_MOOD, T(70), 0, 4);
	put(EV_MOOD, T(80), 0, 5);
	/* A new episode, past its seconds, but within the cooldown. */
	ck_assert(!due0(T(140)));
	ck_assert(!due0(T(359.999)));
	ck_assert(due0(T(360)));
}
END_TEST

START_TEST(test_hold)
{
	static const struct pb_rule r[] = {
		{.id = "check-back", .kind = RULE_HOLD, .seconds = 45, .message = "h"}};

	begin(r, 1);
	ck_assert(!due0(T(100)));
	put(EV_HOLD_START, T(10), 0, 0);
	ck_assert(!due0(T(55))); /* longer than 45 s, not equal */
	ck_assert(due0(T(55.001)));
	fire(0, T(55.001));
	ck_assert_int_eq(cs.rules[0].episode_start, T(10));
	ck_assert(!due0(T(56)));
	ck_assert(!due0(T(300))); /* no repeat */
	put(EV_HOLD_END, T(310), 0, 0);
	ck_assert(!due0(T(320)));
	put(EV_HOLD_START, T(400), 0, 0);
	ck_assert(!due0(T(445)));
	ck_assert(due0(T(445.001)));
}
END_TEST

START_TEST(test_hold_repeat)
{
	static const struct pb_rule r[] = {
		{.id = "h", .kind = RULE_HOLD, .seconds = 45, .repeat = 30, .message = "h"}};

	begin(r, 1);
	put(EV_HOLD_START, T(0), 0, 0);
	ck_assert(due0(T(45.001)));
	fire(0, T(45.001));
	ck_assert(!due0(T(75)));
	ck_assert(due0(T(75.001)));
	fire(0, T(75.001));
	ck_assert(!due0(T(105)));
	ck_assert(due0(T(105.001)));
	/* The cadence counts from the last firing, even a late one. */
	fire(0, T(110));
	ck_assert(!due0(T(139.999)));
	ck_assert(due0(T(140)));
	ck_assert_int_eq(cs.rules[0].fired, 3);
	put(EV_HOLD_END, T(141), 0, 0);
	ck_assert(!due0(T(200)));
}
END_TEST

START_TEST(test_hold_repeat_cooldown)
{
	/* Cooldown longer than repeat stretches the cadence; shorter changes nothing. */
	static const struct pb_rule r[] = {{.id = "slow",
					    .kind = RULE_HOLD,
					    .seconds = 45,
					    .repeat = 30,
					    .cooldown = 60,
					    .message = "h"},
					   {.id = "fast",
					    .kind = RULE_HOLD,
					    .seconds = 45,
					    .repeat = 30,
					    .cooldown = 10,
					    .message = "h"}};
	size_t out[4];

	begin(r, 2);
	put(EV_HOLD_START, T(0), 0, 0);
	ck_assert_uint_eq(rules_due(&cs, T(45.001), out, 4), 2);
	fire(0, T(45.001));
	fire(1, T(45.001));
	ck_assert_uint_eq(rules_due(&cs, T(75.001), out, 4), 1);
	ck_assert_uint_eq(out[0], 1);
	fire(1, T(75.001));
	ck_assert_uint_eq(rules_due(&cs, T(105.000), out, 4), 0);
	ck_assert_uint_eq(rules_due(&cs, T(105.001), out, 4), 2);
}
END_TEST

START_TEST(test_boundary)
{
	static const struct pb_rule r[] = {
		{.id = "may-end", .kind = RULE_BOUNDARY, .count = 2, .message = "b"}};

	begin(r, 1);
	put(EV_STAGE, T(1), STAGE_BOUNDARY, 0);
	put(EV_WARNING, T(10), STAGE_BOUNDARY, 1);
	ck_assert(!due0(T(100)));
	put(EV_WARNING, T(110), STAGE_BOUNDARY, 2);
	ck_assert(due0(T(110)));
	fire(0, T(110));
	ck_assert(!due0(T(111)));
	put(EV_WARNING, T(120), STAGE_BOUNDARY, 3);
	ck_assert(!due0(T(121))); /* once per call */
	ck_assert(!due0(T(100000)));
}
END_TEST

START_TEST(test_timebox)
{
	static const struct pb_rule r[] = {{.id = "move-on",
					    .kind = RULE_TIMEBOX,
					    .message = "t",
					    .action = ACTION_NEXT_STAGE}};

	begin(r, 1);
	ck_assert(!due0(T(1000))); /* calm has no timebox */
	put(EV_STAGE, T(10), STAGE_LISTEN, 0);
	ck_assert(!due0(T(10 + FIXTURE_TIMEBOX)));
	ck_assert(due0(T(10.001 + FIXTURE_TIMEBOX)));
	fire(0, T(80));
	ck_assert_int_eq(cs.rules[0].episode_start, T(10));
	ck_assert(!due0(T(500)));
	put(EV_STAGE, T(510), STAGE_SOLVE, 0);
	ck_assert(!due0(T(2000)));
	/* A new visit is a new episode. */
	put(EV_STAGE, T(2010), STAGE_LISTEN, 0);
	ck_assert(!due0(T(2070)));
	ck_assert(due0(T(2070.001)));
}
END_TEST

START_TEST(test_timebox_gap)
{
	static const struct pb_rule r[] = {{.id = "t", .kind = RULE_TIMEBOX, .message = "t"}};

	begin(r, 1);
	put(EV_STAGE, T(10), STAGE_LISTEN, 0);
	put(EV_INTERRUPTED, T(40), 0, 0);
	ck_assert(!due0(T(1000)));
	put(EV_RESUME, T(1000), 0, 0);
	/* 30 s before the interruption, so 30 s more after resuming. */
	ck_assert(!due0(T(1030)));
	ck_assert(due0(T(1030.001)));
}
END_TEST

START_TEST(test_manager)
{
	static const struct pb_rule r[] = {{.id = "mgr",
					    .kind = RULE_MANAGER,
					    .cooldown = 60,
					    .message = "x",
					    .action = ACTION_ESCALATE}};

	begin(r, 1);
	ck_assert(!due0(T(100)));
	put(EV_MANAGER, T(110), 0, 0);
	ck_assert(due0(T(110)));
	fire(0, T(111));
	ck_assert_int_eq(cs.rules[0].episode_start, T(110));
	ck_assert(!due0(T(1000)));
	/* A second request is a new episode, but the cooldown holds it back. */
	put(EV_MANAGER, T(1200), 0, 0);
	ck_assert(due0(T(1200)));
	fire(0, T(1200));
	put(EV_MANAGER, T(1230), 0, 0);
	ck_assert(!due0(T(1230)));
	ck_assert(!due0(T(1259.999)));
	ck_assert(due0(T(1260)));
}
END_TEST

START_TEST(test_only_in_talk)
{
	static const struct pb_rule r[] = {
		{.id = "m", .kind = RULE_MOOD, .mood = 3, .seconds = 10, .message = "m"},
		{.id = "g", .kind = RULE_MANAGER, .message = "g"}};
	struct call_state fresh;
	size_t out[4];

	begin(r, 2);
	/* Before START nothing is due. */
	ck_assert_int_eq(call_init(&fresh, pb), POISE_OK);
	ck_assert_uint_eq(rules_due(&fresh, T(100), out, 4), 0);
	call_free(&fresh);

	put(EV_MOOD, T(0), 0, 5);
	put(EV_MANAGER, T(1), 0, 0);
	ck_assert_uint_eq(rules_due(&cs, T(20), out, 4), 2);
	ck_assert_uint_eq(rules_due(&cs, T(20), out, 1), 1); /* max respected */
	ck_assert_uint_eq(out[0], 0);
	put(EV_INTERRUPTED, T(20), 0, 0);
	ck_assert_uint_eq(rules_due(&cs, T(30), out, 4), 0);
	put(EV_RESUME, T(40), 0, 0);
	ck_assert_uint_eq(rules_due(&cs, T(40), out, 4), 2);
	put(EV_WRAPUP, T(50), 0, 0);
	ck_assert_uint_eq(rules_due(&cs, T(60), out, 4), 0);
	ck_assert_str_eq(rules_message(&cs, 1), "g");
	ck_assert_ptr_null(rules_message(&cs, 2));
}
END_TEST

/* --- replay -------------------------------------------------------------- */

static const struct pb_rule replay_rules[] = {
	{.id = "supervisor",
	 .kind = RULE_MOOD,
	 .mood = 5,
	 .seconds = 60,
	 .cooldown = 120,
	 .message = "mood at 5 for a minute",
	 .action = ACTION_ESCALATE},
	{.id = "check-back", .kind = RULE_HOLD, .seconds = 20, .repeat = 15, .message = "hold"},
	{.id = "may-end", .kind = RULE_BOUNDARY, .count = 2, .message = "second warning"},
	{.id = "move-on", .kind = RULE_TIMEBOX, .message = "timebox"},
	{.id = "manager", .kind = RULE_MANAGER, .message = "manager asked"},
};

/* The scripted call: (seconds after T0, kind, stage, a, b, text). */
static const struct step {
	double at;
	enum event_kind kind;
	int stage, a, b;
	const char *text;
} script[] = {
	{0, EV_START, STAGE_CALM, 0, 0, NULL},
	{2, EV_MOOD, 0, 4, 0, NULL},
	{5, EV_SAID, 0, SECTION_SAY, 0, NULL},
	{8, EV_MOOD, 0, 5, 0, NULL},
	{12, EV_BREATHE, 0, 0, 0, NULL},
	{20, EV_CHECK, 0, 0, 1, NULL},
	{25, EV_STAGE, STAGE_LISTEN, STAGE_CALM, 0, NULL},
	{30, EV_NOTE, 0, 0, 0, "says the bill doubled"},
	{40, EV_SKIP, 0, SECTION_ASK, 0, "didnt-fit"},
	{50, EV_MANAGER, 0, 0, 0, NULL},
	{75, EV_MOOD, 0, 4, 0, NULL},
	{80, EV_MOOD, 0, 5, 0, NULL},
	{95, EV_STAGE, STAGE_EMPATHIZE, STAGE_LISTEN, 0, NULL},
	{100, EV_CHECK, 0, 1, 1, NULL},
	{110, EV_HOLD_START, 0, 0, 0, NULL},
	{170, EV_HOLD_END, 0, 0, 0, NULL},
	{175, EV_STAGE, STAGE_LISTEN, STAGE_EMPATHIZE, 0, NULL},
	{180, EV_MANAGER, 0, 0, 0, NULL},
	{200, EV_ESCALATE, 0, 0, 0, "wants a refund over limit"},
	{210, EV_STAGE, STAGE_BOUNDARY, STAGE_LISTEN, 0, NULL},
	{215, EV_WARNING, 0, 1, 0, NULL},
	{230, EV_WARNING, 0, 2, 0, NULL},
	{240, EV_MOOD, 0, 3, 0, NULL},
	{245, EV_INTERRUPTED, 0, 0, 0, "SIGHUP"},
	{600, EV_RESUME, 0, 0, 0, NULL},
	{610, EV_STAGE, STAGE_SOLVE, STAGE_BOUNDARY, 0, NULL},
	{615, EV_SAID, 0, SECTION_SAY, 2, NULL},
	{620, EV_HOLD_START, 0, 0, 0, NULL},
	{650, EV_HOLD_END, 0, 0, 0, NULL},
	{660, EV_MOOD, 0, 2, 0, NULL},
	{670, EV_CHECK, 0, 3, 1, NULL},
	{680, EV_STAGE, STAGE_FOLLOW_UP, STAGE_SOLVE, 0, NULL},
	{690, EV_NOTE, 0, 0, 0, "refund on next bill"},
	{700, EV_HOLD_START, 0, 0, 0, NULL},
	{730, EV_WRAPUP, 0, 0, 0, NULL},
	{735, EV_OUTCOME, 0, 0, 0, "resolved"},
	{740, EV_CAUSE, 0, 0, 0, "billing"},
	{745, EV_FOLLOWUP, 0, 0, 0, "2024-01-02\tphone\tconfirm the refund"},
	{750, EV_REFLECTION, 0, 0, 0, "kept calm\tempathize sooner"},
	{760, EV_END, 0, 0, 0, NULL},
};
#define NSCRIPT	   (sizeof(script) / sizeof(script[0]))
#define MAX_EVENTS 200

static struct event recorded[MAX_EVENTS];
static size_t nrecorded;

static void record(struct call_state *live, const struct event *ev)
{
	ck_assert_uint_lt(nrecorded, MAX_EVENTS);
	ck_assert_int_eq(call_apply(live, ev), POISE_OK);
	recorded[nrecorded++] = *ev;
}

/* Play the script live, ticking every half second and firing what is due. */
static void play_live(struct call_state *live)
{
	size_t next = 0;

	nrecorded = 0;
	for (int64_t t = T(0); next < NSCRIPT; t += 500) {
		size_t due[8], n;

		while (next < NSCRIPT && T(script[next].at) <= t) {
			const struct step *s = &script[next++];
			struct event ev = fixture_event(s->kind, t, s->stage, s->a, s->b, s->text);

			record(live, &ev);
		}
		n = rules_due(live, t, due, 8);
		for (size_t i = 0; i < n; i++) {
			struct event ev = fixture_event(EV_PROMPT, t, live->stage, (int)due[i], 0,
							live->pb->rules[due[i]].id);

			record(live, &ev);
		}
	}
}

static void assert_same(const struct call_state *a, const struct call_state *b)
{
	static const int64_t at[] = {T(0), T(300), T(800), T(100000)};
	char diff[512];

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		char *da = fixture_call_dump(a, at[i]), *db = fixture_call_dump(b, at[i]);

		ck_assert_ptr_nonnull(da);
		ck_assert_ptr_nonnull(db);
		ck_assert_msg(strcmp(da, db) == 0, "replay differs: %s",
			      fixture_dump_diff(da, db, diff, sizeof(diff)));
		free(da);
		free(db);
	}
	ck_assert_int_eq(memcmp(a->rules, b->rules, a->pb->nrules * sizeof(*a->rules)), 0);
}

/* How many prompts each rule fired in the recorded call. */
static void count_prompts(int *per_rule)
{
	for (size_t i = 0; i < nrecorded; i++)
		if (recorded[i].kind == EV_PROMPT)
			per_rule[recorded[i].a]++;
}

START_TEST(test_replay)
{
	struct call_state live, again;
	int prompts[5] = {0};

	begin(replay_rules, 5);
	ck_assert_int_eq(call_init(&live, pb), POISE_OK);
	ck_assert_int_eq(call_init(&again, pb), POISE_OK);
	play_live(&live);
	ck_assert_uint_gt(nrecorded, NSCRIPT);
	ck_assert_int_eq(live.phase, CALL_DONE);

	count_prompts(prompts);
	/* Mood 5 from 8 s fires at 68 s; the stretch from 80 s waits for the cooldown: 188 s. */
	ck_assert_int_eq(prompts[0], 2);
	/* Hold 110-170: 130.5, 145.5, 160.5; hold 620-650: 640.5; hold 700-730: 720.5. */
	ck_assert_int_eq(prompts[1], 5);
	ck_assert_int_eq(prompts[2], 1);
	/* Listen 25-95 (60 s timebox) once; listen 175-210 not long enough. */
	ck_assert_int_eq(prompts[3], 1);
	ck_assert_int_eq(prompts[4], 2);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(live.rules[i].fired, prompts[i]);

	for (size_t i = 0; i < nrecorded; i++)
		ck_assert_int_eq(call_apply(&again, &recorded[i]), POISE_OK);
	assert_same(&live, &again);
	call_free(&live);
	call_free(&again);
}
END_TEST

static int apply_stored(void *ctx, const struct event *ev)
{
	ck_assert_int_eq(call_apply(ctx, ev), POISE_OK);
	return 0;
}

/* The stored log rebuilds the same state: what resume and review rely on. */
START_TEST(test_store_replay)
{
	char dir[] = "/tmp/poise-rules-XXXXXX", path[64], side[80];
	struct call_state live, again;
	struct call_meta meta = {0};
	struct poise_error err = {0};
	struct store *st = NULL;

	begin(replay_rules, 5);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/poise.db", dir);
	ck_assert_msg(store_open(path, 0, &st, &err) == POISE_OK, "open: %s", err.msg);
	ck_assert_int_eq(store_new_uuid(meta.id, T(0), &err), POISE_OK);
	snprintf(meta.agent, sizeof(meta.agent), "ana");
	meta.started = T(0);
	ck_assert_msg(store_call_begin(st, &meta, pb, &err) == POISE_OK, "begin: %s", err.msg);

	ck_assert_int_eq(call_init(&live, pb), POISE_OK);
	ck_assert_int_eq(call_init(&again, pb), POISE_OK);
	play_live(&live);
	for (size_t i = 0; i < nrecorded; i++) {
		int deferred = -1;

		ck_assert_msg(store_append(st, meta.id, &recorded[i], &deferred, &err) == POISE_OK,
			      "append %zu: %s", i, err.msg);
		ck_assert_int_eq(deferred, 0);
		ck_assert_int_eq(recorded[i].seq, (int64_t)i + 1);
	}
	ck_assert_msg(store_call_events(st, meta.id, apply_stored, &again, &err) == POISE_OK,
		      "events: %s", err.msg);
	ck_assert_int_eq(again.nevents, (int64_t)nrecorded);
	assert_same(&live, &again);

	call_free(&live);
	call_free(&again);
	store_close(st);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("due");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_mood);
	tcase_add_test(tc, test_mood_cooldown);
	tcase_add_test(tc, test_hold);
	tcase_add_test(tc, test_hold_repeat);
	tcase_add_test(tc, test_hold_repeat_cooldown);
	tcase_add_test(tc, test_boundary);
	tcase_add_test(tc, test_timebox);
	tcase_add_test(tc, test_timebox_gap);
	tcase_add_test(tc, test_manager);
	tcase_add_test(tc, test_only_in_talk);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_store_replay);
	suite_add_tcase(s, tc);
	return s;
}
