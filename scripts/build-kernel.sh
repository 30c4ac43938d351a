#!/bin/bash
# Configure and build one kernel from the prepared tree:
#   build-kernel.sh nsrs    -> build/kernel-nsrs   (CONFIG_NSRS=y)
#   build-kernel.sh stock   -> build/kernel-stock  (CONFIG_NSRS=n)
#   build-kernel.sh matrix/NAME -> build/kernel-matrix-NAME (make test-configs)
# The configuration is tinyconfig + configs/base.config + configs/<flavor>.config,
# redone only when a fragment changes; a matrix flavor is a variant of the
# nsrs kernel: configs/nsrs.config comes before configs/matrix/NAME.config.
# The build shows its progress every few seconds and keeps the full output
# in build/kernel-<name>/build.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

flavor=${1:?usage: build-kernel.sh nsrs|stock|debug|matrix/NAME}
[ -f "$top/configs/$flavor.config" ] || { echo "error: no configs/$flavor.config" >&2; exit 1; }
# The kernel's name, a single path component: what build-initramfs.sh and
# run-qemu.sh are given.
name=${flavor//\//-}
out=$kernels/kernel-$name
case $flavor in
matrix/*) fragments="$top/configs/base.config $top/configs/nsrs.config $top/configs/$flavor.config" ;;
*) fragments="$top/configs/base.config $top/configs/$flavor.config" ;;
esac

log() { printf '==> [kernel-%s] %s\n' "$name" "$*"; }

check_rust() {
	local msg
	if ! msg=$(kmake "$out" rustavailable 2>&1); then
		printf '%s\n' "$msg" >&2
		echo "error: Rust is not available for the kernel build (see above)" >&2
		exit 1
	fi
}

# Every option a fragment sets must hold in the final .config: its value in
# the last fragment that sets it, as merge_config.sh applies them (a matrix
# fragment's "# CONFIG_UTS_NS is not set" overrides base.config's =y).
verify_config() {
	local line opt bad=0
	local -A want=()
	local -a order=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *} ;;
		*) continue ;;
		esac
		[ -n "${want[$opt]+set}" ] || order+=("$opt")
		want[$opt]=$line
	done < <(cat $fragments)
	for opt in "${order[@]}"; do
		line=${want[$opt]}
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$out/.config" || { echo "  wanted $line" >&2; bad=1; } ;;
		*)
			! grep -q "^$opt=" "$out/.config" || { echo "  wanted $line" >&2; bad=1; } ;;
		esac
	done
	[ $bad = 0 ] || { echo "error: the kernel-$name .config lacks options above" >&2; exit 1; }
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
	[ "${NSRS_CONFIG_VERIFY:-1}" = 0 ] || verify_config
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
		echo "error: building kernel-$name failed (full log: $out/build.log)" >&2
		exit 1
	fi
	# A no-op rebuild is a handful of steps; keep the estimate of a full one.
	[ "$(cat "$out/.nsrs-steps.new")" -lt 500 ] || mv "$out/.nsrs-steps.new" "$out/.nsrs-steps"
	log "built $(kmake "$out" -s kernelrelease) in $((SECONDS - start))s"
}

check_rust
configure
build
