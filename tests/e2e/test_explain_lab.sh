#!/bin/bash
# Explain mode and `netscope lab structs` on a real kernel tree: a few
# files of Debian's 6.12 source are indexed (the files that define what a
# refused connection runs through), then
#  - a recorded refused connection's report explains its call trees and
#    journey steps with file:line and kernel-doc summaries from that index;
#  - lab structs shows sk_buff, sock and sock_common with layout, member
#    uses and the functions using them, as the index and BTF say.
# Expected lines are read from the tree with grep, so a newer Debian
# package (other line numbers) does not break the facts checked.
. "$(dirname "$0")/lib.sh"

TREE=$(kernel_tree) || { not_ok "kernel_tree_is_fetched" "see the fetch log above"; echo "1..$TAP_N"; exit 1; }
DB=$TMP/index.sqlite
FILES="net/core/dev.c net/core/skbuff.c net/ipv4/tcp_ipv4.c net/ipv4/ip_input.c net/ipv4/af_inet.c net/ipv4/tcp.c"
# shellcheck disable=SC2086
"$NETSCOPE" index --src "$TREE" --db "$DB" $FILES >"$TMP/index.out" 2>&1
check_eq "index_of_six_files_exits_0" "0" "$?"
line_of() { grep -n "$2" "$TREE/$1" | head -1 | cut -d: -f1; }

# ---- explain mode ----
"$NETSCOPE" record -o "$TMP/refused.ns" --scenario refused --stack-policy all >"$TMP/rec.out" 2>&1
check_eq "record_refused_exits_0" "0" "$?"
"$NETSCOPE" report --db "$DB" "$TMP/refused.ns" >"$TMP/report.txt" 2>"$TMP/report.err"
check_eq "report_with_index_exits_0" "0" "$?"
want="net/ipv4/tcp_ipv4.c:$(line_of net/ipv4/tcp_ipv4.c '^int tcp_v4_rcv(')"
check "call_tree_node_tcp_v4_rcv_has_its_definition" grep -qE "^ +[0-9]+ +tcp_v4_rcv +$want" "$TMP/report.txt"
want="net/core/skbuff.c:$(line_of net/core/skbuff.c '^sk_skb_reason_drop(')"
check "kfree_skb_step_is_sk_skb_reason_drop_with_line_and_summary" \
	grep -qE "^ +kfree_skb +sk_skb_reason_drop +$want  free an sk_buff with special reason" "$TMP/report.txt"
check "explain_source_names_the_index" grep -q "explained from the index of linux 6.12" "$TMP/report.txt"
check "version_difference_is_said" grep -q "!! the index is of linux 6.12.*the trace of" "$TMP/report.txt"

"$NETSCOPE" report --db "$DB" --json "$TMP/refused.ns" >"$TMP/report.json" 2>"$TMP/report.err"
if python3 - "$TMP/report.json" "$TREE" <<'PY' 2>"$TMP/py.err"; then
import json, sys, re
d = json.load(open(sys.argv[1]))
cp = d["call_paths"]
assert cp["explained"] is True
ev = {e["event"]: e for e in cp["events"]}
k = ev["kfree_skb"]
assert k["sites"][0]["function"] == "sk_skb_reason_drop", k["sites"]
assert k["sites"][0]["where"].startswith("net/core/skbuff.c:"), k["sites"][0]
# walk the tree: tcp_v4_rcv is called by ip_protocol_deliver_rcu, both explained
def walk(nodes, parent=None):
    for n in nodes:
        yield parent, n
        yield from walk(n["callees"], n)
pairs = [(p["function"] if p else None, n) for p, n in walk(k["tree"])]
tv4 = [(p, n) for p, n in pairs if n["function"] == "tcp_v4_rcv"]
assert tv4 and tv4[0][0] == "ip_protocol_deliver_rcu", tv4
assert tv4[0][1]["where"].startswith("net/ipv4/tcp_ipv4.c:"), tv4[0][1]
PY
	ok "json_call_tree_is_explained"
else
	not_ok "json_call_tree_is_explained" "$(cat "$TMP/py.err" | tail -5)"
fi
"$NETSCOPE" report --no-explain --json "$TMP/refused.ns" >"$TMP/plain.json" 2>&1
check_eq "no_explain_leaves_the_report_unexplained" "False" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["call_paths"]["explained"])' "$TMP/plain.json")"
"$NETSCOPE" report --db "$TMP/none.sqlite" "$TMP/refused.ns" >"$TMP/out" 2>"$TMP/err"
check_eq "missing_index_exits_1" "1" "$?"
check "missing_index_is_named" grep -q "no source index at '$TMP/none.sqlite'" "$TMP/err"
"$NETSCOPE" report --db "$DB" --no-explain "$TMP/refused.ns" >"$TMP/out" 2>"$TMP/err"
check_eq "index_and_no_explain_is_a_usage_error" "2" "$?"
# --index, the spelling before --db: still explains, and says it is deprecated
"$NETSCOPE" report --index "$DB" "$TMP/refused.ns" >"$TMP/out" 2>"$TMP/err"
check_eq "deprecated_index_option_still_explains" "$(cat "$TMP/report.txt")" "$(cat "$TMP/out")"
check "deprecated_index_option_says_use_db" grep -q "'--index' is deprecated: use '--db'" "$TMP/err"
# the default index (of the fetched tree) unreadable: a warning, the report unexplained, exit 0
mkdir -p "$TMP/cache/linux-source-6.12/include"
printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\n' >"$TMP/cache/linux-source-6.12/Makefile"
echo "not an index" >"$TMP/cache/linux-source-6.12/netscope-index.sqlite"
NETSCOPE_SOURCE_CACHE=$TMP/cache "$NETSCOPE" report "$TMP/refused.ns" >"$TMP/out" 2>"$TMP/err"
check_eq "unreadable_default_index_still_reports_exit_0" "0" "$?"
check "unreadable_default_index_is_a_warning_that_says_why" grep -q \
	"^netscope: warning: '.*netscope-index.sqlite' is not a netscope source index; .*; the report is not explained$" "$TMP/err"
check_eq "unreadable_default_index_is_no_error" "0" "$(grep -c 'error:' "$TMP/err")"

# ---- lab structs ----
"$NETSCOPE" lab structs --src "$TREE" --db "$DB" >"$TMP/lab.txt" 2>"$TMP/lab.err"
check_eq "lab_structs_exits_0" "0" "$?"
for s in sk_buff sock sock_common; do
	check "lab_shows_struct_$s" grep -q "^struct $s" "$TMP/lab.txt"
done
check "sk_buff_kernel_doc_summary" grep -q "^struct sk_buff - socket buffer" "$TMP/lab.txt"
"$NETSCOPE" lab structs --src "$TREE" --db "$DB" --json --top 500 >"$TMP/lab.json" 2>"$TMP/lab.err"
if python3 - "$TMP/lab.json" "$DB" <<'PY' 2>"$TMP/py.err"; then
import json, sys, sqlite3
d = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
s = {x["name"]: x for x in d["structs"]}
assert set(s) == {"sk_buff", "sock", "sock_common"}
# every count shown is the index's own
for name, st in s.items():
    for m in st["members"]:
        n, = db.execute("SELECT count(*) FROM accesses WHERE record=? AND member=?", (name, m["member"])).fetchone()
        assert m["uses"] == n, (name, m, n)
cb = [m for m in s["sk_buff"]["members"] if m["member"] == "cb"][0]
assert cb["addr"] > 0 and cb["size"] == 48, cb
st = [m for m in s["sock_common"]["members"] if m["member"] == "skc_state"][0]
assert st["writes"] > 0, st
fns = [f["function"] for f in s["sk_buff"]["functions"]]
assert "tcp_v4_rcv" in fns, fns[:20]
top = s["sk_buff"]["functions"][0]
n, = db.execute("SELECT count(*) FROM accesses a JOIN functions f ON f.id = a.func_id "
                "WHERE a.record='sk_buff' AND f.name=?", (top["function"],)).fetchone()
assert top["uses"] == n, (top, n)
assert s["sk_buff"]["btf"]["size"] > 0 and s["sk_buff"]["source"]["version"].startswith("6.12")
assert d["schema_version"] == 1
# struct_group(headers, ...) spells its members twice; the difference names each once
src_only = [m["name"] for m in s["sk_buff"]["source"]["only_in_source"]]
assert src_only and not [n for n in src_only if n.startswith("headers.")], src_only
PY
	ok "lab_json_counts_are_the_index_counts"
else
	not_ok "lab_json_counts_are_the_index_counts" "$(cat "$TMP/py.err" | tail -5)"
fi
# a tree with no index in it (a copy of the kernel-doc fixture's): the walkthrough goes on
cp -r "$(dirname "$0")/../fixtures/kdoc/tree" "$TMP/noindex"
"$NETSCOPE" lab structs --src "$TMP/noindex" >"$TMP/lab.txt" 2>"$TMP/lab.err"
check_eq "lab_structs_without_an_index_exits_0" "0" "$?"
check_eq "lab_structs_without_an_index_shows_the_three_structs" "3" "$(grep -c '^struct ' "$TMP/lab.txt")"
check "lab_structs_without_an_index_says_how_to_build_one" grep -q \
	'no source index: `netscope index` builds one' "$TMP/lab.txt"
"$NETSCOPE" lab structs --src "$TREE" --db "$TMP/none.sqlite" >"$TMP/out" 2>"$TMP/err"
check_eq "lab_structs_with_a_missing_index_exits_1" "1" "$?"
check "lab_structs_with_a_missing_index_names_it" grep -q "no source index at '$TMP/none.sqlite'" "$TMP/err"
"$NETSCOPE" lab nosuch >"$TMP/out" 2>"$TMP/err"
check_eq "unknown_lab_exits_2" "2" "$?"
check "unknown_lab_is_named" grep -q "unknown lab 'nosuch'" "$TMP/err"
echo "1..$TAP_N"
