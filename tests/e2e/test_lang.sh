#!/bin/bash
# test_lang.sh - the language follows the locale, as in every GNU program:
# with LANG=es_ES.UTF-8 the messages come from po/es.po (built into
# build/locale): --help, usage errors, lint, the report table with its
# decimal comma, the HTML page (lang="es"), the follow-ups' and poise show's
# days (dd/mm/yy); with LANG=C they are English and ISO; machine output (CSV, JSON)
# is byte for byte the same whatever the locale. The Spanish locale is
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

# The commands' help, usage errors and the loader's errors follow the locale.
es() { LANG=es_ES.UTF-8 "$POISE_BIN" "$@"; }
en() { LANG=C "$POISE_BIN" "$@"; }
es --help >"$dir/help-es" || fail "poise --help failed in Spanish"
grep -q '^uso: poise \[ORDEN\]' "$dir/help-es" || fail "no Spanish usage in: $(head -3 "$dir/help-es")"
grep -q '^  report  *cifras: tiempos, tasas' "$dir/help-es" || fail "the command table is not Spanish"
en --help >"$dir/help-en"
grep -q '^usage: poise \[COMMAND\]' "$dir/help-en" || fail "LANG=C lost the English usage"
grep -q '^  report  *figures: times, rates' "$dir/help-en" || fail "LANG=C lost the English table"
grep -q '^      --since DATE  *llamadas empezadas ese día' <<<"$(es report --help)" || fail "report --help is not Spanish"
st=0; es report --since nope 2>"$dir/usage-es" || st=$?
[ "$st" = 2 ] || fail "a usage error exits $st, not 2"
grep -q "^poise: opción '--since': 'nope' no es una fecha" "$dir/usage-es" ||
	fail "no Spanish usage error in: $(head -1 "$dir/usage-es")"
grep -q '^uso: poise report' "$dir/usage-es" || fail "the usage after the error is not Spanish"
en report --since nope 2>"$dir/usage-en" || true
grep -q "^poise: option '--since': 'nope' is not a date" "$dir/usage-en" || fail "LANG=C usage error not English"
bad="$POISE_SOURCE_DIR/tests/data/bad/missing-stage.yaml"
es lint "$bad" 2>"$dir/bad-es" && fail "lint passed a broken playbook"
grep -q ": error: falta la etapa 'listen'$" "$dir/bad-es" || fail "no Spanish lint error in: $(cat "$dir/bad-es")"
grep -q '^1 archivo, 1 error$' "$dir/bad-es" || fail "no Spanish lint count"
en lint "$bad" 2>"$dir/bad-en" || true
grep -q ": error: missing stage 'listen'$" "$dir/bad-en" || fail "LANG=C lint error not English"

# The report table for people: Spanish headings and decimal comma; CSV and
# JSON (machines) byte for byte the same in both locales, '.' for decimals.
"$POISE_BIN" gen 60 --agents 2 --days 5 >/dev/null
es report >"$dir/table-es"
grep -q '^ *TODOS  *agent01' "$dir/table-es" || fail "no Spanish ALL column in: $(sed -n 4p "$dir/table-es")"
grep -q '^tasa de escalado  *[0-9]*,[0-9]%' "$dir/table-es" || fail "no Spanish rate with a decimal comma"
grep -q '^tiempo medio por etapa$' "$dir/table-es" || fail "no Spanish stage heading"
grep -q '^  Empatizar ' "$dir/table-es" || fail "the stages are not named in Spanish"
en report >"$dir/table-en"
grep -q '^ *ALL  *agent01' "$dir/table-en" || fail "LANG=C table lost ALL"
grep -q '^escalation rate  *[0-9]*\.[0-9]%' "$dir/table-en" || fail "LANG=C table lost the English rate"
for f in csv json; do
	es report --format "$f" >"$dir/r-es.$f"
	en report --format "$f" >"$dir/r-c.$f"
	cmp -s "$dir/r-es.$f" "$dir/r-c.$f" || fail "report --format $f differs between es_ES and C"
done
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/r-es.json" ||
	fail "the JSON written under es_ES does not parse"
grep -q '^ALL,' "$dir/r-es.csv" || fail "CSV lost its ALL row under es_ES"

# The HTML page for people: Spanish title, headings and lang="es", the
# tooltips' figures with a decimal comma, the SVG coordinates still with '.';
# under C the English page as before.
es report --format html >"$dir/page-es.html"
grep -q '^<html lang="es">$' "$dir/page-es.html" || fail "the Spanish page is not lang=\"es\""
grep -q '<title>informe de poise: semanas del [0-9-]* al [0-9-]*</title>' "$dir/page-es.html" ||
	fail "no Spanish title in: $(grep -m1 '<title>' "$dir/page-es.html")"
grep -q '<h2>El equipo</h2>' "$dir/page-es.html" || fail "no Spanish team heading"
grep -q '<h2>Escaladas por agente <span' "$dir/page-es.html" || fail "no Spanish per-agent heading"
grep -Eq '<title>semana del [0-9-]*: [0-9]+,[0-9]%</title>' "$dir/page-es.html" ||
	fail "no Spanish tooltip with a decimal comma"
grep -Eq 'points="[0-9]+\.[0-9],[0-9]+\.[0-9]' "$dir/page-es.html" || fail "the SVG points lost their '.'"
grep -Eq 'points="[^"]*[0-9],[0-9]+,' "$dir/page-es.html" && fail "a decimal comma reached the SVG points"
en report --format html >"$dir/page-en.html"
grep -q '^<html lang="en">$' "$dir/page-en.html" || fail "LANG=C page is not lang=\"en\""
grep -q '<title>poise report: weeks of ' "$dir/page-en.html" || fail "LANG=C page lost its English title"
grep -Eq '<title>week of [0-9-]*: [0-9]+\.[0-9]%</title>' "$dir/page-en.html" || fail "LANG=C tooltip lost its '.'"

# Days for people follow the locale (es_ES: dd/mm/yy), ISO under C: the
# follow-ups' due column and the start in poise show's header.
es followups --all >"$dir/fu-es"
grep -Eq '^[0-9a-f-]+/[0-9]+ +[0-3][0-9]/[01][0-9]/[0-9][0-9] ' "$dir/fu-es" ||
	fail "no dd/mm/yy due day in: $(sed -n 2p "$dir/fu-es")"
en followups --all >"$dir/fu-en"
grep -Eq '^[0-9a-f-]+/[0-9]+ +20[0-9][0-9]-[01][0-9]-[0-3][0-9] ' "$dir/fu-en" ||
	fail "LANG=C lost the ISO due day in: $(sed -n 2p "$dir/fu-en")"
call=$(sqlite3 "$POISE_DB" 'SELECT id FROM calls LIMIT 1')
grep -Eq '^inicio +[0-3][0-9]/[01][0-9]/[0-9][0-9] [0-9:]{8}$' <<<"$(es show "$call")" ||
	fail "poise show's start is not the Spanish day: $(es show "$call" | sed -n 5p)"
grep -Eq '^started +20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-9:]{8}$' <<<"$(en show "$call")" ||
	fail "LANG=C poise show's start is not ISO: $(en show "$call" | sed -n 5p)"
echo "ok: help, usage errors, lint, the report table and page, days by the locale; CSV and JSON the same in both"
