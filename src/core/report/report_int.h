/*
 * report_int.h - what the report_*.c files share and nobody else sees.
 *
 * report.c reads the calls and sums them into accumulators; report_call.c
 * folds one call into its figures and packs them to keep; report_repeat.c
 * remembers recent customer references; report_lines.c orders and writes
 * the per-line figures; report_out.c writes the per-agent figures.
 */
#ifndef POISE_REPORT_INT_H
#define POISE_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "poise/text.h"
#include "poise/call.h"
#include "poise/report.h"

struct cause_count {
	char id[FIELD_CAUSE_ID_SIZE];
	long calls;
};

/* One column while the report runs: the figures and every cause seen. */
struct acc {
	struct report_figures f;
	struct cause_count *causes;
	size_t ncauses, cap;
	struct report_criterion *crit; /* QA criteria, by id */
	size_t ncrit, critcap;
	char **scenarios; /* report --practice: the scenario ids rehearsed, each once */
};

/* report.c: the column of agent, made (in name order) when new; NULL: out of memory. */
struct acc *agent_acc(struct report *r, const char *agent);

/* report_qa.c: add the QA scores of the calls q selects to r's columns. */
enum poise_status report_qa_add(struct report *r, struct store *st, const struct report_query *q,
				struct poise_error *err);

struct line_acc {
	long used, skipped, skip_reason[SKIP_COUNT];
	struct report_mood_after said, base; /* base: report_lines_add_call */
};

/* One playbook, by hash: parsed once, with its lines' figures. */
struct pb_entry {
	char hash[FIELD_HASH_SIZE];
	struct playbook *pb; /* NULL when its text is missing or does not load */
	long calls;	     /* closed calls under it */
	long stage_shown[STAGE_COUNT];
	struct line_acc *lines[STAGE_COUNT][SECTION_COUNT]; /* one per item */
};

struct line_ref {
	size_t pb;
	int stage, section;
	size_t index;
};

struct report {
	struct acc all;
	struct acc *agents; /* sorted by name */
	size_t nagents, agents_cap;
	struct pb_entry *pbs;
	size_t npbs, pbs_cap;
	long damaged;
	struct line_ref *lines; /* built by report_lines_index */
	size_t nlines;
	int repeat_days;
	int utc;
	int practice; /* rehearsals only (report --practice) */
	int64_t since, until;
	const char *agent_filter, *playbook_filter; /* copies, owned */
};

/* report_call.c: one call's part of a report. */

/* A SAID or SKIP of a call. */
struct line_ev {
	int64_t t;
	int stage, section, index;
	int skip;   /* -1 for SAID, else the skip reason */
	int mood;   /* mood when said; 0 = not set */
	int sample; /* 1 once a MOOD within the window resolved it */
	int change;
	int done; /* resolved, with or without a sample */
};

/* A FOLLOWUP of a call: its date ("" when none) and when it was done (0: not). */
struct fu_ev {
	int64_t seq;
	char due[11];
	int64_t done_at;
};

/*
 * All a closed call adds to a report but what may change after it: the
 * follow-ups' done_at (filled in when summed) and repeat contacts.
 */
struct call_figs {
	struct report_figures one; /* this call alone; no top causes, repeats, follow-ups */
	unsigned visited;	   /* stages visited, 1 << stage */
	char cause[FIELD_CAUSE_ID_SIZE];		   /* "" when none */
	struct line_ev *lev;
	size_t nlev, levcap;
	struct fu_ev *fu;
	size_t nfu, fucap;
};

/* Folding one call's events, in seq order, into its figures. */
struct call_fold {
	struct call_state cs;
	struct call_figs figs;
	int refused; /* call_check refused an event: the call is damaged */
	int64_t last_seq;
	int oom; /* call_fold_scan ran out of memory */
};

enum poise_status call_fold_begin(struct call_fold *cf, const struct playbook *pb);
/* 0 folded, 1 refused (the call is damaged: stop), -1 out of memory. */
int call_fold_event(struct call_fold *cf, const struct event *ev, int64_t done_at);
/* call_fold_event as a scan_event_fn on a struct call_fold; stops on a refusal or oom. */
int call_fold_scan(void *cf, const struct event *ev, int64_t done_at);
/* Done or interrupted, and nothing refused. */
int call_fold_closed(const struct call_fold *cf);
/* Fill cf->figs.one and the rest from the folded state (a closed call); 0: out of memory. */
int call_fold_end(struct call_fold *cf);
void call_fold_free(struct call_fold *cf);
void call_figs_free(struct call_figs *f);

/* Pack f (malloc'd); 0 when out of memory. */
int call_figs_pack(const struct call_figs *f, unsigned char **out, size_t *len);
/*
 * Unpack into f (its arrays reused) what call_figs_pack made, checking
 * every count and line index against pb: 1 good, 0 not a valid packing
 * (fold the call instead), -1 out of memory.
 */
int call_figs_unpack(struct call_figs *f, const struct playbook *pb, const void *blob, size_t len);

/* report_repeat.c: customer references seen within a sliding window. */
struct repeat_window;
struct repeat_window *repeat_new(int64_t window_ms);
void repeat_free(struct repeat_window *w);
/*
 * Record a call of ref at t (calls come in start order) and say whether
 * the same ref had a call in [t - window, t]: 1 yes, 0 no, -1 out of memory.
 */
int repeat_seen(struct repeat_window *w, const char *ref, int64_t t);

/* report_lines.c */
enum poise_status report_lines_index(struct report *r);
/* Add one closed call's said samples and baselines to e's lines. */
void report_lines_add_call(struct pb_entry *e, const struct call_figs *f);

/*
 * Write r (a report, or a calibration) in fmt with its table, csv or json
 * writer, each void WRITER(r, FILE *out): POISE_OK, or POISE_IO with err
 * set when out has seen an error.
 */
#define REPORT_WRITE_AS(r, out, fmt, table, csv, json, err)                                        \
	((fmt) == REPORT_CSV ? csv(r, out) : (fmt) == REPORT_JSON ? json(r, out) : table(r, out),  \
	 report_written(out, err))
/* report_out.c: POISE_OK, or POISE_IO with err set when out has seen an error. */
enum poise_status report_written(FILE *out, struct poise_error *err);

#endif
