#!/usr/bin/env bash
# Terminals: refusals before the database is touched, a resize storm, the
# compact layout at 40x12, the one-line notice below it (the keys that log
# the talk as it goes still log: a mood pressed mid-call is never lost; the
# keys that must not act unseen wait, test_too_small_keys.sh), and NO_COLOR.
. "$(dirname "$0")/lib.sh"

# Not a terminal: refused, nothing created.
rc=0
"$POISE_BIN" call </dev/null >/dev/null 2>"$E2E_DIR/err" || rc=$?
[ "$rc" -ne 0 ] || fail "poise call without a terminal exited 0"
grep -q "terminal" "$E2E_DIR/err" || fail "no reason given: $(cat "$E2E_DIR/err")"
[ ! -e "$POISE_DB" ] || fail "the database was created without a terminal"

# TERM=dumb and an unknown TERM: refused with one line, nothing created.
E2E_TERM=dumb start_poise 100 30 call
expect_eq 1 "$(wait_exit)" "exit status with TERM=dumb"
history | has -F "TERM is 'dumb'" || fail "no reason given for TERM=dumb"
stop_poise
E2E_TERM=no-such-terminal start_poise 100 30 call
expect_eq 1 "$(wait_exit)" "exit status with an unknown TERM"
history | has -F "unknown terminal type 'no-such-terminal'" || fail "no reason for an unknown TERM"
stop_poise
[ ! -e "$POISE_DB" ] || fail "the database was created for a terminal we refused"

# A resize storm: poise stays up and draws the right thing afterwards.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
for i in $(seq 1 80); do
	tm resize-window -t main -x $(( 20 + RANDOM % 140 )) -y $(( 5 + RANDOM % 50 ))
done
tm resize-window -t main -x 100 -y 30
keys 3
wait_for "mood 3 annoyed"
wait_for "Calm: Calm goal"
expect_eq 0 "$(tm display-message -p -t main '#{pane_dead}')" "poise died in the storm"

# Compact at 40x12: short header and strip, the footer starts with help.
tm resize-window -t main -x 40 -y 12
wait_for "m3"
wait_for "Cal"
wait_for "? help"
screen | has -F "agent tester" && fail "the compact header still shows the agent"

# Below 40x12: one line, and a mood key still logs (x and the others that
# must not act unseen wait: test_too_small_keys.sh).
tm resize-window -t main -x 30 -y 8
wait_for "too small (30x8)"
expect_eq 1 "$(screen | grep -c .)" "lines of the too-small notice at 30x8"
tm resize-window -t main -x 50 -y 11
wait_for "terminal too small (50x11) - need at least 40x12"
expect_eq 1 "$(screen | grep -c .)" "lines of the too-small notice at 50x11"
tm resize-window -t main -x 20 -y 3
wait_for "too small (20x3)"
tm resize-window -t main -x 30 -y 8
wait_for "too small (30x8)"
keys 4
for i in $(seq 1 50); do
	[ "$(sql "SELECT a FROM events WHERE kind = 'mood' ORDER BY seq DESC LIMIT 1")" = 4 ] && break
	sleep 0.1
done
expect_eq 4 "$(sql "SELECT a FROM events WHERE kind = 'mood' ORDER BY seq DESC LIMIT 1")" \
	"mood logged while too small"
tm resize-window -t main -x 100 -y 30
wait_for "mood 4 angry"
tm capture-pane -e -p -t main | has $'\e\\[[0-9;]*4[0-7]m' ||
	fail "no background colour without NO_COLOR"
stop_poise

# NO_COLOR: attributes only.
E2E_ENV="NO_COLOR=1" start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found" # killing tmux hung up on the one above
keys c
new_caller
wait_for "Calm: Calm goal"
if tm capture-pane -e -p -t main | has $'\e\\[[0-9;]*[34][0-7]m'; then
	fail "colour despite NO_COLOR"
fi
tm capture-pane -e -p -t main | has $'\e\\[[0-9;]*7m' || fail "no reverse video with NO_COLOR"
stop_poise

# Monochrome terminals: no colour, the header and current stage in reverse
# video, every key still works.
for t in vt100 xterm-mono; do
	POISE_DB="$E2E_DIR/$t.db" E2E_TERM=$t start_poise 80 24 call --playbook e2e-fast --customer Ana
	wait_for "Calm: Calm goal"
	keys 5; wait_for "mood 5 furious"
	keys Tab; wait_for "Listen: Listen goal"
	if tm capture-pane -e -p -t main | has $'\e\\[[0-9;]*[34][0-7]m'; then
		fail "colour on the monochrome $t"
	fi
	expect_eq 2 "$(tm capture-pane -e -p -t main | head -n 2 | grep -c $'\e\\[[0-9;]*7m')" \
		"reverse video on the header and the current stage on $t"
	stop_poise
done
echo ok
