#!/bin/bash
# test_report_html.sh - `poise report --format html` renders in a real
# browser: headless Chromium loads the page from a file, with the network
# off, and it must show every chart (the team's three, three per agent),
# log nothing to the console, and take no resource from elsewhere. An
# agent's name with markup and control characters stays text.
# Skips (77) without Chromium, except under CI where it must be there.
set -euo pipefail

: "${POISE_BIN:?POISE_BIN must name the poise binary}"
fail() { echo "FAIL: $*" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	[ "${CI:-}" = true ] && fail "chromium is needed under CI (scripts/deps.sh installs it)"
	echo "SKIP: chromium is not installed" >&2
	exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/poise-html.XXXXXX")
# Chromium's helpers may still be writing its profile as it exits: retry.
trap 'for i in 1 2 3 4 5 6 7 8 9 10; do rm -rf "$dir" 2>/dev/null && break; sleep 0.5; done' EXIT
export POISE_DB="$dir/poise.db" TZ=UTC LC_ALL=C.UTF-8 HOME="$dir"

"$POISE_BIN" gen 400 --agents 3 --days 30 >/dev/null
# One agent's name holds markup and an escape: it must reach the page as text.
sqlite3 "$POISE_DB" "UPDATE calls SET agent = '<b>x</b>&'||char(27)||'[31m' WHERE agent = (SELECT min(agent) FROM calls)"
"$POISE_BIN" report --format html >"$dir/r.html" || fail "report --format html failed"
grep -q '<b>x</b>' "$dir/r.html" && fail "an agent's markup reached the page"
grep -q $'\e' "$dir/r.html" && fail "an escape character reached the page"
grep -Eq '(src|href)="(https?:)?//' "$dir/r.html" && fail "the page loads something from elsewhere"

# Chromium with no network: it logs console messages as INFO:CONSOLE lines.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$dir/chrome" --enable-logging=stderr --v=0 \
	--proxy-server=127.0.0.1:9 --dump-dom "file://$dir/r.html" \
	>"$dir/dom" 2>"$dir/log" || fail "chromium could not load the page: $(tail -3 "$dir/log")"
if grep -q ':CONSOLE' "$dir/log"; then
	grep ':CONSOLE' "$dir/log" >&2
	fail "the page logged to the console"
fi
svgs=$(grep -o '<svg' "$dir/dom" | wc -l)
[ "$svgs" = 16 ] || fail "the rendered page has $svgs charts, expected 16 (4 team + 4 x 3 agents)"
grep -q 'Average handle time by agent' "$dir/dom" || fail "no per-agent handle time"
grep -q '&lt;b&gt;x&lt;/b&gt;&amp;' "$dir/dom" || fail "the agent's name is not shown as text"
dots=$(grep -o '<circle' "$dir/dom" | wc -l)
[ "$dots" -gt 12 ] || fail "only $dots points plotted"

# Usage: a range too long for one page, and --lines, are refused with 2.
rc=0; "$POISE_BIN" report --format html --since 2020-01-01 --until 2024-01-01 >/dev/null 2>"$dir/err" || rc=$?
[ "$rc" = 2 ] || fail "a 4-year page exited $rc, expected 2"
rc=0; "$POISE_BIN" report --format html --lines >/dev/null 2>"$dir/err" || rc=$?
[ "$rc" = 2 ] || fail "--lines with html exited $rc, expected 2"
echo "ok: the page renders with $svgs charts and $dots points, nothing on the console"
