#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
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
#
# Then the reviewer's question, answered with data: for each kernel model
# (6.1, 6.12: --function folio_copy --kernel-model), the batched/per-page
# speedup split into the per-page overhead saved (per page -> batched
# copy_page loop, the same primitive) and the primitive changed (copy_page
# loop -> one memcpy as that kernel model selects it, or one rep movsq:
# --batch-impl), table zen3-split of runners/reference/seed000.ref, and a
# line per model saying which variant wins on this CPU.  The userspace
# backend has no per-page kmap or cond_resched to save (its per-page and
# copy_page-loop cells run the same loop); with the module loaded the split
# also runs in the kernel, for the running kernel only.
. "$(dirname "$0")/lib.sh"
fb_start seed000-zen3 "Seed 000, Zen 3 case: per-page rep movsq vs batched memcpy_orig" "$@"

module_loaded=false
if [ "$BACKEND" != user ]; then
	module_loaded=true
	fb_note "the userspace backend runs the primitive tables although the module is loaded: only it can pick memcpy_orig and rep movsq by name; the split also runs on the module"
fi
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

# The split.  Per kernel model: the fastest of per page and the batched
# variants, and whether the runner-up is within one sd of it.
split_verdict() {
	local run=$OUT/$1/run.json
	[ -f "$run" ] || return 0
	"$FB" show "$run" --format series --rows kernel_model --cols batch_impl \
		--where function=folio_copy,folio_size=2M,evict=src |
		awk -v where="$2" '
		/^"kernel_model"/ { match($0, /batch_impl=[^"]*/); v = substr($0, RSTART + 11, RLENGTH - 11)
		                    if (v == "-") v = "per page"; next }
		/^"/ { m = $1; gsub(/"/, "", m); if (!(m in seen)) { seen[m] = 1; order[++n] = m }
		       mean[m, v] = $2; sd[m, v] = $3; names[m] = names[m] " " v "=" $2; vs[m] = vs[m] "|" v }
		END {
			for (i = 1; i <= n; i++) {
				m = order[i]; best = ""; second = ""
				k = split(substr(vs[m], 2), list, "|")
				for (j = 1; j <= k; j++) {
					x = list[j]
					if (best == "" || mean[m, x] > mean[m, best]) { second = best; best = x }
					else if (second == "" || mean[m, x] > mean[m, second]) second = x
				}
				tie = second != "" && mean[m, best] - sd[m, best] <= mean[m, second] + sd[m, second]
				if (tie)
					rest = sprintf(", within one sd of %s (%.2f GB/s): no clear winner", second, mean[m, second])
				else
					rest = sprintf(", ahead of %s (%.2f GB/s) by more than one sd each", second, mean[m, second])
				label = best == "per page" ? "per page" : "batched " best
				printf "on this CPU (%s), kernel model %s: %s wins at %.2f GB/s%s\n", where, m, label, mean[m, best], rest
			}
		}' | tee -a "$OUT/tables.txt" | sed 's/^/- /' >>"$OUT/section.md"
}

fb_copy split --backend user --function folio_copy --kernel-model 6.1,6.12 --mode per-page,batched \
	--batch-impl memcpy,copy_page,rep_movsq --folio-sizes 2M --evict src --total "$total" \
	--reps "$(fb_pick 5 10 2)" --warmup "$(fb_pick 1 1 0)" ||
	fb_left_out "the overhead/primitive split on the user backend: $FB_SKIP_WHY"
fb_report split seed000 zen3-split
split_verdict split "user backend"
if $module_loaded; then
	fb_copy split-kmod --backend kmod --function folio_copy --mode per-page,batched \
		--batch-impl memcpy,copy_page,rep_movsq --folio-sizes 2M --evict src --total "$total" \
		--reps "$(fb_pick 5 10 2)" --warmup "$(fb_pick 1 1 0)" ||
		fb_left_out "the overhead/primitive split on the module: $FB_SKIP_WHY"
	fb_report split-kmod seed000 zen3-split
	split_verdict split-kmod "the module, running kernel"
else
	fb_left_out "the overhead/primitive split in the kernel (per-page kmap and cond_resched): the foliobench module is not loaded; the user backend has no per-page overhead to save"
fi

if [ -f "$OUT/copy/run.json" ] && fb_have_gnuplot; then
	"$FB" show "$OUT/copy/run.json" --format series --rows folio_size --cols primitive >"$OUT/plots/000-zen3.dat"
	fb_plot 000-zen3 lines "Seed 000 Zen 3 case: rep movsq vs memcpy_orig, per page and batched, source evicted"
fi
fb_finish
