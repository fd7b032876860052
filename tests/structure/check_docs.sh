#!/bin/bash
# check_docs.sh - the map a newcomer reads is the tree that is there.
#
#   tests/structure/check_docs.sh [SOURCE_DIR]   check the tree (default: this repository)
#   tests/structure/check_docs.sh --self-test    show that each rule can fail
#
# Rules:
#  1. docs/architecture.md's "Every file, by folder" lists every file of src/
#     under its folder's heading (### src/FOLDER/), and nothing that is not
#     there.
#  2. Every path of the repository that docs/architecture.md or
#     CONTRIBUTING.md names (src/..., include/..., tests/..., docs/...,
#     scripts/..., bench/..., cmake/..., playbooks/..., po/...) exists;
#     placeholders (NAME, LANG, *) and pt_BR, the example language a recipe
#     makes, are skipped.
#  3. One main() for the Check programs: tests/unit/main/check_main.c; no
#     check_*.c of tests/unit or tests/team defines its own, and each
#     defines its NAME_suite().
#  4. A test that needs what a newcomer may lack skips visibly: a Check
#     program that reads ../shared (outside the repository) tags a case
#     "seeds" (tcase_set_tags; check_main.c skips it, ctest says so), and
#     a shell test that needs root exits 77 (ctest: skipped) without it.
#  5. Every public header (include/poise/*.h) is named in
#     docs/architecture.md (its table of modules).
# Prints each breach as file: what, and exits 1 when there is one.
set -u

check() {
	local root=$1 bad=0 f d want listed p name
	cd "$root" || return 2
	[ -f docs/architecture.md ] || { echo "check_docs: no docs/architecture.md in '$root'" >&2; return 2; }

	# 1. The file map, both ways.
	listed=$(awk '
		/^## / { on = ($0 ~ /^## Every file, by folder/) ; next }
		on && /^### / { d = $2; next }
		on && /^- `/ { n = $0; sub(/^- `/, "", n); sub(/`.*/, "", n); print d n }
	' docs/architecture.md | sort)
	if [ -z "$listed" ]; then
		echo "docs/architecture.md: no \"## Every file, by folder\" section"
		bad=1
	fi
	want=$(find src -type f \( -name '*.c' -o -name '*.h' \) | sort)
	while read -r f; do
		[ -n "$f" ] || continue
		echo "docs/architecture.md: $f is not in \"Every file, by folder\" (under ### $(dirname "$f")/)"
		bad=1
	done < <(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$listed"))
	while read -r f; do
		[ -n "$f" ] || continue
		echo "docs/architecture.md: \"Every file, by folder\" lists $f, which is not there"
		bad=1
	done < <(comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$listed"))

	# 2. Paths named in the two documents exist.
	for d in docs/architecture.md CONTRIBUTING.md; do
		[ -f "$d" ] || continue
		while read -r p; do
			p=${p%%[.,:;)]}
			p=${p%%[.,:;)]}
			case "$p" in *NAME* | *LANG* | *pt_BR* | *'*'* | *'…'* | *...) continue ;; esac
			[ -e "$p" ] && continue
			echo "$d: names $p, which is not there"
			bad=1
		done < <(grep -oE '(^|[^A-Za-z0-9_./-])(src|include|tests|docs|scripts|bench|cmake|playbooks|po)/[A-Za-z0-9_./*…-]+' "$d" |
			sed -E 's/^[^a-z]//' | sort -u)
	done

	# 3. One main() for the Check programs.
	for f in tests/unit/check_*.c tests/team/check_*.c; do
		[ -f "$f" ] || continue
		if grep -qE '^(int[[:space:]]+)?main[[:space:]]*\(' "$f"; then
			echo "$f: defines its own main(); the one main is tests/unit/main/check_main.c"
			bad=1
		fi
		name=$(basename "$f" .c)
		name=${name#check_}
		if ! grep -qE "^Suite[[:space:]]*\*[[:space:]]*${name}_suite[[:space:]]*\(" "$f"; then
			echo "$f: does not define Suite *${name}_suite(void), which the one main() runs"
			bad=1
		fi
	done

	# 4. Needs outside the repository, or root: skipped visibly.
	for f in tests/unit/check_*.c tests/team/check_*.c; do
		[ -f "$f" ] || continue
		if grep -q '\.\./shared' "$f" && ! grep -qE 'tcase_set_tags\([^)]*"seeds"' "$f"; then
			echo "$f: reads ../shared but tags no case \"seeds\": a clone without it fails instead of skipping"
			bad=1
		fi
	done
	for f in tests/e2e/test_*.sh tests/team/test_*.sh; do
		[ -f "$f" ] || continue
		if grep -qE 'id -u|\$\{?E?UID\b' "$f" && ! grep -qE 'exit 77' "$f"; then
			echo "$f: looks at the user id but never exits 77: an ordinary user's run fails instead of skipping"
			bad=1
		fi
	done

	# 5. Every public header named.
	for f in include/poise/*.h; do
		[ -f "$f" ] || continue
		grep -qE "[\`/]$(basename "$f" | sed 's/\./\\./g')\`" docs/architecture.md && continue
		echo "docs/architecture.md: the public header $f is not in its table of modules"
		bad=1
	done
	return $bad
}

self_test() {
	local tmp ok=0 out breach file
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/src/core/store" "$tmp/src/ui" "$tmp/docs" "$tmp/tests/unit/main" "$tmp/tests/e2e" \
		"$tmp/include/poise"
	: >"$tmp/src/core/store/store.c"
	: >"$tmp/src/ui/draw.c"
	: >"$tmp/tests/unit/main/check_main.c"
	printf 'Suite *store_suite(void)\n{\n}\n' >"$tmp/tests/unit/check_store.c"
	cat >"$tmp/docs/architecture.md" <<'EOF'
# Architecture

`src/ui/draw.c` draws; `src/cli/cmd_NAME.c` is a command.

## Every file, by folder

### src/core/store/

- `store.c`: the store

### src/ui/

- `draw.c`: drawing

## Next
EOF
	: >"$tmp/CONTRIBUTING.md"
	if ! out=$(check "$tmp"); then
		echo "self-test: a clean tree failed: $out"
		exit 1
	fi
	# Each breach: a file to add (path:content), and the file the report names.
	for breach in 'src/ui/edit.c::docs/architecture.md' \
		'CONTRIBUTING.md:See `src/core/store/store_gone.c`.:CONTRIBUTING.md' \
		'tests/unit/check_words.c:Suite *words_suite(void)\nint main(void)\n:tests/unit/check_words.c' \
		'tests/unit/check_words.c:Suite *word_suite(void)\n:tests/unit/check_words.c' \
		'tests/unit/check_words.c:Suite *words_suite(void)\n#define S "../shared/seeds"\n:tests/unit/check_words.c' \
		'tests/e2e/test_mount.sh:[ "$(id -u)" = 0 ] || exit 1\n:tests/e2e/test_mount.sh' \
		'include/poise/words.h::docs/architecture.md'; do
		file=${breach%%:*}
		rest=${breach#*:}
		printf "${rest%:*}\n" >"$tmp/$file"
		if out=$(check "$tmp"); then
			echo "self-test: not caught: $breach"
			ok=1
		elif ! grep -q "^${rest##*:}:" <<<"$out"; then
			echo "self-test: caught, but not named: $breach: $out"
			ok=1
		fi
		if [ "$file" = CONTRIBUTING.md ]; then : >"$tmp/$file"; else rm "$tmp/$file"; fi
	done
	# A file listed that is not there.
	rm "$tmp/src/ui/draw.c"
	if ! out=$(check "$tmp") || true; then :; fi
	if ! grep -q 'lists src/ui/draw.c, which is not there' <<<"$out"; then
		echo "self-test: a listed file that is gone was not caught: $out"
		ok=1
	fi
	[ $ok = 0 ] && echo "self-test: every rule fails on its breach"
	exit $ok
}

if [ "${1:-}" = --self-test ]; then
	self_test
fi
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
if check "$root"; then
	echo "check_docs: the file map is the tree, every named path is there, one main()"
	exit 0
fi
exit 1
