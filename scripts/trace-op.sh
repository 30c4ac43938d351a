#!/bin/bash
# trace-op.sh KERNEL WORKLOAD ENTRY [OPS]: boot build/kernel-KERNEL (nsrs or
# stock) with bench/nsspin looping on WORKLOAD (see its header) and count the
# instructions of OPS (default 2) calls of the kernel function ENTRY (for
# example __x64_sys_unshare), per function, by single-stepping the guest
# through QEMU's gdbstub.  LOOP=1 counts from one ENTRY to the next instead;
# RET=1 only until ENTRY returns; SKIP=N leaves the first N calls untraced.
# Needs a built kernel and initramfs; takes seconds per 10,000 instructions.
set -euo pipefail
. "$(dirname "$0")/env.sh"
kernel=$1 workload=$2 entry=$3 ops=${4:-2}
work=$build/trace-op
mkdir -p "$work/root/bin"
gcc -static -O2 -Wall -o "$work/root/bin/nsbench" "$top/bench/nsspin.c"
(cd "$work/root" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$work/spin.cpio.gz"
# A later archive's file replaces an earlier one's: nsspin runs as nsbench.
cat "$build/initramfs-$kernel.cpio.gz" "$work/spin.cpio.gz" >"$work/initrd-$kernel.gz"
port=${NSRS_GDB_PORT:-1234}
timeout 1500 qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -m 1G \
	-nographic -no-reboot -kernel "$build/kernel-$kernel/arch/x86/boot/bzImage" \
	-initrd "$work/initrd-$kernel.gz" \
	-append "console=ttyS0 panic=-1 quiet nsrs.mode=bench nsrs.bench=$workload" \
	-icount shift=0,sleep=off,align=off -gdb "tcp::$port" -monitor none \
	</dev/null >"$work/console-$kernel.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	grep -q SPIN-START "$work/console-$kernel.log" && break
	sleep 0.2
done
python3 "$top/scripts/trace_op.py" "$port" "$build/kernel-$kernel/System.map" "$entry" "$ops"
