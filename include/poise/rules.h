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
 *
 * Episodes, by kind (each is named by the time it began, which call_apply()
 * stores in rule_track.episode_start when the rule's PROMPT is applied):
 *   mood               a continuous stretch of MOOD marks at or above the
 *                      level; starts at the first of them, a mark below ends
 *                      it. Due once it has lasted >= seconds (wall clock).
 *   hold               one hold. Due once it has lasted > seconds, then with
 *                      `repeat` again each time repeat seconds have passed
 *                      since the last firing, while the hold lasts.
 *   boundary-warnings  the whole call: due once when warnings >= count.
 *   stage-timebox      one visit to a stage with a timebox; due once the
 *                      visit (gaps of an interruption excluded) lasted > it.
 *   manager-asked      one MANAGER event; due at once after it.
 * Cooldown applies to every firing, hold repeats included: a repeat shorter
 * than the cooldown is held back until the cooldown has passed, so the
 * effective cadence is max(repeat, cooldown). Nothing is due outside
 * CALL_TALK; several rules may be due at once and the UI shows the newest.
 */
#ifndef POISE_RULES_H
#define POISE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "poise/call.h"

/* Write the indices of rules due at now into out (at most max); return how many. */
size_t rules_due(const struct call_state *cs, int64_t now, size_t *out, size_t max);

/* A rule's message, {customer}/{agent} left as they are; NULL when out of range. */
const char *rules_message(const struct call_state *cs, size_t rule);

/*
 * When the episode of rule that is under way began; -1 when none is (mood
 * below the level, not on hold, no timebox, ...). Episodes begin and end
 * only at events, so no time is needed. call_apply() uses it to record the
 * episode a PROMPT fired in.
 */
int64_t rules_episode(const struct call_state *cs, size_t rule);

#endif
