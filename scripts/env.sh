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

# The base of every guest image, in the directory $1: busybox with a link
# per applet in bin/, the console device, and guest/init as /init.
stage_guest_base() {
	local stage=$1 applet
	mkdir -p "$stage"/{bin,proc,sys,dev,tmp,run}
	cp /bin/busybox "$stage/bin/"
	for applet in $(/bin/busybox --list); do
		[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
	done
	mknod -m 600 "$stage/dev/console" c 5 1
	install -m 755 "$top/guest/init" "$stage/init"
}

# make in the kernel tree, building into the directory $1.
kmake() {
	local out=$1
	shift
	make -C "$tree" O="$out" LLVM=1 \
		RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
		HOSTRUSTC=/usr/bin/rustc CLIPPY_DRIVER=/usr/bin/clippy-driver \
		BINDGEN="$BINDGEN" "$@"
}
