#!/bin/bash
# The report of traces recorded with --method ftrace on Debian's kernels in
# the VM lane (tests/vm/guest/ftrace.sh: the refused connection 20 times,
# four functions of the IPv4 receive path), kept as fixtures so that this
# machine, whose kernel denies the function tracers, checks the analysis of
# real ftrace records: 20 SYNs, each answered by tcp_v4_send_reset, each
# RST taken by tcp_v4_rcv at the client.
#   refused-20-function_graph.ns  Debian 6.12: function_graph in a private instance
#   refused-20-function.ns        Debian 6.1: the function tracer (function_graph
#                                 is top-level only there): calls, no time
. "$(dirname "$0")/lib.sh"
FIX=$(dirname "$0")/../fixtures/ftrace

"$NETSCOPE" report --json --view funcs "$FIX/refused-20-function_graph.ns" >"$TMP/fg.json" 2>"$TMP/fg.err"
check_eq "funcs_view_of_a_function_graph_trace_exits_zero" 0 $?
facts=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["funcs"]
rows = {r["function"]: r for r in f["functions"]}
print(f["method"], f["ftrace"], f["calls_only"])
print(" ".join("%s=%d/%d/%d/%d" % (k, rows[k]["calls"], rows[k]["returns"], rows[k]["timed"],
               rows[k]["packets"]) for k in sorted(rows)))
print(f["unmatched_returns"], f["abandoned_calls"], f["overrun"])
print(sum(c["hits"] for c in f["per_cpu"] if c["function"] == "tcp_v4_rcv"),
      all(c["avg_ns"] * c["timed"] <= c["total_ns"] for c in f["per_cpu"]),
      all(c["s2_ns2"] >= 0 for c in f["per_cpu"]))
print(" / ".join("%s%s:%d" % ("." * g["depth"], g["function"], g["calls"]) for g in f["graph"]))
' "$TMP/fg.json")
check_eq "function_graph_trace_says_ftrace_with_time" "ftrace-function_graph, 4 functions True False" \
	"$(sed -n 1p <<<"$facts")"
check_eq "every_call_of_the_four_functions_returns_timed_and_carries_no_packet" \
	"ip_local_deliver_finish=40/40/40/0 ip_protocol_deliver_rcu=40/40/40/0 tcp_v4_rcv=40/40/40/0 tcp_v4_send_reset=20/20/20/0" \
	"$(sed -n 2p <<<"$facts")"
check_eq "nothing_unpaired_nothing_overrun" "0 0 0" "$(sed -n 3p <<<"$facts")"
check_eq "per_cpu_profile_adds_up_with_consistent_averages" "40 True True" "$(sed -n 4p <<<"$facts")"
check_eq "graph_nests_tcp_v4_rcv_and_its_resets_under_ipv4_delivery" \
	"ip_local_deliver_finish:40 / .ip_protocol_deliver_rcu:40 / ..tcp_v4_rcv:40 / ...tcp_v4_send_reset:20" \
	"$(sed -n 5p <<<"$facts")"

"$NETSCOPE" report --view funcs "$FIX/refused-20-function_graph.ns" >"$TMP/fg.txt"
check "funcs_text_shows_the_trace_stat_columns" grep -qE '^  Function +Hit +Time +Avg +s\^2$' "$TMP/fg.txt"
check "funcs_text_indents_the_nested_calls" grep -qE '^      tcp_v4_rcv +40 ' "$TMP/fg.txt"

# the call graph view: the same nesting, a calls column beside the stacks
"$NETSCOPE" report --json --view callgraph "$FIX/refused-20-function_graph.ns" >"$TMP/cg.json"
cg=$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["callgraph"]
path, out = [], []
for n in c["nodes"]:
    del path[n["depth"]:]
    path.append(n["function"])
    if n["calls"] and n["function"] == "tcp_v4_rcv":
        out.append(">".join(path) + ":%d" % n["calls"])
print(c["function_calls"], " ".join(out))
' "$TMP/cg.json")
check_eq "callgraph_view_nests_the_function_calls" \
	"140 ip_local_deliver_finish>ip_protocol_deliver_rcu>tcp_v4_rcv:40" "$cg"

# every function event as JSON: no packet, the tracer and the depth
"$NETSCOPE" export "$FIX/refused-20-function_graph.ns" --to jsonl "$TMP/fg.jsonl" 2>/dev/null
ev=$(python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
f = [e for e in evs if e["event"] in ("func_entry", "func_exit")]
print(len(f), {e.get("tracer") for e in f}, sorted({e["depth"] for e in f if e["func"] == "tcp_v4_rcv"}),
      sum(1 for e in f if e["packet_id"]))
' "$TMP/fg.jsonl")
check_eq "jsonl_function_events_name_the_tracer_and_depth_without_packets" \
	"280 {'ftrace function_graph'} [2] 0" "$ev"

# one clock: each SYN's tcp_v4_send_reset (an ftrace record) falls between
# the SYN's netif_receive_skb and its kfree_skb (BPF tracepoint events)
inside=$(python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
resets = [e["ts_ns"] for e in evs if e["event"] == "func_entry" and e["func"] == "tcp_v4_send_reset"]
rx, n = {}, 0
for e in evs:
    if e["event"] == "netif_receive_skb":
        rx.setdefault(e["packet_id"], e["ts_ns"])
    elif e["event"] == "kfree_skb" and e["packet_id"] in rx:
        n += any(rx[e["packet_id"]] < r < e["ts_ns"] for r in resets)
print(n)
' "$TMP/fg.jsonl")
check_eq "every_reset_call_lies_between_its_syns_receive_and_drop_on_the_bpf_clock" 20 "$inside"

# Debian 6.1: the function tracer, hits only
"$NETSCOPE" report --json --view funcs "$FIX/refused-20-function.ns" >"$TMP/fn.json"
facts=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["funcs"]
rows = {r["function"]: r for r in f["functions"]}
print(f["method"], f["calls_only"], rows["tcp_v4_rcv"]["calls"], rows["tcp_v4_send_reset"]["calls"],
      sum(r["returns"] for r in rows.values()), len(f["graph"]), f["abandoned_calls"])
' "$TMP/fn.json")
check_eq "function_tracer_trace_counts_calls_without_returns_or_nesting" \
	"ftrace-function, 4 functions True 40 20 0 0 0" "$facts"
"$NETSCOPE" report --view funcs "$FIX/refused-20-function.ns" >"$TMP/fn.txt"
check "function_tracer_text_says_hits_only" grep -q "hits only, the function tracer records no returns" "$TMP/fn.txt"
echo "1..$TAP_N"
