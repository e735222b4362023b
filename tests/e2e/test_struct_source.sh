#!/bin/bash
# netscope struct --src on a fixture tree (tests/fixtures/kdoc/tree) against
# BTF made here from the same header (gcc -g, then pahole -J), so CI checks
# explanations, aliases and source/BTF differences without a kernel tree.
# The header's CONFIG_X member is compiled out, as a config option the
# running kernel lacks would be.  Nothing here downloads anything.
. "$(dirname "$0")/lib.sh"

FIX=$(cd "$(dirname "$0")/../fixtures/kdoc" && pwd)
TREE=$FIX/tree
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }
export NETSCOPE_SOURCE_CACHE=$TMP/cache

if ! command -v pahole >/dev/null || ! command -v gcc >/dev/null; then
	skip "fixture_struct_from_generated_btf" "needs gcc and pahole (dwarves)"
	echo "1..$TAP_N"
	exit 0
fi
(cd "$TMP" && gcc -g -c "$FIX/btf_demo.c" -o demo.o && pahole -J demo.o) >"$TMP/gen.log" 2>&1 ||
	not_ok "fixture_btf_is_generated" "$(cat "$TMP/gen.log")"

"$NETSCOPE" struct --btf "$TMP/demo.o" --src "$TREE" ns_demo >"$TMP/text" 2>"$TMP/err"
check_eq "struct_with_src_exits_0" "0" "$?"
check "member_shows_its_multi_line_kernel_doc_joined" \
	grep -q 'len; .*/\* length of the data, in bytes, continued over three lines \*/' "$TMP/text"
check "member_of_anonymous_union_is_documented" grep -q 'head; .*/\* first byte \*/' "$TMP/text"
check "undocumented_member_is_marked" grep -q 'undocumented; .*/\* (undocumented) \*/' "$TMP/text"
check "alias_is_listed_after_its_member" grep -A1 'common;' "$TMP/text"
check_eq "aliases_follow_common" "/* #define demo_state common.state */|/* #define demo_family common.family */" \
	"$(grep -A2 ' common; ' "$TMP/text" | tail -2 | sed 's/^\t//' | paste -sd'|')"
check "config_member_is_only_in_source" grep -qx ' \*   extra \[CONFIG_X\]' "$TMP/text"
check "documented_count_in_summary" grep -q 'kernel-doc: 7 of 10 members documented' "$TMP/text"
check "other_version_is_said_in_one_line" grep -q '^/\* source tree .* is linux 6.99.1, the running kernel is' "$TMP/text"
check "size_from_source_is_not_knowable" grep -q 'from the source alone the size is not knowable' "$TMP/text"

"$NETSCOPE" struct --btf "$TMP/demo.o" --src "$TREE" ns_demo --json >"$TMP/json" 2>"$TMP/err"
if python3 - "$TMP/json" <<'PY' 2>"$TMP/py.err"; then
import json, sys
d = json.load(open(sys.argv[1]))
m = {x["name"]: x for x in d["members"]}
assert d["schema_version"] == 2
assert m["len"]["doc"] == "length of the data, in bytes, continued over three lines", m["len"]
assert m["undocumented"]["doc"] is None
assert m["common"]["aliases"] == [{"name": "demo_state", "path": "common.state"},
                                  {"name": "demo_family", "path": "common.family"}]
anon = [x for x in d["members"] if x["name"] == ""][0]
inner = anon["members"][0]["members"]
assert inner[0]["name"] == "head" and inner[0]["doc"] == "first byte", inner
s = d["source"]
assert s["version"] == "6.99.1" and s["version_differs"] is True
assert s["file"] == "include/net/ns_demo.h" and s["line"] == 28
assert s["only_in_source"] == [{"name": "extra", "cond": "CONFIG_X"}] and s["only_in_btf"] == []
PY
	ok "json_has_doc_aliases_and_source_differences"
else
	not_ok "json_has_doc_aliases_and_source_differences" "$(cat "$TMP/err" "$TMP/py.err")"
fi

# bad input
"$NETSCOPE" struct --btf "$TMP/demo.o" --src "$FIX" ns_demo >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "is not a kernel source tree: '$FIX/include' does not exist" "$TMP/err"; then
	ok "tree_without_include_is_an_error_naming_the_path"
else
	not_ok "tree_without_include_is_an_error_naming_the_path" "exit $rc" "$(cat "$TMP/err")"
fi
"$NETSCOPE" struct --btf "$TMP/demo.o" --src "$TMP/no-such-tree" ns_demo --json >"$TMP/out" 2>"$TMP/err"
check "missing_tree_error_is_json_with_json" grep -q '^{"error":"cannot open source tree' "$TMP/err"

mkdir -p "$TMP/tree2/include"
"$NETSCOPE" struct --btf "$TMP/demo.o" --src "$TMP/tree2" ns_demo >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^/\* struct ns_demo is not defined in' "$TMP/out" && grep -q 'len;' "$TMP/out"; then
	ok "struct_missing_from_tree_is_a_line_not_an_error"
else
	not_ok "struct_missing_from_tree_is_a_line_not_an_error" "exit $rc" "$(cat "$TMP/out" "$TMP/err")"
fi

# no tree at all: the layout as before, and a hint on a terminal only
"$NETSCOPE" struct --btf "$TMP/demo.o" ns_demo >"$TMP/plain" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && ! grep -q '/\* length' "$TMP/plain" && [ ! -s "$TMP/err" ]; then
	ok "without_tree_struct_prints_the_layout_alone"
else
	not_ok "without_tree_struct_prints_the_layout_alone" "exit $rc" "$(cat "$TMP/err")"
fi
if command -v script >/dev/null; then
	script -qec "$NETSCOPE struct --btf $TMP/demo.o ns_demo" /dev/null >"$TMP/tty" 2>&1
	check "without_tree_a_terminal_gets_one_hint_line" grep -q 'hint: no kernel source tree: `netscope source fetch` gets one' "$TMP/tty"
else
	skip "without_tree_a_terminal_gets_one_hint_line" "no script(1)"
fi

"$NETSCOPE" source fetch --version 9.9 >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown version '9.9'; available: 6" "$TMP/err"; then
	ok "unknown_version_lists_the_available_ones"
else
	not_ok "unknown_version_lists_the_available_ones" "exit $rc" "$(cat "$TMP/err")"
fi

"$NETSCOPE" source status --json >"$TMP/out" 2>"$TMP/err"
check "status_json_lists_no_tree_in_an_empty_cache" grep -q '"trees":\[\]' "$TMP/out"

echo "1..$TAP_N"
