#!/bin/bash
# What the labs' CPU sampling costs a SYN flood: the syn-flood lab's
# capture (default events and stack policy, the lab's closed port) with
# CPU samples at the lab's default frequency, beside the same capture
# without samples; and, as the peer, what `perf record -F FREQ -a -g`
# costs the same flood untraced.  Interleaved rounds so drift hits all
# alike.  Prints SYN/s of each round, the medians, and the two ratios.
#
#   ROUNDS=5 DUR=3 FREQ=999 ./bench/lab_sampling.sh        (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=$PWD/build/netscope
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-3}
FREQ=${FREQ:-999}
OUT=${OUT:-/tmp/netscope-bench-sampling}
rm -rf "$OUT"
mkdir -p "$OUT"
FLOOD=(--scenario syn-flood --closed-port 81 --duration "$DUR" --count 100000000)

lost_of() { sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$1" | head -1; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	for hz in 0 "$FREQ"; do
		err="$OUT/$hz.$r.err"
		"$NS" record -o "$OUT/$hz.ns" "${FLOOD[@]}" --sample-freq "$hz" 2>"$err"
		printf 'round %d  sample-freq %-5s %9s SYN/s  lost %s\n' "$r" "$hz" "$(bench_pps_of "$err")" \
			"$(lost_of "$err")"
		echo "$(bench_pps_of "$err")" >>"$OUT/$hz.pps"
	done
	# the peer: perf's own sampling at the same frequency, on the untraced flood
	"$NS" run "${FLOOD[@]}" 2>"$OUT/run.$r.err"
	echo "$(bench_pps_of "$OUT/run.$r.err")" >>"$OUT/run.pps"
	perf record -q -F "$FREQ" -a -g -o "$OUT/perf.data" -- "$NS" run "${FLOOD[@]}" \
		2>"$OUT/perf.$r.err" >/dev/null
	echo "$(bench_pps_of "$OUT/perf.$r.err")" >>"$OUT/perf.pps"
	printf 'round %d  untraced %9s SYN/s, perf -F %s -a -g %9s SYN/s\n' "$r" \
		"$(bench_pps_of "$OUT/run.$r.err")" "$FREQ" "$(bench_pps_of "$OUT/perf.$r.err")"
done
off=$(median <"$OUT/0.pps")
on=$(median <"$OUT/$FREQ.pps")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median SYN/s: without samples $off, with samples at $FREQ Hz $on"
awk -v a="$on" -v b="$off" 'BEGIN { printf "netscope ratio (with / without): %.3f, cost %.1f %%\n", a / b, 100 * (1 - a / b) }'
run=$(median <"$OUT/run.pps")
prf=$(median <"$OUT/perf.pps")
echo "median SYN/s: untraced $run, perf record -F $FREQ -a -g $prf"
awk -v a="$prf" -v b="$run" 'BEGIN { printf "peer ratio (perf sampling / untraced): %.3f, cost %.1f %%\n", a / b, 100 * (1 - a / b) }'
rm -f "$OUT"/*.ns "$OUT/perf.data"
