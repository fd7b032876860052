#!/usr/bin/env bash
# A database poise writes, or its -wal or side log, owned by another user is
# refused with how to fix it (never written, never made ours), by every
# command that writes; the commands that only read still read it. Needs
# root (chown to another user): skipped visibly (exit 77) otherwise.
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: test_foreign_owner needs root (chown to another user)"
	exit 77
fi
. "$(dirname "$0")/lib.sh"

other=65534 # nobody
db="$E2E_DIR/data/poise.db"
"$POISE_BIN" gen 3 --db "$db" >/dev/null || fail "gen could not make a database"
sum() { sha256sum "$1" | cut -d' ' -f1; }

# check SUFFIX: with $db$SUFFIX owned by another user, writers refuse, readers read.
check() {
	local f="$db$1" out code before
	[ -e "$f" ] || : >"$f"
	chmod 600 "$f"
	chown "$other" "$f"
	before=$(sum "$db")
	for cmd in "doctor" "followups done 1" "merge $db"; do
		out=$("$POISE_BIN" $cmd --db "$db" 2>&1) && fail "$cmd took '$f' of another user: $out"
		grep -qF "belongs to another user" <<<"$out" || fail "$cmd: no reason given: $out"
		grep -qF "'$f'" <<<"$out" || fail "$cmd: the file is not named: $out"
		grep -qF "chmod 600" <<<"$out" || fail "$cmd: no way out given: $out"
	done
	expect_eq "$other" "$(stat -c %u "$f")" "owner of '$f' after the refusals"
	expect_eq "$before" "$(sum "$db")" "the database after the refusals"
	"$POISE_BIN" export --db "$db" >/dev/null || fail "export could not read with '$f' foreign"
	# SQLite, run by root, gives the -wal and -shm it makes the database's owner.
	chown 0 "$db"*
	[ -s "$f" ] || rm -f "$f"
}
check ""
check ".pending"
check "-wal"
echo "ok: test_foreign_owner"
