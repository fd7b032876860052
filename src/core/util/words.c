/* words.c - the one wording of durations, counts, moods and checklists (words.h). */
#include "poise/words.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const moods[] = {"-", "calm", "uneasy", "annoyed", "angry", "furious"};

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
	return mood >= 1 && mood <= 5 ? moods[mood] : moods[0];
}

char *words_mood_mark(char *buf, size_t size, int mood)
{
	if (mood >= 1 && mood <= 5)
		snprintf(buf, size, "%d %s", mood, moods[mood]);
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
	snprintf(buf, size, "%ld %s", n, n == 1 ? one : many);
	return buf;
}

char *words_checklist(char *buf, size_t size, size_t ticked, size_t items)
{
	snprintf(buf, size, "%zu/%zu ticked", ticked, items);
	return buf;
}

char *words_score(char *buf, size_t size, int bp)
{
	int tenths = (bp + 5) / 10; /* basis points to tenths of a percent, half up */

	if (bp < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%d.%d%%", tenths / 10, tenths % 10);
	return buf;
}
