#!/usr/bin/env bash
# The ready screen's playbook picker lists every playbook found, however
# many (it stopped at 64 before, silently): with 70 in a folder, the 70th
# can be picked, and the next call uses it.
. "$(dirname "$0")/lib.sh"

mkdir -p "$E2E_DIR/pbs"
export E2E_ENV="POISE_PLAYBOOK_PATH=$E2E_DIR/pbs"
for i in $(seq -w 1 70); do
	sed -e "s/id: e2e-fast/id: many-0$i/" "$E2E_DATA/fast.yaml" > "$E2E_DIR/pbs/many-0$i.yaml"
done

start_poise 100 30 call --playbook many-001
wait_for "poise - next caller"; wait_for "name:"
keys Escape; wait_for "ready for the next call"
keys p; wait_for "pick a playbook"
text "$(printf 'j%.0s' $(seq 1 69))"
wait_for "many-070"
keys Enter; wait_for "next call uses many-070 1"
keys Enter; new_caller "Ana" "R-1"
expect_eq many-070 "$(sql "SELECT playbook_id FROM calls ORDER BY started_at DESC LIMIT 1")" \
	"the playbook of the call after picking the 70th"
end_call_plainly
stop_poise
echo "ok: the 70th playbook is listed and picked"
