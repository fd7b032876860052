#!/usr/bin/env bash
# The supervisor's review: calls made by the real binary (a few generated,
# one taken through the live screen), filtered, searched, opened, replayed,
# scored and commented; the review is stored with its reviewer, and the
# agent sees the comment on the ready screen and acknowledges it.
. "$(dirname "$0")/lib.sh"

mkdir -p "$(dirname "$POISE_DB")"
"$POISE_BIN" gen --db "$POISE_DB" --agents 3 --days 20 12 >/dev/null

# One call of our own: angry, a note, calmer by the end, resolved.
start_poise 100 30 call --playbook e2e-fast --customer Zelda
wait_for "Calm: Calm goal"
keys 4;          wait_for "mood 4 angry"
keys Tab;        wait_for "Listen: Listen goal"
keys n;          wait_for "note (Enter saves"
text "wants a voucher for the delay"; keys Enter; wait_gone "note (Enter saves"
keys 2;          wait_for "mood 2 uneasy"
end_call_plainly
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise
call=$(sql "SELECT id FROM calls WHERE customer = 'Zelda'")
[ -n "$call" ] || fail "the call was not logged"

start_poise 100 30 review --reviewer sam
wait_for "poise review - all calls"
wait_for "Zelda"
screen | has "agent0" || fail "the generated calls are not listed"

# Filter: our agent, mood at or above 4; every other field skipped with Enter.
keys f;          wait_for "agent [any]"
text tester;     keys Enter; wait_for "from day [any]"
keys Enter;      wait_for "to day (included) [any]"
keys Enter;      wait_for "outcome [any]"
keys Enter;      wait_for "cause [any]"
keys Enter;      wait_for "playbook id [any]"
keys Enter;      wait_for "mood at start or end at least [any]"
text 4;          keys Enter; wait_for "customer name contains [any]"
keys Enter Enter Enter Enter Enter; wait_for "random sample of N calls"
keys Enter
wait_for "filtered: agent=tester mood>=4"
wait_for "Zelda"
screen | has "agent0" && fail "the filter still lists other agents' calls"

# A mood filter nothing matches, then back to the agent alone.
keys f;          wait_for "agent [tester]"
keys Enter Enter Enter Enter Enter Enter; wait_for "mood at start or end at least [4]"
text 5;          keys Enter; wait_for "customer name contains [any]"
keys Enter Enter Enter Enter Enter Enter
wait_for "no call matches these filters"
wait_for "0 calls"
keys f;          wait_for "agent [tester]"
keys Enter Enter Enter Enter Enter Enter; wait_for "mood at start or end at least [5]"
text -;          keys Enter; wait_for "customer name contains [any]"
keys Enter Enter Enter Enter Enter Enter
wait_for "filtered: agent=tester"
wait_for "Zelda"

# Search in notes.
keys /;          wait_for "search every typed text"
text "VOUCHER";  keys Enter
wait_for 'search="VOUCHER"'
wait_for "Zelda"

# Open it: figures, notes, playbook, timeline.
keys Enter;      wait_for "call ${call:0:13}"
wait_for "playbook e2e-fast version 1"
wait_for "wants a voucher for the delay"
wait_for "mood 4 angry → 2 uneasy"
keys G;          wait_for "call closed"
keys g;          wait_for "Time per stage"

# Replay: step in, see the mood the agent had set.
keys r;          wait_for "replay Zelda  step 0 of"
keys Right Right; wait_for "step 2 of"
wait_for "mood 4 angry"
keys Left;       wait_for "step 1 of"
keys q;          wait_for "Time per stage"

# Score on the default scorecard: only criteria of stages the call visited
# (listen) and themes are asked; the facts come from the call itself.
# vent yes (w2), voice 4 (w1, 75%), reached empathy no (fact, w1),
# notes 3 (w1, 50%): (20000 + 7500 + 0 + 5000) / 5 = 65.0%.
keys s;          wait_for "Let the caller finish without interrupting (weight 2) [-]"
keys y;          wait_for "Kept a steady, low voice (weight 1) [-]"
keys 4;          wait_for "Notes and wrap-up say what happened (weight 1) [-]"
screen | has "Named the caller" && fail "a stage the call never visited was asked"
keys 3;          wait_for "score 65.0% saved as sam (scorecard default)"
# Scoring again edits the same scoring, answers shown as they were.
keys s;          wait_for "Let the caller finish without interrupting (weight 2) [yes]"
keys Escape;     wait_for "score not saved"

# A comment, with a character outside ASCII.
keys c;          wait_for "comment for the agent"
text "Good calm start — name the delay sooner"; keys Enter
wait_for "comment saved as sam"
keys G
keys g
for (( i = 0; i < 40; i++ )); do keys j; done
wait_for "Good calm start — name the delay sooner"
wait_for "by sam: 65.0% on scorecard default 1.0"
wait_for "accurate-notes 3, callback-booked N/A, confirmed-facts N/A"
keys q;          wait_for "poise review - filtered"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
stop_poise

expect_eq "sam" "$(sql "SELECT reviewer FROM reviews WHERE call_id = '$call'")" "reviewer"
expect_eq "Good calm start — name the delay sooner" \
	"$(sql "SELECT comment FROM reviews WHERE call_id = '$call'")" "comment"
expect_eq "sam	6500	0" "$(sql "SELECT reviewer, score, auto_failed FROM qa_scores
	WHERE call_id = '$call'")" "QA score"
expect_eq "accurate-notes	3
let-them-vent	1
reached-empathy	0
steady-voice	4" "$(sql "SELECT criterion, value FROM qa_answers a JOIN qa_scores s
	ON s.id = a.score_id WHERE s.call_id = '$call' AND value IS NOT NULL
	ORDER BY criterion")" "QA answers"
expect_eq "10" "$(sql "SELECT count(*) FROM qa_answers")" "every criterion answered or N/A"
expect_eq "" "$(sql "SELECT acked_at FROM reviews WHERE call_id = '$call'")" "not yet read"

# The agent's next ready screen lists the comment; a marks it read.
start_poise 100 30 call --playbook e2e-fast --customer Yann
wait_for "Calm: Calm goal"
end_call_plainly
wait_for "New from your supervisor"
wait_for "sam on Zelda"
wait_for ": Good calm start"
# The agent disputes it with a line; the comment is then read.
keys a;          wait_for "a acknowledge  r reply  d dispute"
keys d;          wait_for "why you disagree"
text "I named the delay at 01:10"; keys Enter
wait_gone "New from your supervisor"
wait_for "disputes; sam will see it in review"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise
[ -n "$(sql "SELECT acked_at FROM reviews WHERE call_id = '$call'")" ] ||
	fail "the comment was not marked read"
expect_eq "tester	dispute	I named the delay at 01:10	36" "$(sql "SELECT p.agent, p.kind, p.text,
	length(p.id) FROM review_replies p JOIN reviews r ON r.uuid = p.review_id
	WHERE r.call_id = '$call'")" "the dispute, as a row with a UUID"

# The supervisor sees it under the comment.
start_poise 100 30 review --reviewer sam
wait_for "Zelda"
keys /;          wait_for "search every typed text"
text "VOUCHER";  keys Enter
wait_for 'search="VOUCHER"'
keys Enter;      wait_for "call ${call:0:13}"
for (( i = 0; i < 40; i++ )); do keys j; done
wait_for "tester disputes: I named the delay at 01:10"
keys q;          wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
stop_poise
echo ok
