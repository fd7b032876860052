#!/bin/bash
# check_po.sh SOURCE_DIR - every catalogue of po/LINGUAS is complete: every
# string the sources mark (_, N_, P_, words_count; extracted afresh with the
# `pot` target's xgettext options) has a msgid there with a non-empty
# msgstr, none is fuzzy, and msgfmt --check accepts the file. A string
# marked without its translation fails here, not on an agent's screen.
# --self-test: the check fails on a catalogue missing one translation.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
for t in xgettext msgfmt msgcmp msgattrib; do
	command -v "$t" >/dev/null || { echo "SKIP: $t is not installed" >&2; exit 77; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/poise-po.XXXXXX")
trap 'rm -rf "$dir"' EXIT

# check_catalogue PO POT: 0 when PO translates every msgid of POT.
check_catalogue() {
	local po=$1 pot=$2 untr fuzzy
	msgfmt --check -o /dev/null "$po" 2>"$dir/msgfmt.log" ||
		{ cat "$dir/msgfmt.log" >&2; return 1; }
	# msgcmp: every msgid of the sources is in the catalogue.
	msgcmp --use-untranslated "$po" "$pot" 2>"$dir/msgcmp.log" ||
		{ cat "$dir/msgcmp.log" >&2; return 1; }
	untr=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
	# The header is the one msgid "" that may stay empty; it is counted once.
	[ "${untr:-0}" -le 1 ] || {
		echo "$po: $((untr - 1)) untranslated:" >&2
		msgattrib --untranslated --no-obsolete "$po" | grep -A1 '^msgid ' | tail -n +4 | head -40 >&2
		return 1
	}
	[ "${fuzzy:-0}" -le 1 ] || { echo "$po: $((fuzzy - 1)) fuzzy" >&2; return 1; }
}

if [ "${1:-}" = --self-test ]; then
	printf '%s\n' 'msgid ""' 'msgstr ""' '"Content-Type: text/plain; charset=UTF-8\n"' '' \
		'msgid "one"' 'msgstr "uno"' '' 'msgid "two"' 'msgstr ""' >"$dir/bad.po"
	printf '%s\n' 'msgid ""' 'msgstr ""' '"Content-Type: text/plain; charset=UTF-8\n"' '' \
		'msgid "one"' 'msgstr ""' '' 'msgid "two"' 'msgstr ""' '' 'msgid "three"' 'msgstr ""' >"$dir/t.pot"
	check_catalogue "$dir/bad.po" "$dir/t.pot" 2>/dev/null && fail "an untranslated msgid passed"
	printf '%s\n' 'msgid ""' 'msgstr ""' '"Content-Type: text/plain; charset=UTF-8\n"' '' \
		'msgid "one"' 'msgstr "uno"' '' 'msgid "two"' 'msgstr "dos"' >"$dir/short.po"
	check_catalogue "$dir/short.po" "$dir/t.pot" 2>/dev/null && fail "a msgid missing from the catalogue passed"
	printf '%s\n' 'msgid "three"' 'msgstr "tres"' >>"$dir/short.po"
	check_catalogue "$dir/short.po" "$dir/t.pot" || fail "a complete catalogue failed"
	echo "ok: the check fails on a missing and on an empty translation"
	exit 0
fi

src=${1:?usage: check_po.sh SOURCE_DIR | --self-test}
cd "$src"
# The pot target's options (CMakeLists.txt), into a scratch file.
find src -name '*.c' | LC_ALL=C sort >"$dir/files"
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: \
	--keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=words_count:4,5 \
	--package-name=poise --msgid-bugs-address=poise \
	-f "$dir/files" -o "$dir/poise.pot" 2>/dev/null
n=0
while read -r lang; do
	case $lang in ''|'#'*) continue ;; esac
	check_catalogue "po/$lang.po" "$dir/poise.pot" || fail "po/$lang.po is not complete"
	n=$((n + 1))
done <po/LINGUAS
[ "$n" -gt 0 ] || fail "po/LINGUAS names no language"
echo "ok: $n catalogue(s) translate every marked string"
