#!/usr/bin/env bash
# Issue 13, pasted text stays text, the class beyond the note: a multi-line
# paste into the caller form's fields and into each wrap-up field, framed by
# the terminal (bracketed paste) or not (a burst after a newline), is that
# field's text (a line break becomes a space); none of its lines runs a key
# (q quit, x end, r resolved...).
. "$(dirname "$0")/lib.sh"

# bracketed TEXT: paste TEXT as a terminal framing it would.
bracketed() {
	tm set-buffer -b paste "$1"
	tm paste-buffer -p -b paste -t main
}

# The caller form: a bracketed paste into the name, a burst into the reference.
start_poise 100 30 call --playbook e2e-fast
wait_for "Who is calling?"
bracketed $'Bob\nx\nq'
wait_for "Bob x q"
keys Enter
wait_for "Reference"
text $'ref1\nq\nx\n'
wait_for "Calm: Calm goal"
expect_eq "Bob x q	ref1 q x" "$(sql "SELECT customer, customer_ref FROM calls")" \
	"the pasted name and reference"
expect_eq "start" "$(exported 'kinds')" "no key of the pastes ran in the form"

# The wrap-up: a burst into the due date (refused as a date, kept as text),
# then a bracketed paste into the channel, the promise and the reflections.
keys x; wait_for "outcome: r resolved"
keys r; wait_for "cause:"
keys 1; wait_for "follow-up due date"
text $'tomorrow\nq\nx\n'
wait_for "is not a day"
expect_eq "start wrapup outcome cause" "$(exported 'kinds')" "no key of the date burst ran"
keys C-u
text "tomorrow"; keys Enter; wait_for "follow-up channel"
bracketed $'phone\nq\n\nx'
wait_for "phone q  x"
keys Enter; wait_for "promise made"
bracketed $'call back\nr\n3'
wait_for "call back r 3"
keys Enter; wait_for "what went well"
bracketed $'stayed\ncalm\nq\n'
wait_for "stayed calm q"
keys Enter; wait_for "what to improve"
text $'less\nhold\nx\n'
wait_for "ready for the next call"
expect_eq "phone q  x	call back r 3" "$(sql "SELECT channel, promise FROM followups")" \
	"the pasted channel and promise"
expect_eq "stayed calm q	less hold x" "$(sql "SELECT went_well, improve FROM reflections")" \
	"the pasted reflections (no space left by a paste's last line break)"
expect_eq "start wrapup outcome cause followup reflection end" "$(exported 'kinds')" \
	"no key of the wrap-up pastes ran"
stop_poise
