#!/bin/bash
# test_report_lines.sh - `report --lines` read back from calls driven with
# the keys: each line's calls said, its baseline's calls, the mood changes
# on both sides and the few mark (*) are what the keys did, in JSON, CSV
# and the table (the figures' rules: docs/metrics.md, check_report.c).
source "$(dirname "$0")/lib.sh"

# call NAME MOOD [KEYS TO REACH THE LINE]: a call that marks MOOD, says the
# line selected after the keys, marks AFTER, and ends resolved.
call() {
	local name=$1 mood=$2 after=$3
	shift 3
	start_poise 100 30 call --playbook e2e-fast --customer "$name"
	wait_for "Calm: Calm goal"
	keys "$mood"; wait_for "mood $mood "
	if [ $# -gt 0 ]; then keys "$@"; wait_for "Listen: Listen goal"; fi
	keys Space; wait_for "(said)"
	keys "$after"; wait_for "mood $after "
	finish_call "call $name"
}

# 1: the calm line said at 4, then 2 (-2); 2: said at 3, then 4 (+1);
# 3: the calm stage passed without it; Listen line one said at 5, then 3 (-2).
call Ana 4 2
call Bea 3 4
call Cid 5 3 Tab

"$POISE_BIN" report --lines --format json >"$E2E_DIR/lines.json"
python3 - "$E2E_DIR/lines.json" <<'PY' || fail "report --lines --format json: $(cat "$E2E_DIR/lines.json")"
import json, sys
lines = {l["text"]: l for l in json.load(open(sys.argv[1]))["lines"]}
def check(text, **want):
    l = lines[text]
    got = {k: l[k] for k in want}
    assert got == want, (text, got, want)
# Said in calls 1 and 2: (-2 + 1) / 2; the calm stage has no other line, so no baseline.
check("Calm line for {customer}", used=2, calls_said=2, mood_change_avg=-0.5,
      mood_change_samples=2, calls_baseline=0, baseline_samples=0, few=True)
# Said in call 3 only; calls 1 and 2 never reached Listen: no baseline.
check("Listen line one", used=1, calls_said=1, mood_change_avg=-2, calls_baseline=0, few=True)
# Not said where Listen was visited (call 3): line one's sample is its baseline.
check("Listen line two", used=0, calls_said=0, mood_change_samples=0, calls_baseline=1,
      baseline_change_avg=-2, baseline_samples=1, few=True)
PY

"$POISE_BIN" report --lines --format csv >"$E2E_DIR/lines.csv"
python3 - "$E2E_DIR/lines.csv" <<'PY' || fail "report --lines --format csv: $(cat "$E2E_DIR/lines.csv")"
import csv, sys
rows = {r["text"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
r = rows["Calm line for {customer}"]
assert (r["calls_said"], r["calls_baseline"], r["few"]) == ("2", "0", "1"), r
r = rows["Listen line two"]
assert (r["calls_said"], r["calls_baseline"], r["few"]) == ("0", "1", "1"), r
PY

# The table: the same rows, the mark after the calls behind each side.
# Columns: stage, line, shown, used, skip, mood, n, base, n, the mark, the text.
"$POISE_BIN" report --lines >"$E2E_DIR/lines.txt"
grep -F "Calm line for" "$E2E_DIR/lines.txt" |
	has -E -- '^calm +say 1 +3 +2 +0 +-0\.50 +2 +0 \* Calm line' ||
	fail "table: the calm line's row: $(grep -F 'Calm line for' "$E2E_DIR/lines.txt")"
grep -F "Listen line two" "$E2E_DIR/lines.txt" |
	has -E -- '^listen +say 2 +1 +0 +0 +0 +-2\.00 +1 \* Listen line two' ||
	fail "table: listen line two's row: $(grep -F 'Listen line two' "$E2E_DIR/lines.txt")"
echo "ok: report --lines counts what the keys did"
