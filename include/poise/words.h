/*
 * words.h - the one wording of figures every screen and command shows: a
 * duration, a count with its noun, a mood, a checklist count, a QA score.
 *
 * Owns: how these read, so the call screen, the wrap-up, review, `poise
 * show` and `poise report` cannot drift apart ("1 note", "2 notes"; a mood
 * not yet marked is "-", never 0).
 * Does not own: what is counted (call.h, report.h) or any layout.
 * Every function writes a NUL-terminated string into buf (size > 0) and
 * returns buf, so a call can sit inside a printf argument list.
 */
#ifndef POISE_WORDS_H
#define POISE_WORDS_H

#include <stddef.h>
#include <stdint.h>

/* Big enough for any of the strings below but a count's noun. */
#define WORDS_BUF 32

/*
 * ms as "mm:ss" under an hour ("04:12"), "h:mm:ss" from one ("1:02:03"); < 0
 * counts as 0. To the nearest second, a half up (1500 ms is "00:02"): the
 * rounding of `poise report`'s whole seconds, so one call's times read the
 * same in show, review, the wrap-up and a report of that call alone.
 */
char *words_duration(char *buf, size_t size, int64_t ms);

/* The mood's word: 1 calm, 2 uneasy, 3 annoyed, 4 angry, 5 furious; "-" for none (0) or unknown. */
const char *words_mood(int mood);

/* A mood as "4 angry"; "-" when none is marked (0) or the value is unknown. */
char *words_mood_mark(char *buf, size_t size, int mood);

/* A mood as its digit, "-" when none: for tight places (a compact header, a table cell). */
char *words_mood_digit(char *buf, size_t size, int mood);

/* n and its noun, singular for exactly 1: "1 note", "0 notes", "2 escalations". */
char *words_count(char *buf, size_t size, long n, const char *one, const char *many);

/*
 * As words_count, the noun's forms told apart by ctx (msgctxt) from the same
 * English word used alone elsewhere: "hold" the key's label and the floor's
 * column, "2 holds" the count (words_count_c(.., "count", "hold", "holds")).
 * gettext keeps one msgid either singular or with a plural, not both.
 */
char *words_count_c(char *buf, size_t size, long n, const char *ctx, const char *one,
		    const char *many);

/*
 * Words typed back (a due day, a filter's value): 1 when a and b are the
 * same word, blanks around them, letter case and the accents of Latin
 * letters aside ("Mañana" = "manana", "MIÉ" = "mie"); 0 otherwise.
 */
int words_same(const char *a, const char *b);

/*
 * Which of keys[0..n-1] typed names: the English key itself, always, or
 * the key's word in the locale, its translation under msgctxt ctx (mark the
 * keys NC_(ctx, key) for xgettext), compared by words_same; -1 when none.
 * The caller stores the English key: typed words are never kept.
 */
int words_pick(const char *typed, const char *ctx, const char *const *keys, size_t n);

/* A checklist count: "2/5 ticked". */
char *words_checklist(char *buf, size_t size, size_t ticked, size_t items);

/* A QA score in basis points (10000 = 100%) as "72.5%"; "-" when there is none (< 0). */
char *words_score(char *buf, size_t size, int bp);

/*
 * The decimal separator of figures shown to people (words_score, the
 * report table): "." until set. The CLI sets the locale's (i18n.c), since
 * LC_NUMERIC itself stays "C" for JSON, CSV and SQL. NULL or "" keeps ".".
 */
void words_set_decimal_point(const char *point);
const char *words_decimal_point(void);

/* In s (NUL-terminated, in a buffer of size bytes), every '.' becomes the decimal point. */
char *words_localize_decimal(char *s, size_t size);

#endif
