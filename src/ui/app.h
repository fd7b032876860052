/*
 * app.h - what the UI's files share: the session state, the screen stack,
 * the main loop, key tables and the drawing helpers.
 *
 * Owns: struct ui (one live session: store, playbook, the open call and what
 * the screen shows of it). Does not own: any call logic (call.h, rules.h) or
 * SQL (store.h, store_ready.h). Only src/ui includes this.
 */
#ifndef POISE_UI_APP_H
#define POISE_UI_APP_H

#include <signal.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "poise/call.h"
#include "poise/calllock.h"
#include "poise/event.h"
#include "poise/i18n.h"
#include "poise/limits.h"
#include "poise/pbpath.h"
#include "poise/playbook.h"
#include "poise/store.h"
#include "poise/store_ready.h"
#include "poise/words.h"
#include "ui/curses.h"
#include "ui/ui.h"

/* What a key handler tells the loop (HELP: show the screen's key help). Only the loop redraws. */
enum { HANDLED = 1 << 0, REDRAW = 1 << 1, QUIT = 1 << 2, HELP = 1 << 3 };

/* Keys: a wide character as is, a curses key code (KEY_*) tagged with UI_KEYF. */
#define UI_KEYF	 0x40000000
#define KF(code) (UI_KEYF | (code))
#define KEY_ESC	 27
/* A character that came in a paste: text for an editor, never a key (loop.c). */
#define UI_PASTED 0x20000000
/* Input this close behind a key is part of the same burst (a paste), loop.c. */
#define UI_BURST_MS 10
/* Bracketed paste: the terminal frames a paste in ESC[200~ ... ESC[201~ (term.c). */
#define UI_PASTE_BEGIN (KEY_MAX + 1)
#define UI_PASTE_END   (KEY_MAX + 2)
#define TERM_PASTE_ON  "\033[?2004h"
#define TERM_PASTE_OFF "\033[?2004l"

#define UI_MIN_W   40
#define UI_MIN_H   12
#define UI_FULL_W  80
#define UI_FULL_H  24
#define UI_TICK_MS 200
/* In the new-caller form, an Enter this soon after another is a repeat (caller.c). */
#define UI_ENTER_REPEAT_MS 300

/* Attribute roles; term.c maps them to colour or plain attributes (NO_COLOR). */
enum ui_role {
	R_NORMAL,
	R_HEADER,
	R_TITLE,
	R_STAGE_CUR,
	R_STAGE_SEEN,
	R_SECTION,
	R_SELECTED,
	R_DIM,
	R_KEY,
	R_PROMPT,
	R_ERROR,
	R_WARN,
	R_DONE,
	R_COUNT
};

struct ui;

/*
 * What a key does on a screen: the flags above (0: not its key). A function
 * type, not a pointer, so a screen declares its handlers in one line
 * (static key_fn a, b;) and defines each as usual.
 */
typedef int key_fn(struct ui *ui, void *ctx, int key);

/*
 * One screen or overlay: draw it, handle a key, optionally act every tick.
 * A screen that keeps its frame, drawn alone, is drawn over its last frame
 * (ui_frame_left) and clears what it changes itself; any other frame
 * starts from a blank screen.
 */
struct screen {
	const char *name;
	void (*draw)(struct ui *ui, void *ctx);
	key_fn *key;
	int (*tick)(struct ui *ui, void *ctx, int64_t now);
	int keeps_frame;
};

/* One entry of a key table: up to 6 keys, the footer label, a help line. */
struct keybind {
	int keys[6];
	const char *label;
	const char *brief;
	const char *help;
	key_fn *fn;
};
#define KEYS(...)                                                                                  \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}
/*
 * A key table is one list, K(fn, keys, label, brief, help) a row, made into
 * rows by KEY_ENTRY: static const struct keybind t[] = {T_KEYS(KEY_ENTRY)};
 */
#define KEY_ENTRY(fn, keys, label, brief, help) {keys, label, brief, help, fn},

/*
 * A screen's keys: its table, the title of its help (N_()), and what a key
 * of it does to the banner first: BANNER_KEEP nothing, BANNER_NOTE a note
 * goes (an error stays until the next good action), BANNER_ANY it goes.
 */
enum keymap_banner { BANNER_KEEP, BANNER_NOTE, BANNER_ANY };
struct keymap {
	const char *help_title;
	const struct keybind *keys;
	size_t n;
	enum keymap_banner banner;
};

#define UI_STACK_MAX 8

/*
 * Where a list is scrolled to, kept by its screen between draws. The list
 * scrolls by wrapped rows, so every row of every item can be reached; when
 * rows are hidden above or below, a marker row says how many ("▲ 3 more
 * lines above"), taking a row of its own, never one of text.
 */
enum { LIST_JUMP = 1, LIST_STEP = 2 };
struct list_view {
	int top;    /* the first row shown */
	int sel;    /* the item highlighted, -1 none */
	int follow; /* set when sel moved: the next draw scrolls the least that shows it, */
		    /* LIST_STEP: by a page at most, so no row is passed unseen */
	/* Filled by each draw, for the keys. */
	int rows, page;		  /* rows of the whole list; rows of text shown */
	int sel_above, sel_below; /* sel is (partly) out of view above, below */
};

/* Who the next call is with, as the agent typed it; "" when not given. */
struct caller {
	char customer[128];
	char ref[128];
};

struct ui {
	const struct call_opts *opts;
	struct store *st;
	struct pbpath pp;
	struct playbook *pb;	  /* playbook for the next call */
	struct playbook *call_pb; /* playbook of the open call (may be pb) */
	/* The file of pb as last looked at, to notice a trainer's save (ready.c). */
	struct {
		struct pbpath_watch w;
		int64_t checked; /* when, ms */
	} pb_file;

	/* What a session's start read ahead (session.c); session_unfinished() takes it once. */
	struct ready_start ready;
	int ready_read;

	/* The open call, if any. */
	int in_call;
	int start_held;	  /* its START waits for its COMMIT: settled after the first frame */
	int start_failed; /* that COMMIT failed: the call was never recorded (session.c) */
	int preview; /* `poise preview`: a walk with no database, nothing logged (preview.c) */
	struct call_lock *lock; /* the open call is ours while we hold it (calllock.h) */
	struct call_meta meta;
	struct call_state cs;

	/* Banner under the body: an error stays until the next good action. */
	char banner[320];
	int banner_error;
	/* What the last key waits for while the screen is too small (ui_wait_larger). */
	char waiting[96];

	/* A rehearsal's scripted customer (rehearse.c); NULL in a real call. */
	struct rehearsal *rh;
	int rh_busy;		/* its own MOOD is being logged: no reaction to it */
	char customer_line[640]; /* what the customer said last, as shown */

	/* The list a question or the line editor stands over: the pager keys scroll it. */
	struct list_view *under_view;

	/* Loop. */
	const struct screen *stack[UI_STACK_MAX];
	void *ctx[UI_STACK_MAX];
	int depth;
	int64_t last_sec;
	int cur_y, cur_x; /* where the cursor goes; -1 = hidden */
	uint64_t frames; /* frames drawn (loop.c), the first is 1 */
	int stopping;	  /* a signal ended the session */
	int enter_guard;  /* the new-caller form is open: repeated Enters are ignored */
	int64_t last_enter;
	int exit_code;
	int color;
	int utf8;

	/* The background sync (bgsync.c). */
	pid_t sync_pid;	     /* the running `poise sync`, 0 none */
	int64_t sync_at;     /* when it was started */
	int64_t sync_before; /* the last recorded outcome's time when it started */
	int sync_again;	     /* a call ended while it ran: once more after it */
	int sync_failed;     /* the last outcome was a failure: retried */
	int64_t sync_wait;   /* how long after the last try the next retry starts (0: not failing) */
	int sync_off;	     /* no server configured: never tried again this session */
	int sync_news;	     /* one finished since the ready screen last looked */
	char pub_seen[FIELD_HASH_SIZE];   /* the newest published playbook already taken or passed over */
};

/*
 * term.c, for plain mode (plain.c): no curses; stdin in raw mode when it is
 * a terminal (single keys, no echo, output untouched), the same signal
 * flags as the call screen (term_signal), the modes put back by stop and
 * by a fatal signal.
 */
void term_plain_start(void);
void term_plain_stop(void);
/* term.c: the terminal, attributes, signals, the clock. */
/* Before anything is touched: -1 with err saying why when we cannot drive this terminal. */
int term_check_err(struct poise_error *err);
int term_start_err(struct ui *ui, struct poise_error *err);
void term_stop(void);
void term_keys(void); /* the function keys, once, before the first key is read */
void term_paste(int on); /* bracketed paste on or off */
attr_t ui_attr(const struct ui *ui, enum ui_role role);
int term_signal(void); /* the pending signal number, 0 when none */
int64_t ui_now(void);

/* loop.c: the screen stack, the main loop and recording events. */
void ui_push(struct ui *ui, const struct screen *scr, void *ctx);
void ui_pop(struct ui *ui);
/* Run the top screen until a handler returns QUIT or a signal stops the session. */
void ui_run(struct ui *ui);
/* 1 when this frame was not erased: the top screen keeps its frame and is drawn alone. */
int ui_frame_left(const struct ui *ui);
int ui_record(struct ui *ui, struct event *ev);
/*
 * What the clock does to the open call, each tick of any face (the call
 * screen, plain mode): the side log retried once a second, the coaching
 * prompts due fired through ui_record. REDRAW when something changed.
 */
int ui_call_tick(struct ui *ui, int64_t now);
void ui_set_banner(struct ui *ui, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ui_too_small(void);
/* Enter, however the terminal sends it (CR, LF, the keypad's). */
int ui_is_enter(int key);
/*
 * A key that must not act unseen (it ends or answers something, or opens
 * what has to be read), pressed while the screen is too small: it does
 * nothing, and the too-small line says that `what` ("x end call",
 * "answering") waits for a larger window. Returns REDRAW | HANDLED. The
 * next key or a resize forgets it; the same key works once the window is
 * large enough.
 */
int ui_wait_larger(struct ui *ui, const char *what);
int ui_compact(void);

/* edit.c: the line editor and one-key questions, as overlays. */
/*
 * A line's check, run on Enter: POISE_OK takes the text; anything else
 * keeps the editor open with why's message above the field. ctx is the
 * caller's own state, read only (the day "today" names, a form's limits), given back
 * as it was passed: no check keeps anything of its own between questions.
 */
typedef enum poise_status (*ui_check_fn)(const void *ctx, const char *text,
					 struct poise_error *why);
/*
 * Ask a line of at most max characters that fits out's size bytes with its
 * NUL (LIMIT_BYTES of limits.h always does); returns 1 saved (out filled,
 * UTF-8), 0 cancelled. check may be NULL. The editor shows the room
 * left and refuses a character more with a word: it never cuts.
 */
int ui_edit_text(struct ui *ui, const char *label, size_t max, char *out, size_t size,
		 ui_check_fn check, const void *ctx);
/*
 * The same for a note: when a signal stops poise while the note is half
 * typed (the terminal closed, SIGHUP), returns 2 with what was typed in
 * out, so the call keeps it before it is closed as interrupted.
 */
int ui_edit_note(struct ui *ui, const char *label, size_t max, char *out, size_t size);
/* The same, as many characters as fit size. */
int ui_edit_line(struct ui *ui, const char *label, char *out, size_t size, ui_check_fn check,
		 const void *ctx);
/* Ask one key among `keys` (a string of ASCII keys); returns it, or 0 on Esc when allowed. */
int ui_ask_key(struct ui *ui, const char *question, const char *keys, int esc_ok);
/* 1 when scr is the line editor: the one screen that takes pasted text. */
int ui_takes_paste(const struct screen *scr);
/*
 * Rows at the bottom that the question or the line editor on top of the
 * stack takes (0 when neither is open), so the screen beneath draws above
 * them. While one is open, Up/Down/PgUp/PgDn scroll ui->under_view, if set.
 */
int ui_overlay_rows(const struct ui *ui);

/* draw.c: the one way to draw text, lists, footers and help. */
struct list_item {
	const char *mark; /* prefix, e.g. "[x]" or "*"; may be NULL */
	const char *text; /* UTF-8, wrapped */
	const char *tail; /* dim suffix, e.g. "(skipped: wrong scenario)"; may be NULL */
	attr_t attr;
	int selectable;
};
int draw_text(struct ui *ui, int y, int x, int w, int maxlines, attr_t attr, const char *utf8);
int draw_text_height(int w, const char *utf8);
/* The columns utf8 takes on screen (wcwidth), for layouts of translated text. */
int draw_cols(const char *utf8);
/* utf8's first line, cut at cols columns (never inside a character), no wrapping. */
void draw_cut(int y, int x, int cols, attr_t attr, const char *utf8);
/* label and spaces up to cols columns (one at least), into buf; returns buf. */
char *draw_pad(char *buf, size_t size, const char *label, int cols);
/* A table's N_() string translated where it is drawn; "" and NULL stay as they are. */
const char *ui_tr(const char *msgid);
void draw_list_view(struct ui *ui, int y, int x, int w, int h, const struct list_item *items,
		    size_t n, struct list_view *v);
/* A list drawn afresh: scrolled the least that shows sel. */
void draw_list(struct ui *ui, int y, int x, int w, int h, const struct list_item *items, size_t n,
	       int sel);
/*
 * A list built afresh for one draw: it grows as needed and owns the texts
 * given to it. A line that cannot be added (out of memory) is not dropped
 * in silence: the draw says so on its last row.
 */
struct list_build {
	struct list_item *items;
	size_t n, cap;
	char **owned;
	size_t nowned, owned_cap;
	int nomem;
};
/* Add a line (text NULL: out of memory, noted); NULL when it could not be added. */
struct list_item *list_add(struct list_build *b, const char *mark, const char *text, attr_t attr,
			   int selectable);
/* Keep s (malloc'd) until list_build_free and return it; NULL (s freed) when out of memory. */
char *list_own(struct list_build *b, char *s);
void list_build_draw(struct ui *ui, int y, int x, int w, int h, struct list_build *b,
		     struct list_view *v);
void list_build_free(struct list_build *b);
/* The pager keys of a list: Down/j, Up/k, PgDn/Space, PgUp, g/Home, G/End; REDRAW or 0. */
int list_view_key(struct list_view *v, int key);
/*
 * Up/Down (j/k) move *sel among a list's n selectable items, the list
 * scrolling with it: a selected item out of view is scrolled to first, and
 * past the first or last one the list scrolls on, so every row of it can
 * be read; any other key (n 0: every key) is list_view_key's. REDRAW or 0.
 */
int list_select_key(struct list_view *v, int *sel, int n, int key);
/*
 * A footer of keys, laid out once (footer_layout: each key's label and brief
 * translated and measured once) and drawn from that as often as needed
 * (footer_draw). Keys past maxlines lines, or past FOOTER_MAX, are left out
 * of it (the help lists every key).
 */
#define FOOTER_MAX 32
struct footer {
	struct footer_key {
		const char *label, *brief; /* translated */
		int line, col, label_cols;
	} key[FOOTER_MAX];
	size_t n;
	int lines; /* the rows it takes */
};
void footer_layout(struct footer *f, const struct keybind *keys, size_t n, int maxlines);
void footer_draw(struct ui *ui, int y, const struct footer *f);
/* Both at once, at y (y < 0 only measures); the rows taken. */
int draw_footer(struct ui *ui, int y, int maxlines, const struct keybind *keys, size_t n);
/* Full screen, scrolled with the pager keys (but Space); any other key closes. */
void ui_pager(struct ui *ui, const char *title, const struct list_item *items, size_t n);
/* As ui_pager, but only Enter (1) or q or Esc (0) closes it; the footer reads ask (its keys). */
int ui_pager_ask(struct ui *ui, const char *title, const struct list_item *items, size_t n,
		 const char *ask);
/* The help of a key table, as a pager. */
void ui_help(struct ui *ui, const char *title, const struct keybind *keys, size_t n);
void draw_fill(int y, attr_t attr);
/*
 * Banners, one rule for every screen: a banner (or a screen's own error
 * line) is never cut at the screen's edge. It wraps onto as many rows as
 * it takes, up to `most`, the last on row `last`, over whatever was drawn
 * there (the list screens draw it after their body, which it covers until
 * the next key; the call screen lays its body out above it, asking
 * draw_banner_rows first). An error is in the error colour across the
 * width. Returns the rows taken, 0 for no text.
 */
#define DRAW_BANNER_MOST 3 /* the rows a list screen gives a long banner */
int draw_banner_rows(const char *text, int most);
int draw_banner(struct ui *ui, int last, int most, const char *text, int error);
void draw_pacer(struct ui *ui, int y, int x, int w, int64_t elapsed_ms);
/* The one line of a too-small screen: the notice, or what a key waits for (ui_wait_larger). */
void draw_too_small(const char *waiting);
/* A title bar and a wrapped text (with newlines); the base for questions. */
struct panel {
	const char *title;
	const char *text;
};
extern const struct screen panel_screen;
const struct keybind *keymap_find(const struct keybind *keys, size_t n, int key);
/*
 * A screen's key handler: the row of km that has key runs with ctx, its
 * flags and HANDLED returned (HELP: km's help shown, REDRAW); 0 when no
 * row has key.
 */
int keymap_key(struct ui *ui, const struct keymap *km, void *ctx, int key);
/* Rows any table may have: the table's help (HELP), leaving the screen (QUIT). */
key_fn key_help, key_quit;
/* The open call's line with names filled in (fill.h); malloc'd, NULL when out of memory. */
char *ui_fill(const struct ui *ui, const char *text);
const char *ui_customer(const struct ui *ui);

/*
 * What a view of a call draws from: the fold, the playbook it was folded
 * under, the names filled into its lines, and the view's own marks. The
 * live call screen and review's replay draw a call through the same
 * functions (calllayout.c), so the replay shows what the agent saw.
 */
struct callscr_words;
struct call_view {
	const struct call_state *cs;
	const struct playbook *pb;
	const char *customer, *agent; /* {customer}, {agent}; "" when none */
	int sel;		      /* the selectable line highlighted; -1 none */
	int warn_shown;		      /* the warning highlighted, not yet logged; 0 none */
	/* The call screen's titles, translated once (callscreen.h); NULL: asked of gettext. */
	const struct callscr_words *words;
};
/* The current stage's lines as the call screen shows them, into b; sel's index in b, -1 none. */
int callview_stage(struct ui *ui, const struct call_view *v, struct list_build *b);
/* The pending coaching prompt's whole line at now (malloc'd); NULL when none. */
char *callview_prompt(struct ui *ui, const struct call_view *v, int64_t now);
/* The open call as a view, no line highlighted (calllayout.c). */
struct call_view ui_call_view(const struct ui *ui);
/* The open call's coaching prompt as the call screen shows it (malloc'd); NULL when none. */
char *callscr_prompt_text(struct ui *ui);

/*
 * bgsync.c: `poise sync` as a child process, never waited for. Start one
 * (after a call; when one runs, once more after it); poll each tick: 1
 * when one has just finished (the ready screen reads its outcome again).
 */
#define BGSYNC_RETRY_FIRST_MS 2000
#define BGSYNC_RETRY_MS	      30000
void bgsync_start(struct ui *ui);
int bgsync_poll(struct ui *ui, int64_t now);

/* wrapup.c, ready.c, session.c (the call screen: callscreen.h) */
int wrapup_run(struct ui *ui);
int ready_run(struct ui *ui, struct caller *next); /* 1 next call (next filled), 0 quit */
void breather_run(struct ui *ui);
int session_start_call(struct ui *ui, const struct caller *c);
/*
 * The new call's START made durable (its COMMIT, left open so the first
 * frame is drawn during the fsync): ui_run calls it once that frame is on
 * the terminal, before the first key is read. -1 when it failed (the call
 * was not recorded; ui->start_failed, the banner says why).
 */
int session_settle(struct ui *ui);
/* The playbook and the database, before any screen (session.c); -1 with err. */
int session_open(struct ui *ui, struct poise_error *err);
/* The end of a session: the open call's lock, the database, the playbooks, ui itself. */
void session_close(struct ui *ui);
/* A signal stopped the session: the open call closed as interrupted; the exit code. */
int session_interrupt(struct ui *ui, int signo);
/* caller.c: ask the next caller's name and reference; 1 to start, 0 when Esc. */
int caller_ask(struct ui *ui, struct caller *c);
/* caller.c: 1 when key is an Enter to ignore as a repeat while the form is open. */
int ui_enter_repeat(struct ui *ui, int key);
int session_resume(struct ui *ui); /* resume.c: the unfinished call, if any */
enum { UNF_NONE, UNF_READY, UNF_BROKEN };
int session_unfinished(struct ui *ui, int *busy, struct call_meta *other, char *why,
		       size_t size);
int session_resume_call(struct ui *ui);
void session_close_unfinished(struct ui *ui, int ready);
/*
 * rehearse.c: the scripted customer answers the agent's event ev (NULL: a
 * tick of the clock at now); REDRAW when they spoke.
 */
int rehearse_react(struct ui *ui, const struct event *ev, int64_t now);
/* The call's screen and wrap-up until its outcome is saved; -1 when stopping. */
int session_talk(struct ui *ui);
void session_end_call(struct ui *ui);

#endif
