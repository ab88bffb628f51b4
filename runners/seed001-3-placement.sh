#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 001 tables 3a and 3b: GB/s by thread count (1, 2, 4, 8, 16) with the
# threads spread round-robin over LLC domains (3a, the post's "across CCDs")
# or filling one LLC domain before the next (3b), 2 MB folios, 1 GB per
# cell.  The seed migrated the folios with the series' copy on N threads;
# here, with two nodes with memory, the running kernel's migration (one
# copy thread: the 1-thread row of both tables), the copy phase alone on N
# threads spread and filled between the same nodes, and the copy's share
# of the migration time with the Amdahl bound; on one node the migration
# is skipped with the reason.  Threads above the online CPUs are left out;
# with one LLC domain spread and fill place threads alike, which the runner
# says.  Shape check: does spread beat fill.  Plot: the copy phase, GB/s vs
# threads, spread and fill lines.
. "$(dirname "$0")/lib.sh"
fb_start seed001-3-placement "Seed 001 tables 3a/3b: threads spread over LLC domains vs filling one" "$@"

fb_fit_list 1,2,4,8,16 "$NCPUS" "threads" "this machine has $NCPUS online CPUs"
threads=$FIT
nodes=()
[ ${#MIG_NODES[@]} -lt 2 ] || nodes=(--src-node "${MIG_NODES[0]}" --dst-node "${MIG_NODES[1]}")
fb_fit_total "$(fb_pick 512M 1G 8M)" "${MIG_NODES[@]:0:2}"
total=$FIT
[ "$MODE" = full ] || fb_left_out "the seed's 1 GB per cell: $total per cell in $MODE mode (--full for 1 GB)"
[ "$NLLC" -gt 1 ] || fb_note "this machine has $NLLC LLC domain: spread and fill place the threads on the same CPUs, so expect no difference"

reps=$(fb_pick 5 10 2) warmup=$(fb_pick 1 1 0)

fb_copy copy --backend "$BACKEND" --function folio_copy --mode batched --threads "$threads" \
	--placement spread,fill --folio-sizes 2M --total "$total" "${nodes[@]}" \
	--reps "$reps" --warmup "$warmup" || fb_skip "$FB_SKIP_WHY"
fb_seed001_migration migrate copy 3a,3b "${threads//,/, } threads, spread and fill" \
	--folio-sizes 2M --total "$total" --reps "$reps" --warmup "$warmup"
fb_report copy seed001 3a,3b

if [ -f "$OUT/copy/run.json" ] && fb_have_gnuplot; then
	fb_series 3-placement copy seed001 3a,3b
	fb_plot 3-placement lines "Seed 001 3a/3b: GB/s vs threads, spread vs fill, 2 MB folios (dashed: the seed)" \
		"xlab='Threads'; xfmt='count'"
fi
fb_finish
