/* check_pbpath.c - the playbook search path: order, shadowing, paths, errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers/fixture_dir.h"
#include "poise/pbpath.h"
#include "main/suite.h"

static char root[64];
static char *base_text; /* the shipped default playbook, rewritten per test file */

/* The environment the code under test sees: NULL-terminated name/value pairs. */
static const char *fake_env[16];

static const char *fake_getenv(const char *name)
{
	for (int i = 0; fake_env[i]; i += 2)
		if (strcmp(fake_env[i], name) == 0)
			return fake_env[i + 1];
	return NULL;
}

static void set_env(const char *const *pairs)
{
	int i = 0;

	for (; pairs && pairs[i]; i++)
		fake_env[i] = pairs[i];
	fake_env[i] = NULL;
}

/* root/rel, in a static buffer per slot so a test can hold a few at once. */
static const char *at(int slot, const char *rel)
{
	static char buf[8][200];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", root, rel);
	return buf[slot];
}

static void make_dirs(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	mkdir(path, 0700);
}

static void write_file(const char *rel, const char *text)
{
	FILE *f = fopen(at(7, rel), "w");

	ck_assert_msg(f != NULL, "cannot write %s", rel);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A valid playbook: the default one with its id and title replaced. */
static void write_playbook(const char *rel, const char *id, const char *title)
{
	const char *id_line = "\nid: de-escalation\n";
	const char *title_line = "\ntitle: De-escalating an angry caller\n";
	char *id_at = strstr(base_text, id_line);
	char *title_at = strstr(base_text, title_line);
	size_t size = strlen(base_text) + 256;
	char *text = malloc(size);

	ck_assert_ptr_nonnull(id_at);
	ck_assert_ptr_nonnull(title_at);
	ck_assert_ptr_nonnull(text);
	ck_assert(id_at < title_at);
	snprintf(text, size, "%.*s\nid: %s\ntitle: %s\n%s", (int)(id_at - base_text), base_text, id,
		 title, title_at + strlen(title_line));
	write_file(rel, text);
	free(text);
}

static void setup(void)
{
	fixture_dir_make(root, sizeof(root), "check_pbpath.");
	base_text = fixture_read_all(POISE_SOURCE_DIR "/playbooks/de-escalation.yaml", NULL);
	make_dirs("p1");
	make_dirs("p2");
	make_dirs("cfg/poise/playbooks");
	make_dirs("data");
}

static void teardown(void)
{
	fixture_dir_remove(root);
	free(base_text);
}

/*
 * The search path of the tests: two POISE_PLAYBOOK_PATH folders, the XDG
 * config folder, and root/data standing in for the installed data folder
 * (a compile-time path the tests cannot write to).
 */
static void init_test_path(struct pbpath *pp)
{
	static char list[512];
	struct poise_error err;

	snprintf(list, sizeof(list), "%s:%s", at(0, "p1"), at(1, "p2"));
	set_env((const char *[]){"POISE_PLAYBOOK_PATH", list, "XDG_CONFIG_HOME", at(2, "cfg"),
				 "HOME", "/nonexistent", NULL});
	ck_assert_int_eq(pbpath_init(pp, fake_getenv, &err), POISE_OK);
	ck_assert_int_eq(pp->len, 4);
	free(pp->dirs[3]);
	pp->dirs[3] = strdup(at(3, "data"));
	ck_assert_ptr_nonnull(pp->dirs[3]);
}

START_TEST(test_init_order)
{
	struct poise_error err;
	struct pbpath pp;

	set_env((const char *[]){"POISE_PLAYBOOK_PATH", "/a::/b//:", "XDG_CONFIG_HOME", "/cfg",
				 "HOME", "/home/x", NULL});
	ck_assert_int_eq(pbpath_init(&pp, fake_getenv, &err), POISE_OK);
	ck_assert_int_eq(pp.len, 4);
	ck_assert_str_eq(pp.dirs[0], "/a");
	ck_assert_str_eq(pp.dirs[1], "/b");
	ck_assert_str_eq(pp.dirs[2], "/cfg/poise/playbooks");
	/* The data folder: POISE_DATADIR/playbooks, where `make install` puts them. */
	ck_assert(pp.dirs[3][0] == '/');
	ck_assert_str_eq(pp.dirs[3] + strlen(pp.dirs[3]) - strlen("/poise/playbooks"),
			 "/poise/playbooks");
	pbpath_free(&pp);
	ck_assert_int_eq(pp.len, 0);
}
END_TEST

START_TEST(test_init_home_fallback)
{
	struct poise_error err;
	struct pbpath pp;

	/* A relative XDG_CONFIG_HOME is ignored, as the XDG spec asks. */
	set_env((const char *[]){"XDG_CONFIG_HOME", "relative", "HOME", "/home/x", NULL});
	ck_assert_int_eq(pbpath_init(&pp, fake_getenv, &err), POISE_OK);
	ck_assert_int_eq(pp.len, 2);
	ck_assert_str_eq(pp.dirs[0], "/home/x/.config/poise/playbooks");
	pbpath_free(&pp);

	set_env(NULL);
	ck_assert_int_eq(pbpath_init(&pp, fake_getenv, &err), POISE_OK);
	ck_assert_int_eq(pp.len, 1);
	pbpath_free(&pp);
}
END_TEST

/*
 * Resolve name and return the title of what was found (static copy); the
 * id found must be the name asked for, unless name is a path or NULL.
 */
static const char *resolved_title(const struct pbpath *pp, const char *name, char *path_out)
{
	const char *id = name && !strchr(name, '/') && !strstr(name, ".yaml") ? name
									     : NULL;
	static char title[256];
	struct poise_error err;
	struct playbook *pb = NULL;

	poise_error_clear(&err);
	ck_assert_msg(pbpath_resolve(pp, name, &pb, &err) == POISE_OK, "resolve %s: %s",
		      name ? name : "(null)", err.msg);
	ck_assert_ptr_nonnull(pb);
	ck_assert_str_eq(pb->id, id ? id : PBPATH_DEFAULT_ID);
	snprintf(title, sizeof(title), "%s", pb->title);
	if (path_out)
		snprintf(path_out, 512, "%s", pb->path ? pb->path : "");
	playbook_free(pb);
	return title;
}

START_TEST(test_search_order)
{
	char path[512];
	struct pbpath pp;

	write_playbook("p1/one.yaml", "de-escalation", "from p1");
	write_playbook("p2/two.yaml", "de-escalation", "from p2");
	write_playbook("cfg/poise/playbooks/three.yaml", "de-escalation", "from config");
	write_playbook("data/four.yml", "de-escalation", "from data");
	init_test_path(&pp);

	ck_assert_str_eq(resolved_title(&pp, "de-escalation", path), "from p1");
	ck_assert_str_eq(path, at(0, "p1/one.yaml"));
	remove(at(0, "p1/one.yaml"));
	ck_assert_str_eq(resolved_title(&pp, "de-escalation", path), "from p2");
	ck_assert_str_eq(path, at(0, "p2/two.yaml"));
	remove(at(0, "p2/two.yaml"));
	ck_assert_str_eq(resolved_title(&pp, "de-escalation", NULL), "from config");
	remove(at(0, "cfg/poise/playbooks/three.yaml"));
	ck_assert_str_eq(resolved_title(&pp, "de-escalation", NULL), "from data");
	remove(at(0, "data/four.yml"));
	/* Nothing left on disk: the built-in one answers. */
	ck_assert_str_eq(resolved_title(&pp, "de-escalation", path),
			 "De-escalating an angry caller");
	ck_assert_str_eq(path, PBPATH_BUILTIN);
	pbpath_free(&pp);
}
END_TEST

START_TEST(test_first_of_same_id_wins)
{
	struct pbpath pp;

	/* Within one folder, files are taken in name order. */
	write_playbook("p2/b.yaml", "twice", "b in p2");
	write_playbook("p2/a.yaml", "twice", "a in p2");
	write_playbook("p1/z.yaml", "other", "z in p1");
	init_test_path(&pp);
	ck_assert_str_eq(resolved_title(&pp, "twice", NULL), "a in p2");
	ck_assert_str_eq(resolved_title(&pp, "other", NULL), "z in p1");
	/* NULL and "" mean the default id. */
	ck_assert_str_eq(resolved_title(&pp, NULL, NULL), "De-escalating an angry caller");
	pbpath_free(&pp);
}
END_TEST

struct seen {
	char paths[16][512];
	int ok[16];
	int line[16];
	int n;
	int stop_after; /* 0: never */
};

static int collect(void *ctx, const char *path, const struct playbook *pb,
		   const struct poise_error *err)
{
	struct seen *s = ctx;

	ck_assert_int_lt(s->n, 16);
	ck_assert((pb == NULL) == (err != NULL));
	snprintf(s->paths[s->n], sizeof(s->paths[s->n]), "%s", path);
	s->ok[s->n] = pb != NULL;
	s->line[s->n] = err ? err->line : 0;
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

START_TEST(test_each_order)
{
	struct seen s = {0};
	struct pbpath pp;

	write_playbook("p1/b.yaml", "b", "b");
	write_playbook("p1/a.yml", "a", "a");
	write_file("p1/notes.txt", "not a playbook\n");
	write_file("p1/.#a.yaml", "an editor lock file\n");
	make_dirs("p1/folder.yaml");
	write_playbook("p2/c.yaml", "c", "c");
	write_playbook("cfg/poise/playbooks/d.yaml", "d", "d");
	write_playbook("data/e.yaml", "e", "e");
	init_test_path(&pp);
	ck_assert_int_eq(pbpath_each(&pp, collect, &s), POISE_OK);
	ck_assert_int_eq(s.n, 6);
	ck_assert_str_eq(s.paths[0], at(0, "p1/a.yml"));
	ck_assert_str_eq(s.paths[1], at(0, "p1/b.yaml"));
	ck_assert_str_eq(s.paths[2], at(0, "p2/c.yaml"));
	ck_assert_str_eq(s.paths[3], at(0, "cfg/poise/playbooks/d.yaml"));
	ck_assert_str_eq(s.paths[4], at(0, "data/e.yaml"));
	ck_assert_str_eq(s.paths[5], PBPATH_BUILTIN);
	for (int i = 0; i < s.n; i++)
		ck_assert(s.ok[i]);

	/* fn returning non-zero stops the walk. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	ck_assert_int_eq(pbpath_each(&pp, collect, &s), POISE_OK);
	ck_assert_int_eq(s.n, 2);

	/* One folder alone: no built-in at the end. */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(pbpath_each_in(NULL, at(0, "p1"), collect, &s), POISE_OK);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.paths[1], at(0, "p1/b.yaml"));
	pbpath_free(&pp);
}
END_TEST

START_TEST(test_broken_files_reported_not_fatal)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	struct seen s = {0};
	struct pbpath pp;

	write_file("p1/a-broken.yaml", "id: x\ntitle: [unclosed\n");
	write_playbook("p1/b.yaml", "fine", "fine");
	/* p2 becomes a file where a folder was expected: reported, not fatal. */
	ck_assert_int_eq(rmdir(at(0, "p2")), 0);
	write_file("p2", "not a folder\n");
	init_test_path(&pp);
	ck_assert_int_eq(pbpath_each(&pp, collect, &s), POISE_OK);
	ck_assert_int_eq(s.n, 4);
	ck_assert_str_eq(s.paths[0], at(0, "p1/a-broken.yaml"));
	ck_assert(!s.ok[0]);
	ck_assert_int_gt(s.line[0], 0);
	ck_assert_str_eq(s.paths[1], at(0, "p1/b.yaml"));
	ck_assert(s.ok[1]);
	ck_assert_str_eq(s.paths[2], at(0, "p2"));
	ck_assert(!s.ok[2]);
	ck_assert_str_eq(s.paths[3], PBPATH_BUILTIN);
	ck_assert(s.ok[3]);

	/* Resolving walks past the broken file, and says it was there when it fails. */
	ck_assert_str_eq(resolved_title(&pp, "fine", NULL), "fine");
	ck_assert_int_eq(pbpath_resolve(&pp, "absent", &pb, &err), POISE_NOT_FOUND);
	ck_assert_ptr_null(pb);
	ck_assert_ptr_nonnull(strstr(err.msg, "did not load"));
	pbpath_free(&pp);
}
END_TEST

START_TEST(test_not_found_says_where)
{
	struct poise_error err;
	struct playbook *pb = (struct playbook *)&err;
	struct pbpath pp;

	write_playbook("p1/a.yaml", "a", "a");
	init_test_path(&pp);
	ck_assert_int_eq(pbpath_resolve(&pp, "no-such", &pb, &err), POISE_NOT_FOUND);
	ck_assert_ptr_null(pb);
	ck_assert_int_eq(err.status, POISE_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "'no-such'"));
	ck_assert_ptr_nonnull(strstr(err.msg, at(0, "p1")));
	ck_assert_ptr_nonnull(strstr(err.msg, at(0, "p2")));
	ck_assert_ptr_nonnull(strstr(err.msg, at(0, "cfg/poise/playbooks")));
	ck_assert_ptr_nonnull(strstr(err.msg, at(0, "data")));
	ck_assert_ptr_nonnull(strstr(err.msg, "built-in"));
	ck_assert_ptr_null(strstr(err.msg, "did not load"));
	pbpath_free(&pp);
}
END_TEST

START_TEST(test_resolve_path)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	char path[512];
	struct pbpath pp;

	/* A path is loaded as it is, on the search path or not. */
	make_dirs("elsewhere");
	write_playbook("elsewhere/mine.yaml", "de-escalation", "mine");
	write_playbook("p1/a.yaml", "de-escalation", "from p1");
	init_test_path(&pp);
	ck_assert_str_eq(resolved_title(&pp, at(4, "elsewhere/mine.yaml"), path), "mine");
	ck_assert_str_eq(path, at(4, "elsewhere/mine.yaml"));
	/* A missing path is an error about that file, not a search. */
	ck_assert_int_ne(pbpath_resolve(&pp, at(5, "elsewhere/gone.yaml"), &pb, &err), POISE_OK);
	ck_assert_ptr_null(pb);
	ck_assert_str_eq(err.file, at(5, "elsewhere/gone.yaml"));
	/* Without a slash, a name ending in .yaml is still a path (relative). */
	ck_assert_int_eq(chdir(at(6, "elsewhere")), 0);
	ck_assert_str_eq(resolved_title(&pp, "mine.yaml", NULL), "mine");
	pbpath_free(&pp);
}
END_TEST

/* A save noticed once: the first look, a change, a broken save (every error), then quiet. */
START_TEST(test_watch)
{
	struct pbpath_watch w = {0};
	struct poise_error err, *all = NULL;
	struct playbook *pb = NULL;
	const char *path = at(4, "p1/w.yaml");
	struct stat sb;
	size_t n = 0;

	write_playbook("p1/w.yaml", "watched", "one");
	ck_assert_int_eq(pbpath_watch(&w, NULL, path, &pb, &err), 1);
	ck_assert_str_eq(pb->title, "one");
	playbook_free(pb);
	ck_assert_int_eq(pbpath_watch(&w, NULL, path, &pb, &err), 0);
	ck_assert_ptr_null(pb);

	write_playbook("p1/w.yaml", "watched", "two, longer");
	ck_assert_int_eq(pbpath_watch(&w, NULL, path, &pb, &err), 1);
	ck_assert_str_eq(pb->title, "two, longer");
	playbook_free(pb);

	/* Two mistakes: the watcher says the first, pbpath_errors every one. */
	write_file("p1/w.yaml", "id: watched\ntitel: x\nversion: \"1\"\nlanguage: en\nbogus: 1\n");
	ck_assert_int_eq(pbpath_watch(&w, NULL, path, &pb, &err), -1);
	ck_assert_ptr_null(pb);
	ck_assert_int_gt(err.line, 0);
	ck_assert_int_eq(pbpath_errors(path, &err, &all, &n, NULL), POISE_OK);
	ck_assert_uint_ge(n, 2);
	{
		int bad2 = 0, bad5 = 0;

		for (size_t i = 0; i < n; i++) {
			bad2 |= all[i].line == 2;
			bad5 |= all[i].line == 5;
		}
		ck_assert_msg(bad2 && bad5, "both unknown keys are named");
	}
	free(all);
	ck_assert_int_eq(pbpath_watch(&w, NULL, path, &pb, &err), 0);

	/* Not a file: nothing to say. The built-in never changes. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pbpath_watch(&w, NULL, path, &pb, &err), 0);
	ck_assert_int_eq(pbpath_watch(&w, NULL, PBPATH_BUILTIN, &pb, &err), 0);
	ck_assert_int_eq(pbpath_watch(&w, NULL, NULL, &pb, &err), 0);
	ck_assert_int_eq(stat(at(0, "p1"), &sb), 0);
	ck_assert_int_eq(pbpath_watch(&w, NULL, at(0, "p1"), &pb, &err), 0);
}
END_TEST

Suite *pbpath_suite(void)
{
	Suite *s = suite_create("pbpath");
	TCase *tc = tcase_create("pbpath");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init_order);
	tcase_add_test(tc, test_init_home_fallback);
	tcase_add_test(tc, test_search_order);
	tcase_add_test(tc, test_first_of_same_id_wins);
	tcase_add_test(tc, test_each_order);
	tcase_add_test(tc, test_broken_files_reported_not_fatal);
	tcase_add_test(tc, test_not_found_says_where);
	tcase_add_test(tc, test_resolve_path);
	tcase_add_test(tc, test_watch);
	suite_add_tcase(s, tc);
	return s;
}
