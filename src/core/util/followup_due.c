/*
 * followup_due.c - the day a follow-up is due, as an agent types it in the
 * wrap-up, and the local day of a time.
 *
 * Days are counted on the civil calendar (days since 1970-01-01), never in
 * seconds: "tomorrow" is the next date whatever the clock does that night
 * (a DST change makes a day 23 or 25 hours long).
 */
#include "poise/followup.h"

#include <ctype.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "poise/i18n.h"
#include "poise/words.h"

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;
	char buf[64];

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
	memcpy(out, buf, 10); /* years past 9999 are refused before they get here */
	out[10] = '\0';
}

static int leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD" of a real day (1970 to 9999) to its day number; -1 when it is not one. */
static long parse_ymd(const char *s)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	long y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	y = atol(s), m = atol(s + 5), d = atol(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	return days_from_civil(y, m, d);
}

/*
 * 0 Sunday .. 6 Saturday of a weekday name or its short forms: the English
 * ones always, and the locale's own (LC_TIME: "viernes", "vie"), accents
 * optional (words_same); -1 when none.
 */
static int weekday(const char *w)
{
	static const char *const names[7][3] = {
		{"sun", "sunday", NULL},      {"mon", "monday", NULL},
		{"tue", "tuesday", "tues"},   {"wed", "wednesday", NULL},
		{"thu", "thursday", "thurs"}, {"fri", "friday", NULL},
		{"sat", "saturday", NULL},
	};
	static const nl_item day[7] = {DAY_1, DAY_2, DAY_3, DAY_4, DAY_5, DAY_6, DAY_7};
	static const nl_item abday[7] = {ABDAY_1, ABDAY_2, ABDAY_3, ABDAY_4,
					 ABDAY_5, ABDAY_6, ABDAY_7};

	for (int i = 0; i < 7; i++)
		for (int k = 0; k < 3; k++)
			if (names[i][k] && strcasecmp(w, names[i][k]) == 0)
				return i;
	for (int i = 0; i < 7; i++)
		if (words_same(w, nl_langinfo(day[i])) || words_same(w, nl_langinfo(abday[i])))
			return i;
	return -1;
}

/* "+N": N days, 0..FOLLOWUP_MAX_DAYS; -1 when not that. */
static long plus_days(const char *w)
{
	char *end;
	long n;

	if (w[0] != '+' || !isdigit((unsigned char)w[1]) || strlen(w) > 6)
		return -1;
	n = strtol(w + 1, &end, 10);
	return *end || n > FOLLOWUP_MAX_DAYS ? -1 : n;
}

/* The word, trimmed, lowercase-insensitive; "" when it does not fit. */
static void trim(const char *text, char *w, size_t size)
{
	size_t n;

	while (*text == ' ' || *text == '\t')
		text++;
	n = strlen(text);
	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (n >= size)
		n = 0;
	memcpy(w, text, n);
	w[n] = '\0';
}

enum poise_status followup_parse_due(const char *text, const char *today, char out[11],
				     struct poise_error *err)
{
	/* TRANSLATORS: typed as a follow-up's due day: the locale's "today" and "tomorrow". */
	static const char *const relative[2] = {NC_("due day", "today"), NC_("due day", "tomorrow")};
	long now = parse_ymd(today), day = -1, n;
	char w[32], example[11], shown[40];
	int wd, rel;

	if (now < 0)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0, "today '%s' is not a day",
				       today);
	trim(text ? text : "", w, sizeof(w));
	rel = words_pick(w, "due day", relative, 2);
	if (rel >= 0)
		day = now + rel;
	else if ((wd = weekday(w)) >= 0)
		day = now + ((wd - (now + 4) % 7 + 6) % 7) + 1; /* 1970-01-01 was a Thursday */
	else if ((n = plus_days(w)) >= 0)
		day = now + n;
	else
		day = parse_ymd(w);
	civil_from_days(now + 7, example);
	/* What the agent typed, shown back: cut, and no control characters. */
	snprintf(shown, sizeof(shown), "%.30s", text ? text : "");
	for (char *p = shown; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (day > days_from_civil(9999, 12, 31))
		day = -1;
	if (day < 0)
		return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
				       "'%s' is not a day: use YYYY-MM-DD (e.g. %s), today, "
				       "tomorrow, a weekday such as fri, or +N days",
				       shown, example);
	if (day < now)
		return poise_error_set(
			err, POISE_INVALID, NULL, 0, 0,
			"%s is in the past: give today or a later day, e.g. %s or +7", w, example);
	civil_from_days(day, out);
	return POISE_OK;
}
