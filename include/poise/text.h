/*
 * text.h - outside text made safe: for a terminal, for JSON, for a
 * spreadsheet, and checked against a field's limit.
 *
 * Owns: the one rule for what may reach a terminal from data (a person, a
 * playbook, a file name, a database), the one JSON string writer and the
 * one CSV cell writer, UTF-8 validity, and checking a bounded field
 * (include/poise/limits.h) at the edges.
 * Does not own: where text goes (the callers pass a FILE * or a buffer) or
 * the screens' wrapping (src/ui/draw.c, which passes text through here).
 *
 * Unsafe, always: C0 controls (U+0000-U+001F, tab and newline included
 * unless a flag keeps them), DEL, C1 controls (U+0080-U+009F, as UTF-8 or as
 * lone bytes), the bidirectional marks, embeddings, overrides and isolates
 * (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), the line and
 * paragraph separators (U+2028, U+2029), and any byte that is not part of
 * valid UTF-8. Each becomes U+FFFD, so it is seen, not obeyed.
 *
 * Invisible, shown marked: the format characters that draw nothing and so
 * could hide in an id or a name (text_cp_invisible: soft hyphen, zero-width
 * space, word joiner, BOM, invisible operators, ...). They are data (a name
 * may hold them; the edges accept them), but a terminal shows each as
 * "<U+200B>", so two ids that look alike are told apart. The zero-width
 * joiners pass after a non-ASCII character (Persian, Indic scripts, emoji
 * families need them), and tags after an emoji (flags).
 */
#ifndef POISE_TEXT_H
#define POISE_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "poise/status.h"

enum text_flags {
	TEXT_KEEP_NEWLINE = 1 << 0, /* '\n' passes (multi-line notes on screens) */
	TEXT_KEEP_TAB = 1 << 1,	    /* '\t' passes */
	TEXT_RIGHT = 1 << 2,	    /* text_fput_cell: pad on the left */
	TEXT_ELLIPSIS = 1 << 3,	    /* text_fput_cell: a cut ends in "..." */
	TEXT_NO_PAD = 1 << 4,	    /* text_fput_cell: cut, never padded (a last column) */
	TEXT_KEEP_FORMAT = 1 << 5,  /* invisible format characters pass (CSV data) */
};

/* How an invisible format character is shown, and the room that takes. */
#define TEXT_MARK_FORMAT "<U+%04X>"
#define TEXT_MARK_MAX	 16

/* What an unsafe character becomes: U+FFFD REPLACEMENT CHARACTER. */
#define TEXT_REPLACEMENT "\xef\xbf\xbd"

/*
 * Length of the valid UTF-8 sequence at s (n bytes left; shortest form, no
 * surrogates, at most U+10FFFF), 0 when invalid. *cp gets the code point.
 */
size_t text_utf8_len(const char *s, size_t n, unsigned *cp);

/* 1 when code point cp must never reach a terminal (see above). */
int text_cp_unsafe(unsigned cp, int flags);

/* 1 when code point cp (after prev, 0 at the start) draws nothing and is shown marked. */
int text_cp_invisible(unsigned cp, unsigned prev);

/*
 * Copy s, made safe, into dst (size bytes, always NUL-terminated, never cut
 * inside a character). Returns the length the whole safe copy needs, like
 * snprintf. NULL s is "".
 */
size_t text_safe(char *dst, size_t size, const char *s, int flags);

/* Write s made safe to out; NULL writes nothing. */
void text_fput(FILE *out, const char *s, int flags);

/*
 * The terminal columns of code point cp, as wcwidth gives them in a UTF-8
 * locale but without reading one: 2 for CJK, kana, hangul, fullwidth forms
 * and the emoji blocks, 0 for a combining mark or a zero-width space, else 1.
 */
int text_cp_columns(unsigned cp);

/* The terminal columns valid UTF-8 s takes (text_fput_cell's count); NULL is 0. */
int text_columns(const char *s);

/*
 * s made safe in a column of exactly width columns: cut at a character
 * (ending in "..." with TEXT_ELLIPSIS), padded with spaces (before it with
 * TEXT_RIGHT). Width is in terminal columns: a CJK character takes two, a
 * combining mark none.
 */
void text_fput_cell(FILE *out, const char *s, int width, int flags);

/* 1 when s has no unsafe character (invisible ones are data: text_safe marks them). */
int text_is_safe(const char *s, int flags);

/*
 * s as a JSON string, or null for NULL. Lossless: control, C1,
 * bidirectional and invisible characters are written as \uXXXX escapes (so
 * a terminal showing the JSON obeys and hides none of them); invalid UTF-8
 * becomes \ufffd.
 */
void text_json_str(FILE *out, const char *s);

/*
 * One CSV cell (RFC 4180) and its separator (",", or CRLF when last);
 * quoted when it holds , " CR or LF. A text cell (numeric 0) that begins
 * with =, +, -, @, tab or CR is neutralised as spreadsheets expect: a
 * single quote first, inside a quoted cell, so it is never read as a
 * formula. Newlines and tabs are kept; every other unsafe character (see
 * above, CR included) becomes U+FFFD, so a CSV on a terminal obeys nothing.
 * Invisible characters are kept as they are (a spreadsheet's data).
 * Numeric cells (numeric 1) are written as they are, so -3 stays a number.
 * NULL is an empty cell.
 */
void text_csv_cell(FILE *out, const char *s, int numeric, int last);

/*
 * The last byte offset <= max at which s may be cut without splitting a
 * UTF-8 character (s is NUL-terminated).
 */
size_t text_cut(const char *s, size_t max);

/*
 * src (NULL: "") into dst of size bytes (size > 0), cut at text_cut so a
 * character is never split; how many bytes were copied.
 */
size_t text_copy(char *dst, size_t size, const char *src);

/*
 * A bounded field at an edge (command line, playbook, merge): at most max
 * bytes, valid UTF-8, no unsafe character (see above; with flags for the
 * free texts that may hold newlines). POISE_INVALID or POISE_TOO_BIG with
 * a message naming what ("customer name") and the limit.
 */
enum poise_status text_check_field(const char *what, const char *s, size_t max, int flags,
				   struct poise_error *err);

#endif
