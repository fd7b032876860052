/* cli_super.c - the database path, dates and the clock for the supervisor's commands. */
#include "cli/cli_super.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "poise/store.h"

int cli_db_path(const struct cli_args *args, char *buf, size_t size, struct poise_error *err)
{
	const char *db = cli_value(args, "db");

	if (db && !db[0])
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--db' needs a PATH");
	if (!db)
		return store_default_path(buf, size, cli_getenv, err);
	if (snprintf(buf, size, "%s", db) >= (int)size)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "database path is too long: pass a shorter --db PATH");
	return POISE_OK;
}

/* Local midnight at the start of y-m-d; -1 when that day does not exist. */
static time_t local_midnight(int y, int m, int d)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* mktime turns 2024-02-30 into March 1st: the round trip catches it. */
	if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return (time_t)-1;
	return t;
}

enum poise_status cli_parse_date(const char *opt, const char *s, int end_of_day, int64_t *ms,
				 struct poise_error *err)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			goto bad;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		goto bad;
	if ((t = local_midnight(y, m, d)) == (time_t)-1)
		goto bad;
	if (end_of_day) {
		localtime_r(&t, &tm);
		tm.tm_mday++;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	*ms = (int64_t)t * 1000;
	return POISE_OK;
bad:
	return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
			       "option '--%s' needs a date as YYYY-MM-DD, not '%s'", opt, s);
}

int64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cli_local_date(int64_t ms, char out[11])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
