/*
 * json.h - a small JSON tree for tests only.
 *
 * Owns: reading JSON text (json_parse), turning a YAML document into the
 * same tree the way an editor's YAML language server sees it
 * (json_from_yaml: plain scalars resolved with the YAML core schema, quoted
 * ones always strings), and a validator for the subset of JSON Schema that
 * playbooks/schema.json uses (json_schema_validate, in jschema.c).
 * Does not own: anything the product ships; the core never uses this.
 */
#ifndef POISE_TEST_JSON_H
#define POISE_TEST_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	int boolean;
	double number;
	int integer;	     /* the number was written without fraction or exponent */
	char *string;	     /* NUL-terminated; JSON_STRING */
	size_t len;	     /* items (array) or members (object) */
	struct json **items; /* array items, or object member values */
	char **keys;	     /* object member names, parallel to items */
	int line;	     /* 1-based position of the value in its source */
	int col;
};

/* Parse JSON text; NULL on error with a located message in err. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);

/* Convert the single YAML document in text; NULL on error (message in err). */
struct json *json_from_yaml(const char *text, size_t len, char *err, size_t errlen);

void json_free(struct json *v);

/* The member `key` of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

/* Structural equality (objects compare member by member, in any order). */
int json_equal(const struct json *a, const struct json *b);

/* Number of UTF-8 code points in s (continuation bytes are not counted). */
size_t utf8_codepoints(const char *s);

/* Read a whole file into a NUL-terminated buffer (free it); NULL on error. */
char *read_whole_file(const char *path, size_t *len);

/*
 * Validate instance against schema (whose root resolves "#/$defs/..."
 * references). Returns the number of errors; the first one, with its JSON
 * pointer, goes to err. A keyword the validator does not know is itself an
 * error, so the schema cannot silently rely on something untested.
 */
int json_schema_validate(const struct json *schema, const struct json *instance, char *err,
			 size_t errlen);

#endif
