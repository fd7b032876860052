#!/usr/bin/env bash
# Nothing hidden, limits stated, one wording: every line of every stage is
# reached by scrolling at 40x12 (and larger) with markers above and below;
# w shows a warning's wording before it is logged, and the logged text is
# the text shown; a long prompt is never cut; the review screens scroll at
# 40x12; the line editor at its limit; `poise --db PATH` starts a call.
. "$(dirname "$0")/lib.sh"

PB="$POISE_SOURCE_DIR/playbooks/de-escalation.yaml"

# scroll_all OUT: from the top of the stage on screen, press j until the end,
# saving every screen to OUT.N (k/PgUp first, so the top is seen too).
scroll_all() {
	local out=$1 i prev="" now
	for (( i = 0; i < 30; i++ )); do keys PPage; done
	sleep 0.3
	for (( i = 0; i < 120; i++ )); do
		now=$(screen)
		printf '%s\n' "$now" > "$out.$i"
		if [ "$now" = "$prev" ]; then
			rm -f "$out.$i"
			return 0
		fi
		prev=$now
		keys j
		sleep 0.15
	done
	fail "scrolling never reached the end"
}

# check_reached STAGE_KEY OUT CUSTOMER: rebuild the stage's rows from the
# screens saved by scroll_all (the ▲ marker gives the first row's number)
# and check each row is the same whenever seen, every row was seen, a
# marker shows whenever rows are hidden, and every line of the stage (its
# goal, guidance, checklist; for boundary the warnings) is in them.
check_reached() {
	python3 - "$PB" "$1" "$2" "$3" <<'PY' || fail "stage $2: not every line was reached"
import glob, re, sys, yaml
pb, stage, out, customer = sys.argv[1:5]
doc = yaml.safe_load(open(pb))
st = doc["stages"][stage]
want = [st["goal"]]
for sec in ("tips", "say", "ask", "avoid", "checklist"):
    want += st.get(sec, [])
if stage == "boundary":
    want += st["warnings"]
want = [w.replace("{customer}", customer).replace("{agent}", "tester") for w in want]
rows, total = {}, None
files = sorted(glob.glob(out + ".*"), key=lambda f: int(f.rsplit(".", 1)[1]))
assert files, "no screens"
for f in files:
    lines = open(f).read().split("\n")
    foot = [i for i, l in enumerate(lines) if l.startswith("? help")][0]
    body = lines[2:foot]                       # under the strip, above the footer
    while body and body[0] == "":
        body = body[1:]                        # the blank row of the full layout
    for i, l in enumerate(body):               # the prompt and banner are below the list
        if l.startswith(" »") or l.startswith(" >"):
            body = body[:i]
            break
    top = 0
    m = re.match(r"^ [▲^] (\d+) more lines? above$", body[0]) if body else None
    if m:
        top = int(m.group(1))
        body = body[1:]
    below = None
    while body and body[-1].strip() == "":
        body = body[:-1]
    m = re.match(r"^ [▼v] (\d+) more lines? below$", body[-1]) if body else None
    if m:
        below = int(m.group(1))
        body = body[:-1]
    for l in body:
        assert "more line" not in l, f"{f}: a marker among the text: {l!r}"
    for i, l in enumerate(body):
        if top + i in rows:
            assert rows[top + i] == l, f"{f}: row {top + i} changed: {rows[top + i]!r} / {l!r}"
        rows[top + i] = l
    n = top + len(body) + (below or 0)
    assert total is None or below is None or total == n, f"{f}: {n} rows, before {total}"
    if below is not None:
        total = n
last = max(rows) + 1
assert total is None or last == total, f"the last row seen is {last}, the list has {total}"
missing = [r for r in range(last) if r not in rows]
assert not missing, f"rows never shown: {missing}"
text = " ".join(" ".join(rows[r].split()) for r in range(last))
for w in want:
    assert " ".join(w.split()) in text, f"never shown whole: {w!r}"
print(f"{stage}: {last} rows, {len(files)} screens")
PY
}

# --- every stage at 40x12, and the boundary at other sizes ---------------
start_poise 40 12 --customer Ana
wait_for "Ana"
stage_keys=(calm listen empathize clarify inform solve follow-up)
for s in "${stage_keys[@]}"; do
	if [ "$s" = follow-up ]; then keys b; sleep 0.3; keys Tab; else :; fi
	scroll_all "$E2E_DIR/s-$s"
	check_reached "$s" "$E2E_DIR/s-$s" Ana
	[ "$s" = follow-up ] || { keys Tab; sleep 0.3; }
done
keys b; wait_for "Boundary"
for size in 40x12 41x13 50x16 60x20 80x24 100x30; do
	tm resize-window -t main -x "${size%x*}" -y "${size#*x}"
	sleep 0.3
	rm -f "$E2E_DIR"/b.*
	scroll_all "$E2E_DIR/b"
	check_reached boundary "$E2E_DIR/b" Ana
done

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
"$POISE_BIN" show "$(sql "SELECT id FROM calls LIMIT 1")" | grep -qF "warning 1: $logged" ||
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
screen | grep -qF "» [e escalate] This coaching prompt" || fail "the prompt's start is not shown"
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
screen | tail -n 4 | grep -qF "more lines below" || fail "no marker above the review footer"
for (( i = 0; i < 200; i++ )); do keys j; done
wait_for "end"   # the last timeline line: the call ended
screen | grep -qF "more lines above" || fail "no marker above at the end of the review"
screen | grep -qF "more lines below" && fail "a marker below at the end of the review"
keys r; wait_for "replay"
keys G; wait_for "(end of the call)"
keys q; keys q
wait_for "poise review"
stop_poise

# The list pages at 40x12: a marker row between the page and the footer.
"$POISE_BIN" gen --db "$E2E_DIR/many.db" --days 3 40 >/dev/null
start_poise 40 12 review --db "$E2E_DIR/many.db"
wait_for "older calls (PgDn)"
screen | grep -qF "newer calls" && fail "newer calls offered on the first page"
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
