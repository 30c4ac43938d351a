#!/bin/bash
# make bench: build both kernels and bench/nsbench, boot each kernel under
# QEMU with -icount shift=0 (guest time = instructions), alternating stock
# and nsrs, then once more each in plain TCG for wall-clock figures, and
# report per-operation cost on both kernels and the ratio nsrs/stock in
# build/bench/results.md.
#
# A boot's figures are exact instruction counts, but two boots of one kernel
# differ: the guest's random seeds come from the host.  The guest's /init
# turns address-space randomisation off for the benchmark (where a fork's
# stack and mappings land changes what its page tables cost: up to 1.5%);
# what remains is under about 0.1%, the size of the differences between the
# kernels on the fork paths.  So the per-operation workloads run
# NSRS_BENCH_PASSES boots per kernel (6 by default) and the table gives the
# mean and its standard error; the enumeration workloads, where the kernels
# differ by tens of times, run in the first pass only.
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
passes=${NSRS_BENCH_PASSES:-6}
for pass in $(seq "$passes"); do
	workloads=${NSRS_BENCH:-}
	[ "$pass" = 1 ] || workloads=${NSRS_BENCH:-ops}
	for kernel in stock nsrs; do
		run "$kernel" "icount$pass" NSRS_ICOUNT=1 NSRS_BENCH="$workloads"
	done
done
for kernel in stock nsrs; do
	run "$kernel" wall NSRS_ICOUNT=0 NSRS_BENCH="${NSRS_BENCH:-}"
done
"$top/scripts/bench_report.py" "$out" "$(kmake "$build/kernel-nsrs" -s kernelrelease)" |
	tee "$out/results.md"
