#!/usr/bin/env bash
# The days review opens on from the command line (--since, --until) are
# filters like those of the form: the header names them (not "all calls"),
# and the filter form shows them as its current answers, so going through
# it with Enter keeps them instead of dropping them silently.
. "$(dirname "$0")/lib.sh"

"$POISE_BIN" gen --seed 5 --agents 2 --days 6 --db "$POISE_DB" 120 >/dev/null || fail "poise gen"
day=$(sql "SELECT date(started_at / 1000, 'unixepoch', 'localtime') FROM calls
	ORDER BY started_at LIMIT 1 OFFSET 60")
n=$(sql "SELECT count(*) FROM calls WHERE date(started_at / 1000, 'unixepoch', 'localtime') = '$day'")
all=$(sql "SELECT count(*) FROM calls")
[ "$n" -gt 0 ] && [ "$n" -lt "$all" ] || fail "day $day has $n of $all calls"
[ "$n" = 1 ] && calls="1 call" || calls="$n calls"

start_poise 120 30 review --reviewer sam --since "$day" --until "$day"
wait_for "$calls"
wait_for "filtered: from=$day to=$day"
screen | has -F "all calls" && fail "the header says all calls under --since/--until"
# The form offers the days as they are; Enter on every question keeps them.
keys f;          wait_for "agent [any]"
keys Enter;      wait_for "from day [$day]"
keys Enter;      wait_for "to day (included) [$day]"
keys Enter;      wait_for "outcome [any]"
keys Enter Enter Enter Enter; wait_for "customer name contains [any]"
keys Enter Enter Enter Enter Enter; wait_for "random sample of N calls"
keys Enter
wait_for "filtered: from=$day to=$day"
wait_for "$calls"
# F clears them as it clears any filter.
keys F;          wait_for "all calls"
wait_for "$all calls"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
echo ok
