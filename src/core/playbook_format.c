/*
 * playbook_format.c - the playbook format: the top-level keys, the eight
 * stages, causes and coaching rules, over the helpers of playbook_walk.c.
 */
#include "playbook_tree.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * Ids seen so far in causes or rules, to find duplicates in linear time: an
 * open-addressing set of node indices, sized for every id at the start.
 */
struct idset {
	uint32_t *slot;
	size_t mask;
};

static int idset_init(struct idset *s, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	s->mask = cap - 1;
	s->slot = calloc(cap, sizeof(*s->slot));
	return s->slot != NULL;
}

/* Add the id at node at; return the node of an earlier equal id, or 0. */
static uint32_t idset_add(struct idset *s, const struct pb_walk *w, uint32_t at)
{
	const unsigned char *p = (const unsigned char *)pb_str(w, at);
	uint32_t h = 2166136261u;
	size_t i;

	while (*p)
		h = (h ^ *p++) * 16777619u;
	for (i = h & s->mask; s->slot[i]; i = (i + 1) & s->mask)
		if (!strcmp(pb_str(w, s->slot[i]), pb_str(w, at)))
			return s->slot[i];
	s->slot[i] = at;
	return 0;
}

static size_t seq_len(const struct pb_walk *w, uint32_t seq)
{
	size_t n = 0;
	uint32_t i;

	for (i = seq + 1; i < pb_node(w, seq)->end; i = pb_next(w, i))
		n++;
	return n;
}

enum {
	SF_GOAL,
	SF_TIPS,
	SF_SAY,
	SF_ASK,
	SF_AVOID,
	SF_CHECKLIST,
	SF_TIMEBOX,
	SF_SOURCES,
	SF_WARNINGS,
	SF_COUNT
};

static const struct pb_field stage_fields[SF_COUNT] = {
	{"goal", 1},	  {"tips", 1},	  {"say", 0},	  {"ask", 0},	   {"avoid", 0},
	{"checklist", 1}, {"timebox", 0}, {"sources", 1}, {"warnings", 0},
};

/* Which sections may use {customer} and {agent}; the rest are plain text. */
static const pb_check_fn section_check[SECTION_COUNT] = {
	[SECTION_TIPS] = pbwalk_check_text,
	[SECTION_SAY] = pbwalk_check_spoken,
	[SECTION_ASK] = pbwalk_check_spoken,
};

static enum poise_status walk_warnings(struct pb_walk *w, uint32_t key, uint32_t val)
{
	struct strlist list = {0};
	enum poise_status st;
	size_t i;

	st = pbwalk_strlist(w, key, val, pbwalk_check_spoken, &list);
	if (st == POISE_OK && list.len != PLAYBOOK_WARNINGS)
		st = pbwalk_error(w, val, "'warnings' must have exactly %d lines, got %zu",
				  PLAYBOOK_WARNINGS, list.len);
	for (i = 0; i < list.len; i++) {
		if (st == POISE_OK)
			w->pb->warnings[i] = list.items[i];
		else
			free(list.items[i]);
	}
	free(list.items);
	return st;
}

static enum poise_status walk_stage(struct pb_walk *w, enum stage s, uint32_t key, uint32_t val)
{
	struct pb_stage *stage = &w->pb->stages[s];
	uint32_t k[SF_COUNT], v[SF_COUNT];
	enum poise_status st;
	char what[64];
	int sec;

	snprintf(what, sizeof(what), "stage '%s'", stage_key(s));
	if ((st = pbwalk_expect(w, key, val, PB_MAP, what)) != POISE_OK ||
	    (st = pbwalk_fields(w, val, what, stage_fields, SF_COUNT, k, v)) != POISE_OK)
		return st;
	if (s != STAGE_BOUNDARY && k[SF_WARNINGS])
		return pbwalk_error(w, k[SF_WARNINGS],
				    "'warnings' only applies to the boundary stage");
	if (s == STAGE_BOUNDARY && !k[SF_WARNINGS])
		return pbwalk_error(w, val, "missing required key 'warnings' in %s", what);
	if ((st = pbwalk_string(w, k[SF_GOAL], v[SF_GOAL], NULL, &stage->goal)) != POISE_OK)
		return st;
	for (sec = 0; sec < SECTION_COUNT; sec++) {
		if (!k[SF_TIPS + sec])
			continue;
		st = pbwalk_strlist(w, k[SF_TIPS + sec], v[SF_TIPS + sec], section_check[sec],
				    &stage->section[sec]);
		if (st != POISE_OK)
			return st;
	}
	if (k[SF_TIMEBOX] && (st = pbwalk_int(w, k[SF_TIMEBOX], v[SF_TIMEBOX], 1, 3600,
					      &stage->timebox)) != POISE_OK)
		return st;
	st = pbwalk_strlist(w, k[SF_SOURCES], v[SF_SOURCES], pbwalk_check_guide, &stage->sources);
	if (st == POISE_OK && k[SF_WARNINGS])
		st = walk_warnings(w, k[SF_WARNINGS], v[SF_WARNINGS]);
	return st;
}

static int stage_find(const char *s)
{
	int i;

	for (i = 0; i < STAGE_COUNT; i++)
		if (!strcmp(s, stage_key((enum stage)i)))
			return i;
	return -1;
}

/* The eight stages: each once, none missing, in call order. */
static enum poise_status walk_stages(struct pb_walk *w, uint32_t key, uint32_t val)
{
	uint32_t seen[STAGE_COUNT] = {0}, k;
	enum poise_status st;
	int i, s;

	if ((st = pbwalk_expect(w, key, val, PB_MAP, "'stages'")) != POISE_OK)
		return st;
	for (k = val + 1; k < pb_node(w, val)->end; k = pb_next(w, pb_next(w, k))) {
		if (pb_node(w, k)->type != PB_SCALAR)
			return pbwalk_error(w, k, "expected a stage name, got %s",
					    pbwalk_kind(w, k));
		if ((s = stage_find(pb_str(w, k))) < 0)
			return pbwalk_error(
				w, k,
				"unknown stage '%s' (the stages are calm, listen, "
				"empathize, clarify, inform, solve, boundary, follow-up)",
				pb_str(w, k));
		if (seen[s])
			return pbwalk_error(w, k, "duplicate stage '%s' (first at line %d)",
					    pb_str(w, k), pb_node(w, seen[s])->line);
		seen[s] = k;
	}
	for (i = 0; i < STAGE_COUNT; i++)
		if (!seen[i])
			return pbwalk_error(w, val, "missing stage '%s'", stage_key((enum stage)i));
	for (i = 0, k = val + 1; i < STAGE_COUNT; i++, k = pb_next(w, pb_next(w, k)))
		if ((s = stage_find(pb_str(w, k))) != i)
			return pbwalk_error(w, k, "stage '%s' must come before '%s'",
					    stage_key((enum stage)i), stage_key((enum stage)s));
	for (i = 0; i < STAGE_COUNT; i++)
		if ((st = walk_stage(w, (enum stage)i, seen[i], pb_next(w, seen[i]))) != POISE_OK)
			return st;
	return POISE_OK;
}

static const struct pb_field cause_fields[] = {{"id", 1}, {"label", 1}};

static enum poise_status walk_causes(struct pb_walk *w, uint32_t key, uint32_t val)
{
	struct idset ids = {0};
	enum poise_status st;
	uint32_t i, k[2], v[2], dup;
	size_t n;
	char what[32];

	if ((st = pbwalk_expect(w, key, val, PB_SEQ, "'causes'")) != POISE_OK)
		return st;
	if (!(n = seq_len(w, val)))
		return pbwalk_error(w, val, "empty list for 'causes'");
	if (!(w->pb->causes = calloc(n, sizeof(*w->pb->causes))) || !idset_init(&ids, n)) {
		st = pbwalk_nomem(w);
		goto out;
	}
	w->pb->ncauses = n;
	for (n = 0, i = val + 1; i < pb_node(w, val)->end; i = pb_next(w, i), n++) {
		struct pb_cause *c = &w->pb->causes[n];

		snprintf(what, sizeof(what), "cause %zu", n + 1);
		if ((st = pbwalk_expect(w, key, i, PB_MAP, what)) != POISE_OK ||
		    (st = pbwalk_fields(w, i, what, cause_fields, 2, k, v)) != POISE_OK ||
		    (st = pbwalk_string(w, k[0], v[0], pbwalk_check_id, &c->id)) != POISE_OK ||
		    (st = pbwalk_string(w, k[1], v[1], NULL, &c->label)) != POISE_OK)
			goto out;
		if ((dup = idset_add(&ids, w, v[0]))) {
			st = pbwalk_error(w, v[0], "duplicate cause id '%s' (first at line %d)",
					  c->id, pb_node(w, dup)->line);
			goto out;
		}
	}
out:
	free(ids.slot);
	return st;
}

enum {
	RF_ID,
	RF_WHEN,
	RF_MOOD,
	RF_SECONDS,
	RF_REPEAT,
	RF_COUNT,
	RF_COOLDOWN,
	RF_MESSAGE,
	RF_ACTION,
	RF_NFIELDS
};

static const struct pb_field rule_fields[RF_NFIELDS] = {
	{"id", 1},    {"when", 1},     {"mood", 0},    {"seconds", 0}, {"repeat", 0},
	{"count", 0}, {"cooldown", 0}, {"message", 1}, {"action", 0},
};

#define KIND(k) (1u << RULE_##k)

/* The keys that only some kinds take: which kinds allow them, which require them. */
static const struct {
	int field;
	unsigned allowed, required;
	int min, max;
	size_t offset;
} rule_params[] = {
	{RF_MOOD, KIND(MOOD), KIND(MOOD), 1, 5, offsetof(struct pb_rule, mood)},
	{RF_SECONDS, KIND(MOOD) | KIND(HOLD), KIND(MOOD) | KIND(HOLD), 1, 86400,
	 offsetof(struct pb_rule, seconds)},
	{RF_REPEAT, KIND(HOLD), 0, 1, 86400, offsetof(struct pb_rule, repeat)},
	{RF_COUNT, KIND(BOUNDARY), KIND(BOUNDARY), 1, 3, offsetof(struct pb_rule, count)},
};

/* "'when: mood' and 'when: hold'" */
static void kind_names(unsigned mask, char *buf, size_t size)
{
	size_t used = 0;
	int i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < RULE_KIND_COUNT && used < size; i++)
		if (mask & (1u << i))
			used += (size_t)snprintf(buf + used, size - used, "%s'when: %s'",
						 n++ ? " and " : "",
						 rule_kind_key((enum rule_kind)i));
}

static enum poise_status walk_enum(struct pb_walk *w, uint32_t key, uint32_t val,
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
	return pbwalk_error(w, val, "unknown '%s' value '%s' (allowed: %s)", pb_str(w, key), s,
			    names);
}

static const char *kind_name(int i)
{
	return rule_kind_key((enum rule_kind)i);
}

static const char *action_name(int i)
{
	return rule_action_key((enum rule_action)i);
}

static enum poise_status walk_rule(struct pb_walk *w, uint32_t map, size_t n, struct pb_rule *r,
				   uint32_t *id)
{
	uint32_t k[RF_NFIELDS], v[RF_NFIELDS];
	enum poise_status st;
	char what[32], kinds[96];
	int kind, action = ACTION_NONE;
	size_t p;

	snprintf(what, sizeof(what), "rule %zu", n + 1);
	if ((st = pbwalk_fields(w, map, what, rule_fields, RF_NFIELDS, k, v)) != POISE_OK ||
	    (st = pbwalk_string(w, k[RF_ID], v[RF_ID], pbwalk_check_id, &r->id)) != POISE_OK ||
	    (st = walk_enum(w, k[RF_WHEN], v[RF_WHEN], kind_name, RULE_KIND_COUNT, &kind)) !=
		    POISE_OK)
		return st;
	r->kind = (enum rule_kind)kind;
	*id = v[RF_ID];
	for (p = 0; p < sizeof(rule_params) / sizeof(rule_params[0]); p++) {
		int f = rule_params[p].field;

		kind_names(rule_params[p].allowed, kinds, sizeof(kinds));
		if (k[f] && !(rule_params[p].allowed & (1u << kind)))
			return pbwalk_error(w, k[f], "'%s' only applies to %s", rule_fields[f].key,
					    kinds);
		if (!k[f] && (rule_params[p].required & (1u << kind)))
			return pbwalk_error(w, map,
					    "missing required key '%s' in %s for 'when: %s'",
					    rule_fields[f].key, what, rule_kind_key(r->kind));
		if (k[f] &&
		    (st = pbwalk_int(w, k[f], v[f], rule_params[p].min, rule_params[p].max,
				     (int *)((char *)r + rule_params[p].offset))) != POISE_OK)
			return st;
	}
	if (k[RF_COOLDOWN] && (st = pbwalk_int(w, k[RF_COOLDOWN], v[RF_COOLDOWN], 0, 86400,
					       &r->cooldown)) != POISE_OK)
		return st;
	if ((st = pbwalk_string(w, k[RF_MESSAGE], v[RF_MESSAGE], pbwalk_check_text, &r->message)) !=
	    POISE_OK)
		return st;
	if (k[RF_ACTION] && (st = walk_enum(w, k[RF_ACTION], v[RF_ACTION], action_name,
					    ACTION_COUNT, &action)) != POISE_OK)
		return st;
	r->action = (enum rule_action)action;
	return POISE_OK;
}

static enum poise_status walk_rules(struct pb_walk *w, uint32_t key, uint32_t val)
{
	struct idset ids = {0};
	enum poise_status st;
	uint32_t i, dup, id;
	size_t n;
	char what[32];

	if ((st = pbwalk_expect(w, key, val, PB_SEQ, "'rules'")) != POISE_OK)
		return st;
	if (!(n = seq_len(w, val)))
		return POISE_OK; /* `rules: []` says "no rules" plainly */
	if (!(w->pb->rules = calloc(n, sizeof(*w->pb->rules))) || !idset_init(&ids, n)) {
		st = pbwalk_nomem(w);
		goto out;
	}
	w->pb->nrules = n;
	for (n = 0, i = val + 1; i < pb_node(w, val)->end; i = pb_next(w, i), n++) {
		snprintf(what, sizeof(what), "rule %zu", n + 1);
		if ((st = pbwalk_expect(w, key, i, PB_MAP, what)) != POISE_OK ||
		    (st = walk_rule(w, i, n, &w->pb->rules[n], &id)) != POISE_OK)
			goto out;
		if ((dup = idset_add(&ids, w, id))) {
			st = pbwalk_error(w, id, "duplicate rule id '%s' (first at line %d)",
					  w->pb->rules[n].id, pb_node(w, dup)->line);
			goto out;
		}
	}
out:
	free(ids.slot);
	return st;
}

enum {
	PF_ID,
	PF_TITLE,
	PF_VERSION,
	PF_LANGUAGE,
	PF_DESCRIPTION,
	PF_MANAGER,
	PF_SOURCES,
	PF_STAGES,
	PF_CAUSES,
	PF_RULES,
	PF_COUNT
};

static const struct pb_field playbook_fields[PF_COUNT] = {
	{"id", 1},	{"title", 1},	{"version", 1}, {"language", 1}, {"description", 0},
	{"manager", 0}, {"sources", 1}, {"stages", 1},	{"causes", 1},	 {"rules", 0},
};

enum poise_status playbook_walk(const struct pb_tree *t, const char *name, struct playbook *pb,
				struct poise_error *err)
{
	struct pb_walk w = {.t = t, .name = name, .err = err, .pb = pb};
	uint32_t k[PF_COUNT], v[PF_COUNT];
	enum poise_status st;

	if (!t->len || pbwalk_missing(&w, 0))
		return poise_error_set(err, POISE_PLAYBOOK, name, t->len ? t->nodes[0].line : 1,
				       t->len ? t->nodes[0].col : 1, "the playbook is empty");
	if (t->nodes[0].type != PB_MAP)
		return pbwalk_error(&w, 0, "expected a mapping of playbook keys, got %s",
				    pbwalk_kind(&w, 0));
	if ((st = pbwalk_fields(&w, 0, "the playbook", playbook_fields, PF_COUNT, k, v)) !=
		    POISE_OK ||
	    (st = pbwalk_string(&w, k[PF_ID], v[PF_ID], pbwalk_check_playbook_id, &pb->id)) !=
		    POISE_OK ||
	    (st = pbwalk_string(&w, k[PF_TITLE], v[PF_TITLE], NULL, &pb->title)) != POISE_OK ||
	    (st = pbwalk_string(&w, k[PF_VERSION], v[PF_VERSION], NULL, &pb->version)) !=
		    POISE_OK ||
	    (st = pbwalk_string(&w, k[PF_LANGUAGE], v[PF_LANGUAGE], pbwalk_check_language,
				&pb->language)) != POISE_OK)
		return st;
	if (k[PF_DESCRIPTION] && (st = pbwalk_string(&w, k[PF_DESCRIPTION], v[PF_DESCRIPTION], NULL,
						     &pb->description)) != POISE_OK)
		return st;
	if (k[PF_MANAGER] && (st = pbwalk_string(&w, k[PF_MANAGER], v[PF_MANAGER], NULL,
						 &pb->manager_line)) != POISE_OK)
		return st;
	if ((st = pbwalk_strlist(&w, k[PF_SOURCES], v[PF_SOURCES], pbwalk_check_guide,
				 &pb->sources)) != POISE_OK ||
	    (st = walk_stages(&w, k[PF_STAGES], v[PF_STAGES])) != POISE_OK ||
	    (st = walk_causes(&w, k[PF_CAUSES], v[PF_CAUSES])) != POISE_OK)
		return st;
	if (k[PF_RULES])
		return walk_rules(&w, k[PF_RULES], v[PF_RULES]);
	return POISE_OK;
}
