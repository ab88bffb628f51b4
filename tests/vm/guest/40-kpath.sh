#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel copy-path rules (bench/machine/kpath.c) against the kernel booted here
# (busybox sh, run by the initramfs /init of tests/vm/mkinitramfs.sh).
# Dumps this CPU's CPUID (fb_abi_test --cpuid-dump, the `cpuid -r` format),
# predicts from the dump with `foliobench info --cpuid-dump FILE
# --check-kernel` and compares with what foliobench.ko reads from the
# kernel: boot_cpu_has() bits, the copy_mc fragile key and the routines
# memcpy, copy_page and copy_mc_to_kernel run. Any disagreement fails.
# tests/test_kpath_vm.sh boots it under several QEMU -cpu models
# (FB_CPU=MODEL on the command line names the model). Prints TAP lines.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

ko=${FB_KO_DIR:-/lib/modules-fb}/foliobench.ko
abi=${FB_BIN_DIR:-/usr/local/bin}/fb_abi_test
fb=${FB_BIN_DIR:-/usr/local/bin}/foliobench
cpu=${FB_CPU:-max}
rel=$(uname -r)

if [ ! -f "$ko" ] || [ ! -x "$abi" ] || [ ! -x "$fb" ]; then
	skip "kpath against the kernel" "foliobench.ko, fb_abi_test or foliobench not in the initramfs"
	finish
fi
if out=$(insmod "$ko" 2>&1); then
	ok "insmod foliobench"
else
	notok "insmod foliobench: $out"
	finish
fi
i=0
while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done

dump=/tmp/cpuid-$$.txt
"$abi" --cpuid-dump >"$dump"
rc=$?
# complete enough for the rules: the vendor, signature and feature leaves
leaves=$(grep -c '^   0x' "$dump")
if [ $rc -eq 0 ] && grep -q '^   0x00000000 0x00:' "$dump" &&
	grep -q '^   0x00000001 0x00:' "$dump" && grep -q '^   0x00000007 0x00:' "$dump"; then
	ok "CPUID dump of -cpu $cpu: $leaves leaves, 0, 1 and 7 among them"
else
	notok "CPUID dump of -cpu $cpu (exit $rc, $leaves leaves)"
	sed 's/^/# /' "$dump" | head -n 20
fi

out=/tmp/kpath-$$.txt
"$fb" info --cpuid-dump "$dump" --check-kernel >"$out" 2>&1
rc=$?
sed -n '/^running kernel/,$p' "$out" | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	ok "kernel $rel on -cpu $cpu runs what bench/machine/kpath.c predicts from its CPUID dump"
else
	notok "kernel $rel on -cpu $cpu: foliobench info --check-kernel exit $rc (! marks a disagreement)"
	[ -s "$out" ] && grep -v '^  ' "$out" | tail -n 3 | sed 's/^/# /'
fi
# the module must tell these; only FSRS may be unknown (6.1 has no such bit)
unknown=$(grep -E '^  \? (FSRM|ERMS|REP_GOOD|copy_mc fragile key|memcpy|copy_page|copy_mc_to_kernel) ' "$out" |
	awk '{ print $2 }' | tr '\n' ' ')
if [ -z "$unknown" ] && grep -q 'as foliobench.ko' "$out"; then
	ok "foliobench.ko told every feature bit, the fragile key and all three routines"
else
	notok "foliobench.ko could not tell: ${unknown:-(the module view was not used)}"
fi

# info --format json carries the cmdline and the kernel config (here the
# module's build config: the guest has no /boot/config or /proc/config.gz)
json=$("$fb" info --format json 2>/dev/null)
if echo "$json" | grep -q '"cmdline": *"[^"]*FB_NODES=' &&
	echo "$json" | grep -q '"CONFIG_PREEMPT_DYNAMIC": *"[yn]"' &&
	echo "$json" | grep -Eq '"source": *"(/boot/config-|/proc/config.gz|foliobench.ko build config)'; then
	ok "info --format json has /proc/cmdline and the kernel config"
else
	notok "info --format json lacks the cmdline or the kernel config"
	echo "$json" | grep -A16 '"cmdline"' | sed 's/^/# /'
fi

# every kmod result records the kernel's own choice and the module's build
# config beside the machine block
if "$fb" copy --backend kmod --folio-count 4 --folio-sizes 64K --reps 1 --quiet \
	--output /tmp/kpath-run >/dev/null 2>&1 &&
	grep -q '"kernel_view"' /tmp/kpath-run/run.json &&
	grep -q '"build_config"' /tmp/kpath-run/run.json &&
	grep -q '"cmdline"' /tmp/kpath-run/run.json; then
	ok "a kmod result records the kernel view, the module's build config and the cmdline"
else
	notok "a kmod result lacks kernel_view, build_config or cmdline"
fi

rm -rf "$dump" "$out" /tmp/kpath-run
if out=$(rmmod foliobench 2>&1); then ok "rmmod foliobench"; else notok "rmmod foliobench: $out"; fi
finish
