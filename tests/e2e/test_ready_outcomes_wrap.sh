#!/usr/bin/env bash
# The ready screen's outcome counts at 80x24 after a shift with five kinds
# of outcome: the line wraps, and each count stays with its label ("ended
# for abuse 1", never "ended for abuse" with a bare "1" on the next line).
. "$(dirname "$0")/lib.sh"

# end_call_as KEY: from the call screen, end the call with outcome KEY, the
# first cause and every optional field skipped, on to the ready screen (past
# the breather a hard call brings).
after_wrap_up() { screen | has "ready for the next call\|any key skips" && echo hit; }
end_call_as() {
	keys x;     wait_for "outcome: r resolved"
	keys "$1";  wait_for "cause:"
	keys 1;     wait_for "follow-up due date"
	keys Enter; wait_for "what went well"
	keys Enter; wait_for "what to improve"
	keys Enter
	poll after_wrap_up hit 10 || fail "neither the ready screen nor the breather"
	if screen | has "any key skips"; then keys Space; fi
	wait_for "ready for the next call"
}

start_poise 80 24 call --playbook e2e-fast --customer Ada
wait_for "Calm: Calm goal"
end_call_as r
for o in e t c a; do
	sleep 0.4
	keys Enter; new_caller "" ""
	wait_for "Calm: Calm goal"
	end_call_as "$o"
done
wait_for "Today: 5 calls"
screen | python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
text = "\n".join(lines)
for label in ("resolved", "escalated", "transferred", "callback", "ended for abuse"):
    if not re.search("[ \u00a0\n]+".join(map(re.escape, label.split())) + "[ \u00a0]1\\b", text):
        sys.exit("no \"%s 1\" on one line" % label)
for l in lines:
    if re.fullmatch(r"\s*\d+\s*", l):
        sys.exit("a count alone on a line: %r" % l)
' || fail "an outcome count wrapped away from its label"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
