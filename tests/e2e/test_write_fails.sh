#!/usr/bin/env bash
# When the database cannot take an event (here: a file size limit; a real
# full disk is in test_bad_db), the key is not applied, a red banner says
# what failed and what to do, the screen stays alive, and what was saved
# before stays saved.
. "$(dirname "$0")/lib.sh"

E2E_ENV="sh -c 'ulimit -f 1024; exec \"\$0\" \"\$@\"'" \
	start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
mood=1
for i in $(seq 1 400); do
	mood=$(( mood % 5 + 1 ))
	keys "$mood"
	sleep 0.05
	screen | grep -qF "NOT SAVED" && break
done
wait_for "NOT SAVED (mood)"
wait_for "file size limit (ulimit -f)"
wait_for "raise the limit"
wait_for "are safe"
shown=$(screen | grep -o 'mood [1-5]' | head -n 1 | cut -d' ' -f2)
stored=$(sql "SELECT a FROM events WHERE kind = 'mood' ORDER BY seq DESC LIMIT 1")
expect_eq "$stored" "$shown" "the mood on screen is the last one saved"
expect_eq 0 "$(tm display-message -p -t main '#{pane_dead}')" "poise died"
# The next key: applied exactly when saved. A smaller transaction (a stage
# step writes fewer pages than a mood) may still fit under the limit, so
# either is right, but the screen must agree with the database.
keys Tab
sleep 1
if [[ $(sql "SELECT count(*) FROM events WHERE kind = 'stage'") -gt 0 ]]; then
	wait_for "Listen: Listen goal" # saved, so applied
else
	wait_for "Calm: Calm goal" # not saved, so not applied; the screen still answers
fi
echo ok
