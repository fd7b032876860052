/*
 * check_scenario.c - rehearsal scenarios: the strict loader (every shipped
 * scenario loads; each kind of mistake is refused at its line), the
 * scripted customer's reactions to a scripted call, and the debrief.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture_call.h"
#include "main/suite.h"
#include "poise/scenario.h"

static const char base[] = "id: t\n"
			   "title: T\n"
			   "language: en\n"
			   "customer:\n"
			   "  name: Kim\n"
			   "situation: S\n"
			   "mood: 4\n"
			   "opening: \"Hello.\"\n"
			   "reactions:\n";

static struct scenario *load(const char *reactions, struct poise_error *err)
{
	char text[4096];
	struct scenario *sc = NULL;

	snprintf(text, sizeof(text), "%s%s", base, reactions);
	scenario_load_text(text, strlen(text), "t.yaml", &sc, err);
	return sc;
}

START_TEST(shipped_scenarios_load)
{
	char dir[4096], path[4096 + 256];
	struct poise_error err;
	struct dirent *d;
	int n = 0, es = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/scenarios", POISE_SOURCE_DIR);
	ck_assert_ptr_nonnull(dp = opendir(dir));
	while ((d = readdir(dp))) {
		struct scenario *sc = NULL;
		size_t len = strlen(d->d_name);

		if (len < 6 || strcmp(d->d_name + len - 5, ".yaml"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		ck_assert_msg(scenario_load_file(path, &sc, &err) == POISE_OK, "%s:%d:%d: %s",
			      path, err.line, err.col, err.msg);
		ck_assert_int_ge((int)sc->nreactions, 4);
		n++;
		es += !strcmp(sc->language, "es");
		scenario_free(sc);
	}
	closedir(dp);
	ck_assert_int_ge(n, 5);
	ck_assert_int_ge(es, 1);
}
END_TEST

START_TEST(loads_every_field)
{
	struct poise_error err;
	struct scenario *sc = load("  - id: a\n    when: enter\n    stage: solve\n"
				   "    before: empathize\n    mood: +2\n    line: \"No.\"\n"
				   "  - id: b\n    when: warning\n    count: 2\n    mood: -1\n"
				   "    line: \"Hm.\"\n"
				   "  - id: c\n    when: hold\n    seconds: 30\n    line: \"Hello?\"\n",
				   &err);

	ck_assert_msg(sc != NULL, "%d:%d %s", err.line, err.col, err.msg);
	ck_assert_str_eq(sc->customer, "Kim");
	ck_assert_ptr_null(sc->reference);
	ck_assert_int_eq(sc->mood, 4);
	ck_assert_int_eq((int)sc->nreactions, 3);
	ck_assert_int_eq(sc->reactions[0].when, REACT_ENTER);
	ck_assert_int_eq(sc->reactions[0].stage, STAGE_SOLVE);
	ck_assert_int_eq(sc->reactions[0].before, STAGE_EMPATHIZE);
	ck_assert_int_eq(sc->reactions[0].mood, 2);
	ck_assert_int_eq(sc->reactions[1].count, 2);
	ck_assert_int_eq(sc->reactions[1].mood, -1);
	ck_assert_int_eq(sc->reactions[2].seconds, 30);
	ck_assert_int_eq(sc->reactions[2].stage, -1);
	scenario_free(sc);
}
END_TEST

/* Each mistake, the line it is reported at, and a word of the message. */
static const struct {
	const char *reactions;
	int line;
	const char *says;
} bad[] = {
	{"  - id: a\n    when: shout\n    line: x\n", 11, "unknown 'when'"},
	{"  - id: a\n    when: enter\n    line: x\n", 10, "missing required key 'stage'"},
	{"  - id: a\n    when: said\n    count: 2\n    line: x\n", 12, "does not apply"},
	{"  - id: a\n    when: warning\n    count: 4\n    line: x\n", 12, "between 1 and 3"},
	{"  - id: a\n    when: said\n    mood: 7\n    line: x\n", 12, "change of mood"},
	{"  - id: a\n    when: said\n    mood: \"-1\"\n    line: x\n", 12, "change of mood"},
	{"  - id: a\n    when: said\n    stage: lunch\n    line: x\n", 12, "unknown stage"},
	{"  - id: a\n    when: said\n    line: x\n  - id: a\n    when: said\n    line: y\n", 13,
	 "duplicate reaction id"},
	{"  - id: a\n    when: said\n    line: \"{caller}\"\n", 12, "unknown placeholder"},
	{"  - id: a\n    when: said\n    line: x\n    shout: yes\n", 13, "unknown key 'shout'"},
	{"  - id: a\n    when: enter\n    stage: solve\n    before: solve\n    line: x\n", 13,
	 "being entered"},
	{"  - [x]\n", 10, "expected a mapping"},
	{"  []\n", 10, "at least one reaction"},
};

START_TEST(refuses_mistakes_located)
{
	struct poise_error err;
	struct scenario *sc = load(bad[_i].reactions, &err);

	ck_assert_msg(sc == NULL, "case %d loaded", _i);
	ck_assert_msg(strstr(err.msg, bad[_i].says), "case %d: %s", _i, err.msg);
	ck_assert_msg(err.line == bad[_i].line, "case %d: line %d, not %d (%s)", _i, err.line,
		      bad[_i].line, err.msg);
}
END_TEST

START_TEST(refuses_whole_file_mistakes)
{
	struct poise_error err;
	struct scenario *sc = NULL;
	const char *nomood = "id: t\ntitle: T\nlanguage: en\ncustomer:\n  name: K\n"
			     "situation: S\nopening: o\nreactions:\n  - id: a\n    when: said\n"
			     "    line: x\n";

	ck_assert_int_ne(scenario_load_text("", 0, "e.yaml", &sc, &err), POISE_OK);
	ck_assert_str_eq(err.msg, "the scenario is empty");
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_ne(scenario_load_text("\n- a\n", 5, "l.yaml", &sc, &err), POISE_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "expected a mapping of scenario keys, got a list"));
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_ne(scenario_load_text(nomood, strlen(nomood), "m.yaml", &sc, &err),
			 POISE_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "'mood'"));
	ck_assert_ptr_null(load("", &err));
	ck_assert_int_ne(scenario_load_text("a: [", 4, "y.yaml", &sc, &err), POISE_OK);
	ck_assert_ptr_null(sc);
}
END_TEST

/* A FIFO where a scenario should be is refused at once, never waited on. */
START_TEST(refuses_fifo_and_folder)
{
	char dir[] = "/tmp/poise-scn-XXXXXX", path[64];
	struct poise_error err;
	struct scenario *sc = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f.yaml", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_ne(scenario_load_file(path, &sc, &err), POISE_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a regular file"));
	ck_assert_int_ne(scenario_load_file(dir, &sc, &err), POISE_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "folder"));
	unlink(path);
	rmdir(dir);
}
END_TEST

struct play {
	struct call_state cs;
	struct playbook *pb;
	struct scenario *sc;
	struct rehearsal r;
};

static void play_start(struct play *p, const char *reactions, int64_t t)
{
	struct poise_error err;

	p->pb = fixture_call_new(&p->cs, NULL, 0);
	ck_assert_ptr_nonnull(p->pb);
	p->sc = load(reactions, &err);
	ck_assert_msg(p->sc != NULL, "%s", err.msg);
	ck_assert_int_eq(rehearsal_init(&p->r, p->sc, t), POISE_OK);
	ck_assert_int_eq(fixture_apply(&p->cs, EV_START, t, STAGE_CALM, 0, 0, "h"), POISE_OK);
}

/* Apply the agent's event, then ask the customer: the reaction's id, or "". */
static const char *agent(struct play *p, enum event_kind kind, int64_t t, int stage, int a,
			 int b)
{
	struct event ev = fixture_event(kind, t, stage, a, b, kind == EV_ESCALATE ? "r" : NULL);
	int i;

	ck_assert_int_eq(call_apply(&p->cs, &ev), POISE_OK);
	i = rehearsal_react(&p->r, &p->cs, &ev, t);
	return i < 0 ? "" : p->sc->reactions[i].id;
}

static const char *tick(struct play *p, int64_t t)
{
	int i = rehearsal_react(&p->r, &p->cs, NULL, t);

	return i < 0 ? "" : p->sc->reactions[i].id;
}

static void play_end(struct play *p)
{
	rehearsal_free(&p->r);
	scenario_free(p->sc);
	fixture_call_free(&p->cs, p->pb);
}

START_TEST(reacts_to_the_agent)
{
	const int64_t t = FIXTURE_T0;
	struct play p;

	play_start(&p,
		   "  - id: rushed\n    when: enter\n    stage: solve\n    before: empathize\n"
		   "    mood: +1\n    line: a\n"
		   "  - id: heard\n    when: said\n    stage: empathize\n    mood: -2\n    line: b\n"
		   "  - id: w2\n    when: warning\n    count: 2\n    line: c\n"
		   "  - id: wait\n    when: hold\n    seconds: 30\n    mood: +1\n    line: d\n"
		   "  - id: quiet\n    when: silence\n    seconds: 20\n    line: e\n"
		   "  - id: up\n    when: escalate\n    mood: -1\n    line: f\n",
		   t);
	ck_assert_int_eq(p.r.mood, 4);
	ck_assert_str_eq(tick(&p, t + SEC(19)), "");
	ck_assert_str_eq(tick(&p, t + SEC(20)), "quiet");
	ck_assert_str_eq(tick(&p, t + SEC(60)), ""); /* once only */
	/* Solve before Empathize was ever visited: the customer bristles. */
	ck_assert_str_eq(agent(&p, EV_STAGE, t + SEC(61), STAGE_SOLVE, 0, 0), "rushed");
	ck_assert_int_eq(p.r.mood, 5);
	ck_assert_str_eq(agent(&p, EV_STAGE, t + SEC(62), STAGE_EMPATHIZE, 0, 0), "");
	/* A line said in another stage is not the one scripted. */
	ck_assert_str_eq(agent(&p, EV_STAGE, t + SEC(63), STAGE_CLARIFY, 0, 0), "");
	ck_assert_str_eq(agent(&p, EV_SAID, t + SEC(64), 0, SECTION_SAY, 0), "");
	ck_assert_str_eq(agent(&p, EV_STAGE, t + SEC(65), STAGE_EMPATHIZE, 0, 0), "");
	ck_assert_str_eq(agent(&p, EV_SAID, t + SEC(66), 0, SECTION_SAY, 1), "heard");
	ck_assert_int_eq(p.r.mood, 3);
	/* Warnings: only the second is scripted. */
	ck_assert_str_eq(agent(&p, EV_WARNING, t + SEC(67), 0, 1, 0), "");
	ck_assert_str_eq(agent(&p, EV_WARNING, t + SEC(68), 0, 2, 0), "w2");
	/* A hold: nothing at 29 s, the line at 30 s, once. */
	ck_assert_str_eq(agent(&p, EV_HOLD_START, t + SEC(70), 0, 0, 0), "");
	ck_assert_str_eq(tick(&p, t + SEC(99)), "");
	ck_assert_str_eq(tick(&p, t + SEC(100)), "wait");
	ck_assert_str_eq(tick(&p, t + SEC(200)), "");
	ck_assert_int_eq(p.r.mood, 4);
	ck_assert_str_eq(agent(&p, EV_HOLD_END, t + SEC(201), 0, 0, 0), "");
	ck_assert_str_eq(agent(&p, EV_ESCALATE, t + SEC(202), 0, 0, 0), "up");
	ck_assert_int_eq(p.r.mood, 3);
	play_end(&p);
}
END_TEST

/* Empathize first, then Solve: the "rushed" reaction never fires; mood stays within 1..5. */
START_TEST(no_reaction_when_done_right)
{
	const int64_t t = FIXTURE_T0;
	struct play p;

	play_start(&p,
		   "  - id: rushed\n    when: enter\n    stage: solve\n    before: empathize\n"
		   "    mood: +4\n    line: a\n"
		   "  - id: heard\n    when: said\n    mood: -4\n    line: b\n",
		   t);
	ck_assert_str_eq(agent(&p, EV_STAGE, t + SEC(5), STAGE_EMPATHIZE, 0, 0), "");
	ck_assert_str_eq(agent(&p, EV_SAID, t + SEC(6), 0, SECTION_SAY, 0), "heard");
	ck_assert_int_eq(p.r.mood, 1);
	ck_assert_str_eq(agent(&p, EV_STAGE, t + SEC(7), STAGE_SOLVE, 0, 0), "");
	/* An undo is no new action: the customer does not answer it. */
	ck_assert_str_eq(agent(&p, EV_UNDO, t + SEC(8), 0, (int)call_undo_target(&p.cs), 0), "");
	play_end(&p);
}
END_TEST

static int has(const struct debrief *d, enum debrief_kind kind, const char *label)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].kind == kind && !strcmp(d->items[i].label, label))
			return 1;
	return 0;
}

START_TEST(debrief_from_the_playbook)
{
	const int64_t t = FIXTURE_T0;
	struct debrief d;
	struct play p;

	play_start(&p, "  - id: x\n    when: said\n    line: b\n", t);
	agent(&p, EV_SAID, t + SEC(2), 0, SECTION_SAY, 0);		/* calm: said */
	agent(&p, EV_STAGE, t + SEC(3), STAGE_LISTEN, 0, 0);		/* listen: nothing */
	agent(&p, EV_STAGE, t + SEC(4), STAGE_SOLVE, 0, 0);		/* solve before empathize */
	agent(&p, EV_SAID, t + SEC(5), 0, SECTION_SAY, 1);
	ck_assert_int_eq(rehearsal_debrief(&p.cs, &d), POISE_OK);
	ck_assert(has(&d, DEBRIEF_WELL, "Calm"));
	ck_assert(has(&d, DEBRIEF_WELL, "Solve"));
	ck_assert(has(&d, DEBRIEF_TRY, "Listen"));
	ck_assert(has(&d, DEBRIEF_TRY, "Empathize"));
	ck_assert(!has(&d, DEBRIEF_TRY, "Calm"));
	for (size_t i = 0; i < d.n; i++) {
		/* Every line is the playbook's own text, not free text. */
		int found = 0;

		for (int s = 0; s < STAGE_COUNT; s++)
			found |= d.items[i].text == p.pb->stages[s].goal;
		ck_assert(found);
	}
	debrief_free(&d);
	play_end(&p);
}
END_TEST

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("load");

	tcase_add_test(tc, shipped_scenarios_load);
	tcase_add_test(tc, loads_every_field);
	tcase_add_loop_test(tc, refuses_mistakes_located, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, refuses_whole_file_mistakes);
	tcase_add_test(tc, refuses_fifo_and_folder);
	suite_add_tcase(s, tc);
	tc = tcase_create("play");
	tcase_add_test(tc, reacts_to_the_agent);
	tcase_add_test(tc, no_reaction_when_done_right);
	tcase_add_test(tc, debrief_from_the_playbook);
	suite_add_tcase(s, tc);
	return s;
}
