#!/bin/bash
# What a killed netscope leaves in tracefs: doctor probes the function
# tracers in a private instance, instances/netscope-probe-PID, removed when
# it ends; SIGKILLed, it cannot.  Any netscope command that starts removes
# the instances of netscope processes that are gone, and keeps those of
# processes that live.
. "$(dirname "$0")/lib.sh"
export NETSCOPE_SOURCE_CACHE=$TMP/none

for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ "$(stat -f -c %T "$t" 2>/dev/null)" = tracefs ] && TRACEFS=$t && break
done
if [ -z "$TRACEFS" ]; then
	echo "not ok 1 - tracefs_is_mounted"
	exit 1
fi

# a pid that was netscope's and is gone: a process that ran and was reaped
sleep 0 &
dead=$!
wait $dead
stale=$TRACEFS/instances/netscope-probe-$dead
live=$TRACEFS/instances/netscope-probe-$$
mkdir "$stale" "$live"
# whatever the outcome, no instance of this test is left behind
trap 'rmdir "$stale" "$live" "$TRACEFS/instances/netscope-probe-$doc" 2>/dev/null; rm -rf "$TMP"' EXIT
check "a_stale_instance_is_there_before" test -d "$stale"
"$NETSCOPE" struct sk_buff >/dev/null 2>"$TMP/struct.err"
check_eq "struct_runs_with_a_stale_instance_around" 0 $?
check "next_command_removes_the_instance_of_a_dead_netscope" test ! -e "$stale"
check "next_command_says_it_removed_the_instance" \
	grep -q "removed 1 tracefs instance left by an earlier netscope run that was killed" "$TMP/struct.err"
check "instance_of_a_live_process_is_kept" test -d "$live"
rmdir "$live"

# the real thing: doctor SIGKILLed while its probe instance exists
"$NETSCOPE" doctor >/dev/null 2>&1 &
doc=$!
for _ in $(seq 1 400); do
	[ -d "$TRACEFS/instances/netscope-probe-$doc" ] && break
	sleep 0.005
done
kill -STOP $doc 2>/dev/null
if [ -d "$TRACEFS/instances/netscope-probe-$doc" ]; then
	kill -KILL $doc
	wait $doc 2>/dev/null
	check "a_sigkilled_doctor_leaves_its_instance" test -d "$TRACEFS/instances/netscope-probe-$doc"
	"$NETSCOPE" struct sock >/dev/null 2>&1
	check "next_command_removes_the_instance_of_a_sigkilled_doctor" \
		test ! -e "$TRACEFS/instances/netscope-probe-$doc"
else
	# doctor was past its probe (or not yet at it): nothing to kill it in
	kill -KILL $doc 2>/dev/null
	wait $doc 2>/dev/null
	ok "a_sigkilled_doctor_leaves_its_instance # SKIP doctor not caught in its probe"
	ok "next_command_removes_the_instance_of_a_sigkilled_doctor # SKIP doctor not caught in its probe"
fi
echo "1..$TAP_N"
