#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Validation benchmark (not a test): foliobench's libc, memcpy_orig,
# rep_movsq and rep_movsb against `perf bench mem memcpy` (default,
# x86-64-unrolled, x86-64-movsq, x86-64-movsb) at 64 MiB and 1 GiB, one
# thread, the two tools alternating within each round.  Both copy one
# buffer with one call per iteration over 4K-page (non-THP) memory, as perf
# allocates it, from a source of zeros (perf memsets its source; zeros copy
# a few percent faster than foliobench's default pattern on some machines).  Prints a markdown table of GB/s (1e9) and foliobench/perf.
# usage: runners/perf-bench-compare.sh [ROUNDS]   (needs Debian's linux-perf)
set -euo pipefail
FB_CALLER_DIR=$PWD
cd "$(dirname "$0")/.."
. runners/locate.sh
FB=${FOLIOBENCH:-$FB_DEFAULT_BINARY}
rounds=${1:-5}
command -v perf >/dev/null || { echo "perf-bench-compare: perf is not installed (apt-get install linux-perf)" >&2; exit 4; }
perf bench mem memcpy -s 1MB -l 1 -f default >/dev/null 2>&1 || { echo "perf-bench-compare: perf bench mem memcpy does not run here" >&2; exit 4; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pairs="libc:default memcpy_orig:x86-64-unrolled rep_movsq:x86-64-movsq rep_movsb:x86-64-movsb"
for size in 64M 1G; do
	loops=$([ $size = 64M ] && echo 20 || echo 3)
	for ((r = 1; r <= rounds; r++)); do
		for pair in $pairs; do
			prim=${pair%%:*} fn=${pair##*:}
			# perf --format=simple prints bytes per second.
			p=$(perf bench --format=simple mem memcpy -s "${size}B" -f "$fn" -l $loops | tail -1)
			"$FB" copy --primitive "$prim" --mode batched --folio-sizes "$size" --total "$size" \
				--reps $loops --warmup 1 --backing 4k --src-fill zero --output "$tmp/run" --quiet --format csv >/dev/null
			f=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mean_gbps") c = i } NR == 2 { print $c }' "$tmp/run/cells.csv")
			echo "$size $prim $fn $(awk -v b="$p" 'BEGIN { printf "%.4f", b / 1e9 }') $f" >>"$tmp/rows"
		done
	done
done
echo "foliobench vs perf bench mem memcpy, $rounds interleaved rounds, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo
echo "| size | foliobench | perf bench | foliobench GB/s | perf GB/s | ratio (mean±sd over rounds) |"
echo "|---|---|---|---:|---:|---:|"
awk '{ k = $1 " " $2 " " $3; n[k]++; f[k] += $5; p[k] += $4; r = $5 / $4; s[k] += r; s2[k] += r * r
       if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
     END { for (i = 1; i <= m; i++) { k = order[i]; split(k, a, " "); mr = s[k] / n[k]
           sd = n[k] > 1 ? sqrt((s2[k] - n[k] * mr * mr) / (n[k] - 1)) : 0
           printf "| %s | %s | %s | %.2f | %.2f | %.3f±%.3f |\n", a[1], a[2], a[3], f[k] / n[k], p[k] / n[k], mr, sd } }' "$tmp/rows"
