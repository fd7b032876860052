#!/bin/bash
# test_lang.sh - the language follows the locale, as in every GNU program:
# with LANG=es_ES.UTF-8 the messages come from po/es.po (built into
# build/locale), with LANG=C they are English, and machine output (JSON)
# keeps '.' as its decimal point whatever the locale. The Spanish locale is
# compiled into a scratch folder (localedef + LOCPATH), so no root is needed;
# skips (77) where localedef or its sources are missing, except under CI.
set -euo pipefail

: "${POISE_BIN:?POISE_BIN must name the poise binary}"
: "${POISE_SOURCE_DIR:?POISE_SOURCE_DIR must name the source tree}"
fail() { echo "FAIL: $*" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/poise-lang.XXXXXX")
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/locale.sh"
es_locale "$dir"
unset LANGUAGE LC_ALL LC_MESSAGES
export LOCPATH="$dir/loc" TZ=UTC HOME="$dir" POISE_DB="$dir/poise.db"
warn="$POISE_SOURCE_DIR/tests/data/warn/rule-no-why.yaml"

LANG=es_ES.UTF-8 "$POISE_BIN" lint "$warn" 2>"$dir/es" || fail "lint failed in Spanish"
grep -q ': aviso: ' "$dir/es" || fail "no Spanish 'aviso:' in: $(cat "$dir/es")"
grep -q '^1 archivo, 0 errores, 1 aviso$' "$dir/es" || fail "no Spanish count in: $(tail -1 "$dir/es")"
LANG=C.UTF-8 "$POISE_BIN" lint "$warn" 2>"$dir/en" || fail "lint failed in English"
grep -q ': warning: ' "$dir/en" || fail "English lost its 'warning:'"
grep -q '^1 file, 0 errors, 1 warning$' "$dir/en" || fail "no English count in: $(tail -1 "$dir/en")"
# LANGUAGE picks among catalogues once the locale is not C, as GNU gettext does.
LANG=es_ES.UTF-8 LANGUAGE=en "$POISE_BIN" lint "$warn" 2>"$dir/lang" || true
grep -q ': warning: ' "$dir/lang" || fail "LANGUAGE=en did not give English"

# Machine output keeps '.' for decimals in any locale.
"$POISE_BIN" gen 60 --agents 2 --days 5 >/dev/null
LANG=es_ES.UTF-8 "$POISE_BIN" report --format json >"$dir/r.json"
LANG=C.UTF-8 "$POISE_BIN" report --format json >"$dir/r-c.json"
cmp -s "$dir/r.json" "$dir/r-c.json" || fail "report --format json differs between es_ES and C"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/r.json" ||
	fail "the JSON written under es_ES does not parse"
echo "ok: Spanish and English messages by the locale; JSON the same in both"
