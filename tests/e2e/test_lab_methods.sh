#!/bin/bash
# End-to-end: the capture labs choose how to watch the kernel by probing
# bpf-func, ftrace, tracepoints in turn and say which they used and why
# not the others, with the very reasons doctor's probes give; --method
# forces one, and a forced method this kernel denies fails before any
# workload, leaving nothing behind.  On a kernel that allows a BPF
# per-function backend the fallback facts do not apply (the VM lane,
# tests/vm/check_labfuncs.py, checks that side).
. "$(dirname "$0")/lib.sh"

"$NETSCOPE" doctor --json >"$TMP/doctor.json" 2>"$TMP/doctor.err"
check_eq "doctor_json_exits_zero" 0 $?
# the reasons as the labs must give them, from doctor's probes
python3 - "$TMP/doctor.json" >"$TMP/why" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))["features"]
print("any_backend", any(f[k]["ok"] for k in ("fentry", "kprobe_multi", "kprobe")))
print("bpf_func", "; ".join("%s: %s" % (n, f[k]["detail"]) for n, k in
                            (("fentry", "fentry"), ("kprobe-multi", "kprobe_multi"), ("kprobe", "kprobe"))))
print("ftrace", "ftrace_function: " + f["ftrace_function"]["detail"])
print("ftrace_ok", f["ftrace_function"]["ok"])
PY
why() { sed -n "s/^$1 //p" "$TMP/why"; }
if [ "$(why any_backend)" != False ] || [ "$(why ftrace_ok)" != False ]; then
	ok "lab_methods_fallback # SKIP this kernel allows function tracing (the VM lane checks that side)"
	echo "1..$TAP_N"
	exit 0
fi
BPF_WHY=$(why bpf_func)
FTRACE_WHY=$(why ftrace)

# --- automatic choice: falls back to tracepoints, and says why ------------------
"$NETSCOPE" lab syn-flood --count 400 --json >"$TMP/flood.json" 2>"$TMP/flood.err"
check_eq "lab_syn_flood_falls_back_and_exits_zero" 0 $?
python3 - "$TMP/flood.json" >"$TMP/flood.facts" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["watched"]["method_choice"]
print("chosen", m["chosen"], m["forced"])
print("order", " ".join(p["method"] for p in m["probed"]))
p = {x["method"]: x for x in m["probed"]}
print("bpf_func", p["bpf-func"]["why"])
print("ftrace", p["ftrace"]["why"])
print("tried", p["bpf-func"]["tried"], p["ftrace"]["tried"], p["tracepoints"]["used"])
print("no_functions", m["functions"] is None and d["funcs"] is None)
PY
facts=$(cat "$TMP/flood.facts")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "lab_chooses_tracepoints_by_probing" "tracepoints False" "$(get chosen)"
check_eq "lab_probes_bpf_func_then_ftrace_then_tracepoints" "bpf-func ftrace tracepoints" "$(get order)"
check_eq "lab_says_why_not_bpf_func_with_doctors_reasons" "$BPF_WHY" "$(get bpf_func)"
check_eq "lab_says_why_not_ftrace_with_doctors_reason" "$FTRACE_WHY" "$(get ftrace)"
check_eq "lab_tried_every_method_before_tracepoints" "True True True" "$(get tried)"
check_eq "lab_without_function_tracing_has_no_funcs" True "$(get no_functions)"
check "lab_says_on_stderr_that_it_falls_back_and_why" grep -qxF \
	"netscope lab syn-flood: kernel functions not traced: $BPF_WHY; falling back to tracepoints, stacks and cpu samples" \
	"$TMP/flood.err"
check "lab_records_no_functions_when_falling_back" bash -c "grep 'netscope record' '$TMP/flood.err' | grep -vq -- --funcs"

"$NETSCOPE" lab layers --count 300 >"$TMP/layers.txt" 2>"$TMP/layers.err"
check_eq "lab_layers_text_falls_back_and_exits_zero" 0 $?
check "lab_text_names_the_method_and_the_order" grep -qxF \
	"method: tracepoints, the first of bpf-func, ftrace, tracepoints this kernel allows (--method forces one)" \
	"$TMP/layers.txt"
check "lab_text_gives_doctors_reasons_for_bpf_func" grep -qxF "  bpf-func     not used: $BPF_WHY" "$TMP/layers.txt"
check "lab_text_gives_doctors_reason_for_ftrace" grep -qxF "  ftrace       not used: $FTRACE_WHY" "$TMP/layers.txt"
check "lab_text_says_tracepoints_were_used" grep -qxF \
	"  tracepoints  used: tracepoints + stacks + cpu samples" "$TMP/layers.txt"
check "lab_layers_without_functions_draws_no_function_map" \
	bash -c "! grep -q 'The same map from kernel functions' '$TMP/layers.txt'"

# a lab with no function set says so rather than probing the backends
"$NETSCOPE" lab handshake --json >"$TMP/hs.json" 2>"$TMP/hs.err"
check_eq "lab_handshake_exits_zero" 0 $?
check_eq "lab_with_no_function_set_says_so" \
	"this lab has no kernel functions to trace (no line of data/lab_funcs.rules)" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["watched"]["method_choice"]["probed"][0]["why"])' "$TMP/hs.json")"

# --- forced methods -------------------------------------------------------------
"$NETSCOPE" lab layers --method bpf-func -o "$TMP/forced.ns" >"$TMP/out" 2>"$TMP/err"
check_eq "lab_forced_bpf_func_fails_here_with_exit_1" 1 $?
check "lab_forced_bpf_func_gives_doctors_reasons" grep -qxF \
	"netscope: error: --method bpf-func cannot work here: $BPF_WHY" "$TMP/err"
check "lab_forced_bpf_func_runs_no_workload" bash -c "! grep -q 'netscope record' '$TMP/err' && ! test -e '$TMP/forced.ns'"
"$NETSCOPE" lab syn-flood --method ftrace >"$TMP/out" 2>"$TMP/err"
check_eq "lab_forced_ftrace_fails_here_with_exit_1" 1 $?
check "lab_forced_ftrace_gives_doctors_reason" grep -qxF \
	"netscope: error: --method ftrace cannot work here: $FTRACE_WHY" "$TMP/err"
"$NETSCOPE" lab layers --method kprobes >"$TMP/out" 2>"$TMP/err"
check_eq "lab_unknown_method_exits_2" 2 $?
check "lab_unknown_method_is_named" grep -qF \
	"bad --method 'kprobes': expected bpf-func, ftrace or tracepoints" "$TMP/err"
"$NETSCOPE" lab drops --method tracepoints >"$TMP/drops.txt" 2>"$TMP/err"
check_eq "lab_forced_tracepoints_exits_zero" 0 $?
check "lab_forced_tracepoints_says_so" grep -qxF "method: tracepoints, forced by --method" "$TMP/drops.txt"
check "lab_forced_tracepoints_tries_nothing_else" grep -qxF "  bpf-func     not tried (--method)" "$TMP/drops.txt"
check "lab_help_documents_method" bash -c "'$NETSCOPE' lab layers --help | grep -q -- '--method M'"
check "no_lab_trace_left_in_tmp" bash -c '! ls /tmp/netscope-lab-* 2>/dev/null | grep -q .'
check_eq "no_namespace_left_after_lab_methods" 0 "$(leftover_netns)"
echo "1..$TAP_N"
