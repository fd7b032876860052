#!/usr/bin/env bash
# `poise preview FILE`: a trainer's edit-and-look loop. The playbook's
# stages on the call screen, marked PREVIEW; a save redraws it in place,
# in the stage the trainer was on, the marks of unchanged lines kept; a
# save that breaks the file shows every error of it (file:line:col) and
# the preview recovers when the file is fixed; nothing is ever written:
# no database, not even the default one, is made.
. "$(dirname "$0")/lib.sh"

mkdir -p "$E2E_DIR/home" "$E2E_DIR/pbs"
pb="$E2E_DIR/pbs/draft.yaml"
cp "$E2E_DATA/fast.yaml" "$pb"
# No --db, POISE_DB empty: a preview must not make the default database either.
export E2E_ENV="POISE_DB= HOME=$E2E_DIR/home XDG_DATA_HOME=$E2E_DIR/home/data"
start_poise 80 24 preview --customer "Ms Rivera" "$pb"

wait_for "PREVIEW  e2e-fast 1"
wait_for "Calm: Calm goal"
wait_for "Calm line for Ms Rivera"
screen | has "x end call" && fail "the preview offers to end a call"
wait_for "q quit"

# Stage keys, moving and marking as in a call.
keys Tab; wait_for "Listen: Listen goal"
keys j Space; wait_for "Listen line two  (said)"

# A save: redrawn in place, still in listen, the unchanged line still said.
sed -i 's/Listen tip/Listen tip edited/' "$pb"
wait_for "Listen tip edited" 5
wait_for "reloaded at"
wait_for "Listen line two  (said)"
wait_for "Listen: Listen goal"

# A save that changes the said line: its mark goes, the stage stays.
sed -i 's/Listen line two/Listen line 2/' "$pb"
wait_for "Listen line 2" 5
screen | has "(said)" && fail "a changed line kept the mark of the old one"
wait_for "Listen: Listen goal"

# A broken save: every error of the file, located, and no crash.
cp "$pb" "$E2E_DIR/good.yaml"
sed -i 's/^title:/titel:/; s/^    tips: \[Empathize tip\]/    tipz: [Empathize tip]/' "$pb"
wait_for "does not load" 5
wait_words "draft.yaml:5:1:"
wait_words "draft.yaml:24:5:"
wait_for "the preview reloads by itself"
kill -0 "$(poise_pid)" || fail "poise died on a broken save"

# Fixed: back to the walk, in the stage it was on.
cp "$E2E_DIR/good.yaml" "$pb"
wait_for "Listen: Listen goal" 5
wait_gone "does not load"
keys Tab; wait_for "Empathize: Empathize goal"

keys q
[ "$(wait_exit)" = 0 ] || fail "q did not quit the preview with status 0"
stop_poise

# Nothing written: no database anywhere under the scratch home, none beside the playbook.
found=$(find "$E2E_DIR" -name '*.db*' -o -name '*.pending' | head -1)
[ -z "$found" ] || fail "the preview wrote $found"

# A playbook by name and a missing one.
start_poise 80 24 preview e2e-fast
wait_for "PREVIEW  e2e-fast 1"
keys q; wait_exit >/dev/null
stop_poise
out=$("$POISE_BIN" preview no-such-playbook 2>&1) && fail "a missing playbook was previewed"
echo "$out" | has "no-such-playbook" || fail "the refusal does not name the playbook: $out"
echo "ok: preview walks, reloads in place, shows a broken save's errors, recovers, writes nothing"
