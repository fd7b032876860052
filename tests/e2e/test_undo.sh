#!/usr/bin/env bash
# Mistakes undone: u takes back the last mark of each kind, Space on a said
# line un-marks it, Esc in the wrap-up goes back to the call. The log only
# grows (UNDO events), and export, show and report all see the correction.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
wait_for "u undo"
keys u;      wait_for "nothing to undo"
keys 3;      wait_for "mood 3 annoyed"
keys 4;      wait_for "mood 4 angry"
keys u;      wait_for "undone: mood 4 angry"; wait_for "mood 3 annoyed"
keys Space;  wait_for "Calm line for Ana  (said)"
keys Space;  wait_gone "Calm line for Ana  (said)"
keys Space;  wait_for "Calm line for Ana  (said)"
keys u;      wait_gone "Calm line for Ana  (said)"
keys j Space; wait_for "[x] Calm check"
keys u;      wait_for "[ ] Calm check"
keys n; text "wrong caller"; keys Enter; wait_for "note saved"
keys u;      wait_for "undone: note: wrong caller"
keys h;      wait_for "ON HOLD"
keys u;      wait_gone "ON HOLD"
keys h;      wait_for "ON HOLD"
keys h;      wait_gone "ON HOLD"
keys u;      wait_for "ON HOLD"
keys h;      wait_gone "ON HOLD"
keys e; text "by mistake"; keys Enter; wait_for "escalation saved"
keys u;      wait_for "undone: escalated: by mistake"
keys m;      wait_for "manager request saved. Say: Yes, Ana. My supervisor"
wait_for "Manager prompt"
keys u;      wait_for "undone: customer asked for a manager"
wait_gone "Manager prompt"
keys Tab;    wait_for "Listen: Listen goal"
keys s w;    wait_for "Listen line one  (skipped: wrong scenario)"
keys u;      wait_gone "(skipped: wrong scenario)"
keys u;      wait_for "Calm: Calm goal"
wait_for "undone: moved to listen from calm"
keys b;      wait_for "Boundary: Boundary goal"
keys w;      wait_for "warning 1 is highlighted"
keys w;      wait_for "First warning to Ana  (given at"
keys u;      wait_for "First warning to Ana  (next: w shows it)"
keys u;      wait_for "Calm: Calm goal"
# The wrap-up goes back to the call until its outcome is saved.
keys x;      wait_for "outcome: r resolved"
wait_for "(Esc: back to the call)"
keys Escape; wait_for "back to the call; x ends it again"
wait_for "Calm: Calm goal"
keys u;      wait_for "undone: hold ended"; wait_for "ON HOLD"
keys h;      wait_gone "ON HOLD"
end_call_plainly
keys q
expect_eq 0 "$(wait_exit)" "exit status"

# The log keeps every mark and the UNDO that took it back, in order.
kinds=$(exported 'kinds' | tr ' ' '\n' | grep -v '^prompt$' | tr '\n' ' ')
expect_eq "start mood mood undo said undo said undo check undo note undo hold-start undo \
hold-start hold-end undo hold-end escalate undo manager undo stage skip undo undo stage warning \
undo undo wrapup undo undo hold-end wrapup outcome cause end " "$kinds" "the events"
# Each UNDO names the seq of the event it took back, and those are marks.
expect_eq "mood said said check note hold-start hold-end escalate manager skip stage warning stage wrapup hold-end" \
	"$(exported '" ".join(next(x["kind"] for x in c["events"] if x["seq"] == e["a"])
		for e in c["events"] if e["kind"] == "undo")')" "what each UNDO took back"
# The calls row's summary and the skips table leave the undone out too.
expect_eq "3 3 0 1" "$(sql "SELECT mood_start, mood_end, (SELECT count(*) FROM skips), \
	wrapup_at = (SELECT max(t) FROM events WHERE kind = 'wrapup') FROM calls" | tr '\t' ' ')" \
	"mood, skips and wrap-up time of the calls row"
id=$(sql "SELECT id FROM calls")
shown=$("$POISE_BIN" show --db "$POISE_DB" "$id")
grep -qF "undone: mood 4 angry" <<<"$shown" || fail "show lacks the undone mood: $shown"
grep -qF "back to the call from the wrap-up" <<<"$shown" || fail "show lacks the way back: $shown"
grep -qF "  1 hold, " <<<"$shown" || fail "show counts the undone holds: $shown"
grep -qF "0 boundary warnings, 0 escalations, 0 manager requests" <<<"$shown" ||
	fail "show counts undone marks: $shown"
grep -qF "mood 3 annoyed -> 3 annoyed" <<<"$shown" || fail "show counts the undone mood: $shown"
# The report's figures and lines, kept and refolded alike.
report=$("$POISE_BIN" report --db "$POISE_DB" --format csv)
expect_eq "1,1,0,0,0,0,3.00,3.00,0" "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
r = rows[0]
print(",".join(r[k] for k in ("calls", "holds", "escalated", "warnings", "checklist_ticked",
	"transferred", "mood_start_avg", "mood_end_avg", "mood_pairs")))' <<<"$report")" \
	"report figures"
lines=$("$POISE_BIN" report --db "$POISE_DB" --format csv --lines)
python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r["used"] != "0" or r["skipped"] != "0":
        sys.exit("a line counts an undone mark: %s" % r)' <<<"$lines" || fail "report --lines: $lines"
expect_eq "$("$POISE_BIN" report --db "$POISE_DB" --format json --lines --refold)" \
	"$("$POISE_BIN" report --db "$POISE_DB" --format json --lines)" "kept and refolded report"
echo "ok"
