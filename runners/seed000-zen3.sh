#!/usr/bin/env bash
# Seed 000, the Zen 3 case: on a CPU with REP_GOOD but without FSRM, 6.12+
# memcpy falls to memcpy_orig (a movq loop), so the RFC's batched
# folio_copy (one memcpy per folio) can lose to today's per-page copy_page
# (rep movsq).  The post gives no figures, only the claim.  This runner runs
# both routines both ways on this CPU, whatever its flags (--primitive
# rep_movsq,memcpy_orig --mode per-page,batched), 2 MB folios (quick: also
# 4K and 64K; full: 4K..2M), source evicted.  It uses the userspace backend
# even where the module is loaded: the kernel's own folio_copy runs the one
# memcpy this CPU's flags select, which `foliobench info` names.
# Shape check: does per page (rep movsq) beat batched (memcpy_orig).
. "$(dirname "$0")/lib.sh"
fb_start seed000-zen3 "Seed 000, Zen 3 case: per-page rep movsq vs batched memcpy_orig" "$@"

[ "$BACKEND" = user ] ||
	fb_note "the userspace backend runs here although the module is loaded: only it can pick memcpy_orig and rep movsq by name"
BACKEND=user
if grep -q -- '-fsrm' "$OUT/machine.txt"; then
	fb_note "this CPU lacks FSRM: kernel 6.12+ copies a batched folio with memcpy_orig here, as on the post's Zen 3"
else
	fb_note "this CPU has FSRM: kernel 6.12+ copies a batched folio with rep movsb here, not memcpy_orig; the table shows what a CPU without FSRM would pay"
fi
sizes=$(fb_pick 4K,64K,2M 4K-2M 2M)
[ "$MODE" = full ] || fb_left_out "folio sizes other than $sizes in $MODE mode (--full for 4K..2M)"
fb_fit_total "$(fb_pick 256M 1G 8M)" "${CPU_NODES[0]}"
total=$FIT

fb_copy copy --backend user --primitive rep_movsq,memcpy_orig --mode per-page,batched \
	--folio-sizes "$sizes" --evict src --total "$total" --reps "$(fb_pick 5 10 2)" \
	--warmup "$(fb_pick 1 1 0)" || fb_skip "$FB_SKIP_WHY"
fb_report copy seed000 zen3

if [ -f "$OUT/copy/run.json" ] && fb_have_gnuplot; then
	"$FB" show "$OUT/copy/run.json" --format series --rows folio_size --cols primitive >"$OUT/plots/000-zen3.dat"
	fb_plot 000-zen3 lines "Seed 000 Zen 3 case: rep movsq vs memcpy_orig, per page and batched, source evicted"
fi
fb_finish
