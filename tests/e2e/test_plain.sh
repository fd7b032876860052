#!/usr/bin/env bash
# `poise call --plain`: a call driven by single keys on a terminal prints
# plain lines (stage, lines to say, marks, warnings, the wrap-up's
# questions) and not one escape sequence (the pane's raw output is piped
# to a file with pipe-pane and searched for ESC). It logs the same kinds
# of events as the same keys on the call screen. Through a pipe, lines are
# read. A hang-up closes the call as interrupted and the call screen
# offers to resume it, and so does plain mode (r resumes, n sets it aside),
# on a terminal, through a pipe and in Spanish.
. "$(dirname "$0")/lib.sh"

kinds() {	# the event kinds of call N (1 first), prompts left out (the clock's, not the keys')
	exported "kinds" | sed -n "${1}p" | tr ' ' '\n' | grep -v '^prompt$' | tr '\n' ' '
}

# 1. Plain mode on a terminal, its raw output kept.
start_poise 80 24 call --plain --playbook e2e-fast
tm pipe-pane -t main -o "cat >> '$E2E_DIR/raw.out'"
wait_for "Next caller's name"
text "Ana"; keys Enter; wait_for "Reference"
text "R-1"; keys Enter
wait_for "Stage 1 of 8: Calm. Calm goal"
wait_for "Say 1: Calm line for Ana"
keys '?'; wait_for "keys: 1-5 mood"
keys 4; wait_for "mood 4 angry"
keys Tab; wait_for "Stage 2 of 8: Listen"
wait_for "Say 2: Listen line two"
keys j; wait_for "> Say 2: Listen line two"
keys Space; wait_for "said: Listen line two"
keys b; wait_for "Warning 1: First warning to Ana (next: w)"
keys w; wait_for "Warning 1, say it: First warning to Ana"
keys w; wait_for "warning 1: First warning to Ana"
keys Left; wait_for "Stage 2 of 8: Listen"
keys x; wait_for "How did the call end?"
keys r; wait_for "What was it about?"
keys 1; wait_for "Anything promised for later?"
keys Enter; wait_for "What went well?"
text "kept calm"; keys BSpace BSpace BSpace BSpace; text "calm"; keys Enter
wait_for "What to improve?"
keys Enter; wait_for "Call saved."
wait_for "Ready for the next call"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not quit plain mode with status 0"
tm pipe-pane -t main 2>/dev/null || true
sleep 0.2
[ -s "$E2E_DIR/raw.out" ] || fail "pipe-pane captured nothing"
grep -q "Stage 2 of 8: Listen" "$E2E_DIR/raw.out" || fail "the raw output lacks the stage line"
if LC_ALL=C grep -q $'\033' "$E2E_DIR/raw.out"; then
	fail "plain mode wrote an escape sequence: $(LC_ALL=C grep -o $'\033.\{0,6\}' "$E2E_DIR/raw.out" | head -3 | cat -v)"
fi
stop_poise
[ "$(exported 'c["customer"]')" = Ana ] || fail "the caller's name was not logged"
exported 'c["events"][-2]["text"] if c["events"][-2]["kind"] == "reflection" else "?"' |
	has "kept calm" || fail "the reflection typed (with backspaces) was not logged"

# 2. The same keys on the call screen: the same kinds of events.
start_poise 80 24 call --playbook e2e-fast
new_caller "Ana" "R-1"
wait_for "Calm: Calm goal"
keys 4; wait_for "mood 4"
keys Tab; wait_for "Listen: Listen goal"
keys j Space; wait_for "(said)"
keys b; wait_for "Boundary: Boundary goal"
keys w; wait_for "say it, then w logs it"
keys w; wait_for "(given at"
keys Left; wait_for "Listen: Listen goal"
keys x; wait_for "outcome: r resolved"
keys r; wait_for "cause:"
keys 1; wait_for "follow-up due date"
keys Enter; wait_for "what went well"
text "kept calm"; keys Enter; wait_for "what to improve"
keys Enter; wait_for "a short breather" # a warning was given: a hard call
keys Space; wait_for "ready for the next call"
keys q; wait_exit >/dev/null
stop_poise
plain=$(kinds 1); screen_kinds=$(kinds 2)
[ -n "$plain" ] || fail "no events from the plain call"
expect_eq "$screen_kinds" "$plain" "the plain call's event kinds against the call screen's"
"$POISE_BIN" show --db "$POISE_DB" "$(exported 'c["id"]' | head -1)" | has "warning 1" ||
	fail "poise show does not read the plain call"

# 3. Through pipes: lines are read, and nothing but text comes out.
out=$(printf 'Bo\n\n4\ntab\nx\nu\n2\n\n\n\nq\n' |
	"$POISE_BIN" call --plain --playbook e2e-fast 2>&1) || fail "plain mode on a pipe failed: $out"
echo "$out" | has "Stage 2 of 8: Listen" || fail "a piped 'tab' did not move on: $out"
echo "$out" | has "Call saved." || fail "the piped call was not saved: $out"
if LC_ALL=C grep -q $'\033' <<<"$out"; then fail "escape sequences on a pipe"; fi
[ "$(kinds 3)" = "start mood stage wrapup outcome cause end " ] ||
	fail "the piped call logged: $(kinds 3)"

# 4. A prompt, then a hang-up: what was written stays, the call is closed as interrupted,
# and the call screen offers to resume it.
start_poise 80 24 call --plain --playbook e2e-fast --customer Cy
wait_for "Stage 1 of 8: Calm"
keys 5; wait_for "mood 5"
# A coaching prompt fires on the clock, as on the call screen, as one line.
wait_for "prompt: > [e escalate] Mood 5 prompt for Cy" 5
kill -HUP "$(poise_pid)"
status=$(wait_exit)
[ "$status" = 129 ] || fail "SIGHUP gave status $status, not 129"
stop_poise
[ "$(kinds 4)" = "start mood interrupted " ] && exported "kinds" | sed -n 4p | has prompt || fail "the hung-up call logged: $(kinds 4)"
start_poise 80 24 call --playbook e2e-fast
wait_for "unfinished call"
wait_for "r resume"
keys r; wait_for "Calm: Calm goal"
stop_poise # a hang-up again: the call is interrupted again
# Plain mode offers the same call: one line, one key; r resumes it (the same
# RESUME event), and it ends here as one call, not a second.
start_poise 80 24 call --plain --playbook e2e-fast
wait_for "Unfinished call: customer Cy, started "
wait_for "in the Calm stage"
wait_for "r resume"
keys r; wait_for "Call with Cy resumed"
wait_for "Stage 1 of 8: Calm"
keys x; wait_for "How did the call end?"
keys r; wait_for "What was it about?"
keys 1; wait_for "Anything promised for later?"
keys Enter; wait_for "What went well?"
keys Enter; wait_for "What to improve?"
keys Enter; wait_for "Call saved."
wait_for "Ready for the next call"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not quit plain mode after the resumed call"
stop_poise
[ "$(exported 'c["id"]' | wc -l)" = 4 ] || fail "the resumed call was stored as a new call: $(exported 'c["customer"]' | tr '\n' ' ')"
expect_eq "$(kinds 4)" "start mood interrupted resume interrupted resume wrapup outcome cause end " \
	"the call resumed in plain mode"

# 5. Through pipes: the end of input hangs up a call; a line "r" resumes it, "n" sets it aside.
printf 'Di\n\n4\n' | "$POISE_BIN" call --plain --playbook e2e-fast >/dev/null 2>&1 || true
[ "$(kinds 5)" = "start mood interrupted " ] || fail "the piped hang-up logged: $(kinds 5)"
out=$(printf 'r\nx\nr\n1\n\n\n\nq\n' | "$POISE_BIN" call --plain --playbook e2e-fast 2>&1) ||
	fail "resuming on a pipe failed: $out"
echo "$out" | has "Unfinished call: customer Di" || fail "no resume offered on a pipe: $out"
echo "$out" | has "Call saved." || fail "the piped resumed call was not saved: $out"
[ "$(kinds 5)" = "start mood interrupted resume wrapup outcome cause end " ] ||
	fail "the call resumed on a pipe logged: $(kinds 5)"
printf 'Ed\n\n' | "$POISE_BIN" call --plain --playbook e2e-fast >/dev/null 2>&1 || true
out=$(printf 'n\nFy\n\nq\n' | "$POISE_BIN" call --plain --playbook e2e-fast 2>&1) || true
echo "$out" | has "Unfinished call: customer Ed" || fail "no resume offered for Ed: $out"
echo "$out" | has "Call with Fy started" || fail "n did not start a new call: $out"
[ "$(exported 'c["customer"]' | tr '\n' ' ')" = "Ana Ana Bo Cy Di Ed Fy " ] ||
	fail "the calls stored: $(exported 'c["customer"]' | tr '\n' ' ')"

# 6. In Spanish: the offer is a Spanish line.
. "$(dirname "$0")/locale.sh"
es_locale "$E2E_DIR"
out=$(printf 'q\n' | LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 LOCPATH="$E2E_DIR/loc" \
	"$POISE_BIN" call --plain --playbook e2e-fast 2>&1) || true
echo "$out" | has "Llamada sin terminar: cliente Fy" || fail "no Spanish offer: $out"
echo "ok: plain mode prints lines without escapes, logs what the call screen logs, reads pipes, survives a hang-up and resumes the call"
