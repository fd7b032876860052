#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: nothing but a Unix socket in
# a private temporary folder, no TCP at all.
#   scripts/pg-cluster.sh start DIR    create and start one; DIR/env says where
#   scripts/pg-cluster.sh stop DIR     stop it and delete its files
#   scripts/pg-cluster.sh halt DIR     stop it at once (pg_ctl -m immediate), keep the files
#   scripts/pg-cluster.sh resume DIR   start a halted one again
#   scripts/pg-cluster.sh restart DIR  stop it as an administrator would (-m fast) and start it
# DIR/env holds shell assignments: PGHOST (the socket folder), PGPORT,
# PGUSER (the cluster's superuser, trusted on the socket), and where the
# data and binaries are. initdb refuses to run as root, so when run by root
# the cluster belongs to the unprivileged user $POISE_PG_USER (default
# nobody). With no PostgreSQL server installed the start says so and exits
# 77 (a skip), except under CI=true or for root (who can install it, and
# `make test` does), where it is an error.
set -eu

usage() { echo "usage: scripts/pg-cluster.sh start|stop|halt|resume|restart DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
envf="$dir/env"

find_bin() {
	# POISE_PG_BIN names the folder of initdb and pg_ctl; one without them means none.
	if [ -n "${POISE_PG_BIN:-}" ]; then
		[ -x "$POISE_PG_BIN/initdb" ] && [ -x "$POISE_PG_BIN/pg_ctl" ] && echo "$POISE_PG_BIN"
		return
	fi
	for b in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ]; then
			echo "$b"
			return
		fi
	done
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
	fi
}

# Run "$@" as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$owner" -- "$@"
	else
		"$@"
	fi
}

pg_ctl_log() {
	# pg_ctl prints progress; keep it out of the way unless it fails.
	if ! as_owner "$bin/pg_ctl" "$@" >"$tmp/pg_ctl.out" 2>&1; then
		cat "$tmp/pg_ctl.out" >&2
		[ -f "$tmp/log" ] && tail -n 20 "$tmp/log" >&2
		return 1
	fi
}

load_env() {
	[ -f "$envf" ] || { echo "pg-cluster: no cluster in $dir (no $envf)" >&2; exit 1; }
	# shellcheck disable=SC1090
	. "$envf"
	tmp=$PGHOST
	bin=$POISE_PG_BIN
	owner=$POISE_PG_OWNER
}

start_server() {
	pg_ctl_log -D "$tmp/data" -l "$tmp/log" -w -t 60 \
		-o "-c listen_addresses='' -k $tmp -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60" start
}

case "$cmd" in
start)
	bin=$(find_bin) || true
	if [ -z "$bin" ]; then
		# CI and root (who can install it: make test does) must run them.
		if [ "${CI:-}" = true ] || [ "$(id -u)" -eq 0 ]; then
			echo "pg-cluster: no PostgreSQL server (initdb, pg_ctl) found, and the server tests must run here: install postgresql (scripts/deps.sh test)" >&2
			exit 1
		fi
		echo "SKIP: no PostgreSQL server (initdb, pg_ctl) found: install postgresql (scripts/deps.sh test) to run the server tests"
		mkdir -p "$dir"
		echo "POISE_PG_SKIP=1" >"$envf"
		exit 77
	fi
	[ -f "$envf" ] && "$0" stop "$dir" 2>/dev/null || true
	mkdir -p "$dir"
	owner=$(id -un)
	if [ "$(id -u)" -eq 0 ]; then
		owner=${POISE_PG_USER:-nobody}
	fi
	# The owner must reach the folder: as root, /tmp whatever TMPDIR says.
	if [ "$(id -u)" -eq 0 ]; then
		tmp=$(mktemp -d /tmp/poise-pg.XXXXXX)
	else
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/poise-pg.XXXXXX")
	fi
	[ "$(id -u)" -eq 0 ] && chown "$owner" "$tmp"
	chmod 0700 "$tmp"
	if ! (cd "$tmp" && as_owner "$bin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 \
		--locale=C --no-sync >"$tmp/initdb.out" 2>&1); then
		cat "$tmp/initdb.out" >&2
		rm -rf "$tmp"
		exit 1
	fi
	start_server || { rm -rf "$tmp"; exit 1; }
	cat >"$envf" <<EOT
PGHOST=$tmp
PGPORT=5432
PGUSER=postgres
POISE_PG_BIN=$bin
POISE_PG_OWNER=$owner
EOT
	echo "pg-cluster: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on socket $tmp"
	;;
stop)
	[ -f "$envf" ] || exit 0
	if grep -q POISE_PG_SKIP "$envf"; then rm -f "$envf"; exit 0; fi
	load_env
	as_owner "$bin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
	rm -f "$envf"
	;;
halt)
	load_env
	pg_ctl_log -D "$tmp/data" -m immediate -w stop
	;;
resume)
	load_env
	start_server
	;;
restart)
	load_env
	pg_ctl_log -D "$tmp/data" -m fast -w stop
	start_server
	;;
*) usage ;;
esac
