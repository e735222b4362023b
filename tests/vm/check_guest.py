#!/usr/bin/env python3
"""Host-side checks of what a VM lane guest sent back (tests/vm/guest/tests.sh).

usage: check_guest.py LABEL OUTDIR CONFIG

OUTDIR holds the guest's files (doctor.json, report-*.json, ...), CONFIG the
kernel's build configuration: what the kernel must allow is derived from it
(kprobe.multi needs CONFIG_FPROBE, which Debian's 6.1 lacks and 6.12 has),
not from the version.  Prints one TAP line per fact, named
LABEL_fact, without numbers (tests/vm/run.sh numbers them).
"""
import json
import os
import re
import sys

import check_ftrace
from check_nic import run as check_nic_pair  # the NIC pair: tests/vm/check_nic.py

label, outdir, config_path = sys.argv[1:4]
prefix = "k" + label.replace(".", "_") + "_"
config = {}
with open(config_path) as f:
    for line in f:
        if line.startswith("CONFIG_") and "=" in line:
            k, v = line.strip().split("=", 1)
            config[k] = v


def tap(name, passed, *detail):
    print(("ok" if passed else "not ok") + " - " + prefix + name)
    if not passed:
        for d in detail:
            print("# " + str(d))


def check_eq(name, expected, actual):
    tap(name, expected == actual, "expected: %r" % (expected,), "actual:   %r" % (actual,))


def load(name):
    try:
        with open(os.path.join(outdir, name)) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        tap(name.replace(".", "_") + "_is_json", False, e)
        return None


doctor = load("doctor.json")
if doctor:
    feats = doctor["features"]
    # what every Debian kernel allows root (the host of this project does not)
    for feat in ("btf", "prog_tp_btf", "prog_raw_tp", "fentry", "kprobe", "ftrace_function"):
        check_eq("doctor_finds_%s_allowed" % feat, True, feats[feat]["ok"])
    # function_graph: in a private instance on 6.12; Debian's 6.1 allows it
    # only in the top-level instance (its tracer does not allow instances),
    # which netscope never takes, and doctor must say so
    fg = feats["ftrace_function_graph"]
    if label == "6.1":
        check_eq("doctor_says_function_graph_is_top_level_only", (False, True),
                 (fg["ok"], "only in the top-level tracefs instance" in fg["detail"]))
    else:
        check_eq("doctor_finds_ftrace_function_graph_allowed", True, fg["ok"])
    fprobe = config.get("CONFIG_FPROBE") == "y"
    check_eq("doctor_kprobe_multi_%s_as_config_fprobe_says" % ("allowed" if fprobe else "refused"),
             fprobe, feats["kprobe_multi"]["ok"])
    check_eq("doctor_chooses_tp_btf", "tp_btf", doctor.get("capture_method"))

if doctor:
    f = doctor["functions"]
    # where ftrace works, its list of patchable functions is read
    check_eq("doctor_reads_available_filter_functions", True, f.get("filter_functions_read"))
    check_eq("doctor_functions_statuses_add_up", f["candidates"],
             sum(f[s] for s in ("traceable", "cloned", "inlined", "notrace", "denied")))
    # the benchmark attaches 1,000 of them
    check_eq("doctor_finds_over_a_thousand_traceable_functions", True, f["traceable"] >= 1000)
if doctor:
    want = ("tcp_v4_rcv", "tcp_v4_send_reset", "ip_local_deliver_finish", "skb_clone",
            "netlink_unicast")
    got = {e["name"]: (e["status"], e["skb_arg"], e["sk_arg"])
           for e in doctor["functions"].get("list", []) if e["name"] in want}
    check_eq("funcs_lists_the_receive_path_with_argument_positions", {
        "tcp_v4_rcv": ("traceable", 1, 0),
        "tcp_v4_send_reset": ("traceable", 2, 1),
        "ip_local_deliver_finish": ("traceable", 3, 2),
        "skb_clone": ("traceable", 1, 0),
        "netlink_unicast": ("denied", 2, 1),
    }, got)

# the facts tests/e2e/test_record_report.sh asserts on the host's kernel
for method in ("tp_btf", "raw_tp"):
    d = load("report-%s.json" % method)
    if not d:
        continue
    check_eq("report_%s_names_its_capture_method" % method, method, d["capture"].get("method"))
    # typed header loads need bpf_rdonly_cast() (6.2) and tp_btf; Debian's
    # 6.1 must load the twins that copy (a kfunc call there fails to load)
    check_eq("report_%s_reads_headers_as_its_kernel_allows" % method,
             "typed loads" if method == "tp_btf" and label != "6.1" else "copy",
             d["capture"].get("meta", {}).get("capture.header_reads"))
    # x86-64 runs softirqs on the irq stack on both kernels: the handlers
    # tell the context by the stack, tp_btf and raw_tp alike
    check_eq("report_%s_tells_the_context_by_the_stack" % method, "stack",
             d["capture"].get("meta", {}).get("capture.context_from"))
    check_eq("report_%s_counts_one_drop" % method, 1, d["drops"]["total"])
    rows = d["drops"]["by_reason"]["rows"]
    check_eq("report_%s_drop_reason_is_no_socket_once" % method, ("NO_SOCKET", 1),
             (rows[0]["reason"], rows[0]["count"]) if rows else None)
    fn = d["drops"]["by_function"]["rows"]
    check_eq("report_%s_drop_function_is_tcp_v4_rcv" % method, "tcp_v4_rcv",
             fn[0]["function"] if fn else None)
    lost = d["lost"]
    check_eq("report_%s_produced_captured_read_agree_none_lost" % method, True,
             lost["produced"] == lost["captured"] == lost["read"] and lost["lost"] == 0)
    j = [s for s in d["journeys"]["sequences"]["rows"] if s["fate"] == "dropped"]
    # Debian's 6.1 fires tcp:tcp_send_reset only for resets sent with a full
    # socket, so the RST answering a SYN to a closed port is not in its
    # tracepoint journey (6.12 fires it with no socket too); the
    # per-function backends see tcp_v4_send_reset on both
    rst = " tcp_send_reset" if label != "6.1" else ""
    check_eq("report_%s_dropped_journey_goes_from_queue_to_drop" % method,
             "net_dev_queue netif_receive_skb%s kfree_skb NO_SOCKET" % rst,
             " ".join(j[0]["steps"]) + " " + j[0]["reason"] if j else None)
    check_eq("report_%s_counts_resets_sent_as_the_tracepoint_fires" % method,
             1 if rst else 0, d["resets"]["sent"])
    # the RST is sent on both: its transmit's stack passes tcp_v4_send_reset
    xmit = [ev for ev in d["call_paths"]["events"] if ev["event"] == "net_dev_queue"]
    check_eq("report_%s_rst_transmit_stack_passes_tcp_v4_send_reset" % method, True,
             bool(xmit) and "tcp_v4_send_reset" in json.dumps(xmit[0]["tree"]))
    e = j[0]["example"] if j else {}
    check_eq("report_%s_dropped_journey_example_is_the_syn" % method,
             ("198.18.0.1", "198.18.0.2", 9), (e.get("src"), e.get("dst"), e.get("dport")))

def check_fentry_split(log):
    """fentry, 6 functions from --func-threads 3: the split netscope prints
    after its load/attach and detach lines (capture/func_fentry.c) counts
    12 programs (fentry and fexit each) and 6 functions from 3 threads,
    and its sums are times the kernel took (not zero)."""
    m = re.search(r"fentry: (\d+) programs loaded and linked by (\d+) threads?: loading "
                  r"([\d.]+) s, linking ([\d.]+) s \(summed over the threads\); a function "
                  r"([\d.]+) ms median, ([\d.]+) ms min, ([\d.]+) ms max", log)
    check_eq("record_func_fentry_loads_and_links_12_programs_from_3_threads", ("12", "3"),
             m.groups()[:2] if m else log[-400:])
    tap("record_func_fentry_split_has_load_and_link_time",
        bool(m) and float(m.group(3)) > 0 and float(m.group(4)) > 0 and
        float(m.group(6)) <= float(m.group(5)) <= float(m.group(7)), log[-400:])
    d = re.search(r"fentry: the links of (\d+) functions closed by (\d+) threads?: fentry links "
                  r"([\d.]+) s, fexit links ([\d.]+) s", log)
    check_eq("record_func_fentry_closes_6_functions_from_3_threads", ("6", "3"),
             d.groups()[:2] if d else log[-400:])
    # the last link of a function unregisters its trampoline: ftrace_shutdown()
    # waits two RCU-tasks grace periods there (kernel/trace/ftrace.c)
    tap("record_func_fentry_fexit_closes_take_time", bool(d) and float(d.group(4)) > 0,
        log[-400:])


# kernel functions: the refused SYN's journey through tcp_v4_rcv and
# tcp_v4_send_reset under one packet id, ending in its drop, with each
# backend this kernel has; kprobe.multi without CONFIG_FPROBE must fail
# and say why
for backend, has in (("fentry", True), ("kprobe-multi", config.get("CONFIG_FPROBE") == "y")):
    tag = backend.replace("-", "_")
    try:
        rc = int(open(os.path.join(outdir, "record-func-%s.rc" % backend)).read())
        log = open(os.path.join(outdir, "record-func-%s.log" % backend)).read()
    except (OSError, ValueError) as e:
        tap("record_func_%s_ran" % tag, False, e)
        continue
    if not has:
        check_eq("record_func_%s_fails_where_the_kernel_lacks_it" % tag, 1, rc)
        tap("record_func_%s_says_why" % tag, "kprobe-multi: attach failed" in log, log[-400:])
        continue
    check_eq("record_func_%s_exits_zero" % tag, 0, rc)
    if rc:
        print("# " + log[-600:].replace("\n", "\n# "))
        continue
    if backend == "fentry":
        check_fentry_split(log)
    d = load("report-func-%s.json" % backend)
    if not d:
        continue
    check_eq("report_func_%s_names_its_function_method" % tag, backend + ", 6 functions",
             d["capture"]["meta"].get("capture.funcs"))
    j = [s for s in d["journeys"]["sequences"]["rows"] if s["fate"] == "dropped"]
    steps = j[0]["steps"] if j else []
    want = ["tcp_v4_rcv", "tcp_v4_send_reset"]
    check_eq("report_func_%s_dropped_syn_passes_tcp_v4_rcv_then_tcp_v4_send_reset" % tag, want,
             [x for x in steps if x in want])
    check_eq("report_func_%s_dropped_syn_journey_ends_in_its_free" % tag,
             ("kfree_skb", "NO_SOCKET"), (steps[-1] if steps else None, j[0]["reason"] if j else None))
    check_eq("report_func_%s_dropped_syn_journey_enters_ip_first" % tag, True,
             "ip_rcv" in steps and steps.index("ip_rcv") < steps.index("tcp_v4_rcv")
             if "tcp_v4_rcv" in steps else False)
    # the funcs view: the SYN's reset once; tcp_v4_rcv twice (the SYN at
    # the server, the RST at the client); with fexit each call is timed
    fv = load("funcs-view-%s.json" % backend)
    if fv:
        rows = {r["function"]: r for r in fv["funcs"]["functions"]}
        got = {k: (rows[k]["calls"], rows[k]["timed"]) if k in rows else None
               for k in ("tcp_v4_rcv", "tcp_v4_send_reset")}
        timed = backend == "fentry"
        check_eq("funcs_view_%s_counts_and_times_the_receive_and_the_reset" % tag,
                 {"tcp_v4_rcv": (2, 2 if timed else 0), "tcp_v4_send_reset": (1, 1 if timed else 0)},
                 got)
    ev = {r["event"]: r["count"] for r in d["events"]["by_type"]}
    # fentry gives each entry its return (fexit); kprobe.multi entries only
    check_eq("report_func_%s_counts_entries_and_returns" % tag, True,
             ev.get("func_entry", 0) > 0 and
             (ev.get("func_exit", 0) == ev.get("func_entry") if backend == "fentry"
              else "func_exit" not in ev))

# a clone keeps its packet id: the first event of the skb skb_clone
# returned (seen at its fexit) has the packet id of the skb it was given.
# In the refused scenario the clone is neigh_probe()'s copy of the SYN
# waiting for ARP, handed to the ARP solicit and consumed at once.
try:
    evs = [json.loads(l) for l in open(os.path.join(outdir, "trace-func-fentry.jsonl"))]
except (OSError, ValueError) as e:
    evs = None
    tap("trace_func_fentry_json_reads", False, e)
if evs is not None:
    pairs = []
    for i, c in enumerate(evs):
        if c["event"] != "func_exit" or c.get("func") != "skb_clone" or not c.get("ret_skb"):
            continue
        b = "0x%x" % (c["ret"] & 0xffffffffffffffff)
        nxt = next((e for e in evs[i + 1:] if e["skb"] == b), None)
        if nxt and b != c["skb"]:
            pairs.append((c["packet_id"], nxt["packet_id"], nxt["event"]))
    tap("trace_func_fentry_sees_a_clone_and_its_next_event", bool(pairs),
        "skb_clone exits: %d" % sum(1 for e in evs if e.get("func") == "skb_clone"))
    if pairs:
        tap("trace_func_fentry_clone_keeps_the_packet_id_of_its_original",
            all(a == b for a, b, _ in pairs), "(original id, clone id, clone event): %r" % pairs)

# the labs with kernel functions (tests/vm/guest/labfuncs.sh)
__import__("check_labfuncs").check(label, outdir, config, tap, check_eq, load)
check_ftrace.check(label, outdir, tap, check_eq, load)
check_nic_pair(outdir, tap, check_eq, load)
