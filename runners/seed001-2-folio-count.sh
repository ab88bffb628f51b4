#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 001 tables 2a and 2b: GB/s by folio count (1, 8, 64, 256, 512, 1024,
# 2048, 8192) of 2 MB folios, one CPU thread (2a) and one DMA channel (2b,
# kmod backend with a DMA engine only).  The seed migrated the folios; here,
# with two nodes with memory, the running kernel's migration of each count
# (2a's layout, beside the seed's), the copy phase alone between the same
# nodes, and the copy's share of the migration time with the Amdahl bound;
# on one node the migration is skipped with the reason.  Counts whose source and destination
# do not fit in half the free memory are left out (8192 folios = 16 GiB
# each); quick mode stops at 512 (1 GiB).  Shape checks: does throughput
# rise with the count, and plateau from 512 folios on.
. "$(dirname "$0")/lib.sh"
fb_start seed001-2-folio-count "Seed 001 tables 2a/2b: folio count sweep, 2 MB folios" "$@"

counts=$(fb_pick 1,8,64,256,512 1,8,64,256,512,1024,2048,8192 1,8,64)
[ "$MODE" = full ] || fb_left_out "folio counts above ${counts##*,} in $MODE mode (--full for 1024, 2048, 8192)"
nodes=()
[ ${#MIG_NODES[@]} -lt 2 ] || nodes=(--src-node "${MIG_NODES[0]}" --dst-node "${MIG_NODES[1]}")
avail=$(fb_avail "${MIG_NODES[0]:-0}")
[ ${#MIG_NODES[@]} -lt 2 ] || { b=$(fb_avail "${MIG_NODES[1]}"); [ "$b" -ge "$avail" ] || avail=$b; }
fb_fit_list "$counts" $((avail / 2 / (2 * (2 << 20)))) "folio counts" \
	"source and destination must fit in half of the $((avail >> 20)) MiB available"
counts=$FIT
llc=$(awk '$1 == "llc" { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+[KMG]$/) { print $i; exit } }' "$OUT/machine.txt")
if [ -n "$llc" ]; then
	fb_note "up to $(($(fb_bytes "$llc") / (2 * (2 << 20)))) folios, source and destination fit in this machine's $llc LLC: those copies can run from the cache (nothing is evicted between iterations)"
fi
reps=$(fb_pick 10 20 2)

warmup=$(fb_pick 1 2 0)

fb_copy cpu --backend "$BACKEND" --function folio_copy --mode batched --threads 1 \
	--folio-sizes 2M --folio-count "$counts" "${nodes[@]}" --reps "$reps" --warmup "$warmup" ||
	fb_skip "$FB_SKIP_WHY"
fb_seed001_migration migrate cpu 2a "1 thread" --folio-sizes 2M --folio-count "$counts" \
	--reps "$reps" --warmup "$warmup"
fb_report cpu seed001 2a

if fb_copy dma --backend kmod --mode batched --channels 1 --folio-sizes 2M \
	--folio-count "$counts" --reps "$reps" --warmup "$(fb_pick 1 2 0)"; then
	fb_report dma seed001 2b
else
	fb_left_out "table 2b (one DMA channel): $FB_SKIP_WHY"
	fb_report_seed_only seed001 2b "$FB_SKIP_WHY"
fi

if fb_have_gnuplot; then
	for r in cpu dma; do
		[ -f "$OUT/$r/run.json" ] || continue
		t=$([ $r = cpu ] && echo 2a || echo 2b)
		fb_series $t-folio-count $r seed001 $t
		fb_plot $t-folio-count lines "Seed 001 $t: GB/s vs count of 2 MB folios, one $([ $r = cpu ] && echo thread || echo DMA channel) (dashed: the seed)" \
			"xlab='Folio count (2 MB folios)'; xfmt='count'"
	done
fi
fb_finish
