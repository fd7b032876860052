#!/usr/bin/env bash
# When the database cannot take an event (here: a file size limit; a real
# full disk is in test_bad_db), the key is not applied, a red banner says
# what was not saved in the screen's words, why, that what came before is
# saved, and what can be done mid-call (not "pass --db PATH"); the screen
# stays alive, and what was saved before stays saved.
. "$(dirname "$0")/lib.sh"

E2E_ENV="sh -c 'ulimit -f 1024; exec \"\$0\" \"\$@\"'" \
	start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
moods_until_refused 400
wait_words "the database reached the file size limit (ulimit -f)."
wait_words "Everything before it is saved and the call stays open"
wait_words "raise the limit and start poise again: it offers this call to resume"
expect_alive_as_saved "after the file size limit"
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
