# shellcheck shell=bash
# Shared by the benchmarks (source it after `cd` to the repository root).

# bench_at_exit CMD: run CMD at exit, beside what other bench_at_exit
# calls registered (one EXIT trap holds them all)
BENCH_AT_EXIT=
bench_at_exit() {
	BENCH_AT_EXIT="$1${BENCH_AT_EXIT:+; $BENCH_AT_EXIT}"
	# shellcheck disable=SC2064 # expanded now on purpose: the list as it is
	trap "$BENCH_AT_EXIT" EXIT
}

# bench_bpf_stats_off: measure with kernel.bpf_stats_enabled at 0, as a
# fresh machine has it; its old value comes back at exit.  With it on,
# every BPF program run reads the clock twice more for bpftool's
# run_time_ns: on this project's VMs (kvm-clock) that was ~4 % of the
# samples of a traced SYN flood, and it was once found left on (most likely
# by a bench that turns it on, killed before it could restore it).
bench_bpf_stats_off() {
	local old
	old=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null) || return 0
	sysctl -qw kernel.bpf_stats_enabled=0
	bench_at_exit "sysctl -qw kernel.bpf_stats_enabled=$old"
	[ "$old" = 0 ] || echo "bench: kernel.bpf_stats_enabled was $old: set to 0 for the run, restored at exit" >&2
}

# bench_bpf_stats_on: the same, for benches that read run_time_ns
bench_bpf_stats_on() {
	local old
	old=$(cat /proc/sys/kernel/bpf_stats_enabled) || exit 1
	sysctl -qw kernel.bpf_stats_enabled=1
	bench_at_exit "sysctl -qw kernel.bpf_stats_enabled=$old"
}

# bench_tracepoints NETSCOPE EVENTS: the tracepoints (group:name) netscope
# attaches for EVENTS ("default", or anything else for every event), and the
# context trackers a default capture attaches on this kernel, from `doctor
# --json`: what the peers of a comparison attach to, so that every tool pays
# for the same probes
bench_tracepoints() {
	"$1" doctor --json | EVENTS=$2 python3 -c '
import json, os, sys
d = json.load(sys.stdin)
want = set(d["default_events"]) if os.environ["EVENTS"] == "default" else None
want = (want or {k.split(":")[1] for k in d["tracepoints"]}) | set(d["context_events"])
print(" ".join(k for k, v in d["tracepoints"].items() if v["tracefs"] and k.split(":")[1] in want))'
}

# bench_pps_of FILE: the packets per second of a syn-flood, from the
# scenario's "sent N packets in S s" line in FILE (stderr of run or record)
bench_pps_of() {
	sed -n 's/.*syn-flood: sent \([0-9]*\) packets in \([0-9.]*\) s.*/\1 \2/p' "$1" |
		awk '{ if ($2 > 0) printf "%.0f", $1 / $2 }'
}

# bench_prog_ids PID: the ids of the BPF programs process PID holds open
# (prog_id in its /proc/PID/fdinfo), one a line, sorted: its own programs
# and no other tool's
bench_prog_ids() {
	grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un
}
