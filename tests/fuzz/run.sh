#!/bin/bash
# `make fuzz`: run each libFuzzer harness given as argument for
# FUZZ_SECONDS (default 60) on its corpus, tests/fuzz/corpus/<name>/.
# New inputs go to build/fuzz/corpus/<name>/ (merge them into the
# checked-in corpus by hand: it is kept small).  A crash, leak, UBSan
# error or hang fails the run and names the reproducer; replay it with
# `build/fuzz/fuzz_<name> FILE`.
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-60}
failed=0
# inputs larger than the harness's max_len are cut: a trace seed is a few KiB
max_len() {
	case $1 in
	tracefile|export_ctf) echo 65536 ;;
	kerneldoc|kbuild|kallsyms) echo 16384 ;;
	*) echo 4096 ;;
	esac
}
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	work=build/fuzz/corpus/$name
	art=build/fuzz/artifacts/$name/
	mkdir -p "$work" "$art"
	log=build/fuzz/$name.log
	# -timeout: an input that takes 10 s is a hang (the Kbuild reader's loops);
	# -rss_limit_mb: a harness that balloons is a bug too
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$name")" \
		-print_final_stats=1 -artifact_prefix="$art" "$work" "tests/fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		printf 'fuzz_%-10s ok      %4ss  %s execs\n' "$name" "$secs" "${execs:-?}"
	else
		failed=1
		printf 'fuzz_%-10s FAILED  (exit %d): see %s\n' "$name" $rc "$log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)|Test unit written to' "$log" | head -5 | sed 's/^/    /'
	fi
done
exit $failed
