#!/bin/bash
# End-to-end: lab interrupts sends UDP datagrams between the lab's
# namespaces and shows their NET_RX softirq runs: each run's raise and its
# raise -> entry and entry -> exit times, packets per napi_poll within the
# backlog's budget (net.core.dev_weight), every receive event linked to the
# run that carried it, and the hardirqs of the machine meanwhile.  Then
# --ifname on a quiet veth of a namespace this test makes (nothing is sent
# there): the lab must say that nothing arrived.
. "$(dirname "$0")/lib.sh"

before=$(leftover_netns)
"$NETSCOPE" lab interrupts --count 300 -o "$TMP/irq.ns" --json >"$TMP/irq.json" 2>"$TMP/irq.err"
check_eq "lab_interrupts_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/irq.ns" --json >"$TMP/summary.json" 2>/dev/null
"$NETSCOPE" report "$TMP/irq.ns" --view interrupts --json >"$TMP/view.json" 2>/dev/null
check_eq "report_view_interrupts_exits_zero" 0 $?
weight=$(( $(cat /proc/sys/net/core/dev_weight) * $(cat /proc/sys/net/core/dev_weight_rx_bias) ))

facts=$(python3 - "$TMP/irq.json" "$TMP/summary.json" "$TMP/view.json" <<'PY'
import sys, json
lab = json.load(open(sys.argv[1]))
summary = json.load(open(sys.argv[2]))
view = json.load(open(sys.argv[3]))
i = lab["interrupts"]
runs, nr, polls, pk = i["runs"], i["net_rx"], i["polls"], i["packets"]
print("schema", lab["schema_version"] >= 1, view["schema_version"] >= 1)
print("view_same_numbers", view["interrupts"]["net_rx"] == nr and view["interrupts"]["packets"] == pk)
print("runs_listed", nr["runs_with_packets"] > 0 and len(runs) == nr["runs_with_packets"])
print("every_run_raised", nr["runs_raised"] == nr["runs_with_packets"]
      and all(r["raise_to_entry_ns"] is not None and r["raise_to_entry_ns"] >= 0 for r in runs))
print("durations", all(r["duration_ns"] >= 0 for r in runs)
      and nr["duration"]["count"] == nr["runs_with_packets"]
      and nr["raise_to_entry"]["count"] == nr["runs_with_packets"])
print("where_sums", sum(nr["where"].values()) == nr["runs_with_packets"])
print("raised_by_sums", sum(f["runs"] for f in nr["raised_by"]) == nr["runs_with_packets"])
print("net_rx_vector", all(r["vec"] == runs[0]["vec"] for r in runs))
print("budget", polls["budget"])
print("per_poll_max_within_budget", polls["per_poll"]["max"] <= polls["budget"], polls["over_budget"])
print("rx_linked_equals_rx_in_softirq", pk["rx_linked"] == pk["rx_softirq"] == pk["rx_events"])
print("rx_in_polls", polls["rx_in_polls"] == pk["rx_linked"], polls["polls_rx_over_work"])
print("run_rx_sums", sum(r["rx_events"] for r in runs) == pk["rx_linked"])
print("run_packets_sum", sum(r["packet_events"] for r in runs) == pk["linked"])
print("polls_sum", sum(r["polls"] for r in runs) == polls["count"]
      and sum(r["poll_work"] for r in runs) == polls["packets"])
print("datagrams", pk["rx_events"] >= 300)
print("udp_to_b", any(p["what"].startswith("UDP 198.18.0.1:") and " > 198.18.0.2:" in p["what"]
                      for r in runs for p in r["packets"]))
print("packet_ids", all(p["packet_id"] > 0 for r in runs for p in r["packets"]))
print("share_sums", pk["task"] + pk["softirq"] + pk["hardirq"] + pk["other"] == pk["events"])
print("local_timer", any(v["name"] == "local_timer" for v in i["irq_vectors"]))
print("softnet", lab["softnet"] is not None and sum(c["processed"] for c in lab["softnet"]) >= pk["rx_events"])
print("rx_total", pk["rx_events"])
# veth raises NET_RX with bottom halves off: the sender's local_bh_enable runs it,
# never a hardirq's exit; the entries' stacks (policy-sampled) say so exactly
told = [r for r in runs if r["where_from"] == "stack"]
print("stack_told", len(told) > 0, all(r["where"] != "irq_exit" for r in told),
      sum(1 for r in runs if r["where_from"] == "events") + len(told) == len(runs))
PY
)
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "lab_and_view_json_have_schema_version" "True True" "$(get schema)"
check_eq "view_interrupts_shows_the_labs_numbers" True "$(get view_same_numbers)"
check_eq "net_rx_runs_with_packets_are_listed_one_by_one" True "$(get runs_listed)"
check_eq "every_net_rx_run_has_its_raise_and_raise_to_entry_ge_0" True "$(get every_run_raised)"
check_eq "every_net_rx_run_has_entry_to_exit_ge_0" True "$(get durations)"
check_eq "where_each_run_ran_adds_up_to_the_runs" True "$(get where_sums)"
check_eq "who_raised_adds_up_to_the_runs" True "$(get raised_by_sums)"
check_eq "runs_with_packets_are_all_of_one_vector" True "$(get net_rx_vector)"
check_eq "poll_budget_is_the_backlogs_dev_weight" "$weight" "$(get budget)"
check_eq "packets_per_poll_at_most_the_budget" "True 0" "$(get per_poll_max_within_budget)"
check_eq "every_receive_event_in_softirq_is_linked_to_a_run" True "$(get rx_linked_equals_rx_in_softirq)"
check_eq "every_linked_receive_event_is_counted_by_a_poll_never_over_its_work" "True 0" "$(get rx_in_polls)"
check_eq "runs_receive_events_add_up" True "$(get run_rx_sums)"
check_eq "runs_packet_events_add_up" True "$(get run_packets_sum)"
check_eq "runs_polls_and_work_add_up" True "$(get polls_sum)"
check_eq "all_300_datagrams_received_in_runs" True "$(get datagrams)"
check_eq "runs_name_the_udp_packets_they_received" True "$(get udp_to_b)"
check_eq "linked_packets_have_ids" True "$(get packet_ids)"
check_eq "context_shares_add_up" True "$(get share_sums)"
check_eq "local_timer_vector_seen" True "$(get local_timer)"
check_eq "softnet_processed_covers_the_labs_packets" True "$(get softnet)"
# the same receive events the default report counts per type
rx_report=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["events"]["by_type"]
print(sum(r["count"] for r in rows if r["event"] in ("netif_receive_skb", "napi_gro_receive_entry", "netif_receive_skb_list_entry")))
' "$TMP/summary.json" 2>/dev/null)
check_eq "receive_events_equal_the_reports_count" "$rx_report" "$(get rx_total)"
check_eq "runs_told_by_their_stack_ran_in_the_sender_never_at_irq_exit" "True True True" "$(get stack_told)"

"$NETSCOPE" lab interrupts --count 50 >"$TMP/irq.txt" 2>/dev/null
check_eq "lab_interrupts_text_exits_zero" 0 $?
check "text_says_where_net_rx_ran" grep -q "where they ran: in a task at local_bh_enable" "$TMP/irq.txt"
check "text_has_softnet_time_squeeze" grep -q "time_squeeze" "$TMP/irq.txt"
check "text_explains_the_irq_pair" grep -q "irq_exit_rcu   BTF:" "$TMP/irq.txt"
check_eq "no_namespace_left_after_lab_interrupts" "$before" "$(leftover_netns)"

# without a filter every raise, entry and exit is sent as it happens (no
# holding back): the same pairing must link every receive event in softirq
"$NETSCOPE" record -o "$TMP/all.ns" --scenario udp --count 200 --netns all \
	--events default,irq,napi 2>"$TMP/all.err"
check_eq "unfiltered_record_exits_zero" 0 $?
"$NETSCOPE" report "$TMP/all.ns" --view interrupts --json >"$TMP/all.json" 2>/dev/null
check_eq "unfiltered_trace_links_every_receive_event_to_a_run_and_a_poll" "True True" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["interrupts"]
pk, nr = d["packets"], d["net_rx"]
lost = "0 lost" in open(sys.argv[2]).read()
print(pk["rx_linked"] == pk["rx_softirq"] and pk["rx_linked"] >= 200 or not lost,
      d["polls"]["rx_in_polls"] == pk["rx_linked"] and d["polls"]["over_budget"] == 0 or not lost)
' "$TMP/all.json" "$TMP/all.err")"

# a trace recorded without softirq events says how to get them
"$NETSCOPE" record -o "$TMP/plain.ns" --scenario refused 2>/dev/null
"$NETSCOPE" report "$TMP/plain.ns" --view interrupts >"$TMP/plain.txt" 2>&1
check "view_without_softirq_events_says_how_to_record" \
	grep -q "no softirq events in the trace; record with --events default,irq,napi,irq_vectors" "$TMP/plain.txt"

# --ifname: a quiet veth in a namespace of this test (IPv6 off: no DAD, no MLD)
NS=nstest-irq-$$
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" link set v0 up && ip -n "$NS" link set v1 up
ip netns exec "$NS" "$NETSCOPE" lab interrupts --ifname v0 --duration 1 >"$TMP/dev.txt" 2>"$TMP/dev.err"
check_eq "ifname_quiet_device_exits_zero" 0 $?
check "ifname_quiet_device_says_nothing_arrived" \
	grep -q "^nothing arrived on v0 in 1 s: no packet was received" "$TMP/dev.txt"
check "ifname_records_only_this_namespace_and_device" \
	grep -q -- "--netns /proc/self/ns/net --ifname v0 --duration 1" "$TMP/dev.txt"
ip netns exec "$NS" "$NETSCOPE" lab interrupts --ifname v0 --duration 0.5 --json >"$TMP/dev.json" 2>/dev/null
check_eq "ifname_json_says_arrived_false_no_runs" "False 0 0" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["arrived"], d["interrupts"]["net_rx"]["runs_with_packets"], d["interrupts"]["packets"]["rx_events"])
' "$TMP/dev.json")"
ip netns exec "$NS" "$NETSCOPE" lab interrupts --ifname nope0 >/dev/null 2>"$TMP/bad1.err"
check_eq "ifname_unknown_device_exits_2" 2 $?
check "ifname_unknown_device_is_named" grep -q "no device 'nope0' in this network namespace" "$TMP/bad1.err"
ip netns del "$NS"

"$NETSCOPE" lab interrupts --ifname lo --count 5 >/dev/null 2>"$TMP/bad2.err"
check_eq "ifname_with_count_exits_2" 2 $?
check "ifname_with_count_says_nothing_is_sent" grep -q "option '--count' does not apply with --ifname" "$TMP/bad2.err"
"$NETSCOPE" lab interrupts --ifname lo --duration 0 >/dev/null 2>"$TMP/bad3.err"
check_eq "ifname_with_zero_duration_exits_2" 2 $?
check "zero_duration_is_named" grep -q "bad --duration '0'" "$TMP/bad3.err"
"$NETSCOPE" lab interrupts --ifname >/dev/null 2>"$TMP/bad4.err"
check_eq "ifname_without_value_exits_2" 2 $?
check "ifname_without_value_says_so" grep -q "option '--ifname' needs a value" "$TMP/bad4.err"
"$NETSCOPE" lab interrupts --bogus >/dev/null 2>"$TMP/bad5.err"
check_eq "lab_interrupts_unknown_option_exits_2" 2 $?
check "lab_interrupts_help_shows_ifname_mode" bash -c "'$NETSCOPE' lab interrupts --help | grep -q 'interrupts --ifname DEV'"

echo "1..$TAP_N"
