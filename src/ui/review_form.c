/*
 * review_form.c - the review list's filter form, and the small drawing
 * helpers the review screens share (table cells, dates, the sparkline).
 */
#include "poise/day.h"
#include "poise/i18n.h"
#include "poise/text.h"
#include "ui/review_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

void rv_cell(char *out, size_t size, const char *utf8, int width)
{
	/* Measured as it will be shown: made safe first (controls marked, text.h). */
	char small[256], *safe = small;
	size_t len = strlen(out), need = text_safe(small, sizeof(small), utf8, 0), left;
	const char *s;
	mbstate_t mb;
	int cols = 0;

	if (need >= sizeof(small) && (safe = malloc(need + 1)) != NULL)
		text_safe(safe, need + 1, utf8, 0);
	if (!safe)
		safe = small; /* out of memory: the start of it will do */
	s = safe;
	left = strlen(safe);
	memset(&mb, 0, sizeof(mb));
	while (*s && len + 8 < size) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, left, &mb);
		int valid = r != (size_t)-1 && r != (size_t)-2 && r != 0;
		int w = valid ? wcwidth(wc) : 1;

		if (!valid) { /* a locale that is not UTF-8 */
			memset(&mb, 0, sizeof(mb));
			r = 1;
		}
		if (w < 0)
			w = 1;
		if (cols + w > width)
			break;
		if (valid)
			memcpy(out + len, s, r);
		else
			out[len] = '?';
		len += valid ? r : 1;
		cols += w;
		s += r;
		left -= r;
	}
	while (cols++ < width && len + 1 < size)
		out[len++] = ' ';
	out[len] = '\0';
	if (safe != small)
		free(safe);
}

void rv_datetime(char *buf, size_t size, int64_t ms)
{
	day_locale_datetime(buf, size, ms, 0);
}

/* The mood in effect at t: the last mark at or before it; 0 before the first. */
static int mood_at(const struct call_state *cs, int64_t t)
{
	int mood = 0;

	for (size_t i = 0; i < cs->nmoods && cs->moods[i].t <= t; i++)
		mood = cs->moods[i].mood;
	return mood;
}

void rv_sparkline(const struct ui *ui, const struct call_state *cs, int64_t from, int64_t to,
		  int width, char *out, size_t size)
{
	static const char *const bars[] = {" ", "▁", "▂", "▃", "▅", "█"};
	static const char ascii[] = " _.-=#";
	size_t len = 0;

	out[0] = '\0';
	if (to <= from)
		to = from + 1;
	for (int c = 0; c < width; c++) {
		int64_t t = from + (to - from) * (2 * c + 1) / (2 * width);
		int m = mood_at(cs, t);
		char one[2] = {ascii[m], '\0'};
		const char *g = ui->utf8 ? bars[m] : one;
		size_t gl = strlen(g);

		if (len + gl + 1 > size)
			break;
		memcpy(out + len, g, gl + 1);
		len += gl;
	}
}

/* --- the filter form ------------------------------------------------- */

uint64_t rv_new_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec) % 1000000000u;
}

/* The start of local day s (or, with next_day, of the day after) in ms; -1 when not a day. */
static int64_t parse_day(const char *s, int next_day)
{
	int64_t ms;

	return day_parse(s, 0, next_day, &ms, NULL) == POISE_OK ? ms : -1;
}

static int keep_or_clear(const char *text)
{
	return !text[0] || strcmp(text, "-") == 0;
}

/*
 * The words a filter takes, English always and the locale's too (words_pick):
 * what is kept is the English key, as the database has it.
 */
static const char *const statuses[] = {
	NC_("call status", "open"), NC_("call status", "interrupted"), NC_("call status", "done")};
static const char *const answers[] = {NC_("answer", "yes"), NC_("answer", "no")};

/* An outcome: its key, or its name in the locale (the wrap-up's label); -1 when neither. */
static int typed_outcome(const char *text)
{
	const char *keys[OUTCOME_COUNT];

	for (int i = 0; i < OUTCOME_COUNT; i++)
		if (words_same(text, outcome_label((enum outcome)i)))
			return i;
	for (int i = 0; i < OUTCOME_COUNT; i++)
		keys[i] = outcome_key((enum outcome)i);
	return words_pick(text, NULL, keys, OUTCOME_COUNT);
}

/* The English key i of what was typed (checked already); "" when nothing was. */
static void to_key(char *out, size_t size, const char *typed, int i, const char *const *keys)
{
	snprintf(out, size, "%s", typed[0] && i >= 0 ? keys[i] : "");
}

/* A whole number lo..hi, as typed; -1 when it is not one. */
static long number(const char *text, long lo, long hi)
{
	char *end = NULL;
	long n = strtol(text, &end, 10);

	return text[0] >= '0' && text[0] <= '9' && !*end && n >= lo && n <= hi ? n : -1;
}

/*
 * A filter field's check, given to the line editor as its context: what
 * the field takes besides "" (keep) and "-" (clear), and what it says to
 * anything else (a msgid; %d is `most`).
 */
struct field_check {
	int (*takes)(const char *text);
	const char *refusal;
	int most;
};

static enum poise_status check_field(const void *ctx, const char *text, struct poise_error *why)
{
	const struct field_check *fc = ctx;

	if (keep_or_clear(text) || fc->takes(text))
		return POISE_OK;
	return poise_error_set(why, POISE_INVALID, NULL, 0, 0, fc->refusal, fc->most);
}

static int takes_day(const char *text)
{
	return parse_day(text, 0) >= 0;
}

static int takes_outcome(const char *text)
{
	return typed_outcome(text) >= 0;
}

static int takes_mood(const char *text)
{
	return text[0] >= '1' && text[0] <= '5' && !text[1];
}

static int takes_status(const char *text)
{
	return words_pick(text, "call status", statuses, 3) >= 0;
}

static int takes_yes_no(const char *text)
{
	return words_pick(text, "answer", answers, 2) >= 0;
}

static int takes_percent(const char *text)
{
	return number(text, 1, 100) >= 0;
}

static int takes_sample(const char *text)
{
	return number(text, 0, REVIEW_SAMPLE_MAX) >= 0;
}

static int takes_seed(const char *text)
{
	return number(text, 0, 999999999) >= 0;
}

static const struct field_check day_check = {
	takes_day, N_("expected a date YYYY-MM-DD, e.g. 2024-05-01"), 0};
static const struct field_check outcome_check = {
	takes_outcome,
	/* TRANSLATORS: the outcome keys, which are always taken; the outcomes'
	   names in your language are taken too: say so. */
	N_("expected resolved, escalated, transferred, callback, abuse or unresolved"), 0};
static const struct field_check mood_check = {
	takes_mood, N_("expected a mood from 1 (calm) to 5 (furious)"), 0};
static const struct field_check status_check = {
	takes_status,
	/* TRANSLATORS: the words of msgctxt "call status". */
	N_("expected open, interrupted or done"), 0};
static const struct field_check yes_no_check = {
	takes_yes_no,
	/* TRANSLATORS: the words of msgctxt "answer". */
	N_("expected yes or no"), 0};
static const struct field_check percent_check = {
	takes_percent, N_("expected a percentage from 1 to 100"), 0};
static const struct field_check sample_check = {
	takes_sample, N_("expected a number of calls from 1 to %d (0: no sample)"),
	REVIEW_SAMPLE_MAX};
static const struct field_check seed_check = {
	takes_seed, N_("expected a whole number up to 999999999"), 0};

/* Ask one field; 0 when the form was cancelled. */
static int ask(struct ui *ui, const char *name, const char *now, char *out, size_t size,
	       const struct field_check *check)
{
	char label[256], text[256];

	/* TRANSLATORS: a filter field: its name, [its value now], the keys. */
	snprintf(label, sizeof(label), _("%s [%s] (Enter keeps, - clears):"), _(name),
		 now[0] ? now : _("any"));
	if (!ui_edit_line(ui, label, text, sizeof(text), check ? check_field : NULL, check))
		return 0;
	if (strcmp(text, "-") == 0)
		out[0] = '\0';
	else if (text[0] && strlen(text) < size)
		memcpy(out, text, strlen(text) + 1);
	return 1;
}

/*
 * The questions after the first seven: who the customer is, where the call
 * got to, whether and how it was scored, and a sample of what matches.
 */
static int ask_more(struct ui *ui, struct review_filter *f, struct rv_sample *smp)
{
	char reviewed[32] = "", status[48], below[4] = "", sample[8] = "", seed[12] = "";

	if (f->reviewed)
		snprintf(reviewed, sizeof(reviewed), "%s",
			 f->reviewed == REVIEWED_YES ? C_("answer", "yes") : C_("answer", "no"));
	snprintf(status, sizeof(status), "%s", f->status);
	if (f->score_below)
		snprintf(below, sizeof(below), "%d", f->score_below);
	if (smp->want)
		snprintf(sample, sizeof(sample), "%d", smp->want);
	if (!ask(ui, N_("customer name contains"), f->customer, f->customer, sizeof(f->customer),
		 NULL) ||
	    !ask(ui, N_("customer reference"), f->ref, f->ref, sizeof(f->ref), NULL) ||
	    !ask(ui, N_("status (open, interrupted, done)"), status, status, sizeof(status),
		 &status_check) ||
	    !ask(ui, N_("reviewed (yes, no)"), reviewed, reviewed, sizeof(reviewed), &yes_no_check) ||
	    !ask(ui, N_("QA score below (percent)"), below, below, sizeof(below), &percent_check) ||
	    !ask(ui, N_("random sample of N calls as a review queue (0: none)"), sample, sample,
		 sizeof(sample), &sample_check))
		return 0;
	to_key(f->status, sizeof(f->status), status, words_pick(status, "call status", statuses, 3),
	       statuses);
	f->reviewed = !reviewed[0]					    ? REVIEWED_ANY
		      : words_pick(reviewed, "answer", answers, 2) == 0 ? REVIEWED_YES
									    : REVIEWED_NO;
	f->score_below = below[0] ? (int)number(below, 1, 100) : 0;
	smp->want = sample[0] ? (int)number(sample, 0, REVIEW_SAMPLE_MAX) : 0;
	if (!smp->want)
		return 1;
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)smp->seed);
	if (!ask(ui, N_("seed (the same seed draws the same sample)"), seed, seed, sizeof(seed),
		 &seed_check))
		return 0;
	if (seed[0]) /* "-" keeps the seed shown */
		smp->seed = (uint64_t)number(seed, 0, 999999999);
	return 1;
}

int rv_filter_form(struct ui *ui, struct review_filter *f, char from[11], char to[11],
		   struct rv_sample *smp)
{
	char mood[4] = "", outcome[48];
	const char *keys[OUTCOME_COUNT];
	int64_t t;

	if (f->mood_min)
		snprintf(mood, sizeof(mood), "%d", f->mood_min);
	snprintf(outcome, sizeof(outcome), "%s", f->outcome);
	if (!ask(ui, N_("agent"), f->agent, f->agent, sizeof(f->agent), NULL) ||
	    !ask(ui, N_("from day"), from, from, 11, &day_check) ||
	    !ask(ui, N_("to day (included)"), to, to, 11, &day_check) ||
	    !ask(ui, N_("outcome"), outcome, outcome, sizeof(outcome), &outcome_check) ||
	    !ask(ui, N_("cause"), f->cause, f->cause, sizeof(f->cause), NULL) ||
	    !ask(ui, N_("playbook id"), f->playbook, f->playbook, sizeof(f->playbook), NULL) ||
	    !ask(ui, N_("mood at start or end at least"), mood, mood, sizeof(mood), &mood_check) ||
	    !ask_more(ui, f, smp))
		return 0;
	for (int i = 0; i < OUTCOME_COUNT; i++)
		keys[i] = outcome_key((enum outcome)i);
	to_key(f->outcome, sizeof(f->outcome), outcome, typed_outcome(outcome), keys);
	f->since = from[0] ? parse_day(from, 0) : 0;
	f->until = to[0] && (t = parse_day(to, 1)) >= 0 ? t : 0;
	f->mood_min = mood[0] ? mood[0] - '0' : 0;
	return 1;
}
