#!/bin/bash
# netscope struct against pahole (Debian's dwarves) on the running kernel's
# BTF: for sk_buff, sock, sock_common and tcp_sock every top-level member has
# the same name, offset and size (and bit offset/width for bitfields), the
# holes and bit holes are the same, and so are size and summary.  pahole's
# text is parsed here; netscope's --json is the side under test.
. "$(dirname "$0")/lib.sh"
# compare with pahole on BTF alone: a fetched source tree would add explanations
export NETSCOPE_SOURCE_CACHE=$TMP/none

VMLINUX=/sys/kernel/btf/vmlinux
STRUCTS="sk_buff sock sock_common tcp_sock"

skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

# compare.py PAHOLE_TXT NETSCOPE_JSON NAME: prints "PASS|FAIL test detail"
cat >"$TMP/compare.py" <<'EOF'
import json, re, sys

text, js, name = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]

def result(test, problems):
    print("%s|%s_%s|%s" % ("FAIL" if problems else "PASS", name, test, "; ".join(problems[:5])))

# pahole: top-level lines have exactly one tab of indentation
members, holes, bit_holes, summary = [], [], [], {}
for line in text.splitlines():
    if not line.startswith("\t") or line.startswith("\t\t"):
        continue
    body = line[1:]
    m = re.search(r"/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+)\s*\*/\s*$", body)
    if m and not body.startswith("/*"):
        decl = body[:m.start()].strip().rstrip(";").strip()
        if decl.startswith("}"):
            # "};" "} headers;" "} __attribute__((__packed__)) x;"
            nm = re.sub(r"__attribute__\(\(.*?\)\)", "", decl[1:]).strip()
            nm = re.sub(r"\[.*$", "", nm)
            bits = None
        else:
            decl = re.sub(r"\s*__attribute__\(\(.*?\)\)\s*$", "", decl)
            bits = None
            bm = re.search(r":(\d+)$", decl)
            if bm:
                bits = int(bm.group(1))
                decl = decl[:bm.start()]
            fm = re.search(r"\(\*\s*(\w+)\)", decl)
            nm = fm.group(1) if fm else re.search(r"(\w+)\s*(\[[^\]]*\])*$", decl).group(1)
        members.append({"name": nm, "offset": int(m.group(1)), "size": int(m.group(3)),
                        "bit_offset": int(m.group(2)) if m.group(2) is not None else 0,
                        "bit_size": bits or 0})
        continue
    h = re.match(r"/\* XXX (\d+) bytes? hole, try to pack \*/", body)
    if h:
        holes.append({"size": int(h.group(1)), "before": len(members)})
    b = re.match(r"/\* XXX (\d+) bits? hole, try to pack \*/", body)
    if b:
        bit_holes.append(int(b.group(1)))
    s = re.match(r"/\* size: (\d+), cachelines: (\d+), members: (\d+) \*/", body)
    if s:
        summary.update(size=int(s.group(1)), cachelines=int(s.group(2)), members=int(s.group(3)))
    s = re.match(r"/\* sum members: (\d+)", body)
    if s:
        summary["sum_members"] = int(s.group(1))
    s = re.match(r"/\* padding: (\d+) \*/", body)
    if s:
        summary["padding"] = int(s.group(1))

# a hole sits right before the member that follows it
for h in holes:
    h["offset"] = members[h["before"]]["offset"] - h["size"]

ours = js["members"]
problems = []
if len(ours) != len(members):
    problems.append("%d members, pahole has %d" % (len(ours), len(members)))
for p, o in zip(members, ours):
    for k in ("name", "offset", "size", "bit_offset", "bit_size"):
        if p[k] != o[k]:
            problems.append("%s.%s: pahole %r, netscope %r" % (p["name"] or "(anon)", k, p[k], o[k]))
result("members_match_pahole_offsets_and_sizes", problems)

problems = []
want = [(h["offset"], h["size"]) for h in holes]
got = [(h["offset"], h["size"]) for h in js["holes"]]
if want != got:
    problems.append("holes: pahole %s, netscope %s" % (want, got))
got_bits = [h["bits"] for h in js["bit_holes"]]
if bit_holes != got_bits:
    problems.append("bit holes: pahole %s, netscope %s" % (bit_holes, got_bits))
result("holes_and_bit_holes_match_pahole", problems)

problems = []
checks = {"size": js["size"], "cachelines": js["cachelines"], "members": js["nr_members"],
          "padding": js["padding"]}
if "sum_members" in summary:
    checks["sum_members"] = js["sum_members"]
for k, v in checks.items():
    if summary.get(k, 0) != v:
        problems.append("%s: pahole %s, netscope %s" % (k, summary.get(k), v))
result("size_and_summary_match_pahole", problems)
EOF

# pahole prints attributes it infers (BTF has none) and a few spacing quirks
# ("const struct cred  *", "void * *"); the rest of the text must be equal
normalize() {
	sed -E 's/ __attribute__\(\(__aligned__\([0-9]+\)\)\)//; s/\* \*/**/g; s/\* \*/**/g' \
		"$1" | grep -v -e 'forced alignments' -e 'Force alignment' -e '^\s*u8 *:0;$' |
		tr -s ' \t' ' ' | cat -s
}

if [ ! -r "$VMLINUX" ]; then
	skip "struct_layouts_match_pahole" "no $VMLINUX on this kernel"
elif ! command -v pahole >/dev/null; then
	skip "struct_layouts_match_pahole" "pahole not installed (apt-get install dwarves)"
else
	for s in $STRUCTS; do
		pahole -C "$s" "$VMLINUX" >"$TMP/$s.pahole" 2>/dev/null
		if ! "$NETSCOPE" struct "$s" --json >"$TMP/$s.json" 2>"$TMP/$s.err"; then
			not_ok "${s}_layout_is_printed" "$(cat "$TMP/$s.err")"
			continue
		fi
		while IFS='|' read -r status name detail; do
			if [ "$status" = PASS ]; then ok "$name"; else not_ok "$name" "$detail"; fi
		done < <(python3 "$TMP/compare.py" "$TMP/$s.pahole" "$TMP/$s.json" "$s" 2>&1 ||
			echo "FAIL|${s}_pahole_text_parses|compare.py failed")
		"$NETSCOPE" struct "$s" >"$TMP/$s.txt" 2>&1
		if diff <(normalize "$TMP/$s.pahole") <(normalize "$TMP/$s.txt") >"$TMP/$s.diff"; then
			ok "${s}_text_equals_pahole_but_inferred_attributes"
		else
			not_ok "${s}_text_equals_pahole_but_inferred_attributes" "$(head -20 "$TMP/$s.diff")"
		fi
	done
fi

# unknown_struct_suggests_nearest_name
"$NETSCOPE" struct sk_bufff >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "^netscope: error: no struct or union named 'sk_bufff' in BTF; did you mean: sk_buff" "$TMP/err"; then
	ok "unknown_struct_suggests_nearest_name"
else
	not_ok "unknown_struct_suggests_nearest_name" "exit $rc" "$(cat "$TMP/err")"
fi

"$NETSCOPE" struct tcp_sok --json >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert "tcp_sock" in e' "$TMP/err" 2>/dev/null; then
	ok "unknown_struct_with_json_reports_a_json_error"
else
	not_ok "unknown_struct_with_json_reports_a_json_error" "exit $rc" "$(cat "$TMP/err")"
fi

"$NETSCOPE" struct sk_buff --btf "$TMP/no-such.btf" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "cannot open BTF file '$TMP/no-such.btf': No such file or directory" "$TMP/err" &&
	[ ! -s "$TMP/out" ]; then
	ok "missing_btf_file_is_reported"
else
	not_ok "missing_btf_file_is_reported" "exit $rc" "$(cat "$TMP/err")"
fi

echo "not btf" >"$TMP/bad.btf"
"$NETSCOPE" struct sk_buff --btf "$TMP/bad.btf" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "neither raw BTF nor an ELF file" "$TMP/err"; then
	ok "file_that_is_not_btf_is_reported"
else
	not_ok "file_that_is_not_btf_is_reported" "exit $rc" "$(cat "$TMP/err")"
fi

"$NETSCOPE" struct --no-such-option sk_buff >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "unknown option '--no-such-option'" "$TMP/err" && grep -q '^Usage: netscope struct' "$TMP/err"; then
	ok "bad_option_prints_usage_and_exits_2"
else
	not_ok "bad_option_prints_usage_and_exits_2" "exit $rc" "$(cat "$TMP/err")"
fi

if [ -r "$VMLINUX" ]; then
	# the same BTF given as a file gives the same layout
	"$NETSCOPE" struct sock_common >"$TMP/a" 2>&1
	"$NETSCOPE" struct sock_common --btf "$VMLINUX" >"$TMP/b" 2>&1
	check "btf_file_gives_the_same_layout_as_the_running_kernel" cmp "$TMP/a" "$TMP/b"

	# --expand opens sock_common inside sock, at absolute offsets
	"$NETSCOPE" struct sock --expand --json >"$TMP/sock.expand.json" 2>"$TMP/err"
	if python3 - "$TMP/sock.expand.json" <<'EOF' 2>"$TMP/py.err"; then
import json, sys
d = json.load(open(sys.argv[1]))
common = d["members"][0]
assert common["name"] == "__sk_common" and common["kind"] == "struct", common["name"]
inner = [m for m in common["members"] if m["name"] == "skc_family"][0]
assert inner["offset"] == 16, inner
assert d["expanded"] is True
EOF
		ok "expand_shows_named_members_inside_at_absolute_offsets"
	else
		not_ok "expand_shows_named_members_inside_at_absolute_offsets" "$(cat "$TMP/err" "$TMP/py.err")"
	fi
fi

echo "1..$TAP_N"
