#!/bin/bash
# --method ftrace where the kernel denies the function tracers (this
# project's machines: writing the instance's set_ftrace_filter or
# current_tracer is EPERM): the run fails naming the reason, writes no
# trace and leaves no tracefs instance; without --method, the automatic
# choice tries ftrace after the BPF backends and falls back to tracepoints,
# saying why.  An instance a SIGKILLed ftrace run left is removed by the
# next netscope.  Where the tracers work (the VM lane's kernels:
# tests/vm/guest/ftrace.sh) the denial checks skip.
. "$(dirname "$0")/lib.sh"
export NETSCOPE_SOURCE_CACHE=$TMP/none

for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ "$(stat -f -c %T "$t" 2>/dev/null)" = tracefs ] && TRACEFS=$t && break
done
if [ -z "$TRACEFS" ]; then
	echo "not ok 1 - tracefs_is_mounted"
	exit 1
fi
# instances of netscope's ftrace backend, of any process
ftrace_instances() { ls "$TRACEFS/instances" | grep -c '^netscope-ftrace-'; }
before=$(ftrace_instances)

# a stale instance, as a SIGKILLed `record --method ftrace` leaves it
sleep 0 &
dead=$!
wait $dead
mkdir "$TRACEFS/instances/netscope-ftrace-$dead"
trap 'rmdir "$TRACEFS/instances/netscope-ftrace-$dead" 2>/dev/null; rm -rf "$TMP"' EXIT
"$NETSCOPE" struct sk_buff >/dev/null 2>"$TMP/struct.err"
check "next_command_removes_the_ftrace_instance_of_a_killed_run" \
	test ! -e "$TRACEFS/instances/netscope-ftrace-$dead"

# --graph-funcs roots function_graph: without --method ftrace it is an error,
# found before anything is loaded or made
"$NETSCOPE" record -o "$TMP/g.ns" --scenario refused --graph-funcs ip_local_deliver_finish \
	2>"$TMP/g.err"
check_eq "graph_funcs_without_method_ftrace_is_a_usage_error" 2 $?
check "graph_funcs_error_names_the_method_it_needs" \
	grep -q "error: --graph-funcs .* it needs --method ftrace" "$TMP/g.err"
check "graph_funcs_error_writes_no_trace" test ! -e "$TMP/g.ns"

if "$NETSCOPE" doctor --json | python3 -c '
import json, sys
f = json.load(sys.stdin)["features"]
sys.exit(0 if f["ftrace_function"]["ok"] or f["ftrace_function_graph"]["ok"] else 1)'; then
	echo "ok 5 # SKIP the function tracers work on this kernel (tests/vm checks them)"
	echo "1..5"
	exit 0
fi

"$NETSCOPE" record -o "$TMP/f.ns" --scenario refused --method ftrace \
	--funcs 'tcp_v4_rcv,tcp_v4_send_reset' 2>"$TMP/f.err"
check_eq "method_ftrace_fails_where_the_tracers_are_denied" 1 $?
check "method_ftrace_names_the_step_and_the_reason" \
	grep -qE "error: --method ftrace: .*(set_ftrace_filter|current_tracer).*: Operation not permitted" "$TMP/f.err"
check "method_ftrace_failure_writes_no_trace" test ! -e "$TMP/f.ns"
check_eq "method_ftrace_failure_leaves_no_instance" "$before" "$(ftrace_instances)"

"$NETSCOPE" trace --scenario refused --method ftrace --funcs tcp_v4_rcv >"$TMP/t.out" 2>"$TMP/t.err"
check_eq "trace_method_ftrace_fails_too" 1 $?
check_eq "trace_method_ftrace_failure_leaves_no_instance" "$before" "$(ftrace_instances)"

# the default functions (the experiment's net* skb* ip* sock* tcp*) are
# found before the instance is touched: the same denial
"$NETSCOPE" record -o "$TMP/d.ns" --scenario refused --method ftrace 2>"$TMP/d.err"
check_eq "method_ftrace_with_the_default_functions_fails_the_same" 1 $?
check "default_functions_failure_says_why" grep -q "Operation not permitted" "$TMP/d.err"

# a pattern matching no function is the user's error, before any instance
"$NETSCOPE" record -o "$TMP/p.ns" --scenario refused --method ftrace --funcs 'no_such_fn_xyz*' \
	2>"$TMP/p.err"
check_eq "method_ftrace_with_a_pattern_matching_nothing_fails" 1 $?
check "pattern_matching_nothing_is_named" grep -q "no_such_fn_xyz" "$TMP/p.err"
check_eq "pattern_failure_leaves_no_instance" "$before" "$(ftrace_instances)"

# automatic: BPF backends, then ftrace, then tracepoints, each reason said
"$NETSCOPE" record -o "$TMP/a.ns" --scenario refused --funcs 'tcp_v4_rcv,tcp_v4_send_reset' \
	2>"$TMP/a.err"
check_eq "automatic_choice_falls_back_and_exits_zero" 0 $?
check "automatic_fallback_names_ftrace_and_its_reason" grep -qE \
	'kernel functions not traced: fentry: .+; ftrace: .*Operation not permitted; falling back to tracepoints' \
	"$TMP/a.err"
"$NETSCOPE" report --json "$TMP/a.ns" >"$TMP/a.json"
facts=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["capture"]["method"], d["drops"]["total"], "capture.funcs" in d["capture"]["meta"],
      d["capture"]["methods"].get("func_entry"))
' "$TMP/a.json")
check_eq "fallback_trace_has_the_tracepoints_and_no_functions" "tp_btf 1 False off" "$facts"
check_eq "automatic_fallback_leaves_no_instance" "$before" "$(ftrace_instances)"
echo "1..$TAP_N"
