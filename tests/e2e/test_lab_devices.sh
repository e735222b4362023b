#!/bin/bash
# --devices A,B: the lab over two devices instead of a veth pair.  This
# host has no spare NIC (the VM lane runs the lab over two real e1000s:
# tests/vm/guest/nic.sh), so here: every refusal, with its reason and
# nothing left behind, and the lending itself with ifb devices (they carry
# nothing, but move like a NIC) in a namespace of the test's own, never
# the host's interfaces.
. "$(dirname "$0")/lib.sh"

T=nstest-devices-$$
cleanup() { ip netns del "$T" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
ip netns add "$T" || { echo "1..0 # SKIP cannot create a network namespace"; exit 0; }
in_t() { ip netns exec "$T" "$@"; }
setup_ok=1
for d in spare0 spare1 used0 used1 port0; do
	ip -n "$T" link add "$d" type ifb 2>/dev/null || setup_ok=0
done
ip -n "$T" link add v0 type veth peer name v1 || setup_ok=0
ip -n "$T" link add br0 type bridge || setup_ok=0
ip -n "$T" link set port0 master br0 || setup_ok=0
ip -n "$T" addr add 198.18.7.1/24 dev used0 && ip -n "$T" link set used0 up || setup_ok=0
ip -n "$T" addr add 198.18.8.1/24 dev used1 || setup_ok=0
ip -n "$T" link set spare1 up || setup_ok=0
if [ "$setup_ok" != 1 ]; then
	echo "1..0 # SKIP cannot create ifb, veth and bridge devices in a namespace"
	exit 0
fi

# refuse DEVICES EXPECTED_MESSAGE NAME: the lab refuses, says why, makes nothing
refuse() {
	local devices=$1 msg=$2 name=$3 rc pid
	in_t "$NETSCOPE" lab interrupts --devices "$devices" --count 2 >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	wait $pid
	rc=$?
	if [ $rc -ne 0 ] && grep -qF -- "$msg" "$TMP/err"; then ok "$name"; else
		not_ok "$name" "exit $rc" "$(head -c 600 "$TMP/err")"
	fi
	left=$(ls /run/netns 2>/dev/null | grep -c "^netscope-$pid-")
	check_eq "${name}_leaves_no_namespace" 0 "$left"
}
refuse nosuch0,spare1 "error: no device 'nosuch0' in this network namespace ('ip link' lists them)" \
	devices_unknown_device_is_refused
refuse lo,spare0 "error: refusing device 'lo': it is the loopback device, which cannot leave its namespace" \
	devices_loopback_is_refused
refuse spare0,v1 "error: refusing device 'v1': it is a veth device; without --devices the lab makes its own veth pair" \
	devices_veth_is_refused
refuse used0,spare0 "error: refusing device 'used0': it is up with address 198.18.7.1, so it carries this machine's traffic" \
	devices_up_with_an_address_is_refused_as_in_use
refuse spare0,used1 "error: refusing device 'used1': it has address 198.18.8.1, which moving it into the lab's namespace would drop" \
	devices_with_an_address_is_refused_though_down
refuse port0,spare0 "error: refusing device 'port0': it is a port of 'br0'" \
	devices_bridge_port_is_refused
refuse spare0,spare0 "error: bad --devices 'spare0,spare0': expected two different devices" \
	devices_same_twice_is_refused
refuse spare0 "error: bad --devices 'spare0': expected two device names, DEV_A,DEV_B" \
	devices_one_name_is_refused
refuse spare0,spare1,used0 "error: bad --devices 'spare0,spare1,used0': expected two device names" \
	devices_three_names_are_refused
in_t "$NETSCOPE" record -o "$TMP/r.ns" --netns all --devices spare0,spare1 >"$TMP/out" 2>&1
rc=$?
check_eq devices_without_a_workload_is_refused "2 1 no" "$rc $(grep -c "error: --devices lends two devices to the lab's namespaces: it needs --scenario NAME or '-- CMD'" "$TMP/out") $([ -e "$TMP/r.ns" ] && echo yes || echo no)"
check_eq devices_refusals_moved_nothing "spare0 spare1 used0 used1 port0 v0 v1" \
	"$(for d in spare0 spare1 used0 used1 port0 v0 v1; do ip -n "$T" link show "$d" >/dev/null 2>&1 && printf '%s ' "$d"; done | sed 's/ $//')"

# The host's own interface, up with its addresses: refused, untouched (lo as
# the second device is refused too, so even a wrong first check moves nothing)
dev=$(ip route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1); exit}')
if [ -n "$dev" ] && ip -4 addr show dev "$dev" | grep -q inet; then
	before=$(ip -o addr show dev "$dev" | md5sum)
	"$NETSCOPE" run --devices "$dev,lo" -- true >"$TMP/out" 2>&1
	rc=$?
	check_eq devices_hosts_own_interface_is_refused_as_in_use "2 1" \
		"$rc $(grep -c "error: refusing device '$dev': it is up with address" "$TMP/out")"
	check_eq devices_hosts_own_interface_is_untouched "$before" "$(ip -o addr show dev "$dev" | md5sum)"
else
	ok "devices_hosts_own_interface_is_refused_as_in_use # SKIP no default route with an IPv4 address"
	ok "devices_hosts_own_interface_is_untouched # SKIP no default route with an IPv4 address"
fi

# Lending: the devices are in the lab's namespaces, addressed, during the
# command; afterwards back, spare1 up again as it was, spare0 down
in_t "$NETSCOPE" run --devices spare0,spare1 -- ip -br -4 addr show dev spare0 >"$TMP/lent" 2>"$TMP/err" &
pid=$!
wait $pid
check_eq devices_lent_device_is_addressed_in_the_first_namespace "spare0 198.18.0.1/24" \
	"$(awk '{print $1, $3}' "$TMP/lent")"
state() { ip -n "$T" -o link show "$1" 2>/dev/null | grep -q '[<,]UP[,>]' && echo up || echo down; }
check_eq devices_are_given_back_with_their_up_state "spare0:down spare1:up" \
	"spare0:$(state spare0) spare1:$(state spare1)"
check_eq devices_lending_leaves_no_namespace 0 "$(ls /run/netns 2>/dev/null | grep -c "^netscope-$pid-")"

# a workload that fails (ifb carries nothing: no datagram arrives) gives them back too
in_t "$NETSCOPE" run --devices spare0,spare1 --scenario udp --count 2 --duration 2 >"$TMP/out" 2>&1 &
pid=$!
wait $pid
rc=$?
check_eq devices_failed_workload_exits_nonzero_and_says_why "1 1" \
	"$rc $(grep -c "error: no datagram reached 198.18.0.2:5353" "$TMP/out")"
check_eq devices_are_given_back_after_a_failed_workload "spare0:down spare1:up" \
	"spare0:$(state spare0) spare1:$(state spare1)"
check_eq devices_failed_workload_leaves_no_namespace 0 "$(ls /run/netns 2>/dev/null | grep -c "^netscope-$pid-")"

# Ctrl-C while the devices are lent
in_t "$NETSCOPE" run --devices spare0,spare1 -- sleep 30 >"$TMP/out" 2>&1 &
pid=$!
for _ in $(seq 100); do
	ip -n "$T" link show spare0 >/dev/null 2>&1 || break
	sleep 0.1
done
lent=$(ip -n "$T" link show spare0 >/dev/null 2>&1 && echo here || echo lent)
kill -INT $pid
wait $pid
check_eq devices_are_given_back_after_ctrl_c "lent spare0:down spare1:up" \
	"$lent spare0:$(state spare0) spare1:$(state spare1)"
check_eq devices_ctrl_c_leaves_no_namespace 0 "$(ls /run/netns 2>/dev/null | grep -c "^netscope-$pid-")"

echo "1..$TAP_N"
