#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# This machine's characterization (no seed table): folio_copy and
# folio_mc_copy, per page vs batched, as kernels 6.1 and 6.12 would run them
# on this CPU, folio sizes 4K..2M, 1 thread and every power of two up to
# the online CPUs.  Tables: per page vs batched by folio size; threads x
# folio size (batched, seed 001 table 1a's layout).  Plots: GB/s vs folio
# size, per page vs batched, one per function and thread count.
. "$(dirname "$0")/lib.sh"
fb_start characterize "This machine: folio_copy and folio_mc_copy per page vs batched, kernel 6.1 and 6.12 paths" "$@"

threads=1
for ((t = 2; t <= NCPUS; t *= 2)); do threads="$threads,$t"; done
[ "$MODE" != tiny ] || threads=1
fb_fit_total "$(fb_pick 128M 256M 4M)" 0
total=$FIT
sizes=$(fb_pick 4K-2M 4K-2M 4K,2M)

# The kmod backend runs the running kernel's functions: no kernel models.
models=(--kernel-model 6.1,6.12)
[ "$BACKEND" = user ] || models=()
fb_copy copy --backend "$BACKEND" --function folio_copy,folio_mc_copy "${models[@]}" \
	--folio-sizes "$sizes" --threads "$threads" --total "$total" --reps "$(fb_pick 3 5 2)" \
	--warmup "$(fb_pick 1 1 0)" || fb_skip "$FB_SKIP_WHY"
run=$OUT/copy/run.json

if [ -f "$run" ]; then
	"$FB" show "$run" --rows folio_size --cols mode | tee -a "$OUT/tables.txt"
	{
		echo
		echo "### Per page vs batched, by folio size"
		echo
		"$FB" show "$run" --rows folio_size --cols mode --format markdown
		echo
		echo "### Threads x folio size, batched (seed 001 table 1a's layout)"
		echo
		"$FB" show "$run" --rows threads --cols folio_size --where mode=batched --format markdown
	} >>"$OUT/section.md"
	if fb_have_gnuplot; then
		for fn in folio_copy folio_mc_copy; do
			for t in ${threads//,/ }; do
				"$FB" show "$run" --format series --rows folio_size --cols mode \
					--where "function=$fn,threads=$t" >"$OUT/plots/$fn-t$t.dat"
				fb_plot "$fn-t$t" lines "$fn per page vs batched, $t thread(s)"
			done
		done
	fi
fi
fb_finish
