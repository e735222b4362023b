# The ftrace backend (--method ftrace) in the guest, sourced by tests.sh
# (busybox sh; ok, not_ok, check, NETSCOPE and OUT come from there).  The
# host checks the facts (tests/vm/check_ftrace.py): a refused connection
# repeated FT_COUNT times is FT_COUNT SYNs, each answered by tcp_v4_send_reset
# with a RST that tcp_v4_rcv of the other namespace takes too.
FT_COUNT=20
FT_FUNCS='ip_local_deliver_finish,ip_protocol_deliver_rcu,tcp_v4_rcv,tcp_v4_send_reset'
TRACEFS=/sys/kernel/tracing
ft_instances() { ls "$TRACEFS/instances" 2>/dev/null | grep -c '^netscope-'; }

"$NETSCOPE" record -o /tmp/ftrace.ns --scenario refused --count $FT_COUNT --method ftrace \
	--funcs "$FT_FUNCS" >"$OUT/record-ftrace.log" 2>&1
echo $? >"$OUT/record-ftrace.rc"
echo $FT_COUNT >"$OUT/ftrace-count"
if [ -s /tmp/ftrace.ns ]; then
	"$NETSCOPE" report --json --view funcs /tmp/ftrace.ns >"$OUT/funcs-view-ftrace.json" 2>&1
	"$NETSCOPE" report --json /tmp/ftrace.ns >"$OUT/report-ftrace.json" 2>&1
	"$NETSCOPE" report --view funcs /tmp/ftrace.ns >"$OUT/funcs-view-ftrace.txt" 2>&1
	# the trace itself, for the host's fixtures (tests/fixtures/ftrace)
	cp /tmp/ftrace.ns "$OUT/ftrace.ns"
	sed 's/^/# /' "$OUT/funcs-view-ftrace.txt"
fi
sed 's/^/# /' "$OUT/record-ftrace.log"
left=$(ft_instances)
if [ "$left" = 0 ]; then ok ftrace_record_leaves_no_instance; else
	not_ok ftrace_record_leaves_no_instance "$(ls "$TRACEFS/instances")"; fi

# does this kernel give instances a set_graph_function? (the host's check
# depends on it: 6.12 keeps it at the top level)
mkdir "$TRACEFS/instances/nsvm-graph-probe" 2>/dev/null
if [ -e "$TRACEFS/instances/nsvm-graph-probe/set_graph_function" ]; then echo 1; else echo 0; fi \
	>"$OUT/instance-has-set-graph-function"
rmdir "$TRACEFS/instances/nsvm-graph-probe" 2>/dev/null
# rooted graphs (--graph-funcs: set_graph_function), as the reference
# experiment: ip_rcv is in the filter but calls the root, so it stays out
"$NETSCOPE" record -o /tmp/ftrace-root.ns --scenario refused --count $FT_COUNT --method ftrace \
	--funcs "ip_rcv,$FT_FUNCS" --graph-funcs ip_local_deliver_finish >"$OUT/record-ftrace-root.log" 2>&1
echo $? >"$OUT/record-ftrace-root.rc"
[ -s /tmp/ftrace-root.ns ] && "$NETSCOPE" report --json --view funcs /tmp/ftrace-root.ns \
	>"$OUT/funcs-view-ftrace-root.json" 2>&1
rm -f /tmp/ftrace-root.ns
left=$(ft_instances)
if [ "$left" = 0 ]; then ok ftrace_rooted_record_leaves_no_instance; else
	not_ok ftrace_rooted_record_leaves_no_instance "$(ls "$TRACEFS/instances")"; fi

# SIGTERM while tracing: the capture's cleanup removes the instance
"$NETSCOPE" record -o /tmp/ftrace-term.ns --netns all --duration 60 --method ftrace \
	--funcs tcp_v4_rcv >"$OUT/record-ftrace-term.log" 2>&1 &
pid=$!
i=0
while [ "$(ft_instances)" = 0 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
seen=$(ft_instances)
sleep 1
kill -TERM $pid
wait $pid
rc=$?
if [ "$seen" = 1 ] && [ "$(ft_instances)" = 0 ]; then
	ok ftrace_sigterm_removes_the_instance
else
	not_ok ftrace_sigterm_removes_the_instance "seen=$seen rc=$rc left=$(ft_instances)" \
		"$(tail -5 "$OUT/record-ftrace-term.log")"
fi

# SIGKILL while tracing: the instance stays, the next netscope removes it
"$NETSCOPE" record -o /tmp/ftrace-kill.ns --netns all --duration 60 --method ftrace \
	--funcs tcp_v4_rcv >"$OUT/record-ftrace-kill.log" 2>&1 &
pid=$!
i=0
while [ "$(ft_instances)" = 0 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
after_kill=$(ft_instances)
"$NETSCOPE" struct sock_common >/dev/null 2>"$OUT/struct-after-kill.err"
if [ "$after_kill" = 1 ] && [ "$(ft_instances)" = 0 ]; then
	ok ftrace_instance_of_a_sigkilled_run_is_removed_by_the_next
else
	not_ok ftrace_instance_of_a_sigkilled_run_is_removed_by_the_next \
		"after kill: $after_kill, after the next run: $(ft_instances)" "$(cat "$OUT/struct-after-kill.err")"
fi
rm -f /tmp/ftrace-term.ns /tmp/ftrace-kill.ns

# the flood benchmark (bench/vm_ftrace_flood.sh, netscope.bench=flood): a SYN
# flood untraced, recorded with the tracepoints only, and with the same
# functions traced besides by each BPF backend this kernel has and by
# ftrace; the host turns packets/s into ratios
if grep -q 'netscope.bench=flood' /proc/cmdline; then
	BF='ip_rcv,ip_rcv_core,ip_local_deliver,ip_local_deliver_finish,ip_protocol_deliver_rcu,tcp_v4_rcv,tcp_v4_send_reset,tcp_v4_do_rcv,tcp_rcv_state_process,tcp_conn_request'
	FLOOD="--scenario syn-flood --duration 3 --count 100000000 --closed-port 9"
	for round in 1 2 3; do
		for cfg in untraced tracepoints fentry kprobe-multi ftrace; do
			case $cfg in
			untraced) set -- run $FLOOD ;;
			tracepoints) set -- record -o /tmp/bench.ns $FLOOD --method tracepoints ;;
			ftrace) set -- record -o /tmp/bench.ns $FLOOD --method ftrace --funcs "$BF" ;;
			*) set -- record -o /tmp/bench.ns $FLOOD --method bpf-func --func-backend $cfg --funcs "$BF" ;;
			esac
			"$NETSCOPE" "$@" >"$OUT/bench-flood-$cfg.log" 2>&1
			rc=$?
			sent=$(sed -n 's/.*syn-flood: sent \([0-9]*\) packets in \([0-9.]*\) s.*/\1 \2/p' \
				"$OUT/bench-flood-$cfg.log")
			loss=$(sed -n 's/.* \([0-9]*\) events produced, \([0-9]*\) captured, \([0-9]*\) lost.*/captured=\2 lost=\3/p' \
				"$OUT/bench-flood-$cfg.log")
			echo "# vm-bench: flood round=$round cfg=$cfg rc=$rc sent_s=${sent:-none} $loss"
			rm -f /tmp/bench.ns
		done
	done
fi
