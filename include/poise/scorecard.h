/*
 * scorecard.h - the QA scorecard a supervisor scores a call against.
 *
 * Owns: the scorecard model (named criteria in groups, each group a stage of
 * the call or a theme; each criterion a weight, a scale, whether N/A is
 * allowed, whether a "no" fails the whole call, and optionally a fact of the
 * call's fold that answers it), its strict YAML loader (the playbook
 * loader's tree and walk helpers: the same errors, located the same way),
 * the built-in default scorecard, finding a scorecard by id beside the
 * playbooks (FOLDER/scorecards/ID.yaml on the playbook search path), and
 * the arithmetic of a score: checking answers against a call (a stage the
 * call never visited cannot be scored), the facts, the weighted percentage.
 * Does not own: storing scores (store_score.h), figures over many calls
 * (report.h), or drawing anything. docs/scorecard-format.md is the format.
 */
#ifndef POISE_SCORECARD_H
#define POISE_SCORECARD_H

#include <stddef.h>
#include <stdint.h>

#include "poise/call.h"
#include "poise/pbpath.h"
#include "poise/playbook.h"
#include "poise/status.h"

#define SCORECARD_DEFAULT_ID   "default"
#define SCORECARD_BUILTIN_NAME "(built-in scorecard)"
#define SCORECARD_MAX_CRITERIA 64
#define SCORECARD_MAX_WEIGHT   100
#define SCORECARD_FOLDER       "scorecards" /* beside the playbooks */
#define SCORE_FULL	       10000	    /* a score in basis points: 10000 = 100.00% */

enum score_scale { SCALE_YES_NO = 2, SCALE_1_5 = 5 };

/* X(enum suffix, yaml key): facts of a call's fold that answer a yes/no criterion. */
#define FACT_LIST(X)                                                                               \
	X(WARNED_BEFORE_ABUSE_END, "warned-before-abuse-end")                                      \
	X(REACHED_EMPATHY, "reached-empathy")                                                      \
	X(FOLLOWUP_ON_CALLBACK, "followup-on-callback")
#define FACT_ENUM(name, key) FACT_##name,
enum score_fact { FACT_NONE = -1, FACT_LIST(FACT_ENUM) FACT_COUNT };
#undef FACT_ENUM

struct sc_criterion {
	char *id; /* unique in the scorecard */
	char *text;
	int group;  /* index into groups */
	int weight; /* 1..SCORECARD_MAX_WEIGHT */
	enum score_scale scale;
	int na;		      /* N/A allowed */
	int auto_fail;	      /* yes/no only: "no" makes the whole call 0 */
	enum score_fact fact; /* FACT_NONE: the reviewer answers */
};

struct sc_group {
	char *title;
	int stage; /* enum stage, or -1 for a theme */
};

struct scorecard {
	char *id, *title, *version, *path;
	struct sc_group *groups;
	size_t ngroups;
	struct sc_criterion *criteria; /* in file order, groups in order */
	size_t ncriteria;
	struct strpool strings; /* owns every string above */
};

/* Parse text (name: a file name for errors); *out to free with scorecard_free. */
enum poise_status scorecard_load_text(const char *text, size_t len, const char *name,
				      struct scorecard **out, struct poise_error *err);
enum poise_status scorecard_load_file(const char *path, struct scorecard **out,
				      struct poise_error *err);
enum poise_status scorecard_load_default(struct scorecard **out, struct poise_error *err);
/*
 * The scorecard id: the first DIR/scorecards/ID.yaml on pp's search path
 * (pp NULL: none), else the built-in one when id is NULL, "" or the
 * default's. POISE_NOT_FOUND when there is no such scorecard.
 */
enum poise_status scorecard_resolve(const struct pbpath *pp, const char *id, struct scorecard **out,
				    struct poise_error *err);
void scorecard_free(struct scorecard *sc);

const char *score_fact_key(enum score_fact f);

/* One answer: the criterion's index, and its value (SCORE_NA, 0/1 yes-no, 1..5). */
#define SCORE_NA    (-1)
#define SCORE_UNSET (-2) /* not answered yet: a scoring is complete without any */

/* Whether a criterion may be scored in this call: its group's stage visited. */
int scorecard_applies(const struct scorecard *sc, size_t criterion, const struct call_state *cs);
/*
 * The fact's answer for this call: 1 yes, 0 no, SCORE_NA when the fact does
 * not apply (no abuse ending, no callback).
 */
int scorecard_fact(enum score_fact f, const struct call_state *cs);

/*
 * Check answers[0..sc->ncriteria) for the call cs, and fill what the call
 * decides: a fact criterion gets the fold's answer, a criterion of a stage
 * never visited gets SCORE_NA. POISE_USAGE, with the criterion named, for
 * an answer out of its scale, N/A where it is not allowed, or any answer to
 * a criterion of a stage the call never visited.
 */
enum poise_status scorecard_check(const struct scorecard *sc, const struct call_state *cs,
				  int *answers, struct poise_error *err);

/*
 * One criterion's points in basis points: yes 10000, no 0; 1..5 as
 * 0, 2500, 5000, 7500, 10000. -1 for N/A or unset.
 */
int score_points(enum score_scale scale, int value);

/* One answer as stored: what the total needs, without the scorecard. */
struct score_item {
	int weight;
	enum score_scale scale;
	int auto_fail;
	int value; /* SCORE_NA, SCORE_UNSET, 0/1 or 1..5 */
};

/*
 * The weighted percentage in basis points over the answered items (N/A and
 * unset ones left out of the denominator), rounded half up; 0 when an
 * auto-fail item is answered "no" (*auto_failed then 1); -1 when nothing
 * counts.
 */
int score_total(const struct score_item *items, size_t n, int *auto_failed);
/* The same for answers[0..sc->ncriteria) to sc. */
int scorecard_total(const struct scorecard *sc, const int *answers, int *auto_failed);

#endif
