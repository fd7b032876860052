/* words.c - the one wording of durations, counts, moods and checklists (words.h). */
#include "poise/words.h"

#include "poise/i18n.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static char decimal_point[8] = ".";

void words_set_decimal_point(const char *point)
{
	snprintf(decimal_point, sizeof(decimal_point), "%s", point && *point ? point : ".");
}

const char *words_decimal_point(void)
{
	return decimal_point;
}

char *words_localize_decimal(char *s, size_t size)
{
	char *dot = strchr(s, '.');
	size_t n = strlen(decimal_point), len = strlen(s);

	if (!dot || (n == 1 && decimal_point[0] == '.') || len - 1 + n >= size)
		return s;
	memmove(dot + n, dot + 1, len - (size_t)(dot - s));
	memcpy(dot, decimal_point, n);
	return s;
}

/* TRANSLATORS: the customer's mood, 1 to 5, on the call screen and in reports. */
static const char *const moods[] = {"-", N_("calm"), N_("uneasy"), N_("annoyed"), N_("angry"),
				    N_("furious")};

char *words_duration(char *buf, size_t size, int64_t ms)
{
	/* To the nearest second, half up, as report writes its whole seconds. */
	int64_t s = ms < 0 ? 0 : (ms + 500) / 1000;

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
	return words_count_c(buf, size, n, NULL, one, many);
}

char *words_count_c(char *buf, size_t size, long n, const char *ctx, const char *one,
		    const char *many)
{
	char full[256];
	const char *t;

	/* The catalogue keeps a msgid with a context as "context\004text". */
	if (!ctx || snprintf(full, sizeof(full), "%s\004%s", ctx, one) >= (int)sizeof(full)) {
		t = P_(one, many, n);
	} else {
		t = dngettext(POISE_TEXTDOMAIN, full, many, (unsigned long)n);
		if (t == full)
			t = one;
	}
	snprintf(buf, size, "%ld %s", n, t);
	return buf;
}

/* The next letter of s, lowercased, a Latin letter's accent dropped (UTF-8 U+00C0..U+00FF). */
static int fold_next(const unsigned char **s)
{
	/* U+00C0 .. U+00FF, upper and lower half alike, to their base letter. */
	static const char base[] = "aaaaaaaceeeeiiiidnooooo*ouuuuyts";
	const unsigned char *p = *s;
	int c = *p;

	if (!c)
		return 0;
	if (c == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
		*s = p + 2;
		return p[1] == 0xbf ? 'y' : base[(p[1] - 0x80) & 0x1f];
	}
	*s = p + 1;
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static const unsigned char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (const unsigned char *)s;
}

/* At the end of a word: nothing left but blanks. */
static int at_end(const unsigned char *s)
{
	return !*skip_blanks((const char *)s);
}

int words_same(const char *a, const char *b)
{
	const unsigned char *p = skip_blanks(a ? a : ""), *q = skip_blanks(b ? b : "");

	if (!*p || !*q)
		return 0;
	while (!at_end(p) && !at_end(q))
		if (fold_next(&p) != fold_next(&q))
			return 0;
	return at_end(p) && at_end(q);
}

int words_pick(const char *typed, const char *ctx, const char *const *keys, size_t n)
{
	char full[128];

	for (size_t i = 0; i < n; i++)
		if (words_same(typed, keys[i]))
			return (int)i;
	for (size_t i = 0; ctx && i < n; i++) {
		const char *t;

		if (snprintf(full, sizeof(full), "%s\004%s", ctx, keys[i]) >= (int)sizeof(full))
			continue;
		t = dgettext(POISE_TEXTDOMAIN, full);
		if (t != full && words_same(typed, t))
			return (int)i;
	}
	return -1;
}

char *words_checklist(char *buf, size_t size, size_t ticked, size_t items)
{
	/* TRANSLATORS: checklist items ticked of all, "2/5 ticked". */
	snprintf(buf, size, _("%zu/%zu ticked"), ticked, items);
	return buf;
}

char *words_score(char *buf, size_t size, int bp)
{
	int tenths = (bp + 5) / 10; /* basis points to tenths of a percent, half up */

	if (bp < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%d.%d%%", tenths / 10, tenths % 10);
	return words_localize_decimal(buf, size);
}
