#!/bin/bash
# End-to-end: two runs of the SYN-flood lab with one setting changed (half
# the SYNs to a closed port) differ by exactly what that setting does, and
# a trace against itself differs in nothing.
. "$(dirname "$0")/lib.sh"

"$NETSCOPE" record -o "$TMP/A.ns" --scenario syn-flood --count 2000 --seed 3 2>"$TMP/a.err"
check_eq "record_a_exits_zero" 0 $?
"$NETSCOPE" record -o "$TMP/B.ns" --scenario syn-flood --count 2000 --seed 3 --closed-port 81 2>"$TMP/b.err"
check_eq "record_b_with_closed_port_exits_zero" 0 $?

"$NETSCOPE" diff --json "$TMP/A.ns" "$TMP/B.ns" >"$TMP/ab.json" 2>"$TMP/ab.err"
check_eq "diff_a_b_exits_zero" 0 $?
facts=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sections"]
def row(sec, pred):
    r = [x for x in s[sec]["rows"] if pred(x["what"])]
    return r[0] if r else {}
print("kernel_differs", d["kernel_differs"])
print("capture_changed", s["capture"]["changed_rows"])
r = row("drop_locations", lambda w: w.startswith("NO_SOCKET at tcp_v4_rcv+"))
print("drop_site", r.get("status") in ("changed", "new"), r.get("change"))
r = row("reset_reasons", lambda w: w == "NO_SOCKET")
print("reset_reason", r.get("status"), r.get("change") == r.get("b") - r.get("a") > 0)
r = row("counters", lambda w: w == "b Tcp.OutRsts")
print("closed_port_resets", r.get("status"), r.get("b"))
r = row("journeys", lambda w: w == "net_dev_queue → netif_receive_skb → tcp_send_reset → kfree_skb NO_SOCKET")
print("reset_journey", r.get("status"), (r.get("share_b") or 0) > (r.get("share_a") or 1))
' "$TMP/ab.json" 2>&1)
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "same_kernel_so_no_kernel_warning" False "$(get kernel_differs)"
check_eq "lab_namespaces_recreated_still_the_same_capture" 0 "$(get capture_changed)"
check_eq "no_socket_drops_at_tcp_v4_rcv_grow_by_the_1000_closed_port_syns" "True 1000" "$(get drop_site)"
check_eq "resets_sent_with_no_socket_grow" "changed True" "$(get reset_reason)"
check_eq "namespace_b_sends_1000_resets_it_did_not_send_before" "new 1000" "$(get closed_port_resets)"
check_eq "reset_then_drop_journey_gains_share_of_packets" "changed True" "$(get reset_journey)"

"$NETSCOPE" diff "$TMP/A.ns" "$TMP/B.ns" >"$TMP/ab.txt"
check "text_shows_the_drop_site_change" grep -qE '^ +[0-9]+ +[0-9]+ +\+1000 .*NO_SOCKET at tcp_v4_rcv\+' "$TMP/ab.txt"
check "text_has_no_kernel_warning" bash -c "! grep -q 'kernels differ' '$TMP/ab.txt'"
check "text_names_the_capture_the_same" grep -q '^kernel and capture: the same' "$TMP/ab.txt"

# a trace against itself: nothing changed
"$NETSCOPE" diff --json "$TMP/A.ns" "$TMP/A.ns" >"$TMP/aa.json"
check_eq "diff_a_a_exits_zero" 0 $?
check_eq "diff_a_a_every_row_is_the_same" "0 True" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for s in d["sections"].values() for r in s["rows"]]
print(d["changed_rows"], len(rows) > 50 and all(r["status"] == "same" for r in rows))' "$TMP/aa.json")"
"$NETSCOPE" diff "$TMP/A.ns" "$TMP/A.ns" >"$TMP/aa.txt"
check "diff_a_a_text_says_no_change" grep -q '^no change' "$TMP/aa.txt"

# bad input: which file, and usage errors
"$NETSCOPE" diff "$TMP/A.ns" "$TMP/missing.ns" >/dev/null 2>"$TMP/missing.err"
check_eq "missing_b_exits_one" 1 $?
check "missing_b_is_named_b" grep -q "cannot read trace B '$TMP/missing.ns'" "$TMP/missing.err"
printf 'not a trace\n' >"$TMP/junk.ns"
"$NETSCOPE" diff "$TMP/junk.ns" "$TMP/A.ns" >/dev/null 2>"$TMP/junk.err"
check_eq "corrupt_a_exits_one" 1 $?
check "corrupt_a_is_named_a" grep -q "cannot read trace A '$TMP/junk.ns'" "$TMP/junk.err"
"$NETSCOPE" diff "$TMP/A.ns" >/dev/null 2>&1
check_eq "one_operand_is_a_usage_error" 2 $?
"$NETSCOPE" diff --threshold x "$TMP/A.ns" "$TMP/A.ns" >/dev/null 2>&1
check_eq "bad_threshold_is_a_usage_error" 2 $?
"$NETSCOPE" diff --help | grep -q EXAMPLES
check_eq "help_has_examples" 0 $?
