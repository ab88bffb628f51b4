#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Evidence for the regression gate (not a test): how often it cries wolf and
# how often it catches a real slowdown, on this machine, at default settings.
#   A/A:       the same configuration against itself; a failing gate is a
#              false alarm.
#   slowdown:  B runs with `copy --inject-slowdown 10` (every timed
#              iteration lengthened so its GB/s drops by 10%); a failing gate
#              is a detection.
# Both for `foliobench ab` (interleaved pairs: the recommended gate) and for
# `foliobench compare` of two separate runs.  Trials of the two kinds
# alternate, so both see the same load on the machine.
# usage: runners/gate-evidence.sh [TRIALS] [OUTDIR]
#   TRIALS  trials of each kind and mode [20]; OUTDIR keeps every report
#   [results/gate-evidence-<time>]; FOLIOBENCH names the binary
#   [build/foliobench].  About 50 s per trial here (20: ~17 minutes; 5 for
#   a quick look).
set -uo pipefail
FB_CALLER_DIR=$PWD
cd "$(dirname "$0")/.."
. runners/locate.sh
FB=${FOLIOBENCH:-$FB_DEFAULT_BINARY}
trials=${1:-20}
out=$(fb_caller_path "${2:-${FOLIOBENCH_RESULTS:-results}/gate-evidence-$(date -u +%Y%m%dT%H%M%SZ)}")
sweep=(--folio-sizes 4K,2M --total 64M --reps 5)
[ -x "$FB" ] || { echo "gate-evidence: $FB is not built (cmake --build build)" >&2; exit 2; }
case $trials in '' | *[!0-9]*) echo "gate-evidence: TRIALS $trials: allowed a whole number" >&2; exit 2 ;; esac
mkdir -p "$out" || exit 2

echo "gate-evidence: $trials trials each; reports in $out" >&2
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >"$out/load.txt"
start=$(date +%s)
for ((t = 1; t <= trials; t++)); do
	n=$(printf %02d "$t")
	for kind in aa slow; do
		inject=()
		[ $kind = slow ] && inject=(--inject-slowdown 10)
		# ab: A and B alternate within one run, default pairs and gate.
		"$FB" ab --output "$out/ab-$kind-$n" --format json -- "${sweep[@]}" -- "${sweep[@]}" "${inject[@]}" \
			>"$out/ab-$kind-$n.json" 2>"$out/ab-$kind-$n.err"
		echo "ab $kind $n $?" >>"$out/exits.txt"
		rm -rf "$out/ab-$kind-$n/runs" # the pair ratios stay in ab.json
		# compare: two separate runs, back to back.
		"$FB" copy "${sweep[@]}" --output "$out/cmp-$kind-$n/base" --quiet 2>/dev/null
		"$FB" copy "${sweep[@]}" "${inject[@]}" --output "$out/cmp-$kind-$n/new" --quiet 2>/dev/null
		"$FB" compare "$out/cmp-$kind-$n/base" "$out/cmp-$kind-$n/new" --format json \
			>"$out/cmp-$kind-$n.json" 2>"$out/cmp-$kind-$n.err"
		echo "compare $kind $n $?" >>"$out/exits.txt"
	done
	echo "gate-evidence: trial $t/$trials done ($(($(date +%s) - start)) s)" >&2
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"

/usr/bin/python3 - "$out" "$trials" "$(($(date +%s) - start))" <<'EOF' | tee "$out/summary.md"
import glob, json, os, statistics, sys
out, trials, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cpu = open("/proc/cpuinfo").read().split("model name")[1].split(":")[1].split("\n")[0].strip()
print(f"Regression gate on {cpu} ({os.cpu_count()} CPUs), kernel {os.uname().release}, "
      f"{trials} trials per row, {secs} s; {open(out + '/load.txt').read().strip().replace(chr(10), ', ')}")
print()
print("| gate | trials | A/A: false alarms (gate failed) | A/A: cells flagged | 10% slowdown: detected (gate failed) | slowdown: cells flagged | slowdown: median estimated change |")
print("|---|---:|---:|---:|---:|---:|---:|")
for mode, name in (("ab", "ab (interleaved, 20 pairs)"), ("cmp", "compare (two separate runs)")):
    row = {}
    for kind in ("aa", "slow"):
        fails = cells = flagged = 0
        changes = []
        for f in sorted(glob.glob(f"{out}/{mode}-{kind}-*.json")):
            try:
                d = json.load(open(f))
            except ValueError:
                continue  # a trial that did not finish is not counted
            fails += d["gate"] == "fail"
            for c in d["cells"]:
                cells += 1
                flagged += c["verdict"] == "regressed"
                if c["change_pct"] is not None:
                    changes.append(c["change_pct"])
        n = len(glob.glob(f"{out}/{mode}-{kind}-*.json"))
        row[kind] = (fails, n, flagged, cells, statistics.median(changes) if changes else float("nan"))
    (fa, na, ca, ta, _), (fs, ns, cs, ts, med) = row["aa"], row["slow"]
    print(f"| {name} | {na} | {fa}/{na} = {100 * fa / max(na, 1):.0f}% | {ca}/{ta} | "
          f"{fs}/{ns} = {100 * fs / max(ns, 1):.0f}% | {cs}/{ts} | {med:+.1f}% |")
print()
print("Defaults: threshold 5%, alpha 0.05; sweep: copy --folio-sizes 4K,2M --total 64M --reps 5 "
      "(folio_copy per-page and batched: 4 cells).")
EOF
