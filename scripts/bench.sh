#!/bin/bash
# make bench: build both kernels and bench/nsbench, boot each kernel under
# QEMU with -icount shift=0 (guest time = instructions) twice, alternating
# stock and nsrs, then once more each in plain TCG for wall-clock figures,
# and report per-operation cost on both kernels and the ratio nsrs/stock in
# build/bench/results.md.
set -euo pipefail
. "$(dirname "$0")/env.sh"

out=$build/bench
log() { printf '==> [bench] %s\n' "$*"; }

"$top/scripts/install-deps.sh"
"$top/scripts/prepare-tree.sh"
"$top/scripts/build-kernel.sh" nsrs
"$top/scripts/build-kernel.sh" stock
"$top/scripts/build-selftests.sh"
"$top/scripts/build-samples.sh"
mkdir -p "$out"
gcc -static -O2 -Wall -o "$out/nsbench" "$top/bench/nsbench.c"
"$top/scripts/build-initramfs.sh" nsrs
"$top/scripts/build-initramfs.sh" stock

run() { # kernel, label, extra environment
	local kernel=$1 label=$2
	shift 2
	log "$label: kernel-$kernel"
	env "$@" NSRS_QUIET=1 NSRS_TIMEOUT=${NSRS_TIMEOUT:-3600} \
		"$top/scripts/run-qemu.sh" "$kernel" bench "$out/$label-$kernel.log" |
		grep --line-buffered '^BENCH' | sed 's/^/    /'
}
rm -f "$out"/*.log
for pass in 1 2; do
	for kernel in stock nsrs; do
		run "$kernel" "icount$pass" NSRS_ICOUNT=1
	done
done
for kernel in stock nsrs; do
	run "$kernel" wall NSRS_ICOUNT=0
done
"$top/scripts/bench_report.py" "$out" "$(kmake "$build/kernel-nsrs" -s kernelrelease)" |
	tee "$out/results.md"
