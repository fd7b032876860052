#!/usr/bin/env bash
# One call's figures, and one agent's day, read the same on every face:
# the ready screen's "Today" line, `poise report`, `poise show` and
# review's call page print the same numbers for the same calls (issue 9,
# item 3: each derived figure defined once). The calls have what the
# definitions differ on: a hold, a tick taken back with u, a skipped line,
# stages never visited, and an interrupted call beside the done ones (it
# is no part of the average handle time: that is over done calls).
. "$(dirname "$0")/lib.sh"
NBSP=$'\u00a0'

# The report's figure KEY for the agent's day, as CSV writes it.
report_field() {
	"$POISE_BIN" report --db "$POISE_DB" --agent "$POISE_AGENT" --since "$(date -u +%F)" \
		--format csv | python3 -c '
import csv, sys
print(list(csv.DictReader(sys.stdin))[0][sys.argv[1]])' "$1"
}
# Whole seconds as the screens write them: mm:ss.
mmss() { printf '%02d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }
# The ready screen's "Today: N calls, average handle time T" as "N T".
ready_today() {
	screen | sed -n 's/.*Today: \([0-9]*\) calls\{0,1\}, average handle time \([-0-9:]*\).*/\1 \2/p'
}

# 1. Bea: ticked the calm check, held, skipped a listen line, ticked the
# listen check and took it back, reached empathize; solve, clarify,
# inform, boundary and follow-up never visited.
start_poise 100 30 call --playbook e2e-fast --customer Bea
wait_for "Calm: Calm goal"
keys 4;       wait_for "mood 4 angry"
keys j Space; wait_for "[x] Calm check"
keys h;       wait_for "ON HOLD"
sleep 1.2
keys h;       wait_gone "ON HOLD"
keys Tab;     wait_for "Listen: Listen goal"
keys s w;     wait_for "Listen line one  (skipped: wrong scenario)"
keys j j Space; wait_for "[x] Listen check"
keys u;       wait_for "[ ] Listen check"
keys Tab;     wait_for "Empathize: Empathize goal"
keys 2;       wait_for "mood 2 uneasy"
end_call_plainly
wait_for "Outcomes:  resolved${NBSP}1" # a no-break space holds a count to its label
today=$(ready_today)
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise

expect_eq "1 $(mmss "$(report_field handle_avg_s)")" "$today" "ready's today and the report's"
ticked=$(report_field checklist_ticked)
items=$(report_field checklist_items)
pct=$(report_field checklist_pct)
# The definition: calm 1 of 1, listen 0 of 1 (taken back), empathize 0 of 2.
expect_eq "1 4 25.0" "$ticked $items $pct" "the report's checklist adherence"
id=$(sql "SELECT id FROM calls WHERE customer = 'Bea'")
shown=$("$POISE_BIN" show --db "$POISE_DB" "$id")
grep -qF "  checklist of the stages visited: $ticked/$items ticked ($pct%)" <<<"$shown" ||
	fail "show's checklist is not the report's ($ticked/$items, $pct%): $shown"
grep -qF "  1 hold, " <<<"$shown" || fail "show's holds: $shown"
expect_eq "1" "$(report_field holds)" "the report's holds"

start_poise 100 30 review --reviewer sam
wait_for "Bea"
keys Enter; wait_for "Time per stage"
wait_for "  checklist of the stages visited $ticked/$items ticked ($pct%)"
keys q;     wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
stop_poise

# 2. Ana: hung up at once, closed as interrupted.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
kill -HUP "$(poise_pid)"
expect_eq 129 "$(wait_exit)" "exit status after SIGHUP"
stop_poise

# 3. Cy: the interrupted call closed as it was, a call of a second or two, ended as a callback.
start_poise 100 30 call --playbook e2e-fast --customer Cy
wait_for "An unfinished call was found"
keys c;     wait_for "Calm: Calm goal"
sleep 1.2
keys x;     wait_for "outcome: r resolved"
keys c;     wait_for "cause:"
keys 1;     wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
wait_for "Outcomes:  resolved${NBSP}1  callback${NBSP}1"
today=$(ready_today)
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise

expect_eq "3 2 1" "$(report_field calls) $(report_field done) $(report_field interrupted)" \
	"the report's calls"
expect_eq "3 $(mmss "$(report_field handle_avg_s)")" "$today" \
	"ready's today and the report's, an interrupted call among them"
expect_eq "1 1" "$(report_field outcome_resolved) $(report_field outcome_callback)" \
	"the report's outcomes"
echo ok
