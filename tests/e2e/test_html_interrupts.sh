#!/bin/bash
# End-to-end: the Interrupts section of the HTML page and the interrupts
# lab's own findings there.  A lab interrupts run writes its JSON, its page
# and its trace; the trace's page (report --html) and the lab's page are
# loaded in headless Chromium with no network (html_check.py), and every
# number the section shows (ids, the bars' and histograms' data- values,
# the tables' rows) must equal the JSON of `report --view interrupts`
# (and the lab's JSON for the lab's page).  No request, no console error.
. "$(dirname "$0")/lib.sh"
export NETSCOPE_SOURCE_CACHE=$TMP/no-source
CHECK="python3 $(dirname "$0")/html_check.py"
BALANCED="python3 $(dirname "$0")/html_balanced.py"
SHOTS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/html
mkdir -p "$SHOTS"

"$NETSCOPE" lab interrupts --count 200 -o "$TMP/irq.ns" --html "$TMP/lab.html" --json \
	>"$TMP/lab.json" 2>"$TMP/lab.err"
check_eq "lab_interrupts_with_html_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/irq.ns" --html "$TMP/report.html" 2>/dev/null
check_eq "report_html_of_the_labs_trace_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/irq.ns" --view interrupts --json >"$TMP/view.json" 2>/dev/null
check "report_page_closes_every_element_in_order" $BALANCED "$TMP/report.html"
check "lab_page_closes_every_element_in_order" $BALANCED "$TMP/lab.html"

# what the Interrupts section shows, read from the DOM
PAGE_JS='JSON.stringify((() => {
  const q = s => [...document.querySelectorAll(s)];
  const nums = id => Object.fromEntries(q("#" + id + " rect[data-stat]").map(e => [e.dataset.stat, +e.dataset.value]));
  const hist = id => q("#" + id + " rect").filter(e => +e.dataset.count > 0).map(e => [+e.dataset.lo, +e.dataset.count]);
  const rows = id => q("#" + id + " tbody tr").map(r => [...r.cells].map(c => c.dataset.ns !== undefined ? +c.dataset.ns : c.textContent));
  return {
    ids: Object.fromEntries(q("#interrupts span[id^=irq-]").map(e => [e.id, e.dataset.ns !== undefined ? +e.dataset.ns : +e.textContent])),
    where: Object.fromEntries(q("#irq-where rect[data-where]").map(e => [e.dataset.where, +e.dataset.count])),
    raise: nums("irq-raise-to-entry"), duration: nums("irq-duration"), per_poll: nums("irq-per-poll"),
    budget_line: +(document.querySelector("#irq-per-poll line.budget") || {dataset: {}}).dataset.budget,
    raise_hist: hist("irq-raise-hist"), duration_hist: hist("irq-duration-hist"),
    raised_by: rows("irq-raised-by"), contexts: rows("irq-contexts"), vectors: rows("irq-vectors"),
    handlers: rows("irq-handlers"), system: rows("irq-system-vectors"),
    softnet: rows("irq-softnet"), verdict: (document.getElementById("irq-verdict") || {}).textContent || null,
  };
})())'
$CHECK "$TMP/report.html" "$SHOTS/interrupts.png" --at interrupts --eval "$PAGE_JS" \
	>"$TMP/page.json" 2>"$TMP/page.err"
check_eq "chromium_loads_the_report_page" 0 $?
$CHECK "$TMP/lab.html" "$SHOTS/lab-interrupts.png" --at findings --eval "$PAGE_JS" \
	>"$TMP/labpage.json" 2>"$TMP/labpage.err"
check_eq "chromium_loads_the_lab_page" 0 $?

compare() { # $1: page.json, $2: the interrupts JSON ("view" or "lab")
	python3 - "$1" "$TMP/view.json" "$TMP/lab.json" "$2" <<'PY'
import json, sys
page = json.load(open(sys.argv[1]))
v = json.load(open(sys.argv[2]))["interrupts"]
lab = json.load(open(sys.argv[3]))
if sys.argv[4] == "lab":
    v = lab["interrupts"]
p = json.loads(page["evals"][0])
print("requests", " ".join(page["requests"]))
print("console", len(page["console"]) + len(page["exceptions"]), page["console"], page["exceptions"])
print("heading", "Interrupts" in page["headings"])
nr, po, pk = v["net_rx"], v["polls"], v["packets"]
ids = p["ids"]
want = {"irq-net-rx-runs": nr["runs"], "irq-net-rx-with-packets": nr["runs_with_packets"],
        "irq-net-rx-raised": nr["runs_raised"], "irq-net-rx-ns": nr["total_ns"],
        "irq-softirq-events": v["softirq_events"], "irq-irq-events": v["irq_events"],
        "irq-vector-events": v["vector_events"], "irq-polls": po["count"],
        "irq-poll-packets": po["packets"], "irq-budget": po["budget"],
        "irq-at-budget": po["at_budget"], "irq-over-budget": po["over_budget"],
        "irq-packet-events": pk["events"], "irq-packet-linked": pk["linked"],
        "irq-rx-events": pk["rx_events"], "irq-rx-linked": pk["rx_linked"]}
print("ids", {k: (ids.get(k), w) for k, w in want.items() if ids.get(k) != w})
print("where", p["where"] == {k: c for k, c in nr["where"].items() if c}, nr["runs_with_packets"] > 0)
st = lambda s: {k: s[k + "_ns"] for k in ("min", "p50", "p90", "p99", "max")}
print("times", p["raise"] == st(nr["raise_to_entry"]) and p["duration"] == st(nr["duration"]))
print("per_poll", p["per_poll"] == {k: po["per_poll"][k] for k in ("min", "p50", "p90", "p99", "max")},
      p["budget_line"] == po["budget"])
def hist(vals):
    h = {}
    for x in vals:
        lo = 0 if x == 0 else 1 << (x.bit_length() - 1)
        h[lo] = h.get(lo, 0) + 1
    return sorted(h.items())
runs = v["runs"]
print("hists", [tuple(x) for x in p["raise_hist"]] == hist([r["raise_to_entry_ns"] for r in runs if r["raise_to_entry_ns"] is not None]),
      [tuple(x) for x in p["duration_hist"]] == hist([r["duration_ns"] for r in runs]), len(runs) > 0)
top = 10
print("raised_by", [[r[0], int(r[1])] for r in p["raised_by"]] == [[f["from"], f["runs"]] for f in nr["raised_by"][:top]])
print("contexts", [[r[0], int(r[1])] for r in p["contexts"]] == [[k, pk[k]] for k in ("task", "softirq", "hardirq", "other")])
print("vectors", [[r[0], int(r[1]), int(r[2]), int(r[3]), r[7], r[9]] for r in p["vectors"]] ==
      [[x["vector"], x["cpu"], x["runs"], x["runs_with_packets"], x["raise_to_entry"]["p50_ns"], x["duration"]["p50_ns"]] for x in v["vectors"][:top]])
print("handlers", [[r[0], int(r[1]), int(r[2]), r[4], r[5], r[6], int(r[7])] for r in p["handlers"]] ==
      [[x["name"], x["irq"], x["count"], x["duration"]["p50_ns"], x["duration"]["p99_ns"], x["duration"]["max_ns"], x["raised_net_rx"]] for x in v["hardirqs"][:top]])
print("system", [[r[0], int(r[1]), int(r[2]), r[4], r[5], r[6]] for r in p["system"]] ==
      [[x["name"], x["vector"], x["count"], x["duration"]["p50_ns"], x["duration"]["p99_ns"], x["duration"]["max_ns"]] for x in v["irq_vectors"][:top]],
      len(v["irq_vectors"]) > 0)
sn = lab["softnet"]
print("softnet", [[int(c) for c in r] for r in p["softnet"]] == [[c["cpu"], c["processed"], c["dropped"], c["time_squeeze"]] for c in sn] if p["softnet"] else None)
print("verdict", p["verdict"] is not None and p["verdict"].startswith("%d of %d NET_RX runs carried the lab's packets: %d ran in a task"
      % (nr["runs_with_packets"], nr["runs"], nr["where"]["task"])))
PY
}
compare "$TMP/page.json" view >"$TMP/facts" 2>&1
get() { sed -n "s/^$1 //p" "$TMP/facts"; }
check_eq "report_page_makes_no_request_but_itself" "file://$TMP/report.html" "$(get requests)"
check_eq "report_page_logs_no_console_error" "0 [] []" "$(get console)"
check_eq "report_page_has_an_interrupts_section" True "$(get heading)"
check_eq "report_page_numbers_equal_the_interrupts_view" "{}" "$(get ids)"
check_eq "where_bar_equals_the_views_where" "True True" "$(get where)"
check_eq "raise_to_entry_and_entry_to_exit_bars_equal_the_percentiles" True "$(get times)"
check_eq "packets_per_poll_bars_and_budget_line_equal_the_view" "True True" "$(get per_poll)"
check_eq "histograms_count_the_views_runs_per_power_of_two" "True True True" "$(get hists)"
check_eq "raised_by_table_equals_the_view" True "$(get raised_by)"
check_eq "contexts_table_equals_the_view" True "$(get contexts)"
check_eq "runs_per_vector_and_cpu_table_equals_the_view" True "$(get vectors)"
check_eq "hardirq_handlers_table_equals_the_view" True "$(get handlers)"
check_eq "system_vectors_table_equals_the_view" "True True" "$(get system)"
check_eq "report_page_has_no_lab_findings" "None False" "$(get softnet) $(get verdict)"

compare "$TMP/labpage.json" lab >"$TMP/labfacts" 2>&1
get() { sed -n "s/^$1 //p" "$TMP/labfacts"; }
check_eq "lab_page_makes_no_request_but_itself" "file://$TMP/lab.html" "$(get requests)"
check_eq "lab_page_logs_no_console_error" "0 [] []" "$(get console)"
check_eq "lab_page_numbers_equal_the_labs_json" "{}" "$(get ids)"
check_eq "lab_page_charts_equal_the_labs_json" "True True|True|True True|True True True" \
	"$(get where)|$(get times)|$(get per_poll)|$(get hists)"
check_eq "lab_page_softnet_table_equals_the_labs_json" True "$(get softnet)"
check_eq "lab_page_verdict_names_the_runs_and_where_they_ran" True "$(get verdict)"

# a trace without softirq events has no Interrupts section
"$NETSCOPE" record -o "$TMP/plain.ns" --scenario refused --count 2 2>/dev/null
"$NETSCOPE" report "$TMP/plain.ns" --html "$TMP/plain.html" 2>/dev/null
check_eq "no_softirq_events_no_interrupts_section" 0 "$(grep -c 'id="interrupts"' "$TMP/plain.html")"
