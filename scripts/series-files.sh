# Sourced by prepare-tree.sh, series.sh and check-series.sh: where the
# project's own files go in the kernel tree, and which patch of the series
# adds them, as patches/series-files says, so that the tree make test builds
# and the series a developer applies hold the same files at the same
# places; and the kernel tree's version and a pristine tree to apply the
# series to.

series_manifest=$top/patches/series-files
# The project's files that belong in a kernel tree.
series_roots="Kbuild rust src Documentation tools/testing/selftests"

# Every project file as "NR SRC DST": the patch number that adds it (- for
# one the series leaves out), its path here and its path in the tree.
series_map() {
	(cd "$top" && find $series_roots -type f ! -name '*~' ! -name '.*' | sort) |
		awk -v manifest="$series_manifest" '
			BEGIN {
				while ((getline line < manifest) > 0) {
					if (line ~ /^[ \t]*(#|$)/)
						continue
					n = split(line, f, /[ \t]+/)
					nr[f[2]] = f[1]
					dst[f[2]] = n > 2 ? f[3] : f[2]
				}
			}
			{
				# The longest entry that is the file or a directory above it.
				best = ""
				for (p in nr)
					if (($0 == p || index($0, p "/") == 1) && length(p) > length(best))
						best = p
				if (best == "") {
					print "? " $0 " -"
					next
				}
				print nr[best], $0, dst[best] substr($0, length(best) + 1)
			}'
}

# Of the map on standard input, the files patch $1 adds, as "SRC DST" lines.
series_files_of() {
	awk -v nr="$1" '$1 == nr { print $2, $3 }'
}

# Fails, naming them, if files of the map on standard input are in no entry
# of the manifest.
series_check_assigned() {
	local missing
	missing=$(awk '$1 == "?" { print "  " $2 }')
	[ -z "$missing" ] || {
		printf 'error: files that %s assigns to no patch:\n%s\n' \
			"${series_manifest#$top/}" "$missing" >&2
		return 1
	}
}

# The version of the kernel tree $1: 6.12.118.
kernel_version() {
	awk -F' = ' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } END { print v "." p "." s }' "$1/Makefile"
}

# Extract tarball $1 into $2, a git repository whose one commit, tagged
# base, is the tarball (fixed author and date, so the same tarball gives
# the same commit).
pristine_git_tree() {
	rm -rf "$2"
	mkdir -p "$2"
	tar -xf "$1" -C "$2" --strip-components=1
	git -C "$2" init -q
	git -C "$2" add -A -f	# Debian's .gitignore ignores the whole top level
	GIT_AUTHOR_DATE="2000-01-01 00:00:00 +0000" GIT_COMMITTER_DATE="2000-01-01 00:00:00 +0000" \
		git -C "$2" -c user.name="nsrs developers" -c user.email=nsrs@localhost \
		-c commit.gpgsign=false commit -q -m "Linux $(kernel_version "$2") (Debian linux-source-6.12)"
	git -C "$2" tag base
}
