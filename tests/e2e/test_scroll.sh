#!/usr/bin/env bash
# Nothing hidden: every line of every stage is reached by scrolling at 40x12,
# and the boundary's at sizes up to 100x30, with a marker row above and
# below whenever lines are out of view, never over text.
. "$(dirname "$0")/lib.sh"

PB="$POISE_SOURCE_DIR/playbooks/de-escalation.yaml"

# The header row is left out wherever screens are compared: its clocks
# tick whenever the captures of a loaded machine span a second.
# next_screen PREV WHAT: until the screen below its header differs from PREV
# and reads the same in two captures in a row (a redraw seen whole); the
# screen in $now. Else fail saying WHAT.
next_screen() {
	local i last=""
	for (( i = 0; i < 500; i++ )); do
		now=$(screen)
		[ "${now#*$'\n'}" != "$1" ] && [ "$now" = "$last" ] && return 0
		last=$now
		sleep 0.02
	done
	fail "$2"
}
# body: $now below its header.
body() { printf '%s' "${now#*$'\n'}"; }
# key_changes KEY WHAT: press KEY and wait for its redraw (next_screen).
key_changes() { local prev; now=$(screen); prev=$(body); keys "$1"; next_screen "$prev" "$2"; }

marker_re() { printf '(^|\n) [▲▼^v] [0-9]+ more lines? %s(\n|$)' "$1"; }
ABOVE=$(marker_re above) BELOW=$(marker_re below)

# scroll_all OUT: from the top of the stage on screen (PgUp until no row is
# hidden above), press j until no row is hidden below, saving every screen
# to OUT.N; then one more j must move nothing.
scroll_all() {
	local out=$1 i prev
	keys $(printf 'PPage %.0s' {1..30})
	for (( i = 0; i < 100; i++ )); do
		now=$(screen)
		[[ $now =~ $ABOVE ]] || break
		sleep 0.1
	done
	[[ $now =~ $ABOVE ]] && fail "PgUp never reached the top"
	next_screen "" "no screen"
	for (( i = 0; i < 120; i++ )); do
		printf '%s\n' "$now" > "$out.$i"
		prev=$(body)
		if ! [[ $now =~ $BELOW ]]; then
			# The end: j moves nothing (waited for as long as a redraw may take).
			keys j
			sleep 0.3
			now=$(screen)
			[ "$(body)" = "$prev" ] || fail "j moved past the last row"
			return 0
		fi
		keys j
		next_screen "$prev" "j moved nothing while rows are hidden below"
	done
	fail "scrolling never reached the end"
}

# check_reached CUSTOMER STAGE_KEY OUT [STAGE_KEY OUT]...: for each stage,
# rebuild its rows from the screens saved by scroll_all (the ▲ marker gives
# the first row's number) and check each row is the same whenever seen,
# every row was seen, a marker shows whenever rows are hidden, and every
# line of the stage (its goal, guidance, checklist; for boundary the
# warnings) is in them. One python3 for them all: its start-up is most of
# a check's time on a loaded machine.
check_reached() {
	python3 - "$PB" "$@" <<'PY' || fail "not every line was reached"
import glob, re, sys, yaml
pb, customer = sys.argv[1:3]
doc = yaml.safe_load(open(pb))

def check(stage, out):
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

args = sys.argv[3:]
for stage, out in zip(args[0::2], args[1::2]):
    try:
        check(stage, out)
    except AssertionError as e:
        sys.exit(f"stage {stage} ({out}): {e}")
PY
}

# --- every stage at 40x12, and the boundary at other sizes ---------------
start_poise 40 12 --customer Ana
wait_for "Ana"
reached=()
stage_keys=(calm listen empathize clarify inform solve follow-up)
for s in "${stage_keys[@]}"; do
	if [ "$s" = follow-up ]; then
		key_changes b "b changed nothing"
		key_changes Tab "Tab changed nothing"
	fi
	scroll_all "$E2E_DIR/s-$s"
	reached+=("$s" "$E2E_DIR/s-$s")
	[ "$s" = follow-up ] || key_changes Tab "Tab changed nothing"
done
keys b; wait_for "Boundary"
# redrawn: the pane's rows, and whether its last row is written yet.
redrawn() {
	local s
	s=$(screen)
	printf '%s rows, %s\n' "$(wc -l <<<"$s")" "$([ -n "$(tail -n 1 <<<"$s")" ] && echo drawn)"
}
for size in 40x12 41x13 50x16 60x20 80x24 100x30; do
	tm resize-window -t main -x "${size%x*}" -y "${size#*x}"
	# Redrawn at the new size: its last row (blank when the pane grew) written.
	poll redrawn "${size#*x} rows, drawn" 10 || fail "no redraw at $size"
	scroll_all "$E2E_DIR/b-$size"
	reached+=(boundary "$E2E_DIR/b-$size")
done
check_reached Ana "${reached[@]}"

stop_poise
echo ok
