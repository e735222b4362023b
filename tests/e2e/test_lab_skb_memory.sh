#!/bin/bash
# End-to-end: the memory of packets (--events kmem, lab skb-memory) on the
# live kernel.  The kmem tracepoints fire for every allocation of the
# machine; BPF keeps only the skb caches and skb allocation call sites, and
# the facts below hold for this workload however busy the rest is:
# at least one sk_buff per IP packet sent, the allocations at __alloc_skb
# and kmalloc_reserve, GFP flags by name, every softirq allocation atomic,
# every packet of the trace linked to its allocation.
. "$(dirname "$0")/lib.sh"

COUNT=5
"$NETSCOPE" lab skb-memory --count $COUNT --json >"$TMP/lab.json" 2>"$TMP/lab.err"
check_eq "lab_skb_memory_exits_zero" 0 $?
facts=$(python3 - "$TMP/lab.json" <<'PY'
import sys, json
d = json.load(open(sys.argv[1]))
m = d["skb_memory"]
print("schema", d["schema_version"] >= 1)
print("sent", d["sent"])
print("alloc_ge_sent", d["skb_allocs"] >= d["sent"] > 0)
print("functions", " ".join(sorted({s["function"] for s in m["sites"]} & {"__alloc_skb", "kmalloc_reserve"})))
print("caches", " ".join(sorted({s["cache"] for s in m["sites"] if s["function"] == "__alloc_skb" and s["kind"] == "skb"})))
print("gfp_names", m["gfp_names"], all(g["flags"].startswith("GFP_") for g in m["gfp"]))
print("task_kernel", any(g["ctx"] == "task" and g["flags"].split("|")[0] == "GFP_KERNEL" and g["may_sleep"] for g in m["gfp"]))
soft = [g for g in m["gfp"] if g["ctx"] == "softirq"]
print("softirq_rows", len(soft) > 0)
print("softirq_atomic", all(g["flags"].startswith("GFP_ATOMIC") and g["may_sleep"] is False for g in soft),
      d["softirq_allocs"] == d["softirq_atomic"] > 0)
p = m["packets"]
print("linked", p["count"] > 0, p["unlinked"], p["linked_skb"] + p["linked_fclone"] == p["count"],
      p["linked_head"] == p["count"])
c = m["clones"]
print("fclones", c["fclone_allocs"], c["fclone_second_packets"])
print("packet_life", m["lifetimes"]["packet"]["count"] > 0,
      m["lifetimes"]["packet"]["p50_ns"] <= m["lifetimes"]["packet"]["max_ns"])
print("alive_sum", m["alive"]["count"] == sum(s["alive"] for s in m["sites"]))
print("examples", all(x["first_event"] and x["function"] for x in m["examples"]), len(m["examples"]) > 0)
a = d["alloc_skb"]
print("source", a["source"] is not None)
if a["source"]:
    print("defined", a["defined"].startswith("net/core/skbuff.c:"))
    print("cache_choice_line", "SKB_ALLOC_FCLONE" in (a["steps"][0]["text"] or ""))
    print("kernel_doc", "GFP_ATOMIC" in a["kernel_doc_gfp"])
PY
)
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "lab_json_has_a_schema_version" True "$(get schema)"
# lab handshake's exact count: 10 segments a connection (test_lab_handshake.sh)
check_eq "ip_packets_sent_are_ten_a_connection" $((COUNT * 10)) "$(get sent)"
check_eq "sk_buff_allocations_at_least_packets_sent" True "$(get alloc_ge_sent)"
check_eq "skb_allocation_functions_are_call_sites" "__alloc_skb kmalloc_reserve" "$(get functions)"
check_eq "alloc_skb_allocates_from_head_and_fclone_caches" "skbuff_fclone_cache skbuff_head_cache" \
	"$(get caches)"
check_eq "gfp_flags_decoded_by_name" "True True" "$(get gfp_names)"
check_eq "task_context_allocates_gfp_kernel_that_may_sleep" True "$(get task_kernel)"
check_eq "softirq_context_allocates" True "$(get softirq_rows)"
check_eq "every_softirq_allocation_is_gfp_atomic" "True True" "$(get softirq_atomic)"
check_eq "every_packet_linked_to_its_sk_buff_and_head_allocation" "True 0 True True" "$(get linked)"
# per connection: the client's SYN, data and FIN, the server's data and FIN
# (tcp_stream_alloc_skb), each sent as its fclone's second sk_buff
check_eq "five_fclones_a_connection_each_sent_as_its_second_sk_buff" \
	"$((COUNT * 5)) $((COUNT * 5))" "$(get fclones)"
check_eq "packet_lifetimes_measured" "True True" "$(get packet_life)"
check_eq "alive_at_end_is_the_sum_of_the_sites" True "$(get alive_sum)"
check_eq "journeys_start_at_their_allocation" "True True" "$(get examples)"
if [ "$(get source)" == True ]; then
	check_eq "alloc_skb_defined_in_skbuff_c" True "$(get defined)"
	check_eq "cache_choice_read_from_the_source" True "$(get cache_choice_line)"
	check_eq "kernel_doc_says_interrupts_use_gfp_atomic" True "$(get kernel_doc)"
else
	check "lab_says_the_index_is_missing" grep -q 'no source index' \
		<("$NETSCOPE" lab skb-memory --count 1 2>/dev/null)
fi

# a SYN flood: every SYN is an sk_buff of skbuff_head_cache at __alloc_skb,
# in task context (the raw socket's sendto); SYN-ACKs are built in softirq
"$NETSCOPE" record -o "$TMP/flood.ns" --scenario syn-flood --count 300 --events default,kmem \
	>"$TMP/flood.out" 2>&1
check_eq "record_with_kmem_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/flood.ns" --view skb-memory --json >"$TMP/flood.json" 2>"$TMP/flood.err"
check_eq "report_view_skb_memory_exits_zero" 0 $?
flood=$(python3 - "$TMP/flood.json" <<'PY'
import sys, json
m = json.load(open(sys.argv[1]))["skb_memory"]
head = [s for s in m["sites"] if s["cache"] == "skbuff_head_cache" and s["function"] == "__alloc_skb"]
print("head_allocs", head[0]["allocs"] >= 300 if head else False)
print("task_allocs", head[0]["by_ctx"].get("task", 0) >= 300 if head else False)
p = m["packets"]
# a flood at full speed on a loaded machine: a packet or two may miss its
# allocation (docs/KNOWN_LIMITS.md); the small workload above must not
print("unlinked", "ok" if p["unlinked"] * 100 <= p["count"] else "%d of %d: %s" % (p["unlinked"], p["count"], p["unlinked_ids"]))
print("frees", m["frees"] > 0, m["frees_unmatched"])
PY
)
getf() { sed -n "s/^$1 //p" <<<"$flood"; }
check_eq "flood_allocates_an_sk_buff_per_syn" True "$(getf head_allocs)"
check_eq "flood_syns_are_allocated_in_task_context" True "$(getf task_allocs)"
check_eq "flood_packets_linked_but_one_in_a_hundred_at_most" ok "$(getf unlinked)"
check_eq "frees_only_of_allocations_seen" "True 0" "$(getf frees)"

# the raw_tp twins (kernels without tp_btf) read the same through probe reads
"$NETSCOPE" record -o "$TMP/raw.ns" --scenario handshake --count 2 --events default,kmem --raw-tp \
	>/dev/null 2>&1
check_eq "raw_tp_record_exits_zero" 0 $?
check_eq "raw_tp_twins_link_every_packet_and_name_gfp" "0 True" "$("$NETSCOPE" report "$TMP/raw.ns" \
	--view skb-memory --json | python3 -c '
import json, sys
m = json.load(sys.stdin)["skb_memory"]
print(m["packets"]["unlinked"] if m["packets"]["count"] else -1,
      any(g["flags"].startswith("GFP_KERNEL") for g in m["gfp"]))')"

# the default events have no kmem: the view says how to get them
"$NETSCOPE" record -o "$TMP/plain.ns" --scenario refused >/dev/null 2>&1
"$NETSCOPE" report "$TMP/plain.ns" --view skb-memory >"$TMP/plain.txt" 2>&1
check_eq "view_without_kmem_exits_zero" 0 $?
check "view_without_kmem_says_how_to_record" grep -q -- '--events default,kmem' "$TMP/plain.txt"
# "all" is every packet and CPU tracepoint, not kmem (every allocation of the machine)
"$NETSCOPE" record -o "$TMP/all.ns" --scenario refused --events all >/dev/null 2>&1
check "kmem_not_in_events_all" grep -q 'the trace has no kmem events' \
	<("$NETSCOPE" report "$TMP/all.ns" --view skb-memory 2>&1)

"$NETSCOPE" lab skb-memory --count 0 >"$TMP/bad.out" 2>"$TMP/bad.err"
check_eq "bad_count_exits_2" 2 $?
check "bad_count_names_the_value" grep -q "bad value '0'" "$TMP/bad.err"
check_eq "no_namespace_left_behind" 0 "$(leftover_netns)"
