#!/usr/bin/env bash
# Rows from another agent's machine are data: an agent who writes the
# server's rows by hand (or whose poise is not ours) leaves calls holding terminal controls
# in every free-text field, one control character a call (ESC, CR, BS, BEL,
# DEL, a C1 CSI, a bidi override, a line separator). The supervisor's
# --server commands still read the rest of the team: each hostile call is
# left out of the mirror with one warning naming the first and saying what
# to do, nothing a terminal would obey reaches stdout or stderr, and a call
# of odd but valid text (emoji, CJK, combining marks, zero-width space)
# comes down whole. Needs the test cluster (POISE_PG_ENV): 77 without one,
# except under CI=true.
. "$(dirname "$0")/lib.sh"

team_server poise_e2e_hostile_team
team_role hostile_ana poise_agent
team_role hostile_sue poise_supervisor
agent_db="$E2E_DIR/ana.db"
mirror="$E2E_DIR/sue.db"

# The agent's shift: 12 made-up calls, sent; then rows rewritten on the server
# behind poise's back (psql as the agent: row-level security lets them write
# their own calls; a hand-edited database is not sent, test_sync_hostile).
"$POISE_BIN" gen --seed 5 --agents 1 --days 2 --db "$agent_db" 12 >/dev/null || fail "gen"
python3 - "$agent_db" <<'PY' || fail "naming the agent"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE calls SET agent = 'hostile_ana'")
db.commit()
PY
POISE_SERVER="dbname=$db user=hostile_ana" "$POISE_BIN" sync --db "$agent_db" >/dev/null 2>"$E2E_DIR/sync.err" \
	|| fail "the agent's sync: $(cat "$E2E_DIR/sync.err")"
[ "$(q "SELECT count(*) FROM poise.calls WHERE agent = 'hostile_ana'")" = 12 ] || fail "not 12 calls on the server"
python3 - "$agent_db" >"$E2E_DIR/edit.sql" <<'PY' || fail "writing the edits"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def lit(s):  # an E'' literal, every character outside printable ASCII escaped
    return "E'" + "".join(c if 32 <= ord(c) < 127 and c not in "'\\" else
                          ("\\u%04x" % ord(c) if ord(c) < 0x10000 else "\\U%08x" % ord(c)) for c in s) + "'"
ids = [r[0] for r in db.execute("SELECT id FROM calls ORDER BY started_at")]
# One control character a call, each in another field.
bad = ["\x1b]0;pwned\x07", "\r", "\b", "\x07", "\x7f", "\u009b2J", "\u202e", "\u2028"]
fields = ["customer", "customer_ref", "note", "followup", "customer", "note", "customer_ref", "note"]
for i, (ch, f) in enumerate(zip(bad, fields)):
    cid = ids[i]
    if f in ("customer", "customer_ref"):
        print(f"UPDATE poise.calls SET {f} = {lit('x' + ch + 'y')} WHERE id = '{cid}';")
    elif f == "note":
        n = db.execute("SELECT count(*) FROM events WHERE call_id = ? AND kind = 'note'", (cid,)).fetchone()[0]
        if n == 0:  # no note in this call: its start's neighbour text field, the customer
            print(f"UPDATE poise.calls SET customer = {lit('n' + ch)} WHERE id = '{cid}';")
        print(f"INSERT INTO poise.events (call_id, seq, t, kind, stage, text) SELECT call_id,"
              f" max(seq) + 1, max(t), 'note', 'calm', {lit('note ' + ch)} FROM poise.events"
              f" WHERE call_id = '{cid}' GROUP BY call_id;")
    else:
        print(f"UPDATE poise.calls SET customer = {lit('f' + ch)} WHERE id = '{cid}';")
        print(f"UPDATE poise.followups SET promise = {lit('promise ' + ch)} WHERE call_id = '{cid}';")
# Odd but valid: shown as it is.
print(f"UPDATE poise.calls SET customer = {lit('Zoë 好😠 e' + chr(0x301) + chr(0x200b) + 'valid')} WHERE id = '{ids[8]}';")
PY
PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q -v ON_ERROR_STOP=1 -U hostile_ana -d "$db" \
	-f "$E2E_DIR/edit.sql" >/dev/null || fail "the agent's edits on the server"

# no_controls WHAT FILE: nothing in FILE a terminal would obey (CSV may end its records in CRLF).
no_controls() {
	python3 - "$1" "$2" <<'PY' || fail "$1: a control character reaches the terminal"
import sys, unicodedata
what, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit(f"{what}: invalid UTF-8: {e}")
text = text.replace("\r\n", "\n")
bad = set(range(0x20)) - {0x0a, 0x09} | {0x7f} | set(range(0x80, 0xa0)) | \
      {0x061c, 0x200e, 0x200f, 0x2028, 0x2029} | set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))
for i, ch in enumerate(text):
    if ord(ch) in bad:
        sys.exit(f"{what}: U+{ord(ch):04X} at {i}: {text[max(0, i - 40):i + 10]!r}")
PY
}

export POISE_SERVER="dbname=$db user=hostile_sue"
# The first pull: the 8 hostile calls left out, once said, the 4 others here.
"$POISE_BIN" report --server --db "$mirror" >"$E2E_DIR/out" 2>"$E2E_DIR/err" || fail "report --server: $(cat "$E2E_DIR/err")"
grep -q "warning: 8 calls on the server were left out" "$E2E_DIR/err" || fail "no warning: $(cat "$E2E_DIR/err")"
grep -q "agent hostile_ana" "$E2E_DIR/err" || fail "the warning names no agent: $(cat "$E2E_DIR/err")"
no_controls "report --server" "$E2E_DIR/out"
no_controls "report --server (stderr)" "$E2E_DIR/err"
grep -qE "^calls +4 +4$" "$E2E_DIR/out" || fail "the 4 good calls are not in the report: $(cat "$E2E_DIR/out")"
# Every reading command reads the rest, and obeys nothing.
for cmd in "report --format csv" "report --format json" "export --format csv" "export" "followups --all"; do
	# shellcheck disable=SC2086
	"$POISE_BIN" $cmd --server --db "$mirror" >"$E2E_DIR/out" 2>"$E2E_DIR/err" || fail "$cmd --server: $(cat "$E2E_DIR/err")"
	no_controls "$cmd --server" "$E2E_DIR/out"
	no_controls "$cmd --server (stderr)" "$E2E_DIR/err"
done
[ "$("$POISE_BIN" export --server --db "$mirror" | wc -l)" = 4 ] || fail "export --server has not 4 calls"
# The odd but valid name comes down whole, and show prints it, the zero-width space marked.
good=$(q "SELECT id FROM poise.calls WHERE customer LIKE 'Zo%valid'")
[ -n "$good" ] || fail "the valid odd name is not on the server"
"$POISE_BIN" show "$good" --server --db "$mirror" >"$E2E_DIR/out" 2>"$E2E_DIR/err" || fail "show --server: $(cat "$E2E_DIR/err")"
grep -qF $'Zoë 好😠 e\u0301<U+200B>valid' "$E2E_DIR/out" || fail "the odd name is not shown whole: $(head -5 "$E2E_DIR/out")"
python3 - "$mirror" <<'PY' || fail "the odd name is not kept whole in the mirror"
import sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM calls WHERE customer = ?", ("Zoë 好😠 e\u0301\u200bvalid",)).fetchone()[0]
sys.exit(0 if n == 1 else f"{n} calls hold it")
PY
no_controls "show --server" "$E2E_DIR/out"
# A hostile call is not in the mirror, and saying so is not an error.
bad_id=$(q "SELECT id FROM poise.calls WHERE customer LIKE 'x%y' ORDER BY started_at LIMIT 1")
set +e
"$POISE_BIN" show "$bad_id" --server --db "$mirror" >"$E2E_DIR/out" 2>"$E2E_DIR/err"
rc=$?
set -e
[ "$rc" != 0 ] || fail "show of a call left out succeeded"
no_controls "show of a call left out" "$E2E_DIR/err"
echo "PASS"
