#!/bin/sh
# scripts/format.sh - the house style (.clang-format), applied by one
# command: `make format`. `scripts/format.sh --check` changes nothing and
# fails on the first file the style would change (ctest structure_format).
#
# The files are every C file git knows in include/, src/, tests/ and bench/.
# The check runs only with clang-format 14, Debian bookworm's, the one the
# tree is formatted with: another version formats a few constructs
# differently, and a style check that fails on a newcomer's machine for
# that would be noise. It says so and skips (77) instead.
set -eu
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null 2>&1; then
	echo "format: clang-format is not installed (scripts/deps.sh test installs it)" >&2
	exit 77
fi
if ! files=$(git ls-files 'include/*.h' 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' \
	'bench/*.c' 'bench/*.h' 2>/dev/null) || [ -z "$files" ]; then
	echo "format: not a git checkout: nothing to list the files with" >&2
	exit 77
fi
if [ "${1:-}" = --check ]; then
	version=$(clang-format --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	if [ "$version" != 14 ]; then
		echo "format: clang-format $version, not 14: the check is left to CI" >&2
		exit 77
	fi
	# shellcheck disable=SC2086 # one word a file
	exec clang-format --dry-run -Werror $files
fi
# shellcheck disable=SC2086
exec clang-format -i $files
