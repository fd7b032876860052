/* cli_super.c - dates and the clock for the supervisor's commands. */
#include "cli/cli_super.h"


#include <stdio.h>
#include <string.h>
#include <time.h>

#include "poise/day.h"
#include "poise/store.h"

enum poise_status cli_parse_date(const char *opt, const char *s, int end_of_day, int64_t *ms,
				 struct poise_error *err)
{
	struct poise_error perr;

	poise_error_clear(&perr);
	if (day_parse(s, 0, end_of_day, ms, &perr) == POISE_OK)
		return POISE_OK;
	return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "option '--%s': %s", opt, perr.msg);
}

int64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
