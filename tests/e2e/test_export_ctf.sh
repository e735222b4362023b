#!/bin/bash
# End-to-end: `netscope export TRACE --to ctf DIR` writes CTF 1.8 that
# babeltrace2 reads without a warning, with the events netscope's report
# counts under their LTTng names (data/lttng.rules), the LTTng kernel
# trace's environment, and byte-stable output for a checked-in trace; bad
# input and unwritable outputs fail cleanly and leave nothing behind.
. "$(dirname "$0")/lib.sh"
export NETSCOPE_SOURCE_CACHE=$TMP/no-source
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RULES=$ROOT/data/lttng.rules

if ! command -v babeltrace2 >/dev/null; then
	echo "ok 1 # SKIP babeltrace2 is not installed (scripts/deps.sh installs it)"
	exit 0
fi

# per-name counts of what babeltrace2 prints: "COUNT NAME" lines, sorted by name
bt_counts() { # babeltrace2 text output on stdin
	sed -E 's/^\[[^]]*\] \([^)]*\) [^ ]+ ([^:]+):.*/\1/' | sort | uniq -c | awk '{print $2, $1}'
}
# the report's per-event counts under the names the export gives them
report_counts() { # trace
	"$NETSCOPE" report --json "$1" | python3 -c '
import json, sys
rules = {}
for line in open(sys.argv[1]):
    w = line.split("#")[0].split()
    if len(w) >= 3 and w[0] == "event" and (len(w) < 4 or w[3] != "when"):
        rules[w[1]] = w[2]
d = json.load(sys.stdin)
for e in d["events"]["by_type"]:
    print(rules.get(e["event"], e["event"]), e["count"])
' "$RULES" | sort
}
# the same counts with the events of an `event NETSCOPE/AUX` rule (one netscope
# type that LTTng splits: irq_vector_entry/local_timer -> x86_irq_vectors_
# local_timer_entry, ...) summed under the netscope name, as the report counts them
fold_aux() { # "NAME COUNT" lines on stdin
	python3 -c '
import sys
back = {}
for line in open(sys.argv[1]):
    w = line.split("#")[0].split()
    if len(w) >= 3 and w[0] == "event" and "/" in w[1]:
        back[w[2]] = w[1].split("/")[0]
n = {}
for line in sys.stdin:
    name, c = line.split()
    name = back.get(name, name)
    n[name] = n.get(name, 0) + int(c)
for name in sorted(n):
    print(name, n[name])
' "$RULES"
}
# a payload field of every event of one name (the last { } block of its line)
field() { # event name, field, babeltrace2 text file: the values, one a line
	grep -E "^\[[^]]*\] \([^)]*\) [^ ]+ $1: " "$3" | sed -E 's/.*\}, \{ (.*) \}$/, \1,/' |
		grep -oE ", $2 = [^,]+," | sed -E "s/^, $2 = //; s/,$//"
}

# ---- a refused connection, five times: every event type of a drop ----
"$NETSCOPE" record -o "$TMP/refused.ns" --scenario refused --count 5 2>"$TMP/rec.err"
check_eq record_refused_exits_zero 0 $?
"$NETSCOPE" export "$TMP/refused.ns" --to ctf "$TMP/refused.ctf" 2>"$TMP/exp.err"
check_eq export_refused_exits_zero 0 $?
check "export_says_how_many_events_it_wrote" grep -qE "wrote .*refused.ctf \(ctf\): [0-9]+ events" "$TMP/exp.err"
babeltrace2 "$TMP/refused.ctf" >"$TMP/refused.txt" 2>"$TMP/bt.err"
check_eq babeltrace2_reads_refused_export_exit_zero 0 $?
check_eq babeltrace2_prints_no_warning_on_refused_export "" "$(cat "$TMP/bt.err")"
bt_counts <"$TMP/refused.txt" >"$TMP/bt.counts"
report_counts "$TMP/refused.ns" >"$TMP/report.counts"
check_eq babeltrace2_counts_each_event_as_the_report_does \
	"$(cat "$TMP/report.counts")" \
	"$(grep -vE '^(inet_sock_local_in|inet_sock_local_out|lttng_statedump_process_state) ' "$TMP/bt.counts" | fold_aux)"
check_eq refused_drops_are_skb_kfree_no_socket_five_times 5 \
	"$(field skb_kfree reason "$TMP/refused.txt" | grep -c '"NO_SOCKET"')"
check_eq refused_export_has_no_netscope_name_for_a_mapped_event 0 \
	"$(grep -cE '\) [^ ]+ (kfree_skb|consume_skb|netif_receive_skb): ' "$TMP/refused.txt")"
# five SYNs out of the client, five RST|ACKs out of the server: each leaves
# (inet_sock_local_out) and arrives (inet_sock_local_in) with the same
# seq, ack_seq and flags, which is what TraceCompass matches on
check_eq tcp_segments_leaving_are_ten 10 "$(grep -c ') [^ ]* inet_sock_local_out: ' "$TMP/refused.txt")"
seg_keys() { grep -E "\) [^ ]+ $1: " "$TMP/refused.txt" | grep -oE 'seq = [0-9]+, ack_seq = [0-9]+, flags = 0x[0-9A-Fa-f]+' | sort; }
check_eq each_segment_out_has_its_segment_in_with_seq_ack_flags "$(seg_keys inet_sock_local_out)" \
	"$(seg_keys inet_sock_local_in)"
check_eq syn_and_rst_ack_flags_five_each "5 0x14 5 0x2" \
	"$(seg_keys inet_sock_local_out | sed 's/.*flags = //' | sort | uniq -c | awk '{print $1, $2}' | tr '\n' ' ' | sed 's/ $//')"
# the state dump names each thread the events ran in, once
check_eq statedump_lists_every_thread_of_the_events_once \
	"$(grep -vE ' lttng_statedump_process_state: ' "$TMP/refused.txt" | grep -oE '\{ tid = [0-9]+' | sed 's/{ tid = //' | grep -vx 0 | sort -un)" \
	"$(field lttng_statedump_process_state tid "$TMP/refused.txt" | sort -n)"
check "statedump_names_the_workload_thread" grep -qE ' lttng_statedump_process_state: .* name = "netscope"' "$TMP/refused.txt"
check_eq every_event_has_a_cpu_id_in_its_packet_context 0 "$(grep -cv '{ cpu_id = [0-9]* }' "$TMP/refused.txt")"

# ---- the LTTng kernel trace's environment and clock ----
meta_of() { "$NETSCOPE" report --json "$TMP/refused.ns" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
md=$TMP/refused.ctf/metadata
check "metadata_starts_with_the_ctf_1_8_signature" grep -qx '/\* CTF 1.8 \*/' <(head -1 "$md")
for kv in 'domain = "kernel"' 'tracer_name = "lttng-modules"' 'tracer_major = 2' 'tracer_minor = 13' \
	"hostname = \"$(meta_of 'd["capture"]["host"]')\"" \
	"kernel_release = \"$(meta_of 'd["capture"]["kernel"]')\"" \
	"uuid = \"$(meta_of 'd["capture"]["meta"]["host.boot_id"]')\""; do
	check "metadata_has_${kv%% *}_$(tr -cd 'a-z0-9' <<<"${kv#*= }" | head -c 24)" grep -qF "	$kv;" "$md"
done
check "clock_is_named_monotonic_at_1_ghz" grep -qzE 'clock \{[^}]*name = "monotonic";[^}]*freq = 1000000000;' "$md"
check "packet_context_carries_cpu_id" grep -qzE 'struct packet_context \{[^}]*uint32_t cpu_id;' "$md"
realtime_off=$(meta_of 'd["capture"]["meta"]["clock.monotonic_to_realtime_ns"]')
check_eq clock_offset_is_the_traces_monotonic_to_realtime \
	"offset_s = $((realtime_off / 1000000000)); offset = $((realtime_off % 1000000000));" \
	"$(grep -oE 'offset(_s)? = [0-9]+;' "$md" | tr '\n' ' ' | sed 's/ $//')"

# ---- a SYN flood with every event: irqs, softirqs, device events ----
"$NETSCOPE" record -o "$TMP/flood.ns" --scenario syn-flood --count 500 --events all 2>/dev/null
check_eq record_syn_flood_all_events_exits_zero 0 $?
"$NETSCOPE" export "$TMP/flood.ns" --to ctf "$TMP/flood.ctf" 2>/dev/null
babeltrace2 "$TMP/flood.ctf" >"$TMP/flood.txt" 2>"$TMP/bt.err"
check_eq babeltrace2_prints_no_warning_on_flood_export "" "$(cat "$TMP/bt.err")"
check_eq babeltrace2_counts_each_flood_event_as_the_report_does \
	"$(report_counts "$TMP/flood.ns")" \
	"$(bt_counts <"$TMP/flood.txt" | grep -vE '^(inet_sock_local_in|inet_sock_local_out|lttng_statedump_process_state) ' | fold_aux)"
# x86 system vectors under LTTng's names (lttng-modules' arch/x86/irq_vectors.h):
# each tracepoint's entries as many as the interrupts view counts, each
# event's vector the number the view gives that tracepoint
"$NETSCOPE" report "$TMP/flood.ns" --view interrupts --json >"$TMP/flood.irq.json" 2>/dev/null
irq_facts=$(python3 - "$TMP/flood.irq.json" "$TMP/flood.txt" "$RULES" <<'PY'
import json, re, sys
view = json.load(open(sys.argv[1]))["interrupts"]["irq_vectors"]
to_lttng = {}
for line in open(sys.argv[3]):
    w = line.split("#")[0].split()
    if len(w) >= 3 and w[0] == "event" and "/" in w[1]:
        to_lttng[w[1]] = w[2]
count, vecs, native = {}, {}, 0
for line in open(sys.argv[2]):
    m = re.match(r"^\[[^]]*\] \([^)]*\) \S+ (x86_irq_vectors_\w+|irq_vector_(?:entry|exit)): .*\{ (.*) \}$", line)
    if not m:
        continue
    if m.group(1).startswith("irq_vector_"):
        native += 1
        continue
    count[m.group(1)] = count.get(m.group(1), 0) + 1
    vecs.setdefault(m.group(1), set()).add(int(re.search(r"vector = (\d+)", m.group(2)).group(1)))
ok_count = all(count.get(to_lttng.get("irq_vector_entry/" + v["name"]), 0) == v["count"]
               for v in view if "irq_vector_entry/" + v["name"] in to_lttng)
ok_vec = all(vecs.get(to_lttng.get("irq_vector_entry/" + v["name"]), {v["vector"]}) == {v["vector"]}
             and vecs.get(to_lttng.get("irq_vector_exit/" + v["name"]), {v["vector"]}) == {v["vector"]}
             for v in view if "irq_vector_entry/" + v["name"] in to_lttng)
print("local_timer", count.get("x86_irq_vectors_local_timer_entry", 0) > 0,
      count.get("x86_irq_vectors_local_timer_exit", 0) > 0)
print("entries", ok_count, ok_vec, len(view) > 0)
print("native_only_unmapped", native == 0 or all("irq_vector_entry/" + v["name"] not in to_lttng for v in view))
PY
)
check_eq local_timer_vector_events_have_lttngs_x86_names "True True" "$(sed -n 's/^local_timer //p' <<<"$irq_facts")"
check_eq vector_entries_per_tracepoint_equal_the_interrupts_view_and_carry_its_vector "True True True" \
	"$(sed -n 's/^entries //p' <<<"$irq_facts")"
check_eq vector_events_keep_the_netscope_name_only_without_an_lttng_one True \
	"$(sed -n 's/^native_only_unmapped //p' <<<"$irq_facts")"
check_eq softirq_events_carry_net_rx_vec_3 3 "$(field irq_softirq_entry vec "$TMP/flood.txt" | sort -u | grep -x 3)"
check_eq netscope_only_events_keep_their_name net_dev_start_xmit \
	"$(grep -oE '\) [^ ]+ net_dev_start_xmit: ' "$TMP/flood.txt" | head -1 | sed -E 's/.* (net_dev_start_xmit): /\1/')"
# a netscope-only event carries every field of the record (ctf_map.c's list)
check_eq netscope_only_events_carry_every_field \
	"skb sk location packet_id netns ifindex len stack_id stack_key reason aux aux2 seq ack_seq l3_proto sport dport ctx hdr family l4_proto tcp_flags flags saddr_length saddr daddr_length daddr comm ifname skb_head" \
	"$(grep -m1 -E '\) [^ ]+ net_dev_start_xmit: ' "$TMP/flood.txt" | sed -E 's/.*\}, \{ (.*) \}$/\1/' | grep -oE '(^|, )[a-z_0-9]+ = ' | sed -E 's/^, //; s/ = $//' | tr '\n' ' ' | sed 's/ $//')"
if grep -q ' irq_handler_entry: ' "$TMP/flood.txt"; then
	check "irq_handler_entry_has_irq_and_name" grep -qE ' irq_handler_entry: .*\{ irq = [0-9]+, name = "[^"]*" \}' "$TMP/flood.txt"
else	# veth traffic raises no hardware interrupt: only the host's other devices do
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP irq_handler_entry_has_irq_and_name: no hardware interrupt during the capture"
fi

# ---- the output is never overwritten without --force ----
echo keep >"$TMP/exists"
"$NETSCOPE" export "$TMP/refused.ns" --to ctf "$TMP/exists" 2>"$TMP/err"
check_eq existing_output_is_refused_exit_1 1 $?
check "existing_output_error_says_force_replaces_it" grep -q "exists: not overwritten (--force replaces it)" "$TMP/err"
check_eq existing_output_is_left_as_it_was keep "$(cat "$TMP/exists")"
"$NETSCOPE" export "$TMP/refused.ns" --to ctf "$TMP/exists" --force 2>/dev/null
check_eq force_replaces_an_existing_output 0 $?
check "forced_output_is_a_ctf_trace" test -f "$TMP/exists/metadata"
check_eq no_temporary_left_after_force "" "$(ls -d "$TMP"/exists.tmp-* 2>/dev/null)"

# ---- unwritable outputs: a clear error, nothing left behind ----
"$NETSCOPE" export "$TMP/refused.ns" --to ctf "$TMP/no/such/dir/out" 2>"$TMP/err"
check_eq missing_parent_directory_exit_1 1 $?
check "missing_parent_error_names_the_output" grep -q "cannot write '$TMP/no/such/dir/out': No such file or directory" "$TMP/err"
mkdir -p "$TMP/small"
unshare -m bash -c "mount -t tmpfs -o size=16k none '$TMP/small' &&
	'$NETSCOPE' export '$TMP/flood.ns' --to ctf '$TMP/small/out' 2>'$TMP/err'; echo \$? >'$TMP/rc';
	ls -A '$TMP/small' >'$TMP/left'
	mount -o remount,ro '$TMP/small' && '$NETSCOPE' export '$TMP/refused.ns' --to ctf '$TMP/small/out' 2>'$TMP/err.ro';
	echo \$? >'$TMP/rc.ro'; ls -A '$TMP/small' >>'$TMP/left'"
check_eq full_filesystem_export_exit_1 1 "$(cat "$TMP/rc")"
check "full_filesystem_error_says_no_space" grep -q "cannot write '.*': No space left on device" "$TMP/err"
check_eq read_only_filesystem_export_exit_1 1 "$(cat "$TMP/rc.ro")"
check "read_only_error_says_read_only" grep -q "Read-only file system" "$TMP/err.ro"
check_eq failed_exports_leave_nothing_behind "" "$(cat "$TMP/left")"

# ---- bad input: exported up to where it is good, and said so ----
size=$(stat -c %s "$TMP/flood.ns")
head -c $((size * 2 / 3)) "$TMP/flood.ns" >"$TMP/cut.ns"
"$NETSCOPE" export "$TMP/cut.ns" --to ctf "$TMP/cut.ctf" 2>"$TMP/err"
check_eq truncated_trace_exports_exit_zero 0 $?
check "truncated_trace_warning_names_the_offset" grep -qE "'.*cut.ns' is truncated at offset [0-9]+ .*exported the [0-9]+ events before it" "$TMP/err"
babeltrace2 "$TMP/cut.ctf" >"$TMP/cut.txt" 2>"$TMP/bt.err"
check_eq babeltrace2_reads_truncated_export_without_warning "0:" "$?:$(cat "$TMP/bt.err")"
said=$(sed -nE 's/.*exported the ([0-9]+) events before it.*/\1/p' "$TMP/err")
check_eq truncated_export_holds_the_events_it_says \
	"$said" "$(grep -cvE ' (inet_sock_local_in|inet_sock_local_out|lttng_statedump_process_state): ' "$TMP/cut.txt")"
check "truncated_export_metadata_says_input_incomplete" grep -q 'netscope_input_complete = 0;' "$TMP/cut.ctf/metadata"
python3 - "$TMP/flood.ns" "$TMP/bad.ns" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
mid = len(d) // 2
for i in range(mid, mid + 64):
    d[i] ^= 0x5a
open(sys.argv[2], "wb").write(d)
EOF
"$NETSCOPE" export "$TMP/bad.ns" --to ctf "$TMP/bad.ctf" 2>"$TMP/err"
check_eq corrupt_chunk_exports_what_precedes_it_exit_zero 0 $?
check "corrupt_chunk_warning_names_the_offset" grep -qE "has a corrupt chunk .*offset [0-9]+.*exported the [0-9]+ events before it" "$TMP/err"
check_eq babeltrace2_reads_export_of_corrupt_trace "" "$(babeltrace2 "$TMP/bad.ctf" 2>&1 >/dev/null)"
# a damaged trace whose chunks check out (a fuzzer's find, tests/fixtures/ctf):
# times past the year 2262, which no reader can put on the realtime axis
# (babeltrace2 refused the whole stream), and a CPU's events out of order
"$NETSCOPE" export "$ROOT/tests/fixtures/ctf/damaged-times.ns" --to ctf "$TMP/damaged.ctf" 2>"$TMP/err"
check_eq damaged_times_trace_exports_exit_zero 0 $?
check "events_past_2262_are_left_out_with_a_warning" grep -q "2 events have a time no CTF reader can represent (past the year 2262): left out" "$TMP/err"
check "events_out_of_order_are_counted_with_a_warning" grep -q "7 events were earlier than the event before them on their CPU" "$TMP/err"
check_eq babeltrace2_reads_export_of_damaged_times "" "$(babeltrace2 "$TMP/damaged.ctf" 2>&1 >/dev/null)"
check_eq damaged_export_metadata_counts_them "netscope_events_reordered = 7; netscope_events_left_out = 2;" \
	"$(grep -oE 'netscope_events_(reordered|left_out) = [0-9]+;' "$TMP/damaged.ctf/metadata" | tr '\n' ' ' | sed 's/ $//')"
printf 'not a trace\n' >"$TMP/junk.ns"
"$NETSCOPE" export "$TMP/junk.ns" --to ctf "$TMP/junk.ctf" 2>"$TMP/err"
check_eq not_a_trace_exit_1 1 $?
check "not_a_trace_error_says_so" grep -q "is not a netscope trace" "$TMP/err"
check_eq not_a_trace_leaves_nothing "" "$(ls -d "$TMP"/junk.ctf* 2>/dev/null)"

# ---- kmem events: one netscope event, two LTTng names by its kmalloc flag ----
# the lab's trace has slab caches and page frags; a UDP datagram of 1400
# bytes has its data kmalloc'd (too big for skbuff_small_head)
"$NETSCOPE" lab skb-memory --count 2 -o "$TMP/kmem.ns" >/dev/null 2>&1
check_eq lab_skb_memory_trace_exits_zero 0 $?
"$NETSCOPE" record -o "$TMP/kmalloc.ns" --events default,kmem,kmem-pages -- python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"x" * 1400, ("198.18.0.2", 9))' >/dev/null 2>&1
check_eq record_big_udp_datagrams_with_kmem_exits_zero 0 $?
# the report's counts per LTTng name: kmem_alloc split by the skb-memory view's kmalloc sites
kmem_counts() { # trace
	python3 - <("$NETSCOPE" report --json "$1") <("$NETSCOPE" report --json --view skb-memory "$1") <<'PY'
import json, sys
ev = {e["event"]: e["count"] for e in json.load(open(sys.argv[1]))["events"]["by_type"]}
m = json.load(open(sys.argv[2]))["skb_memory"]
km = [s for s in m["sites"] if s["cache"] == "kmalloc"]
if m["frees_unmatched"]:
    print("frees_unmatched", m["frees_unmatched"])
kmalloc, kfree = sum(s["allocs"] for s in km), sum(s["frees"] for s in km)
out = {"kmem_kmalloc": kmalloc, "kmem_cache_alloc": ev.get("kmem_alloc", 0) - kmalloc,
       "kmem_kfree": kfree, "kmem_cache_free": ev.get("kmem_free", 0) - kfree,
       "kmem_mm_page_alloc": ev.get("mm_page_alloc", 0), "kmem_mm_page_free": ev.get("mm_page_free", 0)}
assert m["allocs"] + m["page_allocs"] == ev.get("kmem_alloc", 0) + ev.get("mm_page_alloc", 0)
for k in sorted(out):
    if out[k]:
        print(k, out[k])
PY
}
for t in kmem kmalloc; do
	"$NETSCOPE" export "$TMP/$t.ns" --to ctf "$TMP/$t.ctf" 2>/dev/null
	check_eq "export_${t}_trace_exits_zero" 0 $?
	babeltrace2 "$TMP/$t.ctf" >"$TMP/$t.txt" 2>"$TMP/bt.err"
	check_eq "babeltrace2_reads_${t}_export_without_warning" "0:" "$?:$(cat "$TMP/bt.err")"
	check_eq "babeltrace2_counts_each_kmem_name_of_${t}_as_the_report" "$(kmem_counts "$TMP/$t.ns")" \
		"$(bt_counts <"$TMP/$t.txt" | grep -E '^kmem_')"
	check_eq "babeltrace2_counts_the_other_events_of_${t}_as_the_report" \
		"$(report_counts "$TMP/$t.ns" | grep -vE '^kmem_')" \
		"$(bt_counts <"$TMP/$t.txt" | grep -vE '^(kmem_|inet_sock_local_in |inet_sock_local_out |lttng_statedump_process_state )')"
	check_eq "${t}_export_has_no_netscope_kmem_name" 0 \
		"$(grep -cE '\) [^ ]+ (kmem_alloc|kmem_free|mm_page_alloc|mm_page_free): ' "$TMP/$t.txt")"
done
check_eq lab_trace_has_cache_allocs_frees_and_page_frags "True True True True" "$(bt_counts <"$TMP/kmem.txt" | python3 -c '
import sys
c = dict(l.split() for l in sys.stdin)
print(*[int(c.get(k, 0)) > 0 for k in ("kmem_cache_alloc", "kmem_cache_free", "kmem_mm_page_alloc", "kmem_mm_page_free")])')"
check_eq udp_trace_has_kmalloc_and_kfree "True True" "$(bt_counts <"$TMP/kmalloc.txt" | python3 -c '
import sys
c = dict(l.split() for l in sys.stdin)
print(int(c.get("kmem_kmalloc", 0)) >= 5, int(c.get("kmem_kfree", 0)) >= 5)')"
# LTTng's fields, in its order; the bytes the skb-memory view sums
payload_names() { # event name, file: the payload's field names of its first event
	grep -m1 -E "\) [^ ]+ $1: " "$2" | sed -E 's/.*\}, \{ (.*) \}$/\1/' | grep -oE '(^|, )[a-z_0-9]+ = ' |
		sed -E 's/^, //; s/ = $//' | tr '\n' ' ' | sed 's/ $//'
}
check_eq kmem_kmalloc_fields_are_lttngs "call_site ptr bytes_req bytes_alloc gfp_flags ns_kmem_flags ns_netns" \
	"$(payload_names kmem_kmalloc "$TMP/kmalloc.txt")"
check_eq kmem_cache_alloc_fields_are_lttngs "call_site ptr bytes_req bytes_alloc gfp_flags ns_cache ns_kmem_flags ns_netns" \
	"$(payload_names kmem_cache_alloc "$TMP/kmem.txt")"
check_eq kmem_kfree_fields_are_lttngs "call_site ptr ns_bytes_alloc ns_kmem_flags" \
	"$(payload_names kmem_kfree "$TMP/kmalloc.txt")"
check_eq kmem_cache_free_fields_are_lttngs "call_site ptr ns_cache ns_bytes_alloc ns_kmem_flags" \
	"$(payload_names kmem_cache_free "$TMP/kmem.txt")"
check_eq kmem_mm_page_alloc_fields_are_lttngs "page order gfp_flags ns_call_site ns_kmem_flags" \
	"$(payload_names kmem_mm_page_alloc "$TMP/kmem.txt")"
check_eq kmem_mm_page_free_fields_are_lttngs "page order" "$(payload_names kmem_mm_page_free "$TMP/kmem.txt")"
check_eq kmalloc_bytes_requested_sum_to_the_views_kmalloc_sites \
	"$("$NETSCOPE" report --json --view skb-memory "$TMP/kmalloc.ns" | python3 -c '
import json, sys
print(sum(s["bytes_req"] for s in json.load(sys.stdin)["skb_memory"]["sites"] if s["cache"] == "kmalloc"))')" \
	"$(field kmem_kmalloc bytes_req "$TMP/kmalloc.txt" | awk '{s += $1} END {print s}')"
check_eq page_frags_are_order_3 3 "$(field kmem_mm_page_alloc order "$TMP/kmem.txt" | sort -u)"

# ---- golden: a checked-in trace exports byte for byte the same CTF ----
# (after a deliberate change of the format or of data/lttng.rules:
#  netscope export tests/fixtures/ctf/refused-2.ns --to ctf tests/fixtures/ctf/refused-2.ctf --force)
"$NETSCOPE" export "$ROOT/tests/fixtures/ctf/refused-2.ns" --to ctf "$TMP/golden.ctf" 2>/dev/null
check_eq golden_trace_exports_exit_zero 0 $?
check "golden_trace_exports_byte_for_byte_the_checked_in_ctf" diff -r "$ROOT/tests/fixtures/ctf/refused-2.ctf" "$TMP/golden.ctf"
check_eq golden_export_reads_without_warning "" "$(babeltrace2 "$TMP/golden.ctf" 2>&1 >/dev/null)"

check_eq no_namespace_left_after_ctf_export_tests 0 "$(leftover_netns)"
echo "1..$TAP_N"
