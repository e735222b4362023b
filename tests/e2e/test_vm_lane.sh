#!/bin/bash
# The VM lane inside `make check`: netscope on Debian's 6.1 and 6.12
# kernels under QEMU, where kprobes, fentry and the ftrace function
# tracers work (tests/vm/run.sh, docs/vm-lane.md).  Skips with its reason
# (one "ok 1 # SKIP ...") where QEMU cannot run or no kernel can be had.
exec "$(dirname "$0")/../vm/run.sh"
