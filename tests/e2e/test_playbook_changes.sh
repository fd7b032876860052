#!/usr/bin/env bash
# A trainer's save reaches the agent: while the ready screen is up, the
# playbook file of the next call changes on disk; the screen says so and the
# next call uses the new version. A save that breaks the file keeps the
# version in use and says where the file is wrong. A call in progress keeps
# the version it started with. The picker marks a broken file and, on Enter,
# says why it cannot be picked instead of doing nothing.
. "$(dirname "$0")/lib.sh"

mkdir -p "$E2E_DIR/pbs"
export E2E_ENV="POISE_PLAYBOOK_PATH=$E2E_DIR/pbs"
pb="$E2E_DIR/pbs/changing.yaml"
sed -e 's/id: e2e-fast/id: e2e-changing/' "$E2E_DATA/fast.yaml" > "$pb"
grep -q 'version: "1"' "$pb" || fail "the test playbook has no version 1"

start_poise 100 30 call --playbook "$pb"
wait_for "poise - next caller"; wait_for "name:"
keys Escape; wait_for "ready for the next call"

# A save with a new version: seen on the ready screen within a few seconds.
sed -i 's/version: "1"/version: "2"/' "$pb"
wait_for "changed on disk: the next call uses version 2" 10

# A call started now uses version 2; while it runs, a save changes nothing of it.
keys Enter; new_caller "Ana" "R-1"
sql_ver() { sql "SELECT playbook_version FROM calls ORDER BY started_at DESC LIMIT 1"; }
[ "$(sql_ver)" = 2 ] || fail "the call after the save did not use version 2 ($(sql_ver))"
sed -i 's/version: "2"/version: "3"/' "$pb"
sleep 3
[ "$(sql_ver)" = 2 ] || fail "the call in progress changed version"
end_call_plainly
wait_for "changed on disk: the next call uses version 3" 10

# A save that breaks the file: the version in use stays, the line is named.
printf 'id: e2e-changing\ntitle: Broken\nversion: "4"\nstages:\n  calm: [\n' >"$pb"
wait_for "changed on disk but does not load" 10
wait_for "keeps version 3"

# The picker: the broken file is marked, and Enter on it says why.
keys p; wait_for "pick a playbook"
wait_for "broken"
keys Enter   # the broken file is the first on the search path
wait_for "does not load: line"
keys Escape; wait_for "ready for the next call"

keys Enter; new_caller "Bo" "R-2"
[ "$(sql_ver)" = 3 ] || fail "the call after a broken save did not keep version 3 ($(sql_ver))"
end_call_plainly
stop_poise
echo "ok: a save reaches the next call, a broken one is named and kept out, the picker says why"
