#!/usr/bin/env bash
# Keys that must not act unseen wait while the screen is too small: every
# key of the call screen that ends or takes back something, or opens what
# has to be read or answered, changes nothing in the database and the one
# line says the window must be larger; the keys that log the talk as it
# goes (mood, hold, Space, moving) still log. In the wrap-up, answers (the
# outcome, the cause, Esc back to the call) and a field's Enter wait too.
# So do the ready screen's keys that start a call, pick a playbook, answer a
# comment or close a follow-up, and review's keys that open, filter, score
# or comment (moving and scrolling act). After a resize to a larger window,
# the same key works.
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
	screen | has -F -e "$2: make the window" -e "$2: larger window" ||
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
# Before the ready screen reads them: a follow-up due today and a supervisor's comment.
python3 - "$POISE_DB" "$(date -u +%F)" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
call, = db.execute("SELECT id FROM calls").fetchone()
db.execute("INSERT INTO followups (call_id, seq, due, channel, promise)"
           " VALUES (?, 1000, ?, 'phone', 'call back today')", (call, sys.argv[2]))
db.execute("INSERT INTO reviews (call_id, reviewer, created_at, comment, uuid)"
           " VALUES (?, 'sam', 1, 'slower at the start', 'r-1')", (call,))
db.commit()
PY
keys Enter; wait_for "ready for the next call"
# b, x, r and 1 once the window was larger, each once; the follow-up typed unseen.
[[ "$(kinds)" =~ " stage wrapup outcome cause followup end"$ ]] || fail "the call's events: $(kinds)"
expect_eq "$(date -u -d tomorrow +%F)" "$(sql "SELECT due FROM followups WHERE seq != 1000")" \
	"the follow-up's day"

# The ready screen: what starts a call, picks, answers or closes waits; moving acts.
# stored: what those keys would add or change, in one query.
stored() {
	sql "SELECT (SELECT count(*) FROM calls) || ' calls, ' ||
	            (SELECT count(*) FROM followups WHERE done_at IS NOT NULL) || ' closed, ' ||
	            (SELECT count(*) FROM review_replies) || ' replies, ' ||
	            (SELECT count(*) FROM reviews WHERE acked_at IS NOT NULL) || ' acked, ' ||
	            (SELECT count(*) FROM reviews) || ' reviews, ' ||
	            (SELECT count(*) FROM qa_scores) || ' scores'"
}
before=$(stored)
expect_eq "1 calls, 0 closed, 0 replies, 0 acked, 1 reviews, 0 scores" "$before" "stored before"
wait_for "call back today"
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
keys j k
waits Enter "Enter/c next call"
waits c "Enter/c next call"
waits p "p playbook"
waits a "a answer"
waits d "d done"
waits '?' "? help"
sleep 0.5
expect_eq "$before" "$(stored)" "stored after the ready screen's keys that wait"
# Larger: d and a work.
tm resize-window -t main -x 100 -y 30
wait_for "call back today"
keys d; wait_for "close the follow-up due"
keys y; wait_for "closed (due"
keys a; wait_for "a acknowledge"
keys a; wait_for "sam will see it"
expect_eq "1 calls, 1 closed, 1 replies, 1 acked, 1 reviews, 0 scores" "$(stored)" \
	"stored after d and a in a larger window"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise

# Review: the list's keys that open, filter, search or clear wait; moving acts.
start_poise 100 30 review --reviewer sam
wait_for "poise review - all calls"
wait_for "Ana"
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
keys j k
waits Enter "Enter open"
waits f "f filter"
waits / "/ search"
waits F "F clear"
waits P "P rehearsals"
waits '?' "? help"
tm resize-window -t main -x 100 -y 30
wait_for "poise review - all calls"
screen | has -F "agent [any]" && fail "f opened the filter while too small"
keys Enter; wait_for "Time per stage"
# A call opened: replay, score and comment wait; scrolling acts.
tm resize-window -t main -x 40 -y 10
wait_for "too small (40x10)"
keys j G g
waits r "r replay"
waits s "s score"
waits c "c comment"
waits '?' "? help"
sleep 0.5
expect_eq "1 calls, 1 closed, 1 replies, 1 acked, 1 reviews, 0 scores" "$(stored)" \
	"stored after review's keys that wait"
# Larger: c comments.
tm resize-window -t main -x 100 -y 30
wait_for "Time per stage"
keys c; wait_for "comment for the agent"
text "good recovery"; keys Enter; wait_gone "comment for the agent"
expect_eq 1 "$(sql "SELECT count(*) FROM reviews WHERE comment = 'good recovery'")" \
	"the comment made once the window was larger"
keys q; wait_for "poise review - all calls"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
stop_poise
echo ok
