#!/usr/bin/env bash
# The background sync after each call (docs/poise.1, THE TEAM SERVER): with
# the server out of reach the call never waits for it, and the ready
# screen says how many calls wait; with no server configured nothing is
# tried and nothing is said.
. "$(dirname "$0")/lib.sh"

# No server: the ready screen says nothing of one, and the database holds no sync outcome.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
end_call_plainly
sleep 1
screen | has -iF "server" && fail "the ready screen speaks of a server with none configured"
[ "$(sql "SELECT count(*) FROM sync_marks")" = 0 ] || fail "a sync ran with no server configured"
keys q; [ "$(wait_exit)" = 0 ] || fail "poise did not quit cleanly"
stop_poise

# A server that is not there: said on the ready screen, the calls counted.
E2E_ENV="POISE_SERVER='host=$E2E_DIR/nosuch dbname=poise connect_timeout=2'"
start_poise 100 30 call --playbook e2e-fast --customer Bo
wait_for "Calm: Calm goal"
end_call_plainly
wait_for "Server unreachable, 2 calls waiting" 15
# The next call starts at once, whatever the sync does.
keys c; new_caller "Cy"
wait_for "Calm: Calm goal" 2
end_call_plainly
wait_for "Server unreachable, 3 calls waiting" 15
[ "$(sql "SELECT value FROM sync_marks WHERE name = 'sync_failed_status'")" != "" ] ||
	fail "the failed sync was not recorded"
keys q; [ "$(wait_exit)" = 0 ] || fail "poise did not quit cleanly"
echo "ok"
