/*
 * playbook_tree.h - internals of the playbook loader, shared by its files.
 *
 * Owns: the checks on raw text (UTF-8, NUL, control characters), the small
 * YAML node tree built from libyaml events (no anchors, aliases, foreign
 * tags, second documents, long scalars or deep nesting get past it), and
 * the walk that turns the tree into a struct playbook.
 * Not an API: only src/core/playbook*.c include this.
 */
#ifndef POISE_PLAYBOOK_TREE_H
#define POISE_PLAYBOOK_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "poise/i18n.h"
#include "poise/playbook.h"
#include "poise/status.h"

#define PB_MAX_SCALAR 1000 /* bytes in any one scalar */

enum pb_node_type { PB_SCALAR, PB_SEQ, PB_MAP };

struct pb_errlist; /* every error of a walk, for lint (below) */
enum pb_tag { PB_TAG_NONE, PB_TAG_STR, PB_TAG_INT };

/*
 * Nodes sit in one array in document order (pre-order): a collection's
 * children follow it, and `end` is the index just past its whole subtree,
 * so a mapping is walked as key, value, key, value... from index + 1 to end.
 * Index 0 is the document's root, so 0 also serves as "no node".
 */
struct pb_node {
	unsigned char type;  /* enum pb_node_type */
	unsigned char tag;   /* enum pb_tag */
	unsigned char plain; /* a plain (unquoted) scalar */
	int line, col;	     /* 1-based, where the node starts */
	uint32_t end;
	uint32_t str; /* scalar: offset of its NUL-terminated value in strs */
	uint32_t len; /* scalar: bytes in the value */
};

struct pb_tree {
	struct pb_node *nodes;
	size_t len, cap;
	char *strs;
	size_t slen, scap;
};

/*
 * The built-in playbook as the build loaded it (playbook_table.c writes it
 * as a C table in the build folder), or NULL while that build step runs,
 * when playbook_load_default parses the YAML itself. Copy, never free it.
 */
extern const struct playbook *const poise_default_playbook_table;

/* Reject NUL bytes, invalid UTF-8 and control characters, located. */
enum poise_status playbook_text_check(const char *text, size_t len, const char *name,
				      struct poise_error *err);

/*
 * Read a trainer's file (playbook, scenario) whole: a regular file of at
 * most max bytes, refused at once otherwise (and a NULL path: POISE_USAGE);
 * `what` names it in messages.
 */
enum poise_status pb_read_file(const char *path, const char *what, size_t max, char **out,
			       size_t *outlen, struct poise_error *err);

/*
 * Load a trainer's file: err cleared, the file read (pb_read_file), its text
 * handed to load(out, text, len, path, err), then freed. The *_load_file
 * functions of playbooks, scenarios and scorecards are this with their
 * *_load_text. out is load's: set it to NULL first, as nothing may be made.
 */
typedef enum poise_status (*pb_text_fn)(void *out, const char *text, size_t len, const char *path,
					struct poise_error *err);
enum poise_status pb_load_file(const char *path, const char *what, size_t max, pb_text_fn load,
			       void *out, struct poise_error *err);

/*
 * `name`_load_file(path, out, err) for a document whose loader is
 * `name`_load_text(text, len, path, out, err): pb_load_file with that
 * loader (through a pb_text_fn of the same name and _fn), `what` naming the
 * file in messages and max its size. scenario.c and scorecard.c define
 * theirs with it; the playbook's loads extends too, so it has its own.
 */
#define PB_DEFINE_LOAD_FILE(name, type, what, max)                                                 \
	static enum poise_status name##_load_text_fn(void *out, const char *text, size_t len,     \
						     const char *path, struct poise_error *err)    \
	{                                                                                          \
		return name##_load_text(text, len, path, out, err);                                \
	}                                                                                          \
	enum poise_status name##_load_file(const char *path, type **out, struct poise_error *err) \
	{                                                                                          \
		*out = NULL;                                                                       \
		return pb_load_file(path, what, max, name##_load_text_fn, out, err);               \
	}

/*
 * The start of every load of a trainer's text (playbook, scenario, scorecard):
 * refuse NULL with a length, or more than max bytes (`what` names the text in
 * the message), check its characters (playbook_text_check), then parse it into
 * t as playbook_tree_build. NULL with length 0 is the empty text.
 */
enum poise_status pb_tree_load(struct pb_tree *t, const char *text, size_t len, const char *name,
			       const char *what, size_t max, struct poise_error *err);

/* Parse text into t (zeroed by the caller); free with playbook_tree_free. */
enum poise_status playbook_tree_build(struct pb_tree *t, const char *text, size_t len,
				      const char *name, struct poise_error *err);
void playbook_tree_free(struct pb_tree *t);

/* Fill pb (zeroed by the caller) from the tree, enforcing the format; all: see pb_walk. */
enum poise_status playbook_walk(const struct pb_tree *t, const char *name, struct playbook *pb,
				struct poise_error *err, struct pb_errlist *all);

/* The keys of a stage; an extending playbook may also write `add` and `remove`. */
enum {
	SF_GOAL,
	SF_TIPS, /* SF_TIPS + section: the five sections, in SECTION_LIST order */
	SF_SAY,
	SF_ASK,
	SF_AVOID,
	SF_CHECKLIST,
	SF_TIMEBOX,
	SF_TIMEBOX_WHY,
	SF_SOURCES,
	SF_WARNINGS,
	SF_ADD,
	SF_REMOVE,
	SF_COUNT
};

/*
 * X(name, key, required, extending): the top-level keys, and whether each
 * is required in a whole playbook and in one that extends another (which
 * needs only its id, title and version). The enum PF_* and the walk's
 * table (playbook_format.c) come from this one list.
 */
#define PLAYBOOK_KEY_LIST(X)                                                                       \
	X(ID, "id", 1, 1)                                                                          \
	X(TITLE, "title", 1, 1)                                                                    \
	X(VERSION, "version", 1, 1)                                                                \
	X(LANGUAGE, "language", 1, 0)                                                              \
	X(DESCRIPTION, "description", 0, 0)                                                        \
	X(SCORECARD, "scorecard", 0, 0)                                                            \
	X(EXTENDS, "extends", 0, 1)                                                                \
	X(SOURCES, "sources", 1, 0)                                                                \
	X(STAGES, "stages", 1, 0)                                                                  \
	X(CAUSES, "causes", 1, 0)                                                                  \
	X(RULES, "rules", 0, 0)                                                                    \
	X(MANAGER, "manager", 0, 0)

#define PF_ENUM(name, key, required, extending) PF_##name,
enum { PLAYBOOK_KEY_LIST(PF_ENUM) PF_COUNT };
#undef PF_ENUM

/*
 * What an extending playbook changes. A key it writes (bit in `given`)
 * replaces the parent's value; `add` appends lines after the parent's (and
 * guide numbers not there yet), `remove` takes out parent lines by their
 * exact text. The replacing values themselves sit in the playbook's stages.
 */
struct pb_overlay_stage {
	unsigned given; /* 1u << SF_* */
	struct strlist add[SECTION_COUNT];
	struct strlist add_sources;
	struct strlist remove[SECTION_COUNT];
	struct pb_pos *remove_at[SECTION_COUNT]; /* one per remove line */
};

struct pb_overlay {
	unsigned given; /* 1u << PF_* */
	struct pb_overlay_stage stage[STAGE_COUNT];
};

void playbook_overlay_free(struct pb_overlay *ov);

/* Apply child (parsed, with an overlay) onto base (whole), in place, moving its values. */
enum poise_status playbook_apply(struct playbook *base, struct playbook *child,
				 struct poise_error *err);

/*
 * The walk's helpers (playbook_walk.c), used by the format (playbook_format.c).
 * Every one that fails sets w->err at the offending node and returns its status.
 */
#define PB_MAX_ERRORS 200 /* kept for lint; a file with more is rewritten, not read */

struct pb_errlist {
	struct poise_error *e;
	size_t n, cap;
	int nomem; /* an error could not be kept */
};

/*
 * A walk goes on after an error to the next part that does not depend on
 * the one that failed (the next key, item, stage, cause or rule), so lint
 * can show every mistake of a file at once: err keeps the first error,
 * `all` (when set) gets every one in the order found.
 */
struct pb_walk {
	const struct pb_tree *t;
	const char *name;
	struct poise_error *err;
	struct playbook *pb;
	struct strpool *pool; /* where the strings read are copied */
	struct pb_errlist *all; /* NULL: only the first error is kept */
	int failed;
};

/* Note st in *acc, the first failure winning (out of memory over all); 0: stop walking. */
static inline int pbwalk_keep(enum poise_status *acc, enum poise_status st)
{
	if (st == POISE_NOMEM || (st != POISE_OK && *acc == POISE_OK))
		*acc = st;
	return st != POISE_NOMEM;
}

struct pb_field {
	const char *key;
	int required;
};

/* Checks one string beyond being a non-empty string (placeholders, ids...). */
typedef enum poise_status (*pb_check_fn)(struct pb_walk *w, uint32_t at, const char *s);

static inline const struct pb_node *pb_node(const struct pb_walk *w, uint32_t i)
{
	return &w->t->nodes[i];
}

static inline const char *pb_str(const struct pb_walk *w, uint32_t i)
{
	return w->t->strs + w->t->nodes[i].str;
}

/* The node after the subtree at i: a mapping's next key is pb_next(w, pb_next(w, k)). */
static inline uint32_t pb_next(const struct pb_walk *w, uint32_t i)
{
	return w->t->nodes[i].end;
}

enum poise_status pbwalk_error(struct pb_walk *w, uint32_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int pbwalk_missing(const struct pb_walk *w, uint32_t i);
const char *pbwalk_kind(const struct pb_walk *w, uint32_t i);

/* Values of key: a non-empty string (in the tree, or a copy), a whole number in [min, max]. */
enum poise_status pbwalk_scalar(struct pb_walk *w, uint32_t key, uint32_t val, const char **out);
/*
 * A scalar that is one of name(0) .. name(count - 1): its index in *out, else
 * "unknown WHAT 'value' (allowed: ...)", WHAT NULL: "'key' value".
 */
enum poise_status pbwalk_choice(struct pb_walk *w, uint32_t key, uint32_t val, const char *what,
				const char *(*name)(int), int count, int *out);
enum poise_status pbwalk_string(struct pb_walk *w, uint32_t key, uint32_t val, pb_check_fn check,
				char **out);
enum poise_status pbwalk_int(struct pb_walk *w, uint32_t key, uint32_t val, long min, long max,
			     int *out);
enum poise_status pbwalk_strlist(struct pb_walk *w, uint32_t key, uint32_t val, pb_check_fn check,
				 struct strlist *out);
enum poise_status pbwalk_expect(struct pb_walk *w, uint32_t key, uint32_t val,
				enum pb_node_type type, const char *what);
enum poise_status pbwalk_fields(struct pb_walk *w, uint32_t map, const char *what,
				const struct pb_field *fields, size_t nfields, uint32_t *key,
				uint32_t *val);
/*
 * The top of a document: a mapping of fields' keys, found as pbwalk_fields
 * does. empty and not_map are the document's own messages, marked N_()
 * (not_map takes the kind found); what names it ("the scenario").
 */
enum poise_status pbwalk_document(struct pb_walk *w, const char *empty, const char *not_map,
				  const char *what, const struct pb_field *fields, size_t nfields,
				  uint32_t *key, uint32_t *val);

enum poise_status pbwalk_check_text(struct pb_walk *w, uint32_t at, const char *s);
/* A line the agent says aloud: text, and a note where it reads badly without a name. */
enum poise_status pbwalk_check_spoken(struct pb_walk *w, uint32_t at, const char *s);
enum poise_status pbwalk_check_guide(struct pb_walk *w, uint32_t at, const char *s);
enum poise_status pbwalk_check_id(struct pb_walk *w, uint32_t at, const char *s);
/* A version: at most FIELD_VERSION_MAX bytes, no control characters (limits.h). */
enum poise_status pbwalk_check_version(struct pb_walk *w, uint32_t at, const char *s);
enum poise_status pbwalk_check_playbook_id(struct pb_walk *w, uint32_t at, const char *s);
enum poise_status pbwalk_check_language(struct pb_walk *w, uint32_t at, const char *s);

#endif
