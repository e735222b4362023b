#!/bin/bash
# What the kmem capture's in-kernel filter costs the rest of the machine:
# a workload that allocates heavily outside networking (files created and
# unlinked, processes forked: dentries, inodes, files, task_structs, page
# tables: kmem_cache_alloc/kmalloc/kfree by the hundred thousand), run
# untraced and with `netscope record --netns NS --events kmem` attached, in
# interleaved rounds so drift hits both alike.  NS is an empty namespace of
# the bench's own: no packet of the machine's other traffic is kept, so the
# figure is the filter's alone (every allocation and free runs it and is
# thrown away).
#
# Two measures, because a shared machine makes times noisy:
#   - the workload's CPU time (user+sys of its processes, where the BPF
#     programs run too), median of the rounds, untraced vs traced;
#   - after the rounds, one pass more with the kernel's BPF statistics on
#     (kernel.bpf_stats_enabled: run_cnt and run_time_ns of each kmem
#     program; they cost two clock reads a call, so not in the rounds): ns
#     per call, and the filter's time as a share of the workload's CPU time
#     (an upper bound: the calls of every other process are in it too).
# EVENTS=kmem (the slab events, the default) or EVENTS=kmem,kmem-pages.
#
#   ROUNDS=9 FILES=5000 FORKS=300 EVENTS=kmem ./bench/kmem_filter.sh      (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
NS=$PWD/build/netscope
ROUNDS=${ROUNDS:-9}
FILES=${FILES:-5000}
FORKS=${FORKS:-300}
EVENTS=${EVENTS:-kmem}
OUT=${OUT:-/tmp/netscope-bench-kmem}
rm -rf "$OUT"
mkdir -p "$OUT/files"
NETNS=nsbench-kmem-$$
ip netns add "$NETNS" || exit 1
STATS=$(sysctl -n kernel.bpf_stats_enabled)
trap 'ip netns del "$NETNS" 2>/dev/null; sysctl -q -w kernel.bpf_stats_enabled="$STATS"; rm -rf "$OUT/files"' EXIT

workload() { # CPU ms (user+sys) of one pass, its children included
	local before after me=$BASHPID # ($BASHPID inside $(...) would be that subshell's)
	before=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$me/stat)
	(
		for ((i = 0; i < FILES; i++)); do : >"$OUT/files/f$i"; done
		rm -rf "$OUT/files"
		mkdir "$OUT/files"
		for ((i = 0; i < FORKS; i++)); do /bin/true; done
	)
	after=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$me/stat)
	echo $(((after - before) * 1000 / $(getconf CLK_TCK)))
}
# "calls ns" of the loaded kmem programs (bpftool names them btf_kmem_cach..., btf_kmalloc, ...)
kmem_prog_stats() {
	bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
c = t = 0
for p in json.load(sys.stdin):
    if p.get("name", "").startswith(("btf_kmem", "btf_kmalloc", "btf_kfree", "btf_mm_page",
                                      "raw_kmem", "raw_kmalloc", "raw_kfree", "raw_mm_page")) \
       and not p["name"].startswith(("btf_kfree_skb", "raw_kfree_skb")):
        c += p.get("run_cnt", 0); t += p.get("run_time_ns", 0)
print(c, t)'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

traced() { # CPU ms of one pass with the capture attached; "calls ns" of the filter into $OUT/stats
	rm -f "$OUT/k.ns"
	"$NS" record -o "$OUT/k.ns" --netns "$NETNS" --events "$EVENTS" 2>"$OUT/rec.err" &
	local rec=$! c0 t0 c1 t1 ms
	for _ in $(seq 100); do [ -s "$OUT/k.ns" ] && break; sleep 0.05; done
	sleep 0.2
	read -r c0 t0 < <(kmem_prog_stats)
	ms=$(workload)
	read -r c1 t1 < <(kmem_prog_stats)
	kill -INT "$rec"
	wait "$rec"
	echo "$((c1 - c0)) $((t1 - t0)) $ms" >"$OUT/stats"
	echo "$ms"
}

echo "events: $EVENTS; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
workload >/dev/null # warm the caches
sysctl -q -w kernel.bpf_stats_enabled=0
for r in $(seq "$ROUNDS"); do
	off=$(workload)
	on=$(traced)
	echo "$off" >>"$OUT/off.ms"
	echo "$on" >>"$OUT/on.ms"
	printf 'round %d  untraced %6d ms CPU  kmem capture %6d ms CPU  (%s)\n' "$r" "$off" "$on" \
		"$(grep -o '[0-9]* events produced' "$OUT/rec.err")"
done
a=$(median <"$OUT/off.ms")
b=$(median <"$OUT/on.ms")
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median CPU ms of the workload: untraced $a, with the kmem capture $b"
awk -v a="$a" -v b="$b" 'BEGIN { printf "slowdown by CPU time: %.1f %% (ratio %.3f)\n", 100 * (b / a - 1), b / a }'
sysctl -q -w kernel.bpf_stats_enabled=1
traced >/dev/null
sysctl -q -w kernel.bpf_stats_enabled=0
awk '{ printf "filter (bpf_stats pass): %.0f ns per call, %d calls, %.1f %% of the workload'"'"'s %d ms CPU (upper bound)\n",
	       $1 ? $2 / $1 : 0, $1, $3 ? 100 * $2 / 1e6 / $3 : 0, $3 }' "$OUT/stats"
rm -rf "$OUT/files" "$OUT"/*.ns
