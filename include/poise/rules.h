/*
 * rules.h - which coaching prompts are due.
 *
 * Owns: evaluating a playbook's coaching rules against a call state at a
 * given time. Pure: it reads the state and returns rule indices; the caller
 * appends an EV_PROMPT event for each, and call_apply() records the firing,
 * so replaying a call fires the same prompts at the same moments.
 * Does not own: showing prompts, or any clock.
 *
 * A rule fires once per episode (a stretch of high mood, one hold, one stage
 * visit, one manager request; boundary-warnings once per call), never again
 * within its cooldown; a hold rule with `repeat` fires again every `repeat`
 * seconds while the hold lasts.
 */
#ifndef POISE_RULES_H
#define POISE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "poise/call.h"

/* Write the indices of rules due at now into out (at most max); return how many. */
size_t rules_due(const struct call_state *cs, int64_t now, size_t *out, size_t max);

/* The message of a rule with {customer}/{agent}-style fields left as they are. */
const char *rules_message(const struct call_state *cs, size_t rule);

#endif
