#!/usr/bin/env bash
# A whole call through the eight stages, every main key, the wrap-up with
# every field, the breather and the ready screen; then the stored events.
. "$(dirname "$0")/lib.sh"
NBSP=$'\u00a0'

start_poise 100 30 call --playbook e2e-fast --customer Ana --ref R-17
wait_for "Calm: Calm goal"
wait_for "Calm line for Ana"
wait_for "Calm tip for tester"

keys 3;          wait_for "mood 3 annoyed"
keys p;          wait_for "breathe in"
keys Escape;     wait_gone "breathe in"
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
keys e;          wait_for "escalate, reason:"
text "needs the billing team"; keys Enter; wait_gone "escalate, reason:"
wait_for "escalation saved"
keys m;          wait_for "Manager prompt"
wait_for "manager request saved"
keys b;          wait_for "Boundary: Boundary goal"
wait_for "First warning to Ana  (next: w shows it)"
keys w;          wait_for "First warning to Ana  (say it, then w logs it)"
keys w;          wait_for "First warning to Ana  (given at"
keys w w;        wait_for "Second warning to Ana  (given at"
wait_for "Third warning to Ana  (next: w shows it)"
keys w w;        wait_for "Third warning given: per policy you may end the call now (x)"
keys w;          wait_for "all three warnings given"
keys 2;          wait_for "mood 2 uneasy"
keys Tab;        wait_for "Follow-up: Follow-up goal"
keys n;          wait_for "note (Enter saves"
text "Señora García — ¡muy enfadada! 日本語"
keys BSpace;     wait_gone "日本語"
keys Enter;      wait_gone "note (Enter saves"
wait_for "note saved"
keys '?';        wait_for "keys of the call screen"
# The help lists every key of the call screen, the arrows included.
help=$(screen)
for k in '?' 1-5 Tab Left j/k Space u s b w n h e m p x; do
	grep -qE "^  $(printf '%s' "$k" | sed 's/[?/]/\\&/g') +[a-z]" <<<"$help" || fail "help lacks the key '$k'"
done
for w in "Right arrow" "Left arrow" "Up/Down" "Shift-Tab" "Esc stops it" "Enter saves, Esc cancels"; do
	grep -qF "$w" <<<"$help" || fail "help lacks '$w'"
done
keys q;          wait_gone "keys of the call screen"

keys x;          wait_for "outcome: r resolved"
keys r;          wait_for "cause:"
keys 1;          wait_for "follow-up due date"
text "2099-02-30"; keys Enter; wait_for "is not a day"
keys C-u; text "2099-03-01"; keys Enter; wait_for "follow-up channel"
text "phone";    keys Enter; wait_for "promise made"
text "call back with the refund"; keys Enter; wait_for "what went well"
text "kept calm"; keys Enter; wait_for "what to improve"
keys Enter;      wait_for "a short breather"
keys Space;      wait_for "ready for the next call"
wait_for "Today: 1 call"
wait_for "resolved${NBSP}1" # a no-break space holds a count to its label
keys p;          wait_for "pick a playbook"
wait_for "End-to-end test playbook"
wait_for "(built-in)"
screen | has -F "((built-in))" && fail "the built-in playbook's place in double brackets"
keys Escape;     wait_for "ready for the next call"
wait_for "No follow-ups due"

# A second, short call with a follow-up due today: the ready screen lists it.
keys c;          new_caller;  wait_for "Calm: Calm goal"
keys x;          wait_for "outcome: r resolved"
keys c;          wait_for "cause:"
keys p;          wait_for "follow-up due date"
text "$(date +%F)"; keys Enter; wait_for "follow-up channel"
text "email";    keys Enter; wait_for "promise made"
text "send the credit note"; keys Enter; wait_for "what went well"
keys Enter Enter
wait_for "Today: 2 calls"
wait_for "callback${NBSP}1"
wait_for "Follow-ups due"
wait_for "email  send the credit note"
keys q
expect_eq 0 "$(wait_exit)" "exit status"

calls=$(sql "SELECT status, outcome, cause, customer, customer_ref, playbook_id FROM calls \
	ORDER BY started_at LIMIT 1")
expect_eq "$(printf 'done\tresolved\tbilling\tAna\tR-17\te2e-fast')" "$calls" "the call row"
first="(SELECT id FROM calls ORDER BY started_at LIMIT 1)"
kinds=$(sql "SELECT kind FROM events WHERE call_id = $first ORDER BY seq" | grep -v '^prompt$' | tr '\n' ' ')
expect_eq "start mood breathe breathe-end said check stage skip hold-start hold-end mood stage stage stage stage stage stage \
stage stage escalate manager stage warning warning warning mood stage note wrapup outcome cause followup reflection end " \
	"$kinds" "the events"
expect_eq "Señora García — ¡muy enfadada! 日本" "$(sql "SELECT text FROM events WHERE kind = 'note' AND call_id = $first")" \
	"the note"
expect_eq "$(printf '2099-03-01\tphone\tcall back with the refund')" \
	"$(sql "SELECT text FROM events WHERE kind = 'followup' AND call_id = $first")" "the follow-up"
expect_eq "$(printf 'kept calm\t')" "$(sql "SELECT text FROM events WHERE kind = 'reflection' AND call_id = $first")" \
	"the reflection"
expect_eq "needs the billing team" "$(sql "SELECT text FROM events WHERE kind = 'escalate' AND call_id = $first")" \
	"escalation reason"
expect_eq "wrong-scenario" "$(sql "SELECT text FROM events WHERE kind = 'skip' AND call_id = $first")" "skip reason"
expect_eq "hold-check" "$(sql "SELECT text FROM events WHERE kind = 'prompt' LIMIT 1")" "first prompt"
# The ended call's report figures were kept, by this fold, for its last event, and read as the events say.
fold=$(sed -n 's/^#define REPORT_FIGURES_VERSION \([0-9]*\).*/\1/p' "$POISE_SOURCE_DIR/include/poise/report.h")
expect_eq "1 1" "$(sql "SELECT count(*) || ' ' || sum(f.fold = $fold AND f.last_seq = c.last_seq) \
	FROM call_figures f JOIN calls c ON c.id = f.call_id WHERE c.id = $first")" "kept figures"
kept=$("$POISE_BIN" report --db "$POISE_DB" --format json --lines)
refolded=$("$POISE_BIN" report --db "$POISE_DB" --format json --lines --refold)
expect_eq "$refolded" "$kept" "report --lines from kept figures and refolded"

# Another playbook chosen on the ready screen is the one the next call uses.
stop_poise
start_poise 100 30 call --playbook e2e-fast --customer Cy
wait_for "Calm: Calm goal"
end_call_plainly
keys p;          wait_for "pick a playbook"
keys j j j j j j j j j j
keys Enter;      wait_for "next call uses de-escalation"
keys c;          new_caller Dee;  wait_for "Steady yourself before you reply"
expect_eq "e2e-fast de-escalation" "$(sql "SELECT group_concat(playbook_id, ' ') FROM \
	(SELECT playbook_id FROM calls WHERE customer IN ('Cy', 'Dee') ORDER BY started_at)")" \
	"the playbook of each call after the pick"
kill -TERM "$(poise_pid)"
expect_eq 143 "$(wait_exit)" "exit status after SIGTERM"
echo "ok"
