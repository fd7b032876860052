#!/usr/bin/env bash
# A whole call through the eight stages, every main key, the wrap-up with
# every field, the breather and the ready screen; then the stored events.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana --ref R-17
wait_for "Calm: Calm goal"
wait_for "Calm line for Ana"
wait_for "Calm tip for tester"

keys 3;          wait_for "mood 3 annoyed"
keys Space;      wait_for "Calm line for Ana  (said)"
keys j Space;    wait_for "[x] Calm check"
keys Tab;        wait_for "Listen: Listen goal"
keys s;          wait_for "skip this line because"
keys w;          wait_for "Listen line one  (skipped: wrong scenario)"
keys h;          wait_for "ON HOLD"
wait_for "Hold prompt" 5
keys h;          wait_gone "ON HOLD"
keys 5;          wait_for "mood 5 furious"
wait_for "Mood 5 prompt for Ana" 5
keys Right;      wait_for "Empathize: Empathize goal"
keys Tab;        wait_for "Clarify: Clarify goal"
keys BTab;       wait_for "Empathize: Empathize goal"
keys Tab Tab;    wait_for "Inform: Inform goal"
keys Left;       wait_for "Clarify: Clarify goal"
keys Tab Tab;    wait_for "Solve: Solve goal"
keys b;          wait_for "Boundary: Boundary goal"
wait_for "First warning to Ana  (next: press w)"
keys w;          wait_for "First warning to Ana  (given at"
keys 2;          wait_for "mood 2 uneasy"
keys Tab;        wait_for "Follow-up: Follow-up goal"
keys n;          wait_for "note (Enter saves"
text "Señora García — ¡muy enfadada! 日本"
keys Enter;      wait_gone "note (Enter saves"
keys '?';        wait_for "keys of the call screen"
keys q;          wait_gone "keys of the call screen"

keys x;          wait_for "outcome: r resolved"
keys r;          wait_for "cause:"
keys 1;          wait_for "follow-up due date"
text "2099-02-30"; keys Enter; wait_for "no such date"
keys C-u; text "2099-03-01"; keys Enter; wait_for "follow-up channel"
text "phone";    keys Enter; wait_for "promise made"
text "call back with the refund"; keys Enter; wait_for "what went well"
text "kept calm"; keys Enter; wait_for "what to improve"
keys Enter;      wait_for "a short breather"
keys Space;      wait_for "ready for the next call"
wait_for "Today: 1 call"
wait_for "resolved 1"
keys q
expect_eq 0 "$(wait_exit)" "exit status"

calls=$(sql "SELECT status, outcome, cause, customer, customer_ref, playbook_id FROM calls")
expect_eq "$(printf 'done\tresolved\tbilling\tAna\tR-17\te2e-fast')" "$calls" "the call row"
kinds=$(sql "SELECT kind FROM events ORDER BY seq" | grep -v '^prompt$' | tr '\n' ' ')
expect_eq "start mood said check stage skip hold-start hold-end mood stage stage stage stage stage stage \
stage stage stage warning mood stage note wrapup outcome cause followup reflection end " \
	"$kinds" "the events"
expect_eq "Señora García — ¡muy enfadada! 日本" "$(sql "SELECT text FROM events WHERE kind = 'note'")" \
	"the note"
expect_eq "$(printf '2099-03-01\tphone\tcall back with the refund')" \
	"$(sql "SELECT text FROM events WHERE kind = 'followup'")" "the follow-up"
expect_eq "$(printf 'kept calm\t')" "$(sql "SELECT text FROM events WHERE kind = 'reflection'")" \
	"the reflection"
expect_eq "wrong-scenario" "$(sql "SELECT text FROM events WHERE kind = 'skip'")" "skip reason"
expect_eq "hold-check" "$(sql "SELECT text FROM events WHERE kind = 'prompt' LIMIT 1")" "first prompt"
echo "ok"
