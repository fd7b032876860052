#!/usr/bin/env bash
# Nothing hidden: every line of every stage is reached by scrolling at 40x12,
# and the boundary's at sizes up to 100x30, with a marker row above and
# below whenever lines are out of view, never over text.
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
		# The end: j moved nothing. The header's clocks are left out, as
		# they tick whenever the captures of a loaded machine span a second.
		now=$(tail -n +2 <<<"$now")
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

stop_poise
echo ok
