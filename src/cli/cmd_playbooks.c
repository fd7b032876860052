/* cmd_playbooks.c - `poise playbooks`: what the search path holds, in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "poise/pbpath.h"
#include "poise/playbook.h"
#include "poise/text.h"
#include "poise/i18n.h"

/* One line of the listing; error is set (and id..version NULL) when the file did not load. */
struct row {
	char *id;
	char *title;
	char *version;
	char *path;
	char *error;
	int shadowed; /* an earlier file has the same id: this one is never used */
};

struct listing {
	struct row *rows;
	size_t len;
	int nomem;
};

static void print_cell(const char *s, int width)
{
	text_fput_cell(stdout, s, width, 0);
	fputs("  ", stdout);
}

static char *error_text(const struct poise_error *err)
{
	char buf[1024];
	const char *msg = err->msg[0] ? err->msg : poise_status_str(err->status);

	if (err->line > 0 && err->col > 0)
		snprintf(buf, sizeof(buf), "%s:%d:%d: %s%s", err->file, err->line, err->col,
			 _("error: "), msg);
	else
		snprintf(buf, sizeof(buf), "%s: %s%s", err->file[0] ? err->file : "?", _("error: "),
			 msg);
	return strdup(buf);
}

static int add_row(void *ctx, const char *path, const struct playbook *pb,
		   const struct poise_error *err)
{
	struct listing *l = ctx;
	struct row *grown = realloc(l->rows, (l->len + 1) * sizeof(*grown));
	struct row *r;

	if (!grown) {
		l->nomem = 1;
		return 1;
	}
	l->rows = grown;
	r = memset(&grown[l->len++], 0, sizeof(*r));
	r->path = strdup(path);
	if (pb) {
		r->id = strdup(pb->id);
		r->title = strdup(pb->title);
		r->version = strdup(pb->version);
		for (size_t i = 0; i + 1 < l->len && r->id; i++)
			if (l->rows[i].id && strcmp(l->rows[i].id, r->id) == 0)
				r->shadowed = 1;
		l->nomem = !r->path || !r->id || !r->title || !r->version;
	} else {
		r->error = error_text(err);
		l->nomem = !r->path || !r->error;
	}
	return l->nomem;
}

static int print_listing(const struct listing *l)
{
	int wid = 2, wtitle = 5, wversion = 7, broken = 0;

	for (size_t i = 0; i < l->len; i++) {
		const struct row *r = &l->rows[i];

		if (r->error)
			continue;
		wid = text_columns(r->id) > wid ? text_columns(r->id) : wid;
		wtitle = text_columns(r->title) > wtitle ? text_columns(r->title) : wtitle;
		wversion = text_columns(r->version) > wversion ? text_columns(r->version) : wversion;
	}
	/* The headings may be wider in another language. */
	wtitle = text_columns(_("TITLE")) > wtitle ? text_columns(_("TITLE")) : wtitle;
	wversion = text_columns(_("VERSION")) > wversion ? text_columns(_("VERSION")) : wversion;
	print_cell(_("ID"), wid);
	print_cell(_("TITLE"), wtitle);
	print_cell(_("VERSION"), wversion);
	puts(_("PATH"));
	for (size_t i = 0; i < l->len; i++) {
		const struct row *r = &l->rows[i];

		if (r->error) {
			/* The compiler-style message names the path; the id is unknown. */
			print_cell("-", wid);
			text_fput(stdout, r->error, 0);
			putchar('\n');
			broken = 1;
			continue;
		}
		print_cell(r->id, wid);
		print_cell(r->title, wtitle);
		print_cell(r->version, wversion);
		text_fput(stdout, r->path, 0);
		puts(r->shadowed ? _(" (shadowed by an earlier one)") : "");
	}
	return broken ? CLI_FAIL : CLI_OK;
}

int cmd_playbooks(const struct cli_args *args)
{
	struct listing l = {NULL, 0, 0};
	struct poise_error err;
	struct pbpath pp;
	int code;

	(void)args;
	poise_error_clear(&err);
	if (pbpath_init(&pp, cli_getenv, &err) != POISE_OK)
		return cli_report(NULL, &err);
	if (pbpath_each(&pp, add_row, &l) != POISE_OK || l.nomem) {
		poise_error_set(&err, POISE_NOMEM, NULL, 0, 0, "out of memory listing playbooks");
		code = cli_report(NULL, &err);
	} else {
		code = print_listing(&l);
	}
	for (size_t i = 0; i < l.len; i++) {
		free(l.rows[i].id);
		free(l.rows[i].title);
		free(l.rows[i].version);
		free(l.rows[i].path);
		free(l.rows[i].error);
	}
	free(l.rows);
	pbpath_free(&pp);
	return code;
}
