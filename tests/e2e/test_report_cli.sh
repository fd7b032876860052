#!/bin/bash
# test_report_cli.sh - `poise report` from the command line: usage errors
# exit 2, the figures of generated calls agree with the database, every
# format parses, and the table fits 80 columns. (The figures themselves
# are checked against hand-computed values in tests/unit/check_report.c.)
set -euo pipefail

: "${POISE_BIN:?POISE_BIN must name the poise binary}"
command -v python3 >/dev/null || { echo "FAIL: python3 is needed" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/poise-report.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export POISE_DB="$dir/poise.db" TZ=UTC LC_ALL=C.UTF-8
fail() { echo "FAIL: $*" >&2; exit 1; }

# exit status of a command, without set -e stopping us
status() { local rc=0; "$@" >"$dir/out" 2>"$dir/err" || rc=$?; echo "$rc"; }

[ "$(status "$POISE_BIN" report)" = 1 ] || fail "a missing database should fail with 1"
grep -q "error" "$dir/err" || fail "no error message for a missing database"

"$POISE_BIN" gen 300 --agents 3 --days 20 >/dev/null

for bad in "--since 2024-13-01" "--until 2024-02-30" "--since yesterday" "--format xml" \
	"--repeat-days 0" "--repeat-days 7x" "--since 2024-02-02 --until 2024-02-01" "--agent="; do
	# shellcheck disable=SC2086
	rc=$(status "$POISE_BIN" report $bad)
	[ "$rc" = 2 ] || fail "'report $bad' exited $rc, expected 2"
	grep -q "usage" "$dir/err" || fail "'report $bad' printed no usage"
done

# Every call folds, so the counts are the database's.
calls=$(sqlite3 "$POISE_DB" "SELECT count(*) FROM calls")
done_=$(sqlite3 "$POISE_DB" "SELECT count(*) FROM calls WHERE status = 'done'")
ana=$(sqlite3 "$POISE_DB" "SELECT agent FROM calls ORDER BY agent LIMIT 1")
ana_calls=$(sqlite3 "$POISE_DB" "SELECT count(*) FROM calls WHERE agent = '$ana'")
abuse=$(sqlite3 "$POISE_DB" "SELECT count(*) FROM calls WHERE outcome = 'abuse'")

"$POISE_BIN" report --format json >"$dir/r.json"
python3 - "$dir/r.json" "$calls" "$done_" "$abuse" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
o = r["overall"]
calls, done, abuse = map(int, sys.argv[2:5])
assert o["calls"] == calls, (o["calls"], calls)
assert o["done"] == done, (o["done"], done)
assert o["abuse"] == abuse, (o["abuse"], abuse)
assert sum(a["figures"]["calls"] for a in r["agents"]) == calls
assert r["damaged"] == 0 and r["since"] is None
assert r["utc"] is False  # TZ is set: local days in that zone
PY

[ "$("$POISE_BIN" report --agent "$ana" --format csv | sed -n 2p | cut -d, -f1,2)" = "ALL,$ana_calls" ] ||
	fail "--agent $ana: the ALL row should count $ana_calls calls"
[ "$("$POISE_BIN" report --format csv | head -1 | cut -d, -f1-3)" = "agent,calls,done" ] ||
	fail "csv header"
[ "$("$POISE_BIN" report --format csv | wc -l)" = 5 ] || fail "csv: header, ALL and 3 agents"
[ "$("$POISE_BIN" report --playbook no-such --format csv | sed -n 2p | cut -d, -f2)" = 0 ] ||
	fail "an unknown playbook selects no call"

"$POISE_BIN" report --lines --format json | python3 -c '
import json, sys
lines = json.load(sys.stdin)["lines"]
assert lines and all(l["shown"] >= 0 and l["used"] >= 0 for l in lines)
assert sum(l["used"] for l in lines) > 0
'
"$POISE_BIN" report >"$dir/table"
"$POISE_BIN" report --lines >>"$dir/table"
awk 'length($0) > 80 { print "FAIL: wider than 80: " $0; bad = 1 } END { exit bad }' "$dir/table"
grep -q "^avg handle time" "$dir/table" || fail "table without handle time"
grep -q -- "--repeat-days" <<<"$("$POISE_BIN" report --help)" || fail "--help lists --repeat-days"
echo "ok"
