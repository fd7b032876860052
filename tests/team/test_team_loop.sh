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

# A window per person: NAME (the tmux session), their database, the role they connect as.
start_in() {
	local name=$1 who=$2 cmd
	shift 2
	cmd="env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC PGHOST='$PGHOST'"
	cmd+=" PGPORT='$PGPORT' POISE_SERVER='dbname=$db user=$who' POISE_AGENT=$who"
	cmd+=" POISE_DB='$E2E_DIR/$who.db' POISE_PLAYBOOK_PATH='$E2E_DATA' '$POISE_BIN'"
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
end_call_in() {
	local n=$1
	in_ "$n" x;     wait_in "$n" "outcome: r resolved"
	in_ "$n" r;     wait_in "$n" "cause:"
	in_ "$n" 1;     wait_in "$n" "follow-up due date"
	in_ "$n" Enter; wait_in "$n" "what went well"
	in_ "$n" Enter; wait_in "$n" "what to improve"
	in_ "$n" Enter; wait_in "$n" "ready for the next call"
}
next_caller_in() {
	local n=$1
	in_ "$n" c;     wait_in "$n" "name:"
	tm send-keys -t "$n" -l "$2"; in_ "$n" Enter; wait_in "$n" "reference:"
	sleep 0.4;      in_ "$n" Enter; wait_in "$n" "Calm: Calm goal"
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
	start_in "$who" "$who" call --playbook e2e-fast --customer "Caller of $who"
done
for who in ana bo cy; do
	wait_in "$who" "Calm: Calm goal"
	in_ "$who" 4; wait_in "$who" "mood 4"
	end_call_in "$who"
done
for who in ana bo cy; do wait_server "$who" 1; done
scr ana | grep -qF "unreachable" && fail "the ready screen says the server is unreachable"

# The supervisor reviews each agent's call through the mirror, with a comment.
start_in sup sue review --server --reviewer sue
wait_in sup "poise review - all calls"
for who in ana bo cy; do wait_in sup "Caller of $who"; done
for who in ana bo cy; do
	in_ sup f;         wait_in sup "agent ["
	tm send-keys -t sup -l "$who"; in_ sup Enter; wait_in sup "from day"
	in_ sup Enter Enter Enter Enter Enter Enter; wait_in sup "customer name contains"
	in_ sup Enter Enter Enter Enter Enter; wait_in sup "random sample of N calls"
	in_ sup Enter
	wait_in sup "filtered: agent=$who"
	in_ sup Enter;     wait_in sup "Caller of $who"
	in_ sup c;         wait_in sup "comment for the agent"
	tm send-keys -t sup -l "$who: name the next step sooner"; in_ sup Enter
	wait_in sup "comment saved as sue"
	in_ sup q;         wait_in sup "poise review - filtered"
done
in_ sup q
for (( i = 0; i < 100; i++ )); do [ -f "$E2E_DIR/sup.status" ] && break; sleep 0.1; done
[ "$(cat "$E2E_DIR/sup.status" 2>/dev/null)" = 0 ] || fail "poise review --server failed"
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
	end_call_in "$who"
done
for who in ana bo cy; do
	wait_in "$who" "New from your supervisor" 20
	wait_in "$who" "$who: name the next step sooner"
	for other in ana bo cy; do
		[ "$other" = "$who" ] && continue
		scr "$who" | grep -qF "$other: name" && fail "$who sees the comment on $other's call"
	done
done
for who in ana bo cy; do
	wait_in "$who" "playbook e2e-fast version 2 arrived from the server"
	wait_server "$who" 2
done
# The call that was in progress kept version 1; the next one uses version 2.
next_caller_in ana "Third caller"
wait_in ana "Calm goal two"
[ "$(POISE_DB="$E2E_DIR/ana.db" sql "SELECT group_concat(playbook_version, ' ') FROM
	(SELECT playbook_version FROM calls ORDER BY started_at)")" = "1 1 2" ] ||
	fail "the calls' playbook versions are not 1 1 2"
end_call_in ana
# One review everywhere: the agent's copy has the server's id.
for who in ana bo cy; do
	id=$(POISE_DB="$E2E_DIR/$who.db" sql "SELECT uuid FROM reviews")
	[ "$(q "SELECT count(*) FROM poise.reviews WHERE id = '$id'")" = 1 ] ||
		fail "$who's review has another id than the server's"
	in_ "$who" q
done
q "DROP DATABASE IF EXISTS $db" postgres >/dev/null 2>&1 || true
echo ok
