#!/bin/bash
# End-to-end: run the real binary against the live kernel in private
# namespaces and check exact facts of what it captured.
. "$(dirname "$0")/lib.sh"

# --- refused: the SYN to a closed port -----------------------------------
"$NETSCOPE" trace --scenario refused --json >"$TMP/refused.json" 2>"$TMP/refused.err"
check_eq "trace_refused_exits_zero" 0 $?
python3 - "$TMP/refused.json" >"$TMP/refused.facts" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
syn = [e for e in evs if e["event"] == "netif_receive_skb" and e.get("dport") == 9
       and e.get("tcp_flags") == "SYN" and e.get("daddr") == "198.18.0.2"]
print("syn_receives", len(syn))
pid = syn[0]["packet_id"] if syn else -1
same = [e for e in evs if e["packet_id"] == pid]
drops = [e for e in same if e["event"] == "kfree_skb"]
rsts = [e for e in same if e["event"] == "tcp_send_reset"]
print("drop_reason", drops[0]["reason"] if drops else None)
print("drop_location_fn", drops[0]["location"].split("+")[0] if drops else None)
print("reset_reason", rsts[0]["reason"] if rsts else None)
print("tuple", *(f'{e["saddr"]}>{e["daddr"]}:{e["dport"]}' for e in drops + rsts))
print("packet_end_on_drop", drops[0]["packet_end"] if drops else None)
# the RST that answers it, with ports swapped
rst = [e for e in evs if e["event"] == "net_dev_queue" and e.get("tcp_flags") == "RST|ACK"
       and e.get("sport") == 9 and e.get("saddr") == "198.18.0.2"]
print("rst_sent", len(rst))
PY
facts=$(cat "$TMP/refused.facts")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "refused_syn_is_received_once_by_veth1" 1 "$(get syn_receives)"
check_eq "refused_syn_is_dropped_with_reason_no_socket" NO_SOCKET "$(get drop_reason)"
check_eq "refused_syn_drop_location_is_tcp_v4_rcv" tcp_v4_rcv "$(get drop_location_fn)"
check_eq "refused_syn_gets_tcp_send_reset_no_socket_same_packet_id" NO_SOCKET "$(get reset_reason)"
check_eq "refused_drop_and_reset_carry_the_syn_5tuple" \
	"198.18.0.1>198.18.0.2:9 198.18.0.1>198.18.0.2:9" "$(get tuple)"
check_eq "refused_drop_ends_the_packet_id" True "$(get packet_end_on_drop)"
check_eq "refused_rst_ack_leaves_port_9" 1 "$(get rst_sent)"
check "trace_reports_zero_lost_events" grep -q "captured, 0 lost" "$TMP/refused.err"
check_eq "no_namespace_left_after_refused" 0 "$(leftover_netns)"

# --- handshake: TCP state machines of both ends ---------------------------
"$NETSCOPE" trace --scenario handshake --count 3 --events sock --json >"$TMP/hs.json" 2>"$TMP/hs.err"
check_eq "trace_handshake_exits_zero" 0 $?
python3 - "$TMP/hs.json" >"$TMP/hs.facts" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if '"inet_sock_set_state"' in l]
# a sock address is reused once the socket is freed: a life ends in TCP_CLOSE
by_sk, lives = {}, {}
for e in evs:
    n = lives.get(e["sk"], 0)
    by_sk.setdefault((e["sk"], n), []).append(e)
    if e["newstate"] == "TCP_CLOSE":
        lives[e["sk"]] = n + 1
clients = servers = chained = ordered = 0
for sk, es in by_sk.items():
    seq = [(e["oldstate"], e["newstate"]) for e in es]
    if all(seq[i][1] == seq[i + 1][0] for i in range(len(seq) - 1)):
        chained += 1
    if all(es[i]["ts_ns"] <= es[i + 1]["ts_ns"] for i in range(len(es) - 1)):
        ordered += 1
    if seq[:2] == [("TCP_CLOSE", "TCP_SYN_SENT"), ("TCP_SYN_SENT", "TCP_ESTABLISHED")] \
       and seq[-1][1] == "TCP_CLOSE":
        clients += 1
    if seq[:2] == [("TCP_LISTEN", "TCP_SYN_RECV"), ("TCP_SYN_RECV", "TCP_ESTABLISHED")] \
       and seq[-1][1] == "TCP_CLOSE":
        servers += 1
listeners = sum(1 for es in by_sk.values() if es[0]["newstate"] == "TCP_LISTEN")
print("clients", clients); print("servers", servers); print("listeners", listeners)
print("chained", chained == len(by_sk)); print("ordered", ordered == len(by_sk))
PY
facts=$(cat "$TMP/hs.facts")
check_eq "handshake_3_clients_go_close_syn_sent_established_close" 3 "$(get clients)"
check_eq "handshake_3_server_children_go_listen_syn_recv_established_close" 3 "$(get servers)"
check_eq "handshake_listener_enters_listen_once" 1 "$(get listeners)"
check_eq "every_socket_transition_starts_where_the_last_ended" True "$(get chained)"
check_eq "transitions_of_a_socket_are_in_time_order" True "$(get ordered)"
check_eq "no_namespace_left_after_handshake" 0 "$(leftover_netns)"

# --- stacks: the refused SYN's drop, from the syscall to kfree_skb --------
"$NETSCOPE" trace --scenario refused --stack --json 2>/dev/null >"$TMP/stack.json"
python3 - "$TMP/stack.json" >"$TMP/stack.facts" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] == "kfree_skb" and e.get("reason") == "NO_SOCKET":
        fns = [f.split("+")[0] for f in e.get("stack", [])]
        print("first", fns[0] if fns else None)
        print("has", " ".join(f for f in ("tcp_v4_rcv", "net_rx_action", "tcp_v4_connect") if f in fns))
        print("order", fns.index("tcp_v4_rcv") < fns.index("net_rx_action") < fns.index("tcp_v4_connect")
              if all(f in fns for f in ("tcp_v4_rcv", "net_rx_action", "tcp_v4_connect")) else None)
PY
facts=$(cat "$TMP/stack.facts")
check "drop_stack_starts_in_the_kernel_not_in_bpf" \
	bash -c "[[ '$(get first)' != bpf_* && '$(get first)' != __bpf* && -n '$(get first)' ]]"
check_eq "drop_stack_reaches_tcp_v4_rcv_net_rx_action_and_connect" \
	"tcp_v4_rcv net_rx_action tcp_v4_connect" "$(get has)"
check_eq "drop_stack_is_innermost_first" True "$(get order)"

# --- trace --report: the same analyses, fed live -------------------------
"$NETSCOPE" trace --scenario refused --json --report 2>/dev/null >"$TMP/live.json"
python3 - "$TMP/live.json" >"$TMP/live.facts" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rep, events = lines[-1], lines[:-1]
print("drops", rep["drops"]["total"], rep["drops"]["by_reason"]["rows"][0]["reason"])
print("captured_is_lines", rep["lost"]["captured"] == len(events))
print("dropped_packet_in_events", rep["journeys"]["dropped"] ==
      len({e["packet_id"] for e in events if e["event"] == "kfree_skb"}))
print("schema_on_every_line", all(l.get("schema_version") == 1 for l in lines))
PY
facts=$(cat "$TMP/live.facts")
check_eq "live_report_counts_the_no_socket_drop" "1 NO_SOCKET" "$(get drops)"
check_eq "live_report_counts_every_printed_event" True "$(get captured_is_lines)"
check_eq "live_report_journeys_match_the_printed_drops" True "$(get dropped_packet_in_events)"
check_eq "every_json_line_and_the_report_carry_schema_version_1" True "$(get schema_on_every_line)"

# --- udp: datagrams to a bound and to an unbound port ----------------------
"$NETSCOPE" trace --scenario udp --count 5 --json 2>/dev/null >"$TMP/udp.json"
check_eq "trace_udp_exits_zero" 0 $?
python3 - "$TMP/udp.json" >"$TMP/udp.facts" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
def n(pred): return sum(1 for e in evs if pred(e))
drops = [e for e in evs if e["event"] == "kfree_skb" and e.get("dport") == 5354]
print("drops", len(drops), " ".join(sorted({e["reason"] for e in drops})),
      " ".join(sorted({e["location"].split("+")[0] for e in drops})))
print("bound_received", n(lambda e: e["event"] == "netif_receive_skb" and e.get("dport") == 5353
                          and e["proto"] == "UDP"))
print("unreachables", n(lambda e: e["event"] == "net_dev_queue" and e["proto"] == "ICMP"
                        and e.get("saddr") == "198.18.0.2" and (e.get("sport"), e.get("dport")) == (3, 3)))
# each dropped datagram was queued on veth0 under the same packet id before
queued = {e["packet_id"] for e in evs if e["event"] == "net_dev_queue" and e["ifname"] == "veth0"}
print("drops_have_their_tx", all(d["packet_id"] in queued for d in drops))
PY
facts=$(cat "$TMP/udp.facts")
check_eq "udp_to_unbound_port_5_drops_no_socket_at___udp4_lib_rcv" "5 NO_SOCKET __udp4_lib_rcv" "$(get drops)"
check_eq "udp_to_bound_port_5_received" 5 "$(get bound_received)"
check_eq "udp_unbound_port_answered_by_5_icmp_port_unreachables" 5 "$(get unreachables)"
check_eq "udp_dropped_datagram_keeps_its_id_from_tx_to_drop" True "$(get drops_have_their_tx)"

# --- kernel-side filters: --port, --proto, --host ---------------------------
"$NETSCOPE" trace --scenario udp --count 3 --port 5354 --json 2>/dev/null >"$TMP/port.json"
"$NETSCOPE" trace --scenario udp --count 3 --proto icmp --json 2>/dev/null >"$TMP/icmp.json"
"$NETSCOPE" trace --scenario udp --count 3 --host 198.18.1.1 --json 2>"$TMP/host.err" >"$TMP/host.json"
python3 - "$TMP/port.json" "$TMP/icmp.json" >"$TMP/filter.facts" <<'PY'
import json, sys
port = [json.loads(l) for l in open(sys.argv[1])]
icmp = [json.loads(l) for l in open(sys.argv[2])]
pk = [e for e in port if not e["event"].startswith("softirq")]
print("port_only", all(5354 in (e.get("sport"), e.get("dport")) for e in pk))
print("port_events", " ".join(f'{ev}={sum(1 for e in pk if e["event"] == ev)}'
                             for ev in ("net_dev_queue", "netif_receive_skb", "kfree_skb")))
ik = [e for e in icmp if not e["event"].startswith("softirq")]
print("icmp_only", len(ik) > 0 and all(e["proto"] == "ICMP" for e in ik))
print("icmp_queued", sum(1 for e in ik if e["event"] == "net_dev_queue"))
PY
facts=$(cat "$TMP/filter.facts")
check_eq "port_filter_keeps_only_events_of_that_port" True "$(get port_only)"
check_eq "port_filter_sees_3_datagrams_queued_received_dropped" \
	"net_dev_queue=3 netif_receive_skb=3 kfree_skb=3" "$(get port_events)"
check_eq "proto_filter_keeps_only_icmp" True "$(get icmp_only)"
check_eq "proto_filter_sees_the_3_unreachables_queued" 3 "$(get icmp_queued)"
check_eq "host_filter_for_an_absent_host_yields_nothing" 0 "$(wc -l <"$TMP/host.json")"
check "host_filter_run_still_reports_counts" grep -q "0 events produced, 0 captured, 0 lost" "$TMP/host.err"
