#!/usr/bin/env bash
# Review's call page lists each boundary warning in the words the customer
# heard: a warning event logged without its text (poise gen's calls, a call
# from a server or a merge) takes the playbook's line with {customer} and
# {agent} filled in, as `poise show` prints it, never the bare placeholder.
. "$(dirname "$0")/lib.sh"

"$POISE_BIN" gen --seed 3 --agents 1 --days 2 --db "$POISE_DB" 60 >/dev/null || fail "poise gen"
row=$(sql "SELECT c.id, c.customer_ref, c.customer FROM calls c WHERE EXISTS (SELECT 1 FROM
	events e WHERE e.call_id = c.id AND e.kind = 'warning' AND e.text IS NULL)
	AND c.customer <> '' ORDER BY c.id LIMIT 1")
[ -n "$row" ] || fail "poise gen made no call with a warning logged without its text"
IFS=$'\t' read -r call ref customer <<<"$row"
shown=$("$POISE_BIN" show --db "$POISE_DB" "$call" | sed -n 's/^.*  boundary   warning 1: //p')
[ -n "$shown" ] || fail "poise show lists no warning 1"
case $shown in *"$customer"*) ;; *) fail "poise show's warning 1 lacks '$customer': $shown" ;; esac

start_poise 160 40 review --reviewer sam --ref "$ref"
wait_for "$customer"
keys Enter;      wait_for "call ${call:0:13}"
wait_for "boundary warning"
screen | has -F "warning 1: $shown" || fail "review's warning 1 is not show's '$shown':
$(screen | grep 'warning 1')"
screen | has -F "{customer}" && fail "review shows a bare {customer}"
keys q;          wait_for "poise review"
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
echo ok
