#!/usr/bin/env bash
# Ctrl-\ (SIGQUIT) and fatal signals (SIGSEGV, SIGABRT...) leave the terminal
# as it was (no alternate screen, cooked modes) and the call
# resumable; a wrap-up resumed after the follow-up was saved never asks for
# it, nor the outcome or cause, again.
. "$(dirname "$0")/lib.sh"

# poise under a wrapper that reads the terminal's modes once poise is gone.
REAL_BIN=$POISE_BIN
POISE_BIN="$E2E_DIR/poise-wrapped"
cat >"$POISE_BIN" <<SH
#!/bin/sh
ulimit -c 0
trap '' INT QUIT
"$REAL_BIN" "\$@"
rc=\$?
stty -a >"$E2E_DIR/stty" 2>&1
exit \$rc
SH
chmod +x "$POISE_BIN"

# The poise process under the wrapper.
real_pid() { child_pid "$(poise_pid)" "poise process under the wrapper"; }

terminal_restored() {
	local i
	for (( i = 0; i < 50; i++ )); do [ -s "$E2E_DIR/stty" ] && break; sleep 0.1; done
	grep -qE '(^| )icanon( |$)' "$E2E_DIR/stty" || fail "$1: icanon off: $(cat "$E2E_DIR/stty")"
	grep -qE '(^| )echo( |$)' "$E2E_DIR/stty" || fail "$1: echo off: $(cat "$E2E_DIR/stty")"
	expect_eq 0 "$(tm display-message -p -t main '#{alternate_on}')" "$1: alternate screen left"
	rm -f "$E2E_DIR/stty"
}

# Ctrl-\ mid-call: saved as interrupted, like Ctrl-C.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 4; wait_for "mood 4 angry"
keys 'C-\'
expect_eq 131 "$(wait_exit)" "exit status after Ctrl-\\"
terminal_restored "SIGQUIT"
expect_eq "interrupted SIGQUIT" "$(exported 'c["status"] + " " + str(c["events"][-1]["text"])')" \
	"the call after Ctrl-\\"
stop_poise

# Each fatal signal mid-call: the terminal comes back, the call stays open.
for sig in SEGV BUS FPE ILL ABRT; do
	start_poise 100 30 call --playbook e2e-fast --customer Ana
	wait_for "An unfinished call was found"
	keys r; wait_for "mood 4 angry"
	kill -"$sig" "$(real_pid)"
	status=$(wait_exit)
	[ "$status" -gt 128 ] || fail "exit status after SIG$sig: $status"
	terminal_restored "SIG$sig"
	expect_eq "open" "$(sql "SELECT status FROM calls WHERE customer = 'Ana'")" "after SIG$sig"
	stop_poise
done

# The call resumes with its mood; into the wrap-up, the follow-up saved.
start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found"
keys r; wait_for "mood 4 angry"
wrap_up_with_followup r tomorrow phone "call back"
expect_eq 1 "$(sql "SELECT count(*) FROM events WHERE kind = 'followup'")" "follow-up saved"
kill -SEGV "$(real_pid)"
wait_exit >/dev/null
terminal_restored "SIGSEGV in the wrap-up"
stop_poise

start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found"
keys r
wait_for "what went well"
wait_for "phone call back"
keys 'C-\'
expect_eq 131 "$(wait_exit)" "Ctrl-\\ in the wrap-up"
terminal_restored "SIGQUIT in the wrap-up"
stop_poise

start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found"
keys r
wait_for "what went well"
text "stayed calm"; keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
expect_eq "1 1 1 1 1" "$(sql "SELECT (SELECT count(*) FROM events WHERE kind = 'outcome'),
	(SELECT count(*) FROM events WHERE kind = 'cause'),
	(SELECT count(*) FROM events WHERE kind = 'followup'),
	(SELECT count(*) FROM events WHERE kind = 'reflection'),
	(SELECT count(*) FROM events WHERE kind = 'end')" | tr '\t' ' ')" \
	"one outcome, cause, follow-up, reflection and end"
expect_eq "done	resolved" "$(sql "SELECT status, outcome FROM calls WHERE customer = 'Ana'")" \
	"the resumed call, finished"
stop_poise
