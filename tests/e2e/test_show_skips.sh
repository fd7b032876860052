#!/usr/bin/env bash
# `poise show` says why a line was skipped in words, as the call screen and
# review do, in the reader's language (every reason, English and Spanish);
# the machine formats (export as JSON lines and CSV) keep the stored keys.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/locale.sh"

start_poise 100 30 call --playbook e2e-fast --customer Ana
wait_for "Calm goal"
keys s d;   wait_for "(skipped: didn't fit)"
keys Tab;   wait_for "Listen goal"
keys s c;   wait_for "(skipped: customer calmer already)"
keys j s w; wait_for "(skipped: wrong scenario)"
keys Tab;   wait_for "Empathize goal"
keys s o;   wait_for "(skipped: other)"
finish_call
id=$(sql "SELECT id FROM calls")

en=$(LANG=C.UTF-8 "$POISE_BIN" show --db "$POISE_DB" "$id")
for want in "skipped (didn't fit): Calm line for Ana" \
	"skipped (customer calmer already): Listen line one" \
	"skipped (wrong scenario): Listen line two" "skipped (other): Empathize line"; do
	grep -qF -- "$want" <<<"$en" || fail "show lacks '$want': $en"
done
grep -qE 'didnt-fit|calmer\)|wrong-scenario' <<<"$en" && fail "show prints a raw reason: $en"

# The machine formats keep the keys, whatever the language.
keys_of() { python3 -c '
import json, sys
print(" ".join(e["text"] for c in map(json.loads, sys.stdin) for e in c["events"]
	if e["kind"] == "skip"))'; }
codes="didnt-fit calmer wrong-scenario other"
expect_eq "$codes" "$("$POISE_BIN" export --db "$POISE_DB" --format jsonl | keys_of)" "export's keys"
csv=$("$POISE_BIN" export --db "$POISE_DB" --format csv)
for k in $codes; do grep -q ",$k\(,\|$\)" <<<"$csv" || fail "export csv lacks the key $k: $csv"; done

es_locale "$E2E_DIR"
export LOCPATH="$E2E_DIR/loc"
es=$(LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 "$POISE_BIN" show --db "$POISE_DB" "$id")
for want in "omitido (no encajaba): Calm line for Ana" \
	"omitido (el cliente ya estaba más tranquilo): Listen line one" \
	"omitido (escenario equivocado): Listen line two" "omitido (otro): Empathize line"; do
	grep -qF -- "$want" <<<"$es" || fail "show in Spanish lacks '$want': $es"
done
expect_eq "$codes" "$(LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 "$POISE_BIN" export --db "$POISE_DB" \
	--format jsonl | keys_of)" "export's keys in Spanish"
es_csv=$(LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 "$POISE_BIN" export --db "$POISE_DB" --format csv)
expect_eq "$csv" "$es_csv" "export csv whatever the language"
echo ok
