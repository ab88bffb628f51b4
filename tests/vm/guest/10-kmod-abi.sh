#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# foliobench.ko through its ioctls, as root in the VM guest (busybox sh, run
# by the initramfs /init of tests/vm/mkinitramfs.sh). Prints TAP lines; the
# ioctl tests are kmod-bench/tests/fb_abi_test (a static program passed with
# --bin), numbered on from this script through a state file.
# Env from /init: FB_NODES, FB_KO_DIR, FB_BIN_DIR.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

ko=${FB_KO_DIR:-/lib/modules-fb}/foliobench.ko
abi=${FB_BIN_DIR:-/usr/local/bin}/fb_abi_test
nodes=${FB_NODES:-1}

if [ ! -f "$ko" ] || [ ! -x "$abi" ]; then
	skip "foliobench ioctl ABI" "foliobench.ko or fb_abi_test not in the initramfs"
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
check "/dev/foliobench is a character device" test -c /dev/foliobench
mode=$(stat -c %a /dev/foliobench 2>/dev/null)
check "/dev/foliobench mode $mode is 600" test "$mode" = 600

cmds="info cpu timing hotplug zones bad cap perm busy intr-alloc dma-none"
# boot.sh --movable (node 1 ZONE_MOVABLE): only what depends on the zone
[ "${FB_MOVABLE:-0}" = 1 ] && cmds="info cpu zones cap"
# shellcheck disable=SC2086
tap_exec "$abi" --tap-state "$TAP_STATE" --nodes "$nodes" $cmds
check "the release module has no fail_folio_index parameter" \
	test ! -e /sys/module/foliobench/parameters/fail_folio_index

# each rejected field is named in the kernel log (ratelimited: at least one)
if [ "${FB_MOVABLE:-0}" != 1 ]; then
	check "kernel log names an invalid RUN field" \
		sh -c 'dmesg | grep -q "foliobench: RUN: invalid [a-z_]*="'
	check "kernel log names the ABI mismatch" \
		sh -c 'dmesg | grep -q "foliobench: RUN: invalid abi_version=99"'
fi
check "kernel log has a line for the memory cap" \
	sh -c 'dmesg | grep -q "foliobench: refusing .* KiB on node .*cap is"'

if out=$(rmmod foliobench 2>&1); then ok "rmmod foliobench"; else notok "rmmod foliobench: $out"; fi
check "/dev/foliobench is gone" test ! -e /dev/foliobench
# load and unload once more: nothing left behind by the runs above
if insmod "$ko" 2>/dev/null && rmmod foliobench 2>/dev/null; then
	ok "insmod + rmmod foliobench again"
else
	notok "insmod + rmmod foliobench again"
fi

# The list copy's fault injection lives in the test build of the same
# sources (kmod-bench/tests: fb_test_foliobench.ko), never in the release.
tko=${FB_KO_DIR:-/lib/modules-fb}/fb_test_foliobench.ko
if [ "${FB_MOVABLE:-0}" = 1 ]; then
	: # the fault injection does not depend on the zone
elif [ ! -f "$tko" ]; then
	skip "list copy fallback (fail_folio_index)" "fb_test_foliobench.ko not in the initramfs"
elif out=$(insmod "$tko" 2>&1); then
	ok "insmod fb_test_foliobench (test build with fail_folio_index)"
	tap_exec "$abi" --tap-state "$TAP_STATE" --nodes "$nodes" --module fb_test_foliobench list
	if out=$(rmmod fb_test_foliobench 2>&1); then ok "rmmod fb_test_foliobench"; else notok "rmmod fb_test_foliobench: $out"; fi
else
	notok "insmod fb_test_foliobench: $out"
fi
finish
