#!/usr/bin/env bash
# The ready screen with more follow-ups due than fit: 30 of them at 40x12
# and at 80x24. Every one is reached with j/k (PgUp/PgDn scroll), with the
# call screen's markers above and below, and the one selected is the one d
# closes, wherever it is in the list.
. "$(dirname "$0")/lib.sh"

start_poise 40 12 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
wrap_up_with_followup c +0 email "promise 00"
# 29 more due for Ana's call (the table the ready screen reads), 10 of them overdue,
# before the ready screen reads the list.
python3 - "$POISE_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
call, = db.execute("SELECT id FROM calls").fetchone()
today, = db.execute("SELECT due FROM followups").fetchone()
for i in range(1, 30):
    db.execute("INSERT INTO followups (call_id, seq, due, channel, promise) VALUES (?, ?, ?, 'phone', ?)",
               (call, 1000 + i, "2020-01-%02d" % i if i <= 10 else today, "promise %02d" % i))
db.commit()
PY
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"

# walk DIRECTION N: press j or k N times, everything the screen showed on the way.
walk() {
	local i out=""
	for (( i = 0; i < $2; i++ )); do
		keys "$1"; sleep 0.12
		out+=$(screen)$'\n'
	done
	printf '%s' "$out"
}
# check_all SIZE: every follow-up was on screen, and both markers were.
check_all() {
	local seen=$1 i
	for (( i = 0; i < 30; i++ )); do
		grep -qF "promise $(printf %02d "$i")" <<<"$seen" || fail "$2: promise $i never shown"
	done
	grep -qF "more lines below" <<<"$seen" || fail "$2: no marker below"
	grep -qF "more lines above" <<<"$seen" || fail "$2: no marker above"
}

wait_for "Follow-ups due"
seen=$(screen)$'\n'$(walk j 32)
check_all "$seen" 40x12
grep -qF "more lines below" <<<"$(screen)" && fail "40x12: a marker below at the end"
# The last one is selected: d names it, y closes it.
keys d; wait_for "close the follow-up due"
wait_for "promise 29"
keys y; wait_for "closed (due"
expect_eq "promise 29" "$(sql "SELECT promise FROM followups WHERE done_at IS NOT NULL")" \
	"d closed the follow-up selected at the end of the list"
# Back up to the figures: the first line of the screen is reached again.
walk k 40 >/dev/null
wait_for "Today: 1 call"
grep -qF "more lines above" <<<"$(screen)" && fail "40x12: a marker above at the top"
keys q
expect_eq 0 "$(wait_exit)" "exit status"
stop_poise

# 80x24: the same list, from the first start (Esc in the caller form).
start_poise 80 24 call --playbook e2e-fast
wait_for "poise - next caller"
keys Escape; wait_for "ready for the next call"
seen=$(screen)$'\n'$(walk j 30)
for (( i = 0; i < 29; i++ )); do
	grep -qF "promise $(printf %02d "$i")" <<<"$seen" || fail "80x24: promise $i never shown"
done
grep -qF "more lines above" <<<"$seen" || fail "80x24: no marker above"
grep -qF "overdue 2020-01-01  Ana  phone  promise 01" <<<"$seen" || fail "80x24: overdue not marked"
# PgUp scrolls without moving the selection; d still names the selected (last) one.
keys PPage; sleep 0.3
keys d; wait_for "promise 28"
keys n
keys q
expect_eq 0 "$(wait_exit)" "exit status"
echo "ok: 30 follow-ups reached and closed by key at 40x12 and 80x24"
