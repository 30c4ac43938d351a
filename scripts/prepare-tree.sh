#!/bin/bash
# Prepare the patched kernel tree: extract the Debian linux-source tarball,
# apply patches/*.patch in order, and link the project's sources in.
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
tree=${NSRS_TREE:-$top/build/linux}
patches=${NSRS_PATCHES:-$top/patches}
tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
state=$tree/.nsrs	# what was applied: a copy of the series

log() { printf '==> [tree] %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

kernel_version() {
	awk -F' = ' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { print v "." p "." s }' "$tree/Makefile"
}

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
		[ "${applied[$i]}" = "$(ls "$patches" | sort | sed -n "$((i + 1))p")" ] || break
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
			die "patch $name does not apply to Linux $(kernel_version) (from $tarball)"
		fi
		patch -d "$tree" -p1 -s --batch <"$p"
		cp "$p" "$state/applied/"
		log "applied $name"
	done
}

# Link every file under $1 of the project into the tree at the same path.
# A link may replace an earlier link, never a file of the kernel's own.
link_files() {
	local dir=$1 f dst
	[ -d "$top/$dir" ] || return 0
	while IFS= read -r f; do
		dst=$tree/$f
		if [ -e "$dst" ] && [ ! -L "$dst" ]; then
			die "$f would replace the kernel's own file"
		fi
		mkdir -p "$(dirname "$dst")"
		ln -sfn "$top/$f" "$dst"
	done < <(cd "$top" && find "$dir" -type f ! -name '*~' ! -name '.*' | sort)
}

# Drop links left over from files the project no longer has.
prune_links() {
	find "$tree/nsrs" "$tree/rust" "$tree/tools/testing/selftests" "$tree/Documentation" \
		-type l -lname "$top/*" ! -exec test -e {} \; -print 2>/dev/null |
		xargs -r rm -f
}

[ -f "$tree/Makefile" ] || extract
mkdir -p "$state/applied"
revert_changed || extract
apply_series

mkdir -p "$tree/nsrs"
ln -sfn "$top/Kbuild" "$tree/nsrs/Kbuild"
ln -sfn "$top/src" "$tree/nsrs/src"
link_files rust
link_files tools/testing/selftests
link_files Documentation
prune_links
log "Linux $(kernel_version) with $(ls "$state/applied" | wc -l) nsrs patches, sources linked"
