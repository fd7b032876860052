/*
 * check_live.c - the live path (live_record) and review's replay agree at
 * every event: what the agent saw is what the supervisor steps through.
 *
 * A scripted call (several stages, lines said and skipped with reasons,
 * prompts fired, replaced and acted on, marks undone, the wrap-up undone)
 * is recorded as the call screen records it: at each moment the rules due
 * are fired as PROMPT events (loop.c's tick), then the agent's event, each
 * through live_record. After every event, the call is read back from
 * SQLite (review_call_load) and its replay to that step is compared with
 * the live fold: the whole state, skip reasons and prompts included.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture_call.h"
#include "helpers/fixture_playbook.h"
#include "main/suite.h"
#include "poise/live.h"
#include "poise/review.h"
#include "poise/rules.h"
#include "store_fixture.h"

#define T(s) (FIXTURE_T0 + (int64_t)(s)*1000)

static struct playbook *pb;
static struct store *st;
static struct call_state live;
static char id[37];
static size_t nrecorded;

static void setup(void)
{
	struct poise_error err = {0};

	fx_setup();
	pb = fixture_playbook_load("e2e/fast.yaml", &err);
	ck_assert_msg(pb != NULL, "%s", err.msg);
	st = fx_open(fx_path(0, "db"));
	id[0] = '\0';
	fx_call(st, id, "ana", "Dana", T(0), pb);
	ck_assert_int_eq(call_init(&live, pb), POISE_OK);
	nrecorded = 0;
}

static void teardown(void)
{
	call_free(&live);
	store_close(st);
	playbook_free(pb);
	fx_teardown();
}

/* The replay of the stored log, n events in, equals the live fold now. */
static void replay_equals_live(int64_t now)
{
	struct poise_error err = {0};
	struct review_call rc;
	struct call_state replay;
	char *want, *got, diff[600];

	ck_assert_msg(review_call_load(st, id, &rc, &err) == POISE_OK, "%s", err.msg);
	ck_assert_uint_eq(rc.nevents, nrecorded);
	ck_assert_msg(review_call_state(&rc, nrecorded, &replay, &err) == POISE_OK, "%s", err.msg);
	want = fixture_call_dump(&live, now);
	got = fixture_call_dump(&replay, now);
	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(want, got) == 0, "after event %zu: %s", nrecorded,
		      fixture_dump_diff(want, got, diff, sizeof(diff)));
	/* What the screens read: each line's skip reason and the prompt shown. */
	for (int s = 0; s < STAGE_COUNT; s++)
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			for (size_t i = 0; i < call_section_len(&live, s, sec); i++) {
				const char *a = call_skip_reason(&live, s, sec, (int)i);
				const char *b = call_skip_reason(&replay, s, sec, (int)i);

				ck_assert_msg((!a && !b) || (a && b && strcmp(a, b) == 0),
					      "skip reason of %d/%d/%zu after event %zu", s, sec, i,
					      nrecorded);
			}
	ck_assert_int_eq(call_prompt_rule(&live), call_prompt_rule(&replay));
	free(want);
	free(got);
	call_free(&replay);
	review_call_free(&rc);
}

static void record(struct event ev)
{
	struct poise_error err = {0};
	struct live_done done;

	ck_assert_msg(live_record(st, id, &live, &ev, &done, &err) == POISE_OK, "%s %s",
		      event_kind_key(ev.kind), err.msg);
	ck_assert(done.stored);
	ck_assert(!done.deferred);
	nrecorded++;
	replay_equals_live(ev.t);
}

/* The clock at t: every rule due fires, as the call screen's tick does. */
static void tick(int64_t t)
{
	size_t due[8], n = rules_due(&live, t, due, 8);

	for (size_t i = 0; i < n; i++)
		record(fixture_event(EV_PROMPT, t, (int)live.stage, (int)due[i], 0,
				     pb->rules[due[i]].id));
}

/* At second s: the clock, then the agent's event. */
static void at(int s, enum event_kind kind, int stage, int a, int b, const char *text)
{
	tick(T(s));
	record(fixture_event(kind, T(s), stage, a, b, text));
}

static void undo_last(int s)
{
	at(s, EV_UNDO, (int)live.stage, (int)call_undo_target(&live), 0, NULL);
}

static int rule_index(const char *rid)
{
	for (size_t i = 0; i < pb->nrules; i++)
		if (strcmp(pb->rules[i].id, rid) == 0)
			return (int)i;
	ck_abort_msg("no rule %s", rid);
	return -1;
}

START_TEST(replay_equals_the_live_fold_at_every_event)
{
	struct event refused = fixture_event(EV_SAID, T(99), STAGE_CALM, SECTION_SAY, 99, NULL);
	struct poise_error err = {0};
	struct live_done done;

	at(0, EV_START, STAGE_CALM, 0, 0, pb->hash);
	at(1, EV_SAID, STAGE_CALM, SECTION_SAY, 0, NULL);
	at(2, EV_MOOD, STAGE_CALM, 5, 0, NULL);
	at(4, EV_CHECK, STAGE_CALM, 0, 1, NULL); /* the hot-mood prompt fires first */
	ck_assert_int_eq(call_prompt_rule(&live), rule_index("hot-mood"));
	at(5, EV_MANAGER, STAGE_CALM, 0, 0, NULL);
	at(6, EV_STAGE, STAGE_LISTEN, STAGE_CALM, 0, NULL); /* manager replaces hot-mood */
	ck_assert_int_eq(call_prompt_rule(&live), rule_index("manager"));
	at(7, EV_SKIP, STAGE_LISTEN, SECTION_SAY, 0, "didnt-fit");
	at(8, EV_SKIP, STAGE_LISTEN, SECTION_SAY, 1, "calmer");
	undo_last(9); /* the second skip */
	ck_assert_ptr_null(call_skip_reason(&live, STAGE_LISTEN, SECTION_SAY, 1));
	ck_assert_str_eq(call_skip_reason(&live, STAGE_LISTEN, SECTION_SAY, 0), "didnt-fit");
	at(10, EV_SAID, STAGE_LISTEN, SECTION_SAY, 1, NULL);
	at(11, EV_HOLD_START, STAGE_LISTEN, 0, 0, NULL);
	at(13, EV_NOTE, STAGE_LISTEN, 0, 0, "checking the order"); /* hold prompt first */
	ck_assert_int_eq(call_prompt_rule(&live), rule_index("hold-check"));
	at(14, EV_HOLD_END, STAGE_LISTEN, 0, 0, NULL); /* acts on it */
	ck_assert_ptr_null(call_prompt(&live));
	at(15, EV_ESCALATE, STAGE_LISTEN, 0, 0, "asked for a manager");
	at(16, EV_STAGE, STAGE_BOUNDARY, STAGE_LISTEN, 0, NULL);
	at(17, EV_WARNING, STAGE_BOUNDARY, 1, 0, "First warning to Dana");
	at(18, EV_STAGE, STAGE_LISTEN, STAGE_BOUNDARY, 0, NULL);
	undo_last(19); /* back in boundary */
	ck_assert_int_eq(live.stage, STAGE_BOUNDARY);
	at(20, EV_STAGE, STAGE_LISTEN, STAGE_BOUNDARY, 0, NULL);
	at(21, EV_STAGE, STAGE_EMPATHIZE, STAGE_LISTEN, 0, NULL);
	at(22, EV_SKIP, STAGE_EMPATHIZE, SECTION_SAY, 0, "wrong-scenario");
	at(23, EV_WRAPUP, STAGE_EMPATHIZE, 0, 0, NULL);
	undo_last(24); /* back to the call */
	ck_assert_int_eq(live.phase, CALL_TALK);
	at(25, EV_WRAPUP, STAGE_EMPATHIZE, 0, 0, NULL);
	at(26, EV_OUTCOME, STAGE_EMPATHIZE, 0, 0, "resolved");
	/* A refused event is neither stored nor folded. */
	ck_assert_int_eq(live_record(st, id, &live, &refused, &done, &err), POISE_STATE);
	ck_assert(!done.stored);
	replay_equals_live(T(26));
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM call_figures"), 0);
	at(27, EV_END, STAGE_EMPATHIZE, 0, 0, NULL);
	/* The whole script ran: prompts of three rules, one replaced, one acted on. */
	ck_assert_uint_ge(live.nprompts, 3);
	ck_assert_int_eq(live.prompts[0].end, PROMPT_REPLACED);
	ck_assert_str_eq(call_skip_reason(&live, STAGE_EMPATHIZE, SECTION_SAY, 0),
			 "wrong-scenario");
	/* The event that closed the call kept its figures: no screen had to. */
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM call_figures"), 1);
}
END_TEST

/* An interrupted call's figures are kept by the INTERRUPTED that closes it. */
START_TEST(an_interruption_keeps_the_figures_too)
{
	at(0, EV_START, STAGE_CALM, 0, 0, pb->hash);
	at(1, EV_MOOD, STAGE_CALM, 3, 0, NULL);
	at(2, EV_INTERRUPTED, STAGE_CALM, 0, 0, "SIGHUP");
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM call_figures"), 1);
}
END_TEST

/* No store: a preview. The fold moves as in a call, and nothing is written. */
START_TEST(no_store_folds_and_writes_nothing)
{
	struct poise_error err = {0};
	struct call_state cs;
	struct live_done done = {1, 1};
	struct event ev = {.t = T(0), .kind = EV_START, .stage = STAGE_CALM, .text = pb->hash};
	int64_t before = fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM events");

	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	ck_assert_int_eq(live_record(NULL, "", &cs, &ev, &done, &err), POISE_OK);
	ck_assert_int_eq(done.stored, 0);
	ev = (struct event){.t = T(1), .kind = EV_STAGE, .stage = STAGE_LISTEN, .a = STAGE_CALM};
	ck_assert_int_eq(live_record(NULL, "", &cs, &ev, &done, &err), POISE_OK);
	ck_assert_int_eq(cs.stage, STAGE_LISTEN);
	/* Still checked against the fold: a refused event is refused here too. */
	ev = (struct event){.t = T(2), .kind = EV_START, .stage = STAGE_CALM, .text = pb->hash};
	ck_assert_int_eq(live_record(NULL, "", &cs, &ev, &done, &err), POISE_STATE);
	ev = (struct event){.t = T(3), .kind = EV_WRAPUP, .stage = STAGE_LISTEN};
	ck_assert_int_eq(live_record(NULL, "", &cs, &ev, &done, &err), POISE_OK);
	ev = (struct event){.t = T(4), .kind = EV_OUTCOME, .stage = STAGE_LISTEN, .text = "resolved"};
	ck_assert_int_eq(live_record(NULL, "", &cs, &ev, &done, &err), POISE_OK);
	ev = (struct event){.t = T(5), .kind = EV_END, .stage = STAGE_LISTEN};
	ck_assert_int_eq(live_record(NULL, "", &cs, &ev, &done, &err), POISE_OK);
	ck_assert_int_eq(cs.phase, CALL_DONE);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM events"), before);
	ck_assert_int_eq(fx_sql_int(fx_path(0, "db"), "SELECT count(*) FROM call_figures"), 0);
	call_free(&cs);
}
END_TEST

Suite *live_suite(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, replay_equals_the_live_fold_at_every_event);
	tcase_add_test(tc, an_interruption_keeps_the_figures_too);
	tcase_add_test(tc, no_store_folds_and_writes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
