#!/usr/bin/env bash
# State that survives: kill -9 during a hold, restart, resume: the caller
# is still on hold, its timer goes on from where it stopped, the pending
# hold prompt is back and says how long the caller has waited, and the
# interrupted/resume events carry the stage.
. "$(dirname "$0")/lib.sh"

hold_secs() { screen | sed -n 's/.*ON HOLD 00:\([0-9][0-9]\).*/\1/p' | head -n 1 | sed 's/^0//'; }

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys Tab;  wait_for "Listen: Listen goal"
keys h;    wait_for "ON HOLD"
wait_for "caller waiting 00:0" 5
wait_for "Hold prompt"
wait_for "ON HOLD 00:03" 6
# The last event is the last moment known: a note at 3 s into the hold.
keys n; text "still on hold"; keys Enter; wait_for "note saved"
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
stop_poise
sleep 2 # time nobody saw: counted neither as call nor as hold time

start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found"
wait_for "It was in the Listen stage with the caller on hold"
keys r
wait_for "Listen: Listen goal"
wait_for "ON HOLD"
wait_for "Hold prompt"
wait_for "caller waiting 00:0"
first=$(hold_secs)
[ -n "$first" ] && [ "$first" -ge 3 ] && [ "$first" -le 4 ] ||
	fail "hold timer after resume: '$first', expected 3 or 4 (the gap not counted)"
wait_for "ON HOLD 00:0$((first + 2))" 5
keys h;    wait_gone "ON HOLD"
end_call_plainly
keys q
expect_eq 0 "$(wait_exit)" "exit status"

expect_eq "interrupted listen|resume listen 1|hold-end listen" "$(exported '"|".join(
	"%s %s%s" % (e["kind"], e["stage"], " %d" % e["a"] if e["kind"] == "resume" else "")
	for e in c["events"] if e["kind"] in ("interrupted", "resume", "hold-end"))')" \
	"the resume events and their stage"
expect_eq 1 "$(exported 'kinds.count("hold-start")')" "one hold"
held=$("$POISE_BIN" report --db "$POISE_DB" --format csv | python3 -c '
import csv, sys
print(next(csv.DictReader(sys.stdin))["hold_total_s"])')
python3 -c "import sys; sys.exit(not 5 <= float('$held') <= 7.5)" ||
	fail "hold total $held s: expected the hold before and after the crash, without the gap"
echo "ok"
