#!/usr/bin/env bash
# The ready screen has ? like every other screen: its footer offers it and
# it opens the help of the ready screen's keys; Esc goes back.
. "$(dirname "$0")/lib.sh"

start_poise 80 24 call --playbook e2e-fast
wait_for "poise - next caller"
keys Escape; wait_for "ready for the next call"
wait_for "? help"
keys ?; wait_for "keys of the ready screen"
wait_for "close the selected follow-up"
wait_for "pick the playbook for the next call"
keys Escape; wait_for "ready for the next call"
screen | has -F "keys of the ready screen" && fail "Esc left the help open"
keys q
expect_eq 0 "$(wait_exit)" "exit status"
