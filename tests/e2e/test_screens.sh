#!/usr/bin/env bash
# What is on screen is what is logged, and nothing is cut: w shows a
# warning's wording before it is logged and the logged text is the text
# shown; the line editor at its limit; a long prompt wraps or ends in an
# ellipsis with i for all of it; `poise --db PATH` starts a call; the review
# screens at 40x12 (a marker row above the footer, help that scrolls).
. "$(dirname "$0")/lib.sh"

PB="$POISE_SOURCE_DIR/playbooks/de-escalation.yaml"

start_poise 40 12 --customer Ana
wait_for "Ana"
keys b; wait_for "Boundary"

# --- w shows the wording, then logs what was shown ------------------------
tm resize-window -t main -x 40 -y 12
for (( i = 0; i < 30; i++ )); do keys PPage; done
keys w;   wait_for "say it, then"
expect_eq 0 "$(sql "SELECT count(*) FROM events WHERE kind = 'warning'")" "warnings after one w"
shown=$(screen)
keys 2;   wait_for "m2"   # any other key puts it back
wait_for "(next: w shows it)"
expect_eq 0 "$(sql "SELECT count(*) FROM events WHERE kind = 'warning'")" "warnings after w, 2"
keys w;   wait_for "say it, then"
shown=$(screen)
keys w;   wait_for "(given at"
expect_eq 1 "$(sql "SELECT count(*) FROM events WHERE kind = 'warning'")" "warnings after w w"
logged=$(exported '[e["text"] for e in c["events"] if e["kind"] == "warning"][0]')
want=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["stages"]["boundary"]["warnings"][0].replace("{customer}", "Ana"))' "$PB")
expect_eq "$want" "$logged" "the warning text logged"
printf '%s\n' "$shown" | python3 -c '
import sys
rows = sys.stdin.read().split("\n")
text = " ".join(" ".join(r.split()) for r in rows)
want = " ".join(sys.argv[1].split())
sys.exit(0 if want in text else 1)' "$logged" || fail "the logged warning was not on screen when w logged it"
"$POISE_BIN" show "$(sql "SELECT id FROM calls LIMIT 1")" | has -F "warning 1: $logged" ||
	fail "poise show does not give the warning's wording"

# --- the line editor at its limit: the room left, refused with a word ----
keys e; wait_for "escalate, reason:"
wait_for "200 left"
text "$(printf 'é%.0s' $(seq 1 199))"
wait_for "1 left"
text "xyz"
wait_for "full: 200 characters at most"
wait_for "0 left"
keys Enter; wait_gone "escalate, reason:"
reason=$(exported '[e["text"] for e in c["events"] if e["kind"] == "escalate"][0]')
expect_eq "$(printf 'é%.0s' $(seq 1 199))x" "$reason" "the reason kept whole, nothing cut"
stop_poise

# --- a long prompt: wraps, or ends in an ellipsis and i reads it all ------
long="This coaching prompt for {customer} is long on purpose: it goes on well past what two or three rows of a narrow terminal can hold, so the screen must show that more is there and give all of it on one key."
sed -e 's/^id: e2e-fast/id: e2e-long/' -e "s|message: Mood 5 prompt for {customer}|message: \"$long\"|" \
	"$E2E_DATA/fast.yaml" > "$E2E_DIR/long.yaml"
full=${long//\{customer\}/Cy}
start_poise 40 12 --playbook "$E2E_DIR/long.yaml" --customer Cy --db "$E2E_DIR/long.db"
wait_for "Calm goal"
keys 5; wait_for "(i reads all)" 5
screen | has -F "» [e escalate] This coaching prompt" || fail "the prompt's start is not shown"
keys i; wait_for "the coaching prompt"
screen | python3 -c '
import sys
text = " ".join(" ".join(r.split()) for r in sys.stdin.read().split("\n"))
sys.exit(0 if " ".join(sys.argv[1].split()) in text else 1)' "$full" || fail "i does not show the whole prompt"
keys q; wait_gone "the coaching prompt"
tm resize-window -t main -x 100 -y 30
wait_gone "(i reads all)"
screen | python3 -c '
import sys
text = " ".join(" ".join(r.split()) for r in sys.stdin.read().split("\n"))
sys.exit(0 if " ".join(sys.argv[1].split()) in text else 1)' "$full" || fail "the prompt is cut at 100x30"
[ -s "$E2E_DIR/long.db" ] || fail "poise --db PATH (no 'call') did not log to PATH"
expect_eq 5 "$(POISE_DB="$E2E_DIR/long.db" sql "SELECT a FROM events WHERE kind = 'mood'")" \
	"the mood logged by 'poise --db PATH'"
end_call_plainly
keys q
stop_poise

# --- the review screens at 40x12 -----------------------------------------
start_poise 40 12 review
wait_for "poise review"
keys Enter; wait_for "more lines below"
screen | tail -n 4 | has -F "more lines below" || fail "no marker above the review footer"
for (( i = 0; i < 200; i++ )); do keys j; done
wait_for "end"   # the last timeline line: the call ended
screen | has -F "more lines above" || fail "no marker above at the end of the review"
screen | has -F "more lines below" && fail "a marker below at the end of the review"
keys r; wait_for "replay"
keys G; wait_for "(end of the call)"
keys q; keys q
wait_for "poise review"
stop_poise

# The list pages at 40x12: a marker row between the page and the footer.
"$POISE_BIN" gen --db "$E2E_DIR/many.db" --days 3 40 >/dev/null
start_poise 40 12 review --db "$E2E_DIR/many.db"
wait_for "older calls (PgDn)"
screen | has -F "newer calls" && fail "newer calls offered on the first page"
foot=$(screen | grep -n '^? help' | cut -d: -f1)
mark=$(screen | grep -n 'older calls (PgDn)' | cut -d: -f1)
expect_eq $(( foot - 1 )) "$mark" "the marker's row (just above the footer)"
keys NPage; wait_for "newer calls (PgUp)"
keys ?;     wait_for "keys of the list"
wait_for "more lines below"   # the help scrolls too, to its last key
for (( i = 0; i < 30; i++ )); do keys j; done
wait_for "q           quit"
wait_gone "more lines below"
keys Escape; wait_for "newer calls (PgUp)"
stop_poise
echo ok
