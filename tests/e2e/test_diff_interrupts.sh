#!/bin/bash
# End-to-end: two runs of the interrupts lab with one setting changed
# (--count 200, then 400 datagrams) compared by `netscope diff`: its
# interrupt sections hold exactly the numbers each trace's
# `report --view interrupts --json` gives, and the NET_RX runs that carried
# packets, their polls and their receive events grow by what --count adds.
. "$(dirname "$0")/lib.sh"

"$NETSCOPE" lab interrupts --count 200 -o "$TMP/A.ns" >/dev/null 2>"$TMP/a.err"
check_eq "lab_interrupts_a_exits_zero" 0 $?
"$NETSCOPE" lab interrupts --count 400 -o "$TMP/B.ns" >/dev/null 2>"$TMP/b.err"
check_eq "lab_interrupts_b_with_twice_the_count_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/A.ns" --view interrupts --json >"$TMP/va.json" 2>/dev/null
"$NETSCOPE" report "$TMP/B.ns" --view interrupts --json >"$TMP/vb.json" 2>/dev/null
"$NETSCOPE" diff --json --threshold 0 "$TMP/A.ns" "$TMP/B.ns" >"$TMP/ab.json" 2>"$TMP/ab.err"
check_eq "diff_a_b_exits_zero" 0 $?

facts=$(python3 - "$TMP/va.json" "$TMP/vb.json" "$TMP/ab.json" <<'PY'
import sys, json
va = json.load(open(sys.argv[1]))["interrupts"]
vb = json.load(open(sys.argv[2]))["interrupts"]
d = json.load(open(sys.argv[3]))
s = d["sections"]
def rows(sec):
    return {(r["what"], r["detail"]): r for r in s[sec]["rows"]}
def side(r, k):
    return r[k] if r is not None else None
def val(sec, what, detail=None):
    r = rows(sec).get((what, detail))
    return (r["a"], r["b"]) if r else (None, None)
def both(f):
    return (f(va), f(vb))
def z(x):
    # a count of 0 is a row of 0 on that side, or no row at all
    return tuple(v if v else None for v in x)
print("sections_present", all(s[k]["in_a"] and s[k]["in_b"] for k in ("net_rx", "softirq_times", "napi_polls", "hardirqs")))
ok = []
ok.append(val("net_rx", "NET_RX runs") == both(lambda v: v["net_rx"]["runs"]))
ok.append(val("net_rx", "NET_RX runs with packets") == both(lambda v: v["net_rx"]["runs_with_packets"]))
ok.append(val("net_rx", "runs with packets whose raise was seen") == both(lambda v: v["net_rx"]["runs_raised"]))
for key, what in (("task", "ran in a task (local_bh_enable)"), ("irq_exit", "ran at a hardirq's exit"),
                  ("ksoftirqd", "ran in ksoftirqd")):
    ok.append(z(val("net_rx", what)) == z(both(lambda v: v["net_rx"]["where"][key])))
ok.append(val("net_rx", "napi polls in those runs") == both(lambda v: v["polls"]["count"]))
ok.append(val("net_rx", "packets of those polls") == both(lambda v: v["polls"]["packets"]))
ok.append(z(val("net_rx", "polls over the budget")) == z(both(lambda v: v["polls"]["over_budget"])))
ok.append(val("net_rx", "receive events") == both(lambda v: v["packets"]["rx_events"]))
ok.append(val("net_rx", "receive events inside a run") == both(lambda v: v["packets"]["rx_linked"]))
for v, k in ((va, "a"), (vb, "b")):
    for f in v["net_rx"]["raised_by"]:
        ok.append(rows("net_rx")[("raised by " + f["from"], None)][k] == f["runs"])
print("net_rx_equal_views", all(ok), ok.index(False) if False in ok else -1)
ok = []
for what, key in (("NET_RX raise → entry", "raise_to_entry"), ("NET_RX entry → exit", "duration")):
    for p in ("p50", "p90", "p99", "max"):
        ok.append(val("softirq_times", what, p) == both(lambda v: v["net_rx"][key][p + "_ns"]))
print("times_equal_views", all(ok), len(s["softirq_times"]["rows"]))
ok = []
for p in ("p50", "p90", "p99", "max"):
    ok.append(val("napi_polls", "packets per poll", p) == both(lambda v: v["polls"]["per_poll"][p]))
ok.append(val("napi_polls", "budget") == both(lambda v: v["polls"]["budget"]))
ma, mb = val("napi_polls", "packets per poll", "mean")
ok.append(abs(ma - va["polls"]["packets"] / va["polls"]["count"]) < 1e-9
          and abs(mb - vb["polls"]["packets"] / vb["polls"]["count"]) < 1e-9)
ok.append(mb <= vb["polls"]["budget"] and rows("napi_polls")[("packets per poll", "max")]["b"] <= vb["polls"]["budget"])
print("polls_equal_views", all(ok))
ok = []
for v, k in ((va, "a"), (vb, "b")):
    # rows are by name: two handlers of one name (irq numbers differ) add up
    want = {}
    for i in v["hardirqs"]:
        want["irq " + i["name"]] = want.get("irq " + i["name"], 0) + i["count"]
    for i in v["irq_vectors"]:
        want["vector " + i["name"]] = want.get("vector " + i["name"], 0) + i["count"]
    for name, count in want.items():
        ok.append(rows("hardirqs")[(name, None)][k] == count)
n = len(va["hardirqs"]) + len(va["irq_vectors"])
print("hardirqs_equal_views", all(ok), n > 0)
# what --count changes: 200 more datagrams, each run carrying one
r = rows("net_rx")[("receive events", None)]
print("receive_events_grow", r["status"], r["b"] - r["a"] >= 200 * 2 - 10)
r = rows("net_rx")[("NET_RX runs with packets", None)]
print("runs_grow", r["status"], r["change"] == vb["net_rx"]["runs_with_packets"] - va["net_rx"]["runs_with_packets"] > 0)
PY
)
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "interrupt_sections_read_from_both_traces" True "$(get sections_present)"
check_eq "net_rx_rows_equal_each_traces_interrupts_view" "True -1" "$(get net_rx_equal_views)"
check_eq "raise_to_entry_and_entry_to_exit_percentiles_equal_the_views" "True 8" "$(get times_equal_views)"
check_eq "packets_per_poll_and_budget_equal_the_views" True "$(get polls_equal_views)"
check_eq "hardirqs_per_handler_and_vector_equal_the_views" "True True" "$(get hardirqs_equal_views)"
check_eq "twice_the_datagrams_is_a_change_in_receive_events" "changed True" "$(get receive_events_grow)"
check_eq "twice_the_datagrams_is_a_change_in_runs_with_packets" "changed True" "$(get runs_grow)"

"$NETSCOPE" diff "$TMP/A.ns" "$TMP/B.ns" --top 0 --all >"$TMP/ab.txt" 2>/dev/null
check "text_has_the_net_rx_section" grep -q '^NET_RX softirq runs (interrupts view): ' "$TMP/ab.txt"
check "text_shows_receive_events_a_and_b" grep -qE "^ +$(python3 -c '
import json, sys
r = [x for x in json.load(open(sys.argv[1]))["sections"]["net_rx"]["rows"] if x["what"] == "receive events"][0]
print("%d +%d" % (r["a"], r["b"]))' "$TMP/ab.json") .* receive events$" "$TMP/ab.txt"
check "text_shows_the_times_in_units" grep -qE '(ns|µs|ms) .*NET_RX entry → exit p50' "$TMP/ab.txt"

# a trace against itself: every interrupt row the same
"$NETSCOPE" diff --json "$TMP/A.ns" "$TMP/A.ns" >"$TMP/aa.json"
check_eq "a_against_itself_every_interrupt_row_same" "True" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sections"]
rows = [r for k in ("net_rx", "softirq_times", "napi_polls", "hardirqs") for r in s[k]["rows"]]
print(len(rows) > 20 and all(r["status"] == "same" for r in rows))' "$TMP/aa.json")"

# a trace recorded without softirq events adds no interrupt rows (not "gone" ones)
"$NETSCOPE" record -o "$TMP/plain.ns" --scenario refused 2>/dev/null
"$NETSCOPE" diff --json "$TMP/plain.ns" "$TMP/plain.ns" >"$TMP/pp.json"
check_eq "no_softirq_events_no_interrupt_rows" "0 0 0 0" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sections"]
print(*(len(s[k]["rows"]) for k in ("net_rx", "softirq_times", "napi_polls", "hardirqs")))' "$TMP/pp.json")"
