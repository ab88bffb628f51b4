#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_kmod_vm.sh FOLIOBENCH_BIN BUILD_DIR   (ctest entry)
#
# Tests kmod-bench in Debian's 6.12, 6.1 and newest 7.x kernels booted under QEMU (this
# machine cannot load modules into its own kernel). For each kernel: fetch
# and unpack it (tests/vm/fetch-kernels.sh, cached), build every module in
# kmod-bench (and kmod-bench/tests), make an initramfs holding the .ko files,
# the foliobench CLI and the guest scripts of tests/vm/guest, boot it with
# 1 and with 2 NUMA nodes, with 2 nodes plus a memoryless CPU node for
# the smoke and migrate scripts (their "node without memory" cases), and
# with 2 nodes whose node 1 is CXL-like memory onlined ZONE_MOVABLE
# (boot.sh --movable) for the ioctl, CLI and migrate scripts, and judge each
# serial log (tests/vm/check-log.sh).
# Logs: BUILD_DIR/vm-logs/. Work files: BUILD_DIR/vm-work/.
# Env: FB_VM_CACHE     kernel cache (default BUILD_DIR/vm-cache)
#      FB_VM_KERNELS   kernels to test (default "6.12 6.1 7"; 7 is the newest
#                      7.x of trixie-backports and sid, built in a chroot
#                      with its own gcc: skipped with the reason without root)
#      FB_VM_NODES     node counts to boot (default "1 2 2m 2mov"; Nm: N
#                      nodes with memory and boot.sh --memless; Nmov: N
#                      nodes, the memory-only ones ZONE_MOVABLE, boot.sh
#                      --movable)
#      FB_VM_TIMEOUT   seconds per boot (default 600: the 2-node boot runs
#                      every guest script, seed 001's runners too)
#      FB_VM_JOBS      kernels tested at a time (default nproc; each boot is
#                      one single-threaded TCG QEMU)
#      FB_VM_MODULE_SRC module source tree (default kmod-bench)
# Prints TAP (tests/tap.sh): one line per boot, the plan, "N passed, N
# failed, N skipped". Exit: 0 all passed, 1 something failed, 4 skipped
# because this machine cannot run VMs/apt or build for any of the kernels.
set -euo pipefail
export LC_ALL=C

prog=test_kmod_vm
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

[[ $(uname -m) == x86_64 ]] || skip_all "host is $(uname -m); the Debian amd64 kernels and module builds need x86_64"
command -v apt-get >/dev/null || skip_all "not a Debian host (no apt-get) to fetch the test kernels"

# The module's ioctl test program (static), built by CMake beside the CLI.
abi_bin=()
[[ -x $build/fb_abi_test ]] && abi_bin=("$build/fb_abi_test")
[[ ${#abi_bin[@]} -gt 0 ]] || echo "# fb_abi_test not built in $build: the ioctl ABI scripts will skip"

# Seed 000's runner for the ZONE_MOVABLE boot (20-cli-kmod.sh) and seed
# 001's migration runners (35-seed001.sh): bash and the files they read, at
# /repo as in the source tree.
runner_files=()
for f in runners/lib.sh runners/locate.sh runners/seed000-folio-mc-copy.sh runners/reference/seed000.ref plots/bars.gp \
	runners/seed001-1a-threads.sh runners/seed001-2-folio-count.sh runners/seed001-3-placement.sh \
	runners/reference/seed001.ref plots/lines.gp; do
	runner_files+=("$repo/$f:/repo/$f")
done
bash_bin=$(command -v bash)

cache=${FB_VM_CACHE:-$build/vm-cache}
logs=$build/vm-logs
work=$build/vm-work
kernels=${FB_VM_KERNELS:-6.12 6.1 7}
nodes_list=${FB_VM_NODES:-1 2 2m 2mov}
timeout=${FB_VM_TIMEOUT:-600}
mkdir -p "$logs" "$work"
t0=$SECONDS

set +e
# shellcheck disable=SC2086 # one label a word
"$vm/fetch-kernels.sh" "$cache" $kernels 2>"$work/fetch.err" | sed 's/^/# /'
rc=${PIPESTATUS[0]}
set -e
if ((rc == 4)); then
	skip_all "$(tail -n 1 "$work/fetch.err")"
elif ((rc != 0)); then
	cat "$work/fetch.err" >&2
	die "fetch-kernels.sh failed (exit $rc)"
fi
echo "# kernels ready in $((SECONDS - t0)) s (cache $cache)"

src=${FB_VM_MODULE_SRC:-$repo/kmod-bench}
have_module=0
[[ -f $src/Kbuild || -f $src/Makefile ]] && have_module=1
((have_module)) || echo "# $src has no Kbuild/Makefile yet: booting without modules"

for k in $kernels; do
	[[ -f $cache/k-$k/.done ]] || die "kernel $k is not in the cache (fetch-kernels.sh makes 6.12, 6.1 and 7)"
done
jobs_max=${FB_VM_JOBS:-$(nproc 2>/dev/null || echo 1)}
[[ $jobs_max =~ ^[1-9][0-9]*$ ]] || die "FB_VM_JOBS='$jobs_max' is not a positive integer"

# One kernel line: build, initramfs, boots. Prints one ok/not ok line per
# boot (counted at the end); runs as a background job, FB_VM_JOBS at a time.
test_kernel() { # K
	k=$1
	kdir=$cache/k-$k
	rel=$(cat "$kdir/release")
	wk=$work/$k
	mkdir -p "$wk"
	kos=()
	if ((have_module)); then
		t=$SECONDS
		brc=0
		"$vm/build-module.sh" "$kdir/build" "$src" "$wk/mod" >"$wk/kos.txt" 2>"$logs/$k-build.log" || brc=$?
		if ((brc == 4)); then
			# e.g. 7.x without root: its chroot build cannot run here
			why=$(grep -m1 'cannot build here' "$logs/$k-build.log" | sed 's/^[^:]*: cannot build here: //')
			for n in $nodes_list; do
				echo "ok - kernel $rel nodes $n # SKIP ${why:-build-module.sh exit 4}"
			done
			return 0
		fi
		if ((brc == 0)) && mapfile -t kos <"$wk/kos.txt" && ((${#kos[@]})); then
			echo "# kernel $rel: built ${#kos[@]} module(s) in $((SECONDS - t)) s: $(for f in "${kos[@]}"; do basename "$f"; done | tr '\n' ' ')"
		else
			tail -n 30 "$logs/$k-build.log" | sed 's/^/# /'
			for n in $nodes_list; do
				echo "not ok - kernel $rel nodes $n: module build failed (log $logs/$k-build.log)"
			done
			return 0
		fi
	fi
	"$vm/mkinitramfs.sh" "$wk/initramfs.cpio.gz" --ko "${kos[@]}" --bin "$bin" "${abi_bin[@]}" "$bash_bin" \
		--file "${runner_files[@]}" --guest "$vm/guest" 2>"$wk/mkinitramfs.log" ||
		{ cat "$wk/mkinitramfs.log" >&2; echo "not ok - kernel $rel: mkinitramfs.sh failed"; return 1; }
	for n in $nodes_list; do
		log=$logs/$k-nodes$n.log
		t=$SECONDS
		set +e
		case $n in
		*mov) boot_args=(--nodes "${n%mov}" --movable --append FB_GUEST_ONLY=00-smoke,10-kmod-abi,20-cli-kmod,30-migrate) ;;
		*m) boot_args=(--nodes "${n%m}" --memless --append FB_GUEST_ONLY=00-smoke,30-migrate) ;;
		*) boot_args=(--nodes "$n") ;;
		esac
		for try in 1 2; do
			"$vm/boot.sh" "$kdir/vmlinuz" "$wk/initramfs.cpio.gz" "${boot_args[@]}" \
				--timeout "$timeout" >"$log" 2>"$log.err"
			brc=$?
			# A kernel that dies before /init starts has not loaded the
			# module yet: an emulation fault (once here: an int3 Oops of
			# boot-time text patching), so boot it once more, saying so.
			grep -q '^# fb-vm: kernel ' "$log" && break
			((try == 2)) && break
			echo "# kernel $rel nodes $n died before the guest started ($(grep -m1 -E 'Oops|panic' "$log" || echo "exit $brc")); booting once more"
			mv "$log" "$log.try1"
		done
		verdict=$("$vm/check-log.sh" "$log")
		crc=$?
		set -e
		summary=$(tail -n 1 <<<"$verdict")
		if ((brc == 0 && crc == 0)); then
			echo "ok - $summary ($((SECONDS - t)) s)"
		else
			echo "not ok - $summary ($((SECONDS - t)) s, log $log)"
			sed '$d' <<<"$verdict" | sed 's/^/# /'
			[[ -s $log.err ]] && sed 's/^/# /' "$log.err"
		fi
	done
}

# A kernel's lines are printed when it is done; a job that died without
# saying why counts as one more failure.
declare -A kernel_of=()
running=0
collect() {
	local pid st=0
	wait -n -p pid || st=$?
	running=$((running - 1))
	cat "$work/${kernel_of[$pid]}.out"
	if ((st != 0)) && ! grep -q '^not ok' "$work/${kernel_of[$pid]}.out"; then
		echo "not ok - kernel ${kernel_of[$pid]}: its test job exited $st" | tee -a "$work/${kernel_of[$pid]}.out"
	fi
}
for k in $kernels; do
	((running < jobs_max)) || collect
	test_kernel "$k" >"$work/$k.out" &
	kernel_of[$!]=$k
	running=$((running + 1))
done
while ((running)); do collect; done

# The jobs printed their lines; count them as this script's own.
for k in $kernels; do
	while IFS= read -r line; do
		case $line in
		"not ok - "*) not_ok "${line#not ok - }" ;;
		"ok - "*) ok "${line#ok - }" ;;
		esac
	done <"$work/$k.out"
done >/dev/null
echo "# total $((SECONDS - t0)) s ($jobs_max kernel(s) at a time), logs in $logs"
finish
