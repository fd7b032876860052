#!/usr/bin/env bash
# Another program holds the database for several seconds: the screen stays
# responsive (the call timer goes on ticking, keys show within a second),
# events go to the side log with a banner, and they reach the database, in
# order, once it is free again. The lock is held until the test writes the
# "release" file, so the checks never race a timer whatever the load.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 2; wait_for "mood 2 uneasy"

python3 - "$POISE_DB" "$E2E_DIR/locked" "$E2E_DIR/release" "$E2E_DIR/released" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
# Hold the lock until the test says so; a failed test's clean-up removes
# the folder, which ends the holder too.
folder = os.path.dirname(sys.argv[2])
while not os.path.exists(sys.argv[3]) and os.path.isdir(folder):
    time.sleep(0.05)
db.execute("COMMIT")
open(sys.argv[4], "w").close()
PY
locker=$!
for i in $(seq 1 50); do [ -f "$E2E_DIR/locked" ] && break; sleep 0.1; done
[ -f "$E2E_DIR/locked" ] || fail "could not lock the database"

call_timer() { screen | grep -o 'call [0-9][0-9]:[0-9][0-9]' | head -n 1; }

keys 4
wait_for "mood 4 angry" 1
wait_for "database busy — 1 event saved to side log, retrying" 2
t1=$(call_timer)
keys Tab
wait_for "Listen: Listen goal" 1
wait_for "database busy — 2 events saved to side log, retrying" 2
sleep 1.2
t2=$(call_timer)
moods=$(sql "SELECT count(*) FROM events WHERE kind = 'mood'")
[ ! -f "$E2E_DIR/released" ] || fail "the lock ended before the test released it"
[ -n "$t1" ] && [ "$t1" != "$t2" ] || fail "the call timer stood still during the lock ($t1, $t2)"
expect_eq 1 "$moods" "moods in the database while it is locked"

touch "$E2E_DIR/release"
wait "$locker"
wait_gone "database busy" 15
expect_eq "start mood mood stage" "$(exported 'kinds')" "events after the lock, in order"
expect_eq "2 4" "$(sql "SELECT a FROM events WHERE kind = 'mood' ORDER BY seq" | tr '\n' ' ' | \
	sed 's/ $//')" "moods in the database after the lock"
[ ! -s "$POISE_DB.pending" ] || fail "the side log still holds events after the replay"
echo ok
