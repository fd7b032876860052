/*
 * playbook.c - loading a playbook from text, a file or the built-in bytes,
 * freeing it, and the names of stages, sections, rule kinds and actions.
 *
 * Loading goes text check (playbook_tree.c), node tree (playbook_tree.c),
 * format walk (playbook_walk.c, playbook_format.c); each step is linear in
 * the input, which is at most PLAYBOOK_MAX_BYTES.
 */
#include "poise/playbook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "playbook_tree.h"
#include "util/grow.h"
#include "poise/i18n.h"
#include "poise/sha256.h"

#define PLAYBOOK_TEXT_NAME    "(text)"

#define STAGE_KEY(name, key, title)   key,
#define STAGE_TITLE(name, key, title) title,
static const char *const stage_keys[] = {STAGE_LIST(STAGE_KEY)};
static const char *const stage_titles[] = {STAGE_LIST(STAGE_TITLE)};
static const char *const section_keys[] = {SECTION_LIST(STAGE_KEY)};
static const char *const section_titles[] = {SECTION_LIST(STAGE_TITLE)};
#undef STAGE_KEY
#undef STAGE_TITLE

#define NAME_KEY(name, key) key,
static const char *const rule_kind_keys[] = {RULE_KIND_LIST(NAME_KEY)};
#undef NAME_KEY
#define ACTION_KEY(name, key, hint)  key,
#define ACTION_HINT(name, key, hint) hint,
static const char *const rule_action_keys[] = {ACTION_LIST(ACTION_KEY)};
static const char *const rule_action_hints[] = {ACTION_LIST(ACTION_HINT)};
#undef ACTION_KEY
#undef ACTION_HINT

const char *stage_key(enum stage stage)
{
	return (unsigned)stage < STAGE_COUNT ? stage_keys[stage] : NULL;
}

int stage_from_key(const char *key)
{
	for (int i = 0; key && i < STAGE_COUNT; i++)
		if (stage_keys[i][0] == key[0] && strcmp(stage_keys[i], key) == 0)
			return i;
	return -1;
}

const char *stage_title(enum stage stage)
{
	return (unsigned)stage < STAGE_COUNT ? _(stage_titles[stage]) : NULL;
}

const char *section_key(enum section section)
{
	return (unsigned)section < SECTION_COUNT ? section_keys[section] : NULL;
}

const char *section_title(enum section section)
{
	return (unsigned)section < SECTION_COUNT ? _(section_titles[section]) : NULL;
}

const char *rule_kind_key(enum rule_kind kind)
{
	return (unsigned)kind < RULE_KIND_COUNT ? rule_kind_keys[kind] : NULL;
}

const char *rule_action_key(enum rule_action action)
{
	return (unsigned)action < ACTION_COUNT ? rule_action_keys[action] : NULL;
}

const char *rule_action_hint(enum rule_action action)
{
	/* "" is never looked up: gettext would answer with the catalogue's header. */
	return (unsigned)action < ACTION_COUNT && rule_action_hints[action][0]
		       ? _(rule_action_hints[action])
		       : "";
}

const struct pb_cause *playbook_cause(const struct playbook *pb, const char *id)
{
	size_t i;

	if (!pb || !id)
		return NULL;
	for (i = 0; i < pb->ncauses; i++)
		if (pb->causes[i].id && !strcmp(pb->causes[i].id, id))
			return &pb->causes[i];
	return NULL;
}

/* The strings are the pool's: only the arrays that hold them are the playbook's own. */
void playbook_free(struct playbook *pb)
{
	if (!pb)
		return;
	free(pb->sources.items);
	for (int s = 0; s < STAGE_COUNT; s++) {
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			free(pb->stages[s].section[sec].items);
		free(pb->stages[s].sources.items);
	}
	free(pb->causes);
	free(pb->rules);
	free(pb->text);
	playbook_overlay_free(pb->overlay);
	free(pb->notes);
	strpool_free(&pb->strings);
	free(pb);
}

int pb_cache_get(const struct pb_cache *c, const char *hash, struct playbook **pb)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->slot[i].hash, hash) == 0)
			return *pb = c->slot[i].pb, 1;
	return 0;
}

int pb_cache_put(struct pb_cache *c, const char *hash, struct playbook *pb)
{
	struct pb_cached *s;

	if (c->max && c->n >= c->max) {
		s = &c->slot[c->next];
		c->next = (c->next + 1) % c->max;
		playbook_free(s->pb);
	} else if (GROW(c->slot, c->n, c->cap, 8)) {
		s = &c->slot[c->n++];
	} else {
		playbook_free(pb);
		return 0;
	}
	snprintf(s->hash, sizeof(s->hash), "%s", hash);
	s->pb = pb;
	return 1;
}

void pb_cache_free(struct pb_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		playbook_free(c->slot[i].pb);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

void playbook_overlay_free(struct pb_overlay *ov)
{
	if (!ov)
		return;
	for (int s = 0; s < STAGE_COUNT; s++) {
		for (int sec = 0; sec < SECTION_COUNT; sec++) {
			free(ov->stage[s].add[sec].items);
			free(ov->stage[s].remove[sec].items);
			free(ov->stage[s].remove_at[sec]);
		}
		free(ov->stage[s].add_sources.items);
	}
	free(ov);
}

static enum poise_status too_big(const char *name, const char *what, unsigned long long size,
			       size_t max, struct poise_error *err)
{
	return poise_error_set(err, POISE_TOO_BIG, name, 0, 0,
			       "%s is %llu bytes; the limit is %zu (%zu KiB)", what, size, max,
			       max / 1024);
}

enum poise_status pb_tree_load(struct pb_tree *t, const char *text, size_t len, const char *name,
			       const char *what, size_t max, struct poise_error *err)
{
	enum poise_status st;

	if (!text && len)
		return poise_error_set(err, POISE_USAGE, name, 0, 0, "no text to load");
	if (len > max)
		return too_big(name, what, len, max, err);
	if (!text)
		text = "";
	if ((st = playbook_text_check(text, len, name, err)) != POISE_OK)
		return st;
	return playbook_tree_build(t, text, len, name, err);
}

/* Keep the exact text and its hash: calls record which guidance they used. */
static enum poise_status playbook_keep_text(struct playbook *pb, const char *text, size_t len,
					    const char *name, struct poise_error *err)
{
	if (!(pb->text = malloc(len + 1)) || !(pb->path = strpool_dup(&pb->strings, name)))
		return poise_error_nomem(err);
	if (len)
		memcpy(pb->text, text, len);
	pb->text[len] = '\0';
	pb->text_len = len;
	/* The built-in one was hashed by the build (cmake/embed.cmake): 5% of a start-up. */
	if (text == (const char *)poise_default_playbook && len == poise_default_playbook_len &&
	    strlen(poise_default_playbook_sha256) == sizeof(pb->hash) - 1)
		memcpy(pb->hash, poise_default_playbook_sha256, sizeof(pb->hash));
	else
		sha256_hex(text, len, pb->hash);
	return POISE_OK;
}

enum poise_status playbook_parse_text(const char *text, size_t len, const char *name,
				      struct playbook **out, struct poise_error *err)
{
	struct pb_tree tree = {0};
	struct playbook *pb = NULL;
	enum poise_status st;

	*out = NULL;
	poise_error_clear(err);
	if (!name)
		name = PLAYBOOK_TEXT_NAME;
	if ((st = pb_tree_load(&tree, text, len, name, "playbook", PLAYBOOK_MAX_BYTES, err)) !=
	    POISE_OK)
		goto out;
	if (!text)
		text = "";
	if (!(pb = calloc(1, sizeof(*pb)))) {
		st = poise_error_nomem(err);
		goto out;
	}
	if ((st = playbook_walk(&tree, name, pb, err, NULL)) != POISE_OK ||
	    (st = playbook_keep_text(pb, text, len, name, err)) != POISE_OK)
		goto out;
	*out = pb;
	pb = NULL;
out:
	playbook_tree_free(&tree);
	playbook_free(pb);
	return st;
}

/*
 * Read fd to its end into a buffer of cap bytes to start with, growing it but
 * never past PLAYBOOK_MAX_BYTES + 1: a file that grows after fstat is still
 * caught by the limit.
 */
static enum poise_status read_fd(int fd, const char *path, const char *what, size_t cap,
				 size_t max, char **out, size_t *outlen, struct poise_error *err)
{
	char *buf = malloc(cap), *grown;
	size_t len = 0;
	ssize_t n;

	if (!buf)
		return poise_error_nomem(err);
	while ((n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return poise_error_set(err, POISE_IO, path, 0, 0, "cannot read %s: %s",
					       what, strerror(errno));
		}
		if ((len += (size_t)n) < cap)
			continue;
		if (cap > max) {
			free(buf);
			return too_big(path, what, (unsigned long long)len, max, err);
		}
		cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
		if (!(grown = realloc(buf, cap))) {
			free(buf);
			return poise_error_nomem(err);
		}
		buf = grown;
	}
	*out = buf;
	*outlen = len;
	return POISE_OK;
}

/*
 * The size from fstat decides before anything is read, so a huge file costs
 * nothing. O_NONBLOCK so that a FIFO cannot hang us in open(); a file that
 * grows after fstat is still caught by the limit.
 */
enum poise_status pb_read_file(const char *path, const char *what, size_t max, char **out,
			       size_t *outlen, struct poise_error *err)
{
	enum poise_status st;
	struct stat sb;
	int fd;

	if (!path)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "no %s path given", what);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 && errno == ENXIO)
		/* a socket: say what it is, not the errno's words */
		return poise_error_set(err, POISE_IO, path, 0, 0, "cannot read %s: %s", what,
				       "not a regular file");
	if (fd < 0)
		return poise_error_set(err, errno == ENOENT ? POISE_NOT_FOUND : POISE_IO, path, 0,
				       0, "cannot open %s: %s", what, strerror(errno));
	if (fstat(fd, &sb) < 0)
		st = poise_error_set(err, POISE_IO, path, 0, 0, "cannot read %s: %s", what,
				     strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		st = poise_error_set(err, POISE_IO, path, 0, 0, "cannot read %s: %s", what,
				     S_ISDIR(sb.st_mode) ? "is a folder" : "not a regular file");
	else if ((unsigned long long)sb.st_size > max)
		st = too_big(path, what, (unsigned long long)sb.st_size, max, err);
	else
		st = read_fd(fd, path, what, (size_t)sb.st_size + 1, max, out, outlen, err);
	close(fd);
	return st;
}

enum poise_status pb_load_file(const char *path, const char *what, size_t max, pb_text_fn load,
			       void *out, struct poise_error *err)
{
	enum poise_status st;
	char *text = NULL;
	size_t len = 0;

	poise_error_clear(err);
	if ((st = pb_read_file(path, what, max, &text, &len, err)) == POISE_OK)
		st = load(out, text, len, path, err);
	free(text);
	return st;
}

/* Whether a comes after b in the file. */
static int after(const struct poise_error *a, const struct poise_error *b)
{
	return a->line > b->line || (a->line == b->line && a->col > b->col);
}

/* Every error of text (or, read is set, of the file named path), as playbook_errors_file. */
static enum poise_status errors_of(const char *path, int read, const char *given, size_t len,
				   struct poise_error **errs, size_t *n, struct pb_own_id *id)
{
	struct pb_errlist all = {0};
	struct poise_error first;
	struct pb_tree tree = {0};
	struct playbook *pb = calloc(1, sizeof(*pb));
	char *text = NULL;

	*errs = NULL;
	*n = 0;
	if (id)
		*id = (struct pb_own_id){"", {0, 0}};
	if (!pb)
		return POISE_NOMEM;
	if ((read && pb_read_file(path, "playbook", PLAYBOOK_MAX_BYTES, &text, &len, &first) !=
			     POISE_OK) ||
	    pb_tree_load(&tree, read ? text : given, len, path, "playbook", PLAYBOOK_MAX_BYTES,
			 &first) != POISE_OK) {
		if (first.status == POISE_NOMEM || !(all.e = malloc(sizeof(*all.e))))
			all.nomem = 1;
		else
			all.e[all.n++] = first;
	} else if (playbook_walk(&tree, path, pb, &first, &all) == POISE_NOMEM) {
		all.nomem = 1;
	}
	/* The walk keeps the id only when it is valid, so it fits. */
	if (id && pb->id) {
		snprintf(id->id, sizeof(id->id), "%s", pb->id);
		id->at = pb->id_at;
	}
	playbook_tree_free(&tree);
	playbook_free(pb);
	free(text);
	if (all.nomem) {
		free(all.e);
		return POISE_NOMEM;
	}
	/* Insertion sort: stable, so two errors at one place keep the walk's order. */
	for (size_t i = 1; i < all.n; i++) {
		struct poise_error e = all.e[i];
		size_t j = i;

		for (; j > 0 && after(&all.e[j - 1], &e); j--)
			all.e[j] = all.e[j - 1];
		all.e[j] = e;
	}
	*errs = all.e;
	*n = all.n;
	return POISE_OK;
}

enum poise_status playbook_errors_file(const char *path, struct poise_error **errs, size_t *n,
				       struct pb_own_id *id)
{
	return errors_of(path, 1, NULL, 0, errs, n, id);
}

enum poise_status playbook_errors_text(const char *text, size_t len, const char *name,
				       struct poise_error **errs, size_t *n)
{
	return errors_of(name ? name : PLAYBOOK_TEXT_NAME, 0, text ? text : "", text ? len : 0,
			 errs, n, NULL);
}

/* A playbook file's text, parsed alone (playbook_parse_file's pb_text_fn). */
static enum poise_status parse_text(void *out, const char *text, size_t len, const char *path,
				    struct poise_error *err)
{
	return playbook_parse_text(text, len, path, out, err);
}

/* A playbook file's text, loaded with what it extends (finder NULL: beside it). */
struct load_with {
	const struct pb_finder *finder;
	struct playbook **out;
};

static enum poise_status load_text_with(void *ctx, const char *text, size_t len, const char *path,
					struct poise_error *err)
{
	struct load_with *lw = ctx;

	return playbook_load_text_with(text, len, path, lw->finder, lw->out, err);
}

enum poise_status playbook_parse_file(const char *path, struct playbook **out,
				      struct poise_error *err)
{
	*out = NULL;
	return pb_load_file(path, "playbook", PLAYBOOK_MAX_BYTES, parse_text, out, err);
}

enum poise_status playbook_load_file_with(const char *path, const struct pb_finder *finder,
					  struct playbook **out, struct poise_error *err)
{
	struct load_with lw = {finder, out};

	*out = NULL;
	return pb_load_file(path, "playbook", PLAYBOOK_MAX_BYTES, load_text_with, &lw, err);
}

enum poise_status playbook_load_file(const char *path, struct playbook **out,
				     struct poise_error *err)
{
	return playbook_load_file_with(path, NULL, out, err);
}

enum poise_status playbook_load_text(const char *text, size_t len, const char *name,
				     struct playbook **out, struct poise_error *err)
{
	return playbook_load_text_with(text, len, name, NULL, out, err);
}
