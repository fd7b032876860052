/*
 * playbook_builtin.c - the built-in playbook: a copy of the table the build
 * made by loading its YAML with this same loader (gen/playbook_table.c),
 * so start-up does not parse it again; the YAML itself while the build
 * step runs. check_playbook proves the table equals a fresh parse.
 */
#include <stdlib.h>
#include <string.h>

#include "playbook_tree.h"

#define PLAYBOOK_BUILTIN_NAME "(built-in)"

static char *copy_str(struct strpool *pool, const char *s, int *nomem)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strpool_dup(pool, s)))
		*nomem = 1;
	return d;
}

static struct strlist copy_list(struct strpool *pool, const struct strlist *s, int *nomem)
{
	struct strlist d = {NULL, 0};

	if (!s->len)
		return d;
	if (!(d.items = calloc(s->len, sizeof(*d.items)))) {
		*nomem = 1;
		return d;
	}
	d.len = s->len;
	for (size_t i = 0; i < s->len; i++)
		d.items[i] = copy_str(pool, s->items[i], nomem);
	return d;
}

/* n items of size bytes, copied; NULL (and *nomem) when out of memory. */
static void *copy_array(const void *s, size_t n, size_t size, int *nomem)
{
	void *d;

	if (!n)
		return NULL;
	if (!(d = malloc(n * size)))
		*nomem = 1;
	else
		memcpy(d, s, n * size);
	return d;
}

/*
 * A whole copy of a resolved playbook. Every pointer of the shallow copy is
 * replaced (by NULL when out of memory), so playbook_free never meets one
 * of src's.
 */
static struct playbook *playbook_copy(const struct playbook *src)
{
	struct playbook *pb = malloc(sizeof(*pb));
	int nomem = 0;

	if (!pb)
		return NULL;
	*pb = *src;
	pb->strings = (struct strpool){0};
	pb->id = copy_str(&pb->strings, src->id, &nomem);
	pb->title = copy_str(&pb->strings, src->title, &nomem);
	pb->version = copy_str(&pb->strings, src->version, &nomem);
	pb->language = copy_str(&pb->strings, src->language, &nomem);
	pb->description = copy_str(&pb->strings, src->description, &nomem);
	pb->scorecard = copy_str(&pb->strings, src->scorecard, &nomem);
	pb->sources = copy_list(&pb->strings, &src->sources, &nomem);
	for (int s = 0; s < STAGE_COUNT; s++) {
		struct pb_stage *st = &pb->stages[s];
		const struct pb_stage *from = &src->stages[s];

		st->goal = copy_str(&pb->strings, from->goal, &nomem);
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			st->section[sec] = copy_list(&pb->strings, &from->section[sec], &nomem);
		st->sources = copy_list(&pb->strings, &from->sources, &nomem);
		st->timebox_why = copy_str(&pb->strings, from->timebox_why, &nomem);
	}
	for (int i = 0; i < PLAYBOOK_WARNINGS; i++)
		pb->warnings[i] = copy_str(&pb->strings, src->warnings[i], &nomem);
	pb->manager = copy_str(&pb->strings, src->manager, &nomem);
	if (!(pb->causes = copy_array(src->causes, src->ncauses, sizeof(*pb->causes), &nomem)))
		pb->ncauses = 0;
	for (size_t i = 0; i < pb->ncauses; i++) {
		pb->causes[i].id = copy_str(&pb->strings, src->causes[i].id, &nomem);
		pb->causes[i].label = copy_str(&pb->strings, src->causes[i].label, &nomem);
	}
	if (!(pb->rules = copy_array(src->rules, src->nrules, sizeof(*pb->rules), &nomem)))
		pb->nrules = 0;
	for (size_t i = 0; i < pb->nrules; i++) {
		pb->rules[i].id = copy_str(&pb->strings, src->rules[i].id, &nomem);
		pb->rules[i].message = copy_str(&pb->strings, src->rules[i].message, &nomem);
		pb->rules[i].why = copy_str(&pb->strings, src->rules[i].why, &nomem);
	}
	if ((pb->text = malloc(src->text_len + 1))) {
		memcpy(pb->text, src->text, src->text_len);
		pb->text[src->text_len] = '\0';
	} else {
		nomem = 1;
	}
	pb->path = copy_str(&pb->strings, src->path, &nomem);
	pb->extends = copy_str(&pb->strings, src->extends, &nomem);
	pb->overlay = NULL;
	if (!(pb->notes = copy_array(src->notes, src->nnotes, sizeof(*pb->notes), &nomem)))
		pb->nnotes = 0;
	if (nomem) {
		playbook_free(pb);
		return NULL;
	}
	return pb;
}

enum poise_status playbook_load_default(struct playbook **out, struct poise_error *err)
{
	if (!poise_default_playbook_table)
		return playbook_load_text((const char *)poise_default_playbook,
					  (size_t)poise_default_playbook_len,
					  PLAYBOOK_BUILTIN_NAME, out, err);
	poise_error_clear(err);
	if (!(*out = playbook_copy(poise_default_playbook_table)))
		return poise_error_nomem(err);
	return POISE_OK;
}
