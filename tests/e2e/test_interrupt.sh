#!/usr/bin/env bash
# Recovery: SIGHUP mid-call stores the call as interrupted with every event;
# after kill -9 the next start offers to resume, and resuming brings back the
# same stage and mood.
. "$(dirname "$0")/lib.sh"

# SIGHUP, as when an SSH connection drops.
start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 4;   wait_for "mood 4 angry"
keys Tab; wait_for "Listen: Listen goal"
keys n; text "before the hangup"; keys Enter; wait_gone "note (Enter"
kill -HUP "$(poise_pid)"
expect_eq 129 "$(wait_exit)" "exit status after SIGHUP"
# What a supervisor reads back with `poise export`: every event, in order.
expect_eq "Ana interrupted" "$(exported 'c["customer"] + " " + c["status"]')" \
	"call status after SIGHUP"
expect_eq "start mood stage note interrupted" "$(exported 'kinds')" "events after SIGHUP"
expect_eq "4 listen|before the hangup|SIGHUP" "$(exported '"%d %s|%s|%s" % (
	c["events"][1]["a"], c["events"][2]["stage"], c["events"][3]["text"], c["events"][4]["text"])')" \
	"mood, stage, note and why, as exported"
expect_eq "1" "$(sql "SELECT count(*) FROM call_figures f JOIN calls c ON c.id = f.call_id \
	WHERE f.last_seq = c.last_seq AND c.status = 'interrupted'")" "figures kept after SIGHUP"
stop_poise

# The next start offers the interrupted call; closing leaves it as it was.
start_poise 100 30 call --playbook e2e-fast --customer Bea
wait_for "An unfinished call was found"
wait_for "customer Ana"
keys c
wait_for "Calm: Calm goal"
expect_eq 5 "$(sql "SELECT count(*) FROM events WHERE call_id = \
(SELECT id FROM calls WHERE customer = 'Ana')")" "events of the closed call"

# kill -9 (Bea): nothing runs on the way out; the call stays open.
keys 5;   wait_for "mood 5 furious"
keys b;   wait_for "Boundary: Boundary goal"
keys w w; wait_for "(given at"
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
expect_eq "open" "$(sql "SELECT status FROM calls WHERE customer = 'Bea'")" "status after kill -9"
stop_poise

start_poise 100 30 call --playbook e2e-fast
wait_for "An unfinished call was found"
wait_for "customer Bea"
wait_for "r resume"
keys r
wait_for "Boundary: Boundary goal"
wait_for "mood 5 furious"
wait_for "Bea"
wait_for "First warning to Bea  (given at"
wait_for "Second warning to Bea  (next: w shows it)"
keys w w; wait_for "Second warning to Bea  (given at"
expect_eq "open" "$(sql "SELECT status FROM calls WHERE customer = 'Bea'")" "status after resume"
expect_eq "interrupted resume warning" "$(sql "SELECT kind FROM events WHERE call_id = \
(SELECT id FROM calls WHERE customer = 'Bea') AND kind IN ('interrupted', 'resume', 'warning') \
ORDER BY seq" | tail -n 3 | tr '\n' ' ' | sed 's/ $//')" "resume events"
expect_eq 1 "$(sql "SELECT count(*) FROM calls WHERE customer = 'Bea'")" "no second call"
kill -TERM "$(poise_pid)"
expect_eq 143 "$(wait_exit)" "exit status after SIGTERM"
expect_eq "interrupted" "$(sql "SELECT status FROM calls WHERE customer = 'Bea'")" "after SIGTERM"

# A call a signal interrupted can be resumed too.
stop_poise
start_poise 100 30 call --playbook e2e-fast --customer Cy
wait_for "customer Bea"
keys r
wait_for "Second warning to Bea  (given at"
keys x; wait_for "outcome: r resolved"
keys a; wait_for "cause:"
keys o; wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter Enter; wait_for "a short breather"
keys q; wait_for "ready for the next call"
expect_eq "done	abuse	other" "$(sql "SELECT status, outcome, cause FROM calls WHERE customer = 'Bea'")" \
	"the resumed call, finished"
keys c; new_caller Cy
wait_for "Calm: Calm goal"
kill -KILL "$(poise_pid)"
wait_exit >/dev/null
stop_poise

# Closing an open call instead of resuming it.
start_poise 100 30 call --playbook e2e-fast
wait_for "c close as interrupted"
keys c
new_caller
wait_for "Calm: Calm goal"
expect_eq "interrupted" "$(sql "SELECT status FROM calls WHERE customer = 'Cy'")" "closed on start"
expect_eq "closed on start" "$(sql "SELECT e.text FROM events e JOIN calls c ON c.id = e.call_id \
WHERE c.customer = 'Cy' AND e.kind = 'interrupted'")" "close reason"

# Ctrl-C (SIGINT from the terminal) saves and closes the call too.
keys 3; wait_for "mood 3 annoyed"
keys C-c
expect_eq 130 "$(wait_exit)" "exit status after Ctrl-C"
expect_eq "interrupted SIGINT" "$(exported 'c["status"] + " " + str(c["events"][-1]["text"])' | tail -n 1)" \
	"the newest call after Ctrl-C"
