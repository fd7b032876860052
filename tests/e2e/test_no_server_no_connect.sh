#!/usr/bin/env bash
# test_no_server_no_connect.sh - issue 10: "Nothing leaves the agent's machine
# unless a server is configured". With no --server, no $POISE_SERVER and none
# of libpq's PGHOST, PGHOSTADDR, PGSERVICE or PGDATABASE, a whole call (which
# syncs and streams when a server is configured) and the team commands make
# no connection at all: strace records every connect(2) of poise and its
# children, and none may be to a network address or a PostgreSQL socket.
# The control: with PGHOST set, the same record shows sync's attempt, so
# the record would catch one.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null; then
	# scripts/deps.sh test installs it: in CI its absence is a fault, not a skip.
	[ "${CI:-}" = true ] && fail "strace is not installed (scripts/deps.sh test installs it)"
	echo "SKIP: strace is not installed"; exit 77
fi
strace -f -qq -e trace=connect -o /dev/null true 2>/dev/null ||
	{ echo "SKIP: strace cannot trace here (ptrace not allowed)"; exit 77; }

unset POISE_SERVER PGHOST PGHOSTADDR PGSERVICE PGDATABASE PGSERVICEFILE
REAL_BIN=$POISE_BIN
TRACE="$E2E_DIR/connects"
# LeakSanitizer cannot run under a tracer (it stops the process with ptrace
# itself): the sanitizer build's leaks are checked by every other test.
cat >"$E2E_DIR/traced" <<SH
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
exec strace -f -qq -e trace=connect -o "$TRACE" -A "$REAL_BIN" "\$@"
SH
chmod +x "$E2E_DIR/traced"
POISE_BIN="$E2E_DIR/traced"

# connects FILE: the connect(2) calls to an address that is not this process's
# own business: AF_INET, AF_INET6, or a Unix socket named .s.PGSQL.*.
outward() { grep -E 'AF_INET|\.s\.PGSQL' "$TRACE" 2>/dev/null || true; }

# A whole call, to the ready screen and out: with a server this would sync and stream.
start_poise 100 30 call --playbook e2e-fast
new_caller Ana R-1
wait_for "Calm: Calm goal"
keys Space
end_call_plainly
sleep 1 # the background sync, when there is one, starts at once
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise
[ -s "$TRACE" ] || [ -f "$TRACE" ] || fail "strace wrote no record"
got=$(outward)
[ -z "$got" ] || fail "with no server configured, poise call connected: $got"

# The team commands say there is no server, and connect nowhere.
for cmd in "sync" "review --server" "report --server" "floor" "followups --server"; do
	# shellcheck disable=SC2086
	if "$POISE_BIN" $cmd >"$E2E_DIR/out" 2>&1; then
		fail "poise $cmd succeeded with no server: $(cat "$E2E_DIR/out")"
	fi
	grep -q "no server configured" "$E2E_DIR/out" ||
		fail "poise $cmd: $(cat "$E2E_DIR/out")"
done
got=$(outward)
[ -z "$got" ] || fail "with no server configured, a team command connected: $got"

# The control: a server configured (a folder with no server in it), and the record shows it.
mkdir -p "$E2E_DIR/nohost"
PGHOST="$E2E_DIR/nohost" "$POISE_BIN" sync >"$E2E_DIR/out" 2>&1 && fail "sync reached a server"
grep -q "cannot reach the server" "$E2E_DIR/out" || fail "sync: $(cat "$E2E_DIR/out")"
outward | has "nohost/.s.PGSQL" || fail "the record missed sync's connection: $(cat "$TRACE")"
echo "PASS"
