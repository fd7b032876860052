#!/usr/bin/env bash
# u right after any key of the call screen that logs an event takes back
# that key: the screen is as it was before the key (timers and the banner
# aside). The class, key by key: moods, stage moves (Tab, Left, b), a note,
# an escalation, a manager request, a hold started and a hold ended (the
# caller is on hold again, as the log then says), a line said, un-marked
# (marked again) and skipped, a tick and an un-tick, a warning, the pacer.
# At 100x30 and 80x24; then the fold agrees: show counts no undone mark.
. "$(dirname "$0")/lib.sh"

# The screen without its clocks, its banner cleared first (PgUp: the
# stages of e2e-fast fit the screen, so it moves nothing).
snap() {
	keys PPage; sleep 0.3
	screen | sed -E 's/[0-9]{2}:[0-9]{2}/MM:SS/g'
}

# The screen without its clocks, banners included (a note shows only there).
shown() { screen | sed -E 's/[0-9]{2}:[0-9]{2}/MM:SS/g'; }

# check NAME CMD: CMD (keys) changes the screen; u puts it back as it was.
check() {
	local name=$1 cmd=$2 before all i
	before=$(snap)
	all=$(shown)
	eval "$cmd"
	for (( i = 0; i < 50; i++ )); do [ "$(shown)" != "$all" ] && break; sleep 0.1; done
	[ "$(shown)" != "$all" ] || fail "$name: the key changed nothing on screen"
	sleep 0.2
	keys u; wait_for "undone:"
	said=$(words)
	for (( i = 0; i < 20; i++ )); do [ "$(snap)" = "$before" ] && return 0; done
	diff <(echo "$before") <(snap) >&2 || true
	fail "$name: u right after it did not put the screen back"
}

for size in "100 30" "80 24"; do
	rm -f "$POISE_DB"*
	# shellcheck disable=SC2086
	start_poise $size call --playbook e2e-fast --customer Ana
	wait_for "Calm goal"
	check "mood" "keys 3"
	keys 3; wait_for "mood 3 annoyed"
	check "mood again" "keys 4"
	check "Tab" "keys Tab"
	keys Tab; wait_for "Listen goal"
	check "Left" "keys Left"
	check "b" "keys b"
	check "note" "keys n; text 'wrong caller'; keys Enter"
	check "escalate" "keys e; text 'by mistake'; keys Enter"
	check "manager" "keys m"
	check "hold start" "keys h"
	keys h; wait_for "ON HOLD"; wait_for "Hold prompt"
	check "hold end" "keys h"
	grep -qF "undone: hold ended; on hold again since it began (h ends it)" <<<"$said" ||
		fail "u after a hold's end does not say the caller is on hold again: $said"
	keys h; wait_gone "ON HOLD"
	check "said" "keys Space"
	keys Space; wait_for "Listen line one  (said)"
	check "un-marked" "keys Space"
	check "skipped over said" "keys s c"
	keys Space; wait_gone "Listen line one  (said)"
	check "skipped" "keys s d"
	keys j j; sleep 0.3
	check "tick" "keys Space"
	keys Space; wait_for "[x] Listen check"
	check "untick" "keys Space"
	check "pacer" "keys p"
	keys b; wait_for "Boundary goal"
	check "warning" "keys w w"
	keys Left; wait_for "Listen goal"
	finish_call "poise call at $size"
	# The fold read back from the log agrees: nothing undone is counted.
	id=$(sql "SELECT id FROM calls")
	shown=$("$POISE_BIN" show --db "$POISE_DB" "$id")
	grep -qF "0 boundary warnings, 1 escalation" <<<"$shown" && fail "an undone escalation counts: $shown"
	grep -qF "0 boundary warnings, 0 escalations, 0 manager requests" <<<"$shown" ||
		fail "show counts undone marks ($size): $shown"
	grep -qF "  1 hold, " <<<"$shown" || fail "show counts other than the one hold ($size): $shown"
	grep -qF "mood 3 annoyed -> 3 annoyed" <<<"$shown" || fail "show's moods ($size): $shown"
done
echo ok
