/*
 * i18n.h - strings people read go through GNU gettext (domain "poise").
 *
 *   _("text")            translated now
 *   N_("text")           marked for xgettext, translated where it is used
 *                        (static tables: key labels, help lines)
 *   P_("one", "many", n) the form for n
 *   C_("context", "text") translated now, told apart by its context from the
 *                        same English word used elsewhere (pgettext)
 *
 * The catalogues are po/LANG.po; the locale (LANG, LC_ALL, LC_MESSAGES,
 * LANGUAGE) picks one as in every GNU program. Machine output (JSON, CSV,
 * the database) is never translated and keeps '.' as its decimal point:
 * i18n_init leaves LC_NUMERIC at "C" (src/cli/i18n.c).
 */
#ifndef POISE_I18N_H
#define POISE_I18N_H

#include <libintl.h>

#define POISE_TEXTDOMAIN "poise"
#define _(s)		 dgettext(POISE_TEXTDOMAIN, s)
#define N_(s)		 s
#define P_(one, many, n) dngettext(POISE_TEXTDOMAIN, one, many, (unsigned long)(n))
#define C_(ctx, s)	 poise_pgettext(ctx "\004" s, s)
/* Marks s with its context for xgettext in a static table; words_pick translates it. */
#define NC_(ctx, s) s

/* The catalogue keeps a msgid with a context as "context\004text". */
static inline const char *poise_pgettext(const char *full, const char *s)
{
	const char *t = dgettext(POISE_TEXTDOMAIN, full);

	return t == full ? s : t;
}

#endif
