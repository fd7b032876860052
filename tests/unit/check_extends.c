/*
 * check_extends.c - playbooks that build on another (`extends:`).
 *
 * The rules per stage (a key replaces, `add` appends, `remove` takes out by
 * exact text), rules merged by id, the errors (cycle, missing parent, depth,
 * a line to remove that the parent lacks, a language that differs), the
 * resolved text (it loads back to the same playbook, its hash is its own,
 * it is what the store keeps) and parents found on the search path before
 * the built-in one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers/fixture_dir.h"
#include "main/suite.h"
#include "poise/pbpath.h"
#include "poise/playbook.h"
#include "poise/sha256.h"
#include "poise/store.h"

/* A parent small enough to read in the test: two tips, one say line, two rules. */
static const char parent_text[] =
	"id: parent\n"
	"title: Parent\n"
	"version: \"1\"\n"
	"language: en-GB\n"
	"sources: [\"000\", \"001\"]\n"
	"stages:\n"
	"  calm: {goal: g, tips: [tip one, tip two], say: [\"Hello, {customer}.\"], "
	"checklist: [c], timebox: 60, timebox-why: a minute, sources: [\"000\"]}\n"
	"  listen: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  empathize: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  clarify: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  inform: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  solve: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"  boundary: {goal: g, tips: [t], checklist: [c], sources: [\"000\"], warnings: [w1, w2, "
	"w3]}\n"
	"  follow-up: {goal: g, tips: [t], checklist: [c], sources: [\"000\"]}\n"
	"manager: \"Of course, {customer}. My supervisor is on the way.\"\n"
	"causes:\n"
	"  - {id: other, label: Other}\n"
	"rules:\n"
	"  - {id: hold, when: hold, seconds: 45, message: m, why: y}\n"
	"  - {id: mgr, when: manager-asked, message: manager}\n";

/* An in-memory finder: ids to texts, and how often it was asked. */
struct mem {
	const char *id[6];
	const char *text[6];
	int asked;
};

static enum poise_status mem_find(void *ctx, const char *id, struct playbook **out,
				  struct poise_error *err)
{
	struct mem *m = ctx;

	m->asked++;
	for (int i = 0; i < 6 && m->id[i]; i++)
		if (!strcmp(m->id[i], id))
			return playbook_parse_text(m->text[i], strlen(m->text[i]), m->id[i], out,
						   err);
	return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0, "no playbook '%s' in memory", id);
}

static struct mem parents = {{"parent"}, {parent_text}, 0};

static struct playbook *load_ok(const char *text)
{
	struct pb_finder f = {mem_find, &parents};
	struct playbook *pb = NULL;
	struct poise_error err;

	ck_assert_msg(playbook_load_text_with(text, strlen(text), "child.yaml", &f, &pb, &err) ==
			      POISE_OK,
		      "%d:%d: %s", err.line, err.col, err.msg);
	ck_assert_ptr_null(pb->overlay);
	return pb;
}

static void load_fails(const struct pb_finder *f, const char *text, const char *msg, int line,
		       int col)
{
	struct playbook *pb = (struct playbook *)&pb;
	struct poise_error err;

	ck_assert_int_ne(playbook_load_text_with(text, strlen(text), "child.yaml", f, &pb, &err),
			 POISE_OK);
	ck_assert_ptr_null(pb);
	ck_assert_msg(strstr(err.msg, msg), "message '%s' lacks '%s'", err.msg, msg);
	ck_assert_msg(err.line == line && err.col == col, "at %d:%d, want %d:%d (%s)", err.line,
		      err.col, line, col, err.msg);
}

#define CHILD_HEAD "id: child\ntitle: Child\nversion: \"2\"\nextends: parent\n"

START_TEST(test_add_replace_remove)
{
	struct playbook *pb = load_ok(
		CHILD_HEAD "stages:\n"
			   "  calm:\n"
			   "    goal: new goal\n"
			   "    remove: {tips: [tip one]}\n"
			   "    add: {tips: [tip three], ask: [\"Why?\"], sources: [\"001\", "
			   "\"000\"]}\n"
			   "  solve:\n"
			   "    tips: [only this]\n"
			   "    timebox: 90\n");
	const struct pb_stage *calm = &pb->stages[STAGE_CALM];

	ck_assert_str_eq(pb->id, "child");
	ck_assert_str_eq(pb->title, "Child");
	ck_assert_str_eq(pb->extends, "parent");
	ck_assert_str_eq(pb->language, "en-GB"); /* inherited */
	ck_assert_str_eq(calm->goal, "new goal");
	ck_assert_uint_eq(calm->section[SECTION_TIPS].len, 2);
	ck_assert_str_eq(calm->section[SECTION_TIPS].items[0], "tip two");
	ck_assert_str_eq(calm->section[SECTION_TIPS].items[1], "tip three");
	ck_assert_str_eq(calm->section[SECTION_SAY].items[0], "Hello, {customer}.");
	ck_assert_str_eq(calm->section[SECTION_ASK].items[0], "Why?");
	ck_assert_uint_eq(calm->sources.len, 2); /* "000" not added twice */
	ck_assert_int_eq(calm->timebox, 60);
	ck_assert_str_eq(calm->timebox_why, "a minute");
	ck_assert_uint_eq(pb->stages[STAGE_SOLVE].section[SECTION_TIPS].len, 1);
	ck_assert_int_eq(pb->stages[STAGE_SOLVE].timebox, 90);
	ck_assert_str_eq(pb->warnings[2], "w3");
	ck_assert_uint_eq(pb->nrules, 2);
	/* positions are this file's: calm is on line 6, listen was not written */
	ck_assert_int_eq(calm->at.line, 6);
	ck_assert_int_eq(pb->stages[STAGE_LISTEN].at.line, 0);
	ck_assert_int_eq(pb->extends_at.line, 4);
	ck_assert(pb->id_at.line == 1 && pb->id_at.col == 5); /* lint's duplicate-id error */
	playbook_free(pb);
}
END_TEST

/* The manager line: inherited unless the child writes its own, which replaces it. */
START_TEST(test_manager_line)
{
	struct playbook *kept = load_ok(CHILD_HEAD),
			*own = load_ok(CHILD_HEAD "manager: \"Yes, {customer}: my supervisor joins "
						  "us now.\"\n"),
			*again = NULL;
	struct poise_error err;

	ck_assert_str_eq(kept->manager, "Of course, {customer}. My supervisor is on the way.");
	ck_assert_int_eq(kept->manager_at.line, 0); /* inherited: lint points at extends */
	ck_assert_str_eq(own->manager, "Yes, {customer}: my supervisor joins us now.");
	ck_assert_int_eq(own->manager_at.line, 5);
	/* the resolved text carries it, so a replay shows the same line */
	ck_assert_int_eq(playbook_load_text(own->text, own->text_len, "stored", &again, &err),
			 POISE_OK);
	ck_assert_str_eq(again->manager, own->manager);
	playbook_free(again);
	playbook_free(kept);
	playbook_free(own);
}
END_TEST

START_TEST(test_rules_merge_by_id)
{
	struct playbook *pb =
		load_ok(CHILD_HEAD "rules:\n"
				   "  - {id: mgr, when: manager-asked, message: now}\n"
				   "  - {id: new, when: boundary-warnings, count: 1, "
				   "message: one}\n"
				   "causes: [{id: billing, label: Billing}]\n");

	ck_assert_uint_eq(pb->nrules, 3);
	ck_assert_str_eq(pb->rules[0].id, "hold");
	ck_assert_str_eq(pb->rules[1].id, "mgr");
	ck_assert_str_eq(pb->rules[1].message, "now");
	ck_assert_str_eq(pb->rules[2].id, "new");
	ck_assert_int_eq(pb->rules[0].at.line, 0);
	ck_assert_int_eq(pb->rules[1].at.line, 6);
	ck_assert_uint_eq(pb->ncauses, 1);
	ck_assert_str_eq(pb->causes[0].id, "billing");
	playbook_free(pb);
}
END_TEST

/* Each error: the child text, the message, where. */
static const struct bad {
	const char *text, *msg;
	int line, col;
} bads[] = {
	{CHILD_HEAD "stages:\n  calm:\n    remove: {tips: [tip four]}\n",
	 "'parent' has no line 'tip four' in stage 'calm' tips to remove", 7, 21},
	{CHILD_HEAD "stages:\n  calm:\n    tips: [x]\n    add: {tips: [y]}\n",
	 "'tips' is replaced whole in this stage", 8, 11},
	{CHILD_HEAD "stages:\n  calm:\n    remove: {checklist: [c]}\n",
	 "stage 'calm' is left with no checklist", 6, 3},
	{CHILD_HEAD "stages:\n  listen:\n    timebox-why: because\n",
	 "stage 'listen' has a 'timebox-why' but no timebox", 6, 3},
	{CHILD_HEAD "language: es\n", "a playbook in 'es' cannot build on it", 4, 10},
	{"id: child\ntitle: C\nversion: \"1\"\nextends: nowhere\n",
	 "cannot find 'nowhere', which this playbook extends: no playbook 'nowhere'", 4, 10},
	{"id: child\ntitle: C\nversion: \"1\"\nextends: child\n", "cannot extend itself", 4, 10},
	{CHILD_HEAD "stages:\n  listen: {goal: g}\n  calm: {goal: g}\n",
	 "stage 'calm' must come before 'listen'", 6, 3},
	{CHILD_HEAD "stages:\n  calm:\n    add: {warnings: [a]}\n", "unknown key 'warnings'", 7,
	 11},
	{CHILD_HEAD "stages:\n  calm:\n    warnings: [a, b, c]\n",
	 "'warnings' only applies to the boundary stage", 7, 5},
};

START_TEST(test_errors)
{
	struct pb_finder f = {mem_find, &parents};

	load_fails(&f, bads[_i].text, bads[_i].msg, bads[_i].line, bads[_i].col);
}
END_TEST

/* A cycle and a chain too deep are found by the loader, whatever the finder. */
START_TEST(test_cycle_and_depth)
{
	static const char a[] = "id: a\ntitle: A\nversion: \"1\"\nextends: b\n";
	static const char b[] = "id: b\ntitle: B\nversion: \"1\"\nextends: c\n";
	static const char c[] = "id: c\ntitle: C\nversion: \"1\"\nextends: a\n";
	struct mem cyc = {{"a", "b", "c"}, {a, b, c}, 0};
	struct pb_finder f = {mem_find, &cyc};
	static const char d1[] = "id: d1\ntitle: D\nversion: \"1\"\nextends: d2\n";
	static const char d2[] = "id: d2\ntitle: D\nversion: \"1\"\nextends: d3\n";
	static const char d3[] = "id: d3\ntitle: D\nversion: \"1\"\nextends: d4\n";
	static const char d4[] = "id: d4\ntitle: D\nversion: \"1\"\nextends: d5\n";
	static const char d5[] = "id: d5\ntitle: D\nversion: \"1\"\nextends: parent\n";
	struct mem deep = {{"d2", "d3", "d4", "d5", "parent"}, {d2, d3, d4, d5, parent_text}, 0};
	struct pb_finder g = {mem_find, &deep};
	struct playbook *pb = NULL;
	struct poise_error err;

	/* c says "extends: a", and a is the start of the chain: reported in c. */
	load_fails(&f, a, "extends makes a cycle: a -> b -> c -> a", 4, 10);
	ck_assert_int_eq(cyc.asked, 2);
	load_fails(&g, d1,
		   "extends goes deeper than 4 levels: d1 -> d2 -> d3 -> d4 -> d5 -> parent", 4,
		   10);
	/* four levels is fine */
	ck_assert_int_eq(playbook_load_text_with(d2, strlen(d2), "d2", &g, &pb, &err), POISE_OK);
	ck_assert_str_eq(pb->id, "d2");
	ck_assert_str_eq(pb->extends, "d3");
	playbook_free(pb);
}
END_TEST

/* The resolved text is a whole playbook that loads back to the same thing. */
static void assert_same(const struct playbook *a, const struct playbook *b)
{
	ck_assert_str_eq(a->id, b->id);
	ck_assert_str_eq(a->title, b->title);
	ck_assert_str_eq(a->language, b->language);
	for (int s = 0; s < STAGE_COUNT; s++) {
		const struct pb_stage *x = &a->stages[s], *y = &b->stages[s];

		ck_assert_str_eq(x->goal, y->goal);
		ck_assert_int_eq(x->timebox, y->timebox);
		ck_assert_int_eq(!x->timebox_why, !y->timebox_why);
		for (int sec = 0; sec < SECTION_COUNT; sec++) {
			ck_assert_uint_eq(x->section[sec].len, y->section[sec].len);
			for (size_t i = 0; i < x->section[sec].len; i++)
				ck_assert_str_eq(x->section[sec].items[i],
						 y->section[sec].items[i]);
		}
		ck_assert_uint_eq(x->sources.len, y->sources.len);
	}
	for (int i = 0; i < PLAYBOOK_WARNINGS; i++)
		ck_assert_str_eq(a->warnings[i], b->warnings[i]);
	ck_assert_int_eq(!a->manager, !b->manager);
	if (a->manager)
		ck_assert_str_eq(a->manager, b->manager);
	ck_assert_uint_eq(a->ncauses, b->ncauses);
	ck_assert_uint_eq(a->nrules, b->nrules);
	for (size_t i = 0; i < a->nrules; i++) {
		ck_assert_str_eq(a->rules[i].id, b->rules[i].id);
		ck_assert_str_eq(a->rules[i].message, b->rules[i].message);
		ck_assert_int_eq(a->rules[i].kind, b->rules[i].kind);
		ck_assert_int_eq(a->rules[i].seconds, b->rules[i].seconds);
		ck_assert_int_eq(a->rules[i].repeat, b->rules[i].repeat);
		ck_assert_int_eq(a->rules[i].cooldown, b->rules[i].cooldown);
		ck_assert_int_eq(a->rules[i].action, b->rules[i].action);
	}
}

START_TEST(test_resolved_text_of_shipped_scenario)
{
	static const char *const files[] = {"billing-dispute.yaml", "service-outage.yaml"};
	struct playbook *pb = NULL, *again = NULL;
	struct poise_error err;
	char path[4096], hash[65];

	snprintf(path, sizeof(path), "%s/playbooks/%s", POISE_SOURCE_DIR, files[_i]);
	/* no finder: the parent is the built-in default, and no other file is read */
	ck_assert_msg(playbook_load_file(path, &pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_str_eq(pb->extends, "de-escalation");
	ck_assert_ptr_null(strstr(pb->text, "\nextends:"));
	ck_assert_ptr_null(strstr(pb->text, "\n    add:"));
	sha256_hex(pb->text, pb->text_len, hash);
	ck_assert_str_eq(pb->hash, hash);
	/* the default's hold, apology and escalation lines are kept */
	ck_assert_str_eq(pb->stages[STAGE_CALM].section[SECTION_SAY].items[1],
			 "May I put you on a short hold while I look into this?");
	ck_assert_str_eq(pb->stages[STAGE_EMPATHIZE].section[SECTION_SAY].items[1],
			 "I'm sorry for the trouble this has caused you.");
	ck_assert_ptr_nonnull(strstr(pb->text, "Bring your supervisor in before the caller asks"));
	ck_assert_str_eq(pb->rules[0].id, "supervisor-early");
	/* replay: the stored text loads alone, to the same playbook and hash */
	ck_assert_msg(playbook_load_text(pb->text, pb->text_len, "stored", &again, &err) ==
			      POISE_OK,
		      "%d:%d: %s\n%s", err.line, err.col, err.msg, pb->text);
	ck_assert_ptr_null(again->extends);
	ck_assert_str_eq(again->hash, pb->hash);
	assert_same(pb, again);
	playbook_free(again);
	playbook_free(pb);
}
END_TEST

/* A call under a scenario stores the resolved text: that is what review reads back. */
START_TEST(test_store_keeps_resolved_text)
{
	struct call_meta meta = {.agent = "ana", .started = 1700000000000};
	struct playbook *pb = NULL, *again = NULL;
	struct poise_error err;
	struct store *st = NULL;
	char root[64], db[128], *text = NULL;
	size_t len = 0;

	fixture_dir_make(root, sizeof(root), "poise-extends-db.");
	snprintf(db, sizeof(db), "%s/poise.db", root);
	ck_assert_int_eq(
		playbook_load_file(POISE_SOURCE_DIR "/playbooks/billing-dispute.yaml", &pb, &err),
		POISE_OK);
	ck_assert_int_eq(store_open(db, 0, &st, &err), POISE_OK);
	ck_assert_int_eq(store_new_uuid(meta.id, meta.started, &err), POISE_OK);
	ck_assert_msg(store_call_begin(st, &meta, pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_int_eq(store_call_meta(st, meta.id, &meta, &err), POISE_OK);
	ck_assert_str_eq(meta.playbook_id, "billing-dispute");
	ck_assert_str_eq(meta.playbook_hash, pb->hash);
	ck_assert_int_eq(store_playbook_text(st, pb->hash, &text, &len, &err), POISE_OK);
	ck_assert_uint_eq(len, pb->text_len);
	ck_assert_int_eq(memcmp(text, pb->text, len), 0);
	ck_assert_int_eq(playbook_load_text(text, len, pb->hash, &again, &err), POISE_OK);
	assert_same(pb, again);
	free(text);
	playbook_free(again);
	playbook_free(pb);
	store_close(st);
	fixture_dir_remove(root);
}
END_TEST

/* Text that YAML could misread unquoted survives the round trip exactly. */
START_TEST(test_emit_round_trip_tricky_text)
{
	static const char *const tricky[] = {
		"null",
		"123",
		"yes",
		"- dash",
		"# not a comment",
		"a: b",
		"  spaced  ",
		"quote \" and \\ backslash",
		"tab\there",
		"two\nlines",
		/* invisible, kept (a line separator, U+2028, is refused: check_playbook) */
		"zero\xe2\x80\x8bwidth\xef\xbb\xbfmarks",
		"¿qué? ñ 中文",
		"{customer}, hi",
		"'single'",
		"[x]",
		"~",
	};
	struct playbook *pb = load_ok(CHILD_HEAD "stages:\n  calm:\n    tips: [x]\n");
	struct playbook *again = NULL;
	struct poise_error err;
	char *text;
	size_t len, n = sizeof(tricky) / sizeof(tricky[0]);
	char **items = calloc(n, sizeof(*items));

	ck_assert_ptr_nonnull(items);
	for (size_t i = 0; i < n; i++)
		items[i] = strpool_dup(&pb->strings, tricky[i]);
	free(pb->stages[STAGE_CALM].section[SECTION_TIPS].items);
	pb->stages[STAGE_CALM].section[SECTION_TIPS].items = items;
	pb->stages[STAGE_CALM].section[SECTION_TIPS].len = n;
	ck_assert_int_eq(playbook_emit(pb, "a comment", &text, &len, &err), POISE_OK);
	ck_assert_msg(playbook_load_text(text, len, "emitted", &again, &err) == POISE_OK,
		      "%d:%d: %s\n%s", err.line, err.col, err.msg, text);
	assert_same(pb, again);
	free(text);
	playbook_free(again);
	playbook_free(pb);
}
END_TEST

static char search_path[128];

/* Only POISE_PLAYBOOK_PATH is set: no config folder of the person running the tests. */
static const char *fake_getenv(const char *name)
{
	return strcmp(name, "POISE_PLAYBOOK_PATH") ? NULL : search_path;
}

/* A parent on the search path wins over the built-in one, like --playbook ID. */
START_TEST(test_parent_on_search_path)
{
	static const char child[] = CHILD_HEAD;
	char root[64], path[200], dir[128];
	struct pbpath pp;
	struct playbook *pb = NULL;
	struct poise_error err;
	FILE *f;

	fixture_dir_make(root, sizeof(root), "poise-extends.");
	snprintf(dir, sizeof(dir), "%s/pb", root);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/parent.yaml", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(parent_text, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/child.yaml", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(child, f);
	fclose(f);
	snprintf(search_path, sizeof(search_path), "%s", dir);
	ck_assert_int_eq(pbpath_init(&pp, fake_getenv, &err), POISE_OK);
	ck_assert_msg(pbpath_load_file(&pp, path, &pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_str_eq(pb->stages[STAGE_CALM].section[SECTION_TIPS].items[0], "tip one");
	playbook_free(pb);
	/* by id, too */
	ck_assert_msg(pbpath_resolve(&pp, "child", &pb, &err) == POISE_OK, "%s", err.msg);
	ck_assert_str_eq(pb->extends, "parent");
	playbook_free(pb);
	/* without the search path, "parent" is nowhere: only the built-in is known */
	ck_assert_int_eq(playbook_load_file(path, &pb, &err), POISE_PLAYBOOK);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot find 'parent'"));
	pbpath_free(&pp);
	fixture_dir_remove(root);
}
END_TEST

Suite *extends_suite(void)
{
	Suite *s = suite_create("extends");
	TCase *tc = tcase_create("extends");

	tcase_add_test(tc, test_add_replace_remove);
	tcase_add_test(tc, test_manager_line);
	tcase_add_test(tc, test_rules_merge_by_id);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(bads) / sizeof(bads[0])));
	tcase_add_test(tc, test_cycle_and_depth);
	tcase_add_loop_test(tc, test_resolved_text_of_shipped_scenario, 0, 2);
	tcase_add_test(tc, test_store_keeps_resolved_text);
	tcase_add_test(tc, test_emit_round_trip_tricky_text);
	tcase_add_test(tc, test_parent_on_search_path);
	suite_add_tcase(s, tc);
	return s;
}
