"""Host-side checks of the ftrace backend in a VM lane guest (tests/vm/guest/ftrace.sh).

Called by check_guest.py with its helpers.  The guest recorded the refused
connection N times with --method ftrace on ip_local_deliver_finish,
ip_protocol_deliver_rcu, tcp_v4_rcv and tcp_v4_send_reset: N SYNs, each
dropped at the server (NO_SOCKET) after tcp_v4_send_reset answered it, and
N RSTs that the client's tcp_v4_rcv takes.  So tcp_v4_send_reset runs N
times and tcp_v4_rcv 2N times, exactly: nothing else in the guest speaks
TCP, and ftrace's instance sees the whole machine.  Where the kernel allows
function_graph in an instance (6.12), every call has its return and time
and tcp_v4_rcv nests under the IPv4 delivery; where it does not (Debian's
6.1), the function tracer counts the calls, without time or nesting.
"""
import os


def check(label, outdir, tap, check_eq, load):
    check_rooted(label, outdir, tap, check_eq, load)
    try:
        rc = int(open(os.path.join(outdir, "record-ftrace.rc")).read())
        n = int(open(os.path.join(outdir, "ftrace-count")).read())
        log = open(os.path.join(outdir, "record-ftrace.log")).read()
    except (OSError, ValueError) as e:
        tap("ftrace_record_ran", False, e)
        return
    check_eq("ftrace_record_refused_exits_zero", 0, rc)
    if rc:
        print("# " + log[-800:].replace("\n", "\n# "))
        return
    graph = label != "6.1"
    tracer = "function_graph" if graph else "function"
    tap("ftrace_record_says_which_tracer_and_instance",
        ("ftrace %s on 4 of 4 functions" % tracer) in log and "netscope-ftrace-" in log, log[-600:])
    if not graph:
        tap("ftrace_record_says_why_not_function_graph",
            "function_graph is allowed only in the top-level tracefs instance" in log, log[-600:])
    d = load("report-ftrace.json")
    fv = load("funcs-view-ftrace.json")
    if not d or not fv:
        return
    check_eq("ftrace_report_names_its_function_method", "ftrace-%s, 4 functions" % tracer,
             d["capture"]["meta"].get("capture.funcs"))
    # the packets: one SYN dropped per connection, as the tracepoints saw it
    check_eq("ftrace_trace_drops_one_syn_per_connection", n, d["drops"]["total"])
    check_eq("ftrace_report_counts_no_lost_events", 0, d["lost"]["lost"])
    f = fv["funcs"]
    rows = {r["function"]: r for r in f["functions"]}
    calls = {k: rows[k]["calls"] if k in rows else None for k in ("tcp_v4_rcv", "tcp_v4_send_reset")}
    check_eq("ftrace_profile_hits_match_the_packets_sent",
             {"tcp_v4_rcv": 2 * n, "tcp_v4_send_reset": n}, calls)
    per_cpu = {}
    for c in f["per_cpu"]:
        per_cpu[c["function"]] = per_cpu.get(c["function"], 0) + c["hits"]
    check_eq("ftrace_per_cpu_hits_add_up_to_the_calls",
             {k: rows[k]["calls"] for k in rows}, per_cpu)
    check_eq("ftrace_view_says_ftrace_and_tracer", (True, not graph), (f["ftrace"], f["calls_only"]))
    if not graph:
        check_eq("ftrace_function_tracer_has_no_returns_or_nesting", (0, 0),
                 (sum(r["returns"] for r in rows.values()), len(f["graph"])))
        return
    # function_graph: every call returns inside the capture, timed
    check_eq("ftrace_function_graph_times_every_call", {k: (v, v) for k, v in calls.items()},
             {k: (rows[k]["returns"], rows[k]["timed"]) for k in calls})
    check_eq("ftrace_function_graph_pairs_everything", (0, 0),
             (f["unmatched_returns"], f["abandoned_calls"]))
    tap("ftrace_function_graph_has_nonzero_times",
        all(rows[k]["total_ns"] > 0 for k in calls), [(k, rows[k]["total_ns"]) for k in calls])
    # the nesting: tcp_v4_rcv's callers in the graph (preorder with depth)
    path, nested = [], []
    for g in f["graph"]:
        del path[g["depth"]:]
        path.append(g["function"])
        if g["function"] == "tcp_v4_rcv":
            nested.append((tuple(path[:-1]), g["calls"]))
    under = sum(c for p, c in nested if p and p[-1] in ("ip_protocol_deliver_rcu",
                                                        "ip_local_deliver_finish"))
    check_eq("ftrace_function_graph_nests_tcp_v4_rcv_under_ip_delivery", 2 * n, under)
    resets = sum(g["calls"] for g in f["graph"] if g["function"] == "tcp_v4_send_reset" and
                 g["depth"] > 0)
    check_eq("ftrace_function_graph_nests_every_reset_under_a_caller", n, resets)


def check_rooted(label, outdir, tap, check_eq, load):
    """--graph-funcs ip_local_deliver_finish (set_graph_function): on 6.12
    only what the root calls is traced (ip_rcv, its caller, is in the filter
    but not in the trace); on 6.1, where function_graph is top-level only,
    the run fails saying so rather than ignore the roots."""
    try:
        rc = int(open(os.path.join(outdir, "record-ftrace-root.rc")).read())
        log = open(os.path.join(outdir, "record-ftrace-root.log")).read()
        n = int(open(os.path.join(outdir, "ftrace-count")).read())
    except (OSError, ValueError) as e:
        tap("ftrace_rooted_record_ran", False, e)
        return
    try:
        has_file = open(os.path.join(outdir, "instance-has-set-graph-function")).read().strip() == "1"
    except OSError as e:
        tap("ftrace_rooted_probe_ran", False, e)
        return
    if label == "6.1":
        check_eq("ftrace_rooted_fails_without_function_graph_saying_why", (1, True),
                 (rc, "--graph-funcs needs function_graph" in log))
        return
    if not has_file:
        # function_graph in instances, set_graph_function only at the top
        check_eq("ftrace_rooted_fails_without_instance_set_graph_function_saying_why", (1, True),
                 (rc, "has no set_graph_function in tracefs instances" in log))
        return
    check_eq("ftrace_rooted_record_exits_zero", 0, rc)
    tap("ftrace_rooted_record_says_where_graphs_start",
        "starts only in the 1 function(s) of --graph-funcs" in log, log[-600:])
    fv = load("funcs-view-ftrace-root.json")
    if not fv:
        return
    rows = {r["function"]: r["calls"] for r in fv["funcs"]["functions"]}
    check_eq("ftrace_rooted_traces_only_below_the_root",
             {"ip_rcv": None, "ip_local_deliver_finish": 2 * n, "tcp_v4_rcv": 2 * n,
              "tcp_v4_send_reset": n},
             {k: rows.get(k) for k in ("ip_rcv", "ip_local_deliver_finish", "tcp_v4_rcv",
                                       "tcp_v4_send_reset")})
