#!/bin/bash
# fentry's clones are loaded, linked and closed from a pool of threads
# (capture/func_fentry.c, common/parallel.c; --func-threads).  This host
# denies fentry, so the kernel side runs in the VM lane (tests/vm); here:
# the pool's unit tests built with ThreadSanitizer run race-free (and
# ThreadSanitizer does catch a planted race, so a clean run means
# something), and the new options refuse bad values before anything is
# made.
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TSAN_FLAGS=(-fsanitize=thread -g -O1 -std=gnu11 -D_GNU_SOURCE -I"$ROOT/build" -I"$ROOT/src")
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"

cat >"$TMP/race.c" <<'EOF'
#include <pthread.h>
static int shared;
static void *bump(void *a) { for (int i = 0; i < 1000; i++) shared++; return a; }
int main(void) { pthread_t t; pthread_create(&t, 0, bump, 0); bump(0); pthread_join(t, 0); return 0; }
EOF
if ! gcc "${TSAN_FLAGS[@]}" "$TMP/race.c" -o "$TMP/race" -lpthread 2>"$TMP/race.log"; then
	not_ok "tsan_builds" "$(tail -5 "$TMP/race.log")"
else
	"$TMP/race" >"$TMP/race.out" 2>&1
	rc=$?
	if [ $rc -eq 66 ] && grep -q 'WARNING: ThreadSanitizer: data race' "$TMP/race.out"; then
		ok "tsan_reports_a_planted_race"
	else
		not_ok "tsan_reports_a_planted_race" "exit $rc" "$(head -5 "$TMP/race.out")"
	fi
fi

for t in test_parallel test_func_fentry; do
	if ! gcc "${TSAN_FLAGS[@]}" "$ROOT/tests/unit/$t.c" "$ROOT/src/common/parallel.c" \
		"$ROOT/src/capture/func_fentry.c" -lcmocka -lbpf -lpthread -o "$TMP/$t" 2>"$TMP/$t.log"; then
		not_ok "${t#test_}_builds_with_tsan" "$(tail -5 "$TMP/$t.log")"
		continue
	fi
	# cmocka's own summary, whatever run_all.sh asked of it (TAP)
	env -u CMOCKA_MESSAGE_OUTPUT "$TMP/$t" >"$TMP/$t.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -q ThreadSanitizer "$TMP/$t.out" && grep -q '^\[  PASSED  \]' "$TMP/$t.out"; then
		ok "${t#test_}_unit_tests_pass_race_free_under_tsan"
	else
		not_ok "${t#test_}_unit_tests_pass_race_free_under_tsan" "exit $rc" \
			"$(grep -E 'ThreadSanitizer|SUMMARY|FAILED|not ok' "$TMP/$t.out" | head -8)"
	fi
done

# bad values: refused by name, exit 2, no trace file, no namespace left
before=$(leftover_netns)
refused() { # NAME MESSAGE ARGS...
	local name=$1 msg=$2
	shift 2
	"$NETSCOPE" record -o "$TMP/bad.ns" --scenario refused "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	local rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$msg" "$TMP/bad.err" && [ ! -e "$TMP/bad.ns" ]; then
		ok "$name"
	else
		not_ok "$name" "exit $rc" "$(cat "$TMP/bad.err")"
	fi
}
refused func_threads_zero_is_refused "bad --func-threads '0': expected a number of threads, 1 to 64" \
	--func-threads 0
refused func_threads_past_64_is_refused "bad --func-threads '65'" --func-threads 65
refused func_threads_not_a_number_is_refused "bad --func-threads 'two'" --func-threads two
refused func_threads_with_tracepoints_only_is_refused \
	"--func-threads is for the fentry backend: it cannot go with --method tracepoints" \
	--func-threads 2 --method tracepoints
refused no_fexit_with_ftrace_is_refused \
	"--no-fexit is for the fentry backend: it cannot go with --method ftrace" --no-fexit --method ftrace
refused no_fexit_with_kprobe_multi_is_refused \
	"--no-fexit is for the fentry backend: it cannot go with --func-backend kprobe-multi" \
	--no-fexit --func-backend kprobe-multi
# at most as many as before: a refused command creates none, and its start
# may remove stale ones that an earlier test's SIGKILLed run left behind
after=$(leftover_netns)
if [ "$after" -le "$before" ]; then
	ok "refusals_add_no_namespace"
else
	not_ok "refusals_add_no_namespace" "before: $before" "after:  $after" "$(ip netns list | grep '^netscope-')"
fi
echo "1..$TAP_N"
