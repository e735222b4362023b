#!/bin/bash
# Time of one struct layout, netscope vs pahole, in the same run on the same
# BTF: `netscope struct sk_buff` against `pahole -C sk_buff`.  Both are whole
# processes (start, load the BTF, compute, print), so the figure is what a
# user waits.  Target: netscope < 50 ms.
#
#   ./bench/struct_layout.sh                  (STRUCT=tcp_sock RUNS=50 to change)
#   NETSCOPE=/path/to/netscope ./bench/struct_layout.sh
#   NO_HYPERFINE=1 ./bench/struct_layout.sh   (the date loop even with hyperfine)
#
# hyperfine when installed (apt-get install hyperfine), else a loop timed
# with date +%s%N.  Prints the mean of each and the ratio pahole / netscope.
set -u
cd "$(dirname "$0")/.." || exit 1
NS=${NETSCOPE:-$PWD/build/netscope}
STRUCT=${STRUCT:-sk_buff}
RUNS=${RUNS:-30}
BTF=${BTF:-/sys/kernel/btf/vmlinux}
TARGET_MS=50

if [ ! -x "$NS" ]; then
	echo "struct_layout: no netscope binary at $NS (make, or set NETSCOPE)" >&2
	exit 1
fi
if ! command -v pahole >/dev/null; then
	echo "struct_layout: pahole not installed (apt-get install dwarves)" >&2
	exit 1
fi
# the running kernel's BTF unless BTF=FILE is given
if [ "$BTF" = /sys/kernel/btf/vmlinux ]; then
	NS_CMD="$NS struct $STRUCT"
else
	NS_CMD="$NS struct $STRUCT --btf $BTF"
fi
PH_CMD="pahole -C $STRUCT $BTF"

if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
	out=$(mktemp)
	trap 'rm -f "$out"' EXIT
	hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$out" \
		--command-name netscope "$NS_CMD" --command-name pahole "$PH_CMD" \
		>/dev/null 2>&1 || { echo "struct_layout: hyperfine failed" >&2; exit 1; }
	read -r ns_ms ns_sd ph_ms ph_sd < <(python3 -c '
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
n, p = r["netscope"], r["pahole"]
print("%.1f %.1f %.1f %.1f" % (n["mean"] * 1e3, n["stddev"] * 1e3, p["mean"] * 1e3, p["stddev"] * 1e3))' "$out")
	how="hyperfine -N --warmup 3 --runs $RUNS"
else
	# mean wall time in ms of RUNS runs of a command
	mean_ms() {
		local t0 t1
		for _ in 1 2 3; do $1 >/dev/null 2>&1; done
		t0=$(date +%s%N)
		for _ in $(seq "$RUNS"); do $1 >/dev/null 2>&1; done
		t1=$(date +%s%N)
		echo "scale=1; ($t1 - $t0) / $RUNS / 1000000" | bc
	}
	ns_ms=$(mean_ms "$NS_CMD")
	ph_ms=$(mean_ms "$PH_CMD")
	ns_sd="?"
	ph_sd="?"
	how="loop of $RUNS runs, date +%s%N"
fi

ratio=$(echo "scale=2; $ph_ms / $ns_ms" | bc)
verdict=$(echo "$ns_ms < $TARGET_MS" | bc)
echo "struct $STRUCT on $BTF ($(uname -r)), $how"
printf '  %-9s %7s ms ± %s   %s\n' netscope "$ns_ms" "$ns_sd" "$NS_CMD"
printf '  %-9s %7s ms ± %s   %s\n' pahole "$ph_ms" "$ph_sd" "$PH_CMD"
echo "  pahole / netscope: ${ratio}x; target < ${TARGET_MS} ms: $([ "$verdict" = 1 ] && echo met || echo MISSED)"
[ "$verdict" = 1 ]
