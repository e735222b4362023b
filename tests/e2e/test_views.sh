#!/bin/bash
# The segments and syscalls views on real captures of the lab: the numbers
# the coming `netscope lab syn-flood` and `lab layers` assert, checked
# against what the scenarios are known to send.  Needs root (BPF, netns).
. "$(dirname "$0")/lib.sh"

# --- segments: a SYN flood, half of it to a closed port ----------------------
# every other SYN goes to port 81, where nothing listens: tcp_v4_rcv() answers
# it with a RST (NO_SOCKET) and drops it (NO_SOCKET); the listener on 80
# consumes the others (SYN queue or SYN cookie)
"$NETSCOPE" record -o "$TMP/flood.ns" --scenario syn-flood --count 2000 --closed-port 81 \
	--seed 5 2>"$TMP/flood.err"
check_eq "record_syn_flood_with_closed_port_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/flood.ns" --view segments --json >"$TMP/seg.json" 2>"$TMP/seg.err"
check_eq "segments_view_exits_zero" 0 $?
python3 - "$TMP/seg.json" >"$TMP/seg.facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["segments"]
b = next(n for n in d["namespaces"] if n["label"] == "b")
s = b["received_syns"]
ports = {(p["dir"], p["port"]): p["count"] for p in b["syn_ports"]}
drops = {r["reason"]: r["count"] for r in s["drops"]["by_reason"]}
rsts = {r["reason"]: r["count"] for r in b["rsts_sent"]["by_reason"]}
print("received", s["received"])
print("port81", ports.get(("rx", 81), 0))
print("dropped_no_socket", drops.get("NO_SOCKET", 0))
print("adds_up", s["received"] == s["consumed"] + s["dropped"] + s["alive"] + s["forwarded"] + s["evicted"] and s["balanced"])
print("rst_no_socket", rsts.get("NO_SOCKET", 0))
print("evicted", d["evicted"])
PY
facts=$(cat "$TMP/seg.facts")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "namespace_b_received_2000_syns" 2000 "$(get received)"
check_eq "namespace_b_received_1000_syns_for_closed_port_81" 1000 "$(get port81)"
check_eq "namespace_b_dropped_1000_syns_no_socket" 1000 "$(get dropped_no_socket)"
check_eq "received_syns_are_consumed_dropped_or_alive" True "$(get adds_up)"
check_eq "namespace_b_sent_1000_resets_no_socket" 1000 "$(get rst_no_socket)"
check_eq "segments_evicted_no_packet" 0 "$(get evicted)"

# --- syscalls: the rpc workload, 200 round trips -----------------------------
# the client (ns a) send()s each 256-byte request once (send is sendto on
# Linux) and polls; the server (ns b) waits in epoll_wait and recv()s
"$NETSCOPE" record -o "$TMP/rpc.ns" --scenario rpc --count 200 --events default,syscalls \
	2>"$TMP/rpc.err"
check_eq "record_rpc_with_syscalls_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/rpc.ns" --view syscalls --json >"$TMP/sys.json" 2>"$TMP/sys.err"
check_eq "syscalls_view_exits_zero" 0 $?
python3 - "$TMP/sys.json" >"$TMP/sys.facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["syscalls"]
def calls(label, name):
    return sum(r["calls"] for r in d["rows"] if r["label"] == label and r["syscall"] == name)
print("client_sendto", calls("a", "sendto"))
print("client_polls", calls("a", "poll") + calls("a", "ppoll") >= 200)
print("server_recvfrom_200", calls("b", "recvfrom") >= 200)
print("server_epoll_wait", calls("b", "epoll_wait") + calls("b", "epoll_pwait") > 0)
print("unmatched", d["unmatched_exits"] + d["unmatched_enters"])
PY
facts=$(cat "$TMP/sys.facts")
check_eq "client_in_namespace_a_made_200_sendto_calls" 200 "$(get client_sendto)"
check_eq "client_in_namespace_a_polled_before_each_call" True "$(get client_polls)"
check_eq "server_in_namespace_b_made_at_least_200_recvfrom_calls" True "$(get server_recvfrom_200)"
check_eq "server_in_namespace_b_waited_in_epoll_wait" True "$(get server_epoll_wait)"
# the capture is attached before the scenario's tasks enter the lab's
# namespaces, and the server's last call (its report) returns before it is
# stopped: every call of the trace starts and ends inside it
check_eq "every_lab_syscall_enter_has_its_exit" 0 "$(get unmatched)"

# a trace recorded without syscall events says how to get them
"$NETSCOPE" report "$TMP/flood.ns" --view syscalls >"$TMP/none.out" 2>&1
check "syscalls_view_without_events_says_how_to_record" \
	grep -q "record with --events default,syscalls" "$TMP/none.out"
