/*
 * fixture_call.h - building events and comparing call states in tests.
 *
 * fixture_call_dump() writes every field of a call state and every derived
 * figure at `now` as text, so two states can be compared whole (a refused
 * event must leave the dump unchanged; a replay must reproduce it exactly)
 * and a failure shows which line differs.
 */
#ifndef POISE_TEST_FIXTURE_CALL_H
#define POISE_TEST_FIXTURE_CALL_H

#include <stdint.h>

#include "poise/call.h"

/* A base time: ms since the epoch, late 2023. Tests add offsets to it. */
#define FIXTURE_T0 INT64_C(1700000000000)
/* Seconds (fractions allowed: 129.999) to ms, rounded to the nearest. */
#define SEC(s) ((int64_t)((s)*1000.0 + ((s) < 0 ? -0.5 : 0.5)))

struct event fixture_event(enum event_kind kind, int64_t t, int stage, int a, int b,
			   const char *text);
/* call_apply() of that event to cs. */
enum poise_status fixture_apply(struct call_state *cs, enum event_kind kind, int64_t t, int stage,
				int a, int b, const char *text);

/* A fixture playbook with these rules and cs ready for a call under it; NULL if out of memory. */
struct playbook *fixture_call_new(struct call_state *cs, const struct pb_rule *rules, size_t n);
void fixture_call_free(struct call_state *cs, struct playbook *pb);

/* The state and its figures at now, as a malloc'd string (NULL if out of memory). */
char *fixture_call_dump(const struct call_state *cs, int64_t now);

/* The first line where a and b differ, into buf; "" when equal. */
const char *fixture_dump_diff(const char *a, const char *b, char *buf, size_t size);

#endif
