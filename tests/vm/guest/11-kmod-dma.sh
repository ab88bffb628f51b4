#!/bin/sh
# foliobench.ko's DMA engine, as root in the VM guest (busybox sh, run by
# the initramfs /init of tests/vm/mkinitramfs.sh), on the TEST ONLY software
# DMA_MEMCPY provider fb_test_dma.ko (kmod-bench/tests). Prints TAP lines;
# the checks are kmod-bench/tests/fb_abi_test's dma commands.
# Env from /init: FB_NODES, FB_KO_DIR, FB_BIN_DIR.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

dir=${FB_KO_DIR:-/lib/modules-fb}
abi=${FB_BIN_DIR:-/usr/local/bin}/fb_abi_test
nodes=${FB_NODES:-1}

if [ ! -f "$dir/foliobench.ko" ] || [ ! -f "$dir/fb_test_dma.ko" ] || [ ! -x "$abi" ]; then
	skip "foliobench DMA engine" "foliobench.ko, fb_test_dma.ko or fb_abi_test not in the initramfs"
	finish
fi

if out=$(insmod "$dir/fb_test_dma.ko" nr_channels=5 2>&1); then
	notok "insmod fb_test_dma nr_channels=5 should fail"
	rmmod fb_test_dma
else
	ok "insmod fb_test_dma nr_channels=5 is refused"
fi
for m in foliobench fb_test_dma; do
	args=
	[ $m = fb_test_dma ] && args=nr_channels=4
	# shellcheck disable=SC2086
	if out=$(insmod "$dir/$m.ko" $args 2>&1); then
		ok "insmod $m $args"
	else
		notok "insmod $m $args: $out"
		finish
	fi
done
i=0
while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do
	sleep 0.1
	i=$((i + 1))
done
chans=$(ls /sys/class/dma 2>/dev/null | wc -l)
if [ "$chans" = 4 ]; then ok "/sys/class/dma has 4 channels"; else notok "/sys/class/dma has $chans channels, want 4"; fi

tap_exec "$abi" --tap-state "$TAP_STATE" --nodes "$nodes" dma 4 dma-fail dma-skip dma-stall

for m in fb_test_dma foliobench; do
	if out=$(rmmod $m 2>&1); then ok "rmmod $m"; else notok "rmmod $m: $out"; fi
done
finish
