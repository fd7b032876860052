/* cmd_lint.c - `poise lint PATH...`: check playbooks the way a compiler would. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "cli/cli.h"
#include "poise/pbpath.h"
#include "poise/playbook.h"

/* A playbook id already seen, to catch two files that claim the same one. */
struct lint_seen {
	char *id;
	char *path;
	int line;
};

struct lint {
	size_t files;
	size_t errors;
	struct lint_seen *seen;
	size_t nseen;
	int nomem;
};

/* Bytes that would garble the terminal are shown as '?'; tabs are kept. */
static void lint_put_source(FILE *out, const char *s)
{
	for (; *s && *s != '\n'; s++) {
		unsigned char c = (unsigned char)*s;

		fputc((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c, out);
	}
}

/*
 * The caret line: col counts characters, as libyaml's marks do, so UTF-8
 * continuation bytes take no room; tabs are copied so the caret lines up.
 */
static void lint_put_caret(FILE *out, const char *s, int col)
{
	for (int n = 1; *s && *s != '\n' && n < col; s++) {
		if (((unsigned char)*s & 0xc0) == 0x80)
			continue;
		fputc(*s == '\t' ? '\t' : ' ', out);
		n++;
	}
	fputs("^\n", out);
}

/* After "file:line:col: error: ...", the line itself and a caret, as gcc does. */
static void lint_show_line(const struct poise_error *err)
{
	char *text = NULL;
	size_t cap = 0;
	FILE *f;
	int n = 0;

	if (!err->file[0] || err->line <= 0)
		return;
	f = fopen(err->file, "r");
	if (!f)
		return;
	while (getline(&text, &cap, f) >= 0)
		if (++n == err->line)
			break;
	if (n == err->line && text) {
		fprintf(stderr, "%5d | ", err->line);
		lint_put_source(stderr, text);
		fputc('\n', stderr);
		if (err->col > 0) {
			fputs("      | ", stderr);
			lint_put_caret(stderr, text, err->col);
		}
	}
	free(text);
	fclose(f);
}

static void lint_error(struct lint *l, const struct poise_error *err)
{
	l->errors++;
	cli_report(NULL, err);
	lint_show_line(err);
}

/*
 * Where the top-level `id:` value starts (1-based), for the duplicate-id
 * error: the model keeps no positions, so read the events again.
 */
static void lint_id_mark(const struct playbook *pb, int *line, int *col)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, nodes = 0, is_id = 0, done = 0;

	*line = *col = 0;
	if (!yaml_parser_initialize(&parser))
		return;
	yaml_parser_set_input_string(&parser, (const unsigned char *)pb->text, pb->text_len);
	while (!done && yaml_parser_parse(&parser, &ev)) {
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (depth != 1)
				break;
			/* At the top, nodes alternate key, value, key, value... */
			if (nodes++ % 2 == 0) {
				is_id = strcmp((const char *)ev.data.scalar.value, "id") == 0;
			} else if (is_id) {
				*line = (int)ev.start_mark.line + 1;
				*col = (int)ev.start_mark.column + 1;
				done = 1;
			}
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (--depth == 1)
				nodes++;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
}

static void lint_check_duplicate(struct lint *l, const char *path, const struct playbook *pb)
{
	struct poise_error err;
	struct lint_seen *grown;
	int line, col;

	lint_id_mark(pb, &line, &col);
	for (size_t i = 0; i < l->nseen; i++) {
		if (strcmp(l->seen[i].id, pb->id) != 0)
			continue;
		poise_error_set(&err, POISE_PLAYBOOK, path, line, col,
				"duplicate playbook id '%s' (first defined at %s:%d)", pb->id,
				l->seen[i].path, l->seen[i].line);
		lint_error(l, &err);
		return;
	}
	grown = realloc(l->seen, (l->nseen + 1) * sizeof(*grown));
	if (!grown) {
		l->nomem = 1;
		return;
	}
	l->seen = grown;
	grown[l->nseen].id = strdup(pb->id);
	grown[l->nseen].path = strdup(path);
	grown[l->nseen].line = line;
	if (!grown[l->nseen].id || !grown[l->nseen].path) {
		free(grown[l->nseen].id);
		free(grown[l->nseen].path);
		l->nomem = 1;
		return;
	}
	l->nseen++;
}

/* pbpath_fn: one file of a folder, already loaded. */
static int lint_visit(void *ctx, const char *path, const struct playbook *pb,
		      const struct poise_error *err)
{
	struct lint *l = ctx;

	l->files++;
	if (!pb) {
		lint_error(l, err);
		return l->nomem;
	}
	/* Stricter than loading: a line that reads badly without a name is an error here. */
	for (size_t i = 0; i < pb->nnotes; i++)
		lint_error(l, &pb->notes[i]);
	lint_check_duplicate(l, path, pb);
	return l->nomem;
}

static void lint_folder(struct lint *l, const char *dir)
{
	struct poise_error err;
	size_t before = l->files;

	if (pbpath_each_in(dir, lint_visit, l) != POISE_OK) {
		l->nomem = 1;
		return;
	}
	if (l->files == before) {
		poise_error_set(&err, POISE_NOT_FOUND, dir, 0, 0,
				"no playbook files (*.yaml, *.yml) in this folder");
		lint_error(l, &err);
	}
}

static void lint_path(struct lint *l, const char *path)
{
	struct poise_error err;
	struct playbook *pb = NULL;
	struct stat sb;

	poise_error_clear(&err);
	if (stat(path, &sb) != 0) {
		poise_error_set(&err, POISE_IO, path, 0, 0, "cannot open: %s", strerror(errno));
		lint_error(l, &err);
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		lint_folder(l, path);
		return;
	}
	if (playbook_load_file(path, &pb, &err) != POISE_OK)
		pb = NULL;
	lint_visit(l, path, pb, &err);
	playbook_free(pb);
}

int cmd_lint(const struct cli_args *args)
{
	struct poise_error err;
	struct lint l = {0};
	int code;

	for (int i = 0; i < args->noperands && !l.nomem; i++)
		lint_path(&l, args->operands[i]);
	if (l.nomem) {
		poise_error_set(&err, POISE_NOMEM, NULL, 0, 0, "out of memory while linting");
		code = cli_report(NULL, &err);
	} else {
		fprintf(stderr, "%zu file%s, %zu error%s\n", l.files, l.files == 1 ? "" : "s",
			l.errors, l.errors == 1 ? "" : "s");
		code = l.errors ? CLI_FAIL : CLI_OK;
	}
	for (size_t i = 0; i < l.nseen; i++) {
		free(l.seen[i].id);
		free(l.seen[i].path);
	}
	free(l.seen);
	return code;
}
