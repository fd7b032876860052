#!/usr/bin/env bash
# The breathing pacer's start and stop are events (breathe, breathe-end), so
# review's replay shows the pacer where the agent saw it, and not after.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Rhea
wait_for "Calm: Calm goal"
keys p;         wait_for "breathe in"
keys p;         wait_gone "breathe in"
keys p;         wait_for "breathe in"
keys Escape;    wait_gone "breathe in"
finish_call
expect_eq "start breathe breathe-end breathe breathe-end" \
	"$(first_kinds 5)" \
	"the pacer's events"

open_replay Rhea
screen | has -F "breathing pacer running" && fail "the pacer shows before it started"
keys Right Right; wait_for "step 2 of"
wait_for "breathing pacer running"
keys Right;     wait_for "step 3 of"
wait_gone "breathing pacer running"
keys Right;     wait_for "step 4 of"
wait_for "breathing pacer running"
keys Right;     wait_for "step 5 of"
wait_gone "breathing pacer running"
keys q;         wait_for "Time per stage"
keys q;         wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
echo ok
