/*
 * jschema.c - the subset of JSON Schema (2020-12) that playbooks/schema.json
 * uses, for tests only: type, properties, required, additionalProperties,
 * items, enum, const, minItems/maxItems, minLength/maxLength (code points),
 * minimum/maximum, pattern (POSIX extended regex), $ref to "#/$defs/NAME",
 * allOf, if/then/else and boolean schemas. Anything else is reported, so a
 * schema keyword that this validator ignores cannot pass unnoticed.
 */
#include "helpers/json.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vctx {
	const struct json *root;
	char path[512];
	char *err;
	size_t errlen;
	int errors;
	int quiet; /* > 0 while evaluating an `if`: count, do not report */
};

static void verror(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void verror(struct vctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->errors++ || c->quiet)
		return;
	n = snprintf(c->err, c->errlen, "%s: ", c->path[0] ? c->path : "/");
	if (n < 0 || (size_t)n >= c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
}

static int validate(struct vctx *c, const struct json *schema, const struct json *inst);

/* Validate inst at path + "/" + seg, restoring the path afterwards. */
static void validate_at(struct vctx *c, const char *seg, const struct json *schema,
			const struct json *inst)
{
	size_t n = strlen(c->path);

	snprintf(c->path + n, sizeof(c->path) - n, "/%s", seg);
	validate(c, schema, inst);
	c->path[n] = '\0';
}

static const char *type_name(const struct json *v)
{
	static const char *const names[] = {"null",   "boolean", "number",
					    "string", "array",	 "object"};

	if (v->type == JSON_NUMBER && v->integer)
		return "integer";
	return names[v->type];
}

static int type_matches(const char *want, const struct json *inst)
{
	if (!strcmp(want, "integer"))
		return inst->type == JSON_NUMBER && inst->integer;
	if (!strcmp(want, "number"))
		return inst->type == JSON_NUMBER;
	return !strcmp(want, type_name(inst));
}

static void check_type(struct vctx *c, const struct json *type, const struct json *inst)
{
	size_t i;

	if (type->type == JSON_STRING) {
		if (!type_matches(type->string, inst))
			verror(c, "expected %s, got %s", type->string, type_name(inst));
		return;
	}
	for (i = 0; i < type->len; i++)
		if (type->items[i]->type == JSON_STRING &&
		    type_matches(type->items[i]->string, inst))
			return;
	verror(c, "type %s not allowed", type_name(inst));
}

static void check_enum(struct vctx *c, const struct json *list, const struct json *inst)
{
	size_t i;

	for (i = 0; i < list->len; i++)
		if (json_equal(list->items[i], inst))
			return;
	verror(c, "value not in enum");
}

static void check_pattern(struct vctx *c, const char *pattern, const char *s)
{
	regex_t re;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		verror(c, "pattern '%s' does not compile as a POSIX extended regex", pattern);
		return;
	}
	if (regexec(&re, s, 0, NULL, 0) != 0)
		verror(c, "'%s' does not match pattern '%s'", s, pattern);
	regfree(&re);
}

static const struct json *resolve_ref(struct vctx *c, const char *ref)
{
	const struct json *target;

	if (strncmp(ref, "#/$defs/", 8) != 0) {
		verror(c, "unsupported $ref '%s'", ref);
		return NULL;
	}
	target = json_get(json_get(c->root, "$defs"), ref + 8);
	if (!target)
		verror(c, "$ref '%s' not found", ref);
	return target;
}

static void check_object(struct vctx *c, const struct json *schema, const struct json *inst)
{
	const struct json *props = json_get(schema, "properties");
	const struct json *addl = json_get(schema, "additionalProperties");
	const struct json *req = json_get(schema, "required");
	size_t i;

	for (i = 0; req && i < req->len; i++)
		if (req->items[i]->type == JSON_STRING && !json_get(inst, req->items[i]->string))
			verror(c, "missing required key '%s'", req->items[i]->string);
	for (i = 0; i < inst->len; i++) {
		const struct json *sub = json_get(props, inst->keys[i]);

		if (sub)
			validate_at(c, inst->keys[i], sub, inst->items[i]);
		else if (addl && addl->type == JSON_BOOL && !addl->boolean)
			verror(c, "unknown key '%s'", inst->keys[i]);
		else if (addl)
			validate_at(c, inst->keys[i], addl, inst->items[i]);
	}
}

static void check_array(struct vctx *c, const struct json *schema, const struct json *inst)
{
	const struct json *items = json_get(schema, "items");
	const struct json *min = json_get(schema, "minItems");
	const struct json *max = json_get(schema, "maxItems");
	char seg[32];
	size_t i;

	if (min && (double)inst->len < min->number)
		verror(c, "%zu items, expected at least %g", inst->len, min->number);
	if (max && (double)inst->len > max->number)
		verror(c, "%zu items, expected at most %g", inst->len, max->number);
	for (i = 0; items && i < inst->len; i++) {
		snprintf(seg, sizeof(seg), "%zu", i);
		validate_at(c, seg, items, inst->items[i]);
	}
}

static void check_string(struct vctx *c, const struct json *schema, const struct json *inst)
{
	const struct json *min = json_get(schema, "minLength");
	const struct json *max = json_get(schema, "maxLength");
	const struct json *pattern = json_get(schema, "pattern");
	double n = (double)utf8_codepoints(inst->string);

	if (min && n < min->number)
		verror(c, "string shorter than %g", min->number);
	if (max && n > max->number)
		verror(c, "string longer than %g", max->number);
	if (pattern)
		check_pattern(c, pattern->string, inst->string);
}

static void check_number(struct vctx *c, const struct json *schema, const struct json *inst)
{
	const struct json *min = json_get(schema, "minimum");
	const struct json *max = json_get(schema, "maximum");

	if (min && inst->number < min->number)
		verror(c, "%g is less than the minimum %g", inst->number, min->number);
	if (max && inst->number > max->number)
		verror(c, "%g is more than the maximum %g", inst->number, max->number);
}

/* Does inst pass schema? Evaluated quietly, for `if`. */
static int passes(struct vctx *c, const struct json *schema, const struct json *inst)
{
	int before = c->errors, ok;

	c->quiet++;
	validate(c, schema, inst);
	c->quiet--;
	ok = c->errors == before;
	c->errors = before;
	return ok;
}

static void check_conditional(struct vctx *c, const struct json *schema, const struct json *inst)
{
	const struct json *all = json_get(schema, "allOf");
	const struct json *cond = json_get(schema, "if");
	const struct json *branch;
	size_t i;

	for (i = 0; all && i < all->len; i++)
		validate(c, all->items[i], inst);
	if (!cond)
		return;
	branch = json_get(schema, passes(c, cond, inst) ? "then" : "else");
	if (branch)
		validate(c, branch, inst);
}

static int known_keyword(const char *k)
{
	static const char *const known[] = {
		"$schema",
		"$id",
		"$defs",
		"$comment",
		"title",
		"description",
		"default",
		"examples",
		"markdownDescription",
		"type",
		"properties",
		"required",
		"additionalProperties",
		"items",
		"enum",
		"const",
		"minItems",
		"maxItems",
		"minLength",
		"maxLength",
		"minimum",
		"maximum",
		"pattern",
		"$ref",
		"allOf",
		"if",
		"then",
		"else",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(k, known[i]))
			return 1;
	return 0;
}

static int validate(struct vctx *c, const struct json *schema, const struct json *inst)
{
	const struct json *kw;
	size_t i;

	if (schema->type == JSON_BOOL) {
		if (!schema->boolean)
			verror(c, "not allowed here");
		return c->errors;
	}
	if (schema->type != JSON_OBJECT) {
		verror(c, "schema is neither an object nor a boolean");
		return c->errors;
	}
	for (i = 0; i < schema->len; i++)
		if (!known_keyword(schema->keys[i]))
			verror(c, "unsupported schema keyword '%s'", schema->keys[i]);
	if ((kw = json_get(schema, "$ref")) && (kw = resolve_ref(c, kw->string)))
		validate(c, kw, inst);
	if ((kw = json_get(schema, "type")))
		check_type(c, kw, inst);
	if ((kw = json_get(schema, "enum")))
		check_enum(c, kw, inst);
	if ((kw = json_get(schema, "const")) && !json_equal(kw, inst))
		verror(c, "value is not the constant required");
	if (inst->type == JSON_OBJECT)
		check_object(c, schema, inst);
	else if (inst->type == JSON_ARRAY)
		check_array(c, schema, inst);
	else if (inst->type == JSON_STRING)
		check_string(c, schema, inst);
	else if (inst->type == JSON_NUMBER)
		check_number(c, schema, inst);
	check_conditional(c, schema, inst);
	return c->errors;
}

int json_schema_validate(const struct json *schema, const struct json *instance, char *err,
			 size_t errlen)
{
	struct vctx c = {.root = schema, .err = err, .errlen = errlen};

	if (errlen)
		err[0] = '\0';
	return validate(&c, schema, instance);
}
