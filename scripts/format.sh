#!/bin/sh
# scripts/format.sh - the house style (.clang-format), applied by one
# command.
#
#   scripts/format.sh FILE...   format those files (what you changed)
#   scripts/format.sh           format every C file git knows in include/,
#                               src/, tests/ and bench/ (`make format`)
#   scripts/format.sh --check   change nothing; fail on the first file the
#                               style would change
#
# The check wants clang-format 14, Debian bookworm's: another version
# formats a few constructs differently, so it says so and skips (77).
set -eu
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null 2>&1; then
	echo "format: clang-format is not installed (scripts/deps.sh test installs it)" >&2
	exit 77
fi
check=
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
if [ $# -gt 0 ]; then
	files=$*
elif ! files=$(git ls-files 'include/*.h' 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' \
	'bench/*.c' 'bench/*.h' 2>/dev/null) || [ -z "$files" ]; then
	echo "format: not a git checkout: name the files to format" >&2
	exit 77
fi
if [ -n "$check" ]; then
	version=$(clang-format --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	if [ "$version" != 14 ]; then
		echo "format: clang-format $version, not 14: nothing checked" >&2
		exit 77
	fi
	# shellcheck disable=SC2086 # one word a file
	exec clang-format --dry-run -Werror $files
fi
# shellcheck disable=SC2086
exec clang-format -i $files
