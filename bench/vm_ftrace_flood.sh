#!/bin/bash
# SYN-flood throughput with kernel functions traced, as a ratio to the
# untraced flood, inside the VM lane's Debian kernels (this machine's kernel
# denies every function tracer): `netscope run` (untraced), `record
# --method tracepoints` (the default events only), and the same ten
# functions of the SYN's receive path traced by fentry/fexit, by
# kprobe.multi (6.12 only:
# CONFIG_FPROBE) and by ftrace (function_graph on 6.12; the function tracer
# on 6.1, where function_graph is top-level only).  Boots the lane with
# netscope.bench=flood; tests/vm/guest/ftrace.sh runs a 3 s flood per
# configuration, three interleaved rounds, and prints what was sent.
#
# usage: bench/vm_ftrace_flood.sh [LABEL...]   (default: 6.12)
# Ratios only: an emulated CPU (QEMU TCG) on a shared machine says nothing
# absolute, and one guest CPU runs the flood, the softirqs and netscope.
cd "$(dirname "$0")/.." || exit 1
labels=${*:-6.12}
rc=0
# REUSE=1: only summarise the last boot's build/vm/LABEL/bench.txt
if [ -z "${REUSE:-}" ]; then
	# fifteen floods and their set-ups take a boot past the lane's 600 s
	NETSCOPE_VM_TIMEOUT=${NETSCOPE_VM_TIMEOUT:-1200} NETSCOPE_VM_BENCH=flood tests/vm/run.sh $labels \
		>build/vm/bench-flood-lane.log 2>&1
	rc=$?
fi
for l in $labels; do
	echo "== $l ($(cat build/vm/kernels/$l/package 2>/dev/null))"
	grep '^# vm-bench: flood ' "build/vm/$l/bench.txt" | sed 's/^# vm-bench: flood //' |
		python3 -c '
import sys
# each configuration against the untraced flood of its own round: the
# machine is shared, and its load drifts between rounds more than within
rounds = {}
for line in sys.stdin.read().splitlines():
    f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    sent = line.split("sent_s=")[1].split()
    extra = " ".join(kv for kv in line.split() if kv.startswith(("captured", "lost")))
    if f.get("rc") != "0" or sent[0] == "none":
        print("  %-12s round %s: failed (rc %s)" % (f["cfg"], f["round"], f.get("rc")))
        continue
    pps = int(sent[0]) / float(sent[1])
    rounds.setdefault(f["round"], {})[f["cfg"]] = (pps, extra)
cfgs = []
for r in sorted(rounds):
    base = rounds[r].get("untraced", (0, ""))[0]
    for cfg, (pps, extra) in rounds[r].items():
        if cfg not in cfgs:
            cfgs.append(cfg)
        print("  %-12s round %s: %8.0f SYN/s  ratio %s  %s" % (cfg, r, pps,
              "%.2f" % (pps / base) if base else "-", extra))
for cfg in cfgs:
    rs = [rounds[r][cfg][0] / rounds[r]["untraced"][0] for r in rounds
          if cfg in rounds[r] and rounds[r].get("untraced")]
    if rs:
        print("  %-12s ratio to untraced, mean of %d rounds: %.2f (%.2f-%.2f)" %
              (cfg, len(rs), sum(rs) / len(rs), min(rs), max(rs)))
'
done
[ -n "${REUSE:-}" ] || grep -E '^# vm: ' build/vm/bench-flood-lane.log
[ $rc -eq 0 ] || echo "the lane itself failed (exit $rc): build/vm/bench-flood-lane.log"
exit $rc
