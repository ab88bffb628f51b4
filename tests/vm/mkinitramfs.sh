#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# mkinitramfs.sh OUT.cpio.gz [--ko FILE.ko ...] [--bin FILE ...]
#                [--file SRC[:DEST] ...] [--guest DIR ...]
#
# Builds a busybox-static initramfs for booting a test kernel with boot.sh.
# Every option takes one or more following arguments (up to the next --opt)
# and may be repeated.
#   --ko    module files, copied to /lib/modules-fb/ (flat, by base name)
#   --bin   programs, copied to /usr/local/bin/ (on PATH) together with the
#           shared libraries ldd names and the dynamic loader
#   --file  any other file, to DEST (absolute) or /data/BASENAME
#   --guest directory of guest test scripts, copied to /guest/ (merged)
# The guest's /init mounts proc, sysfs, devtmpfs, debugfs (if it can), a
# tmpfs on /tmp, exports FB_* settings found on the kernel command line
# (FB_NODES=N from boot.sh) plus FB_KO_DIR=/lib/modules-fb,
# FB_BIN_DIR=/usr/local/bin and FB_GUEST_DIR=/guest, prints
# "# fb-vm: kernel REL nodes N", runs every /guest/*.sh (or those FB_GUEST_ONLY
# names, a comma list without .sh) in name order with
# `sh` (cwd /tmp, stdout+stderr to the console; a script exiting other than 0
# or 4 adds a "not ok - guest script NAME exited RC" line, except 1: a
# failed check that check-log.sh finds), prints the kernel log with each line
# prefixed "dmesg: ", prints "# guest done" and powers off.  The scripts'
# TAP helpers, tests/tap.sh, are at /lib/fb/tap.sh (FB_TAP).
set -euo pipefail
export LC_ALL=C

prog=mkinitramfs
die() { echo "$prog: error: $*" >&2; exit 1; }
usage() { echo "usage: $0 OUT.cpio.gz [--ko FILE.ko ...] [--bin FILE ...] [--file SRC[:DEST] ...] [--guest DIR ...]" >&2; exit 2; }

[[ $# -ge 1 && $1 != --* ]] || usage
out=$1
shift
kos=() bins=() files=() guests=()
mode=
while (($#)); do
	case $1 in
	--ko | --bin | --file | --guest) mode=${1#--} ;;
	--help | -h) usage ;;
	--*) die "unknown option $1" ;;
	*)
		case $mode in
		ko) kos+=("$1") ;;
		bin) bins+=("$1") ;;
		file) files+=("$1") ;;
		guest) guests+=("$1") ;;
		*) die "argument $1 given before any --ko/--bin/--file/--guest" ;;
		esac
		;;
	esac
	shift
done

BUSYBOX=${FB_BUSYBOX:-/bin/busybox}
[[ -x $BUSYBOX ]] || die "no $BUSYBOX (apt-get install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked (apt-get install busybox-static)"
fi
for t in cpio gzip ldd; do command -v "$t" >/dev/null || die "$t is not installed"; done
for f in "${kos[@]}"; do [[ -f $f ]] || die "module $f not found"; done
for f in "${bins[@]}"; do [[ -f $f && -x $f ]] || die "program $f not found or not executable"; done
for d in "${guests[@]}"; do [[ -d $d ]] || die "guest dir $d not found"; done

outdir=$(dirname -- "$out")
mkdir -p "$outdir" || die "cannot create $outdir"
stage=$(mktemp -d "${TMPDIR:-/tmp}/fb-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
R=$stage/root
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib/modules-fb,proc,sys,dev,tmp,run,mnt,root,etc,guest,data}
chmod 1777 "$R/tmp"

# busybox and its applets
cp "$BUSYBOX" "$R/bin/busybox"
while IFS= read -r a; do
	[[ -n $a && $a != bin/busybox ]] || continue
	[[ -e $R/$a || -L $R/$a ]] && continue
	mkdir -p "$R/$(dirname "$a")"
	ln -s /bin/busybox "$R/$a"
done < <("$BUSYBOX" --list-full)
[[ -e $R/bin/sh ]] || ln -s busybox "$R/bin/sh"

echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"
# /dev/console for init's first stdio (init reopens it after devtmpfs anyway)
mknod -m 600 "$R/dev/console" c 5 1 2>/dev/null || true

copy_to_root() { # SRC ABS_DEST: copy, following symlinks
	mkdir -p "$R$(dirname "$2")"
	cp -L "$1" "$R$2" || die "cannot copy $1"
}

for f in "${kos[@]}"; do
	b=$(basename "$f")
	[[ -e $R/lib/modules-fb/$b ]] && die "two modules named $b"
	cp "$f" "$R/lib/modules-fb/$b"
done

for f in "${bins[@]}"; do
	b=$(basename "$f")
	cp -L "$f" "$R/usr/local/bin/$b"
	chmod 755 "$R/usr/local/bin/$b"
	# shared libraries and the loader, at the paths the binary looks for
	if lddout=$(ldd "$f" 2>&1); then
		if grep -q 'not found' <<<"$lddout"; then
			die "$f: libraries not found: $(grep 'not found' <<<"$lddout" | tr -s ' \t' ' ' | tr '\n' ';')"
		fi
		while read -r lib; do
			[[ -n $lib ]] || continue
			[[ -e $R$lib ]] || copy_to_root "$lib" "$lib"
		done < <(sed -n -e 's/^.*=> \(\/[^ ]*\) (0x.*$/\1/p' -e 's/^[[:space:]]*\(\/[^ ]*\) (0x.*$/\1/p' <<<"$lddout")
	fi
done

for spec in "${files[@]}"; do
	src=${spec%%:*}
	if [[ $spec == *:* ]]; then dest=${spec#*:}; else dest=/data/$(basename "$src"); fi
	[[ -f $src ]] || die "file $src not found"
	[[ $dest == /* ]] || die "--file destination $dest is not absolute"
	copy_to_root "$src" "$dest"
done

for d in "${guests[@]}"; do
	cp -a "$d/." "$R/guest/"
done
# the guest scripts' TAP helpers, outside /guest so /init does not run them
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
copy_to_root "$here/../tap.sh" /lib/fb/tap.sh

cat >"$R/init" <<'EOF'
#!/bin/sh
# foliobench VM test init (tests/vm/mkinitramfs.sh)
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
ip link set lo up 2>/dev/null

# FB_* settings from the kernel command line
for w in $(cat /proc/cmdline); do
	case $w in
	FB_[A-Za-z0-9_]*=*) export "$w" ;;
	esac
done
export FB_NODES=${FB_NODES:-1}
export FB_KO_DIR=/lib/modules-fb FB_BIN_DIR=/usr/local/bin FB_GUEST_DIR=/guest
export FB_TAP=/lib/fb/tap.sh

echo "# fb-vm: kernel $(uname -r) nodes $FB_NODES${FB_MEMLESS:+ and a memoryless node}${FB_MOVABLE:+ (memory-only nodes ZONE_MOVABLE)}"
for s in /guest/*.sh; do
	[ -f "$s" ] || continue
	name=${s##*/}
	# FB_GUEST_ONLY=a,b: run only the scripts named a.sh, b.sh
	case ",${FB_GUEST_ONLY:-${name%.sh}}," in
	*",${name%.sh},"*) ;;
	*) continue ;;
	esac
	echo "# fb-vm: running $name"
	(cd /tmp && sh "$s" </dev/null 2>&1)
	rc=$?
	case $rc in
	0) ;;
	1) echo "# fb-vm: $name exited 1 (failed)" ;;
	4) echo "# fb-vm: $name exited 4 (skip)" ;;
	*) echo "not ok - guest script $name exited $rc" ;;
	esac
done
sync
dmesg | sed 's/^/dmesg: /'
echo "# guest done"
poweroff -f
sleep 5
echo o >/proc/sysrq-trigger
while :; do sleep 60; done
EOF
chmod 755 "$R/init"

tmpout="$out.tmp.$$"
(cd "$R" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) | gzip -1 >"$tmpout" ||
	{ rm -f "$tmpout"; die "cannot write $out"; }
mv -f "$tmpout" "$out"
echo "$prog: wrote $out ($(du -k "$out" | cut -f1) KiB: ${#kos[@]} modules, ${#bins[@]} programs)" >&2
