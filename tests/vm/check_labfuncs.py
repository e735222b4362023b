"""Host-side checks of the labs with kernel functions in a VM guest
(tests/vm/guest/labfuncs.sh), called by check_guest.py with its TAP helpers.

On Debian's 6.1 and 6.12 the labs must pick a BPF per-function backend by
probing (fentry: each lab traces under 64 functions, FUNC_FENTRY_MAX_AUTO),
`lab layers` must build the function-level layer map and find the same
boundaries between the packet's layers as the stack-based one, and `lab
syn-flood` must count every call of tcp_v4_rcv and tcp_v4_send_reset: as
many as the segments TCP received and the RSTs it sent by the kernel's own
counters (Tcp.InSegs, Tcp.OutRsts of the namespaces), on 6.1 too, where
the RST to a closed port fires no tcp_send_reset tracepoint.
"""

# the boundaries every rpc run crosses, found by both maps: (upper, lower, direction)
PACKET_BOUNDARIES = {("tcp", "ip", "RX"), ("tcp", "ip", "TX"), ("ip", "device", "RX"),
                     ("ip", "device", "TX")}


def check(label, outdir, config, tap, check_eq, load):
    try:
        checks(label, tap, check_eq, load)
    except Exception:  # a changed JSON must fail the lane, not end the checker
        import traceback
        tap("labfuncs_checks_run_to_the_end", False, *traceback.format_exc().splitlines())


def checks(label, tap, check_eq, load):
    layers = load("lab-layers.json")
    if layers:
        m = layers["watched"]["method_choice"]
        f = m["functions"] or {}
        check_eq("lab_layers_picks_bpf_func_by_probing_with_fentry",
                 ("bpf-func", False, "fentry", True),
                 (m["chosen"], m["forced"], f.get("backend"), f.get("attached", "").startswith("fentry, ")))
        calls = {r["function"]: r["calls"] for r in (layers.get("funcs") or {}).get("functions", [])}
        tap("lab_layers_counts_calls_of_the_receive_and_transmit_path",
            all(calls.get(x, 0) > 0 for x in ("ip_rcv", "tcp_v4_rcv", "__tcp_transmit_skb",
                                               "ip_finish_output2", "__dev_queue_xmit")),
            "calls: %r" % calls)
        prof = {r["function"]: r["calls"] for r in layers["profile"]["functions"]}
        check_eq("lab_layers_profile_counts_calls_as_the_funcs_view",
                 calls.get("tcp_v4_rcv"), prof.get("tcp_v4_rcv"))
        fl = layers.get("function_level")
        tap("lab_layers_builds_the_function_level_map", bool(fl and fl["layers"]["stacks"] > 0),
            "function_level: %r" % (fl,))
        if fl:
            a = fl["agreement"]
            rows = {(r["upper"], r["lower"], r["direction"]): r["found_by"] for r in a["boundaries"]}
            check_eq("lab_layers_function_level_map_finds_the_same_boundaries_as_the_stacks",
                     (True, {k: "both" for k in rows}), (a["agree"], rows))
            tap("lab_layers_both_maps_find_tcp_ip_device_each_way",
                PACKET_BOUNDARIES <= {k for k, v in rows.items() if v == "both"}, "rows: %r" % rows)
    flood = load("lab-synflood.json")
    counters = load("lab-synflood-counters.json")
    if flood and counters:
        m = flood["watched"]["method_choice"]
        check_eq("lab_syn_flood_picks_bpf_func_by_probing_with_fentry", ("bpf-func", "fentry"),
                 (m["chosen"], (m["functions"] or {}).get("backend")))
        c = {(ns["label"], x["name"]): x["delta"] for ns in counters["counters"]["namespaces"]
             for x in ns["counters"] if x["group"] == "Tcp"}
        calls = {r["function"]: r["calls"] for r in (flood.get("funcs") or {}).get("functions", [])}
        lost = flood["events"]["lost"]
        syns = flood["syns"]
        check_eq("lab_syn_flood_half_the_syns_go_to_the_closed_port_and_get_a_rst", (100, 100, 0),
                 (syns["to_closed_port"], c.get(("b", "OutRsts")), lost))
        # tcp_v4_rcv calls tcp_v4_send_reset for every segment without a socket, which
        # returns without sending when that segment is itself a RST: a has no TCP socket
        # (every SYN-ACK and RST its spoofed local half receives), b's only socketless
        # segments are the SYNs to the closed port, each answered (its OutRsts)
        check_eq("lab_syn_flood_tcp_v4_send_reset_calls_equal_the_socketless_segments_counted",
                 c.get(("a", "InSegs"), 0) + c.get(("b", "OutRsts"), 0), calls.get("tcp_v4_send_reset"))
        tap("lab_syn_flood_every_rst_sent_is_a_tcp_v4_send_reset_call",
            0 < c.get(("a", "OutRsts"), 0) + c.get(("b", "OutRsts"), 0) <= calls.get("tcp_v4_send_reset", 0),
            "OutRsts a %r b %r, calls %r" % (c.get(("a", "OutRsts")), c.get(("b", "OutRsts")),
                                              calls.get("tcp_v4_send_reset")))
        check_eq("lab_syn_flood_tcp_v4_rcv_calls_equal_the_segments_counted",
                 c.get(("a", "InSegs"), 0) + c.get(("b", "InSegs"), 0), calls.get("tcp_v4_rcv"))
        prof = {r["function"]: r["calls"] for r in flood["profile"]["functions"]}
        check_eq("lab_syn_flood_profile_counts_the_calls",
                 (calls.get("tcp_v4_rcv"), calls.get("tcp_v4_send_reset")),
                 (prof.get("tcp_v4_rcv"), prof.get("tcp_v4_send_reset")))

    # forced to ftrace: no packet ids, but every call counted machine-wide
    ft = load("lab-synflood-ftrace.json")
    ftc = load("lab-synflood-ftrace-counters.json")
    tap("lab_syn_flood_ftrace_sent_its_files", bool(ft and ftc))
    if ft and ftc:
        m = ft["watched"]["method_choice"]
        check_eq("lab_syn_flood_forced_to_ftrace_uses_it", ("ftrace", True),
                 (m["chosen"], m["forced"]))
        tap("lab_syn_flood_ftrace_backend_is_function_graph_or_function",
            (m["functions"] or {}).get("backend") in ("ftrace function_graph", "ftrace function"),
            "functions: %r" % (m["functions"],))
        c = {(ns["label"], x["name"]): x["delta"] for ns in ftc["counters"]["namespaces"]
             for x in ns["counters"] if x["group"] == "Tcp"}
        calls = {r["function"]: r["calls"] for r in (ft.get("funcs") or {}).get("functions", [])}
        check_eq("lab_syn_flood_ftrace_counts_every_tcp_v4_rcv_and_send_reset",
                 (c.get(("a", "InSegs"), 0) + c.get(("b", "InSegs"), 0),
                  c.get(("a", "InSegs"), 0) + c.get(("b", "OutRsts"), 0), 0),
                 (calls.get("tcp_v4_rcv"), calls.get("tcp_v4_send_reset"), ft["events"]["lost"]))
