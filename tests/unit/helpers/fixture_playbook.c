/* fixture_playbook.c - a small playbook built in memory for unit tests. */
#include "helpers/fixture_playbook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shared text: every list points into these; only the arrays are owned. */
static char *const fixture_lines[] = {"line one", "line two", "line three", "line four"};
static char fixture_goal[] = "a goal";
static char fixture_source[] = "000";
static char *fixture_sources[] = {fixture_source};

static const size_t fixture_section_len[SECTION_COUNT] = {
	[SECTION_TIPS] = FIXTURE_TIPS,
	[SECTION_SAY] = FIXTURE_SAY,
	[SECTION_ASK] = FIXTURE_ASK,
	[SECTION_AVOID] = FIXTURE_AVOID,
	[SECTION_CHECKLIST] = FIXTURE_CHECKLIST,
};

static struct pb_cause fixture_causes[] = {
	{"billing", "Billing"},
	{"product", "Product"},
	{"other", "Other"},
};

static int fixture_stage(struct pb_stage *st)
{
	st->goal = fixture_goal;
	st->sources.items = fixture_sources;
	st->sources.len = 1;
	for (int sec = 0; sec < SECTION_COUNT; sec++) {
		size_t n = fixture_section_len[sec];

		st->section[sec].items = calloc(n, sizeof(char *));
		if (!st->section[sec].items)
			return 0;
		memcpy(st->section[sec].items, fixture_lines, n * sizeof(char *));
		st->section[sec].len = n;
	}
	return 1;
}

struct playbook *fixture_playbook_new(const struct pb_rule *rules, size_t nrules)
{
	struct playbook *pb = calloc(1, sizeof(*pb));

	if (!pb)
		return NULL;
	pb->id = "fixture";
	pb->title = "Fixture";
	pb->version = "1";
	pb->language = "en";
	pb->sources.items = fixture_sources;
	pb->sources.len = 1;
	for (int s = 0; s < STAGE_COUNT; s++)
		if (!fixture_stage(&pb->stages[s]))
			goto fail;
	pb->stages[STAGE_LISTEN].timebox = FIXTURE_TIMEBOX;
	pb->warnings[0] = "warning one";
	pb->warnings[1] = "warning two";
	pb->warnings[2] = "warning three";
	pb->causes = fixture_causes;
	pb->ncauses = sizeof(fixture_causes) / sizeof(fixture_causes[0]);
	if (nrules) {
		pb->rules = calloc(nrules, sizeof(*rules));
		if (!pb->rules)
			goto fail;
		memcpy(pb->rules, rules, nrules * sizeof(*rules));
		pb->nrules = nrules;
	}
	/* What the store keeps: a text and its hash (not a real SHA-256). */
	pb->text = "id: fixture\n";
	pb->text_len = strlen(pb->text);
	memset(pb->hash, 'f', 64);
	pb->path = "(fixture)";
	return pb;
fail:
	fixture_playbook_free(pb);
	return NULL;
}

void fixture_playbook_free(struct playbook *pb)
{
	if (!pb)
		return;
	for (int s = 0; s < STAGE_COUNT; s++)
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			free(pb->stages[s].section[sec].items);
	free(pb->rules);
	free(pb);
}

struct playbook *fixture_playbook_load(const char *relpath, struct poise_error *err)
{
	char path[1024];
	struct playbook *pb = NULL;

	snprintf(path, sizeof(path), "%s/%s", POISE_TEST_DATA, relpath);
	if (playbook_load_file(path, &pb, err) != POISE_OK)
		return NULL;
	return pb;
}
