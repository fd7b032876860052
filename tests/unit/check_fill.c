/* check_fill.c - names filled into guidance lines, and lines without a name. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "poise/fill.h"
#include "poise/playbook.h"
#include "main/suite.h"

static void expect(const char *text, const char *customer, const char *want)
{
	char *got = fill_text(text, customer, "Sam");

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, want) == 0, "'%s' with '%s': got '%s', want '%s'", text,
		      customer ? customer : "(none)", got, want);
	free(got);
}

/* A space before a lone ".", "?" or "!" (an ellipsis "..." is fine). */
static int space_before_mark(const char *s)
{
	for (; (s = strchr(s, ' ')); s++)
		if (strchr(".?!", s[1]) && s[1] && s[2] != '.')
			return 1;
	return 0;
}

/* Nothing a dropped name may leave behind: what a listener would hear as a slip. */
static void reads_cleanly(const char *text)
{
	char *got = fill_text(text, "", "Sam");
	size_t n;

	ck_assert_ptr_nonnull(got);
	n = strlen(got);
	ck_assert_msg(!strstr(got, "{") && !strstr(got, "caller") && !strstr(got, "  ") &&
			      !strstr(got, " ,") && !strstr(got, ",,") && !strstr(got, ", .") &&
			      !space_before_mark(got) && !strstr(got, ",.") && !strstr(got, ",?") &&
			      !strstr(got, ",!") && !strstr(got, "!.") && !strstr(got, "?.") &&
			      (n == 0 || (got[0] != ' ' && got[0] != ',' && got[n - 1] != ' ' &&
					  got[n - 1] != ',')) &&
			      !(got[0] >= 'a' && got[0] <= 'z'),
		      "'%s' without a name reads '%s'", text, got);
	free(got);
}

START_TEST(test_with_name)
{
	expect("That sounds frustrating, {customer}.", "Ms Rivera",
	       "That sounds frustrating, Ms Rivera.");
	expect("I'm {agent}; hello {customer}!", "Zoë", "I'm Sam; hello Zoë!");
	expect("{customer}, {customer}", "Bo", "Bo, Bo");
	expect("no placeholder here", "Bo", "no placeholder here");
	expect("{agent}", "Bo", "Sam");
	expect("{nothing} {customer", "Bo", "{nothing} {customer");
}
END_TEST

START_TEST(test_title_not_twice)
{
	expect("Thank you, Ms {customer}.", "Ms Rivera", "Thank you, Ms Rivera.");
	expect("Thank you, Mr {customer}.", "Rivera", "Thank you, Mr Rivera.");
	expect("Gracias, Sra. {customer}.", "Sra. Gómez", "Gracias, Sra. Gómez.");
	expect("Dr {customer}, welcome.", "Dr Who", "Dr Who, welcome.");
	expect("Thank you, Msx {customer}.", "Ms Rivera", "Thank you, Msx Ms Rivera.");
}
END_TEST

START_TEST(test_drops)
{
	static const char *const cases[][2] = {
		{"That sounds frustrating, {customer}.", "That sounds frustrating."},
		{"What would feel fair to you, {customer}?", "What would feel fair to you?"},
		{"Hold on, {customer}!", "Hold on!"},
		{"I'm sorry, {customer}", "I'm sorry"},
		{"Thanks, {customer}, for waiting.", "Thanks for waiting."},
		{"I'm here, {customer}, and I'm going to help.",
		 "I'm here, and I'm going to help."},
		{"Thanks, {customer}, I hear you.", "Thanks, I hear you."},
		{"I understand, {customer}, that this is hard.", "I understand that this is hard."},
		{"{customer}, I want to help.", "I want to help."},
		{"{customer}, thank you.", "Thank you."},
		{"Hello {customer}!", "Hello!"},
		{"Hello {customer}, how are you?", "Hello, how are you?"},
		{"Right. {customer}, let me check.", "Right. Let me check."},
		{"Okay? {customer}, are you there?", "Okay? Are you there?"},
		{"Thank you, Ms {customer}.", "Thank you."},
		{"Ms {customer}, I hear you.", "I hear you."},
		{"Thank you, Mr. {customer}, for your patience.", "Thank you for your patience."},
		{"Hi {customer}. Sorry, {customer}, one moment.", "Hi. Sorry, one moment."},
		{"Yes, {customer}, my colleague will call.", "Yes, my colleague will call."},
		{"Sí, {customer}, mi compañera le llamará.", "Sí, mi compañera le llamará."},
		{"Sorry, {customer}, for the wait.", "Sorry for the wait."},
		{"¿Vale, {customer}, lo vemos?", "¿Vale, lo vemos?"},
		{"Hi {customer}. Sorry, {customer}, I need a moment.",
		 "Hi. Sorry, I need a moment."},
		{"{customer}, thanks, {customer}.", "Thanks."},
		{"Okay, {customer}, {customer}.", "Okay."},
		{"¿Qué solución le parecería justa, {customer}?",
		 "¿Qué solución le parecería justa?"},
		{"¡Qué situación tan frustrante, {customer}! Lo siento.",
		 "¡Qué situación tan frustrante! Lo siento."},
		{"¿{customer}, cómo está?", "¿Cómo está?"},
		{"{customer}, él está aquí.", "Él está aquí."},
		{"Soy {agent}, {customer}, y voy a ayudarle.", "Soy Sam, y voy a ayudarle."},
		{"Gracias, Sra. {customer}.", "Gracias."},
		{"\"{customer}, sorry.\"", "\"Sorry.\""},
		{"Sorry, {customer}… one moment.", "Sorry… one moment."},
		{"Noted, {customer}; next step.", "Noted; next step."},
		{"{agent} here, {customer}.", "Sam here."},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t off = 99;

		expect(cases[i][0], "", cases[i][1]);
		expect(cases[i][0], NULL, cases[i][1]);
		ck_assert_msg(fill_drops_cleanly(cases[i][0], &off), "'%s' at %zu", cases[i][0],
			      off);
	}
}
END_TEST

/* Where it cannot drop: "the caller" stands in, and lint is told where. */
START_TEST(test_cannot_drop)
{
	static const struct {
		const char *text, *want;
		size_t at;
	} cases[] = {
		{"{customer} has been on hold a while", "The caller has been on hold a while", 0},
		{"Let me help you {customer} with this.", "Let me help you the caller with this.",
		 16},
		{"Tell {customer}'s story back.", "Tell the caller's story back.", 5},
		{"Ms {customer} is waiting.", "The caller is waiting.", 3},
		{"Fine. {customer} is waiting.", "Fine. The caller is waiting.", 6},
		{"Right! {customer}.", "Right! The caller.", 7},
		{"Thanks, {customer}, {customer}.", "Thanks the caller.", 20},
		{"{customer}", "The caller", 0},
		{"{customer}.", "The caller.", 0},
		{"({customer})", "(The caller)", 1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t off = 99;

		expect(cases[i].text, "", cases[i].want);
		ck_assert_msg(!fill_drops_cleanly(cases[i].text, &off), "%s", cases[i].text);
		ck_assert_uint_eq(off, cases[i].at);
	}
	ck_assert(fill_drops_cleanly("no name at all", NULL));
}
END_TEST

/*
 * The class, not the examples: every way a line can put the name beside
 * punctuation, at the start or the end, once or twice, ASCII or not, reads
 * cleanly without it whenever fill_drops_cleanly says it will.
 */
START_TEST(test_every_shape)
{
	static const char *const before[] = {
		"",	   "Thanks, ",	  "Sorry, Ms ", "Hello ",  "Okay. ", "¿",
		"¡Vale, ", "I see, Dr. ", "And ",	"Right! ", "\"",
	};
	static const char *const after[] = {
		"",	   ".",		  "?",	      "!",	    ", I hear you.", ", thanks.",
		"; go on", ": one thing", "… sorry.", ", él sabe.", "?\"",	     " waits.",
	};
	size_t clean = 0;

	for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
		for (size_t a = 0; a < sizeof(after) / sizeof(after[0]); a++)
			for (int twice = 0; twice < 2; twice++) {
				char line[256];

				snprintf(line, sizeof(line), "%s{customer}%s%s%s", before[b],
					 after[a], twice ? " Sorry, {customer}" : "",
					 twice ? after[a] : "");
				if (!fill_drops_cleanly(line, NULL))
					continue;
				clean++;
				reads_cleanly(line);
			}
	ck_assert_uint_gt(clean, 100);
}
END_TEST

/* The shipped playbooks: what they ask the agent to say reads well without a name. */
START_TEST(test_shipped_lines)
{
	static const char *const files[] = {"de-escalation", "billing-dispute", "service-outage",
					    "desescalada"};

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct poise_error err = {0};
		struct playbook *pb = NULL;
		char path[512];

		snprintf(path, sizeof(path), "%s/playbooks/%s.yaml", POISE_SOURCE_DIR, files[f]);
		ck_assert_msg(playbook_load_file(path, &pb, &err) == POISE_OK, "%s", err.msg);
		for (int s = 0; s < STAGE_COUNT; s++)
			for (int sec = SECTION_SAY; sec <= SECTION_ASK; sec++)
				for (size_t i = 0; i < pb->stages[s].section[sec].len; i++)
					reads_cleanly(pb->stages[s].section[sec].items[i]);
		for (int i = 0; i < PLAYBOOK_WARNINGS; i++)
			reads_cleanly(pb->warnings[i]);
		reads_cleanly(pb->manager);
		playbook_free(pb);
	}
}
END_TEST

/* The loader notes each spoken line that reads badly without a name, where its name is. */
START_TEST(test_lint_notes)
{
	static const char text[] =
		"id: t\ntitle: T\nversion: \"1\"\nlanguage: en\nsources: [\"000\"]\nstages:\n"
		"  calm:\n    goal: g\n    tips: [\"{customer} is upset: tips are not said\"]\n"
		"    say:\n      - Let me help you {customer} now.\n"
		"      - \"Thanks, {customer}.\"\n"
		"      - \"¿Y usted {customer} qué piensa?\"\n"
		"    ask: [\"Is {customer} there?\"]\n"
		"    checklist: [c]\n    sources: [\"000\"]\n"
		"  listen: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
		"  empathize: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
		"  clarify: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
		"  inform: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
		"  solve: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
		"  boundary: {goal: g, tips: [t], checklist: [c], sources: [\"000\"],\n"
		"             warnings: [\"{customer}, one\", \"{customer} two\", three]}\n"
		"  follow-up: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
		"causes:\n  - {id: other, label: Other}\n"
		"manager: \"Sure, {customer} gets my supervisor.\"\n"
		"rules:\n  - {id: r1, when: hold, seconds: 45, message: \"{customer} waits\"}\n";
	static const int want[][2] = {{11, 25}, {13, 19}, {14, 15}, {23, 45}, {27, 17}};
	struct poise_error err = {0};
	struct playbook *pb = NULL;

	ck_assert_msg(playbook_load_text(text, sizeof(text) - 1, "t.yaml", &pb, &err) == POISE_OK,
		      "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
	ck_assert_uint_eq(pb->nnotes, 5);
	for (size_t i = 0; i < pb->nnotes; i++) {
		ck_assert_str_eq(pb->notes[i].file, "t.yaml");
		ck_assert_msg(pb->notes[i].line == want[i][0] && pb->notes[i].col == want[i][1],
			      "note %zu at %d:%d: %s", i, pb->notes[i].line, pb->notes[i].col,
			      pb->notes[i].msg);
	}
	ck_assert_ptr_nonnull(strstr(pb->notes[0].msg, "\"Let me help you the caller now.\""));
	playbook_free(pb);
}
END_TEST

Suite *fill_suite(void)
{
	Suite *s = suite_create("fill");
	TCase *tc = tcase_create("fill");

	tcase_add_test(tc, test_with_name);
	tcase_add_test(tc, test_title_not_twice);
	tcase_add_test(tc, test_drops);
	tcase_add_test(tc, test_cannot_drop);
	tcase_add_test(tc, test_every_shape);
	tcase_add_test(tc, test_shipped_lines);
	tcase_add_test(tc, test_lint_notes);
	suite_add_tcase(s, tc);
	return s;
}
