#!/bin/bash
# End-to-end: the diff's packet-memory sections.  Two runs of lab
# skb-memory, 5 and 10 connections: the fclone allocations (5 a connection:
# the client's SYN, data and FIN, the server's data and FIN) double exactly,
# and every number of the sections is the one `report --json --view
# skb-memory` gives for that trace.  A trace with itself changes nothing;
# a trace recorded without kmem events leaves the sections "not in B".
. "$(dirname "$0")/lib.sh"

"$NETSCOPE" lab skb-memory --count 5 -o "$TMP/A.ns" >"$TMP/a.out" 2>&1
check_eq "lab_a_5_connections_exits_zero" 0 $?
"$NETSCOPE" lab skb-memory --count 10 -o "$TMP/B.ns" >"$TMP/b.out" 2>&1
check_eq "lab_b_10_connections_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/A.ns" --json --view skb-memory >"$TMP/A.json"
"$NETSCOPE" report "$TMP/B.ns" --json --view skb-memory >"$TMP/B.json"
"$NETSCOPE" diff --json "$TMP/A.ns" "$TMP/B.ns" >"$TMP/ab.json" 2>"$TMP/ab.err"
check_eq "diff_a_b_exits_zero" 0 $?

facts=$(python3 - "$TMP/A.json" "$TMP/B.json" "$TMP/ab.json" <<'PY'
import json, sys
A = json.load(open(sys.argv[1]))["skb_memory"]
B = json.load(open(sys.argv[2]))["skb_memory"]
d = json.load(open(sys.argv[3]))["sections"]

def totals(m):
    return {
        "slab allocations": m["allocs"], "slab frees": m["frees"],
        "bytes requested": m["bytes_req"], "bytes allocated": m["bytes_alloc"],
        "slack bytes (allocated - requested)": m["bytes_alloc"] - m["bytes_req"],
        "page allocations": m["page_allocs"], "page frees": m["page_frees"],
        "packets": m["packets"]["count"],
        "sk_buffs allocated by skb_clone": m["clones"]["skb_clone_allocs"],
        "fclone allocations": m["clones"]["fclone_allocs"],
        "packets on an fclone's second sk_buff": m["clones"]["fclone_second_packets"],
        "alive at the end": m["alive"]["count"], "bytes alive at the end": m["alive"]["bytes"],
        "frees of an allocation not seen": m["frees_unmatched"],
    }

def sites(m):
    out = {}
    for s in m["sites"]:
        w = "%s at %s" % (s["cache"], s["function"])
        for det, v in (("allocs", s["allocs"]), ("frees", s["frees"]), ("alive", s["alive"]),
                       ("bytes requested", s["bytes_req"]), ("bytes allocated", s["bytes_alloc"]),
                       ("slack", s["bytes_alloc"] - s["bytes_req"])):
            out[(w, det)] = out.get((w, det), 0) + v
    return out

def gfp(m):
    out = {}
    for g in m["gfp"]:
        k = ("%s %s" % (g["ctx"], g["flags"]), None)
        out[k] = out.get(k, 0) + g["count"]
    for ctx, v in m["by_ctx"].items():
        out[("%s: atomic (cannot sleep)" % ctx, None)] = v["atomic"]
        out[("%s: may sleep" % ctx, None)] = v["may_sleep"]
    return out

def life(m):
    out = {}
    for k, l in m["lifetimes"].items():
        if not l["count"]:
            continue
        w = "packet: alloc → free/consume" if k == "packet" else "%s: alloc → kmem free" % k
        for p in ("p50", "p90", "p99", "max"):
            out[(w, p)] = l[p + "_ns"]
    return out

bad = []
for key, fn in (("skb_memory", lambda m: {(k, None): v for k, v in totals(m).items()}),
                ("alloc_sites", sites), ("gfp", gfp), ("skb_lifetimes", life)):
    sec = d[key]
    ea, eb = fn(A), fn(B)
    got = {(r["what"], r["detail"]): r for r in sec["rows"]}
    if set(got) != set(ea) | set(eb):
        bad.append("%s rows %s" % (key, sorted(set(got) ^ (set(ea) | set(eb)))[:4]))
    for k, r in got.items():
        if r["a"] != ea.get(k) or r["b"] != eb.get(k):
            bad.append("%s %s: diff %s %s, reports %s %s" % (key, k, r["a"], r["b"], ea.get(k), eb.get(k)))
    if not (sec["in_a"] and sec["in_b"]):
        bad.append(key + " not in both")
print("equal_reports", "ok" if not bad else "; ".join(bad[:5]))
r = {x["what"]: x for x in d["skb_memory"]["rows"]}["fclone allocations"]
print("fclones", r["a"], r["b"], r["status"])
r = {(x["what"], x["detail"]): x for x in d["alloc_sites"]["rows"]}[("skbuff_fclone_cache at __alloc_skb", "allocs")]
print("fclone_site", r["a"], r["b"], r["status"])
print("units", d["skb_lifetimes"]["unit"], d["gfp"]["unit"])
PY
)
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "every_diff_number_is_the_skb_memory_view_of_its_trace" ok "$(get equal_reports)"
check_eq "fclone_allocations_double_with_the_connections" "25 50 changed" "$(get fclones)"
check_eq "fclone_cache_at_alloc_skb_doubles" "25 50 changed" "$(get fclone_site)"
check_eq "lifetimes_in_ns_gfp_in_allocations" "ns allocations" "$(get units)"

"$NETSCOPE" diff "$TMP/A.ns" "$TMP/B.ns" --top 0 --all >"$TMP/ab.txt"
check "text_has_the_packet_memory_section" grep -q '^packet memory (kmem events): [0-9]* changed' "$TMP/ab.txt"
check "text_row_fclone_allocations" grep -Eq '^ +25 +50 +\+25 +\+100\.0%  fclone allocations$' "$TMP/ab.txt"
check "text_lifetimes_in_time_units" grep -Eq '^ +[0-9.]+(ns|µs|ms) +[0-9.]+(ns|µs|ms) .*  packet: alloc → free/consume p50' "$TMP/ab.txt"

"$NETSCOPE" diff --json "$TMP/A.ns" "$TMP/A.ns" >"$TMP/aa.json"
check_eq "a_trace_with_itself_changes_no_memory_row" "0 0 0 0 True" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sections"]
k = ("skb_memory", "alloc_sites", "gfp", "skb_lifetimes")
print(*[s[x]["changed_rows"] for x in k], all(s[x]["same_rows"] > 0 for x in k))' "$TMP/aa.json")"

# recorded without kmem events: no memory rows, said as "not in B"
"$NETSCOPE" record -o "$TMP/plain.ns" --scenario handshake --count 2 >/dev/null 2>&1
check_eq "record_without_kmem_exits_zero" 0 $?
"$NETSCOPE" diff --json "$TMP/A.ns" "$TMP/plain.ns" >"$TMP/ap.json"
check_eq "without_kmem_the_sections_are_not_in_b" "True False 0" "$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sections"]["skb_memory"]
print(s["in_a"], s["in_b"], len(s["rows"]))' "$TMP/ap.json")"
check "text_says_not_in_b" grep -q '^packet memory (kmem events): not in B' \
	<("$NETSCOPE" diff "$TMP/A.ns" "$TMP/plain.ns")
# neither trace has kmem events: said once, not four times
"$NETSCOPE" diff "$TMP/plain.ns" "$TMP/plain.ns" >"$TMP/pp.txt"
check_eq "without_kmem_in_either_one_line_says_so" \
	"packet memory (kmem events): not in either trace" \
	"$(grep -E '^(packet memory|allocations by)' "$TMP/pp.txt")"
check_eq "no_namespace_left" 0 "$(leftover_netns)"
echo "1..$TAP_N"
