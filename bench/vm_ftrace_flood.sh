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
# fifteen floods and their set-ups take a boot past the lane's 600 s
NETSCOPE_VM_TIMEOUT=${NETSCOPE_VM_TIMEOUT:-1200} NETSCOPE_VM_BENCH=flood tests/vm/run.sh $labels >build/vm/bench-flood-lane.log 2>&1
rc=$?
for l in $labels; do
	echo "== $l ($(cat build/vm/kernels/$l/package 2>/dev/null))"
	grep '^# vm-bench: flood ' "build/vm/$l/bench.txt" | sed 's/^# vm-bench: flood //' |
		python3 -c '
import sys
pps = {}
lines = sys.stdin.read().splitlines()
for line in lines:
    f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    sent = line.split("sent_s=")[1].split()
    if f.get("rc") != "0" or sent[0] == "none":
        print("  %-13s round %s: failed (rc %s)" % (f["cfg"], f["round"], f.get("rc")))
        continue
    pps.setdefault(f["cfg"], []).append(int(sent[0]) / float(sent[1]))
    print("  %-13s round %s: %8.0f SYN/s  %s" % (f["cfg"], f["round"], pps[f["cfg"]][-1],
          " ".join(kv for kv in line.split() if kv.startswith(("captured", "lost")))))
base = pps.get("untraced")
if base:
    b = sum(base) / len(base)
    for cfg, v in pps.items():
        print("  %-13s mean %8.0f SYN/s  ratio %.2f" % (cfg, sum(v) / len(v), sum(v) / len(v) / b))
'
done
grep -E '^# vm: ' build/vm/bench-flood-lane.log
[ $rc -eq 0 ] || echo "the lane itself failed (exit $rc): build/vm/bench-flood-lane.log"
exit $rc
