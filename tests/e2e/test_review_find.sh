#!/usr/bin/env bash
# Finding any call in review (issue 11, item 5): the filter form's customer,
# status and reviewed questions, the number of matching calls in the
# header, the search over every typed text (a promise here), and a seeded
# random sample as a review queue: the same seed draws the same calls from
# the form and from `review --status done --sample 5 --seed 42`.
. "$(dirname "$0")/lib.sh"

mkdir -p "$(dirname "$POISE_DB")"
"$POISE_BIN" gen --db "$POISE_DB" --agents 3 --days 20 60 >/dev/null
total=$(sql "SELECT count(*) FROM calls")
[ "$total" -ge 60 ] || fail "gen made $total calls"

start_poise 120 40 review --reviewer sam
wait_for "poise review - all calls"
wait_for "$total calls"

# The customer's surname of the newest call, and how many calls share it.
name=$(sql "SELECT customer FROM calls ORDER BY started_at DESC, id DESC LIMIT 1" | awk '{print $NF}')
[ -n "$name" ] || fail "no customer name"
want=$(sql "SELECT count(*) FROM calls WHERE customer LIKE '%$name%'")
keys f;          wait_for "agent [any]"
keys Enter Enter Enter Enter Enter Enter Enter; wait_for "customer name contains [any]"
text "${name,,}"; keys Enter; wait_for "customer reference [any]"
keys Enter;      wait_for "status (open, interrupted, done) [any]"
text done;       keys Enter; wait_for "reviewed (yes, no) [any]"
text no;         keys Enter; wait_for "QA score below (percent) [any]"
keys Enter;      wait_for "random sample of N calls"
keys Enter
want=$(sql "SELECT count(*) FROM calls c WHERE customer LIKE '%$name%' AND status = 'done'
	AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.call_id = c.id)
	AND NOT EXISTS (SELECT 1 FROM qa_scores s WHERE s.call_id = c.id)")
wait_for "customer=\"${name,,}\" status=done reviewed=no"
if [ "$want" = 1 ]; then wait_for "1 call"; else wait_for "$want calls"; fi
wait_for "$name"

# A typo in a question is refused where it is typed.
keys f;          wait_for "agent [any]"
keys Enter Enter Enter Enter Enter Enter Enter Enter Enter; wait_for "status (open, interrupted, done) [done]"
text closed;     keys Enter; wait_for "expected open, interrupted or done"
keys Escape;     wait_for "customer=\"${name,,}\""

# Search every typed text: a promise made at the wrap-up.
keys F;          wait_for "$total calls"
keys /;          wait_for "search every typed text"
text "corrected invoice"; keys Enter
want=$(sql "SELECT count(DISTINCT call_id) FROM events WHERE kind = 'followup'
	AND text LIKE '%corrected invoice%'")
[ "$want" -gt 0 ] || fail "gen made no promise to search for"
wait_for 'search="corrected invoice"'
if [ "$want" = 1 ]; then wait_for "1 call"; else wait_for "$want calls"; fi

# A sample of 5 done calls with seed 42: the header says so, 5 rows.
keys F;          wait_for "$total calls"
done_calls=$(sql "SELECT count(*) FROM calls WHERE status = 'done'")
keys f;          wait_for "agent [any]"
keys Enter Enter Enter Enter Enter Enter Enter Enter Enter; wait_for "status (open, interrupted, done) [any]"
text done;       keys Enter; wait_for "reviewed (yes, no) [any]"
keys Enter Enter; wait_for "random sample of N calls"
text 5;          keys Enter; wait_for "seed (the same seed"
text -;          keys BSpace; text 42; keys Enter
wait_for "sample of 5 from $done_calls calls (seed 42)"
rows=$(screen | sed -n '3,40p' | grep -c 'agent[0-9]' || true)
expect_eq 5 "$rows" "rows listed in the sample"
first=$(screen | sed -n '3,7p')
keys q
expect_eq 0 "$(wait_exit)" "poise review exit status"
stop_poise

# The same sample from the command line.
start_poise 120 40 review --reviewer sam --status done --sample 5 --seed 42
wait_for "sample of 5 from $done_calls calls (seed 42)"
wait_for "filtered: status=done"
again=$(screen | sed -n '3,7p')
expect_eq "$first" "$again" "the same seed's sample"
keys q
wait_exit >/dev/null
stop_poise

# Another seed, another sample (of 5 among dozens, the same five is a 1 in 10^6 chance).
start_poise 120 40 review --reviewer sam --status done --sample 5 --seed 7
wait_for "sample of 5 from $done_calls calls (seed 7)"
other=$(screen | sed -n '3,7p')
[ "$other" != "$first" ] || fail "seeds 42 and 7 drew the same sample"
keys q
wait_exit >/dev/null
stop_poise

# Nonsense on the command line is a usage error, before any screen.
"$POISE_BIN" review --db "$POISE_DB" --status closed >/dev/null 2>"$E2E_DIR/err" && fail "--status closed was taken"
grep -q "unknown status 'closed'" "$E2E_DIR/err" || fail "no word on --status closed"
"$POISE_BIN" review --db "$POISE_DB" --seed 3 >/dev/null 2>"$E2E_DIR/err" && fail "--seed alone was taken"
grep -q -- "--seed needs --sample N" "$E2E_DIR/err" || fail "no word on --seed alone"
echo "PASS"
