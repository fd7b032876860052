/*
 * text.c - outside text made safe for terminals, JSON and spreadsheets.
 *
 * One walk over UTF-8 (text_utf8_len) serves every writer here, so what a
 * terminal may see is decided in one function (text_cp_unsafe).
 */
#include "poise/text.h"
#include "poise/i18n.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* A lone invalid byte, as a code point no valid sequence yields. */
#define BAD_BYTE 0xffffffffu

size_t text_utf8_len(const char *str, size_t n, unsigned *cp_out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	unsigned cp;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp_out = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	*cp_out = cp;
	return len;
}

int text_cp_unsafe(unsigned cp, int flags)
{
	if (cp == '\n')
		return !(flags & TEXT_KEEP_NEWLINE);
	if (cp == '\t')
		return !(flags & TEXT_KEEP_TAB);
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == BAD_BYTE;
}

int text_cp_invisible(unsigned cp, unsigned prev)
{
	/* The joiners shape the letters or emoji around them (Persian, Indic scripts,
	 * family emoji): part of the word after a non-ASCII character, a mark after
	 * ASCII or at the start, where they only hide. Tags spell a flag after an emoji. */
	if (cp == 0x200c || cp == 0x200d)
		return prev < 0x80;
	if (cp >= 0xe0020 && cp <= 0xe007f)
		return prev < 0x10000;
	return cp == 0x00ad || cp == 0x180e || cp == 0x200b || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	       (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
	       cp == 0xe0001;
}

/* The next character of s (n > 0 bytes left): its length; *cp is BAD_BYTE for a bad byte. */
static size_t next_cp(const char *s, size_t n, unsigned *cp)
{
	size_t len = text_utf8_len(s, n, cp);

	if (len)
		return len;
	*cp = BAD_BYTE;
	return 1;
}

size_t text_safe(char *dst, size_t size, const char *s, int flags)
{
	size_t n = s ? strlen(s) : 0, need = 0, used = 0;
	int full = size == 0;
	unsigned prev = 0; /* the character before, as it is shown; 0 for a mark */
	char mark[TEXT_MARK_MAX];

	while (n > 0) {
		unsigned cp;
		size_t len, plen, run = 0;
		const char *piece = s;

		/* A run of printable ASCII is safe as it is: copied whole, as far as it fits. */
		while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f)
			run++;
		if (run > 0) {
			size_t room = !full && size > used + 1 ? size - 1 - used : 0;
			size_t take = run < room ? run : room;

			if (take) /* dst is NULL when only measuring */
				memcpy(dst + used, s, take);
			used += take;
			if (take < run)
				full = 1;
			need += run;
			prev = (unsigned char)s[run - 1];
			s += run;
			n -= run;
			continue;
		}
		len = next_cp(s, n, &cp);
		plen = len;
		if (text_cp_unsafe(cp, flags)) {
			piece = TEXT_REPLACEMENT;
			plen = sizeof(TEXT_REPLACEMENT) - 1;
		} else if (!(flags & TEXT_KEEP_FORMAT) && text_cp_invisible(cp, prev)) {
			plen = (size_t)snprintf(mark, sizeof(mark), TEXT_MARK_FORMAT, cp);
			piece = mark;
		}
		prev = piece == s ? cp : 0;
		if (!full && used + plen < size) {
			memcpy(dst + used, piece, plen);
			used += plen;
		} else {
			full = 1; /* never a later, shorter piece after a cut one */
		}
		need += plen;
		s += len;
		n -= len;
	}
	if (size)
		dst[used] = '\0';
	return need;
}

void text_fput(FILE *out, const char *s, int flags)
{
	size_t n = s ? strlen(s) : 0;
	unsigned prev = 0;

	while (n > 0) {
		unsigned cp;
		size_t len = next_cp(s, n, &cp);

		if (text_cp_unsafe(cp, flags))
			fputs(TEXT_REPLACEMENT, out), cp = 0;
		else if (!(flags & TEXT_KEEP_FORMAT) && text_cp_invisible(cp, prev))
			fprintf(out, TEXT_MARK_FORMAT, cp), cp = 0;
		else
			fwrite(s, 1, len, out);
		prev = cp;
		s += len;
		n -= len;
	}
}

/* The core reads no locale, so no wcwidth: the East Asian wide blocks and the marks. */
int text_cp_columns(unsigned cp)
{
	static const unsigned wide[][2] = {
		{0x1100, 0x115f},   {0x2329, 0x232a},	{0x2e80, 0x303e},   {0x3041, 0x33ff},
		{0x3400, 0x4dbf},   {0x4e00, 0x9fff},	{0xa000, 0xa4cf},   {0xa960, 0xa97f},
		{0xac00, 0xd7a3},   {0xf900, 0xfaff},	{0xfe10, 0xfe19},   {0xfe30, 0xfe6f},
		{0xff00, 0xff60},   {0xffe0, 0xffe6},	{0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff},
		{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
	};
	static const unsigned zero[][2] = {
		{0x0300, 0x036f}, {0x0483, 0x0489}, {0x0591, 0x05bd}, {0x0610, 0x061a},
		{0x064b, 0x065f}, {0x1ab0, 0x1aff}, {0x1dc0, 0x1dff}, {0x200b, 0x200b},
		{0x20d0, 0x20ff}, {0x302a, 0x302f}, {0x3099, 0x309a}, {0xfe00, 0xfe0f},
		{0xfe20, 0xfe2f},
	};

	if (cp < 0x300)
		return 1;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/*
 * The bytes of valid UTF-8 s (len bytes) that fit in width terminal
 * columns, never part of a character; *cols gets the columns they take.
 */
static size_t fit_columns(const char *s, size_t len, int width, int *cols)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		unsigned cp;
		size_t k = text_utf8_len(s + i, len - i, &cp);
		int c;

		if (k == 0)
			cp = (unsigned char)s[i], k = 1; /* not reached: s was made safe */
		c = text_cp_columns(cp);
		if (n + c > width)
			break;
		n += c;
		i += k;
	}
	*cols = n;
	return i;
}

int text_columns(const char *s)
{
	int n;

	fit_columns(s ? s : "", s ? strlen(s) : 0, INT_MAX, &n);
	return n;
}

void text_fput_cell(FILE *out, const char *s, int width, int flags)
{
	char small[256], *safe = small;
	size_t need = text_safe(small, sizeof(small), s, 0), all, len;
	int n, cut;

	if (need >= sizeof(small) && (safe = malloc(need + 1)) != NULL)
		text_safe(safe, need + 1, s, 0);
	if (!safe)
		safe = small; /* out of memory: the start of it will do */
	all = strlen(safe);
	len = fit_columns(safe, all, width, &n);
	cut = len < all;
	if (cut && (flags & TEXT_ELLIPSIS) && width > 3) {
		len = fit_columns(safe, all, width - 3, &n);
		n += 3; /* the "..." */
	}
	if (flags & TEXT_NO_PAD)
		width = n;
	for (int i = n; (flags & TEXT_RIGHT) && i < width; i++)
		fputc(' ', out);
	fwrite(safe, 1, len, out);
	if (cut && (flags & TEXT_ELLIPSIS) && width > 3)
		fputs("...", out);
	for (int i = n; !(flags & TEXT_RIGHT) && i < width; i++)
		fputc(' ', out);
	if (safe != small)
		free(safe);
}

int text_is_safe(const char *s, int flags)
{
	size_t n = s ? strlen(s) : 0;

	while (n > 0) {
		unsigned cp;
		size_t len = next_cp(s, n, &cp);

		if (text_cp_unsafe(cp, flags))
			return 0;
		s += len;
		n -= len;
	}
	return 1;
}

void text_json_str(FILE *out, const char *s)
{
	size_t n;
	unsigned prev = 0;

	if (!s) {
		fputs("null", out);
		return;
	}
	n = strlen(s);
	fputc('"', out);
	while (n > 0) {
		unsigned cp;
		size_t len = next_cp(s, n, &cp);

		if (cp == BAD_BYTE)
			fputs("\\ufffd", out);
		else if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp == '\r')
			fputs("\\r", out);
		else if (cp > 0xffff && text_cp_invisible(cp, prev)) /* a surrogate pair */
			fprintf(out, "\\u%04x\\u%04x", 0xd800 + ((cp - 0x10000) >> 10),
				0xdc00 + ((cp - 0x10000) & 0x3ff)),
				cp = 0;
		else if (text_cp_unsafe(cp, 0) || text_cp_invisible(cp, prev))
			fprintf(out, "\\u%04x", cp), cp = 0;
		else
			fwrite(s, 1, len, out);
		prev = cp;
		s += len;
		n -= len;
	}
	fputc('"', out);
}

void text_csv_cell(FILE *out, const char *s, int numeric, int last)
{
	int formula = !numeric && s && s[0] && strchr("=+-@\t\r", s[0]);

	if (s && (formula || s[strcspn(s, ",\"\r\n")])) {
		size_t n = strlen(s);

		fputc('"', out);
		if (formula)
			fputc('\'', out);
		/* A cell may hold newlines and tabs; any other control is shown, not obeyed. */
		while (n > 0) {
			unsigned cp;
			size_t len = next_cp(s, n, &cp);

			if (cp == '"')
				fputc('"', out);
			if (text_cp_unsafe(cp, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB))
				fputs(TEXT_REPLACEMENT, out);
			else
				fwrite(s, 1, len, out);
			s += len;
			n -= len;
		}
		fputc('"', out);
	} else if (s) {
		text_fput(out, s, TEXT_KEEP_TAB | TEXT_KEEP_FORMAT);
	}
	fputs(last ? "\r\n" : ",", out);
}

size_t text_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n <= max)
		return n;
	/* Back off continuation bytes: the cut lands before a lead byte. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

size_t text_copy(char *dst, size_t size, const char *src)
{
	size_t keep = src ? text_cut(src, size - 1) : 0;

	memcpy(dst, src ? src : "", keep);
	dst[keep] = '\0';
	return keep;
}

enum poise_status text_check_field(const char *what, const char *s, size_t max, int flags,
				   struct poise_error *err)
{
	size_t n = strlen(s);

	if (n > max)
		return poise_error_set(err, POISE_TOO_BIG, NULL, 0, 0,
				       "%s is %zu bytes, longer than the limit of %zu: shorten it",
				       _(what), n, max);
	while (n > 0) {
		unsigned cp;
		size_t len = next_cp(s, n, &cp);

		if (cp == BAD_BYTE)
			return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
					       "%s is not valid UTF-8: use plain text", _(what));
		if (text_cp_unsafe(cp, flags))
			return poise_error_set(err, POISE_INVALID, NULL, 0, 0,
					       "%s holds a control character (U+%04X): use plain "
					       "text",
					       _(what), cp);
		s += len;
		n -= len;
	}
	return POISE_OK;
}
