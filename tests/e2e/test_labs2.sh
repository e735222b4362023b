#!/bin/bash
# End-to-end: the labs of issue "netscope labs II".  lab drops sends each
# cause of drop N times inside the lab namespaces; every cause must be seen
# N times with its expected reason, at its function, and the kernel
# counter that counts it must have moved by exactly the trace's count.
. "$(dirname "$0")/lib.sh"

N=3
"$NETSCOPE" lab drops --count $N --json >"$TMP/drops.json" 2>"$TMP/drops.err"
check_eq "lab_drops_exits_zero" 0 $?
python3 - "$TMP/drops.json" $N >"$TMP/drops.facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
print("lab", d["lab"], d["sent_each"])
c = {x["name"]: x for x in d["causes"]}
for name, x in sorted(c.items()):
    print("cause", name, x["reason"], x["trace_count"])
    if x["counter"] is not None:
        print("counter", name, "%s.%s" % (x["counter"]["group"], x["counter"]["name"]),
              x["counter"]["delta"] == x["trace_count"] == n)
    print("journey", name, x["journey"] is not None and x["journey"]["steps"][-1] == "kfree_skb")
print("layers", " ".join(sorted({x["layer"] for x in d["causes"]})))
PY
facts=$(cat "$TMP/drops.facts")
check_eq "lab_drops_json_names_itself" "drops $N" "$(sed -n 's/^lab //p' <<<"$facts")"
while read -r name reason; do
	check_eq "${name//-/_}_is_dropped_${N}_times_as_$reason" "$reason $N" \
		"$(sed -n "s/^cause $name //p" <<<"$facts")"
	check_eq "${name//-/_}_journey_ends_in_kfree_skb" True "$(sed -n "s/^journey $name //p" <<<"$facts")"
done <<'T'
unknown-ethertype UNHANDLED_PROTO
ip-bad-csum IP_CSUM
ttl-expired IP_INHDR
tcp-bad-csum TCP_CSUM
tcp-closed-port NO_SOCKET
udp-closed-port NO_SOCKET
socket-rcvbuf SOCKET_RCVBUFF
listen-overflow TCP_LISTEN_OVERFLOW
T
while read -r name counter; do
	check_eq "${name//-/_}_counter_${counter//./_}_delta_equals_trace_count" "$counter True" \
		"$(sed -n "s/^counter $name //p" <<<"$facts")"
done <<'T'
ip-bad-csum IpExt.InCsumErrors
ttl-expired Ip.InHdrErrors
tcp-bad-csum Tcp.InCsumErrors
tcp-closed-port Tcp.OutRsts
udp-closed-port Udp.NoPorts
socket-rcvbuf Udp.RcvbufErrors
listen-overflow TcpExt.ListenOverflows
T
check_eq "lab_drops_has_a_cause_in_every_layer" "device ip socket tcp udp" \
	"$(sed -n 's/^layers //p' <<<"$facts")"

"$NETSCOPE" lab drops >"$TMP/drops.txt" 2>"$TMP/drops2.err"
check_eq "lab_drops_text_exits_zero" 0 $?
check "lab_drops_text_says_every_cause_matched" grep -q '^8 of 8 causes dropped exactly as often as sent' "$TMP/drops.txt"
check "lab_drops_text_puts_counter_beside_trace" grep -q 'b Udp.NoPorts +5 beside 5 in the trace: matches' "$TMP/drops.txt"
