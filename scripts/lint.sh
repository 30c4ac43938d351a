#!/bin/bash
# Style checks, as result lines "PASS|FAIL host lint/<check>":
# checkpatch.pl on every patch of the series and rustfmt on the Rust sources.
set -uo pipefail
. "$(dirname "$0")/env.sh"

report() { printf '%s host lint/%s%s\n' "$1" "$2" "${3:+  # $3}"; }

for p in "$top"/patches/*.patch; do
	name=$(basename "$p" .patch)
	# Run from the kernel tree: checkpatch looks for its tree and git there.
	# In a git tree (make check-series's) it checks new files' SPDX lines
	# with scripts/spdxcheck.py, which needs a python3 with ply and git:
	# Debian's, which a python3 earlier on PATH (pyenv's) may not be.
	if out=$(cd "$tree" && PATH=/usr/bin:$PATH scripts/checkpatch.pl -q --no-summary "$p" 2>&1) && [ -z "$out" ]; then
		report PASS "checkpatch/$name"
	else
		report FAIL "checkpatch/$name" "$(head -n 2 <<<"$out" | tr '\n' ' ')"
	fi
done

mapfile -t rust_files < <(cd "$top" && find src rust -name '*.rs' | sort)
if out=$(cd "$top" && rustfmt --check --edition 2021 \
	--config-path "$tree/.rustfmt.toml" "${rust_files[@]}" 2>&1); then
	report PASS rustfmt
else
	report FAIL rustfmt "$(grep -m1 '^Diff in' <<<"$out")"
fi

# The samples are userspace Rust with std: the default rustfmt style and
# clippy, warnings as errors.
samples=$top/samples/nsrs-lsns
mapfile -t sample_files < <(cd "$samples" && find src tests -name '*.rs' | sort)
if out=$(cd "$samples" && rustfmt --check --edition 2021 "${sample_files[@]}" 2>&1); then
	report PASS rustfmt-samples
else
	report FAIL rustfmt-samples "$(grep -m1 '^Diff in' <<<"$out")"
fi
cargo=${CARGO:-$(command -v cargo || echo "$HOME/.cargo/bin/cargo")}
if ! (cd "$samples" && "$cargo" clippy --version) >/dev/null 2>&1; then
	report SKIP clippy-samples "cargo clippy is not installed"
elif out=$(cd "$samples" && "$cargo" clippy --offline --quiet --all-targets -- -D warnings 2>&1); then
	report PASS clippy-samples
else
	report FAIL clippy-samples "$(grep -m1 -E '^(error|warning)' <<<"$out")"
fi
