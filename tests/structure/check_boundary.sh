#!/bin/bash
# check_boundary.sh - the core's folders keep their insides to themselves, and its
# status messages have one home.
#
#   tests/structure/check_boundary.sh [SOURCE_DIR]   check the tree (default: this repository)
#   tests/structure/check_boundary.sh --self-test    show that each rule can fail
#
# Rules, over src/ (tests, fuzz targets and benches may include the private
# headers of what they test):
#  1. SQLite is the store's: no sqlite3 (header or call) and no SQL text
#     outside src/core/store/. (src/team speaks PostgreSQL's SQL through
#     libpq, its own library, and is not the core.)
#  2. A family's private header (any .h in src/core/FAMILY/) is included
#     only by files of that family; src/core/util/ is the core's shared
#     layer, so its headers may be included anywhere in src/core/, but
#     never by the UI, the command line or the team library. However the
#     path is spelt: "store/x.h", "core/store/x.h", "../core/store/x.h".
#  3. A public header (include/poise/) includes only public headers.
#  4. Each outside library's header has one home: <sqlite3.h> the store
#     (rule 1), <yaml.h> src/core/playbook/, <libpq-fe.h> src/team/,
#     <curses.h> (or <ncurses*.h>) only src/ui/curses.h and <term.h> only
#     src/ui/.
#  5. A status's own message has one home, status.h's POISE_STATUS_LIST:
#     no poise_error_set() spells one of those messages by hand ("out of
#     memory" is poise_error_nomem(); another status's plain message is
#     poise_status_str()), so each is written and translated once.
# tests/structure/check_symbols.py checks the same boundaries on the built
# objects (calls, not includes), and the store's call graph.
# Prints each breach as file:line: what, and exits 1 when there is one.
set -u

check() {
	local root=$1 bad=0 f line rest inc fam
	cd "$root" || return 2
	[ -d src/core ] || { echo "check_boundary: no src/core in '$root'" >&2; return 2; }

	# 1. sqlite3 and SQL outside the store.
	while IFS=: read -r f line rest; do
		echo "$f:$line: SQLite outside src/core/store/: $rest"
		bad=1
	done < <(grep -rn --include='*.[ch]' 'sqlite3' src include | grep -v '^src/core/store/')
	while IFS=: read -r f line rest; do
		echo "$f:$line: SQL outside src/core/store/: $rest"
		bad=1
	done < <(grep -rnE --include='*.[ch]' \
		'"[^"]*\b(SELECT|INSERT (OR [A-Z]+ )?INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE (TABLE|INDEX|TRIGGER)|PRAGMA)\b' \
		src include | grep -v -e '^src/core/store/' -e '^src/team/')

	# 2. Private headers included from outside their family: "FAMILY/x.h"
	# names src/core/FAMILY/ (a bare "x.h" is its own folder's header).
	while IFS=: read -r f line inc; do
		fam=${inc%%/*}
		[ -d "src/core/$fam" ] || continue
		if [ "$fam" = util ]; then
			[[ $f == src/core/* ]] && continue
		else
			[[ $f == src/core/$fam/* ]] && continue
		fi
		echo "$f:$line: includes $inc, private to src/core/$fam/"
		bad=1
	done < <(grep -rn --include='*.[ch]' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' src |
		sed -n 's|^\([^:]*:[0-9]*\):.*#[[:space:]]*include[[:space:]]*"\(\.\./\)*\(src/\)\{0,1\}\(core/\)\{0,1\}\([^"]*\)".*|\1:\5|p')

	# 3. A public header includes only public headers.
	while IFS=: read -r f line rest; do
		echo "$f:$line: a public header includes a private one: $rest"
		bad=1
	done < <(grep -rn --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' include |
		grep -v '#[[:space:]]*include[[:space:]]*"poise/')

	# 4. Each outside library's header in its one home.
	while IFS=: read -r f line rest; do
		case "$rest" in
		*yaml.h*) [[ $f == src/core/playbook/* ]] && continue ;;
		*libpq*) [[ $f == src/team/* ]] && continue ;;
		*term.h*) [[ $f == src/ui/* ]] && continue ;;
		*curses*) [ "$f" = src/ui/curses.h ] && continue ;;
		esac
		echo "$f:$line: a library's header outside its home: $rest"
		bad=1
	done < <(grep -rnE --include='*.[ch]' \
		'^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](yaml\.h|libpq-fe\.h|libpq/|n?cursesw?\.h|ncursesw/|term\.h)' \
		src include)

	# 5. A status's own message, spelt by hand in poise_error_set() (a call
	# may span lines: each file is read whole).
	while IFS=: read -r f line rest; do
		echo "$f:$line: a status's own message by hand (status.h has it once):$rest"
		bad=1
	done < <(POISE_MSGS=$(sed -n 's/^[[:space:]]*X([A-Z_]*, N_("\([^"]*\)")).*/\1/p' \
		include/poise/status.h) find src -name '*.[ch]' -exec perl -0777 -ne '
			BEGIN { $alt = join("|", map { quotemeta } split(/\n/, $ENV{POISE_MSGS})); }
			while ($alt ne "" && /poise_error_set\([^;]*?,\s*_?\(?"($alt)"\)?\s*\)/g) {
				print "$ARGV:", 1 + (substr($_, 0, $-[0]) =~ tr/\n//), ": \"$1\"\n";
			}' {} +)
	return $bad
}

self_test() {
	local tmp ok=0 out
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/src/core/store" "$tmp/src/core/report" "$tmp/src/core/util" "$tmp/src/ui" \
		"$tmp/src/core/playbook" "$tmp/src/team" "$tmp/src/cli" "$tmp/include/poise"
	printf '#include "store_int.h"\n#include <sqlite3.h>\n' >"$tmp/src/core/store/store.c"
	: >"$tmp/src/core/store/store_int.h"
	: >"$tmp/src/core/util/grow.h"
	printf '#include "util/grow.h"\n' >"$tmp/src/core/report/report.c"
	: >"$tmp/src/core/report/report_int.h"
	: >"$tmp/src/core/playbook/playbook_tree.h"
	printf '#include <yaml.h>\n#include "playbook_tree.h"\n' >"$tmp/src/core/playbook/playbook_tree.c"
	printf '#include <curses.h>\n' >"$tmp/src/ui/curses.h"
	printf '#include <term.h>\n#include "ui/curses.h"\n' >"$tmp/src/ui/term.c"
	printf '#include <libpq-fe.h>\n' >"$tmp/src/team/team_int.h"
	printf '#include "poise/status.h"\n' >"$tmp/include/poise/store.h"
	printf '\tX(NOMEM, N_("out of memory"))\t\\\n\tX(IO, N_("input/output error"))\n' \
		>"$tmp/include/poise/status.h"
	printf 'return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory: %%s", s);\n' \
		>"$tmp/src/core/report/report_msg.c"
	# The clean tree passes ...
	if ! out=$(check "$tmp"); then
		echo "self-test: a clean tree failed: $out"
		exit 1
	fi
	# ... and each breach fails it, named.
	for breach in 'src/core/report/review.c:#include "store/store_int.h"' \
		'src/core/report/review.c:	sqlite3_step(s);' \
		'src/core/report/review.c:static const char q[] = "SELECT id FROM calls";' \
		'src/ui/draw.c:#include "util/grow.h"' \
		'include/poise/x.h:#include <sqlite3.h>' \
		'src/ui/draw.c:#include "core/store/store_int.h"' \
		'src/team/team.c:#include "../core/report/report_int.h"' \
		'src/core/report/review.c:#include "src/core/playbook/playbook_tree.h"' \
		'include/poise/x.h:#include "util/grow.h"' \
		'src/cli/cmd_lint.c:#include <yaml.h>' \
		'src/ui/draw.c:#include <libpq-fe.h>' \
		'src/ui/draw.c:#include <curses.h>' \
		'src/core/report/review.c:#include <term.h>' \
		'src/core/report/review.c:	return poise_error_set(err, POISE_NOMEM, NULL, 0, 0, "out of memory");' \
		'src/team/team.c:	poise_error_set(e, POISE_IO, p, 0, 0,\n\t\t_("input/output error"));'; do
		file=${breach%%:*}
		printf '%b\n' "${breach#*:}" >"$tmp/$file"
		if out=$(check "$tmp"); then
			echo "self-test: not caught: $breach"
			ok=1
		elif ! grep -q "^$file:1:" <<<"$out"; then
			echo "self-test: caught, but not named: $breach: $out"
			ok=1
		fi
		rm "$tmp/$file"
	done
	[ $ok = 0 ] && echo "self-test: every rule fails on its breach"
	exit $ok
}

if [ "${1:-}" = --self-test ]; then
	self_test
fi
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
if check "$root"; then
	echo "check_boundary: the store's SQL and each family's private headers stay in their folders; each status message has one home"
	exit 0
fi
exit 1
