#!/bin/bash
# Function discovery on the running kernel (netscope doctor's "functions"):
# which functions the per-function backends would trace and why the rest
# would not, and the --funcs / --funcs-file options.
. "$(dirname "$0")/lib.sh"

"$NETSCOPE" doctor --json >"$TMP/doctor.json" 2>"$TMP/doctor.err"
facts=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["functions"]
print("sum_ok", f["traceable"] + f["cloned"] + f["inlined"] + f["notrace"] + f["denied"] == f["candidates"])
print("many", f["candidates"] > 1000 and f["traceable"] > 1000)
print("filter_read", f["filter_functions_read"])
print("denied_some", f["denied"] > 0)
' "$TMP/doctor.json")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "doctor_functions_statuses_add_up_to_the_candidates" True "$(get sum_ok)"
check_eq "doctor_finds_over_a_thousand_skb_or_sock_functions" True "$(get many)"
check_eq "doctor_deny_list_removes_some" True "$(get denied_some)"
tr=/sys/kernel/tracing
readable=False
head -1 "$tr/available_filter_functions" >/dev/null 2>&1 && [ -n "$(head -1 "$tr/available_filter_functions" 2>/dev/null)" ] && readable=True
check_eq "doctor_says_whether_available_filter_functions_was_read" "$readable" "$(get filter_read)"

"$NETSCOPE" doctor --json --list-funcs --funcs 'tcp_v4_rcv,tcp_v4_send_reset,netlink_unicast' >"$TMP/f.json"
check_eq "doctor_funcs_exits_zero" 0 $?
list=$(python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["functions"]
for e in f["list"]:
    print(e["name"], e["status"], e["skb_arg"], e["sk_arg"])
' "$TMP/f.json")
check_eq "funcs_glob_lists_each_with_status_and_argument_positions" \
	"netlink_unicast denied 2 1
tcp_v4_rcv traceable 1 0
tcp_v4_send_reset traceable 2 1" "$list"

printf '# the receive entry\ntcp_v4_rcv\n' >"$TMP/funcs.txt"
"$NETSCOPE" doctor --funcs-file "$TMP/funcs.txt" --list-funcs >"$TMP/ff.out"
check "funcs_file_selects_its_function" grep -qE '^  tcp_v4_rcv +traceable +skb 1 sk 0$' "$TMP/ff.out"
check "funcs_file_counts_one_chosen" grep -q '1 traceable of 1 chosen by --funcs' "$TMP/ff.out"

"$NETSCOPE" doctor --funcs 'no_such_function_*' >/dev/null 2>"$TMP/nf.err"
check_eq "funcs_matching_nothing_exits_2" 2 $?
check "funcs_matching_nothing_names_the_glob" grep -q "'no_such_function_\*' matches no function" "$TMP/nf.err"
"$NETSCOPE" doctor --funcs-file "$TMP/missing.txt" >/dev/null 2>"$TMP/mf.err"
check_eq "funcs_file_missing_exits_2" 2 $?
check "funcs_file_missing_names_it" grep -q "cannot open '$TMP/missing.txt'" "$TMP/mf.err"
