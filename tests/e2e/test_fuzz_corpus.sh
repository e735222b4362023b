#!/bin/bash
# Replay the checked-in corpus of every libFuzzer harness (tests/fuzz/,
# docs/TESTING.md) once: the seeds and the reproducers of bugs already
# fixed (call paths past 64 nodes, comm/ifname without a NUL, Kbuild
# loops, and every bug a fuzzer found since) must run clean under ASan and
# UBSan.  No fuzzing here: `make fuzz` does that.
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# the harnesses are built apart from netscope (clang, sanitizers): build them now
if ! make -C "$ROOT" -j2 fuzz-build >"$TMP/build.log" 2>&1; then
	not_ok "fuzz_harnesses_build" "$(tail -20 "$TMP/build.log")"
	exit 0
fi
for src in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	corpus=$ROOT/tests/fuzz/corpus/${name#fuzz_}
	files=("$corpus"/*)
	if [ ! -e "${files[0]}" ]; then
		not_ok "${name}_replays_corpus" "no corpus in $corpus"
		continue
	fi
	# given files, a libFuzzer binary runs each once; -timeout makes a hang a failure
	if (cd "$TMP" && "$ROOT/build/fuzz/$name" -timeout=10 -runs=1 "${files[@]}") >"$TMP/$name.log" 2>&1; then
		ok "${name}_replays_corpus"
	else
		not_ok "${name}_replays_corpus" \
			"$(grep -E 'ERROR|SUMMARY|runtime error|Running:' "$TMP/$name.log" | tail -6)"
	fi
done
