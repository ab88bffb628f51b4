#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# foliobench.ko's DMA engine, as root in the VM guest (busybox sh, run by
# the initramfs /init of tests/vm/mkinitramfs.sh), on the TEST ONLY software
# DMA_MEMCPY provider fb_test_dma.ko (kmod-bench/tests) in each of its modes:
# basic, DSA-like, I/OAT-like, PTDMA-like; then the quarantine after a stall
# on channels that cannot be terminated, and that the release module
# unloads once the engine finished. Prints TAP lines; the ioctl checks are
# kmod-bench/tests/fb_abi_test's dma commands.
# Env from /init: FB_NODES, FB_KO_DIR, FB_BIN_DIR.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

dir=${FB_KO_DIR:-/lib/modules-fb}
abi=${FB_BIN_DIR:-/usr/local/bin}/fb_abi_test
nodes=${FB_NODES:-1}

if [ ! -f "$dir/foliobench.ko" ] || [ ! -f "$dir/fb_test_dma.ko" ] || [ ! -x "$abi" ]; then
	skip "foliobench DMA engine" "foliobench.ko, fb_test_dma.ko or fb_abi_test not in the initramfs"
	finish
fi

load() { # MODULE ARGS...: insmod, a TAP line; exits on failure
	m=$1
	shift
	if out=$(insmod "$dir/$m.ko" "$@" 2>&1); then
		ok "insmod $m $*"
	else
		notok "insmod $m $*: $out"
		finish
	fi
}

unload() { # MODULE [LABEL]
	if out=$(rmmod "$1" 2>&1); then ok "${2:+$2: }rmmod $1"; else notok "${2:+$2: }rmmod $1: $out"; fi
}

abi() { # fb_abi_test commands, sharing the TAP numbering
	tap_exec "$abi" --tap-state "$TAP_STATE" --nodes "$nodes" "$@"
}

wait_dev() {
	i=0
	while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

for bad in nr_channels=5 mode=hpet ring_size=0; do
	if out=$(insmod "$dir/fb_test_dma.ko" $bad 2>&1); then
		notok "insmod fb_test_dma $bad should fail"
		rmmod fb_test_dma
	else
		ok "insmod fb_test_dma $bad is refused"
	fi
done

load foliobench
load fb_test_dma nr_channels=4
wait_dev
chans=$(ls /sys/class/dma 2>/dev/null | wc -l)
if [ "$chans" = 4 ]; then ok "/sys/class/dma has 4 channels"; else notok "/sys/class/dma has $chans channels, want 4"; fi
abi dma 4 dma-fail dma-skip dma-stall dma-mode basic
unload fb_test_dma

# The CLI's DMA options reach the module, and the cell records the engine,
# the mapping, the request mode and the raw phases of every sample.
cli_dma() { # LABEL
	fb=${FB_BIN_DIR:-/usr/local/bin}/foliobench
	o=/tmp/fb-dma-cli
	rm -rf $o
	if ! "$fb" copy --backend kmod --channels 1 --dma-map page --dma-request batch \
		--dma-near src --dma-irq last --folio-sizes 64K --folio-count 16 --reps 2 \
		--verify --quiet --output $o 2>$o.err; then
		notok "$1: foliobench copy --dma-*: $(tail -1 $o.err)"
		return
	fi
	why=
	for want in '"dma_engine":"dma:fb_test_dma"' '"dma_map":"dma_map_page"' \
		'"dma_irq":"last"' '"dma_request":"per_iteration"' '"numa_node":0' \
		'"dma_fallbacks":0' '"dma_quarantined":false' '"verified":true' \
		'"implementation":"dma:fb_test_dma: ' '"dma_phases_ns":{' \
		'"request":\[' '"map":\[' '"submit":\[' '"wait":\[' '"unmap":\[' \
		'"cpu_fallback":\['; do
		grep -q "$want" $o/run.json || why="$why $want"
	done
	if [ -z "$why" ]; then
		ok "$1: foliobench copy --dma-map page --dma-request batch --dma-near src --dma-irq last records engine, mapping and raw phases"
	else
		notok "$1: run.json lacks$why"
	fi
}

for mode in dsa ioat ptdma; do
	load fb_test_dma mode=$mode nr_channels=2 node=0
	abi dma-mode $mode
	[ $mode = ioat ] && cli_dma I/OAT-like
	unload fb_test_dma
done
unload foliobench

# A stall on a channel without device_terminate_all: the run quarantines
# its memory; foliobench cannot be unloaded until the engine finished (the
# stall is released), then it unloads and the provider after it.
quarantine() { # LABEL MODE fb_abi_test-COMMAND...
	label=$1 mode=$2
	shift 2
	load foliobench
	load fb_test_dma mode=$mode nr_channels=1 node=0
	wait_dev
	abi "$@"
	if out=$(rmmod foliobench 2>&1); then
		notok "quarantine ($label): rmmod foliobench succeeded while the engine may still write"
		return
	fi
	ok "quarantine ($label): rmmod foliobench is refused while the engine may still write"
	echo 1 >/sys/module/fb_test_dma/parameters/release_stall
	i=0
	while [ "$(cat /sys/module/foliobench/refcnt)" != 0 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	unload foliobench "quarantine ($label), engine finished"
	unload fb_test_dma "quarantine ($label)"
}
quarantine DSA-like dsa dma-quarantine dsa
quarantine I/OAT-like ioat dma-quarantine ioat
quarantine "DSA-like, killed" dsa dma-kill
finish
