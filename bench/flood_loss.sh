#!/bin/bash
# Loss at flood rate: `netscope record --scenario syn-flood --count N` with
# default settings, ROUNDS times, alone and with a CPU-bound process beside
# it (stress-ng --cpu 1 on a 2-CPU machine: the flood, the ring consumer,
# the trace writer and the hog share two CPUs).  Prints, per run, the SYNs
# sent and their rate, events captured and lost, the CPU time of the
# netscope process alone (its threads, not the scenario it forks:
# perf stat -p) and what the writer thread said.
#
#   COUNT=300000 ROUNDS=3 ./bench/flood_loss.sh      (needs root)
#   NS=/path/to/other/netscope ./bench/flood_loss.sh  (an older build, for before/after)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=${NS:-$PWD/build/netscope}
COUNT=${COUNT:-300000}
ROUNDS=${ROUNDS:-3}
HOG=${HOG:-"stress-ng --cpu 1 --timeout 60"}
OUT=${OUT:-/tmp/netscope-flood-loss}
rm -rf "$OUT"
mkdir -p "$OUT"

one() { # label round
	local err="$OUT/$1.$2.err" hog=
	if [ "$1" = hog ]; then
		$HOG >/dev/null 2>&1 &
		hog=$!
		sleep 0.5
	fi
	"$NS" record -o "$OUT/f.ns" --scenario syn-flood --count "$COUNT" 2>"$err" &
	local pid=$!
	sleep 0.2
	perf stat -x, -e task-clock -p "$pid" -o "$OUT/$1.$2.stat" 2>/dev/null &
	local perfpid=$!
	wait "$pid"
	kill -INT "$perfpid" 2>/dev/null
	wait "$perfpid" 2>/dev/null
	[ -n "$hog" ] && { kill "$hog"; wait "$hog"; } 2>/dev/null
	local sent secs ev lost cpu writer
	read -r sent secs <<<"$(sed -n 's/.*syn-flood: sent \([0-9]*\) packets in \([0-9.]*\) s.*/\1 \2/p' "$err")"
	read -r ev lost <<<"$(sed -n 's/.* \([0-9]*\) events produced, \([0-9]*\) captured, \([0-9]*\) lost.*/\2 \3/p' "$err")"
	cpu=$(awk -F, '/task-clock/ { printf "%.2f", $1 / 1000 }' "$OUT/$1.$2.stat")
	writer=$(grep -o 'waited [0-9]* times ([0-9.]* ms)\|[0-9]* events not written' "$err" | tr '\n' ' ')
	printf '%-6s round %d: %s SYNs in %s s (%.0f/s), %s events, %s lost, netscope cpu %s s %s\n' \
		"$1" "$2" "${sent:-?}" "${secs:-?}" "$(awk -v a="${sent:-0}" -v b="${secs:-1}" 'BEGIN { print a / b }')" \
		"${ev:-?}" "${lost:-?}" "${cpu:-?}" "${writer:+(writer: $writer)}"
}

echo "flood loss: $ROUNDS rounds of $COUNT SYNs, default settings; $(uname -r), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	one alone "$r"
	one hog "$r"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
