#!/usr/bin/env bash
# m (the caller asks for a manager) shows the playbook's own `manager:` line,
# the caller's name filled in or dropped cleanly, whole even at 40x12; the
# MANAGER event logs the very text shown.
. "$(dirname "$0")/lib.sh"

start_poise 40 12 call --playbook e2e-fast --customer "Ana Lucía Fernández-Ortega"
wait_for "Calm"
keys m
wait_words "manager request saved. Say: Yes, Ana Lucía Fernández-Ortega. My supervisor joins us now."
wait_for "Manager prompt"
# The next key clears the banner; the stage is back whole.
keys j; wait_gone "manager request saved"
end_call_plainly
# A call without a name: the line reads naturally.
keys c; new_caller "" ""
wait_for "Calm"
keys m
wait_words "manager request saved. Say: Yes. My supervisor joins us now."
end_call_plainly
keys q
expect_eq 0 "$(wait_exit)" "exit status"

expect_eq "Yes, Ana Lucía Fernández-Ortega. My supervisor joins us now.|Yes. My supervisor joins us now." \
	"$(exported '"".join(e["text"] for e in c["events"] if e["kind"] == "manager")' | paste -sd '|')" \
	"the logged text is the text shown"
id=$(sql "SELECT id FROM calls ORDER BY started_at LIMIT 1")
"$POISE_BIN" show --db "$POISE_DB" "$id" |
	has -F 'customer asked for a manager: said "Yes, Ana Lucía Fernández-Ortega. My supervisor joins us now."' ||
	fail "show lacks what was said"
echo "ok: the manager line is the playbook's, whole at 40x12, and logged as shown"
