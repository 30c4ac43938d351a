#!/bin/bash
# Build the kselftests the guest runs, statically linked, into
# build/selftests: the 6.12 tree's suites for what the namespace core touches
# and the project's own (tools/testing/selftests/nsrs, linked into the tree).
set -euo pipefail
. "$(dirname "$0")/env.sh"

SUITES=${NSRS_SUITES:-"nsfs pid_namespace clone3 pidfd proc nsrs"}
out=$build/selftests
log() { printf '==> [selftests] %s\n' "$*"; }

log "installing the UAPI headers into build/headers"
kmake "$build/headers" -s headers >/dev/null
log "building $SUITES (static)"
rm -rf "$out"
if ! make -C "$tree/tools/testing/selftests" -j"$JOBS" TARGETS="$SUITES" \
	CC=gcc LDFLAGS=-static \
	KHDR_INCLUDES="-isystem $build/headers/usr/include" \
	KSFT_INSTALL_PATH="$out" install >"$build/selftests.log" 2>&1; then
	tail -n 30 "$build/selftests.log" >&2
	echo "error: building the selftests failed (log: $build/selftests.log)" >&2
	exit 1
fi
log "$(grep -c . "$out/kselftest-list.txt") test binaries"
