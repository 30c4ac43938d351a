# nsrs: the Linux 6.12 namespace core in Rust.
#
#   make run    build the nsrs kernel and boot it under QEMU (a shell, or the
#               scripted demo when stdin is not a terminal)
#   make test   build both kernels (nsrs and stock) and run every suite on both
#   make test-debug  the nsrs kernel with KASAN, lockdep, kmemleak, fault
#               injection: every test, stress and fault injection included
#   make test-configs  the nsrs kernel without each optional namespace type,
#               and fully preemptible: KUnit and the nsrs kselftests on each
#   make bench  per-operation cost of the namespace paths on both kernels
#   make series the patch series a kernel developer applies with git am
#               (build/series/), generated from patches/ and the sources
#   make check-series  that series applied to a fresh tree, built and booted
#               at every patch with CONFIG_NSRS=y and off, then the tests
#
# Both install what is missing first (Debian 12, as root).  Build output goes
# to build/, which git ignores.

.PHONY: run test test-debug test-configs bench series check-series deps tree kernels selftests check-harness check-upstream clean distclean

run:
	@scripts/run.sh

test:
	@scripts/test.sh

# Every test on the nsrs kernel built with KASAN, lockdep, kmemleak and
# fault injection (configs/debug.config).
test-debug:
	@scripts/test-debug.sh

# The nsrs kernel without uts, ipc, net or time namespaces, without cgroups,
# and fully preemptible (configs/matrix/): six builds, one after the other.
test-configs:
	@scripts/test-configs.sh

# Per-operation cost, nsrs against stock, in instructions (QEMU -icount).
bench:
	@scripts/bench.sh

series: deps
	@scripts/series.sh

check-series: deps
	@scripts/check-series.sh

deps:
	@scripts/install-deps.sh

tree: deps
	@scripts/prepare-tree.sh

kernels: tree
	@scripts/build-kernel.sh nsrs
	@scripts/build-kernel.sh stock

selftests: tree
	@scripts/build-selftests.sh

check-harness:
	@scripts/test-harness.sh

# Has the C that nsrs mirrors changed in the kernel tarball since
# upstream/c-sources.txt was recorded?  (make test runs it too.)  After
# porting the changes: scripts/check_upstream.py record.
check-upstream:
	@scripts/check_upstream.py

# Keeps the extracted tree; distclean removes everything built.
clean:
	rm -rf build/kernel-* build/initramfs-* build/selftests build/results build/results-debug build/results-configs build/bench

distclean:
	rm -rf build
