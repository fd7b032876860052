#!/usr/bin/env bash
# The Spanish scenario rehearsed with the Spanish playbook it names
# (desescalada): its situation, the customer's Spanish lines, the mood that
# falls after an empathy line is said, the debrief in the playbook's words.
. "$(dirname "$0")/lib.sh"
E2E_DATA="$POISE_SOURCE_DIR/playbooks"
E2E_ENV="POISE_SCENARIO_PATH='$POISE_SOURCE_DIR/scenarios'"

start_poise 100 30 rehearse reembolso-furioso
wait_for "Reembolso exigido con enfado"
wait_words "se le cobró igualmente, dos veces"
keys Enter
wait_for "mood 5 furious"
wait_words "Lucía Ferrer: “¡Es la tercera vez que llamo!"
keys Tab;   keys Tab
keys Space; wait_for "(said)"
wait_words "Nadie más se había molestado en decirlo."
wait_for "mood 4 angry"
keys x;     wait_for "outcome: r resolved"
keys r;     wait_for "cause:"
keys 1;     wait_for "follow-up due date"
keys Enter Enter Enter
wait_for "debrief: Reembolso exigido con enfado"
wait_for "What went well"
keys Enter
expect_eq 0 "$(wait_exit)" "exit status"
expect_eq "reembolso-furioso	desescalada" "$(sql "SELECT practice, playbook_id FROM calls")" "the practice call"
echo "PASS"
