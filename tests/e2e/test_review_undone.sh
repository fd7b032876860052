#!/usr/bin/env bash
# What the agent undid is gone from review's call page as it is from the
# counts above it: an escalation and a boundary warning taken back with u
# are neither counted nor listed (every undoable mark that review lists
# by itself, not only the example once found: a warning under "0 boundary
# warnings"). What stays is listed, with its own time.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ivo
wait_for "Calm: Calm goal"
keys e;          wait_for "escalate, reason:"
text "taken back"; keys Enter; wait_for "escalation saved"
keys u;          wait_for "undone: escalat"
keys e;          wait_for "escalate, reason:"
text "kept one"; keys Enter; wait_for "escalation saved"
keys b;          wait_for "Boundary: Boundary goal"
keys w;          wait_for "First warning to Ivo  (say it, then w logs it)"
keys w;          wait_for "First warning to Ivo  (given at"
keys w w;        wait_for "Second warning to Ivo  (given at"
keys u;          wait_for "Second warning to Ivo  (next: w shows it)"
keys x;     wait_for "outcome: r resolved"
keys r;     wait_for "cause:"
keys 1;     wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "a short breather"   # a warning kept: a hard call
keys Enter; wait_for "ready for the next call"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise
expect_eq "2" "$(sql "SELECT count(*) FROM events WHERE kind = 'undo'")" "undo events logged"

start_poise 100 30 review --reviewer sam
wait_for "Ivo"
keys Enter;      wait_for "Time per stage"
for (( i = 0; i < 30; i++ )); do
	screen | has "boundary warning" && break
	keys j; sleep 0.05
done
keys j j j j j;  wait_for "1 boundary warning"
wait_for "1 escalation, 0 manager requests"
wait_for "escalated: kept one"
wait_for "warning 1: First warning to Ivo"
screen | has -F "taken back" && fail "the undone escalation is listed"
screen | has -F "warning 2:" && fail "the undone warning is listed"
keys q;          wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
echo ok
