#!/bin/bash
# End-to-end: packet memory on the HTML page.  lab skb-memory --html and
# report --html of the lab's trace, loaded in headless Chromium with no
# network (html_check.py): no request but the page, no console message, and
# every number of the "Packet memory" section (summary, the charts' bars,
# the tables, the lifetime histograms) equal to `report --json --view
# skb-memory` of the same trace.  A trace without kmem events has no such
# section.
. "$(dirname "$0")/lib.sh"
export NETSCOPE_SOURCE_CACHE=$TMP/no-source	# the capture's facts, not explain mode
CHECK="python3 $(dirname "$0")/html_check.py"
BALANCED="python3 $(dirname "$0")/html_balanced.py"
SHOTS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/html
mkdir -p "$SHOTS"

"$NETSCOPE" lab skb-memory --count 5 -o "$TMP/lab.ns" --html "$TMP/lab.html" >"$TMP/lab.out" 2>&1
check_eq "lab_skb_memory_html_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/lab.ns" --html "$TMP/report.html" 2>"$TMP/rep.err"
check_eq "report_html_of_a_kmem_trace_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/lab.ns" --json --view skb-memory >"$TMP/skbmem.json"
check "lab_page_closes_every_element_in_order" $BALANCED "$TMP/lab.html"
check "report_page_closes_every_element_in_order" $BALANCED "$TMP/report.html"

# what a page shows of packet memory, read in the browser, as JSON
PAGE_JS='JSON.stringify({
 summary: Object.fromEntries([...document.querySelectorAll("#skbmem [id^=skbmem-]")].filter(e => !e.children.length || e.tagName === "DD" && !e.querySelector("span")).map(e => [e.id, e.textContent])),
 chart: [...document.querySelectorAll("#skbmem-sites-chart g.site")].map(g => [g.dataset.cache, g.dataset.function, +g.dataset.allocs, g.querySelector("text:last-of-type").textContent]),
 bytes: [...document.querySelectorAll("#skbmem-bytes-chart g.bytes")].map(g => [g.dataset.cache, g.dataset.function, +g.dataset.bytesReq, +g.dataset.bytesAlloc, g.querySelector("rect:last-of-type").getBBox().width <= g.querySelector("rect").getBBox().width]),
 sites: [...document.querySelectorAll("#skbmem-sites tbody tr")].map(r => [...r.cells].map(c => c.textContent)),
 gfp: [...document.querySelectorAll("#skbmem-gfp tbody tr")].map(r => [r.cells[0].textContent, r.cells[1].textContent, r.cells[4].textContent]),
 ctx: [...document.querySelectorAll("#skbmem-ctx tbody tr")].map(r => [r.cells[0].textContent, +r.cells[1].textContent, +r.cells[2].textContent]),
 life: [...document.querySelectorAll("#skbmem-lifetimes tbody tr")].map(r => [r.dataset.kind, +r.dataset.count, +r.dataset.p50, +r.dataset.p90, +r.dataset.p99, +r.dataset.max]),
 hist: [...document.querySelectorAll("svg.skbmem-life")].map(s => [s.id, +s.dataset.count, [...s.querySelectorAll("g.bucket")].reduce((a, g) => a + +g.dataset.count, 0)]),
 lab: ["lab-skbmem-skb-allocs", "lab-skbmem-softirq", "lab-skbmem-softirq-atomic"].map(i => document.getElementById(i) ? document.getElementById(i).textContent : null),
 steps: document.querySelectorAll("#lab-skbmem-steps tbody tr").length,
 link: !!document.querySelector("#findings a[href=\"#skbmem\"]")})'
for p in lab report; do
	$CHECK "$TMP/$p.html" "$SHOTS/skbmem-$p.png" --at skbmem --eval "$PAGE_JS" >"$TMP/$p.page.json" 2>"$TMP/$p.check.err"
	check_eq "chromium_loads_the_${p}_page" 0 $?
done

compare() { # page -> lines "name value"
	python3 - "$TMP/skbmem.json" "$TMP/$1.page.json" "$TMP/lab.html" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["skb_memory"]
page = json.load(open(sys.argv[2]))
v = json.loads(page["evals"][0])
print("requests", " ".join(r.split("/")[-1] for r in page["requests"]))
print("console", len(page["console"]) + len(page["exceptions"]), page["console"][:2], page["exceptions"][:2])
print("heading", "Packet memory" in page["headings"])
s = v["summary"]
want = {"skbmem-allocs": m["allocs"], "skbmem-frees": m["frees"], "skbmem-bytes-req": m["bytes_req"],
        "skbmem-bytes-alloc": m["bytes_alloc"], "skbmem-slack": m["bytes_alloc"] - m["bytes_req"],
        "skbmem-page-allocs": m["page_allocs"], "skbmem-page-frees": m["page_frees"],
        "skbmem-packets": m["packets"]["count"],
        "skbmem-linked": m["packets"]["linked_skb"] + m["packets"]["linked_fclone"],
        "skbmem-clones": m["clones"]["skb_clone_allocs"], "skbmem-fclones": m["clones"]["fclone_allocs"],
        "skbmem-fclone-seconds": m["clones"]["fclone_second_packets"],
        "skbmem-alive": m["alive"]["count"], "skbmem-alive-bytes": m["alive"]["bytes"]}
bad = [k for k in want if s.get(k) != str(want[k])]
print("summary", "ok" if not bad else [(k, s.get(k), want[k]) for k in bad])
top = m["sites"][:10]
print("chart", v["chart"] == [[x["cache"], x["function"], x["allocs"], str(x["allocs"])] for x in top] or v["chart"])
print("bytes", v["bytes"] == [[x["cache"], x["function"], x["bytes_req"], x["bytes_alloc"], True] for x in top] or v["bytes"])
rows = [[x["cache"], x["function"], x["kind"], str(x["allocs"]), "", str(x["frees"]), str(x["alive"]),
         str(x["bytes_req"]), str(x["bytes_alloc"]), str(x["bytes_alloc"] - x["bytes_req"])] for x in top]
print("sites", [r[:10] for r in v["sites"]] == rows or (v["sites"], rows))
print("gfp", v["gfp"] == [[g["ctx"], g["flags"], str(g["count"])] for g in m["gfp"]] or v["gfp"])
print("ctx", sorted(v["ctx"]) == sorted([c, x["atomic"], x["may_sleep"]] for c, x in m["by_ctx"].items()) or v["ctx"])
lt = m["lifetimes"]
print("life", v["life"] == [[k, lt[k]["count"], lt[k]["p50_ns"], lt[k]["p90_ns"], lt[k]["p99_ns"], lt[k]["max_ns"]]
                            for k in ("packet", "skb", "data", "page", "other")] or v["life"])
print("hist", v["hist"] == [["skbmem-life-" + k, lt[k]["count"], lt[k]["count"]]
                            for k in ("packet", "skb", "data", "page", "other") if lt[k]["count"]] or v["hist"])
print("nonempty", m["allocs"] > 0 and len(m["sites"]) > 0 and len(m["gfp"]) > 0 and lt["packet"]["count"] > 0)
print("lab", v["lab"], v["steps"], v["link"])
PY
}
for p in lab report; do
	facts=$(compare $p)
	get() { sed -n "s/^$1 //p" <<<"$facts"; }
	check_eq "${p}_page_requests_only_itself" "$p.html" "$(get requests)"
	check_eq "${p}_page_no_console_message" "0 [] []" "$(get console)"
	check_eq "${p}_page_has_packet_memory" True "$(get heading)"
	check_eq "${p}_summary_numbers_equal_the_json_view" ok "$(get summary)"
	check_eq "${p}_allocation_bars_equal_the_json_sites" True "$(get chart)"
	check_eq "${p}_requested_inside_allocated_bars_equal_the_json" True "$(get bytes)"
	check_eq "${p}_sites_table_equals_the_json" True "$(get sites)"
	check_eq "${p}_gfp_by_context_equals_the_json" True "$(get gfp)"
	check_eq "${p}_atomic_and_may_sleep_per_context_equal_the_json" True "$(get ctx)"
	check_eq "${p}_lifetime_percentiles_equal_the_json" True "$(get life)"
	check_eq "${p}_histogram_buckets_add_up_to_each_lifetime_count" True "$(get hist)"
	check_eq "${p}_trace_has_allocations_gfp_and_lifetimes" True "$(get nonempty)"
done
# the lab's own findings: its numbers, __alloc_skb's 8 steps, a link to the charts
check_eq "lab_findings_numbers_steps_and_link" "True 8 True" "$(python3 -c '
import json, sys
v = json.loads(json.load(open(sys.argv[1]))["evals"][0])
m = json.load(open(sys.argv[2]))["skb_memory"]
skb = sum(s["allocs"] for s in m["sites"] if s["kind"] == "skb")
soft = sum(s["by_ctx"].get("softirq", 0) for s in m["sites"])
print(v["lab"] == [str(skb), str(soft), str(m["by_ctx"]["softirq"]["atomic"])] or v["lab"], v["steps"], v["link"])' \
	"$TMP/lab.page.json" "$TMP/skbmem.json")"

# no kmem events: no Packet memory section, nothing in the contents
"$NETSCOPE" record -o "$TMP/plain.ns" --scenario refused --count 2 >/dev/null 2>&1
"$NETSCOPE" report "$TMP/plain.ns" --html "$TMP/plain.html" 2>/dev/null
check_eq "report_html_without_kmem_exits_zero" 0 $?
check_eq "no_packet_memory_section_without_kmem_events" 0 "$(grep -c 'id="skbmem' "$TMP/plain.html")"
check_eq "no_namespace_left" 0 "$(leftover_netns)"
echo "1..$TAP_N"
