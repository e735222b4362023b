#!/bin/bash
# What each handler of the interrupts lab's capture costs: run time per
# call from bpf_stats (kernel.bpf_stats_enabled, restored after) of the
# programs one `netscope record` loads, during the lab's workload (udp,
# default,irq,napi,irq_vectors, under the namespace filter).  Programs are
# told apart as those loaded after the "before" list: another capture
# starting at the same moment would be counted too.
#
#   COUNT=4000 RATE=4000 ./bench/interrupts_bpf_stats.sh      (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
COUNT=${COUNT:-4000}
RATE=${RATE:-4000}
TMPD=$(mktemp -d /tmp/netscope-bench-irq.XXXXXX)
bench_at_exit 'rm -rf "$TMPD"'
bpftool prog show -j >"$TMPD/before.json"
bench_bpf_stats_on # restored at exit, also when killed
./build/netscope record -o "$TMPD/t.ns" --scenario udp --count "$COUNT" --rate "$RATE" \
	--events default,irq,napi,irq_vectors --sample-freq 0 2>/dev/null &
pid=$!
for _ in $(seq 50); do bpftool prog show -j | grep -q 'btf_local_timer_entry\|raw_local_timer_entry' && break; sleep 0.1; done
sleep 0.8
bpftool prog show -j >"$TMPD/during.json"
wait $pid
python3 - "$TMPD/before.json" "$TMPD/during.json" <<'PY'
import json, sys
before = {p["id"] for p in json.load(open(sys.argv[1]))}
for p in json.load(open(sys.argv[2])):
    if p["id"] not in before and p.get("run_cnt"):
        print("%-32s runs %8d  avg %6.0f ns" % (p["name"], p["run_cnt"], p["run_time_ns"] / p["run_cnt"]))
PY
