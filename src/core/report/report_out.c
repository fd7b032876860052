/*
 * report_out.c - the per-agent figures as a table, CSV or JSON.
 *
 * One list of fields drives all three formats, so a figure cannot appear in
 * one and be forgotten in another, and its rounding is the same in each.
 * Sums stay exact until the very end: a field is a numerator and a
 * denominator, divided and rounded (half away from zero) only when written.
 */
#include "report_int.h"
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

typedef int64_t (*getter)(const struct report_figures *f);

struct field {
	const char *key;   /* CSV column and JSON member */
	const char *label; /* table row */
	enum fkind kind;
	getter num, den; /* den NULL: not a ratio */
	int group;	 /* a blank line before it in the table */
};

#define GET(name, expr)                                                                            \
	static int64_t get_##name(const struct report_figures *f)                                  \
	{                                                                                          \
		return (int64_t)(expr);                                                            \
	}

GET(calls, f->calls)
GET(done, f->done)
GET(interrupted, f->interrupted)
GET(open, f->open)
GET(closed, f->done + f->interrupted)
GET(handle, f->handle_ms)
GET(hold, f->hold_ms)
GET(holds, f->holds)
GET(longest, f->hold_longest_ms)
GET(wrapup, f->wrapup_ms)
GET(escalated, f->escalated)
GET(transferred, f->transferred)
GET(warnings, f->warnings)
GET(warned, f->warned)
GET(abuse, f->abuse)
GET(mood_calls, f->mood_calls)
GET(mood_start, f->mood_start_sum)
GET(mood_end, f->mood_end_sum)
GET(mood_pairs, f->mood_pairs)
GET(calmer, f->calmer)
GET(empathy_calls, f->empathy_calls)
GET(empathy, f->empathy_ms)
GET(ticked, f->checklist_ticked)
GET(items, f->checklist_items)
GET(repeats, f->repeats)
GET(fu_done, f->fu_done)
GET(fu_due, f->fu_due)
GET(fu_overdue, f->fu_overdue)
GET(fu_later, f->fu_later)
GET(causes, f->causes)
GET(qa_calls, f->qa_calls)
GET(qa_scorings, f->qa_scorings)
GET(qa_sum, f->qa_score_sum)
GET(qa_full, f->qa_scored *SCORE_FULL)
GET(qa_auto_failed, f->qa_auto_failed)
#define GET_STAGE(name, key, title) GET(stage_##name, f->stage_ms[STAGE_##name])
STAGE_LIST(GET_STAGE)
#undef GET_STAGE

#define STAGE_FIELD(name, key, title)                                                              \
	{"stage_" key "_avg_s", "  " key, F_AVG_S, get_stage_##name, get_closed, 0},

static const struct field fields[] = {
	{"calls", "calls", F_COUNT, get_calls, NULL, 0},
	{"done", "  done", F_COUNT, get_done, NULL, 0},
	{"interrupted", "  interrupted", F_COUNT, get_interrupted, NULL, 0},
	{"open", "  still open", F_COUNT, get_open, NULL, 0},
	{"handle_avg_s", "avg handle time", F_AVG_S, get_handle, get_done, 1},
	{"wrapup_avg_s", "avg wrap-up", F_AVG_S, get_wrapup, get_done, 0},
	{"hold_total_s", "hold total", F_SECONDS, get_hold, NULL, 0},
	{"holds", "holds", F_COUNT, get_holds, NULL, 0},
	{"hold_longest_s", "longest hold", F_SECONDS, get_longest, NULL, 0},
	{"escalated", "escalated", F_COUNT, get_escalated, NULL, 1},
	{"escalation_pct", "escalation rate", F_PCT, get_escalated, get_closed, 0},
	{"transferred", "transferred", F_COUNT, get_transferred, NULL, 0},
	{"transfer_pct", "transfer rate", F_PCT, get_transferred, get_closed, 0},
	{"warnings", "boundary warnings", F_COUNT, get_warnings, NULL, 1},
	{"warned_calls", "calls with warnings", F_COUNT, get_warned, NULL, 0},
	{"abuse", "ended for abuse", F_COUNT, get_abuse, NULL, 0},
	{"mood_calls", "calls with mood", F_COUNT, get_mood_calls, NULL, 1},
	{"mood_start_avg", "mood at start", F_MOOD, get_mood_start, get_mood_calls, 0},
	{"mood_end_avg", "mood at end", F_MOOD, get_mood_end, get_mood_calls, 0},
	{"mood_pairs", "calls with 2+ moods", F_COUNT, get_mood_pairs, NULL, 0},
	{"calmer", "ended calmer", F_COUNT, get_calmer, NULL, 0},
	{"calmer_pct", "ended calmer rate", F_PCT, get_calmer, get_mood_pairs, 0},
	{"empathy_calls", "reached empathy", F_COUNT, get_empathy_calls, NULL, 1},
	{"empathy_avg_s", "time to empathy", F_AVG_S, get_empathy, get_empathy_calls, 0},
	{"checklist_ticked", "checklist ticked", F_COUNT, get_ticked, NULL, 1},
	{"checklist_items", "checklist items", F_COUNT, get_items, NULL, 0},
	{"checklist_pct", "checklist adherence", F_PCT, get_ticked, get_items, 0},
	{"repeats", "repeat contacts", F_COUNT, get_repeats, NULL, 1},
	{"repeat_pct", "repeat rate", F_PCT, get_repeats, get_closed, 0},
	{"followups_done", "follow-ups done", F_COUNT, get_fu_done, NULL, 1},
	{"followups_due", "follow-ups due today", F_COUNT, get_fu_due, NULL, 0},
	{"followups_overdue", "follow-ups overdue", F_COUNT, get_fu_overdue, NULL, 0},
	{"followups_later", "follow-ups later", F_COUNT, get_fu_later, NULL, 0},
	{"caused_calls", "calls with a cause", F_COUNT, get_causes, NULL, 1},
	{"qa_calls", "QA calls reviewed", F_COUNT, get_qa_calls, NULL, 1},
	{"qa_scorings", "QA scorings", F_COUNT, get_qa_scorings, NULL, 0},
	{"qa_score_pct", "QA average score", F_PCT, get_qa_sum, get_qa_full, 0},
	{"qa_auto_fails", "QA auto-fails", F_COUNT, get_qa_auto_failed, NULL, 0},
	STAGE_LIST(STAGE_FIELD)};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

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

/* The value of field fd for f as text: plain (CSV, JSON) or for the table. 0: no value. */
static int value(const struct field *fd, const struct report_figures *f, int table, char *buf,
		 size_t size)
{
	int64_t n = fd->num(f), d = fd->den ? fd->den(f) : 1, v;

	if (d == 0)
		return 0;
	switch (fd->kind) {
	case F_COUNT:
		snprintf(buf, size, "%" PRId64, n);
		return 1;
	case F_SECONDS:
	case F_AVG_S:
		v = report_div_round(n, d * 1000);
		if (!table)
			snprintf(buf, size, "%" PRId64, v);
		else
			words_duration(buf, size, v * 1000);
		return 1;
	case F_PCT:
		v = report_div_round(n * 1000, d);
		snprintf(buf, size, "%" PRId64 ".%" PRId64 "%s", v / 10, v % 10, table ? "%" : "");
		return 1;
	case F_MOOD:
		v = report_div_round(n * 100, d);
		snprintf(buf, size, "%" PRId64 ".%02" PRId64, v / 100, v % 100);
		return 1;
	}
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

#define TABLE_LABEL  21
#define TABLE_CELL   11
#define TABLE_AGENTS 4 /* ALL and 4 agents fit in 80 columns */

static void table_criteria(const struct report *r, FILE *out, const size_t *cols, size_t n);

/* One block of the table: ALL, then agents first..first+n-1 (1-based columns). */
static void table_block(const struct report *r, FILE *out, size_t first, size_t n)
{
	size_t cols[TABLE_AGENTS + 1] = {0};
	char buf[64];

	for (size_t c = 0; c < n; c++)
		cols[c + 1] = first + c;
	fprintf(out, "%-*s", TABLE_LABEL, "");
	for (size_t c = 0; c <= n; c++) {
		fputc(' ', out);
		text_fput_cell(out, column_name(r, cols[c]), TABLE_CELL - 1, TEXT_RIGHT);
	}
	fputc('\n', out);
	for (size_t i = 0; i < NFIELDS; i++) {
		if (fields[i].group)
			fputc('\n', out);
		if (strcmp(fields[i].key, "stage_calm_avg_s") == 0)
			fputs("\navg time per stage\n", out);
		fprintf(out, "%-*s", TABLE_LABEL, fields[i].label);
		for (size_t c = 0; c <= n; c++) {
			int ok = value(&fields[i], column(r, cols[c]), 1, buf, sizeof(buf));

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
	fputs("\nQA average per criterion\n", out);
	for (size_t i = 0; i < r->all.ncrit; i++) {
		fputs("  ", out);
		text_fput_cell(out, r->all.crit[i].id, TABLE_LABEL - 2, 0);
		for (size_t c = 0; c <= n; c++) {
			int ok = criterion_pct(column_acc(r, cols[c]), r->all.crit[i].id, buf,
					       sizeof(buf));

			fprintf(out, " %*s", TABLE_CELL - 1, ok ? buf : "-");
		}
		fputc('\n', out);
	}
}

static void table_causes(const struct report *r, FILE *out)
{
	fputs("\ntop causes (calls)\n", out);
	for (size_t c = 0; c <= r->nagents; c++) {
		const struct report_figures *f = column(r, c);

		fputs("  ", out);
		text_fput(out, column_name(r, c), 0);
		fputc(':', out);
		for (size_t k = 0; k < f->ntop; k++) {
			fprintf(out, "%s ", k ? "," : "");
			text_fput(out, f->top[k].id, 0);
			fprintf(out, " %ld", f->top[k].calls);
		}
		fputs(f->ntop ? "\n" : " -\n", out);
	}
}

static void day_of(const struct report *r, int64_t ms, char out[11])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (r->utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void table_heading(const struct report *r, FILE *out)
{
	const char *zone = r->utc ? "UTC days" : "local days";
	char a[11], b[11], n[64];

	if (r->since)
		day_of(r, r->since, a);
	if (r->until)
		day_of(r, r->until - 1, b);
	if (r->since && r->until)
		fprintf(out, "calls started %s .. %s (%s)", a, b, zone);
	else if (r->since)
		fprintf(out, "calls started from %s (%s)", a, zone);
	else if (r->until)
		fprintf(out, "calls started up to %s (%s)", b, zone);
	else
		fputs("all calls", out);
	if (r->agent_filter) {
		fputs(", agent ", out);
		text_fput(out, r->agent_filter, 0);
	}
	if (r->playbook_filter) {
		fputs(", playbook ", out);
		text_fput(out, r->playbook_filter, 0);
	}
	fprintf(out, "\nrepeat contacts within %s; times in mm:ss",
		words_count(n, sizeof(n), r->repeat_days, "day", "days"));
	if (r->damaged)
		fprintf(out, "; %s left out",
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
	char buf[64];

	fputs("agent", out);
	for (size_t i = 0; i < NFIELDS; i++)
		fprintf(out, ",%s", fields[i].key);
	fputs(",top_causes", out);
	csv_criteria(r, NULL, out);
	fputs("\r\n", out);
	for (size_t c = 0; c <= r->nagents; c++) {
		const struct report_figures *f = column(r, c);

		text_csv_cell(out, column_name(r, c), 0, 0);
		for (size_t i = 0; i < NFIELDS; i++)
			text_csv_cell(out, value(&fields[i], f, 0, buf, sizeof(buf)) ? buf : "", 1,
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

static void json_figures(FILE *out, const struct report_figures *f, const struct acc *a)
{
	char buf[64];

	fputc('{', out);
	for (size_t i = 0; i < NFIELDS; i++)
		fprintf(out, "%s\"%s\":%s", i ? "," : "", fields[i].key,
			value(&fields[i], f, 0, buf, sizeof(buf)) ? buf : "null");
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
		day_of(r, r->since, a);
	if (r->until)
		day_of(r, r->until - 1, b);
	fputc('{', out);
	json_opt_str(out, "since", r->since ? a : NULL);
	json_opt_str(out, "until", r->until ? b : NULL);
	json_opt_str(out, "agent", r->agent_filter);
	json_opt_str(out, "playbook", r->playbook_filter);
	fprintf(out, "\"utc\":%s,\"repeat_days\":%d,\"damaged\":%ld,\n\"overall\":",
		r->utc ? "true" : "false", r->repeat_days, r->damaged);
	json_figures(out, &r->all.f, &r->all);
	fputs(",\n\"agents\":[", out);
	for (size_t c = 1; c <= r->nagents; c++) {
		fputs(c > 1 ? ",\n" : "\n", out);
		fputs("{\"agent\":", out);
		text_json_str(out, r->agents[c - 1].f.agent);
		fputs(",\"figures\":", out);
		json_figures(out, &r->agents[c - 1].f, &r->agents[c - 1]);
		fputc('}', out);
	}
	fputs("\n]}\n", out);
}

int report_write_as(const struct report *r, FILE *out, enum report_format fmt,
		    report_writer *table, report_writer *csv, report_writer *json)
{
	if (fmt == REPORT_CSV)
		csv(r, out);
	else if (fmt == REPORT_JSON)
		json(r, out);
	else
		table(r, out);
	return ferror(out);
}

enum poise_status report_write(const struct report *r, FILE *out, enum report_format fmt,
			       struct poise_error *err)
{
	if (report_write_as(r, out, fmt, write_table, write_csv, write_json))
		return poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the report: %s",
				       strerror(errno));
	return POISE_OK;
}

int report_format_from_name(const char *name)
{
	static const char *const names[] = {"table", "csv", "json"};

	for (int i = 0; name && i < 3; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* --- days ---------------------------------------------------------------- */

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int day_start(struct tm *tm, int utc, time_t *t)
{
	tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
	tm->tm_isdst = -1;
	*t = utc ? timegm(tm) : mktime(tm);
	return *t != (time_t)-1;
}

enum poise_status report_parse_day(const char *text, int utc, int next_day, int64_t *ms,
				   struct poise_error *err)
{
	struct tm tm = {0};
	int d;
	time_t t;

	if (!text || strlen(text) != 10 || !digits(text, 4) || text[4] != '-' ||
	    !digits(text + 5, 2) || text[7] != '-' || !digits(text + 8, 2))
		goto bad;
	tm.tm_year = atoi(text) - 1900;
	tm.tm_mon = atoi(text + 5) - 1;
	tm.tm_mday = d = atoi(text + 8);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || d < 1 || !day_start(&tm, utc, &t))
		goto bad;
	/* The conversion normalises 2024-02-30 to March 1: refuse what is not a real day. */
	if (tm.tm_mday != d)
		goto bad;
	/* The next day's midnight, not +24 h: a day with a DST change is 23 or 25 hours. */
	if (next_day) {
		tm.tm_mday++;
		if (!day_start(&tm, utc, &t))
			goto bad;
	}
	*ms = (int64_t)t * 1000;
	return POISE_OK;
bad:
	return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
			       "'%s' is not a date: expected YYYY-MM-DD", text ? text : "");
}
