#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# fetch-kernels.sh CACHE_DIR [LABEL...]
#
# Makes Debian kernels usable for module tests under QEMU, without
# installing them on this machine. LABELs (default: 6.12 6.1 7):
#   6.12  CACHE_DIR/k-6.12  newest bookworm(-security) 6.12 (linux-image-6.12-amd64)
#   6.1   CACHE_DIR/k-6.1   newest 6.1.0-N-amd64 that has both image and headers
#   7     CACHE_DIR/k-7     newest 7.x in trixie-backports, or sid's when sid's
#                           is newer (from an apt config of its own in
#                           CACHE_DIR/apt-7: the host's apt stays bookworm)
# Each k-X holds:
#   vmlinuz   -> the kernel to boot (root/boot/vmlinuz-REL; 7.x:
#                root/usr/lib/modules/REL/vmlinuz)
#   config    -> its config (root/boot/config-REL; 7.x: .../REL/config)
#   build     -> root/usr/src/linux-headers-REL   for make -C build M=...
#   release   the uname -r string
#   packages  the .deb files (name_version) it was made from
#   compiler  the kernel's compiler (gcc-N, from its CONFIG_CC_VERSION_TEXT)
#   suite     7.x only: the Debian suite whose gcc-N and glibc build modules
#             for it (build-module.sh makes a chroot of it when the host's
#             compiler is not the kernel's)
#   root/     image + headers + headers-common + linux-kbuild, dpkg -x'ed
#   .done     written last: k-X is complete
# Kernels are made in LABEL order, so k-6.12/.done appears first by default.
# Host packages that are missing are installed with apt-get (root), or the
# exact apt-get line is printed and the script exits 4 (not root).
# A second run only prints the cached versions. Remove k-X to refetch it.
# FB_VM_7_SUITES ("trixie-backports sid") the suites the 7.x line is taken
# from, in order of preference on equal versions; FB_VM_DEBIAN_MIRROR their
# mirror (http://deb.debian.org/debian).
# FB_VM_KEEP_MODULES=1 keeps the kernel's own modules (lib/modules/REL/kernel),
# which are left out by default.
# Exit: 0 ok, 1 error, 2 usage, 4 this machine cannot do it (skip).
set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

prog=fetch-kernels
die() { echo "$prog: error: $*" >&2; exit 1; }
cannot() { echo "$prog: cannot run here: $*" >&2; exit 4; }
log() { echo "$prog: $*" >&2; }

[[ $# -ge 1 && -n $1 ]] || { echo "usage: $0 CACHE_DIR [LABEL...] (labels: 6.12 6.1 7)" >&2; exit 2; }
LABELS=("${@:2}")
((${#LABELS[@]})) || LABELS=(6.12 6.1 7)
for k in "${LABELS[@]}"; do
	case $k in
	6.12 | 6.1 | 7) ;;
	*) echo "$prog: unknown kernel label '$k' (known: 6.12 6.1 7)" >&2; exit 2 ;;
	esac
done
[[ $(uname -m) == x86_64 ]] || cannot "host is $(uname -m), the kernels and module builds need x86_64"
for t in apt-get apt-cache dpkg dpkg-deb dpkg-query tar flock; do
	command -v "$t" >/dev/null || cannot "no $t: needs a Debian (bookworm) host"
done

mkdir -p "$1" || die "cannot create cache dir $1"
CACHE=$(cd "$1" && pwd -P)
DEBS=$CACHE/debs
mkdir -p "$DEBS"

exec 9>"$CACHE/.lock"
flock 9 || die "cannot lock $CACHE/.lock"
rm -rf "$CACHE"/.k-*.tmp.* "$DEBS"/.dl.*   # left by an interrupted run

# ---------------------------------------------------------------- host tools
# gcc-12: both kernels were built with it (.kernelvariables: CC=...gcc-12).
# libelf1/zlib1g: objtool and resolve_btfids from linux-kbuild link them;
# libssl3: sign-file/extract-cert. pahole: BTF for modules (6.12 needs it).
# flex/bison/bc/libelf-dev are not needed: linux-kbuild ships the host tools.
HOST_PKGS=(qemu-system-x86 qemu-system-data busybox-static cpio gzip pahole
	gcc-12 make libc6-dev libelf1 zlib1g libssl3)
# debootstrap: the 7.x module build runs in a chroot of the kernel's suite
# (build-module.sh), which needs root; without root that line is skipped
# there, so debootstrap is no reason to skip here.
[[ " ${LABELS[*]} " == *" 7 "* && $(id -u) == 0 ]] && HOST_PKGS+=(debootstrap)
APT_UPDATED=0
apt_update() {
	[[ $APT_UPDATED == 1 ]] && return 0
	log "apt-get update"
	apt-get update -qq >/dev/null 2>&1 || return 1
	APT_UPDATED=1
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' ok installed$'; }

missing=()
for p in "${HOST_PKGS[@]}"; do installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
	line="apt-get install -y --no-install-recommends ${missing[*]}"
	if [[ $(id -u) != 0 ]]; then
		echo "$prog: missing host packages; as root run: $line" >&2
		exit 4
	fi
	log "installing ${missing[*]}"
	if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt_update || cannot "apt-get update failed (no package mirror reachable?)"
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
			cannot "apt-get cannot install: ${missing[*]}"
	fi
fi

# ---------------------------------------------------------------- cached?
show_cached() {
	local k
	for k in "${LABELS[@]}"; do
		printf '%s: k-%s %s (%s)\n' "$prog" "$k" "$(cat "$CACHE/k-$k/release")" \
			"$(tr '\n' ' ' <"$CACHE/k-$k/packages" | sed 's/ $//')"
	done
	echo "$prog: cache $CACHE"
}
all_done=1
for k in "${LABELS[@]}"; do [[ -f $CACHE/k-$k/.done ]] || all_done=0; done
if ((all_done)); then
	show_cached
	exit 0
fi

# ---------------------------------------------------------------- apt helpers
# (each apt-cache call costs ~0.5 s, so they are batched)
# APT_OPTS: extra apt options; empty is the host's apt, apt7_use sets the
# 7.x line's own configuration.
APT_OPTS=()
declare -A VER=()
versions() { # PKG... -> fills VER[pkg]=candidate version (only those with one)
	local line pkg='' v
	while IFS= read -r line; do
		if [[ $line =~ ^([^[:space:]]+):$ ]]; then
			pkg=${BASH_REMATCH[1]}
		elif [[ $line =~ ^\ \ Candidate:\ (.+)$ ]]; then
			v=${BASH_REMATCH[1]}
			[[ -n $pkg && $v != "(none)" ]] && VER[$pkg]=$v
		fi
	done < <(apt-cache "${APT_OPTS[@]}" policy "$@" 2>/dev/null || true)
}
depends_of() { # PKG -> one dependency name a line (alternatives too), candidate only
	apt-cache "${APT_OPTS[@]}" show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Depends: //p' | head -n1 |
		tr ',|' '\n' | sed -e 's/(.*)//' -e 's/^ *//' -e 's/ *$//' -e 's/:any$//' | sed '/^$/d' || true
}
refresh_lists() { # after apt knew nothing: update once (root) or give up
	[[ $(id -u) == 0 ]] || cannot "apt knows no $1 (not bookworm? as root run: apt-get update)"
	[[ $APT_UPDATED == 0 ]] || cannot "apt knows no $1 even after apt-get update (not bookworm?)"
	apt_update || cannot "apt-get update failed (no package mirror reachable?)"
}

# Download PKG=VER... (one apt-get call) into $DEBS unless there; sets
# DEBS_OF to their paths. Returns 4 when apt cannot download.
fetch_debs() {
	local spec pkg ver v f dl=$DEBS/.dl.$$ want=()
	for spec in "$@"; do
		pkg=${spec%%=*} ver=${spec#*=} v=${ver#*:}
		f=$(compgen -G "$DEBS/${pkg}_${v}_*.deb" | head -n1 || true)
		[[ -n $f ]] || want+=("$spec")
	done
	if ((${#want[@]})); then
		rm -rf "$dl"; mkdir -p "$dl"
		log "downloading ${want[*]}"
		if ! (cd "$dl" && apt-get download -qq -o APT::Sandbox::User=root "${APT_OPTS[@]}" "${want[@]}" >/dev/null 2>&1); then
			rm -rf "$dl"
			echo "$prog: apt-get download ${want[*]} failed" >&2
			return 4
		fi
		for f in "$dl"/*.deb; do [[ -f $f ]] && mv "$f" "$DEBS/"; done
		rm -rf "$dl"
	fi
	DEBS_OF=()
	for spec in "$@"; do
		pkg=${spec%%=*} ver=${spec#*=} v=${ver#*:}
		f=$(compgen -G "$DEBS/${pkg}_${v}_*.deb" | head -n1 || true)
		[[ -n $f ]] || die "apt-get download $spec gave no ${pkg}_${v}_*.deb"
		DEBS_OF+=("$f")
	done
}

# ---------------------------------------------------------------- resolve
# Sets IMG HDR COMMON KBUILD REL for the given series.
resolve_612() {
	IMG=$(depends_of linux-image-6.12-amd64 | grep -E '^linux-image-6\.12\.[^ ]+-amd64$' | head -n1 || true)
	if [[ -z $IMG ]]; then
		refresh_lists linux-image-6.12-amd64
		IMG=$(depends_of linux-image-6.12-amd64 | grep -E '^linux-image-6\.12\.[^ ]+-amd64$' | head -n1 || true)
		[[ -n $IMG ]] || cannot "apt knows no linux-image-6.12-amd64 naming a linux-image-6.12.*-amd64 (bookworm-security missing from sources?)"
	fi
	REL=${IMG#linux-image-}
	HDR=$(depends_of linux-headers-6.12-amd64 | grep -E '^linux-headers-6\.12\.[^ ]+-amd64$' | head -n1 || true)
	[[ $HDR == "linux-headers-$REL" ]] ||
		die "linux-image-6.12-amd64 ($IMG) and linux-headers-6.12-amd64 (${HDR:-none}) disagree"
	resolve_hdr_deps
}
resolve_61() {
	local n ns names=()
	ns=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		sed -n 's/^linux-image-6\.1\.0-\([0-9][0-9]*\)-amd64$/\1/p' | sort -rn -u || true)
	if [[ -z $ns ]]; then
		refresh_lists linux-image-6.1.0-N-amd64
		ns=$(apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
			sed -n 's/^linux-image-6\.1\.0-\([0-9][0-9]*\)-amd64$/\1/p' | sort -rn -u || true)
	fi
	for n in $ns; do names+=("linux-image-6.1.0-$n-amd64" "linux-headers-6.1.0-$n-amd64"); done
	((${#names[@]})) && versions "${names[@]}"
	for n in $ns; do
		if [[ -n ${VER[linux-image-6.1.0-$n-amd64]:-} && -n ${VER[linux-headers-6.1.0-$n-amd64]:-} ]]; then
			REL=6.1.0-$n-amd64
			IMG=linux-image-$REL
			HDR=linux-headers-$REL
			resolve_hdr_deps
			return 0
		fi
	done
	cannot "apt knows no linux-image-6.1.0-N-amd64 with matching headers"
}
resolve_hdr_deps() {
	local hdeps
	hdeps=$(depends_of "$HDR")
	COMMON=$(grep -E '^linux-headers-.*-common$' <<<"$hdeps" | head -n1 || true)
	KBUILD=$(grep -E '^linux-kbuild-' <<<"$hdeps" | head -n1 || true)
	[[ -n $COMMON ]] || die "$HDR depends on no linux-headers-*-common"
	[[ -n $KBUILD ]] || die "$HDR depends on no linux-kbuild-*"
	PKGS=("$IMG" "$HDR" "$COMMON" "$KBUILD")
}

# The 7.x line comes from trixie-backports and sid through an apt
# configuration of its own in $CACHE/apt-7 (sources, lists, downloads), so
# the host's sources and pins are neither read nor changed.
APT7=$CACHE/apt-7
# shellcheck disable=SC2206 # one suite a word
APT7_SUITES=(${FB_VM_7_SUITES:-trixie-backports sid})
APT7_MIRROR=${FB_VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
apt7_use() {
	local s
	mkdir -p "$APT7/lists/partial" "$APT7/archives/partial"
	for s in "${APT7_SUITES[@]}"; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $APT7_MIRROR $s main"
	done >"$APT7/sources.list"
	APT_OPTS=(-o Dir::Etc::SourceList="$APT7/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
		-o Dir::State::Lists="$APT7/lists" -o Dir::State::status=/dev/null
		-o Dir::Cache="$APT7" -o Dir::Cache::Archives="$APT7/archives"
		-o APT::Default-Release= -o APT::Sandbox::User=root -o APT::Architecture=amd64)
	VER=()
	log "apt-get update (own lists in $APT7: ${APT7_SUITES[*]})"
	apt-get "${APT_OPTS[@]}" update -qq >/dev/null 2>"$APT7/update.err" ||
		cannot "apt-get update of ${APT7_SUITES[*]} failed: $(tail -n 1 "$APT7/update.err")"
}
# Newest linux-image-7.*-amd64 (and its headers) of each suite; the
# trixie-backports one unless sid's is newer. linux-image-REL is a
# metapackage: vmlinuz is in linux-binary-REL, config and System.map in
# linux-base-REL (both under usr/lib/modules/REL/, no /boot).
resolve_7() {
	local names name ver suite best_ver='' s
	declare -A top_ver=() top_rel=() hdr=()
	apt7_use
	names=$(apt-cache "${APT_OPTS[@]}" pkgnames linux- 2>/dev/null |
		grep -E '^linux-(image|headers)-7\.[0-9.]+\+deb[0-9]+-amd64$' || true)
	[[ -n $names ]] || cannot "no linux-image-7.*-amd64 in ${APT7_SUITES[*]}"
	# madison: "name | version | mirror suite/main amd64 Packages"
	# shellcheck disable=SC2086 # one name a word
	while IFS='|' read -r name ver suite; do
		name=${name// /} ver=${ver// /}
		suite=$(awk '{ print $2 }' <<<"$suite") suite=${suite%%/*}
		case $name in
		linux-headers-*) hdr[${name#linux-headers-} $ver $suite]=1 ;;
		linux-image-*)
			if [[ -z ${top_ver[$suite]:-} ]] || dpkg --compare-versions "$ver" gt "${top_ver[$suite]}"; then
				top_ver[$suite]=$ver top_rel[$suite]=${name#linux-image-}
			fi ;;
		esac
	done < <(apt-cache "${APT_OPTS[@]}" madison $names 2>/dev/null || true)
	SUITE=''
	for s in "${APT7_SUITES[@]}"; do
		[[ -n ${top_ver[$s]:-} ]] || continue
		[[ -n ${hdr[${top_rel[$s]} ${top_ver[$s]} $s]:-} ]] ||
			{ log "$s: linux-image-${top_rel[$s]} ${top_ver[$s]} has no headers of that version: not used"; continue; }
		if [[ -z $best_ver ]] || dpkg --compare-versions "${top_ver[$s]}" gt "$best_ver"; then
			best_ver=${top_ver[$s]} REL=${top_rel[$s]} SUITE=$s
		fi
	done
	[[ -n $SUITE ]] || cannot "no linux-image-7.*-amd64 with matching headers in ${APT7_SUITES[*]}"
	IMG=linux-image-$REL
	HDR=linux-headers-$REL
	local ideps
	ideps=$(depends_of "$IMG")
	grep -qx "linux-binary-$REL" <<<"$ideps" || die "$IMG depends on no linux-binary-$REL"
	resolve_hdr_deps
	CC_PKG=$(depends_of "$HDR" | sed -n 's/^\(gcc-[0-9][0-9]*\)-for-host$/\1/p' | head -n1)
	[[ -n $CC_PKG ]] || die "$HDR depends on no gcc-N-for-host"
	PKGS=("linux-binary-$REL" "$HDR" "$COMMON" "$KBUILD")
	grep -qx "linux-base-$REL" <<<"$ideps" && PKGS+=("linux-base-$REL")
	[[ ${FB_VM_KEEP_MODULES:-0} == 1 ]] && PKGS+=("linux-modules-$REL")
	# backports build against their base suite's compiler and libc
	CHROOT_SUITE=${SUITE%-backports}
	log "k-7: $REL from $SUITE (${best_ver}; headers need $CC_PKG, chroot suite $CHROOT_SUITE)"
}

# ---------------------------------------------------------------- unpack
# Make every absolute symlink under ROOT point inside ROOT (relative).
relink_absolute() {
	local root=$1 l t
	while IFS= read -r -d '' l; do
		t=$(readlink "$l")
		[[ $t == /* ]] || continue
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root$t")" "$l"
	done < <(find "$root" -type l -print0)
}

# Resolve and download LABEL's packages into DEBS_OF (paths); returns 4 when
# apt cannot download.
fetch_kernel_debs() { # LABEL
	local deb specs
	APT_OPTS=() CHROOT_SUITE=''
	case $1 in
	6.12) resolve_612 ;;
	6.1) resolve_61 ;;
	7) resolve_7 ;;
	esac
	versions "${PKGS[@]}"
	log "k-$1: $REL (${PKGS[*]})"
	specs=()
	for deb in "${PKGS[@]}"; do
		[[ -n ${VER[$deb]:-} ]] || { echo "$prog: apt has no candidate for $deb" >&2; return 4; }
		specs+=("$deb=${VER[$deb]}")
	done
	fetch_debs "${specs[@]}"
}

make_kernel() { # LABEL
	local label=$1 dst=$CACHE/k-$1 tmp=$CACHE/.k-$1.tmp.$$ root debs=() f rc=0 t0=$SECONDS
	[[ -f $dst/.done ]] && { log "k-$label cached: $(cat "$dst/release")"; return 0; }
	fetch_kernel_debs "$label" || rc=$?
	if ((rc == 4)) && [[ $label != 7 && $(id -u) == 0 && $APT_UPDATED == 0 ]]; then
		# stale package lists give 404s: refresh them once and retry
		# (the 7.x line's own lists were just updated)
		apt_update || cannot "apt-get update failed (no package mirror reachable?)"
		VER=()
		rc=0
		fetch_kernel_debs "$label" || rc=$?
	fi
	((rc == 0)) || { ((rc == 4)) && cannot "cannot download the $label kernel packages"; exit "$rc"; }
	debs=("${DEBS_OF[@]}")
	rm -rf "$tmp" "$dst"
	root=$tmp/root
	mkdir -p "$root"
	for f in "${debs[@]}"; do
		if [[ ${f##*/} == linux-image-* && ${FB_VM_KEEP_MODULES:-0} != 1 ]]; then
			dpkg-deb --fsys-tarfile "$f" | tar -x -C "$root" --exclude='./lib/modules/*/kernel' ||
				die "cannot unpack $f"
		else
			dpkg -x "$f" "$root" || die "cannot unpack $f"
		fi
	done
	relink_absolute "$root"

	# The arch headers Makefile includes the common one by absolute
	# /usr/src path (7.x also sets KBUILD_OUTPUT to its own /usr/src path):
	# make both relative to the Makefile itself, so the cache can move.
	# KBUILD_OUTPUT becomes := so it is expanded before the include.
	local hdir=$root/usr/src/linux-headers-$REL mk
	[[ -f $hdir/Makefile ]] || die "$HDR has no usr/src/linux-headers-$REL/Makefile"
	for mk in "$root"/usr/src/linux-headers-*/Makefile; do
		grep -qE '^(include|KBUILD_OUTPUT).*/usr/src/' "$mk" || continue
		# shellcheck disable=SC2016 # $(...) is make syntax
		sed -i -E -e 's#^include[[:space:]]+/usr/src/([^/[:space:]]+)/#include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../\1/#' \
			-e 's#^KBUILD_OUTPUT[[:space:]]*:?=[[:space:]]*/usr/src/[^/[:space:]]+/?[[:space:]]*$#KBUILD_OUTPUT := $(realpath $(dir $(lastword $(MAKEFILE_LIST))))#' "$mk"
		! grep -q '/usr/src/' "$mk" || die "could not rewrite /usr/src paths in $mk"
	done

	# scripts/ and tools/ must reach linux-kbuild's prebuilt host tools.
	local kb=$root/usr/lib/$KBUILD d
	[[ -d $kb/scripts ]] || die "$KBUILD has no usr/lib/$KBUILD/scripts"
	for d in "$hdir" "$root/usr/src/$COMMON"; do
		for sub in scripts tools; do
			[[ -e $d/$sub || ! -d $kb/$sub ]] && continue
			ln -sfn "$(realpath -m --relative-to="$d" "$kb/$sub")" "$d/$sub"
		done
	done
	for f in scripts/basic/fixdep scripts/mod/modpost; do
		[[ -x $hdir/$f ]] || die "$hdir/$f missing after unpack"
	done
	# 6.x: /boot; 7.x: usr/lib/modules/REL/ (linux-binary-REL, linux-base-REL)
	local vmlinuz=boot/vmlinuz-$REL config=boot/config-$REL cc
	if [[ ! -f $root/$vmlinuz ]]; then
		vmlinuz=usr/lib/modules/$REL/vmlinuz config=usr/lib/modules/$REL/config
	fi
	[[ -f $root/$vmlinuz ]] || die "${PKGS[0]} has no boot/vmlinuz-$REL or usr/lib/modules/$REL/vmlinuz"
	[[ -f $root/$config ]] || config=usr/src/linux-headers-$REL/.config
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*-\)\{0,1\}\(gcc-[0-9][0-9]*\) .*/\2/p' "$hdir/.config")
	[[ -n $cc ]] || die "$hdir/.config names no gcc-N in CONFIG_CC_VERSION_TEXT"
	[[ -z $CHROOT_SUITE || $cc == "$CC_PKG" ]] ||
		die "$REL: .config names $cc but $HDR depends on $CC_PKG-for-host"

	ln -s "root/$vmlinuz" "$tmp/vmlinuz"
	ln -s "root/$config" "$tmp/config"
	ln -s "root/usr/src/linux-headers-$REL" "$tmp/build"
	echo "$cc" >"$tmp/compiler"
	[[ -z $CHROOT_SUITE ]] || echo "$CHROOT_SUITE" >"$tmp/suite"
	for f in "${debs[@]}"; do f=${f##*/}; echo "${f%_*.deb}"; done >"$tmp/packages"
	echo "$REL" >"$tmp/release"
	mv "$tmp" "$dst"
	: >"$dst/.done"
	log "k-$label ready: $REL ($((SECONDS - t0)) s)"
}

for k in "${LABELS[@]}"; do make_kernel "$k"; done
show_cached
