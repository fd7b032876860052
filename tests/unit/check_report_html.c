/*
 * check_report_html.c - the HTML page's weekly points against a
 * hand-computed data set, a week without calls as a gap, names as text.
 *
 * Weeks run Monday to Sunday (UTC here). Three calls under the default
 * playbook:
 *   ana, Tue 2024-05-07: moods 5 then 3, escalated, ended at 300 s
 *   bob, Wed 2024-05-08: moods 4 then 4, ended at 540 s
 *   ana, Tue 2024-05-21: moods 5 then 2, ended at 180 s
 * so the team's week of 05-06 is (300 + 540) / 2 = 420 s = 07:00 (7 min),
 * calmer 1 of 2 = 50.0%, escalated 1 of 2 = 50.0%; the week of 05-13 has
 * nothing (no point); the week of 05-20 is 03:00, 100.0% calmer, 0.0%
 * escalated. By agent: ana 05:00 then 03:00; bob 09:00, one point.
 */
#include "poise/report.h"

#include <stdio.h>

#include "main/suite.h"
#include "store_fixture.h"

#define MON0 INT64_C(1714953600000) /* Monday 2024-05-06 00:00 UTC */
#define DAY  INT64_C(86400000)
#define S(x) ((int64_t)(x)*1000)

static struct playbook *pb;

static void setup(void)
{
	struct poise_error err;

	fx_setup();
	ck_assert_int_eq(playbook_load_default(&pb, &err), POISE_OK);
}

static void teardown(void)
{
	playbook_free(pb);
	fx_teardown();
}

static void call(struct store *st, const char *agent, int64_t start, int m1, int m2, int esc,
		 int end_s)
{
	char id[37] = "";

	fx_call(st, id, agent, "Kim", start, pb);
	fx_append(st, id, EV_START, start, STAGE_CALM, 0, 0, pb->hash);
	fx_append(st, id, EV_MOOD, start + S(1), 0, m1, 0, NULL);
	fx_append(st, id, EV_MOOD, start + S(60), 0, m2, 0, NULL);
	if (esc)
		fx_append(st, id, EV_ESCALATE, start + S(100), 0, 0, 0, "supervisor");
	fx_append(st, id, EV_WRAPUP, start + S(end_s - 30), 0, 0, 0, NULL);
	fx_append(st, id, EV_OUTCOME, start + S(end_s - 20), 0, 0, 0, "resolved");
	fx_append(st, id, EV_END, start + S(end_s), 0, 0, 0, NULL);
}

/* The page for the three weeks from MON0; the charts split apart (chart[i] up to the next). */
static char *page(struct store *st, const char *chart[16], int *n)
{
	struct report_query q = {.since = MON0, .until = MON0 + 21 * DAY, .repeat_days = 7,
				 .utc = 1, .now = MON0 + 30 * DAY};
	struct poise_error err;
	char *text = NULL, *p;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_msg(report_write_html(st, &q, out, &err) == POISE_OK, "%s", err.msg);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, "</body>\n</html>\n"));
	ck_assert_ptr_null(strstr(text, "src="));
	ck_assert_ptr_null(strstr(text, "href="));
	ck_assert_ptr_null(strstr(text, "@import"));
	*n = 0;
	for (p = strstr(text, "<svg"); p && *n < 16; p = strstr(p + 1, "<svg"))
		chart[(*n)++] = p;
	for (int i = 0; i < *n; i++)
		*strstr(chart[i], "</svg>") = '\0';
	return text;
}

START_TEST(weekly_points_by_hand)
{
	struct store *st = fx_open(fx_path(0, "db"));
	const char *c[16];
	char *text;
	int n;

	call(st, "ana", MON0 + 1 * DAY + 10 * 3600000, 5, 3, 1, 300);
	call(st, "bob", MON0 + 2 * DAY + 9 * 3600000, 4, 4, 0, 540);
	call(st, "ana", MON0 + 15 * DAY + 11 * 3600000, 5, 2, 0, 180);
	text = page(st, c, &n);
	/* The team's four, then each figure for ana and bob. */
	ck_assert_int_eq(n, 4 + 4 * 2);
	ck_assert_ptr_nonnull(strstr(c[0], "week of 2024-05-06: 07:00"));
	ck_assert_ptr_nonnull(strstr(c[0], "week of 2024-05-20: 03:00"));
	ck_assert_ptr_null(strstr(c[0], "week of 2024-05-13"));
	/* a gap: two runs of points, not one line through the empty week */
	ck_assert_ptr_nonnull(strstr(strstr(c[0], "<polyline") + 1, "<polyline"));
	ck_assert_ptr_nonnull(strstr(c[1], "week of 2024-05-06: 50.0%"));
	ck_assert_ptr_nonnull(strstr(c[1], "week of 2024-05-20: 100.0%"));
	ck_assert_ptr_nonnull(strstr(c[2], "week of 2024-05-06: 50.0%"));
	ck_assert_ptr_nonnull(strstr(c[2], "week of 2024-05-20: 0.0%"));
	/* QA score: nobody scored a call, so not a point */
	ck_assert_ptr_null(strstr(c[3], "<circle"));
	/* handle time: ana, then bob */
	ck_assert_ptr_nonnull(strstr(c[4], "aria-label=\"ana\""));
	ck_assert_ptr_nonnull(strstr(c[4], "week of 2024-05-06: 05:00"));
	ck_assert_ptr_nonnull(strstr(c[4], "week of 2024-05-20: 03:00"));
	ck_assert_ptr_nonnull(strstr(c[5], "aria-label=\"bob\""));
	ck_assert_ptr_nonnull(strstr(c[5], "week of 2024-05-06: 09:00"));
	ck_assert_ptr_null(strstr(c[5], "week of 2024-05-20"));
	/* escalated: ana 100% then 0%, bob 0% */
	ck_assert_ptr_nonnull(strstr(c[8], "week of 2024-05-06: 100.0%"));
	ck_assert_ptr_nonnull(strstr(c[9], "week of 2024-05-06: 0.0%"));
	/* small multiples share one scale: the top of ana's and bob's axes agree (10 min) */
	ck_assert_ptr_nonnull(strstr(c[4], ">10</text>"));
	ck_assert_ptr_nonnull(strstr(c[5], ">10</text>"));
	free(text);
	store_close(st);
}
END_TEST

/* Column `key` of the ALL row of the report's CSV for [since, until), into buf. */
static void csv_figure(struct store *st, int64_t since, int64_t until, const char *key, char *buf,
		       size_t size)
{
	struct report_query q = {.since = since, .until = until, .repeat_days = 7, .utc = 1,
				 .now = MON0 + 30 * DAY};
	struct poise_error err;
	struct report *r = NULL;
	char *text = NULL, *head, *row, *h, *c;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_int_eq(report_run(st, &q, &r, &err), POISE_OK);
	ck_assert_int_eq(report_write(r, out, REPORT_CSV, &err), POISE_OK);
	fclose(out);
	report_free(r);
	head = strtok_r(text, "\r\n", &row);
	row = strtok_r(NULL, "\r\n", &row);
	ck_assert_ptr_nonnull(row);
	ck_assert_str_eq(strsep(&row, ","), "ALL");
	strsep(&head, ",");
	while ((h = strsep(&head, ",")) && (c = strsep(&row, ",")) && strcmp(h, key))
		;
	ck_assert_msg(h && c, "no %s in the report's CSV", key);
	snprintf(buf, size, "%s", c);
	free(text);
}

/*
 * The page's points are the report's numbers, rounded as the report rounds
 * them: 1 of 16 calls escalated and 1 of 16 ended calmer is 6.25%, which
 * the report writes 6.3 (half away from zero); an average handle time of
 * 307.5 s is the report's 308 s, 05:08.
 */
START_TEST(points_are_the_reports_numbers)
{
	struct store *st = fx_open(fx_path(0, "db"));
	const char *c[16];
	const char *keys[] = {"handle_avg_s", "calmer_pct", "escalation_pct"};
	char *text, fig[32], want[64];
	int n;

	for (int i = 0; i < 16; i++)
		call(st, "ana", MON0 + DAY + i * 3600000, i ? 4 : 5, i ? 4 : 3, i == 0, 300 + i);
	text = page(st, c, &n);
	ck_assert_int_eq(n, 4 + 4);
	for (int k = 0; k < 3; k++) {
		csv_figure(st, MON0, MON0 + 7 * DAY, keys[k], fig, sizeof(fig));
		if (k == 0)
			snprintf(want, sizeof(want), "week of 2024-05-06: %02d:%02d", atoi(fig) / 60,
				 atoi(fig) % 60);
		else
			snprintf(want, sizeof(want), "week of 2024-05-06: %s%%", fig);
		ck_assert_msg(strstr(c[k], want), "the page lacks the report's \"%s\"", want);
		/* and the agent's small chart, the same one call set */
		ck_assert_msg(strstr(c[4 + k], want), "ana's chart lacks \"%s\"", want);
	}
	ck_assert_ptr_nonnull(strstr(c[0], "week of 2024-05-06: 05:08"));
	ck_assert_ptr_nonnull(strstr(c[1], "week of 2024-05-06: 6.3%"));
	ck_assert_ptr_nonnull(strstr(c[2], "week of 2024-05-06: 6.3%"));
	free(text);
	store_close(st);
}
END_TEST

START_TEST(names_stay_text_and_nothing_loads_from_elsewhere)
{
	struct store *st = fx_open(fx_path(0, "db"));
	const char *c[16];
	char *text;
	int n;

	call(st, "<script>alert(1)</script>\x1b[2J", MON0 + DAY, 5, 3, 0, 300);
	text = page(st, c, &n);
	ck_assert_int_eq(n, 4 + 4);
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_null(strstr(c[i], "<script"));
		ck_assert_ptr_null(strchr(c[i], '\x1b'));
	}
	ck_assert_ptr_nonnull(strstr(c[4], "aria-label=\"&lt;script&gt;alert(1)&lt;/script&gt;"));
	free(text);
	store_close(st);
}
END_TEST

/* No calls at all: the page still renders, every point a gap. */
START_TEST(no_calls_no_points)
{
	struct store *st = fx_open(fx_path(0, "db"));
	const char *c[16];
	char *text;
	int n;

	text = page(st, c, &n);
	ck_assert_int_eq(n, 4);
	ck_assert_ptr_null(strstr(text, "<circle"));
	free(text);
	store_close(st);
}
END_TEST

START_TEST(too_many_weeks_refused)
{
	struct store *st = fx_open(fx_path(0, "db"));
	struct report_query q = {.since = MON0, .until = MON0 + 800 * DAY, .repeat_days = 7,
				 .utc = 1, .now = MON0};
	struct poise_error err;

	ck_assert_int_eq(report_write_html(st, &q, stdout, &err), POISE_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "at most 104"));
	store_close(st);
}
END_TEST

Suite *report_html_suite(void)
{
	Suite *s = suite_create("report_html");
	TCase *tc = tcase_create("html");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, weekly_points_by_hand);
	tcase_add_test(tc, points_are_the_reports_numbers);
	tcase_add_test(tc, names_stay_text_and_nothing_loads_from_elsewhere);
	tcase_add_test(tc, no_calls_no_points);
	tcase_add_test(tc, too_many_weeks_refused);
	suite_add_tcase(s, tc);
	return s;
}
