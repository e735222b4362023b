#!/bin/bash
# Attach and detach of 1,000 kernel functions by each per-function backend
# (fentry+fexit, kprobe.multi, single kprobes), inside the VM lane's
# Debian kernels (this machine's kernel denies all three).  Boots the lane
# with netscope.bench=1 on the kernel command line: the guest takes the
# first 1,000 traceable functions of `netscope doctor --list-funcs` and
# runs `netscope record --netns all --duration 1 --method bpf-func
# --func-backend B --funcs-file F` for each backend; netscope prints its
# load, attach and detach times, which this script collects.
#
# usage: bench/vm_func_attach.sh [LABEL...]   (default: 6.12)
# The times are of an emulated CPU (QEMU TCG) on a shared machine: compare
# backends with each other, not with native figures.
cd "$(dirname "$0")/.." || exit 1
labels=${*:-6.12}
NETSCOPE_VM_BENCH=1 tests/vm/run.sh $labels >build/vm/bench-lane.log 2>&1
rc=$?
for l in $labels; do
	echo "== $l ($(cat build/vm/kernels/$l/package 2>/dev/null))"
	sed 's/^# vm-bench: //' "build/vm/$l/bench.txt"
done
grep -E '^# vm: ' build/vm/bench-lane.log
[ $rc -eq 0 ] || echo "the lane itself failed (exit $rc): build/vm/bench-lane.log"
exit $rc
