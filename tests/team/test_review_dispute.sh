#!/usr/bin/env bash
# The dispute on the `review --server` screen, against a real server: an
# agent's call reaches the server; the supervisor comments on it through
# `poise review --server` (signed by their server role, whatever
# $POISE_AGENT says; another --reviewer is refused); the agent's next call
# syncs the comment to their ready screen, where they dispute it; a sync
# sends the dispute; the supervisor's next `review --server` shows it under
# the review.
# Needs the test cluster (ctest fixture team_pg_start, POISE_PG_ENV): 77
# (skipped) without one, except under CI=true.
. "$POISE_SOURCE_DIR/tests/e2e/lib.sh"

team_server poise_e2e_dispute
team_role ana poise_agent
team_role sue poise_supervisor

wait_q() {
	local i
	for (( i = 0; i < 150; i++ )); do
		[ "$(q "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "the server says $(q "$1") to '$1', not $2"
}

# The agent's call reaches the server (the background sync after it).
team_window ana ana ana call --playbook e2e-fast --customer "Caller of ana"
window_wait ana "Calm: Calm goal"
window_keys ana 4; window_wait ana "mood 4"
in_window ana end_call_plainly
wait_q "SELECT count(*) FROM poise.calls WHERE agent = 'ana'" 1

# Another name than the server role cannot sign: refused, before any screen.
rc=0
out=$(eval env "$(team_env sue desk)" "'$POISE_BIN'" review --server --reviewer someone-else 2>&1) ||
	rc=$?
[ "$rc" = 2 ] || fail "review --server --reviewer someone-else: exit $rc: $out"
grep -qF "signed by your server role 'sue'" <<<"$out" || fail "no clear refusal: $out"

# The supervisor comments through the mirror: signed sue (the role), not desk ($POISE_AGENT).
team_window sup sue desk review --server
window_wait sup "poise review - all calls"
window_wait sup "Caller of ana"
window_keys sup Enter;  window_wait sup "call "
window_keys sup c;      window_wait sup "comment for the agent"
window_text sup "name the next step sooner"; window_keys sup Enter
window_wait sup "comment saved as sue"
window_keys sup q;      window_wait sup "poise review"
window_keys sup q
expect_eq 0 "$(window_exit sup)" "review --server exit status"
wait_q "SELECT reviewer || ': ' || comment FROM poise.reviews" "sue: name the next step sooner"

# The agent's next call brings it to the ready screen; the agent disputes it.
window_keys ana c;      in_window ana new_caller "Second caller"
window_wait ana "Calm: Calm goal"
in_window ana end_call_plainly
window_wait ana "New from your supervisor" 20
window_keys ana a;      window_wait ana "a acknowledge  r reply  d dispute"
window_keys ana d;      window_wait ana "why you disagree"
window_text ana "I named the delay at 01:10"; window_keys ana Enter
window_wait ana "disputes; sue will see it in review"
# A sync sends it (the screen's own goes after the next call).
out=$(eval env "$(team_env ana)" "'$POISE_BIN'" sync 2>&1) || fail "sync: $out"
wait_q "SELECT agent || ' ' || kind || ': ' || text FROM poise.review_replies" \
	"ana dispute: I named the delay at 01:10"
window_keys ana q

# The supervisor's next review --server shows the dispute under the review.
team_window sup2 sue desk review --server
window_wait sup2 "Second caller"
window_wait sup2 "Caller of ana"
window_keys sup2 Down Enter; window_wait sup2 "call "
for (( i = 0; i < 40; i++ )); do window_keys sup2 j; done
window_wait sup2 "ana disputes: I named the delay at 01:10"
window_wait sup2 "name the next step sooner"
window_screen sup2 | has -E "by sue( |$)" || fail "the review is not signed sue on the screen"
window_keys sup2 q;     window_wait sup2 "poise review"
window_keys sup2 q
expect_eq 0 "$(window_exit sup2)" "the second review --server exit status"
q "DROP DATABASE IF EXISTS $db" postgres >/dev/null 2>&1 || true
echo ok
