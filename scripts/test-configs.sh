#!/bin/bash
# make test-configs: the nsrs kernel in the configurations make test does not
# build, one after the other: without uts, ipc, net or time namespaces,
# without control groups (and so cgroup namespaces), and fully preemptible.
# Each is configs/matrix/<name>.config on top of tinyconfig + base + nsrs,
# built into build/kernel-matrix-<name> and booted with the nsrs kselftests
# only; KUnit runs at boot.
#
# The expectations are the full nsrs kernel's: every KUnit case passes, and
# an nsrs kselftest may skip where its namespace type is absent but never
# fails; the kernel log has no report (results.py parse).  NSRS_CONFIGS="a b"
# runs some of the configurations only.  Leaves build/results-configs/:
# console-<name>.log and <name>.txt per configuration, results.txt (closing
# line "N passed, N failed") and summary.txt, the table printed at the end.
# Exits non-zero on any failure, a configuration that does not build or boot
# included.
set -euo pipefail
. "$(dirname "$0")/env.sh"

results=$build/results-configs
# In this order: the namespace types, then preemption.
all="no-uts-ns no-ipc-ns no-net-ns no-time-ns no-cgroups preempt"
configs=${NSRS_CONFIGS:-$all}
log() { printf '==> [test-configs] %s\n' "$*"; }

# "7m05s" for a number of seconds.
duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

for c in $configs; do
	[ -f "$top/configs/matrix/$c.config" ] ||
		{ echo "error: no configs/matrix/$c.config (NSRS_CONFIGS: any of $all)" >&2; exit 1; }
done
total=$(wc -w <<<"$configs")

"$top/scripts/install-deps.sh"
"$top/scripts/prepare-tree.sh"
# Every suite, as make test builds them (build/selftests is shared with it);
# the matrix images list the nsrs suite only.
"$top/scripts/build-selftests.sh"

rm -rf "$results"
mkdir -p "$results"
start=$SECONDS
declare -A built booted
i=0
for c in $configs; do
	i=$((i + 1))
	name=matrix-$c
	t0=$SECONDS
	log "$i/$total $c: building kernel-$name, the nsrs kernel with configs/matrix/$c.config (a full build takes 6 to 8 min)"
	# A configuration that does not build fails, and the others still run.
	if ! "$top/scripts/build-kernel.sh" "matrix/$c"; then
		built[$c]=FAIL
		booted[$c]=-
		log "$i/$total $c: the build failed after $(duration $((SECONDS - t0)))"
		continue
	fi
	built[$c]=ok
	t1=$SECONDS
	NSRS_ONLY_SUITES=nsrs "$top/scripts/build-initramfs.sh" "$name"
	tests=$(grep -c . "$build/initramfs-$name/kselftest/kselftest-list.txt")
	log "$i/$total $c: booting kernel-$name and running KUnit and $tests nsrs kselftests"
	if NSRS_TIMEOUT=${NSRS_TIMEOUT:-1800} "$top/scripts/run-qemu.sh" "$name" test \
		"$results/console-$c.log" |
		awk -v k="$c" -v t="$tests" '
			/^KTAP version 1/ && !kunit { kunit = 1; print "==> [" k "] KUnit suites running" }
			/^NSRS-TEST-BEGIN/ { i++; printf "==> [%s] %d/%d %s\n", k, i, t, $2; fflush() }'; then
		booted[$c]=ok
	elif grep -q 'Kernel panic - not syncing' "$results/console-$c.log" 2>/dev/null; then
		booted[$c]=panic
	else
		# Timed out, or the guest stopped before it said it was done.
		booted[$c]=incomplete
	fi
	# The kernel's name in the results is the configuration's.
	"$top/scripts/results.py" parse "$c" "$results/console-$c.log" >"$results/$c.txt"
	log "$i/$total $c: built in $(duration $((t1 - t0))), tests in $(duration $((SECONDS - t1))); $(cut -d' ' -f1 "$results/$c.txt" | sort | uniq -c | xargs)"
done

# Judged as make test judges: any FAIL line fails (the nsrs suite has no
# expected failures, and SKIP is no failure).
files=()
for c in $configs; do
	[ ! -f "$results/$c.txt" ] || files+=("$results/$c.txt")
done
rc=0
if [ ${#files[@]} -gt 0 ]; then
	"$top/scripts/results.py" judge "$top/tests/expected.txt" "${files[@]}" >"$results/results.txt" || rc=1
else
	echo "0 passed, 0 failed" >"$results/results.txt"
fi

# The table: per configuration, from results.txt ("STATUS <config> <test>").
{
	printf '%-12s %-6s %-10s %-16s %-26s %-6s %s\n' config build boot "KUnit pass/fail" \
		"kselftests pass/fail/skip" other result
	for c in $configs; do
		if [ "${built[$c]}" != ok ]; then
			printf '%-12s %-6s %-10s %-16s %-26s %-6s %s\n' "$c" FAIL - - - - FAIL
			rc=1
			continue
		fi
		awk -v k="$c" -v boot="${booted[$c]}" '
			$2 != k { next }
			$3 ~ /^kunit\// { ku[$1]++; if ($1 == "FAIL") bad++; next }
			$3 ~ /^nsrs\/[^\/]+\/./ { ks[$1]++; if ($1 == "FAIL") bad++; next }
			# The binaries exit status, the kernel log, the guest finishing.
			$1 == "FAIL" { other++; bad++ }
			END {
				printf "%-12s %-6s %-10s %-16s %-26s %-6d %s\n", k, "ok", boot,
					ku["PASS"] + 0 "/" ku["FAIL"] + 0,
					ks["PASS"] + 0 "/" ks["FAIL"] + 0 "/" ks["SKIP"] + 0, other,
					bad || boot != "ok" ? "FAIL" : "ok"
			}' "$results/results.txt"
		[ "${booted[$c]}" = ok ] || rc=1
	done
} >"$results/summary.txt"

echo
grep '^FAIL' "$results/results.txt" | sed 's/^/  /' || true
echo
cat "$results/summary.txt"
echo
log "$total configurations in $(duration $((SECONDS - start))); results: ${results#$top/}/"
failed=$(awk 'NR > 1 && $NF == "FAIL" { printf " %s", $1 }' "$results/summary.txt")
[ -z "$failed" ] || log "failed:$failed"
tail -n 1 "$results/results.txt"
exit $rc
