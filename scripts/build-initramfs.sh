#!/bin/bash
# Build build/initramfs-<flavor>.cpio.gz: busybox-static, the guest scripts in
# guest/, the kselftests from build/selftests, /etc/passwd with nobody, and the
# kernel's .config at /boot/config (and /boot/config-<release>); except in
# NSRS_ONLY_SUITES images, the real clients too (util-linux, iproute2,
# bubblewrap, crun, CRIU) with their libraries, and their scenarios.
# NSRS_ONLY_SUITES="nsrs ...": the guest's test run is those kselftest suites
# only, without the topology tool's test (make test-configs).
set -euo pipefail
. "$(dirname "$0")/env.sh"

flavor=${1:?usage: build-initramfs.sh nsrs|stock|debug|matrix-NAME}
kout=$kernels/kernel-$flavor
stage=$build/initramfs-$flavor
image=$build/initramfs-$flavor.cpio.gz

# Debian's own binaries of the programs people use namespaces through
# (scripts/install-deps.sh installs them), in /usr beside busybox's applets
# of the same names, which the guest's scripts are written against.
clients="/usr/bin/unshare /usr/bin/nsenter /usr/bin/lsns /usr/bin/setpriv /usr/bin/ip
	/usr/bin/bwrap /usr/bin/crun /usr/sbin/criu"

# copy_with_libs STAGE PATH...: each program at its own path, and every
# shared object ldd resolves for it, the dynamic loader included, at the path
# ldd prints: Debian's ld.so searches /lib/x86_64-linux-gnu without a cache.
copy_with_libs() {
	local stage=$1 bin lib
	shift
	for bin; do
		if ldd "$bin" | grep -q 'not found'; then
			echo "error: ldd cannot resolve every library of $bin" >&2
			exit 1
		fi
		install -D -m 755 "$(readlink -f "$bin")" "$stage$bin"
		for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }'); do
			[ -e "$stage$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$stage$lib"
		done
	done
}

rm -rf "$stage"
stage_guest_base "$stage"
mkdir -p "$stage"/{sbin,etc,boot,root}
install -m 755 "$top/guest/nsrs-run-tests" "$top/guest/nsrs-demo" "$top/guest/nsrs-boot-check" "$stage/bin/"
install -m 644 "$top/guest/profile" "$stage/etc/profile"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
cp "$kout/.config" "$stage/boot/config"
ln -s config "$stage/boot/config-$(cat "$kout/include/config/kernel.release")"
cp -a "$build/selftests" "$stage/kselftest"
# The guest runs what the list names: filter the staged copy.
if [ -n "${NSRS_ONLY_SUITES:-}" ]; then
	awk -F: -v suites="$NSRS_ONLY_SUITES" '
		BEGIN { n = split(suites, s, " "); for (i = 1; i <= n; i++) want[s[i]] = 1 }
		$1 in want' "$build/selftests/kselftest-list.txt" >"$stage/kselftest/kselftest-list.txt"
	[ -s "$stage/kselftest/kselftest-list.txt" ] ||
		{ echo "error: build/selftests has no test of the suites $NSRS_ONLY_SUITES" >&2; exit 1; }
else
	# The namespace topology tool and its guest test (the runner runs it when the tool is in).
	[ ! -x "$build/samples/release/nsrs-lsns" ] || install -m 755 "$build/samples/release/nsrs-lsns" "$stage/bin/"
	install -m 755 "$top/guest/nsrs-lsns-test" "$stage/bin/"
	install -D -m 644 "$top/guest/tap.sh" "$stage/lib/nsrs/tap.sh"
	# The real clients and their scenarios (the runner runs each one).
	copy_with_libs "$stage" $clients
	# The image's own loader resolves each one's libraries within the image.
	for bin in $clients; do
		chroot "$stage" /lib64/ld-linux-x86-64.so.2 --list "$bin" >/dev/null 2>&1 ||
			{ echo "error: $bin cannot load from the image: a library is missing" >&2; exit 1; }
	done
	install -D -m 755 -t "$stage/lib/nsrs/clients" "$top"/guest/clients/*
	install -m 755 "$top/guest/nsrs-realroot" "$stage/bin/"
fi
# The benchmark, when make bench has built it.
[ ! -x "$build/bench/nsbench" ] || install -m 755 "$build/bench/nsbench" "$stage/bin/"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$image"
printf '==> [initramfs-%s] %s (%s)\n' "$flavor" "${image#$top/}" "$(du -h "$image" | cut -f1)"
