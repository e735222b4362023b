#!/bin/bash
# Overhead of `netscope record --netns all` on an hping3 SYN flood (a
# generator netscope did not write) between two namespaces this script
# makes: a veth pair, 198.18.0.1 and 198.18.0.2 (RFC 2544 benchmarking
# range), no route out, so no packet can leave them.  Interleaved rounds of
#   a  untraced
#   b  empty tp_btf programs on the same tracepoints (the floor)
#   c  netscope record --netns all (default events and stack policy)
#   u  the same unbatched (NETSCOPE_BATCH=0: a ring record per event)
#   p  the same with another netscope binary, BASE=path (an earlier build:
#      A/B in the same interleaved run)
#   f  bpftrace counting the same tracepoints
# each DUR seconds of `hping3 -S --flood`, throughput = SYNs that reached
# 198.18.0.2 (rx_packets of its veth) per second, as a ratio to (a).
#
#   ROUNDS=3 DUR=5 ./bench/hping3.sh       (needs root, hping3 and bpftrace)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=$PWD/build/netscope
FLOOR=$PWD/build/bench/floor
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-5}
OUT=${OUT:-/tmp/netscope-hping3}
A=nsbench-hping-a
B=nsbench-hping-b
rm -rf "$OUT"
mkdir -p "$OUT"
command -v hping3 >/dev/null || { echo "hping3 is missing (apt-get install hping3)" >&2; exit 1; }

cleanup() { ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null; }
bench_at_exit cleanup
cleanup
ip netns add $A && ip netns add $B || exit 1
ip link add hp-a netns $A type veth peer name hp-b netns $B || exit 1
ip -n $A addr add 198.18.0.1/30 dev hp-a
ip -n $B addr add 198.18.0.2/30 dev hp-b
ip -n $A link set hp-a up; ip -n $A link set lo up
ip -n $B link set hp-b up; ip -n $B link set lo up
rx() { ip netns exec $B cat /sys/class/net/hp-b/statistics/rx_packets; }
ip netns exec $A hping3 -q -c 1 -S -p 80 198.18.0.2 >/dev/null 2>&1
[ "$(rx)" -gt 0 ] || { echo "namespaces not connected" >&2; exit 1; }

TPS=$("$NS" doctor --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
want = set(d["default_events"]) | set(d["context_events"])
print(" ".join(k for k, v in d["tracepoints"].items() if v["tracefs"] and k.split(":")[1] in want))')
BT_PROBES=""
for tp in $TPS; do BT_PROBES+="${BT_PROBES:+,}tracepoint:$tp"; done

flood() { # -> SYNs per second that reached B
	local r0 r1
	r0=$(rx)
	# bounded by time; only ever aimed at the namespace's peer address
	timeout -s INT "$DUR" ip netns exec $A hping3 -q -S --flood -p 80 198.18.0.2 >/dev/null 2>&1
	r1=$(rx)
	echo $(((r1 - r0) / DUR))
}
wait_for() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

run_config() { # config round -> pps on stdout, details in $OUT
	local c=$1 r=$2 pid p
	case $c in
	a) flood ;;
	b) "$FLOOR" $TPS >"$OUT/floor.out" 2>&1 &
	   pid=$!; wait_for "$OUT/floor.out" attached
	   flood
	   kill -INT $pid; wait $pid ;;
	c|u|p) if [ "$c" = u ]; then export NETSCOPE_BATCH=0; fi
	   local ns=$NS
	   [ "$c" = p ] && ns=$BASE
	   "$ns" record -o "$OUT/$c.ns" --netns all --duration $((DUR + 30)) 2>"$OUT/$c.$r.err" &
	   unset NETSCOPE_BATCH
	   pid=$!
	   sleep 3 # attached (probing, loading) before the flood
	   p=$(flood)
	   kill -INT $pid; wait $pid
	   echo "$p" ;;
	f) bpftrace -e "$BT_PROBES { @events = count(); }" >"$OUT/bt.out" 2>&1 &
	   pid=$!; wait_for "$OUT/bt.out" Attaching; sleep 1
	   flood
	   kill -INT $pid; wait $pid ;;
	esac
}

configs=${CONFIGS:-a b c u f}
case " $configs " in *" p "*) [ -x "${BASE:-}" ] || { echo "hping3: config p needs BASE=path of a netscope binary" >&2; exit 1; } ;; esac
echo "hping3: $ROUNDS interleaved rounds of ${DUR}s floods; kernel $(uname -r), $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A vals
for r in $(seq "$ROUNDS"); do
	for c in $configs; do
		v=$(run_config "$c" "$r")
		vals[$c]+="$v "
		extra=""
		case $c in c|u|p) extra=" ($(grep -o '[0-9]* captured, [0-9]* lost' "$OUT/$c.$r.err"))" ;; esac
		printf '  round %d %s: %s SYN/s%s\n' "$r" "$c" "$v" "$extra"
	done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base=$(median <<<"${vals[a]}")
declare -A label=([a]="untraced" [b]="empty tp_btf programs (floor)"
	[c]="netscope record --netns all" [u]="  same, unbatched" [p]="  same, BASE build"
	[f]="bpftrace counting")
# ratio: of the medians; paired: the median of each round's ratio to the
# same round's (a), which the host's drift between rounds moves less
read -r -a av <<<"${vals[a]}"
echo
for c in $configs; do
	m=$(median <<<"${vals[$c]}")
	read -r -a cv <<<"${vals[$c]}"
	paired=$(for i in "${!cv[@]}"; do
		awk -v x="${cv[$i]}" -v y="${av[$i]:-0}" 'BEGIN { if (y > 0) printf "%.4f ", x / y }'
	done | median)
	printf '%-3s %-32s %10s SYN/s %6.2f  paired %.2f\n' "$c" "${label[$c]}" "$m" \
		"$(awk -v a="$m" -v b="$base" 'BEGIN { print a / b }')" "${paired:-0}"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
