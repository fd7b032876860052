/*
 * callscreen.h - the live call screen's own state and entry points.
 *
 * Owns: struct callscr, what the call screen keeps between its draws and
 * keys (the line selected, how the stage is scrolled, its last frame). The
 * call itself is the fold's (ui->cs): nothing of it is copied here. Only
 * callscreen.c, calllayout.c and the files that show the call screen
 * (session.c, preview.c) include this.
 */
#ifndef POISE_UI_CALLSCREEN_H
#define POISE_UI_CALLSCREEN_H

#include <stdint.h>

#include "ui/app.h"

/*
 * The call screen's fixed words, asked of gettext once (about 1.7 k
 * instructions a string; a frame asked for 58): the stage and section
 * titles, the header's, the footer's rows at this size. Made at the first
 * draw (gettext is set up by then) and again when the size, the preview
 * or the language (LC_MESSAGES) changes (calllayout.c). The call_view's
 * words (app.h).
 */
struct callscr_words {
	int lines, cols, preview; /* made for this size; cols 0: not made yet */
	char locale[64];	  /* setlocale(LC_MESSAGES, NULL) when made */
	const char *title[STAGE_COUNT];
	int title_cols[STAGE_COUNT];
	int strip_cols; /* every title whole, with its mark and gap */
	const char *section[SECTION_COUNT];
	const char *said;				 /* a line's tail once said */
	const char *head_full, *head_compact, *hold_full, *hold_compact, *ref, *agent;
	struct footer footer; /* the keys, laid out for this size */
};

/*
 * One call screen's view, given as the screen's ctx to its draw and keys.
 * Zeroed, it shows the current stage from the line the fold says the agent
 * was at (callscr_place) at its next draw.
 */
struct callscr {
	int sel;	       /* selected item of the current stage */
	int sel_stage;	       /* the stage sel belongs to */
	struct list_view body; /* the stage's lines, scrolled */
	int body_stage;	       /* the stage body shows, + 1 (0 none); another resets its scroll */
	int warn_shown;	       /* the warning w highlighted, not yet logged; 0 none */
	/*
	 * What the last key did that u takes back other than by an UNDO (not a
	 * mark, or an UNDO itself): LAST_PACER started the pacer, LAST_UNMARK
	 * took a line's mark back (Space), kept in unmark to put it back.
	 */
	enum { LAST_OTHER, LAST_PACER, LAST_UNMARK } last;
	struct event unmark; /* LAST_UNMARK: the SAID or SKIP taken back (text: a reason key) */
	/* Its last frame (calllayout.c): the loop's frame number (0 none) and the size. */
	uint64_t frame;
	int lines, cols;
	int kept;	   /* this draw starts from the last frame, still on screen */
	uint64_t body_sig; /* the body as last drawn */
	unsigned strip;	   /* the stage strip as last drawn (stage, visited); 0 none */
	struct callscr_words words;
};

/* The screen; its ctx is a struct callscr. */
extern const struct screen call_screen;
/* callscreen.c: the footer's keys, laid out in at most maxlines rows. */
void callscr_footer(struct ui *ui, struct footer *f, int maxlines);
/*
 * Select the line the fold says the agent was at in the current stage
 * (call_stage_place), the first when none: a stage is shown from there.
 */
void callscr_place(struct ui *ui, struct callscr *c);
/* calllayout.c: draw the call screen (ctx: its struct callscr). */
void callscr_draw(struct ui *ui, void *ctx);

#endif
