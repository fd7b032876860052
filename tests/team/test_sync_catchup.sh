#!/usr/bin/env bash
# An idle ready screen catches up soon after the server is back: the
# background sync's retries start 2 s after a failed try and double up to
# 30 s (src/ui/bgsync.c), so calls that waited reach the server within
# seconds of its return, with no new call to start a sync. The server "comes back" by its socket appearing in
# the folder POISE_SERVER names (a link to the test cluster's), so the
# cluster itself is never stopped under other tests.
# Needs the test cluster (ctest fixture team_pg_start, POISE_PG_ENV): 77
# (skipped) without one, except under CI=true.
. "$POISE_SOURCE_DIR/tests/e2e/lib.sh"

team_server poise_e2e_catchup
team_role ana poise_agent
mkdir "$E2E_DIR/sock"
export POISE_AGENT=ana
E2E_ENV="POISE_SERVER='host=$E2E_DIR/sock port=$PGPORT dbname=$db user=ana'"

start_poise 100 30 call --playbook e2e-fast --customer Bo
wait_for "Calm: Calm goal"
end_call_plainly
wait_for "Server unreachable, 1 call waiting" 15
# A few tries fail while it is away.
sleep 3
wait_for "ready for the next call" 1
[ "$(q "SELECT count(*) FROM poise.calls")" = 0 ] || fail "a call reached a server out of reach"
# Back: within a few seconds (not the half minute of the longest wait), untouched.
# (A clock, not wait_gone's count of polls, which a loaded machine stretches.)
ln -s "$PGHOST/.s.PGSQL.$PGPORT" "$E2E_DIR/sock/.s.PGSQL.$PGPORT"
back=$SECONDS
while screen | has -F "unreachable"; do
	(( SECONDS - back < 12 )) || fail "still unreachable $(( SECONDS - back )) s after the server was back"
	sleep 0.2
done
[ "$(q "SELECT count(*) FROM poise.calls WHERE agent = 'ana'")" = 1 ] ||
	fail "the waiting call did not reach the server"
keys q; [ "$(wait_exit)" = 0 ] || fail "poise did not quit cleanly"
echo "ok"
