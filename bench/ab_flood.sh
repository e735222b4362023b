#!/bin/bash
# A/B of two netscope builds (or wrapper scripts setting options or
# environment) on the syn-flood, paired: each round records a 2 s flood
# with A and with B, back to back (the order alternating), and the ratio
# B/A of the round's SYN/s is taken; printed per round, then the mean,
# standard deviation and standard error of those ratios.  A change of 1 %
# needs ~16-30 rounds on this project's VMs, whose throughput drifts by
# several percent between rounds (docs/PERFORMANCE.md).
#
#   ./bench/ab_flood.sh /tmp/before/netscope build/netscope [ROUNDS]   (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
[ $# -ge 2 ] || { echo "usage: $0 A B [rounds]" >&2; exit 2; }
A=$1 B=$2 R=${3:-16}
for x in "$A" "$B"; do [ -x "$x" ] || { echo "ab_flood: $x is not executable" >&2; exit 2; }; done
TMPD=$(mktemp -d /tmp/netscope-bench-ab.XXXXXX)
bench_at_exit "rm -rf '$TMPD'"
one() { # binary -> SYN/s of a 2 s flood recorded with it
	"$1" record -o "$TMPD/t.ns" --scenario syn-flood --duration 2 --count 100000000 2>"$TMPD/err"
	bench_pps_of "$TMPD/err"
}
echo "ab_flood: $R paired rounds, A=$A B=$B; kernel $(uname -r), $(nproc) CPUs"
for i in $(seq "$R"); do
	if [ $((i % 2)) = 0 ]; then x=$(one "$A"); y=$(one "$B"); else y=$(one "$B"); x=$(one "$A"); fi
	echo "$x $y"
done | awk '$1 > 0 && $2 > 0 { r = $2 / $1; s += r; ss += r * r; n++; printf "  A %s  B %s  B/A %.3f\n", $1, $2, r }
	END { if (!n) { print "no round measured"; exit 1 }
	      m = s / n; sd = sqrt(ss / n - m * m)
	      printf "B/A mean %.4f sd %.4f se %.4f (n=%d)\n", m, sd, sd / sqrt(n), n }'
