/* check_timeline.c - one call as plain text: header, event lines, the fold's summary. */
#include "store_fixture.h"

#include "poise/playbook.h"
#include "poise/report.h"
#include "poise/words.h"
#include "poise/timeline.h"
#include "main/suite.h"

#define T0 INT64_C(1700000000000) /* 2023-11-14 22:13:20 UTC */

static struct store *st;
static struct playbook *pb;
static char id[37];

static void add(enum event_kind kind, int64_t sec, int stage, int a, int b, const char *text)
{
	fx_append(st, id, kind, T0 + sec * 1000, stage, a, b, text);
}

/* A call under the built-in playbook, stored through the normal write path. */
static void seed(void)
{
	struct poise_error err = {0};
	struct call_meta m;

	fx_setup();
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%s", err.msg);
	st = fx_open(fx_path(0, "timeline.db"));
	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", "3f2a0000-0000-4000-8000-000000000001");
	snprintf(id, sizeof(id), "%s", m.id);
	snprintf(m.agent, sizeof(m.agent), "ana");
	snprintf(m.customer, sizeof(m.customer), "Zoë");
	snprintf(m.ref, sizeof(m.ref), "ACC-7");
	m.started = T0;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "%s", err.msg);
	add(EV_START, 0, STAGE_CALM, 0, 0, pb->hash);
	add(EV_MOOD, 5, STAGE_CALM, 5, 0, NULL);
	add(EV_CHECK, 10, STAGE_CALM, 0, 1, NULL);
	add(EV_STAGE, 30, STAGE_LISTEN, STAGE_CALM, 0, NULL);
	add(EV_SAID, 40, STAGE_LISTEN, SECTION_SAY, 0, NULL);
	add(EV_SKIP, 45, STAGE_LISTEN, SECTION_SAY, 1, "calmer");
	add(EV_HOLD_START, 50, STAGE_LISTEN, 0, 0, NULL);
	add(EV_HOLD_END, 110, STAGE_LISTEN, 0, 0, NULL);
	add(EV_STAGE, 134, STAGE_EMPATHIZE, STAGE_LISTEN, 0, NULL);
	add(EV_MOOD, 134, STAGE_EMPATHIZE, 4, 0, NULL);
	add(EV_NOTE, 150, STAGE_EMPATHIZE, 0, 0, "wants a refund");
	add(EV_STAGE, 170, STAGE_BOUNDARY, STAGE_EMPATHIZE, 0, NULL);
	add(EV_WARNING, 181, STAGE_BOUNDARY, 1, 0, NULL);
	add(EV_STAGE, 200, STAGE_SOLVE, STAGE_BOUNDARY, 0, NULL);
	add(EV_MOOD, 210, STAGE_SOLVE, 2, 0, NULL);
	add(EV_WRAPUP, 240, STAGE_SOLVE, 0, 0, NULL);
	add(EV_OUTCOME, 250, STAGE_SOLVE, 0, 0, "resolved");
	add(EV_CAUSE, 255, STAGE_SOLVE, 0, 0, "billing");
	add(EV_FOLLOWUP, 260, STAGE_SOLVE, 0, 0, "2023-11-20\tphone\tcall back about the refund");
	add(EV_REFLECTION, 270, STAGE_SOLVE, 0, 0, "stayed calm\tfaster hold");
	add(EV_END, 300, STAGE_SOLVE, 0, 0, NULL);
}

static void unseed(void)
{
	store_close(st);
	playbook_free(pb);
	fx_teardown();
}

static char *show(const char *prefix, enum poise_status want, struct poise_error *err)
{
	FILE *f = tmpfile();
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(timeline_write(st, prefix, f, err), want);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* text has line whole, however long (the want is never cut either). */
static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line) + 3;
	char *want = malloc(n);

	ck_assert_ptr_nonnull(want);
	snprintf(want, n, "\n%s\n", line);
	ck_assert_msg(strstr(text, want) != NULL, "no line '%.200s' in:\n%.2000s", line, text);
	free(want);
}

START_TEST(test_header_and_events)
{
	struct poise_error err = {0};
	char *text = show("3F2A", POISE_OK, &err);
	char line[512];

	ck_assert_msg(strncmp(text, "call      3f2a0000-0000-4000-8000-000000000001\n", 47) == 0,
		      "%s", text);
	has_line(text, "agent     ana");
	has_line(text, "customer  Zoë");
	has_line(text, "ref       ACC-7");
	has_line(text, "started   2023-11-14 22:13:20");
	has_line(text, "duration  05:00");
	has_line(text, "status    done");
	has_line(text, "outcome   resolved");
	has_line(text, "cause     billing");
	snprintf(line, sizeof(line), "playbook  de-escalation %s %s", pb->version, pb->hash);
	has_line(text, line);
	snprintf(line, sizeof(line),
		 "00:00  calm       call started with playbook de-escalation %s", pb->version);
	has_line(text, line);
	has_line(text, "00:05  calm       mood 5 furious");
	snprintf(line, sizeof(line), "00:10  calm       ticked: %s",
		 pb->stages[STAGE_CALM].section[SECTION_CHECKLIST].items[0]);
	has_line(text, line);
	has_line(text, "00:30  listen     moved to listen from calm");
	ck_assert_ptr_null(strchr(pb->stages[STAGE_LISTEN].section[SECTION_SAY].items[0], '{'));
	snprintf(line, sizeof(line), "00:40  listen     said: %s",
		 pb->stages[STAGE_LISTEN].section[SECTION_SAY].items[0]);
	has_line(text, line);
	has_line(text, "01:50  listen     hold ended after 01:00");
	has_line(text, "02:14  empathize  mood 4 angry");
	has_line(text, "02:30  empathize  note: wants a refund");
	/* The playbook's wording, with {customer} filled in. */
	has_line(text, "03:01  boundary   warning 1: Zoë, please keep this respectful, so I can go "
		       "on helping you.");
	has_line(text, "04:20  solve      follow-up due 2023-11-20 by phone: call back about the "
		       "refund");
	has_line(text, "04:30  solve      reflection: went well: stayed calm; to improve: faster "
		       "hold");
	has_line(text, "05:00  solve      call closed");
	free(text);
}
END_TEST

static size_t checklist_len(enum stage s)
{
	return pb->stages[s].section[SECTION_CHECKLIST].len;
}

static void stage_row(const char *text, enum stage s, const char *time, size_t ticked)
{
	char line[128];

	snprintf(line, sizeof(line), "  %-10s %6s  %6d  %zu/%zu ticked", stage_key(s), time, 1,
		 ticked, checklist_len(s));
	has_line(text, line);
}

START_TEST(test_summary_from_the_fold)
{
	struct poise_error err = {0};
	char *text = show(id, POISE_OK, &err);
	const char *summary;

	has_line(text, "summary");
	/* Talk is 240 s (wrap-up at 4:00), wrap-up 60 s. */
	has_line(text, "  elapsed 05:00: talk 04:00, wrap-up 01:00");
	/* Stage rows in stage order, time closed at each STAGE, hold time included. */
	stage_row(text, STAGE_CALM, "00:30", 1);
	stage_row(text, STAGE_LISTEN, "01:44", 0);
	stage_row(text, STAGE_EMPATHIZE, "00:36", 0);
	stage_row(text, STAGE_SOLVE, "00:40", 0);
	stage_row(text, STAGE_BOUNDARY, "00:30", 0);
	ck_assert_ptr_null(strstr(text, "  clarify "));
	summary = strstr(text, "\nsummary\n");
	ck_assert(strstr(summary, "  solve ") < strstr(summary, "  boundary  "));
	/* The report's checklist adherence of this call: 1 of 11 is 9.1 %. */
	ck_assert_uint_eq(checklist_len(STAGE_CALM) + checklist_len(STAGE_LISTEN) +
				  checklist_len(STAGE_EMPATHIZE) + checklist_len(STAGE_SOLVE) +
				  checklist_len(STAGE_BOUNDARY),
			  11);
	has_line(text, "  checklist of the stages visited: 1/11 ticked (9.1%)");
	has_line(text, "  1 hold, 01:00 in all, longest 01:00");
	has_line(text, "  1 boundary warning, 0 escalations, 0 manager requests");
	has_line(text, "  mood 5 furious -> 2 uneasy");
	has_line(text, "  time to empathy 02:14");
	has_line(text, "  1 line said, 1 skipped; 1 note; 0 prompts");
	free(text);
}
END_TEST

START_TEST(test_unknown_and_ambiguous)
{
	struct poise_error err = {0};
	char other[37] = "3f2a0000-0000-4000-8000-000000000002";
	char *text;

	text = show("abcd", POISE_NOT_FOUND, &err);
	ck_assert_str_eq(text, "");
	ck_assert_ptr_nonnull(strstr(err.msg, "no call 'abcd'"));
	free(text);
	fx_call(st, other, "bo", "X", T0 + 1000, pb);
	text = show("3f2a", POISE_USAGE, &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "ambiguous"));
	free(text);
	/* A call without events: header only, an empty summary. */
	text = show(other, POISE_OK, &err);
	has_line(text, "duration  - (not closed)");
	has_line(text, "  elapsed 00:00: talk 00:00, wrap-up 00:00");
	free(text);
}
END_TEST

/* ev described by timeline_describe equals want. */
static void described(const struct call_state *cs, const struct event *ev, const char *want)
{
	char *got = timeline_describe(cs, NULL, ev);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_describe_without_playbook)
{
	struct event ev = {.kind = EV_SAID, .stage = STAGE_SOLVE, .a = SECTION_ASK, .b = 2};

	described(NULL, &ev, "asked: ask item 3");
	ev.kind = EV_WARNING;
	ev.a = 2;
	described(NULL, &ev, "warning 2");
}
END_TEST

/*
 * No text is cut, however long: a note of LIMIT_NOTE four-byte characters
 * and an event text from elsewhere at FIELD_EVENT_TEXT_MAX come back whole,
 * in the words and in `poise show`, and so does an UNDO that quotes one.
 */
START_TEST(test_long_texts_whole)
{
	struct poise_error err = {0};
	struct call_meta m;
	struct call_state cs;
	size_t big = FIELD_EVENT_TEXT_MAX, n = LIMIT_NOTE * 4;
	char *note = malloc(n + 1), *merged = malloc(big + 1), *want = malloc(big + 64), *text;
	struct event ev = {.seq = 2, .t = T0 + 1000, .kind = EV_NOTE, .text = note};
	struct event start = {.seq = 1, .t = T0, .kind = EV_START, .stage = STAGE_CALM};
	struct event undo = {.seq = 3, .t = T0 + 2000, .kind = EV_UNDO, .a = 2};

	ck_assert(note && merged && want);
	for (size_t i = 0; i < n; i += 4)
		memcpy(note + i, "\xf0\x9f\x98\x80", 4); /* U+1F600 */
	note[n] = '\0';
	memset(merged, 'm', big);
	merged[big - 1] = 'Z';
	merged[big] = '\0';
	snprintf(want, big + 64, "note: %s", note);
	described(NULL, &ev, want);
	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	ck_assert_int_eq(call_apply(&cs, &start), POISE_OK);
	ck_assert_int_eq(call_apply(&cs, &ev), POISE_OK);
	snprintf(want, big + 64, "undone: note: %s", note);
	described(&cs, &undo, want);
	call_free(&cs);
	ev.text = merged;
	snprintf(want, big + 64, "note: %s", merged);
	described(NULL, &ev, want);

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", "4b000000-0000-4000-8000-000000000003");
	snprintf(id, sizeof(id), "%s", m.id);
	snprintf(m.agent, sizeof(m.agent), "ana");
	m.started = T0;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "%s", err.msg);
	add(EV_START, 0, STAGE_CALM, 0, 0, pb->hash);
	add(EV_NOTE, 1, STAGE_CALM, 0, 0, note);
	add(EV_NOTE, 2, STAGE_CALM, 0, 0, merged);
	text = show("4b000000-0000-4000-8000-000000000003", POISE_OK, &err);
	snprintf(want, big + 64, "00:01  calm       note: %s", note);
	has_line(text, want);
	snprintf(want, big + 64, "00:02  calm       note: %s", merged);
	has_line(text, want);
	free(text);
	free(note);
	free(merged);
	free(want);
}
END_TEST

/* One duration everywhere: an interruption's gap is not the call's time; a warning's own words. */
START_TEST(test_duration_and_warning_words)
{
	struct poise_error err = {0};
	struct call_meta m;
	char *text;

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", "4b000000-0000-4000-8000-000000000002");
	snprintf(id, sizeof(id), "%s", m.id);
	snprintf(m.agent, sizeof(m.agent), "ana");
	m.started = T0;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "%s", err.msg);
	add(EV_START, 0, STAGE_CALM, 0, 0, pb->hash);
	add(EV_STAGE, 5, STAGE_BOUNDARY, STAGE_CALM, 0, NULL);
	add(EV_WARNING, 10, STAGE_BOUNDARY, 1, 0, "Bo, the words that were on screen.");
	add(EV_INTERRUPTED, 20, STAGE_BOUNDARY, 0, 0, "SIGHUP");
	add(EV_RESUME, 620, STAGE_BOUNDARY, 0, 0, NULL);
	add(EV_WRAPUP, 640, STAGE_BOUNDARY, 0, 0, NULL);
	add(EV_OUTCOME, 650, STAGE_BOUNDARY, 0, 0, "resolved");
	add(EV_END, 660, STAGE_BOUNDARY, 0, 0, NULL);
	text = show("4b", POISE_OK, &err);
	has_line(text, "duration  01:00");
	has_line(text, "  elapsed 01:00: talk 00:40, wrap-up 00:20");
	has_line(text, "00:10  boundary   warning 1: Bo, the words that were on screen.");
	has_line(text, "  1 boundary warning, 0 escalations, 0 manager requests");
	has_line(text, "  mood - -> -");
	free(text);
}
END_TEST

/*
 * A hold's end reads the time on hold as the summary counts it: the gap of
 * an interruption inside the hold is left out (it read 00:37 of wall time
 * above a summary of "1 hold, 00:11 in all").
 */
START_TEST(test_hold_end_leaves_out_the_gap)
{
	struct call_state cs;
	struct event ev[] = {
		{.seq = 1, .t = T0, .kind = EV_START, .stage = STAGE_CALM},
		{.seq = 2, .t = T0 + 2000, .kind = EV_HOLD_START},
		{.seq = 3, .t = T0 + 4000, .kind = EV_INTERRUPTED, .text = "SIGHUP"},
		{.seq = 4, .t = T0 + 30000, .kind = EV_RESUME, .a = 1}, /* the hold goes on */
	};
	struct event end = {.seq = 5, .t = T0 + 39000, .kind = EV_HOLD_END};

	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++)
		ck_assert_int_eq(call_apply(&cs, &ev[i]), POISE_OK);
	described(&cs, &end, "hold ended after 00:11");
	ck_assert_int_eq(call_apply(&cs, &end), POISE_OK);
	ck_assert_int_eq(call_hold_ms(&cs, T0 + 39000), 11000);
	call_free(&cs);
}
END_TEST

/* An UNDO reads as what it took back, in that event's own words. */
START_TEST(test_undo_described)
{
	struct call_state cs;
	struct event ev[] = {
		{.seq = 1, .t = T0, .kind = EV_START, .stage = STAGE_CALM},
		{.seq = 2, .t = T0 + 1000, .kind = EV_MOOD, .a = 4},
		{.seq = 3, .t = T0 + 2000, .kind = EV_WRAPUP},
	};
	struct event undo = {.seq = 4, .t = T0 + 3000, .kind = EV_UNDO, .a = 3};

	ck_assert_int_eq(call_init(&cs, pb), POISE_OK);
	for (size_t i = 0; i < 2; i++)
		ck_assert_int_eq(call_apply(&cs, &ev[i]), POISE_OK);
	undo.a = 2;
	described(&cs, &undo, "undone: mood 4 angry");
	ck_assert_int_eq(call_apply(&cs, &ev[2]), POISE_OK);
	undo.a = 3;
	described(&cs, &undo, "back to the call from the wrap-up");
	described(NULL, &undo, "undone: event 3");
	call_free(&cs);
}
END_TEST

/*
 * One call's times read the same in `poise show` as in `poise report`,
 * whatever the milliseconds: every span here has a fraction of a second,
 * some under a half and some at or over it (the spans of a real call).
 */
START_TEST(test_show_and_report_times_alike)
{
	static const struct {
		const char *key, *fmt; /* the report's field; the line of show holding it */
	} times[] = {
		{"handle_avg_s", "duration  %s"},
	};
	static const struct {
		const char *key;
		enum stage stage;
	} stages[] = {{"stage_calm_avg_s", STAGE_CALM},
		      {"stage_listen_avg_s", STAGE_LISTEN},
		      {"stage_boundary_avg_s", STAGE_BOUNDARY}};
	struct report_query q = {.agent = "zed", .now = T0, .utc = 1, .repeat_days = 7};
	struct poise_error err = {0};
	struct report *r = NULL;
	struct call_meta m;
	char *text, want[128], d[WORDS_BUF], e[WORDS_BUF];
	double v, w;

	memset(&m, 0, sizeof(m));
	snprintf(m.id, sizeof(m.id), "%s", "5c000000-0000-4000-8000-000000000003");
	snprintf(m.agent, sizeof(m.agent), "zed");
	m.started = T0;
	ck_assert_msg(store_call_begin(st, &m, pb, &err) == POISE_OK, "%s", err.msg);
	fx_append(st, m.id, EV_START, T0, STAGE_CALM, 0, 0, pb->hash);
	fx_append(st, m.id, EV_HOLD_START, T0 + 12463, STAGE_CALM, 0, 0, NULL);
	fx_append(st, m.id, EV_HOLD_END, T0 + 13455, STAGE_CALM, 0, 0, NULL); /* 0.992 s */
	fx_append(st, m.id, EV_STAGE, T0 + 14657, STAGE_LISTEN, STAGE_CALM, 0, NULL);
	fx_append(st, m.id, EV_STAGE, T0 + 19363, STAGE_BOUNDARY, STAGE_LISTEN, 0, NULL);
	fx_append(st, m.id, EV_WRAPUP, T0 + 51950, STAGE_BOUNDARY, 0, 0, NULL);
	fx_append(st, m.id, EV_OUTCOME, T0 + 52000, STAGE_BOUNDARY, 0, 0, "resolved");
	fx_append(st, m.id, EV_REFLECTION, T0 + 66000, STAGE_BOUNDARY, 0, 0, "\tslower hold");
	fx_append(st, m.id, EV_REFLECTION, T0 + 66100, STAGE_BOUNDARY, 0, 0, "stayed calm\t");
	fx_append(st, m.id, EV_END, T0 + 66496, STAGE_BOUNDARY, 0, 0, NULL);
	text = show("5c", POISE_OK, &err);
	ck_assert_msg(report_run(st, &q, &r, &err) == POISE_OK, "report: %s", err.msg);
	ck_assert_int_eq(report_overall(r)->calls, 1);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ck_assert_msg(report_field(report_overall(r), times[i].key, &v), "%s", times[i].key);
		words_duration(d, sizeof(d), (int64_t)v * 1000);
		snprintf(want, sizeof(want), times[i].fmt, d);
		has_line(text, want);
	}
	ck_assert(report_field(report_overall(r), "hold_total_s", &v));
	ck_assert(report_field(report_overall(r), "hold_longest_s", &w));
	snprintf(want, sizeof(want), "  1 hold, %s in all, longest %s",
		 words_duration(d, sizeof(d), (int64_t)v * 1000),
		 words_duration(e, sizeof(e), (int64_t)w * 1000));
	has_line(text, want);
	ck_assert(report_field(report_overall(r), "wrapup_avg_s", &v));
	snprintf(want, sizeof(want), ", wrap-up %s\n",
		 words_duration(d, sizeof(d), (int64_t)v * 1000));
	ck_assert_msg(strstr(text, want), "no '%s' in:\n%s", want, text);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		ck_assert(report_field(report_overall(r), stages[i].key, &v));
		stage_row(text, stages[i].stage, words_duration(d, sizeof(d), (int64_t)v * 1000),
			  0);
	}
	/* A half of a reflection left empty reads "-", not nothing after its label. */
	has_line(text, "01:06  boundary   reflection: went well: -; to improve: slower hold");
	has_line(text, "01:06  boundary   reflection: went well: stayed calm; to improve: -");
	report_free(r);
	free(text);
}
END_TEST

Suite *timeline_suite(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, seed, unseed);
	tcase_add_test(tc, test_header_and_events);
	tcase_add_test(tc, test_summary_from_the_fold);
	tcase_add_test(tc, test_unknown_and_ambiguous);
	tcase_add_test(tc, test_describe_without_playbook);
	tcase_add_test(tc, test_long_texts_whole);
	tcase_add_test(tc, test_undo_described);
	tcase_add_test(tc, test_duration_and_warning_words);
	tcase_add_test(tc, test_show_and_report_times_alike);
	tcase_add_test(tc, test_hold_end_leaves_out_the_gap);
	suite_add_tcase(s, tc);
	return s;
}
