/* pbpath.c - the playbook search path: which folders, in which order. */
#include "poise/pbpath.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * The walk behind pbpath_each and pbpath_resolve: fn may take the playbook
 * (set *pb to NULL) so that resolve need not parse the winner twice.
 */
typedef int (*walk_fn)(void *ctx, const char *path, struct playbook **pb,
		       const struct poise_error *err);

static enum poise_status pbpath_add(struct pbpath *pp, const char *dir, size_t len,
				    const char *suffix)
{
	size_t slen = strlen(suffix);
	char **dirs;
	char *s;

	/* Trailing slashes only make messages uglier: "/a//b.yaml". */
	while (len > 1 && dir[len - 1] == '/')
		len--;
	s = malloc(len + slen + 1);
	if (!s)
		return POISE_NOMEM;
	memcpy(s, dir, len);
	memcpy(s + len, suffix, slen + 1);
	dirs = realloc(pp->dirs, (pp->len + 1) * sizeof(*dirs));
	if (!dirs) {
		free(s);
		return POISE_NOMEM;
	}
	dirs[pp->len++] = s;
	pp->dirs = dirs;
	return POISE_OK;
}

static enum poise_status pbpath_add_env_path(struct pbpath *pp, const char *list)
{
	enum poise_status st = POISE_OK;
	const char *p = list;

	while (p && *p && st == POISE_OK) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		/* Empty entries ("a::b", a trailing ':') mean nothing here. */
		if (len > 0)
			st = pbpath_add(pp, p, len, "");
		p = end ? end + 1 : NULL;
	}
	return st;
}

enum poise_status pbpath_init(struct pbpath *pp, const char *(*getenv_fn)(const char *),
			      struct poise_error *err)
{
	const char *list = getenv_fn("POISE_PLAYBOOK_PATH");
	const char *config = getenv_fn("XDG_CONFIG_HOME");
	const char *home = getenv_fn("HOME");
	const char *datadir = POISE_DATADIR;
	enum poise_status st;

	pp->dirs = NULL;
	pp->len = 0;
	st = pbpath_add_env_path(pp, list);
	if (st != POISE_OK)
		goto out;
	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	if (config && config[0] == '/')
		st = pbpath_add(pp, config, strlen(config), "/poise/playbooks");
	else if (home && home[0])
		st = pbpath_add(pp, home, strlen(home), "/.config/poise/playbooks");
	if (st != POISE_OK)
		goto out;
	st = pbpath_add(pp, datadir, strlen(datadir), "/playbooks");
out:
	if (st != POISE_OK) {
		pbpath_free(pp);
		return poise_error_set(err, st, NULL, 0, 0, "cannot build the playbook search path");
	}
	return POISE_OK;
}

void pbpath_free(struct pbpath *pp)
{
	for (size_t i = 0; i < pp->len; i++)
		free(pp->dirs[i]);
	free(pp->dirs);
	pp->dirs = NULL;
	pp->len = 0;
}

static int pbpath_is_playbook_name(const char *name)
{
	size_t len = strlen(name);

	/* Hidden files are editor locks and backups (".#x.yaml"), not playbooks. */
	if (name[0] == '.')
		return 0;
	return (len > 5 && strcmp(name + len - 5, ".yaml") == 0) ||
	       (len > 4 && strcmp(name + len - 4, ".yml") == 0);
}

static int pbpath_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum poise_status pbpath_list_dir(const char *dir, char ***out, size_t *outlen,
					 struct poise_error *err)
{
	enum poise_status st = POISE_OK;
	char **names = NULL;
	size_t len = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	*outlen = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return POISE_OK;
		return poise_error_set(err, POISE_IO, dir, 0, 0, "cannot read folder: %s",
				       strerror(errno));
	}
	while ((de = readdir(d))) {
		char **grown;

		if (!pbpath_is_playbook_name(de->d_name))
			continue;
		grown = realloc(names, (len + 1) * sizeof(*names));
		if (!grown || !(grown[len] = strdup(de->d_name))) {
			names = grown ? grown : names;
			st = poise_error_nomem(err);
			goto out;
		}
		names = grown;
		len++;
	}
	if (len > 1)
		qsort(names, len, sizeof(*names), pbpath_cmp);
out:
	closedir(d);
	if (st != POISE_OK) {
		for (size_t i = 0; i < len; i++)
			free(names[i]);
		free(names);
		return st;
	}
	*out = names;
	*outlen = len;
	return POISE_OK;
}

/* Load one file and hand it to fn; returns fn's verdict (non-zero: stop). */
static int pbpath_visit(const struct pbpath *pp, const char *path, walk_fn fn, void *ctx)
{
	struct pb_finder finder = pbpath_finder(pp);
	struct poise_error err;
	struct playbook *pb = NULL;
	struct stat sb;
	int stop;

	poise_error_clear(&err);
	/* A folder named x.yaml is not a playbook; a dangling link is an error. */
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (playbook_load_file_with(path, pp ? &finder : NULL, &pb, &err) != POISE_OK)
		pb = NULL;
	stop = fn(ctx, path, &pb, pb ? NULL : &err);
	playbook_free(pb);
	return stop;
}

/* Visit every file of one folder; *stop set when fn asked to stop. */
static enum poise_status pbpath_walk_dir(const struct pbpath *pp, const char *dir, walk_fn fn,
					 void *ctx, int *stop)
{
	struct poise_error err;
	enum poise_status st;
	char **names;
	size_t len;

	poise_error_clear(&err);
	st = pbpath_list_dir(dir, &names, &len, &err);
	if (st == POISE_NOMEM)
		return st;
	if (st != POISE_OK) {
		struct playbook *none = NULL;

		/* An unreadable folder is reported like a file that did not load. */
		*stop = fn(ctx, dir, &none, &err);
		return POISE_OK;
	}
	for (size_t i = 0; i < len; i++) {
		char *path = NULL;

		if (!*stop) {
			size_t n = strlen(dir) + strlen(names[i]) + 2;

			path = malloc(n);
			if (!path) {
				st = POISE_NOMEM;
				*stop = 1;
			} else {
				snprintf(path, n, "%s/%s", dir, names[i]);
				*stop = pbpath_visit(pp, path, fn, ctx);
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return st;
}

static enum poise_status pbpath_walk(const struct pbpath *pp, walk_fn fn, void *ctx)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	enum poise_status st;
	int stop = 0;

	for (size_t i = 0; i < pp->len && !stop; i++) {
		st = pbpath_walk_dir(pp, pp->dirs[i], fn, ctx, &stop);
		if (st != POISE_OK)
			return st;
	}
	if (stop)
		return POISE_OK;
	poise_error_clear(&err);
	if (playbook_load_default(&pb, &err) != POISE_OK)
		pb = NULL;
	fn(ctx, PBPATH_BUILTIN, &pb, pb ? NULL : &err);
	playbook_free(pb);
	return POISE_OK;
}

struct each_ctx {
	pbpath_fn fn;
	void *ctx;
};

static int pbpath_each_adapter(void *ctx, const char *path, struct playbook **pb,
			       const struct poise_error *err)
{
	struct each_ctx *ec = ctx;

	return ec->fn(ec->ctx, path, *pb, err);
}

enum poise_status pbpath_each(const struct pbpath *pp, pbpath_fn fn, void *ctx)
{
	struct each_ctx ec = {fn, ctx};

	return pbpath_walk(pp, pbpath_each_adapter, &ec);
}

enum poise_status pbpath_each_in(const struct pbpath *pp, const char *dir, pbpath_fn fn, void *ctx)
{
	struct each_ctx ec = {fn, ctx};
	int stop = 0;

	return pbpath_walk_dir(pp, dir, pbpath_each_adapter, &ec, &stop);
}

struct resolve_ctx {
	const char *id;
	struct playbook *found;
	size_t broken; /* files that did not load: the wanted one may be among them */
};

static int pbpath_resolve_visit(void *ctx, const char *path, struct playbook **pb,
				const struct poise_error *err)
{
	struct resolve_ctx *rc = ctx;

	(void)path;
	(void)err;
	if (!*pb) {
		rc->broken++;
		return 0;
	}
	if (strcmp((*pb)->id, rc->id) != 0)
		return 0;
	rc->found = *pb;
	*pb = NULL;
	return 1;
}

static int pbpath_is_path(const char *name)
{
	size_t len = strlen(name);

	return strchr(name, '/') || (len >= 5 && strcmp(name + len - 5, ".yaml") == 0) ||
	       (len >= 4 && strcmp(name + len - 4, ".yml") == 0);
}

/* "no playbook 'x' in a, b, c or the built-in one": where a person should look. */
static enum poise_status pbpath_not_found(const struct pbpath *pp, const struct resolve_ctx *rc,
					  struct poise_error *err)
{
	char where[400] = "";
	size_t used = 0;

	for (size_t i = 0; i < pp->len && used < sizeof(where); i++) {
		int n = snprintf(where + used, sizeof(where) - used, "%s, ", pp->dirs[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			       "no playbook with id '%s' in %sor the built-in one%s", rc->id,
			       where, rc->broken ? " (some files there did not load: "
						   "run 'poise playbooks')" : "");
}

enum poise_status pbpath_resolve(const struct pbpath *pp, const char *name, struct playbook **out,
				 struct poise_error *err)
{
	struct resolve_ctx rc = {PBPATH_DEFAULT_ID, NULL, 0};
	enum poise_status st;

	*out = NULL;
	if (name && name[0] && pbpath_is_path(name))
		return pbpath_load_file(pp, name, out, err);
	if (name && name[0])
		rc.id = name;
	st = pbpath_walk(pp, pbpath_resolve_visit, &rc);
	if (st != POISE_OK) {
		playbook_free(rc.found);
		return poise_error_set(err, st, NULL, 0, 0, "cannot search for playbook '%s'",
				       rc.id);
	}
	if (!rc.found)
		return pbpath_not_found(pp, &rc, err);
	*out = rc.found;
	return POISE_OK;
}

/*
 * The parents of an extending playbook, by id: the first file on the path
 * whose id matches, parsed only (the loader follows the chain), else the
 * built-in one. Files that do not parse cannot be the parent.
 */
struct find_ctx {
	const char *id;
	struct playbook *found;
};

static enum poise_status find_in_dir(const char *dir, struct find_ctx *fc)
{
	struct poise_error err;
	char **names;
	size_t len;

	if (pbpath_list_dir(dir, &names, &len, &err) != POISE_OK)
		return POISE_OK; /* an unreadable folder holds no parent we can use */
	for (size_t i = 0; i < len; i++) {
		size_t n = strlen(dir) + strlen(names[i]) + 2;
		char *path = fc->found ? NULL : malloc(n);
		struct playbook *pb = NULL;

		if (path) {
			snprintf(path, n, "%s/%s", dir, names[i]);
			if (playbook_parse_file(path, &pb, &err) == POISE_OK &&
			    !strcmp(pb->id, fc->id)) {
				fc->found = pb;
				pb = NULL;
			}
		}
		playbook_free(pb);
		free(path);
		free(names[i]);
	}
	free(names);
	return POISE_OK;
}

static enum poise_status pbpath_find(void *ctx, const char *id, struct playbook **out,
				     struct poise_error *err)
{
	const struct pbpath *pp = ctx;
	struct find_ctx fc = {id, NULL};
	enum poise_status st;

	*out = NULL;
	for (size_t i = 0; i < pp->len && !fc.found; i++)
		find_in_dir(pp->dirs[i], &fc);
	if (fc.found) {
		*out = fc.found;
		return POISE_OK;
	}
	st = playbook_parse_text((const char *)poise_default_playbook,
				 (size_t)poise_default_playbook_len, PBPATH_BUILTIN, out, err);
	if (st == POISE_OK && !strcmp((*out)->id, id))
		return POISE_OK;
	playbook_free(*out);
	*out = NULL;
	if (st != POISE_OK)
		return st;
	{
		struct resolve_ctx rc = {id, NULL, 0};

		return pbpath_not_found(pp, &rc, err);
	}
}

struct pb_finder pbpath_finder(const struct pbpath *pp)
{
	struct pb_finder f = {pbpath_find, (void *)pp};

	return f;
}

enum poise_status pbpath_load_file(const struct pbpath *pp, const char *path, struct playbook **out,
				   struct poise_error *err)
{
	struct pb_finder finder = pbpath_finder(pp);

	return playbook_load_file_with(path, pp ? &finder : NULL, out, err);
}

int pbpath_watch(struct pbpath_watch *w, const struct pbpath *pp, const char *path,
		 struct playbook **out, struct poise_error *err)
{
	struct stat sb;

	*out = NULL;
	if (!path || path[0] == '(' || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	if (w->set && w->dev == (unsigned long long)sb.st_dev &&
	    w->ino == (unsigned long long)sb.st_ino && w->size == (unsigned long long)sb.st_size &&
	    w->mtime_s == (long long)sb.st_mtim.tv_sec &&
	    w->mtime_ns == (long long)sb.st_mtim.tv_nsec)
		return 0;
	w->set = 1;
	w->dev = (unsigned long long)sb.st_dev;
	w->ino = (unsigned long long)sb.st_ino;
	w->size = (unsigned long long)sb.st_size;
	w->mtime_s = (long long)sb.st_mtim.tv_sec;
	w->mtime_ns = (long long)sb.st_mtim.tv_nsec;
	return pbpath_load_file(pp, path, out, err) == POISE_OK ? 1 : -1;
}

enum poise_status pbpath_errors(const char *path, const struct poise_error *err,
				struct poise_error **all, size_t *n, struct pb_own_id *id)
{
	int own = err->status == POISE_PLAYBOOK && !strcmp(err->file, path);

	*all = NULL;
	*n = 0;
	if (id)
		*id = (struct pb_own_id){"", {0, 0}};
	/* The file's own text is read for its id even when its parent is what failed. */
	if ((own || id) && playbook_errors_file(path, all, n, id) == POISE_NOMEM)
		return POISE_NOMEM;
	if (*n && own)
		return POISE_OK;
	free(*all);
	if (!(*all = malloc(sizeof(**all))))
		return POISE_NOMEM;
	**all = *err;
	*n = 1;
	return POISE_OK;
}
