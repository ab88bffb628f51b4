#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 000, the RFC's in-kernel microbenchmark: folio_mc_copy per page
# (baseline, the kernel today) vs batched (optimized, the RFC) on 2 MB
# folios, the source evicted from the cache before each iteration, for each
# direction of the post that this machine has: DRAM0 -> DRAM1 (two nodes
# with CPUs), DRAM0 -> CXL and CXL -> DRAM0 (a memory-only node).  With none
# of them (one node), DRAM0 -> DRAM0 stands in and the post's rows are left
# out.  A memory-only node onlined ZONE_MOVABLE (CXL via daxctl) is noted;
# the kmod backend's folios come from that zone there.  Shape check: does
# batched beat per page in every direction.  Plot:
# per page vs batched bars per direction.
. "$(dirname "$0")/lib.sh"
fb_start seed000-folio-mc-copy "Seed 000: folio_mc_copy per page (baseline) vs batched (optimized), 2 MB folios, source evicted" "$@"

dram0=${CPU_NODES[0]}
nodes=""
if [ ${#CPU_NODES[@]} -ge 2 ]; then
	nodes+="${nodes:+,}$dram0:${CPU_NODES[1]}"
else
	fb_left_out "DRAM0 -> DRAM1 (this machine has one NUMA node with CPUs)"
fi
if [ ${#MEM_NODES[@]} -ge 1 ]; then
	nodes+="${nodes:+,}$dram0:${MEM_NODES[0]},${MEM_NODES[0]}:$dram0"
	fb_note "memory-only node ${MEM_NODES[0]} stands in for the post's CXL node"
	# CXL memory onlined movable (daxctl, online_movable) is all ZONE_MOVABLE:
	# the kmod backend allocates there by default (--movable auto).
	if awk -v n="${MEM_NODES[0]}," '$1 == "Node" { z = ($2 == n) ? $4 : "" } z == "Movable" && $1 == "managed" && $2 > 0 { f = 1 } END { exit !f }' /proc/zoneinfo 2>/dev/null; then
		fb_note "node ${MEM_NODES[0]}'s memory is in ZONE_MOVABLE, as CXL memory onlined movable"
	fi
else
	fb_left_out "DRAM0 -> CXL and CXL -> DRAM0 (this machine has no memory-only NUMA node)"
fi
if [ -z "$nodes" ]; then
	nodes=$dram0:$dram0
	fb_note "DRAM0 -> DRAM0 (node $dram0 to itself) stands in: none of the post's directions exists here"
fi
# The user backend follows copy_mc_to_kernel's choice on this CPU for the
# running kernel's line; the kmod backend runs the kernel's folio_mc_copy.
fb_fit_total "$(fb_pick 512M 1G 8M)" ${nodes//[:,]/ }
total=$FIT
[ "$MODE" = full ] || fb_left_out "1 GB per cell: $total per cell in $MODE mode (the post does not give its size; --full uses 1 GB)"

fb_copy copy --backend "$BACKEND" --function folio_mc_copy --mode per-page,batched --folio-sizes 2M \
	--nodes "$nodes" --evict src --total "$total" --reps "$(fb_pick 5 10 2)" --warmup "$(fb_pick 1 1 0)" ||
	fb_skip "$FB_SKIP_WHY"
fb_report copy seed000 micro

if [ -f "$OUT/copy/run.json" ] && fb_have_gnuplot; then
	fb_series 000-micro copy seed000 micro
	rm -f "$OUT/plots/000-micro.ref.dat" # bars: ours only (the seed's directions differ)
	fb_plot 000-micro bars "Seed 000: folio_mc_copy per page vs batched, 2 MB folios, source evicted"
fi
fb_finish
