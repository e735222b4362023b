#!/bin/bash
# Where the capture's BPF handlers spend their own time, by source line,
# during the syn-flood: perf samples every CPU for DUR seconds of a
# `netscope record`, and bench/bpf_lines maps each sample that fell in one
# of the capture's programs to its line (BTF line info and the JIT's
# addresses of it; Debian's perf cannot annotate BPF).  Prints the
# programs' shares and the TOP lines over all handlers.  Self time only:
# helpers (ring buffer, clock, probe reads) are kernel functions of their
# own, shown by `perf report` as such.  A sampled address is the next
# instruction to run, so a line's count includes stalls of the one before.
#
#   DUR=2 TOP=30 ./bench/handler_lines.sh [extra record options]   (needs root)
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
bench_bpf_stats_off
NS=${NS:-$PWD/build/netscope}
LINES=$PWD/build/bench/bpf_lines
DUR=${DUR:-2}
TOP=${TOP:-30}
TMPD=$(mktemp -d /tmp/netscope-bench-lines.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid"
	rm -rf "$TMPD"
}
trap cleanup EXIT
# long enough to outlive the sampling and the mapping; stopped by SIGINT
"$NS" record -o "$TMPD/t.ns" --scenario syn-flood --duration 120 --count 100000000 "$@" \
	2>"$TMPD/err" &
pid=$!
# the programs attach one by one: wait until their list stops growing
ids='' prev=''
for _ in $(seq 100); do
	ids=$(bench_prog_ids $pid)
	[ -n "$ids" ] && [ "$ids" = "$prev" ] && break
	prev=$ids
	sleep 0.3
done
[ -n "$ids" ] || { echo "handler_lines: the capture did not start:" >&2; cat "$TMPD/err" >&2; exit 1; }
sleep 1
perf record -a -F 5000 -o "$TMPD/perf.data" -- sleep "$DUR" >/dev/null 2>&1
perf script -i "$TMPD/perf.data" -F ip,sym 2>/dev/null >"$TMPD/samples"
total=$(wc -l <"$TMPD/samples")
awk '$2 ~ /^bpf_prog_/ { print $1 }' "$TMPD/samples" >"$TMPD/bpf"
# shellcheck disable=SC2086
"$LINES" $ids <"$TMPD/bpf" >"$TMPD/lines" 2>"$TMPD/lines.err" || { cat "$TMPD/lines.err" >&2; exit 1; }
kill -INT "$pid"
wait "$pid"
pid=
inprog=$(awk -F'\t' '{ s += $1 } END { print s + 0 }' "$TMPD/lines")
echo "handler_lines: ${DUR}s of a syn-flood record, $total samples (all CPUs), $inprog in the capture's programs' own code"
sed -n 's/.* syn-flood: sent \([0-9]*\) packets in \([0-9.]*\) s.*/  flood: \1 SYNs in \2 s (stopped early)/p' "$TMPD/err"
echo
echo "by program"
awk -F'\t' -v t="$inprog" '{ p[$2] += $1 } END { for (k in p) printf "%8d %5.1f%%  %s\n", p[k], 100 * p[k] / t, k }' \
	"$TMPD/lines" | sort -rn
echo
echo "top $TOP lines over all programs (samples, share of the programs' own time)"
awk -F'\t' '{ k = $3 "\t" $4; n[k] += $1 } END { for (k in n) print n[k] "\t" k }' "$TMPD/lines" |
	sort -rn | head -n "$TOP" |
	awk -F'\t' -v t="$inprog" '{ printf "%8d %5.1f%%  %-28s %s\n", $1, 100 * $1 / t, $2, substr($3, 1, 90) }'
