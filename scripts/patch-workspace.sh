#!/bin/bash
# Edit the C patch series as git commits.
#   patch-workspace.sh start [FILE...]
#                               build/patchwork: a git repository holding the
#                               stock versions of the files the series touches,
#                               and of FILE... (commit "base"), with the series
#                               applied on top
#   patch-workspace.sh export   rewrite patches/ from its commits after base
# In between, edit, commit, amend or rebase there.
set -euo pipefail
. "$(dirname "$0")/env.sh"
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
ws=$build/patchwork

start() {
	local files
	files=$({ cat "$top"/patches/*.patch | sed -n 's|^diff --git a/\(.*\) b/.*|\1|p'
		printf '%s\n' "$@"; } | sort -u)
	rm -rf "$ws"
	mkdir -p "$ws"
	# Only the files that exist in the stock tree; new ones come from the patches.
	tar -xf "$tarball" -C "$ws" --strip-components=1 --wildcards --no-wildcards-match-slash \
		$(sed 's|^|*/|' <<<"$files") 2>/dev/null || true
	git -C "$ws" init -q
	git -C "$ws" add -A
	git -C "$ws" -c user.name=base -c user.email=base@localhost commit -qm base --allow-empty
	git -C "$ws" tag base
	git -C "$ws" am -q "$top"/patches/*.patch
	echo "patch workspace: $ws ($(git -C "$ws" rev-list --count base..HEAD) patches on base)"
}

export_series() {
	[ -d "$ws/.git" ] || { echo "error: no workspace; run '$0 start'" >&2; exit 1; }
	rm -f "$top"/patches/*.patch
	git -C "$ws" format-patch -q --no-signature -o "$top/patches" base..HEAD
	ls "$top/patches"
}

case ${1:-} in
start) shift; start "$@" ;;
export) export_series ;;
*) echo "usage: $0 start|export" >&2; exit 2 ;;
esac
