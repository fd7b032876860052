# lib.sh - helpers for the end-to-end tests: poise runs in a detached tmux
# session on a private socket with a fixed size, keys go in with send-keys,
# the screen comes back with capture-pane. Source it from a test_*.sh.
#
# Environment: POISE_BIN (the binary) and POISE_SOURCE_DIR, set by ctest.
set -euo pipefail

: "${POISE_BIN:?POISE_BIN must name the poise binary}"
: "${POISE_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
command -v tmux >/dev/null || { echo "FAIL: tmux is needed for the end-to-end tests" >&2; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to read the database" >&2; exit 1; }

E2E_NAME=$(basename "$0" .sh)
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/poise-e2e.XXXXXX")
E2E_SOCK="poise-$$-$E2E_NAME"
E2E_DATA="$POISE_SOURCE_DIR/tests/data/e2e"
export POISE_DB="$E2E_DIR/data/poise.db"
export POISE_AGENT=tester
export POISE_PLAYBOOK_PATH="$E2E_DATA"
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
unset NO_COLOR

tm() { tmux -L "$E2E_SOCK" -f /dev/null "$@"; }
# The pane's shell: bash whatever the login shell is (dash dies of the
# SIGINT a Ctrl-C test sends to the foreground group; bash waits for poise).
E2E_SHELL=$(command -v bash)

e2e_cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	rm -rf "$E2E_DIR"
}
trap e2e_cleanup EXIT

screen() { tm capture-pane -p -t main 2>/dev/null || true; }
# everything the pane printed, scrolled-off lines included, joined unwrapped
history() { tm capture-pane -p -J -S - -t main 2>/dev/null || true; }

fail() {
	echo "FAIL: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	echo "----------------" >&2
	exit 1
}

# start_poise WIDTH HEIGHT [ARGS...]: `poise ARGS` in a fresh session, under
# a shell that writes poise's exit status to $E2E_DIR/status (tmux's own
# pane_dead_status is not reliable while it is being polled). The pane stays
# after the exit so the last screen can still be read.
start_poise() {
	local w=$1 h=$2 cmd i
	shift 2
	rm -f "$E2E_DIR/status"
	cmd="env TERM=${E2E_TERM:-xterm-256color} LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC"
	cmd+=" POISE_DB='$POISE_DB' POISE_AGENT='$POISE_AGENT' POISE_PLAYBOOK_PATH='$E2E_DATA'"
	cmd+=" ${E2E_ENV:-} '$POISE_BIN'"
	for a in "$@"; do cmd+=" '${a//\'/\'\\\'\'}'"; done
	cmd+="; echo \$? > '$E2E_DIR/status.tmp' && mv '$E2E_DIR/status.tmp' '$E2E_DIR/status'"
	# A server still shutting down from stop_poise can refuse us: retry.
	for (( i = 0; i < 30; i++ )); do
		tm set-option -g remain-on-exit on \; \
			set-option -g default-shell "$E2E_SHELL" \; \
			new-session -d -s main -x "$w" -y "$h" "$cmd" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "cannot start tmux"
}

# stop_poise: end the tmux server (poise gets SIGHUP if still running).
stop_poise() {
	local i
	tm kill-server >/dev/null 2>&1 || true
	for (( i = 0; i < 50; i++ )); do
		tm list-sessions >/dev/null 2>&1 || return 0
		sleep 0.1
	done
}

# keys KEY...: tmux key names (Tab, BTab, Left, Enter, Escape, Space...) or text.
keys() { tm send-keys -t main "$@"; }
# text STRING: literal text, any UTF-8.
text() { tm send-keys -t main -l "$1"; }

# new_caller [NAME [REF]]: in the new-caller form, type the caller's name
# and reference or skip them, until the call screen opens. An Enter on an
# empty field waits a little first: an Enter that quickly follows another
# is taken as a repeat and ignored (docs/poise.1, THE READY SCREEN).
new_caller() {
	wait_for "poise - next caller"
	wait_for "name:"
	if [ -n "${1:-}" ]; then text "$1"; else sleep 0.4; fi
	keys Enter; wait_for "reference:"
	if [ -n "${2:-}" ]; then text "$2"; else sleep 0.4; fi
	keys Enter; wait_gone "poise - next caller"
}

# end_call_plainly: from the call screen of an e2e-fast call, end it as
# resolved with the first cause and every optional field skipped, on to
# the ready screen.
end_call_plainly() {
	keys x;     wait_for "outcome: r resolved"
	keys r;     wait_for "cause:"
	keys 1;     wait_for "follow-up due date"
	keys Enter; wait_for "what went well"
	keys Enter; wait_for "what to improve"
	keys Enter; wait_for "ready for the next call"
}

# finish_call [WHAT]: from the call screen of an e2e-fast call, end it
# plainly (end_call_plainly), quit from the ready screen, check poise
# exited 0 and end the session.
finish_call() {
	end_call_plainly
	keys q
	expect_eq 0 "$(wait_exit)" "${1:-poise call} exit status"
	stop_poise
}

# first_kinds N: the kinds of the database's first N events, space-separated.
first_kinds() {
	sql "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events ORDER BY seq LIMIT $1)"
}

# open_replay NAME: `poise review` as reviewer sam, the call of customer
# NAME opened and its replay at step 0.
open_replay() {
	start_poise 100 30 review --reviewer sam
	wait_for "$1"
	keys Enter; wait_for "Time per stage"
	keys r;     wait_for "replay $1  step 0 of"
}

# poll SHOWN TEXT SECONDS: until `SHOWN` (screen or words) has TEXT (1 when
# it never does); gone=1 in the environment: until it no longer has.
poll() {
	local limit=$(( $3 * 10 )) i
	for (( i = 0; i < limit; i++ )); do
		if "$1" | grep -qF -- "$2"; then [ "${gone:-0}" = 1 ] || return 0
		elif [ "${gone:-0}" = 1 ]; then return 0; fi
		sleep 0.1
	done
	return 1
}

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() { poll screen "$1" "${2:-10}" || fail "screen never showed '$1'"; }

# words: the screen's words in reading order, rows joined, so a wrapped line reads whole.
words() { screen | sed 's/^ *//; s/ *$//' | tr '\n' ' ' | tr -s ' '; }

# wait_words TEXT [SECONDS]: until the screen reads TEXT, wrapped over rows or not.
wait_words() { poll words "$1" "${2:-10}" || fail "screen never read '$1'"; }

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() { gone=1 poll screen "$1" "${2:-10}" || fail "screen still shows '$1'"; }

# poise_pid: the poise process (the child of the pane's shell).
poise_pid() {
	local sh i pid
	sh=$(tm display-message -p -t main '#{pane_pid}')
	for (( i = 0; i < 50; i++ )); do
		pid=$(cat "/proc/$sh/task/$sh/children" 2>/dev/null | awk '{print $1}')
		[ -n "$pid" ] && { echo "$pid"; return 0; }
		sleep 0.1
	done
	fail "no poise process"
}

# wait_exit [SECONDS]: until poise has exited; prints its exit status.
wait_exit() {
	local limit=$(( ${1:-10} * 10 )) i
	for (( i = 0; i < limit; i++ )); do
		[ -f "$E2E_DIR/status" ] && { cat "$E2E_DIR/status"; return 0; }
		sleep 0.1
	done
	fail "poise did not exit"
}

# sql QUERY: rows of a read-only query on the test database, fields tab-separated.
sql() {
	python3 - "$POISE_DB" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for row in db.execute(sys.argv[2]):
    print("\t".join("" if v is None else str(v) for v in row))
PY
}

# exported PYEXPR: read the calls back as supervisors do, with `poise export
# --format jsonl`: one line per call, oldest first, PYEXPR evaluated in
# python3 with `c` the call (a dict) and `kinds` its event kinds in order.
exported() {
	"$POISE_BIN" export --db "$POISE_DB" --format jsonl | python3 -c '
import json, sys
for line in sys.stdin:
    c = json.loads(line)
    kinds = " ".join(e["kind"] for e in c["events"])
    print(eval(sys.argv[1]))' "$1"
}

expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}
