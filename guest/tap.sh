# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the guest's shell tests (sourced, POSIX sh for busybox ash).
# A test sets $plan, calls tap_begin, then result/check/skip, and ends with
# tap_end, whose exit status is the kselftest one (0 passed, 1 failed).

n=0
failed=0

# tap_begin: the TAP header and the plan.
tap_begin() {
	echo "TAP version 13"
	echo "1..$plan"
}
# tap_skip_all REASON: the whole test skips (kselftest's exit status 4).
tap_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit 4
}
# result STATUS DESCRIPTION: one TAP line, ok when STATUS is 0; returns
# whether it was (so that "result ... || diag FILE" explains a failure).
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		return 1
	fi
}
# check DESCRIPTION COMMAND...: a test that passes when COMMAND succeeds.
check() {
	desc=$1
	shift
	"$@"
	result $? "$desc"
}
# skip DESCRIPTION REASON
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# tap_end: a plan that was not run through counts as a failure.
tap_end() {
	if [ "$n" != "$plan" ]; then
		echo "# ran $n tests of $plan"
		failed=$((failed + 1))
	fi
	[ "$failed" = 0 ]
	exit $?
}
# diag [FILE]: FILE's lines, or those of the standard input, as TAP comments.
diag() { sed 's/^/# /' "$@"; }
# output NAME FILE: FILE's lines as TAP comments the host collects, so that
# scripts/results.py can compare a program's output across the two kernels.
output() { sed "s/^/# NSRS-OUTPUT $1: /" "$2"; }

# The number in a namespace name: net:[4026531840] -> 4026531840.
inum() { echo "$1" | tr -cd 0-9; }
# Waits up to 10 s for COMMAND... to succeed.
wait_for() {
	tries=0
	until "$@"; do
		tries=$((tries + 1))
		[ "$tries" -le 100 ] || return 1
		sleep 0.1
	done
}
# Whether link $1 reads, and differently from link $2.
differs() {
	a=$(readlink "$1") && [ -n "$a" ] && [ "$a" != "$(readlink "$2")" ]
}
# Whether link $1 reads, and the same as link $2.
same() {
	a=$(readlink "$1") && [ -n "$a" ] && [ "$a" = "$(readlink "$2")" ]
}

# How many pid namespaces deep process $1 is (1 in the initial one): the
# fields of its NSpid.
pid_depth() { set -- $(sed -n 's/^NSpid://p' "/proc/$1/status" 2>/dev/null); echo $#; }

# /proc/namespaces, the nsrs kernel's listing of every live namespace: on a
# kernel without it (the stock one), the checks that read it are skipped.
procns=/proc/namespaces
have_procns() { [ -d "$procns" ]; }
# Whether namespace NAME (type:[inum]) is listed, and active (its entry's
# mode lrwxrwxrwx; lr--r--r-- is inactive).
procns_active() {
	[ "$(stat -c %A "$procns/$1" 2>/dev/null)" = lrwxrwxrwx ]
}
# Whether namespace NAME is no longer listed.
procns_gone() { [ ! -L "$procns/$1" ]; }
# procns_check DESCRIPTION COMMAND...: check, or skip without /proc/namespaces.
procns_check() {
	if have_procns; then
		check "$@"
	else
		skip "$1" "no /proc/namespaces"
	fi
}
