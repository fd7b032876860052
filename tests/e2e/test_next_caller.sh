#!/usr/bin/env bash
# The agent's loop between calls: the new-caller form on the first start
# and on the ready screen, back-to-back calls that never share a caller, a
# call without a name whose lines read naturally, and Enter bursts that
# never start a call.
. "$(dirname "$0")/lib.sh"

# The e2e playbook with lines that drop the name cleanly when there is none.
pb="$E2E_DIR/named.yaml"
sed -e 's/id: e2e-fast/id: e2e-named/' \
    -e 's/say: \["Calm line for {customer}"\]/say: ["Calm line for you, {customer}.", "{customer}, calm line two.", "Hello {customer}!"]/' \
    "$E2E_DATA/fast.yaml" > "$pb"
grep -q "calm line two" "$pb" || fail "could not make the test playbook"
"$POISE_BIN" lint "$pb" >/dev/null 2>&1 || fail "the test playbook does not lint"

calls() { sql "SELECT count(*) FROM calls"; }

# First start without --customer: the form; Esc leads to the ready screen.
start_poise 100 30 call --playbook "$pb"
wait_for "poise - next caller"
wait_for "name:"
keys Escape;  wait_for "ready for the next call"
[ "$(calls)" = 0 ] || fail "Esc on the first form started a call"

# An Enter burst on the ready screen opens the form and goes no further.
keys Enter Enter Enter Enter Enter Enter
wait_for "poise - next caller"
sleep 1
screen | has -F "name:" || fail "the Enter burst went past the name field"
[ "$(calls)" = 0 ] || fail "an Enter burst started a call"

# The first caller, typed.
text "Ana Ruiz"; keys Enter; wait_for "reference:"
text "R-1";      keys Enter; wait_for "Calm: Calm goal"
wait_for "Ana Ruiz"
wait_for "Calm line for you, Ana Ruiz."
wait_for "Ana Ruiz, calm line two."
keys 4; wait_for "mood 4"
end_call_plainly

# Enter right after the wrap-up, over and over: the form, never a call.
keys Enter Enter Enter Enter Enter Enter Enter Enter
wait_for "poise - next caller"
sleep 1
[ "$(calls)" = 1 ] || fail "Enters after the wrap-up started a call"
screen | has -F "name:" || fail "Enters after the wrap-up went past the name field"

# The second caller: a new name, no reference; nothing of Ana's call.
text "Quinn";  keys Enter; wait_for "reference:"
sleep 0.5;  keys Enter; wait_for "Calm: Calm goal"
wait_for "Calm line for you, Quinn."
screen | has -F "Ana" && fail "the second call shows the first caller"
screen | has -F "mood 4" && fail "the second call kept the first call's mood"
expect_eq "Quinn	" "$(sql "SELECT customer, customer_ref FROM calls ORDER BY started_at DESC LIMIT 1")" \
	"second call's row"
end_call_plainly

# Esc in the form goes back to the ready screen.
keys c; wait_for "poise - next caller"
keys Escape; wait_for "ready for the next call"

# A caller without a name: both fields skipped, lines read naturally.
keys c;    wait_for "poise - next caller"
sleep 0.5; keys Enter; wait_for "reference:"
sleep 0.5; keys Enter; wait_for "Calm: Calm goal"
wait_for "Calm line for you."
wait_for "Calm line two."
wait_for "Hello!"
s=$(screen)
grep -qF "caller," <<<"$s" && fail "a line reads 'caller,' without a name"
grep -qF "{customer}" <<<"$s" && fail "a placeholder shows without a name"
grep -qF "Quinn" <<<"$s" && fail "the third call shows the second caller"
expect_eq "	" "$(sql "SELECT customer, customer_ref FROM calls ORDER BY started_at DESC LIMIT 1")" \
	"third call's row"
end_call_plainly
keys q
[ "$(wait_exit)" = 0 ] || fail "poise did not exit cleanly"

expect_eq "Ana Ruiz|R-1 Quinn| |" "$(sql "SELECT customer || '|' || customer_ref FROM calls ORDER BY started_at" | tr '\n' ' ' | sed 's/ $//')" \
	"the three calls' callers"
[ "$(exported 'c["status"]' | sort -u)" = "done" ] || fail "a call is not done"
stop_poise

# A name typed as fast as a script types it (one burst), then Enter at once:
# the typing makes that Enter deliberate, however soon after the form opened.
start_poise 100 30 call --playbook e2e-fast
for i in 1 2 3 4; do
	wait_for "name:"; text "Fast$i"; keys Enter
	wait_for "reference:"; keys Escape
	wait_for "ready for the next call"; keys c
done
echo "ok"
