/*
 * i18n.c - choose the language as every GNU program does, and find the
 * catalogues: $POISE_LOCALEDIR when set (tests), else locale/ beside the
 * binary when it is there (a build tree: `make run`), else the installed
 * locale folder.
 */
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "poise/i18n.h"
#include "poise/words.h"

#ifndef POISE_LOCALEDIR
#define POISE_LOCALEDIR "/usr/local/share/locale"
#endif

void i18n_init(void)
{
	static char beside[PATH_MAX];
	const char *dir = getenv("POISE_LOCALEDIR");
	struct stat sb;
	ssize_t n;

	setlocale(LC_ALL, "");
	/* Figures for people take the locale's decimal point (words.h)... */
	words_set_decimal_point(localeconv()->decimal_point);
	setlocale(LC_NUMERIC, "C"); /* ...while JSON, CSV and SQL keep '.' */
	if (!dir || !*dir) {
		dir = POISE_LOCALEDIR;
		n = readlink("/proc/self/exe", beside, sizeof(beside) - 8);
		if (n > 0) {
			char *slash;

			beside[n] = '\0';
			if ((slash = strrchr(beside, '/'))) {
				strcpy(slash + 1, "locale");
				if (stat(beside, &sb) == 0 && S_ISDIR(sb.st_mode))
					dir = beside;
			}
		}
	}
	bindtextdomain(POISE_TEXTDOMAIN, dir);
	bind_textdomain_codeset(POISE_TEXTDOMAIN, "UTF-8");
	textdomain(POISE_TEXTDOMAIN);
}
