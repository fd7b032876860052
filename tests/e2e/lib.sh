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

# remove_dir DIR: rm -rf, again for up to 5 s while it fails (then a
# warning, not a failure: the test's verdict is already given): the shell of
# a pane may still write poise's exit status after the tmux server is gone,
# and a file made in DIR between rm's reading of it and its rmdir fails rm
# with "Directory not empty".
remove_dir() {
	local i
	for (( i = 0; i < 50; i++ )); do
		rm -rf "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "warning: cannot remove $1: $(rm -rf "$1" 2>&1)" >&2
}

e2e_cleanup() {
	stop_poise
	remove_dir "$E2E_DIR"
}
trap e2e_cleanup EXIT

# has [GREP-OPTIONS] PATTERN...: grep -q for the end of a pipeline that reads
# its input to the end. grep -q stops at its first match, and a writer still
# writing (an echo of many lines: bash writes a line at a time) then dies of
# SIGPIPE, which pipefail makes the failure of a pipeline whose grep matched.
has() {
	local rc=0
	grep -q "$@" || rc=$?
	cat >/dev/null
	return "$rc"
}

# The window that screen, keys, text and every wait on them read and drive:
# E2E_WIN, start_poise's "main" unless set (in_window sets it for a command).
screen() { tm capture-pane -p -t "${E2E_WIN:-main}" 2>/dev/null || true; }
# everything the pane printed, scrolled-off lines included, joined unwrapped
history() { tm capture-pane -p -J -S - -t "${E2E_WIN:-main}" 2>/dev/null || true; }
# in_window NAME COMMAND [ARGS...]: COMMAND (a helper here: keys, wait_for,
# end_call_plainly...) on window NAME instead of main.
in_window() { local E2E_WIN=$1; shift; "$@"; }

fail() {
	echo "FAIL: $*" >&2
	echo "---- screen${E2E_WIN:+ of $E2E_WIN} ----" >&2
	screen >&2
	echo "----------------" >&2
	exit 1
}

# poise_cmd STATUS [ARGS...]: the pane's command line for `poise ARGS` in
# the test's environment (E2E_ENV goes before the binary: variables or a
# wrapper), writing poise's exit status to the file STATUS when it exits.
poise_cmd() {
	local status=$1 cmd
	shift
	cmd="env TERM=${E2E_TERM:-xterm-256color} LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC"
	cmd+=" POISE_DB='$POISE_DB' POISE_AGENT='$POISE_AGENT' POISE_PLAYBOOK_PATH='$E2E_DATA'"
	cmd+=" ${E2E_ENV:-} '$POISE_BIN'"
	for a in "$@"; do cmd+=" '${a//\'/\'\\\'\'}'"; done
	cmd+="; echo \$? > '$status.tmp' && mv '$status.tmp' '$status'"
	printf '%s' "$cmd"
}

# start_poise WIDTH HEIGHT [ARGS...]: `poise ARGS` in a fresh session, under
# a shell that writes poise's exit status to $E2E_DIR/status (tmux's own
# pane_dead_status is not reliable while it is being polled). The pane stays
# after the exit so the last screen can still be read.
start_poise() {
	local w=$1 h=$2 cmd i
	shift 2
	rm -f "$E2E_DIR/status"
	cmd=$(poise_cmd "$E2E_DIR/status" "$@")
	# A server still shutting down from stop_poise can refuse us: retry.
	for (( i = 0; i < 30; i++ )); do
		tm set-option -g remain-on-exit on \; \
			set-option -g default-shell "$E2E_SHELL" \; \
			new-session -d -s main -x "$w" -y "$h" "$cmd" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "cannot start tmux"
}

# start_window NAME WIDTH HEIGHT [ARGS...]: `poise ARGS` in tmux session NAME,
# beside start_poise's or alone, on the same server, database and environment
# (E2E_ENV as in poise_cmd: another database, agent or server for this one);
# its exit status goes to $E2E_DIR/status.NAME. Read and drive it with
# window_screen, window_keys, window_text and window_wait, or any helper
# through in_window NAME.
start_window() {
	local name=$1 w=$2 h=$3
	shift 3
	rm -f "$E2E_DIR/status.$name"
	tm set-option -g remain-on-exit on \; \
		set-option -g default-shell "$E2E_SHELL" \; \
		new-session -d -s "$name" -x "$w" -y "$h" "$(poise_cmd "$E2E_DIR/status.$name" "$@")" ||
		fail "cannot start window $name"
}
window_screen() { in_window "$1" screen; }
window_keys() { local name=$1; shift; in_window "$name" keys "$@"; }
window_text() { in_window "$1" text "$2"; }
# window_wait NAME TEXT [SECONDS]: until window NAME shows TEXT (else its screen and fail).
window_wait() { in_window "$1" wait_for "$2" "${3:-10}"; }
# window_exit NAME [SECONDS]: until window NAME's poise has exited; prints its exit status.
window_exit() { wait_status "$E2E_DIR/status.$1" "window $1's poise" "${2:-10}"; }

# poise_left: the pids of this test's poise processes still running (their
# environment names $E2E_DIR; a zombie's cannot be read, and it is done).
poise_left() {
	local p c
	for p in /proc/[0-9]*; do
		c=
		read -r c 2>/dev/null <"$p/comm" || continue
		[ "$c" = poise ] && grep -qaF "$E2E_DIR" "$p/environ" 2>/dev/null && echo "${p#/proc/}"
	done
	return 0
}

# stop_poise: end the tmux server, then wait (10 s at most) for every poise
# it ran to finish with the SIGHUP it got: poise saves the call as
# interrupted then, and puts back a database folder removed under it, so a
# test that read or removed the files before that could race it. One still
# running after that is killed, with a warning.
stop_poise() {
	local i left
	tm kill-server >/dev/null 2>&1 || true
	for (( i = 0; i < 50; i++ )); do
		tm list-sessions >/dev/null 2>&1 || break
		sleep 0.1
	done
	for (( i = 0; i < 100; i++ )); do
		left=$(poise_left)
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "warning: poise still running 10 s after SIGHUP (pid $left): killed" >&2
	kill -9 $left 2>/dev/null || true
}

# keys KEY...: tmux key names (Tab, BTab, Left, Enter, Escape, Space...) or text.
keys() { tm send-keys -t "${E2E_WIN:-main}" "$@"; }
# text STRING: literal text, any UTF-8.
text() { tm send-keys -t "${E2E_WIN:-main}" -l "$1"; }

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

# wrap_up_with_followup OUTCOME DUE CHANNEL PROMISE: from the call screen of
# an e2e-fast call, into the wrap-up: outcome key OUTCOME, the first cause,
# a follow-up due DUE by CHANNEL with PROMISE, on to "what went well".
wrap_up_with_followup() {
	keys x;     wait_for "outcome: r resolved"
	keys "$1";  wait_for "cause:"
	keys 1;     wait_for "follow-up due date"
	text "$2"; keys Enter; wait_for "follow-up channel"
	text "$3"; keys Enter; wait_for "promise made"
	text "$4"; keys Enter; wait_for "what went well"
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
# it never does); gone=1 in the environment: until it no longer has. The
# first looks come every 20 ms (a redraw after a key takes a few), then
# every 100 ms; SECONDS counts as before, in looks of 100 ms.
poll() {
	local limit=$(( $3 * 10 + 4 )) i shown
	for (( i = 0; i < limit; i++ )); do
		shown=$("$1")
		if [[ $shown == *"$2"* ]]; then [ "${gone:-0}" = 1 ] || return 0
		elif [ "${gone:-0}" = 1 ]; then return 0; fi
		poll_pause "$i"
	done
	return 1
}
# poll_pause I: the pause after look I of a wait (20 ms for the first five, then 100 ms).
poll_pause() { if (( $1 < 5 )); then sleep 0.02; else sleep 0.1; fi; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() { poll screen "$1" "${2:-10}" || fail "screen never showed '$1'"; }

# words: the screen's words in reading order, rows joined, so a wrapped line reads whole.
words() { screen | sed 's/^ *//; s/ *$//' | tr '\n' ' ' | tr -s ' '; }

# wait_words TEXT [SECONDS]: until the screen reads TEXT, wrapped over rows or not.
wait_words() { poll words "$1" "${2:-10}" || fail "screen never read '$1'"; }

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() { gone=1 poll screen "$1" "${2:-10}" || fail "screen still shows '$1'"; }

# child_pid PID WHAT: the first child of process PID, waiting for it a little.
child_pid() {
	local i pid
	for (( i = 0; i < 50; i++ )); do
		pid=$(cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}')
		[ -n "$pid" ] && { echo "$pid"; return 0; }
		sleep 0.1
	done
	fail "no $2"
}

# poise_pid: the poise process (the child of the pane's shell).
poise_pid() { child_pid "$(tm display-message -p -t "${E2E_WIN:-main}" '#{pane_pid}')" "poise process"; }

# wait_status FILE WHAT SECONDS: until poise's exit status is in FILE; prints it.
wait_status() {
	local limit=$(( $3 * 10 + 4 )) i
	for (( i = 0; i < limit; i++ )); do
		[ -f "$1" ] && { cat "$1"; return 0; }
		poll_pause "$i"
	done
	fail "$2 did not exit"
}

# wait_exit [SECONDS]: until poise has exited; prints its exit status.
wait_exit() { wait_status "$E2E_DIR/status" poise "${1:-10}"; }

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

# moods_until_refused TRIES: press mood keys, each the one after the last
# (E2E_MOOD, 1 to start), until the call screen says an event was NOT SAVED
# (a full disk, a file size limit), at most TRIES times; then check the
# banner's first words, the event named as the screen names it ("mood 3"),
# and that it gives no advice for the command line (--db).
# E2E_MOOD is the last key pressed.
E2E_MOOD=1
moods_until_refused() {
	local i
	for (( i = 0; i < $1; i++ )); do
		E2E_MOOD=$(( E2E_MOOD % 5 + 1 ))
		keys "$E2E_MOOD"
		sleep 0.05
		screen | has -F "NOT SAVED" && break
	done
	wait_for "NOT SAVED: mood"
	! words | has -F -e "--db" -e "(mood)" ||
		fail "the banner names an event kind or advises --db mid-call: $(words)"
}

# expect_alive_as_saved WHAT: poise still runs, and the mood on its call
# screen is the last mood in the database (a refused key was not applied).
expect_alive_as_saved() {
	expect_eq 0 "$(tm display-message -p -t "${E2E_WIN:-main}" '#{pane_dead}')" "$1: poise died"
	expect_eq "$(sql "SELECT a FROM events WHERE kind = 'mood' ORDER BY seq DESC LIMIT 1")" \
		"$(screen | grep -o 'mood [1-5]' | head -n 1 | cut -d' ' -f2)" "$1: the mood shown is the last one saved"
}

# team_server DB: the PostgreSQL test cluster of the ctest fixture
# (team_pg_start, POISE_PG_ENV), its environment exported and psql found,
# with database DB made anew by `poise server init`. Without a cluster the
# test is skipped (77), except under CI=true, where that is a failure.
team_server() {
	if [ ! -f "${POISE_PG_ENV:-}" ] || grep -q POISE_PG_SKIP "$POISE_PG_ENV"; then
		[ "${CI:-}" = true ] && fail "no test cluster under CI=true"
		echo "SKIP: no PostgreSQL test cluster"
		exit 77
	fi
	set -a
	# shellcheck disable=SC1090
	. "$POISE_PG_ENV"
	set +a
	unset PGDATABASE PGSERVICE POISE_SERVER
	psql=$POISE_PG_BIN/psql
	[ -x "$psql" ] || psql=$(command -v psql) || fail "no psql"
	db=$1
	q "DROP DATABASE IF EXISTS $db" postgres
	q "CREATE DATABASE $db" postgres
	"$POISE_BIN" server init --server "dbname=$db" >/dev/null || fail "server init"
}

# q SQL [DB]: one statement through psql, on team_server's DB by default.
q() { PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q -t -A -v ON_ERROR_STOP=1 -d "${2:-$db}" -c "$1"; }

# team_role NAME GROUP: a login role NAME (kept if there) granted GROUP.
team_role() {
	q "DO \$\$ BEGIN CREATE ROLE $1 LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
	q "GRANT $2 TO $1"
}

# team_env ROLE [AGENT]: the variables (for E2E_ENV or env) of a person on
# team_server's database: connected as login ROLE, $POISE_AGENT AGENT (ROLE
# unless given), their own database $E2E_DIR/ROLE.db.
team_env() {
	printf "PGHOST='%s' PGPORT='%s' POISE_SERVER='dbname=%s user=%s' POISE_AGENT='%s' POISE_DB='%s/%s.db'" \
		"$PGHOST" "$PGPORT" "$db" "$1" "${2:-$1}" "$E2E_DIR" "$1"
}

# team_window NAME ROLE AGENT [ARGS...]: `poise ARGS` in a 100x30 window NAME
# (start_window) as that person (team_env ROLE AGENT).
team_window() {
	local name=$1 env
	env=$(team_env "$2" "$3")
	shift 3
	E2E_ENV=$env start_window "$name" 100 30 "$@"
}
