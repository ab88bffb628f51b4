#!/usr/bin/env bash
# Seed 001 table 1a: GB/s by CPU thread count (1, 2, 4, 8, 16) and folio size
# (4K..2M), 1 GB per cell, folios copied whole (batched, as the series'
# batch copy does), threads spread over LLC domains (mtcopy's split).
# Threads above the online CPUs are left out.  The seed's table is printed
# beside ours with ours/seed and the shape checks; plot: GB/s vs folio size,
# one line per thread count, the seed's dashed.
. "$(dirname "$0")/lib.sh"
fb_start seed001-1a-threads "Seed 001 table 1a: CPU threads x folio size" "$@"

fb_fit_list 1,2,4,8,16 "$NCPUS" "threads" "this machine has $NCPUS online CPUs"
threads=$FIT
fb_fit_total "$(fb_pick 512M 1G 4M)" 0
total=$FIT
[ "$MODE" = full ] || fb_left_out "the seed's 1 GB per cell: $total per cell in $MODE mode (--full for 1 GB)"

fb_copy copy --backend "$BACKEND" --function folio_copy --mode batched --threads "$threads" \
	--folio-sizes 4K-2M --total "$total" --reps "$(fb_pick 5 10 2)" --warmup "$(fb_pick 1 1 0)" ||
	fb_skip "$FB_SKIP_WHY"
fb_report copy seed001 1a

if [ -f "$OUT/copy/run.json" ] && fb_have_gnuplot; then
	fb_series 1a-threads copy seed001 1a
	fb_plot 1a-threads lines "Seed 001 1a: GB/s vs folio size, one line per thread count (dashed: the seed)"
fi
fb_finish
