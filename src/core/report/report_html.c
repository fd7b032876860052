/*
 * report_html.c - `poise report --format html`: one self-contained page
 * (inline CSS and SVG, no script, nothing fetched) with the team's trends by
 * week and the same trends for each agent as small multiples. Each week is
 * an ordinary report_run over that week's calls, so every point is the
 * figure `poise report --since MON --until SUN` gives (docs/metrics.md).
 */
#include "report_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/scorecard.h"

#define HTML_WEEKS_DEFAULT 12
#define HTML_WEEKS_MAX	   104
#define HTML_AGENTS_MAX	   64

/* The four trends: X(key, title, unit). */
#define TREND_LIST(X)                                                                              \
	X(HANDLE, "Average handle time", "s")                                                      \
	X(CALMER, "Calls that ended calmer", "%")                                                  \
	X(ESCALATED, "Escalations", "calls")                                                       \
	X(QA, "QA average score", "%")
#define TREND_ENUM(name, title, unit) T_##name,
enum trend { TREND_LIST(TREND_ENUM) T_COUNT };
#undef TREND_ENUM

static const char *const trend_title[] = {
#define T(name, title, unit) title,
	TREND_LIST(T)
#undef T
};
static const char *const trend_unit[] = {
#define T(name, title, unit) unit,
	TREND_LIST(T)
#undef T
};

/* One series: a value per week, or none (NAN would need math.h: a flag). */
struct series {
	double v[HTML_WEEKS_MAX];
	unsigned char has[HTML_WEEKS_MAX];
};

struct html {
	int64_t week[HTML_WEEKS_MAX + 1]; /* starts, and the end of the last */
	int nweeks;
	char agents[HTML_AGENTS_MAX][128];
	int nagents;
	struct series all[T_COUNT];
	struct series agent[HTML_AGENTS_MAX][T_COUNT];
};

static void html_text(FILE *out, const char *s)
{
	char safe[512];

	text_safe(safe, sizeof(safe), s, 0);
	for (const char *p = safe; *p; p++) {
		if (*p == '&')
			fputs("&amp;", out);
		else if (*p == '<')
			fputs("&lt;", out);
		else if (*p == '>')
			fputs("&gt;", out);
		else if (*p == '"')
			fputs("&quot;", out);
		else
			fputc(*p, out);
	}
}

/* The start of the local (or UTC) day of t, moved by days; -1 when it cannot be. */
static int64_t day_move(int64_t t, int days, int utc, int monday)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;

	if (utc)
		gmtime_r(&s, &tm);
	else
		localtime_r(&s, &tm);
	if (monday)
		days -= (tm.tm_wday + 6) % 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	s = utc ? timegm(&tm) : mktime(&tm);
	return s == (time_t)-1 ? -1 : (int64_t)s * 1000;
}

/* Weeks from the Monday of since (else HTML_WEEKS_DEFAULT before now) up to until. */
static int plan_weeks(struct html *h, const struct report_query *q)
{
	int64_t end = q->until ? q->until : day_move(q->now, 1, q->utc, 0);
	int64_t start = q->since ? day_move(q->since, 0, q->utc, 1)
				 : day_move(end - 1, -7 * (HTML_WEEKS_DEFAULT - 1), q->utc, 1);

	h->nweeks = 0;
	h->week[0] = start;
	while (h->week[h->nweeks] >= 0 && h->week[h->nweeks] < end && h->nweeks < HTML_WEEKS_MAX) {
		h->week[h->nweeks + 1] = day_move(h->week[h->nweeks], 7, q->utc, 0);
		h->nweeks++;
	}
	return h->nweeks > 0 && h->week[h->nweeks] >= 0;
}

static void put_point(struct series *s, int w, int64_t num, int64_t den, int64_t scale)
{
	if (!den)
		return;
	s->v[w] = (double)num * (double)scale / (double)den;
	s->has[w] = 1;
}

static void fill(struct series *s, int w, const struct report_figures *f)
{
	put_point(&s[T_HANDLE], w, f->handle_ms, f->done, 1);
	s[T_HANDLE].v[w] /= 1000.0;
	put_point(&s[T_CALMER], w, f->calmer, f->mood_pairs, 100);
	put_point(&s[T_ESCALATED], w, f->escalated, f->done + f->interrupted ? 1 : 0, 1);
	put_point(&s[T_QA], w, f->qa_score_sum, f->qa_scored * (int64_t)SCORE_FULL, 100);
}

static int agent_index(struct html *h, const char *name)
{
	for (int i = 0; i < h->nagents; i++)
		if (!strcmp(h->agents[i], name))
			return i;
	if (h->nagents == HTML_AGENTS_MAX)
		return -1;
	snprintf(h->agents[h->nagents], sizeof(h->agents[0]), "%s", name);
	return h->nagents++;
}

static enum poise_status collect(struct html *h, struct store *st, const struct report_query *q,
				 struct poise_error *err)
{
	for (int w = 0; w < h->nweeks; w++) {
		struct report_query wq = *q;
		struct report *r = NULL;
		enum poise_status ps;

		wq.since = h->week[w];
		wq.until = h->week[w + 1];
		if ((ps = report_run(st, &wq, &r, err)) != POISE_OK)
			return ps;
		fill(h->all, w, report_overall(r));
		for (size_t i = 0; i < report_agent_count(r); i++) {
			const struct report_figures *f = report_agent(r, i);
			int a = agent_index(h, f->agent);

			if (a >= 0)
				fill(h->agent[a], w, f);
		}
		report_free(r);
	}
	return POISE_OK;
}

/* --- drawing ------------------------------------------------------------- */

static void week_label(const struct html *h, int w, int utc, char out[11])
{
	time_t s = (time_t)(h->week[w] / 1000);
	struct tm tm;

	if (utc)
		gmtime_r(&s, &tm);
	else
		localtime_r(&s, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A line chart of s, width x height, its own scale from 0 to the largest value. */
static void chart(FILE *out, const struct html *h, const struct series *s, int width, int height,
		  int labels, int utc)
{
	double max = 0;
	int left = labels ? 48 : 4, bottom = labels ? 20 : 4, n = 0;
	double xstep = h->nweeks > 1 ? (double)(width - left - 8) / (h->nweeks - 1) : 0;
	char d[11];

	for (int w = 0; w < h->nweeks; w++)
		if (s->has[w] && s->v[w] > max)
			max = s->v[w];
	if (max <= 0)
		max = 1;
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\">",
		width, height, width, height);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left,
		height - bottom, width - 4, height - bottom);
	if (labels) {
		fprintf(out,
			"<text x=\"%d\" y=\"12\" class=\"tick\" text-anchor=\"end\">%.0f</text>",
			left - 4, max);
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">0</text>",
			left - 4, height - bottom);
		week_label(h, 0, utc, d);
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>", left, height - 4,
			d);
		week_label(h, h->nweeks - 1, utc, d);
		fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>",
			width - 4, height - 4, d);
	}
	fputs("<polyline class=\"line\" points=\"", out);
	for (int w = 0; w < h->nweeks; w++)
		if (s->has[w])
			fprintf(out, "%s%.1f,%.1f", n++ ? " " : "", left + xstep * w,
				(height - bottom) - (s->v[w] / max) * (height - bottom - 8));
	fputs("\"/>", out);
	for (int w = 0; w < h->nweeks; w++)
		if (s->has[w])
			fprintf(out,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>%.1f</title>"
				"</circle>",
				left + xstep * w,
				(height - bottom) - (s->v[w] / max) * (height - bottom - 8),
				s->v[w]);
	fputs("</svg>", out);
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}"
	"h1{font-size:20px}h2{font-size:16px;margin:24px 0 8px}"
	".axis{stroke:#999;stroke-width:1}.tick{font-size:10px;fill:#666}"
	".line{fill:none;stroke:#2563eb;stroke-width:2}circle{fill:#2563eb}"
	"table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;font-weight:normal}"
	"th{color:#666;font-size:12px}";

static void write_page(const struct html *h, const struct report_query *q, FILE *out)
{
	char a[11], b[11];

	week_label(h, 0, q->utc, a);
	week_label(h, h->nweeks - 1, q->utc, b);
	fprintf(out,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>poise report</title><style>%s</style></head><body>\n",
		style);
	fprintf(out, "<h1>poise: the team by week, %s to the week of %s</h1>\n", a, b);
	if (q->agent || q->playbook) {
		fputs("<p>Only ", out);
		html_text(out, q->agent ? q->agent : q->playbook);
		fputs(q->agent ? "'s calls.</p>\n" : " calls.</p>\n", out);
	}
	fputs("<p>Each point is one week (Monday to Sunday) as <code>poise report</code> "
	      "counts it; a week without the calls a figure needs has no point.</p>\n",
	      out);
	for (int t = 0; t < T_COUNT; t++) {
		fprintf(out, "<h2>%s (%s)</h2>\n", trend_title[t], trend_unit[t]);
		chart(out, h, &h->all[t], 640, 160, 1, q->utc);
		fputc('\n', out);
	}
	fputs("<h2>Per agent</h2>\n<table><tr><th>agent</th>", out);
	for (int t = 0; t < T_COUNT; t++)
		fprintf(out, "<th>%s</th>", trend_title[t]);
	fputs("</tr>\n", out);
	for (int i = 0; i < h->nagents; i++) {
		fputs("<tr><td>", out);
		html_text(out, h->agents[i]);
		fputs("</td>", out);
		for (int t = 0; t < T_COUNT; t++) {
			fputs("<td>", out);
			chart(out, h, &h->agent[i][t], 150, 48, 0, q->utc);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n</body></html>\n", out);
}

enum poise_status report_write_html(struct store *st, const struct report_query *q, FILE *out,
				    struct poise_error *err)
{
	struct html *h = calloc(1, sizeof(*h));
	enum poise_status ps = POISE_OK;

	if (!h)
		return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");
	if (!plan_weeks(h, q))
		ps = poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				     "no whole week in the range, or more than %d weeks: narrow "
				     "--since and --until",
				     HTML_WEEKS_MAX);
	else if ((ps = collect(h, st, q, err)) == POISE_OK)
		write_page(h, q, out);
	free(h);
	if (ps == POISE_OK && ferror(out))
		ps = poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the report: %s",
				     strerror(errno));
	return ps;
}
