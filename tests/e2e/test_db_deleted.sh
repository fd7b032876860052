#!/usr/bin/env bash
# The data folder removed mid-call (an `rm -r` in another window): poise
# notices within a second, writes the whole database again at its path,
# says so on the banner, and every event of the call, before and after,
# is in the file when the call ends.
. "$(dirname "$0")/lib.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 3; wait_for "3 annoyed"
[ -f "$POISE_DB" ] || fail "no database at $POISE_DB"
rm -rf "$(dirname "$POISE_DB")"
wait_for "poise wrote it" 5
[ -f "$POISE_DB" ] || fail "the banner said written, but $POISE_DB is not there"
keys 4; wait_for "4 angry"
keys Tab; wait_for "Listen: Listen goal"
rm -f "$POISE_DB" "$POISE_DB-wal" "$POISE_DB-shm" # and once more, the file alone
wait_for "poise wrote it" 5
keys 2; wait_for "2 uneasy"
finish_call "poise call after its database was deleted"
expect_eq "start mood mood stage mood end" \
	"$(sql "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events
		WHERE kind IN ('start', 'mood', 'stage', 'end') ORDER BY seq)")" "the call's events"
expect_eq "1" "$(sql "SELECT count(*) FROM calls WHERE status = 'done'")" "calls done"
echo ok
