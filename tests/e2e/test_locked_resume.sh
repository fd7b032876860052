#!/usr/bin/env bash
# Issue 13 item 1: the database stays locked by another program across a
# kill -9 and a restart. The call begun and played while locked lives in the
# side log only; the restart offers it, resumes its state (mood, stage) and
# goes on; once the lock goes the call is saved whole, `poise report` counts
# it (none damaged, none left open) and `poise export` has every event.
. "$(dirname "$0")/lib.sh"

# Create the database first: a call started and finished plainly.
start_poise 100 30 call --playbook e2e-fast --customer Old
wait_for "Calm: Calm goal"
end_call_plainly
stop_poise

python3 - "$POISE_DB" "$E2E_DIR/locked" "$E2E_DIR/release" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
for _ in range(600):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
db.execute("COMMIT")
PY
locker=$!
for i in $(seq 1 50); do [ -f "$E2E_DIR/locked" ] && break; sleep 0.1; done
[ -f "$E2E_DIR/locked" ] || fail "could not lock the database"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 4;   wait_for "mood 4 angry"
keys Tab; wait_for "Listen: Listen goal"
keys n; text "while locked"; keys Enter; wait_gone "note (Enter"
wait_for "saved to side log"
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
stop_poise

# Still locked: the call exists only in the side log, and is offered.
start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found" 15
wait_for "customer Ana"
keys r
wait_for "Listen: Listen goal"
wait_for "mood 4 angry"
keys 2; wait_for "mood 2 uneasy"
touch "$E2E_DIR/release"
wait "$locker"
wait_gone "saved to side log" 15
end_call_plainly
stop_poise

expect_eq "" "$(cat "$POISE_DB.pending" 2>/dev/null)" "side log emptied"
expect_eq "done" "$(sql "SELECT status FROM calls WHERE customer = 'Ana'")" "the call, done"
expect_eq "start mood stage note resume mood wrapup outcome cause end" \
	"$(exported 'kinds if c["customer"] == "Ana" else ""' | grep . | sed 's/ interrupted//')" \
	"every event, exported"
"$POISE_BIN" report --db "$POISE_DB" >"$E2E_DIR/report" 2>&1 || fail "report failed: $(cat "$E2E_DIR/report")"
grep -qi "damaged" "$E2E_DIR/report" && fail "report says damaged: $(cat "$E2E_DIR/report")"
expect_eq "calls 2 2" "$(grep -E '^calls  ' "$E2E_DIR/report" | tr -s ' ')" "report counts both calls"
expect_eq "done 2 2" "$(grep -E '^  done ' "$E2E_DIR/report" | tr -s ' ' | sed 's/^ //')" "both done in the report"
expect_eq "calls with mood 1 1" "$(grep -E '^calls with mood' "$E2E_DIR/report" | tr -s ' ')" \
	"the locked call's moods counted"
expect_eq 2 "$(sql "SELECT count(*) FROM calls WHERE status = 'done'")" "both calls done"
[ -e "$POISE_DB.quarantine" ] && fail "entries quarantined: $(cat "$POISE_DB.quarantine")"

# An entry the replay cannot take (another event holds its seq) is kept in
# the quarantine, and the ready screen and `poise doctor` say so.
ana=$(sql "SELECT id FROM calls WHERE customer = 'Ana'")
printf 'event\t%s\t2\t1\tnote\tcalm\t0\t0\tclashing\n' "$ana" >"$POISE_DB.pending"
start_poise 100 30 call --playbook e2e-fast
wait_for "Who is calling?"
keys Escape
wait_for "ready for the next call"
wait_for "1 side log entry could not be saved as it was: kept in"
wait_for "poise.db.quarantine"
keys q
wait_exit >/dev/null
stop_poise
grep -q clashing "$POISE_DB.quarantine" || fail "the entry is not in the quarantine"
"$POISE_BIN" doctor --db "$POISE_DB" >"$E2E_DIR/doctor" 2>&1 || fail "doctor failed: $(cat "$E2E_DIR/doctor")"
grep -q "1 side log entry could not be saved as it was and is kept in .*poise.db.quarantine" \
	"$E2E_DIR/doctor" || fail "doctor does not say the quarantine: $(cat "$E2E_DIR/doctor")"
exit 0
