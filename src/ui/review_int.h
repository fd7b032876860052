/*
 * review_int.h - what the review screens share (review_list.c,
 * review_view.c, review_replay.c) and nobody else sees.
 */
#ifndef POISE_UI_REVIEW_INT_H
#define POISE_UI_REVIEW_INT_H

#include <stddef.h>
#include <stdint.h>

#include "poise/review.h"
#include "ui/app.h"
#include "ui/review.h"

/*
 * Append utf8 to out as exactly `width` columns: made safe first (text.h:
 * a control or an invisible character takes the room its mark is shown in),
 * cut at a whole character, padded with spaces. draw_text wraps instead of cutting, and a table needs
 * cells (a small helper of our own rather than a change to draw.c).
 */
void rv_cell(char *out, size_t size, const char *utf8, int width);

/* "2024-05-01 14:03" in local time. */
void rv_datetime(char *buf, size_t size, int64_t ms);

/* The mood marks of cs over [from, to) as a sparkline of width cells. */
void rv_sparkline(const struct ui *ui, const struct call_state *cs, int64_t from, int64_t to,
		  int width, char *out, size_t size);

/* A random sample of the filter's calls as a review queue (review_sample). */
struct rv_sample {
	int want;      /* calls to draw; 0: no sample */
	uint64_t seed; /* shown on screen, so the same sample can be drawn again */
};

/* A seed for a new sample, 0..999999999 (short enough to read out and type). */
uint64_t rv_new_seed(void);

/*
 * The filter form (review_form.c): one question per filter, each showing its
 * current value; Enter on empty keeps it, "-" clears it, Esc drops the whole
 * form. from/to are the dates as typed (YYYY-MM-DD, local days); a sample
 * asks its seed (the one shown is a new one). 1 changed.
 */
int rv_filter_form(struct ui *ui, struct review_filter *f, char from[11], char to[11],
		   struct rv_sample *smp);

/* The call view (review_view.c), reached with Enter from the list. */
void rv_view_run(struct ui *ui, const char *call_id, const struct review_opts *opts);

struct qa_score;
/*
 * Score rc against its scorecard (review_score.c): ask each criterion the
 * reviewer answers, save into *mine (the reviewer's scoring of the call,
 * read back first when mine has no id). 1 when saved; the banner says how.
 */
int rv_score_run(struct ui *ui, const struct review_call *rc, const char *reviewer,
		 struct qa_score *mine);
/* A scoring as two lines: when, who, the score; each criterion's answer. */
void rv_score_describe(const struct qa_score *q, char *head, size_t hsize, char *body,
		       size_t bsize);

/* Step through rc as the agent saw it (review_replay.c). */
void rv_replay_run(struct ui *ui, const struct review_call *rc);

#endif
