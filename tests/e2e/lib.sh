# Shared helpers for end-to-end tests: TAP output and checks that name the
# fact they test.  Source it; $NETSCOPE is the binary under test.
NETSCOPE=${NETSCOPE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/netscope}
TAP_N=0
TMP=$(mktemp -d /tmp/netscope-e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() { # name, detail...
	TAP_N=$((TAP_N + 1))
	echo "not ok $TAP_N - $1"
	shift
	for d in "$@"; do echo "# $d"; done
}
# check NAME COMMAND...: ok when the command succeeds
check() {
	local name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else not_ok "$name" "$(head -c 2000 "$TMP/check.out")"; fi
}
# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# netscope namespaces left on the machine (should be none after a run)
leftover_netns() { ip netns list 2>/dev/null | grep -c '^netscope-' ; }
# kernel_tree: the Debian 6.12 tree the source-index tests parse, with its
# generated headers.  Fetched once into netscope's cache when missing (what
# `netscope source fetch` does: ~10 s, 150 MB from Debian's mirror), so CI
# tests real kernel source rather than skipping it.  Prints the directory.
kernel_tree() {
	local t=/var/cache/netscope/linux-source-6.12
	if [ ! -f "$t/include/generated/autoconf.h" ]; then
		env -u NETSCOPE_SOURCE_CACHE "$NETSCOPE" source fetch --version 6.12 >"$TMP/fetch.log" 2>&1 ||
			{ cat "$TMP/fetch.log" >&2; return 1; }
	fi
	echo "$t"
}
