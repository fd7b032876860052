#!/usr/bin/env bash
# Follow-ups as a shift needs them: due dates typed as words in the wrap-up
# (a past day refused with a word and a future example), stored as the day
# they name; the ready screen marks overdue ones and closes one with d.
. "$(dirname "$0")/lib.sh"

day() { python3 -c "import datetime; print((datetime.date.today() + datetime.timedelta($1)).isoformat())"; }
next_friday() {
	python3 -c "import datetime; t = datetime.date.today(); print((t + datetime.timedelta((4 - t.weekday() + 6) % 7 + 1)).isoformat())"
}

# wrap_with: end the call (callback, first cause) up to the follow-up date question.
wrap_with() {
	keys x;     wait_for "outcome: r resolved"
	keys c;     wait_for "cause:"
	keys 1;     wait_for "follow-up due date"
	wait_for "tomorrow, a weekday"
}

# promise WORD CHANNEL PROMISE: the due date taken, the rest typed, up to the reflection.
promise() {
	text "$1";  keys Enter; wait_for "follow-up channel"
	text "$2";  keys Enter; wait_for "promise made"
	text "$3";  keys Enter; wait_for "what went well"
}

# due_of CUSTOMER: the day stored for that caller's follow-up.
due_of() { sql "SELECT f.due FROM followups f JOIN calls c ON c.id = f.call_id WHERE c.customer = '$1'"; }

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
wrap_with
text "yesterday";  keys Enter; wait_for "'yesterday' is not a day"
wait_for "e.g. $(day 7)"
keys C-u; text "2020-01-01"; keys Enter; wait_for "2020-01-01 is in the past"
wait_for "e.g. $(day 7) or +7"
keys C-u; promise Tomorrow phone "ring back about the refund"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
expect_eq "$(day 1)" "$(due_of Ana)" "'tomorrow' stored as the day it names"

keys c; new_caller Bea
wait_for "Calm: Calm goal"
wrap_with
promise fri post "send the form"
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
expect_eq "$(next_friday)" "$(due_of Bea)" "'fri' stored as the next Friday"

keys c; new_caller Cy
wait_for "Calm: Calm goal"
wrap_with
promise +0 email "mail the credit note"
# Ana's promise slipped by: make it overdue before the ready screen reads the list.
python3 - "$POISE_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("UPDATE followups SET due = '2020-01-01' WHERE call_id = (SELECT id FROM calls WHERE customer = 'Ana')")
db.commit()
PY
keys Enter; wait_for "what to improve"
keys Enter; wait_for "ready for the next call"
wait_for "Follow-ups due"
wait_for "overdue 2020-01-01  Ana  phone  ring back about the refund"
wait_for "today   $(day 0)  Cy  email  mail the credit note"
screen | has -F "Bea" && fail "a follow-up due later shows as due"

# d on the selected (first, overdue) one asks; n keeps it, y closes it.
keys d; wait_for "close the follow-up due 2020-01-01 for Ana"
keys n; wait_gone "close the follow-up due"
[ -z "$(sql "SELECT done_at FROM followups WHERE due = '2020-01-01'")" ] || fail "n closed the follow-up"
keys d; wait_for "close the follow-up due 2020-01-01 for Ana"
keys y; wait_for "closed (due 2020-01-01, Ana)"
wait_gone "ring back about the refund"
wait_for "mail the credit note"
[ -n "$(sql "SELECT done_at FROM followups WHERE due = '2020-01-01'")" ] || fail "the follow-up is not closed"
"$POISE_BIN" followups --db "$POISE_DB" --all | has -F "ring back" && fail "poise followups still lists the closed one"
"$POISE_BIN" followups --db "$POISE_DB" --all | has -F "send the form" || fail "poise followups lost Bea's"
# The same one closed from the command line says it already was.
id=$(sql "SELECT substr(call_id, 1, 13) || '/' || seq FROM followups WHERE due = '2020-01-01'")
bea=$(sql "SELECT substr(call_id, 1, 13) || '/' || seq FROM followups WHERE promise LIKE 'send the form%'")
"$POISE_BIN" followups --db "$POISE_DB" --all | has -F "$bea " || fail "Bea's is not listed by its id $bea"
"$POISE_BIN" followups --db "$POISE_DB" done "$id" | has -F "was already done" || fail "not stored as 'followups done' stores it"

# j moves the selection; d on Cy's.
keys j d; wait_for "close the follow-up due $(day 0) for Cy"
keys y; wait_for "No follow-ups due"
keys q
expect_eq 0 "$(wait_exit)" "exit status"
echo "ok"
