#!/bin/bash
# Overhead of capture on a SYN flood between the lab's two namespaces.
#
# Configurations, run in interleaved rounds so drift hits all alike:
#   a  untraced (netscope run)
#   b  empty tp_btf programs on the same tracepoints (the floor)
#   c  netscope record, default events and stack policy
#   u  the same unbatched (NETSCOPE_BATCH=0: a ring record per event)
#   p  the same with another netscope binary, BASE=path (an earlier build:
#      A/B in the same interleaved run)
#   d  netscope record --stack-policy all (a stack on every event)
#   e  perf record -a -g on the same tracepoints
#   f  bpftrace counting the same tracepoints
# Each is printed as SYN packets/s and as a ratio to (a), with the events
# captured and lost.  Then the stack policy's coverage of call paths: a
# low-rate flood recorded with a stack on every event vs with the default
# policy (bench/stackcov).
#
#   ROUNDS=3 DUR=3 ./bench/overhead.sh        (needs root)
#   CONFIGS="a b c u" picks configurations
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=$PWD/build/netscope
FLOOR=$PWD/build/bench/floor
STACKCOV=$PWD/build/bench/stackcov
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-3}
OUT=${OUT:-/tmp/netscope-bench}
rm -rf "$OUT"
mkdir -p "$OUT"
FLOOD=(--scenario syn-flood --duration "$DUR" --count 100000000)
EVENTS=${EVENTS:-default}

TPS=$(bench_tracepoints "$NS" "$EVENTS")
PERF_EVENTS=()
BT_PROBES=""
for tp in $TPS; do
	PERF_EVENTS+=(-e "$tp")
	BT_PROBES+="${BT_PROBES:+,}tracepoint:$tp"
done

loss_of() { # netscope stderr -> "captured lost"
	sed -n 's/.* \([0-9]*\) events produced, \([0-9]*\) captured, \([0-9]*\) lost.*/\2 \3/p' "$1"
}
wait_for() { # file, pattern: wait until a background tool is attached
	for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

run_config() { # config round
	local c=$1 r=$2 err="$OUT/$1.$2.err" pid
	case $c in
	a) "$NS" run "${FLOOD[@]}" 2>"$err" ;;
	b) "$FLOOR" $TPS >"$OUT/floor.out" 2>&1 &
	   pid=$!
	   wait_for "$OUT/floor.out" attached
	   "$NS" run "${FLOOD[@]}" 2>"$err"
	   kill -INT $pid; wait $pid
	   echo "events - -" >>"$err" ;;
	c) "$NS" record -o "$OUT/c.ns" --events "$EVENTS" "${FLOOD[@]}" 2>"$err" ;;
	p) "$BASE" record -o "$OUT/p.ns" --events "$EVENTS" "${FLOOD[@]}" 2>"$err" ;;
	u) NETSCOPE_BATCH=0 "$NS" record -o "$OUT/u.ns" --events "$EVENTS" "${FLOOD[@]}" 2>"$err" ;;
	d) "$NS" record -o "$OUT/d.ns" --events "$EVENTS" --stack-policy all "${FLOOD[@]}" 2>"$err" ;;
	e) perf record -q -a -g "${PERF_EVENTS[@]}" -o "$OUT/perf.data" -- "$NS" run "${FLOOD[@]}" 2>"$err"
	   perf report -i "$OUT/perf.data" --stats 2>/dev/null >"$OUT/perf.stats"
	   local s l
	   s=$(awk '/^ *SAMPLE events:/ { print $3 }' "$OUT/perf.stats" | head -1)
	   l=$(awk '/^ *LOST events:/ { print $3 }' "$OUT/perf.stats" | head -1)
	   echo "events ${s:-?} ${l:-0}" >>"$err"
	   rm -f "$OUT/perf.data" ;;
	f) bpftrace -e "$BT_PROBES { @events = count(); }" >"$OUT/bt.out" 2>&1 &
	   pid=$!
	   wait_for "$OUT/bt.out" Attaching
	   sleep 1 # bpftrace prints before its last attach
	   "$NS" run "${FLOOD[@]}" 2>"$err"
	   kill -INT $pid; wait $pid
	   echo "events $(sed -n 's/^@events: //p' "$OUT/bt.out") -" >>"$err" ;;
	esac
}

configs=${CONFIGS:-a b c u d e f}
case " $configs " in *" p "*) [ -x "${BASE:-}" ] || { echo "overhead: config p needs BASE=path of a netscope binary" >&2; exit 1; } ;; esac
echo "overhead: $ROUNDS interleaved rounds of ${DUR}s SYN floods; kernel $(uname -r), $(nproc) CPUs"
for r in $(seq "$ROUNDS"); do
	for c in $configs; do
		run_config "$c" "$r"
		printf '  round %d %s: %s pkt/s\n' "$r" "$c" "$(bench_pps_of "$OUT/$c.$r.err")"
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
declare -A label=(
	[a]="untraced" [b]="empty tp_btf programs (floor)" [c]="netscope record --events $EVENTS" [u]="  same, unbatched" [p]="  same, BASE build"
	[d]="  same, --stack-policy all" [e]="perf record -a -g" [f]="bpftrace counting")
base=$(for r in $(seq "$ROUNDS"); do bench_pps_of "$OUT/a.$r.err"; echo; done | grep . | median)
echo
# ratio: of the medians; paired: the median of each round's ratio to the
# same round's (a), which the host's drift between rounds moves less
printf '%-4s %-38s %12s %7s %7s %14s %12s\n' cfg setup "pkt/s" ratio paired "events" lost
for c in $configs; do
	p=$(for r in $(seq "$ROUNDS"); do bench_pps_of "$OUT/$c.$r.err"; echo; done | grep . | median)
	paired=$(for r in $(seq "$ROUNDS"); do
		x=$(bench_pps_of "$OUT/$c.$r.err") y=$(bench_pps_of "$OUT/a.$r.err")
		[ -n "$x" ] && [ -n "$y" ] && awk -v x="$x" -v y="$y" 'BEGIN { if (y > 0) printf "%.4f\n", x / y }'
	done | median)
	ev=- lost=-
	last="$OUT/$c.$ROUNDS.err"
	case $c in
	c|u|d|p) read -r ev lost <<<"$(loss_of "$last")" ;;
	b|e|f) read -r _ ev lost <<<"$(grep '^events' "$last")" ;;
	esac
	printf '%-4s %-38s %12s %7.2f %7.2f %14s %12s\n' "$c" "${label[$c]}" "$p" \
		"$(awk -v p="$p" -v b="$base" 'BEGIN { print (b > 0) ? p / b : 0 }')" "${paired:-0}" \
		"${ev:--}" "${lost:--}"
done

echo
echo "stack policy coverage: low-rate flood (2000 SYN/s, 6000 SYNs), stacks on every event vs sampled"
"$NS" record -o "$OUT/cov-all.ns" --stack-policy all --scenario syn-flood --rate 2000 --count 6000 \
	2>"$OUT/cov-all.err"
"$NS" record -o "$OUT/cov-sampled.ns" --scenario syn-flood --rate 2000 --count 6000 \
	2>"$OUT/cov-sampled.err"
grep -h "events produced" "$OUT/cov-all.err" "$OUT/cov-sampled.err"
"$STACKCOV" "$OUT/cov-all.ns" "$OUT/cov-sampled.ns"
