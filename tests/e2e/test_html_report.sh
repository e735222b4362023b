#!/bin/bash
# End-to-end: the HTML report.  A trace recorded in netscope's namespaces is
# written as one page, the page is loaded in headless Chromium with no
# network (tests/e2e/html_check.py drives it over the DevTools pipe and
# records every request and console message), and what it shows is checked
# against the JSON report of the same trace.  Then the labs' --html and
# exporter options, and the output rules: never overwrite without --force,
# nothing left behind on failure.
. "$(dirname "$0")/lib.sh"
export NETSCOPE_SOURCE_CACHE=$TMP/no-source	# the capture's facts, not explain mode
CHECK="python3 $(dirname "$0")/html_check.py"
BALANCED="python3 $(dirname "$0")/html_balanced.py"
SHOTS=$(cd "$(dirname "$0")/../.." && pwd)/build/tests/html
mkdir -p "$SHOTS"

"$NETSCOPE" record -o "$TMP/refused.ns" --scenario refused --count 3 2>"$TMP/rec.err"
check_eq "record_refused_three_times_exits_zero" 0 $?

"$NETSCOPE" report "$TMP/refused.ns" --html "$TMP/refused.html" >"$TMP/html.out" 2>"$TMP/html.err"
check_eq "report_html_exits_zero" 0 $?
check_eq "report_html_prints_nothing_on_stdout" 0 "$(wc -c <"$TMP/html.out")"
check "report_html_says_what_it_wrote" grep -qx "netscope: wrote $TMP/refused.html" "$TMP/html.err"
check_eq "report_html_is_an_html5_document" "<!DOCTYPE html>" "$(head -1 "$TMP/refused.html")"
check_eq "report_html_refers_to_no_url" 0 "$(grep -ciE 'https?://' "$TMP/refused.html")"
check_eq "report_html_has_no_src_href_elsewhere_or_link" 0 \
	"$(grep -cE '<link|<img|<iframe| src=|href="[^#]|@import|url\(' "$TMP/refused.html")"
check_eq "report_html_no_temporary_left" "" "$(ls "$TMP" | grep '\.tmp-')"
check "report_html_closes_every_element_in_order" $BALANCED "$TMP/refused.html"
printf '<!DOCTYPE html><html><body><table><tr><td>x</table></body></html>\n' >"$TMP/unbalanced.html"
check "balance_checker_sees_an_unclosed_cell" bash -c "! $BALANCED '$TMP/unbalanced.html'"

"$NETSCOPE" report "$TMP/refused.ns" --json >"$TMP/refused.json"
"$NETSCOPE" report "$TMP/refused.ns" --view packets --json >"$TMP/packets.json"

rm -f "$SHOTS"/*.png "$SHOTS"/*.pdf
# the page in Chromium: the numbers it shows, its headings, keyboard, print
$CHECK "$TMP/refused.html" "$SHOTS/report.png" "$SHOTS/report.pdf" \
	--eval "document.getElementById('events-total').textContent" \
	--eval "document.getElementById('drops-total').textContent" \
	--eval "[...document.querySelectorAll('#drops-by-reason tbody tr')].map(r => r.cells[0].textContent + ' ' + r.cells[1].textContent).join(',')" \
	--eval "document.getElementById('lost-total').textContent" \
	--eval "document.getElementById('resets-sent').textContent" \
	--eval "[...document.querySelectorAll('#packet-list tbody tr')].map(r => r.cells[0].textContent.replace('packet ', '')).join(',')" \
	--eval "document.querySelectorAll('svg .frame').length" \
	--eval "new Promise(done => { const a = document.querySelector('#packet-list a[href]'); location.hash = a.getAttribute('href'); setTimeout(() => { const d = document.querySelector(a.getAttribute('href')); done(d.open + ' ' + (document.activeElement.tagName === 'SUMMARY') + ' ' + d.querySelectorAll('svg.timeline circle').length); }, 200); })" \
	>"$TMP/page.json" 2>"$TMP/page.err"
check_eq "chromium_loads_the_page" 0 $?
facts() { # the JSON report, the packets view and the page -> lines "name value"
	python3 - "$TMP/refused.json" "$TMP/packets.json" "$TMP/page.json" <<'PY'
import json, sys
rep, pk, page = (json.load(open(f)) for f in sys.argv[1:4])
ev = page["evals"]
print("requests", " ".join(page["requests"]))
print("console", len(page["console"]) + len(page["exceptions"]), page["console"], page["exceptions"])
heads = {"Summary", "Capture", "Lost events", "Events", "Drops", "TCP resets", "TCP states",
         "Packet journeys", "Packet timelines", "Call paths", "CPU profile", "Layers"}
print("missing_headings", sorted(heads - set(page["headings"])))
print("events", rep["events"]["total"], ev[0])
print("drops", rep["drops"]["total"], ev[1])
print("reasons", ",".join(f"{r['reason']} {r['count']}" for r in rep["drops"]["by_reason"]["rows"]), "|", ev[2])
print("lost", rep["lost"]["lost"], ev[3])
print("resets", rep["resets"]["sent"], ev[4])
print("packet_ids", ",".join(str(p["id"]) for p in pk["packets"]["sample"]), "|", ev[5])
print("dropped_in_sample", sum(p["fate"] == "dropped" for p in pk["packets"]["sample"]))
print("stacks", rep["call_paths"]["events_with_stack"])
print("flame_frames", ev[6])
print("timeline", ev[7])
print("focus", " ".join(f.split(" ")[0] for f in page["focus"][:5]))
print("shot", page["screenshot"])
print("pdf", page["pdf"])
print("closed_for_print", page["closed_after_beforeprint"])
PY
}
facts >"$TMP/facts" 2>&1
get() { sed -n "s/^$1 //p" "$TMP/facts"; }
check_eq "page_makes_no_request_but_itself" "file://$TMP/refused.html" "$(get requests)"
check_eq "page_logs_no_console_error_or_exception" "0 [] []" "$(get console)"
check_eq "page_shows_every_section_heading" "[]" "$(get missing_headings)"
read -r a b <<<"$(get events)"
check_eq "page_total_events_equal_json_report" "$a" "$b"
check "trace_has_events" test "$a" -gt 0
read -r a b <<<"$(get drops)"
check_eq "page_drops_equal_json_report_three" "3 3" "$a $b"
check_eq "page_drops_by_reason_equal_json_report" "NO_SOCKET 3 | NO_SOCKET 3" "$(get reasons)"
read -r a b <<<"$(get lost)"
check_eq "page_lost_events_equal_json_report" "$a" "$b"
read -r a b <<<"$(get resets)"
check_eq "page_resets_sent_equal_json_report_three" "3 3" "$a $b"
ids=$(get packet_ids)
check_eq "page_packet_list_is_the_packets_view_sample" "${ids%% |*}" "${ids##*| }"
check_eq "packet_sample_has_the_three_dropped_syns" 3 "$(get dropped_in_sample)"
check "trace_carries_stacks" test "$(get stacks)" -gt 0
check "page_draws_flame_graph_frames" test "$(get flame_frames)" -gt 0
read -r open focused circles <<<"$(get timeline)"
check_eq "packet_link_opens_its_timeline_and_focuses_it" "true true" "$open $focused"
check "packet_timeline_has_a_marker_per_event" test "$circles" -ge 2
check_eq "tab_reaches_the_contents_links" "a a a a a" "$(get focus)"
check_eq "screenshot_is_a_png" "89504e47" "$(head -c 4 "$SHOTS/report.png" | od -An -tx1 | tr -d ' \n')"
check "screenshot_is_not_empty" test "$(get shot)" -gt 10000
check_eq "page_prints_to_pdf" "%PDF" "$(head -c 4 "$SHOTS/report.pdf")"
check_eq "print_opens_every_collapsed_section" 0 "$(get closed_for_print)"

# Firefox draws it too (its headless mode takes screenshots only): a page of content, not a
# blank one (a blank 1280x900 PNG is ~5 KB), with no network at all
mkdir -p "$TMP/ff-profile"
unshare --net timeout 90 firefox-esr --headless --no-remote --profile "$TMP/ff-profile" \
	--window-size 1280,900 --screenshot "$SHOTS/report-firefox.png" "file://$TMP/refused.html" \
	>"$TMP/ff.out" 2>&1
check_eq "firefox_renders_the_page_to_a_png" "0 89504e47" \
	"$? $(head -c 4 "$SHOTS/report-firefox.png" | od -An -tx1 | tr -d ' \n')"
check "firefox_screenshot_has_content" test "$(stat -c %s "$SHOTS/report-firefox.png")" -gt 20000

# the checker sees what it must catch: a page that loads a URL and logs an error
cat >"$TMP/control.html" <<'HTML'
<!DOCTYPE html><html><head><title>control</title></head><body><h2>x</h2>
<img src="http://198.18.0.9/x.png" alt=""><script>console.error("control error")</script></body></html>
HTML
$CHECK "$TMP/control.html" "$TMP/control.png" >"$TMP/control.json" 2>/dev/null
check_eq "checker_sees_a_request_and_a_console_error" "2 True" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["requests"]), "control error" in d["console"])' "$TMP/control.json")"

# bad inputs: never overwrite, nothing left behind
echo keep >"$TMP/exists.html"
"$NETSCOPE" report "$TMP/refused.ns" --html "$TMP/exists.html" 2>"$TMP/err"
check_eq "existing_output_refused_exit_1" 1 $?
check_eq "existing_output_left_as_it_was" keep "$(cat "$TMP/exists.html")"
check "existing_output_message_names_force" grep -q "exists: not overwritten (--force replaces it)" "$TMP/err"
"$NETSCOPE" report "$TMP/refused.ns" --html "$TMP/exists.html" --force 2>/dev/null
check_eq "force_replaces_existing_output" "0 <!DOCTYPE html>" "$? $(head -1 "$TMP/exists.html")"
"$NETSCOPE" report "$TMP/refused.ns" --html "$TMP/no-such-dir/x.html" 2>"$TMP/err"
check_eq "missing_directory_exit_1" 1 $?
check "missing_directory_message_names_the_path" \
	grep -q "cannot write '$TMP/no-such-dir/x.html': No such file or directory" "$TMP/err"
check_eq "missing_directory_nothing_created" "" "$(ls -d "$TMP/no-such-dir" 2>/dev/null)"
# a read-only folder and a full one: the first refuses the file, the second fails mid-write
mkdir -p "$TMP/ro" "$TMP/full"
unshare -m bash -c "mount -t tmpfs -o ro none '$TMP/ro' && mount -t tmpfs -o size=16k none '$TMP/full' &&
	'$NETSCOPE' report '$TMP/refused.ns' --html '$TMP/ro/x.html' 2>'$TMP/ro.err'; echo \$? >'$TMP/ro.rc';
	'$NETSCOPE' report '$TMP/refused.ns' --html '$TMP/full/x.html' 2>'$TMP/full.err'; echo \$? >'$TMP/full.rc';
	ls -A '$TMP/full' >'$TMP/full.ls'"
check_eq "read_only_folder_exit_1" 1 "$(cat "$TMP/ro.rc")"
check "read_only_folder_says_so" grep -q "cannot write '$TMP/ro/x.html': Read-only file system" "$TMP/ro.err"
check_eq "full_disk_exit_1" 1 "$(cat "$TMP/full.rc")"
check "full_disk_says_so" grep -q "cannot write '$TMP/full/x.html': No space left on device" "$TMP/full.err"
check_eq "full_disk_leaves_no_partial_output" "" "$(cat "$TMP/full.ls")"
"$NETSCOPE" report "$TMP/missing.ns" --html "$TMP/m.html" 2>/dev/null
check_eq "missing_trace_exit_1_no_output" "1 " "$? $(ls "$TMP" | grep '^m\.html')"
"$NETSCOPE" report "$TMP/refused.ns" --html "$TMP/j.html" --json 2>"$TMP/err"
check_eq "html_with_json_is_a_usage_error" "2 " "$? $(ls "$TMP" | grep '^j\.html')"
"$NETSCOPE" report "$TMP/refused.ns" --force 2>"$TMP/err" >/dev/null
check_eq "force_without_html_is_a_usage_error" 2 $?

# a trace cut off mid-write: the page covers what was written, and says so
size=$(stat -c %s "$TMP/refused.ns")
head -c $((size * 2 / 3)) "$TMP/refused.ns" >"$TMP/cut.ns"
"$NETSCOPE" report "$TMP/cut.ns" --html "$TMP/cut.html" 2>"$TMP/err"
check_eq "truncated_trace_page_written_exit_0" 0 $?
check "truncated_trace_page_says_truncated" grep -q "Truncated: the trace ends early" "$TMP/cut.html"

# a lab's page: its own sections around the report's
"$NETSCOPE" lab handshake --html "$TMP/lab.html" >"$TMP/lab.txt" 2>"$TMP/lab.err"
check_eq "lab_handshake_html_exits_zero" 0 $?
check "lab_still_prints_its_text_report" grep -q "^== What was done" "$TMP/lab.txt"
$CHECK "$TMP/lab.html" "$SHOTS/lab-handshake.png" >"$TMP/lab.json" 2>/dev/null
check_eq "lab_page_loads_with_no_request_error_and_every_lab_heading" "1 0 []" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
want = ["What was done", "How this kernel was watched", "What the kernel did", "Summary",
        "Packet timelines", "Kernel counters", "The functions the experiment names",
        "Where to look next"]
print(len(d["requests"]), len(d["console"]) + len(d["exceptions"]),
      [h for h in want if h not in d["headings"]])' "$TMP/lab.json")"
check "lab_screenshot_saved" test -s "$SHOTS/lab-handshake.png"
check "lab_page_closes_every_element_in_order" $BALANCED "$TMP/lab.html"
"$NETSCOPE" lab handshake --html "$TMP/lab.html" >/dev/null 2>"$TMP/err"
check_eq "lab_existing_html_refused_before_the_workload" "1 0" "$? $(grep -c 'netscope record' "$TMP/err")"

# the layers lab: its findings as HTML of its own, and the diagram; one run gives the JSON
# and the page, so their numbers must be the same
"$NETSCOPE" lab layers --json --html "$TMP/layers.html" >"$TMP/layers.json" 2>"$TMP/layers.err"
check_eq "lab_layers_json_and_html_exit_zero" 0 $?
check "lab_layers_page_closes_every_element_in_order" $BALANCED "$TMP/layers.html"
$CHECK "$TMP/layers.html" "$SHOTS/lab-layers.png" --at layers \
	--eval "[...document.querySelectorAll('#expected-boundaries tbody tr')].map(r => r.cells[0].textContent + '=' + r.cells[2].textContent + '/' + r.cells[3].textContent).join(',')" \
	--eval "document.getElementById('layers-stacks').textContent" \
	--eval "document.querySelectorAll('#layers-diagram rect').length + ' ' + document.querySelectorAll('#layer-boundaries tbody tr').length" \
	>"$TMP/layers-page.json" 2>/dev/null
python3 - "$TMP/layers.json" "$TMP/layers-page.json" >"$TMP/layers.facts" <<'PY'
import json, sys
lab, page = (json.load(open(f)) for f in sys.argv[1:3])
ev = page["evals"]
print("clean", len(page["requests"]), len(page["console"]) + len(page["exceptions"]))
print("expected", ",".join(f"{e['name']}={e['status']}/{e['stacks']}" for e in lab["expected_boundaries"]), "|", ev[0])
print("stacks", lab["layers"]["stacks"], ev[1])
bands, rows = ev[2].split()
print("bands", bands, len([l for l, n in lab["layers"]["frames"].items() if n and l != "other"]))
print("boundaries", rows, sum(len(g["boundaries"]) for g in lab["layers"]["gaps"]))
PY
lget() { sed -n "s/^$1 //p" "$TMP/layers.facts"; }
check_eq "lab_layers_page_loads_clean" "1 0" "$(lget clean)"
e=$(lget expected)
check_eq "lab_layers_page_expected_boundaries_equal_json" "${e%% |*}" "${e##*| }"
read -r a b <<<"$(lget stacks)"
check_eq "lab_layers_page_stacks_equal_json" "$a" "$b"
check "lab_layers_has_stacks" test "$a" -gt 0
read -r a b <<<"$(lget bands)"
check "lab_layers_diagram_has_a_band_per_layer_with_frames" test "$a" -ge "$b" -a "$b" -gt 2
read -r a b <<<"$(lget boundaries)"
check_eq "lab_layers_boundary_table_has_every_json_boundary" "$b" "$a"

# the exporters, by name: written when this build has them, a clear error until then
for fmt in perfetto pcapng ctf; do
	out="$TMP/lab.$fmt"
	if "$NETSCOPE" export --help | grep -qE "^  $fmt "; then
		"$NETSCOPE" lab handshake --"$fmt" "$out" >/dev/null 2>"$TMP/err"
		check_eq "lab_${fmt}_writes_the_trace_as_$fmt" "0 yes" "$? $(test -e "$out" && echo yes)"
	else
		"$NETSCOPE" lab handshake --"$fmt" "$out" >/dev/null 2>"$TMP/err"
		check_eq "lab_${fmt}_without_exporter_is_a_usage_error" "2 " "$? $(ls "$TMP" | grep "^lab\.$fmt")"
		check "lab_${fmt}_without_exporter_says_so" \
			grep -q -- "--$fmt: this build has no $fmt exporter" "$TMP/err"
	fi
done
"$NETSCOPE" lab handshake --html "$TMP/same" --ctf "$TMP/same" >/dev/null 2>"$TMP/err"
check_eq "lab_two_outputs_one_path_is_a_usage_error" 2 $?
"$NETSCOPE" lab handshake -o "$TMP/same" --html "$TMP/same" >/dev/null 2>"$TMP/err"
check_eq "lab_trace_and_page_one_path_is_a_usage_error" 2 $?
"$NETSCOPE" lab handshake --force >/dev/null 2>"$TMP/err"
check_eq "lab_force_without_an_output_is_a_usage_error" "2 0" "$? $(grep -c 'netscope record' "$TMP/err")"

check_eq "no_namespace_left" 0 "$(leftover_netns)"
echo "1..$TAP_N"
