#!/usr/bin/env bash
# A shift with the team server (test_shift_solo.sh has one without): five
# calls back to back from the ready screen, each with other keys (marks,
# notes of odd text, hold, manager, escalate, boundary warnings, undo), the
# window resized mid-call, the server stopped between calls (the ready
# screen says so and how many calls wait, and the next call opens at once),
# a SIGHUP mid-call resumed, then the server back: the next call's sync
# catches up. At the end every call and event is in the agent's database,
# in `poise export`, and on the server exactly once; the supervisor reads
# the shift through `report --server` and `show --server`.
# Needs the test cluster (ctest fixture team_pg_start, POISE_PG_ENV): 77
# (skipped) without one, except under CI=true.
. "$(dirname "$0")/lib.sh"

team_server poise_e2e_shift
cluster() { sh "$POISE_SOURCE_DIR/scripts/pg-cluster.sh" "$1" "$(dirname "$POISE_PG_ENV")" >/dev/null; }
# The cluster is shared: whatever happens, it runs again when the test ends.
trap 'cluster resume 2>/dev/null || true; e2e_cleanup' EXIT
team_role shift_ana poise_agent
team_role shift_sue poise_supervisor
export POISE_AGENT=shift_ana
E2E_ENV="PGHOST='$PGHOST' PGPORT='$PGPORT' POISE_SERVER='dbname=$db user=shift_ana'"

# poll_eq WANT CMD...: until CMD prints WANT (15 s), else fail.
poll_eq() {
	local want=$1 got until=$(( SECONDS + 15 ))
	shift
	while :; do
		got=$("$@" 2>&1 || true)
		[ "$got" = "$want" ] && return 0
		(( SECONDS < until )) || fail "$*: expected '$want', got '$got'"
		sleep 0.2
	done
}
# next NAME: from the ready screen, the next caller, to the call screen.
# end_hard_call: as end_call_plainly, for a call with a boundary warning:
# the short breather comes before the ready screen, and any key skips it.
end_hard_call() {
	keys x;     wait_for "outcome: r resolved"
	keys r;     wait_for "cause:"
	keys 1;     wait_for "follow-up due date"
	keys Enter; wait_for "what went well"
	keys Enter; wait_for "what to improve"
	keys Enter; wait_for "a short breather"
	keys Space; wait_for "ready for the next call"
}
next() { keys c; new_caller "$1" "R-$1"; wait_for "Calm: Calm goal"; }
# synced: how many calls the server has whole, as this database knows it.
synced() { sql "SELECT count(*) FROM sync_calls s
	WHERE s.pushed_seq = (SELECT max(seq) FROM events e WHERE e.call_id = s.call_id)"; }

start_poise 100 30 call --playbook e2e-fast
new_caller Ana R-Ana; wait_for "Calm: Calm goal"
# 1. Ana: a mood, a line said, a note of odd text, on to listen.
keys 3;     wait_for "mood 3 annoyed"
keys Space; wait_for "(said)"
keys n; text $'tab\there, emoji 😠👍🏽, RTL שלום مرحبا, combining e\u0301'; keys Enter
wait_for "note saved"
keys Tab;   wait_for "Listen: Listen goal"
end_call_plainly
poll_eq 1 q "SELECT count(*) FROM poise.calls"
# 2. Ben: a hold, a manager request, an escalation with a reason.
next Ben
keys 5;     wait_for "mood 5 furious"
keys h;     wait_for "HOLD"
keys h;     wait_gone "HOLD"
keys m;     wait_for "Say: Yes, Ben. My supervisor joins us now."
keys e;     wait_for "reason"
text "asked twice — فاتورة"; keys Enter; wait_for "escalation saved"
end_call_plainly
poll_eq 2 synced

# The server goes away between calls.
cluster halt
# 3. Cy: boundary, a warning shown and logged, a mood undone; the window shrinks mid-call.
next Cy
keys b;     wait_for "Boundary: Boundary goal"
keys w;     wait_for "say it, then w logs it"
keys w
keys 4;     wait_for "mood 4 angry"
keys u;     wait_for "undone: mood 4 angry"
tm resize-window -t main -x 80 -y 24
wait_for "Boundary: Boundary goal"
end_hard_call
wait_for "Server unreachable, 1 call waiting" 20
# 4. Di, at once: a SIGHUP mid-call (the terminal gone), resumed where it was.
keys c; new_caller Di R-Di
wait_for "Calm: Calm goal" 2
keys 2;     wait_for "mood 2 uneasy"
keys n; text "$(printf 'long%.0s' {1..60})"; keys Enter; wait_for "note saved"
kill -HUP "$(poise_pid)"
expect_eq 129 "$(wait_exit)" "exit status after SIGHUP"
stop_poise
start_poise 80 24 call --playbook e2e-fast
wait_for "unfinished call"
keys r;     wait_for "mood 2 uneasy"
wait_for "Di"
keys Tab;   wait_for "Listen: Listen goal"
end_call_plainly
wait_for "Server unreachable, 2 calls waiting" 20
# The server is back; the next call's sync catches up.
cluster resume
# 5. Ed: plainly.
next Ed
keys 1;     wait_for "mood 1 calm"
end_call_plainly
poll_eq 5 synced
wait_gone "unreachable" 20
keys q
expect_eq 0 "$(wait_exit)" "exit status"

# Every call and event once: here, in the export, and on the server.
expect_eq "Ana Ben Cy Di Ed" "$(sql "SELECT customer FROM calls ORDER BY started_at" | paste -sd ' ')" \
	"the shift's calls, each once"
expect_eq "done done done done done" "$(sql "SELECT status FROM calls ORDER BY started_at" | paste -sd ' ')" \
	"every call closed"
local_events=$(sql "SELECT c.customer || ':' || count(*) FROM calls c JOIN events e ON e.call_id = c.id
	GROUP BY c.id ORDER BY c.started_at" | paste -sd ' ')
expect_eq "$local_events" \
	"$(exported 'c["customer"] + ":" + str(len(c["events"]))' | paste -sd ' ')" "events exported"
expect_eq "$local_events" "$(q "SELECT c.customer || ':' || count(*) FROM poise.calls c
	JOIN poise.events e ON e.call_id = c.id GROUP BY c.id ORDER BY c.started_at" | paste -sd ' ')" \
	"events on the server"
expect_eq "$(sql "SELECT group_concat(call_id || seq || kind || ifnull(text, ''), '|') FROM
	(SELECT call_id, seq, kind, text FROM events ORDER BY call_id, seq)" | md5sum)" \
	"$(q "SELECT string_agg(call_id || seq::text || kind || coalesce(text, ''), '|'
	ORDER BY call_id, seq) FROM poise.events" | md5sum)" "the server's events are the agent's"
expect_eq "0 0|1 1|0 0|0 0|0 0" \
	"$(exported '"%d %d" % (kinds.split().count("manager"), kinds.split().count("escalate"))' |
	paste -sd '|')" "manager requests and escalations per call"
expect_eq "0 0 0 1 0" "$(exported 'kinds.split().count("resume")' | paste -sd ' ')" "resumes per call"
# The supervisor reads the shift from the server.
export POISE_DB="$E2E_DIR/sue.db"
sup=(--server "--db=$POISE_DB")
json=$(POISE_SERVER="dbname=$db user=shift_sue" "$POISE_BIN" report "${sup[@]}" --format json) ||
	fail "report --server"
grep -qF '"overall":{"calls":5,"done":5,' <<<"$json" || fail "report --server does not count 5 calls: $json"
id=$(q "SELECT id FROM poise.calls WHERE customer = 'Ben'")
out=$(POISE_SERVER="dbname=$db user=shift_sue" "$POISE_BIN" show "${sup[@]}" "$id") || fail "show --server"
grep -qF "asked twice — فاتورة" <<<"$out" || fail "show --server lacks the escalation: $out"
q "DROP DATABASE IF EXISTS $db" postgres >/dev/null 2>&1 || true
echo "ok: a shift of five calls with the server gone and back, each event once everywhere"
