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

# The environment of a person: connected as role WHO, $POISE_AGENT NAME, their own database.
env_of() {
	printf "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PGHOST='%s' PGPORT='%s'" \
		"$PGHOST" "$PGPORT"
	printf " POISE_SERVER='dbname=%s user=%s' POISE_AGENT='%s' POISE_DB='%s/%s.db'" \
		"$db" "$1" "$2" "$E2E_DIR" "$1"
	printf " POISE_PLAYBOOK_PATH='%s'" "$E2E_DATA"
}
# A tmux session NAME running poise as role WHO with $POISE_AGENT AS.
start_in() {
	local name=$1 who=$2 as=$3 cmd
	shift 3
	cmd="$(env_of "$who" "$as") '$POISE_BIN'"
	for a in "$@"; do cmd+=" '$a'"; done
	cmd+="; echo \$? > '$E2E_DIR/$name.status'"
	tm set-option -g remain-on-exit on \; set-option -g default-shell "$E2E_SHELL" \; \
		new-session -d -s "$name" -x 100 -y 30 "$cmd" || fail "cannot start $name"
}
scr() { tm capture-pane -p -t "$1" 2>/dev/null || true; }
in_() { local n=$1; shift; tm send-keys -t "$n" "$@"; }
wait_in() {
	local n=$1 want=$2 limit=$(( ${3:-10} * 10 )) i
	for (( i = 0; i < limit; i++ )); do
		scr "$n" | grep -qF -- "$want" && return 0
		sleep 0.1
	done
	echo "---- $n ----" >&2; scr "$n" >&2
	fail "$n never showed '$want'"
}
wait_status() {
	local i
	for (( i = 0; i < 100; i++ )); do [ -f "$E2E_DIR/$1.status" ] && break; sleep 0.1; done
	[ "$(cat "$E2E_DIR/$1.status" 2>/dev/null)" = 0 ] || fail "$1 ended with $(cat "$E2E_DIR/$1.status" 2>/dev/null)"
}
wait_q() {
	local i
	for (( i = 0; i < 150; i++ )); do
		[ "$(q "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "the server says $(q "$1") to '$1', not $2"
}
end_call_in() {
	local n=$1
	in_ "$n" x;     wait_in "$n" "outcome: r resolved"
	in_ "$n" r;     wait_in "$n" "cause:"
	in_ "$n" 1;     wait_in "$n" "follow-up due date"
	in_ "$n" Enter; wait_in "$n" "what went well"
	in_ "$n" Enter; wait_in "$n" "what to improve"
	in_ "$n" Enter; wait_in "$n" "ready for the next call"
}

# The agent's call reaches the server (the background sync after it).
start_in ana ana ana call --playbook e2e-fast --customer "Caller of ana"
wait_in ana "Calm: Calm goal"
in_ ana 4; wait_in ana "mood 4"
end_call_in ana
wait_q "SELECT count(*) FROM poise.calls WHERE agent = 'ana'" 1

# Another name than the server role cannot sign: refused, before any screen.
rc=0
out=$(eval "$(env_of sue desk)" "'$POISE_BIN'" review --server --reviewer someone-else 2>&1) ||
	rc=$?
[ "$rc" = 2 ] || fail "review --server --reviewer someone-else: exit $rc: $out"
grep -qF "signed by your server role 'sue'" <<<"$out" || fail "no clear refusal: $out"

# The supervisor comments through the mirror: signed sue (the role), not desk ($POISE_AGENT).
start_in sup sue desk review --server
wait_in sup "poise review - all calls"
wait_in sup "Caller of ana"
in_ sup Enter;  wait_in sup "call "
in_ sup c;      wait_in sup "comment for the agent"
tm send-keys -t sup -l "name the next step sooner"; in_ sup Enter
wait_in sup "comment saved as sue"
in_ sup q;      wait_in sup "poise review"
in_ sup q
wait_status sup
wait_q "SELECT reviewer || ': ' || comment FROM poise.reviews" "sue: name the next step sooner"

# The agent's next call brings it to the ready screen; the agent disputes it.
in_ ana c;      wait_in ana "name:"
tm send-keys -t ana -l "Second caller"; in_ ana Enter; wait_in ana "reference:"
sleep 0.4;      in_ ana Enter; wait_in ana "Calm: Calm goal"
end_call_in ana
wait_in ana "New from your supervisor" 20
in_ ana a;      wait_in ana "a acknowledge  r reply  d dispute"
in_ ana d;      wait_in ana "why you disagree"
tm send-keys -t ana -l "I named the delay at 01:10"; in_ ana Enter
wait_in ana "disputes; sue will see it in review"
# A sync sends it (the screen's own goes after the next call).
out=$(eval "$(env_of ana ana)" "'$POISE_BIN'" sync 2>&1) || fail "sync: $out"
wait_q "SELECT agent || ' ' || kind || ': ' || text FROM poise.review_replies" \
	"ana dispute: I named the delay at 01:10"
in_ ana q

# The supervisor's next review --server shows the dispute under the review.
start_in sup2 sue desk review --server
wait_in sup2 "Second caller"
wait_in sup2 "Caller of ana"
in_ sup2 Down Enter; wait_in sup2 "call "
for (( i = 0; i < 40; i++ )); do in_ sup2 j; done
wait_in sup2 "ana disputes: I named the delay at 01:10"
wait_in sup2 "name the next step sooner"
scr sup2 | grep -qE "by sue( |$)" || fail "the review is not signed sue on the screen"
in_ sup2 q;     wait_in sup2 "poise review"
in_ sup2 q
wait_status sup2
q "DROP DATABASE IF EXISTS $db" postgres >/dev/null 2>&1 || true
echo ok
