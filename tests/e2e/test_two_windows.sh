#!/usr/bin/env bash
# Two windows, one database: a call live in one window is never offered for
# resume (nor closed) by the other; the other can start its own call; both
# write at once and nothing is lost or damaged; a window killed with -9
# leaves its call free to resume at once.
. "$(dirname "$0")/lib.sh"

# The second window: its own tmux session on the same server and database.
keys2() { window_keys two "$@"; }
wait_for2() { window_wait two "$1"; }

# Window one: Ana's call, live.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm line for Ana"
keys 3; wait_for "mood 3"

# Window two: told the call is open elsewhere; starts its own.
start_window two 100 30 call --playbook e2e-fast
wait_for2 "A call is open in another poise window"
wait_for2 "customer Ana"
window_screen two | has -F "r resume" && fail "the second window offers to resume a live call"
keys2 n; wait_for2 "poise - next caller"
window_text two "Bea"; keys2 Enter; wait_for2 "reference:"
sleep 0.4; keys2 Enter; wait_for2 "Calm line for Bea"
expect_eq "open" "$(sql "SELECT status FROM calls WHERE customer = 'Ana'")" "Ana's call after the second window opened"

# Both windows write at once: mood marks and notes, interleaved.
for i in 1 2 3 4 5 6; do
	keys $(( i % 5 + 1 )); keys2 $(( (i + 2) % 5 + 1 ))
	keys n; keys2 n
	text "note one $i"; window_text two "note two $i"
	keys Enter; keys2 Enter
done
wait_for "mood 2"
wait_for2 "mood 4"
for who in Ana Bea; do
	for (( i = 0; i < 50; i++ )); do
		[ "$(sql "SELECT count(*) FROM events e JOIN calls c ON c.id = e.call_id \
			WHERE c.customer = '$who' AND e.kind = 'note'")" = 6 ] && break
		sleep 0.1
	done
done

# Window one dies hard: its call is free to resume at once, Bea's is not offered.
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
tm kill-session -t main
start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found"
wait_for "customer Ana"
screen | has -F "customer Bea" && fail "a call live in another window is offered for resume"
keys r; wait_for "Calm line for Ana"
wait_for "mood 2"

# Both end their calls; nothing lost, nothing damaged.
end_call_plainly
keys2 x;     wait_for2 "outcome: r resolved"
keys2 r;     wait_for2 "cause:"
keys2 1;     wait_for2 "follow-up due date"
keys2 Enter; wait_for2 "what went well"
keys2 Enter; wait_for2 "what to improve"
keys2 Enter; wait_for2 "ready for the next call"
keys q; keys2 q
expect_eq 0 "$(wait_exit)" "window one's exit"
expect_eq 0 "$(window_exit two 5)" "window two's exit"

expect_eq "done done" "$(sql "SELECT status FROM calls ORDER BY customer" | tr '\n' ' ' | sed 's/ $//')" \
	"both calls closed"
[ ! -e "$POISE_DB.pending" ] || [ ! -s "$POISE_DB.pending" ] || fail "events left in the side log"
ls "$POISE_DB".lock-* >/dev/null 2>&1 && fail "a closed call's lock file is left"
json=$("$POISE_BIN" report --db "$POISE_DB" --format json)
grep -qF '"damaged":0' <<<"$json" || fail "report counts damaged calls: $json"
for who in Ana Bea; do
	got=$(exported "str(c['customer']) + ' ' + str(sum(e['kind'] == 'note' for e in c['events'])) + ' ' + \
str(sorted(e['text'] for e in c['events'] if e['kind'] == 'note'))" | grep "^$who ")
	n=$([ $who = Ana ] && echo one || echo two)
	want="$who 6 ['note $n 1', 'note $n 2', 'note $n 3', 'note $n 4', 'note $n 5', 'note $n 6']"
	expect_eq "$want" "$got" "$who's notes in the export"
	seqs=$(exported "' '.join(str(e['seq']) for e in c['events']) if c['customer'] == '$who' else ''" | grep .)
	expect_eq "$(seq -s ' ' 1 "$(wc -w <<<"$seqs")")" "$seqs" "$who's events numbered without a gap"
done
echo "ok"
