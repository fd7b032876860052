#!/bin/sh
# Install the Debian packages poise needs, or say exactly how to.
#   scripts/deps.sh run    what building and running needs
#   scripts/deps.sh test   that, plus what the test suite needs
set -eu

# The -dev packages also bring the static archives (libsqlite3.a, libyaml.a,
# libncursesw.a, libtinfo.a) poise links by default (cmake/static_libs.cmake).
run_pkgs="make gcc cmake pkg-config libncurses-dev libyaml-dev libsqlite3-dev libpq-dev check gettext"
test_pkgs="$run_pkgs postgresql tmux strace clang clang-format libclang-rt-dev python3 sqlite3 e2fsprogs util-linux mount chromium locales"

case "${1:-run}" in
run) want=$run_pkgs ;;
test) want=$test_pkgs ;;
*) echo "usage: scripts/deps.sh [run|test]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# A mirror that fails for a moment fails the whole build: three tries.
	for try in 1 2 3; do
		# shellcheck disable=SC2086
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing && exit 0
		[ "$try" = 3 ] && break
		echo "apt-get failed (try $try of 3): again in 10 s" >&2
		sleep 10
	done
	exit 1
else
	echo "poise needs these Debian packages:$missing" >&2
	echo "install them with:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
