#!/bin/bash
# `make run`: the main job, the reference experiments (shared/reference)
# done by netscope: what this kernel allows; the kernel's source fetched and
# the files a SYN goes through indexed (experiment 1: the structs and where
# they are used); the syn-flood, layers, interrupts and skb-memory labs
# (experiments 2 to 5: a flood at a listening and a closed port captured and
# explained beside the kernel's counters, and written for a browser,
# Perfetto, Wireshark and TraceCompass; the hand-offs between the stack's
# layers found from stacks and CPU samples; where NET_RX softirqs are raised
# and run; the memory each packet takes); the receive path as the source
# has it, through NF_HOOK and the ops tables.
set -e
cd "$(dirname "$0")/.."
NS=./build/netscope
out=${NETSCOPE_RUN_OUT:-/tmp/netscope-main.ns}
# the files a SYN to a listening or closed port runs through
FILES="net/core/dev.c net/core/skbuff.c net/ipv4/ip_input.c net/ipv4/af_inet.c net/ipv4/tcp_ipv4.c
       net/ipv4/tcp_input.c net/ipv4/tcp.c"

$NS doctor
echo
if ! $NS source status | grep -q "linux-source-"; then
	echo "== netscope source fetch"
	$NS source fetch
	echo
fi
echo "== netscope index" $FILES
# shellcheck disable=SC2086
$NS index $FILES
echo
pre=${out%.ns}
echo "== netscope lab syn-flood -o $out --html $pre.html ...   (experiment 2: a SYN flood, explained)"
# the same trace for the viewers people use: a browser, Perfetto, Wireshark, TraceCompass
$NS lab syn-flood -o "$out" --force --html "$pre.html" --perfetto "$pre.pftrace" \
	--pcapng "$pre.pcapng" --ctf "$pre.ctf"
echo "   wrote $pre.html (open in a browser), $pre.pftrace (ui.perfetto.dev),"
echo "   $pre.pcapng (wireshark), $pre.ctf (babeltrace2, TraceCompass)"
echo
echo "== netscope report $out   (the same trace, explained from the index)"
$NS report "$out"
echo
echo "== netscope lab layers   (experiment 3: the APIs between the layers)"
$NS lab layers
echo
echo "== netscope lab interrupts   (experiment 4: where NET_RX softirqs are raised and run)"
$NS lab interrupts
echo
echo "== netscope lab skb-memory   (experiment 5: the memory a packet takes)"
$NS lab skb-memory
echo
echo "== netscope lab structs --top 5"
$NS lab structs --top 5
echo
echo "== netscope callers ip_protocol_deliver_rcu --depth 8"
$NS callers ip_protocol_deliver_rcu --depth 8
echo
echo "== netscope xref sock_common.skc_state --mode write"
$NS xref sock_common.skc_state --mode write
