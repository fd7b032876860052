/*
 * report_out.c - the per-agent figures as a table, CSV or JSON.
 *
 * One list of fields drives all three formats, so a figure cannot appear in
 * one and be forgotten in another, and its rounding is the same in each.
 * Sums stay exact until the very end: a field is a numerator and a
 * denominator, divided and rounded (half away from zero) only when written.
 */
#include "report_int.h"
#include "poise/day.h"
#include "poise/i18n.h"
#include "poise/scorecard.h"
#include "poise/words.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum fkind {
	F_COUNT,   /* an integer */
	F_SECONDS, /* num ms as whole seconds */
	F_AVG_S,   /* num ms / den, whole seconds */
	F_PCT,	   /* num / den as a percentage, one decimal */
	F_MOOD,	   /* num / den, two decimals */
};

#define NO_FIGURE SIZE_MAX
#define FIGURE(name) offsetof(struct report_figures, name)

struct field {
	const char *key;   /* CSV column and JSON member */
	const char *label; /* table row */
	enum fkind kind;
	size_t num, den; /* offsets of int64_t figures; den NO_FIGURE: not a ratio */
	int group;	 /* a blank line before it in the table */
	int out;	 /* its place among the list's fields (report.h); 0: not written */
};

/* Each figure's offset by name, FIGURE_name; FIGURE_NONE for no denominator. */
#define FIGURE_OFFSET(name, sum, pack, out, kind, den, group, key, label, sql) FIGURE_##name = FIGURE(name),
#define FIGURE_NO_RATE(out, key, label, num, den, group)
enum { REPORT_FIGURE_LIST(FIGURE_OFFSET, FIGURE_NO_RATE) };
#define FIGURE_NONE NO_FIGURE

/* The list's fields, in list order (out says where each is written), then the stages'. */
#define FIELD_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql)                          \
	{key, label, F_##kind, FIGURE_##name, FIGURE_##den, group, out},
#define FIELD_RATE(out, key, label, num, den, group)                                               \
	{key, label, F_PCT, FIGURE_##num, FIGURE_##den, group, out},
#define FIELD_STAGE(name, key, title)                                                              \
	{"stage_" key "_avg_s", "  " title, F_AVG_S, FIGURE(stage_ms[STAGE_##name]), FIGURE(closed), \
	 0, 0},

#define FIELD_OUTCOME(name, key, ch, label)                                                        \
	{"outcome_" key, "  " label, F_COUNT, FIGURE(outcomes[OUTCOME_##name]), NO_FIGURE, 0, 0},

static const struct field listed[] = {REPORT_FIGURE_LIST(FIELD_FIGURE, FIELD_RATE)};

/* Each place 1..REPORT_FIGURE_FIELDS taken once (a count and a sum of the places written). */
#define OUT_COUNT_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql) +((out) > 0)
#define OUT_COUNT_RATE(out, key, label, num, den, group)		      +1
#define OUT_SUM_FIGURE(name, sum, pack, out, kind, den, group, key, label, sql)   +(out)
#define OUT_SUM_RATE(out, key, label, num, den, group)			      +(out)
_Static_assert(0 REPORT_FIGURE_LIST(OUT_COUNT_FIGURE, OUT_COUNT_RATE) == REPORT_FIGURE_FIELDS &&
		       0 REPORT_FIGURE_LIST(OUT_SUM_FIGURE, OUT_SUM_RATE) ==
			       REPORT_FIGURE_FIELDS * (REPORT_FIGURE_FIELDS + 1) / 2,
	       "report.h: the figure list's out places must be 1..REPORT_FIGURE_FIELDS, once each");
/* QA: not in the list (not a call's kept figure), written after it, before the stages. */
static const struct field qa[] = {
	{"qa_calls", N_("QA calls reviewed"), F_COUNT, FIGURE(qa_calls), NO_FIGURE, 1, 0},
	{"qa_scorings", N_("QA scorings"), F_COUNT, FIGURE(qa_scorings), NO_FIGURE, 0, 0},
	{"qa_score_pct", N_("QA average score"), F_PCT, FIGURE(qa_score_sum), FIGURE(qa_score_full), 0,
	 0},
	{"qa_auto_fails", N_("QA auto-fails"), F_COUNT, FIGURE(qa_auto_failed), NO_FIGURE, 0, 0},
};
#define NQA (sizeof(qa) / sizeof(qa[0]))
/* report --practice: written first, before the list's. */
static const struct field practice[] = {
	{"rehearsals", "rehearsals", F_COUNT, FIGURE(calls), NO_FIGURE, 0, 0},
	{"scenarios", "scenarios", F_COUNT, FIGURE(scenarios), NO_FIGURE, 0, 0},
};
#define NPRACTICE (sizeof(practice) / sizeof(practice[0]))
static const struct field stages[] = {STAGE_LIST(FIELD_STAGE)};
/* Closed calls by wrap-up outcome: written last. */
static const struct field outcomes[] = {OUTCOME_LIST(FIELD_OUTCOME)};
#define NLISTED (sizeof(listed) / sizeof(listed[0]))
#define NFIELDS (REPORT_FIGURE_FIELDS + NQA + STAGE_COUNT + OUTCOME_COUNT)

/* The fields as they are written: the list's by their out, QA's, each stage's, each outcome's. */
struct fields {
	const struct field *f[NFIELDS];
};

static void fields_in_order(struct fields *fs)
{
	memset(fs, 0, sizeof(*fs));
	for (size_t i = 0; i < NLISTED; i++)
		if (listed[i].out > 0 && listed[i].out <= REPORT_FIGURE_FIELDS)
			fs->f[listed[i].out - 1] = &listed[i];
	for (size_t q = 0; q < NQA; q++)
		fs->f[REPORT_FIGURE_FIELDS + q] = &qa[q];
	for (size_t s = 0; s < STAGE_COUNT; s++)
		fs->f[REPORT_FIGURE_FIELDS + NQA + s] = &stages[s];
	for (size_t o = 0; o < OUTCOME_COUNT; o++)
		fs->f[REPORT_FIGURE_FIELDS + NQA + STAGE_COUNT + o] = &outcomes[o];
}

static int64_t figure(const struct report_figures *f, size_t off)
{
	int64_t v;

	memcpy(&v, (const char *)f + off, sizeof(v));
	return v;
}

int64_t report_div_round(int64_t num, int64_t den)
{
	int64_t q, r;

	if (den < 0)
		num = -num, den = -den;
	q = num / den;
	r = num % den;
	if (2 * (r < 0 ? -r : r) >= den)
		q += num < 0 ? -1 : 1;
	return q;
}

/* Each kind's written value is a whole number of this many parts of its unit. */
static const int64_t parts[] = {[F_COUNT] = 1, [F_SECONDS] = 1, [F_AVG_S] = 1, [F_PCT] = 10,
				[F_MOOD] = 100};

/*
 * The value of field fd for f as written, rounded (half away from zero) to
 * a whole number of parts[fd->kind]: a count, whole seconds, tenths of a
 * per cent, hundredths of a mood point. 0: no value (nothing to divide by).
 */
static int rounded(const struct field *fd, const struct report_figures *f, int64_t *v)
{
	int64_t n = figure(f, fd->num), d = fd->den != NO_FIGURE ? figure(f, fd->den) : 1;

	if (d == 0)
		return 0;
	if (fd->kind == F_SECONDS || fd->kind == F_AVG_S)
		d *= 1000;
	if (fd->kind == F_PCT)
		n *= 100; /* a per cent */
	*v = fd->kind == F_COUNT ? n : report_div_round(n * parts[fd->kind], d);
	return 1;
}

/* The value of field fd for f as text: plain (CSV, JSON) or for the table. 0: no value. */
static int value(const struct field *fd, const struct report_figures *f, int table, char *buf,
		 size_t size)
{
	int64_t v;

	if (!rounded(fd, f, &v))
		return 0;
	switch (fd->kind) {
	case F_COUNT:
		snprintf(buf, size, "%" PRId64, v);
		return 1;
	case F_SECONDS:
	case F_AVG_S:
		if (!table)
			snprintf(buf, size, "%" PRId64, v);
		else
			words_duration(buf, size, v * 1000);
		return 1;
	case F_PCT:
		snprintf(buf, size, "%" PRId64 ".%" PRId64 "%s", v / 10, v % 10, table ? "%" : "");
		if (table) /* for people: their decimal point; CSV and JSON keep '.' */
			words_localize_decimal(buf, size);
		return 1;
	case F_MOOD:
		snprintf(buf, size, "%" PRId64 ".%02" PRId64, v / 100, v % 100);
		if (table)
			words_localize_decimal(buf, size);
		return 1;
	}
	return 0;
}

int report_field(const struct report_figures *f, const char *key, double *v)
{
	struct fields fs;
	int64_t n;

	fields_in_order(&fs);
	for (size_t i = 0; i < NFIELDS; i++)
		if (!strcmp(fs.f[i]->key, key)) {
			if (!rounded(fs.f[i], f, &n))
				return 0;
			*v = (double)n / (double)parts[fs.f[i]->kind];
			return 1;
		}
	return 0;
}

int report_field_text(const struct report_figures *f, const char *key, char *buf, size_t size)
{
	struct fields fs;

	fields_in_order(&fs);
	for (size_t i = 0; i < NFIELDS; i++)
		if (!strcmp(fs.f[i]->key, key)) {
			if (!value(fs.f[i], f, 1, buf, size))
				snprintf(buf, size, "-");
			return 1;
		}
	snprintf(buf, size, "-");
	return 0;
}

/* --- escaping ------------------------------------------------------------ */

/* --- formats ------------------------------------------------------------- */

/* Column 0 is everyone, then the agents by name. */
static const struct report_figures *column(const struct report *r, size_t c)
{
	return c == 0 ? &r->all.f : &r->agents[c - 1].f;
}

static const char *column_name(const struct report *r, size_t c)
{
	return c == 0 ? "ALL" : r->agents[c - 1].f.agent;
}

/* The same for the table, which people read: ALL in their language. */
static const char *table_column(const struct report *r, size_t c)
{
	/* TRANSLATORS: the report table's column of every agent together. */
	return c == 0 ? _("ALL") : column_name(r, c);
}

#define TABLE_LABEL  21
#define TABLE_CELL   11
#define TABLE_AGENTS 4 /* ALL and 4 agents fit in 80 columns */

static void table_criteria(const struct report *r, FILE *out, const size_t *cols, size_t n);

/* A row's label in its language, its indent kept, padded to TABLE_LABEL columns. */
static void table_label(FILE *out, const char *label)
{
	size_t indent = strspn(label, " ");

	fprintf(out, "%*s", (int)indent, "");
	text_fput_cell(out, label[indent] ? _(label + indent) : "", TABLE_LABEL - (int)indent, 0);
}

/* One block of the table: ALL, then agents first..first+n-1 (1-based columns). */
static void table_block(const struct report *r, FILE *out, size_t first, size_t n)
{
	struct fields fs;
	size_t cols[TABLE_AGENTS + 1] = {0};
	char buf[64];

	fields_in_order(&fs);
	for (size_t c = 0; c < n; c++)
		cols[c + 1] = first + c;
	fprintf(out, "%-*s", TABLE_LABEL, "");
	for (size_t c = 0; c <= n; c++) {
		fputc(' ', out);
		text_fput_cell(out, table_column(r, cols[c]), TABLE_CELL - 1, TEXT_RIGHT);
	}
	fputc('\n', out);
	for (size_t i = 0; r->practice && i < NPRACTICE; i++) {
		fprintf(out, "%-*s", TABLE_LABEL, practice[i].label);
		for (size_t c = 0; c <= n; c++) {
			int ok = value(&practice[i], column(r, cols[c]), 1, buf, sizeof(buf));

			fprintf(out, " %*s", TABLE_CELL - 1, ok ? buf : "-");
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < NFIELDS; i++) {
		if (fs.f[i]->group)
			fputc('\n', out);
		if (fs.f[i] == &stages[0])
			fprintf(out, "\n%s\n", _("avg time per stage"));
		if (fs.f[i] == &outcomes[0])
			fprintf(out, "\n%s\n", _("closed calls by outcome"));
		table_label(out, fs.f[i]->label);
		for (size_t c = 0; c <= n; c++) {
			int ok = value(fs.f[i], column(r, cols[c]), 1, buf, sizeof(buf));

			fprintf(out, " %*s", TABLE_CELL - 1, ok ? buf : "-");
		}
		fputc('\n', out);
	}
	table_criteria(r, out, cols, n);
}

/* A column's criterion id: its average as a percentage into buf; 0 when it has none. */
static int criterion_pct(const struct acc *a, const char *id, char *buf, size_t size)
{
	for (size_t i = 0; i < a->ncrit; i++)
		if (!strcmp(a->crit[i].id, id) && a->crit[i].answers) {
			int64_t v = report_div_round(a->crit[i].sum_bp * 10,
						     a->crit[i].answers * SCORE_FULL / 100);

			snprintf(buf, size, "%" PRId64 ".%" PRId64 "%%", v / 10, v % 10);
			return 1;
		}
	return 0;
}

static const struct acc *column_acc(const struct report *r, size_t c)
{
	return c == 0 ? &r->all : &r->agents[c - 1];
}

/* QA per criterion: the average of each criterion in every column of a block. */
static void table_criteria(const struct report *r, FILE *out, const size_t *cols, size_t n)
{
	char buf[64];

	if (!r->all.ncrit)
		return;
	fprintf(out, "\n%s\n", _("QA average per criterion"));
	for (size_t i = 0; i < r->all.ncrit; i++) {
		fputs("  ", out);
		text_fput_cell(out, r->all.crit[i].id, TABLE_LABEL - 2, 0);
		for (size_t c = 0; c <= n; c++) {
			int ok = criterion_pct(column_acc(r, cols[c]), r->all.crit[i].id, buf,
					       sizeof(buf));

			if (ok)
				words_localize_decimal(buf, sizeof(buf));
			fprintf(out, " %*s", TABLE_CELL - 1, ok ? buf : "-");
		}
		fputc('\n', out);
	}
}

static void table_causes(const struct report *r, FILE *out)
{
	fprintf(out, "\n%s\n", _("top causes (calls)"));
	for (size_t c = 0; c <= r->nagents; c++) {
		const struct report_figures *f = column(r, c);

		fputs("  ", out);
		text_fput(out, table_column(r, c), 0);
		fputc(':', out);
		for (size_t k = 0; k < f->ntop; k++) {
			fprintf(out, "%s ", k ? "," : "");
			text_fput(out, f->top[k].id, 0);
			fprintf(out, " %ld", f->top[k].calls);
		}
		fputs(f->ntop ? "\n" : " -\n", out);
	}
}

static void table_heading(const struct report *r, FILE *out)
{
	const char *zone = r->utc ? _("UTC days") : _("local days");
	char a[11], b[11], n[64];

	if (r->since)
		day_format(r->utc, r->since, a);
	if (r->until)
		day_format(r->utc, r->until - 1, b);
	if (r->since && r->until)
		fprintf(out, _("calls started %s .. %s (%s)"), a, b, zone);
	else if (r->since)
		fprintf(out, _("calls started from %s (%s)"), a, zone);
	else if (r->until)
		fprintf(out, _("calls started up to %s (%s)"), b, zone);
	else
		fputs(_("all calls"), out);
	if (r->practice)
		fputs(_(", rehearsals only (practice)"), out);
	if (r->agent_filter) {
		fputs(_(", agent "), out);
		text_fput(out, r->agent_filter, 0);
	}
	if (r->playbook_filter) {
		fputs(_(", playbook "), out);
		text_fput(out, r->playbook_filter, 0);
	}
	fputc('\n', out);
	fprintf(out, _("repeat contacts within %s; times in mm:ss"),
		words_count(n, sizeof(n), r->repeat_days, "day", "days"));
	if (r->damaged)
		fprintf(out, _("; %s left out"),
			words_count(n, sizeof(n), r->damaged, "damaged call", "damaged calls"));
	fputc('\n', out);
}

static void write_table(const struct report *r, FILE *out)
{
	size_t first = 1;

	table_heading(r, out);
	/* ALL heads every block, so each agent reads against everyone. */
	do {
		size_t n = r->nagents + 1 - first;

		fputc('\n', out);
		table_block(r, out, first, n < TABLE_AGENTS ? n : TABLE_AGENTS);
		first += TABLE_AGENTS;
	} while (first <= r->nagents);
	table_causes(r, out);
}

static void csv_causes(FILE *out, const struct report_figures *f, int last)
{
	char buf[REPORT_TOP_CAUSES * 90] = "";
	size_t used = 0;

	for (size_t k = 0; k < f->ntop; k++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s:%ld", k ? ";" : "",
					 f->top[k].id, f->top[k].calls);
	text_csv_cell(out, buf, 0, last);
}

/* Everyone's QA criteria as columns qa_ID_pct, qa_ID_answers: a's cells, or the header. */
static void csv_criteria(const struct report *r, const struct acc *a, FILE *out)
{
	char buf[64], n[24];

	for (size_t i = 0; i < r->all.ncrit; i++) {
		const char *id = r->all.crit[i].id;
		int last = i + 1 == r->all.ncrit;

		if (!a) {
			fprintf(out, ",qa_%s_pct,qa_%s_answers", id, id);
			continue;
		}
		snprintf(n, sizeof(n), "0");
		for (size_t k = 0; k < a->ncrit; k++)
			if (!strcmp(a->crit[k].id, id))
				snprintf(n, sizeof(n), "%ld", a->crit[k].answers);
		if (criterion_pct(a, id, buf, sizeof(buf)))
			buf[strlen(buf) - 1] = '\0'; /* the % sign is the table's */
		else
			buf[0] = '\0';
		text_csv_cell(out, buf, 1, 0);
		text_csv_cell(out, n, 1, last);
	}
}

static void write_csv(const struct report *r, FILE *out)
{
	struct fields fs;
	char buf[64];

	fields_in_order(&fs);
	fputs("agent", out);
	for (size_t i = 0; r->practice && i < NPRACTICE; i++)
		fprintf(out, ",%s", practice[i].key);
	for (size_t i = 0; i < NFIELDS; i++)
		fprintf(out, ",%s", fs.f[i]->key);
	fputs(",top_causes", out);
	csv_criteria(r, NULL, out);
	fputs("\r\n", out);
	for (size_t c = 0; c <= r->nagents; c++) {
		const struct report_figures *f = column(r, c);

		text_csv_cell(out, column_name(r, c), 0, 0);
		for (size_t i = 0; r->practice && i < NPRACTICE; i++)
			text_csv_cell(out, value(&practice[i], f, 0, buf, sizeof(buf)) ? buf : "",
				      1, 0);
		for (size_t i = 0; i < NFIELDS; i++)
			text_csv_cell(out, value(fs.f[i], f, 0, buf, sizeof(buf)) ? buf : "", 1,
				      0);
		csv_causes(out, f, r->all.ncrit == 0);
		csv_criteria(r, column_acc(r, c), out);
	}
}

static void json_criteria(FILE *out, const struct acc *a)
{
	char buf[64];

	fputs(",\"qa_criteria\":[", out);
	for (size_t k = 0; k < a->ncrit; k++) {
		fputs(k ? ",{\"criterion\":" : "{\"criterion\":", out);
		text_json_str(out, a->crit[k].id);
		if (criterion_pct(a, a->crit[k].id, buf, sizeof(buf)))
			buf[strlen(buf) - 1] = '\0';
		else
			snprintf(buf, sizeof(buf), "null");
		fprintf(out, ",\"answers\":%ld,\"avg_pct\":%s}", a->crit[k].answers, buf);
	}
	fputc(']', out);
}

static void json_figures(FILE *out, const struct report *r, const struct report_figures *f,
			 const struct acc *a)
{
	struct fields fs;
	char buf[64];

	fields_in_order(&fs);
	fputc('{', out);
	for (size_t i = 0; r->practice && i < NPRACTICE; i++)
		fprintf(out, "\"%s\":%s,", practice[i].key,
			value(&practice[i], f, 0, buf, sizeof(buf)) ? buf : "null");
	for (size_t i = 0; i < NFIELDS; i++)
		fprintf(out, "%s\"%s\":%s", i ? "," : "", fs.f[i]->key,
			value(fs.f[i], f, 0, buf, sizeof(buf)) ? buf : "null");
	fputs(",\"top_causes\":[", out);
	for (size_t k = 0; k < f->ntop; k++) {
		fputs(k ? ",{\"cause\":" : "{\"cause\":", out);
		text_json_str(out, f->top[k].id);
		fprintf(out, ",\"calls\":%ld}", f->top[k].calls);
	}
	fputc(']', out);
	json_criteria(out, a);
	fputc('}', out);
}

static void json_opt_str(FILE *out, const char *key, const char *v)
{
	fprintf(out, "\"%s\":", key);
	if (v)
		text_json_str(out, v);
	else
		fputs("null", out);
	fputc(',', out);
}

static void write_json(const struct report *r, FILE *out)
{
	char a[11], b[11];

	if (r->since)
		day_format(r->utc, r->since, a);
	if (r->until)
		day_format(r->utc, r->until - 1, b);
	fputc('{', out);
	json_opt_str(out, "since", r->since ? a : NULL);
	json_opt_str(out, "until", r->until ? b : NULL);
	json_opt_str(out, "agent", r->agent_filter);
	json_opt_str(out, "playbook", r->playbook_filter);
	fprintf(out, "\"utc\":%s,\"repeat_days\":%d,\"damaged\":%ld,%s\n\"overall\":",
		r->utc ? "true" : "false", r->repeat_days, r->damaged,
		r->practice ? "\"practice\":true," : "");
	json_figures(out, r, &r->all.f, &r->all);
	fputs(",\n\"agents\":[", out);
	for (size_t c = 1; c <= r->nagents; c++) {
		fputs(c > 1 ? ",\n" : "\n", out);
		fputs("{\"agent\":", out);
		text_json_str(out, r->agents[c - 1].f.agent);
		fputs(",\"figures\":", out);
		json_figures(out, r, &r->agents[c - 1].f, &r->agents[c - 1]);
		fputc('}', out);
	}
	fputs("\n]}\n", out);
}

enum poise_status report_written(FILE *out, struct poise_error *err)
{
	if (ferror(out))
		return poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the report: %s",
				       strerror(errno));
	return POISE_OK;
}

enum poise_status report_write(const struct report *r, FILE *out, enum report_format fmt,
			       struct poise_error *err)
{
	return REPORT_WRITE_AS(r, out, fmt, write_table, write_csv, write_json, err);
}

int report_format_from_name(const char *name)
{
	static const char *const names[] = {"table", "csv", "json"};

	for (int i = 0; name && i < 3; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

