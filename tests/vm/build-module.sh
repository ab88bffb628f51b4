#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# build-module.sh KBUILD_DIR SRC_DIR OUT_DIR
#
# Copies the out-of-tree module source SRC_DIR (the whole tree, e.g.
# kmod-bench with its tests/ subdirectory) into OUT_DIR, which it empties
# first, and builds it with `make -C KBUILD_DIR M=OUT_DIR modules`; then
# OUT_DIR/tests the same way if it has a Kbuild or Makefile (with the first
# build's Module.symvers as KBUILD_EXTRA_SYMBOLS).
# KBUILD_DIR is e.g. CACHE_DIR/k-6.12/build from fetch-kernels.sh.
#
# The kernel's own compiler builds it (gcc-N of the kernel's
# CONFIG_CC_VERSION_TEXT): on the host when the host has gcc-N and can run
# the kernel's kbuild host tools; otherwise (7.x: gcc-14/16, tools needing
# glibc >= 2.38) in a debootstrap chroot of the kernel's Debian suite
# holding gcc-N, made once and reused while it has that gcc-N:
#   CACHE_DIR/chroot-SUITE   when KBUILD_DIR is CACHE_DIR/k-X/build and
#                            k-X/suite names SUITE (fetch-kernels.sh writes it)
#   FB_BUILD_SUITE / FB_BUILD_CHROOT override the suite / the chroot path.
# The chroot sees the kernel's unpacked tree and OUT_DIR bind-mounted at
# their own paths, in a mount namespace of its own (nothing stays mounted).
# Making and entering it needs root: without root this exits 4 saying why.
# Make's output goes to stderr; stdout gets the built .ko files, one a line
# (absolute paths). Exit: 0 ok, 1 build failed / bad input, 2 usage,
# 4 this machine cannot build for this kernel (skip).
# FB_MAKE_ARGS adds make arguments (e.g. FB_MAKE_ARGS="W=1");
# FB_VM_DEBIAN_MIRROR the chroot's mirror (http://deb.debian.org/debian).
set -euo pipefail
export LC_ALL=C

prog=build-module
die() { echo "$prog: error: $*" >&2; exit 1; }
cannot() { echo "$prog: cannot build here: $*" >&2; exit 4; }
log() { echo "$prog: $*" >&2; }

[[ $# -eq 3 ]] || { echo "usage: $0 KBUILD_DIR SRC_DIR OUT_DIR" >&2; exit 2; }
[[ -f $1/Makefile ]] || die "$1 is not a kernel build dir (no Makefile)"
[[ -d $2 ]] || die "module source $2 is not a directory"
[[ -f $2/Kbuild || -f $2/Makefile ]] || die "module source $2 has no Kbuild or Makefile"
KB_ARG=${1%/}
KB=$(cd "$1" && pwd -P)
SRC=$(cd "$2" && pwd -P)
mkdir -p "$3" || die "cannot create $3"
OUT=$(cd "$3" && pwd -P)
[[ $OUT != "$SRC" && $OUT != "$SRC"/* ]] || die "OUT_DIR must not be inside SRC_DIR"
command -v make >/dev/null || die "make is not installed (run tests/vm/fetch-kernels.sh)"

# ---------------------------------------------------------------- compiler
# The host builds when it has the kernel's gcc-N and runs its host tools.
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*-\)\{0,1\}\(gcc-[0-9][0-9]*\) .*/\2/p' "$KB/.config" 2>/dev/null || true)
why=''
if [[ -n $cc ]] && ! command -v "$cc" >/dev/null; then
	why="built with $cc, which the host does not have"
elif [[ -x $KB/scripts/basic/fixdep ]] &&
	tool_err=$("$KB/scripts/basic/fixdep" 2>&1 </dev/null || true) &&
	[[ $tool_err == *GLIBC_* || $tool_err == *"error while loading"* ]]; then
	why="its kbuild host tools do not run on the host ($(grep -o -m1 "GLIBC_[0-9.]*' not found" <<<"$tool_err" || echo "loader error"))"
fi

CHROOT=''
if [[ -n $why ]]; then
	# the fetch-kernels.sh cache layout: KBUILD_DIR is k-X/build
	kdir=$(dirname -- "$KB_ARG")
	[[ -f $kdir/release && $kdir/build -ef $KB ]] || kdir=''
	suite=${FB_BUILD_SUITE:-}
	[[ -z $suite && -n $kdir && -f $kdir/suite ]] && suite=$(cat "$kdir/suite")
	[[ -n $suite ]] ||
		die "kernel $why; name the Debian suite that has $cc (FB_BUILD_SUITE=trixie, sid, ...) to build in a chroot of it"
	CHROOT=${FB_BUILD_CHROOT:-}
	if [[ -z $CHROOT ]]; then
		[[ -n $kdir ]] || die "kernel $why; set FB_BUILD_CHROOT=DIR for the $suite chroot to build in"
		CHROOT=$(cd "$kdir/.." && pwd -P)/chroot-$suite
	fi
	[[ $(id -u) == 0 ]] ||
		cannot "kernel $why: the build runs in a debootstrap chroot of $suite with $cc, which needs root"
	for t in unshare mount chroot flock; do
		command -v "$t" >/dev/null || cannot "kernel $why, and the chroot build needs $t"
	done
fi

# Makes (or reuses) $CHROOT: minbase $suite with $cc and what kbuild's host
# tools link (libelf, libssl, zlib) plus pahole for BTF.
make_chroot() {
	local stamp=$CHROOT/.fb-chroot mirror=${FB_VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
	local pkgs="$cc,make,libc6-dev,pahole,libelf1t64,libssl3t64,zlib1g" t0=$SECONDS
	if [[ -f $stamp && -x $CHROOT/usr/bin/$cc && $(cat "$stamp") == "$suite: "* ]]; then
		log "chroot $CHROOT: $(cat "$stamp")"
		return 0
	fi
	if ! command -v debootstrap >/dev/null; then
		log "installing debootstrap"
		apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1 ||
			cannot "kernel $why; the chroot build needs debootstrap (apt-get install debootstrap)"
	fi
	# Only a directory this script made (stamp or partial marker) is
	# removed: FB_BUILD_CHROOT may name anything.
	if [[ -e $CHROOT && ! -f $stamp && ! -f $CHROOT/.fb-chroot-partial ]] &&
		[[ -n $(ls -A "$CHROOT" 2>/dev/null) ]]; then
		die "$CHROOT exists and was not made by $prog: remove it or set FB_BUILD_CHROOT elsewhere"
	fi
	log "making the $suite chroot with $cc in $CHROOT (about 100 MB of downloads)"
	rm -rf "$CHROOT" "$CHROOT.debs"
	mkdir -p "$CHROOT" "$CHROOT.debs"
	: >"$CHROOT/.fb-chroot-partial"
	if ! debootstrap --variant=minbase --include="$pkgs" --cache-dir="$CHROOT.debs" \
		"$suite" "$CHROOT" "$mirror" >"$CHROOT.log" 2>&1; then
		tail -n 5 "$CHROOT.log" >&2
		rm -rf "$CHROOT"
		cannot "debootstrap $suite ($pkgs) from $mirror failed (log $CHROOT.log)"
	fi
	rm -rf "$CHROOT.debs" "$CHROOT/.fb-chroot-partial"
	find "$CHROOT/var/cache/apt/archives" -name '*.deb' -delete
	[[ -x $CHROOT/usr/bin/$cc ]] || die "$suite chroot has no /usr/bin/$cc"
	echo "$suite: $(chroot "$CHROOT" "$cc" --version | head -n1)" >"$stamp"
	log "chroot ready in $((SECONDS - t0)) s: $(cat "$stamp")"
}

# The tree holding KBUILD_DIR, its common headers and linux-kbuild (a
# dpkg -x root: .../usr/src/linux-headers-REL), bound into the chroot.
kroot=''
if [[ -n $CHROOT ]]; then
	[[ $KB == */usr/src/* ]] || die "$KB is not an unpacked .../usr/src/linux-headers-REL tree"
	kroot=${KB%%/usr/src/*}
	[[ -n $kroot ]] || die "headers under the host's own /usr/src cannot be bound into a chroot: unpack them with dpkg -x DIR"
	exec 8>"$CHROOT.lock"
	flock 8 || die "cannot lock $CHROOT.lock"
	make_chroot
	flock -s 8 # building needs the chroot as it is, not exclusively
fi

# Fresh copy. In a git work tree copy what git sees (tracked + untracked,
# minus ignored, so stale build output is left behind); else copy all.
find "$OUT" -mindepth 1 -delete
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard -- . |
		while IFS= read -r -d '' f; do
			[[ -e $f || -L $f ]] && printf '%s\0' "$f"
		done | xargs -0 -r cp -a --parents -t "$OUT") || die "cannot copy $SRC to $OUT"
else
	cp -a "$SRC/." "$OUT/" || die "cannot copy $SRC to $OUT"
fi
# Never reuse build output that came along.
find "$OUT" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name '*.mod.o' -o -name '.*.cmd' -o -name Module.symvers \
	-o -name modules.order -o -name '*.ko.*' \) -type f -delete

jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck disable=SC2206
extra=(${FB_MAKE_ARGS:-})
kmake() { # DIR [make args...]
	local dir=$1
	shift
	if [[ -z $CHROOT ]]; then
		echo "$prog: make -C $KB M=$dir modules $*" >&2
		make -j"$jobs" -C "$KB" M="$dir" "${extra[@]}" "$@" modules >&2 ||
			die "module build failed: make -C $KB M=$dir"
		return
	fi
	echo "$prog: in $CHROOT: make -C $KB M=$dir modules $*" >&2
	mkdir -p "$CHROOT$kroot" "$CHROOT$OUT"
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m --propagation private sh -c '
		c=$1 kroot=$2 out=$3
		shift 3
		mount --bind "$kroot" "$c$kroot" && mount --bind "$out" "$c$out" &&
			mount --rbind /dev "$c/dev" && mount --rbind /proc "$c/proc" || exit 99
		exec chroot "$c" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C "$@"' sh "$CHROOT" "$kroot" "$OUT" \
		make -j"$jobs" -C "$KB" M="$dir" "${extra[@]}" "$@" modules >&2 || {
		rc=$?
		((rc == 99)) && cannot "cannot bind-mount into the chroot $CHROOT (unshare -m / mount --bind not allowed here)"
		die "module build failed: make -C $KB M=$dir (in the $suite chroot $CHROOT)"
	}
}
kmake "$OUT"
if [[ -f $OUT/tests/Kbuild || -f $OUT/tests/Makefile ]]; then
	syms=()
	[[ -f $OUT/Module.symvers ]] && syms=(KBUILD_EXTRA_SYMBOLS="$OUT/Module.symvers")
	kmake "$OUT/tests" "${syms[@]}"
fi

mapfile -t kos < <(find "$OUT" -name '*.ko' -type f | sort)
((${#kos[@]})) || die "make succeeded but built no .ko in $OUT"
printf '%s\n' "${kos[@]}"
