#!/bin/bash
# Prepare the patched kernel tree: extract the Debian linux-source tarball,
# apply patches/*.patch in order, and link the project's sources in, each
# at the place patches/series-files gives it.
#
# Re-running is cheap: unchanged patches stay applied, changed ones (and those
# after them) are reverted and re-applied, so only the files they touch get
# new timestamps; the links are refreshed.  Files that are linked, not copied, so editing a
# Rust file in src/ or rust/ is seen by the next incremental build.
#
# Environment: NSRS_TREE (default build/linux), NSRS_PATCHES (default
# patches/), KERNEL_TARBALL (default /usr/src/linux-source-6.12.tar.xz).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/series-files.sh"
tree=${NSRS_TREE:-$top/build/linux}
patches=${NSRS_PATCHES:-$top/patches}
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
state=$tree/.nsrs	# what was applied: a copy of the series

log() { printf '==> [tree] %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

extract() {
	[ -f "$tarball" ] || die "kernel source $tarball not found (install linux-source-6.12)"
	log "extracting $(basename "$tarball") into $tree (about 30 s)"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
	mv "$tree.tmp" "$tree"
	mkdir -p "$state/applied"
}

# The patches already applied that the series still starts with, unchanged;
# the rest of the applied ones are reverted, newest first, so that files the
# unchanged prefix touches keep their timestamps.
revert_changed() {
	local applied keep=0 i
	mapfile -t applied < <(ls "$state/applied" 2>/dev/null | sort)
	for i in "${!applied[@]}"; do
		cmp -s "$state/applied/${applied[$i]}" "$patches/${applied[$i]}" || break
		[ "${applied[$i]}" = "$(cd "$patches" && ls -- *.patch | sort | sed -n "$((i + 1))p")" ] || break
		keep=$((i + 1))
	done
	for ((i = ${#applied[@]} - 1; i >= keep; i--)); do
		log "reverting ${applied[$i]}"
		patch -d "$tree" -p1 -R -s --batch <"$state/applied/${applied[$i]}" >/dev/null || return 1
		rm "$state/applied/${applied[$i]}"
	done
}

apply_series() {
	local p name out
	for p in "$patches"/*.patch; do
		[ -e "$p" ] || continue
		name=$(basename "$p")
		[ -e "$state/applied/$name" ] && continue
		if ! out=$(patch -d "$tree" -p1 -s --batch --dry-run <"$p" 2>&1); then
			printf '%s\n' "$out" >&2
			die "patch $name does not apply to Linux $(kernel_version "$tree") (from $tarball)"
		fi
		patch -d "$tree" -p1 -s --batch <"$p"
		cp "$p" "$state/applied/"
		log "applied $name"
	done
}

# Link each of the project's files into the tree at its place (the one
# patches/series-files gives it, where make series adds it).  A link may
# replace an earlier link, never a file of the kernel's own.
link_files() {
	local nr src dst
	while read -r nr src dst; do
		[ "$nr" != - ] || continue
		if [ -e "$tree/$dst" ] && [ ! -L "$tree/$dst" ]; then
			die "$src would replace the kernel's own $dst"
		fi
		mkdir -p "$(dirname "$tree/$dst")"
		ln -sfn "$top/$src" "$tree/$dst"
	done <<<"$map"
}

# Drop links to the project that are no longer where a file of it goes:
# files it no longer has, or that moved.
prune_links() {
	local wanted
	wanted=$(awk '$1 != "-" { print $3 }' <<<"$map")
	(cd "$tree" && find . -path ./.nsrs -prune -o -type l -lname "$top/*" -print) |
		sed "s|^\./||" | { grep -vxF "$wanted" || true; } | sed "s|^|$tree/|" | xargs -r rm -f
	# The component's directory before it moved to kernel/nsrs/.
	[ ! -d "$tree/nsrs" ] || rmdir "$tree/nsrs" 2>/dev/null || true
}

[ -f "$tree/Makefile" ] || extract
mkdir -p "$state/applied"
revert_changed || extract
apply_series

map=$(series_map)
series_check_assigned <<<"$map"
link_files
prune_links
log "Linux $(kernel_version "$tree") with $(ls "$state/applied" | wc -l) nsrs patches, sources linked"
