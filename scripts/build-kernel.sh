#!/bin/bash
# Configure and build one kernel from the prepared tree:
#   build-kernel.sh nsrs    -> build/kernel-nsrs   (CONFIG_NSRS=y)
#   build-kernel.sh stock   -> build/kernel-stock  (CONFIG_NSRS=n)
# The configuration is tinyconfig + configs/base.config + configs/<flavor>.config,
# redone only when a fragment changes.  The build shows its progress every
# few seconds and keeps the full output in build/kernel-<flavor>/build.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

flavor=${1:?usage: build-kernel.sh nsrs|stock}
out=$build/kernel-$flavor
fragments="$top/configs/base.config $top/configs/$flavor.config"
[ -f "$top/configs/$flavor.config" ] || { echo "error: no configs/$flavor.config" >&2; exit 1; }

log() { printf '==> [kernel-%s] %s\n' "$flavor" "$*"; }

check_rust() {
	local msg
	if ! msg=$(kmake "$out" rustavailable 2>&1); then
		printf '%s\n' "$msg" >&2
		echo "error: Rust is not available for the kernel build (see above)" >&2
		exit 1
	fi
}

# Every option a fragment sets must hold in the final .config.
verify_config() {
	local line opt bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$out/.config" || { echo "  wanted $line" >&2; bad=1; } ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			! grep -q "^$opt=" "$out/.config" || { echo "  wanted $line" >&2; bad=1; } ;;
		esac
	done < <(cat $fragments)
	[ $bad = 0 ] || { echo "error: the kernel-$flavor .config lacks options above" >&2; exit 1; }
}

configure() {
	local sum
	sum=$(cat $fragments | sha256sum)
	[ -f "$out/.config" ] && [ "$(cat "$out/.nsrs-config" 2>/dev/null)" = "$sum" ] && return 0
	log "configuring: tinyconfig + $(echo "$fragments" | xargs -n1 basename | xargs)"
	mkdir -p "$out"
	kmake "$out" tinyconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" $fragments >/dev/null
	kmake "$out" olddefconfig >/dev/null
	verify_config
	echo "$sum" >"$out/.nsrs-config"
}

# Print "done/expected" every 10 s from kbuild's one-line-per-step output.
progress() {
	local expected=$1 n=0 last=$SECONDS line
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$out/build.log"
		case $line in "  "[A-Z]*) n=$((n + 1)) ;; esac
		if [ $((SECONDS - last)) -ge 10 ]; then
			last=$SECONDS
			log "$n/~$expected steps, ${SECONDS}s: ${line# }"
		fi
	done
	echo "$n" >"$out/.nsrs-steps.new"
}

build() {
	local expected start=$SECONDS
	expected=$(cat "$out/.nsrs-steps" 2>/dev/null || echo 1450)
	log "building bzImage with $JOBS jobs (a full build takes 6 to 8 min on 2 cores; log: ${out#$top/}/build.log)"
	: >"$out/build.log"
	if ! kmake "$out" -j"$JOBS" bzImage 2>&1 | progress "$expected"; then
		# The first error, then the end of the log.
		grep -m1 -A25 -E '(^|: )error([:[]| )' "$out/build.log" >&2 || true
		echo "..." >&2
		tail -n 15 "$out/build.log" >&2
		echo "error: building kernel-$flavor failed (full log: $out/build.log)" >&2
		exit 1
	fi
	# A no-op rebuild is a handful of steps; keep the estimate of a full one.
	[ "$(cat "$out/.nsrs-steps.new")" -lt 500 ] || mv "$out/.nsrs-steps.new" "$out/.nsrs-steps"
	log "built $(kmake "$out" -s kernelrelease) in $((SECONDS - start))s"
}

check_rust
configure
build
