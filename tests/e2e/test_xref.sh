#!/bin/bash
# netscope xref / callers / callees / where on two indexes: one written here
# with the sqlite3 CLI from schema.h's IX_SCHEMA_SQL (exact rows, so exact
# answers), and one `netscope index` builds from tests/fixtures/index (facts
# of that source, lines found with grep so the fixture may grow).  Then bad
# inputs: no index, an index of another schema, unknown names.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FIX=$ROOT/tests/fixtures/index
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
# json_check NAME FILE PYTHON: the python body sees the document as d
json_check() {
	if python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$3" "$2" >"$TMP/py.out" 2>&1; then ok "$1"; else not_ok "$1" "$(tail -5 "$TMP/py.out")"; fi
}

if ! command -v sqlite3 >/dev/null || ! command -v cc >/dev/null; then
	skip "hand_written_index" "needs the sqlite3 CLI and cc"
	echo "1..$TAP_N"
	exit 0
fi

# the schema as the store writes it: printed by a program built from schema.h
printf '#include <stdio.h>\n#include "index/schema.h"\nint main(void) { fputs(IX_SCHEMA_SQL, stdout); printf("INSERT INTO meta VALUES (%%s, %%d);\\n", "'"'schema'"'", IX_SCHEMA_VERSION); return 0; }\n' \
	>"$TMP/schema.c"
cc -I"$ROOT/src" "$TMP/schema.c" -o "$TMP/schema" 2>"$TMP/cc.err" || not_ok "schema_printer_builds" "$(cat "$TMP/cc.err")"
RUNNING=$(uname -r | cut -d- -f1)

# make_db FILE TREE_VERSION [SCHEMA]: the receive path of the unit test, smaller
make_db() {
	{
		"$TMP/schema"
		[ -n "$3" ] && echo "UPDATE meta SET value = '$3' WHERE key = 'schema';"
		cat <<SQL
INSERT INTO meta VALUES ('tree', '/src/linux'), ('tree_version', '$2');
INSERT INTO files(id, path, hash, size, mtime_ns) VALUES
 (1, 'net/ipv4/ip_input.c', 'h', 0, 0), (2, 'net/ipv4/tcp_ipv4.c', 'h', 0, 0),
 (3, 'net/ipv4/af_inet.c', 'h', 0, 0), (4, 'net/ipv4/udp.c', 'h', 0, 0),
 (5, 'net/ipv4/tcp.c', 'h', 0, 0);
INSERT INTO functions VALUES
 (1, 'c:@F@ip_local_deliver_finish', 'ip_local_deliver_finish', 1, 220, 12, 240, 1, 0, 0, NULL, 1),
 (2, 'c:@F@ip_protocol_deliver_rcu', 'ip_protocol_deliver_rcu', 1, 190, 6, 215, 0, 0, 0, NULL, 1),
 (3, 'c:@F@tcp_v4_rcv', 'tcp_v4_rcv', 2, 2160, 5, 2400, 0, 0, 0, 'tcp_v4_rcv() - receive a TCP segment', 2),
 (4, 'c:@F@udp_rcv', 'udp_rcv', 4, 2500, 5, 2530, 0, 0, 0, NULL, 4),
 (5, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 2, 1800, 5, 1850, 0, 0, 0, NULL, 2),
 (6, 'c:@F@tcp_rcv_established', 'tcp_rcv_established', 5, 6000, 6, 6200, 0, 0, 0, NULL, 5),
 (7, 'c:tcp.c@F@set_state', 'set_state', 5, 2900, 13, 2920, 1, 0, 0, NULL, 5),
 (8, 'c:udp.c@F@set_state', 'set_state', 4, 100, 13, 110, 1, 0, 0, NULL, 4),
 (9, 'c:@F@tcp_close', 'tcp_close', 5, 2980, 6, 3020, 0, 0, 0, NULL, 5);
INSERT INTO calls VALUES
 (2, NULL, NULL, 'pointer', 'net_protocol.handler', 1, 205, 10, 1),
 (2, 'c:@F@tcp_v4_rcv', 'tcp_v4_rcv', 'macro', 'INDIRECT_CALL_2', 1, 205, 10, 1),
 (1, 'c:@F@ip_protocol_deliver_rcu', 'ip_protocol_deliver_rcu', 'direct', NULL, 1, 230, 2, 1),
 (3, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 'direct', NULL, 2, 2350, 9, 2),
 (3, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 'direct', NULL, 2, 2300, 9, 2),
 (3, 'c:@F@kfree_skb', 'kfree_skb', 'direct', NULL, 2, 2390, 3, 2),
 (5, 'c:@F@tcp_rcv_established', 'tcp_rcv_established', 'direct', NULL, 2, 1820, 3, 2),
 (6, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 'direct', NULL, 5, 6100, 3, 5),
 (9, 'c:tcp.c@F@set_state', 'set_state', 'direct', NULL, 5, 3000, 2, 5),
 (4, 'c:udp.c@F@set_state', 'set_state', 'direct', NULL, 4, 2510, 2, 4);
INSERT INTO fnrefs VALUES
 ('net_protocol', 'handler', 'c:@F@tcp_v4_rcv', 'tcp_v4_rcv', 'tcp_protocol', 'init', 3, 1234, 3),
 ('net_protocol', 'handler', 'c:@F@udp_rcv', 'udp_rcv', 'udp_protocol', 'init', 3, 1240, 3);
INSERT INTO accesses VALUES
 (9, 'sock_common', 'skc_state', 'write', 'WRITE_ONCE,sk_state', 5, 3001, 3, 5),
 (9, 'sock_common', 'skc_state', 'read', 'sk_state', 5, 2990, 8, 5),
 (3, 'sock_common', 'skc_state', 'read', NULL, 2, 2200, 7, 2),
 (NULL, 'sock_common', 'skc_state', 'init', NULL, 3, 1300, 4, 3),
 (4, 'sock_common', 'skc_state', 'addr', NULL, 4, 2520, 9, 4),
 (3, 'tcp_skb_cb', 'seq', 'read', 'TCP_SKB_CB', 2, 2170, 7, 2);
SQL
	} | sqlite3 "$1"
}

DB=$TMP/hand.sqlite
make_db "$DB" 6.12.117

# ---- xref ----
"$NETSCOPE" xref sock_common.skc_state --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "xref_member_exits_0" "0" "$?"
check_eq "xref_counts_uses_functions_files" "sock_common.skc_state: 5 uses in 3 functions, 4 files" \
	"$(grep '^sock_common' "$TMP/out")"
check_eq "xref_totals_reads_include_nothing_but_reads" "  reads 2, writes 2, addr 1, size 0  (read 2, write 1, addr 1, init 1)" \
	"$(sed -n '/^sock_common/{n;p}' "$TMP/out")"
check "xref_file_scope_init_is_under_its_file" grep -A2 '^net/ipv4/af_inet.c$' "$TMP/out"
check_eq "xref_file_scope_use_line" "  (file scope): init 1|     1300  init" \
	"$(grep -A2 '^net/ipv4/af_inet.c$' "$TMP/out" | tail -2 | paste -sd'|')"
check_eq "xref_function_uses_with_their_macros" \
	"  tcp_close (line 2980): read 1, write 1|     2990  read   via sk_state|     3001  write  via WRITE_ONCE,sk_state" \
	"$(grep -A3 '^net/ipv4/tcp.c$' "$TMP/out" | tail -3 | paste -sd'|')"
if [ "$RUNNING" != 6.12.117 ]; then
	check_eq "version_difference_is_one_line" "1" "$(grep -c "^note: the index is of linux 6.12.117 (/src/linux), the running kernel is $RUNNING" "$TMP/out")"
fi

"$NETSCOPE" xref sock_common.skc_state --mode write --db "$DB" >"$TMP/out" 2>&1
check_eq "mode_write_counts_write_and_init" "sock_common.skc_state: 2 uses in 1 function, 2 files" "$(grep '^sock_common' "$TMP/out")"
check "mode_filter_says_what_it_hid" grep -q '^  shown: 2 of 5 uses (--mode)$' "$TMP/out"

"$NETSCOPE" xref sock_common.skc_state --db "$DB" --json >"$TMP/json" 2>&1
json_check "xref_json_groups_by_file_and_function" "$TMP/json" '
assert d["record"] == "sock_common" and d["member"] == "skc_state" and d["resolved_from"] is None
t = d["totals"]
assert (t["read"], t["write"], t["init"], t["addr"], t["reads"], t["writes"], t["total"]) == (2, 1, 1, 1, 2, 2, 5), t
files = [f["file"] for f in d["by_file"]]
assert files == ["net/ipv4/af_inet.c", "net/ipv4/tcp.c", "net/ipv4/tcp_ipv4.c", "net/ipv4/udp.c"], files
fs = d["by_file"][0]["functions"][0]
assert fs["function"] is None and fs["uses"] == [{"line": 1300, "col": 4, "mode": "init", "via": None}], fs
tc = d["by_file"][1]["functions"][0]
assert tc["function"] == "tcp_close" and tc["defined_at"] == {"file": "net/ipv4/tcp.c", "line": 2980}
assert [u["via"] for u in tc["uses"]] == ["sk_state", "WRITE_ONCE,sk_state"]
assert d["index"]["tree_version"] == "6.12.117" and d["index"]["version_differs"] == (d["index"]["running_kernel"] != "6.12.117")
'

"$NETSCOPE" xref sock_common --db "$DB" --json >"$TMP/json" 2>&1
json_check "xref_struct_lists_members_by_use" "$TMP/json" '
m = d["members"]
assert [x["member"] for x in m] == ["skc_state"] and m[0]["counts"]["total"] == 5 and m[0]["functions"] == 3
assert m[0]["file_scope"] is True
u = d["unused_in_btf"]
assert u is None or ("skc_state" not in u and "skc_family" in u), u
'

# ---- callees / callers ----
"$NETSCOPE" callees ip_protocol_deliver_rcu --db "$DB" >"$TMP/out" 2>&1
check_eq "callees_exit_0" "0" "$?"
check "macro_call_is_marked" grep -qx '|-- tcp_v4_rcv  net/ipv4/ip_input.c:205 \[INDIRECT_CALL_2\]' "$TMP/out"
check "pointer_call_resolves_to_each_stored_function" grep -qx \
	'|-- tcp_v4_rcv  net/ipv4/ip_input.c:205 \[indirect via net_protocol.handler, tcp_protocol at net/ipv4/af_inet.c:1234\]' "$TMP/out"
check "pointer_call_resolves_to_udp_too" grep -qx \
	'`-- udp_rcv  net/ipv4/ip_input.c:205 \[indirect via net_protocol.handler, udp_protocol at net/ipv4/af_inet.c:1240\]' "$TMP/out"

"$NETSCOPE" callees tcp_v4_rcv --depth 3 --db "$DB" >"$TMP/out" 2>&1
check "two_calls_are_one_line_with_both_sites" grep -qx '|-- tcp_v4_do_rcv  net/ipv4/tcp_ipv4.c:2300, 2350 (2 calls)' "$TMP/out"
check "cycle_is_cut_and_marked" grep -qx '|       `-- tcp_v4_do_rcv  net/ipv4/tcp.c:6100 \[cycle\]' "$TMP/out"
check "callee_outside_index_is_marked" grep -qx '`-- kfree_skb  net/ipv4/tcp_ipv4.c:2390 \[not defined in the index\]' "$TMP/out"

"$NETSCOPE" callers tcp_v4_rcv --depth 2 --db "$DB" --json >"$TMP/json" 2>&1
json_check "callers_json_through_slot_and_depth" "$TMP/json" '
r = d["roots"][0]
assert d["direction"] == "callers" and d["depth"] == 2
k = [(c["name"], c["kind"], c["via"]) for c in r["children"]]
assert k == [("ip_protocol_deliver_rcu", "macro", "INDIRECT_CALL_2"),
             ("ip_protocol_deliver_rcu", "pointer", "net_protocol.handler")], k
assert r["children"][1]["stored"][0]["holder"] == "tcp_protocol"
assert r["children"][1]["stop"] == "repeat"
g = r["children"][0]["children"][0]
assert g["name"] == "ip_local_deliver_finish" and g["sites"] == [{"file": "net/ipv4/ip_input.c", "line": 230, "col": 2}]
'

"$NETSCOPE" callers set_state --db "$DB" >"$TMP/out" 2>&1
check_eq "same_name_statics_each_with_its_file" "set_state  net/ipv4/tcp.c:2900-2920 (static)|set_state  net/ipv4/udp.c:100-110 (static)" \
	"$(grep '^set_state' "$TMP/out" | paste -sd'|')"

# ---- where ----
"$NETSCOPE" where tcp_v4_rcv --db "$DB" >"$TMP/out" 2>&1
check_eq "where_exits_0" "0" "$?"
check "where_definition_lines" grep -qx '  defined    net/ipv4/tcp_ipv4.c:2160-2400' "$TMP/out"
check "where_summary_without_name" grep -qx '  summary    receive a TCP segment' "$TMP/out"
check "where_layer_from_path" grep -qx '  layer      TCP' "$TMP/out"
check "where_counts_indirect_callers" grep -qx \
	'  callers    1 function, 1 call site; through pointers: 1 function, 1 call site' "$TMP/out"
check "where_stored_in_slot" grep -qx '  stored in  net_protocol.handler, tcp_protocol at net/ipv4/af_inet.c:1234' "$TMP/out"
"$NETSCOPE" where tcp_v4_rcv --db "$DB" --json >"$TMP/json" 2>&1
# what the kernel offers, checked against the kernel itself
IN_KALLSYMS=$(grep -c ' [tT] tcp_v4_rcv$' /proc/kallsyms 2>/dev/null)
json_check "where_json_traceability_matches_kallsyms" "$TMP/json" "
k = d['kernel']
assert k['text_symbols'] == ${IN_KALLSYMS:-0}, k
assert k['kprobe'] == (${IN_KALLSYMS:-0} > 0)
assert d['definitions'][0]['callees'] == {'functions': 2, 'sites': 3, 'pointer_sites': 0}
assert d['definitions'][0]['layer'] == 'TCP'
"
if [ -r /sys/kernel/btf/vmlinux ] && command -v bpftool >/dev/null; then
	BTF_FUNC=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -c "^\[[0-9]*\] FUNC 'tcp_v4_rcv'")
	json_check "where_json_fentry_matches_btf" "$TMP/json" "assert d['kernel']['fentry'] == ($BTF_FUNC > 0)"
fi

"$NETSCOPE" where kfree_skb --db "$DB" >"$TMP/out" 2>&1
check_eq "where_of_a_function_only_called_exits_0" "0" "$?"
check_eq "where_of_a_function_only_called_says_so_and_counts_its_callers" \
	"kfree_skb|  defined    in no indexed file (only called from them): index its file too|  callers    1 function, 1 call site" \
	"$(sed -n '/^kfree_skb$/,/^$/p' "$TMP/out" | head -3 | paste -sd'|')"
"$NETSCOPE" where kfree_skb --db "$DB" --json >"$TMP/json" 2>&1
json_check "where_json_of_a_function_only_called" "$TMP/json" "
f = d['definitions']
assert len(f) == 1 and f[0]['defined'] is False and f[0]['file'] is None, f
assert f[0]['callers'] == {'functions': 1, 'sites': 1}, f[0]
"

# same version as the running kernel: no note, and the JSON says so
make_db "$TMP/same.sqlite" "$RUNNING"
"$NETSCOPE" where tcp_v4_rcv --db "$TMP/same.sqlite" >"$TMP/out" 2>&1
check_eq "same_version_has_no_note" "0" "$(grep -c '^note:' "$TMP/out")"
"$NETSCOPE" callers tcp_v4_rcv --db "$TMP/same.sqlite" --json >"$TMP/json" 2>&1
json_check "same_version_json_flag_false" "$TMP/json" 'assert d["index"]["version_differs"] is False'

# ---- bad inputs ----
"$NETSCOPE" xref sock.sk_state --db "$TMP/none.sqlite" >"$TMP/out" 2>"$TMP/err"
check_eq "missing_index_exits_1" "1" "$?"
check "missing_index_names_file_and_command" grep -q "no source index at '$TMP/none.sqlite'; 'netscope index --db $TMP/none.sqlite' builds it" "$TMP/err"
"$NETSCOPE" where tcp_v4_rcv --src "$TMP" >"$TMP/out" 2>"$TMP/err"
check_eq "missing_index_of_tree_exits_1" "1" "$?"
check "missing_index_of_tree_says_index_src" grep -q "'netscope index --src $TMP' builds it" "$TMP/err"

make_db "$TMP/old.sqlite" 6.12.117 0
"$NETSCOPE" callers tcp_v4_rcv --db "$TMP/old.sqlite" >"$TMP/out" 2>"$TMP/err"
check_eq "other_schema_exits_1" "1" "$?"
check "other_schema_says_how_to_rebuild_that_index" grep -q \
	"has schema version 0, this netscope reads version .*; 'netscope index --src /src/linux --db $TMP/old.sqlite' rebuilds it" \
	"$TMP/err"
echo "plain text" >"$TMP/text.sqlite"
"$NETSCOPE" where tcp_v4_rcv --db "$TMP/text.sqlite" >"$TMP/out" 2>"$TMP/err"
check_eq "not_an_index_exits_1" "1" "$?"

"$NETSCOPE" callees tcp_v4_rvc --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "unknown_function_exits_1" "1" "$?"
check "unknown_function_suggests_nearest" grep -q "no function named 'tcp_v4_rvc' in the index; did you mean: tcp_v4_rcv" "$TMP/err"
"$NETSCOPE" xref sock_common.skc_stat --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "unknown_member_exits_1" "1" "$?"
check "unknown_member_suggests_nearest" grep -q "did you mean: sock_common.skc_state?" "$TMP/err"
"$NETSCOPE" xref sock_comon --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "unknown_struct_exits_1" "1" "$?"
check "unknown_struct_suggests_nearest" grep -q "did you mean: sock_common?" "$TMP/err"
"$NETSCOPE" where tcp_v4_rvc --db "$DB" --json >"$TMP/out" 2>"$TMP/err"
json_check "json_errors_are_json" "$TMP/err" 'assert "tcp_v4_rcv" in d["error"]'
"$NETSCOPE" xref sock_common.skc_state --mode bogus --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "bad_mode_exits_2" "2" "$?"
"$NETSCOPE" callers tcp_v4_rcv --depth 0 --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "bad_depth_exits_2" "2" "$?"

# ---- an index netscope builds from the fixture ----
if ! "$NETSCOPE" index --help >/dev/null 2>&1 || [ ! -f "$FIX/proto.c" ]; then
	skip "fixture_index" "needs 'netscope index' and tests/fixtures/index"
	echo "1..$TAP_N"
	exit 0
fi
X=$TMP/x.sqlite
"$NETSCOPE" index --src "$FIX" --db "$X" >"$TMP/index.out" 2>&1 || not_ok "fixture_is_indexed" "$(tail -5 "$TMP/index.out")"
line_of() { grep -nF -- "$2" "$FIX/$1" | head -1 | cut -d: -f1; }
WRITE_LINE=$(line_of proto.c 'WRITE_ONCE(sk->sk_state')
READ_LINE=$(line_of proto.c 'return READ_ONCE(sk->sk_state)')
ICALL_LINE=$(line_of proto.c 'INDIRECT_CALL_2(ipprot->handler')
PROTO_LINE=$(line_of proto.c '.handler	= proto_rcv')
HEADLEN_LINE=$(line_of include/fix_skb.h 'static inline unsigned int skb_headlen')

"$NETSCOPE" xref sock_common.skc_state --db "$X" --json >"$TMP/json" 2>"$TMP/err"
json_check "fixture_state_written_via_write_once" "$TMP/json" "
fs = {f['function']: f for g in d['by_file'] for f in g['functions']}
w = [u for u in fs['set_state']['uses'] if u['mode'] == 'write']
assert w == [dict(w[0], line=$WRITE_LINE, via='WRITE_ONCE,sk_state')], w
r = [u for u in fs['get_state']['uses'] if u['mode'] == 'read']
assert r[0]['line'] == $READ_LINE and r[0]['via'] == 'READ_ONCE,sk_state', r
assert d['index']['tree_version'] is None and d['index']['version_differs'] is True
"
if [ -r /sys/kernel/btf/vmlinux ]; then
	"$NETSCOPE" xref sock.sk_state --db "$X" >"$TMP/out" 2>&1
	check "member_macro_resolves_to_the_indexed_member" grep -q \
		'^note: the member is a macro of the source; its uses are those of sock_common.skc_state$' "$TMP/out"
	"$NETSCOPE" xref sock.sk_state --db "$X" --json >"$TMP/json" 2>&1
	json_check "member_macro_json_says_what_was_asked" "$TMP/json" "
assert (d['record'], d['member']) == ('sock_common', 'skc_state'), d
assert d['resolved_from'] == {'asked': 'sock.sk_state', 'how': 'macro'}, d['resolved_from']
"
	"$NETSCOPE" xref sock.__sk_common.skc_state --db "$X" >"$TMP/out" 2>&1
	check "path_into_a_named_nested_struct_is_that_structs_member" grep -qx \
		'note: sock.__sk_common.skc_state is sock_common.skc_state, a member of a nested struct' "$TMP/out"
	"$NETSCOPE" xref sock.sk_lock.owned --db "$X" >"$TMP/out" 2>&1
	check "path_into_a_typedef_of_an_unnamed_struct_is_the_typedefs_member" grep -qx \
		'note: sock.sk_lock.owned is socket_lock_t.owned, a member of a nested struct' "$TMP/out"
fi
BACKLOG_LINE=$(line_of proto.c 'sk->sk_backlog.len')
"$NETSCOPE" xref sock.sk_backlog.len --db "$X" --json >"$TMP/json" 2>&1
json_check "member_of_an_unnamed_struct_member_is_asked_by_its_path" "$TMP/json" "
assert (d['record'], d['member'], d['resolved_from']) == ('sock', 'sk_backlog.len', None), d
assert [(u['line'], u['mode']) for g in d['by_file'] for f in g['functions'] for u in f['uses']] == [($BACKLOG_LINE, 'rw')]
"

"$NETSCOPE" callees deliver --db "$X" >"$TMP/out" 2>&1
check "fixture_indirect_call_2_marks_direct_call" grep -qx "|-- proto_rcv  proto.c:$ICALL_LINE \[INDIRECT_CALL_2\]" "$TMP/out"
check "fixture_handler_slot_resolves_to_proto_rcv" grep -q \
	"^|-- proto_rcv  proto.c:.*$ICALL_LINE.* \[indirect via net_protocol.handler, proto at proto.c:$PROTO_LINE" "$TMP/out"
"$NETSCOPE" callers proto_rcv --db "$X" --json >"$TMP/json" 2>&1
json_check "fixture_callers_of_stored_function" "$TMP/json" "
c = d['roots'][0]['children']
assert {(x['name'], x['kind']) for x in c} == {('deliver', 'macro'), ('deliver', 'pointer')}, c
p = [x for x in c if x['kind'] == 'pointer'][0]
assert {s['holder'] for s in p['stored']} == {'proto', 'protos'}, p['stored']
"
HOOK_LINE=$(line_of proto.c 'return hook(sk, skb, finish)')
"$NETSCOPE" callees start --db "$X" >"$TMP/out" 2>&1
check "fixture_function_passed_to_hook_is_a_callback" grep -qx \
	"\`-- finish  proto.c:$HOOK_LINE, $HOOK_LINE (2 calls) \[callback, passed to hook(okfn)\]" "$TMP/out"
"$NETSCOPE" callers finish --db "$X" --json >"$TMP/json" 2>&1
json_check "fixture_callers_of_a_callback_name_the_parameter" "$TMP/json" "
c = d['roots'][0]['children']
assert [(x['name'], x['kind'], x['via'], len(x['sites'])) for x in c] == [('start', 'callback', 'hook(okfn)', 2)], c
"
"$NETSCOPE" where skb_headlen --db "$X" --json >"$TMP/json" 2>&1
json_check "fixture_header_inline_where" "$TMP/json" "
f = d['definitions'][0]
assert (f['file'], f['line'], f['static'], f['inline'], f['in_header']) == ('include/fix_skb.h', $HEADLEN_LINE, True, True, True), f
assert f['summary'] == 'bytes in the linear part', f
assert f['accesses'] == {'uses': 2, 'members': 2}, f['accesses']
"
"$NETSCOPE" where set_state --db "$X" >"$TMP/out" 2>&1
check "fixture_multi_line_kernel_doc_summary" grep -qx '  summary    move a socket to a new state, and say so' "$TMP/out"

echo "1..$TAP_N"
