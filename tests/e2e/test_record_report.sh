#!/bin/bash
# End-to-end: record a scenario to a trace file, then explain it with
# report, also where the kernel's BTF and symbols cannot be read.
. "$(dirname "$0")/lib.sh"
# the capture facts, not explain mode: no fetched tree (or its index) takes part
export NETSCOPE_SOURCE_CACHE=$TMP/no-source

refused_facts() { # report --json on stdin -> facts, one per line
	python3 -c '
import json, sys
d = json.load(sys.stdin)
print("method", d["capture"].get("method"))
print("drops", d["drops"]["total"])
r = d["drops"]["by_reason"]["rows"]
print("reason", r[0]["reason"] if r else None, r[0]["count"] if r else None)
print("function", d["drops"]["by_function"]["rows"][0]["function"])
l = d["lost"]
print("counts_add_up", l["produced"] == l["captured"] == l["read"] and l["lost"] == 0)
j = [s for s in d["journeys"]["sequences"]["rows"] if s["fate"] == "dropped"]
print("dropped_journey", " ".join(j[0]["steps"]) if j else None, j[0]["reason"] if j else None)
e = j[0]["example"] if j else {}
print("tuple", e.get("src"), e.get("dst"), e.get("dport"))
print("resets", d["resets"]["sent"] if "sent" in d["resets"] else None)
'
}

for method in tp_btf raw_tp; do
	extra=()
	[ $method = raw_tp ] && extra=(--raw-tp)
	"$NETSCOPE" record -o "$TMP/$method.ns" --scenario refused "${extra[@]}" 2>"$TMP/rec.err"
	check_eq "record_refused_${method}_exits_zero" 0 $?
	"$NETSCOPE" report --json "$TMP/$method.ns" >"$TMP/$method.json"
	check_eq "report_${method}_exits_zero" 0 $?
	facts=$(refused_facts <"$TMP/$method.json")
	get() { sed -n "s/^$1 //p" <<<"$facts"; }
	check_eq "report_${method}_names_its_capture_method" "$method" "$(get method)"
	check_eq "report_${method}_counts_one_drop" 1 "$(get drops)"
	check_eq "report_${method}_drop_reason_is_no_socket_once" "NO_SOCKET 1" "$(get reason)"
	check_eq "report_${method}_drop_function_is_tcp_v4_rcv" tcp_v4_rcv "$(get function)"
	check_eq "report_${method}_produced_captured_read_agree_none_lost" True "$(get counts_add_up)"
	check_eq "report_${method}_dropped_journey_goes_from_queue_to_drop" \
		"net_dev_queue netif_receive_skb tcp_send_reset kfree_skb NO_SOCKET" \
		"$(get dropped_journey)"
	check_eq "report_${method}_dropped_journey_example_is_the_syn" "198.18.0.1 198.18.0.2 9" "$(get tuple)"
done

# with every event, the journey shows the driver and backlog steps too
"$NETSCOPE" record -o "$TMP/all.ns" --scenario refused --events all 2>/dev/null
facts=$("$NETSCOPE" report --json "$TMP/all.ns" | refused_facts)
check_eq "report_events_all_dropped_journey_has_every_layer" \
	"net_dev_queue net_dev_start_xmit netif_rx net_dev_xmit netif_receive_skb tcp_send_reset kfree_skb NO_SOCKET" \
	"$(sed -n 's/^dropped_journey //p' <<<"$facts")"

# the text report says the same numbers
"$NETSCOPE" report "$TMP/tp_btf.ns" >"$TMP/text.out"
check "text_report_shows_no_socket_drop_at_tcp_v4_rcv" grep -qE '1 +NO_SOCKET +tcp_v4_rcv\+0x' "$TMP/text.out"

# another machine: no BTF, no kallsyms; the trace file must suffice
unshare -m bash -c "mount -t tmpfs none /sys/kernel/btf && mount --bind /dev/null /proc/kallsyms &&
	test ! -e /sys/kernel/btf/vmlinux && '$NETSCOPE' report --json '$TMP/tp_btf.ns'" >"$TMP/elsewhere.json"
check_eq "report_without_btf_or_kallsyms_exits_zero" 0 $?
check_eq "report_without_btf_or_kallsyms_is_identical" "$(cat "$TMP/tp_btf.json")" "$(cat "$TMP/elsewhere.json")"

# damaged files
size=$(stat -c %s "$TMP/tp_btf.ns")
head -c $((size - 7)) "$TMP/tp_btf.ns" >"$TMP/cut.ns"
"$NETSCOPE" report "$TMP/cut.ns" >"$TMP/cut.out" 2>"$TMP/cut.err"
check_eq "cut_trace_still_reports_exit_zero" 0 $?
check "cut_trace_warns_with_offset" grep -qiE "truncat.*[0-9]+" "$TMP/cut.err"
printf 'this is not a trace\n' >"$TMP/junk.ns"
"$NETSCOPE" report "$TMP/junk.ns" >/dev/null 2>"$TMP/junk.err"
check_eq "junk_file_is_refused_exit_1" 1 $?
check "junk_file_message_says_not_a_trace" grep -q "not a netscope trace" "$TMP/junk.err"
"$NETSCOPE" report "$TMP/missing.ns" >/dev/null 2>"$TMP/missing.err"
check_eq "missing_file_is_refused_exit_1" 1 $?
check "missing_file_message_names_it" grep -q "cannot open '$TMP/missing.ns'" "$TMP/missing.err"

# a SYN flood: every SYN gets one SYN-ACK (or cookie), which either reaches
# the answering half of the spoofed sources (ns a resets: NO_SOCKET) or the
# silent half (ns a does not forward: IP_INADDRERRORS)
"$NETSCOPE" record -o "$TMP/flood.ns" --scenario syn-flood --count 3000 2>"$TMP/flood.err"
check_eq "record_syn_flood_exits_zero" 0 $?
check "syn_flood_sent_3000" grep -q "syn-flood: sent 3000 packets" "$TMP/flood.err"
"$NETSCOPE" report --json "$TMP/flood.ns" | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = {row["reason"]: row["count"] for row in d["drops"]["by_reason"]["rows"]}
print("answered", r.get("NO_SOCKET", 0) + r.get("IP_INADDRERRORS", 0))
print("both_halves", r.get("NO_SOCKET", 0) > 0 and r.get("IP_INADDRERRORS", 0) > 0)
print("resets_equal_no_socket", d["resets"]["sent"] == r.get("NO_SOCKET"))
print("lost", d["lost"]["lost"])
' >"$TMP/flood.facts"
facts=$(cat "$TMP/flood.facts")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "each_of_3000_syns_is_answered_and_that_answer_dropped_once" 3000 "$(get answered)"
check_eq "both_halves_of_the_spoofed_range_are_hit" True "$(get both_halves)"
check_eq "every_no_socket_drop_in_ns_a_sends_a_reset" True "$(get resets_equal_no_socket)"
check_eq "flood_capture_lost_nothing" 0 "$(get lost)"

# --- every JSON document says its schema version ----------------------------
schema_of() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("schema_version"))'; }
check_eq "report_json_carries_schema_version_1" 1 "$(schema_of <"$TMP/tp_btf.json")"
check_eq "doctor_json_carries_schema_version_1" 1 "$("$NETSCOPE" doctor --json 2>/dev/null | schema_of)"
check_eq "source_status_json_carries_schema_version_1" 1 "$("$NETSCOPE" source status --json 2>/dev/null | schema_of)"
