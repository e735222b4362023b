# Sourced by tests.sh (busybox sh): `record --snaplen` on this kernel's
# verifier (src/bpf/payload.bpf.h: a variable-length bpf_ringbuf_output, a
# bounded bpf_probe_read_kernel), with each method of attaching.  The udp
# scenario's datagrams and ICMP replies are built linear: every one whole.
for m in tp_btf raw_tp; do
	flag=
	[ $m = raw_tp ] && flag=--raw-tp
	check "record_udp_snaplen_${m}_exits_zero" "$NETSCOPE" record -o /tmp/snaplen-$m.ns \
		--scenario udp --count 2 --snaplen 128 $flag
	if grep -qE '^netscope: packet bytes \(snaplen 128\): [1-9][0-9]* packets captured, 0 of them cut short' \
		"$OUT/record_udp_snaplen_${m}_exits_zero.log"; then
		ok "snaplen_${m}_captures_the_udp_packets_whole"
	else
		not_ok "snaplen_${m}_captures_the_udp_packets_whole" \
			"$(grep -E 'packet bytes|error' "$OUT/record_udp_snaplen_${m}_exits_zero.log")"
	fi
	rm -f /tmp/snaplen-$m.ns
done
