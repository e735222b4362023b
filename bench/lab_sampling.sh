#!/bin/bash
# What the labs' CPU sampling costs a SYN flood: the syn-flood lab's
# capture (default events and stack policy, the lab's closed port) with
# CPU samples at the lab's default frequency, beside the same capture
# without samples, in interleaved rounds so drift hits both alike.  Prints
# SYN/s of each round, the median of each configuration, and their ratio.
#
#   ROUNDS=5 DUR=3 FREQ=999 ./bench/lab_sampling.sh        (needs root)
set -u
cd "$(dirname "$0")/.."
NS=$PWD/build/netscope
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-3}
FREQ=${FREQ:-999}
OUT=${OUT:-/tmp/netscope-bench-sampling}
rm -rf "$OUT"
mkdir -p "$OUT"
FLOOD=(--scenario syn-flood --closed-port 81 --duration "$DUR" --count 100000000)

pps_of() { # stderr file of a flood -> packets per second
	sed -n 's/.*syn-flood: sent \([0-9]*\) packets in \([0-9.]*\) s.*/\1 \2/p' "$1" |
		awk '{ if ($2 > 0) printf "%.0f", $1 / $2 }'
}
lost_of() { sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$1" | head -1; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	for hz in 0 "$FREQ"; do
		err="$OUT/$hz.$r.err"
		"$NS" record -o "$OUT/$hz.ns" "${FLOOD[@]}" --sample-freq "$hz" 2>"$err"
		printf 'round %d  sample-freq %-5s %9s SYN/s  lost %s\n' "$r" "$hz" "$(pps_of "$err")" \
			"$(lost_of "$err")"
		echo "$(pps_of "$err")" >>"$OUT/$hz.pps"
	done
done
off=$(median <"$OUT/0.pps")
on=$(median <"$OUT/$FREQ.pps")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median SYN/s: without samples $off, with samples at $FREQ Hz $on"
awk -v a="$on" -v b="$off" 'BEGIN { printf "ratio (with / without): %.3f, cost %.1f %%\n", a / b, 100 * (1 - a / b) }'
rm -f "$OUT"/*.ns
