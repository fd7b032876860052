#!/bin/bash
# test_rehearse_killed.sh - a rehearsal killed with kill -9 is never
# resumed and never stays open: the next rehearsal closes it as interrupted
# (an INTERRUPTED event at its last event), and report --practice counts it
# so, not as open.
source "$(dirname "$0")/lib.sh"
E2E_ENV="POISE_SCENARIO_PATH='$POISE_SOURCE_DIR/scenarios'"

# begin_rehearsal: the furious-refund rehearsal, on its call screen.
begin_rehearsal() {
	start_poise 100 30 rehearse furious-refund
	wait_for "poise rehearse - Furious refund demand"
	keys Enter
	wait_for "Calm:"
}

begin_rehearsal
keys Tab; wait_for "Listen:"
kill -9 "$(poise_pid)"
wait_exit >/dev/null
stop_poise
expect_eq "open" "$(sql "SELECT status FROM calls WHERE practice IS NOT NULL")" "the killed rehearsal"

begin_rehearsal
expect_eq "interrupted	open" \
	"$(sql "SELECT group_concat(status, '	') FROM (SELECT status FROM calls ORDER BY started_at)")" \
	"the killed rehearsal closed, the new one live"
expect_eq "interrupted	no clean exit	listen" \
	"$(sql "SELECT e.kind, e.text, e.stage FROM events e JOIN calls c ON c.id = e.call_id
		WHERE c.status = 'interrupted' ORDER BY e.seq DESC LIMIT 1")" \
	"its last event: interrupted, in the Listen stage it was in"
expect_eq 1 "$(sql "SELECT count(*) FROM events e JOIN calls c ON c.id = e.call_id
	WHERE c.status = 'interrupted' AND e.t = c.ended_at AND e.kind = 'stage'")" \
	"closed at its last event's time"
stop_poise
# Both closes kept the figures (the core's, at the INTERRUPTED): the one the next start
# logged for the killed rehearsal, and the hang-up's.
expect_eq 2 "$(sql "SELECT count(*) FROM call_figures f JOIN calls c ON c.id = f.call_id
	WHERE c.status = 'interrupted' AND f.last_seq = (SELECT max(seq) FROM events WHERE call_id = c.id)")" \
	"the kept figures of both interrupted rehearsals, each up to its last event"
practice=$("$POISE_BIN" report --db "$POISE_DB" --practice --format json)
# The second rehearsal ended by the hang-up stop_poise sends: interrupted too.
expect_eq "0 2" "$(python3 -c 'import json,sys
o = json.loads(sys.argv[1])["overall"]; print(o["open"], o["interrupted"])' "$practice")" \
	"report --practice: none open, both interrupted"
echo "ok: a killed rehearsal is closed as interrupted by the next one"
