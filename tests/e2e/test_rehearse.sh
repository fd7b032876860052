#!/usr/bin/env bash
# A rehearsal of a shipped scenario to the end: the situation first, the
# customer's opening line, a reaction to a said line that lowers their mood
# (logged as a MOOD event), the wrap-up, the debrief from the playbook's
# rules; then the call is practice: `report` leaves it out, `report
# --practice` and `review --practice` have it, export marks it.
. "$(dirname "$0")/lib.sh"
E2E_ENV="POISE_SCENARIO_PATH='$POISE_SOURCE_DIR/scenarios'"

# A real call first, so "report leaves the rehearsal out" has something to count.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
finish_call "the real call's"

start_poise 100 30 rehearse furious-refund
wait_for "poise rehearse - Furious refund demand"
wait_for "The situation"
wait_words "was still charged for it, twice"
wait_for "Customer: Dana Whitlock"
wait_for "Mood at the start: 5 furious"
keys Enter
wait_for "Calm:"
wait_for "mood 5 furious"
screen | head -1 | has -F "Dana Whitlock  ref RF-20931  agent tester" || fail "the header names the agent"
wait_words "Dana Whitlock: “I have called three times now"
# Calm, Listen, then Empathize: its first line said, the customer feels heard.
keys Tab;   wait_for "Listen:"
keys Tab;   wait_for "Empathize:"
keys Space; wait_for "(said)"
wait_words "Nobody else bothered to say that."
wait_for "mood 4 angry"
# Straight to Solve is no rush now (Empathize came first): no bristling.
keys Tab Tab Tab; wait_for "Solve:"
screen | has -F "recite a procedure" && fail "the customer bristled though Empathize came first"
keys x;     wait_for "outcome: r resolved"
keys r;     wait_for "cause:"
keys 1;     wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter
wait_for "debrief: Furious refund demand"
wait_for "The customer's mood: 5 at the start, 4 at the end"
wait_for "What went well"
wait_words "Empathize: Show you understand how they feel"
wait_for "What to try"
keys Enter
expect_eq 0 "$(wait_exit)" "the rehearsal's exit status"
stop_poise

expect_eq "furious-refund	done	Dana Whitlock" \
	"$(sql "SELECT practice, status, customer FROM calls WHERE practice IS NOT NULL")" "the practice call"
expect_eq "5 4" "$(sql "SELECT group_concat(a, ' ') FROM (SELECT a FROM events e JOIN calls c ON c.id = e.call_id \
	WHERE c.practice IS NOT NULL AND e.kind = 'mood' ORDER BY e.seq)")" "the customer's moods, as MOOD events"
# Its figures kept by the core at its END (live_record), as a call's are: no screen's doing.
expect_eq 1 "$(sql "SELECT count(*) FROM call_figures f JOIN calls c ON c.id = f.call_id
	WHERE c.practice IS NOT NULL AND f.last_seq = (SELECT max(seq) FROM events WHERE call_id = c.id)")" \
	"the rehearsal's kept figures, up to its last event"

report=$("$POISE_BIN" report --db "$POISE_DB" --format json)
expect_eq 1 "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["overall"]["calls"])' "$report")" \
	"report counts the real call only"
practice=$("$POISE_BIN" report --db "$POISE_DB" --practice --format json)
expect_eq "1 1 1 tester" "$(python3 -c 'import json,sys
r = json.loads(sys.argv[1]); o = r["overall"]; a = r["agents"][0]
print(o["rehearsals"], o["scenarios"], o["done"], a["agent"])' "$practice")" "report --practice"
"$POISE_BIN" report --db "$POISE_DB" --practice | has -E "^rehearsals +1 +1" || fail "report --practice table"
expect_eq "e2e-fast:None de-escalation:furious-refund" "$(exported 'c["playbook_id"] + ":" + str(c["practice"])' | tr '\n' ' ' | sed 's/ $//')" \
	"export marks the rehearsal"

# review lists the rehearsal only when asked for.
start_poise 100 30 review
wait_for "poise review"
wait_for "Ana"
screen | has -F "Dana Whitlock" && fail "review lists the rehearsal among the calls"
keys P;     wait_for "Dana Whitlock"
wait_for "practice    furious-refu"
screen | has -F "Ana " && fail "the rehearsals list shows a real call"
keys q;     wait_exit >/dev/null
stop_poise
start_poise 100 30 review --practice
wait_for "Dana Whitlock"
keys q;     wait_exit >/dev/null
stop_poise

# At 80 columns the header has no room for the agent's name beside the
# customer's and the reference: from the first frame on, the name is left
# out whole with its label, never "agent" with nothing after it.
start_poise 80 24 rehearse furious-refund
wait_for "The situation"
keys Enter
wait_for "Calm:"
header=$(screen | head -1)
case "$header" in *"Dana Whitlock  ref RF-20931"*) ;; *) fail "the 80x24 header lost the caller: $header" ;; esac
if grep -qw agent <<<"$header" && ! grep -qF "agent tester" <<<"$header"; then
	fail "the 80x24 header shows 'agent' without the name: $header"
fi
echo "PASS"
