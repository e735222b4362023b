#!/bin/bash
# netscope index and its queries on real kernel source: five files of
# Debian's 6.12 tree (net/core/dev.c and four of net/ipv4), indexed with
# libclang under that build's configuration.  First the run itself: killed
# (SIGKILL), then interrupted (SIGINT) while a second indexer is refused,
# then resumed, then found up to date.  Then the facts the kernel's source
# says, with the lines read from the tree by grep so a newer Debian package
# does not break them:
#  - sock_common.skc_state is written by smp_store_release() in
#    inet_sk_state_store(), which tcp_set_state() calls;
#  - TCP_SKB_CB(skb)->x is a use of sk_buff.cb, as many in each function
#    of tcp_ipv4.c as the source spells (where grep -w cb sees none);
#  - tcp_v4_rcv is an indirect callee of ip_protocol_deliver_rcu through
#    net_protocol.handler, filled in af_inet.c, and its INDIRECT_CALL_2;
#  - ip_rcv is reached through packet_type.func from ip_packet_type, and
#    goes on to ip_rcv_finish through NF_HOOK's okfn (a callback edge);
#  - a header inline is stored once however many units include it;
#  - where says what kallsyms and BTF say.
. "$(dirname "$0")/lib.sh"

TREE=$(kernel_tree) || { not_ok "kernel_tree_is_fetched" "see the fetch log above"; echo "1..$TAP_N"; exit 1; }
DB=$TMP/kernel.sqlite
FILES="net/core/dev.c net/ipv4/ip_input.c net/ipv4/tcp_ipv4.c net/ipv4/af_inet.c net/ipv4/tcp.c"
q() { sqlite3 "$DB" "$1"; }
line_of() { grep -n -- "$2" "$TREE/$1" | head -1 | cut -d: -f1; }
# json_check NAME FILE PYTHON: the python body sees the document as d
json_check() {
	if python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$3" "$2" >"$TMP/py.out" 2>&1; then ok "$1"; else not_ok "$1" "$(tail -5 "$TMP/py.out")"; fi
}
# start_index LOG: one worker, in the background; $PID is the indexer
start_index() {
	# shellcheck disable=SC2086
	"$NETSCOPE" index --src "$TREE" --db "$DB" -J 1 $FILES >"$1" 2>&1 &
	PID=$!
}
# wait_units N LOG: until the indexer said it did N units (at most 120 s)
wait_units() {
	for _ in $(seq 1200); do
		grep -q "^\[$1/5\]" "$2" && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
units() { q "SELECT count(*) FROM units" 2>/dev/null || echo 0; }
workers_left() { pgrep -f -- "--db $DB" | grep -vx "$$" | wc -l; }

# ---- SIGKILL: the units written are whole, no worker outlives the indexer ----
start_index "$TMP/run1.log"
wait_units 1 "$TMP/run1.log" || not_ok "first_unit_is_indexed" "$(tail -5 "$TMP/run1.log")"
kill -KILL "$PID"
wait "$PID" 2>/dev/null
sleep 0.5
check_eq "no_worker_outlives_a_killed_indexer" "0" "$(workers_left)"
# what was committed stays (up to a second of writes may not be), whole units only
DONE1=$(units)
check "killed_run_left_an_index_that_opens" test "$DONE1" -lt 5
check_eq "killed_run_left_only_whole_ok_units" "$DONE1" \
	"$(q "SELECT count(*) FROM units u WHERE status = 'ok' AND EXISTS (SELECT 1 FROM functions f WHERE f.unit_id = u.id)")"

# ---- SIGINT, and a second indexer meanwhile ----
start_index "$TMP/run2.log"
sleep 0.3
# shellcheck disable=SC2086
"$NETSCOPE" index --src "$TREE" --db "$DB" $FILES >"$TMP/second.out" 2>"$TMP/second.err"
check_eq "second_indexer_exits_1" "1" "$?"
check "second_indexer_is_refused" grep -q "another 'netscope index' is writing '$DB'" "$TMP/second.err"
check_eq "resumed_run_plans_the_rest" "indexing $((5 - DONE1)) of 5 units ($((5 - DONE1)) new, 0 changed, 0 after a header changed)" \
	"$(grep -o '^indexing [0-9]* of [0-9]* units ([^)]*)' "$TMP/run2.log")"
wait_units 1 "$TMP/run2.log" || not_ok "resumed_run_indexes_a_unit" "$(tail -5 "$TMP/run2.log")"
kill -INT "$PID"
wait "$PID"
check_eq "interrupted_run_exits_130" "130" "$?"
check "interrupted_run_says_so" grep -q "^interrupted after [0-9]* units\\? in " "$TMP/run2.log"
check "interrupted_run_says_how_to_go_on" grep -q "run the same command again to go on" "$TMP/run2.log"
check_eq "no_worker_outlives_an_interrupted_indexer" "0" "$(workers_left)"
DONE2=$(units)
check "interrupted_run_kept_its_units" test "$DONE2" -gt "$DONE1"

# ---- resumed to the end, then up to date ----
# shellcheck disable=SC2086
"$NETSCOPE" index --src "$TREE" --db "$DB" -J 2 $FILES >"$TMP/run3.log" 2>&1
check_eq "last_run_exits_0" "0" "$?"
check "last_run_indexes_only_what_is_missing" grep -q "^indexing $((5 - DONE2)) of 5 units" "$TMP/run3.log"
check_eq "every_unit_is_ok" "5" "$(q "SELECT count(*) FROM units WHERE status = 'ok'")"
ROWS=$(q "SELECT (SELECT count(*) FROM functions), (SELECT count(*) FROM calls), (SELECT count(*) FROM accesses)")
# shellcheck disable=SC2086
"$NETSCOPE" index --src "$TREE" --db "$DB" $FILES >"$TMP/run4.log" 2>&1
check "unchanged_tree_is_up_to_date" grep -q "is up to date: 5 units checked, nothing to reindex" "$TMP/run4.log"
check_eq "up_to_date_run_changes_no_row" "$ROWS" \
	"$(q "SELECT (SELECT count(*) FROM functions), (SELECT count(*) FROM calls), (SELECT count(*) FROM accesses)")"

# ---- header inlines: once, and no use twice ----
check_eq "header_inline_sk_fullsock_is_stored_once" "1" "$(q "SELECT count(*) FROM functions WHERE name = 'sk_fullsock'")"
check_eq "no_access_is_stored_twice" "0" \
	"$(q "SELECT count(*) FROM (SELECT 1 FROM accesses GROUP BY func_id, record, member, mode, via, file_id, line, col
	      HAVING count(*) > 1)")"

# ---- skc_state written by smp_store_release in inet_sk_state_store ----
STORE_LINE=$(line_of net/ipv4/af_inet.c 'smp_store_release(&sk->sk_state')
"$NETSCOPE" xref sock_common.skc_state --mode write --db "$DB" --json >"$TMP/json" 2>"$TMP/err"
json_check "skc_state_written_by_smp_store_release_in_inet_sk_state_store" "$TMP/json" "
fs = {f['function']: f for g in d['by_file'] for f in g['functions']}
u = fs['inet_sk_state_store']['uses']
assert [(x['line'], x['mode'], x['via']) for x in u] == [($STORE_LINE, 'write', 'smp_store_release,sk_state')], u
"
CALL_LINE=$(awk -v s="$(line_of net/ipv4/tcp.c '^void tcp_set_state(')" 'NR > s && /inet_sk_state_store\(sk, state\)/ {print NR; exit}' "$TREE/net/ipv4/tcp.c")
"$NETSCOPE" callees tcp_set_state --db "$DB" --json >"$TMP/json" 2>"$TMP/err"
json_check "tcp_set_state_calls_inet_sk_state_store" "$TMP/json" "
c = [x for x in d['roots'][0]['children'] if x['name'] == 'inet_sk_state_store']
assert len(c) == 1 and c[0]['kind'] == 'direct', c
assert [s['line'] for s in c[0]['sites']] == [$CALL_LINE], c[0]['sites']
"
"$NETSCOPE" xref sock.sk_state --db "$DB" >"$TMP/out" 2>&1
check "sock_sk_state_is_the_macro_for_sock_common_skc_state" grep -q \
	'^note: the member is a macro of the source; its uses are those of sock_common.skc_state$' "$TMP/out"

# ---- TCP_SKB_CB(skb) is sk_buff.cb ----
# in every function of tcp_ipv4.c: as many uses as TCP_SKB_CB( is spelled in
# its body, comments left out (the oracle is the text itself)
if python3 - "$DB" "$TREE/net/ipv4/tcp_ipv4.c" >"$TMP/py.out" 2>&1 <<'PY'; then
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
text = open(sys.argv[2]).read()
# comments become blanks, newlines stay, so line numbers hold
text = re.sub(r"/\*.*?\*/|//[^\n]*", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
lines = text.split("\n")
rows = db.execute("""SELECT f.name, f.line, f.end_line,
    (SELECT count(*) FROM accesses a WHERE a.func_id = f.id AND a.record = 'sk_buff' AND a.member = 'cb'
     AND a.via LIKE '%TCP_SKB_CB') FROM functions f JOIN files fl ON fl.id = f.file_id
    WHERE fl.path = 'net/ipv4/tcp_ipv4.c'""").fetchall()
seen = {}
for name, start, end, indexed in rows:
    spelled = sum(l.count("TCP_SKB_CB(") for l in lines[start - 1:end])
    assert spelled == indexed, (name, start, spelled, indexed)
    if spelled:
        seen[name] = spelled
assert {"tcp_v4_rcv", "tcp_v4_fill_cb", "tcp_add_backlog"} <= set(seen), seen
assert sum(seen.values()) > 30, seen
print(seen)
PY
	ok "every_tcp_skb_cb_in_tcp_ipv4_c_is_a_use_of_sk_buff_cb"
else
	not_ok "every_tcp_skb_cb_in_tcp_ipv4_c_is_a_use_of_sk_buff_cb" "$(tail -5 "$TMP/py.out")"
fi
IFS='|' read -r START END <<<"$(q "SELECT line, end_line FROM functions WHERE name = 'tcp_v4_fill_cb'")"
check_eq "grep_sees_no_cb_in_tcp_v4_fill_cb" "0" "$(sed -n "${START},${END}p" "$TREE/net/ipv4/tcp_ipv4.c" | grep -cw cb)"
check_eq "tcp_skb_cb_takes_the_address_of_cb" "addr" \
	"$(q "SELECT group_concat(DISTINCT a.mode) FROM accesses a JOIN functions f ON f.id = a.func_id
	      WHERE f.name = 'tcp_v4_fill_cb' AND a.record = 'sk_buff' AND a.member = 'cb' AND a.via = 'TCP_SKB_CB'")"
check_eq "tcp_skb_cb_seq_is_written_in_tcp_v4_fill_cb" "1" \
	"$(q "SELECT count(*) FROM accesses a JOIN functions f ON f.id = a.func_id
	      WHERE f.name = 'tcp_v4_fill_cb' AND a.record = 'tcp_skb_cb' AND a.member = 'seq' AND a.mode = 'write'")"
"$NETSCOPE" xref sk_buff.cb --db "$DB" >"$TMP/out" 2>&1
check "xref_cb_lists_tcp_v4_rcv_through_tcp_skb_cb" grep -qE "^ +[0-9]+  addr +via .*TCP_SKB_CB$" "$TMP/out"

# ---- tcp_v4_rcv through net_protocol.handler ----
ICALL=$(line_of net/ipv4/ip_input.c 'INDIRECT_CALL_2(ipprot->handler')
HANDLER=$(line_of net/ipv4/af_inet.c '\.handler[[:space:]]*=[[:space:]]*tcp_v4_rcv')
"$NETSCOPE" callees ip_protocol_deliver_rcu --db "$DB" --json >"$TMP/json" 2>"$TMP/err"
json_check "tcp_v4_rcv_is_an_indirect_callee_through_net_protocol_handler" "$TMP/json" "
c = [x for x in d['roots'][0]['children'] if x['name'] == 'tcp_v4_rcv']
p = [x for x in c if x['kind'] == 'pointer']
assert len(p) == 1 and p[0]['via'] == 'net_protocol.handler', c
assert [s['line'] for s in p[0]['sites']] == [$ICALL], p[0]['sites']
st = [(s['file'], s['line'], s['how']) for s in p[0]['stored']]
assert ('net/ipv4/af_inet.c', $HANDLER, 'init') in st, st
m = [x for x in c if x['kind'] == 'macro']
assert len(m) == 1 and m[0]['via'] == 'INDIRECT_CALL_2' and m[0]['sites'][0]['line'] == $ICALL, m
"

# ---- ip_rcv through packet_type.func ----
FUNC=$(line_of net/ipv4/af_inet.c '\.func = ip_rcv')
ONE_CORE=$(line_of net/core/dev.c 'INDIRECT_CALL_INET(pt_prev->func, ipv6_rcv, ip_rcv')
"$NETSCOPE" callers ip_rcv --db "$DB" --json --depth 1 >"$TMP/json" 2>"$TMP/err"
json_check "ip_rcv_is_reached_through_packet_type_func_of_ip_packet_type" "$TMP/json" "
c = d['roots'][0]['children']
p = [x for x in c if x['kind'] == 'pointer' and x['name'] == '__netif_receive_skb_one_core']
assert len(p) == 1 and p[0]['via'] == 'packet_type.func', [(x['name'], x['kind']) for x in c]
assert [s['line'] for s in p[0]['sites']] == [$ONE_CORE], p[0]['sites']
assert {(s['holder'], s['file'], s['line']) for s in p[0]['stored']} == {('ip_packet_type', 'net/ipv4/af_inet.c', $FUNC)}
assert all(x['via'] == 'packet_type.func' for x in c if x['kind'] == 'pointer')
"

# ---- the receive path through NF_HOOK's okfn: callbacks ----
RCV_FINISH=$(awk -v s="$(line_of net/ipv4/ip_input.c '^int ip_rcv(')" 'NR > s && /ip_rcv_finish\);/ {print NR; exit}' \
	"$TREE/net/ipv4/ip_input.c")
DELIVER_FINISH=$(awk -v s="$(line_of net/ipv4/ip_input.c '^int ip_local_deliver(')" \
	'NR > s && /ip_local_deliver_finish\);/ {print NR; exit}' "$TREE/net/ipv4/ip_input.c")
"$NETSCOPE" callees ip_rcv --db "$DB" --json --depth 1 >"$TMP/json" 2>"$TMP/err"
json_check "ip_rcv_goes_on_in_ip_rcv_finish_passed_to_nf_hook" "$TMP/json" "
c = [x for x in d['roots'][0]['children'] if x['name'] == 'ip_rcv_finish']
assert [(x['kind'], x['via'], [s['line'] for s in x['sites']]) for x in c] == [('callback', 'NF_HOOK(okfn)', [$RCV_FINISH])], c
"
"$NETSCOPE" callers ip_protocol_deliver_rcu --db "$DB" --depth 3 >"$TMP/out" 2>&1
check "receive_path_from_ip_protocol_deliver_rcu_back_to_ip_local_deliver" grep -qE \
	"^ +.-- ip_local_deliver  net/ipv4/ip_input.c:$DELIVER_FINISH \\[callback, passed to NF_HOOK\\(okfn\\)\\]" "$TMP/out"

# ---- where: the definition, and what this kernel can trace ----
DEF=$(line_of net/ipv4/tcp_ipv4.c '^int tcp_v4_rcv(')
"$NETSCOPE" where tcp_v4_rcv --db "$DB" >"$TMP/out" 2>&1
check "where_tcp_v4_rcv_is_defined_in_tcp_ipv4" grep -qE "^  defined    net/ipv4/tcp_ipv4.c:$DEF-[0-9]+$" "$TMP/out"
check "where_tcp_v4_rcv_is_tcp" grep -qx "  layer      TCP" "$TMP/out"
# text symbols and compiler clones, as kallsyms lists them (the cache of it is rebuilt when stale)
echo "netscope-text-symbols 1 stale-boot 0" >/run/netscope/text-symbols 2>/dev/null
for fn in tcp_v4_rcv ip_rcv __netif_receive_skb_core sk_fullsock inet_sk_state_store ip_protocol_deliver_rcu \
	dev_valid_name dev_queue_xmit_nit; do
	exact=$(grep -cE "^[0-9a-f]+ [tTwW] $fn(\s|$)" /proc/kallsyms)
	# .cold parts are no clones: gcc's out-of-line unlikely code of the function
	clones=$(grep -oE "^[0-9a-f]+ [tTwW] $fn\.[^[:space:]]+" /proc/kallsyms | awk '{print $3}' |
		grep -v "^$fn\.cold" | sort -u | paste -sd,)
	"$NETSCOPE" where "$fn" --db "$DB" --json >"$TMP/json" 2>"$TMP/err"
	json_check "where_${fn}_matches_kallsyms" "$TMP/json" "
k = d['kernel']
assert k['text_symbols'] == $exact and k['kprobe'] == ($exact > 0), k
assert ','.join(sorted(k['clones'])) == '$clones', k
# fentry takes the prototype from BTF and the address from the exact symbol
assert k['fentry'] == (k['btf_func'] and $exact > 0), k
assert k['traceable'] == ($exact > 0 or bool(k['clones'])), k
"
done
check "stale_symbol_cache_is_replaced" grep -q "^netscope-text-symbols 1 $(cat /proc/sys/kernel/random/boot_id) " \
	/run/netscope/text-symbols

echo "1..$TAP_N"
