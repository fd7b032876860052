#!/usr/bin/env bash
# run.sh - build the benchmarks in build-bench and print one markdown table:
# poise's figure, its floor measured in the same run, and the ratio.
#
#   bench/run.sh            all benches (about a minute)
#   bench/run.sh --quick    fewer rounds, for a smoke test
#   bench/run.sh --scale N  only the supervisor's side at N calls (bench_scale:
#                           poise gen N, review, report, export; minutes at 1M)
#   bench/run.sh --team [N] only the team server, on a throwaway PostgreSQL
#                           cluster (scripts/pg-cluster.sh): the live floor's
#                           alert latency (bench_floor), then sync at N calls
#                           (bench_team; default 100000; about half an hour at 1M);
#                           BENCH_PUSH_ONLY=1: only the push and the one new call
#                           (open connection, a session's first sync, a fresh
#                           `poise sync` process); BENCH_CUTOFF_ONLY=1: only the
#                           pushes of 1 to 2,000 calls by INSERT ... VALUES and
#                           by COPY staging (team_sync's cutoff between them)
#
# Environment: TMPDIR picks the disk the databases go on (default /tmp);
# BENCH_ROUNDS overrides every bench's number of rounds; BENCH_SCALE_DB=PATH
# keeps the --scale database there (and reuses it when it holds N calls);
# BENCH_PLANS=1 prints every review filter's query plan.
# BENCH_TEAM_DB=PATH keeps --team's file of N calls there, and reuses it.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-bench"
[[ ${1:-} == --quick ]] && export BENCH_ROUNDS=${BENCH_ROUNDS:-3}
scale=
team=
if [[ ${1:-} == --team ]]; then
	team=${2:-100000}
	[[ $team =~ ^[0-9]+$ && $team -ge 1000 ]] || { echo "usage: bench/run.sh --team [N] (N >= 1000)" >&2; exit 2; }
fi
if [[ ${1:-} == --scale ]]; then
	scale=${2:-}
	[[ $scale =~ ^[0-9]+$ && $scale -ge 1000 ]] || { echo "usage: bench/run.sh --scale N (N >= 1000)" >&2; exit 2; }
fi

log=$(mktemp)
trap 'rm -f "$log" "$log".cg "$log".rows "$log".ir' EXIT
if ! { cmake -S "$root" -B "$build" -DPOISE_BENCH=ON -DPOISE_WERROR=OFF -DBUILD_TESTING=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo &&
       cmake --build "$build" -j"$(nproc)"; } >"$log" 2>&1; then
	cat "$log" >&2
	echo "bench: build failed" >&2
	exit 1
fi
b="$build/bench"

# Instructions executed by one call of a bench's function (callgrind counts
# the same on a busy machine as on an idle one).
instructions() { # BENCH FUNCTION
	local n
	BENCH_ROUNDS=1 BENCH_BATCH=1 valgrind --tool=callgrind --callgrind-out-file="$log.cg" \
		--toggle-collect="$2" "$b/$1" >/dev/null 2>"$log" ||
		{ cat "$log" >&2; echo "bench: callgrind failed on $1" >&2; return 1; }
	n=$(awk '/^totals:/ { print $2 }' "$log.cg")
	# An inlined function is never called: nothing is counted.
	[[ ${n:-0} -gt 0 ]] || { echo "bench: callgrind saw no call of $2 in $1" >&2; return 1; }
	echo "$n"
}

ir_row() { # KEY BENCH POISE_FN FLOOR_FN: "KEY POISE FLOOR" into $log.ir
	local p f
	p=$(instructions "$2" "$3")
	f=$(instructions "$2" "$4")
	echo "$1 $p $f" >>"$log.ir"
}

fs=$(df -PT "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 }')
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo "poise $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%F %H:%M UTC')," \
	"$(nproc) cores ($cpu), load average $(cut -d' ' -f1 /proc/loadavg), databases on $fs;" \
	"times are medians of N alternated runs"
echo
if [[ -n $scale || -n $team ]]; then
	echo "| what | poise | floor | ratio |"
	echo "|---|---|---|---|"
fi
if [[ -n $scale ]]; then
	exec "$b/bench_scale" "$scale" ${BENCH_SCALE_DB:+--db "$BENCH_SCALE_DB"}
fi
if [[ -n $team ]]; then
	pg=$(mktemp -d)
	trap 'sh "$root/scripts/pg-cluster.sh" stop "$pg/c" >/dev/null 2>&1; rm -rf "$log" "$log".cg "$pg"' EXIT
	sh "$root/scripts/pg-cluster.sh" start "$pg/c" >/dev/null || { echo "bench: no PostgreSQL cluster" >&2; exit 1; }
	set -a
	. "$pg/c/env"
	set +a
	if [[ -n ${BENCH_CUTOFF_ONLY:-} ]]; then
		"$b/bench_team" "$team" --cutoff-only
		exit 0
	fi
	[[ -n ${BENCH_PUSH_ONLY:-} ]] || "$b/bench_floor"
	"$b/bench_team" "$team" ${BENCH_PUSH_ONLY:+--push-only}
	exit 0
fi
# The timed rows, then each one's instruction counts beside it (the same
# work under callgrind; docs/benchmarks.md says which ratio to trust when).
{
	"$b/bench_load"
	"$b/bench_append"
	"$b/bench_fold"
	"$b/bench_start"
} >"$log.rows"
: >"$log.ir"
if command -v valgrind >/dev/null; then
	ir_row load bench_load load_poise load_floor
	ir_row note bench_append append_poise append_floor
	ir_row mood bench_append append_poise_mood append_floor_mood
	ir_row fold bench_fold fold_poise fold_floor
	"$b/bench_start" --instructions >>"$log.ir" # start, key
fi
echo "| what | poise | floor | ratio (time) | instructions: poise / floor | ratio (instructions) |"
echo "|---|---|---|---|---|---|"
awk '
	function n(x) { return x >= 1e5 ? sprintf("%.0f k", x / 1e3) : sprintf("%d", x) }
	FNR == NR { p[$1] = $2; f[$1] = $3; next }
	{
		k = ""
		if ($0 ~ /^\| playbook load/) k = "load"
		else if ($0 ~ /append \(NOTE/) k = "note"
		else if ($0 ~ /append \(MOOD/) k = "mood"
		else if ($0 ~ /^\| fold/) k = "fold"
		else if ($0 ~ /^\| start-up/) k = "start"
		else if ($0 ~ /^\| keypress/) k = "key"
		if (k in p && f[k] > 0)
			printf "%s %s / %s | %.1fx |\n", $0, n(p[k]), n(f[k]), p[k] / f[k]
		else
			printf "%s | |\n", $0
	}' "$log.ir" "$log.rows"
command -v valgrind >/dev/null || echo "(valgrind not installed: no instruction counts)"
