# The labs with kernel functions (sourced by tests.sh, busybox sh): where
# a BPF per-function backend works, `lab layers` and `lab syn-flood` pick
# it by probing and trace their functions of data/lab_funcs.rules.  The
# guest keeps each lab's JSON and the syn-flood trace's counters; the host
# asserts the facts (tests/vm/check_labfuncs.py).  Bounded and small:
# under TCG a loopback workload runs ~12x slower than natively.
t0=$(date +%s)
"$NETSCOPE" lab layers --count 40 --rate 100 --sample-freq 99 --json \
	>"$OUT/lab-layers.json" 2>"$OUT/lab-layers.err"
rc=$?
if [ $rc = 0 ]; then ok lab_layers_with_functions_exits_zero; else
	not_ok lab_layers_with_functions_exits_zero "exit $rc" "$(tail -n 15 "$OUT/lab-layers.err")"
fi
t1=$(date +%s)
"$NETSCOPE" lab syn-flood --count 200 --sample-freq 0 --json -o /tmp/lab-flood.ns \
	>"$OUT/lab-synflood.json" 2>"$OUT/lab-synflood.err"
rc=$?
if [ $rc = 0 ]; then ok lab_syn_flood_with_functions_exits_zero; else
	not_ok lab_syn_flood_with_functions_exits_zero "exit $rc" "$(tail -n 15 "$OUT/lab-synflood.err")"
fi
[ -s /tmp/lab-flood.ns ] && "$NETSCOPE" report --json --view counters /tmp/lab-flood.ns \
	>"$OUT/lab-synflood-counters.json" 2>&1
rm -f /tmp/lab-flood.ns
echo "# vm-time: lab layers $((t1 - t0)) s, lab syn-flood $(($(date +%s) - t1)) s (with its report)"

# the same lab forced to ftrace (function_graph on 6.12, the function tracer
# on 6.1): calls counted without packet ids; nothing else in the guest
# speaks TCP, so the instance's machine-wide counts are the lab's
t2=$(date +%s)
"$NETSCOPE" lab syn-flood --method ftrace --count 40 --sample-freq 0 --json -o /tmp/lab-flood-ft.ns \
	>"$OUT/lab-synflood-ftrace.json" 2>"$OUT/lab-synflood-ftrace.err"
rc=$?
if [ $rc = 0 ]; then ok lab_syn_flood_with_ftrace_exits_zero; else
	not_ok lab_syn_flood_with_ftrace_exits_zero "exit $rc" "$(tail -n 15 "$OUT/lab-synflood-ftrace.err")"
fi
[ -s /tmp/lab-flood-ft.ns ] && "$NETSCOPE" report --json --view counters /tmp/lab-flood-ft.ns \
	>"$OUT/lab-synflood-ftrace-counters.json" 2>&1
rm -f /tmp/lab-flood-ft.ns
left=$(ls /sys/kernel/tracing/instances 2>/dev/null | grep -c '^netscope-')
if [ "$left" = 0 ]; then ok lab_ftrace_leaves_no_instance; else
	not_ok lab_ftrace_leaves_no_instance "$(ls /sys/kernel/tracing/instances)"; fi
echo "# vm-time: lab syn-flood --method ftrace $(($(date +%s) - t2)) s (with its report)"
