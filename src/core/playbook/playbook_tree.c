/*
 * playbook_tree.c - raw text checks and the YAML node tree of a playbook.
 *
 * Everything YAML-level is settled here, before the format is looked at:
 * the walk in playbook_walk.c then sees only mappings, sequences and short
 * scalars, at most PLAYBOOK_MAX_DEPTH deep, from one document.
 */
#include "playbook_tree.h"
#include "poise/i18n.h"

#include "poise/text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Where the text stands, counted the way libyaml counts (0-based). */
struct textpos {
	size_t off;
	size_t line, col;
};

/* The UTF-8 sequence at p, strictly (text.h): its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = 0;
	size_t len = text_utf8_len((const char *)p, n, &c);

	*cp = c;
	return len;
}

/* YAML's printable set, as libyaml's reader enforces it. */
static int yaml_printable(uint32_t c)
{
	return c == 0x09 || c == 0x0a || c == 0x0d || (c >= 0x20 && c <= 0x7e) || c == 0x85 ||
	       (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

/* Step past the character c of width w; line breaks as libyaml sees them. */
static void textpos_step(struct textpos *pos, const unsigned char *p, size_t len, uint32_t c,
			 size_t w)
{
	if (c == '\r' && pos->off + 1 < len && p[pos->off + 1] == '\n')
		w = 2;
	pos->off += w;
	if (c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029) {
		pos->line++;
		pos->col = 0;
	} else {
		pos->col++;
	}
}

static void textpos_start(struct textpos *pos, const unsigned char *p, size_t len)
{
	memset(pos, 0, sizeof(*pos));
	/* libyaml eats a leading BOM without counting it. */
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		pos->off = 3;
}

enum poise_status playbook_text_check(const char *text, size_t len, const char *name,
				      struct poise_error *err)
{
	const unsigned char *p = (const unsigned char *)text;
	struct textpos pos;
	uint32_t c;
	size_t w, i = 0;

	/*
	 * First without counting lines and columns, which only an error needs:
	 * printable ASCII, tab and line ends take no decoding.
	 */
	while (i < len) {
		if ((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\t' || p[i] == '\r')
			i++;
		else if (p[i] && (w = utf8_decode(p + i, len - i, &c)) && yaml_printable(c))
			i += w;
		else
			break;
	}
	if (i == len)
		return POISE_OK;
	for (textpos_start(&pos, p, len); pos.off < len; textpos_step(&pos, p, len, c, w)) {
		int line = (int)pos.line + 1, col = (int)pos.col + 1;

		if (p[pos.off] == 0)
			return poise_error_set(err, POISE_YAML, name, line, col,
					       "found a NUL byte (is this a text file?)");
		w = utf8_decode(p + pos.off, len - pos.off, &c);
		if (!w)
			return poise_error_set(err, POISE_YAML, name, line, col,
					       "invalid UTF-8 byte 0x%02x (save the file as UTF-8)",
					       p[pos.off]);
		if (!yaml_printable(c))
			return poise_error_set(err, POISE_YAML, name, line, col,
					       "character U+%04X is not allowed", (unsigned)c);
	}
	return POISE_OK;
}

/* The byte offset of a 0-based line and column; len when past the end. */
static size_t text_offset(const char *text, size_t len, size_t line, size_t col)
{
	const unsigned char *p = (const unsigned char *)text;
	struct textpos pos;
	uint32_t c;
	size_t w;

	for (textpos_start(&pos, p, len); pos.off < len; textpos_step(&pos, p, len, c, w)) {
		if (pos.line == line && pos.col == col)
			return pos.off;
		w = utf8_decode(p + pos.off, len - pos.off, &c);
		if (!w)
			break;
	}
	return len;
}

struct builder {
	struct pb_tree *t;
	const char *name;
	struct poise_error *err;
	uint32_t open[PLAYBOOK_MAX_DEPTH]; /* the collections not yet closed */
	int depth;
	int docs;
};

static enum poise_status builder_error(struct builder *b, const yaml_mark_t *m, const char *fmt,
				       ...) __attribute__((format(printf, 3, 4)));

static enum poise_status builder_error(struct builder *b, const yaml_mark_t *m, const char *fmt,
				       ...)
{
	char msg[sizeof(b->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	return poise_error_put(b->err, POISE_PLAYBOOK, b->name, (int)m->line + 1,
			       (int)m->column + 1, msg);
}

/* The offset where 0-based line `line` starts; len when there is none. */
static size_t line_start(const char *text, size_t len, size_t line)
{
	size_t off = 0;

	while (line && off < len) {
		const char *nl = memchr(text + off, '\n', len - off);

		if (!nl)
			return len;
		off = (size_t)(nl - text) + 1;
		line--;
	}
	return off;
}

/* Columns of leading spaces of the line at off; *blank set when it holds nothing else. */
static size_t indent_at(const char *text, size_t len, size_t off, int *blank)
{
	size_t n = 0;

	while (off + n < len && text[off + n] == ' ')
		n++;
	*blank = off + n >= len || text[off + n] == '\n' || text[off + n] == '#';
	return n;
}

/* The nearest line above `line` (0-based) with something on it; -1 when none. */
static long line_above(const char *text, size_t len, size_t line)
{
	int blank;

	while (line-- > 0) {
		indent_at(text, len, line_start(text, len, line), &blank);
		if (!blank)
			return (long)line;
	}
	return -1;
}

/*
 * The mistakes people make most, said as what to do, at the line that is
 * wrong: libyaml often notices them a line later, or names its own state.
 */
static enum poise_status syntax_hint(yaml_parser_t *parser, const char *text, size_t len,
				     const char *name, struct poise_error *err)
{
	const yaml_mark_t *m = &parser->problem_mark, *c = &parser->context_mark;
	const char *problem = parser->problem, *context = parser->context;
	size_t ls = line_start(text, len, m->line), ind;
	int blank;

	if (!problem)
		return POISE_OK;
	ind = indent_at(text, len, ls, &blank);
	if (!strcmp(problem, "mapping values are not allowed in this context")) {
		const char *line = text + ls, *colon = NULL;
		size_t n = len - ls, i;

		for (i = ind; i + 1 < n && line[i] != '\n'; i++)
			if (line[i] == ':' && (line[i + 1] == ' ' || line[i + 1] == '\n')) {
				colon = line + i;
				break;
			}
		if (colon && colon < text + text_offset(text, len, m->line, m->column))
			return poise_error_set(
				err, POISE_YAML, name, (int)m->line + 1, (int)m->column + 1,
				"a ': ' inside a value: quote the text (key: \"text with: a colon\")");
		long above = line_above(text, len, m->line);

		return poise_error_set(err, POISE_YAML, name, (int)m->line + 1, (int)ind + 1,
				       "this line is indented further than the key above it "
				       "(line %ld); start the keys of one mapping in the same column",
				       above + 1);
	}
	if (!strcmp(problem, "could not find expected ':'") && context &&
	    strstr(context, "simple key")) {
		size_t cs = line_start(text, len, c->line);

		ind = indent_at(text, len, cs, &blank);
		return poise_error_set(err, POISE_YAML, name, (int)c->line + 1, (int)ind + 1,
				       "a key needs ': ' after it (key: value); if this line goes "
				       "on with the text above, indent it further or quote the text");
	}
	if ((!strcmp(problem, "did not find expected key") ||
	     !strcmp(problem, "did not find expected '-' indicator")) &&
	    context && m->line > c->line) {
		long above = line_above(text, len, m->line);
		size_t up = above < 0 ? 0 : indent_at(text, len, line_start(text, len, (size_t)above),
						      &blank);

		if (ls + ind + 1 < len && text[ls + ind] == '-' && text[ls + ind + 1] == ' ' &&
		    strstr(context, "mapping"))
			return poise_error_set(err, POISE_YAML, name, (int)m->line + 1,
					       (int)ind + 1,
					       "a list item ('- ') where a key is expected; indent it "
					       "like the other items of its list");
		return poise_error_set(err, POISE_YAML, name, (int)m->line + 1, (int)ind + 1,
				       "this line starts at column %zu, in line with nothing above "
				       "it: the line above starts at column %zu, the %s begun at "
				       "line %d at column %d; indent it like one of them",
				       ind + 1, up + 1, strstr(context, "mapping") ? "mapping" : "list",
				       (int)c->line + 1, (int)c->column + 1);
	}
	if (!strcmp(problem, "found character that cannot start any token"))
		return poise_error_set(err, POISE_YAML, name, (int)m->line + 1, (int)m->column + 1,
				       "a value cannot start with this character; quote the text");
	return POISE_OK;
}

static enum poise_status syntax_error(yaml_parser_t *parser, const char *text, size_t len,
				      const char *name, struct poise_error *err)
{
	const yaml_mark_t *m = &parser->problem_mark;
	const char *problem = parser->problem ? parser->problem : _("cannot parse YAML");
	size_t off;
	enum poise_status st;

	if (parser->error == YAML_MEMORY_ERROR)
		return poise_error_nomem(err);
	if (parser->error == YAML_READER_ERROR) /* text_check should have caught it */
		return poise_error_put(err, POISE_YAML, name, 0, 0, problem);
	off = text_offset(text, len, m->line, m->column);
	if (off < len && text[off] == '\t')
		return poise_error_set(err, POISE_YAML, name, (int)m->line + 1, (int)m->column + 1,
				       "tab character where YAML needs spaces; indent with spaces");
	if ((st = syntax_hint(parser, text, len, name, err)) != POISE_OK)
		return st;
	if (parser->context)
		return poise_error_set(err, POISE_YAML, name, (int)m->line + 1, (int)m->column + 1,
				       "%s %s at %d:%d", problem, parser->context,
				       (int)parser->context_mark.line + 1,
				       (int)parser->context_mark.column + 1);
	return poise_error_put(err, POISE_YAML, name, (int)m->line + 1, (int)m->column + 1, problem);
}

/* Map a libyaml tag to ours; unknown ones are errors ("!!bool", "!foo"). */
static enum poise_status builder_tag(struct builder *b, const yaml_event_t *ev,
				     const yaml_char_t *tag, int scalar, unsigned char *out)
{
	static const char std[] = "tag:yaml.org,2002:";
	const char *s = (const char *)tag;

	*out = PB_TAG_NONE;
	if (!s)
		return POISE_OK;
	if (scalar && !strcmp(s, YAML_STR_TAG))
		*out = PB_TAG_STR;
	else if (scalar && !strcmp(s, YAML_INT_TAG))
		*out = PB_TAG_INT;
	else if (!strncmp(s, std, sizeof(std) - 1))
		return builder_error(b, &ev->start_mark,
				     "tag '!!%.40s' is not allowed (only !!str and !!int)",
				     s + sizeof(std) - 1);
	else
		return builder_error(b, &ev->start_mark,
				     "tag '%.40s' is not allowed (only !!str and !!int)", s);
	return POISE_OK;
}

static enum poise_status builder_anchor(struct builder *b, const yaml_event_t *ev,
					const yaml_char_t *anchor)
{
	if (!anchor)
		return POISE_OK;
	return builder_error(
		b, &ev->start_mark,
		"anchors are not allowed (found '&%.40s'); write the value out in full",
		(const char *)anchor);
}

static enum poise_status builder_push(struct builder *b, const yaml_event_t *ev,
				      enum pb_node_type type, unsigned char tag, uint32_t *idx)
{
	struct pb_tree *t = b->t;
	struct pb_node *n;

	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct pb_node *nodes;

		if (cap > UINT32_MAX || !(nodes = realloc(t->nodes, cap * sizeof(*nodes))))
			return poise_error_nomem(b->err);
		t->nodes = nodes;
		t->cap = cap;
	}
	*idx = (uint32_t)t->len;
	n = &t->nodes[t->len++];
	memset(n, 0, sizeof(*n));
	n->type = (unsigned char)type;
	n->tag = tag;
	n->line = (int)ev->start_mark.line + 1;
	n->col = (int)ev->start_mark.column + 1;
	n->end = (uint32_t)t->len;
	return POISE_OK;
}

/*
 * Scalars end up on the agent's screen and, as a warning or the manager
 * line, in the call's log: besides the length limit, refuse NUL (it would
 * cut the string short) and every character the store refuses in an
 * event's text (text_cp_unsafe: controls, C1, bidirectional overrides and
 * marks), which double-quoted escapes ("\0", "\e", "\x9b", "\u202e") can
 * still produce after the raw check. Tab and newline pass, as in a note.
 */
static enum poise_status builder_check_value(struct builder *b, const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t i, n, len = ev->data.scalar.length;
	unsigned cp;

	if (len > PB_MAX_SCALAR)
		return builder_error(b, &ev->start_mark, "value is longer than %d bytes (%zu)",
				     PB_MAX_SCALAR, len);
	for (i = 0; i < len; i += n) {
		if (!(n = text_utf8_len(v + i, len - i, &cp)))
			return builder_error(b, &ev->start_mark, "value is not valid UTF-8");
		if (cp == 0)
			return builder_error(b, &ev->start_mark, "value contains a NUL character");
		if (text_cp_unsafe(cp, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB))
			return builder_error(b, &ev->start_mark,
					     "value contains control character U+%04X", cp);
	}
	return POISE_OK;
}

static enum poise_status builder_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct pb_tree *t = b->t;
	size_t len = ev->data.scalar.length;
	enum poise_status st;
	unsigned char tag;
	uint32_t idx;

	if ((st = builder_anchor(b, ev, ev->data.scalar.anchor)) != POISE_OK ||
	    (st = builder_tag(b, ev, ev->data.scalar.tag, 1, &tag)) != POISE_OK ||
	    (st = builder_check_value(b, ev)) != POISE_OK)
		return st;
	if (t->slen + len + 1 > t->scap) {
		size_t cap = t->scap ? t->scap : 4096;
		char *strs;

		while (cap < t->slen + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX || !(strs = realloc(t->strs, cap)))
			return poise_error_nomem(b->err);
		t->strs = strs;
		t->scap = cap;
	}
	if ((st = builder_push(b, ev, PB_SCALAR, tag, &idx)) != POISE_OK)
		return st;
	t->nodes[idx].plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	t->nodes[idx].str = (uint32_t)t->slen;
	t->nodes[idx].len = (uint32_t)len;
	memcpy(t->strs + t->slen, ev->data.scalar.value, len);
	t->strs[t->slen + len] = '\0';
	t->slen += len + 1;
	return POISE_OK;
}

static enum poise_status builder_open(struct builder *b, const yaml_event_t *ev,
				      enum pb_node_type type, const yaml_char_t *anchor,
				      const yaml_char_t *tag)
{
	enum poise_status st;
	unsigned char ntag;
	uint32_t idx;

	if ((st = builder_anchor(b, ev, anchor)) != POISE_OK ||
	    (st = builder_tag(b, ev, tag, 0, &ntag)) != POISE_OK)
		return st;
	if (b->depth == PLAYBOOK_MAX_DEPTH)
		return builder_error(b, &ev->start_mark, "nesting is deeper than %d levels",
				     PLAYBOOK_MAX_DEPTH);
	if ((st = builder_push(b, ev, type, ntag, &idx)) != POISE_OK)
		return st;
	b->open[b->depth++] = idx;
	return POISE_OK;
}

static enum poise_status builder_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->docs++)
			return builder_error(b, &ev->start_mark,
					     "a second YAML document; a playbook file holds one");
		return POISE_OK;
	case YAML_ALIAS_EVENT:
		return builder_error(
			b, &ev->start_mark,
			"aliases are not allowed (found '*%.40s'); write the value out in full",
			(const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return builder_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return builder_open(b, ev, PB_SEQ, ev->data.sequence_start.anchor,
				    ev->data.sequence_start.tag);
	case YAML_MAPPING_START_EVENT:
		return builder_open(b, ev, PB_MAP, ev->data.mapping_start.anchor,
				    ev->data.mapping_start.tag);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		b->t->nodes[b->open[b->depth]].end = (uint32_t)b->t->len;
		return POISE_OK;
	default:
		return POISE_OK;
	}
}

enum poise_status playbook_tree_build(struct pb_tree *t, const char *text, size_t len,
				      const char *name, struct poise_error *err)
{
	struct builder b = {.t = t, .name = name, .err = err};
	enum poise_status st = POISE_OK;
	yaml_parser_t parser;
	yaml_event_t ev;
	int done = 0;

	if (!yaml_parser_initialize(&parser))
		return poise_error_nomem(err);
	/* No set_encoding: libyaml's detection is what skips a leading BOM. */
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			st = syntax_error(&parser, text, len, name, err);
			goto out;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		st = builder_event(&b, &ev);
		yaml_event_delete(&ev);
		if (st != POISE_OK)
			goto out;
	}
out:
	yaml_parser_delete(&parser);
	return st;
}

void playbook_tree_free(struct pb_tree *t)
{
	free(t->nodes);
	free(t->strs);
	memset(t, 0, sizeof(*t));
}
