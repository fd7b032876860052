/* check_followup_due.c - the due dates agents type: words, weekdays, +N, refusals. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libintl.h>
#include <locale.h>

#include "poise/followup.h"
#include "poise/i18n.h"
#include "helpers/fixture_spanish.h"
#include "main/suite.h"

static void due(const char *text, const char *today, const char *want)
{
	struct poise_error err = {0};
	char out[11] = "";

	ck_assert_msg(followup_parse_due(text, today, out, &err) == POISE_OK, "'%s' on %s: %s",
		      text, today, err.msg);
	ck_assert_msg(strcmp(out, want) == 0, "'%s' on %s: got %s, want %s", text, today, out,
		      want);
}

static const char *refused(const char *text, const char *today)
{
	static struct poise_error err;
	char out[11] = "";

	memset(&err, 0, sizeof(err));
	ck_assert_msg(followup_parse_due(text, today, out, &err) == POISE_INVALID, "'%s' taken: %s",
		      text, out);
	return err.msg;
}

START_TEST(test_words)
{
	due("today", "2026-12-01", "2026-12-01");
	due("  Tomorrow ", "2026-12-01", "2026-12-02");
	due("TODAY", "2026-12-01", "2026-12-01");
	due("+0", "2026-12-01", "2026-12-01");
	due("+1", "2026-12-01", "2026-12-02");
	due("+30", "2026-12-01", "2026-12-31");
	due("+31", "2026-12-01", "2027-01-01");
	due("+3650", "2026-12-01", "2036-11-28");
	due("2026-12-01", "2026-12-01", "2026-12-01");
	due("2099-03-01", "2026-12-01", "2099-03-01");
}
END_TEST

/* Month ends, year ends and leap days, for tomorrow and +N. */
START_TEST(test_calendar_edges)
{
	due("tomorrow", "2026-01-31", "2026-02-01");
	due("tomorrow", "2026-02-28", "2026-03-01");
	due("tomorrow", "2028-02-28", "2028-02-29");
	due("tomorrow", "2028-02-29", "2028-03-01");
	due("tomorrow", "2100-02-28", "2100-03-01"); /* not a leap year */
	due("tomorrow", "2000-02-28", "2000-02-29"); /* a leap year */
	due("tomorrow", "2026-04-30", "2026-05-01");
	due("tomorrow", "2026-12-31", "2027-01-01");
	due("+365", "2027-03-01", "2028-02-29");
	due("+366", "2028-01-01", "2029-01-01");
	due("2028-02-29", "2028-01-01", "2028-02-29");
	refused("2027-02-29", "2026-12-01");
	refused("2026-04-31", "2026-01-01");
	refused("2026-13-01", "2026-01-01");
	refused("2026-00-10", "2026-01-01");
	refused("2026-01-00", "2026-01-01");
	refused("2100-02-29", "2026-01-01");
}
END_TEST

/*
 * Every weekday name from every day of a week: the next such day, 1 to 7
 * days on (today's own name is a week from today), across a month end.
 */
START_TEST(test_weekdays)
{
	/* 2026-11-26 is a Thursday. */
	static const char *const days[] = {"2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29",
					   "2026-11-30", "2026-12-01", "2026-12-02"};
	static const char *const names[7][3] = {
		{"thu", "Thursday", "thurs"}, {"fri", "FRIDAY", "Fri"}, {"sat", "saturday", "Sat"},
		{"sun", "sunday", "SUN"},     {"mon", "Monday", "mon"}, {"tue", "tuesday", "tues"},
		{"wed", "Wednesday", "wed"},
	};

	for (int t = 0; t < 7; t++)
		for (int w = 0; w < 7; w++)
			for (int k = 0; k < 3; k++) {
				int ahead = (w - t + 7) % 7 ? (w - t + 7) % 7 : 7;
				char plus[8], want[11];
				struct poise_error err = {0};

				snprintf(plus, sizeof(plus), "+%d", t + ahead);
				ck_assert_int_eq(followup_parse_due(plus, days[0], want, &err),
						 POISE_OK);
				due(names[w][k], days[t], want);
			}
	due("fri", "2026-12-31", "2027-01-01");
	due("sun", "2028-02-27", "2028-03-05");
	due("tue", "2028-02-27", "2028-02-29");
}
END_TEST

/* Refused with a word: the past, and what is not a day; the example is in the future. */
START_TEST(test_refused)
{
	static const char *const bad[] = {"",		"yesterday", "next week",   "2026/12/05",
					  "05-12-2026", "+",	     "+-1",	    "-1",
					  "+3651",	"+1x",	     "fri day",	    "2026-12-5",
					  "frid",	"\x1b[31m",  "12026-01-01", "+99999999999"};
	const char *msg;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg = refused(bad[i], "2026-12-01");
		ck_assert_msg(strstr(msg, "is not a day") && strstr(msg, "e.g. 2026-12-08"), "%s",
			      msg);
		ck_assert_msg(!strchr(msg, '\x1b'), "a control character in '%s'", msg);
	}
	msg = refused("2026-11-30", "2026-12-01");
	ck_assert_str_eq(msg, "2026-11-30 is in the past: give today or a later day, e.g. "
			      "2026-12-08 or +7");
	msg = refused("1999-01-01", "2028-02-25");
	ck_assert_ptr_nonnull(strstr(msg, "e.g. 2028-03-03"));
	msg = refused("2026-12-31", "2027-01-01");
	ck_assert_ptr_nonnull(strstr(msg, "in the past"));
	refused("tomorrow", "not a day");
}
END_TEST

/* The local day of a time, with TZ set, around DST changes and midnight. */
START_TEST(test_local_day)
{
	static const struct {
		const char *tz;
		int64_t s;
		const char *want;
	} cases[] = {
		{"UTC", 1796083200, "2026-12-01"},		/* 2026-12-01 00:00 UTC */
		{"UTC", 1796083199, "2026-11-30"},		/* a second before */
		{"America/New_York", 1772953200, "2026-03-08"}, /* 2026-03-08 07:00Z, 03:00 EDT */
		{"America/New_York", 1772942400,
		 "2026-03-07"}, /* 04:00Z, 23:00 EST the day before */
		{"America/New_York", 1793505600,
		 "2026-11-01"}, /* 04:00Z, midnight EDT on the day DST ends */
		{"Europe/Berlin", 1774738800, "2026-03-29"}, /* 23:00Z on the 28th, 00:00 CET */
		{"Pacific/Kiritimati", 1796083200, "2026-12-01"},
		{"Pacific/Pago_Pago", 1796083200, "2026-11-30"},
	};
	const char *old = getenv("TZ");
	char saved[64] = "";

	if (old)
		snprintf(saved, sizeof(saved), "%s", old);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char day[11];

		setenv("TZ", cases[i].tz, 1);
		tzset();
		day_format(0, cases[i].s * 1000, day);
		ck_assert_msg(strcmp(day, cases[i].want) == 0, "%s at %lld: %s, want %s",
			      cases[i].tz, (long long)cases[i].s, day, cases[i].want);
	}
	/* Tomorrow from a DST day is the next date, not 24 hours on. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	{
		char today[11];

		day_format(0, INT64_C(1772953200) * 1000, today);
		due("tomorrow", today, "2026-03-09");
		day_format(0, INT64_C(1793505600) * 1000, today);
		due("tomorrow", today, "2026-11-02");
	}
	if (old)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}
END_TEST

/*
 * In Spanish the locale's words are taken too, the English ones still:
 * "hoy", "mañana" (the catalogue's, msgctxt "due day"), the weekdays and
 * their short forms as LC_TIME spells them, accents optional.
 */
START_TEST(test_spanish_words)
{
	fixture_spanish();
	/* 2026-12-01 is a Tuesday (martes). */
	due("hoy", "2026-12-01", "2026-12-01");
	due("mañana", "2026-12-01", "2026-12-02");
	due(" Mañana ", "2026-12-01", "2026-12-02");
	due("manana", "2026-12-01", "2026-12-02");
	due("viernes", "2026-12-01", "2026-12-04");
	due("vie", "2026-12-01", "2026-12-04");
	due("miércoles", "2026-12-01", "2026-12-02");
	due("mie", "2026-12-01", "2026-12-02");
	due("sábado", "2026-12-01", "2026-12-05");
	due("martes", "2026-12-01", "2026-12-08");
	due("lun", "2026-12-01", "2026-12-07");
	due("domingo", "2026-12-01", "2026-12-06");
	/* English always. */
	due("tomorrow", "2026-12-01", "2026-12-02");
	due("fri", "2026-12-01", "2026-12-04");
	refused("mañanas", "2026-12-01");
	refused("vi", "2026-12-01");
	setlocale(LC_ALL, "C");
}
END_TEST

Suite *followup_due_suite(void)
{
	Suite *s = suite_create("followup_due");
	TCase *tc = tcase_create("due");

	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_calendar_edges);
	tcase_add_test(tc, test_weekdays);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_local_day);
	suite_add_tcase(s, tc);
	tc = tcase_create("due_es");
	tcase_set_tags(tc, "es");
	tcase_add_test(tc, test_spanish_words);
	suite_add_tcase(s, tc);
	return s;
}
