/*
 * playbook_walk.c - the playbook format, enforced over the node tree.
 *
 * The first error wins and says where it is. Within a mapping, unknown and
 * duplicate keys come first, then missing ones (located at the mapping),
 * then each value in the order of the format.
 */
#include "playbook_tree.h"

#include "poise/limits.h"
#include "poise/fill.h"
#include "poise/text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum poise_status pbwalk_error(struct pb_walk *w, uint32_t at, const char *fmt, ...)
{
	char msg[sizeof(w->err->msg)];
	struct poise_error e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	poise_error_put(&e, POISE_PLAYBOOK, w->name, pb_node(w, at)->line, pb_node(w, at)->col, msg);
	if (!w->failed)
		*w->err = e;
	w->failed = 1;
	if (w->all && !w->all->nomem && w->all->n < PB_MAX_ERRORS) {
		struct pb_errlist *l = w->all;

		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 8;
			struct poise_error *grown = realloc(l->e, cap * sizeof(*grown));

			if (!grown) {
				l->nomem = 1;
				return POISE_PLAYBOOK;
			}
			l->e = grown;
			l->cap = cap;
		}
		l->e[l->n++] = e;
	}
	return POISE_PLAYBOOK;
}

/* A plain ~, null or nothing: YAML's null, which the format calls missing. */
int pbwalk_missing(const struct pb_walk *w, uint32_t i)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	const struct pb_node *n = pb_node(w, i);
	size_t k;

	if (n->type != PB_SCALAR || !n->plain || n->tag != PB_TAG_NONE)
		return 0;
	for (k = 0; k < sizeof(nulls) / sizeof(nulls[0]); k++)
		if (!strcmp(pb_str(w, i), nulls[k]))
			return 1;
	return 0;
}

const char *pbwalk_kind(const struct pb_walk *w, uint32_t i)
{
	const struct pb_node *n = pb_node(w, i);

	if (n->type == PB_MAP)
		return _("a mapping");
	if (n->type == PB_SEQ)
		return _("a list");
	if (n->tag == PB_TAG_INT)
		return _("an !!int");
	if (n->tag == PB_TAG_STR)
		return _("a !!str");
	return _("a string");
}

/* An empty value has no position of its own worth showing: point at its key. */
static enum poise_status walk_empty(struct pb_walk *w, uint32_t key, uint32_t val)
{
	const struct pb_node *n = pb_node(w, val);
	uint32_t at = n->type == PB_SCALAR && n->plain && !n->len ? key : val;

	return pbwalk_error(w, at, "empty value for '%s'", pb_str(w, key));
}

/* The value of key as a non-empty string (pointing into the tree). */
enum poise_status pbwalk_scalar(struct pb_walk *w, uint32_t key, uint32_t val, const char **out)
{
	const struct pb_node *n = pb_node(w, val);

	if (pbwalk_missing(w, val) || (n->type == PB_SCALAR && !n->len))
		return walk_empty(w, key, val);
	if (n->type != PB_SCALAR || n->tag == PB_TAG_INT)
		return pbwalk_error(w, val, "expected a string for '%s', got %s", pb_str(w, key),
				    pbwalk_kind(w, val));
	*out = pb_str(w, val);
	return POISE_OK;
}

enum poise_status pbwalk_string(struct pb_walk *w, uint32_t key, uint32_t val, pb_check_fn check,
				char **out)
{
	enum poise_status st;
	const char *s;

	if ((st = pbwalk_scalar(w, key, val, &s)) != POISE_OK)
		return st;
	if (check && (st = check(w, val, s)) != POISE_OK)
		return st;
	if (!(*out = strpool_dup(w->pool, s)))
		return poise_error_nomem(w->err);
	return POISE_OK;
}

/* Integers: digits only, parsed whole, in [min, max]. */
enum poise_status pbwalk_int(struct pb_walk *w, uint32_t key, uint32_t val, long min, long max,
			     int *out)
{
	const struct pb_node *n = pb_node(w, val);
	const char *s = pb_str(w, val), *k = pb_str(w, key);
	char *end;
	long v;

	if (pbwalk_missing(w, val))
		return walk_empty(w, key, val);
	if (n->type != PB_SCALAR || n->tag == PB_TAG_STR)
		return pbwalk_error(w, val, "expected a whole number for '%s', got %s", k,
				    pbwalk_kind(w, val));
	if (!n->plain && n->tag != PB_TAG_INT)
		return pbwalk_error(w, val, "expected a whole number for '%s', got a quoted string",
				    k);
	if (s[0] < '0' || s[0] > '9' || s[strspn(s, "0123456789")] != '\0')
		return pbwalk_error(w, val, "expected a whole number for '%s', got '%s'", k, s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return pbwalk_error(w, val, "'%s' must be between %ld and %ld, got %s", k, min, max,
				    s);
	*out = (int)v;
	return POISE_OK;
}

enum poise_status pbwalk_check_text(struct pb_walk *w, uint32_t at, const char *s)
{
	static const char *const words[] = {"{customer}", "{agent}"};
	const char *p;

	for (p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		size_t n;

		if (!strncmp(p, words[0], strlen(words[0])) ||
		    !strncmp(p, words[1], strlen(words[1])))
			continue;
		n = strcspn(p, "} \t\n");
		if (p[n] == '}')
			return pbwalk_error(
				w, at, "unknown placeholder '%.*s' (use {customer} or {agent})",
				(int)(n > 40 ? 40 : n + 1), p);
		return pbwalk_error(w, at, "a '{' that does not start {customer} or {agent}");
	}
	return POISE_OK;
}

/* Characters (not bytes) in the first n bytes of s: columns count characters. */
static int chars(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

enum poise_status pbwalk_check_spoken(struct pb_walk *w, uint32_t at, const char *s)
{
	const struct pb_node *n = pb_node(w, at);
	struct poise_error *grown, *note;
	enum poise_status st = pbwalk_check_text(w, at, s);
	size_t off;
	char *reads;

	if (st != POISE_OK || fill_drops_cleanly(s, &off))
		return st;
	grown = realloc(w->pb->notes, (w->pb->nnotes + 1) * sizeof(*grown));
	reads = fill_text(s, "", "agent");
	if (!grown || !reads) {
		free(reads);
		if (grown)
			w->pb->notes = grown;
		return poise_error_nomem(w->err);
	}
	w->pb->notes = grown;
	note = &grown[w->pb->nnotes++];
	/* The placeholder's own column when the value is on one line, as it mostly is. */
	poise_error_set(
		note, POISE_PLAYBOOK, w->name, n->line,
		n->col + !n->plain + (strchr(s, '\n') ? 0 : chars(s, off)),
		"without a name this line reads \"%.120s\": put {customer} after a comma or "
		"a space and before punctuation, or first, before a comma",
		reads);
	free(reads);
	return POISE_OK;
}

enum poise_status pbwalk_check_guide(struct pb_walk *w, uint32_t at, const char *s)
{
	if (strlen(s) == 3 && strspn(s, "0123456789") == 3)
		return POISE_OK;
	return pbwalk_error(w, at, "'%s' is not a guide number (three digits, like \"000\")", s);
}

int playbook_id_valid(const char *s)
{
	if (!s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	return s[strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-")] == '\0';
}

enum poise_status pbwalk_check_id(struct pb_walk *w, uint32_t at, const char *s)
{
	if (strlen(s) > FIELD_CAUSE_ID_MAX)
		return pbwalk_error(w, at, "id is longer than %d characters", FIELD_CAUSE_ID_MAX);
	if (playbook_id_valid(s))
		return POISE_OK;
	return pbwalk_error(w, at,
			    "'%s' is not a valid id (lowercase letters, digits and '-', "
			    "starting with a letter or digit)",
			    s);
}

enum poise_status pbwalk_check_playbook_id(struct pb_walk *w, uint32_t at, const char *s)
{
	if (strlen(s) > FIELD_PLAYBOOK_ID_MAX)
		return pbwalk_error(w, at, "id is longer than %d characters",
				    FIELD_PLAYBOOK_ID_MAX);
	return pbwalk_check_id(w, at, s);
}

enum poise_status pbwalk_check_version(struct pb_walk *w, uint32_t at, const char *s)
{
	struct poise_error why;

	if (text_check_field(N_("version"), s, FIELD_VERSION_MAX, 0, &why) == POISE_OK)
		return POISE_OK;
	return pbwalk_error(w, at, "%s", why.msg);
}

enum poise_status pbwalk_check_language(struct pb_walk *w, uint32_t at, const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
	const char *p = s + n;
	const char *alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	if (n < 2 || n > 3)
		goto bad;
	while (*p == '-') {
		n = strspn(p + 1, alnum);
		if (!n)
			goto bad;
		p += 1 + n;
	}
	if (!*p)
		return POISE_OK;
bad:
	return pbwalk_error(w, at, "'%s' is not a language tag (like \"en\" or \"pt-BR\")", s);
}

/* A non-empty list of non-empty strings, each passing check. */
enum poise_status pbwalk_strlist(struct pb_walk *w, uint32_t key, uint32_t val, pb_check_fn check,
				 struct strlist *out)
{
	const struct pb_node *n = pb_node(w, val);
	const char *k = pb_str(w, key);
	enum poise_status st;
	uint32_t i;
	size_t len = 0;

	if (pbwalk_missing(w, val))
		return walk_empty(w, key, val);
	if (n->type != PB_SEQ)
		return pbwalk_error(w, val, "expected a list of strings for '%s', got %s", k,
				    pbwalk_kind(w, val));
	for (i = val + 1; i < n->end; i = pb_next(w, i))
		len++;
	if (!len)
		return pbwalk_error(w, val, "empty list for '%s'", k);
	if (!(out->items = calloc(len, sizeof(*out->items))))
		return poise_error_nomem(w->err);
	out->len = len;
	st = POISE_OK;
	for (len = 0, i = val + 1; i < n->end; i = pb_next(w, i), len++) {
		if (pb_node(w, i)->type != PB_SCALAR || pb_node(w, i)->tag == PB_TAG_INT)
			pbwalk_keep(&st, pbwalk_error(w, i, "expected a string in '%s', got %s", k,
						      pbwalk_kind(w, i)));
		else if (!pb_node(w, i)->len || pbwalk_missing(w, i))
			pbwalk_keep(&st, pbwalk_error(w, i, "empty string in '%s'", k));
		else if (!pbwalk_keep(&st, pbwalk_string(w, key, i, check, &out->items[len])))
			return st;
	}
	return st;
}

enum poise_status pbwalk_expect(struct pb_walk *w, uint32_t key, uint32_t val,
				enum pb_node_type type, const char *what)
{
	const struct pb_node *n = pb_node(w, val);

	if (pbwalk_missing(w, val))
		return pbwalk_error(w, n->len ? val : key, "empty value for %s", what);
	if (n->type == type)
		return POISE_OK;
	return pbwalk_error(w, val, "expected %s for %s, got %s",
			    type == PB_MAP ? "a mapping" : "a list", what, pbwalk_kind(w, val));
}

/* "id, title, version" for messages. */
static void field_names(const struct pb_field *fields, size_t n, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
					 fields[i].key);
}

/*
 * Match the keys of mapping map against fields: unknown and duplicate keys
 * are errors, then missing required ones. key[i] and val[i] get the nodes of
 * field i, or 0 when it is absent.
 */
enum poise_status pbwalk_fields(struct pb_walk *w, uint32_t map, const char *what,
				const struct pb_field *fields, size_t nfields, uint32_t *key,
				uint32_t *val)
{
	enum poise_status st = POISE_OK;
	char names[256];
	uint32_t k;
	size_t f;

	memset(key, 0, nfields * sizeof(*key));
	memset(val, 0, nfields * sizeof(*val));
	for (k = map + 1; k < pb_node(w, map)->end; k = pb_next(w, pb_next(w, k))) {
		if (pb_node(w, k)->type != PB_SCALAR) {
			st = pbwalk_error(w, k, "expected a key name in %s, got %s", what,
					  pbwalk_kind(w, k));
			continue;
		}
		for (f = 0; f < nfields; f++)
			if (!strcmp(pb_str(w, k), fields[f].key))
				break;
		if (f == nfields) {
			field_names(fields, nfields, names, sizeof(names));
			st = pbwalk_error(w, k, "unknown key '%s' in %s (allowed: %s)", pb_str(w, k),
					  what, names);
			continue;
		}
		if (key[f]) {
			st = pbwalk_error(w, k, "duplicate key '%s' in %s (first at line %d)",
					  fields[f].key, what, pb_node(w, key[f])->line);
			continue;
		}
		key[f] = k;
		val[f] = pb_next(w, k);
	}
	for (f = 0; f < nfields; f++)
		if (fields[f].required && !key[f])
			st = pbwalk_error(w, map, "missing required key '%s' in %s", fields[f].key,
					  what);
	return st;
}

enum poise_status pbwalk_document(struct pb_walk *w, const char *empty, const char *not_map,
				  const char *what, const struct pb_field *fields, size_t nfields,
				  uint32_t *key, uint32_t *val)
{
	if (!w->t->len || pbwalk_missing(w, 0))
		return poise_error_put(w->err, POISE_PLAYBOOK, w->name, 1, 1, _(empty));
	if (pb_node(w, 0)->type != PB_MAP)
		return pbwalk_error(w, 0, not_map, pbwalk_kind(w, 0));
	return pbwalk_fields(w, 0, what, fields, nfields, key, val);
}

enum poise_status pbwalk_choice(struct pb_walk *w, uint32_t key, uint32_t val, const char *what,
				const char *(*name)(int), int count, int *out)
{
	char names[160];
	size_t used = 0;
	enum poise_status st;
	const char *s;
	int i;

	if ((st = pbwalk_scalar(w, key, val, &s)) != POISE_OK)
		return st;
	for (i = 0; i < count; i++) {
		if (!strcmp(s, name(i))) {
			*out = i;
			return POISE_OK;
		}
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
					 name(i));
	}
	if (what)
		return pbwalk_error(w, val, "unknown %s '%s' (allowed: %s)", what, s, names);
	return pbwalk_error(w, val, "unknown '%s' value '%s' (allowed: %s)", pb_str(w, key), s,
			    names);
}
