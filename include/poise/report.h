/*
 * report.h - the supervisor's and the trainer's figures.
 *
 * Owns: `poise report`: per agent and overall figures over the calls of a
 * time range, per playbook line figures (--lines), and writing them as a
 * table, CSV or JSON. docs/metrics.md defines every figure exactly.
 * Does not own: what an event means or how it changes a call (call.h: every
 * call is folded with call_apply, the same fold the live screen uses),
 * reading the database (store_scan.h), or any clock: `now` is passed in.
 *
 * Streams: calls are read one at a time in start order and each call's
 * events one at a time; what is kept is one accumulator per agent, one
 * parsed playbook per playbook hash, and, for repeat contacts, the customer
 * references seen within the last repeat_days days.
 */
#ifndef POISE_REPORT_H
#define POISE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "poise/event.h"
#include "poise/limits.h"
#include "poise/playbook.h"
#include "poise/status.h"
#include "poise/store.h"

#define REPORT_TOP_CAUSES     5
#define REPORT_REPEAT_DAYS    7	     /* default --repeat-days */
#define REPORT_REPEAT_MAX     3650   /* largest --repeat-days */
#define REPORT_MOOD_WINDOW_MS 120000 /* a line's mood change: next MOOD within this */
/*
 * The version of a closed call's kept figures (table call_figures): raise
 * it whenever the fold (call.c) or the report's reading of a call
 * (report_call.c) changes what a call's figures are; rows of another
 * version are then ignored, and those calls folded from their events.
 */
#define REPORT_FIGURES_VERSION 2

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

/* What to report on. */
struct report_query {
	int64_t since, until; /* started_at in [since, until), ms; 0 = unbounded */
	const char *agent;    /* only this agent's calls; NULL = every agent */
	const char *playbook; /* only calls under this playbook id; NULL = every one */
	int repeat_days;      /* 1..REPORT_REPEAT_MAX */
	int64_t now;	      /* "today" for follow-ups due and overdue */
	int utc;	      /* days are UTC days (1) or local days per TZ (0) */
	int refold;	      /* ignore kept figures: fold every call from its events */
	int practice;	      /* 1: rehearsals only (report --practice); 0: real calls only */
};

struct report_cause {
	char id[FIELD_CAUSE_ID_SIZE];
	long calls;
};

/*
 * Every figure of a column, once: this list makes the struct's members,
 * how two columns add (report.c), which of a closed call's figures are
 * kept packed in call_figures and in what order (report_call.c; this list
 * order), and the fields the writers print (report_out.c). docs/metrics.md
 * defines each.
 *
 * X(name, sum, pack, out, kind, den, group, key, label, sql):
 *   sum    SUM, or MAX for the longest of the column
 *   pack   1: part of a closed call's kept figures (adding one changes
 *          the packing: raise REPORT_FIGURES_VERSION)
 *   out    its place among the written fields (1..); 0: not written
 *   kind   COUNT, SECONDS (ms as whole seconds), AVG_S (ms / den, whole
 *          seconds) or MOOD (num / den, two decimals)
 *   den    the figure it is divided by when written, or NONE
 *   group  1: a blank line before it in the table
 *   key    CSV column and JSON member; label: the table's row
 *   sql    its typed column on the team server (poise.call_figures, from
 *          one closed call's kept figures): SQL(column, type, known), the
 *          column NULL unless known (ALWAYS, or IF(figure): that figure
 *          is not 0); NO_SQL: none. src/team/team_int.h makes the columns
 *          from this; a new one needs a server migration (CONTRIBUTING.md,
 *          "A new report figure").
 * R(out, key, label, num, den, group): a rate, num / den in per cent with
 * one decimal, nothing of its own to sum or keep.
 */
/* The table labels are marked N_(): report_out.c translates them (i18n.h). */
#define REPORT_FIGURE_LIST(X, R)                                                                   \
	/* done + interrupted + open */                                                            \
	X(calls, SUM, 0, 1, COUNT, NONE, 0, "calls", N_("calls"), NO_SQL)                          \
	X(done, SUM, 1, 2, COUNT, NONE, 0, "done", "  " N_("done"), SQL(done, smallint, ALWAYS))   \
	X(interrupted, SUM, 1, 3, COUNT, NONE, 0, "interrupted", "  " N_("interrupted"),           \
	  SQL(interrupted, smallint, ALWAYS))                                                      \
	X(open, SUM, 0, 4, COUNT, NONE, 0, "open", "  " N_("still open"), NO_SQL)                  \
	/* done + interrupted: the calls every figure below is over */                             \
	X(closed, SUM, 0, 0, COUNT, NONE, 0, "", "", NO_SQL)                                       \
	/* over done calls, START..END, gaps excluded */                                           \
	X(handle_ms, SUM, 1, 5, AVG_S, done, 1, "handle_avg_s", N_("avg handle time"),             \
	  SQL(handle_ms, bigint, IF(done)))                                                        \
	X(hold_ms, SUM, 1, 7, SECONDS, NONE, 0, "hold_total_s", N_("hold total"),                  \
	  SQL(hold_ms, bigint, ALWAYS))                                                            \
	/* holds started */                                                                        \
	X(holds, SUM, 1, 8, COUNT, NONE, 0, "holds", N_("holds"), SQL(holds, integer, ALWAYS))     \
	X(hold_longest_ms, MAX, 1, 9, SECONDS, NONE, 0, "hold_longest_s", N_("longest hold"),      \
	  SQL(hold_longest_ms, bigint, ALWAYS))                                                    \
	/* over done calls, WRAPUP..END, gaps excluded */                                          \
	X(wrapup_ms, SUM, 1, 6, AVG_S, done, 0, "wrapup_avg_s", N_("avg wrap-up"),                 \
	  SQL(wrapup_ms, bigint, IF(done)))                                                        \
	/* calls with ESCALATE or outcome escalated */                                             \
	X(escalated, SUM, 1, 10, COUNT, NONE, 1, "escalated", N_("escalated"),                     \
	  SQL(escalated, smallint, ALWAYS))                                                        \
	R(11, "escalation_pct", N_("escalation rate"), escalated, closed, 0)                       \
	X(transferred, SUM, 1, 12, COUNT, NONE, 0, "transferred", N_("transferred"),               \
	  SQL(transferred, smallint, ALWAYS))                                                      \
	R(13, "transfer_pct", N_("transfer rate"), transferred, closed, 0)                         \
	/* boundary warnings given, and calls with at least one */                                 \
	X(warnings, SUM, 1, 14, COUNT, NONE, 1, "warnings", N_("boundary warnings"),               \
	  SQL(warnings, integer, ALWAYS))                                                          \
	X(warned, SUM, 1, 15, COUNT, NONE, 0, "warned_calls", N_("calls with warnings"), NO_SQL)   \
	X(abuse, SUM, 1, 16, COUNT, NONE, 0, "abuse", N_("ended for abuse"),                       \
	  SQL(abuse, smallint, ALWAYS))                                                            \
	/* calls with a MOOD; first / last MOOD summed over them */                                \
	X(mood_calls, SUM, 1, 17, COUNT, NONE, 1, "mood_calls", N_("calls with mood"), NO_SQL)     \
	X(mood_start_sum, SUM, 1, 18, MOOD, mood_calls, 0, "mood_start_avg", N_("mood at start"),  \
	  SQL(mood_start, smallint, IF(mood_calls)))                                               \
	X(mood_end_sum, SUM, 1, 19, MOOD, mood_calls, 0, "mood_end_avg", N_("mood at end"),        \
	  SQL(mood_end, smallint, IF(mood_calls)))                                                 \
	/* calls with two MOOD marks or more; of those, last < first */                            \
	X(mood_pairs, SUM, 1, 20, COUNT, NONE, 0, "mood_pairs", N_("calls with 2+ moods"), NO_SQL) \
	X(calmer, SUM, 1, 21, COUNT, NONE, 0, "calmer", N_("ended calmer"),                        \
	  SQL(calmer, smallint, IF(mood_pairs)))                                                   \
	R(22, "calmer_pct", N_("ended calmer rate"), calmer, mood_pairs, 0)                        \
	/* START..first entry to empathize, over the calls that reached it */                      \
	X(empathy_ms, SUM, 1, 24, AVG_S, empathy_calls, 0, "empathy_avg_s", N_("time to empathy"), \
	  SQL(empathy_ms, bigint, IF(empathy_calls)))                                              \
	X(empathy_calls, SUM, 1, 23, COUNT, NONE, 1, "empathy_calls", N_("reached empathy"),       \
	  NO_SQL)                                                                                  \
	/* over the stages visited */                                                              \
	X(checklist_ticked, SUM, 1, 25, COUNT, NONE, 1, "checklist_ticked",                        \
	  N_("checklist ticked"), SQL(checklist_ticked, integer, ALWAYS))                          \
	X(checklist_items, SUM, 1, 26, COUNT, NONE, 0, "checklist_items", N_("checklist items"),   \
	  SQL(checklist_items, integer, ALWAYS))                                                   \
	R(27, "checklist_pct", N_("checklist adherence"), checklist_ticked, checklist_items, 0)    \
	/* closed calls with a cause */                                                            \
	X(causes, SUM, 1, 34, COUNT, NONE, 1, "caused_calls", N_("calls with a cause"), NO_SQL)    \
	/* not kept: these change after a call ends (read at report time) */                       \
	X(repeats, SUM, 0, 28, COUNT, NONE, 1, "repeats", N_("repeat contacts"), NO_SQL)           \
	R(29, "repeat_pct", N_("repeat rate"), repeats, closed, 0)                                 \
	/* follow-ups by state at `now` */                                                         \
	X(fu_done, SUM, 0, 30, COUNT, NONE, 1, "followups_done", N_("follow-ups done"), NO_SQL)    \
	X(fu_due, SUM, 0, 31, COUNT, NONE, 0, "followups_due", N_("follow-ups due today"), NO_SQL) \
	X(fu_overdue, SUM, 0, 32, COUNT, NONE, 0, "followups_overdue", N_("follow-ups overdue"),   \
	  NO_SQL)                                                                                  \
	X(fu_later, SUM, 0, 33, COUNT, NONE, 0, "followups_later", N_("follow-ups later"), NO_SQL)
/* The written fields the list gives (figures with an out, and rates). */
#define REPORT_FIGURE_FIELDS 34

/*
 * One column of the report: an agent, or everyone. Sums and counts, so
 * that the overall column is exactly the sum of the agents'; the averages,
 * rates and rounding are the writers' (report_out.c). Every figure but
 * calls and open is over closed calls (done + interrupted) only: a call
 * still open has no end to measure. After the list's figures, the time
 * per stage (written after them, each averaged over closed calls), the
 * closed calls by outcome (written last) and the top causes.
 */
struct report_figures {
	char agent[128]; /* "" for the overall column */
#define REPORT_FIGURE_MEMBER(name, sum, pack, out, kind, den, group, key, label, sql) int64_t name;
#define REPORT_RATE_NONE(out, key, label, num, den, group)
	REPORT_FIGURE_LIST(REPORT_FIGURE_MEMBER, REPORT_RATE_NONE)
#undef REPORT_FIGURE_MEMBER
#undef REPORT_RATE_NONE
	int64_t stage_ms[STAGE_COUNT];		    /* sum per stage */
	int64_t outcomes[OUTCOME_COUNT];	    /* closed calls by wrap-up outcome */
	struct report_cause top[REPORT_TOP_CAUSES]; /* most calls first, then by id */
	size_t ntop;
	/*
	 * QA (store_score.h): each reviewer's newest scoring of each call
	 * counts. Not in REPORT_FIGURE_LIST: not a closed call's kept figure
	 * (a scoring comes after the call); added and written on their own.
	 */
	int64_t qa_calls;	/* calls with at least one scoring */
	int64_t qa_scorings;	/* scorings */
	int64_t qa_scored;	/* scorings with a score (not all N/A) */
	int64_t qa_score_sum;	/* their scores, basis points */
	int64_t qa_score_full;	/* qa_scored * SCORE_FULL: the average's denominator */
	int64_t qa_auto_failed; /* scorings an auto-fail criterion failed */
	/* report --practice: the different scenarios rehearsed (calls are the rehearsals). */
	int64_t scenarios;
};

/* One QA criterion's answers in a column (--format: qa_ID_pct, qa_ID_answers). */
struct report_criterion {
	char id[65];
	long answers;	/* answers not N/A */
	int64_t sum_bp; /* their points (scorecard.h: score_points) */
};

/*
 * The mood after a line (--lines, docs/metrics.md): a sample is a SAID
 * followed by a MOOD within REPORT_MOOD_WINDOW_MS, its change that MOOD
 * less the mood when said. Kept for the line itself and for its baseline.
 */
struct report_mood_after {
	long calls;	 /* calls with at least one sample */
	long samples;	 /* the samples */
	long change_sum; /* the sum of their changes */
};

/* A playbook line's figures (--lines). Strings belong to the report. */
struct report_line {
	const char *playbook_id, *playbook_version, *playbook_hash;
	enum stage stage;
	enum section section;
	size_t index;
	const char *text;
	long shown;		       /* closed calls that visited the stage */
	long used;		       /* SAID events */
	long skipped;		       /* SKIP events */
	long skip_reason[SKIP_COUNT];  /* by reason */
	struct report_mood_after said; /* the line's own SAIDs */
	/*
	 * The baseline: the samples of the other lines' SAIDs in this stage in
	 * the calls that visited it and never said this line (docs/metrics.md).
	 */
	struct report_mood_after base;
	int few; /* said.calls or base.calls below REPORT_LINE_FEW */
};
#define REPORT_LINE_FEW 5 /* fewer calls than this on either side: too few to judge */

struct report;

/*
 * Keep the figures of a closed call (done or interrupted) in call_figures,
 * so that reports need not fold its events again: call once the call has
 * ended. It is only a saving: a call without them is folded as before, so
 * a failure here loses nothing. POISE_STATE when the call is not closed.
 */
enum poise_status report_keep_call(struct store *st, const char *call_id, struct poise_error *err);
/* The same for many calls (merge), each playbook parsed once. */
struct report_keeper;
struct report_keeper *report_keeper_new(struct store *st);
enum poise_status report_keeper_call(struct report_keeper *k, const char *call_id,
				     struct poise_error *err);
/* report_pack_call() for a call given whole, its playbook read from the store by hash. */
enum poise_status report_keeper_pack(struct report_keeper *k, const char *playbook_hash,
				     const struct event *ev, size_t n, unsigned char **blob,
				     size_t *len, struct poise_error *err);
void report_keeper_free(struct report_keeper *k);
/*
 * The figures of one closed call from its kept row (call_figures, made by
 * fold REPORT_FIGURES_VERSION) under the playbook of playbook_hash, in the
 * one-call column *out (calls = 1, closed = 1, as a folded call's; the
 * team's kept-figures columns are made from it). POISE_INVALID, and *out
 * not a call's, when the row does not unpack under that playbook (fold the
 * call instead).
 */
enum poise_status report_keeper_figures(struct report_keeper *k, const char *playbook_hash,
					const void *blob, size_t len, struct report_figures *out,
					struct poise_error *err);
/*
 * The summary step: the figures of one call from its folded state (call.h),
 * as the one-call column a report adds (calls = 1; done, interrupted or
 * open by its phase; closed = 1 when done or interrupted). Every face that
 * shows a figure of one call (review's call page, `poise show`) reads it
 * here, and report_field_text() writes it, so a call's checklist adherence,
 * handle time or time to empathy is the number the report counts. Pure:
 * no clock, no store. Figures that need an end (handle, wrap-up) are 0 for
 * a call still open; the lines said and the follow-ups are not figures.
 */
struct call_state;
void report_call_figures(const struct call_state *cs, struct report_figures *out);
/*
 * The same figures, packed, for a closed call given whole (its n events
 * with their seq set), to write with store_batch_figures().
 */
enum poise_status report_pack_call(const struct playbook *pb, const struct event *ev, size_t n,
				   unsigned char **blob, size_t *len, struct poise_error *err);

/* Read every call q selects from st and fold it; *out to free with report_free. */
enum poise_status report_run(struct store *st, const struct report_query *q, struct report **out,
			     struct poise_error *err);
void report_free(struct report *r);

const struct report_figures *report_overall(const struct report *r);
size_t report_agent_count(const struct report *r);
const struct report_figures *report_agent(const struct report *r, size_t i); /* by name */
/* The QA criteria of a column (agent NULL: everyone), by id; *out valid until report_free. */
size_t report_criteria(const struct report *r, const char *agent,
		       const struct report_criterion **out);
/* Calls left out because their events or playbook could not be read back. */
long report_damaged(const struct report *r);

/* Lines, ordered by playbook id, version, hash, stage, section, index. */
size_t report_line_count(const struct report *r);
void report_line_get(const struct report *r, size_t i, struct report_line *out);

/* Write the figures, or the lines, in fmt. POISE_IO when out fails. */
enum poise_status report_write(const struct report *r, FILE *out, enum report_format fmt,
			       struct poise_error *err);
enum poise_status report_write_lines(const struct report *r, FILE *out, enum report_format fmt,
				     struct poise_error *err);

/*
 * Calibration (--calibration): the calls q selects that two or more
 * reviewers scored (each reviewer's newest scoring), how far apart the
 * reviewers are on each criterion and on the overall score, and how far
 * each reviewer is from the others (docs/metrics.md, "Calibration").
 * Points and spreads are in basis points (10000 = 100 percentage points).
 */
#define REPORT_CALIB_DEVIATES 2500 /* a mean deviation above this is marked */

struct calib_criterion {
	char id[65];	    /* "" for the overall score */
	long calls;	    /* calls where two or more reviewers answered it */
	int64_t spread_sum; /* Σ (highest - lowest points) over those calls */
	int spread_max;
};

struct calib_reviewer {
	char name[128];
	long answers;	  /* answers compared with at least one other reviewer's */
	int64_t dev_sum;  /* Σ |points - the other reviewers' mean|, each rounded */
	int64_t bias_sum; /* Σ (points - the other reviewers' mean), each rounded */
};

struct report_calib;
enum poise_status report_calibration(struct store *st, const struct report_query *q,
				     struct report_calib **out, struct poise_error *err);
void report_calib_free(struct report_calib *c);
long report_calib_calls(const struct report_calib *c);
/* Overall first, then by criterion id; reviewers by name. Valid until report_calib_free. */
size_t report_calib_criteria(const struct report_calib *c, const struct calib_criterion **out);
size_t report_calib_reviewers(const struct report_calib *c, const struct calib_reviewer **out);
enum poise_status report_write_calibration(const struct report_calib *c, FILE *out,
					   enum report_format fmt, struct poise_error *err);

/*
 * One self-contained HTML page (inline SVG, no script, no network): the
 * team's weekly trends and each agent's as small multiples, over the weeks
 * (Monday to Sunday) of q's range, or the REPORT_HTML_WEEKS weeks up to
 * q->now when q->since is 0. Each week's figures are report_run's for that
 * week. POISE_USAGE past REPORT_HTML_WEEKS_MAX weeks.
 */
#define REPORT_HTML_WEEKS     12
#define REPORT_HTML_WEEKS_MAX 104
enum poise_status report_write_html(struct store *st, const struct report_query *q, FILE *out,
				    struct poise_error *err);

/*
 * The written field key (its CSV column and JSON member: "escalation_pct",
 * "handle_avg_s", "qa_score_pct", "stage_calm_avg_s", ...) of column f, as
 * every writer gives it: rounded as written (whole seconds, a per cent to
 * one decimal, a mood to two), so a page that draws it shows the report's
 * own number. 0, *v untouched: no value (nothing to divide by), or no such
 * field.
 */
int report_field(const struct report_figures *f, const char *key, double *v);
/*
 * The same field as the table writes it for people, into buf: "33.3%" (the
 * locale's decimal point), "4:05", "12", and "-" when it has no value.
 * 0 when there is no such field (buf then "-").
 */
int report_field_text(const struct report_figures *f, const char *key, char *buf, size_t size);

/* "table" / "csv" / "json" to a format; -1 when unknown. */
int report_format_from_name(const char *name);

/* Rounding used by every writer: half away from zero. */
int64_t report_div_round(int64_t num, int64_t den);

#endif
