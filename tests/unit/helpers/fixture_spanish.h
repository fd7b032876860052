/*
 * fixture_spanish.h - switch a Check test to Spanish with the catalogue this
 * build made (POISE_LOCALEDIR, set by CTest); setlocale(LC_ALL, "C") goes back.
 */
#ifndef POISE_TEST_FIXTURE_SPANISH_H
#define POISE_TEST_FIXTURE_SPANISH_H

#include <check.h>
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>

#include "poise/i18n.h"

static inline void fixture_spanish(void)
{
	const char *dir = getenv("POISE_LOCALEDIR");

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "es_ES.UTF-8"));
	ck_assert_ptr_nonnull(dir);
	bindtextdomain(POISE_TEXTDOMAIN, dir);
	bind_textdomain_codeset(POISE_TEXTDOMAIN, "UTF-8");
}

#endif
