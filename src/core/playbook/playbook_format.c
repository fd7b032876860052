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

/* Required in a whole playbook; an extending one requires nothing of a stage. */
static const struct pb_field stage_fields[SF_COUNT] = {
	[SF_GOAL] = {"goal", 1},       [SF_TIPS] = {"tips", 1},
	[SF_SAY] = {"say", 0},	       [SF_ASK] = {"ask", 0},
	[SF_AVOID] = {"avoid", 0},     [SF_CHECKLIST] = {"checklist", 1},
	[SF_TIMEBOX] = {"timebox", 0}, [SF_TIMEBOX_WHY] = {"timebox-why", 0},
	[SF_SOURCES] = {"sources", 1}, [SF_WARNINGS] = {"warnings", 0},
	[SF_ADD] = {"add", 0},	       [SF_REMOVE] = {"remove", 0},
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
	for (i = 0; st == POISE_OK && i < list.len; i++)
		w->pb->warnings[i] = list.items[i];
	free(list.items);
	return st;
}

/* The section keys `add` and `remove` take; `add` also takes `sources`. */
static const struct pb_field edit_fields[SECTION_COUNT + 1] = {
	{"tips", 0}, {"say", 0}, {"ask", 0}, {"avoid", 0}, {"checklist", 0}, {"sources", 0},
};

/* `add:` or `remove:` of an extending playbook's stage. */
static enum poise_status walk_edit(struct pb_walk *w, enum stage s, int remove, uint32_t key,
				   uint32_t val)
{
	struct pb_overlay_stage *os = &w->pb->overlay->stage[s];
	uint32_t k[SECTION_COUNT + 1], v[SECTION_COUNT + 1], i;
	size_t nkeys = remove ? SECTION_COUNT : SECTION_COUNT + 1, n;
	enum poise_status st;
	char what[64];
	int sec;

	snprintf(what, sizeof(what), "'%s' of stage '%s'", remove ? "remove" : "add", stage_key(s));
	if ((st = pbwalk_expect(w, key, val, PB_MAP, what)) != POISE_OK ||
	    (st = pbwalk_fields(w, val, what, edit_fields, nkeys, k, v)) != POISE_OK)
		return st;
	for (sec = 0; sec < SECTION_COUNT; sec++) {
		struct strlist *out = remove ? &os->remove[sec] : &os->add[sec];

		if (!k[sec])
			continue;
		if (os->given & (1u << (SF_TIPS + sec)))
			return pbwalk_error(w, k[sec],
					    "'%s' is replaced whole in this stage; '%s' cannot "
					    "also %s lines of it",
					    section_key(sec), remove ? "remove" : "add",
					    remove ? "take out" : "add");
		if ((st = pbwalk_strlist(w, k[sec], v[sec], section_check[sec], out)) != POISE_OK)
			return st;
		if (!remove)
			continue;
		if (!(os->remove_at[sec] = calloc(out->len, sizeof(struct pb_pos))))
			return poise_error_nomem(w->err);
		for (n = 0, i = v[sec] + 1; i < pb_node(w, v[sec])->end; i = pb_next(w, i), n++)
			os->remove_at[sec][n] =
				(struct pb_pos){pb_node(w, i)->line, pb_node(w, i)->col};
	}
	if (!remove && k[SECTION_COUNT])
		return pbwalk_strlist(w, k[SECTION_COUNT], v[SECTION_COUNT], pbwalk_check_guide,
				      &os->add_sources);
	return POISE_OK;
}

static enum poise_status walk_stage_lists(struct pb_walk *w, struct pb_stage *stage,
					  const uint32_t *k, const uint32_t *v)
{
	enum poise_status st = POISE_OK;
	int sec;

	for (sec = 0; sec < SECTION_COUNT; sec++)
		if (k[SF_TIPS + sec] &&
		    !pbwalk_keep(&st, pbwalk_strlist(w, k[SF_TIPS + sec], v[SF_TIPS + sec],
						     section_check[sec], &stage->section[sec])))
			return st;
	if ((k[SF_TIMEBOX] && !pbwalk_keep(&st, pbwalk_int(w, k[SF_TIMEBOX], v[SF_TIMEBOX], 1,
							   3600, &stage->timebox))) ||
	    (k[SF_TIMEBOX_WHY] &&
	     !pbwalk_keep(&st, pbwalk_string(w, k[SF_TIMEBOX_WHY], v[SF_TIMEBOX_WHY], NULL,
					     &stage->timebox_why))) ||
	    (k[SF_SOURCES] && !pbwalk_keep(&st, pbwalk_strlist(w, k[SF_SOURCES], v[SF_SOURCES],
							       pbwalk_check_guide,
							       &stage->sources))))
		return st;
	return st;
}

static enum poise_status walk_stage(struct pb_walk *w, enum stage s, uint32_t key, uint32_t val)
{
	struct pb_stage *stage = &w->pb->stages[s];
	struct pb_overlay *ov = w->pb->overlay;
	struct pb_field fields[SF_COUNT];
	uint32_t k[SF_COUNT] = {0}, v[SF_COUNT] = {0}; /* a whole playbook matches fewer keys */
	enum poise_status st;
	char what[64];
	int f;

	snprintf(what, sizeof(what), "stage '%s'", stage_key(s));
	memcpy(fields, stage_fields, sizeof(fields));
	for (f = 0; ov && f < SF_COUNT; f++)
		fields[f].required = 0;
	/* A whole playbook does not know `add` and `remove`: they are not listed. */
	if ((st = pbwalk_expect(w, key, val, PB_MAP, what)) != POISE_OK)
		return st;
	st = pbwalk_fields(w, val, what, fields, ov ? SF_COUNT : SF_ADD, k, v);
	stage->at = (struct pb_pos){pb_node(w, key)->line, pb_node(w, key)->col};
	if (s != STAGE_BOUNDARY && k[SF_WARNINGS])
		pbwalk_keep(&st, pbwalk_error(w, k[SF_WARNINGS],
					      "'warnings' only applies to the boundary stage"));
	if (!ov && s == STAGE_BOUNDARY && !k[SF_WARNINGS])
		pbwalk_keep(&st, pbwalk_error(w, val, "missing required key 'warnings' in %s",
					      what));
	if (!ov && k[SF_TIMEBOX_WHY] && !k[SF_TIMEBOX])
		pbwalk_keep(&st, pbwalk_error(w, k[SF_TIMEBOX_WHY],
					      "'timebox-why' needs a 'timebox' beside it"));
	for (f = 0; ov && f < SF_COUNT; f++)
		if (k[f])
			ov->stage[s].given |= 1u << f;
	if ((k[SF_GOAL] &&
	     !pbwalk_keep(&st, pbwalk_string(w, k[SF_GOAL], v[SF_GOAL], NULL, &stage->goal))) ||
	    !pbwalk_keep(&st, walk_stage_lists(w, stage, k, v)) ||
	    (k[SF_WARNINGS] && s == STAGE_BOUNDARY &&
	     !pbwalk_keep(&st, walk_warnings(w, k[SF_WARNINGS], v[SF_WARNINGS]))) ||
	    (k[SF_REMOVE] && !pbwalk_keep(&st, walk_edit(w, s, 1, k[SF_REMOVE], v[SF_REMOVE]))) ||
	    (k[SF_ADD] && !pbwalk_keep(&st, walk_edit(w, s, 0, k[SF_ADD], v[SF_ADD]))))
		return st;
	return st;
}

/*
 * The eight stages: each once, none missing, in call order. An extending
 * playbook writes only the stages it changes, still in call order.
 */
static enum poise_status walk_stages(struct pb_walk *w, uint32_t key, uint32_t val)
{
	uint32_t seen[STAGE_COUNT] = {0}, k;
	enum poise_status st;
	int i, s, last = -1;

	if ((st = pbwalk_expect(w, key, val, PB_MAP, "'stages'")) != POISE_OK)
		return st;
	for (k = val + 1; k < pb_node(w, val)->end; k = pb_next(w, pb_next(w, k))) {
		if (pb_node(w, k)->type != PB_SCALAR)
			st = pbwalk_error(w, k, "expected a stage name, got %s", pbwalk_kind(w, k));
		else if ((s = stage_from_key(pb_str(w, k))) < 0)
			st = pbwalk_error(w, k,
					  "unknown stage '%s' (the stages are calm, listen, "
					  "empathize, clarify, inform, solve, boundary, follow-up)",
					  pb_str(w, k));
		else if (seen[s])
			st = pbwalk_error(w, k, "duplicate stage '%s' (first at line %d)",
					  pb_str(w, k), pb_node(w, seen[s])->line);
		else
			seen[s] = k;
	}
	for (i = 0; i < STAGE_COUNT && !w->pb->overlay; i++)
		if (!seen[i])
			st = pbwalk_error(w, val, "missing stage '%s'", stage_key((enum stage)i));
	for (k = val + 1; k < pb_node(w, val)->end; k = pb_next(w, pb_next(w, k))) {
		if (pb_node(w, k)->type != PB_SCALAR || (s = stage_from_key(pb_str(w, k))) < 0 ||
		    seen[s] != k)
			continue;
		for (i = last + 1; i < s; i++)
			if (seen[i]) {
				st = pbwalk_error(w, k, "stage '%s' must come before '%s'",
						  stage_key((enum stage)i),
						  stage_key((enum stage)s));
				break;
			}
		last = s;
	}
	for (i = 0; i < STAGE_COUNT; i++)
		if (seen[i] &&
		    !pbwalk_keep(&st, walk_stage(w, (enum stage)i, seen[i], pb_next(w, seen[i]))))
			return st;
	return st;
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
		st = poise_error_nomem(w->err);
		goto out;
	}
	w->pb->ncauses = n;
	for (n = 0, i = val + 1; i < pb_node(w, val)->end; i = pb_next(w, i), n++) {
		struct pb_cause *c = &w->pb->causes[n];
		enum poise_status one;

		snprintf(what, sizeof(what), "cause %zu", n + 1);
		if ((one = pbwalk_expect(w, key, i, PB_MAP, what)) != POISE_OK ||
		    (one = pbwalk_fields(w, i, what, cause_fields, 2, k, v)) != POISE_OK)
			goto next;
		if ((one = pbwalk_string(w, k[0], v[0], pbwalk_check_id, &c->id)) == POISE_OK &&
		    (dup = idset_add(&ids, w, v[0])))
			one = pbwalk_error(w, v[0], "duplicate cause id '%s' (first at line %d)",
					   c->id, pb_node(w, dup)->line);
		if (!pbwalk_keep(&st, one))
			goto out;
		one = pbwalk_string(w, k[1], v[1], NULL, &c->label);
next:
		if (!pbwalk_keep(&st, one))
			goto out;
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
	RF_WHY,
	RF_ACTION,
	RF_STAGE,
	RF_NFIELDS
};

static const struct pb_field rule_fields[RF_NFIELDS] = {
	{"id", 1},    {"when", 1},     {"mood", 0},    {"seconds", 0}, {"repeat", 0},
	{"count", 0}, {"cooldown", 0}, {"message", 1}, {"why", 0},     {"action", 0},
	{"stage", 0},
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
	enum poise_status st, one;
	char what[32], kinds[96];
	int kind = -1, action = ACTION_NONE;
	size_t p;

	snprintf(what, sizeof(what), "rule %zu", n + 1);
	st = pbwalk_fields(w, map, what, rule_fields, RF_NFIELDS, k, v);
	r->at = (struct pb_pos){pb_node(w, map)->line, pb_node(w, map)->col};
	if (k[RF_ID] && (one = pbwalk_string(w, k[RF_ID], v[RF_ID], pbwalk_check_id, &r->id)) ==
			    POISE_OK)
		*id = v[RF_ID];
	else if (k[RF_ID] && !pbwalk_keep(&st, one))
		return st;
	if (k[RF_WHEN] &&
	    !pbwalk_keep(&st, pbwalk_choice(w, k[RF_WHEN], v[RF_WHEN], NULL, kind_name, RULE_KIND_COUNT,
					&kind)))
		return st;
	if (kind >= 0)
		r->kind = (enum rule_kind)kind;
	for (p = 0; kind >= 0 && p < sizeof(rule_params) / sizeof(rule_params[0]); p++) {
		int f = rule_params[p].field;

		kind_names(rule_params[p].allowed, kinds, sizeof(kinds));
		if (k[f] && !(rule_params[p].allowed & (1u << kind)))
			one = pbwalk_error(w, k[f], "'%s' only applies to %s", rule_fields[f].key,
					   kinds);
		else if (!k[f] && (rule_params[p].required & (1u << kind)))
			one = pbwalk_error(w, map, "missing required key '%s' in %s for 'when: %s'",
					   rule_fields[f].key, what, rule_kind_key(r->kind));
		else if (k[f])
			one = pbwalk_int(w, k[f], v[f], rule_params[p].min, rule_params[p].max,
					 (int *)((char *)r + rule_params[p].offset));
		else
			one = POISE_OK;
		if (!pbwalk_keep(&st, one))
			return st;
	}
	if (k[RF_STAGE]) {
		const char *name = NULL;
		int s = -1;

		if (kind >= 0 && kind != RULE_TIMEBOX)
			one = pbwalk_error(w, k[RF_STAGE], "'stage' only applies to 'when: %s'",
					   rule_kind_key(RULE_TIMEBOX));
		else if ((one = pbwalk_scalar(w, k[RF_STAGE], v[RF_STAGE], &name)) == POISE_OK &&
			 (s = stage_from_key(name)) < 0)
			one = pbwalk_error(w, v[RF_STAGE],
					   "unknown stage '%.40s' (the stages are calm, listen, "
					   "empathize, clarify, inform, solve, boundary, follow-up)",
					   name);
		r->only_stage = s + 1;
		if (!pbwalk_keep(&st, one))
			return st;
	}
	if ((k[RF_COOLDOWN] && !pbwalk_keep(&st, pbwalk_int(w, k[RF_COOLDOWN], v[RF_COOLDOWN], 0,
							    86400, &r->cooldown))) ||
	    (k[RF_MESSAGE] && !pbwalk_keep(&st, pbwalk_string(w, k[RF_MESSAGE], v[RF_MESSAGE],
							      pbwalk_check_text, &r->message))) ||
	    (k[RF_WHY] &&
	     !pbwalk_keep(&st, pbwalk_string(w, k[RF_WHY], v[RF_WHY], NULL, &r->why))) ||
	    (k[RF_ACTION] && !pbwalk_keep(&st, pbwalk_choice(w, k[RF_ACTION], v[RF_ACTION], NULL,
							 action_name, ACTION_COUNT, &action))))
		return st;
	r->action = (enum rule_action)action;
	return st;
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
		st = poise_error_nomem(w->err);
		goto out;
	}
	w->pb->nrules = n;
	for (n = 0, i = val + 1; i < pb_node(w, val)->end; i = pb_next(w, i), n++) {
		enum poise_status one;

		snprintf(what, sizeof(what), "rule %zu", n + 1);
		id = 0;
		if ((one = pbwalk_expect(w, key, i, PB_MAP, what)) == POISE_OK)
			one = walk_rule(w, i, n, &w->pb->rules[n], &id);
		if (id && (dup = idset_add(&ids, w, id)))
			pbwalk_keep(&st, pbwalk_error(w, id,
						      "duplicate rule id '%s' (first at line %d)",
						      w->pb->rules[n].id, pb_node(w, dup)->line));
		if (!pbwalk_keep(&st, one))
			goto out;
	}
out:
	free(ids.slot);
	return st;
}

/* The playbook's keys (PLAYBOOK_KEY_LIST): required in a whole playbook, and in one extending. */
#define PF_ROW(name, key, required, extending) {key, required, extending},
static const struct {
	const char *key;
	int required, extending;
} playbook_keys[PF_COUNT] = {PLAYBOOK_KEY_LIST(PF_ROW)};
#undef PF_ROW

/* Whether the root mapping has an `extends` key: it decides which keys are required. */
static uint32_t find_extends(const struct pb_walk *w)
{
	uint32_t k;

	for (k = 1; k < pb_node(w, 0)->end; k = pb_next(w, pb_next(w, k)))
		if (pb_node(w, k)->type == PB_SCALAR && !strcmp(pb_str(w, k), "extends"))
			return k;
	return 0;
}

static enum poise_status walk_extends(struct pb_walk *w, uint32_t key, uint32_t val)
{
	struct playbook *pb = w->pb;
	enum poise_status st;

	if ((st = pbwalk_string(w, key, val, pbwalk_check_playbook_id, &pb->extends)) != POISE_OK)
		return st;
	pb->extends_at = (struct pb_pos){pb_node(w, val)->line, pb_node(w, val)->col};
	if (!strcmp(pb->extends, pb->id))
		return pbwalk_error(w, val, "playbook '%s' cannot extend itself", pb->id);
	return POISE_OK;
}

enum poise_status playbook_walk(const struct pb_tree *t, const char *name, struct playbook *pb,
				struct poise_error *err, struct pb_errlist *all)
{
	struct pb_walk w = {.t = t, .name = name, .err = err, .pb = pb, .pool = &pb->strings,
			    .all = all};
	uint32_t k[PF_COUNT], v[PF_COUNT];
	struct pb_field fields[PF_COUNT];
	enum poise_status st;
	int f;

	if (!t->len || pbwalk_missing(&w, 0))
		return poise_error_set(err, POISE_PLAYBOOK, name, t->len ? t->nodes[0].line : 1,
				       t->len ? t->nodes[0].col : 1, "the playbook is empty");
	if (t->nodes[0].type != PB_MAP)
		return pbwalk_error(&w, 0, "expected a mapping of playbook keys, got %s",
				    pbwalk_kind(&w, 0));
	if (find_extends(&w) && !(pb->overlay = calloc(1, sizeof(*pb->overlay))))
		return poise_error_nomem(w.err);
	for (int i = 0; i < PF_COUNT; i++)
		fields[i] = (struct pb_field){
			playbook_keys[i].key,
			pb->overlay ? playbook_keys[i].extending : playbook_keys[i].required};
	/* Each top-level key is walked even when another failed: lint shows them all. */
	st = pbwalk_fields(&w, 0, "the playbook", fields, PF_COUNT, k, v);
	if ((k[PF_ID] && !pbwalk_keep(&st, pbwalk_string(&w, k[PF_ID], v[PF_ID],
							  pbwalk_check_playbook_id, &pb->id))) ||
	    (k[PF_TITLE] &&
	     !pbwalk_keep(&st, pbwalk_string(&w, k[PF_TITLE], v[PF_TITLE], NULL, &pb->title))) ||
	    (k[PF_VERSION] && !pbwalk_keep(&st, pbwalk_string(&w, k[PF_VERSION], v[PF_VERSION],
							       pbwalk_check_version,
							       &pb->version))))
		return st;
	if (k[PF_ID])
		pb->id_at =
			(struct pb_pos){pb_node(&w, v[PF_ID])->line, pb_node(&w, v[PF_ID])->col};
	for (f = 0; pb->overlay && f < PF_COUNT; f++)
		if (k[f])
			pb->overlay->given |= 1u << f;
	if (k[PF_MANAGER])
		pb->manager_at = (struct pb_pos){pb_node(&w, k[PF_MANAGER])->line,
						 pb_node(&w, k[PF_MANAGER])->col};
	if ((k[PF_EXTENDS] && pb->id &&
	     !pbwalk_keep(&st, walk_extends(&w, k[PF_EXTENDS], v[PF_EXTENDS]))) ||
	    (k[PF_LANGUAGE] &&
	     !pbwalk_keep(&st, pbwalk_string(&w, k[PF_LANGUAGE], v[PF_LANGUAGE],
					     pbwalk_check_language, &pb->language))) ||
	    (k[PF_DESCRIPTION] &&
	     !pbwalk_keep(&st, pbwalk_string(&w, k[PF_DESCRIPTION], v[PF_DESCRIPTION], NULL,
					     &pb->description))) ||
	    (k[PF_SCORECARD] &&
	     !pbwalk_keep(&st, pbwalk_string(&w, k[PF_SCORECARD], v[PF_SCORECARD],
					     pbwalk_check_playbook_id, &pb->scorecard))) ||
	    (k[PF_SOURCES] &&
	     !pbwalk_keep(&st, pbwalk_strlist(&w, k[PF_SOURCES], v[PF_SOURCES],
					      pbwalk_check_guide, &pb->sources))) ||
	    (k[PF_STAGES] && !pbwalk_keep(&st, walk_stages(&w, k[PF_STAGES], v[PF_STAGES]))) ||
	    (k[PF_CAUSES] && !pbwalk_keep(&st, walk_causes(&w, k[PF_CAUSES], v[PF_CAUSES]))) ||
	    (k[PF_MANAGER] &&
	     !pbwalk_keep(&st, pbwalk_string(&w, k[PF_MANAGER], v[PF_MANAGER],
					     pbwalk_check_spoken, &pb->manager))) ||
	    (k[PF_RULES] && !pbwalk_keep(&st, walk_rules(&w, k[PF_RULES], v[PF_RULES]))))
		return st;
	return st;
}
