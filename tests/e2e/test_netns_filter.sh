#!/bin/bash
# End-to-end: the default namespace filter (the lab's two namespaces) sees a
# packet to its end even where the kernel no longer tells the namespace:
# TCP clears skb->dev before a SYN reaches the listener, and that SYN has
# no socket, so its consume_skb is admitted as a follow-up of its packet.
# The same seeded flood under --netns all is the reference.
. "$(dirname "$0")/lib.sh"

SEED=7
COUNT=2000

# one JSON event per line -> "received consumed dropped unended" for the
# SYNs of this seed that the listener's namespace received, and the
# (saddr, sport) of each, to find the same SYNs in the unfiltered run
syn_fates() { # json, keys-out, [keys-in]
	python3 - "$@" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
keys_in = set(open(sys.argv[3]).read().split()) if len(sys.argv) > 3 else None
by_pkt = {}
for e in evs:
    if e.get("packet_id"):
        by_pkt.setdefault(e["packet_id"], []).append(e)
fates = {"consumed": 0, "dropped": 0, "unended": 0}
keys = []
for pid, es in by_pkt.items():
    rx = [e for e in es if e["event"] == "netif_receive_skb" and e.get("tcp_flags") == "SYN"
          and e.get("daddr") == "198.18.0.2" and e.get("saddr", "").startswith("198.19.")]
    if not rx:
        continue
    key = f'{rx[0]["saddr"]}:{rx[0]["sport"]}'
    if keys_in is not None and key not in keys_in:
        continue  # another lab's flood on this machine
    keys.append(key)
    end = [e["event"] for e in es if e["event"] in ("consume_skb", "kfree_skb")]
    fates["consumed" if end[-1:] == ["consume_skb"] else
          "dropped" if end[-1:] == ["kfree_skb"] else "unended"] += 1
open(sys.argv[2], "w").write("\n".join(keys) + "\n")
print(len(keys), fates["consumed"], fates["dropped"], fates["unended"])
PY
}

"$NETSCOPE" trace --json --scenario syn-flood --seed $SEED --count $COUNT --rate 2000 \
	>"$TMP/lab.json" 2>"$TMP/lab.err"
check_eq "seeded_flood_under_the_default_filter_exits_zero" 0 $?
check "seeded_flood_under_the_default_filter_loses_nothing" grep -q "captured, 0 lost" "$TMP/lab.err"
read -r rx consumed dropped unended < <(syn_fates "$TMP/lab.json" "$TMP/lab.keys")
check_eq "listener_namespace_receives_every_syn_sent" $COUNT "$rx"
check_eq "every_received_syn_ends_in_a_consume_or_a_drop" 0 "$unended"
check_eq "consumed_plus_dropped_syns_equal_received" "$rx" "$((consumed + dropped))"
check "some_syns_reach_the_listener_and_are_consumed" test "$consumed" -gt 0

"$NETSCOPE" trace --json --netns all --ring-size 67108864 --scenario syn-flood --seed $SEED --count $COUNT --rate 2000 \
	>"$TMP/all.json" 2>"$TMP/all.err"
check_eq "seeded_flood_under_netns_all_exits_zero" 0 $?
# the whole host's events: a big ring, so that the reference loses nothing
check "seeded_flood_under_netns_all_loses_nothing" grep -q "captured, 0 lost" "$TMP/all.err"
read -r rx_all consumed_all dropped_all unended_all < \
	<(syn_fates "$TMP/all.json" "$TMP/all.keys" "$TMP/lab.keys")
check_eq "the_same_seed_sends_the_same_syns" "$COUNT" "$rx_all"
check_eq "default_filter_sees_as_many_syn_ends_as_netns_all" \
	"$((consumed_all + dropped_all)) 0" "$((consumed + dropped)) $unended_all"

# the socket stands in for the device: a handshake's queues purged at close
"$NETSCOPE" trace --json --scenario handshake --count 20 --events skb \
	>"$TMP/hs.json" 2>"$TMP/hs.err"
check_eq "handshake_under_the_default_filter_exits_zero" 0 $?
python3 - "$TMP/hs.json" >"$TMP/hs.facts" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
# an skb freed with no device is admitted by its socket's or packet's namespace
nodev = [e for e in evs if e["event"] in ("kfree_skb", "consume_skb") and not e["ifname"]
         and e["netns"]]
print("frees_without_device", len(nodev))
print("queue_purge_drops", sum(1 for e in evs if e["event"] == "kfree_skb"
                               and e.get("reason") == "QUEUE_PURGE"))
print("netlink_frees", sum(1 for e in evs if "netlink" in e.get("detail", "")))
PY
check "frees_without_a_device_are_admitted_by_socket_or_packet" \
	test "$(sed -n 's/^frees_without_device //p' "$TMP/hs.facts")" -gt 0
# each of the 20 connections closes with an unread skb purged from a queue (the
# server's, and now and then the client's too): dropped with no device, seen by
# its socket's namespace (before, the default filter saw none of them)
check "handshake_20_purges_at_least_20_queued_skbs_at_close_under_the_default_filter" \
	test "$(sed -n 's/^queue_purge_drops //p' "$TMP/hs.facts")" -ge 20
check_eq "netlink_messages_of_the_lab_setup_are_not_traffic" 0 \
	"$(sed -n 's/^netlink_frees //p' "$TMP/hs.facts")"
check_eq "no_namespace_left_after_netns_filter_tests" 0 "$(leftover_netns)"
