# The NIC pair (sourced by tests.sh, which has ok, not_ok, check, OUT and
# NETSCOPE): tests/vm/run.sh gives the guest two e1000 NICs joined only by
# a QEMU hub.  The interrupts lab runs over them (--devices eth0,eth1:
# eth0 into the first namespace, eth1 into the second), so the lab's
# datagrams cross a real device: eth1's interrupt, NAPI, GRO, receive.
# The host checks the lab's JSON (tests/vm/check_nic.py); here: the pair
# is there, the lab exits 0, the devices come back, also after a SIGKILL.
NIC_COUNT=20
nic_devices() { # the non-loopback devices of this namespace, sorted
	ls /sys/class/net | grep -v '^lo$' | sort | tr '\n' ' '
}
nic_driver() {
	basename "$(readlink "/sys/class/net/$1/device/driver" 2>/dev/null)" 2>/dev/null
}
if [ "$(nic_devices)" = "eth0 eth1 " ] && [ "$(nic_driver eth0)" = e1000 ] &&
	[ "$(nic_driver eth1)" = e1000 ]; then
	ok nic_pair_is_two_e1000_devices
else
	not_ok nic_pair_is_two_e1000_devices "devices: $(nic_devices)" \
		"drivers: $(nic_driver eth0) $(nic_driver eth1)"
fi
# the legacy INTx line of each: e1000 names its handler after the device
for d in eth0 eth1; do
	cat "/sys/class/net/$d/device/irq" >"$OUT/nic-irq-$d" 2>/dev/null
done
ip -o link show >"$OUT/nic-links-before.txt"

"$NETSCOPE" lab interrupts --devices eth0,eth1 --count "$NIC_COUNT" --sample-freq 0 \
	-o /tmp/nic.ns --json >"$OUT/nic-lab.json" 2>"$OUT/nic-lab.err"
echo $? >"$OUT/nic-lab.rc"
echo "$NIC_COUNT" >"$OUT/nic-count"
if [ "$(cat "$OUT/nic-lab.rc")" = 0 ]; then ok nic_lab_interrupts_over_the_pair_exits_zero; else
	not_ok nic_lab_interrupts_over_the_pair_exits_zero "$(tail -n 8 "$OUT/nic-lab.err")"
fi
[ -s /tmp/nic.ns ] && "$NETSCOPE" export /tmp/nic.ns --to jsonl "$OUT/nic-events.jsonl" \
	>/dev/null 2>"$OUT/nic-export.err"
"$NETSCOPE" lab interrupts --devices eth0,eth1 --count 3 --sample-freq 0 \
	>"$OUT/nic-lab.txt" 2>&1
rm -f /tmp/nic.ns

# the experiment's irq_enter_rcu / irq_exit_rcu pair itself, by fentry,
# around eth1's handler: the whole machine (--netns all), since the pair
# carries no packet for the lab's namespace filter
"$NETSCOPE" record -o /tmp/pair.ns --netns all --events default,irq,napi --stack-policy none \
	--method bpf-func --func-backend fentry --funcs irq_enter_rcu,irq_exit_rcu \
	--scenario udp --count 3 --devices eth0,eth1 >"$OUT/nic-pair.log" 2>&1
echo $? >"$OUT/nic-pair.rc"
[ -s /tmp/pair.ns ] && "$NETSCOPE" export /tmp/pair.ns --to jsonl "$OUT/nic-pair.jsonl" \
	>>"$OUT/nic-pair.log" 2>&1
rm -f /tmp/pair.ns

nic_back() { # NAME: both devices in this namespace again
	if [ "$(nic_devices)" = "eth0 eth1 " ]; then ok "$1"; else
		not_ok "$1" "devices here: $(nic_devices)" "namespaces: $(ls /run/netns 2>/dev/null)"
	fi
}
nic_back nic_devices_are_back_after_the_lab

# SIGKILL in the middle: the devices stay in the dead run's namespaces
# until the next start gives them back
"$NETSCOPE" run --devices eth0,eth1 -- sleep 60 >"$OUT/nic-kill.log" 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! ip -n "netscope-$pid-b" link show eth1 >/dev/null 2>&1; do
	sleep 0.2
	i=$((i + 1))
done
if [ "$(nic_devices)" = "" ]; then ok nic_devices_are_in_the_lab_while_it_runs; else
	not_ok nic_devices_are_in_the_lab_while_it_runs "devices here: $(nic_devices)"
fi
kill -9 $pid
wait $pid 2>/dev/null
"$NETSCOPE" run --scenario refused >"$OUT/nic-next-start.log" 2>&1
grep -q "gave device 'eth1' back" "$OUT/nic-next-start.log" &&
	grep -q "gave device 'eth0' back" "$OUT/nic-next-start.log" &&
	ok nic_next_start_says_it_gave_the_devices_back ||
	not_ok nic_next_start_says_it_gave_the_devices_back "$(cat "$OUT/nic-next-start.log")"
nic_back nic_devices_are_back_after_a_sigkill_and_the_next_start
ip -o link show >"$OUT/nic-links-after.txt"
