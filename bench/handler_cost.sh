#!/bin/bash
# What each capture handler costs per call (bpf_stats: run_time_ns /
# run_cnt, kernel.bpf_stats_enabled restored after) during the syn-flood,
# for one or more netscope binaries in interleaved rounds, so that the
# host's drift hits every build alike.  Per round and build: the flood's
# SYN/s, then the average ns per call over all packet handlers (weighted
# by calls), the calls per SYN, and the per-handler figures.  Programs are
# told apart by the capture's own file descriptors (prog_id in
# /proc/PID/fdinfo), so another capture running at the same time is not
# counted.
#
#   ROUNDS=3 DUR=3 ./bench/handler_cost.sh build/netscope /tmp/other/netscope
#   ARGS="--netns all" ...  (extra record options)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
DUR=${DUR:-3}
ARGS=${ARGS:-}
[ $# -gt 0 ] || set -- build/netscope
TMPD=$(mktemp -d /tmp/netscope-bench-cost.XXXXXX)
old=$(cat /proc/sys/kernel/bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$old"; rm -rf "$TMPD"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
for r in $(seq "$ROUNDS"); do
	for b in "$@"; do
		# shellcheck disable=SC2086
		"$b" record -o "$TMPD/t.ns" --scenario syn-flood --duration "$DUR" \
			--count 100000000 $ARGS 2>"$TMPD/err" &
		pid=$!
		# keep the last snapshot taken while the capture still runs
		while kill -0 $pid 2>/dev/null; do
			bench_prog_ids $pid >"$TMPD/ids.new"
			bpftool prog show -j >"$TMPD/snap.json" 2>/dev/null &&
				[ -s "$TMPD/ids.new" ] && cp "$TMPD/snap.json" "$TMPD/last.json" &&
				cp "$TMPD/ids.new" "$TMPD/ids"
			sleep 0.3
		done
		wait $pid
		syn=$(sed -n 's/.*syn-flood: sent \([0-9]*\) packets in \([0-9.]*\) s.*/\1 \2/p' "$TMPD/err" |
			awk '{ if ($2 > 0) printf "%.0f %d", $1 / $2, $1 }')
		python3 - "$TMPD/last.json" "$TMPD/ids" "$r" "$b" "$syn" <<'PY'
import json, sys
progs, ids, rnd, build, syn = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split()
ids = {int(l) for l in open(ids) if l.strip()}
mine = [p for p in json.load(open(progs)) if p["id"] in ids and p.get("run_cnt")]
pkt = [p for p in mine if not p["name"].endswith(("softirq_entr", "softirq_exit", "irq_handler_e"))
       and "softirq" not in p["name"] and "irq_handler" not in p["name"]]
t = sum(p["run_time_ns"] for p in pkt); n = sum(p["run_cnt"] for p in pkt)
pps = syn[0] if syn else "?"
sent = int(syn[1]) if len(syn) > 1 else 0
print("round %s %-28s SYN/s %7s  packet handlers avg %5.0f ns over %d calls (%.1f/SYN)" %
      (rnd, build, pps, t / n if n else 0, n, n / sent if sent else 0))
for p in sorted(mine, key=lambda p: -p["run_cnt"]):
    print("    %-28s %9d calls %6.0f ns" % (p["name"], p["run_cnt"], p["run_time_ns"] / p["run_cnt"]))
PY
		grep 'events produced' "$TMPD/err" | sed 's/^/    /'
	done
done
