#!/usr/bin/env bash
# Pasted text stays text: a multi-line paste into a note, framed by the
# terminal (bracketed paste) or not (a burst of input after a newline, or
# with ESC, CR, backspace or other control characters in it), is the
# note's text and never call keys; a bracketed paste on the call screen
# runs nothing; a 100 KB paste is cut with a word, at once.
. "$(dirname "$0")/lib.sh"

# Only the call's start and the notes: no key of the pastes ran.
only_notes() {
	expect_eq "$1" "$(exported 'kinds')" "$2"
}

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"

# Not bracketed: tmux types the lines as they come; every line after the
# first holds call keys (end, escalate, warn, hold, mood, boundary).
keys n; wait_for "note (Enter"
text $'first line\nx\ne\nw h 4\nb\nlast line\n'
wait_gone "note (Enter"
only_notes "start note" "events after an unbracketed multi-line paste"
expect_eq "first line x e w h 4 b last line" \
	"$(sql "SELECT text FROM events WHERE kind = 'note'")" "the pasted note, one line"
wait_for "Calm: Calm goal"

# Not bracketed, with the control characters text copied from a terminal
# holds (ESC sequences, CR, backspace, BEL, DEL, tab), one ending it: all
# of it is the note's text (controls dropped, breaks as spaces), none of
# it a key (ESC would close the note, and x, e, b, 2 behind it act).
keys n; wait_for "note (Enter"
text $'ctl \e[2Jx\re\bb\a2\x7f\tw \e]0;t\ax end\e'
sleep 1
wait_for "ctl [2Jx e"
keys Enter; wait_gone "note (Enter"
only_notes "start note note" "events after an unbracketed paste of control characters"
# (DEL comes as the terminal's backspace key, and erases the 2 before it.)
expect_eq "ctl [2Jx eb w ]0;tx end" \
	"$(sql "SELECT text FROM events WHERE kind = 'note' ORDER BY seq DESC LIMIT 1")" \
	"the note pasted with control characters"
wait_for "Calm: Calm goal"

# Bracketed: tmux frames the buffer because poise asked for it.
keys n; wait_for "note (Enter"
tm set-buffer -b p1 $'second\nx\ne\nr\n5'
tm paste-buffer -p -b p1 -t main
wait_for "second x e r 5"
keys Enter; wait_gone "note (Enter"
only_notes "start note note note" "events after a bracketed multi-line paste"
expect_eq "second x e r 5" "$(sql "SELECT text FROM events WHERE kind = 'note' ORDER BY seq DESC LIMIT 1")" \
	"the bracketed note"

# A bracketed paste with no editor open is ignored whole.
tm set-buffer -b p2 $'x\ne\nw\n4\nTab\nn\nstray'
tm paste-buffer -p -b p2 -t main
sleep 1
wait_for "Calm: Calm goal"
only_notes "start note note note" "events after a paste on the call screen"

# A 100 KB paste, bracketed: cut at the field's limit with a word, at once.
keys n; wait_for "note (Enter"
head -c 100000 /dev/zero | tr '\0' 'a' | sed 's/a\{80\}/&\n/g' >"$E2E_DIR/big"
tm load-buffer -b big "$E2E_DIR/big"
tm paste-buffer -p -b big -t main
wait_for "full" 3
keys Enter; wait_gone "note (Enter"
only_notes "start note note note note" "events after a 100 KB paste"
len=$(sql "SELECT length(text) FROM events WHERE kind = 'note' ORDER BY seq DESC LIMIT 1")
[ "$len" -gt 0 ] && [ "$len" -le 2000 ] || fail "the 100 KB paste kept $len characters"

# The same, not bracketed (typed by tmux as one burst of lines).
keys n; wait_for "note (Enter"
tm send-keys -t main -l "$(head -c 8000 "$E2E_DIR/big")"
wait_for "full" 5
keys Escape; wait_gone "note (Enter"
wait_for "Calm: Calm goal"
only_notes "start note note note note" "events after a long unbracketed paste"

# The session still answers keys as before.
keys 4; wait_for "mood 4 angry"
stop_poise
