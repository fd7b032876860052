#!/bin/bash
# check_po.sh SOURCE_DIR [KEYWORD OPTIONS] - every catalogue of po/LINGUAS
# is complete: every string the sources mark (extracted afresh with the
# `pot` target's xgettext keywords, passed in by CMake) has a msgid there
# with a non-empty msgstr, none is fuzzy, and msgfmt --check accepts the
# file; and no msgid is used both alone and with a plural (xgettext's
# warning: one of the uses needs a context). A string marked without its
# translation fails here, not on an agent's screen.
# --self-test: the check fails on a catalogue missing one translation and
# on a word used alone and with a plural.
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
	printf '%s\n' 'f(int n) { _("hold"); P_("hold", "holds", n);' \
		'C_("count", "note"); P_("note", "notes", n); }' >"$dir/two.c"
	xgettext --language=C --keyword=_ --keyword=P_:1,2 --keyword=C_:1c,2 \
		-o "$dir/two.pot" "$dir/two.c" 2>"$dir/two.log" || true
	grep -q 'used without plural and with plural' "$dir/two.log" ||
		fail "xgettext did not warn of a word alone and with a plural"
	grep -q "msgid 'note'" "$dir/two.log" && fail "a context did not tell a word alone from its plural"
	echo "ok: the check fails on a missing and on an empty translation," \
		"and on a word alone and with a plural"
	exit 0
fi

src=${1:?usage: check_po.sh SOURCE_DIR [XGETTEXT KEYWORD OPTIONS] | --self-test}
shift
cd "$src"
# The pot target's sources and options (CMakeLists.txt passes its keyword
# list, so the two never drift apart), into a scratch file.
[ $# -gt 0 ] || set -- --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=C_:1c,2 \
	--keyword=NC_:1c,2 --keyword=words_count:4,5 --keyword=words_count_c:4c,5,6
{ find src -name '*.c' -o -name '*.h'; find include/poise -name '*.h'; } |
	LC_ALL=C sort >"$dir/files"
xgettext --from-code=UTF-8 --language=C --add-comments=TRANSLATORS: "$@" \
	--package-name=poise --msgid-bugs-address=poise \
	-f "$dir/files" -o "$dir/poise.pot" 2>"$dir/xgettext.log"
# One msgid is either a word alone or a singular with its plural: gettext
# keeps one entry, so one of the two uses needs a context (C_, words_count_c).
if grep -q 'used without plural and with plural' "$dir/xgettext.log"; then
	grep -A2 'used without plural and with plural' "$dir/xgettext.log" >&2
	fail "a msgid is used both alone and with a plural: give one use a context"
fi
n=0
while read -r lang; do
	case $lang in ''|'#'*) continue ;; esac
	check_catalogue "po/$lang.po" "$dir/poise.pot" || fail "po/$lang.po is not complete"
	n=$((n + 1))
done <po/LINGUAS
[ "$n" -gt 0 ] || fail "po/LINGUAS names no language"
echo "ok: $n catalogue(s) translate every marked string"
