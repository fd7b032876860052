/*
 * report_lines.c - per playbook line: shown, used, skipped, and the mood after.
 *
 * Every `say` and `ask` line of a playbook that closed calls used is listed,
 * used or not: a line nobody says is what a trainer most needs to see.
 * Lines of other sections appear only when marked said or skipped.
 */
#include "report_int.h"
#include "poise/i18n.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int always_listed(int section)
{
	return section == SECTION_SAY || section == SECTION_ASK;
}

static int pb_cmp(const struct pb_entry *a, const struct pb_entry *b)
{
	int c = strcmp(a->pb->id, b->pb->id);

	if (c == 0)
		c = strcmp(a->pb->version, b->pb->version);
	return c ? c : strcmp(a->hash, b->hash);
}

/* Playbooks in output order: an insertion sort, there are only a few. */
static size_t *pb_order(const struct report *r, size_t *n)
{
	size_t *order = malloc((r->npbs ? r->npbs : 1) * sizeof(*order));

	*n = 0;
	if (!order)
		return NULL;
	for (size_t i = 0; i < r->npbs; i++) {
		size_t j = *n;

		if (!r->pbs[i].pb || r->pbs[i].calls == 0)
			continue;
		while (j > 0 && pb_cmp(&r->pbs[order[j - 1]], &r->pbs[i]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
		(*n)++;
	}
	return order;
}

/* Count the listed lines of playbook e, writing them in order to out (if any). */
static size_t each_line(const struct pb_entry *e, size_t pb, struct line_ref *out)
{
	size_t n = 0;

	for (int s = 0; s < STAGE_COUNT; s++)
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			for (size_t i = 0; i < e->pb->stages[s].section[sec].len; i++) {
				const struct line_acc *a = &e->lines[s][sec][i];

				if (!always_listed(sec) && !a->used && !a->skipped)
					continue;
				if (out)
					out[n] = (struct line_ref){pb, s, sec, i};
				n++;
			}
	return n;
}

/* Whether line (stage, section, index) has a SAID in f; its samples' count and sum. */
static int said_in(const struct call_figs *f, int stage, int section, size_t index, long *samples,
		   long *sum)
{
	int said = 0;

	*samples = *sum = 0;
	for (size_t i = 0; i < f->nlev; i++) {
		const struct line_ev *l = &f->lev[i];

		if (l->skip >= 0 || l->stage != stage || l->section != section ||
		    (size_t)l->index != index)
			continue;
		said = 1;
		*samples += l->sample;
		*sum += l->sample ? l->change : 0;
	}
	return said;
}

/*
 * The part of one closed call in the lines of the stages it visited: a
 * line said with a sample counts the call on its side; a line of a visited
 * stage never said takes the samples of the stage's other lines (all the
 * stage's samples, as it has none) into its baseline.
 */
void report_lines_add_call(struct pb_entry *e, const struct call_figs *f)
{
	for (int s = 0; s < STAGE_COUNT; s++) {
		long n = 0, sum = 0;

		if (!(f->visited & (1u << s)))
			continue;
		for (size_t i = 0; i < f->nlev; i++)
			if (f->lev[i].skip < 0 && f->lev[i].stage == s && f->lev[i].sample) {
				n++;
				sum += f->lev[i].change;
			}
		for (int sec = 0; sec < SECTION_COUNT; sec++)
			for (size_t i = 0; i < e->pb->stages[s].section[sec].len; i++) {
				struct line_acc *a = &e->lines[s][sec][i];
				long own, own_sum;

				if (said_in(f, s, sec, i, &own, &own_sum)) {
					a->said.calls += own > 0;
				} else if (n > 0) {
					a->base.calls++;
					a->base.samples += n;
					a->base.change_sum += sum;
				}
			}
	}
}

enum poise_status report_lines_index(struct report *r)
{
	size_t npb, total = 0, *order = pb_order(r, &npb);

	if (!order)
		return POISE_NOMEM;
	for (size_t k = 0; k < npb; k++)
		total += each_line(&r->pbs[order[k]], order[k], NULL);
	r->lines = malloc((total ? total : 1) * sizeof(*r->lines));
	if (!r->lines) {
		free(order);
		return POISE_NOMEM;
	}
	for (size_t k = 0; k < npb; k++)
		r->nlines += each_line(&r->pbs[order[k]], order[k], r->lines + r->nlines);
	free(order);
	return POISE_OK;
}

size_t report_line_count(const struct report *r)
{
	return r->nlines;
}

void report_line_get(const struct report *r, size_t i, struct report_line *out)
{
	const struct line_ref *ref = &r->lines[i];
	const struct pb_entry *e = &r->pbs[ref->pb];
	const struct line_acc *a = &e->lines[ref->stage][ref->section][ref->index];

	memset(out, 0, sizeof(*out));
	out->playbook_id = e->pb->id;
	out->playbook_version = e->pb->version;
	out->playbook_hash = e->hash;
	out->stage = (enum stage)ref->stage;
	out->section = (enum section)ref->section;
	out->index = ref->index;
	out->text = e->pb->stages[ref->stage].section[ref->section].items[ref->index];
	out->shown = e->stage_shown[ref->stage];
	out->used = a->used;
	out->skipped = a->skipped;
	memcpy(out->skip_reason, a->skip_reason, sizeof(out->skip_reason));
	out->said = a->said;
	out->base = a->base;
	out->few = a->said.calls < REPORT_LINE_FEW || a->base.calls < REPORT_LINE_FEW;
}

/* The average change of m's samples in hundredths, into buf as "-0.50"; "" without samples. */
static const char *avg_change(const struct report_mood_after *m, char *buf, size_t size)
{
	int64_t h;

	if (!m->samples)
		return "";
	h = report_div_round((int64_t)m->change_sum * 100, m->samples);
	snprintf(buf, size, "%s%" PRId64 ".%02" PRId64, h < 0 ? "-" : (h > 0 ? "+" : ""),
		 (h < 0 ? -h : h) / 100, (h < 0 ? -h : h) % 100);
	return buf;
}

/* A number for CSV and JSON: no leading '+'; empty when none. */
static const char *plain(const char *s)
{
	return s + (s[0] == '+');
}

static void table_line(FILE *out, const struct report_line *l)
{
	char pos[32], mood[48], base[48];

	snprintf(pos, sizeof(pos), "%s %zu", section_key(l->section), l->index + 1);
	fprintf(out, "%-9s %-7s %5ld %5ld %5ld %6s %4ld %6s %4ld %c ", stage_key(l->stage), pos,
		l->shown, l->used, l->skipped, avg_change(&l->said, mood, sizeof(mood)), l->said.calls,
		avg_change(&l->base, base, sizeof(base)), l->base.calls, l->few ? '*' : ' ');
	text_fput_cell(out, l->text, 80 - 62, TEXT_ELLIPSIS | TEXT_NO_PAD);
	fputc('\n', out);
	if (!l->skipped)
		return;
	/* Keys, not labels: four reasons must fit on one line of 80. */
	fprintf(out, "  %s", _("skipped:"));
	for (int k = 0, first = 1; k < SKIP_COUNT; k++) {
		if (!l->skip_reason[k])
			continue;
		fprintf(out, "%s %s %ld", first ? "" : ",", skip_reason_key((enum skip_reason)k),
			l->skip_reason[k]);
		first = 0;
	}
	fputc('\n', out);
}

/* The column headings in the reader's language, padded by display width. */
static void table_heading(FILE *out)
{
	const struct {
		const char *label;
		int width, flags;
	} head[] = {
		{_("stage"), 9, 0},	    {C_("report --lines", "line"), 7, 0},
		{_("shown"), 5, TEXT_RIGHT}, {_("used"), 5, TEXT_RIGHT},
		{_("skip"), 5, TEXT_RIGHT},  {_("mood"), 6, TEXT_RIGHT},
		{_("n"), 4, TEXT_RIGHT},     {_("base"), 6, TEXT_RIGHT},
		{_("n"), 4, TEXT_RIGHT},
	};

	for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++) {
		fputs(k ? " " : "", out);
		text_fput_cell(out, head[k].label, head[k].width, head[k].flags);
	}
	fprintf(out, "   %s\n", _("text"));
}

static void write_table(const struct report *r, FILE *out)
{
	const char *hash = NULL;
	struct report_line l;

	if (r->nlines == 0)
		fprintf(out, "%s\n", _("no lines: no closed calls match"));
	for (size_t i = 0; i < r->nlines; i++) {
		report_line_get(r, i, &l);
		if (!hash || strcmp(hash, l.playbook_hash) != 0) {
			hash = l.playbook_hash;
			fputs(i ? "\n" : "", out);
			text_fput(out, l.playbook_id, 0);
			fputc(' ', out);
			text_fput(out, l.playbook_version, 0);
			fputs(" (", out);
			text_fput_cell(out, l.playbook_hash, 8, TEXT_NO_PAD);
			fputs(")\n", out);
			table_heading(out);
		}
		table_line(out, &l);
	}
	if (r->nlines) {
		fputc('\n', out);
		/* TRANSLATORS: the footnote of report --lines; keep it within 80 columns. */
		fprintf(out, _("mood: change after the line; base: after the stage's other lines in\n"
			       "calls that did not say it; n: calls; * fewer than %d calls: too few\n"
			       "to judge. Not cause and effect (docs/metrics.md).\n"),
			REPORT_LINE_FEW);
	}
}

static void write_csv(const struct report *r, FILE *out)
{
	struct report_line l;
	char mood[48], base[48];

	fputs("playbook_id,playbook_version,playbook_hash,stage,section,index,text,shown,used,"
	      "skipped,skipped_didnt_fit,skipped_calmer,skipped_wrong_scenario,skipped_other,"
	      "mood_change_avg,mood_change_samples,baseline_change_avg,baseline_samples,"
	      "calls_said,calls_baseline,few\r\n",
	      out);
	for (size_t i = 0; i < r->nlines; i++) {
		report_line_get(r, i, &l);
		text_csv_cell(out, l.playbook_id, 0, 0);
		text_csv_cell(out, l.playbook_version, 0, 0);
		/* The hash is the database's: a cell like any text, never a formula. */
		text_csv_cell(out, l.playbook_hash, 0, 0);
		fprintf(out, "%s,%s,%zu,", stage_key(l.stage), section_key(l.section), l.index);
		text_csv_cell(out, l.text, 0, 0);
		fprintf(out, "%ld,%ld,%ld", l.shown, l.used, l.skipped);
		for (int k = 0; k < SKIP_COUNT; k++)
			fprintf(out, ",%ld", l.skip_reason[k]);
		/* A plain number, as in JSON: no leading '+'. */
		fprintf(out, ",%s,%ld", plain(avg_change(&l.said, mood, sizeof(mood))), l.said.samples);
		fprintf(out, ",%s,%ld,%ld,%ld,%d\r\n", plain(avg_change(&l.base, base, sizeof(base))),
			l.base.samples, l.said.calls, l.base.calls, l.few);
	}
}

/* One side's JSON members: its average (null without samples) and its samples. */
static void json_side(FILE *out, const char *avg_key, const char *samples_key,
		      const struct report_mood_after *m)
{
	char buf[48];
	const char *avg = avg_change(m, buf, sizeof(buf));

	fprintf(out, ",\"%s\":%s,\"%s\":%ld", avg_key, m->samples ? plain(avg) : "null",
		samples_key, m->samples);
}

static void json_line(FILE *out, const struct report_line *l)
{
	fputs("{\"playbook_id\":", out);
	text_json_str(out, l->playbook_id);
	fputs(",\"playbook_version\":", out);
	text_json_str(out, l->playbook_version);
	fputs(",\"playbook_hash\":", out);
	text_json_str(out, l->playbook_hash);
	fprintf(out, ",\"stage\":\"%s\",\"section\":\"%s\",\"index\":%zu", stage_key(l->stage),
		section_key(l->section), l->index);
	fputs(",\"text\":", out);
	text_json_str(out, l->text);
	fprintf(out, ",\"shown\":%ld,\"used\":%ld,\"skipped\":%ld,\"skip_reasons\":{", l->shown,
		l->used, l->skipped);
	for (int k = 0; k < SKIP_COUNT; k++)
		fprintf(out, "%s\"%s\":%ld", k ? "," : "", skip_reason_key((enum skip_reason)k),
			l->skip_reason[k]);
	fputc('}', out);
	/* JSON numbers take no leading '+'. */
	json_side(out, "mood_change_avg", "mood_change_samples", &l->said);
	json_side(out, "baseline_change_avg", "baseline_samples", &l->base);
	fprintf(out, ",\"calls_said\":%ld,\"calls_baseline\":%ld,\"few\":%s}", l->said.calls,
		l->base.calls, l->few ? "true" : "false");
}

static void write_json(const struct report *r, FILE *out)
{
	struct report_line l;

	fputs("{\"lines\":[", out);
	for (size_t i = 0; i < r->nlines; i++) {
		report_line_get(r, i, &l);
		if (i)
			fputc(',', out);
		fputs("\n", out);
		json_line(out, &l);
	}
	fputs("\n]}\n", out);
}

enum poise_status report_write_lines(const struct report *r, FILE *out, enum report_format fmt,
				     struct poise_error *err)
{
	return REPORT_WRITE_AS(r, out, fmt, write_table, write_csv, write_json, err);
}
