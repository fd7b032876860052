/*
 * report_int.h - what the report_*.c files share and nobody else sees.
 *
 * report.c reads and folds the calls into accumulators; report_repeat.c
 * remembers recent customer references; report_lines.c orders and writes
 * the per-line figures; report_out.c writes the per-agent figures.
 */
#ifndef POISE_REPORT_INT_H
#define POISE_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "poise/report.h"

struct cause_count {
	char id[65];
	long calls;
};

/* One column while the report runs: the figures and every cause seen. */
struct acc {
	struct report_figures f;
	struct cause_count *causes;
	size_t ncauses, cap;
};

struct line_acc {
	long used, skipped, skip_reason[SKIP_COUNT];
	long mood_samples, mood_change_sum;
};

/* One playbook, by hash: parsed once, with its lines' figures. */
struct pb_entry {
	char hash[65];
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
	int64_t since, until;
	const char *agent_filter, *playbook_filter; /* copies, owned */
};

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

/* report_out.c: shared number formatting. */
void report_json_str(FILE *out, const char *s);
void report_csv_field(FILE *out, const char *s, int last);

/* One report shape (per agent or per line) in one format. */
typedef void report_writer(const struct report *r, FILE *out);
/* Write r with the writer fmt names; nonzero when out has seen an error. */
int report_write_as(const struct report *r, FILE *out, enum report_format fmt,
		    report_writer *table, report_writer *csv, report_writer *json);

#endif
