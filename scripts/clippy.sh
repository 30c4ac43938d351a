#!/bin/bash
# `make CLIPPY=1` on the project's Rust, as a result line "PASS|FAIL host
# lint/clippy".  It builds in its own directory, build/kernel-clippy, with
# kernel-nsrs's .config, so the kernel builds keep their objects: the kernel
# crate (with rust/kernel/ns.rs and kunit_suite.rs) and kernel/nsrs/nsrs.o go
# through clippy-driver.  Only warnings in the project's own files count: the
# stock crate's are not ours to fix.
set -uo pipefail
. "$(dirname "$0")/env.sh"

out=$kernels/kernel-clippy
log=$out/clippy.log
mkdir -p "$out"
cmp -s "$kernels/kernel-nsrs/.config" "$out/.config" || cp "$kernels/kernel-nsrs/.config" "$out/.config"
if ! kmake "$out" CLIPPY=1 -j"$JOBS" olddefconfig prepare kernel/nsrs/nsrs.o >"$log" 2>&1; then
	printf 'FAIL host lint/clippy  # the clippy build failed: %s\n' "$(grep -m1 -E '^error' "$log")"
	exit 0
fi
# The tree paths of the project's Rust files (patches/series-files).
. "$top/scripts/series-files.sh"
files=$(series_map | awk '$3 ~ /\.rs$/ { print $3 }' | sed 's|\.|\\.|g' | paste -sd'|')
ours=$(grep -A3 -E '^(warning|error)' "$log" | grep -E -- "--> .*/($files):" | sort -u)
if [ -z "$ours" ]; then
	echo "PASS host lint/clippy"
else
	printf 'FAIL host lint/clippy  # %s (log: %s)\n' "$(head -n1 <<<"$ours" | xargs)" "${log#$top/}"
fi
