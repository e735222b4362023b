#!/bin/bash
# Run every test: the cmocka unit binaries given as arguments, then every
# tests/e2e/test_*.sh.  All of them speak TAP ("ok N - name" / "not ok N -
# name"); this script counts those lines, shows the failures and ends with
# the line CI reads: "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
export CMOCKA_MESSAGE_OUTPUT=TAP
export NETSCOPE=${NETSCOPE:-$PWD/build/netscope}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0

run_one() { # name, command...
	local name=$1
	shift
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	local p f
	p=$(grep -cE '^ok ' <<<"$out")
	f=$(grep -cE '^not ok ' <<<"$out")
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		# a suite that ran no test, or crashed before its first, is a failure
		f=1
		out+=$'\n'"not ok - $name ran no test (exit $rc)"
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		out+=$'\n'"not ok - $name exited $rc after its tests"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-40s %3d passed, %d failed\n' "$name" "$p" "$f"
	if [ "$f" -ne 0 ]; then
		grep -E -A12 '^not ok ' <<<"$out" | sed 's/^/    /' | head -60
	fi
	[ -n "$VERBOSE" ] && sed 's/^/    /' <<<"$out"
}

for bin in "$@"; do
	run_one "unit/$(basename "$bin")" "$bin"
done
for t in tests/e2e/test_*.sh; do
	[ -e "$t" ] || continue
	run_one "e2e/$(basename "$t" .sh)" bash "$t"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
