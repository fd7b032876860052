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
#
# A run killed before its stop (ctest interrupted, a test killed with -9)
# would leave its server running: pg_ctl detaches it. So each cluster's
# folder (${TMPDIR:-/tmp}/poise-pg.*, as root /tmp/poise-pg.*) holds a
# record, written by the starting user before initdb: the process that
# started it (its "holder": the script's parent, through any `sh -c` of
# system(); POISE_PG_HOLDER names another), that process's start time, and
# once up the postmaster's pid and data folder (also in DIR/env). Every
# start and stop first reaps the stale clusters of the same user: a record
# of this user's whose holder is gone. It stops only a postmaster whose pid
# the record names and whose postmaster.pid and command line name the
# recorded data folder; a cluster without such a record (started otherwise,
# by another user, or by a run still alive) is never touched.
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

# The start time of process $1 (field 22 of /proc/PID/stat), empty when there is none.
started_at() {
	[ -r "/proc/$1/stat" ] || return 0
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'
}

# The process this start belongs to: $POISE_PG_HOLDER, else the parent,
# past any `sh -c` wrapper (system() in a C test) to what ran that.
holder_pid() {
	if [ -n "${POISE_PG_HOLDER:-}" ]; then echo "$POISE_PG_HOLDER"; return; fi
	h=$PPID
	while [ "$h" -gt 1 ] && [ "$(tr '\0' ' ' <"/proc/$h/cmdline" 2>/dev/null | awk '{print $2}')" = "-c" ]; do
		case "$(cat "/proc/$h/comm" 2>/dev/null)" in sh|dash|bash) ;; *) break ;; esac
		h=$(sed 's/.*) //' "/proc/$h/stat" | awk '{print $2}')
	done
	echo "$h"
}

# KEY's value in record file $1.
rec_get() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# Set KEY=VALUE in file $1 (replacing an earlier KEY).
rec_set() {
	n=$(mktemp "$1.XXXXXX")
	{ grep -v "^$2=" "$1" 2>/dev/null || true; echo "$2=$3"; } >"$n"
	chmod 0644 "$n"
	mv "$n" "$1"
}

# The running postmaster of data folder $1: the pid that postmaster.pid
# names, else the recorded pid $2, when that process's command line is
# postgres -D $1; else nothing.
postmaster_of() {
	for p in "$(head -n 1 "$1/postmaster.pid" 2>/dev/null || true)" "${2:-}"; do
		case "$p" in ''|*[!0-9]*) continue ;; esac
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "-D $1 "; then
			echo "$p"
			return 0
		fi
	done
}

# Stop cluster folder $1's postmaster (last recorded pid $2, may be empty)
# at once, if one still runs on its data folder, then delete the folder.
stop_verified() {
	live=$(postmaster_of "$1/data" "$2")
	if [ -n "$live" ]; then
		as_owner "$bin/pg_ctl" -D "$1/data" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
			kill -KILL "$live" 2>/dev/null || true
	fi
	rm -rf "$1"
}

# Reap this user's stale clusters: a record whose holder has gone.
reap_stale() {
	me=$(id -u)
	for rec in /tmp/poise-pg.*/record "${TMPDIR:-/tmp}"/poise-pg.*/record; do
		[ -f "$rec" ] && [ ! -L "$rec" ] || continue
		[ "$(stat -c %u "$rec")" = "$me" ] || continue
		h=$(rec_get "$rec" POISE_PG_HOLDER)
		hs=$(rec_get "$rec" POISE_PG_HOLDER_START)
		[ -n "$h" ] && [ -n "$hs" ] || continue # no holder to judge by: leave it
		if [ -n "$(started_at "$h")" ] && [ "$(started_at "$h")" = "$hs" ]; then
			continue # its run is still going
		fi
		c=$(dirname "$rec")
		[ "$(rec_get "$rec" PGHOST)" = "$c" ] || continue
		bin=$(rec_get "$rec" POISE_PG_BIN)
		owner=$(rec_get "$rec" POISE_PG_OWNER)
		[ -x "$bin/pg_ctl" ] && [ -n "$owner" ] || continue
		echo "pg-cluster: reaping a stale test cluster in $c (the run that started it, pid $h, is gone)" >&2
		stop_verified "$c" "$(rec_get "$rec" POISE_PG_PID)"
	done
}

# After the server started: its postmaster's pid and data folder, in the
# record and DIR/env.
record_postmaster() {
	pm=$(postmaster_of "$tmp/data")
	rec_set "$tmp/record" POISE_PG_PID "$pm"
	rec_set "$tmp/record" POISE_PG_DATA "$tmp/data"
	if [ -f "$envf" ]; then
		rec_set "$envf" POISE_PG_PID "$pm"
		rec_set "$envf" POISE_PG_DATA "$tmp/data"
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
	reap_stale
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
	holder=$(holder_pid)
	cat >"$tmp/record" <<EOT
PGHOST=$tmp
POISE_PG_BIN=$bin
POISE_PG_OWNER=$owner
POISE_PG_HOLDER=$holder
POISE_PG_HOLDER_START=$(started_at "$holder")
EOT
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
	record_postmaster
	echo "pg-cluster: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on socket $tmp"
	;;
stop)
	reap_stale
	[ -f "$envf" ] || exit 0
	if grep -q POISE_PG_SKIP "$envf"; then rm -f "$envf"; exit 0; fi
	load_env
	if ! as_owner "$bin/pg_ctl" -D "$tmp/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
		stop_verified "$tmp" "${POISE_PG_PID:-}"
	fi
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
	record_postmaster
	;;
restart)
	load_env
	pg_ctl_log -D "$tmp/data" -m fast -w stop
	start_server
	record_postmaster
	;;
*) usage ;;
esac
