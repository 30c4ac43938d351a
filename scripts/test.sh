#!/bin/bash
# make test: install what is missing, build both kernels, run every suite on
# both, and judge the results.  Leaves build/results/: console-<kernel>.log,
# <kernel>.txt per kernel and results.txt, whose closing line is
# "N passed, N failed".  Exits non-zero on any failure.
set -euo pipefail
. "$(dirname "$0")/env.sh"

results=${NSRS_RESULTS:-$build/results}
steps=9
n=0
step() { n=$((n + 1)); printf '\n==> [test] step %d/%d: %s\n' "$n" "$steps" "$*"; }

step "dependencies"
"$top/scripts/install-deps.sh"
step "kernel tree (extract, patch series, links)"
# make check-series boots the tree its series built: that one is ready.
[ -n "${NSRS_TREE_READY:-}" ] || "$top/scripts/prepare-tree.sh"
"$top/scripts/check_upstream.py"	# warns (does not fail) if the C nsrs mirrors changed
step "kernel-nsrs (CONFIG_NSRS=y); next: kernel-stock"
"$top/scripts/build-kernel.sh" nsrs
step "kernel-stock (CONFIG_NSRS=n); next: selftests"
"$top/scripts/build-kernel.sh" stock
step "selftests, samples and initramfs images"
"$top/scripts/build-selftests.sh"
"$top/scripts/build-samples.sh"
"$top/scripts/build-initramfs.sh" nsrs
"$top/scripts/build-initramfs.sh" stock

rm -rf "$results"
mkdir -p "$results"
step "harness self-test (the checks below must be able to fail) and lint (checkpatch, rustfmt, clippy)"
{ "$top/scripts/test-harness.sh"; "$top/scripts/lint.sh"; "$top/scripts/clippy.sh"
	"$top/scripts/check-inline.sh"; } |
	tee "$results/host.txt"

# Boot one kernel in test mode; show one line per test binary as it starts.
boot_tests() {
	local flavor=$1 total
	# The kselftests, nsrs-lsns-test, and a scenario per real client.
	total=$(($(grep -c . "$build/selftests/kselftest-list.txt") + 1 +
		$(find "$top/guest/clients" -type f -perm -u+x | wc -l)))
	NSRS_TIMEOUT=${NSRS_TIMEOUT:-1800} "$top/scripts/run-qemu.sh" "$flavor" test \
		"$results/console-$flavor.log" |
		awk -v k="$flavor" -v t="$total" '
			/^KTAP version 1/ && !kunit { kunit = 1; print "==> [" k "] KUnit suites running" }
			/^NSRS-TEST-BEGIN/ { i++; printf "==> [%s] %d/%d %s\n", k, i, t, $2; fflush() }' ||
		echo "==> [$flavor] the run failed; its results say how"
	"$top/scripts/results.py" parse "$flavor" "$results/console-$flavor.log" >"$results/$flavor.txt"
	printf '==> [%s] %s (before the expected set)\n' "$flavor" "$(cut -d' ' -f1 "$results/$flavor.txt" | sort | uniq -c | xargs)"
}

step "boot kernel-nsrs and run the tests; next: kernel-stock"
boot_tests nsrs
step "boot kernel-stock and run the tests"
boot_tests stock

step "judge: expected set on stock, nsrs against stock"
set +e
"$top/scripts/results.py" judge "$top/tests/expected.txt" \
	"$results/host.txt" "$results/nsrs.txt" "$results/stock.txt" >"$results/results.txt"
rc=$?
set -e
echo "$(grep -c '^SKIP' "$results/results.txt") skipped:"
grep '^SKIP' "$results/results.txt" | sed 's/^/  /' || true
grep '^FAIL' "$results/results.txt" | sed 's/^/  /' || true
echo "results: ${results#$top/}/results.txt"
tail -n 1 "$results/results.txt"
exit $rc
