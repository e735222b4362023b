#!/bin/bash
# End-to-end: `netscope export --to perfetto` and `--to chrome-json` on
# traces recorded here (a refused connect, a seeded SYN flood, every event
# type), checked against upstream's field numbers with protoc and against
# what `netscope report --json` says of the same trace: slices, instants,
# packet flows and counters.  Then golden files, and bad inputs.
#
# The golden files are the exports of tests/fixtures/perfetto/
# refused-events-all.ns; after a deliberate change of the output, rewrite
# them with
#   build/netscope export tests/fixtures/perfetto/refused-events-all.ns \
#     --to perfetto tests/fixtures/perfetto/refused-events-all.pftrace --force
#   (and --to chrome-json ... refused-events-all.json --force)
# and look at the decoded difference before committing.
. "$(dirname "$0")/lib.sh"
# capture facts only: no source index takes part in the reports
export NETSCOPE_SOURCE_CACHE=$TMP/no-source
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/tests/fixtures/perfetto
FACTS=$ROOT/tests/e2e/export_facts.py
decode() { protoc --decode=perfetto.protos.Trace -I "$FIX" "$FIX/netscope_perfetto_subset.proto"; }
fact() { sed -n "s/^$1 //p" "$2"; }
# the facts chrome-json shares with Perfetto (export_facts.py)
SHARED='^(cpu_tracks|unbalanced|flow_errors|flows|softirq_slices|irq_slices|vector_slices|events_by_name|unmatched_irq_entries|unmatched_vector_entries|unmatched|journey|rx|tx|drops) '

# exported NAME TRACE: both exports of TRACE, each against the report
exported() {
	local n=$1 t=$2
	"$NETSCOPE" export "$t" --to perfetto "$TMP/$n.pftrace" 2>"$TMP/$n.err"
	check_eq "${n}_exports_to_perfetto_exit_zero" 0 $?
	decode <"$TMP/$n.pftrace" >"$TMP/$n.txt" 2>"$TMP/$n.protoc"
	check_eq "${n}_perfetto_decodes_with_protoc_against_upstream_field_numbers" 0 $?
	python3 "$FACTS" perfetto "$TMP/$n.txt" >"$TMP/$n.pf" 2>&1
	"$NETSCOPE" report --json "$t" >"$TMP/$n.report.json"
	"$NETSCOPE" report --view interrupts --json "$t" >"$TMP/$n.irq.json"
	python3 "$FACTS" report "$TMP/$n.report.json" "$TMP/$n.irq.json" >"$TMP/$n.rep" 2>&1
	local f=$TMP/$n.pf r=$TMP/$n.rep
	check_eq "${n}_perfetto_has_no_field_outside_the_subset" 0 "$(fact unknown_fields "$f")"
	check_eq "${n}_perfetto_primary_clock_is_monotonic" "BUILTIN_CLOCK_MONOTONIC 3" \
		"$(fact primary_clock "$f") $(fact first_clock_id "$f")"
	check_eq "${n}_perfetto_sequence_starts_in_first_packet_with_monotonic_default" "1 at 0 0 3" \
		"$(fact sequence_starts "$f") $(fact first_packet_on_sequence "$f") $(fact default_clock "$f")"
	check_eq "${n}_perfetto_every_packet_on_sequence_1_events_need_state" 0 "$(fact bad_sequence_packets "$f")"
	check_eq "${n}_perfetto_every_event_on_a_declared_track" 0 "$(fact undeclared_tracks "$f")"
	check "${n}_perfetto_tracks_are_cpu_n_context" grep -qE '^cpu_tracks (cpu [0-9]+ (task|softirq|hardirq),?)+$' "$f"
	check_eq "${n}_perfetto_slices_balanced_per_track" 0 "$(fact unbalanced "$f")"
	check_eq "${n}_perfetto_softirq_slices_equal_report_runs" "$(fact softirq_slices "$r")" "$(fact softirq_slices "$f")"
	check_eq "${n}_perfetto_irq_slices_and_unmatched_entries_equal_irq_entries" \
		"$(fact irq_handler_entries "$r")" \
		"$(($(fact irq_slices "$f") + $(fact unmatched_irq_entries "$f")))"
	# system vectors (irq_vectors): a slice per entry -> exit pair on the hardirq
	# track, named by the tracepoint, as many per name as the interrupts view pairs
	check_eq "${n}_perfetto_vector_slices_per_tracepoint_equal_the_interrupts_view" \
		"$(fact vector_slices "$r")" "$(fact vector_slices "$f")"
	check_eq "${n}_perfetto_vector_slices_and_unmatched_entries_equal_vector_entries" \
		"$(fact irq_vector_entries "$r")" \
		"$(( $(fact vector_slices "$f" | tr ',' '\n' | sed -n 's/.*://p' | paste -sd+ | sed 's/^$/0/') + $(fact unmatched_vector_entries "$f") ))"
	check_eq "${n}_perfetto_instants_per_event_type_equal_report_counts" \
		"$(fact events_by_name "$r")" "$(fact events_by_name "$f")"
	check_eq "${n}_perfetto_flows_link_each_packet_first_to_last" 0 "$(fact flow_errors "$f")"
	check_eq "${n}_perfetto_flows_are_the_report_journeys" "$(grep '^journey ' "$r")" "$(grep '^journey ' "$f")"
	check_eq "${n}_perfetto_counters_sum_to_rx_tx_drop_events" \
		"$(fact rx "$r") $(fact tx "$r") $(fact drops "$r")" \
		"$(fact rx "$f") $(fact tx "$f") $(fact drops "$f")"

	"$NETSCOPE" export "$t" --to chrome-json "$TMP/$n.json" 2>"$TMP/$n.cerr"
	check_eq "${n}_exports_to_chrome_json_exit_zero" 0 $?
	check "${n}_chrome_json_parses" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/$n.json"
	python3 "$FACTS" chrome "$TMP/$n.json" >"$TMP/$n.cj" 2>&1
	check_eq "${n}_chrome_json_has_the_perfetto_tracks_slices_flows_counters" \
		"$(grep -E "$SHARED" "$TMP/$n.pf")" "$(grep -E "$SHARED" "$TMP/$n.cj")"
}

# ---- a refused connect, every event type: irq and softirq runs too ----
"$NETSCOPE" record -o "$TMP/refused.ns" --scenario refused --count 5 --events all 2>"$TMP/rec.err"
check_eq "record_refused_events_all_exit_zero" 0 $?
exported refused "$TMP/refused.ns"
check "refused_perfetto_has_softirq_slices" grep -qE '^softirq_slices [1-9]' "$TMP/refused.pf"
check "refused_perfetto_has_a_softirq_track" grep -qE '^cpu_tracks .*cpu [0-9]+ softirq' "$TMP/refused.pf"
# the five SYNs to the closed port, each a flow from the queue to the drop
check "refused_perfetto_each_syn_is_a_flow_from_queue_to_drop" grep -qx \
	'journey 5 net_dev_queue net_dev_start_xmit netif_rx net_dev_xmit netif_receive_skb tcp_send_reset kfree_skb' \
	"$TMP/refused.pf"
check_eq "refused_perfetto_drop_counter_counts_the_5_syns" 5 "$(fact drops "$TMP/refused.pf")"
check "refused_perfetto_names_softirq_slices_net_rx" grep -q 'name: "NET_RX"' "$TMP/refused.txt"
check "refused_perfetto_drop_reason_is_an_annotation" grep -q 'string_value: "reason=NO_SOCKET at tcp_v4_rcv' "$TMP/refused.txt"
check "refused_perfetto_has_local_timer_slices_on_a_hardirq_track" grep -qE '^vector_slices (.*,)?local_timer:[1-9]' "$TMP/refused.pf"
check "refused_perfetto_says_what_it_drew" grep -qE '^netscope: perfetto: [0-9]+ tracks .* [0-9]+ softirq and [0-9]+ irq slices' "$TMP/refused.err"

# ---- a seeded SYN flood: thousands of packets, both CPUs ----
"$NETSCOPE" record -o "$TMP/flood.ns" --scenario syn-flood --count 500 --seed 7 --events all 2>"$TMP/rec.err"
check_eq "record_syn_flood_seed_7_exit_zero" 0 $?
exported flood "$TMP/flood.ns"
check "flood_perfetto_has_a_flow_per_syn" bash -c '[ "$(sed -n "s/^flows //p" "$1")" -ge 500 ]' _ "$TMP/flood.pf"

# ---- a format 1.0 trace (deflate), default events: instants and flows, no slices ----
exported v10 "$ROOT/tests/fixtures/trace/refused-1.0-deflate.ns"
check_eq "v10_perfetto_without_irq_events_has_no_slices" "0 0" \
	"$(fact softirq_slices "$TMP/v10.pf") $(fact irq_slices "$TMP/v10.pf")"

# ---- kmem events (lab skb-memory): instants with their fields, on their context's CPU track ----
"$NETSCOPE" lab skb-memory --count 2 -o "$TMP/kmem.ns" >/dev/null 2>&1
check_eq "lab_skb_memory_trace_exit_zero" 0 $?
exported kmem "$TMP/kmem.ns"
"$NETSCOPE" report --json --view skb-memory "$TMP/kmem.ns" >"$TMP/kmem.skbmem.json"
kmem=$(python3 - "$TMP/kmem.txt" "$TMP/kmem.skbmem.json" "$FACTS" <<'PY'
import collections, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("facts", sys.argv[3])
facts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(facts)
one = facts.one
m = json.load(open(sys.argv[2]))["skb_memory"]
packets = facts.parse_text_format(open(sys.argv[1]).read())["packet"]
names, keys, tracks = {}, {}, {}
for p in packets:
    for idata in p.get("interned_data", []):
        for e in idata.get("event_names", []):
            names[one(e, "iid")] = one(e, "name")
        for e in idata.get("debug_annotation_names", []):
            keys[one(e, "iid")] = one(e, "name")
    td = one(p, "track_descriptor")
    if td:
        tracks[one(td, "uuid")] = one(td, "name")
want = {"kmem_alloc": ["ptr", "call_site", "kmalloc", "bytes_req", "bytes_alloc", "gfp_flags"],
        "kmem_free": ["ptr", "call_site", "kmalloc", "bytes_alloc"],
        "mm_page_alloc": ["ptr", "call_site", "order", "gfp_flags"], "mm_page_free": ["ptr", "order"]}
missing, misnamed, instants = collections.Counter(), 0, collections.Counter()
sums = collections.Counter()
ctx = collections.Counter()
for p in packets:
    te = one(p, "track_event")
    if not te or names.get(one(te, "name_iid")) not in want:
        continue
    name = names[one(te, "name_iid")]
    instants[name, one(te, "type")] += 1
    ann = {keys.get(one(a, "name_iid")): a for a in te.get("debug_annotations", [])}
    missing[name] += any(k not in ann for k in want[name])
    misnamed += "sk" in ann or "len" in ann
    if name == "kmem_alloc":
        kmalloc = one(ann["kmalloc"], "bool_value") == "true"
        # an allocation from skbuff_fclone_cache merged into another slab: no cache
        # id, at __alloc_skb; its bytes_req is the tracepoint's (the merged slab's
        # object size), the view's is sizeof(struct sk_buff_fclones)
        fclone = (m["fclone_merged_into"] and not kmalloc and "cache_id" not in ann and
                  one(ann["call_site"], "string_value", "").strip('"').startswith("__alloc_skb+"))
        sums["merged_fclones"] += bool(fclone)
        if not fclone:
            sums["bytes_req"] += int(one(ann["bytes_req"], "uint_value"))
        sums["bytes_alloc"] += int(one(ann["bytes_alloc"], "int_value"))
        sums["kmalloc"] += kmalloc
    if name in ("kmem_alloc", "mm_page_alloc"):
        ctx[tracks.get(one(te, "track_uuid"), "?").split(" ", 2)[-1]] += 1
print("instants", all(t == "TYPE_INSTANT" for _, t in instants), sum(instants.values()) > 0)
print("fields", sum(missing.values()), misnamed)
fc = [x for x in m["sites"] if x["cache"] == "skbuff_fclone_cache"] if m["fclone_merged_into"] else []
print("bytes", sums["bytes_req"], sums["bytes_alloc"], sums["merged_fclones"], "|",
      m["bytes_req"] - sum(x["bytes_req"] for x in fc), m["bytes_alloc"], sum(x["allocs"] for x in fc))
print("kmalloc", sums["kmalloc"], sum(s["allocs"] for s in m["sites"] if s["cache"] == "kmalloc"))
site_ctx = collections.Counter()
for s in m["sites"]:
    for c, n in s["by_ctx"].items():
        site_ctx[c] += n
print("tracks", sorted(ctx.items()) == sorted(site_ctx.items()) or (sorted(ctx.items()), sorted(site_ctx.items())))
PY
)
getk() { sed -n "s/^$1 //p" <<<"$kmem"; }
check_eq "kmem_perfetto_events_are_instants" "True True" "$(getk instants)"
check_eq "kmem_perfetto_instants_carry_their_fields_by_name_not_sk_len" "0 0" "$(getk fields)"
check "kmem_perfetto_bytes_requested_and_allocated_sum_to_the_skb_memory_view" \
	python3 -c 'import sys; a, b = sys.argv[1].split(" | "); sys.exit(a != b)' "$(getk bytes)"
check "kmem_perfetto_kmalloc_flags_count_the_views_kmalloc_sites" \
	python3 -c 'import sys; a, b = sys.argv[1].split(); sys.exit(a != b)' "$(getk kmalloc)"
check_eq "kmem_perfetto_allocations_on_the_track_of_their_context" True "$(getk tracks)"

# ---- golden files: a trace in the tree exports byte for byte the same ----
g=$FIX/refused-events-all
"$NETSCOPE" export "$g.ns" --to perfetto "$TMP/golden.pftrace" 2>/dev/null
check "golden_perfetto_export_is_byte_identical" cmp "$g.pftrace" "$TMP/golden.pftrace"
"$NETSCOPE" export "$g.ns" --to chrome-json "$TMP/golden.json" 2>/dev/null
check "golden_chrome_json_export_is_byte_identical" cmp "$g.json" "$TMP/golden.json"
decode <"$g.pftrace" >"$TMP/golden.txt"
python3 "$FACTS" perfetto "$TMP/golden.txt" >"$TMP/golden.pf"
check_eq "golden_perfetto_has_2_softirq_and_1_irq_slice" "2 1" \
	"$(fact softirq_slices "$TMP/golden.pf") $(fact irq_slices "$TMP/golden.pf")"
check_eq "golden_perfetto_tracks_are_the_contexts_of_cpu_1" "cpu 1 hardirq,cpu 1 softirq,cpu 1 task" \
	"$(fact cpu_tracks "$TMP/golden.pf")"

# ---- bad inputs: clear messages, nothing left behind ----
cp "$TMP/refused.json" "$TMP/exists.pftrace"
"$NETSCOPE" export "$g.ns" --to perfetto "$TMP/exists.pftrace" 2>"$TMP/bad.err"
check_eq "existing_output_is_refused_exit_1" 1 $?
check "existing_output_message_says_force" grep -q "'$TMP/exists.pftrace' exists: not overwritten (--force replaces it)" "$TMP/bad.err"
check "existing_output_is_left_as_it_was" cmp "$TMP/refused.json" "$TMP/exists.pftrace"
"$NETSCOPE" export "$g.ns" --to perfetto "$TMP/exists.pftrace" --force 2>"$TMP/bad.err"
check_eq "force_replaces_existing_output_exit_0" 0 $?
check "force_replaces_existing_output_with_the_export" cmp "$g.pftrace" "$TMP/exists.pftrace"

"$NETSCOPE" export "$g.ns" --to perfetto "$TMP/no-such-dir/out.pftrace" 2>"$TMP/bad.err"
check_eq "missing_directory_is_refused_exit_1" 1 $?
check "missing_directory_message_names_the_output" \
	grep -Eq "cannot (create|write) '$TMP/no-such-dir/out.pftrace': No such file or directory" "$TMP/bad.err"
# root writes through permission bits: a read-only mount and a full one
# (in a private mount namespace) are what refuses it
mkdir -p "$TMP/ro" "$TMP/full"
unshare -m bash -c '
	mount -t tmpfs -o ro none "$1/ro" || exit 9
	"$2" export "$3" --to perfetto "$1/ro/out.pftrace" 2>"$1/ro.err"; echo "ro $?"
	mount -t tmpfs -o size=64k none "$1/full" || exit 9
	"$2" export "$4" --to perfetto "$1/full/out.pftrace" 2>"$1/full.err"; echo "full $?"
	"$2" export "$4" --to chrome-json "$1/full/out.json" 2>"$1/fulljson.err"; echo "fulljson $?"
	echo "left $(ls -A "$1/full" | wc -l)"' _ "$TMP" "$NETSCOPE" "$g.ns" "$TMP/flood.ns" >"$TMP/mounts.out"
check_eq "read_only_directory_is_refused_exit_1" 1 "$(fact ro "$TMP/mounts.out")"
check "read_only_directory_message_says_read_only" \
	grep -Eq "cannot (create|write) '$TMP/ro/out.pftrace': Read-only file system" "$TMP/ro.err"
check_eq "full_disk_perfetto_fails_exit_1" 1 "$(fact full "$TMP/mounts.out")"
check "full_disk_perfetto_message_names_output_and_enospc" \
	grep -q "cannot write '$TMP/full/out.pftrace': No space left on device" "$TMP/full.err"
check_eq "full_disk_chrome_json_fails_exit_1" 1 "$(fact fulljson "$TMP/mounts.out")"
check_eq "full_disk_leaves_no_partial_output" 0 "$(fact left "$TMP/mounts.out")"

# a trace cut off mid-write: what is complete is exported, and where it stopped said
size=$(stat -c %s "$TMP/flood.ns")
head -c $((size / 2)) "$TMP/flood.ns" >"$TMP/cut.ns"
"$NETSCOPE" export "$TMP/cut.ns" --to perfetto "$TMP/cut.pftrace" 2>"$TMP/cut.err"
check_eq "truncated_trace_exports_exit_0" 0 $?
check "truncated_trace_warning_names_the_offset" \
	grep -qE "'$TMP/cut.ns' is truncated at offset [0-9]+ .*exported the [0-9]+ events before it" "$TMP/cut.err"
decode <"$TMP/cut.pftrace" >"$TMP/cut.txt"
check_eq "truncated_trace_export_decodes" 0 $?
python3 "$FACTS" perfetto "$TMP/cut.txt" >"$TMP/cut.pf"
check_eq "truncated_trace_export_is_well_formed" "0 0 0" \
	"$(fact unknown_fields "$TMP/cut.pf") $(fact unbalanced "$TMP/cut.pf") $(fact flow_errors "$TMP/cut.pf")"
got=$(sed -n 's/.*exported the \([0-9]*\) events.*/\1/p' "$TMP/cut.err")
total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["events"]["total"])' "$TMP/flood.report.json")
check "truncated_trace_exports_some_but_not_all_events" test "${got:-0}" -gt 0 -a "${got:-0}" -lt "$total"
check_eq "truncated_trace_export_has_the_events_it_says" "$got" \
	"$(grep -cE '^    type: TYPE_(INSTANT|SLICE_BEGIN|SLICE_END)$' "$TMP/cut.txt")"

printf 'this is not a trace\n' >"$TMP/junk.ns"
"$NETSCOPE" export "$TMP/junk.ns" --to chrome-json "$TMP/junk.json" 2>"$TMP/junk.err"
check_eq "not_a_trace_is_refused_exit_1" 1 $?
check "not_a_trace_message_says_so" grep -q "'$TMP/junk.ns' is not a netscope trace" "$TMP/junk.err"
check_eq "not_a_trace_leaves_no_output" "" "$(ls "$TMP" | grep '^junk.json')"

echo "1..$TAP_N"
