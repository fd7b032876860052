/*
 * pbcheck.h - what `poise lint` warns about beyond the format: guidance that
 * will not serve an agent on a live call.
 *
 * Owns: the arithmetic of the call screen's layout at a given size (what
 * fits without scrolling), and the warnings of a loaded playbook: a stage
 * whose lines do not fit 80x24 in the order they are written, a coaching
 * prompt that does not fit one 80-column line with its key hint, a
 * threshold without a reason (`why:`, `timebox-why:`), an escalation prompt
 * that fires before the listen stage's time to vent is up, an `ask` line
 * that asks more than one question, a line longer than PBCHECK_ITEM_MAX
 * characters, a stage with no line to say (boundary's are its warnings), a
 * stage-timebox rule that can never fire (no timebox where it watches), two
 * causes an agent cannot tell apart (the same label).
 * Does not own: drawing (src/ui/calllayout.c, which this module mirrors:
 * header, stage strip, a blank row, the goal in at most two rows, a blank
 * row, the stage's items, the prompt row, a footer of FIT_FOOTER_ROWS; the
 * key hints come from ACTION_LIST in playbook.h, which the screen uses too),
 * or printing (the CLI). Pure: no curses, no locale; widths are counted per
 * code point, East Asian wide characters as two columns.
 */
#ifndef POISE_PBCHECK_H
#define POISE_PBCHECK_H

#include <stddef.h>

#include "poise/playbook.h"

#define PBCHECK_ITEM_MAX 90 /* characters in one line of guidance, read at a glance */
#define FIT_COLS	80
#define FIT_ROWS	24
#define FIT_FOOTER_ROWS 3 /* the most the call screen gives its keys (calllayout.c) */
/* Names the layout is measured with: a longish customer name, a short agent name. */
#define FIT_CUSTOMER "Alex Morgan-Lee"
#define FIT_AGENT    "Jordan"

/* Columns of utf8 on one line; rows it takes wrapped at width, as draw.c wraps (>= 1). */
int fit_text_cols(const char *utf8);
int fit_text_rows(const char *utf8, int width);

/* How a stage lays out on a cols x rows call screen. */
struct fit_stage {
	int need; /* rows of the stage's items, every line shown */
	int have; /* rows the screen has for them */
	/* The first line below the fold: section (-1 for the boundary warnings), index. */
	int out_section;
	size_t out_index;
	const char *out_text; /* that line as written; NULL when all fit */
};

void fit_stage(const struct playbook *pb, enum stage s, int cols, int rows, struct fit_stage *out);

/* Columns a rule's prompt line needs: marker, key hint and the filled message. */
int fit_prompt_cols(const struct pb_rule *r);

/* One warning: where (0:0 when the thing was inherited) and what. */
typedef void (*pbcheck_fn)(void *ctx, struct pb_pos at, const char *msg);

/* Call fn for each warning about pb (loaded and resolved); return how many. */
size_t pbcheck_run(const struct playbook *pb, pbcheck_fn fn, void *ctx);

#endif
