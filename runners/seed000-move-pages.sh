#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 000's end-to-end table: move_pages(2) GB/s on anonymous 2 MB mTHP
# folios, one row per direction, on the running kernel.  Directions are
# those between the nodes this machine has, in the seed's order: from the
# first node with memory to each other one (DRAM0 -> DRAM1, DRAM0 -> CXL),
# then back (DRAM1 -> DRAM0, CXL -> DRAM0).  Memory-only nodes (CXL-like
# tiers) are labelled.  The seed's "baseline" and "optimized" columns are two
# kernels: run this on each and put the runs side by side with
# `foliobench compare BASE/migrate/run.json NEW/migrate/run.json`.
#
# usage: runners/seed000-move-pages.sh [--full] [OUTDIR] [extra foliobench migrate options]
#   default: 64 MiB per move, 5 timed moves per direction (a quick look)
#   --full:  1 GiB per move (the seed's "1 GB migrated per run"), 10 moves
# Writes OUTDIR/migrate/run.json + cells.csv, OUTDIR/tables.txt (the seed's
# layout beside its published numbers, through foliobench report), report.md.
# Exit: 0 ok, 1 a run failed, 2 usage, 4 this machine cannot run it (one
# NUMA node with memory): the reason is printed.
# Env: FOLIOBENCH (the binary) [build/foliobench], FOLIOBENCH_RESULTS,
# FB_NODE_SYSFS (the node directory, for tests) [/sys/devices/system/node].
set -euo pipefail
FB=${FOLIOBENCH:-}
[[ -z $FB || $FB == /* ]] || FB=$PWD/$FB   # relative to where it was called
FB_CALLER_DIR=$PWD
cd "$(dirname "$0")/.."
. runners/locate.sh
FB=${FB:-$FB_DEFAULT_BINARY}
prog=seed000-move-pages

total=64M reps=5 full=
if [[ ${1:-} == --full ]]; then
	total=1G reps=10 full=1
	shift
fi
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
	sed -n '2,/^set -euo/p' "$0" | sed '/SPDX-License-Identifier/d; $d; s/^# \{0,1\}//'
	exit 0
fi
out=$(fb_caller_path "${1:-${FOLIOBENCH_RESULTS:-results}/seed000-move-pages-$(date -u +%Y%m%dT%H%M%SZ)}")
shift || true
[[ -x $FB ]] || { echo "$prog: $FB not built (cmake --build build, or set FOLIOBENCH)" >&2; exit 2; }

# Nodes with memory, and which of them have no CPUs (CXL-like).
mem=() cpuless=()
for d in "${FB_NODE_SYSFS:-/sys/devices/system/node}"/node[0-9]*; do
	[[ -d $d ]] || continue
	id=${d##*node}
	kb=$(awk '/MemTotal/ { print $4 }' "$d/meminfo")
	((kb > 0)) || continue
	mem+=("$id")
	[[ -z $(tr -d '\n' <"$d/cpulist") ]] && cpuless+=("$id")
done
if ((${#mem[@]} < 2)); then
	# foliobench says why, in its own words (and exits 4).
	errf=$(mktemp)
	rc=0
	"$FB" migrate --quiet --total 4M 2>"$errf" >/dev/null || rc=$?
	msg=$(head -n 1 "$errf")
	rm -f "$errf"
	if ((rc == 4)); then
		echo "$prog: skipped: ${msg#foliobench migrate: }" >&2
		exit 4
	fi
	echo "$prog: fewer than two nodes with memory in sysfs, yet foliobench migrate exited $rc: $msg" >&2
	exit 1
fi
mapfile -t mem < <(printf '%s\n' "${mem[@]}" | sort -n)
first=${mem[0]}
dirs=()
for n in "${mem[@]:1}"; do dirs+=("$first:$n"); done
for n in "${mem[@]:1}"; do dirs+=("$n:$first"); done
nodes=$(IFS=,; echo "${dirs[*]}")
label() { # node id -> "node N" or "node N (memory-only, CXL-like)"
	local c
	for c in "${cpuless[@]}"; do [[ $c == "$1" ]] && { echo "node $1 (memory-only, CXL-like)"; return; }; done
	echo "node $1"
}

mkdir -p "$out"
echo "== $prog: directions $nodes, 2M mTHP, $total per move, $reps moves each, kernel $(uname -r)" >&2
rc=0
"$FB" migrate --folio-sizes 2M --nodes "$nodes" --total "$total" --reps "$reps" \
	--output "$out/migrate" --quiet "$@" || rc=$?
run=$out/migrate/run.json
# A failed or interrupted run keeps its completed cells: report those.
[[ -f $run ]] || { echo "$prog: foliobench migrate exited $rc, no results" >&2; exit 1; }

# The seed's layout beside the seed's numbers (runners/reference/seed000.ref,
# table move-pages), and our table by direction.
{
	"$FB" report "$run" --reference seed000 --table move-pages
	echo
	"$FB" show "$run" --rows direction --cols folio_size
} | tee "$out/tables.txt"
{
	echo "# Seed 000: end-to-end move_pages(2) on 2 MB mTHP folios"
	echo
	echo "- runner: \`runners/$prog.sh${full:+ --full}\`: $total per move, $reps timed moves per direction (mean±sd GB/s, 1 GB = 1e9 bytes)"
	echo "- kernel $(uname -r); nodes with memory: $(for n in "${mem[@]}"; do printf '%s; ' "$(label "$n")"; done)"
	echo "- raw data: [run.json](migrate/run.json), [cells.csv](migrate/cells.csv); pages/s, folios/s,"
	echo "  the migration counters and TLB-shootdown IPIs per migrated MiB are in each cell's \`extra.metrics\`"
	echo "- the seed's optimized column is a kernel with the RFC: run this there too and"
	echo "  \`foliobench compare\` the two runs"
	echo
	"$FB" report "$run" --reference seed000 --table move-pages --format markdown
} >"$out/report.md"
echo "report: $out/report.md" >&2
((rc == 0)) || echo "$prog: foliobench migrate exited $rc: the report holds the completed cells" >&2
exit $((rc == 0 ? 0 : 1))
