#!/bin/bash
# The folders of src/ are stages of one pipeline, and an include goes only
# from a higher stage to a lower one (or within a folder): data flows
# bpf -> capture -> trace -> analysis -> render, cmd drives them all, and
# the static side (inspect, index) sits beside the analyses.  This test
# reads every `#include "folder/..."` of src/ and names each include that
# goes the wrong way.  No build needed.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)/src

# rank  folder    may include, besides itself (and common/, which every folder may)
#  0    common    nothing: the JSON writer, messages, parsers
#  1    bpf       nothing: the BPF programs and their wire header (included by bare name)
#  2    trace     bpf (the wire header is the bottom of the event model)
#  3    capture   trace, bpf: loads the programs, decodes into the trace model
#  3    workload  trace: scenarios in namespaces, driven by cmd; their
#                 counter snapshots are in the trace model's form (trace/snmp.h)
#  4    analysis  trace: sees decoded events only, never BPF or a file
#  5    render    trace, and of analysis only the results: analysis/result.h and
#                 the result_*.h of each analysis (results, not state)
#  4    inspect   nothing: BTF, kernel-doc, source trees (the static side)
#  5    index     inspect: the source index beside the analyses, never above them
#  6    export    trace, render, and of analysis the results, report.h (an exporter
#                 runs the analyses over the event stream, as cmd/report_file.c does),
#                 table.h (its bounded containers) and util.h (lab namespace names)
#  9    cmd       everything: one file per command, and the glue (cmd/explain.c)
#  9    main.c    cmd
declare -A ALLOWED=(
	[common]=""
	[bpf]=""
	[trace]="bpf"
	[capture]="trace bpf"
	[workload]="trace"
	[analysis]="trace"
	[render]="trace analysis/result.h analysis/result_*.h"
	[inspect]=""
	[index]="inspect"
	[export]="trace render analysis/report.h analysis/result.h analysis/result_*.h analysis/table.h analysis/util.h"
	[cmd]="all"
)

# allowed FOLDER INCLUDE: may a file of FOLDER include "INCLUDE"?
allowed() {
	local from=$1 inc=$2 to=${2%%/*} a
	[ "$to" == "$from" ] || [ "$to" == "common" ] && return 0
	for a in ${ALLOWED[$from]}; do
		# shellcheck disable=SC2053 # a pattern: analysis/result_*.h
		[ "$a" == "all" ] || [ "$a" == "$to" ] || [[ $inc == $a ]] && return 0
	done
	return 1
}

# the checker itself: it refuses the includes the issue "labs I" removed
allowed trace capture/ksyms.h && not_ok "checker_refuses_trace_including_capture" || ok "checker_refuses_trace_including_capture"
allowed render analysis/internal.h && not_ok "checker_refuses_render_including_analysis_internals" ||
	ok "checker_refuses_render_including_analysis_internals"
allowed index analysis/report.h && not_ok "checker_refuses_index_including_analysis" ||
	ok "checker_refuses_index_including_analysis"
allowed analysis bpf/netscope.h && not_ok "checker_refuses_analysis_including_the_bpf_wire_header" ||
	ok "checker_refuses_analysis_including_the_bpf_wire_header"
allowed render analysis/result.h && ok "checker_lets_render_read_results" || not_ok "checker_lets_render_read_results"
allowed render analysis/result_profile.h && ok "checker_lets_render_read_an_analysis_result" ||
	not_ok "checker_lets_render_read_an_analysis_result"
allowed render analysis/stackprof.h && not_ok "checker_refuses_render_including_an_analysis_state" ||
	ok "checker_refuses_render_including_an_analysis_state"

# every folder of src/ has a row above: a new folder needs its place decided
for d in "$SRC"/*/; do
	f=$(basename "$d")
	if [ -n "${ALLOWED[$f]+x}" ]; then
		ok "folder_${f}_has_a_rank"
	else
		not_ok "folder_${f}_has_a_rank" "add src/$f to the rank table of $0"
	fi
done

for f in common bpf trace capture workload analysis render inspect index export cmd; do
	bad=()
	while IFS= read -r line; do
		file=${line%%:*}
		inc=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' <<<"${line#*:}")
		case $inc in */*) ;; *) continue ;; esac	# bare names: same folder or generated
		allowed "$f" "$inc" || bad+=("${file#"$SRC"/} includes \"$inc\"")
	done < <(grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$SRC/$f"/*.[ch] 2>/dev/null)
	if [ ${#bad[@]} -eq 0 ]; then
		ok "${f}_includes_no_higher_stage"
	else
		not_ok "${f}_includes_no_higher_stage" "${bad[@]}"
	fi
done

bad=$(grep -H '^#include "' "$SRC/main.c" | grep -v -e '"cmd/' -e '"common/')
check_eq "main_includes_only_cmd_and_common" "" "$bad"
