/*
 * report_calib.c - calibration between reviewers: for each call two or more
 * reviewers scored, the spread of their answers per criterion and of their
 * overall scores, and each reviewer's distance from the others' mean
 * (docs/metrics.md, "Calibration"). The answers stream in from the store
 * ordered by call, criterion, reviewer; one group at a time is held.
 */
#include "report_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "poise/store_score.h"
#include "util/grow.h"
#include "poise/i18n.h"

struct member {
	char reviewer[128];
	int points;
};

struct report_calib {
	long calls;
	struct calib_criterion *crit; /* overall ("") first, then by id */
	size_t ncrit, critcap;
	struct calib_reviewer *rev; /* by name */
	size_t nrev, revcap;
	/* The group being read: one call, one criterion. */
	char call[FIELD_CALL_ID_SIZE], group[65];
	int overall;
	struct member *m;
	size_t nm, mcap;
	int oom;
};

static struct calib_criterion *crit_of(struct report_calib *c, const char *id)
{
	return GROW_SORTED(c->crit, c->ncrit, c->critcap, 8, struct calib_criterion, id, id);
}

static struct calib_reviewer *rev_of(struct report_calib *c, const char *name)
{
	return GROW_SORTED(c->rev, c->nrev, c->revcap, 8, struct calib_reviewer, name, name);
}

/* The group read so far, into the sums; 0 when out of memory. */
static int close_group(struct report_calib *c)
{
	struct calib_criterion *k;
	int64_t sum = 0, n = (int64_t)c->nm;
	int lo = SCORE_FULL, hi = 0;

	if (c->nm < 2)
		return 1;
	if (!(k = crit_of(c, c->overall ? "" : c->group)))
		return 0;
	for (size_t i = 0; i < c->nm; i++) {
		sum += c->m[i].points;
		lo = c->m[i].points < lo ? c->m[i].points : lo;
		hi = c->m[i].points > hi ? c->m[i].points : hi;
	}
	k->calls++;
	k->spread_sum += hi - lo;
	k->spread_max = hi - lo > k->spread_max ? hi - lo : k->spread_max;
	if (c->overall)
		return 1; /* deviation is over criteria only */
	for (size_t i = 0; i < c->nm; i++) {
		struct calib_reviewer *r = rev_of(c, c->m[i].reviewer);
		/* points - (sum - points) / (n - 1), as one fraction. */
		int64_t d = report_div_round(n * c->m[i].points - sum, n - 1);

		if (!r)
			return 0;
		r->answers++;
		r->dev_sum += d < 0 ? -d : d;
		r->bias_sum += d;
	}
	return 1;
}

static int calib_row(void *ctx, const char *call_id, const char *criterion, const char *reviewer,
		     int points)
{
	struct report_calib *c = ctx;
	int overall = criterion == NULL;

	if (strcmp(call_id, c->call) || overall != c->overall ||
	    (!overall && strcmp(criterion, c->group))) {
		if (!close_group(c))
			return c->oom = 1;
		if (strcmp(call_id, c->call))
			c->calls++;
		snprintf(c->call, sizeof(c->call), "%s", call_id);
		snprintf(c->group, sizeof(c->group), "%s", overall ? "" : criterion);
		c->overall = overall;
		c->nm = 0;
	}
	if (!GROW(c->m, c->nm, c->mcap, 4))
		return c->oom = 1;
	snprintf(c->m[c->nm].reviewer, sizeof(c->m[0].reviewer), "%s", reviewer);
	c->m[c->nm++].points = points;
	return 0;
}

enum poise_status report_calibration(struct store *st, const struct report_query *q,
				     struct report_calib **out, struct poise_error *err)
{
	struct score_filter f = {q->since, q->until, q->agent, q->playbook, 0};
	struct report_calib *c = calloc(1, sizeof(*c));
	enum poise_status ps;

	*out = NULL;
	if (!c)
		return poise_error_nomem(err);
	ps = store_score_calibration(st, &f, calib_row, c, err);
	if (ps == POISE_OK && (c->oom || !close_group(c)))
		ps = poise_error_nomem(err);
	free(c->m);
	c->m = NULL;
	return POISE_HAND_OUT(ps, c, out, report_calib_free);
}

void report_calib_free(struct report_calib *c)
{
	if (!c)
		return;
	free(c->crit);
	free(c->rev);
	free(c->m);
	free(c);
}

long report_calib_calls(const struct report_calib *c)
{
	return c->calls;
}

size_t report_calib_criteria(const struct report_calib *c, const struct calib_criterion **out)
{
	*out = c->crit;
	return c->ncrit;
}

size_t report_calib_reviewers(const struct report_calib *c, const struct calib_reviewer **out)
{
	*out = c->rev;
	return c->nrev;
}

/* --- writing -------------------------------------------------------------- */

/* Basis points as percentage points with one decimal: sum / n. */
static void points(char *buf, size_t size, int64_t sum, long n)
{
	int64_t v = report_div_round(sum, (int64_t)n * 10);

	snprintf(buf, size, "%s%" PRId64 ".%" PRId64, v < 0 ? "-" : "", (v < 0 ? -v : v) / 10,
		 (v < 0 ? -v : v) % 10);
}

static int deviates(const struct calib_reviewer *r)
{
	return r->answers && r->dev_sum > (int64_t)REPORT_CALIB_DEVIATES * r->answers;
}

static const char *crit_name(const struct calib_criterion *k)
{
	return k->id[0] ? k->id : "(overall)";
}

/* A heading row: 24 columns, then 6, 11 and 11, right-aligned, by display width. */
static void calib_heading(FILE *out, const char *a, const char *b, const char *c, const char *d)
{
	text_fput_cell(out, a, 24, 0);
	fputc(' ', out);
	text_fput_cell(out, b, 6, TEXT_RIGHT);
	fputc(' ', out);
	text_fput_cell(out, c, 11, TEXT_RIGHT);
	fputc(' ', out);
	text_fput_cell(out, d, 11, TEXT_RIGHT);
	fputc('\n', out);
}

static void write_table(const struct report_calib *c, FILE *out)
{
	char a[32], b[32];

	fprintf(out,
		P_("calibration: %ld call scored by two or more reviewers; points out of 100\n\n",
		   "calibration: %ld calls scored by two or more reviewers; points out of 100\n\n",
		   c->calls),
		c->calls);
	calib_heading(out, _("criterion"), _("calls"), _("avg spread"), _("max spread"));
	for (size_t i = 0; i < c->ncrit; i++) {
		points(a, sizeof(a), c->crit[i].spread_sum, c->crit[i].calls);
		points(b, sizeof(b), c->crit[i].spread_max, 1);
		fputs("  ", out);
		text_fput_cell(out, crit_name(&c->crit[i]), 22, 0);
		fprintf(out, " %6ld %11s %11s\n", c->crit[i].calls, a, b);
	}
	fputc('\n', out);
	calib_heading(out, _("reviewer"), _("answers"), _("avg from"), _("bias"));
	for (size_t i = 0; i < c->nrev; i++) {
		const struct calib_reviewer *r = &c->rev[i];

		points(a, sizeof(a), r->dev_sum, r->answers);
		points(b, sizeof(b), r->bias_sum, r->answers);
		fputs("  ", out);
		text_fput_cell(out, r->name, 22, 0);
		fprintf(out, " %6ld %11s %11s%s\n", r->answers, a, b, deviates(r) ? "  *" : "");
	}
	fprintf(out,
		_("\navg from: mean distance from the other reviewers' mean; bias: above (+)\n"
		  "or below (-) it; * more than %d points from them on average\n"),
		REPORT_CALIB_DEVIATES / 100);
}

static void write_csv(const struct report_calib *c, FILE *out)
{
	char a[32], b[32], n[24];

	fputs("kind,name,count,avg_spread,max_spread,avg_deviation,bias,deviates\r\n", out);
	for (size_t i = 0; i < c->ncrit; i++) {
		points(a, sizeof(a), c->crit[i].spread_sum, c->crit[i].calls);
		points(b, sizeof(b), c->crit[i].spread_max, 1);
		snprintf(n, sizeof(n), "%ld", c->crit[i].calls);
		text_csv_cell(out, "criterion", 0, 0);
		text_csv_cell(out, crit_name(&c->crit[i]), 0, 0);
		text_csv_cell(out, n, 1, 0);
		text_csv_cell(out, a, 1, 0);
		text_csv_cell(out, b, 1, 0);
		fputs(",,\r\n", out);
	}
	for (size_t i = 0; i < c->nrev; i++) {
		points(a, sizeof(a), c->rev[i].dev_sum, c->rev[i].answers);
		points(b, sizeof(b), c->rev[i].bias_sum, c->rev[i].answers);
		snprintf(n, sizeof(n), "%ld", c->rev[i].answers);
		text_csv_cell(out, "reviewer", 0, 0);
		text_csv_cell(out, c->rev[i].name, 0, 0);
		text_csv_cell(out, n, 1, 0);
		fputs(",,", out);
		text_csv_cell(out, a, 1, 0);
		text_csv_cell(out, b, 1, 0);
		text_csv_cell(out, deviates(&c->rev[i]) ? "1" : "0", 1, 1);
	}
}

static void write_json(const struct report_calib *c, FILE *out)
{
	char a[32], b[32];

	fprintf(out, "{\"calls\":%ld,\"criteria\":[", c->calls);
	for (size_t i = 0; i < c->ncrit; i++) {
		points(a, sizeof(a), c->crit[i].spread_sum, c->crit[i].calls);
		points(b, sizeof(b), c->crit[i].spread_max, 1);
		fputs(i ? ",\n{\"criterion\":" : "\n{\"criterion\":", out);
		if (c->crit[i].id[0])
			text_json_str(out, c->crit[i].id);
		else
			fputs("null", out);
		fprintf(out, ",\"calls\":%ld,\"avg_spread\":%s,\"max_spread\":%s}",
			c->crit[i].calls, a, b);
	}
	fputs("],\"reviewers\":[", out);
	for (size_t i = 0; i < c->nrev; i++) {
		points(a, sizeof(a), c->rev[i].dev_sum, c->rev[i].answers);
		points(b, sizeof(b), c->rev[i].bias_sum, c->rev[i].answers);
		fputs(i ? ",\n{\"reviewer\":" : "\n{\"reviewer\":", out);
		text_json_str(out, c->rev[i].name);
		fprintf(out, ",\"answers\":%ld,\"avg_deviation\":%s,\"bias\":%s,\"deviates\":%s}",
			c->rev[i].answers, a, b, deviates(&c->rev[i]) ? "true" : "false");
	}
	fputs("]}\n", out);
}

enum poise_status report_write_calibration(const struct report_calib *c, FILE *out,
					   enum report_format fmt, struct poise_error *err)
{
	return REPORT_WRITE_AS(c, out, fmt, write_table, write_csv, write_json, err);
}
