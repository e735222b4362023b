#!/bin/bash
# CTF export speed: `netscope export --to ctf` of a trace of >= 10 M events
# on one core (taskset), beside babeltrace2 decoding the same CTF (its
# dummy sink: decode only, print nothing).
#
# The trace: a SYN flood recorded with every event (`--scenario syn-flood
# --count 2000 --events all`, ~35 k events of 17 types: mapped LTTng
# events and netscope-only ones), repeated by bench/trace_repeat until it
# holds >= EVENTS events.  The CTF goes to OUTDIR (default /dev/shm, so the
# figure is the exporter's and the page cache's, not the disk's; OUTDIR=/tmp
# for a disk).  The export is timed ROUNDS times, babeltrace2 BT_ROUNDS
# times (it is slow); each run prints wall and CPU time (user + sys,
# /usr/bin/time) and events/s from both: on a shared machine the CPU time
# is the steadier figure.
#
#   ./bench/export_ctf.sh                     (needs root for the recording)
#   EVENTS=20000000 ROUNDS=5 OUTDIR=/tmp ./bench/export_ctf.sh
set -u
cd "$(dirname "$0")/.." || exit 1
NS=${NS:-$PWD/build/netscope}
EVENTS=${EVENTS:-10000000}
ROUNDS=${ROUNDS:-3}
BT_ROUNDS=${BT_ROUNDS:-1}
CPU=${CPU:-1}
WORK=${WORK:-/tmp/netscope-export-ctf}
OUTDIR=${OUTDIR:-/dev/shm}
OUT=$OUTDIR/netscope-bench.ctf
make -s build/bench/trace_repeat || exit 1
command -v babeltrace2 >/dev/null || { echo "export_ctf: babeltrace2 is not installed" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$OUT"' EXIT

"$NS" record -o "$WORK/flood.ns" --scenario syn-flood --count 2000 --events all 2>"$WORK/rec.err" || {
	cat "$WORK/rec.err" >&2
	exit 1
}
base=$("$NS" report --json "$WORK/flood.ns" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"]["total"])')
copies=$(((EVENTS + base - 1) / base))
n=$(build/bench/trace_repeat "$WORK/flood.ns" "$WORK/big.ns" "$copies" | awk '{print $1}')
echo "trace: $n events ($base recorded x $copies), $(du -h "$WORK/big.ns" | cut -f1) on disk"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

rate() { # events seconds
	python3 -c "print('%.2f M events/s' % ($1 / $2 / 1e6))"
}
cpurate() { # events user sys
	python3 -c "print('%.2f M events/s' % ($1 / ($2 + $3) / 1e6))"
}

for r in $(seq "$ROUNDS"); do
	rm -rf "$OUT"
	/usr/bin/time -f '%e %U %S' -o "$WORK/time" taskset -c "$CPU" "$NS" export "$WORK/big.ns" --to ctf "$OUT" \
		2>"$WORK/export.err" || { cat "$WORK/export.err" >&2; exit 1; }
	read -r wall user sys <"$WORK/time"
	echo "netscope export --to ctf, run $r: $wall s wall ($(rate "$n" "$wall")), cpu $user user + $sys sys" \
		"($(cpurate "$n" "$user" "$sys"))"
done
# the CTF holds more events than the trace: TCP segments' inet_sock_local_in/out and the state dump
ctf_events=$(babeltrace2 "$OUT" -c sink.utils.counter 2>/dev/null | awk '/Event messages/ {n = $1} END {print n}')
echo "ctf: $(du -sh "$OUT" | cut -f1) in $OUT ($(ls "$OUT" | wc -l) files), $ctf_events CTF events"
for r in $(seq "$BT_ROUNDS"); do
	/usr/bin/time -f '%e %U %S' -o "$WORK/time" taskset -c "$CPU" babeltrace2 --output-format=dummy "$OUT" \
		2>"$WORK/bt.err" || { cat "$WORK/bt.err" >&2; exit 1; }
	read -r wall user sys <"$WORK/time"
	echo "babeltrace2 --output-format=dummy, run $r: $wall s wall ($(rate "$ctf_events" "$wall") CTF events)," \
		"cpu $user user + $sys sys ($(cpurate "$ctf_events" "$user" "$sys") CTF events," \
		"$(cpurate "$n" "$user" "$sys") of the trace's)"
done
