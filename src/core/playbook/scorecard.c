/*
 * scorecard.c - the scorecard format, walked over the playbook loader's
 * node tree with its helpers (playbook_tree.h), so a scorecard is checked
 * exactly as strictly as a playbook and its errors read the same.
 * docs/scorecard-format.md describes the format.
 */
#include "playbook_tree.h"

#include "poise/scorecard.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char poise_default_scorecard[];
extern const unsigned long poise_default_scorecard_len;

static const char *const fact_keys[] = {
#define FACT_KEY(name, key) key,
	FACT_LIST(FACT_KEY)
#undef FACT_KEY
};

const char *score_fact_key(enum score_fact f)
{
	return f >= 0 && f < FACT_COUNT ? fact_keys[f] : "";
}

void scorecard_free(struct scorecard *sc)
{
	if (!sc)
		return;
	free(sc->groups);
	free(sc->criteria);
	strpool_free(&sc->strings);
	free(sc);
}

struct sc_walk {
	struct pb_walk w;
	struct scorecard *sc;
	uint32_t *id_at; /* the node of each criterion's id, for duplicates */
};

static size_t seq_count(const struct pb_walk *w, uint32_t seq)
{
	size_t n = 0;

	for (uint32_t i = seq + 1; i < pb_node(w, seq)->end; i = pb_next(w, i))
		n++;
	return n;
}

/* YAML's plain true or false, nothing else ("yes", "on" and 1 are refused). */
static enum poise_status walk_bool(struct pb_walk *w, uint32_t key, uint32_t val, int *out)
{
	const struct pb_node *n = pb_node(w, val);

	if (n->type == PB_SCALAR && n->plain && n->tag == PB_TAG_NONE) {
		if (!strcmp(pb_str(w, val), "true"))
			return *out = 1, POISE_OK;
		if (!strcmp(pb_str(w, val), "false"))
			return *out = 0, POISE_OK;
	}
	return pbwalk_error(w, val, "expected true or false for '%s'", pb_str(w, key));
}

static const char *scale_name(int i)
{
	return i ? "1-5" : "yes-no";
}

static const char *fact_name(int i)
{
	return fact_keys[i];
}

static const char *stage_name(int i)
{
	return stage_key((enum stage)i);
}

static enum poise_status walk_scale(struct pb_walk *w, uint32_t key, uint32_t val,
				    enum score_scale *out)
{
	int i;
	enum poise_status st = pbwalk_choice(w, key, val, "scale", scale_name, 2, &i);

	if (st == POISE_OK)
		*out = i ? SCALE_1_5 : SCALE_YES_NO;
	return st;
}

static enum poise_status walk_fact(struct pb_walk *w, uint32_t key, uint32_t val,
				   enum score_fact *out)
{
	int i;
	enum poise_status st = pbwalk_choice(w, key, val, "fact", fact_name, FACT_COUNT, &i);

	if (st == POISE_OK)
		*out = (enum score_fact)i;
	return st;
}

enum { CF_ID, CF_TEXT, CF_WEIGHT, CF_SCALE, CF_NA, CF_AUTO_FAIL, CF_FACT, CF_COUNT };

static const struct pb_field criterion_fields[CF_COUNT] = {
	[CF_ID] = {"id", 1},	   [CF_TEXT] = {"text", 1}, [CF_WEIGHT] = {"weight", 0},
	[CF_SCALE] = {"scale", 1}, [CF_NA] = {"na", 0},	    [CF_AUTO_FAIL] = {"auto_fail", 0},
	[CF_FACT] = {"fact", 0},
};

/* What a criterion's keys must agree on, once each is well formed. */
static enum poise_status criterion_consistent(struct pb_walk *w, const struct sc_criterion *c,
					      const uint32_t *k)
{
	if (c->auto_fail && c->scale != SCALE_YES_NO)
		return pbwalk_error(w, k[CF_AUTO_FAIL],
				    "criterion '%s': auto_fail needs scale yes-no (a \"no\" fails "
				    "the call)",
				    c->id);
	if (c->fact != FACT_NONE && c->scale != SCALE_YES_NO)
		return pbwalk_error(w, k[CF_FACT],
				    "criterion '%s': a fact answers yes or no: "
				    "use scale yes-no",
				    c->id);
	if (c->fact != FACT_NONE && c->fact != FACT_REACHED_EMPATHY && !c->na)
		return pbwalk_error(w, k[CF_FACT],
				    "criterion '%s': fact '%s' does not apply to every call: "
				    "set na: true",
				    c->id, fact_keys[c->fact]);
	return POISE_OK;
}

static enum poise_status walk_criterion(struct sc_walk *s, uint32_t at, int group,
					struct sc_criterion *c)
{
	struct pb_walk *w = &s->w;
	uint32_t k[CF_COUNT], v[CF_COUNT];
	enum poise_status st;
	char what[48];

	snprintf(what, sizeof(what), "criterion %zu", s->sc->ncriteria + 1);
	c->group = group;
	c->weight = 1;
	c->fact = FACT_NONE;
	if ((st = pbwalk_expect(w, at, at, PB_MAP, what)) != POISE_OK ||
	    (st = pbwalk_fields(w, at, what, criterion_fields, CF_COUNT, k, v)) != POISE_OK ||
	    (st = pbwalk_string(w, k[CF_ID], v[CF_ID], pbwalk_check_playbook_id, &c->id)) !=
		    POISE_OK ||
	    (st = pbwalk_string(w, k[CF_TEXT], v[CF_TEXT], NULL, &c->text)) != POISE_OK ||
	    (k[CF_WEIGHT] && (st = pbwalk_int(w, k[CF_WEIGHT], v[CF_WEIGHT], 1,
					      SCORECARD_MAX_WEIGHT, &c->weight)) != POISE_OK) ||
	    (st = walk_scale(w, k[CF_SCALE], v[CF_SCALE], &c->scale)) != POISE_OK ||
	    (k[CF_NA] && (st = walk_bool(w, k[CF_NA], v[CF_NA], &c->na)) != POISE_OK) ||
	    (k[CF_AUTO_FAIL] &&
	     (st = walk_bool(w, k[CF_AUTO_FAIL], v[CF_AUTO_FAIL], &c->auto_fail)) != POISE_OK) ||
	    (k[CF_FACT] && (st = walk_fact(w, k[CF_FACT], v[CF_FACT], &c->fact)) != POISE_OK))
		return st;
	for (size_t i = 0; i < s->sc->ncriteria; i++)
		if (!strcmp(s->sc->criteria[i].id, c->id))
			return pbwalk_error(w, v[CF_ID],
					    "duplicate criterion id '%s' (first at line %d)", c->id,
					    pb_node(w, s->id_at[i])->line);
	s->id_at[s->sc->ncriteria] = v[CF_ID];
	return criterion_consistent(w, c, k);
}

enum { GF_TITLE, GF_STAGE, GF_CRITERIA, GF_COUNT };

static const struct pb_field group_fields[GF_COUNT] = {
	[GF_TITLE] = {"title", 1},
	[GF_STAGE] = {"stage", 0},
	[GF_CRITERIA] = {"criteria", 1},
};

static enum poise_status walk_group(struct sc_walk *s, uint32_t at)
{
	struct pb_walk *w = &s->w;
	struct sc_group *g = &s->sc->groups[s->sc->ngroups];
	uint32_t k[GF_COUNT], v[GF_COUNT];
	enum poise_status st;
	char what[32];

	snprintf(what, sizeof(what), "group %zu", s->sc->ngroups + 1);
	g->stage = -1;
	s->sc->ngroups++; /* counted even when it fails, so what it holds is freed */
	if ((st = pbwalk_expect(w, at, at, PB_MAP, what)) != POISE_OK ||
	    (st = pbwalk_fields(w, at, what, group_fields, GF_COUNT, k, v)) != POISE_OK ||
	    (st = pbwalk_string(w, k[GF_TITLE], v[GF_TITLE], NULL, &g->title)) != POISE_OK ||
	    (k[GF_STAGE] &&
	     (st = pbwalk_choice(w, k[GF_STAGE], v[GF_STAGE], "stage", stage_name,
					      STAGE_COUNT, &g->stage)) != POISE_OK) ||
	    (st = pbwalk_expect(w, k[GF_CRITERIA], v[GF_CRITERIA], PB_SEQ, "'criteria'")) !=
		    POISE_OK)
		return st;
	if (!seq_count(w, v[GF_CRITERIA]))
		return pbwalk_error(w, v[GF_CRITERIA], "empty list for 'criteria'");
	for (uint32_t i = v[GF_CRITERIA] + 1; i < pb_node(w, v[GF_CRITERIA])->end;
	     i = pb_next(w, i)) {
		if (s->sc->ncriteria == SCORECARD_MAX_CRITERIA)
			return pbwalk_error(w, i, "more than %d criteria in one scorecard",
					    SCORECARD_MAX_CRITERIA);
		st = walk_criterion(s, i, (int)s->sc->ngroups - 1,
				    &s->sc->criteria[s->sc->ncriteria]);
		s->sc->ncriteria++; /* counted even when it failed, so it is freed */
		if (st != POISE_OK)
			return st;
	}
	return POISE_OK;
}

enum { SF_ID_, SF_TITLE_, SF_VERSION_, SF_DESCRIPTION_, SF_GROUPS_, SF_COUNT_ };

static const struct pb_field scorecard_fields[SF_COUNT_] = {
	[SF_ID_] = {"id", 1},		[SF_TITLE_] = {"title", 1},
	[SF_VERSION_] = {"version", 1}, [SF_DESCRIPTION_] = {"description", 0},
	[SF_GROUPS_] = {"groups", 1},
};

static enum poise_status walk_scorecard(struct sc_walk *s)
{
	struct pb_walk *w = &s->w;
	uint32_t k[SF_COUNT_], v[SF_COUNT_], g;
	enum poise_status st;
	const char *description; /* checked, not kept */
	size_t n;

	if ((st = pbwalk_document(w, N_("the scorecard is empty"),
				  N_("expected a mapping of scorecard keys, got %s"), "the scorecard",
				  scorecard_fields, SF_COUNT_, k, v)) != POISE_OK ||
	    (st = pbwalk_string(w, k[SF_ID_], v[SF_ID_], pbwalk_check_playbook_id, &s->sc->id)) !=
		    POISE_OK ||
	    (st = pbwalk_string(w, k[SF_TITLE_], v[SF_TITLE_], NULL, &s->sc->title)) != POISE_OK ||
	    (st = pbwalk_string(w, k[SF_VERSION_], v[SF_VERSION_], pbwalk_check_version,
				&s->sc->version)) != POISE_OK ||
	    (k[SF_DESCRIPTION_] && (st = pbwalk_scalar(w, k[SF_DESCRIPTION_], v[SF_DESCRIPTION_],
						       &description)) != POISE_OK) ||
	    (st = pbwalk_expect(w, k[SF_GROUPS_], v[SF_GROUPS_], PB_SEQ, "'groups'")) != POISE_OK)
		goto out;
	if (!(n = seq_count(w, v[SF_GROUPS_]))) {
		st = pbwalk_error(w, v[SF_GROUPS_], "empty list for 'groups'");
		goto out;
	}
	if (!(s->sc->groups = calloc(n, sizeof(*s->sc->groups))) ||
	    !(s->sc->criteria = calloc(SCORECARD_MAX_CRITERIA, sizeof(*s->sc->criteria))) ||
	    !(s->id_at = calloc(SCORECARD_MAX_CRITERIA, sizeof(*s->id_at)))) {
		st = poise_error_nomem(w->err);
		goto out;
	}
	for (g = v[SF_GROUPS_] + 1; g < pb_node(w, v[SF_GROUPS_])->end; g = pb_next(w, g))
		if ((st = walk_group(s, g)) != POISE_OK)
			goto out;
out:
	return st;
}

enum poise_status scorecard_load_text(const char *text, size_t len, const char *name,
				      struct scorecard **out, struct poise_error *err)
{
	struct pb_tree tree = {0};
	struct sc_walk s = {.w = {.t = &tree, .name = name, .err = err}};
	enum poise_status st;

	*out = NULL;
	poise_error_clear(err);
	if ((st = pb_tree_load(&tree, text, len, name, "scorecard", PLAYBOOK_MAX_BYTES, err)) !=
	    POISE_OK)
		goto out;
	if (!(s.sc = calloc(1, sizeof(*s.sc)))) {
		st = poise_error_nomem(err);
		goto out;
	}
	s.w.pool = &s.sc->strings;
	if ((st = walk_scorecard(&s)) == POISE_OK &&
	    !(s.sc->path = strpool_dup(&s.sc->strings, name)))
		st = poise_error_nomem(err);
	if (st == POISE_OK) {
		*out = s.sc;
		s.sc = NULL;
	}
out:
	free(s.id_at);
	scorecard_free(s.sc);
	playbook_tree_free(&tree);
	return st;
}

PB_DEFINE_LOAD_FILE(scorecard, struct scorecard, "scorecard", PLAYBOOK_MAX_BYTES)

enum poise_status scorecard_load_default(struct scorecard **out, struct poise_error *err)
{
	return scorecard_load_text((const char *)poise_default_scorecard,
				   (size_t)poise_default_scorecard_len, SCORECARD_BUILTIN_NAME, out,
				   err);
}

enum poise_status scorecard_resolve(const struct pbpath *pp, const char *id, struct scorecard **out,
				    struct poise_error *err)
{
	char path[4096];
	enum poise_status st;

	*out = NULL;
	poise_error_clear(err);
	if (!id || !id[0])
		id = SCORECARD_DEFAULT_ID;
	for (size_t i = 0; pp && i < pp->len; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/" SCORECARD_FOLDER "/%s.yaml",
				     pp->dirs[i], id) >= sizeof(path))
			continue;
		st = scorecard_load_file(path, out, err);
		if (st == POISE_OK && strcmp((*out)->id, id) != 0) {
			st = poise_error_set(err, POISE_PLAYBOOK, path, 0, 0,
					     "scorecard file has id '%s': its name must be its id",
					     (*out)->id);
			scorecard_free(*out);
			*out = NULL;
		}
		if (st != POISE_NOT_FOUND)
			return st;
	}
	if (!strcmp(id, SCORECARD_DEFAULT_ID))
		return scorecard_load_default(out, err);
	return poise_error_set(err, POISE_NOT_FOUND, NULL, 0, 0,
			       "no scorecard '%s' (looked for %s/%s.yaml beside the playbooks)", id,
			       SCORECARD_FOLDER, id);
}
