#!/bin/bash
# Build the samples the guest carries: nsrs-lsns, the namespace topology tool
# (Rust with std, statically linked), into build/samples/release/.
set -euo pipefail
. "$(dirname "$0")/env.sh"

log() { printf '==> [samples] %s\n' "$*"; }

cargo=${CARGO:-$(command -v cargo || echo "$HOME/.cargo/bin/cargo")}
[ -x "$cargo" ] || { echo "error: cargo not found (the machine's rustup toolchain)" >&2; exit 1; }
log "building nsrs-lsns (release, static)"
# From the package directory: cargo reads .cargo/config.toml (static linking,
# build/samples as the target directory) from where it runs.
(cd "$top/samples/nsrs-lsns" && "$cargo" build --release --offline --quiet)
log "build/samples/release/nsrs-lsns ($(du -h "$build/samples/release/nsrs-lsns" | cut -f1))"
