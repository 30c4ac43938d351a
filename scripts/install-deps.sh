#!/bin/bash
# Install what building and booting the nsrs kernels needs, and nothing that
# is already there.  Safe to run again: a second run installs nothing.
set -euo pipefail

RUST_PIN=1.85.0+dfsg3-1~deb12u3
BINDGEN_VERSION=0.71.1
# python3-ply and python3-git: checkpatch.pl's SPDX check of new files (make
# check-series); git: make series.
PKGS="linux-source-6.12 clang-19 lld-19 llvm-19 libclang-19-dev flex bison bc
      libelf-dev libssl-dev cpio qemu-system-x86 busybox-static make gcc
      python3 perl xz-utils libcap-dev libc6-dev rsync git python3-ply python3-git
      util-linux iproute2 bubblewrap crun criu"
PINNED="rustc-web rust-web-src libstd-rust-web-dev rust-web-clippy"

log() { printf '==> [deps] %s\n' "$*"; }

installed_version() {
	dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null |
		awk '$1 == "installed" { print $2 }'
}

missing=""
for p in $PKGS; do
	[ -n "$(installed_version "$p")" ] || missing="$missing $p"
done
for p in $PINNED; do
	[ "$(installed_version "$p")" = "$RUST_PIN" ] || missing="$missing $p=$RUST_PIN"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "error: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
	log "apt-get update"
	apt-get update -q
	log "installing:$missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		--allow-downgrades $missing
else
	log "Debian packages: all present"
fi

BINDGEN="${CARGO_HOME:-$HOME/.cargo}/bin/bindgen"
if "$BINDGEN" --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
	log "bindgen $BINDGEN_VERSION: present"
else
	log "cargo install bindgen-cli $BINDGEN_VERSION (about 2 minutes)"
	cargo install --locked --version "$BINDGEN_VERSION" bindgen-cli
fi
