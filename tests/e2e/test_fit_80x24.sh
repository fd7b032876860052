#!/usr/bin/env bash
# At 80x24 every stage of the shipped playbooks shows all its lines without
# scrolling: the last line of each stage is on the screen, and no scroll
# mark. pbcheck.h computes the same layout for `poise lint` (with the keys'
# footer at its most, three rows, so a longer key table cannot push the
# checklist below the fold); this checks the screen agrees.
. "$(dirname "$0")/lib.sh"

# check_stage GOAL LAST: the stage whose goal line starts with GOAL is shown,
# its last line LAST is on screen, and nothing is scrolled out of view.
check_stage() {
	wait_for "$1"
	screen | has -F -- "$2" || fail "'$2' is below the fold"
	screen | sed -n '6,21p' | has ' \^$' && fail "the list of '$1' is scrolled"
	return 0
}

# walk PLAYBOOK, then the eight pairs of goal and last line, in call order.
walk() {
	local pb=$1
	shift
	# a database per walk: the call left open by stop_poise is not offered again
	POISE_DB="$E2E_DIR/data/$(basename "$pb" .yaml).db"
	start_poise 80 24 call --playbook "$pb" --customer "Alex Morgan-Lee"
	check_stage "$1" "$2"; keys Tab
	check_stage "$3" "$4"; keys Tab
	check_stage "$5" "$6"; keys Tab
	check_stage "$7" "$8"; keys Tab
	check_stage "$9" "${10}"; keys Tab
	check_stage "${11}" "${12}"; keys b
	check_stage "${13}" "${14}"; keys Tab
	check_stage "${15}" "${16}"
	stop_poise
}

walk de-escalation \
	"Calm: Steady yourself" "Voice level and unhurried" \
	"Listen: Let the caller" "Noted the main complaint in their words" \
	"Empathize: Show you understand" "Said sorry for the trouble" \
	"Clarify: Get the full facts" "Have the account or order reference" \
	"Inform: Explain plainly" "Said clearly what is and isn't possible" \
	"Solve: Agree a fix" "Escalated or transferred if it was beyond me" \
	"Boundary: A threat ends the call now" "Rudeness: warnings in order; time and words noted" \
	"Follow-up: Close the loop" "Follow-up call or email scheduled"

# A scenario that extends the default: what the agent sees is the resolved playbook.
walk "$POISE_SOURCE_DIR/playbooks/billing-dispute.yaml" \
	"Calm: Settle yourself" "Voice level and unhurried" \
	"Listen: Hear which charge" "Noted the main complaint in their words" \
	"Empathize: Acknowledge" "Said sorry for the trouble" \
	"Clarify: Pin down" "Have the account or order reference" \
	"Inform: Explain how the amount" "Said clearly what is and isn't possible" \
	"Solve: Correct, credit" "Escalated or transferred if it was beyond me" \
	"Boundary: A threat ends the call now" "Rudeness: warnings in order; time and words noted" \
	"Follow-up: Make sure the money" "Billing error reported to the team, if there was one"

walk "$POISE_SOURCE_DIR/playbooks/desescalada.yaml" \
	"Calm: Recupera la serenidad" "Voz pausada y a volumen normal" \
	"Listen: Deja que el cliente" "Anoté la queja principal con sus palabras" \
	"Empathize: Muestra que entiendes" "Pedí perdón por las molestias" \
	"Clarify: Reúne los hechos" "Tengo la referencia de la cuenta o del pedido" \
	"Inform: Explica con claridad" "Dije con claridad qué es posible y qué no" \
	"Solve: Acuerda una solución" "Escalé o transferí si no estaba en mi mano" \
	"Boundary: Una amenaza" "Groserías: avisos en orden; anoté la hora y las palabras" \
	"Follow-up: Cierra el ciclo" "Seguimiento por teléfono o correo programado"
echo "ok"
