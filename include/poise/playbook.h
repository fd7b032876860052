/*
 * playbook.h - the playbook model and its strict loader.
 *
 * Owns: the in-memory playbook (metadata, the eight stages, boundary
 * wording, the line for a caller who asks for a manager, cause categories,
 * coaching rules), loading it from YAML text or a file with located
 * errors, resolving a playbook that `extends:` another
 * (the parents come from a finder), writing a playbook back out as YAML,
 * and the content hash that identifies it.
 * Does not own: finding playbooks on disk (pbpath.h), evaluating rules
 * (rules.h), or drawing anything.
 *
 * Loading is strict: unknown keys, wrong types, missing/duplicated/out-of-
 * order stages, empty required fields, duplicate mapping keys, several
 * documents, anchors and aliases, non-UTF-8 text, NUL bytes, input larger
 * than PLAYBOOK_MAX_BYTES and nesting deeper than PLAYBOOK_MAX_DEPTH are
 * all errors with file, line and column (1-based). The format is described
 * in docs/playbook-format.md and playbooks/schema.json.
 */
#ifndef POISE_PLAYBOOK_H
#define POISE_PLAYBOOK_H

#include <stddef.h>

#include "poise/limits.h"
#include "poise/status.h"
#include "poise/strpool.h"

#define PLAYBOOK_MAX_BYTES (1024 * 1024)
#define PLAYBOOK_MAX_DEPTH 8
#define PLAYBOOK_WARNINGS 3 /* boundary warnings 1..3 */
#define PLAYBOOK_MAX_EXTENDS 4 /* a -> b -> c -> d -> e at most */

/* X(enum suffix, yaml key, display title): the stages, in call order. */
#define STAGE_LIST(X)                                                          \
	X(CALM, "calm", N_("Calm"))                                           \
	X(LISTEN, "listen", N_("Listen"))                                     \
	X(EMPATHIZE, "empathize", N_("Empathize"))                            \
	X(CLARIFY, "clarify", N_("Clarify"))                                  \
	X(INFORM, "inform", N_("Inform"))                                     \
	X(SOLVE, "solve", N_("Solve"))                                        \
	X(BOUNDARY, "boundary", N_("Boundary"))                               \
	X(FOLLOW_UP, "follow-up", N_("Follow-up"))

#define STAGE_ENUM(name, key, title) STAGE_##name,
enum stage { STAGE_LIST(STAGE_ENUM) STAGE_COUNT };
#undef STAGE_ENUM

/* The sections of guidance a stage holds, in display order. */
#define SECTION_LIST(X)                                                        \
	X(TIPS, "tips", N_("Tips"))                                           \
	X(SAY, "say", N_("Say"))                                              \
	X(ASK, "ask", N_("Ask"))                                              \
	X(AVOID, "avoid", N_("Avoid"))                                        \
	X(CHECKLIST, "checklist", N_("Checklist"))

#define SECTION_ENUM(name, key, title) SECTION_##name,
enum section { SECTION_LIST(SECTION_ENUM) SECTION_COUNT };
#undef SECTION_ENUM

/*
 * Coaching rule kinds. X(enum suffix, yaml "when" value).
 *   MOOD:      mood at or above `mood` for `seconds` seconds
 *   HOLD:      on hold longer than `seconds`; again every `repeat` seconds
 *   BOUNDARY:  `count` boundary warnings given
 *   TIMEBOX:   the current stage's timebox exceeded
 *   MANAGER:   the customer asked for a manager
 */
#define RULE_KIND_LIST(X)                                                      \
	X(MOOD, "mood")                                                        \
	X(HOLD, "hold")                                                        \
	X(BOUNDARY, "boundary-warnings")                                       \
	X(TIMEBOX, "stage-timebox")                                            \
	X(MANAGER, "manager-asked")

#define RULE_KIND_ENUM(name, key) RULE_##name,
enum rule_kind { RULE_KIND_LIST(RULE_KIND_ENUM) RULE_KIND_COUNT };
#undef RULE_KIND_ENUM

/*
 * Suggested actions a rule may name. X(enum suffix, yaml value, key hint):
 * the call screen shows the hint before the prompt (the widest form, when
 * it depends on the state), and lint measures the prompt line with it.
 */
#define ACTION_LIST(X)                                                         \
	X(NONE, "none", "")                                                    \
	X(ESCALATE, "escalate", N_("[e escalate]"))                           \
	X(BOUNDARY, "boundary", N_("[b boundary]"))                           \
	X(END_HOLD, "end-hold", N_("[h end hold]"))                           \
	X(BREATHE, "breathe", N_("[p breathe]"))                              \
	X(NEXT_STAGE, "next-stage", N_("[Tab next stage]"))

#define ACTION_ENUM(name, key, hint) ACTION_##name,
enum rule_action { ACTION_LIST(ACTION_ENUM) ACTION_COUNT };
#undef ACTION_ENUM

struct strlist {
	char **items;
	size_t len;
};

/* Where something was written in the playbook's own file (1-based); 0 = not there. */
struct pb_pos {
	int line, col;
};

struct pb_stage {
	char *goal;
	struct strlist section[SECTION_COUNT];
	struct strlist sources; /* guide numbers, e.g. "000" */
	int timebox;            /* seconds; 0 = none */
	char *timebox_why;	/* why that long; NULL when not written */
	struct pb_pos at;	/* the stage's key, when this file wrote the stage */
};

struct pb_cause {
	char *id;    /* stable key for reports: "billing" */
	char *label; /* shown to the agent, in the playbook's language */
};

struct pb_rule {
	char *id;
	enum rule_kind kind;
	int mood;     /* RULE_MOOD: 1..5 */
	int seconds;  /* RULE_MOOD, RULE_HOLD */
	int repeat;   /* RULE_HOLD: seconds between repeats; 0 = once */
	int count;    /* RULE_BOUNDARY */
	int cooldown; /* seconds before the rule may fire again */
	int only_stage; /* RULE_TIMEBOX: the one stage it watches, + 1; 0: every stage */
	char *message;
	char *why; /* why these thresholds; NULL when not written */
	enum rule_action action;
	struct pb_pos at; /* the rule, when this file wrote it (not inherited) */
};

struct pb_overlay; /* private to the loader: what an extending playbook changes */

struct playbook {
	char *id;
	struct pb_pos id_at; /* the id's value in the playbook's own file */
	char *title;
	char *version;
	char *language; /* BCP 47 tag: "en", "es" */
	char *description;
	char *scorecard; /* the QA scorecard's id (scorecard.h); NULL: the default */
	struct strlist sources;
	struct pb_stage stages[STAGE_COUNT];
	char *warnings[PLAYBOOK_WARNINGS]; /* boundary wording 1..3 */
	/*
	 * What the agent says when the caller asks for a manager (`m`); NULL
	 * when the playbook has none (optional, so a call kept with an older
	 * playbook still opens; lint warns).
	 */
	char *manager;
	struct pb_pos manager_at; /* in the playbook's own file; 0:0 inherited */
	struct pb_cause *causes;
	size_t ncauses;
	struct pb_rule *rules;
	size_t nrules;
	char hash[FIELD_HASH_SIZE]; /* lowercase hex SHA-256 of the source text */
	char *text;    /* the exact source text (kept for the database) */
	size_t text_len;
	char *path;    /* where it was loaded from; "(built-in)" for the default */
	char *extends; /* the id of the playbook this one builds on; NULL if none */
	struct pb_pos extends_at;
	struct pb_overlay *overlay; /* set only on an unresolved (parsed) playbook */
	/*
	 * Lint warnings, located like errors: a line said aloud that reads
	 * badly without the caller's name (fill.h). Loading never fails on
	 * them, so a call kept with an older playbook still opens.
	 */
	struct poise_error *notes;
	size_t nnotes;
	/* Owns every string above but text: set one with strpool_dup(&pb->strings, s). */
	struct strpool strings;
};

/*
 * How a playbook that `extends:` another finds it: find() loads the
 * playbook with this id PARSED, NOT RESOLVED (playbook_parse_text/file), or
 * returns POISE_NOT_FOUND with err saying where it looked. The loader
 * follows the chain itself, so cycles and depth are checked in one place.
 */
struct pb_finder {
	enum poise_status (*find)(void *ctx, const char *id, struct playbook **out,
				  struct poise_error *err);
	void *ctx;
};

/*
 * The shape of every id a playbook gives (its own, causes, rules): lowercase
 * letters, digits and '-', starting with a letter or digit (lengths apart).
 */
int playbook_id_valid(const char *s);

/*
 * Parse text (len bytes, need not be NUL-terminated) named `name` in
 * messages. On success *out is a new playbook to free with playbook_free.
 * On failure *out is NULL and err says what and where.
 *
 * A playbook with `extends:` is resolved: its parents are found through
 * finder (NULL: the built-in default only, so no file is ever read), the
 * chain is applied from the root down, and the result is a whole playbook
 * whose text is the resolved playbook written out as YAML (hash of that
 * text), so a stored call replays exactly what the agent saw. A cycle, a
 * parent that cannot be found and a chain deeper than PLAYBOOK_MAX_EXTENDS
 * are errors. A playbook without `extends:` keeps its own text and hash.
 */
enum poise_status playbook_load_text(const char *text, size_t len, const char *name,
				     struct playbook **out, struct poise_error *err);
enum poise_status playbook_load_text_with(const char *text, size_t len, const char *name,
					  const struct pb_finder *finder, struct playbook **out,
					  struct poise_error *err);

/* Read and parse the file at path (refusing files over PLAYBOOK_MAX_BYTES). */
enum poise_status playbook_load_file(const char *path, struct playbook **out,
				     struct poise_error *err);
enum poise_status playbook_load_file_with(const char *path, const struct pb_finder *finder,
					  struct playbook **out, struct poise_error *err);

/* Parse only, for finders: `extends:` is left unresolved (pb->overlay set). */
enum poise_status playbook_parse_text(const char *text, size_t len, const char *name,
				      struct playbook **out, struct poise_error *err);
enum poise_status playbook_parse_file(const char *path, struct playbook **out,
				      struct poise_error *err);

/* A playbook's id as its own file writes it, and where: id "" when it has no valid one. */
struct pb_own_id {
	char id[FIELD_PLAYBOOK_ID_MAX + 1];
	struct pb_pos at;
};

/*
 * For lint: every error of the file at path in the order of the file (line,
 * then column). Nothing stops at the first: a YAML syntax error stops the
 * file (so it is then the only one), every later check goes on. *errs is
 * malloc'd (free it); *n is 0 when the file's own text has no error (a
 * problem with its parent is then the loader's to say). id (NULL: not
 * wanted) gets the file's own id even when other parts are wrong, so two
 * files that claim one id are found whatever else is wrong with them.
 * POISE_OK, or POISE_NOMEM with *n 0.
 */
enum poise_status playbook_errors_file(const char *path, struct poise_error **errs, size_t *n,
				       struct pb_own_id *id);
enum poise_status playbook_errors_text(const char *text, size_t len, const char *name,
				       struct poise_error **errs, size_t *n);

/*
 * Write pb (a whole playbook, not an unresolved one) as YAML that loads
 * back to the same playbook. *text is NUL-terminated; free it.
 */
enum poise_status playbook_emit(const struct playbook *pb, const char *comment, char **text,
				size_t *len, struct poise_error *err);

/* The built-in default playbook, compiled into the binary. */
enum poise_status playbook_load_default(struct playbook **out, struct poise_error *err);

void playbook_free(struct playbook *pb);

/*
 * Playbooks by the hash of their text (how a call's START names its
 * playbook), each parsed once and owned here: the report's keeper reads
 * them from the store, the team's floor from the server. max: how many are
 * kept, 0 for no limit; when full, the one kept longest makes room and is
 * freed. Start from {0} (and max); pb_cache_free releases them all.
 */
struct pb_cached {
	char hash[FIELD_HASH_SIZE];
	struct playbook *pb; /* NULL: its text did not load (not asked again) */
};
struct pb_cache {
	struct pb_cached *slot;
	size_t n, cap, max, next; /* next: the slot to reuse once n reaches max */
};

/* Whether hash is kept; *pb then its playbook (NULL when its text did not load). */
int pb_cache_get(const struct pb_cache *c, const char *hash, struct playbook **pb);
/* Keep pb (or NULL) as hash's; 0 when out of memory, pb freed. */
int pb_cache_put(struct pb_cache *c, const char *hash, struct playbook *pb);
void pb_cache_free(struct pb_cache *c);

/*
 * Names: "calm", "follow-up" (the files, the database, JSON: never
 * translated); titles: "Calm", for people, in their language (i18n.h).
 * NULL when out of range.
 */
const char *stage_key(enum stage stage);
/* The stage whose key is `key` (the first byte rules most out); -1 when none. */
int stage_from_key(const char *key);
const char *stage_title(enum stage stage);
const char *section_key(enum section section);
const char *section_title(enum section section);
const char *rule_kind_key(enum rule_kind kind);
const char *rule_action_key(enum rule_action action);
const char *rule_action_hint(enum rule_action action); /* "[e escalate]", translated; "" for none */

/* The cause with this id, or NULL. */
const struct pb_cause *playbook_cause(const struct playbook *pb, const char *id);

/* The built-in default's text (NUL-terminated) and length. */
extern const unsigned char poise_default_playbook[];
extern const unsigned long poise_default_playbook_len;
extern const char poise_default_playbook_sha256[]; /* computed at build time */

#endif
