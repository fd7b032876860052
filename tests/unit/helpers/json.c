/* json.c - a small JSON reader and a YAML-to-JSON converter, for tests only. */
#include "helpers/json.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define JSON_MAX_DEPTH 64

struct reader {
	const char *s;
	size_t len;
	size_t pos;
	int line;
	int col;
	char *err;
	size_t errlen;
	int failed;
};

static void reader_fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reader_fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed++)
		return;
	n = snprintf(r->err, r->errlen, "%d:%d: ", r->line, r->col);
	if (n < 0 || (size_t)n >= r->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - n, fmt, ap);
	va_end(ap);
}

static struct json *json_new(enum json_type type, int line, int col)
{
	struct json *v = calloc(1, sizeof(*v));

	if (!v)
		abort(); /* tests only: running out of memory ends the test */
	v->type = type;
	v->line = line;
	v->col = col;
	return v;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

static void json_push(struct json *v, char *key, struct json *item)
{
	v->items = xrealloc(v->items, (v->len + 1) * sizeof(*v->items));
	if (v->type == JSON_OBJECT)
		v->keys = xrealloc(v->keys, (v->len + 1) * sizeof(*v->keys));
	if (v->keys)
		v->keys[v->len] = key;
	v->items[v->len++] = item;
}

void json_free(struct json *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->len; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

static int peek(struct reader *r)
{
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static int next(struct reader *r)
{
	int c = peek(r);

	if (c < 0)
		return c;
	r->pos++;
	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		r->col++;
	}
	return c;
}

static void skip_space(struct reader *r)
{
	while (peek(r) == ' ' || peek(r) == '\t' || peek(r) == '\n' || peek(r) == '\r')
		next(r);
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
		return 0;
	while (n--)
		next(r);
	return 1;
}

/* Append code point cp to buf as UTF-8. */
static size_t put_utf8(char *buf, unsigned long cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static long hex4(struct reader *r)
{
	char buf[5];
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		int c = next(r);

		if (c <= 0 || !strchr("0123456789abcdefABCDEF", c))
			return -1;
		buf[i] = (char)c;
	}
	buf[4] = '\0';
	return strtol(buf, &end, 16);
}

static int read_escape(struct reader *r, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	int c = next(r);
	const char *p = c > 0 ? strchr(from, c) : NULL;
	long cp, lo;

	if (p) {
		out[(*n)++] = to[p - from];
		return 0;
	}
	if (c != 'u' || (cp = hex4(r)) < 0)
		return -1;
	if (cp >= 0xD800 && cp < 0xDC00) {
		if (!literal(r, "\\u") || (lo = hex4(r)) < 0xDC00 || lo > 0xDFFF)
			return -1;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	} else if (cp >= 0xDC00 && cp < 0xE000) {
		return -1;
	}
	*n += put_utf8(out + *n, (unsigned long)cp);
	return 0;
}

/* A string token; the opening quote is the current character. */
static char *read_string(struct reader *r)
{
	char *out = xrealloc(NULL, r->len - r->pos + 1);
	size_t n = 0;
	int c;

	next(r);
	while ((c = next(r)) != '"') {
		if (c < 0 || c < 0x20) {
			reader_fail(r, "unterminated string or control character");
			free(out);
			return NULL;
		}
		if (c == '\\') {
			if (read_escape(r, out, &n) < 0) {
				reader_fail(r, "bad escape in string");
				free(out);
				return NULL;
			}
			continue;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

static struct json *read_value(struct reader *r, int depth);

static struct json *read_number(struct reader *r)
{
	static regex_t re;
	static int compiled;
	char buf[64];
	size_t n = 0;
	struct json *v = json_new(JSON_NUMBER, r->line, r->col);

	if (!compiled++ && regcomp(&re, "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$",
				   REG_EXTENDED | REG_NOSUB))
		abort();
	while (n < sizeof(buf) - 1 && peek(r) > 0 && strchr("+-.0123456789eE", peek(r)))
		buf[n++] = (char)next(r);
	buf[n] = '\0';
	if (regexec(&re, buf, 0, NULL, 0) != 0) {
		reader_fail(r, "bad number '%s'", buf);
		json_free(v);
		return NULL;
	}
	v->number = strtod(buf, NULL);
	v->integer = !strpbrk(buf, ".eE");
	return v;
}

static struct json *read_container(struct reader *r, int depth, int object)
{
	struct json *v = json_new(object ? JSON_OBJECT : JSON_ARRAY, r->line, r->col);
	int close = object ? '}' : ']';

	next(r);
	skip_space(r);
	if (peek(r) == close) {
		next(r);
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;

		skip_space(r);
		if (object) {
			if (peek(r) != '"' || !(key = read_string(r)))
				goto bad;
			skip_space(r);
			if (next(r) != ':') {
				free(key);
				goto bad;
			}
		}
		if (!(item = read_value(r, depth + 1))) {
			free(key);
			goto bad;
		}
		json_push(v, key, item);
		skip_space(r);
		if (peek(r) == close) {
			next(r);
			return v;
		}
		if (next(r) != ',')
			goto bad;
	}
bad:
	reader_fail(r, "expected %s", object ? "a member or '}'" : "a value or ']'");
	json_free(v);
	return NULL;
}

static struct json *read_value(struct reader *r, int depth)
{
	struct json *v;
	int line, col;

	skip_space(r);
	line = r->line;
	col = r->col;
	if (depth > JSON_MAX_DEPTH) {
		reader_fail(r, "nested too deeply");
		return NULL;
	}
	switch (peek(r)) {
	case '{':
		return read_container(r, depth, 1);
	case '[':
		return read_container(r, depth, 0);
	case '"':
		v = json_new(JSON_STRING, line, col);
		if (!(v->string = read_string(r))) {
			json_free(v);
			return NULL;
		}
		return v;
	}
	if (literal(r, "true") || literal(r, "false")) {
		v = json_new(JSON_BOOL, line, col);
		v->boolean = r->s[r->pos - 1] == 'e' && r->s[r->pos - 4] == 't';
		return v;
	}
	if (literal(r, "null"))
		return json_new(JSON_NULL, line, col);
	if (peek(r) == '-' || (peek(r) >= '0' && peek(r) <= '9'))
		return read_number(r);
	reader_fail(r, "expected a JSON value");
	return NULL;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct reader r = {text, len, 0, 1, 1, err, errlen, 0};
	struct json *v = read_value(&r, 0);

	skip_space(&r);
	if (v && r.pos != r.len) {
		reader_fail(&r, "trailing text after the value");
		json_free(v);
		return NULL;
	}
	return v;
}

/* How a YAML language server types a plain scalar (YAML 1.2 core schema). */
static struct json *yaml_plain_scalar(const char *s, int line, int col)
{
	static regex_t num;
	static int compiled;
	struct json *v;

	if (!compiled++ && regcomp(&num, "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
				   REG_EXTENDED | REG_NOSUB))
		abort();
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_new(JSON_NULL, line, col);
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") || !strcmp(s, "false") ||
	    !strcmp(s, "False") || !strcmp(s, "FALSE")) {
		v = json_new(JSON_BOOL, line, col);
		v->boolean = s[0] == 't' || s[0] == 'T';
		return v;
	}
	if (regexec(&num, s, 0, NULL, 0) == 0) {
		v = json_new(JSON_NUMBER, line, col);
		v->number = strtod(s, NULL);
		v->integer = !strpbrk(s, ".eE");
		return v;
	}
	v = json_new(JSON_STRING, line, col);
	v->string = strdup(s);
	if (!v->string)
		abort();
	return v;
}

static struct json *yaml_node_to_json(yaml_document_t *doc, yaml_node_t *node, int depth)
{
	int line = (int)node->start_mark.line + 1, col = (int)node->start_mark.column + 1;
	struct json *v = NULL;
	yaml_node_item_t *item;
	yaml_node_pair_t *pair;

	if (depth > JSON_MAX_DEPTH)
		return NULL;
	switch (node->type) {
	case YAML_SCALAR_NODE:
		if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return yaml_plain_scalar((const char *)node->data.scalar.value, line, col);
		v = json_new(JSON_STRING, line, col);
		v->string = strdup((const char *)node->data.scalar.value);
		if (!v->string)
			abort();
		return v;
	case YAML_SEQUENCE_NODE:
		v = json_new(JSON_ARRAY, line, col);
		for (item = node->data.sequence.items.start; item < node->data.sequence.items.top;
		     item++) {
			struct json *c = yaml_node_to_json(doc, yaml_document_get_node(doc, *item),
							   depth + 1);
			if (!c)
				goto bad;
			json_push(v, NULL, c);
		}
		return v;
	case YAML_MAPPING_NODE:
		v = json_new(JSON_OBJECT, line, col);
		for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top;
		     pair++) {
			yaml_node_t *k = yaml_document_get_node(doc, pair->key);
			struct json *c;
			char *key;

			if (k->type != YAML_SCALAR_NODE)
				goto bad;
			c = yaml_node_to_json(doc, yaml_document_get_node(doc, pair->value),
					      depth + 1);
			if (!c)
				goto bad;
			key = strdup((const char *)k->data.scalar.value);
			if (!key)
				abort();
			json_push(v, key, c);
		}
		return v;
	default:
		return NULL;
	}
bad:
	json_free(v);
	return NULL;
}

struct json *json_from_yaml(const char *text, size_t len, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct json *v = NULL;

	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%zu:%zu: %s", parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		return NULL;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		snprintf(err, errlen, "empty YAML document");
	else if (!(v = yaml_node_to_json(&doc, root, 0)))
		snprintf(err, errlen, "YAML not representable as JSON (non-scalar key or depth)");
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return v;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->len; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

int json_equal(const struct json *a, const struct json *b)
{
	size_t i;

	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case JSON_NULL:
		return 1;
	case JSON_BOOL:
		return a->boolean == b->boolean;
	case JSON_NUMBER:
		return a->number == b->number;
	case JSON_STRING:
		return !strcmp(a->string, b->string);
	case JSON_ARRAY:
		if (a->len != b->len)
			return 0;
		for (i = 0; i < a->len; i++)
			if (!json_equal(a->items[i], b->items[i]))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (a->len != b->len)
			return 0;
		for (i = 0; i < a->len; i++) {
			const struct json *o = json_get(b, a->keys[i]);

			if (!o || !json_equal(a->items[i], o))
				return 0;
		}
		return 1;
	}
	return 0;
}

size_t utf8_codepoints(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

char *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		buf = xrealloc(buf, n + 4096 + 1);
		got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	fclose(f);
	return buf;
}
