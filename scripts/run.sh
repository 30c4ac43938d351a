#!/bin/bash
# make run: build the nsrs kernel and boot it.  With a terminal on standard
# input, an interactive busybox shell on the serial console (leave with
# `exit`, `poweroff` or Ctrl-A X); otherwise the scripted demo, exit 0.
set -euo pipefail
. "$(dirname "$0")/env.sh"
flavor=${NSRS_KERNEL:-nsrs}

"$top/scripts/install-deps.sh"
"$top/scripts/prepare-tree.sh"
"$top/scripts/build-kernel.sh" "$flavor"
"$top/scripts/build-selftests.sh"
"$top/scripts/build-samples.sh"
"$top/scripts/build-initramfs.sh" "$flavor"
if [ -t 0 ]; then
	echo "==> booting kernel-$flavor: Ctrl-A X, 'exit' or 'poweroff' leaves"
	exec "$top/scripts/run-qemu.sh" "$flavor" shell
fi
echo "==> booting kernel-$flavor for the scripted demo (stdin is not a terminal)"
NSRS_QUIET=1 NSRS_TIMEOUT=${NSRS_TIMEOUT:-300} "$top/scripts/run-qemu.sh" "$flavor" demo "$build/demo-$flavor.log"
