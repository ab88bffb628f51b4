#!/usr/bin/env bash
# The default characterization of this machine (the README's main job):
# folio_copy and folio_mc_copy, per page vs batched, as kernels 6.1 and 6.12
# would run them on this CPU, folio sizes 4K..2M, 1 thread and every
# power of two up to the online CPUs.  Writes run.json/cells.csv, markdown
# tables, gnuplot plots and report.md into one results folder.
# usage: runners/characterize.sh [OUTDIR] [extra foliobench copy options]
set -euo pipefail
cd "$(dirname "$0")/.."
FB=${FOLIOBENCH:-build/foliobench}
out=${1:-results/characterize-$(date -u +%Y%m%dT%H%M%SZ)}
shift || true
mkdir -p "$out/plots"

threads=1
for ((t = 2; t <= $(nproc); t *= 2)); do threads="$threads,$t"; done

"$FB" info >"$out/machine.txt"
echo "== $(sed -n 's/^cpu *//p' "$out/machine.txt"), kernel $(uname -r)"
"$FB" copy --function folio_copy,folio_mc_copy --kernel-model 6.1,6.12 \
	--folio-sizes 4K-2M --threads "$threads" --total 256M --reps 5 \
	--output "$out/copy" --quiet "$@"
run="$out/copy/run.json"

"$FB" show "$run" --rows folio_size --cols mode | tee "$out/tables.txt"

plots=()
if command -v gnuplot >/dev/null; then
	for fn in folio_copy folio_mc_copy; do
		for t in ${threads//,/ }; do
			name="$fn-t$t"
			"$FB" show "$run" --format series --rows folio_size --cols mode \
				--where "function=$fn,threads=$t" >"$out/plots/$name.dat"
			gnuplot -e "data='$out/plots/$name.dat'; out='$out/plots/$name'" \
				-e "ttl='$fn per page vs batched, $t thread(s): $(sed -n 's/^cpu *//p' "$out/machine.txt"), $(uname -r)'" \
				plots/lines.gp
			plots+=("$name")
		done
	done
else
	echo "plots skipped: gnuplot is not installed (apt-get install gnuplot-nox)" | tee "$out/plots/SKIPPED"
fi

{
	echo "# foliobench characterization"
	echo
	echo '```'
	cat "$out/machine.txt"
	echo '```'
	echo
	echo "Raw data: [run.json](copy/run.json), [cells.csv](copy/cells.csv)."
	echo
	echo "## Per page vs batched, by folio size"
	"$FB" show "$run" --rows folio_size --cols mode --format markdown
	echo
	echo "## Threads x folio size, batched (seed 001 table 1a layout)"
	"$FB" show "$run" --rows threads --cols folio_size --where mode=batched --format markdown
	echo
	echo "## Plots"
	if [ ${#plots[@]} -eq 0 ]; then
		echo "Skipped: gnuplot is not installed."
	fi
	for p in "${plots[@]}"; do
		echo
		echo "![$p](plots/$p.png) ([svg](plots/$p.svg))"
	done
} >"$out/report.md"
echo "report: $out/report.md"
