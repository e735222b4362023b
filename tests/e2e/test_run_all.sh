#!/bin/bash
# tests/run_all.sh, the runner CI reads, on fake suites speaking TAP as
# cmocka and lib.sh do: a skipped test is counted as skipped, neither
# passed nor failed, and the last line stays "N passed, N failed" with
# ", N skipped" only when some were.
. "$(dirname "$0")/lib.sh"
# a copy in a tree of its own: it runs no e2e test there, this one included
mkdir -p "$TMP/tree/tests"
cp "$(dirname "$0")/../run_all.sh" "$TMP/tree/tests/"
RUN_ALL=$TMP/tree/tests/run_all.sh

# what cmocka prints (CMOCKA_MESSAGE_OUTPUT=TAP) for a passed and a skipped test
cat >"$TMP/skips" <<'SUITE'
#!/bin/sh
printf '1..3\nok 1 - a\nnot ok 2 # SKIP b\nok 3 - c\n# ok - tests\n'
SUITE
cat >"$TMP/fails" <<'SUITE'
#!/bin/sh
printf '1..2\nok 1 - a\nnot ok 2 - b\n# b failed\n'
exit 1
SUITE
cat >"$TMP/passes" <<'SUITE'
#!/bin/sh
printf '1..2\nok 1 - a\nok 2 - b # SKIP not here\n'
SUITE
cat >"$TMP/only_skips" <<'SUITE'
#!/bin/sh
printf '1..1\nnot ok 1 # SKIP a\n'
SUITE
chmod +x "$TMP/skips" "$TMP/fails" "$TMP/passes" "$TMP/only_skips"

bash "$RUN_ALL" "$TMP/skips" >"$TMP/skips.out" 2>&1
check_eq "cmocka_skip_is_not_a_failure_exit_0" 0 $?
check_eq "cmocka_skip_is_counted_as_skipped" "2 passed, 0 failed, 1 skipped" "$(tail -1 "$TMP/skips.out")"

bash "$RUN_ALL" "$TMP/skips" "$TMP/fails" "$TMP/passes" >"$TMP/mix.out" 2>&1
check_eq "a_failure_among_skips_still_fails_the_run" 1 $?
check_eq "tap_skip_after_ok_is_counted_as_skipped" "4 passed, 1 failed, 2 skipped" "$(tail -1 "$TMP/mix.out")"

bash "$RUN_ALL" "$TMP/fails" >"$TMP/fail.out" 2>&1
check_eq "last_line_has_no_skipped_part_when_none_was" "1 passed, 1 failed" "$(tail -1 "$TMP/fail.out")"

bash "$RUN_ALL" "$TMP/only_skips" >"$TMP/only.out" 2>&1
check_eq "a_suite_of_skips_only_ran_its_tests" "0 passed, 0 failed, 1 skipped" "$(tail -1 "$TMP/only.out")"
echo "1..$TAP_N"
