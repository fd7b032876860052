#!/usr/bin/env bash
# What an agent types is saved as the store takes it (event_check: what
# merge and the team server take too), never refused: on the call screen
# a pasted note drops every character a terminal would obey (the bidi
# controls, C1, the line separator; a tab or line break is a space), and
# keeps accents, emoji and invisible characters; in plain mode through a
# pipe each such character, and each byte that is not UTF-8 (a Latin-1
# terminal's letter), is kept as U+FFFD and a tab is a space.
. "$(dirname "$0")/lib.sh"

last_note() { sql "SELECT text FROM events WHERE kind = 'note' ORDER BY call_id DESC, seq DESC LIMIT 1"; }

# 1. The call screen: a bracketed paste into a note.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys n; wait_for "note (Enter"
tm set-buffer -b p $'bidi \u202eevil lrm\u200e csi\u009b2J ls\u2028end tab\tcaf\u00e9 \U0001F600 z\u200bw'
tm paste-buffer -p -b p -t main
wait_for "bidi evil"
keys Enter; wait_gone "note (Enter"
expect_eq $'bidi evil lrm csi2J lsend tab caf\u00e9 \U0001F600 z\u200bw' "$(last_note)" \
	"the pasted note, what a terminal would obey dropped"
stop_poise

# 2. Plain mode through a pipe: a note with a tab, an ESC, a Latin-1 byte and a bidi override.
export POISE_DB="$E2E_DIR/data/plain.db" # no unfinished call of part 1 to offer
note=$'a\tb\e[2J caf\xe9 \u202eevil'
out=$(printf 'Bo\n\nn\n%s\nx\nu\n2\n\n\n\nq\n' "$note" |
	"$POISE_BIN" call --plain --playbook e2e-fast 2>&1) || fail "plain mode on a pipe failed: $out"
echo "$out" | has "Call saved." || fail "the piped call was not saved: $out"
expect_eq $'a b\ufffd[2J caf\ufffd \ufffdevil' "$(last_note)" "the piped note, kept with U+FFFD"
echo "ok"
