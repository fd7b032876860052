#!/usr/bin/env bash
# `poise sync` checks the calls it pushes as merge and the mirror check what
# they take in: an agent's database edited by hand (sqlite3) holds 11 calls
# whose rows poise never writes (a terminal control in a name or a
# reference, a C1 CSI, a bidi override, bad UTF-8, a name over its limit, a
# time out of range, an end before the start; a note with a CR, a note
# with bad UTF-8, an event of a kind this poise does not know). Sync sends
# the 4 good calls, leaves the 11 out with one warning naming the first
# (nothing in it a terminal would obey), exits 0, and says so again next
# time (they wait here, unsent).
# Needs the test cluster (POISE_PG_ENV): 77 without one, except under CI=true.
. "$POISE_SOURCE_DIR/tests/e2e/lib.sh"

team_server poise_e2e_sync_hostile
team_role hostile_bo poise_agent
agent_db="$E2E_DIR/hostile_bo.db" # team_env's database of hostile_bo

"$POISE_BIN" gen --seed 9 --agents 1 --days 2 --db "$agent_db" 15 >/dev/null || fail "gen"
python3 - "$agent_db" >"$E2E_DIR/bad_ids" <<'PY' || fail "editing the agent's database"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE calls SET agent = 'hostile_bo'")
ids = [r[0] for r in db.execute("SELECT id FROM calls ORDER BY started_at")]
edits = [
    ("UPDATE calls SET customer = ? WHERE id = ?", "x\x1b]0;pwned\x07y"),
    ("UPDATE calls SET customer_ref = ? WHERE id = ?", "r\x1b[2J"),
    ("UPDATE calls SET customer = ? WHERE id = ?", "c1 \x9b2J"),
    ("UPDATE calls SET customer = ? WHERE id = ?", "bidi\u202eevil"),
    ("UPDATE calls SET customer = CAST(? AS TEXT) WHERE id = ?", b"bad \xff\xfe utf8"),
    ("UPDATE calls SET customer = ? WHERE id = ?", "W" * 400),
    ("UPDATE calls SET started_at = ? WHERE id = ?", -5),
    ("UPDATE calls SET ended_at = started_at - ? WHERE id = ?", 1000),
    ("UPDATE events SET text = ? WHERE seq = 2 AND call_id = ?", "line\rfeed"),
    ("UPDATE events SET text = CAST(? AS TEXT) WHERE seq = 2 AND call_id = ?", b"note \xff"),
    ("UPDATE events SET kind = ? WHERE seq = 2 AND call_id = ?", "teleport"),
]
for i, (sql, v) in enumerate(edits):
    db.execute(sql, (v, ids[i]))
    print(ids[i])
db.commit()
PY

no_controls() {
	python3 - "$1" "$2" <<'PY' || fail "$1: a control character reaches the terminal"
import sys
what, path = sys.argv[1], sys.argv[2]
text = open(path, "rb").read().decode("utf-8")
bad = set(range(0x20)) - {0x0a} | {0x7f} | set(range(0x80, 0xa0)) | \
      {0x061c, 0x200e, 0x200f, 0x2028, 0x2029} | set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))
for i, ch in enumerate(text):
    if ord(ch) in bad:
        sys.exit(f"{what}: U+{ord(ch):04X} at {i}: {text[max(0, i - 40):i + 10]!r}")
PY
}

export POISE_SERVER="dbname=$db user=hostile_bo"
for round in 1 2; do
	"$POISE_BIN" sync --db "$agent_db" >"$E2E_DIR/out" 2>"$E2E_DIR/err" \
		|| fail "sync $round: $(cat "$E2E_DIR/err")"
	grep -q "warning: 11 calls here were not sent" "$E2E_DIR/err" || fail "sync $round, no warning: $(cat "$E2E_DIR/err")"
	[ "$(grep -c "warning" "$E2E_DIR/err")" = 1 ] || fail "sync $round, not one warning: $(cat "$E2E_DIR/err")"
	grep -q "agent hostile_bo" "$E2E_DIR/err" || fail "the warning names no call: $(cat "$E2E_DIR/err")"
	no_controls "sync $round" "$E2E_DIR/out"
	no_controls "sync $round (stderr)" "$E2E_DIR/err"
	[ "$(q "SELECT count(*) FROM poise.calls")" = 4 ] || fail "sync $round: not the 4 good calls on the server"
	[ "$round" = 2 ] || grep -q "sent 4 calls" "$E2E_DIR/out" || fail "sync 1: $(cat "$E2E_DIR/out")"
done
while read -r id; do
	[ "$(q "SELECT count(*) FROM poise.calls WHERE id = '$id'")" = 0 ] || fail "call $id was sent"
done <"$E2E_DIR/bad_ids"

# The ready screen says so too: the agent's next call syncs in the background, the 11 stay.
POISE_DB=$agent_db
[ "$(sql "SELECT value FROM sync_marks WHERE name = 'sync_refused'")" = 11 ] ||
	fail "the calls left out were not recorded for the ready screen"
team_window bo hostile_bo hostile_bo call --playbook e2e-fast --customer Ana
window_wait bo "Calm: Calm goal"
in_window bo end_call_plainly
window_wait bo "11 calls not sent: run poise sync to see why (kept here)" 15
for (( i = 0; i < 100; i++ )); do
	[ "$(q "SELECT count(*) FROM poise.calls")" = 5 ] && break
	sleep 0.1
done
[ "$(q "SELECT count(*) FROM poise.calls")" = 5 ] || fail "the new call was not sent"
window_keys bo q
echo "PASS"
