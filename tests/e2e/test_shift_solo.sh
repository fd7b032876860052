#!/usr/bin/env bash
# A whole shift with no server (test_shift.sh has the server), as an agent
# works it: seven calls back to back, three at
# 80x24 and the rest at 40x12 in the same window, each with its own caller
# (two without a name), mistakes undone (a mood, a boundary pressed by
# mistake, an ended call taken back), a manager request in the playbook's
# words, a hold, a follow-up, and a kill -9 mid-call resumed. Then the
# supervisor's figures: seven calls, each its own caller, no repeat contact,
# nothing damaged, every event exported.
. "$(dirname "$0")/lib.sh"

# next NAME REF: from the ready screen, the next caller, to the call screen.
next() { keys c; new_caller "$1" "$2"; wait_for "Calm: Calm goal"; }

start_poise 80 24 call --playbook e2e-fast
new_caller Ana A-1; wait_for "Calm: Calm goal"
# 1. Ana: a mood, a line said, on to listen.
keys 3;     wait_for "mood 3 annoyed"
keys Space; wait_for "Calm line for Ana  (said)"
keys Tab;   wait_for "Listen: Listen goal"
end_call_plainly
# 2. Ben: a mood pressed by mistake and undone; the caller asks for a manager.
next Ben B-2
keys 5;     wait_for "mood 5 furious"
keys u;     wait_for "undone: mood 5 furious"; wait_for "mood -"
keys 2;     wait_for "mood 2 uneasy"
keys m;     wait_for "Say: Yes, Ben. My supervisor joins us now."
keys Tab Tab; wait_for "Empathize: Empathize goal"
keys Left;  wait_for "Listen: Listen goal"
end_call_plainly
# 3. No name: boundary pressed by mistake, undone; the lines read without a name.
next "" ""
screen | has -F "Ben" && fail "call 3 shows the last caller's name"
wait_for "Calm line for"
keys b;     wait_for "Boundary: Boundary goal"
keys u;     wait_for "Calm: Calm goal"
end_call_plainly

# The rest of the shift in a small window.
tm resize-window -t main -x 40 -y 12
wait_for "Enter/c next call"
# 4. Cy: a hold, a note, a follow-up for tomorrow.
next Cy C-4
keys h;     wait_for "HOLD"
keys h;     wait_gone "HOLD"
keys n; text "wants a callback"; keys Enter; wait_for "note saved"
keys x;     wait_for "outcome: r resolved"
keys c;     wait_for "cause:"
keys 2;     wait_for "follow-up due date"
text "tomorrow"; keys Enter; wait_for "follow-up channel"
text "phone"; keys Enter; wait_for "promise made"
text "ring Cy back"; keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
# 5. Di: the window dies mid-call; the call is resumed where it was.
next Di D-5
keys 4;     wait_for "m4"
keys Tab;   wait_for "Listen: Listen goal"
keys Space; wait_for "Listen line one  (said)"
# The skip question stands under the stage, not over the line it asks about.
keys j s;   wait_for "skip this line because"
screen | has -F "Listen line two" || fail "the skip question covers the line it skips"
wait_for "more lines below"
keys w;     wait_for "(skipped: wrong"
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
stop_poise
start_poise 40 12 call --playbook e2e-fast
wait_for "unfinished call"
keys r;     wait_for "Listen line one  (said)"
wait_for "(skipped: wrong"
wait_for "Di"
keys m;     wait_words "Say: Yes, Di. My supervisor joins us now."
keys x;     wait_for "outcome: r resolved"
keys PPage PPage; wait_words "1 manager request"
keys r;     wait_for "cause:"
keys 1;     wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
# 6. Ed: the call ended too soon, taken back from the wrap-up, then ended.
next Ed E-6
keys x;     wait_for "outcome: r resolved"
keys Escape; wait_for "back to the call"
keys Tab;   wait_for "Listen: Listen goal"
end_call_plainly
# 7. No name again.
next "" ""
keys 1;     wait_for "m1"
end_call_plainly
keys q
expect_eq 0 "$(wait_exit)" "exit status"

# The supervisor's view of the shift.
expect_eq "Ana|Ben||Cy|Di|Ed|" "$(sql "SELECT customer FROM calls ORDER BY started_at" | paste -sd '|')" \
	"each call has its own caller"
expect_eq "A-1|B-2||C-4|D-5|E-6|" "$(sql "SELECT customer_ref FROM calls ORDER BY started_at" | paste -sd '|')" \
	"each call has its own reference"
expect_eq "done done done done done done done" \
	"$(sql "SELECT status FROM calls ORDER BY started_at" | paste -sd ' ')" "every call closed"
expect_eq 7 "$(exported 'c["customer"]' | wc -l)" "calls exported"
expect_eq "$(sql "SELECT count(*) FROM events")" \
	"$(exported 'len(c["events"])' | awk '{ s += $1 } END { print s + 0 }')" "every event exported"
expect_eq "0 0|1 0|0 0|0 0|1 1|0 0|0 0" \
	"$(exported '"%d %d" % (kinds.split().count("manager"), kinds.split().count("resume"))' | paste -sd '|')" \
	"manager requests and resumes per call"
json=$("$POISE_BIN" report --db "$POISE_DB" --format json)
grep -qF '"damaged":0' <<<"$json" || fail "report counts damaged calls: $json"
csv=$("$POISE_BIN" report --db "$POISE_DB" --format csv)
expect_eq "7 0" "$(python3 -c '
import csv, sys
row = next(r for r in csv.DictReader(sys.stdin) if r["agent"] == "tester")
print(row["calls"], row["repeats"])' <<<"$csv")" "calls and repeat contacts in the report"
echo "ok: a shift of seven calls, its figures without an artefact of the tool"
