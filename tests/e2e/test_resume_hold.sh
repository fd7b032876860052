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
# The hold before the crash (its start to the last event, the note) plus
# the time since the resume, both from the events' own times, so a loaded
# machine's slow keys do not matter; the 2 s nobody saw would show as 2 more.
event_t() { sql "SELECT max(t) FROM events WHERE kind = '$1'"; }
hold_t=$(event_t hold-start) note_t=$(event_t note) resume_t=$(event_t resume)
before=$(date +%s%3N)
first=$(hold_secs)
after=$(date +%s%3N)
lo=$(( (note_t - hold_t + before - resume_t) / 1000 - 1 )) # the screen: up to a second old
hi=$(( (note_t - hold_t + after - resume_t + 999) / 1000 ))
[ $(( resume_t - note_t )) -ge 2000 ] || fail "the gap was not 2 s: $(( resume_t - note_t )) ms"
[ -n "$first" ] && [ "$first" -ge "$lo" ] && [ "$first" -le "$hi" ] ||
	fail "hold timer after resume: '$first', expected $lo to $hi (the gap not counted)"
wait_for "ON HOLD $(printf "00:%02d" $(( first + 2 )))" 5
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
# Expected from the events' times: hold-start to the note, resume to hold-end.
want=$(( ( $(event_t note) - $(event_t hold-start) + $(event_t hold-end) - $(event_t resume) ) ))
python3 -c "import sys; sys.exit(not abs(float('$held') * 1000 - $want) <= 1000)" ||
	fail "hold total $held s: expected $want ms, the hold before and after the crash, without the gap"
echo "ok"
