# Sourced: where the project's own files go in the kernel tree, and which
# patch of the series adds them, as patches/series-files says.  Used by
# prepare-tree.sh (links) and series.sh (the patches), so that the tree make
# test builds and the series a developer applies hold the same files at the
# same places.

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

# The files patch $1 adds, as "SRC DST" lines.
series_files_of() {
	series_map | awk -v nr="$1" '$1 == nr { print $2, $3 }'
}

# Fails, naming them, if files are in no entry of the manifest.
series_check_assigned() {
	local missing
	missing=$(series_map | awk '$1 == "?" { print "  " $2 }')
	[ -z "$missing" ] || {
		printf 'error: files that %s assigns to no patch:\n%s\n' \
			"${series_manifest#$top/}" "$missing" >&2
		return 1
	}
}
