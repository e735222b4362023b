#!/bin/bash
# End-to-end: the capture labs run their workload in private namespaces
# and report facts of the live kernel: the syn-flood lab's resets, cookies
# and counters, the layers lab's boundaries and application side, and
# every function the experiments name with a status.
. "$(dirname "$0")/lib.sh"

# --- lab list ---------------------------------------------------------------
"$NETSCOPE" lab list >"$TMP/list.txt" 2>"$TMP/list.err"
check_eq "lab_list_exits_zero" 0 $?
check "lab_list_names_syn_flood_and_layers" grep -qE '^layers +experiment 3' "$TMP/list.txt"
check "lab_list_json_has_every_lab" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1 and [l["name"] for l in d["labs"]] == ["structs", "syn-flood", "layers", "interrupts", "skb-memory", "drops", "handshake"]
' <("$NETSCOPE" lab list --json)

# --- syn-flood ---------------------------------------------------------------
COUNT=4000
"$NETSCOPE" lab syn-flood --count $COUNT --seed 11 --json -o "$TMP/flood.ns" \
	>"$TMP/flood.json" 2>"$TMP/flood.err"
check_eq "lab_syn_flood_exits_zero" 0 $?
check "lab_syn_flood_keeps_the_trace_with_o" test -s "$TMP/flood.ns"
check "lab_syn_flood_says_the_record_command" grep -q "netscope record -o $TMP/flood.ns --scenario syn-flood --closed-port 81 --linger 1.5 --count $COUNT" "$TMP/flood.err"
python3 - "$TMP/flood.json" $COUNT >"$TMP/flood.facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
c = {(x["namespace"], x["name"]): x for x in d["counters"]}
print("schema", d["schema_version"], d["lab"], d["experiment"])
ev = d["events"]
print("accounted", ev["produced"] == ev["captured"] + ev["lost"])
lost = ev["lost"]
syn = d["syns"]
print("syns_received", syn["received"], syn["to_listening_port"], syn["to_closed_port"])
# every SYN the listener's namespace received ends consumed or dropped (within the events lost)
print("syns_end", abs(syn["received"] - syn["consumed"] - syn["dropped"]) <= lost, syn["balanced"])
print("closed_port_syns_dropped_no_socket", syn["dropped_by_reason"].get("NO_SOCKET", 0))
print("closed_port_rsts_no_socket", syn["rsts_sent_by_reason"].get("NO_SOCKET", 0))
# every other SYN goes to the closed port: b answers each with a RST, and says so in its counter
print("closed_port_rsts_counter", c[("b", "OutRsts")]["delta"], c[("b", "OutRsts")]["verdict"])
# the listener lingers past the SYN-ACK timer (1 s): its retransmissions, in both
print("synack_retransmissions", syn["synack_retransmissions"] > 0, c[("b", "TCPSynRetrans")]["verdict"])
print("segments_counters_agree", all(c[k]["verdict"] == "=" for k in
      [("b", "InSegs"), ("b", "OutSegs"), ("a", "InAddrErrors")]) or lost > 0)
# the listener's queue overflows into SYN cookies: in the counters, and in the trace as the
# SYN-ACKs that carry them (no event marks a cookie); or into listen drops, in both
cookies = c[("b", "SyncookiesSent")]
drops = c[("b", "ListenDrops")]
print("cookies_or_listen_drops_in_both",
      (cookies["delta"] > 0 and syn["synacks_sent"] >= cookies["delta"]) or
      (drops["delta"] > 0 and drops["trace_count"] > 0))
prof = {f["function"]: f for f in d["profile"]["functions"]}
print("tcp_v4_rcv_on_stacks", prof.get("tcp_v4_rcv", {}).get("event_stacks", 0) > 0)
conc = {r["function"]: r for r in d["concordance"]["functions"]}
print("concordance", " ".join(sorted(conc)))
print("every_function_has_a_status", all(r["status"] and r["why"] for r in conc.values()))
print("tcp_v4_rcv_status", conc["tcp_v4_rcv"]["status"])
print("watched_says_fentry", "fentry" in d["watched"]["methods"])
PY
facts=$(cat "$TMP/flood.facts")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "lab_syn_flood_json_names_itself" "1 syn-flood exp2" "$(get schema)"
check_eq "lab_syn_flood_events_are_accounted_for" True "$(get accounted)"
check_eq "listener_namespace_receives_every_syn_half_to_each_port" \
	"$COUNT $((COUNT / 2)) $((COUNT / 2))" "$(get syns_received)"
check_eq "every_received_syn_is_consumed_or_dropped_within_the_lost_count" "True True" "$(get syns_end)"
check_eq "closed_port_syns_are_dropped_no_socket" $((COUNT / 2)) "$(get closed_port_syns_dropped_no_socket)"
check_eq "closed_port_syns_get_one_rst_no_socket_each" $((COUNT / 2)) "$(get closed_port_rsts_no_socket)"
check_eq "closed_port_rsts_are_counted_by_the_kernel_too" "$((COUNT / 2)) =" "$(get closed_port_rsts_counter)"
check_eq "segments_and_drops_equal_the_kernels_counters" True "$(get segments_counters_agree)"
check_eq "synack_retransmissions_seen_and_counted_alike" "True =" "$(get synack_retransmissions)"
check_eq "syn_cookies_or_listen_drops_in_trace_and_counters" True "$(get cookies_or_listen_drops_in_both)"
check_eq "tcp_v4_rcv_is_on_the_event_stacks" True "$(get tcp_v4_rcv_on_stacks)"
check_eq "concordance_names_every_function_of_experiment_2" \
	"kfree_skb netif_receive_skb tcp_v4_fill_cb tcp_v4_rcv tcp_v4_send_reset" "$(get concordance)"
check_eq "every_function_of_experiment_2_has_a_status_and_a_why" True "$(get every_function_has_a_status)"
check_eq "tcp_v4_rcv_is_seen" seen "$(get tcp_v4_rcv_status)"
check_eq "lab_says_whether_fentry_is_allowed" True "$(get watched_says_fentry)"

"$NETSCOPE" lab syn-flood --count 2000 >"$TMP/flood.txt" 2>"$TMP/flood2.err"
check_eq "lab_syn_flood_text_exits_zero" 0 $?
for section in "What was done" "How this kernel was watched" "What the kernel did with the SYNs" \
	"The kernel's own counters next to the trace" "Function profile" "Call graph" \
	"The functions the experiment names" "Where to look next"; do
	check "lab_syn_flood_text_has_section_$(tr ' A-Z' '_a-z' <<<"$section" | tr -cd 'a-z_')" \
		grep -q "^== $section" "$TMP/flood.txt"
done
check "lab_syn_flood_without_o_leaves_no_trace_behind" \
	bash -c '! ls /tmp/netscope-lab-* 2>/dev/null | grep -q .'

# --- layers ------------------------------------------------------------------
"$NETSCOPE" lab layers --count 2000 --json >"$TMP/layers.json" 2>"$TMP/layers.err"
check_eq "lab_layers_exits_zero" 0 $?
python3 - "$TMP/layers.json" >"$TMP/layers.facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
b = {x["name"]: x for x in d["expected_boundaries"]}
for name in ["L2 -> L3", "L3 -> L4", "L4 -> socket", "socket -> L4 (app polls)",
             "socket -> L4 (app reads)", "socket -> L4 (app writes)", "L4 -> L3", "L3 -> L2"]:
    x = b[name]
    print("boundary", name.replace(" ", ""), x["direction"], x["status"])
pairs = {(p["caller"], p["callee"], p["direction"]) for g in d["layers"]["gaps"] for p in g["boundaries"]}
print("rx_tcp_v4_rcv", ("ip_protocol_deliver_rcu", "tcp_v4_rcv", "RX") in pairs)
print("tx_ip_queue_xmit", any(c == "__tcp_transmit_skb" and e.endswith("ip_queue_xmit") and dr == "TX"
                              for c, e, dr in pairs))
app = d["application"]
print("app", " ".join(f for f in ("sock_poll", "tcp_recvmsg", "tcp_sendmsg") if app.get(f)))
print("syscalls", d["syscall_events"] > 0)
conc = {r["function"]: r for r in d["concordance"]["functions"]}
s = conc["sockfd_lookup_light"]
print("sockfd_lookup_light", s["status"], bool(s.get("stand_in")))
print("every_function_has_a_status", all(r["status"] and r["why"] for r in conc.values()))
PY
facts=$(cat "$TMP/layers.facts")
check_eq "rx_device_hands_to_ip" "RX found" "$(get 'boundary L2->L3')"
check_eq "rx_ip_hands_to_tcp" "RX found" "$(get 'boundary L3->L4')"
check_eq "rx_tcp_wakes_the_socket" "RX found" "$(get 'boundary L4->socket')"
check_eq "rx_poll_asks_tcp" "RX found" "$(get 'boundary socket->L4(apppolls)')"
check_eq "rx_recv_reaches_tcp" "RX found" "$(get 'boundary socket->L4(appreads)')"
check_eq "tx_send_reaches_tcp" "TX found" "$(get 'boundary socket->L4(appwrites)')"
check_eq "tx_tcp_hands_to_ip" "TX found" "$(get 'boundary L4->L3')"
check_eq "tx_ip_hands_to_the_device" "TX found" "$(get 'boundary L3->L2')"
check_eq "layers_have_ip_protocol_deliver_rcu_to_tcp_v4_rcv_rx" True "$(get rx_tcp_v4_rcv)"
check_eq "layers_have___tcp_transmit_skb_to_ip_queue_xmit_tx" True "$(get tx_ip_queue_xmit)"
check_eq "application_side_is_seen" "sock_poll tcp_recvmsg tcp_sendmsg" "$(get app)"
check_eq "lab_layers_captures_the_apps_syscalls" True "$(get syscalls)"
check_eq "sockfd_lookup_light_is_absent_with_a_stand_in" "absent True" "$(get sockfd_lookup_light)"
check_eq "every_function_of_experiment_3_has_a_status_and_a_why" True "$(get every_function_has_a_status)"

# --- bad input ---------------------------------------------------------------
"$NETSCOPE" lab nosuch >"$TMP/out" 2>"$TMP/err"
check_eq "unknown_lab_exits_2" 2 $?
check "unknown_lab_names_the_labs" grep -q "unknown lab 'nosuch': the labs are: structs, syn-flood, layers, interrupts, skb-memory, drops, handshake" "$TMP/err"
"$NETSCOPE" lab syn-flood --sample-freq 99999 >"$TMP/out" 2>"$TMP/err"
check_eq "lab_bad_sample_freq_exits_2" 2 $?
check "lab_bad_sample_freq_is_named" grep -q "bad --sample-freq '99999'" "$TMP/err"
"$NETSCOPE" lab layers --bogus >"$TMP/out" 2>"$TMP/err"
check_eq "lab_unknown_option_exits_2" 2 $?
check "lab_unknown_option_is_named" grep -q "unknown option '--bogus'" "$TMP/err"
"$NETSCOPE" lab syn-flood -o /nonexistent/dir/x.ns >"$TMP/out" 2>"$TMP/err"
check_eq "lab_unwritable_output_exits_1" 1 $?
check_eq "no_namespace_left_after_labs" 0 "$(leftover_netns)"
echo "1..$TAP_N"
