#!/bin/bash
# Cross-language inlining (CONFIG_RUST_INLINE_HELPERS), as result lines
# "PASS|FAIL host inline/<function>": the hot paths of the nsrs kernel call
# no C helper (rust_helper_*), because each helper was inlined where Rust
# calls it, as the inline C function it wraps is where C calls it.
#
# The functions checked are those every fork, exit, setns(2) or unshare(2)
# runs through.  A helper left out of line shows up as a call to a local
# rust_helper_* symbol in vmlinux's disassembly of the function.
set -uo pipefail
. "$(dirname "$0")/env.sh"

vmlinux=${1:-$kernels/kernel-nsrs/vmlinux}
HOT="alloc_pid free_pid put_pid disable_pid_allocation nsrs_alloc_inum nsrs_free_inum
     ns_registry_add ns_registry_add_nsproxy copy_pid_ns"

report() { printf '%s host inline/%s%s\n' "$1" "$2" "${3:+  # $3}"; }

if ! grep -qx 'CONFIG_RUST_INLINE_HELPERS=y' "$kernels/kernel-nsrs/.config" 2>/dev/null; then
	report FAIL config "kernel-nsrs is built without CONFIG_RUST_INLINE_HELPERS"
	exit 0
fi
symbols=$(llvm-nm "$vmlinux")
for fn in $HOT; do
	if ! grep -qE " [Tt] $fn\$" <<<"$symbols"; then
		report FAIL "$fn" "not in vmlinux"
		continue
	fi
	calls=$(llvm-objdump -d --no-show-raw-insn --disassemble-symbols="$fn" "$vmlinux" |
		grep -oE 'call[q]?[[:space:]]+[0-9a-f]+ <rust_helper_[A-Za-z0-9_]+' |
		sed 's/.*<//' | sort -u | xargs)
	if [ -z "$calls" ]; then
		report PASS "$fn"
	else
		report FAIL "$fn" "calls $calls"
	fi
done
