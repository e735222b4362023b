#!/bin/bash
# Attach and detach of 1,000 kernel functions by each per-function backend
# (fentry+fexit and fentry alone, each from one thread and from two;
# kprobe.multi; single kprobes), inside the VM lane's Debian
# kernels (this machine's kernel denies all three).  Boots the lane with
# netscope.bench=1 on the kernel command line: the guest takes the first
# 1,000 traceable functions of `netscope doctor --list-funcs` and runs
# `netscope record --netns all --duration 1 --method bpf-func
# --func-backend B [--func-threads N] [--no-fexit] --funcs-file F` for
# each; netscope prints its load, attach and detach times (and for fentry
# where they went), which this script collects.
#
# usage: bench/vm_func_attach.sh [--fentry-only] [LABEL...]   (default: 6.12)
#   --fentry-only   the fentry runs and kprobe.multi, not single kprobes
#                   (which take minutes more)
# env:   NETSCOPE_VM_SMP guest CPUs (default 1, as the lane: with 2, the 6.12
#        guest died of "Oops: int3" in handle_softirqs in 2 boots of 2 on
#        2026-12-03, docs/KNOWN_LIMITS.md; the threads' verifier runs need a
#        second CPU to overlap on)
# The times are of an emulated CPU (QEMU TCG) on a shared machine: compare
# backends with each other, not with native figures.
cd "$(dirname "$0")/.." || exit 1
bench=1
if [ "$1" = --fentry-only ]; then
	bench=fentry
	shift
fi
labels=${*:-6.12}
echo "== host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
NETSCOPE_VM_TIMEOUT=${NETSCOPE_VM_TIMEOUT:-2400} NETSCOPE_VM_SMP=${NETSCOPE_VM_SMP:-1} NETSCOPE_VM_BENCH=$bench \
	tests/vm/run.sh $labels \
	>build/vm/bench-lane.log 2>&1
rc=$?
echo "== host: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
for l in $labels; do
	echo "== $l ($(cat build/vm/kernels/$l/package 2>/dev/null))"
	sed 's/^# vm-bench: //' "build/vm/$l/bench.txt"
done
grep -E '^# vm: ' build/vm/bench-lane.log
[ $rc -eq 0 ] || echo "the lane itself failed (exit $rc): build/vm/bench-lane.log"
exit $rc
