#!/usr/bin/env bash
# The live floor end to end, against a real PostgreSQL server (a throwaway
# cluster of this test's own, scripts/pg-cluster.sh): an agent takes a call
# with --server while a supervisor watches `poise floor --server`; the call
# appears on the floor, its mood follows, and an alert line appears when the
# agent presses e (escalate) and m (manager requested). Skipped (77) where no
# PostgreSQL server is installed, as the team tests are.
. "$(dirname "$0")/lib.sh"

pg="$E2E_DIR/pg"
set +e
sh "$POISE_SOURCE_DIR/scripts/pg-cluster.sh" start "$pg" >"$E2E_DIR/pg.out" 2>&1
rc=$?
set -e
if [ "$rc" -eq 77 ]; then cat "$E2E_DIR/pg.out"; exit 77; fi
[ "$rc" -eq 0 ] || { cat "$E2E_DIR/pg.out" >&2; fail "cannot start the test cluster"; }
trap 'stop_poise; sh "$POISE_SOURCE_DIR/scripts/pg-cluster.sh" stop "$pg" >/dev/null 2>&1 || true; remove_dir "$E2E_DIR"' EXIT
set -a
. "$pg/env"
set +a
psql() { "$POISE_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "CREATE DATABASE floor"
"$POISE_BIN" server init --server "dbname=floor user=postgres" >/dev/null
psql -d floor -c "CREATE ROLE tester LOGIN IN ROLE poise_agent" \
	-c "CREATE ROLE rita LOGIN IN ROLE poise_supervisor"
E2E_ENV="PGHOST='$PGHOST' PGPORT='$PGPORT'"

# The supervisor's floor: nobody on a call yet.
start_poise 80 24 floor --server "dbname=floor user=rita"
wait_for "poise floor - 0 live calls"
wait_for "no live calls"

# The agent's call, in a window of its own, streaming to the server.
start_window agent 100 30 call --playbook e2e-fast --customer Ana --server "dbname=floor user=tester"
agent_keys() { window_keys agent "$@"; }
wait_agent() { window_wait agent "$1"; }
wait_agent "Calm line for Ana"

# On the floor as it happens: the call, then its mood.
wait_for "poise floor - 1 live call"
screen | grep -E "tester +Ana +Calm" >/dev/null || fail "the call's row is not on the floor"
agent_keys 4; wait_agent "mood 4"
wait_for "4 angry"
screen | grep -E "^ watch +tester" >/dev/null || fail "an angry caller is not on watch"

# e: the agent escalates; the floor raises an alert line and puts the call first.
agent_keys e; wait_agent "escalate, reason:"
window_text agent "wants a refund"; agent_keys Enter; wait_agent "escalation saved"
wait_for "tester (Ana): escalated" 5
screen | grep -E "^ ! [0-9]{2}:[0-9]{2}:[0-9]{2}  tester \(Ana\): escalated" >/dev/null ||
	fail "the alert line is not as documented"
screen | grep -E "^ HELP +tester" >/dev/null || fail "an escalated call is not marked HELP"
wait_for "1 asking for help"

# m: a manager requested: a second alert line, newest first.
agent_keys m; wait_agent "manager request saved"
wait_for "tester (Ana): manager requested" 5
first=$(screen | grep -n "tester (Ana): manager requested" | cut -d: -f1)
second=$(screen | grep -n "tester (Ana): escalated" | cut -d: -f1)
[ "$first" -lt "$second" ] || fail "the newest alert is not on top"

# a clears the alert lines; the call keeps its place.
keys a; wait_gone "tester (Ana): escalated"
screen | grep -E "^ HELP +tester" >/dev/null || fail "clearing the alerts moved the call"

# The call ends (the window closes: interrupted): it leaves the floor.
tm kill-session -t agent
wait_for "poise floor - 0 live calls" 10
keys q
expect_eq 0 "$(wait_exit)" "poise floor's exit status"
