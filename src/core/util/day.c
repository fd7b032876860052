/*
 * day.c - calendar days as poise reads and writes them: "YYYY-MM-DD", in
 * local time (TZ) or UTC.
 */
#include "poise/day.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void day_format(int utc, int64_t ms, char out[DAY_SIZE])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!(utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) ||
	    !strftime(out, DAY_SIZE, "%Y-%m-%d", &tm))
		snprintf(out, DAY_SIZE, "1970-01-01");
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int day_start(struct tm *tm, int utc, time_t *t)
{
	tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	tm->tm_isdst = -1;
	*t = utc ? timegm(tm) : mktime(tm);
	return *t != (time_t)-1;
}

enum poise_status day_parse(const char *text, int utc, int next_day, int64_t *ms,
				   struct poise_error *err)
{
	struct tm tm = {0};
	int d;
	time_t t;

	if (!text || strlen(text) != 10 || !digits(text, 4) || text[4] != '-' ||
	    !digits(text + 5, 2) || text[7] != '-' || !digits(text + 8, 2))
		goto bad;
	tm.tm_year = atoi(text) - 1900;
	tm.tm_mon = atoi(text + 5) - 1;
	tm.tm_mday = d = atoi(text + 8);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || d < 1 || !day_start(&tm, utc, &t))
		goto bad;
	/* The conversion normalises 2024-02-30 to March 1: refuse what is not a real day. */
	if (tm.tm_mday != d)
		goto bad;
	/* The next day's midnight, not +24 h: a day with a DST change is 23 or 25 hours. */
	if (next_day) {
		tm.tm_mday++;
		if (!day_start(&tm, utc, &t))
			goto bad;
	}
	*ms = (int64_t)t * 1000;
	return POISE_OK;
bad:
	return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
			       "'%s' is not a date: expected YYYY-MM-DD", text ? text : "");
}
