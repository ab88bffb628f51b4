#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every runner, one report: the seeds' tables on this machine beside the
# published ones, plots, and plainly which runners could not run here and
# why.  The README's main job (`./run main`).  Quick mode (the default)
# takes a few minutes; --full uses the seeds' sizes (1 GB per cell, all
# folio counts that fit).  Writes OUTDIR/report.md with a section per
# runner, and each runner's own folder (tables.txt, report.md, plots/,
# run.json + cells.csv per run).
# Each runner can also run alone: runners/<name>.sh [--quick|--full] [OUTDIR].
. "$(dirname "$0")/lib.sh"

# name | what it reproduces.  seed000-move-pages.sh is maintained with the
# migrate command and has its own options ([--full] OUTDIR, no STATUS file):
# its exit status says complete (0), skipped (4, the reason on its output)
# or failed.
RUNNERS=(
	"characterize|this machine: folio_copy and folio_mc_copy per page vs batched, kernel 6.1 and 6.12 paths (no seed table)"
	"seed001-1a-threads|seed 001 table 1a: CPU threads x folio size"
	"seed001-1b-dma|seed 001 table 1b: DMA channels x folio size"
	"seed001-2-folio-count|seed 001 tables 2a/2b: folio count sweep, 2 MB folios"
	"seed001-3-placement|seed 001 tables 3a/3b: threads spread over LLC domains vs filling one"
	"seed000-folio-mc-copy|seed 000: folio_mc_copy per page vs batched per direction between nodes"
	"seed000-zen3|seed 000: the Zen 3 case, per-page rep movsq vs batched memcpy_orig"
	"seed000-move-pages|seed 000: end-to-end move_pages(2) on 2 MB mTHP folios per direction"
	"seed004-stores|seed 004: write-once 64-byte records, cached stores vs movnti + sfence vs rep movsb"
)

fb_start runners "foliobench: the seeds' tables on this machine" "$@"
rm -rf "$OUT/plots" "$OUT/tables.txt" "$OUT/section.md"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SECONDS=0
extra=()
[ ${#FB_EXTRA[@]} -eq 0 ] || extra=(-- "${FB_EXTRA[@]}")

declare -A status
for entry in "${RUNNERS[@]}"; do
	name=${entry%%|*}
	if [ ! -x "runners/$name.sh" ]; then
		status[$name]="not in this tree"
		continue
	fi
	if [ "$FB_INTERRUPTED" -ne 0 ]; then
		status[$name]="not run: interrupted before it started"
		continue
	fi
	echo
	rc=0
	if [ "$name" = seed000-move-pages ]; then
		mkdir -p "$OUT/$name"
		args=()
		[ "$MODE" != full ] || args=(--full)
		set +e
		"runners/$name.sh" "${args[@]}" "$OUT/$name" 2>&1 | tee "$OUT/$name/log.txt"
		rc=${PIPESTATUS[0]}
		set -e
		case $rc in
		0) echo complete ;;
		4) echo "skipped: $(sed -n 's/^.*skipped: //p' "$OUT/$name/log.txt" | tail -1)" ;;
		*) echo "failed: exit status $rc: $(tail -1 "$OUT/$name/log.txt")" ;;
		esac >"$OUT/$name/STATUS"
		if [ ! -f "$OUT/$name/report.md" ]; then
			{
				echo "# Seed 000: end-to-end move_pages(2) on 2 MB mTHP folios"
				echo
				echo "**Not run on this machine:** $(cat "$OUT/$name/STATUS") ([log](log.txt))"
				"$FB" report --reference seed000 --table move-pages --format markdown
			} >"$OUT/$name/report.md"
		fi
	else
		"runners/$name.sh" "--$MODE" "$OUT/$name" "${extra[@]}" || rc=$?
	fi
	if [ -f "$OUT/$name/STATUS" ]; then
		status[$name]=$(cat "$OUT/$name/STATUS")
	else
		status[$name]="failed: exit status $rc, no report"
	fi
	# A runner stopped by Ctrl-C: the rest do not start.
	case ${status[$name]} in partial:*) FB_INTERRUPTED=1 ;; esac
done

# Links inside a runner's report point into its own folder.
section() {
	local name=$1
	sed -E -e 's/^(#+)/#\1/' -e "s#\\]\\(([^)/\#][^):]*)\\)#](${name}/\\1)#g" "$OUT/$name/report.md"
}

# verdicts REPORT.MD...: the reports' shape lines of ours against the seed
# counted by verdict, "cannot tell" by its reason (the words before the
# colon in "**cannot tell** (REASON: ...)").  Every runner's report.md holds
# its shape lines, whether it reports through lib.sh or on its own.
verdicts() {
	local lines a d c why
	lines=$(grep -h '^- shape: .*; ours ' "$@" 2>/dev/null || true)
	[ -n "$lines" ] || { echo "-"; return; }
	a=$(grep -c ': \*\*agrees\*\*$' <<<"$lines" || true)
	d=$(grep -c ': \*\*differs\*\*$' <<<"$lines" || true)
	c=$(grep -c ': \*\*cannot tell\*\*' <<<"$lines" || true)
	why=$(sed -n 's/.*: \*\*cannot tell\*\* (\([^:)]*\).*/\1/p' <<<"$lines" | sort | uniq -c |
		awk '{ n = $1; $1 = ""; printf "%s%s: %d", sep, substr($0, 2), n; sep = "; " }')
	echo "$a agree, $d differ, $c cannot tell${why:+ ($why)}"
}

overall=0
{
	echo "# foliobench: the seeds' tables on this machine"
	echo
	echo "- command: \`runners/all.sh --$MODE\`$(fb_pick ' (quick mode: smaller totals and fewer repetitions than the seeds; `runners/all.sh --full` for their sizes)' '' ' (tiny mode: a test run, the numbers mean nothing)')"
	echo "- machine: $CPU_NAME, $NCPUS CPUs, $NLLC LLC domain(s), NUMA nodes with CPUs: ${CPU_NODES[*]}, memory-only: ${MEM_NODES[*]:-none}, kernel $KERNEL ([machine.txt](machine.txt))"
	echo "- backend: $BACKEND ($BACKEND_WHY)"
	echo "- started $started, took ${SECONDS}s"
	[ "$FB_INTERRUPTED" -eq 0 ] ||
		echo "- **status: partial**: interrupted; the runner it stopped kept its completed cells, the ones after it did not start"
	echo
	echo "Each section prints our table in the seed's layout (same rows, same columns, mean±sd GB/s),"
	echo "the seed's published table (transcribed in runners/reference/, citing the post), ours/seed"
	echo "where rows and columns match (not for a copy beside the seed's migration figures: that is"
	echo "the copy phase alone), and one shape line per claim of the seed: **agrees** when the claim"
	echo "holds here in most rows and is reversed in none, as in the seed; **differs** when it is"
	echo "reversed (in most rows, or in some while holding in others); **cannot tell**, with the reason,"
	echo "when it is within noise here, when there is nothing to compare, or when it cannot show on this"
	echo "machine (one LLC domain for spread vs fill, one NUMA node for directions, one value of the axis)"
	echo "or in this run (the copy phase alone beside the seed's migration figures)."
	echo
	echo "## Summary"
	echo
	echo "| runner | reproduces | status | shape checks |"
	echo "|---|---|---|---|"
	for entry in "${RUNNERS[@]}"; do
		name=${entry%%|*}
		what=${entry#*|}
		st=${status[$name]:-not run}
		case $st in
		complete) ;;
		skipped:* | "not in this tree") ;;
		*) overall=1 ;;
		esac
		if [ -f "$OUT/$name/report.md" ]; then
			echo "| [$name]($name/report.md) | $what | ${st%%:*} | $(verdicts "$OUT/$name/report.md") |"
		else
			echo "| $name | $what | ${st%%:*} | - |"
		fi
	done
	echo
	reports=()
	for entry in "${RUNNERS[@]}"; do
		name=${entry%%|*}
		[ ! -f "$OUT/$name/report.md" ] || reports+=("$OUT/$name/report.md")
	done
	echo "Shape checks of all runners: $(verdicts "${reports[@]}")."
	echo
	not_complete=""
	for entry in "${RUNNERS[@]}"; do
		name=${entry%%|*}
		st=${status[$name]:-not run}
		[ "$st" = complete ] || not_complete+="- **$name** (${entry#*|}): $st"$'\n'
	done
	if [ -n "$not_complete" ]; then
		echo "**Skipped or incomplete on this machine:**"
		echo
		printf '%s\n' "$not_complete"
	fi
	echo "Seeds 002 and 003 publish no table to reproduce (002 is a review of the batch-copy path;"
	echo "003 gives percentages for TLB-flush IPIs and pages migrated per second)."
	for entry in "${RUNNERS[@]}"; do
		name=${entry%%|*}
		[ -f "$OUT/$name/report.md" ] || continue
		echo
		section "$name"
	done
} >"$OUT/report.md"

echo
echo "== summary ($OUT/report.md, ${SECONDS}s)"
for entry in "${RUNNERS[@]}"; do
	name=${entry%%|*}
	printf '   %-24s %s\n' "$name" "${status[$name]:-not run}"
done
[ "$FB_INTERRUPTED" -eq 0 ] || overall=1
exit $overall
