#!/bin/bash
# make test-debug: the nsrs kernel with KASAN, lockdep, kmemleak, debug
# objects, list debugging and fault injection (configs/debug.config), running
# every test, the stress and fault-injection kselftests included.  Passes
# when every test passes (or fails as the expected set allows) and the log
# holds no kernel report.  Leaves build/results-debug/: console-debug.log,
# debug.txt, results.txt (closing line "N passed, N failed") and faults.txt,
# the failures injected per path.
set -euo pipefail
. "$(dirname "$0")/env.sh"

results=$build/results-debug
log() { printf '==> [test-debug] %s\n' "$*"; }

"$top/scripts/install-deps.sh"
"$top/scripts/prepare-tree.sh"
log "kernel-debug (CONFIG_NSRS=y with KASAN, lockdep, kmemleak, fault injection)"
"$top/scripts/build-kernel.sh" debug
"$top/scripts/build-selftests.sh"
"$top/scripts/build-samples.sh"
"$top/scripts/build-initramfs.sh" debug

rm -rf "$results"
mkdir -p "$results"
total=$(($(grep -c . "$build/selftests/kselftest-list.txt") + 1))
log "booting kernel-debug and running the tests (KASAN makes them several times slower)"
NSRS_TIMEOUT=${NSRS_TIMEOUT:-7200} NSRS_TEST_TIMEOUT=${NSRS_TEST_TIMEOUT:-300} \
	"$top/scripts/run-qemu.sh" debug test "$results/console-debug.log" |
	awk -v t="$total" '/^NSRS-TEST-BEGIN/ { i++; printf "==> [debug] %d/%d %s\n", i, t, $2; fflush() }' ||
	echo "==> [debug] the run failed; its results say how"
"$top/scripts/results.py" parse debug "$results/console-debug.log" >"$results/debug.txt"
grep '^NSRS-FAULTS' "$results/console-debug.log" >"$results/faults.txt" || true
set +e
"$top/scripts/results.py" judge "$top/tests/expected.txt,$top/tests/expected-debug.txt" "$results/debug.txt" >"$results/results.txt"
rc=$?
set -e
grep '^FAIL' "$results/results.txt" | sed 's/^/  /' || true
if [ -s "$results/faults.txt" ]; then
	echo "failures injected:"
	sed 's/^NSRS-FAULTS /  /' "$results/faults.txt"
fi
echo "results: ${results#$top/}/results.txt"
tail -n 1 "$results/results.txt"
exit $rc
