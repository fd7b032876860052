#!/usr/bin/env bash
# The situation before a rehearsal asks, and only Enter answers yes: q or
# Esc leave without a practice call (nothing logged), and a stray key
# neither takes the call nor leaves (it used to do both: "any key closes"
# took the call, and the trainee's q started a logged rehearsal).
. "$(dirname "$0")/lib.sh"
E2E_ENV="POISE_SCENARIO_PATH='$POISE_SOURCE_DIR/scenarios'"

for quit in q Escape; do
	start_poise 100 30 rehearse furious-refund
	wait_for "Customer: Dana Whitlock"
	keys z
	sleep 0.3
	screen | has "Customer: Dana Whitlock" || fail "a stray key closed the situation"
	keys "$quit"
	expect_eq 0 "$(wait_exit)" "poise rehearse exit status after $quit"
	stop_poise
	expect_eq 0 "$(sql "SELECT count(*) FROM calls")" "calls logged after $quit on the situation"
done

start_poise 100 30 rehearse furious-refund
wait_for "Customer: Dana Whitlock"
wait_for "Enter take the call   q quit"
keys Enter
wait_for "Calm:"
wait_for "mood 5 furious"
expect_eq 1 "$(sql "SELECT count(*) FROM calls WHERE practice IS NOT NULL")" "the rehearsal Enter took"
echo ok
