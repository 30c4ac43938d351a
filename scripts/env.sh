# Sourced by the scripts: paths and the toolchain the kernel is built with.
# rustup's rustc comes first on PATH on these machines, but 6.12 needs the
# Debian rustc-web 1.85 with its matching core source: name it explicitly.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$top/build
tree=${NSRS_TREE:-$build/linux}
# Where the kernels are built (build/kernel-<flavor>): make check-series
# builds those of the series' tree in a directory of its own.
kernels=${NSRS_KERNELS:-$build}
export PATH=/usr/lib/llvm-19/bin:$PATH
export LIBCLANG_PATH=/usr/lib/llvm-19/lib
BINDGEN=${BINDGEN:-${CARGO_HOME:-$HOME/.cargo}/bin/bindgen}
JOBS=${JOBS:-$(nproc)}

# make in the kernel tree, building into the directory $1.
kmake() {
	local out=$1
	shift
	make -C "$tree" O="$out" LLVM=1 \
		RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
		HOSTRUSTC=/usr/bin/rustc CLIPPY_DRIVER=/usr/bin/clippy-driver \
		BINDGEN="$BINDGEN" "$@"
}
