#!/bin/bash
# Soak: one `netscope record` of DURATION seconds of mixed scenarios (the
# `mixed` scenario: SYN floods, handshakes, bulk, UDP, refused, rpc, round
# after round), with netscope's resident memory sampled every INTERVAL
# seconds.  Then the trace is read back: the report must read every event
# the capture wrote, and produced = captured + lost.  Prints the memory
# series, its spread over the second half of the run, and the accounting.
#
#   DURATION=600 ./bench/soak.sh            (needs root; 10 minutes)
set -u
cd "$(dirname "$0")/.." || exit 1
NS=$PWD/build/netscope
DURATION=${DURATION:-600}
INTERVAL=${INTERVAL:-10}
OUT=${OUT:-/tmp/netscope-soak}
rm -rf "$OUT"
mkdir -p "$OUT"

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$NS" record -o "$OUT/soak.ns" --scenario mixed --duration "$DURATION" 2>"$OUT/record.err" &
pid=$!
: >"$OUT/rss"
t=0
while kill -0 $pid 2>/dev/null; do
	rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null)
	[ -n "$rss" ] && echo "$t $rss" >>"$OUT/rss"
	sleep "$INTERVAL"
	t=$((t + INTERVAL))
done
wait $pid
rc=$?
echo "record exit status: $rc"
tail -3 "$OUT/record.err"
echo "netscope RSS (KiB) every ${INTERVAL} s:"
awk '{ printf "%s%s", (NR > 1 ? " " : "  "), $2 } END { print "" }' "$OUT/rss"
awk -v half=$((DURATION / 2)) '$1 >= half { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
	END { printf "second half: min %d KiB, max %d KiB, spread %d KiB\n", min, max, max - min }' "$OUT/rss"
ls -l "$OUT/soak.ns" | awk '{ print "trace: " $5 " bytes" }'
/usr/bin/time -f 'report: %e s, max RSS %M KiB' "$NS" report --json "$OUT/soak.ns" >"$OUT/report.json" 2>"$OUT/report.err"
tail -1 "$OUT/report.err"
python3 - "$OUT/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = d["lost"]
print(f"produced {l['produced']}, captured {l['captured']}, lost {l['lost']}, read back {l['read']}")
print("every event accounted:", l["produced"] == l["captured"] + l["lost"] and l["read"] == l["captured"])
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
