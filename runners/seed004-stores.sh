#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 004: write-once 64-byte records (the size of a struct page) stored
# over a large range, as ZONE_DEVICE memmap initialization does: cached
# stores (the base's template copy), movnti + sfence (the series'
# arch_optimize_store_u64), memcpy_flushcache (the generic path the review
# suggested) and rep movsb (memcpy).  The post times the whole memmap
# initialization in ms (printed for reference); its claim -- streaming
# stores beat cached stores here -- is checked on our GB/s.  Runs
# `foliobench stores` (userspace; the module has no store kernels).
. "$(dirname "$0")/lib.sh"
fb_start seed004-stores "Seed 004: write-once 64-byte records, cached stores vs movnti + sfence vs rep movsb" "$@"

if ! "$FB" stores --help >/dev/null 2>&1; then
	fb_skip "this foliobench has no 'stores' command"
fi
[ "$BACKEND" = user ] || fb_note "the userspace backend runs here: the module has no store kernels"
BACKEND=user
threads=1
if [ "$MODE" = full ]; then
	fb_fit_list 1,2,4,8,16 "$NCPUS" "threads" "this machine has $NCPUS online CPUs"
	threads=$FIT
fi
fb_fit_total "$(fb_pick 512M 4G 8M)" 0
total=$FIT
[ "$MODE" = full ] || fb_left_out "the post's range (1.5 GiB of struct pages for 200 GB of pmem): $total per pass in $MODE mode (--full for 4G)"

# The same plumbing as fb_copy, for the stores command.
fb_stores() {
	local rc=0
	echo "   run:     foliobench stores $*${FB_EXTRA[*]:+ ${FB_EXTRA[*]}} --output $OUT/stores"
	"$FB" stores "$@" "${FB_EXTRA[@]}" --output "$OUT/stores" --quiet 2>"$OUT/stores.err" || rc=$?
	[ $rc -ne 4 ] || fb_skip "$(sed -n 's/^foliobench stores: //p' "$OUT/stores.err" | tail -1)"
	sed 's/^/   /' "$OUT/stores.err"
	if [ ! -f "$OUT/stores/run.json" ]; then
		FB_FAILED+=("stores: foliobench stores exited $rc: $(tail -1 "$OUT/stores.err")")
		return 0
	fi
	FB_RUNS+=(stores)
	if grep -q '"status": *"interrupted"' "$OUT/stores/run.json"; then
		FB_INTERRUPTED=1
		FB_PARTIAL+=("stores: interrupted; the completed cells are kept")
	elif [ $rc -ne 0 ]; then
		FB_FAILED+=("stores: some cells failed (see stores.err)")
	fi
}
fb_stores --kernel cached,movnti,flushcache,rep_movsb --record-size 64 --threads "$threads" \
	--total "$total" --reps "$(fb_pick 5 10 2)" --warmup "$(fb_pick 1 1 0)"
fb_report stores seed004 stores
fb_report_seed_only seed004 memmap \
	"the post times memmap_init_zone_device() on pmem namespaces in a VM; foliobench times the stores alone"

if [ -f "$OUT/stores/run.json" ] && fb_have_gnuplot; then
	fb_series 004-stores stores seed004 stores --x cols
	rm -f "$OUT/plots/004-stores.ref.dat" # the post gives no GB/s
	fb_plot 004-stores bars "Seed 004: write-once 64-byte records, GB/s by store kind" "xlab='Stores'"
fi
fb_finish
