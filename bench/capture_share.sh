#!/bin/bash
# Where a traced flood's time goes, as shares of the flood thread's own
# samples: perf samples every CPU (4000 Hz) for 3 s of a `netscope record
# --scenario syn-flood`, and the busiest thread (the flood: it sends and
# runs the softirqs its packets raise) is split into the capture's BPF
# programs, the clock they read, the tracepoint dispatch
# (bpf_trace_run*), ring copies (memcpy), RCU read sections and other BPF
# helpers.  The total estimates what the capture takes from the flood;
# more steady from run to run than the flood's rate (~1 point), since the
# host's drift moves both halves alike.
#
#   ./bench/capture_share.sh [netscope binary] [extra record options]   (needs root, perf)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=${1:-$PWD/build/netscope}
[ $# -gt 0 ] && shift
TMPD=$(mktemp -d /tmp/netscope-bench-share.XXXXXX)
bench_at_exit "rm -rf '$TMPD'"
"$NS" record -o "$TMPD/t.ns" --scenario syn-flood --duration 6 --count 100000000 "$@" \
	2>"$TMPD/err" &
rec=$!
sleep 2
perf record -F 4000 -a -o "$TMPD/perf.data" -- sleep 3 >/dev/null 2>&1
wait $rec
pid=$(perf report -i "$TMPD/perf.data" --no-children --sort pid 2>/dev/null |
	awk '!/^#/ && NF && !/swapper/ { split($2, a, ":"); print a[1]; exit }')
[ -n "$pid" ] || { echo "capture_share: no samples" >&2; exit 1; }
perf report -i "$TMPD/perf.data" --no-children --pid "$pid" --sort sym 2>/dev/null |
	awk -v ns="$NS" '!/^#/ && NF { p = $1; sub("%", "", p); tot += p; s = $3
		if (s ~ /^bpf_prog_/) prog += p
		else if (s ~ /read_tsc|ktime_get/) clk += p
		else if (s ~ /bpf_trace_run/) tr += p
		else if (s ~ /memcpy/) mc += p
		else if (s ~ /rcu_read/) rcu += p
		else if (s ~ /^(bpf_|__bpf)/ && s !~ /lsm|skops|_recur/) ob += p }
	END { if (!tot) exit 1; cap = prog + clk + tr + mc + rcu + ob
		printf "%s: capture %.1f %% of the flood thread (programs %.1f, clock %.1f, dispatch %.1f, memcpy %.1f, rcu %.1f, helpers %.1f)\n", ns, 100 * cap / tot, 100 * prog / tot, 100 * clk / tot, 100 * tr / tot, 100 * mc / tot, 100 * rcu / tot, 100 * ob / tot }'
grep -h "events produced" "$TMPD/err"
