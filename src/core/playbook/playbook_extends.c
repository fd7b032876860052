/*
 * playbook_extends.c - resolving a playbook that `extends:` another.
 *
 * The chain is followed here, parent by parent, through a finder that only
 * parses (so a finder cannot recurse): a cycle, a missing parent and a chain
 * deeper than PLAYBOOK_MAX_EXTENDS are found in this one place. Then the
 * chain is applied from its root down, each level's changes moved into the
 * playbook being built, and the result is written out as YAML so that the
 * text and hash stored with a call are those of what the agent saw.
 *
 * Strings move by pointer: the playbook being built adopts each level's
 * string pool first, so what it takes stays alive and what it replaces is
 * freed with it.
 */
#include "playbook_tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise/sha256.h"

static enum poise_status at_error(const struct playbook *pb, struct pb_pos at,
				  struct poise_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum poise_status at_error(const struct playbook *pb, struct pb_pos at,
				  struct poise_error *err, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	return poise_error_put(err, POISE_PLAYBOOK, pb->path, at.line, at.col, msg);
}

static void steal_str(char **to, char **from)
{
	if (!*from)
		return;
	*to = *from;
	*from = NULL;
}

static void steal_list(struct strlist *to, struct strlist *from)
{
	free(to->items);
	*to = *from;
	from->items = NULL;
	from->len = 0;
}

/* Append add's items to l (moving them); with unique, skip those already in l. */
static enum poise_status list_append(struct strlist *l, struct strlist *add, int unique)
{
	char **grown = realloc(l->items, (l->len + add->len + 1) * sizeof(*grown));

	if (!grown)
		return POISE_NOMEM;
	l->items = grown;
	for (size_t i = 0; i < add->len; i++) {
		size_t j = 0;

		while (unique && j < l->len && strcmp(l->items[j], add->items[i]))
			j++;
		if (!unique || j == l->len)
			l->items[l->len++] = add->items[i];
	}
	free(add->items);
	add->items = NULL;
	add->len = 0;
	return POISE_OK;
}

/* Take out of l each line of rm, by its exact text; a line l lacks is an error. */
static enum poise_status list_remove(struct strlist *l, const struct strlist *rm,
				     const struct pb_pos *rm_at, const struct playbook *child,
				     const char *what, struct poise_error *err)
{
	for (size_t i = 0; i < rm->len; i++) {
		size_t j = 0;

		while (j < l->len && strcmp(l->items[j], rm->items[i]))
			j++;
		if (j == l->len)
			return at_error(child, rm_at[i], err,
					"'%s' has no line '%s' in %s to remove (was it reworded?)",
					child->extends, rm->items[i], what);
		memmove(&l->items[j], &l->items[j + 1], (l->len - j - 1) * sizeof(*l->items));
		l->len--;
	}
	return POISE_OK;
}

static enum poise_status apply_stage(struct playbook *base, struct playbook *child, enum stage s,
				     struct poise_error *err)
{
	struct pb_overlay_stage *os = &child->overlay->stage[s];
	struct pb_stage *to = &base->stages[s], *from = &child->stages[s];
	enum poise_status st;
	char what[64];

	if (!os->given)
		return POISE_OK;
	to->at = from->at;
	steal_str(&to->goal, &from->goal);
	steal_str(&to->timebox_why, &from->timebox_why);
	if (os->given & (1u << SF_TIMEBOX))
		to->timebox = from->timebox;
	if (os->given & (1u << SF_SOURCES))
		steal_list(&to->sources, &from->sources);
	if (list_append(&to->sources, &os->add_sources, 1) != POISE_OK)
		return poise_error_nomem(err);
	for (int i = 0;
	     s == STAGE_BOUNDARY && (os->given & (1u << SF_WARNINGS)) && i < PLAYBOOK_WARNINGS; i++)
		steal_str(&base->warnings[i], &child->warnings[i]);
	for (int sec = 0; sec < SECTION_COUNT; sec++) {
		snprintf(what, sizeof(what), "stage '%s' %s", stage_key(s), section_key(sec));
		if (os->given & (1u << (SF_TIPS + sec)))
			steal_list(&to->section[sec], &from->section[sec]);
		if ((st = list_remove(&to->section[sec], &os->remove[sec], os->remove_at[sec],
				      child, what, err)) != POISE_OK)
			return st;
		if (list_append(&to->section[sec], &os->add[sec], 0) != POISE_OK)
			return poise_error_nomem(err);
	}
	if (!to->section[SECTION_TIPS].len || !to->section[SECTION_CHECKLIST].len)
		return at_error(child, to->at, err, "stage '%s' is left with no %s", stage_key(s),
				to->section[SECTION_TIPS].len ? "checklist" : "tips");
	if (to->timebox_why && !to->timebox)
		return at_error(child, to->at, err, "stage '%s' has a 'timebox-why' but no timebox",
				stage_key(s));
	return POISE_OK;
}

/* Rules merge by id: the same id replaces the parent's rule in place, a new id is added. */
static enum poise_status apply_rules(struct playbook *base, struct playbook *child)
{
	struct pb_rule *grown;

	if (!child->nrules)
		return POISE_OK;
	grown = realloc(base->rules, (base->nrules + child->nrules) * sizeof(*grown));
	if (!grown)
		return POISE_NOMEM;
	base->rules = grown;
	for (size_t i = 0; i < child->nrules; i++) {
		struct pb_rule *r = &child->rules[i];
		size_t j = 0;

		while (j < base->nrules && strcmp(base->rules[j].id, r->id))
			j++;
		if (j == base->nrules)
			base->nrules++;
		base->rules[j] = *r;
	}
	free(child->rules);
	child->rules = NULL;
	child->nrules = 0;
	return POISE_OK;
}

/* "en-GB" and "en" share a language; "es" and "en" do not. */
static int same_language(const char *a, const char *b)
{
	size_t na = strcspn(a, "-"), nb = strcspn(b, "-");

	return na == nb && !strncmp(a, b, na);
}

/* Positions belong to the file being applied: forget the ancestors'. */
static void forget_positions(struct playbook *pb)
{
	for (int s = 0; s < STAGE_COUNT; s++)
		pb->stages[s].at = (struct pb_pos){0, 0};
	for (size_t i = 0; i < pb->nrules; i++)
		pb->rules[i].at = (struct pb_pos){0, 0};
}

enum poise_status playbook_apply(struct playbook *base, struct playbook *child,
				 struct poise_error *err)
{
	unsigned given = child->overlay->given;
	enum poise_status st;

	strpool_adopt(&base->strings, &child->strings);
	forget_positions(base);
	if (child->language && !same_language(child->language, base->language))
		return at_error(child, child->extends_at, err,
				"'%s' is written in '%s'; a playbook in '%s' cannot build on it",
				base->id, base->language, child->language);
	if (given & (1u << PF_SOURCES))
		steal_list(&base->sources, &child->sources);
	if (given & (1u << PF_CAUSES)) {
		free(base->causes);
		base->causes = child->causes;
		base->ncauses = child->ncauses;
		child->causes = NULL;
		child->ncauses = 0;
	}
	for (int s = 0; s < STAGE_COUNT; s++)
		if ((st = apply_stage(base, child, (enum stage)s, err)) != POISE_OK)
			return st;
	if (apply_rules(base, child) != POISE_OK)
		return poise_error_nomem(err);
	steal_str(&base->id, &child->id);
	base->id_at = child->id_at;
	steal_str(&base->title, &child->title);
	steal_str(&base->version, &child->version);
	steal_str(&base->language, &child->language);
	steal_str(&base->description, &child->description);
	steal_str(&base->scorecard, &child->scorecard);
	base->manager_at = child->manager ? child->manager_at : (struct pb_pos){0, 0};
	steal_str(&base->manager, &child->manager);
	steal_str(&base->extends, &child->extends);
	base->extends_at = child->extends_at;
	return POISE_OK;
}

/* The finder used when none is given: the built-in default, and no file at all. */
static enum poise_status builtin_find(void *ctx, const char *id, struct playbook **out,
				      struct poise_error *err)
{
	enum poise_status st;

	(void)ctx;
	st = playbook_parse_text((const char *)poise_default_playbook,
				 (size_t)poise_default_playbook_len, "(built-in)", out, err);
	if (st != POISE_OK)
		return st;
	if (!strcmp((*out)->id, id))
		return POISE_OK;
	playbook_free(*out);
	*out = NULL;
	return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			       "no playbook with id '%s' here (only the built-in one)", id);
}

/* "a -> b -> c" for messages. */
static void chain_names(struct playbook *const *chain, size_t n, const char *last, char *buf,
			size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s -> ", chain[i]->id);
	if (used < size)
		snprintf(buf + used, size - used, "%s", last);
}

/* Parse the chain of parents into chain[1..]; *n counts chain[0] (the child) too. */
static enum poise_status find_chain(struct playbook **chain, size_t *n,
				    const struct pb_finder *finder, struct poise_error *err)
{
	static const struct pb_finder builtin = {builtin_find, NULL};
	struct poise_error ferr;
	enum poise_status st;
	char names[300];

	if (!finder)
		finder = &builtin;
	while (chain[*n - 1]->extends) {
		struct playbook *last = chain[*n - 1];

		chain_names(chain, *n, last->extends, names, sizeof(names));
		for (size_t i = 0; i < *n; i++)
			if (!strcmp(chain[i]->id, last->extends))
				return at_error(last, last->extends_at, err,
						"extends makes a cycle: %s", names);
		if (*n > PLAYBOOK_MAX_EXTENDS)
			return at_error(chain[0], chain[0]->extends_at, err,
					"extends goes deeper than %d levels: %s",
					PLAYBOOK_MAX_EXTENDS, names);
		poise_error_clear(&ferr);
		st = finder->find(finder->ctx, last->extends, &chain[*n], &ferr);
		if (st == POISE_NOT_FOUND)
			return at_error(last, last->extends_at, err,
					"cannot find '%s', which this playbook extends: %s",
					last->extends, ferr.msg);
		if (st != POISE_OK) {
			*err = ferr;
			return st;
		}
		(*n)++;
	}
	return POISE_OK;
}

/* Write the resolved playbook out: its text and hash are what a call stores. */
static enum poise_status keep_resolved_text(struct playbook *pb, struct poise_error *err)
{
	char comment[200];
	enum poise_status st;

	snprintf(comment, sizeof(comment),
		 "The playbook '%s' with what it extends ('%s') applied, as poise used it.", pb->id,
		 pb->extends);
	free(pb->text);
	pb->text = NULL;
	if ((st = playbook_emit(pb, comment, &pb->text, &pb->text_len, err)) != POISE_OK)
		return st;
	if (pb->text_len > PLAYBOOK_MAX_BYTES)
		return poise_error_set(
			err, POISE_TOO_BIG, pb->path, 0, 0,
			"the resolved playbook is %zu bytes; the limit is %d (1 MiB)", pb->text_len,
			PLAYBOOK_MAX_BYTES);
	sha256_hex(pb->text, pb->text_len, pb->hash);
	return POISE_OK;
}

enum poise_status playbook_load_text_with(const char *text, size_t len, const char *name,
					  const struct pb_finder *finder, struct playbook **out,
					  struct poise_error *err)
{
	struct playbook *chain[PLAYBOOK_MAX_EXTENDS + 2] = {0}, *pb = NULL;
	enum poise_status st;
	size_t n = 1;

	if ((st = playbook_parse_text(text, len, name, &chain[0], err)) != POISE_OK ||
	    !chain[0]->extends) {
		*out = chain[0];
		return st;
	}
	if ((st = find_chain(chain, &n, finder, err)) != POISE_OK)
		goto out;
	pb = chain[--n];
	chain[n] = NULL;
	while (n-- > 0)
		if ((st = playbook_apply(pb, chain[n], err)) != POISE_OK)
			goto out;
	pb->path = chain[0]->path;
	chain[0]->path = NULL;
	/* Notes are located in a file: the child's are this file's, a parent's its own. */
	free(pb->notes);
	pb->notes = chain[0]->notes;
	pb->nnotes = chain[0]->nnotes;
	chain[0]->notes = NULL;
	chain[0]->nnotes = 0;
	st = keep_resolved_text(pb, err);
out:
	for (size_t i = 0; i < PLAYBOOK_MAX_EXTENDS + 2; i++)
		playbook_free(chain[i]);
	if (st != POISE_OK) {
		playbook_free(pb);
		pb = NULL;
	}
	*out = pb;
	return st;
}
