#!/usr/bin/env bash
# Keys that must not act unseen wait while the screen is too small: every
# key of the call screen that ends or takes back something, or opens what
# has to be read or answered, changes nothing in the database and the one
# line says the window must be larger; the keys that log the talk as it
# goes (mood, hold, Space, moving) still log. In the wrap-up, answers (the
# outcome, the cause, Esc back to the call) and a field's Enter wait too.
# After a resize to a larger window, the same key works.
. "$(dirname "$0")/lib.sh"

# The call's events in order, the clock's coaching prompts aside (they fire
# whatever the size); one query for many keys: python starts slowly on a
# loaded machine.
kinds() { sql "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events WHERE kind != 'prompt' ORDER BY seq)"; }

# waits KEY SAYS: at a too-small size, the one line starts with SAYS and
# asks for a larger window (that KEY changed nothing: kinds, after).
waits() {
	keys "$1"
	wait_for "$2: "
	screen | grep -qF -e "$2: make the window" -e "$2: larger window" ||
		fail "$1: no word of a larger window"
	expect_eq 1 "$(screen | grep -c .)" "lines on screen after $1 while too small"
}

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys j # a line to say is selected, so s has one to skip

# 40x10 (too few rows), as seen in a shift: 5 x a logged a mood, then ended the call blind.
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
keys 5; sleep 0.5
expect_eq "start mood" "$(kinds)" "events after 5 while too small"
# Every key of the call screen but those that log the talk as it goes.
waits x "x end call"
waits b "b boundary"
waits w "w warn"
waits n "n note"
waits e "e escalate"
waits m "m manager"
waits p "p breathe"
waits i "i read prompt"
waits s "s skip"
waits u "u undo"
waits '?' "? help"
sleep 0.5
expect_eq "start mood" "$(kinds)" "events after the keys that wait"
# The waiting word is forgotten at the next key; moving and the rest of the talk still log.
keys h; wait_for "too small (40x10)"
keys h Tab BTab Space; sleep 0.5
[[ "$(kinds)" =~ ^"start mood hold-start hold-end stage stage "(said|check)$ ]] ||
	fail "the keys that log while too small logged: $(kinds)"

# Larger: the same keys work (b opens the boundary stage, x the wrap-up).
tm resize-window -t main -x 100 -y 30
wait_for "Calm: Calm goal"
keys b; wait_for "Boundary"
keys x; wait_for "outcome: r resolved"

# The wrap-up's questions: the outcome, Esc (back to the call), the cause, a field's Enter.
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
waits r answering
waits Escape answering
tm resize-window -t main -x 100 -y 30
wait_for "outcome: r resolved"
keys r; wait_for "cause:"
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
waits 1 answering
tm resize-window -t main -x 100 -y 30
wait_for "cause:"
keys 1; wait_for "follow-up due date"
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
text "tomorrow" # typing goes on unseen
waits Enter saving
waits Escape cancelling
tm resize-window -t main -x 100 -y 30
wait_words "follow-up due date (Enter skips): tomorrow"
keys Enter; wait_for "follow-up channel"
keys Enter; wait_for "promise made"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
# b, x, r and 1 once the window was larger, each once; the follow-up typed unseen.
[[ "$(kinds)" =~ " stage wrapup outcome cause followup end"$ ]] || fail "the call's events: $(kinds)"
expect_eq "$(date -u -d tomorrow +%F)" "$(sql "SELECT due FROM followups")" "the follow-up's day"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise
echo ok
