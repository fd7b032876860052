#!/usr/bin/env bash
# The whole team loop against a real server, in tmux: three agents take
# calls (each in a window of their own), their screens sync in the
# background; a supervisor reviews one call of each through
# `poise review --server` with a comment; each agent's next call syncs,
# and the comment is on every agent's ready screen.
# Needs the test cluster (ctest fixture team_pg_start, POISE_PG_ENV): 77
# (skipped) without one, except under CI=true.
. "$POISE_SOURCE_DIR/tests/e2e/lib.sh"

team_server poise_e2e_loop
for who in ana bo cy; do
	team_role $who poise_agent
done
team_role sue poise_supervisor
team_role tia poise_trainer

# next_caller_in NAME CUSTOMER: from NAME's ready screen, a call with CUSTOMER.
next_caller_in() {
	window_keys "$1" c; in_window "$1" new_caller "$2"
	window_wait "$1" "Calm: Calm goal"
}
on_server() { q "SELECT count(*) FROM poise.calls WHERE agent = '$1'"; }
wait_server() {
	local i
	for (( i = 0; i < 150; i++ )); do
		[ "$(on_server "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "the server has $(on_server "$1") calls of $1, not $2"
}

# Calls: each agent takes one; the background sync brings each to the server.
for who in ana bo cy; do
	team_window "$who" "$who" "$who" call --playbook e2e-fast --customer "Caller of $who"
done
for who in ana bo cy; do
	window_wait "$who" "Calm: Calm goal"
	window_keys "$who" 4; window_wait "$who" "mood 4"
	in_window "$who" end_call_plainly
done
for who in ana bo cy; do wait_server "$who" 1; done
window_screen ana | has -F "unreachable" && fail "the ready screen says the server is unreachable"

# The supervisor reviews each agent's call through the mirror, with a comment.
team_window sup sue sue review --server --reviewer sue
window_wait sup "poise review - all calls"
for who in ana bo cy; do window_wait sup "Caller of $who"; done
for who in ana bo cy; do
	window_keys sup f;         window_wait sup "agent ["
	window_text sup "$who"; window_keys sup Enter; window_wait sup "from day"
	window_keys sup Enter Enter Enter Enter Enter Enter; window_wait sup "customer name contains"
	window_keys sup Enter Enter Enter Enter Enter; window_wait sup "random sample of N calls"
	window_keys sup Enter
	window_wait sup "filtered: agent=$who"
	window_keys sup Enter;     window_wait sup "Caller of $who"
	window_keys sup c;         window_wait sup "comment for the agent"
	window_text sup "$who: name the next step sooner"; window_keys sup Enter
	window_wait sup "comment saved as sue"
	window_keys sup q;         window_wait sup "poise review - filtered"
done
window_keys sup q
expect_eq 0 "$(window_exit sup)" "poise review --server exit status"
[ "$(q "SELECT count(*) FROM poise.reviews WHERE reviewer = 'sue'")" = 3 ] ||
	fail "the reviews did not reach the server"

# The trainer publishes version 2 of the agents' playbook; one with an error is refused.
sed -e 's/^version: "1"/version: "2"/' -e 's/goal: Calm goal$/goal: Calm goal two/' \
	"$E2E_DATA/fast.yaml" > "$E2E_DIR/fast2.yaml"
grep -q "Calm goal two" "$E2E_DIR/fast2.yaml" || fail "could not make version 2"
printf 'id: broken\nstages: [\n' > "$E2E_DIR/broken.yaml"
"$POISE_BIN" publish "$E2E_DIR/broken.yaml" --server "dbname=$db user=tia" >/dev/null 2>&1 &&
	fail "a playbook with errors was published"
out=$("$POISE_BIN" publish "$E2E_DIR/fast2.yaml" --server "dbname=$db user=tia" 2>&1) ||
	fail "publish: $out"
[ "$(q "SELECT version || ' ' || published_by FROM poise.playbooks")" = "2 tia" ] ||
	fail "the playbook is not on the server as tia's version 2"
"$POISE_BIN" publish "$E2E_DIR/fast2.yaml" --server "dbname=$db user=ana" >/dev/null 2>&1 &&
	fail "an agent published a playbook"

# Each agent's next call syncs: the comment is on their ready screen.
for who in ana bo cy; do
	next_caller_in "$who" "Second caller of $who"
	in_window "$who" end_call_plainly
done
for who in ana bo cy; do
	window_wait "$who" "New from your supervisor" 20
	window_wait "$who" "$who: name the next step sooner"
	for other in ana bo cy; do
		[ "$other" = "$who" ] && continue
		window_screen "$who" | has -F "$other: name" && fail "$who sees the comment on $other's call"
	done
done
for who in ana bo cy; do
	window_wait "$who" "playbook e2e-fast version 2 arrived from the server"
	wait_server "$who" 2
done
# The call that was in progress kept version 1; the next one uses version 2.
next_caller_in ana "Third caller"
window_wait ana "Calm goal two"
[ "$(POISE_DB="$E2E_DIR/ana.db" sql "SELECT group_concat(playbook_version, ' ') FROM
	(SELECT playbook_version FROM calls ORDER BY started_at)")" = "1 1 2" ] ||
	fail "the calls' playbook versions are not 1 1 2"
in_window ana end_call_plainly
# One review everywhere: the agent's copy has the server's id.
for who in ana bo cy; do
	id=$(POISE_DB="$E2E_DIR/$who.db" sql "SELECT uuid FROM reviews")
	[ "$(q "SELECT count(*) FROM poise.reviews WHERE id = '$id'")" = 1 ] ||
		fail "$who's review has another id than the server's"
	window_keys "$who" q
done
q "DROP DATABASE IF EXISTS $db" postgres >/dev/null 2>&1 || true
echo ok
