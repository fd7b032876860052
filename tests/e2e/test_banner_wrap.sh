#!/usr/bin/env bash
# A banner longer than the screen is wide is read whole at 80x24 (one rule,
# draw_banner in draw.c, for every screen): the review list's "cannot open
# call" for a damaged call keeps its "the log is damaged", and the line
# editor's refusal of a due date keeps its last words. The screen beneath
# stays as it was once the next key clears the banner.
. "$(dirname "$0")/lib.sh"

mkdir -p "$(dirname "$POISE_DB")"
"$POISE_BIN" gen --db "$POISE_DB" --agents 1 --days 1 2 >/dev/null
# The newest call (the list's first row) gets an event that cannot follow its end.
python3 - "$POISE_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(cid,) = db.execute("SELECT id FROM calls ORDER BY started_at DESC LIMIT 1").fetchone()
db.execute("INSERT INTO events SELECT call_id, max(seq) + 1, max(t), 'hold-end', stage, 0, 0, NULL "
           "FROM events WHERE call_id = ?", (cid,))
db.commit()
PY

start_poise 80 24 review --reviewer sam
wait_for "poise review - all calls"
keys Enter
wait_words "cannot open call"
wait_words "does not follow from the ones before it: the log is damaged"
screen | has -F "poise review - all calls" || fail "the list is gone under the banner"
keys j; wait_gone "the log is damaged"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
stop_poise

# The line editor's refusal: a due date in the past, at 80x24.
start_poise 80 24 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys x; wait_for "outcome: r resolved"
keys r; wait_for "cause:"
keys 1; wait_for "follow-up due date"
text "yesterday"; keys Enter
wait_words "'yesterday' is not a day: use YYYY-MM-DD (e.g. $(date -u -d '+7 days' +%F)), today, tomorrow, a weekday such as fri, or +N days"
wait_for "follow-up due date (Enter skips):"
keys C-u; text "tomorrow"; keys Enter; wait_for "follow-up channel"
screen | has -F "is not a day" && fail "the refusal stayed after a good date"
keys Enter; wait_for "promise made"
keys Enter; wait_for "what went well"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
keys q
expect_eq 0 "$(wait_exit)" "poise call exit status"
stop_poise
echo ok
