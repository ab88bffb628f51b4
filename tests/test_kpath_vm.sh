#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_kpath_vm.sh FOLIOBENCH_BIN BUILD_DIR   (ctest entry)
#
# Holds bench/machine/kpath.c (the copy paths predicted from CPUID) against real
# kernels: boots every kernel line of the VM test under QEMU with several
# -cpu models whose CPUID bits decide the paths, and runs only the guest
# script 40-kpath (CPUID dump -> `foliobench info --cpuid-dump --check-kernel`
# against what foliobench.ko reads from the booted kernel). One node, short
# boots. QEMU 7.2's TCG cannot advertise FSRM, so the FSRM-on path is held
# against the host's own kernel by tests/test_kpath_host.sh.
# Kernels, cache and build come from the VM test's helpers
# (tests/vm/fetch-kernels.sh, build-module.sh, mkinitramfs.sh, boot.sh,
# check-log.sh), so a kernel line fetch-kernels.sh adds joins here too.
# Logs: BUILD_DIR/vm-logs/kpath-KERNEL-MODEL.log. Work: BUILD_DIR/vm-work/kpath-*.
# Env: FB_VM_CACHE     kernel cache (default BUILD_DIR/vm-cache)
#      FB_VM_KERNELS   kernels (default: every k-* line in the cache)
#      FB_KPATH_CPUS   QEMU -cpu models, blank-separated (default below)
#      FB_KPATH_TIMEOUT seconds per boot (default 120)
# A kernel line build-module.sh cannot build for here (exit 4: e.g. 7.x
# without root for its chroot) is skipped with the reason.
# Exit: 0 all passed, 1 something failed, 4 skipped (no VMs/apt here, or no
# kernel line could be built).
set -euo pipefail
export LC_ALL=C

prog=test_kpath_vm
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
vm=$here/vm
. "$here/tap.sh"
die() { echo "$prog: error: $*" >&2; not_ok "$prog: $*"; finish; }

[[ $# -eq 2 ]] || { echo "usage: $0 FOLIOBENCH_BIN BUILD_DIR" >&2; exit 2; }
bin=$1
mkdir -p "$2" || die "cannot create build dir $2"
build=$(cd "$2" && pwd -P)
[[ -n $bin && -x $bin ]] || die "foliobench binary '$bin' not found or not executable"
bin=$(cd "$(dirname -- "$bin")" && pwd -P)/$(basename -- "$bin")
abi=$build/fb_abi_test
[[ -x $abi ]] || die "fb_abi_test not built in $build (it dumps the guest's CPUID)"

[[ $(uname -m) == x86_64 ]] || skip_all "host is $(uname -m); the Debian amd64 kernels need x86_64"
command -v apt-get >/dev/null || skip_all "not a Debian host (no apt-get) to fetch the test kernels"

# Skylake-Server .. EPYC-Milan: ERMS and REP_GOOD, no FSRM under QEMU 7.2
# (6.12+ memcpy = memcpy_orig); EPYC-Milan,-erms,-fsrm: neither string bit
# (seed 000's Zen 3 case); max: QEMU's own full set.
default_cpus="Skylake-Server Cascadelake-Server Icelake-Server EPYC-Milan EPYC-Milan,-erms,-fsrm max"
cpus=${FB_KPATH_CPUS:-$default_cpus}
cache=${FB_VM_CACHE:-$build/vm-cache}
timeout=${FB_KPATH_TIMEOUT:-120}
logs=$build/vm-logs
work=$build/vm-work
mkdir -p "$logs" "$work"
t0=$SECONDS

set +e
"$vm/fetch-kernels.sh" "$cache" 2>"$work/kpath-fetch.err" | sed 's/^/# /'
rc=${PIPESTATUS[0]}
set -e
if ((rc == 4)); then
	skip_all "$(tail -n 1 "$work/kpath-fetch.err")"
elif ((rc != 0)); then
	cat "$work/kpath-fetch.err" >&2
	die "fetch-kernels.sh failed (exit $rc)"
fi
if [[ -n ${FB_VM_KERNELS:-} ]]; then
	kernels=$FB_VM_KERNELS
else
	kernels=$(cd "$cache" && for d in k-*/.done; do [[ -f $d ]] && d=${d%/.done} && echo "${d#k-}"; done | sort -rV)
fi
[[ -n $kernels ]] || die "no kernel in $cache"

for k in $kernels; do
	kdir=$cache/k-$k
	[[ -f $kdir/.done ]] || die "kernel $k is not in the cache $cache"
	rel=$(cat "$kdir/release")
	wk=$work/kpath-$k
	mkdir -p "$wk"
	t=$SECONDS
	set +e
	"$vm/build-module.sh" "$kdir/build" "$repo/kmod-bench" "$wk/mod" >"$wk/kos.txt" 2>"$logs/kpath-$k-build.log"
	rc=$?
	set -e
	if ((rc == 4)); then    # this machine cannot build for that kernel
		why=$(tail -n 1 "$logs/kpath-$k-build.log")
		for c in $cpus; do skip "kernel $rel -cpu $c" "$why"; done
		continue
	elif ((rc != 0)); then
		tail -n 30 "$logs/kpath-$k-build.log" | sed 's/^/# /'
		for c in $cpus; do
			not_ok "kernel $rel -cpu $c: module build failed (log $logs/kpath-$k-build.log)"
		done
		continue
	fi
	mapfile -t kos <"$wk/kos.txt"
	echo "# kernel $rel: module built in $((SECONDS - t)) s"
	"$vm/mkinitramfs.sh" "$wk/initramfs.cpio.gz" --ko "${kos[@]}" --bin "$bin" "$abi" \
		--guest "$vm/guest" 2>"$wk/mkinitramfs.log" ||
		{ cat "$wk/mkinitramfs.log" >&2; die "mkinitramfs.sh failed for kernel $k"; }
	for c in $cpus; do
		log=$logs/kpath-$k-${c//,/_}.log
		t=$SECONDS
		set +e
		"$vm/boot.sh" "$kdir/vmlinuz" "$wk/initramfs.cpio.gz" --cpu "$c" --timeout "$timeout" \
			--append "FB_GUEST_ONLY=40-kpath FB_CPU=$c" >"$log" 2>"$log.err"
		brc=$?
		verdict=$("$vm/check-log.sh" "$log")
		crc=$?
		set -e
		summary="kernel $rel -cpu $c: $(tail -n 1 <<<"$verdict" | sed 's/^kernel [^:]*: //')"
		if ((brc == 0 && crc == 0)); then
			ok "$summary ($((SECONDS - t)) s)"
		else
			not_ok "$summary ($((SECONDS - t)) s, log $log)"
			sed '$d' <<<"$verdict" | sed 's/^/# /'
			grep -E '^# +[!?] ' "$log" | sed 's/^/# /' || true
			[[ -s $log.err ]] && sed 's/^/# /' "$log.err"
		fi
	done
done
echo "# total $((SECONDS - t0)) s, logs in $logs"
finish
