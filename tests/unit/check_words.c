/* check_words.c - the one wording: durations, counts, moods, checklists; the text limits. */
#include <check.h>
#include <stdio.h>
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "poise/event.h"
#include "poise/i18n.h"
#include "poise/limits.h"
#include "poise/status.h"
#include "poise/words.h"
#include "helpers/fixture_spanish.h"
#include "main/suite.h"

static const char *const statuses[] = {"open", "interrupted", "done"};

/* Typed words: case, blanks and accents aside; English keys always. */
START_TEST(test_same_and_pick)
{
	ck_assert(words_same("Mañana", "manana"));
	ck_assert(words_same(" MIÉ\t", "mie"));
	ck_assert(words_same("sábado", "SÁBADO"));
	ck_assert(!words_same("mañanas", "mañana"));
	ck_assert(!words_same("", ""));
	ck_assert(!words_same("a b", "ab"));
	ck_assert_int_eq(words_pick(" Done ", "call status", statuses, 3), 2);
	ck_assert_int_eq(words_pick("abierta", "call status", statuses, 3), -1); /* no catalogue */
	ck_assert_int_eq(words_pick("shut", "call status", statuses, 3), -1);
}
END_TEST

/* In Spanish the catalogue's words of a context are taken, and English still. */
START_TEST(test_pick_spanish)
{
	fixture_spanish();
	ck_assert_int_eq(words_pick("abierta", "call status", statuses, 3), 0);
	ck_assert_int_eq(words_pick("Interrumpida", "call status", statuses, 3), 1);
	ck_assert_int_eq(words_pick("terminada", "call status", statuses, 3), 2);
	ck_assert_int_eq(words_pick("interrupted", "call status", statuses, 3), 1);
	ck_assert_int_eq(words_pick("abierta", "other context", statuses, 3), -1);
	setlocale(LC_ALL, "C");
}
END_TEST

/* The one-key choices a question offers are the table's: every key offered is one it takes. */
START_TEST(test_choices)
{
	char line[256], okeys[OUTCOME_COUNT + 1], skeys[SKIP_COUNT + 1], want[64];

	outcome_choices(line, sizeof(line), okeys);
	ck_assert_str_eq(line, "r resolved  e escalated  t transferred  c callback  "
			       "a ended for abuse  u unresolved");
	ck_assert_str_eq(okeys, "retcau");
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		ck_assert_int_eq(outcome_from_char(okeys[i]), i);
		snprintf(want, sizeof(want), "%c %s", okeys[i], outcome_label((enum outcome)i));
		ck_assert_ptr_nonnull(strstr(line, want));
	}
	skip_reason_choices(line, sizeof(line), skeys);
	ck_assert_str_eq(line, "d didn't fit  c customer calmer already  w wrong scenario  o other");
	ck_assert_str_eq(skeys, "dcwo");
	for (int i = 0; i < SKIP_COUNT; i++) {
		ck_assert_int_eq(skip_reason_from_char(skeys[i]), i);
		snprintf(want, sizeof(want), "%c %s", skeys[i],
			 skip_reason_label((enum skip_reason)i));
		ck_assert_ptr_nonnull(strstr(line, want));
	}
	/* short of room: whole choices only, and still every key */
	outcome_choices(line, 23, okeys);
	ck_assert_str_eq(line, "r resolved");
	ck_assert_str_eq(okeys, "retcau");
	outcome_choices(line, 24, okeys);
	ck_assert_str_eq(line, "r resolved  e escalated");
	outcome_choices(line, 1, okeys);
	ck_assert_str_eq(line, "");
}
END_TEST

/* In Spanish the choices say the labels the rest of poise says, the keys staying. */
START_TEST(test_choices_spanish)
{
	char line[256], keys[SKIP_COUNT + 1];

	fixture_spanish();
	skip_reason_choices(line, sizeof(line), keys);
	ck_assert_str_eq(line, "d no encajaba  c el cliente ya estaba más tranquilo  "
			       "w escenario equivocado  o otro");
	ck_assert_str_eq(keys, "dcwo");
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_duration)
{
	static const struct {
		long long ms;
		const char *want;
	} cases[] = {
		{-5000, "00:00"},     {0, "00:00"},	      {499, "00:00"},
		{500, "00:01"},	      {1499, "00:01"},	      {1500, "00:02"},
		{59499, "00:59"},     {59500, "01:00"},	      {60000, "01:00"},
		{754000, "12:34"},    {3599499, "59:59"},     {3599500, "1:00:00"},
		{3600000, "1:00:00"},
		{3723000, "1:02:03"}, {36000000, "10:00:00"},
	};
	char buf[WORDS_BUF];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(words_duration(buf, sizeof(buf), cases[i].ms), cases[i].want);
	/* A small buffer is cut, never overrun. */
	ck_assert_str_eq(words_duration(buf, 3, 754000), "12");
}
END_TEST

START_TEST(test_mood)
{
	static const char *const word[] = {"-", "calm", "uneasy", "annoyed", "angry", "furious"};
	char buf[WORDS_BUF], digit[4];

	for (int m = -2; m <= 7; m++) {
		int known = m >= 1 && m <= 5;
		char want[WORDS_BUF];

		snprintf(want, sizeof(want), "%d %s", m, known ? word[m] : "");
		ck_assert_str_eq(words_mood(m), known ? word[m] : "-");
		ck_assert_str_eq(words_mood_mark(buf, sizeof(buf), m), known ? want : "-");
		snprintf(want, sizeof(want), "%d", m);
		ck_assert_str_eq(words_mood_digit(digit, sizeof(digit), m), known ? want : "-");
	}
	/* No mood is never shown as 0. */
	ck_assert_str_eq(words_mood_mark(buf, sizeof(buf), 0), "-");
}
END_TEST

START_TEST(test_score)
{
	char buf[WORDS_BUF];

	ck_assert_str_eq(words_score(buf, sizeof(buf), 5938), "59.4%");
	ck_assert_str_eq(words_score(buf, sizeof(buf), 5935), "59.4%"); /* half up */
	ck_assert_str_eq(words_score(buf, sizeof(buf), 5934), "59.3%");
	ck_assert_str_eq(words_score(buf, sizeof(buf), 10000), "100.0%");
	ck_assert_str_eq(words_score(buf, sizeof(buf), 0), "0.0%");
	ck_assert_str_eq(words_score(buf, sizeof(buf), -1), "-");
}
END_TEST

START_TEST(test_count)
{
	char buf[64];

	ck_assert_str_eq(words_count(buf, sizeof(buf), 0, "note", "notes"), "0 notes");
	ck_assert_str_eq(words_count(buf, sizeof(buf), 1, "note", "notes"), "1 note");
	ck_assert_str_eq(words_count(buf, sizeof(buf), 2, "note", "notes"), "2 notes");
	ck_assert_str_eq(words_count(buf, sizeof(buf), 11, "escalation", "escalations"),
			 "11 escalations");
	ck_assert_str_eq(words_count(buf, sizeof(buf), -1, "hold", "holds"), "-1 holds");
	/* With a context and no catalogue: the English forms, not "count\004hold". */
	ck_assert_str_eq(words_count_c(buf, sizeof(buf), 1, "count", "hold", "holds"), "1 hold");
	ck_assert_str_eq(words_count_c(buf, sizeof(buf), 3, "count", "hold", "holds"), "3 holds");
	ck_assert_str_eq(words_checklist(buf, sizeof(buf), 0, 0), "0/0 ticked");
	ck_assert_str_eq(words_checklist(buf, sizeof(buf), 2, 5), "2/5 ticked");
}
END_TEST

START_TEST(test_limits)
{
	ck_assert_uint_eq(limits_chars(""), 0);
	ck_assert_uint_eq(limits_chars(NULL), 0);
	ck_assert_uint_eq(limits_chars("abc"), 3);
	ck_assert_uint_eq(limits_chars("caf\xc3\xa9"), 4); /* é: two bytes, one character */
	ck_assert_uint_eq(limits_chars("\xe6\x97\xa5\xe6\x9c\xac"), 2); /* two CJK characters */
	ck_assert_uint_eq(limits_chars("\xf0\x9f\x98\x80!"), 2);	/* an emoji: four bytes */
	ck_assert_uint_eq(limits_chars("\x80x"), 1);			/* a stray continuation */
	/* Every limit fits its bytes: LIMIT_BYTES holds the worst case and the NUL. */
	ck_assert_int_eq(LIMIT_BYTES(LIMIT_NOTE), LIMIT_NOTE * 4 + 1);
	ck_assert_int_gt(LIMIT_NOTE, 0);
	ck_assert_int_gt(LIMIT_REASON, 0);
	ck_assert_int_gt(LIMIT_CHANNEL, 0);
	ck_assert_int_gt(LIMIT_PROMISE, 0);
	ck_assert_int_gt(LIMIT_REFLECTION, 0);
	ck_assert_int_gt(LIMIT_COMMENT, 0);
}
END_TEST

/* The decimal point of figures for people: set once, '.' back with NULL. */
START_TEST(test_decimal_point)
{
	char buf[WORDS_BUF], tiny[5] = "72.5";

	ck_assert_str_eq(words_score(buf, sizeof(buf), 7250), "72.5%");
	words_set_decimal_point(",");
	ck_assert_str_eq(words_score(buf, sizeof(buf), 7250), "72,5%");
	snprintf(buf, sizeof(buf), "3.25");
	ck_assert_str_eq(words_localize_decimal(buf, sizeof(buf)), "3,25");
	words_set_decimal_point("\xd9\xab"); /* Arabic decimal separator: two bytes */
	snprintf(buf, sizeof(buf), "3.25");
	ck_assert_str_eq(words_localize_decimal(buf, sizeof(buf)), "3\xd9\xab" "25");
	/* No room for the wider point: left as it is, never cut. */
	ck_assert_str_eq(words_localize_decimal(tiny, sizeof(tiny)), "72.5");
	words_set_decimal_point(NULL);
	ck_assert_str_eq(words_score(buf, sizeof(buf), 7250), "72.5%");
	ck_assert_str_eq(words_decimal_point(), ".");
}
END_TEST

/*
 * Out of memory, one message: the status's own, translated as every status
 * message is, whatever err held before; no file or line: no file caused it.
 */
static void check_nomem(const char *want)
{
	struct poise_error err;

	poise_error_set(&err, POISE_PLAYBOOK, "pb.yaml", 3, 4, "unknown key '%s'", "tipz");
	ck_assert_int_eq(poise_error_nomem(&err), POISE_NOMEM);
	ck_assert_int_eq(err.status, POISE_NOMEM);
	ck_assert_str_eq(err.msg, want);
	ck_assert_str_eq(err.msg, poise_status_str(POISE_NOMEM));
	ck_assert_str_eq(err.file, "");
	ck_assert_int_eq(err.line, 0);
	ck_assert_int_eq(err.col, 0);
	ck_assert_int_eq(poise_error_nomem(NULL), POISE_NOMEM);
}

START_TEST(test_nomem)
{
	check_nomem("out of memory");
}
END_TEST

START_TEST(test_nomem_spanish)
{
	fixture_spanish();
	check_nomem("sin memoria");
	setlocale(LC_ALL, "C");
}
END_TEST

Suite *words_suite(void)
{
	Suite *s = suite_create("words");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_choices);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_score);
	tcase_add_test(tc, test_mood);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_decimal_point);
	tcase_add_test(tc, test_same_and_pick);
	tcase_add_test(tc, test_nomem);
	suite_add_tcase(s, tc);
	tc = tcase_create("words_es");
	tcase_set_tags(tc, "es");
	tcase_add_test(tc, test_pick_spanish);
	tcase_add_test(tc, test_choices_spanish);
	tcase_add_test(tc, test_nomem_spanish);
	suite_add_tcase(s, tc);
	return s;
}
