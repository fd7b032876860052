/*
 * day.c - calendar days as poise reads and writes them: "YYYY-MM-DD", in
 * local time (TZ) or UTC.
 */
#include "poise/day.h"

#include <langinfo.h>
#include <locale.h>
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

/* The locale's way of writing a day: ISO in C and POSIX (as before), else nl_langinfo's. */
static const char *locale_day_format(int short_form)
{
	static char cut[32];
	const char *lc = setlocale(LC_TIME, NULL), *f;
	char *y;
	size_t len;

	if (!lc || strcmp(lc, "C") == 0 || strcmp(lc, "POSIX") == 0 || strncmp(lc, "C.", 2) == 0)
		return short_form ? "%m-%d" : "%Y-%m-%d";
	f = nl_langinfo(D_FMT);
	if (!f || !*f || strlen(f) >= sizeof(cut))
		return short_form ? "%m-%d" : "%Y-%m-%d";
	if (!short_form)
		return f;
	/* Short: the year and the separator beside it left out ("%d/%m/%y" gives "%d/%m"). */
	snprintf(cut, sizeof(cut), "%s", f);
	if (!(y = strstr(cut, "%y")) && !(y = strstr(cut, "%Y")))
		return cut;
	len = strlen(cut);
	if (y == cut && len > 3)
		memmove(cut, cut + 3, len - 2); /* "%Y-%m-%d": the year and the '-' after it */
	else if (y > cut)
		memmove(y - 1, y + 2, strlen(y + 2) + 1); /* the separator before it */
	return cut;
}

char *day_locale_datetime(char *buf, size_t size, int64_t ms, int short_form)
{
	time_t s = (time_t)(ms / 1000);
	char fmt[48];
	struct tm tm;

	localtime_r(&s, &tm);
	snprintf(fmt, sizeof(fmt), "%s %%H:%%M", locale_day_format(short_form));
	if (strftime(buf, size, fmt, &tm) == 0 && size > 0)
		buf[0] = '\0';
	return buf;
}

char *day_locale_day(char *buf, size_t size, const char *iso)
{
	struct tm tm = {0};
	int y, m, d;

	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		snprintf(buf, size, "%s", iso);
		return buf;
	}
	tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d, tm.tm_isdst = -1;
	tm.tm_hour = 12;
	if (mktime(&tm) == (time_t)-1 || strftime(buf, size, locale_day_format(0), &tm) == 0)
		snprintf(buf, size, "%s", iso);
	return buf;
}
