#!/usr/bin/env bash
# Stages as an agent moves through them: Tab runs calm .. solve, then
# follow-up (boundary only with b), so a call that never had b stores no
# boundary visit; Left and Shift-Tab go back along the path taken. Then the
# same keys on a vt100, which has no back-tab in its terminfo, and the
# breathing pacer in the boundary stage.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
wait_for "Left back"
for s in Listen Empathize Clarify Inform Solve Follow-up; do
	keys Tab; wait_for "$s: $s goal"
done
keys Tab;  wait_for "this is the last stage"
keys BTab; wait_for "Solve: Solve goal"
keys Left; wait_for "Inform: Inform goal"
keys Right Tab; wait_for "Follow-up: Follow-up goal"
screen | has -F "✓Boundary" && fail "boundary shown as visited without b"
end_call_plainly
expect_eq "listen empathize clarify inform solve follow-up solve inform solve follow-up" \
	"$(exported '" ".join(e["stage"] for e in c["events"] if e["kind"] == "stage")')" \
	"the stages moved to, as exported"
expect_eq 0 "$(sql "SELECT count(*) FROM events WHERE stage = 'boundary'")" "boundary events"
shown=$("$POISE_BIN" show --db "$POISE_DB" "$(sql "SELECT id FROM calls")")
grep -q "^  follow-up " <<<"$shown" || fail "poise show lists no stage visited: $shown"
grep -qE '^[0-9:]+  boundary |^  boundary +[0-9]' <<<"$shown" &&
	fail "poise show has a boundary visit: $shown"
stop_poise

# b, and back to where the agent was; on a vt100 Shift-Tab and Left both work.
E2E_TERM=vt100 start_poise 80 24 call --playbook e2e-fast --customer Bo
wait_for "Calm: Calm goal"
wait_for "Left back"
keys Tab Tab; wait_for "Empathize: Empathize goal"
keys b;       wait_for "Boundary: Boundary goal"
keys BTab;    wait_for "Empathize: Empathize goal"
keys b;       wait_for "Boundary: Boundary goal"
# The breathing pacer works here too, its middle phase is no "hold", and it
# runs past one round until dismissed.
keys p;       wait_for "breathe in"
wait_for "pause " 6
screen | has -E "^ *hold +[0-9]/4" && fail "a pacer phase is labelled hold"
wait_for "breathe out" 6
wait_for "breathe in" 6
keys p;       wait_gone "breathe in"
keys p;       wait_for "breathe in"
keys Escape;  wait_gone "breathe in"
keys Left;    wait_for "Empathize: Empathize goal"
keys BTab;    wait_for "Listen: Listen goal"
keys Left;    wait_for "Calm: Calm goal"
keys Left;    wait_for "this is where the call began"
keys Right;   wait_for "Listen: Listen goal"
end_call_plainly
expect_eq "listen empathize boundary empathize boundary empathize listen calm listen" \
	"$(exported '" ".join(e["stage"] for e in c["events"] if e["kind"] == "stage")' | tail -n 1)" \
	"the vt100 call's stages"
keys q
expect_eq 0 "$(wait_exit)" "exit status"
echo "ok"
