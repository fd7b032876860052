/*
 * report_html.c - `poise report --format html`: one self-contained page of
 * pictures, for people who would rather look than read.
 *
 * The team's trends by week (handle time, calmer-at-end share, escalation
 * rate, QA score), then the same for each agent as small multiples on one scale, so
 * the eye compares shapes. Every week is an ordinary report over that week
 * (report_run), so each point is exactly the figure `poise report --since
 * MONDAY --until SUNDAY` gives (docs/metrics.md). No script, no network:
 * inline CSS and SVG only; every name is escaped, control characters shown.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "poise/i18n.h"
#include "poise/report.h"
#include "poise/text.h"
#include "poise/words.h"

#define DAY_MS	(INT64_C(86400) * 1000)
#define WEEK_MS (7 * DAY_MS)

/*
 * One plotted figure: the report's written field it draws (report_field),
 * so each point is the report's own number, shown in its unit / per.
 */
struct metric {
	const char *title, *unit; /* a share's unit follows a "%" */
	const char *key;	  /* the report's field (CSV column, JSON member) */
	double per;		  /* the field's unit in the chart's: 60 s a minute */
	int percent;		  /* a share: the axis runs 0..100 */
};

static const struct metric metrics[] = {
	/* TRANSLATORS: the HTML report's figures, each with its unit in brackets
	   ("%" and the words after it for a share: "(% of closed calls)"). */
	{N_("Average handle time"), N_("min"), "handle_avg_s", 60, 0},
	{N_("Calmer at the end"), N_("of calls with two moods"), "calmer_pct", 1, 1},
	{N_("Escalated"), N_("of closed calls"), "escalation_pct", 1, 1},
	/* docs/metrics.md, "QA": the week's scorings of its calls */
	{N_("QA score"), N_("average of the scorings"), "qa_score_pct", 1, 1},
};
#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

struct week {
	int64_t start;
	struct report_figures all;
	struct report_figures *agents; /* by name, as the report lists them */
	size_t nagents;
};

struct page {
	struct week *weeks;
	size_t nweeks;
	char **names; /* every agent of any week, sorted */
	size_t nnames;
	int utc;
	long damaged; /* calls left out, all weeks */
};

/* The Monday 00:00 of the week holding t, in UTC or local time. */
static int64_t week_start(int64_t t, int utc)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;

	if (utc ? !gmtime_r(&s, &tm) : !localtime_r(&s, &tm))
		return t - t % WEEK_MS;
	tm.tm_mday -= (tm.tm_wday + 6) % 7;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	s = utc ? timegm(&tm) : mktime(&tm);
	return (int64_t)s * 1000;
}

/* The Monday a week after ws (local weeks may be an hour short or long). */
static int64_t week_next(int64_t ws, int utc)
{
	return week_start(ws + WEEK_MS + DAY_MS / 2, utc);
}

static void day_label(char *buf, size_t size, int64_t t, int utc)
{
	time_t s = (time_t)(t / 1000);
	struct tm tm;

	if (utc ? gmtime_r(&s, &tm) : localtime_r(&s, &tm))
		strftime(buf, size, "%Y-%m-%d", &tm);
	else
		snprintf(buf, size, "?");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum poise_status add_name(struct page *p, const char *name)
{
	char **grown;

	for (size_t i = 0; i < p->nnames; i++)
		if (!strcmp(p->names[i], name))
			return POISE_OK;
	if (!(grown = realloc(p->names, (p->nnames + 1) * sizeof(*grown))))
		return POISE_NOMEM;
	p->names = grown;
	if (!(grown[p->nnames] = strdup(name)))
		return POISE_NOMEM;
	p->nnames++;
	return POISE_OK;
}

static void page_free(struct page *p)
{
	for (size_t i = 0; i < p->nweeks; i++)
		free(p->weeks[i].agents);
	free(p->weeks);
	for (size_t i = 0; i < p->nnames; i++)
		free(p->names[i]);
	free(p->names);
}

/* Run the report of each week of [from, to). */
static enum poise_status read_weeks(struct store *st, const struct report_query *q, int64_t from,
				    int64_t to, struct page *p, struct poise_error *err)
{
	enum poise_status ps = POISE_OK;

	for (int64_t ws = from; ws < to && ps == POISE_OK; ws = week_next(ws, q->utc)) {
		struct report_query wq = *q;
		struct report *r = NULL;
		struct week *w, *grown = realloc(p->weeks, (p->nweeks + 1) * sizeof(*grown));

		if (!grown)
			return poise_error_nomem(err);
		p->weeks = grown;
		w = &grown[p->nweeks++];
		memset(w, 0, sizeof(*w));
		w->start = ws;
		wq.since = ws;
		wq.until = week_next(ws, q->utc);
		if ((ps = report_run(st, &wq, &r, err)) != POISE_OK)
			break;
		w->all = *report_overall(r);
		p->damaged += report_damaged(r);
		w->nagents = report_agent_count(r);
		if (w->nagents && !(w->agents = calloc(w->nagents, sizeof(*w->agents))))
			ps = POISE_NOMEM;
		for (size_t i = 0; ps == POISE_OK && i < w->nagents; i++) {
			w->agents[i] = *report_agent(r, i);
			ps = add_name(p, w->agents[i].agent);
		}
		report_free(r);
		if (ps == POISE_NOMEM)
			return poise_error_nomem(err);
	}
	if (p->nnames)
		qsort(p->names, p->nnames, sizeof(*p->names), by_name);
	return ps;
}

/* Text for HTML: made safe (control characters shown), then &, <, >, " escaped. */
static void html_text(FILE *out, const char *s)
{
	char safe[4 * 128 + 64];

	text_safe(safe, sizeof(safe), s ? s : "", 0);
	for (const char *c = safe; *c; c++)
		switch (*c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*c, out);
		}
}

/*
 * A point's figure for its tooltip as the report's table writes it: a
 * share with one decimal in the locale's way, a time as mm:ss; "-" for none.
 */
static void value_label(char *buf, size_t size, double v, const struct metric *m)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (m->percent) {
		snprintf(buf, size, "%.1f%%", v);
		words_localize_decimal(buf, size);
	} else
		words_duration(buf, size, llround(v * m->per) * 1000);
}

/* The top of the axis: 100 for shares, else the first of 1, 2, 5, 10, 20... at or above the largest value. */
static double axis_top(const struct metric *m, const double *v, size_t n)
{
	static const double nice[] = {1, 2, 5};
	double top = 0, scale = 1;

	if (m->percent)
		return 100;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]) && v[i] > top)
			top = v[i];
	for (;; scale *= 10)
		for (size_t i = 0; i < 3; i++)
			if (nice[i] * scale >= top || scale > 1e9)
				return nice[i] * scale;
}

/*
 * One line chart: a polyline per run of weeks with a value (a week with
 * nothing to measure is a gap, not a zero), a dot per week with its value
 * as a tooltip, the axis top and the first and last weeks as labels.
 */
static void chart(FILE *out, const struct page *p, const struct metric *m, const double *v,
		  double top, int w, int h, const char *label)
{
	const int left = 36, right = 8, up = 8, down = 18;
	double pw = w - left - right, ph = h - up - down;
	char a[16], b[16], val[32], tick[32];
	int open = 0;

	fprintf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		     "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		w, h, w, h);
	html_text(out, label);
	fputs("\">\n", out);
	fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left,
		h - down, w - right, h - down);
	fprintf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", left, up,
		left, h - down);
	snprintf(tick, sizeof(tick), "%g", top);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>\n",
		left - 4, up + 8, words_localize_decimal(tick, sizeof(tick)));
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">0</text>\n",
		left - 4, h - down);
	day_label(a, sizeof(a), p->weeks[0].start, p->utc);
	day_label(b, sizeof(b), p->weeks[p->nweeks - 1].start, p->utc);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\">%s</text>\n", left, h - 4, a);
	fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>\n",
		w - right, h - 4, b);
	for (size_t i = 0; i < p->nweeks; i++) {
		double x = left + (p->nweeks > 1 ? pw * (double)i / (double)(p->nweeks - 1) : pw / 2);

		if (isnan(v[i])) {
			if (open)
				fputs("\"/>\n", out);
			open = 0;
			continue;
		}
		fprintf(out, "%s%.1f,%.1f", open ? " " : "<polyline class=\"line\" points=\"", x,
			up + ph - ph * (v[i] > top ? 1 : v[i] / top));
		open = 1;
	}
	if (open)
		fputs("\"/>\n", out);
	for (size_t i = 0; i < p->nweeks; i++) {
		double x = left + (p->nweeks > 1 ? pw * (double)i / (double)(p->nweeks - 1) : pw / 2);

		if (isnan(v[i]))
			continue;
		day_label(a, sizeof(a), p->weeks[i].start, p->utc);
		value_label(val, sizeof(val), v[i], m);
		fprintf(out, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>", x,
			up + ph - ph * (v[i] > top ? 1 : v[i] / top));
		/* TRANSLATORS: a point's tooltip in the HTML report: the week's Monday, the figure. */
		fprintf(out, _("week of %s: %s"), a, val);
		fputs("</title></circle>\n", out);
	}
	fputs("</svg>\n", out);
}

/* The value m draws of column f, or NAN when f has nothing to measure. */
static double metric_value(const struct metric *m, const struct report_figures *f)
{
	double v;

	return report_field(f, m->key, &v) ? v / m->per : NAN;
}

/* The column of agent `name` in week w, or NULL when the agent took no call that week. */
static const struct report_figures *agent_in(const struct week *w, const char *name)
{
	for (size_t i = 0; i < w->nagents; i++)
		if (!strcmp(w->agents[i].agent, name))
			return &w->agents[i];
	return NULL;
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}"
	"h1{font-size:20px}h2{font-size:16px;margin-top:28px}"
	".row{display:flex;flex-wrap:wrap;gap:16px}.cell{min-width:0}"
	".cell h3{font-size:13px;margin:4px 0;font-weight:600}"
	".axis{stroke:#888;stroke-width:1}.line{fill:none;stroke:#2a6fb0;stroke-width:2}"
	".dot{fill:#2a6fb0}.tick{font-size:10px;fill:#555}"
	"table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}"
	"th:first-child,td:first-child{text-align:left}.note{color:#555}";

static void write_page(FILE *out, const struct page *p, long damaged)
{
	double *v = calloc(p->nweeks, sizeof(*v));
	char a[16], b[16];

	if (!v)
		return;
	day_label(a, sizeof(a), p->weeks[0].start, p->utc);
	day_label(b, sizeof(b), p->weeks[p->nweeks - 1].start, p->utc);
	/* TRANSLATORS: the HTML report's language, as <html lang="..."> wants it: your
	   catalogue's language code ("es"), not a sentence. */
	fputs("<!DOCTYPE html>\n<html lang=\"", out);
	html_text(out, C_("html lang", "en"));
	fputs("\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
	/* TRANSLATORS: the HTML report's title: the first and the last week's Mondays. */
	fprintf(out, _("poise report: weeks of %s to %s"), a, b);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	/* TRANSLATORS: the HTML report's heading: the first and the last week's Mondays. */
	fprintf(out, _("Calls by week, %s to %s"), a, b);
	fputs("</h1>\n<p class=\"note\">", out);
	/* TRANSLATORS: %s is "UTC" or "local time"; <code>poise report</code> stays as it is. */
	fprintf(out, _("Each point is one week (Monday to Sunday, %s), the figure <code>poise "
		       "report</code> gives for it; a gap is a week with nothing to measure."),
		p->utc ? "UTC" : _("local time"));
	if (damaged)
		fprintf(out, " %s", _("Some calls could not be read and are left out: see poise report."));
	fprintf(out, "</p>\n<h2>%s</h2>\n<div class=\"row\">\n", _("The team"));
	for (size_t m = 0; m < NMETRICS; m++) {
		for (size_t i = 0; i < p->nweeks; i++)
			v[i] = metric_value(&metrics[m], &p->weeks[i].all);
		fprintf(out, "<div class=\"cell\"><h3>%s <span class=\"note\">(%s%s)</span></h3>\n",
			_(metrics[m].title), metrics[m].percent ? "% " : "", _(metrics[m].unit));
		chart(out, p, &metrics[m], v, axis_top(&metrics[m], v, p->nweeks), 300, 160,
		      _(metrics[m].title));
		fputs("</div>\n", out);
	}
	fputs("</div>\n", out);
	for (size_t m = 0; m < NMETRICS && p->nnames; m++) {
		double top = 0;

		/* One scale for every agent's small chart, so shapes compare. */
		for (size_t n = 0; n < p->nnames; n++) {
			for (size_t i = 0; i < p->nweeks; i++) {
				const struct report_figures *f = agent_in(&p->weeks[i], p->names[n]);

				v[i] = f ? metric_value(&metrics[m], f) : NAN;
			}
			double t = axis_top(&metrics[m], v, p->nweeks);

			top = t > top ? t : top;
		}
		fputs("<h2>", out);
		/* TRANSLATORS: a heading of the HTML report: a figure's name, "Escalated by agent". */
		fprintf(out, _("%s by agent"), _(metrics[m].title));
		fprintf(out, " <span class=\"note\">(%s%s)</span></h2>\n<div class=\"row\">\n",
			metrics[m].percent ? "% " : "", _(metrics[m].unit));
		for (size_t n = 0; n < p->nnames; n++) {
			for (size_t i = 0; i < p->nweeks; i++) {
				const struct report_figures *f = agent_in(&p->weeks[i], p->names[n]);

				v[i] = f ? metric_value(&metrics[m], f) : NAN;
			}
			fputs("<div class=\"cell agent\"><h3>", out);
			html_text(out, p->names[n]);
			fputs("</h3>\n", out);
			chart(out, p, &metrics[m], v, top, 180, 110, p->names[n]);
			fputs("</div>\n", out);
		}
		fputs("</div>\n", out);
	}
	fputs("</body>\n</html>\n", out);
	free(v);
}

enum poise_status report_write_html(struct store *st, const struct report_query *q, FILE *out,
				    struct poise_error *err)
{
	struct page p = {.utc = q->utc};
	int64_t to = q->until ? q->until : week_next(week_start(q->now, q->utc), q->utc);
	int64_t from = q->since ? week_start(q->since, q->utc) : 0;
	enum poise_status ps;

	if (!q->since) {
		from = to;
		for (int i = 0; i < REPORT_HTML_WEEKS; i++)
			from = week_start(from - DAY_MS, q->utc);
	}
	if ((to - from) / WEEK_MS > REPORT_HTML_WEEKS_MAX)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0,
				       "%lld weeks is more than one page shows (at most %d): "
				       "narrow --since/--until",
				       (long long)((to - from) / WEEK_MS), REPORT_HTML_WEEKS_MAX);
	if (to <= from)
		return poise_error_set(err, POISE_USAGE, NULL, 0, 0, "no week in the range");
	ps = read_weeks(st, q, from, to, &p, err);
	if (ps == POISE_OK) {
		write_page(out, &p, p.damaged);
		if (fflush(out) != 0 || ferror(out))
			ps = poise_error_set(err, POISE_IO, NULL, 0, 0, "cannot write the page");
	}
	page_free(&p);
	return ps;
}
