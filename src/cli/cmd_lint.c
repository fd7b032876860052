/*
 * cmd_lint.c - `poise lint PATH...`: check playbooks the way a compiler would.
 * Every error of a file in one run (the loader's, in the order of the file;
 * a YAML syntax error stops that file), then warnings (pbcheck.h: guidance
 * that will not serve a live call). Errors fail the run (status 1); warnings
 * alone do not (status 0). --format json writes the same findings as one
 * JSON document on standard output, for editors and CI.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_team.h"
#include "poise/pbcheck.h"
#include "poise/pbpath.h"
#include "poise/playbook.h"
#include "poise/scenario.h"
#include "poise/scorecard.h"
#include "poise/words.h"
#include "poise/text.h"
#include "poise/i18n.h"

/* A playbook id already seen, to catch two files that claim the same one. */
struct lint_seen {
	char *id;
	char *path;
	int line;
};

const struct cli_opt cmd_lint_opts[] = {
	{"format", "text|json", N_("text (file:line:col: error: ..., the default) or json")},
	{NULL, NULL, NULL},
};

struct lint {
	struct pbpath pp; /* where the parents of extending playbooks are found */
	int json;	  /* findings as JSON on stdout */
	size_t files;
	size_t errors;
	size_t warnings;
	const char *path; /* the file being checked, for warnings */
	struct lint_seen *seen;
	size_t nseen;
	int nomem;
};

/* The line made safe (text.h), tabs kept so the caret lines up. */
static void lint_put_source(FILE *out, char *s)
{
	s[strcspn(s, "\n")] = '\0';
	text_fput(out, s, TEXT_KEEP_TAB);
}

/*
 * The caret line: col counts characters, as libyaml's marks do; the caret
 * goes under the col-th as lint_put_source shows the line (a mark such as
 * <U+200B> takes its room, continuation bytes none), tabs copied.
 */
static void lint_put_caret(FILE *out, const char *s, int col)
{
	size_t end = 0, size = 0;
	char *head, *shown;

	for (int n = 0; s[end] && s[end] != '\n'; end++)
		if (((unsigned char)s[end] & 0xc0) != 0x80 && ++n == col)
			break;
	if ((head = strndup(s, end)) != NULL &&
	    (shown = malloc(size = text_safe(NULL, 0, head, TEXT_KEEP_TAB) + 1)) != NULL) {
		text_safe(shown, size, head, TEXT_KEEP_TAB);
		for (const char *c = shown; *c; c++)
			if (((unsigned char)*c & 0xc0) != 0x80)
				fputc(*c == '\t' ? '\t' : ' ', out);
		free(shown);
	}
	free(head);
	fputs("^\n", out);
}

/* After "file:line:col: error: ...", the line itself and a caret, as gcc does. */
static void lint_show_line(const struct poise_error *err)
{
	char *text = NULL;
	size_t cap = 0;
	FILE *f;
	int n = 0, fd;
	struct stat sb;

	if (!err->file[0] || err->line <= 0)
		return;
	/* Read again now: it may have been swapped for a FIFO since, which must not hang us. */
	fd = open(err->file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !(f = fdopen(fd, "r"))) {
		close(fd);
		return;
	}
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

/* One finding as a JSON object of the "findings" list. */
static void lint_json(struct lint *l, const char *severity, const char *file, int line, int col,
		      const char *msg)
{
	printf("%s\n  {\"file\": ", l->errors + l->warnings > 1 ? "," : "");
	text_json_str(stdout, file);
	printf(", \"line\": %d, \"column\": %d, \"severity\": \"%s\", \"message\": ",
	       line > 0 ? line : 0, col > 0 ? col : 0, severity);
	text_json_str(stdout, msg);
	fputc('}', stdout);
}

static void lint_error(struct lint *l, const struct poise_error *err)
{
	l->errors++;
	if (l->json) {
		lint_json(l, "error", err->file, err->line, err->col,
			  err->msg[0] ? err->msg : poise_status_str(err->status));
		return;
	}
	cli_report(NULL, err);
	lint_show_line(err);
}

/* pbcheck_fn: "file:line:col: warning: message", then the line and a caret. */
static void lint_warning(void *ctx, struct pb_pos at, const char *msg)
{
	struct lint *l = ctx;
	struct poise_error err;

	l->warnings++;
	if (l->json) {
		lint_json(l, "warning", l->path, at.line, at.col, msg);
		return;
	}
	poise_error_put(&err, POISE_PLAYBOOK, l->path, at.line, at.col, msg);
	/* The file's name and what the warning quotes of it are outside text. */
	text_fput(stderr, l->path, 0);
	if (at.line > 0)
		fprintf(stderr, ":%d:%d", at.line, at.col);
	/* TRANSLATORS: after "file:line:col: ", as compilers write it. */
	fprintf(stderr, ": %s", _("warning: "));
	text_fput(stderr, msg, 0);
	fputc('\n', stderr);
	lint_show_line(&err);
}

/* A second file that claims id (written at `at` in path) is an error, whatever else is wrong. */
static void lint_check_duplicate(struct lint *l, const char *path, const char *id, struct pb_pos at)
{
	struct poise_error err;
	struct lint_seen *grown;
	int line = at.line, col = at.col;

	for (size_t i = 0; i < l->nseen; i++) {
		if (strcmp(l->seen[i].id, id) != 0)
			continue;
		poise_error_set(&err, POISE_PLAYBOOK, path, line, col,
				"duplicate playbook id '%s' (first defined at %s:%d)", id,
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
	grown[l->nseen].id = strdup(id);
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
	if (!pb && scenario_is_file(path)) {
		struct scenario *sc = NULL;
		struct poise_error serr;

		if (scenario_load_file(path, &sc, &serr) != POISE_OK)
			lint_error(l, &serr);
		scenario_free(sc);
		return l->nomem;
	}
	if (!pb) {
		struct poise_error *all = NULL;
		struct pb_own_id own;
		size_t n = 0;

		/* The format's mistakes: every one of the file, not just the first. */
		if (pbpath_errors(path, err, &all, &n, &own) == POISE_NOMEM)
			l->nomem = 1;
		for (size_t i = 0; i < n; i++)
			lint_error(l, &all[i]);
		free(all);
		if (!l->nomem && own.id[0])
			lint_check_duplicate(l, path, own.id, own.at);
		return l->nomem;
	}
	/* Stricter than loading: a line that reads badly without a name is an error here. */
	for (size_t i = 0; i < pb->nnotes; i++)
		lint_error(l, &pb->notes[i]);
	lint_check_duplicate(l, path, pb->id, pb->id_at);
	l->path = path;
	pbcheck_run(pb, lint_warning, l);
	return l->nomem;
}

/* A scorecard (scorecard.h): errors only; its file must be named as its id. */
static void lint_scorecard(struct lint *l, const char *path)
{
	struct poise_error err;
	struct scorecard *sc = NULL;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n;

	poise_error_clear(&err);
	l->files++;
	if (scorecard_load_file(path, &sc, &err) != POISE_OK) {
		lint_error(l, &err);
		return;
	}
	n = strlen(sc->id);
	if (strncmp(base, sc->id, n) != 0 || (strcmp(base + n, ".yaml") && strcmp(base + n, ".yml"))) {
		poise_error_set(&err, POISE_PLAYBOOK, path, 0, 0,
				"scorecard '%s' must be in a file named %s.yaml to be found", sc->id,
				sc->id);
		lint_error(l, &err);
	}
	scorecard_free(sc);
}

/* Whether path sits in a folder named scorecards: scorecards live there alone. */
static int in_scorecards(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0, n = strlen(SCORECARD_FOLDER);

	return slash && len >= n && !strncmp(slash - n, SCORECARD_FOLDER, n) &&
	       (len == n || slash[-(long)n - 1] == '/');
}

/* Every scorecard in dir (a scorecards folder); 1 when it had any. */
static int lint_scorecards_in(struct lint *l, const char *dir)
{
	struct poise_error err;
	char **names = NULL, path[4096];
	size_t len = 0;

	poise_error_clear(&err);
	if (pbpath_list_dir(dir, &names, &len, &err) != POISE_OK) {
		lint_error(l, &err);
		return 1;
	}
	for (size_t i = 0; i < len; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		lint_scorecard(l, path);
		free(names[i]);
	}
	free(names);
	return len > 0;
}

static void lint_folder(struct lint *l, const char *dir)
{
	struct poise_error err;
	size_t before = l->files;

	char sub[4096];

	snprintf(sub, sizeof(sub), "%s/x", dir);
	if (in_scorecards(sub)) {
		if (!lint_scorecards_in(l, dir)) {
			poise_error_set(&err, POISE_NOT_FOUND, dir, 0, 0,
					"no scorecard files (*.yaml, *.yml) in this folder");
			lint_error(l, &err);
		}
		return;
	}
	if (pbpath_each_in(&l->pp, dir, lint_visit, l) != POISE_OK) {
		l->nomem = 1;
		return;
	}
	/* The scorecards beside the playbooks are checked with them. */
	snprintf(sub, sizeof(sub), "%s/" SCORECARD_FOLDER, dir);
	lint_scorecards_in(l, sub);
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
	if (in_scorecards(path)) {
		lint_scorecard(l, path);
		return;
	}
	if (pbpath_load_file(&l->pp, path, &pb, &err) != POISE_OK)
		pb = NULL;
	lint_visit(l, path, pb, &err);
	playbook_free(pb);
}

int cli_lint_playbook(const char *path, struct playbook **out)
{
	struct poise_error err;
	struct lint l = {0};
	struct playbook *pb = NULL;

	*out = NULL;
	poise_error_clear(&err);
	if (pbpath_init(&l.pp, cli_getenv, &err) != POISE_OK)
		return cli_report(NULL, &err);
	if (pbpath_load_file(&l.pp, path, &pb, &err) != POISE_OK)
		pb = NULL;
	lint_visit(&l, path, pb, &err);
	for (size_t i = 0; i < l.nseen; i++) {
		free(l.seen[i].id);
		free(l.seen[i].path);
	}
	free(l.seen);
	pbpath_free(&l.pp);
	if (l.errors || l.nomem || !pb) {
		playbook_free(pb);
		return CLI_FAIL;
	}
	*out = pb;
	return CLI_OK;
}

int cmd_lint(const struct cli_args *args)
{
	struct poise_error err;
	struct lint l = {0};
	int code;

	const char *format = cli_value(args, "format");

	if (format && strcmp(format, "text") && strcmp(format, "json")) {
		poise_error_set(&err, POISE_USAGE, NULL, 0, 0,
				_("unknown --format '%.40s' (text or json)"), format);
		return cli_report(args->cmd, &err);
	}
	l.json = format && !strcmp(format, "json");
	if (pbpath_init(&l.pp, cli_getenv, &err) != POISE_OK)
		return cli_report(NULL, &err);
	if (l.json)
		fputs("{\"findings\": [", stdout);
	for (int i = 0; i < args->noperands && !l.nomem; i++)
		lint_path(&l, args->operands[i]);
	if (l.json)
		printf("%s], \"files\": %zu, \"errors\": %zu, \"warnings\": %zu}\n",
		       l.errors + l.warnings ? "\n" : "", l.files, l.errors, l.warnings);
	if (l.nomem) {
		poise_error_set(&err, POISE_NOMEM, NULL, 0, 0, "out of memory while linting");
		code = cli_report(NULL, &err);
	} else {
		char f[64], e[64], w[64];

		fprintf(stderr, "%s, %s", words_count(f, sizeof(f), (long)l.files, "file", "files"),
			words_count(e, sizeof(e), (long)l.errors, "error", "errors"));
		if (l.warnings)
			fprintf(stderr, ", %s",
				words_count(w, sizeof(w), (long)l.warnings, "warning", "warnings"));
		fputc('\n', stderr);
		code = l.errors ? CLI_FAIL : CLI_OK;
	}
	for (size_t i = 0; i < l.nseen; i++) {
		free(l.seen[i].id);
		free(l.seen[i].path);
	}
	free(l.seen);
	pbpath_free(&l.pp);
	return code;
}
