#!/usr/bin/env bash
# A note half typed when poise is stopped by a signal (the terminal closed,
# SIGHUP; a shutdown, SIGTERM) is kept as the call's note before the call is
# closed as interrupted: the man page's "an interrupted call loses nothing".
# An escalation's reason half typed is not an escalation: nothing is logged
# for it. Esc still throws a note away. Plain mode keeps a draft too.
. "$(dirname "$0")/lib.sh"

for sig in HUP TERM; do
	start_poise 100 30 call --playbook e2e-fast --customer "Draft $sig"
	if [ "$sig" = TERM ]; then	# the call SIGHUP interrupted is offered first
		wait_for "An unfinished call was found"; keys c
	fi
	wait_for "Calm: Calm goal"
	keys n; wait_for "note (Enter"
	keys Escape; wait_gone "note (Enter"
	keys n; wait_for "note (Enter"
	text "caller gave order 4471, wants"; wait_for "wants"
	kill -"$sig" "$(poise_pid)"
	wait_exit >/dev/null
	expect_eq "start note interrupted" "$(sql "SELECT group_concat(kind, ' ') FROM (SELECT kind \
FROM events WHERE call_id = (SELECT id FROM calls WHERE customer = 'Draft $sig') ORDER BY seq)")" \
		"events after SIG$sig with a note half typed"
	expect_eq "caller gave order 4471, wants" "$(sql "SELECT text FROM events WHERE kind = 'note' \
AND call_id = (SELECT id FROM calls WHERE customer = 'Draft $sig')")" "the draft kept as the note"
	stop_poise
done

# A half-typed escalation reason: the call is interrupted, no escalation invented.
start_poise 100 30 call --playbook e2e-fast --customer "Reason"
wait_for "An unfinished call was found"; keys c
wait_for "Calm: Calm goal"
keys e; wait_for "escalate, reason:"
text "not sure yet"; wait_for "not sure yet"
kill -HUP "$(poise_pid)"
wait_exit >/dev/null
expect_eq "start interrupted" "$(sql "SELECT group_concat(kind, ' ') FROM (SELECT kind \
FROM events WHERE call_id = (SELECT id FROM calls WHERE customer = 'Reason') ORDER BY seq)")" \
	"events after SIGHUP with a reason half typed"
stop_poise

# Plain mode on a terminal, its own database: the same.
POISE_DB="$E2E_DIR/data/plain.db"
start_poise 80 24 call --plain --playbook e2e-fast --customer "Plain"
wait_for "Stage 1 of 8: Calm"
keys n; wait_for "note (Enter"
text "half a plain note"; wait_for "half a plain note"
kill -HUP "$(poise_pid)"
wait_exit >/dev/null
expect_eq "start note interrupted" "$(sql "SELECT group_concat(kind, ' ') FROM (SELECT kind \
FROM events ORDER BY seq)")" "plain mode's events after SIGHUP with a note half typed"
expect_eq "half a plain note" "$(sql "SELECT text FROM events WHERE kind = 'note'")" \
	"plain mode's draft kept as the note"
stop_poise
echo ok
