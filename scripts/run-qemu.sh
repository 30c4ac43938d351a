#!/bin/bash
# Boot build/kernel-<flavor> with build/initramfs-<flavor>.cpio.gz (or
# NSRS_INITRD) under QEMU.
#   run-qemu.sh FLAVOR shell                interactive shell on the serial
#                                           console
#   run-qemu.sh FLAVOR demo|test|boot LOG   scripted, console copied to LOG,
#                                           under a timeout (NSRS_TIMEOUT, s)
# TCG by default: on these machines a KVM guest hangs after the BIOS.
# NSRS_ACCEL=kvm opts in; NSRS_ICOUNT=1 makes guest time count instructions
# (one nanosecond each), for repeatable benchmark figures; NSRS_QUIET=1 adds
# "quiet" to the command line (the demo uses it).
set -euo pipefail
. "$(dirname "$0")/env.sh"

flavor=${1:?usage: run-qemu.sh nsrs|stock shell|demo|test [LOG]}
mode=${2:-shell}
logfile=${3:-/dev/null}
kernel=$kernels/kernel-$flavor/arch/x86/boot/bzImage
initrd=${NSRS_INITRD:-$build/initramfs-$flavor.cpio.gz}
timeout=${NSRS_TIMEOUT:-1200}

qemu=(qemu-system-x86_64 -machine q35 -accel "${NSRS_ACCEL:-tcg}" -cpu max
	-smp 2 -m 1G -nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 nsrs.mode=$mode${NSRS_QUIET:+ quiet}${NSRS_BENCH:+ nsrs.bench=$NSRS_BENCH}${NSRS_TEST_TIMEOUT:+ nsrs.test_timeout=$NSRS_TEST_TIMEOUT}")
[ "${NSRS_ICOUNT:-0}" = 1 ] && qemu+=(-icount shift=0,sleep=off,align=off)

if [ "$mode" = shell ]; then
	exec "${qemu[@]}"
fi

# Scripted: no monitor on the console (stdin is not a terminal), a hard
# timeout, and the guest must say it finished.
set +e
timeout -k 10 "$timeout" "${qemu[@]}" -monitor none </dev/null 2>&1 | tr -d '\r' | tee "$logfile"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "error: kernel-$flavor $mode run timed out after ${timeout}s" >&2
	exit 1
fi
if ! grep -q "^NSRS-GUEST-DONE" "$logfile" 2>/dev/null && [ "$logfile" != /dev/null ]; then
	echo "error: kernel-$flavor $mode run ended before the guest finished (qemu exit $rc)" >&2
	exit 1
fi
exit "$rc"
