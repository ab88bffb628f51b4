#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 001 table 1a: GB/s by CPU thread count (1, 2, 4, 8, 16) and folio size
# (4K..2M), 1 GB per cell.  The seed migrated the folios (move_pages of mTHP
# folios, the series' batch copy on N threads).  Here, with two nodes with
# memory: the migration by the running kernel (its own copy: one thread,
# the 1-thread row, beside the seed's with ours/seed), the copy phase alone
# on N threads (folios copied whole, batched, threads spread over LLC
# domains as mtcopy; no ours/seed: it is not a migration) between the same
# nodes, and the copy's share of the migration time with the Amdahl bound.
# On one node the migration is skipped with the reason and the copy phase
# still runs.  Threads above the online CPUs are left out.  Plot: the copy
# phase, GB/s vs folio size, one line per thread count, the seed's dashed.
. "$(dirname "$0")/lib.sh"
fb_start seed001-1a-threads "Seed 001 table 1a: CPU threads x folio size" "$@"

fb_fit_list 1,2,4,8,16 "$NCPUS" "threads" "this machine has $NCPUS online CPUs"
threads=$FIT
nodes=()
[ ${#MIG_NODES[@]} -lt 2 ] || nodes=(--src-node "${MIG_NODES[0]}" --dst-node "${MIG_NODES[1]}")
fb_fit_total "$(fb_pick 512M 1G 4M)" "${MIG_NODES[@]:0:2}"
total=$FIT
[ "$MODE" = full ] || fb_left_out "the seed's 1 GB per cell: $total per cell in $MODE mode (--full for 1 GB)"
reps=$(fb_pick 5 10 2) warmup=$(fb_pick 1 1 0)

fb_copy copy --backend "$BACKEND" --function folio_copy --mode batched --threads "$threads" \
	--folio-sizes 4K-2M --total "$total" "${nodes[@]}" --reps "$reps" --warmup "$warmup" ||
	fb_skip "$FB_SKIP_WHY"
fb_mthp_fit 4K,16K,32K,64K,128K,256K,512K,1M,2M
fb_seed001_migration migrate copy 1a "${threads//,/, } threads" --folio-sizes "$FIT" \
	--total "$total" --reps "$reps" --warmup "$warmup"
fb_report copy seed001 1a

if [ -f "$OUT/copy/run.json" ] && fb_have_gnuplot; then
	fb_series 1a-threads copy seed001 1a
	fb_plot 1a-threads lines "Seed 001 1a: GB/s vs folio size, one line per thread count (dashed: the seed)"
fi
fb_finish
