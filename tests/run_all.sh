#!/bin/bash
# Run every test: the cmocka unit binaries given as arguments, then every
# tests/e2e/test_*.sh.  All of them speak TAP ("ok N - name" / "not ok N -
# name"); this script counts those lines, shows the failures and ends with
# the line CI reads: "N passed, N failed", then ", N skipped" when some were.
# A skipped test ("ok N # SKIP", or cmocka's "not ok N # SKIP name") is
# neither passed nor failed.
cd "$(dirname "$0")/.." || exit 1
export CMOCKA_MESSAGE_OUTPUT=TAP
export NETSCOPE=${NETSCOPE:-$PWD/build/netscope}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0
skipped=0

run_one() { # name, command...
	local name=$1
	shift
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	local p f s
	s=$(grep -cE '^(not )?ok [^#]*# SKIP' <<<"$out")
	p=$(grep -E '^ok ' <<<"$out" | grep -cvE '^ok [^#]*# SKIP')
	f=$(grep -E '^not ok ' <<<"$out" | grep -cvE '^not ok [^#]*# SKIP')
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		# a suite that ran no test, or crashed before its first, is a failure
		f=1
		out+=$'\n'"not ok - $name ran no test (exit $rc)"
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		out+=$'\n'"not ok - $name exited $rc after its tests"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '%-40s %3d passed, %d failed%s\n' "$name" "$p" "$f" "$( [ "$s" -eq 0 ] || echo ", $s skipped")"
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
if [ "$skipped" -eq 0 ]; then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
[ "$failed" -eq 0 ]
