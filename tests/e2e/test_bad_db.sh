#!/usr/bin/env bash
# Bad databases: a missing folder is created 0700; a folder or file that
# cannot be written, a file that is not a poise database and one of a newer
# schema are refused before the screen starts (and an older one that cannot
# be written, by `poise report`, which must upgrade it to read it), with one message that says
# what, where and what to do, and the file is left exactly as it was; a full
# disk mid-call says so, keeps what was saved and takes the key again once
# there is room.
#
# Needs root: chattr +i (which binds root, unlike permission bits) and a
# small tmpfs, mounted in a private mount namespace so it never outlives us.
# Anyone else: skipped (exit 77, which ctest reports as skipped).
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: test_bad_db needs root (chattr +i, and unshare -m for a small tmpfs)"
	exit 77
fi
if [ -z "${E2E_PRIVATE_MOUNTS:-}" ]; then
	unshare -m true 2>/dev/null ||
		{ echo "FAIL: test_bad_db needs root (unshare -m for a small tmpfs)" >&2; exit 1; }
	E2E_PRIVATE_MOUNTS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

bad_db_cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	chattr -R -i "$E2E_DIR" 2>/dev/null || true
	umount -l "$E2E_DIR/small" 2>/dev/null || true
	e2e_cleanup
}
trap bad_db_cleanup EXIT

sum() { sha256sum "$1" | cut -d' ' -f1; }

# refused DB TEXT...: `poise call` on DB exits 1 before its screen, with one
# error line holding the path and every TEXT.
refused() {
	local db=$1 out
	shift
	POISE_DB=$db start_poise 100 30 call --playbook e2e-fast --customer Zed
	expect_eq 1 "$(wait_exit)" "exit status for $db"
	out=$(history | grep -v '^$')
	expect_eq 1 "$(grep -c 'error:' <<<"$out")" "error lines for $db: $out"
	grep -qF "poise: error: " <<<"$out" || fail "not through cli_report: $out"
	grep -qF "'$db'" <<<"$out" || fail "the message does not name '$db': $out"
	for want in "$@"; do
		grep -qF -- "$want" <<<"$out" || fail "the message lacks '$want': $out"
	done
	grep -qF "Calm goal" <<<"$out" && fail "the call screen started for $db"
	stop_poise
}

# The binary's own refusal for chattr: check that +i binds root here.
mkdir "$E2E_DIR/probe"
chattr +i "$E2E_DIR/probe" || fail "chattr +i does not work on this file system"
touch "$E2E_DIR/probe/x" 2>/dev/null && fail "chattr +i does not stop root here"
chattr -i "$E2E_DIR/probe"

# 1. A missing folder is created 0700 (whatever the umask), the file 0600.
export POISE_DB="$E2E_DIR/new/a/b/poise.db"
E2E_ENV="sh -c 'umask 000; exec \"\$0\" \"\$@\"'" \
	start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm: Calm goal"
keys 4; wait_for "mood 4 angry"
stop_poise # SIGHUP: Ana's call is kept as interrupted
for d in new new/a new/a/b; do
	expect_eq 700 "$(stat -c %a "$E2E_DIR/$d")" "mode of the created folder $d"
done
expect_eq 600 "$(stat -c %a "$POISE_DB")" "mode of the created database"
expect_eq "Ana interrupted start mood interrupted" \
	"$(exported 'c["customer"] + " " + c["status"] + " " + kinds')" "Ana's call"
good=$POISE_DB
dir=$(dirname "$good")
before=$(sum "$good")
files=$(ls -A "$dir")

# 2. A folder that takes no new file: no database in it, and none under it.
mkdir "$E2E_DIR/locked"
chattr +i "$E2E_DIR/locked"
refused "$E2E_DIR/locked/poise.db" "cannot create database" "operation not permitted" \
	"check the permissions of its folder or pass --db PATH"
refused "$E2E_DIR/locked/sub/poise.db" "cannot create folder '$E2E_DIR/locked/sub'" \
	"or pass --db PATH"
chattr -i "$E2E_DIR/locked"
expect_eq "" "$(ls -A "$E2E_DIR/locked")" "files left in the locked folder"

# 3. An existing database in a folder that takes no new file (SQLite needs
#    its -wal and -shm there): refused rather than failing on the first key.
chattr +i "$dir"
refused "$good" "folder '$dir'" "is not writable" "no call could be saved" \
	"check its permissions or pass --db PATH"
chattr -i "$dir"
expect_eq "$before" "$(sum "$good")" "checksum after the locked folder"
expect_eq "$files" "$(ls -A "$dir")" "files beside the database"

# 4. A read-only database: nothing could be logged, so refused at start.
chattr +i "$good"
refused "$good" "database '$good' is read-only" "no call could be saved" \
	"check its permissions or pass --db PATH"
chattr -i "$good"
expect_eq "$before" "$(sum "$good")" "checksum after the read-only file"
expect_eq "$files" "$(ls -A "$dir")" "files beside the read-only database"
expect_eq "Ana interrupted start mood interrupted" \
	"$(exported 'c["customer"] + " " + c["status"] + " " + kinds')" "Ana's call, still there"

# 5. Not a poise database: a text file and another program's SQLite file.
mkdir "$E2E_DIR/other"
printf 'my shopping list\n' >"$E2E_DIR/other/list.db"
python3 - "$E2E_DIR/other/app.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE notes (t TEXT)")
db.execute("INSERT INTO notes VALUES ('keep me')")
db.commit()
PY
for f in list app; do
	other="$E2E_DIR/other/$f.db"
	was=$(sum "$other")
	refused "$other" "is not a poise database" "leave it alone and pass --db PATH"
	expect_eq "$was" "$(sum "$other")" "checksum of $f.db"
done
expect_eq "app.db list.db" "$(ls -A "$E2E_DIR/other" | tr '\n' ' ' | sed 's/ $//')" \
	"files beside the foreign databases"

# 6. A poise database of a newer schema.
python3 - "$E2E_DIR/other/newer.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA application_id = %d" % 0x706f6973)
db.execute("PRAGMA user_version = 99")
db.execute("CREATE TABLE calls (id TEXT PRIMARY KEY, future TEXT)")
db.execute("INSERT INTO calls VALUES ('c1', 'from poise 99')")
db.commit()
PY
was=$(sum "$E2E_DIR/other/newer.db")
refused "$E2E_DIR/other/newer.db" "has schema 99, newer than this poise knows" \
	"upgrade poise or pass --db PATH"
expect_eq "$was" "$(sum "$E2E_DIR/other/newer.db")" "checksum of newer.db"

# 6b. A database of an older schema that cannot be written: `poise report`
#     cannot upgrade it to read it, says so and what to do, and leaves it.
old="$E2E_DIR/other/older.db"
"$POISE_BIN" gen --db "$old" --days 2 20 >/dev/null
python3 - "$old" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER IF EXISTS sync_closed_insert; DROP TRIGGER IF EXISTS sync_closed_done; DROP TRIGGER IF EXISTS sync_closed_sent; DROP TABLE sync_closed; DROP TABLE texts_fts; DROP TRIGGER IF EXISTS events_text_fts; DROP TRIGGER IF EXISTS reviews_text_fts; DROP TRIGGER IF EXISTS reviews_text_fts_update; DROP INDEX calls_review_ref; DROP INDEX calls_review_status; DROP TABLE IF EXISTS notes_pending; DROP TRIGGER IF EXISTS notes_pending_call; DROP TRIGGER IF EXISTS notes_pending_resume; DROP TRIGGER IF EXISTS notes_index_end; DROP TABLE review_replies; DROP TABLE qa_answers; DROP TABLE qa_scores; DROP TABLE IF EXISTS sync_dirty; DROP TRIGGER IF EXISTS sync_dirty_call; DROP TRIGGER IF EXISTS sync_dirty_seq; DROP TRIGGER IF EXISTS sync_dirty_done; DROP TABLE sync_calls; DROP TABLE sync_followups; DROP TABLE sync_reviews; DROP TABLE sync_marks; DROP TABLE published_playbooks; DROP TABLE call_figures; DROP INDEX calls_practice; ALTER TABLE calls DROP COLUMN practice; DROP INDEX reviews_uuid; DROP INDEX reviews_unsynced; ALTER TABLE reviews DROP COLUMN uuid; ALTER TABLE reviews DROP COLUMN synced; ALTER TABLE reviews DROP COLUMN updated_at; PRAGMA user_version = 2;")
db.close()
PY
chattr +i "$old"
was=$(sum "$old")
rc=0; out=$("$POISE_BIN" report --db "$old" 2>&1) || rc=$?
expect_eq 1 "$rc" "report exit status on a read-only older database"
for want in "'$old' is from an older poise" "needs write access (database is read-only)" \
	"make it writable, or read a writable copy with --db PATH"; do
	grep -qF -- "$want" <<<"$out" || fail "the message lacks '$want': $out"
done
expect_eq "$was" "$(sum "$old")" "checksum of older.db"
chattr -i "$old"
# Writable again, the same command upgrades it and reads it.
"$POISE_BIN" report --db "$old" >/dev/null || fail "report on the writable older database"
expect_eq "$(POISE_DB="$E2E_DIR/new/a/b/poise.db" sql "PRAGMA user_version")" \
	"$(POISE_DB="$old" sql "PRAGMA user_version")" "schema of older.db after the upgrade"

# 7. The disk fills up mid-call: the key is not applied, the banner says the
#    disk is full and what to do, earlier events stay; with room again the
#    same key is saved.
mkdir "$E2E_DIR/small"
mount -t tmpfs -o size=1m tmpfs "$E2E_DIR/small" || fail "cannot mount a small tmpfs"
export POISE_DB="$E2E_DIR/small/poise.db"
start_poise 100 30 call --playbook e2e-fast --customer Bo
wait_for "Calm: Calm goal"
keys 2; wait_for "mood 2 uneasy"
dd if=/dev/zero of="$E2E_DIR/small/filler" bs=4k 2>/dev/null || true # until ENOSPC
E2E_MOOD=2
moods_until_refused 200
wait_words "the disk is full."
wait_words "Everything before it is saved and the call stays open"
wait_words "free some space, then press the key again"
expect_alive_as_saved "on a full disk"
saved=$(sql "SELECT count(*) FROM events WHERE kind = 'mood'")
rm "$E2E_DIR/small/filler"
keys "$E2E_MOOD"
wait_gone "NOT SAVED"
wait_for "mood $E2E_MOOD "
expect_eq $(( saved + 1 )) "$(sql "SELECT count(*) FROM events WHERE kind = 'mood'")" \
	"moods saved once there was room"
keys x; wait_for "outcome: r resolved"
keys r; wait_for "cause:"
keys o; wait_for "follow-up due date"
keys Enter; wait_for "what went well"
keys Enter Enter; wait_for "ready for the next call"
keys q
expect_eq 0 "$(wait_exit)" "exit status after the full disk"
expect_eq "Bo done resolved" "$(exported 'c["customer"] + " " + c["status"] + " " + c["outcome"]')" \
	"the call on the full disk, finished"
echo ok
