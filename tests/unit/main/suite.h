/*
 * suite.h - what each Check program gives the shared main(): its suite.
 * tests/unit/check_NAME.c defines NAME_suite(); CMake names it POISE_SUITE.
 */
#ifndef POISE_TEST_SUITE_H
#define POISE_TEST_SUITE_H

#include <check.h>

Suite *POISE_SUITE(void);

#endif
