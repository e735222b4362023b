#!/bin/bash
# End-to-end: batched capture (src/bpf/capture_batch.bpf.h) sends many
# events per ring record, yet the consumer hands them on in time order
# with packet identity intact and the same facts as one record per event
# (NETSCOPE_BATCH=0).
. "$(dirname "$0")/lib.sh"

SYNS=3000
# netscope -v: "batched capture: R heartbeat rounds (...), L events late,
# F released early; E events in N ring records"
batch_field() { # file, field (rounds|late|early|events|records)
	sed -n 's/.*batched capture: \([0-9]*\) heartbeat rounds.*, \([0-9]*\) events late, \([0-9]*\) released early; \([0-9]*\) events in \([0-9]*\) ring records.*/\1 \2 \3 \4 \5/p' "$1" |
		awk -v f="$2" '{ print (f == "rounds") ? $1 : (f == "late") ? $2 : (f == "early") ? $3 : (f == "events") ? $4 : $5 }'
}
# a python check over a --json trace: time order, and every packet's
# first event starts it and only its last one ends it
order_check='
import json, sys
last, seen, ended, bad_order, bad_start, bad_end = 0, set(), set(), 0, 0, 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["ts_ns"] < last:
        bad_order += 1
    last = e["ts_ns"]
    pid = e.get("packet_id", 0)
    if not pid:
        continue
    if pid in ended:
        bad_end += 1
    if (pid not in seen) != e["packet_start"]:
        bad_start += 1
    seen.add(pid)
    if e["packet_end"]:
        ended.add(pid)
print(bad_order, bad_start, bad_end, len(seen))
'
syn_count() { # --json trace: SYNs queued on veth0 (the flood's own)
	grep '"event":"net_dev_queue"' "$1" | grep '"ifname":"veth0"' | grep -c '"tcp_flags":"SYN"'
}

"$NETSCOPE" trace -v --scenario syn-flood --count $SYNS --json >"$TMP/b.json" 2>"$TMP/b.err"
check_eq "batched_flood_exits_zero" 0 $?
NETSCOPE_BATCH=0 "$NETSCOPE" trace -v --scenario syn-flood --count $SYNS --json \
	>"$TMP/u.json" 2>"$TMP/u.err"
check_eq "unbatched_flood_exits_zero" 0 $?

events=$(batch_field "$TMP/b.err" events)
records=$(batch_field "$TMP/b.err" records)
check "batched_run_says_how_it_batched" test -n "$events" -a -n "$records"
# 16 at most; heartbeats send partial batches, so well above 1 but not 16
check "batched_records_carry_at_least_8_events_each" test "${events:-0}" -ge $((8 * ${records:-1}))
check_eq "no_batched_event_arrived_late" 0 "$(batch_field "$TMP/b.err" late)"
check_eq "no_batched_event_released_before_its_heartbeat" 0 "$(batch_field "$TMP/b.err" early)"
check "heartbeats_ran" test "$(batch_field "$TMP/b.err" rounds)" -ge 1
check_eq "every_batched_event_is_printed" "$events" "$(wc -l <"$TMP/b.json")"
check "unbatched_run_says_nothing_of_batches" bash -c "! grep -q 'batched capture' '$TMP/u.err'"

read -r bad_order bad_start bad_end npk < <(python3 -c "$order_check" "$TMP/b.json")
check "batched_trace_has_packets" test "${npk:-0}" -gt $SYNS
check_eq "batched_events_come_in_time_order" 0 "$bad_order"
check_eq "batched_packets_start_at_their_first_event" 0 "$bad_start"
check_eq "no_batched_event_follows_its_packets_end" 0 "$bad_end"
read -r _ bad_start_u _ npk_u < <(python3 -c "$order_check" "$TMP/u.json")
check_eq "unbatched_packets_start_at_their_first_event" 0 "$bad_start_u"

# the same facts either way: every SYN queued once, the same packets
check_eq "batched_sees_every_syn_queued" $SYNS "$(syn_count "$TMP/b.json")"
check_eq "unbatched_sees_every_syn_queued" $SYNS "$(syn_count "$TMP/u.json")"
# each SYN is one packet from its queueing on veth0 through its receive
# on veth1 to its end: what a batch delivered out of order would break
syn_journeys='
import json, sys
pk = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("packet_id"):
        pk.setdefault(e["packet_id"], []).append(e)
n = 0
for evs in pk.values():
    f = evs[0]
    if f["event"] != "net_dev_queue" or f["ifname"] != "veth0" or f.get("tcp_flags") != "SYN":
        continue
    names = [(e["event"], e["ifname"]) for e in evs]
    if names[1:2] == [("netif_receive_skb", "veth1")] and evs[-1]["packet_end"] \
       and all(not e["packet_end"] for e in evs[:-1]):
        n += 1
print(n)
'
check_eq "batched_each_syn_journey_is_whole" $SYNS "$(python3 -c "$syn_journeys" "$TMP/b.json")"
check_eq "unbatched_each_syn_journey_is_whole" $SYNS "$(python3 -c "$syn_journeys" "$TMP/u.json")"

# --snaplen needs each packet's bytes right after its event: unbatched
"$NETSCOPE" record -v -o "$TMP/s.ns" --snaplen 64 --scenario handshake --count 2 \
	>/dev/null 2>"$TMP/s.err"
check_eq "snaplen_record_exits_zero" 0 $?
check "snaplen_capture_is_not_batched" bash -c "! grep -q 'batched capture' '$TMP/s.err'"
check_eq "nothing_left_behind" 0 "$(leftover_netns)"
echo "1..$TAP_N"
