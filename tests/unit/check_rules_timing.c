/*
 * check_rules_timing.c - the built-in playbook's coaching rules over two
 * scripted calls: which prompts fire, and when.
 *
 * The clock is a loop, not a clock: each script's events are applied at
 * their times, rules_due() is asked once a second in between (as the call
 * screen's tick does) and every rule it names is fired with a PROMPT event
 * (as the screen does). A typical call must stay nearly quiet, never more
 * than one prompt a minute; a hard call must get each prompt at its moment.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/fixture_call.h"
#include "main/suite.h"
#include "poise/call.h"
#include "poise/playbook.h"
#include "poise/rules.h"

#define T(s) (FIXTURE_T0 + SEC(s))

struct step {
	int at; /* seconds into the call */
	enum event_kind kind;
	int stage, a;
};

struct fired {
	char id[32];
	int at;
};

struct run {
	struct fired f[32];
	int n;
};

static void apply(struct call_state *cs, enum event_kind kind, int at, int stage, int a,
		  const char *text)
{
	struct event ev = fixture_event(kind, T(at), stage, a, 0, text);

	ck_assert_msg(call_apply(cs, &ev) == POISE_OK, "event %d at %d s refused", kind, at);
}

/* Play the script, asking for due prompts every second until `end`. */
static void play(const struct playbook *pb, const struct step *steps, size_t n, int end,
		 struct run *run)
{
	struct call_state cs;
	size_t next = 0;

	memset(run, 0, sizeof(*run));
	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	apply(&cs, EV_START, 0, STAGE_CALM, 0, pb->hash);
	for (int t = 0; t <= end; t++) {
		size_t due[8], k;

		while (next < n && steps[next].at == t) {
			apply(&cs, steps[next].kind, t, steps[next].stage, steps[next].a, NULL);
			next++;
		}
		k = rules_due(&cs, T(t), due, 8);
		for (size_t i = 0; i < k; i++) {
			ck_assert_int_lt(run->n, 32);
			snprintf(run->f[run->n].id, sizeof(run->f[0].id), "%s",
				 pb->rules[due[i]].id);
			run->f[run->n++].at = t;
			apply(&cs, EV_PROMPT, t, cs.stage, (int)due[i], pb->rules[due[i]].id);
		}
	}
	ck_assert_uint_eq(next, n);
	call_free(&cs);
}

static struct playbook *builtin(void)
{
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
	return pb;
}

static void expect(const struct run *run, const struct fired *want, int n)
{
	char got[1024] = "";

	for (int i = 0; i < run->n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), " %s@%d", run->f[i].id,
			 run->f[i].at);
	ck_assert_msg(run->n == n, "fired:%s", got);
	for (int i = 0; i < n; i++)
		ck_assert_msg(!strcmp(run->f[i].id, want[i].id) && run->f[i].at == want[i].at,
			      "prompt %d: want %s@%d; fired:%s", i, want[i].id, want[i].at, got);
}

/*
 * A typical hard-but-ordinary call: angry at the start, vents for two
 * minutes, calms as it goes, one hold of a minute while the agent checks.
 * Every stage ends within its timebox; calm has none.
 */
START_TEST(test_typical_call)
{
	static const struct step steps[] = {
		{2, EV_MOOD, 0, 4},
		{50, EV_STAGE, STAGE_LISTEN, 0},
		{190, EV_STAGE, STAGE_EMPATHIZE, 0},
		{215, EV_MOOD, 0, 3},
		{240, EV_STAGE, STAGE_CLARIFY, 0},
		{390, EV_STAGE, STAGE_INFORM, 0},
		{470, EV_STAGE, STAGE_SOLVE, 0},
		{520, EV_HOLD_START, 0, 0},
		{580, EV_HOLD_END, 0, 0},
		{640, EV_MOOD, 0, 2},
		{720, EV_STAGE, STAGE_FOLLOW_UP, 0},
	};
	static const struct fired want[] = {{"hold-check", 566}};
	struct playbook *pb = builtin();
	struct run run;

	play(pb, steps, sizeof(steps) / sizeof(steps[0]), 800, &run);
	expect(&run, want, 1);
	for (int i = 1; i < run.n; i++)
		ck_assert_int_ge(run.f[i].at - run.f[i - 1].at, 60);
	playbook_free(pb);
}
END_TEST

/*
 * A hard call: furious from the first seconds and staying so, a manager
 * demanded, a long hold, a clarify that overruns, then abuse and warnings.
 */
START_TEST(test_hard_call)
{
	static const struct step steps[] = {
		{1, EV_MOOD, 0, 5},
		{30, EV_STAGE, STAGE_LISTEN, 0},
		{200, EV_STAGE, STAGE_EMPATHIZE, 0},
		{260, EV_STAGE, STAGE_CLARIFY, 0},
		{300, EV_MANAGER, 0, 0},
		{330, EV_HOLD_START, 0, 0},
		{460, EV_HOLD_END, 0, 0},
		{470, EV_STAGE, STAGE_BOUNDARY, 0},
		{480, EV_WARNING, 0, 1},
		{510, EV_WARNING, 0, 2},
		{540, EV_WARNING, 0, 3},
	};
	static const struct fired want[] = {
		{"supervisor-early", 241}, /* 240 s at 5: past listen's 180 s to vent */
		{"manager-asked", 300},	   /* at once */
		{"hold-check", 376},	   /* more than 45 s on hold */
		{"hold-check", 436},	   /* a minute later, the same hold */
		{"stage-long", 441},	   /* clarify past its 180 s, the hold included */
		{"boundary-final", 510},   /* the second warning */
	};
	struct playbook *pb = builtin();
	struct run run;

	play(pb, steps, sizeof(steps) / sizeof(steps[0]), 560, &run);
	expect(&run, want, (int)(sizeof(want) / sizeof(want[0])));
	/* the escalation prompt waited until listen's timebox had passed */
	ck_assert_int_ge(run.f[0].at, pb->stages[STAGE_LISTEN].timebox);
	playbook_free(pb);
}
END_TEST

Suite *rules_timing_suite(void)
{
	Suite *s = suite_create("rules timing");
	TCase *tc = tcase_create("scripted calls");

	tcase_add_test(tc, test_typical_call);
	tcase_add_test(tc, test_hard_call);
	suite_add_tcase(s, tc);
	return s;
}
