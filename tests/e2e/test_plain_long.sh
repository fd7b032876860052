#!/usr/bin/env bash
# Plain mode through a pipe never cuts what was typed (issue 9 item 2's
# caps): a note longer than a note may be is refused whole with a clear
# message, not stored cut; a line longer than the input buffer is left out
# whole, none of its bytes run as keys (a tail of x's would end the call);
# a note at the limit, in four-byte characters, is stored whole.
. "$(dirname "$0")/lib.sh"

kinds() { exported "kinds" | sed -n "${1}p" | tr ' ' '\n' | grep -v '^prompt$' | tr '\n' ' '; }

long=$(python3 -c 'print("a" * 501)')
huge=$(python3 -c 'print("x" * 5000)')
full=$(python3 -c 'print("\U0001F600" * 500)')
out=$(printf 'Bo\n\nn\n%s\n%s\nn\n%s\n4\nx\nr\n1\n\n\n\nq\n' "$long" "$huge" "$full" |
	"$POISE_BIN" call --plain --playbook e2e-fast 2>&1) || fail "plain mode on a pipe failed: $out"
echo "$out" | has "too long: at most 500 characters; not saved" ||
	fail "a 501-character note was not refused: $(echo "$out" | cut -c1-200)"
echo "$out" | has "a line too long to be keys was left out" ||
	fail "a 5000-byte line was not left out: $(echo "$out" | cut -c1-200)"
echo "$out" | has "Call saved." || fail "the call was not saved: $(echo "$out" | cut -c1-200)"
[ "$(kinds 1)" = "start note mood wrapup outcome cause end " ] ||
	fail "the piped call logged: $(kinds 1)"
[ "$(exported '[e["text"] for e in c["events"] if e["kind"] == "note"][0]')" = "$full" ] ||
	fail "the note at the limit was not stored whole"
echo ok
