#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 001 table 1b: GB/s by DMA channel count (1, 2, 4, 8, 16) and folio
# size (4K..2M), 1 GB per cell, through the foliobench module's DMA path
# (DCBM's scheme: contiguous blocks of folios per channel, one descriptor
# per folio).  Needs the kmod backend and DMA_MEMCPY channels: where the
# module is not loaded or there is no DMA engine, it prints the reason, the
# seed's table alone, and exits 4.
. "$(dirname "$0")/lib.sh"
fb_start seed001-1b-dma "Seed 001 table 1b: DMA channels x folio size" "$@"

fb_fit_total "$(fb_pick 256M 1G 4M)" 0
total=$FIT
[ "$MODE" = full ] || fb_left_out "the seed's 1 GB per cell: $total per cell in $MODE mode (--full for 1 GB)"

channels=1,2,4,8,16
[ "$NDMA" -eq 0 ] || { fb_fit_list $channels "$NDMA" "channels" "/sys/class/dma lists $NDMA channels"; channels=$FIT; }

if ! fb_copy dma --backend kmod --mode batched --channels "$channels" --folio-sizes 4K-2M \
	--total "$total" --reps "$(fb_pick 5 10 2)" --warmup "$(fb_pick 1 1 0)"; then
	fb_report_seed_only seed001 1b "$FB_SKIP_WHY"
	fb_skip "$FB_SKIP_WHY"
fi
fb_report dma seed001 1b

if [ -f "$OUT/dma/run.json" ] && fb_have_gnuplot; then
	fb_series 1b-dma dma seed001 1b
	fb_plot 1b-dma lines "Seed 001 1b: GB/s vs folio size, one line per DMA channel count (dashed: the seed)"
fi
fb_finish
