/* words.c - the one wording of durations, counts, moods and checklists (words.h). */
#include "poise/words.h"

#include "poise/i18n.h"

#include <inttypes.h>
#include <stdio.h>

/* TRANSLATORS: the customer's mood, 1 to 5, on the call screen and in reports. */
static const char *const moods[] = {"-", N_("calm"), N_("uneasy"), N_("annoyed"), N_("angry"),
				    N_("furious")};

char *words_duration(char *buf, size_t size, int64_t ms)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;

	if (s >= 3600)
		snprintf(buf, size, "%" PRId64 ":%02" PRId64 ":%02" PRId64, s / 3600, s / 60 % 60,
			 s % 60);
	else
		snprintf(buf, size, "%02" PRId64 ":%02" PRId64, s / 60, s % 60);
	return buf;
}

const char *words_mood(int mood)
{
	return mood >= 1 && mood <= 5 ? _(moods[mood]) : moods[0];
}

char *words_mood_mark(char *buf, size_t size, int mood)
{
	if (mood >= 1 && mood <= 5)
		snprintf(buf, size, "%d %s", mood, _(moods[mood]));
	else
		snprintf(buf, size, "-");
	return buf;
}

char *words_mood_digit(char *buf, size_t size, int mood)
{
	if (mood >= 1 && mood <= 5)
		snprintf(buf, size, "%d", mood);
	else
		snprintf(buf, size, "-");
	return buf;
}

char *words_count(char *buf, size_t size, long n, const char *one, const char *many)
{
	snprintf(buf, size, "%ld %s", n, P_(one, many, n));
	return buf;
}

char *words_checklist(char *buf, size_t size, size_t ticked, size_t items)
{
	/* TRANSLATORS: checklist items ticked of all, "2/5 ticked". */
	snprintf(buf, size, _("%zu/%zu ticked"), ticked, items);
	return buf;
}
