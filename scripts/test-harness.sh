#!/bin/bash
# Self-test of the test harness: each check below feeds the harness a broken
# input and expects it to fail with a clear message.  Prints one result line
# per check, "PASS|FAIL host harness/<check>", as results.py does.
#
#  - a patch that does not apply stops prepare-tree.sh, naming the patch and
#    the kernel version;
#  - a WARNING (and a panic, an Oops, a BUG) in the console log fails the run;
#  - a failing kselftest, a crashed guest and a failing KUnit case fail it;
#  - the nsrs kernel passing fewer tests than the stock one fails it, and a
#    real client's scenario ending otherwise on the two kernels too, or
#    printing another output;
#  - and a clean log passes, so the checks are not failing everything.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
results=$top/scripts/results.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

report() { # status check note
	printf '%s host harness/%s%s\n' "$1" "$2" "${3:+  # $3}"
}

# Expect $2 (a command) to fail with output matching $3.
expect_failure() {
	local check=$1 cmd=$2 pattern=$3 out
	if out=$(eval "$cmd" 2>&1); then
		report FAIL "$check" "succeeded but should have failed"
	elif ! grep -qE "$pattern" <<<"$out"; then
		report FAIL "$check" "failed without the message /$pattern/"
	else
		report PASS "$check"
	fi
}

# A console log of a good run: KUnit, one kselftest, the end markers.
good_log() {
	cat <<'LOG'
KTAP version 1
1..2
    KTAP version 1
    # Subtest: rust_doctests_kernel
    1..1
    ok 1 rust_doctest_kernel_ns_rs_0
ok 1 rust_doctests_kernel
    KTAP version 1
    # Subtest: nsrs_init_ns
    # module: nsrs_init_ns
    1..2
    ok 1 initial_namespaces_pass_the_check
    ok 2 wrong_type_fails_the_check
ok 2 nsrs_init_ns
NSRS-TESTS-BEGIN
NSRS-TEST-BEGIN nsrs/init_ns
TAP version 13
1..1
ok 1 global.initial_namespaces_have_fixed_inodes
# PASSED: 1 / 1 tests passed.
NSRS-TEST-END nsrs/init_ns rc=0
NSRS-TESTS-END
NSRS-GUEST-DONE mode=test
LOG
}

# Parse $1 (a log) as kernel $2 and judge it alone.
judge_log() {
	local log=$1 kernel=${2:-stock}
	"$results" parse "$kernel" "$log" >"$work/$kernel.txt" &&
		"$results" judge "$work/expected.txt" "$work/$kernel.txt"
}

: >"$work/expected.txt"
good_log >"$work/good.log"
if out=$(judge_log "$work/good.log" 2>/dev/null) && grep -qx "[1-9][0-9]* passed, 0 failed" <<<"$(tail -n1 <<<"$out")"; then
	report PASS clean-log-passes
else
	report FAIL clean-log-passes "a clean log did not pass: $(tail -n1 <<<"$out")"
fi

# A patch that does not apply, against a fake tree that has only a Makefile.
mkdir -p "$work/tree" "$work/patches"
printf 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 99\n' >"$work/tree/Makefile"
cat >"$work/patches/0001-change-a-line-that-is-not-there.patch" <<'PATCH'
--- a/Makefile
+++ b/Makefile
@@ -1,3 +1,3 @@
 VERSION = 6
-PATCHLEVEL = 13
+PATCHLEVEL = 14
 SUBLEVEL = 99
PATCH
expect_failure patch-that-does-not-apply \
	"NSRS_TREE=$work/tree NSRS_PATCHES=$work/patches $top/scripts/prepare-tree.sh" \
	"patch 0001-change-a-line-that-is-not-there.patch does not apply to Linux 6.12.99"

inject() { # name, awk program run on the good log
	good_log | awk "$2" >"$work/$1.log"
}
inject warning '/^NSRS-TEST-END/ { print "------------[ cut here ]------------"; print "WARNING: CPU: 1 PID: 77 at kernel/nsproxy.c:42 copy_namespaces+0x1/0x2" } { print }'
expect_failure warn-in-kernel-log "judge_log $work/warning.log" "FAIL stock kernel-log/warning .*WARNING: CPU: 1"
inject panic '/^NSRS-TESTS-END/ { print "Kernel panic - not syncing: Attempted to kill init!"; exit } { print }'
expect_failure panic-in-kernel-log "judge_log $work/panic.log" "FAIL stock kernel-log/panic"
inject oops '/^NSRS-TEST-END/ { print "Oops: general protection fault, probably for non-canonical address 0xdead: 0000 [#1] SMP" } { print }'
expect_failure oops-in-kernel-log "judge_log $work/oops.log" "FAIL stock kernel-log/oops"
inject bug '/^NSRS-TEST-END/ { print "BUG: kernel NULL pointer dereference, address: 0000000000000008" } { print }'
expect_failure bug-in-kernel-log "judge_log $work/bug.log" "FAIL stock kernel-log/bug"
inject failing-test '{ sub(/^ok 1 global/, "not ok 1 global"); sub(/rc=0/, "rc=1"); print }'
expect_failure failing-kselftest "judge_log $work/failing-test.log" "FAIL stock nsrs/init_ns/global.initial_namespaces_have_fixed_inodes"
inject crash '/^NSRS-TEST-END/ { exit } { print }'
expect_failure guest-crash-mid-test "judge_log $work/crash.log" "FAIL stock nsrs/init_ns .*no end marker"
inject kunit-failure '{ sub(/    ok 2/, "    not ok 2"); print }'
expect_failure failing-kunit-case "judge_log $work/kunit-failure.log" "FAIL stock kunit/nsrs_init_ns.wrong_type_fails_the_check"

# nsrs passing fewer tests than stock.
"$results" parse stock "$work/good.log" >"$work/stock.txt"
"$results" parse nsrs "$work/failing-test.log" >"$work/nsrs.txt"
expect_failure nsrs-passes-fewer-than-stock \
	"$results judge $work/expected.txt $work/stock.txt $work/nsrs.txt" \
	"FAIL nsrs compare/nsrs/init_ns .*passes on stock"

# A real client's scenario must end alike on both kernels: a check that
# skips on stock for any reason but the missing /proc/namespaces fails the
# run even where nsrs passes it, and one skipped for that reason does not.
client_log() { # the skip directive of the stock run's check, or none; the output
	good_log | awk -v skip="$1" -v output="${2:-a b}" '/^NSRS-TESTS-END/ {
		print "NSRS-TEST-BEGIN clients/iproute2"; print "TAP version 13"; print "1..1"
		print "ok 1 - add: two namespaces" (skip == "" ? "" : " # SKIP " skip)
		print "# NSRS-OUTPUT list: " output
		print "NSRS-TEST-END clients/iproute2 rc=0" } { print }'
}
: >"$work/expected.txt"
client_log "" >"$work/client.log"
client_log "ip is not installed" >"$work/client-skipped.log"
client_log "no /proc/namespaces" >"$work/client-procns.log"
"$results" parse nsrs "$work/client.log" >"$work/nsrs.txt"
"$results" parse stock "$work/client-skipped.log" >"$work/stock.txt"
expect_failure client-differs-across-kernels \
	"$results judge $work/expected.txt $work/stock.txt $work/nsrs.txt" \
	"FAIL nsrs compare/clients/iproute2/add:_two_namespaces .*alike on both"
"$results" parse stock "$work/client-procns.log" >"$work/stock.txt"
if out=$("$results" judge "$work/expected.txt" "$work/stock.txt" "$work/nsrs.txt") &&
	grep -q "^SKIP stock clients/iproute2/add:_two_namespaces  # no /proc/namespaces" <<<"$out"; then
	report PASS client-skips-only-proc-namespaces-on-stock
else
	report FAIL client-skips-only-proc-namespaces-on-stock "$(tail -n1 <<<"$out")"
fi
client_log "" "a c" >"$work/client-output.log"
"$results" parse stock "$work/client-output.log" >"$work/stock.txt"
expect_failure client-output-differs-across-kernels \
	"$results judge $work/expected.txt $work/stock.txt $work/nsrs.txt" \
	"FAIL nsrs compare/clients/iproute2/output:list .*stock printed: a c; nsrs printed: a b"

# A test the expected set lists as passing on stock that fails there.
echo "PASS nsrs/init_ns" >"$work/expected.txt"
expect_failure expected-pass-fails-on-stock "judge_log $work/failing-test.log" \
	"FAIL stock nsrs/init_ns .*expected set as passing"

# A SLOW test (the debug kernel's expected set) may be cut off by the per-test
# timeout, but a case it reported failing still fails.
echo "SLOW nsrs/init_ns  too slow here" >"$work/expected.txt"
inject cut-off '{ sub(/rc=0/, "rc=137"); print }'
if out=$(judge_log "$work/cut-off.log" 2>/dev/null) && grep -q "^SKIP stock nsrs/init_ns  # cut off" <<<"$out"; then
	report PASS slow-test-cut-off-is-a-skip
else
	report FAIL slow-test-cut-off-is-a-skip "$(tail -n1 <<<"$out")"
fi
inject cut-off-failing '{ sub(/^ok 1 global/, "not ok 1 global"); sub(/rc=0/, "rc=137"); print }'
expect_failure slow-test-failing-case "judge_log $work/cut-off-failing.log" \
	"FAIL stock nsrs/init_ns/global.initial_namespaces_have_fixed_inodes"
exit 0
