#!/bin/sh
# The VM lane's tests inside the guest (busybox sh, no python): run
# netscope on this kernel, print TAP on the console, and send what the
# host checks in detail (doctor and report JSON) as a base64 tar.gz on
# ttyS1, between the lines "@@NSVM-BEGIN" and "@@NSVM-END".  Exits 0 when
# every guest-side check passed.
NETSCOPE=/usr/bin/netscope
OUT=/tmp/out
mkdir -p "$OUT"
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for d in "$@"; do echo "# $d"; done; }
check() { # NAME COMMAND...: ok when the command exits 0; its output kept
	name=$1
	shift
	if "$@" >"$OUT/$name.log" 2>&1; then ok "$name"; else
		not_ok "$name" "exit $?: $*" "$(tail -n 15 "$OUT/$name.log")"
	fi
}

for m in $(cat /modules.order); do
	check "insmod_$m" insmod "/modules/$m.ko"
done

check doctor_exits_zero "$NETSCOPE" doctor
# one JSON run for the features and every function (each run probes
# everything again, seconds under emulation)
"$NETSCOPE" doctor --json --list-funcs >"$OUT/doctor.json" 2>"$OUT/doctor-json.err"
sed 's/^/# /' "$OUT/doctor_exits_zero.log"

# the refused connection of tests/e2e/test_record_report.sh, with each
# method of attaching to tracepoints; the host asserts the facts
check record_refused_tp_btf_exits_zero "$NETSCOPE" record -o /tmp/tp_btf.ns --scenario refused
check record_refused_raw_tp_exits_zero "$NETSCOPE" record -o /tmp/raw_tp.ns --scenario refused --raw-tp
# every event at once: each handler (and each hdr_* variant this kernel
# takes) must pass this kernel's verifier, not only the default events'
# (clang lays out each handler anew; one once failed on the host only
# with --events all)
check record_events_all_tp_btf_exits_zero "$NETSCOPE" record -o /tmp/all_tp_btf.ns \
	--scenario refused --events all
check record_events_all_raw_tp_exits_zero "$NETSCOPE" record -o /tmp/all_raw_tp.ns \
	--scenario refused --events all --raw-tp
# a capture that would not load: the verifier's log, for the host to show
if [ ! -s /tmp/tp_btf.ns ] || [ ! -s /tmp/raw_tp.ns ] || [ ! -s /tmp/all_tp_btf.ns ] ||
	[ ! -s /tmp/all_raw_tp.ns ]; then
	"$NETSCOPE" record -v -o /tmp/verbose.ns --scenario refused --events all \
		>"$OUT/record-verbose.log" 2>&1
	grep -v '^[0-9]*: \|^;' "$OUT/record-verbose.log" | tail -n 25 | sed 's/^/# verbose: /'
fi
for m in tp_btf raw_tp; do
	[ -s /tmp/$m.ns ] && "$NETSCOPE" report --json /tmp/$m.ns >"$OUT/report-$m.json" 2>"$OUT/report-$m.err"
done
# kernel functions by each backend: the refused SYN's journey through
# tcp_v4_rcv and tcp_v4_send_reset (the host checks; a backend this
# kernel lacks must fail with its reason)
FUNCS='ip_rcv,ip_local_deliver,ip_local_deliver_finish,tcp_v4_rcv,tcp_v4_send_reset,skb_clone'
# fentry from 3 threads (2 functions each, whatever the guest's CPUs): the
# threaded load, link and close must give the same events as one thread
for b in fentry kprobe-multi; do
	threads=
	[ $b = fentry ] && threads="--func-threads 3"
	"$NETSCOPE" record -o /tmp/func-$b.ns --scenario refused --method bpf-func --func-backend $b \
		$threads --funcs "$FUNCS" >"$OUT/record-func-$b.log" 2>&1
	echo $? >"$OUT/record-func-$b.rc"
	[ -s /tmp/func-$b.ns ] && "$NETSCOPE" report --json /tmp/func-$b.ns >"$OUT/report-func-$b.json" 2>&1
	[ -s /tmp/func-$b.ns ] && "$NETSCOPE" report --json --view funcs /tmp/func-$b.ns \
		>"$OUT/funcs-view-$b.json" 2>&1
done

# every event as JSON (fentry): the skb skb_clone returns is the same packet
"$NETSCOPE" trace --scenario refused --method bpf-func --func-backend fentry --func-threads 2 --funcs "$FUNCS" \
	--json >"$OUT/trace-func-fentry.jsonl" 2>"$OUT/trace-func-fentry.err"

# the attach benchmark (bench/vm_func_attach.sh): 1,000 functions, each
# backend; fentry with and without fexit, from one thread and from two.  netscope.bench=fentry: the fentry runs and
# kprobe.multi only (single kprobes take minutes more).
if grep -qE 'netscope.bench=(1|fentry)' /proc/cmdline; then
	"$NETSCOPE" doctor --list-funcs | awk '$2 == "traceable" && $3 == "skb" { print $1 }' | head -1000 >/tmp/bench.funcs
	echo "# vm-bench: $(wc -l </tmp/bench.funcs) functions, $(nproc) CPUs, $(wc -l </sys/kernel/tracing/available_filter_functions) ftrace records"
	configs="fentry-t1 fentry-t2 fentry-noexit-t1 fentry-noexit-t2 kprobe-multi kprobe"
	grep -q 'netscope.bench=fentry' /proc/cmdline &&
		configs="fentry-t1 fentry-t2 fentry-noexit-t1 fentry-noexit-t2 kprobe-multi"
	for c in $configs; do
		case $c in
		fentry-t*) set -- --func-backend fentry --func-threads ${c##*-t} ;;
		fentry-noexit-t*) set -- --func-backend fentry --no-fexit --func-threads ${c##*-t} ;;
		*) set -- --func-backend $c ;;
		esac
		"$NETSCOPE" record -o /tmp/bench-$c.ns --netns all --duration 1 --method bpf-func \
			"$@" --funcs-file /tmp/bench.funcs >"$OUT/bench-$c.log" 2>&1
		echo "# vm-bench: $c exit $?"
		grep -E 'kernel functions|error' "$OUT/bench-$c.log" | sed "s/^/# vm-bench: $c: /"
		rm -f /tmp/bench-$c.ns
	done
fi

. /vm/snaplen.sh
. /vm/labfuncs.sh
. /vm/ftrace.sh
. /vm/nic.sh

left=$(ls /run/netns 2>/dev/null | grep -c '^netscope-')
if [ "$left" = 0 ]; then ok no_namespace_left_in_guest; else not_ok no_namespace_left_in_guest "$(ls /run/netns)"; fi

uname -r >"$OUT/uname"
{
	echo "@@NSVM-BEGIN"
	tar -c -C "$OUT" . | gzip -c | base64
	echo "@@NSVM-END"
} >/dev/ttyS1
echo "# vm: guest tests done, failed=$failed"
exit $failed
