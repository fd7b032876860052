#!/usr/bin/env bash
# Review's replay shows what the agent saw at each step, from the same fold
# the call screen drew: a line skipped with its reason, the coaching prompt
# on screen, and later how that prompt left the screen (acted on).
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Rhea
wait_for "Calm: Calm goal"
keys Tab;       wait_for "Listen: Listen goal"
keys s;         wait_for "skip this line because"
keys d;         wait_for "Listen line one  (skipped: didn't fit)"
keys 5;         wait_for "mood 5 furious"
wait_for "Mood 5 prompt for Rhea" 5
keys e;         wait_for "escalate, reason:"
text "asked twice"; keys Enter; wait_for "escalation saved"
wait_gone "Mood 5 prompt for Rhea"
finish_call
expect_eq "start stage skip mood prompt escalate" \
	"$(first_kinds 6)" \
	"the call's first events"

open_replay Rhea
screen | has -F "(skipped" && fail "a skip shows before the call began"
keys Right Right; wait_for "step 2 of"
wait_for "Listen line one"
screen | has -F "(skipped" && fail "the skip shows before it was made"
keys Right;     wait_for "step 3 of"
wait_for "Listen line one  (skipped: didn't fit)"
keys Right Right; wait_for "step 5 of"
wait_for "Mood 5 prompt for Rhea"
wait_for "hot-mood (on screen now)"
keys Right;     wait_for "step 6 of"
wait_for "hot-mood (acted on at 00:0"
keys Left Left Left; wait_for "step 3 of"
wait_gone "hot-mood ("
wait_for "Listen line one  (skipped: didn't fit)"
keys Left;      wait_for "step 2 of"
wait_gone "(skipped: didn't fit)"
keys q;         wait_for "Time per stage"
keys q;         wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
echo ok
