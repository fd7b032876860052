/*
 * scenario.c - the strict loader of rehearsal scenarios.
 *
 * A scenario is a trainer's file like a playbook, so it goes through the
 * same checks on raw text, the same node tree and the same walking helpers
 * (playbook_tree.h): unknown keys, wrong types, duplicates and bad values
 * are errors located at file:line:col.
 */
#include <stdlib.h>
#include <string.h>

#include "playbook_tree.h"
#include "poise/limits.h"
#include "poise/scenario.h"

#define NAME_KEY(name, key) key,
static const char *const when_keys[] = {REACT_WHEN_LIST(NAME_KEY)};
#undef NAME_KEY

const char *react_when_key(enum react_when when)
{
	return (unsigned)when < REACT_WHEN_COUNT ? when_keys[when] : NULL;
}

enum { SC_ID, SC_TITLE, SC_LANGUAGE, SC_PLAYBOOK, SC_CUSTOMER, SC_SITUATION,
       SC_MOOD, SC_OPENING, SC_REACTIONS, SC_COUNT };

static const struct pb_field scenario_fields[SC_COUNT] = {
	[SC_ID] = {"id", 1},	       [SC_TITLE] = {"title", 1},
	[SC_LANGUAGE] = {"language", 1}, [SC_PLAYBOOK] = {"playbook", 0},
	[SC_CUSTOMER] = {"customer", 1}, [SC_SITUATION] = {"situation", 1},
	[SC_MOOD] = {"mood", 1},       [SC_OPENING] = {"opening", 1},
	[SC_REACTIONS] = {"reactions", 1},
};

enum { CU_NAME, CU_REFERENCE, CU_COUNT };
static const struct pb_field customer_fields[CU_COUNT] = {
	[CU_NAME] = {"name", 1},
	[CU_REFERENCE] = {"reference", 0},
};

enum { RX_ID, RX_WHEN, RX_STAGE, RX_BEFORE, RX_COUNT_, RX_SECONDS, RX_MOOD, RX_LINE, RX_N };
static const struct pb_field reaction_fields[RX_N] = {
	[RX_ID] = {"id", 1},	     [RX_WHEN] = {"when", 1},	    [RX_STAGE] = {"stage", 0},
	[RX_BEFORE] = {"before", 0}, [RX_COUNT_] = {"count", 0},    [RX_SECONDS] = {"seconds", 0},
	[RX_MOOD] = {"mood", 0},     [RX_LINE] = {"line", 1},
};

#define W(x) (1u << REACT_##x)
/* Which keys each `when` allows, and which it needs. */
static const struct {
	int field;
	unsigned allowed, required;
} reaction_params[] = {
	{RX_STAGE, W(SAID) | W(ENTER), W(ENTER)},
	{RX_BEFORE, W(ENTER), 0},
	{RX_COUNT_, W(WARNING), W(WARNING)},
	{RX_SECONDS, W(HOLD) | W(SILENCE), W(HOLD) | W(SILENCE)},
};
#undef W

static enum poise_status walk_stage_name(struct pb_walk *w, uint32_t key, uint32_t val, int *out)
{
	const char *s;
	enum poise_status st = pbwalk_scalar(w, key, val, &s);

	if (st != POISE_OK)
		return st;
	if ((*out = stage_from_key(s)) < 0)
		return pbwalk_error(w, val,
				    "unknown stage '%.40s' (calm, listen, empathize, clarify, "
				    "inform, solve, boundary, follow-up)",
				    s);
	return POISE_OK;
}

/* A change of mood: -4..+4, written -1 or +1 (a plain scalar, not quoted). */
static enum poise_status walk_change(struct pb_walk *w, uint32_t key, uint32_t val, int *out)
{
	const struct pb_node *n = pb_node(w, val);
	const char *s = pb_str(w, val);
	const char *d = s + (*s == '+' || *s == '-');

	if (n->type != PB_SCALAR || !n->plain || d[0] < '0' || d[0] > '4' || d[1])
		return pbwalk_error(w, val,
				    "'%s' is a change of mood from -4 to +4 (like -1 or +2), got %s",
				    pb_str(w, key),
				    n->type == PB_SCALAR ? "something else" : pbwalk_kind(w, val));
	*out = (*s == '-' ? -1 : 1) * (d[0] - '0');
	return POISE_OK;
}

static enum poise_status walk_when(struct pb_walk *w, uint32_t key, uint32_t val, int *out)
{
	const char *s;
	enum poise_status st = pbwalk_scalar(w, key, val, &s);

	if (st != POISE_OK)
		return st;
	for (int i = 0; i < REACT_WHEN_COUNT; i++)
		if (!strcmp(s, when_keys[i])) {
			*out = i;
			return POISE_OK;
		}
	return pbwalk_error(w, val,
			    "unknown 'when' value '%.40s' (said, enter, warning, hold, escalate, "
			    "silence)",
			    s);
}

static enum poise_status walk_reaction(struct pb_walk *w, uint32_t map, size_t n,
				       struct reaction *r)
{
	uint32_t k[RX_N], v[RX_N];
	enum poise_status st;
	char what[32];
	int when = 0;

	snprintf(what, sizeof(what), "reaction %zu", n + 1);
	r->stage = r->before = -1;
	r->at = (struct pb_pos){pb_node(w, map)->line, pb_node(w, map)->col};
	if ((st = pbwalk_fields(w, map, what, reaction_fields, RX_N, k, v)) != POISE_OK ||
	    (st = pbwalk_string(w, k[RX_ID], v[RX_ID], pbwalk_check_id, &r->id)) != POISE_OK ||
	    (st = walk_when(w, k[RX_WHEN], v[RX_WHEN], &when)) != POISE_OK)
		return st;
	r->when = (enum react_when)when;
	for (size_t p = 0; p < sizeof(reaction_params) / sizeof(reaction_params[0]); p++) {
		int f = reaction_params[p].field;

		if (k[f] && !(reaction_params[p].allowed & (1u << when)))
			return pbwalk_error(w, k[f], "'%s' does not apply to 'when: %s'",
					    reaction_fields[f].key, when_keys[when]);
		if (!k[f] && (reaction_params[p].required & (1u << when)))
			return pbwalk_error(w, map, "missing required key '%s' in %s for 'when: %s'",
					    reaction_fields[f].key, what, when_keys[when]);
	}
	if ((k[RX_STAGE] && (st = walk_stage_name(w, k[RX_STAGE], v[RX_STAGE], &r->stage))) ||
	    (k[RX_BEFORE] &&
	     (st = walk_stage_name(w, k[RX_BEFORE], v[RX_BEFORE], &r->before))) ||
	    (k[RX_COUNT_] &&
	     (st = pbwalk_int(w, k[RX_COUNT_], v[RX_COUNT_], 1, PLAYBOOK_WARNINGS, &r->count))) ||
	    (k[RX_SECONDS] &&
	     (st = pbwalk_int(w, k[RX_SECONDS], v[RX_SECONDS], 1, 3600, &r->seconds))) ||
	    (k[RX_MOOD] && (st = walk_change(w, k[RX_MOOD], v[RX_MOOD], &r->mood))) ||
	    (st = pbwalk_string(w, k[RX_LINE], v[RX_LINE], pbwalk_check_text, &r->line)))
		return st;
	if (r->before >= 0 && r->before == r->stage)
		return pbwalk_error(w, v[RX_BEFORE], "'before' names the stage being entered");
	return POISE_OK;
}

static enum poise_status walk_reactions(struct pb_walk *w, struct scenario *sc, uint32_t key,
					uint32_t val)
{
	enum poise_status st;
	size_t n = 0;
	uint32_t i;
	char what[32];

	if ((st = pbwalk_expect(w, key, val, PB_SEQ, "'reactions'")) != POISE_OK)
		return st;
	for (i = val + 1; i < pb_node(w, val)->end; i = pb_next(w, i))
		n++;
	if (!n)
		return pbwalk_error(w, val, "a scenario needs at least one reaction");
	if (n > SCENARIO_MAX_REACTIONS)
		return pbwalk_error(w, val, "%zu reactions; the limit is %d", n,
				    SCENARIO_MAX_REACTIONS);
	if (!(sc->reactions = calloc(n, sizeof(*sc->reactions))))
		return poise_error_nomem(w->err);
	for (n = 0, i = val + 1; i < pb_node(w, val)->end; i = pb_next(w, i), n++) {
		snprintf(what, sizeof(what), "reaction %zu", n + 1);
		sc->nreactions = n + 1;
		if ((st = pbwalk_expect(w, key, i, PB_MAP, what)) != POISE_OK ||
		    (st = walk_reaction(w, i, n, &sc->reactions[n])) != POISE_OK)
			return st;
		for (size_t j = 0; j < n; j++)
			if (!strcmp(sc->reactions[j].id, sc->reactions[n].id))
				return pbwalk_error(w, i,
						    "duplicate reaction id '%s' (first at line %d)",
						    sc->reactions[n].id, sc->reactions[j].at.line);
	}
	return POISE_OK;
}

static enum poise_status check_customer(struct pb_walk *w, uint32_t at, const char *s)
{
	if (strlen(s) > FIELD_CUSTOMER_MAX)
		return pbwalk_error(w, at, "a name is at most %d bytes", FIELD_CUSTOMER_MAX);
	return POISE_OK;
}

static enum poise_status check_reference(struct pb_walk *w, uint32_t at, const char *s)
{
	if (strlen(s) > FIELD_REF_MAX)
		return pbwalk_error(w, at, "a reference is at most %d bytes", FIELD_REF_MAX);
	return POISE_OK;
}

static enum poise_status walk_scenario(struct pb_walk *w, struct scenario *sc)
{
	uint32_t k[SC_COUNT], v[SC_COUNT], ck[CU_COUNT], cv[CU_COUNT];
	enum poise_status st;

	if ((st = pbwalk_document(w, N_("the scenario is empty"),
				  N_("expected a mapping of scenario keys, got %s"), "the scenario",
				  scenario_fields, SC_COUNT, k, v)) ||
	    (st = pbwalk_string(w, k[SC_ID], v[SC_ID], pbwalk_check_playbook_id, &sc->id)) ||
	    (st = pbwalk_string(w, k[SC_TITLE], v[SC_TITLE], NULL, &sc->title)) ||
	    (st = pbwalk_string(w, k[SC_LANGUAGE], v[SC_LANGUAGE], pbwalk_check_language,
				&sc->language)) ||
	    (k[SC_PLAYBOOK] && (st = pbwalk_string(w, k[SC_PLAYBOOK], v[SC_PLAYBOOK],
						   pbwalk_check_playbook_id, &sc->playbook))) ||
	    (st = pbwalk_expect(w, k[SC_CUSTOMER], v[SC_CUSTOMER], PB_MAP, "'customer'")) ||
	    (st = pbwalk_fields(w, v[SC_CUSTOMER], "'customer'", customer_fields, CU_COUNT, ck,
				cv)) ||
	    (st = pbwalk_string(w, ck[CU_NAME], cv[CU_NAME], check_customer, &sc->customer)) ||
	    (ck[CU_REFERENCE] && (st = pbwalk_string(w, ck[CU_REFERENCE], cv[CU_REFERENCE],
						     check_reference, &sc->reference))) ||
	    (st = pbwalk_string(w, k[SC_SITUATION], v[SC_SITUATION], NULL, &sc->situation)) ||
	    (st = pbwalk_int(w, k[SC_MOOD], v[SC_MOOD], 1, 5, &sc->mood)) ||
	    (st = pbwalk_string(w, k[SC_OPENING], v[SC_OPENING], pbwalk_check_text,
				&sc->opening)))
		return st;
	return walk_reactions(w, sc, k[SC_REACTIONS], v[SC_REACTIONS]);
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->reactions);
	strpool_free(&sc->strings);
	free(sc);
}

enum poise_status scenario_load_text(const char *text, size_t len, const char *name,
				     struct scenario **out, struct poise_error *err)
{
	struct pb_tree tree = {0};
	struct playbook notes = {0}; /* the walking helpers keep lint notes here */
	struct scenario *sc = NULL;
	struct pb_walk w;
	enum poise_status st;

	*out = NULL;
	poise_error_clear(err);
	if (!name)
		name = "(scenario)";
	if ((st = pb_tree_load(&tree, text, len, name, "scenario", SCENARIO_MAX_BYTES, err)) !=
	    POISE_OK)
		goto out;
	if (!(sc = calloc(1, sizeof(*sc))) || !(sc->path = strpool_dup(&sc->strings, name))) {
		st = poise_error_nomem(err);
		goto out;
	}
	w = (struct pb_walk){
		.t = &tree, .name = name, .err = err, .pb = &notes, .pool = &sc->strings};
	if ((st = walk_scenario(&w, sc)) != POISE_OK)
		goto out;
	*out = sc;
	sc = NULL;
out:
	free(notes.notes);
	playbook_tree_free(&tree);
	scenario_free(sc);
	return st;
}

int scenario_is_file(const char *path)
{
	struct poise_error err;
	struct pb_tree tree = {0};
	char *text = NULL;
	size_t len = 0;
	int is = 0;

	if (pb_read_file(path, "scenario", SCENARIO_MAX_BYTES, &text, &len, &err) == POISE_OK &&
	    pb_tree_load(&tree, text, len, path, "scenario", SCENARIO_MAX_BYTES, &err) ==
		    POISE_OK &&
	    tree.len &&
	    tree.nodes[0].type == PB_MAP)
		for (uint32_t k = 1; k < tree.nodes[0].end && !is; k = tree.nodes[tree.nodes[k].end].end)
			is = tree.nodes[k].type == PB_SCALAR &&
			     !strcmp(tree.strs + tree.nodes[k].str, "reactions");
	playbook_tree_free(&tree);
	free(text);
	return is;
}

PB_DEFINE_LOAD_FILE(scenario, struct scenario, "scenario", SCENARIO_MAX_BYTES)
