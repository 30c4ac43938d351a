#!/bin/bash
# make series: the patch series a kernel developer applies with git am.
#
# Writes build/series/: a cover letter and one patch per file of patches/,
# against the Debian 6.12 tree (the kernel tarball).  Each patch is the C
# change of patches/NNNN-*.patch together with the project's own files that
# patches/series-files assigns to it (the Rust component, the kernel
# crate's additions, documentation, selftests), added at their place in the
# tree.  patches/ and the project's files stay the one source: the series
# is generated from them, as scripts/prepare-tree.sh builds the tree make
# test uses from them.
#
# Environment: NSRS_SERIES (default build/series), KERNEL_TARBALL.
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$top/scripts/series-files.sh"

tarball=${KERNEL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
work=$build/series-tree
out=${NSRS_SERIES:-$build/series}

log() { printf '==> [series] %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# git in the work tree, with a fixed identity and, for a commit, the
# author's date as the committer's, so that the same sources give the same
# series.
gitc() {
	git -C "$work" -c user.name="nsrs developers" -c user.email=nsrs@localhost \
		-c commit.gpgsign=false "$@"
}

# Apply patch $1 and add the project's files it carries.
add_patch() {
	local patch=$1 nr src dst date
	nr=$(basename "$patch" | cut -d- -f1)
	gitc am -q --committer-date-is-author-date "$patch" ||
		die "$(basename "$patch") does not apply to Linux $(kernel_version "$work")"
	while read -r src dst; do
		[ -e "$work/$dst" ] && die "$src would replace $dst, which the tree has"
		install -D -m "$(stat -c %a "$top/$src")" "$top/$src" "$work/$dst"
		git -C "$work" add -f "$dst"
	done < <(series_files_of "$nr" <<<"$map")
	date=$(git -C "$work" log -1 --format=%aD)
	GIT_COMMITTER_DATE=$date gitc commit -q --amend --no-edit --allow-empty
}

# Fill git's cover letter $1 from patches/cover-letter: its first line is
# the subject, @BENCHMARKS@ the table of README.md, @TESTS@ the counts of
# the last make test (build/results/results.txt).
cover_letter() {
	python3 - "$1" "$top/patches/cover-letter" "$top/README.md" "$build/results/results.txt" <<'EOF'
import collections, os, sys
cover, template, readme, results = sys.argv[1:]
subject, _, body = open(template).read().partition("\n\n")

bench, on = [], False
for line in open(readme):
    on = on or line.startswith("Benchmarks, ")
    if on and line.startswith("|"):
        bench.append(line.rstrip("\n"))
    elif bench:
        break

if os.path.exists(results):
    counts = collections.Counter()
    for line in open(results):
        fields = line.split()
        if len(fields) >= 3 and fields[0] in ("PASS", "FAIL", "SKIP"):
            counts[(fields[1], fields[0])] += 1
    tests = ["| kernel | passed | skipped | failed |", "|---|---:|---:|---:|"]
    for kernel, name in (("nsrs", "CONFIG_NSRS=y"), ("stock", "CONFIG_NSRS=n"), ("host", "host checks")):
        tests.append(f"| {name} | {counts[(kernel, 'PASS')]} | {counts[(kernel, 'SKIP')]} | {counts[(kernel, 'FAIL')]} |")
else:
    tests = ["(no results: make test has not run here)"]

body = body.replace("@BENCHMARKS@", "\n".join(bench)).replace("@TESTS@", "\n".join(tests))
text = open(cover).read()
text = text.replace("*** SUBJECT HERE ***", subject.strip()).replace("*** BLURB HERE ***", body.rstrip("\n"))
open(cover, "w").write(text)
EOF
}

map=$(series_map)
series_check_assigned <<<"$map"
log "extracting $(basename "$tarball") into ${work#$top/} (about a minute)"
pristine_git_tree "$tarball" "$work"
for p in "$top"/patches/[0-9]*.patch; do
	add_patch "$p"
done
rm -rf "$out"
gitc format-patch -q --cover-letter --no-signature --thread=shallow \
	-o "$out" base..HEAD
cover_letter "$out"/0000-cover-letter.patch
log "$(ls "$out" | grep -vc '^0000-') patches and a cover letter in ${out#$top/}, against Linux $(kernel_version "$work")"
