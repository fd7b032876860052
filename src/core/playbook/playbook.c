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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "playbook_tree.h"
#include "poise/sha256.h"

#define PLAYBOOK_BUILTIN_NAME "(built-in)"
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

const char *stage_title(enum stage stage)
{
	return (unsigned)stage < STAGE_COUNT ? stage_titles[stage] : NULL;
}

const char *section_key(enum section section)
{
	return (unsigned)section < SECTION_COUNT ? section_keys[section] : NULL;
}

const char *section_title(enum section section)
{
	return (unsigned)section < SECTION_COUNT ? section_titles[section] : NULL;
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
	return (unsigned)action < ACTION_COUNT ? rule_action_hints[action] : "";
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

static void strlist_free(struct strlist *list)
{
	size_t i;

	for (i = 0; i < list->len; i++)
		free(list->items[i]);
	free(list->items);
}

void playbook_free(struct playbook *pb)
{
	size_t i;
	int s, sec;

	if (!pb)
		return;
	free(pb->id);
	free(pb->title);
	free(pb->version);
	free(pb->language);
	free(pb->description);
	free(pb->manager);
	strlist_free(&pb->sources);
	for (s = 0; s < STAGE_COUNT; s++) {
		free(pb->stages[s].goal);
		free(pb->stages[s].timebox_why);
		for (sec = 0; sec < SECTION_COUNT; sec++)
			strlist_free(&pb->stages[s].section[sec]);
		strlist_free(&pb->stages[s].sources);
	}
	for (i = 0; i < PLAYBOOK_WARNINGS; i++)
		free(pb->warnings[i]);
	for (i = 0; i < pb->ncauses; i++) {
		free(pb->causes[i].id);
		free(pb->causes[i].label);
	}
	free(pb->causes);
	for (i = 0; i < pb->nrules; i++) {
		free(pb->rules[i].id);
		free(pb->rules[i].message);
		free(pb->rules[i].why);
	}
	free(pb->rules);
	free(pb->text);
	free(pb->path);
	free(pb->extends);
	playbook_overlay_free(pb->overlay);
	free(pb->notes);
	free(pb);
}

void playbook_overlay_free(struct pb_overlay *ov)
{
	if (!ov)
		return;
	for (int s = 0; s < STAGE_COUNT; s++) {
		for (int sec = 0; sec < SECTION_COUNT; sec++) {
			strlist_free(&ov->stage[s].add[sec]);
			strlist_free(&ov->stage[s].remove[sec]);
			free(ov->stage[s].remove_at[sec]);
		}
		strlist_free(&ov->stage[s].add_sources);
	}
	free(ov);
}

static enum poise_status too_big(const char *name, unsigned long long size, struct poise_error *err)
{
	return poise_error_set(err, POISE_TOO_BIG, name, 0, 0,
			       "playbook is %llu bytes; the limit is %d (1 MiB)", size,
			       PLAYBOOK_MAX_BYTES);
}

/* Keep the exact text and its hash: calls record which guidance they used. */
static enum poise_status playbook_keep_text(struct playbook *pb, const char *text, size_t len,
					    const char *name, struct poise_error *err)
{
	if (!(pb->text = malloc(len + 1)) || !(pb->path = strdup(name)))
		return poise_error_set(err, POISE_NOMEM, name, 0, 0, "out of memory");
	if (len)
		memcpy(pb->text, text, len);
	pb->text[len] = '\0';
	pb->text_len = len;
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
	if (!text && len)
		return poise_error_set(err, POISE_USAGE, name, 0, 0, "no text to load");
	if (len > PLAYBOOK_MAX_BYTES)
		return too_big(name, len, err);
	if (!text)
		text = "";
	if ((st = playbook_text_check(text, len, name, err)) != POISE_OK ||
	    (st = playbook_tree_build(&tree, text, len, name, err)) != POISE_OK)
		goto out;
	if (!(pb = calloc(1, sizeof(*pb)))) {
		st = poise_error_set(err, POISE_NOMEM, name, 0, 0, "out of memory");
		goto out;
	}
	if ((st = playbook_walk(&tree, name, pb, err)) != POISE_OK ||
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
static enum poise_status read_fd(int fd, const char *path, size_t cap, char **out, size_t *outlen,
				 struct poise_error *err)
{
	char *buf = malloc(cap), *grown;
	size_t len = 0;
	ssize_t n;

	if (!buf)
		return poise_error_set(err, POISE_NOMEM, path, 0, 0, "out of memory");
	while ((n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return poise_error_set(err, POISE_IO, path, 0, 0,
					       "cannot read playbook: %s", strerror(errno));
		}
		if ((len += (size_t)n) < cap)
			continue;
		if (cap > PLAYBOOK_MAX_BYTES) {
			free(buf);
			return too_big(path, (unsigned long long)len, err);
		}
		cap = cap * 2 > PLAYBOOK_MAX_BYTES + 1 ? PLAYBOOK_MAX_BYTES + 1 : cap * 2;
		if (!(grown = realloc(buf, cap))) {
			free(buf);
			return poise_error_set(err, POISE_NOMEM, path, 0, 0, "out of memory");
		}
		buf = grown;
	}
	*out = buf;
	*outlen = len;
	return POISE_OK;
}

/*
 * The size from fstat decides before anything is read, so a huge file costs
 * nothing. O_NONBLOCK so that a FIFO cannot hang us in open().
 */
static enum poise_status read_bounded(const char *path, char **out, size_t *outlen,
				      struct poise_error *err)
{
	enum poise_status st;
	struct stat sb;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return poise_error_set(err, errno == ENOENT ? POISE_NOT_FOUND : POISE_IO, path, 0,
				       0, "cannot open playbook: %s", strerror(errno));
	if (fstat(fd, &sb) < 0)
		st = poise_error_set(err, POISE_IO, path, 0, 0, "cannot read playbook: %s",
				     strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		st = poise_error_set(err, POISE_IO, path, 0, 0, "cannot read playbook: %s",
				     S_ISDIR(sb.st_mode) ? "is a folder" : "not a regular file");
	else if (sb.st_size > PLAYBOOK_MAX_BYTES)
		st = too_big(path, (unsigned long long)sb.st_size, err);
	else
		st = read_fd(fd, path, (size_t)sb.st_size + 1, out, outlen, err);
	close(fd);
	return st;
}

/* Read the file at path, then parse it (finder NULL) or load it (resolving with finder). */
static enum poise_status file_load(const char *path, int resolve, const struct pb_finder *finder,
				   struct playbook **out, struct poise_error *err)
{
	enum poise_status st;
	char *text = NULL;
	size_t len = 0;

	*out = NULL;
	poise_error_clear(err);
	if (!path)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "no playbook path given");
	if ((st = read_bounded(path, &text, &len, err)) == POISE_OK)
		st = resolve ? playbook_load_text_with(text, len, path, finder, out, err)
			     : playbook_parse_text(text, len, path, out, err);
	free(text);
	return st;
}

enum poise_status playbook_parse_file(const char *path, struct playbook **out,
				      struct poise_error *err)
{
	return file_load(path, 0, NULL, out, err);
}

enum poise_status playbook_load_file_with(const char *path, const struct pb_finder *finder,
					  struct playbook **out, struct poise_error *err)
{
	return file_load(path, 1, finder, out, err);
}

enum poise_status playbook_load_file(const char *path, struct playbook **out,
				     struct poise_error *err)
{
	return file_load(path, 1, NULL, out, err);
}

enum poise_status playbook_load_text(const char *text, size_t len, const char *name,
				     struct playbook **out, struct poise_error *err)
{
	return playbook_load_text_with(text, len, name, NULL, out, err);
}

enum poise_status playbook_load_default(struct playbook **out, struct poise_error *err)
{
	return playbook_load_text((const char *)poise_default_playbook,
				  (size_t)poise_default_playbook_len, PLAYBOOK_BUILTIN_NAME, out,
				  err);
}
