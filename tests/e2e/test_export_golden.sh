#!/bin/bash
# End-to-end: a small recorded trace (tests/fixtures/export/refused-2.ns:
# `netscope record --scenario refused --count 2`) exports byte for byte to
# the checked-in files beside it, in every format; the folded stacks are
# those of `report --view folded`; the speedscope and jsonl files have the
# structure their formats require.  Then a live recording with CPU samples
# for speedscope's time weights.
#
# After an intended change of a format, rewrite the expected files with
#   UPDATE_GOLDEN=1 NETSCOPE=build/netscope bash tests/e2e/test_export_golden.sh
# and review the difference (git diff; tshark -r ... -V for the pcapng).
. "$(dirname "$0")/lib.sh"

FIX=$(cd "$(dirname "$0")/../fixtures/export" && pwd)
TRACE=$FIX/refused-2.ns
declare -A GOLDEN=([pcapng]=refused-2.pcapng [folded]=refused-2.folded
	[speedscope]=refused-2.speedscope.json [jsonl]=refused-2.jsonl)

for fmt in pcapng folded speedscope jsonl; do
	out=$TMP/golden.$fmt
	"$NETSCOPE" export "$TRACE" --to "$fmt" "$out" 2>"$TMP/$fmt.err"
	check_eq "fixture_exports_to_${fmt}_with_exit_0" 0 $?
	[ -n "$UPDATE_GOLDEN" ] && cp "$out" "$FIX/${GOLDEN[$fmt]}"
	check "fixture_${fmt}_is_byte_for_byte_the_golden_file" cmp "$FIX/${GOLDEN[$fmt]}" "$out"
	"$NETSCOPE" export "$TRACE" --to "$fmt" "$out.again" 2>/dev/null
	check "fixture_${fmt}_export_is_the_same_twice" cmp "$out" "$out.again"
done
check "fixture_export_counts_its_29_events" grep -q "wrote .*golden.jsonl (jsonl): 29 events" "$TMP/jsonl.err"

# folded: one folder behind two commands
"$NETSCOPE" report "$TRACE" --view folded >"$TMP/report.folded"
check "export_folded_equals_report_view_folded" cmp "$TMP/report.folded" "$TMP/golden.folded"

# pcapng: the two SYNs and two RSTs of the fixture
if command -v tshark >/dev/null; then
	got=$(tshark -r "$TMP/golden.pcapng" -T fields -E separator=' ' -e frame.packet_id -e ip.src \
		-e ip.dst -e tcp.srcport -e tcp.dstport -e tcp.flags 2>/dev/null | tr '\n' ',')
	check_eq "fixture_pcapng_holds_two_syns_and_two_rsts" \
		"4 198.18.0.1 198.18.0.2 40782 9 0x0002,6 198.18.0.2 198.18.0.1 9 40782 0x0014,7 198.18.0.1 198.18.0.2 40786 9 0x0002,8 198.18.0.2 198.18.0.1 9 40786 0x0014," "$got"
else
	not_ok "tshark_is_installed" "scripts/deps.sh installs it (Debian package tshark)"
fi

# speedscope: what the file format (speedscope's file-format-spec.ts) requires,
# and the same stacks and weights as the folded lines
speedscope_facts() { # SPEEDSCOPE FOLDED
	python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
folded = [l.rsplit(" ", 1) for l in open(sys.argv[2]).read().splitlines()]
frames = d["shared"]["frames"]
p = d["profiles"][0]
req = d["$schema"] == "https://www.speedscope.app/file-format-schema.json" and \
      all(k in p for k in ("type", "name", "unit", "startValue", "endValue", "samples", "weights")) and \
      all(isinstance(f.get("name"), str) for f in frames) and len(d["profiles"]) == 1 and \
      d.get("activeProfileIndex") == 0
print("required_keys", req)
print("type_unit", p["type"], p["unit"])
print("lengths_agree", len(p["samples"]) == len(p["weights"]) == len(folded))
print("indices_in_range", all(0 <= i < len(frames) for s in p["samples"] for i in s))
print("end_is_total", p["startValue"] == 0 and p["endValue"] == sum(p["weights"]))
stacks = [";".join(frames[i]["name"] for i in s) for s in p["samples"]]
print("stacks_are_folded", stacks == [f[0] for f in folded])
w = [int(f[1]) for f in folded]
unit = p["weights"][0] // w[0] if w else 0
print("weights_per_stack", unit if p["weights"] == [x * unit for x in w] else "mismatch")
EOF
}
facts=$(speedscope_facts "$TMP/golden.speedscope" "$TMP/golden.folded")
get() { sed -n "s/^$1 //p" <<<"$facts"; }
check_eq "speedscope_has_the_formats_required_keys" True "$(get required_keys)"
check_eq "speedscope_of_event_stacks_is_sampled_with_counts" "sampled none" "$(get type_unit)"
check_eq "speedscope_samples_and_weights_pair_up" True "$(get lengths_agree)"
check_eq "speedscope_frame_indices_are_in_range" True "$(get indices_in_range)"
check_eq "speedscope_end_value_is_the_total_weight" True "$(get end_is_total)"
check_eq "speedscope_stacks_are_the_folded_stacks_root_first" True "$(get stacks_are_folded)"
check_eq "speedscope_counts_are_the_folded_counts" 1 "$(get weights_per_stack)"

# jsonl: one JSON object per event, each as `trace --json` prints it
facts=$(python3 - "$TMP/golden.jsonl" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
print("objects", all(isinstance(o, dict) and o["schema_version"] == 1 for o in objs))
print("count", len(objs))
print("drop", " ".join(f'{o["reason"]}@{o["location"].split("+")[0]}' for o in objs if o["event"] == "kfree_skb"))
print("stacks", any("stack" in o for o in objs) and
      all(("stack" in o) == (o["stack_id"] >= 0) for o in objs))
EOF
)
check_eq "jsonl_lines_are_json_objects_of_schema_1" True "$(get objects)"
check_eq "jsonl_has_one_line_per_event" 29 "$(get count)"
check_eq "jsonl_kfree_skb_lines_name_reason_and_place" "NO_SOCKET@tcp_v4_rcv NO_SOCKET@tcp_v4_rcv" "$(get drop)"
check_eq "jsonl_events_with_a_stack_id_carry_their_frames" True "$(get stacks)"

# CPU samples: speedscope weighs them in nanoseconds, 1/999 s each
# a workload long enough for kernel-mode samples (refused --count 3 lasts a few ms:
# under load all its samples could land in user mode, and the export then has none)
"$NETSCOPE" record -o "$TMP/s.ns" --scenario bulk --bytes 20M --sample-freq 999 2>/dev/null
"$NETSCOPE" export "$TMP/s.ns" --to folded "$TMP/s.folded" 2>/dev/null &&
	"$NETSCOPE" export "$TMP/s.ns" --to speedscope "$TMP/s.speedscope" 2>/dev/null
check_eq "sampled_trace_exports_folded_and_speedscope" 0 $?
facts=$(speedscope_facts "$TMP/s.speedscope" "$TMP/s.folded")
check_eq "speedscope_of_cpu_samples_is_in_nanoseconds" "sampled nanoseconds" "$(get type_unit)"
check_eq "speedscope_sample_weight_is_one_period_at_999_hz" 1001001 "$(get weights_per_stack)"
check_eq "speedscope_sampled_stacks_are_the_folded_stacks" True "$(get stacks_are_folded)"

# no stacks at all: an empty file, and a warning saying why
"$NETSCOPE" record -o "$TMP/nostack.ns" --scenario refused --stack-policy none 2>/dev/null
"$NETSCOPE" export "$TMP/nostack.ns" --to folded "$TMP/nostack.folded" 2>"$TMP/err"
check_eq "trace_without_stacks_exports_an_empty_folded_file" "0 0" "$? $(wc -c <"$TMP/nostack.folded")"
check "trace_without_stacks_warns_that_the_output_is_empty" \
	grep -q "nostack.ns' has no kernel stacks: the output is empty" "$TMP/err"

check_eq "no_namespace_left_after_golden_tests" 0 "$(leftover_netns)"
echo "1..$TAP_N"
