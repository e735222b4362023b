#!/bin/bash
# What bpf_stats says a call of the floor's programs costs (bench/floor
# --work N on netscope's default tracepoints, kernel.bpf_stats_enabled=1,
# restored after) during an untraced syn-flood: the reference for
# bench/handler_cost.sh's figures, which include what bpf_stats itself
# adds to every call (its two clock reads).  Per level and round: the
# flood's SYN/s and run_time_ns / run_cnt over the floor's packet handlers.
#
#   ROUNDS=2 DUR=3 ./bench/floor_cost.sh [LEVEL...]   (levels 0 1 4 5 by default; needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NS=$PWD/build/netscope
FLOOR=$PWD/build/bench/floor
ROUNDS=${ROUNDS:-2}
DUR=${DUR:-3}
[ $# -gt 0 ] || set -- 0 1 4 5
TMPD=$(mktemp -d /tmp/netscope-bench-fcost.XXXXXX)
fpid=
bench_at_exit 'rm -rf "$TMPD"; [ -z "$fpid" ] || kill "$fpid" 2>/dev/null'
bench_bpf_stats_on # restored at exit
TPS=$(bench_tracepoints "$NS" default)
for r in $(seq "$ROUNDS"); do
	for lvl in "$@"; do
		# shellcheck disable=SC2086
		"$FLOOR" --work "$lvl" $TPS >"$TMPD/floor.out" 2>&1 &
		fpid=$!
		for _ in $(seq 100); do grep -q attached "$TMPD/floor.out" && break; sleep 0.1; done
		"$NS" run --scenario syn-flood --duration "$DUR" --count 100000000 2>"$TMPD/err"
		# the floor's own programs: its file descriptors' prog_ids
		bench_prog_ids $fpid >"$TMPD/ids"
		bpftool prog show -j >"$TMPD/progs.json"
		kill -INT $fpid
		wait $fpid
		fpid=
		python3 - "$TMPD/progs.json" "$TMPD/ids" "$r" "$lvl" "$(bench_pps_of "$TMPD/err")" <<'EOF'
import json, sys
progs, ids, r, lvl, pps = sys.argv[1:]
want = {int(x) for x in open(ids).read().split()}
t = c = 0
for p in json.load(open(progs)):
    # the packet handlers, as handler_cost.sh counts them: the context
    # trackers (irq_handler_*) stay empty at every level
    if p["id"] in want and p.get("run_cnt") and "irq" not in p["name"]:
        t += p["run_time_ns"]
        c += p["run_cnt"]
if not c:
    sys.exit("floor_cost: no calls counted at level %s" % lvl)
print("round %s level %s  SYN/s %8s  %4.0f ns a call over %d calls" % (r, lvl, pps, t / c, c))
EOF
	done
done
