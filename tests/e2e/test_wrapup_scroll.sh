#!/usr/bin/env bash
# The wrap-up at 40x12: its questions never cover the summary. Every line
# (stages, mood, what was logged, each answer whole, the step) is reached
# with Up/Down and PgUp/PgDn while a question is open, with the markers the
# call screen uses above and below; the question keeps the bottom rows.
. "$(dirname "$0")/lib.sh"

start_poise 40 12 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 4; wait_for "m4"
keys n; text "first note"; keys Enter; wait_for "note saved"
keys x; wait_for "outcome: r resolved"
wait_for "How did the call end?"
wait_for "more lines above"
keys r; wait_for "cause:"
keys 1; wait_for "follow-up due date"
text "tomorrow"; keys Enter; wait_for "follow-up channel"
text "phone"; keys Enter; wait_for "promise made"
text "call back once the refund has reached the account and read the new balance to them END-OF-PROMISE"
keys Enter; wait_for "what went well"

# Scrolled to the top, under the editor: the summary from its first line.
keys PPage PPage PPage PPage
wait_for "Stages"
top=$(screen)
grep -qF "more lines above" <<<"$top" && fail "a marker above at the top"
grep -qF "more lines below" <<<"$top" || fail "no marker below at the top"
[ "$(sed -n 12p <<<"$top" | sed 's/ *$//')" = "what went well (Enter skips):" ] ||
	fail "the editor's label is not on the bottom row"
# Down, one row at a time, to the end: every line passes by, nothing skipped.
seen=$(words)
for (( i = 0; i < 30; i++ )); do
	keys Down; sleep 0.15
	seen+=$'\n'$(words)
done
bottom=$(screen)
grep -qF "more lines below" <<<"$bottom" && fail "a marker below at the end"
grep -qF "more lines above" <<<"$bottom" || fail "no marker above at the end"
for want in "Stages" "1 of 8 visited" "Mood" "at the start" "Logged" "1 note" "Wrap-up" \
	"Outcome resolved" "Cause Billing" "Follow-up" "phone" "END-OF-PROMISE" \
	"Reflection" "A moment to reflect"; do
	grep -qF -- "$want" <<<"$seen" || fail "never shown while scrolling: $want"
done
keys Escape; wait_for "what to improve"
keys Escape; wait_for "ready for the next call"
keys q
expect_eq 0 "$(wait_exit)" "exit status"
echo "ok: every line of the wrap-up reached at 40x12 under its questions"
