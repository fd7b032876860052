#!/usr/bin/env bash
# `poise report --format html` renders in a real browser with no console
# error: headless Chromium loads the page from a file and dumps the DOM it
# built; every console message Chromium logs would show in its stderr as
# CONSOLE. A page that does log an error is checked first, so the test
# knows the check itself can fail. Skips (77) without Chromium, unless
# under CI, where it must be there (scripts/deps.sh test installs it).
set -u
BIN=${POISE_BIN:?POISE_BIN not set}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	[ "${CI:-}" = true ] && { echo "FAIL: chromium is missing under CI" >&2; exit 1; }
	echo "skip: no chromium"; exit 77
fi
dir=$(mktemp -d /tmp/poise-html.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Chromium wants a home it can write; every run gets its own profile.
render() { # render FILE: the DOM on stdout, Chromium's log in $dir/log
	HOME="$dir" timeout 120 "$browser" --headless --disable-gpu --no-sandbox \
		--user-data-dir="$dir/profile" --enable-logging=stderr --v=0 \
		--dump-dom "file://$1" 2>"$dir/log"
}

printf '<!DOCTYPE html><html><body><script>console.error("planted")</script></body></html>\n' \
	>"$dir/bad.html"
render "$dir/bad.html" >/dev/null || fail "chromium did not render a plain page"
grep -q 'CONSOLE.*planted' "$dir/log" || fail "a console error would not be seen: $(cat "$dir/log")"

"$BIN" gen --db "$dir/g.db" --agents 3 --days 30 400 >/dev/null || fail "gen"
"$BIN" report --db "$dir/g.db" --format html >"$dir/r.html" || fail "report --format html"
grep -q '<script' "$dir/r.html" && fail "the page has a script"
grep -Eq '(src|href)=' "$dir/r.html" && fail "the page loads something"
render "$dir/r.html" >"$dir/dom.html" || fail "chromium could not render the page"
grep -q 'CONSOLE' "$dir/log" && fail "console messages: $(grep CONSOLE "$dir/log")"
[ "$(grep -o '<svg' "$dir/dom.html" | wc -l)" -eq $((4 + 3 * 4)) ] ||
	fail "expected 4 charts and 4 per agent for 3 agents, got $(grep -o '<svg' "$dir/dom.html" | wc -l)"
grep -q 'Per agent' "$dir/dom.html" || fail "no per-agent section in the DOM"
grep -q '<polyline' "$dir/dom.html" || fail "no line drawn"
echo ok
