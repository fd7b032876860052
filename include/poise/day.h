/*
 * day.h - calendar days: "YYYY-MM-DD" read and written, once for every
 * command and screen.
 *
 * Owns: parsing a day typed on the command line or a screen into the time
 * its midnight falls, and writing the day of a time. Days are local days
 * (the system's time zone, or TZ) everywhere in poise, or UTC days where a
 * caller asks (reports with --utc, tests); a day with a DST change is 23 or
 * 25 hours long. Does not own: a follow-up's due date as an agent types it
 * ("fri", "+3": followup.h), nor any clock: times are passed in.
 */
#ifndef POISE_DAY_H
#define POISE_DAY_H

#include <stddef.h>
#include <stdint.h>

#include "poise/status.h"

#define DAY_SIZE 11 /* "YYYY-MM-DD" and its NUL */

/*
 * The start of day "YYYY-MM-DD" (ms since the epoch), in UTC or in local
 * time (TZ); with next_day, the start of the day after. POISE_USAGE when
 * text is not a real date in that form.
 */
enum poise_status day_parse(const char *text, int utc, int next_day, int64_t *ms,
			    struct poise_error *err);

/* The day of ms, local (utc 0) or UTC, as "YYYY-MM-DD". */
void day_format(int utc, int64_t ms, char out[DAY_SIZE]);

/*
 * Dates for people, as the locale writes them (LC_TIME): "%Y-%m-%d %H:%M"
 * in C and POSIX, the locale's day (nl_langinfo(D_FMT)) and the 24-hour
 * time else; short_form leaves out the year. day_locale_day writes a
 * "YYYY-MM-DD" day the same way (what is not such a day is copied as it
 * is). Never for CSV, JSON or anything stored: those keep ISO (day_format).
 */
char *day_locale_datetime(char *buf, size_t size, int64_t ms, int short_form);
char *day_locale_day(char *buf, size_t size, const char *iso);

#endif
