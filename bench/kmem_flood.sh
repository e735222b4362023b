#!/bin/bash
# What the skb-memory lab's kmem capture costs a SYN flood: the flood
# recorded with the default events (labs I) and with the default events
# plus kmem (`--events default,kmem`: every SYN's sk_buff and head, every
# SYN-ACK's, their frees), in interleaved rounds.  Prints SYN/s of each
# round, the medians, the ratio, and the events each capture produced.
#
#   ROUNDS=3 DUR=3 ./bench/kmem_flood.sh        (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=$PWD/build/netscope
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-3}
OUT=${OUT:-/tmp/netscope-bench-kmem-flood}
rm -rf "$OUT"
mkdir -p "$OUT"
FLOOD=(--scenario syn-flood --closed-port 81 --duration "$DUR" --count 100000000)

produced_of() { sed -n 's/.* \([0-9]*\) events produced.*/\1/p' "$1" | head -1; }
lost_of() { sed -n 's/.* \([0-9]*\) lost.*/\1/p' "$1" | head -1; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
	for ev in default default,kmem; do
		err="$OUT/$ev.$r.err"
		"$NS" record -o "$OUT/f.ns" "${FLOOD[@]}" --events "$ev" 2>"$err"
		printf 'round %d  --events %-13s %9s SYN/s  %9s events produced, %s lost\n' "$r" "$ev" \
			"$(bench_pps_of "$err")" "$(produced_of "$err")" "$(lost_of "$err")"
		bench_pps_of "$err" >>"$OUT/$ev.pps"
		echo >>"$OUT/$ev.pps"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
a=$(grep . "$OUT/default.pps" | median)
b=$(grep . "$OUT/default,kmem.pps" | median)
echo "median SYN/s: default events $a, default+kmem $b"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio (default+kmem / default): %.3f\n", b / a }'
rm -f "$OUT"/*.ns
