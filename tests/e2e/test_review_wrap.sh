#!/usr/bin/env bash
# Review's call page wraps a long line under its own text, never back at
# the left edge: a boundary warning, an escalation's reason, a note and the
# timeline's lines (every line that ends with text of any length), in a
# narrow window where each of them takes more than one row.
. "$(dirname "$0")/lib.sh"

who="Ivo Maximiliano de la Cruz Fernández Oliveira"
start_poise 100 30 call --playbook e2e-fast --customer "$who"
wait_for "Calm: Calm goal"
keys e;          wait_for "escalate, reason:"
text "the customer wants a supervisor to approve the refund of the whole order today"
keys Enter;      wait_for "escalation saved"
keys n;          wait_for "note (Enter saves"
text "promised a call back before five with the tracking number and the refund form"
keys Enter;      wait_gone "note (Enter saves"
keys b;          wait_for "Boundary: Boundary goal"
keys w;          wait_for "First warning to Ivo"
keys w;          wait_for "(given at"
keys x;     wait_for "outcome: r resolved"
keys r;     wait_for "cause:"
keys 1;     wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "a short breather"   # a warning given: a hard call
keys Enter; wait_for "ready for the next call"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise

# check_hang TEXT: the first row where TEXT begins a line's text, and the
# row after it, where that text goes on: that row starts under TEXT.
check_hang() {
	python3 - "$1" "$(screen)" <<'PY' || fail "'$1' does not wrap under itself: $(screen)"
import sys
text, rows = sys.argv[1], sys.argv[2].split("\n")
for i, row in enumerate(rows):
    col = row.find(text)
    if col < 0:
        continue
    nxt = rows[i + 1] if i + 1 < len(rows) else ""
    lead = len(nxt) - len(nxt.lstrip(" "))
    sys.exit(0 if lead == col and nxt.strip() else 1)
sys.exit(1)
PY
}

start_poise 60 60 review --reviewer sam
wait_for "Maximiliano"
keys Enter;      wait_for "Time per stage"
wait_for "First warning to"
check_hang "First warning to"       # Holds, escalations, boundary
check_hang "the customer wants"
check_hang "promised a call"        # Notes
check_hang "note: promised a call"  # Timeline
keys q q
stop_poise
echo ok
