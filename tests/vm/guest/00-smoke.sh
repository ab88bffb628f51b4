#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest smoke test (busybox sh), run by the initramfs /init from
# tests/vm/mkinitramfs.sh. Prints TAP lines. Env from /init: FB_NODES,
# FB_KO_DIR (modules), FB_BIN_DIR (programs).
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

ko_dir=${FB_KO_DIR:-/lib/modules-fb}
bin_dir=${FB_BIN_DIR:-/usr/local/bin}

rel=$(uname -r)
if [ -n "$rel" ]; then ok "kernel release $rel"; else notok "kernel release (uname -r empty)"; fi

want=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^FB_NODES=\([0-9][0-9]*\)$/\1/p' | tail -n 1)
if [ -n "$want" ]; then
	ok "cmdline has FB_NODES=$want"
else
	notok "cmdline has FB_NODES (cmdline: $(cat /proc/cmdline))"
	want=${FB_NODES:-1}
fi

# boot.sh --memless adds a node with a CPU and no memory
want=$((want + ${FB_MEMLESS:-0}))
have=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
if [ "$have" = "$want" ]; then
	ok "numa nodes $have"
else
	notok "numa nodes $have, expected $want"
fi

# Modules named foliobench*.ko: load in name order, unload in reverse.
loaded=
mods=$(ls "$ko_dir"/foliobench*.ko 2>/dev/null)
if [ -z "$mods" ]; then
	skip "module" "not built yet"
else
	for ko in $mods; do
		name=$(basename "$ko" .ko)
		if out=$(insmod "$ko" 2>&1); then
			ok "insmod $name"
			loaded="$name $loaded"
		else
			notok "insmod $name: $out"
		fi
	done
	i=0
	while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -c /dev/foliobench ]; then ok "/dev/foliobench exists"; else notok "/dev/foliobench missing after insmod"; fi
fi

if [ -x "$bin_dir/foliobench" ]; then
	out=$("$bin_dir/foliobench" --help 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -n "$out" ]; then
		ok "foliobench --help"
	else
		notok "foliobench --help (exit $rc, $(echo "$out" | wc -l) lines)"
		echo "$out" | head -n 20 | sed 's/^/# /'
	fi
else
	skip "foliobench --help" "binary not in initramfs"
fi

for name in $loaded; do
	if out=$(rmmod "$name" 2>&1); then ok "rmmod $name"; else notok "rmmod $name: $out"; fi
done
finish
