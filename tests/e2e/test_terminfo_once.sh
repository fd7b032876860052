#!/usr/bin/env bash
# Terminfo is read once at start-up (issue 9, item 6): term_check finds the
# entry without reading it and newterm reads it, so a start opens one
# terminfo file, where it opened the same one twice. And an entry that is
# found but cannot be read (a corrupt file) is still refused with one plain
# line on a terminal left as it was, now by newterm.
. "$(dirname "$0")/lib.sh"

if ! command -v strace >/dev/null; then
	# scripts/deps.sh test installs it: in CI its absence is a fault, not a skip.
	[ "${CI:-}" = true ] && fail "strace is not installed (scripts/deps.sh test installs it)"
	echo "SKIP: strace is not installed"; exit 77
fi
strace -f -qq -e trace=openat -o /dev/null true 2>/dev/null ||
	{ echo "SKIP: strace cannot trace here (ptrace not allowed)"; exit 77; }

REAL_BIN=$POISE_BIN
TRACE="$E2E_DIR/opens"
cat >"$E2E_DIR/traced" <<SH
#!/bin/sh
# LeakSanitizer cannot run under a tracer (test_no_server_no_connect.sh).
ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
exec strace -f -qq -e trace=open,openat -o "$TRACE" "$REAL_BIN" "\$@"
SH
chmod +x "$E2E_DIR/traced"

POISE_BIN="$E2E_DIR/traced" start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
stop_poise
grep -q 'poise.db' "$TRACE" || fail "the trace has no open of the database: $(head -c 400 "$TRACE")"
expect_eq 1 "$(grep -cE 'open(at)?\(.*terminfo.*\) = [0-9]+$' "$TRACE")" \
	"terminfo files opened by one start: $(grep terminfo "$TRACE")"

# An entry where ncurses looks, but not one it can read. When newterm fails
# it does not free the screen it began (ncurses' new_prescr, 1560 bytes):
# not poise's memory, and nothing poise can free, so LeakSanitizer is told
# to look away for this one run.
mkdir -p "$E2E_DIR/ti/x"
printf 'not a terminfo entry\n' >"$E2E_DIR/ti/x/xterm-broken"
E2E_TERM=xterm-broken \
	E2E_ENV="TERMINFO=$E2E_DIR/ti ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	start_poise 100 30 call --customer Ana
expect_eq 1 "$(wait_exit)" "exit status with an entry that cannot be read"
history | has -E "cannot start the terminal 'xterm-broken'|unknown terminal type 'xterm-broken'" ||
	fail "no reason for an entry that cannot be read: $(history)"
expect_eq 0 "$(tm display-message -p -t main '#{alternate_on}')" "the alternate screen left on"
expect_eq 1 "$(history | grep -v "^Pane is dead" | grep -c .)" "lines on the terminal after the refusal"
stop_poise
echo ok
