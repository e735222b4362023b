#!/bin/bash
# End-to-end: lab handshake records one connection (connect, 64 bytes
# echoed, close) and shows both ends' state machines and every segment in
# order with seq/ack relative to each side's ISN, as kernel 6.18 does it:
# the server (which closes first) ends in TIME_WAIT.
. "$(dirname "$0")/lib.sh"

"$NETSCOPE" lab handshake --json >"$TMP/hs.json" 2>"$TMP/hs.err"
check_eq "lab_handshake_exits_zero" 0 $?
facts=$(python3 - "$TMP/hs.json" <<'PY'
import sys, json
d = json.load(open(sys.argv[1]))
c = d["connection"]
def states(s):
    return ">".join([s["states"][0]["from"]] + [x["to"] for x in s["states"]]) if s else "-"
print("client", states(c["client"]))
print("server", states(c["server"]))
print("listener", states(c["listener"]))
segs = c["segments"]
print("order", " ".join(s["dir"] + ":" + s["flags"] for s in segs))
print("relative", " ".join("%s/%s" % (s["seq"], s["ack"]) for s in segs))
print("payloads", " ".join(str(s["payload"]) for s in segs[:8]))
print("senders", all(s["sender"] for s in segs))
print("received", all(s["received"] for s in segs))
print("srtt", all(c[x]["srtt"] and c[x]["srtt"]["last_us"] > 0 for x in ("client", "server")))
print("time_wait", c["server"]["time_wait"] is not None, c["client"]["time_wait"] is None)
print("in_order", all(a["t_ns"] <= b["t_ns"] for a, b in zip(segs, segs[1:])))
PY
)
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "client_goes_syn_sent_established_close_wait_last_ack_close" \
	"CLOSE>SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE" "$(get client)"
check_eq "server_child_starts_syn_recv_under_the_listener_and_closes_first" \
	"LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE" "$(get server)"
check_eq "listener_listens_then_closes" "CLOSE>LISTEN>CLOSE" "$(get listener)"
check_eq "segments_in_order_syn_synack_ack_data_ack_data_ack_fin_fin_ack" \
	"c2s:SYN s2c:SYN,ACK c2s:ACK c2s:PSH,ACK s2c:ACK s2c:PSH,ACK c2s:ACK s2c:FIN,ACK c2s:FIN,ACK s2c:ACK" \
	"$(get order)"
check_eq "seq_ack_relative_to_each_isn" "0/None 0/1 1/1 1/1 1/65 1/65 65/65 65/65 65/66 66/66" \
	"$(get relative)"
check_eq "data_segments_carry_64_bytes_each_way" "0 0 0 64 0 64 0 0" "$(get payloads)"
check_eq "every_segment_has_a_sender_function" True "$(get senders)"
check_eq "every_segment_was_received" True "$(get received)"
check_eq "both_ends_have_a_kernel_srtt" True "$(get srtt)"
check_eq "server_closing_first_ends_in_time_wait" "True True" "$(get time_wait)"
check_eq "segments_sorted_by_time" True "$(get in_order)"

"$NETSCOPE" lab handshake --count 3 >"$TMP/hs.txt" 2>"$TMP/hs2.err"
check_eq "lab_handshake_text_exits_zero" 0 $?
check "ladder_shows_the_syn_with_relative_seq" grep -q '──SYN seq=0 ─' "$TMP/hs.txt"
check "ladder_shows_time_wait" grep -q 'CLOSE (TIME_WAIT)' "$TMP/hs.txt"
check_eq "other_connections_summarised_one_line_each" 2 \
	"$(sed -n '/^== The other connections/,/^==/p' "$TMP/hs.txt" | grep -c '198.18.0.1:.* → 198.18.0.2:8080')"
check "ladder_fits_100_columns" python3 -c '
import sys
lines = open(sys.argv[1]).read().split("\n")
i = next(n for n, l in enumerate(lines) if l.strip().startswith("t(ms)"))
j = next(n for n, l in enumerate(lines) if n > i and not l.strip())
bad = [l for l in lines[i:j] if len(l) > 100]
sys.exit(1 if bad else 0)' "$TMP/hs.txt"
check_eq "no_netscope_namespace_left_behind" 0 "$(leftover_netns)"
