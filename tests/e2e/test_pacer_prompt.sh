#!/usr/bin/env bash
# The breathing pacer and the coaching prompt share the bottom of the call
# screen: a prompt that fires while the agent breathes (a manager request,
# a mood held at 5) is shown at once above the pacer's row, not only when
# the pacer stops; and review's replay shows both at that step, as the
# agent saw them. At 80x24, 100x30 and a compact 50x14.
. "$(dirname "$0")/lib.sh"

pacer_re='(breathe in|pause|breathe out) [1-4]/4'
row_of() { screen | grep -nE -- "$1" | head -n 1 | cut -d: -f1; }

# both TEXT: the prompt TEXT and the pacer on screen together, the pacer below.
both() {
	local p r
	wait_words "$1"
	screen | has -E "$pacer_re" || fail "the pacer went away when '$1' fired"
	p=$(row_of "$pacer_re")
	r=$(row_of "» .*$(cut -c1-12 <<<"$1")")
	[ -n "$r" ] && [ "$r" -lt "$p" ] || fail "the prompt (row $r) is not above the pacer (row $p)"
}

for size in "80 24" "100 30" "50 14"; do
	rm -f "$POISE_DB"*
	# shellcheck disable=SC2086
	start_poise $size call --playbook e2e-fast --customer Ana
	wait_for "Calm goal"
	keys p;  wait_for "breathe in"
	keys m;  both "Manager prompt"
	keys 5;  both "Mood 5 prompt for Ana"
	keys h;  both "Hold prompt"
	# The pacer stops: the prompt stays; it starts again over a pending prompt.
	keys p;  gone=1 poll screen "breathe in" 10 || fail "the pacer still runs after p ($size)"
	screen | has -E "$pacer_re" && fail "the pacer still runs after p ($size)"
	wait_words "Hold prompt"
	keys p;  both "Hold prompt"
	keys Escape h; wait_gone "ON HOLD"
	finish_call "poise call at $size"
done

# Replay, at the manager request: the prompt and the pacer, both.
open_replay Ana
expect_eq "start breathe manager prompt" "$(first_kinds 4)" "the first events"
keys Right Right Right Right; wait_for "step 4 of"
wait_for "Manager prompt"
wait_for "breathing pacer running"
keys q; wait_for "Time per stage"
keys q; wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
echo ok
