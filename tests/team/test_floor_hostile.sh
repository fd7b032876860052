#!/usr/bin/env bash
# The live floor reads the server's rows itself (not through the mirror), so
# an agent who writes rows by hand (psql as themselves: row-level security
# lets them write their own calls) must not drive the supervisor's terminal.
# Live calls whose customer holds a title set (ESC ] 0;), a screen clear
# (ESC [ 2J), a C1 CSI, a bidi override, a zero-width space, 400 characters
# or 60 wide CJK ones, and an escalation in each: every row and alert line
# shows them marked (U+FFFD, <U+200B>) and within its cell, the pane's title
# is unchanged, and no control character is on the screen. (Bad UTF-8 cannot
# be stored in the server's UTF8 database: PostgreSQL refuses it itself.)
# Needs the test cluster (POISE_PG_ENV): 77 without one, except under CI=true.
. "$POISE_SOURCE_DIR/tests/e2e/lib.sh"

team_server poise_e2e_floor_hostile
team_role hostile_ana poise_agent
team_role rita poise_supervisor
agent_db="$E2E_DIR/ana.db"

# One genuine call first, so the playbook's text is on the server.
"$POISE_BIN" gen --seed 3 --agents 1 --days 1 --db "$agent_db" 1 >/dev/null || fail "gen"
python3 - "$agent_db" <<'PY' || fail "naming the agent"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE calls SET agent = 'hostile_ana'")
db.commit()
PY
POISE_SERVER="dbname=$db user=hostile_ana" "$POISE_BIN" sync --db "$agent_db" >/dev/null 2>"$E2E_DIR/sync.err" \
	|| fail "the agent's sync: $(cat "$E2E_DIR/sync.err")"

# as_ana SQL: SQL as the agent (their rights, not the test's).
as_ana() { PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q -t -A -v ON_ERROR_STOP=1 -U hostile_ana -d "$db" -c "$1"; }
customers=(
	"E'title\\x1b]0;pwned\\x07end'"
	"E'clear\\x1b[2J\\x1b[Hend'"
	"E'csi\\u009b31mend'"
	"E'bidi\\u202eevil'"
	"E'zw\\u200bsp'"
	"'long' || repeat('W', 400)"
	"repeat(E'\\u597d', 60)"
)
now=$(date +%s%3N)
for i in "${!customers[@]}"; do
	id=$(as_ana "INSERT INTO poise.calls (id, agent, customer, playbook_id, playbook_version,
			playbook_hash, started_at)
		SELECT gen_random_uuid(), 'hostile_ana', ${customers[$i]}, playbook_id, playbook_version,
			playbook_hash, $now + $i FROM poise.calls LIMIT 1 RETURNING id")
	as_ana "INSERT INTO poise.events (call_id, seq, t, kind, stage, text)
		SELECT id, 1, $now + $i, 'start', 'calm', playbook_hash FROM poise.calls
		WHERE id = '${id%%$'\n'*}'" >/dev/null
done
[ "$(q "SELECT count(*) FROM poise.calls WHERE status = 'open'")" = 7 ] || fail "not 7 live calls"

E2E_ENV="PGHOST='$PGHOST' PGPORT='$PGPORT'"
start_poise 120 30 floor --server "dbname=$db user=rita"
wait_for "poise floor - 7 live calls" 20
# The escalations, as the agent's streamer sends them: the event, then a notification.
as_ana "INSERT INTO poise.events (call_id, seq, t, kind, stage, text)
	SELECT id, 2, $now + 100, 'escalate', 'calm', E'why\\x1b[2J' FROM poise.calls WHERE status = 'open';
	SELECT pg_notify('poise_floor', id::text) FROM poise.calls WHERE status = 'open'" >/dev/null
wait_for "7 asking for help" 20
wait_for "and 4 more alerts" 5
screen >"$E2E_DIR/floor.txt"

title=$(tm display-message -p -t main '#{pane_title}')
[[ "$title" != *pwned* ]] || fail "a customer's name set the terminal's title: $title"
python3 - "$E2E_DIR/floor.txt" <<'PY' || fail "the floor's screen: $(cat "$E2E_DIR/floor.txt")"
import sys, unicodedata
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.split("\n")
bad = set(range(0x20)) - {0x0a} | {0x7f} | set(range(0x80, 0xa0)) | \
      {0x061c, 0x200b, 0x200e, 0x200f, 0x2028, 0x2029} | set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))
for i, ch in enumerate(text):
    if ord(ch) in bad:
        sys.exit(f"U+{ord(ch):04X} on the screen at {i}: {text[max(0, i - 40):i + 10]!r}")
def cols(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in s)
head = next(l for l in lines if "customer" in l and "stage" in l)
stage = cols(head[:head.index("stage")])
rows = [l for l in lines if "hostile_ana" in l and not l.lstrip().startswith("!")]
if len(rows) != 7:
    sys.exit(f"{len(rows)} rows, not 7")
for l in rows:
    # Each row's stage is in the stage column: nothing before it took more room than its cell.
    at = next((k for k in range(len(l)) if cols(l[:k]) == stage), None)
    if at is None or not l[at:].startswith("Calm"):
        sys.exit(f"a row out of its cells: {l!r}")
    if cols(l) > 120:
        sys.exit(f"a row wider than the screen: {l!r}")
for mark in ["title\ufffd]0;pwned\ufffdend", "clear\ufffd[2J\ufffd[Hend", "csi\ufffd31mend",
             "bidi\ufffdevil", "zw<U+200B>sp", "longWWWW", "\u597d\u597d"]:
    if not any(mark in l for l in rows):
        sys.exit(f"no row shows {mark!r} marked")
alerts = [l for l in lines if l.lstrip().startswith("! ")]
if len(alerts) != 3 or not all("hostile_ana (" in a and a.rstrip().endswith("): escalated") for a in alerts):
    sys.exit(f"the alert lines: {alerts!r}")
PY
# Every alert line, the long names' too, says whose and what, on one line.
keys a; wait_gone "more alerts"
as_ana "INSERT INTO poise.events (call_id, seq, t, kind, stage)
	SELECT id, 3, $now + 200, 'manager', 'calm' FROM poise.calls WHERE customer LIKE 'long%' OR customer LIKE E'\\u597d%';
	SELECT pg_notify('poise_floor', id::text) FROM poise.calls WHERE status = 'open'" >/dev/null
wait_for "manager requested" 20
sleep 0.5
screen >"$E2E_DIR/floor.txt"
python3 - "$E2E_DIR/floor.txt" <<'PY' || fail "the long names' alerts: $(cat "$E2E_DIR/floor.txt")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
alerts = [l for l in lines if l.lstrip().startswith("! ")]
if len(alerts) != 2 or not all(a.rstrip().endswith("...): manager requested") for a in alerts):
    sys.exit(f"the alert lines: {alerts!r}")
if not any("(longWWW" in a for a in alerts) or not any("(\u597d\u597d" in a for a in alerts):
    sys.exit(f"the alert lines: {alerts!r}")
PY
keys q
expect_eq 0 "$(wait_exit)" "poise floor's exit status"
echo "PASS"
