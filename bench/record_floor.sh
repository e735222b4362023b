#!/bin/bash
# What recording every event must cost at least, next to what netscope
# costs: SYN floods between the lab's namespaces, in interleaved rounds,
#   a   untraced (netscope run)
#   w0  tp_btf programs doing nothing (the floor of overhead.sh)
#   w1  each packet event takes a timestamp
#   w2  ... and writes a 64-byte record into a ring buffer (read by a consumer)
#   w3  ... a 176-byte record, the size of netscope's event
#   w4  ... a 64-byte record into a per-CPU batch, one ring record per 32
#   w5  ... a 176-byte record into a per-CPU batch of 16 (netscope's shape)
#   w6  ... the same with 64-byte records (w5 vs w6: what the bytes of a
#       batched event cost)
#   c   netscope record, default events and stack policy
# on the tracepoints netscope attaches by default (bench/floor.bpf.c).
# A design that records every event with its time cannot do better than
# w2/w3 on this machine, whatever it leaves out; w4 is what batching
# the ring's records per CPU could reach, before merging CPUs in user space.  Medians and ratios to (a).
#
#   ROUNDS=5 DUR=3 ./bench/record_floor.sh        (needs root)
#   CONFIGS="a w5 w6" picks configurations (a, the base of the ratios, always)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=$PWD/build/netscope
FLOOR=$PWD/build/bench/floor
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-3}
OUT=$(mktemp -d /tmp/netscope-bench-rfloor.XXXXXX)
bench_at_exit "rm -rf $OUT"
FLOOD=(--scenario syn-flood --duration "$DUR" --count 100000000)
TPS=$(bench_tracepoints "$NS" default)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

run_config() { # config round
	local c=$1 err="$OUT/$1.$2.err" pid
	case $c in
	a) "$NS" run "${FLOOD[@]}" 2>"$err" ;;
	w?) # shellcheck disable=SC2086
	    "$FLOOR" --work "${c#w}" $TPS >"$OUT/floor.out" 2>&1 &
	    pid=$!
	    for _ in $(seq 100); do grep -q attached "$OUT/floor.out" && break; sleep 0.1; done
	    "$NS" run "${FLOOD[@]}" 2>"$err"
	    kill -INT $pid
	    wait $pid ;;
	c) "$NS" record -o "$OUT/c.ns" "${FLOOD[@]}" 2>"$err" ;;
	esac
}

configs=${CONFIGS:-a w0 w1 w2 w3 w4 w5 w6 c}
case " $configs " in *" a "*) ;; *) configs="a $configs" ;; esac
declare -A label=([a]="untraced" [w0]="empty programs (the floor)" [w1]="+ a timestamp per packet event"
	[w2]="+ a 64-byte ring record" [w3]="+ a 176-byte ring record" [w4]="+ 64 bytes, batched by 32 per CPU"
	[w5]="+ 176 bytes, batched by 16 per CPU" [w6]="+ 64 bytes, batched by 16 per CPU"
	[c]="netscope record (default)")
echo "record floor: $ROUNDS interleaved rounds of ${DUR}s SYN floods; kernel $(uname -r), $(nproc) CPUs"
for r in $(seq "$ROUNDS"); do
	line="  round $r:"
	for c in $configs; do
		run_config "$c" "$r"
		line+=" $c $(bench_pps_of "$OUT/$c.$r.err")"
	done
	echo "$line"
done
base=$(for r in $(seq "$ROUNDS"); do bench_pps_of "$OUT/a.$r.err"; echo; done | grep . | median)
echo
printf '%-4s %-34s %10s %7s\n' cfg setup "SYN/s" ratio
for c in $configs; do
	p=$(for r in $(seq "$ROUNDS"); do bench_pps_of "$OUT/$c.$r.err"; echo; done | grep . | median)
	printf '%-4s %-34s %10s %7.2f\n' "$c" "${label[$c]}" "$p" \
		"$(awk -v p="$p" -v b="$base" 'BEGIN { print (b > 0) ? p / b : 0 }')"
done
