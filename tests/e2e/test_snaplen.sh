#!/bin/bash
# End-to-end: `netscope record --snaplen N` in netscope's namespaces, read
# back through `export --to pcapng` with tshark.  The udp scenario sends
# datagrams of 64 bytes of 'u' (0x75) to a bound and to an unbound port;
# the unbound one answers with ICMP port unreachable, which quotes the
# datagram.  Checked: the exact bytes and lengths of every packet, one
# record of bytes per packet (a datagram crossing the veth pair is one
# packet), a cut at 64 bytes, TCP sends cut by the skb's linear area (their
# payload is in page frags) and said so, the file without --snaplen as
# before, and the bad values of the option.
. "$(dirname "$0")/lib.sh"

if ! command -v tshark >/dev/null; then
	not_ok "tshark_is_installed" "scripts/deps.sh installs it (Debian package tshark)"
	echo "1..$TAP_N"
	exit 1
fi

# tshark FILE FIELDS...: one line per packet, fields separated by '|'.  The
# port the scenario uses (5353) is mDNS's: its dissector would call a cut
# datagram of 'u's malformed, so it is off.
fields() {
	local f=$1 args=()
	shift
	for e in "$@"; do args+=(-e "$e"); done
	tshark -r "$f" --disable-protocol mdns -T fields -E separator='|' "${args[@]}" 2>/dev/null
}
U64=$(printf '75%.0s' $(seq 64))	# the scenario's datagram payload, in hex

# --- udp, --snaplen 256: every packet whole -----------------------------------
"$NETSCOPE" record -o "$TMP/u256.ns" --scenario udp --count 4 --snaplen 256 2>"$TMP/u256.err"
check_eq "record_udp_snaplen_256_exits_zero" 0 $?
"$NETSCOPE" export "$TMP/u256.ns" --to pcapng "$TMP/u256.pcapng" 2>"$TMP/u256.exp"
check_eq "export_udp_snaplen_256_exits_zero" 0 $?
"$NETSCOPE" export "$TMP/u256.ns" --to jsonl "$TMP/u256.jsonl" 2>/dev/null
# packets of the trace with IP headers (their ids), and how many are ICMP
read -r npkt nicmp < <(python3 -c '
import json, sys
ids, icmp = set(), set()
for e in map(json.loads, open(sys.argv[1])):
    if e["packet_id"] and "saddr" in e:
        ids.add(e["packet_id"])
        if e.get("proto") == "ICMP":
            icmp.add(e["packet_id"])
print(len(ids), len(icmp))' "$TMP/u256.jsonl")
check "the_udp_trace_has_8_datagrams_and_some_icmp" test "$npkt" -gt 8 -a "$nicmp" -ge 1 \
	-a "$((npkt - nicmp))" -eq 8
check_eq "record_says_every_packet_had_its_bytes_and_none_was_cut" 1 \
	"$(grep -c "^netscope: packet bytes (snaplen 256): $npkt packets captured, 0 of them cut short" \
		"$TMP/u256.err")"
check_eq "export_says_every_packet_has_its_bytes" 1 \
	"$(grep -c "pcapng: $npkt packets with IP headers, $npkt with their first bytes (snaplen 256)" \
		"$TMP/u256.exp")"
fields "$TMP/u256.pcapng" frame.len frame.cap_len ip.proto udp.length udp.payload >"$TMP/u256.f"
check_eq "eight_datagrams_of_92_bytes_carry_the_64_u_bytes_whole" 8 \
	"$(grep -c "^92|92|17|72|$U64\$" "$TMP/u256.f")"
# ICMP: 20 IP + 8 ICMP + the quoted datagram (20 + 8 + 64)
check_eq "each_icmp_unreachable_quotes_the_whole_datagram" "$nicmp" \
	"$(grep -c "^120|120|1,17|72|$U64\$" "$TMP/u256.f")"
check_eq "the_pcapng_holds_nothing_else" "$npkt" "$(wc -l <"$TMP/u256.f")"
ids=$(fields "$TMP/u256.pcapng" frame.packet_id | sort -n | tr '\n' ' ')
want=$(python3 -c '
import json, sys
print(" ".join(map(str, sorted({e["packet_id"] for e in map(json.loads, open(sys.argv[1]))
                                if e["packet_id"] and "saddr" in e}))))' "$TMP/u256.jsonl")
check_eq "one_packet_per_packet_id_with_its_bytes" "$want" "${ids% }"
check_eq "every_comment_says_all_bytes_were_captured" "$npkt" \
	"$(fields "$TMP/u256.pcapng" frame.comment | grep -cE '\| (92 of 92|120 of 120) bytes captured$')"
check "the_report_says_how_many_packets_have_their_bytes" grep -qx \
	"  packet bytes: $npkt packets captured, 0 of them cut by the skb's linear area; 0 lost, 0 without their packet" \
	<("$NETSCOPE" report "$TMP/u256.ns" 2>/dev/null)
check "the_trace_records_its_snaplen" \
	grep -q '"capture.snaplen":"256"' <("$NETSCOPE" report "$TMP/u256.ns" --json 2>/dev/null)

# --- udp, --snaplen 64: cut at 64, the original length kept --------------------
"$NETSCOPE" record -o "$TMP/u64.ns" --scenario udp --count 3 --snaplen 64 2>"$TMP/u64.err"
check_eq "record_udp_snaplen_64_exits_zero" 0 $?
"$NETSCOPE" export "$TMP/u64.ns" --to pcapng "$TMP/u64.pcapng" 2>/dev/null
fields "$TMP/u64.pcapng" frame.len frame.cap_len ip.proto frame.comment >"$TMP/u64.f"
check_eq "six_datagrams_cut_to_64_of_their_92_bytes" 6 \
	"$(grep -cE '^92\|64\|17\|.*\| 64 of 92 bytes captured$' "$TMP/u64.f")"
check "icmp_cut_to_64_of_120_bytes" grep -qE '^120\|64\|1,17\|.*\| 64 of 120 bytes captured$' \
	"$TMP/u64.f"
check_eq "no_packet_longer_than_64_bytes_in_the_file" "" \
	"$(awk -F'|' '$2 > 64' "$TMP/u64.f")"
# the 64 bytes: IPv4 (20) + UDP (8) + the first 36 of the 'u's, read from the
# file's first Enhanced Packet Block of a UDP packet (not through a dissector)
got=$(python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
at = 0
while at + 12 <= len(d):
    btype, blen = struct.unpack_from("<II", d, at)
    if btype == 6:
        caplen = struct.unpack_from("<I", d, at + 20)[0]
        pkt = d[at + 28:at + 28 + caplen]
        if pkt[9] == 17:
            print(pkt.hex())
            break
    at += blen' "$TMP/u64.pcapng")
check_eq "the_cut_datagram_is_its_headers_and_36_bytes_of_u" \
	"4500005c$(printf '75%.0s' $(seq 36))" "${got:0:8}${got:56}"

# --- tcp: the payload of a send is in page frags, out of the linear area -------
"$NETSCOPE" record -o "$TMP/hs.ns" --scenario handshake --count 2 --snaplen 256 2>"$TMP/hs.err"
check_eq "record_handshake_snaplen_256_exits_zero" 0 $?
cut=$(sed -n 's/^netscope: packet bytes (snaplen 256): [0-9]* packets captured, \([0-9]*\) of them cut short.*/\1/p' \
	"$TMP/hs.err")
check "record_counts_the_data_segments_cut_by_the_linear_area" test "${cut:-0}" -gt 0
"$NETSCOPE" export "$TMP/hs.ns" --to pcapng "$TMP/hs.pcapng" 2>/dev/null
fields "$TMP/hs.pcapng" tcp.len frame.cap_len frame.len frame.comment >"$TMP/hs.f"
check_eq "every_cut_segment_says_so_and_keeps_its_headers_and_length" "$cut" \
	"$(awk -F'|' '$1 > 0 && $2 < $3 && /cut by the skb.s linear area/' "$TMP/hs.f" | wc -l)"
check_eq "segments_without_data_are_whole" "" \
	"$(awk -F'|' '$1 == 0 && $2 != $3' "$TMP/hs.f")"

# --- without --snaplen: headers only, as before --------------------------------
"$NETSCOPE" record -o "$TMP/u0.ns" --scenario udp --count 2 2>"$TMP/u0.err"
check_eq "record_without_snaplen_exits_zero" 0 $?
check "record_without_snaplen_says_headers_only" \
	grep -q '^netscope: packets: headers only' "$TMP/u0.err"
"$NETSCOPE" export "$TMP/u0.ns" --to pcapng "$TMP/u0.pcapng" 2>"$TMP/u0.exp"
check "export_without_snaplen_says_headers_only" grep -q 'headers only (rebuilt' "$TMP/u0.exp"
check_eq "without_snaplen_every_packet_is_rebuilt_headers" "" \
	"$(fields "$TMP/u0.pcapng" frame.comment | grep -v "headers rebuilt from the trace's fields")"
check "without_snaplen_the_trace_has_no_snaplen_key" \
	bash -c "! '$NETSCOPE' report '$TMP/u0.ns' --json 2>/dev/null | grep -q capture.snaplen"

# --- a ring too small for a flood: every record of bytes is accounted for ------
# A packet's bytes are taken only after its event went into the ring, so a
# full ring mostly loses both, counted as the event's loss; payload_lost
# counts the records refused after their event fit (0 or a few here).
"$NETSCOPE" record -o "$TMP/tiny.ns" --scenario syn-flood --count 20000 --seed 5 --ring-size 4096 \
	--snaplen 64 2>"$TMP/tiny.err"
check_eq "record_flood_into_a_tiny_ring_exits_zero" 0 $?
"$NETSCOPE" report --json "$TMP/tiny.ns" 2>/dev/null >"$TMP/tiny.json"
read -r produced captured lost unmatched evlost < <(python3 -c '
import json, sys
l = json.load(open(sys.argv[1]))["lost"]
print(l["payload_produced"], l["payload_captured"], l["payload_lost"], l["payload_unmatched"], l["lost"])' \
	"$TMP/tiny.json")
check "the_tiny_ring_lost_events" test "${evlost:-0}" -gt 0
check_eq "every_record_sent_is_captured_lost_or_without_its_packet" "$produced" \
	"$((captured + lost + unmatched))"
if [ "${lost:-0}" -gt 0 ]; then
	check "the_loss_line_counts_the_lost_records_of_bytes" \
		grep -q "; $lost records of packet bytes lost (ring buffer full)" "$TMP/tiny.err"
else
	check "the_loss_line_counts_the_lost_records_of_bytes" \
		bash -c "! grep -q 'records of packet bytes lost' '$TMP/tiny.err'"
fi
check "the_summary_counts_the_packets_with_bytes" \
	grep -q "^netscope: packet bytes (snaplen 64): $captured packets captured" "$TMP/tiny.err"

# --- bad values ------------------------------------------------------------------
for v in -1 abc 1501 99999999999999999999 ""; do
	"$NETSCOPE" record -o "$TMP/bad.ns" --scenario udp --snaplen "$v" >"$TMP/bad.out" 2>&1
	rc=$?
	check_eq "snaplen_'$v'_exits_2_naming_the_option" "2 1" \
		"$rc $(grep -c "bad --snaplen '$v': expected bytes per packet, 0 to 1500" "$TMP/bad.out")"
done
check "a_bad_snaplen_leaves_no_file" test ! -e "$TMP/bad.ns"
check_eq "no_namespace_left_after_snaplen_tests" 0 "$(leftover_netns)"
echo "1..$TAP_N"
