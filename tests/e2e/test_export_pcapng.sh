#!/bin/bash
# End-to-end: record scenarios in netscope's namespaces, export them with
# `netscope export --to pcapng`, and read the files back with tshark:
# packet counts, 5-tuples, packet ids, journey comments, checksums, times.
# Then the bad inputs: an existing output, --force, unwritable places, a
# full disk, a truncated trace, a file that is no trace.
. "$(dirname "$0")/lib.sh"

if ! command -v tshark >/dev/null; then
	not_ok "tshark_is_installed" "scripts/deps.sh installs it (Debian package tshark)"
	echo "1..$TAP_N"
	exit 1
fi

# tshark FILE FIELDS...: one line per packet, fields separated by '|';
# its stderr, less the note every run as root prints, goes to $TMP/tshark.err
fields() {
	local f=$1 args=()
	shift
	for e in "$@"; do args+=(-e "$e"); done
	tshark -r "$f" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -T fields -E separator='|' "${args[@]}" 2>"$TMP/tshark.raw"
	grep -v '^Running as user "root" and group "root". This could be dangerous.$' \
		"$TMP/tshark.raw" >"$TMP/tshark.err"
}
tshark_quiet() { [ ! -s "$TMP/tshark.err" ]; }

# --- refused: 5 SYNs to a closed port, 5 RSTs back ---------------------------
t0=$(date +%s)
"$NETSCOPE" record -o "$TMP/ref.ns" --scenario refused --count 5 2>"$TMP/rec.err"
check_eq "record_refused_exits_zero" 0 $?
t1=$(($(date +%s) + 1))
"$NETSCOPE" export "$TMP/ref.ns" --to pcapng "$TMP/ref.pcapng" 2>"$TMP/exp.err"
check_eq "export_refused_to_pcapng_exits_zero" 0 $?
check "export_says_the_packets_are_headers_only" \
	grep -q 'pcapng: 10 packets with IP headers, headers only' "$TMP/exp.err"
"$NETSCOPE" export "$TMP/ref.ns" --to jsonl "$TMP/ref.jsonl" 2>/dev/null

fields "$TMP/ref.pcapng" ip.src ip.dst tcp.srcport tcp.dstport tcp.flags >"$TMP/ref.tuples"
check "tshark_reads_refused_pcapng_without_a_warning" tshark_quiet
check_eq "refused_pcapng_has_one_packet_per_syn_and_rst" 10 "$(wc -l <"$TMP/ref.tuples")"
check_eq "refused_syns_go_from_lab_a_to_port_9_of_lab_b" 5 \
	"$(grep -cE '^198\.18\.0\.1\|198\.18\.0\.2\|[0-9]+\|9\|0x0*2$' "$TMP/ref.tuples")"
check_eq "refused_rsts_come_back_from_port_9" 5 \
	"$(grep -cE '^198\.18\.0\.2\|198\.18\.0\.1\|9\|[0-9]+\|0x0*14$' "$TMP/ref.tuples")"
# the exact client ports: those of the SYNs the trace recorded leaving veth0
want=$(python3 -c '
import json, sys
ports = sorted(e["sport"] for e in map(json.loads, open(sys.argv[1]))
               if e["event"] == "net_dev_queue" and e.get("tcp_flags") == "SYN")
print(" ".join(map(str, ports)))' "$TMP/ref.jsonl")
syn_ports=$(awk -F'|' '$5 ~ /0x0*2$/ {print $3}' "$TMP/ref.tuples" | sort -n | tr '\n' ' ')
rst_ports=$(awk -F'|' '$5 ~ /0x0*14$/ {print $4}' "$TMP/ref.tuples" | sort -n | tr '\n' ' ')
check_eq "refused_syn_ports_are_the_traced_ones" "$want" "${syn_ports% }"
check_eq "refused_rsts_answer_the_same_ports" "$want" "${rst_ports% }"
# packet ids: every packet id of the trace with IP headers, once
want=$(python3 -c '
import json, sys
ids = sorted({e["packet_id"] for e in map(json.loads, open(sys.argv[1]))
              if e["packet_id"] and "saddr" in e})
print(" ".join(map(str, ids)))' "$TMP/ref.jsonl")
ids=$(fields "$TMP/ref.pcapng" frame.packet_id | sort -n | tr '\n' ' ')
check_eq "refused_epb_packet_ids_are_the_traces_packet_ids" "$want" "${ids% }"

fields "$TMP/ref.pcapng" tcp.flags frame.interface_name frame.comment >"$TMP/ref.comments"
check_eq "refused_syn_comments_tell_the_drop_reason_and_place" 5 \
	"$(grep -cE '^0x0*2\|veth0@netscope-[0-9]+-a\|netscope packet [0-9]+: net_dev_queue veth0 -> netif_receive_skb veth1@netscope-[0-9]+-b -> tcp_send_reset -> kfree_skb NO_SOCKET at tcp_v4_rcv\+0x[0-9a-f]+ \|' "$TMP/ref.comments")"
check_eq "refused_rsts_are_placed_on_veth1_of_lab_b" 5 \
	"$(grep -cE '^0x0*14\|veth1@netscope-[0-9]+-b\|netscope packet [0-9]+: net_dev_queue veth1 -> netif_receive_skb veth0@' "$TMP/ref.comments")"
check_eq "every_comment_says_headers_are_rebuilt_without_payload" 10 \
	"$(grep -c "headers rebuilt from the trace's fields, no payload captured (length from netif_receive_skb)" "$TMP/ref.comments")"

fields "$TMP/ref.pcapng" ip.len frame.cap_len ip.checksum.status tcp.checksum.status \
	frame.packet_flags_direction >"$TMP/ref.sizes"
# SYN: 60 bytes on the wire (20 of options not recorded), 40 rebuilt; RST: whole
check_eq "refused_lengths_and_checksums" "5 60|40|1|2|0x00000002
5 40|40|1|1|0x00000002" "$(sort "$TMP/ref.sizes" | uniq -c | sed 's/^ *//' | sort -r)"
times=$(fields "$TMP/ref.pcapng" frame.time_epoch | awk -v a="$t0" -v b="$t1" \
	'$1 < a || $1 > b { bad++ } END { print bad + 0 }')
check_eq "refused_packet_times_are_the_recordings_wall_clock" 0 "$times"

# --- udp: datagrams to an open and a closed port, ICMP errors back ---------------
"$NETSCOPE" record -o "$TMP/udp.ns" --scenario udp --count 3 2>/dev/null
"$NETSCOPE" export "$TMP/udp.ns" --to pcapng "$TMP/udp.pcapng" 2>/dev/null
check_eq "export_udp_to_pcapng_exits_zero" 0 $?
fields "$TMP/udp.pcapng" ip.src ip.dst udp.dstport udp.length icmp.type icmp.code frame.comment \
	>"$TMP/udp.txt"
check "tshark_reads_udp_pcapng_without_a_warning" tshark_quiet
check_eq "udp_pcapng_has_six_datagrams_and_three_icmp_errors" 9 "$(wc -l <"$TMP/udp.txt")"
# delivered: received in lab b and not dropped (freed later, often unseen: deferred)
check_eq "udp_datagrams_to_5353_are_72_bytes_and_not_dropped" 3 \
	"$(grep -E '^198\.18\.0\.1\|198\.18\.0\.2\|5353\|72\|\|\|.* -> netif_receive_skb veth1@netscope-[0-9]+-b' "$TMP/udp.txt" | grep -vc kfree_skb)"
check_eq "udp_datagrams_to_5354_are_dropped_no_socket" 3 \
	"$(grep -cE '^198\.18\.0\.1\|198\.18\.0\.2\|5354\|72\|\|\|.* -> kfree_skb NO_SOCKET at __udp4_lib_rcv\+0x' "$TMP/udp.txt")"
check_eq "udp_port_unreachables_come_back" 3 \
	"$(grep -cE '^198\.18\.0\.2\|198\.18\.0\.1\|([^|]*\|){2}3\|3\|' "$TMP/udp.txt")"

# --- syn-flood with a seed: the same spoofed sources every run ---------------------
"$NETSCOPE" record -o "$TMP/sf.ns" --scenario syn-flood --count 20 --seed 7 2>/dev/null
"$NETSCOPE" export "$TMP/sf.ns" --to pcapng "$TMP/sf.pcapng" 2>/dev/null
check_eq "export_syn_flood_to_pcapng_exits_zero" 0 $?
fields "$TMP/sf.pcapng" ip.src ip.dst tcp.srcport tcp.dstport tcp.flags frame.comment >"$TMP/sf.txt"
check "tshark_reads_syn_flood_pcapng_without_a_warning" tshark_quiet
# half the spoofed space (198.19.0.0/17) is ns a's own and answers a SYN-ACK with
# a RST; the rest is nobody's: ns a drops those SYN-ACKs (IP_INADDRERRORS)
facts=$(python3 -c '
import ipaddress, sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
syn = [r for r in rows if int(r[4], 16) == 0x02]
synack = [r for r in rows if int(r[4], 16) == 0x12]
rst = [r for r in rows if int(r[4], 16) == 0x04]
local = ipaddress.ip_network("198.19.0.0/17")
print("counts", len(rows), len(syn), len(synack), len(rst))
print("first", " ".join(syn[0][:4]))
print("syns_to_80", all(r[1] == "198.18.0.2" and r[3] == "80" for r in syn))
print("synacks_answer_syns", sorted((r[1], r[3]) for r in synack) == sorted((r[0], r[2]) for r in syn))
ok = all(("kfree_skb NO_SOCKET at tcp_v4_rcv" in r[5]) == (ipaddress.ip_address(r[1]) in local) and
         ("kfree_skb IP_INADDRERRORS at ip_error" in r[5]) != (ipaddress.ip_address(r[1]) in local)
         for r in synack)
print("synack_fate_follows_address", ok)
print("rsts_from_local_sources", sorted((r[0], r[2]) for r in rst) ==
      sorted((r[1], r[3]) for r in synack if ipaddress.ip_address(r[1]) in local))
' "$TMP/sf.txt")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "syn_flood_seed_7_gives_20_syns_20_synacks_9_rsts" "49 20 20 9" "$(get counts)"
check_eq "syn_flood_seed_7_first_syn_is_the_seeds" "198.19.174.101 198.18.0.2 62335 80" "$(get first)"
check_eq "syn_flood_syns_go_to_port_80" True "$(get syns_to_80)"
check_eq "syn_flood_every_synack_answers_a_syn" True "$(get synacks_answer_syns)"
check_eq "syn_flood_synack_comments_tell_rst_or_drop_by_address" True "$(get synack_fate_follows_address)"
check_eq "syn_flood_rsts_come_from_ns_a_own_sources" True "$(get rsts_from_local_sources)"

# --- bad input -------------------------------------------------------------
echo original >"$TMP/exists.pcapng"
"$NETSCOPE" export "$TMP/ref.ns" --to pcapng "$TMP/exists.pcapng" 2>"$TMP/err"
check_eq "existing_output_is_refused_with_exit_1" 1 $?
check "existing_output_message_names_it_and_force" grep -q "exists.pcapng' exists: not overwritten (--force replaces it)" "$TMP/err"
check_eq "existing_output_is_untouched" original "$(cat "$TMP/exists.pcapng")"
"$NETSCOPE" export "$TMP/ref.ns" --to pcapng --force "$TMP/exists.pcapng" 2>/dev/null
check_eq "force_replaces_the_output" 10 "$(fields "$TMP/exists.pcapng" frame.number | wc -l)"

"$NETSCOPE" export "$TMP/ref.ns" --to pcapng "$TMP/no/such/dir/x.pcapng" 2>"$TMP/err"
check_eq "missing_directory_exits_1" 1 $?
check "missing_directory_message_names_the_output" \
	grep -q "error: cannot write '$TMP/no/such/dir/x.pcapng': No such file or directory" "$TMP/err"

# a read-only file system and a full one, mounted in a private mount namespace
mkdir "$TMP/mnt"
unshare -m bash -c "mount -t tmpfs -o ro none '$TMP/mnt' &&
	'$NETSCOPE' export '$TMP/ref.ns' --to pcapng '$TMP/mnt/x.pcapng'; echo rc=\$?;
	ls -A '$TMP/mnt' | wc -l" >"$TMP/ro.out" 2>"$TMP/err"
check_eq "read_only_dir_exits_1_and_leaves_nothing" "rc=1 0" "$(tr '\n' ' ' <"$TMP/ro.out" | sed 's/ $//')"
check "read_only_message_names_the_output" \
	grep -q "cannot write '$TMP/mnt/x.pcapng': Read-only file system" "$TMP/err"
unshare -m bash -c "mount -t tmpfs -o size=8k none '$TMP/mnt' &&
	'$NETSCOPE' export '$TMP/ref.ns' --to jsonl '$TMP/mnt/x.jsonl'; echo rc=\$?;
	ls -A '$TMP/mnt' | wc -l" >"$TMP/full.out" 2>"$TMP/err"
check_eq "full_disk_exits_1_and_leaves_no_partial_output" "rc=1 0" "$(tr '\n' ' ' <"$TMP/full.out" | sed 's/ $//')"
check "full_disk_message_says_no_space" \
	grep -q "cannot write '$TMP/mnt/x.jsonl': No space left on device" "$TMP/err"

# a trace cut off mid-write: the complete part is exported, and where it stops is said
"$NETSCOPE" record -o "$TMP/big.ns" --scenario syn-flood --count 3000 --seed 3 2>/dev/null
size=$(stat -c %s "$TMP/big.ns")
head -c $((size / 2)) "$TMP/big.ns" >"$TMP/cut.ns"
"$NETSCOPE" export "$TMP/cut.ns" --to jsonl "$TMP/cut.jsonl" 2>"$TMP/err"
check_eq "truncated_trace_exports_with_exit_0" 0 $?
n=$(sed -n "s/.*'.*cut.ns' is truncated at offset [0-9]* (cut off mid-write?): exported the \([0-9]*\) events before it/\1/p" "$TMP/err")
check "truncated_trace_message_says_where_and_how_much" test -n "$n" -a "${n:-0}" -gt 0
check_eq "truncated_trace_jsonl_has_the_events_it_says" "$n" "$(wc -l <"$TMP/cut.jsonl")"
"$NETSCOPE" export "$TMP/cut.ns" --to pcapng "$TMP/cut.pcapng" 2>"$TMP/err"
check_eq "truncated_trace_exports_pcapng_with_exit_0" 0 $?
cut_pkts=$(fields "$TMP/cut.pcapng" frame.number | wc -l)
check "truncated_trace_pcapng_says_so_in_its_section_comment" \
	bash -c "capinfos '$TMP/cut.pcapng' 2>/dev/null | grep -q 'the trace is truncated at offset [0-9]*: packets before it only'"
check "truncated_trace_pcapng_reads_without_warning" tshark_quiet
"$NETSCOPE" export "$TMP/big.ns" --to pcapng "$TMP/big.pcapng" 2>/dev/null
all_pkts=$(fields "$TMP/big.pcapng" frame.number | wc -l)
check "truncated_trace_pcapng_has_fewer_packets_than_the_whole" test "$cut_pkts" -gt 0 -a "$cut_pkts" -lt "$all_pkts"

echo "not a trace" >"$TMP/text.ns"
"$NETSCOPE" export "$TMP/text.ns" --to pcapng "$TMP/text.pcapng" 2>"$TMP/err"
check_eq "not_a_trace_exits_1" 1 $?
check "not_a_trace_message_says_so" grep -q "'$TMP/text.ns' is not a netscope trace" "$TMP/err"
check "not_a_trace_leaves_no_output" test ! -e "$TMP/text.pcapng"
check_eq "no_temporary_file_is_left_anywhere" "" "$(ls -A "$TMP" | grep '\.tmp-')"

"$NETSCOPE" export "$TMP/ref.ns" --to pcap "$TMP/x" 2>"$TMP/err"
check_eq "unknown_format_is_a_usage_error" 2 $?
check "unknown_format_message_names_it" grep -q "unknown export format 'pcap'" "$TMP/err"

check_eq "no_namespace_left_after_export_tests" 0 "$(leftover_netns)"
echo "1..$TAP_N"
