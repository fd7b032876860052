#!/usr/bin/env bash
# A stage opens where the agent left it, from the fold: after kill -9 and a
# resume at 40x12 the stage is scrolled to the line last marked in it (out
# of view from the top) and that line is selected; going back to a stage
# does the same. Un-marking a line keeps the selection on it.
. "$(dirname "$0")/lib.sh"

# The built-in playbook: its empathize stage is taller than 40x12.
start_poise 40 12 call --playbook de-escalation --customer Ana
wait_for "Ana, I'm here"
keys Tab Tab; wait_for "That sounds really"
keys j j j j; wait_for "Said sorry for the trouble"
keys Space;   wait_for "[x] Said sorry for the trouble"
keys Space;   wait_for "[ ] Said sorry for the trouble"   # un-ticked: the selection stays
keys Space;   wait_for "[x] Said sorry for the trouble"
# The stage gone back to opens at its place too.
keys Left;    wait_gone "That sounds really"
wait_gone "Said sorry for the trouble"
keys Tab;     wait_for "[x] Said sorry for the trouble"
wait_for "more lines above"
keys n; text "before the crash"; keys Enter; wait_for "note saved"
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
stop_poise

start_poise 40 12 call --playbook e2e-fast
wait_for "unfinished call"
keys r
wait_for "[x] Said sorry for the trouble"
wait_for "more lines above"
# It is the selection: Space takes the tick back, as the agent would expect.
keys Space;   wait_for "[ ] Said sorry for the trouble"
end_call_plainly
keys q
expect_eq 0 "$(wait_exit)" "exit status"
expect_eq "check check check check" \
	"$(exported '" ".join(e["kind"] for e in c["events"] if e["kind"] == "check")')" \
	"the ticks, the last one after the resume"
expect_eq "1 0 1 0" \
	"$(exported '" ".join(str(e["b"]) for e in c["events"] if e["kind"] == "check")')" \
	"each tick and untick on the same item"
expect_eq "2 2 2 2" \
	"$(exported '" ".join(str(e["a"]) for e in c["events"] if e["kind"] == "check")')" \
	"all on the third checklist item"
echo "ok: the stage opens where the agent left it, after a resume and going back"
