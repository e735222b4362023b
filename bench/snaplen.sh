#!/bin/bash
# What `record --snaplen N` costs on a SYN flood between the lab's two
# namespaces (the flood of bench/overhead.sh), in interleaved rounds so
# drift hits all alike:
#   a  untraced (netscope run)
#   c  netscope record, default events (headers only)
#   s  netscope record --snaplen $SNAPLEN (default 128)
# Each as SYN packets/s, its ratio to (a), and s to c; with the events and
# payload records captured and lost.  A SYN is 40-60 bytes from its IP
# header, so every packet's bytes fit: the cost is one record per packet
# (the once-per-packet map, the copy, the ring), not the length.
#
#   ROUNDS=5 DUR=3 SNAPLEN=128 ./bench/snaplen.sh        (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=$PWD/build/netscope
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-3}
SNAPLEN=${SNAPLEN:-128}
OUT=${OUT:-/tmp/netscope-bench-snaplen}
rm -rf "$OUT"
mkdir -p "$OUT"
FLOOD=(--scenario syn-flood --duration "$DUR" --count 100000000)

loss_of() { # netscope stderr -> "captured lost"
	sed -n 's/.* \([0-9]*\) events produced, \([0-9]*\) captured, \([0-9]*\) lost.*/\2 \3/p' "$1"
}
bytes_of() { # netscope stderr -> "packets-with-bytes records-lost"
	local c l
	c=$(sed -n 's/^netscope: packet bytes (snaplen [0-9]*): \([0-9]*\) packets captured.*/\1/p' "$1")
	l=$(sed -n 's/.*; \([0-9]*\) lost (ring buffer full).*/\1/p' "$1")
	echo "${c:--} ${l:-0}"
}

run_config() { # config round
	local c=$1 r=$2 err="$OUT/$1.$2.err"
	case $c in
	a) "$NS" run "${FLOOD[@]}" 2>"$err" ;;
	c) "$NS" record -o "$OUT/c.ns" "${FLOOD[@]}" 2>"$err" ;;
	s) "$NS" record -o "$OUT/s.ns" --snaplen "$SNAPLEN" "${FLOOD[@]}" 2>"$err" ;;
	esac
	rm -f "$OUT/$c.ns"
}

configs="a c s"
echo "snaplen: $ROUNDS interleaved rounds of ${DUR}s SYN floods; kernel $(uname -r), $(nproc) CPUs"
for r in $(seq "$ROUNDS"); do
	for c in $configs; do
		run_config "$c" "$r"
		printf '  round %d %s: %s pkt/s\n' "$r" "$c" "$(bench_pps_of "$OUT/$c.$r.err")"
	done
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }
med_of() { for r in $(seq "$ROUNDS"); do bench_pps_of "$OUT/$1.$r.err"; echo; done | grep . | median; }
declare -A label=([a]="untraced" [c]="netscope record (headers only)"
	[s]="netscope record --snaplen $SNAPLEN")
base=$(med_of a)
echo
printf '%-4s %-36s %10s %6s %12s %10s %12s %10s\n' cfg setup "pkt/s" ratio events lost \
	"with bytes" "bytes lost"
for c in $configs; do
	p=$(med_of "$c")
	ev=- lost=- wb=- bl=-
	last="$OUT/$c.$ROUNDS.err"
	[ "$c" != a ] && read -r ev lost <<<"$(loss_of "$last")"
	[ "$c" = s ] && read -r wb bl <<<"$(bytes_of "$last")"
	printf '%-4s %-36s %10s %6.2f %12s %10s %12s %10s\n' "$c" "${label[$c]}" "$p" \
		"$(awk -v p="$p" -v b="$base" 'BEGIN { print (b > 0) ? p / b : 0 }')" "$ev" "$lost" \
		"$wb" "$bl"
done
echo
awk -v s="$(med_of s)" -v c="$(med_of c)" \
	'BEGIN { if (c > 0) printf "--snaplen %s vs headers only: %.2f of the throughput\n", "'"$SNAPLEN"'", s / c }'
