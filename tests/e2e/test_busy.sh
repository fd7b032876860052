#!/usr/bin/env bash
# Another program holds the database: the agent's keys still count. Events go
# to the side log, a banner says so, and they reach the database once it is
# free again.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 2; wait_for "mood 2 uneasy"

python3 - "$POISE_DB" "$E2E_DIR/locked" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(3)
db.execute("COMMIT")
PY
locker=$!
for i in $(seq 1 50); do [ -f "$E2E_DIR/locked" ] && break; sleep 0.1; done
[ -f "$E2E_DIR/locked" ] || fail "could not lock the database"

keys 4
wait_for "mood 4 angry"
wait_for "database busy — 1 events saved to side log, retrying"
wait "$locker"
wait_gone "database busy" 10
expect_eq "2 4" "$(sql "SELECT a FROM events WHERE kind = 'mood' ORDER BY seq" | tr '\n' ' ' | \
	sed 's/ $//')" "moods in the database after the lock"
echo ok
