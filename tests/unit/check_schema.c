/*
 * check_schema.c - the shipped playbooks, playbooks/schema.json and the
 * loader agree: every shipped playbook loads and validates, every broken
 * variant is rejected by both, the guidance stays glanceable (90 code
 * points at most) and traceable (sources on every stage), and no six-word
 * run is copied from the guides in ../shared/seeds.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/json.h"
#include "poise/playbook.h"
#include "poise/scenario.h"
#include "main/suite.h"

#define MAX_SHIPPED    32
#define ITEM_MAX_CHARS 90
#define COPY_RUN_WORDS 6
#define SCHEMA_LINE    "# yaml-language-server: $schema=schema.json\n"

struct shipped {
	char *path[MAX_SHIPPED];
	size_t len;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every DIR/NAME.yaml (playbooks/ or scenarios/), sorted, as full paths. */
static void shipped_in(struct shipped *s, const char *dir)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", POISE_SOURCE_DIR, dir);
	ck_assert_ptr_nonnull(d = opendir(path));
	s->len = 0;
	while ((de = readdir(d))) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0)
			continue;
		ck_assert_uint_lt(s->len, MAX_SHIPPED);
		s->path[s->len] = malloc(strlen(path) + n + 2);
		ck_assert_ptr_nonnull(s->path[s->len]);
		sprintf(s->path[s->len++], "%s/%s", path, de->d_name);
	}
	closedir(d);
	qsort(s->path, s->len, sizeof(s->path[0]), by_name);
}

static void shipped_list(struct shipped *s)
{
	shipped_in(s, "playbooks");
	/* the default, two scenarios and one in another language at least */
	ck_assert_uint_ge(s->len, 4);
}

static void shipped_free(struct shipped *s)
{
	while (s->len)
		free(s->path[--s->len]);
}

static char *slurp(const char *path, size_t *len)
{
	char *text = read_whole_file(path, len);

	ck_assert_msg(text != NULL, "cannot read %s", path);
	return text;
}

static struct json *load_schema_of(const char *dir)
{
	char err[256], path[4096];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/%s/schema.json", POISE_SOURCE_DIR, dir);
	text = slurp(path, &len);
	struct json *schema = json_parse(text, len, err, sizeof(err));

	ck_assert_msg(schema != NULL, "%s: %s", path, err);
	free(text);
	return schema;
}

static struct json *load_schema(void)
{
	return load_schema_of("playbooks");
}

/* 0 when the YAML text passes the schema; else the error count (message in err). */
static int schema_errors(const struct json *schema, const char *text, size_t len, char *err,
			 size_t errlen)
{
	struct json *tree = json_from_yaml(text, len, err, errlen);
	int errors;

	if (!tree)
		return 1;
	errors = json_schema_validate(schema, tree, err, errlen);
	json_free(tree);
	return errors;
}

START_TEST(test_shipped_load)
{
	struct shipped s;
	size_t i, len;

	shipped_list(&s);
	for (i = 0; i < s.len; i++) {
		struct playbook *pb = NULL, *pb2 = NULL;
		struct poise_error err;
		const char *base = strrchr(s.path[i], '/') + 1;
		char *text = slurp(s.path[i], &len);

		poise_error_clear(&err);
		ck_assert_msg(playbook_load_file(s.path[i], &pb, &err) == POISE_OK, "%s:%d:%d: %s",
			      err.file, err.line, err.col, err.msg);
		ck_assert_msg(playbook_load_text(text, len, base, &pb2, &err) == POISE_OK,
			      "%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
		/* the file is named after its id, so `--playbook ID` is unsurprising */
		ck_assert_int_eq(strncmp(base, pb->id, strlen(pb->id)), 0);
		ck_assert_str_eq(base + strlen(pb->id), ".yaml");
		ck_assert_str_eq(pb->hash, pb2->hash);
		ck_assert_ptr_nonnull(pb->warnings[PLAYBOOK_WARNINGS - 1]);
		playbook_free(pb);
		playbook_free(pb2);
		free(text);
	}
	shipped_free(&s);
}
END_TEST

START_TEST(test_shipped_validate_against_schema)
{
	struct json *schema = load_schema();
	struct shipped s;
	char err[512];
	size_t i, len;

	shipped_list(&s);
	for (i = 0; i < s.len; i++) {
		char *text = slurp(s.path[i], &len);

		ck_assert_msg(schema_errors(schema, text, len, err, sizeof(err)) == 0, "%s: %s",
			      s.path[i], err);
		ck_assert_msg(!strncmp(text, SCHEMA_LINE, strlen(SCHEMA_LINE)),
			      "%s: first line should point editors at schema.json", s.path[i]);
		free(text);
	}
	shipped_free(&s);
	json_free(schema);
}
END_TEST

static void check_items(const char *path, const char *what, char *const *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(utf8_codepoints(items[i]) <= ITEM_MAX_CHARS,
			      "%s: %s item longer than %d characters: %s", path, what,
			      ITEM_MAX_CHARS, items[i]);
}

START_TEST(test_shipped_items_short_and_sourced)
{
	struct shipped s;
	size_t i, k;
	int st, sec;

	shipped_list(&s);
	for (i = 0; i < s.len; i++) {
		struct playbook *pb = NULL;
		struct poise_error err;

		ck_assert_int_eq(playbook_load_file(s.path[i], &pb, &err), POISE_OK);
		for (st = 0; st < STAGE_COUNT; st++) {
			const struct pb_stage *stage = &pb->stages[st];

			for (sec = 0; sec < SECTION_COUNT; sec++)
				check_items(s.path[i], section_key(sec), stage->section[sec].items,
					    stage->section[sec].len);
			ck_assert_msg(stage->sources.len > 0, "%s: stage %s has no sources",
				      s.path[i], stage_key(st));
			/* a stage only cites guides the playbook itself lists */
			for (k = 0; k < stage->sources.len; k++) {
				size_t j;

				for (j = 0; j < pb->sources.len; j++)
					if (!strcmp(stage->sources.items[k], pb->sources.items[j]))
						break;
				ck_assert_msg(j < pb->sources.len, "%s: %s cites %s", s.path[i],
					      stage_key(st), stage->sources.items[k]);
			}
		}
		check_items(s.path[i], "warnings", pb->warnings, PLAYBOOK_WARNINGS);
		playbook_free(pb);
	}
	shipped_free(&s);
}
END_TEST

/* The built-in default is the shipped file, and carries the agreed rules. */
START_TEST(test_default_playbook)
{
	static const char *const causes[] = {"billing", "product",  "service",
					     "policy",	"delivery", "other"};
	struct playbook *pb = NULL;
	struct poise_error err;
	size_t len, i;
	char *text = slurp(POISE_SOURCE_DIR "/playbooks/de-escalation.yaml", &len);
	const struct pb_rule *r;

	ck_assert_uint_eq(poise_default_playbook_len, len);
	ck_assert_int_eq(memcmp(poise_default_playbook, text, len), 0);
	free(text);
	ck_assert_msg(playbook_load_default(&pb, &err) == POISE_OK, "%d:%d: %s", err.line, err.col,
		      err.msg);
	ck_assert_str_eq(pb->id, "de-escalation");
	ck_assert_uint_eq(pb->ncauses, 6);
	for (i = 0; i < 6; i++)
		ck_assert_str_eq(pb->causes[i].id, causes[i]);
	ck_assert_uint_eq(pb->nrules, 5);
	r = pb->rules;
	/* escalation waits past listen's time to vent (item 4 of issue 14) */
	ck_assert(r[0].kind == RULE_MOOD && r[0].mood == 5 && r[0].seconds == 240);
	ck_assert_int_ge(r[0].seconds, pb->stages[STAGE_LISTEN].timebox);
	ck_assert(r[0].cooldown == 600 && r[0].action == ACTION_ESCALATE);
	ck_assert(r[1].kind == RULE_HOLD && r[1].seconds == 45 && r[1].repeat == 60);
	ck_assert_int_eq(r[1].action, ACTION_END_HOLD);
	ck_assert(r[2].kind == RULE_BOUNDARY && r[2].count == 2 && r[2].action == ACTION_BOUNDARY);
	ck_assert(r[3].kind == RULE_TIMEBOX && r[3].action == ACTION_NEXT_STAGE);
	ck_assert(r[4].kind == RULE_MANAGER && r[4].action == ACTION_ESCALATE);
	/* the timebox rule needs stages with a timebox to watch, but not calm's */
	ck_assert_int_gt(pb->stages[STAGE_LISTEN].timebox, 0);
	ck_assert_int_eq(pb->stages[STAGE_CALM].timebox, 0);
	for (i = 0; i < pb->nrules; i++)
		ck_assert_msg(pb->rules[i].why != NULL, "rule %s has no why", pb->rules[i].id);
	playbook_free(pb);
}
END_TEST

/* The Spanish playbook keeps its accents, ñ, ¿ and ¡ through the loader. */
START_TEST(test_utf8_playbook)
{
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_int_eq(
		playbook_load_file(POISE_SOURCE_DIR "/playbooks/desescalada.yaml", &pb, &err),
		POISE_OK);
	ck_assert_str_eq(pb->language, "es");
	ck_assert_ptr_nonnull(strstr(pb->text, "ñ"));
	ck_assert_ptr_nonnull(strstr(pb->stages[STAGE_CALM].section[SECTION_TIPS].items[2], "¿"));
	ck_assert_ptr_nonnull(
		strstr(pb->stages[STAGE_EMPATHIZE].section[SECTION_SAY].items[0], "¡"));
	ck_assert_str_eq(pb->causes[0].label, "Facturación");
	playbook_free(pb);
}
END_TEST

/*
 * Broken variants of the default playbook: each must be refused by the
 * loader and by the schema, each for the intended reason: both messages
 * must mention `says`. REPLACE swaps the one occurrence of a for b; CUT
 * removes the text from a up to (not including) the next b.
 */
enum edit { REPLACE, CUT };

struct variant {
	const char *name;
	enum edit edit;
	const char *a;
	const char *b;
	const char *says; /* both the loader's and the schema's message name this */
};

static const struct variant variants[] = {
	{"unknown top-level key", REPLACE, "\ntitle: ", "\ncolour: red\ntitle: ", "colour"},
	{"unknown stage key", REPLACE, "    goal: Steady yourself",
	 "    tipz:\n      - x\n    goal: Steady yourself", "tipz"},
	{"unknown rule key", REPLACE, "    mood: 5\n", "    mood: 5\n    level: 5\n", "level"},
	{"timebox not an integer", REPLACE, "timebox: 120\n", "timebox: sixty\n", "timebox"},
	{"goal is a list", REPLACE, "    goal: Steady yourself before you reply\n",
	 "    goal:\n      - Steady yourself\n", "goal"},
	{"tips empty", CUT, "      - Breathe in slowly", "    say:\n", "tips"},
	{"sources is a string", REPLACE,
	 "\nsources: [\"000\", \"001\", \"002\", \"003\", \"004\"]\n", "\nsources: \"000\"\n",
	 "sources"},
	{"stage missing", CUT, "  listen:\n", "  empathize:\n", "listen"},
	{"goal missing", REPLACE, "    goal: Get the full facts and confirm them\n", "", "goal"},
	{"checklist missing", CUT, "    checklist:\n      - Explained the cause",
	 "    timebox: 120\n", "checklist"},
	{"stage sources missing", REPLACE, "    sources: [\"000\", \"002\", \"003\"]\n", "",
	 "sources"},
	{"causes missing", CUT, "causes:\n", "rules:\n", "causes"},
	{"empty list", REPLACE,
	 "    avoid:\n      - Blaming another team or the customer\n"
	 "      - Hiding behind \"that's our policy\"\n",
	 "    avoid: []\n", "avoid"},
	{"title missing", REPLACE, "title: De-escalating an angry caller\n", "", "title"},
	{"mood rule with repeat", REPLACE, "    seconds: 240\n",
	 "    seconds: 240\n    repeat: 30\n", "repeat"},
	{"mood rule without seconds", REPLACE, "    seconds: 240\n", "", "seconds"},
	{"mood rule without mood", REPLACE, "    mood: 5\n", "", "mood"},
	{"hold rule with count", REPLACE, "    repeat: 60\n", "    repeat: 60\n    count: 2\n",
	 "count"},
	{"hold rule with mood", REPLACE, "    repeat: 60\n", "    repeat: 60\n    mood: 3\n",
	 "mood"},
	{"hold rule without seconds", REPLACE, "    seconds: 45\n", "", "seconds"},
	{"boundary rule without count", REPLACE, "    count: 2\n", "", "count"},
	{"boundary rule with seconds", REPLACE, "    count: 2\n", "    count: 2\n    seconds: 9\n",
	 "seconds"},
	{"timebox rule with mood", REPLACE, "    when: stage-timebox\n",
	 "    when: stage-timebox\n    mood: 4\n", "mood"},
	{"manager rule with seconds", REPLACE, "    when: manager-asked\n",
	 "    when: manager-asked\n    seconds: 10\n", "seconds"},
	{"unknown rule kind", REPLACE, "when: manager-asked", "when: manager-shouted", "when"},
	{"rule without message", REPLACE,
	 "    message: Over time here; at their next pause, sum up and move on\n", "", "message"},
	{"unknown action", REPLACE, "action: next-stage", "action: panic", "action"},
	{"mood out of range", REPLACE, "    mood: 5\n", "    mood: 6\n", "mood"},
	{"count out of range", REPLACE, "    count: 2\n", "    count: 4\n", "count"},
	{"cooldown negative", REPLACE, "cooldown: 600", "cooldown: -1", "cooldown"},
	{"timebox too long", REPLACE, "timebox: 300", "timebox: 4000", "timebox"},
	{"timebox zero", REPLACE, "timebox: 180\n    timebox-why: >-\n      Most",
	 "timebox: 0\n    timebox-why: >-\n      Most", "timebox"},
	{"fourth warning", REPLACE, "call us back later.\"\n",
	 "call us back later.\"\n      - \"Goodbye.\"\n", "warnings"},
	{"two warnings", CUT, "      - \"{customer}, I'm ending", "    sources:", "warnings"},
	{"warnings outside boundary", REPLACE, "    timebox: 120\n",
	 "    timebox: 120\n    warnings: [a, b, c]\n", "warnings"},
	{"timebox-why without timebox", REPLACE, "      - Said sorry for the trouble\n",
	 "      - Said sorry for the trouble\n    timebox-why: because\n", "timebox"},
	{"why is a list", REPLACE, "    why: >-\n      Once a caller",
	 "    why: [a]\n    x: >-\n      Once a caller", "why"},
	{"add in a whole playbook", REPLACE, "      - Said sorry for the trouble\n",
	 "      - Said sorry for the trouble\n    add: {tips: [x]}\n", "add"},
	{"boundary without warnings", CUT, "    warnings:\n", "    sources:", "warnings"},
	{"unknown placeholder", REPLACE, "\"{customer}, I'm here", "\"{client}, I'm here",
	 "{client}"},
	{"bad playbook id", REPLACE, "id: de-escalation", "id: De_Escalation", "De_Escalation"},
	{"playbook id too long", REPLACE, "id: de-escalation",
	 "id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "64"},
	{"bad language", REPLACE, "language: en", "language: English", "English"},
	{"bad guide number", REPLACE, "    sources: [\"000\", \"001\"]\n", "    sources: [\"0\"]\n",
	 "'0'"},
	{"bad cause id", REPLACE, "  - id: billing", "  - id: Billing!", "Billing!"},
	{"cause without label", REPLACE, "    label: Billing\n", "", "label"},
	{"bad rule id", REPLACE, "  - id: stage-long", "  - id: stage long", "stage long"},
};

/* The default's text with the variant's edit applied (free it). */
static char *variant_apply(const struct variant *v, const char *base)
{
	const char *a = strstr(base, v->a), *end;
	size_t n = strlen(base), blen = v->edit == REPLACE ? strlen(v->b) : 0;
	char *out;

	ck_assert_msg(a != NULL, "variant '%s': text not found", v->name);
	ck_assert_msg(strstr(a + 1, v->a) == NULL, "variant '%s': text not unique", v->name);
	if (v->edit == REPLACE) {
		end = a + strlen(v->a);
	} else {
		end = v->b[0] ? strstr(a, v->b) : base + n;
		ck_assert_msg(end != NULL, "variant '%s': end not found", v->name);
	}
	out = malloc(n + blen + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, base, a - base);
	memcpy(out + (a - base), v->b, blen);
	strcpy(out + (a - base) + blen, end);
	return out;
}

/* The file playbooks/NAME with v's edit: refused by the loader and the schema, for v's reason. */
static void expect_rejected_by_both(const struct variant *v, const char *name)
{
	struct json *schema = load_schema();
	struct playbook *pb = NULL;
	struct poise_error err;
	char msg[512], path[4096];
	size_t len;
	char *base, *text;

	snprintf(path, sizeof(path), "%s/playbooks/%s", POISE_SOURCE_DIR, name);
	base = slurp(path, &len);
	text = variant_apply(v, base);
	poise_error_clear(&err);
	ck_assert_msg(playbook_load_text(text, strlen(text), "variant.yaml", &pb, &err) != POISE_OK,
		      "loader accepted variant '%s'", v->name);
	ck_assert_ptr_null(pb);
	ck_assert_msg(err.line > 0 && err.msg[0], "variant '%s': error without a place", v->name);
	ck_assert_msg(strstr(err.msg, v->says), "variant '%s': loader said %s", v->name, err.msg);
	ck_assert_msg(schema_errors(schema, text, strlen(text), msg, sizeof(msg)) > 0,
		      "schema accepted variant '%s'", v->name);
	ck_assert_msg(strstr(msg, v->says), "variant '%s': schema said %s", v->name, msg);
	free(text);
	free(base);
	json_free(schema);
}

START_TEST(test_broken_variant_rejected_by_both)
{
	expect_rejected_by_both(&variants[_i], "de-escalation.yaml");
}
END_TEST

/* Broken variants of a scenario that extends the default: refused by both too. */
static const struct variant scenario_variants[] = {
	{"add to warnings", REPLACE, "      tips:\n        - Open their latest bill",
	 "      warnings:\n        - Open their latest bill", "warnings"},
	{"remove sources", REPLACE, "    remove:\n      ask:", "    remove:\n      sources:",
	 "sources"},
	{"unknown key in add", REPLACE, "      checklist:\n        - Billing error",
	 "      checklst:\n        - Billing error", "checklst"},
	{"extends not an id", REPLACE, "extends: de-escalation", "extends: De Escalation",
	 "De Escalation"},
	{"extending without a version", REPLACE, "version: \"2.0\"\n", "", "version"},
	{"add outside a stage", REPLACE, "\nstages:\n", "\nadd: {tips: [x]}\nstages:\n", "add"},
};

START_TEST(test_broken_scenario_rejected_by_both)
{
	expect_rejected_by_both(&scenario_variants[_i], "billing-dispute.yaml");
}
END_TEST

/* Every key the schema describes has a description, for editor hovers. */
static void check_described(const struct json *schema, const char *where)
{
	const struct json *props = json_get(schema, "properties");
	const struct json *defs = json_get(schema, "$defs");
	size_t i;

	for (i = 0; props && i < props->len; i++) {
		const struct json *p = props->items[i];

		if (p->type == JSON_BOOL) /* `false`: the key is forbidden here */
			continue;
		ck_assert_msg(json_get(p, "description") != NULL, "%s: '%s' has no description",
			      where, props->keys[i]);
		check_described(p, props->keys[i]);
	}
	for (i = 0; defs && i < defs->len; i++)
		check_described(defs->items[i], defs->keys[i]);
}

START_TEST(test_schema_describes_every_key)
{
	struct json *schema = load_schema();

	check_described(schema, "schema.json");
	ck_assert_ptr_nonnull(json_get(json_get(schema, "$defs"), "rule"));
	json_free(schema);
}
END_TEST

/*
 * No six-word run of the guides in ../shared/seeds appears in a shipped
 * playbook: words are runs of letters (ASCII and Latin), lowercased, and
 * everything else separates them, so punctuation and quotes cannot hide a
 * copy.
 */
#define SEEDS_DIR POISE_SOURCE_DIR "/../shared/seeds"

/* Decode one UTF-8 sequence at *p (advancing it); invalid bytes give 0. */
static unsigned long next_codepoint(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned long cp;
	int more, i;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	more = s[0] >= 0xF0 ? 3 : s[0] >= 0xE0 ? 2 : s[0] >= 0xC0 ? 1 : 0;
	cp = s[0] & (0x3F >> more);
	for (i = 1; i <= more; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p += i;
			return 0;
		}
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*p += more + 1;
	return more ? cp : 0;
}

/* text as lowercase words, each followed by one space, with a leading space. */
static char *words_of(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	char *out = malloc(strlen(text) * 2 + 2), *o = out;
	int in_word = 0;

	ck_assert_ptr_nonnull(out);
	*o++ = ' ';
	while (*p) {
		unsigned long cp = next_codepoint(&p);
		int upper = (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7);
		int letter = upper || (cp >= 'a' && cp <= 'z') ||
			     (cp >= 0xDF && cp <= 0x24F && cp != 0xF7);

		if (!letter) {
			if (in_word)
				*o++ = ' ';
			in_word = 0;
			continue;
		}
		if (upper)
			cp += 0x20;
		if (cp < 0x80) {
			*o++ = (char)cp;
		} else {
			*o++ = (char)(0xC0 | (cp >> 6));
			*o++ = (char)(0x80 | (cp & 0x3F));
		}
		in_word = 1;
	}
	if (in_word)
		*o++ = ' ';
	*o = '\0';
	return out;
}

/* The first run of COPY_RUN_WORDS words of `words` that occurs in `seeds`, or NULL. */
static char *copied_run(const char *words, const char *seeds)
{
	const char *start = words;

	while (*start) {
		const char *end = start;
		int n;
		char *run;

		for (n = 0; n < COPY_RUN_WORDS && end; n++)
			end = strchr(end + 1, ' ');
		if (!end)
			return NULL;
		/* start and end both point at a space: " w1 ... w6 " */
		run = strndup(start, (size_t)(end - start) + 1);
		ck_assert_ptr_nonnull(run);
		if (strstr(seeds, run))
			return run;
		free(run);
		start = strchr(start + 1, ' ');
	}
	return NULL;
}

/* All the seed guides as one word list, or NULL when the folder is absent. */
static char *seed_words(void)
{
	DIR *d = opendir(SEEDS_DIR);
	struct dirent *de;
	char *all = calloc(1, 1), *words;
	size_t len = 0;

	ck_assert_ptr_nonnull(all);
	if (!d) {
		free(all);
		return NULL;
	}
	while ((de = readdir(d))) {
		char path[4096];
		char *text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", SEEDS_DIR, de->d_name);
		text = slurp(path, NULL);
		words = words_of(text);
		all = realloc(all, len + strlen(words) + 1);
		ck_assert_ptr_nonnull(all);
		strcpy(all + len, words);
		len += strlen(words);
		free(words);
		free(text);
	}
	closedir(d);
	ck_assert_uint_gt(len, 0);
	return all;
}

/* The matcher itself: a run lifted from a seed, re-punctuated, is found. */
START_TEST(test_seed_matcher_finds_a_copy)
{
	char *seeds = words_of("Keep calm. Breathe deeply, and don't take it personally!");
	char *mine = words_of("Tip: \xe2\x80\x9c"
			      "BREATHE deeply \xe2\x80\x94 and don\xe2\x80\x99t"
			      " take it\xe2\x80\x9d, really");
	char *fine = words_of("Breathe deeply and do not take it personally");
	char *run = copied_run(mine, seeds);

	ck_assert_ptr_nonnull(run);
	ck_assert_str_eq(run, " breathe deeply and don t take ");
	ck_assert_ptr_null(copied_run(fine, seeds));
	free(run);
	run = words_of("¿Ñandú? ÉL");
	ck_assert_str_eq(run, " ñandú él ");
	free(run);
	free(seeds);
	free(mine);
	free(fine);
}
END_TEST

START_TEST(test_no_copied_seed_runs)
{
	char *seeds = seed_words();
	struct shipped s;
	size_t i;

	ck_assert_msg(seeds != NULL, "%s not found", SEEDS_DIR);
	shipped_list(&s);
	for (i = 0; i < s.len; i++) {
		char *text = slurp(s.path[i], NULL);
		char *words = words_of(text);
		char *run = copied_run(words, seeds);

		ck_assert_msg(run == NULL, "%s copies the guides:%s", s.path[i], run);
		free(words);
		free(text);
	}
	shipped_free(&s);
	shipped_in(&s, "scenarios");
	ck_assert_uint_ge(s.len, 5);
	for (i = 0; i < s.len; i++) {
		char *text = slurp(s.path[i], NULL);
		char *words = words_of(text);
		char *run = copied_run(words, seeds);

		ck_assert_msg(run == NULL, "%s copies the guides:%s", s.path[i], run);
		free(words);
		free(text);
	}
	shipped_free(&s);
	free(seeds);
}
END_TEST

/* Every shipped scenario loads, validates against scenarios/schema.json, points editors at it. */
START_TEST(test_scenarios_validate_against_schema)
{
	struct json *schema = load_schema_of("scenarios");
	struct shipped s;
	char err[512];
	size_t i, len;

	check_described(schema, "scenarios/schema.json");
	shipped_in(&s, "scenarios");
	ck_assert_uint_ge(s.len, 5);
	for (i = 0; i < s.len; i++) {
		char *text = slurp(s.path[i], &len);
		struct scenario *sc = NULL;
		struct poise_error perr;
		const char *base = strrchr(s.path[i], '/') + 1;

		ck_assert_msg(scenario_load_file(s.path[i], &sc, &perr) == POISE_OK,
			      "%s:%d:%d: %s", perr.file, perr.line, perr.col, perr.msg);
		ck_assert_int_eq(strncmp(base, sc->id, strlen(sc->id)), 0);
		ck_assert_str_eq(base + strlen(sc->id), ".yaml");
		ck_assert_msg(schema_errors(schema, text, len, err, sizeof(err)) == 0, "%s: %s",
			      s.path[i], err);
		ck_assert_msg(!strncmp(text, SCHEMA_LINE, strlen(SCHEMA_LINE)),
			      "%s: first line should point editors at schema.json", s.path[i]);
		scenario_free(sc);
		free(text);
	}
	shipped_free(&s);
	json_free(schema);
}
END_TEST

/* Broken scenarios: the loader and the schema both refuse each. */
static const char *const scenario_head = "id: t\ntitle: T\nlanguage: en\ncustomer:\n  name: K\n"
					 "situation: S\nmood: 3\nopening: o\nreactions:\n";
static const char *const broken_scenarios[] = {
	"  - id: a\n    when: enter\n    line: x\n",
	"  - id: a\n    when: warning\n    line: x\n",
	"  - id: a\n    when: hold\n    line: x\n",
	"  - id: a\n    when: said\n    seconds: 4\n    line: x\n",
	"  - id: a\n    when: said\n    mood: 5\n    line: x\n",
	"  - id: a\n    when: said\n    stage: lunch\n    line: x\n",
	"  - id: a\n    when: shout\n    line: x\n",
	"  - id: a\n    when: said\n    line: \"{caller}\"\n",
	"  - id: a\n    when: said\n    line: x\n    extra: 1\n",
	"  - id: a\n    when: hold\n    seconds: 0\n    line: x\n",
	"  []\n",
};

START_TEST(test_broken_scenarios_rejected_by_both)
{
	struct json *schema = load_schema_of("scenarios");
	struct scenario *sc = NULL;
	struct poise_error perr;
	char text[1024], err[512];

	snprintf(text, sizeof(text), "%s%s", scenario_head, broken_scenarios[_i]);
	ck_assert_msg(scenario_load_text(text, strlen(text), "b.yaml", &sc, &perr) != POISE_OK,
		      "loader took case %d", _i);
	ck_assert_msg(schema_errors(schema, text, strlen(text), err, sizeof(err)) > 0,
		      "schema took case %d", _i);
	snprintf(text, sizeof(text), "%s%s", scenario_head,
		 "  - id: a\n    when: enter\n    stage: solve\n    before: listen\n"
		 "    mood: -2\n    line: x\n");
	ck_assert_msg(scenario_load_text(text, strlen(text), "g.yaml", &sc, &perr) == POISE_OK,
		      "%s", perr.msg);
	ck_assert_msg(schema_errors(schema, text, strlen(text), err, sizeof(err)) == 0, "%s", err);
	scenario_free(sc);
	json_free(schema);
}
END_TEST

Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("shipped");

	tcase_add_test(tc, test_shipped_load);
	tcase_add_test(tc, test_shipped_validate_against_schema);
	tcase_add_test(tc, test_shipped_items_short_and_sourced);
	tcase_add_test(tc, test_default_playbook);
	tcase_add_test(tc, test_utf8_playbook);
	tcase_add_loop_test(tc, test_broken_variant_rejected_by_both, 0,
			    sizeof(variants) / sizeof(variants[0]));
	tcase_add_loop_test(tc, test_broken_scenario_rejected_by_both, 0,
			    sizeof(scenario_variants) / sizeof(scenario_variants[0]));
	tcase_add_test(tc, test_schema_describes_every_key);
	tcase_add_test(tc, test_scenarios_validate_against_schema);
	tcase_add_loop_test(tc, test_broken_scenarios_rejected_by_both, 0,
			    (int)(sizeof(broken_scenarios) / sizeof(broken_scenarios[0])));
	tcase_add_test(tc, test_seed_matcher_finds_a_copy);
	suite_add_tcase(s, tc);
	/* Needs the guides beside the repository (check_schema_seeds). */
	tc = tcase_create("seeds");
	tcase_set_tags(tc, "seeds");
	tcase_add_test(tc, test_no_copied_seed_runs);
	suite_add_tcase(s, tc);
	return s;
}
