#!/usr/bin/env bash
# The screens in the agent's language: with LANG=es_ES.UTF-8 a real call on
# the Spanish playbook shows Spanish on the call screen (header, banners,
# boundary warnings, hold, footer), in the wrap-up and on the ready screen,
# with the follow-up's day written as the locale writes days (dd/mm/yy); no
# English word of the screens' own is left in the footers, and 40x12 still
# fits. The es_ES locale is compiled into a scratch folder (localedef +
# LOCPATH) as in test_lang.sh; skips (77) where it cannot be, except in CI.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/locale.sh"
es_locale "$E2E_DIR"
E2E_ENV="LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 LOCPATH='$E2E_DIR/loc'"

# footer_lacks ROWS WORD...: none of the words (whole words) on the last ROWS rows.
footer_lacks() {
	local rows=$1 foot w
	shift
	foot=$(screen | sed '/^ *$/d' | tail -n "$rows")
	for w in "$@"; do
		grep -qwF -- "$w" <<<"$foot" && fail "English '$w' left in the footer: $foot"
	done
	return 0
}

start_poise 80 24 call --playbook "$POISE_SOURCE_DIR/playbooks/desescalada.yaml" --customer Ana
wait_for "agente tester"
wait_for "llamada 00:"
wait_for "etapa 00:"
wait_for "? ayuda  1-5 ánimo  Tab sigue  Izq atrás"
wait_for "Espacio marcar"
wait_for "x terminar"
footer_lacks 3 help mood next back move tick/said undo skip boundary warn note hold \
	escalate manager breathe "end call" "read prompt" Space Left
# The mood's words (src/core) are in Spanish too.
keys 4;          wait_for "ánimo 4 enfadado"
keys Tab Tab;    wait_for "✓Esc"
wait_for "Empatizar: "     # the stage titles (src/core) are in Spanish
keys Space;      wait_for "(dicha)"
keys n;          wait_for "nota (Intro guarda, Esc cancela):"
wait_for "quedan 500"
text "Cliente muy enfadado"; keys Enter
wait_for "nota guardada"
keys b;          wait_for "Advertencias, palabra por palabra"
wait_for "(siguiente: w la muestra)"
keys w;          wait_for "(dila y luego w la registra)"
wait_for "la advertencia 1 está resaltada"
keys w;          wait_for "(dada a las "
keys h;          wait_for "EN ESPERA"
keys h;          wait_gone "EN ESPERA"
keys p;          wait_for "inspira"
keys Escape;     wait_gone "inspira"
keys '?';        wait_for "poise - teclas de la llamada"
wait_for "muestra esta ayuda"
wait_for "Espacio     marca un punto de la lista"
keys q;          wait_gone "poise - teclas de la llamada"

# The compact layout at 40x12, then back.
tm resize-window -t main -x 40 -y 12
wait_for " et "
wait_for "? ayuda  1-5 ánimo  Tab sigue  Izq atrás"
screen | has "too small\|demasiado pequeño\|muy pequeño" && fail "40x12 does not fit in Spanish"
tm resize-window -t main -x 80 -y 24
wait_for "Espacio marcar"

# The wrap-up.
keys x;          wait_for "Cierre  Ana"
wait_for "¿Cómo terminó la llamada? (Esc: volver a la llamada)"
wait_words "resultado: r resuelta e escalada t transferida"
for w in Etapas Ánimo Registrado Resultado Causa Seguimiento Reflexión; do
	wait_for "$w"
done
wait_for "en total; 1 aviso; 0 escalados"
wait_for "1 nota"
for w in Stages Logged Outcome Cause Follow-up Reflection Wrap-up; do
	screen | grep -qwF -- "$w" && fail "English '$w' left in the wrap-up"
done
keys r;          wait_for "causa:"
keys 1;          wait_for "fecha del seguimiento (Intro salta):"
text "today"; keys Enter
wait_for "canal del seguimiento"
text "teléfono"; keys Enter
wait_for "compromiso adquirido (Intro salta):"
text "llamar de nuevo"; keys Enter
wait_for "qué fue bien (Intro salta):"
keys Enter;      wait_for "qué mejorar (Intro salta):"
keys Enter;      wait_for "poise - una pausa breve"   # a warned call: the breather
wait_for "Ha sido una llamada difícil"
keys Space

# The ready screen: Spanish, and today's follow-up as es_ES writes a day.
wait_for "poise - listo para la siguiente llamada   agente tester"
wait_for "Hoy: 1 llamada, tiempo medio de atención"
wait_for "Seguimientos pendientes"
wait_for "hoy     $(date -u +%d/%m/%y)  Ana  teléfono  llamar de nuevo"
wait_for "Intro/c siguiente llamada"
footer_lacks 2 "next call" playbook answer follow-up done quit
keys q
[ "$(wait_exit)" = 0 ] || fail "poise did not exit cleanly"

# What is stored stays machine text, whatever the screens' language.
expect_eq "resolved" "$(sql "SELECT outcome FROM calls")" "the stored outcome"
echo "ok: call screen, wrap-up and ready screen in Spanish; dates as es_ES writes them; 40x12 fits"
