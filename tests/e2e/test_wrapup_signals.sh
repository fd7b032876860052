#!/usr/bin/env bash
# Issue 13, signals, the class: SIGQUIT (Ctrl-\), SIGTERM and SIGHUP at each
# step of the wrap-up (after the outcome, after the cause, after the
# follow-up) end poise with the call resumable; resuming goes on from the
# first question not yet answered, never asking again for what was saved,
# and the call ends with one outcome, cause, follow-up, reflection and end.
. "$(dirname "$0")/lib.sh"

# send SIG: the signal to poise (Ctrl-\ for QUIT, as an agent would).
send() {
	if [ "$1" = QUIT ]; then keys 'C-\'; else kill -"$1" "$(poise_pid)"; fi
}

# Each signal at two steps, each step under two signals (all nine take too long).
n=0
for pair in QUIT:outcome QUIT:cause TERM:cause TERM:followup HUP:outcome HUP:followup; do
	sig=${pair%%:*} step=${pair#*:}
	{
		n=$((n + 1))
		name="Caller$n"
		start_poise 100 30 call --playbook e2e-fast --customer "$name"
		wait_for "Calm: Calm goal"
		keys 3; wait_for "mood 3"
		keys x; wait_for "outcome: r resolved"
		keys r; wait_for "cause:"
		if [ "$step" != outcome ]; then
			keys 1; wait_for "follow-up due date"
		fi
		if [ "$step" = followup ]; then
			text "tomorrow"; keys Enter; wait_for "follow-up channel"
			text "phone"; keys Enter; wait_for "promise made"
			text "call back"; keys Enter; wait_for "what went well"
		fi
		send "$sig"
		status=$(wait_exit)
		[ "$status" -gt 128 ] || fail "SIG$sig after the $step: exit status $status"
		stop_poise

		start_poise 100 30 call --playbook e2e-fast
		wait_for "An unfinished call was found" 15
		wait_for "customer $name"
		keys r
		case $step in
		outcome) wait_for "cause:"; keys 1; wait_for "follow-up due date"; keys Enter ;;
		cause) wait_for "follow-up due date"; keys Enter ;;
		followup) wait_for "phone call back" ;;
		esac
		wait_for "what went well"
		screen | has "outcome: r resolved" && fail "SIG$sig after the $step: outcome asked again"
		text "kept calm"; keys Enter; wait_for "what to improve"
		keys Enter; wait_for "ready for the next call"
		keys q
		wait_exit >/dev/null
		stop_poise
		expect_eq "1 1 1 1" "$(sql "SELECT
			(SELECT count(*) FROM events e WHERE e.call_id = c.id AND kind = 'outcome'),
			(SELECT count(*) FROM events e WHERE e.call_id = c.id AND kind = 'cause'),
			(SELECT count(*) FROM events e WHERE e.call_id = c.id AND kind = 'reflection'),
			(SELECT count(*) FROM events e WHERE e.call_id = c.id AND kind = 'end')
			FROM calls c WHERE customer = '$name'" | tr '\t' ' ')" \
			"SIG$sig after the $step: one outcome, cause, reflection and end"
		expect_eq "$([ "$step" = followup ] && echo 1 || echo 0)" \
			"$(sql "SELECT count(*) FROM followups f JOIN calls c ON c.id = f.call_id
				WHERE customer = '$name'")" "SIG$sig after the $step: follow-ups"
		expect_eq "done	resolved" "$(sql "SELECT status, outcome FROM calls WHERE customer = '$name'")" \
			"SIG$sig after the $step: the call, finished"
	}
done
