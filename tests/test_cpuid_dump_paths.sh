#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench paths over result files of several machines: two recorded runs
# of one host (tests/data/paths) and one rewritten to be a Zen 3 VM without
# ERMS/FSRM (its CPU and kernel paths from tests/data/cpuid through info
# --cpuid-dump, its memcpy_orig cells slowed the way seed 000 reports); the
# concise kernel paths in tables.  Every sample is recorded, none is measured
# here, so every verdict is the same on any machine and under any load.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
py() { /usr/bin/python3 "$@"; }

# Recorded on a 2-vCPU AMD EPYC VM with the real CLI: copy --function
# folio_copy,folio_mc_copy --kernel-model 6.1,6.12 --folio-sizes 4K,2M
# --total 64M --reps 8.
for r in a b; do
	mkdir -p "$tmp/$r"
	cp "$tests/data/paths/run-$r.json" "$tmp/$r/run.json"
done
rec_host=$(py -c 'import json, sys; print(json.load(open(sys.argv[1]))["machine"]["hostname"])' "$tmp/a/run.json")

# The Zen 3 VM: machine block and every cell's kernel_path for that CPU,
# in the fixture's schema 1 form "MODE KM: IMPL (WHY)" (read by the v1
# reader; schema 2 records {routine, model, impl, why}).
"$FB" info --cpuid-dump "$tests/data/cpuid/zen3-epyc-7713-vm-noerms.txt" --format json >"$tmp/zen3.json"
py - "$tmp/a/run.json" "$tmp/zen3.json" "$tmp/z" <<'EOF'
import json, os, statistics, sys
run, dump, out = sys.argv[1:4]
d = json.load(open(run)); z = json.load(open(dump))
d["run_id"] = "zen3-vm-edited"
d["machine"]["hostname"] = "zen3-vm"
d["machine"]["cpu"] = z["cpu"]
d["machine"]["kernel_paths"] = z["kernel_paths"]
t95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}
# Both modes start from the per-page samples, so only the path differs:
# the 6.1 pairs (rep movsq both sides) come out at exactly 1.
key = lambda c: tuple((k, str(v)) for k, v in sorted(c["config"].items())
                      if k not in ("mode", "primitive"))
page = {key(c): c["samples_ns"] for c in d["cells"] if c["config"]["mode"] == "per-page"}
for c in d["cells"]:
    c["samples_ns"] = list(page[key(c)])
for c in d["cells"]:
    cfg = c["config"]
    r = ("copy_mc_to_kernel" if cfg["function"] == "folio_mc_copy" else
         "copy_page" if cfg["mode"] == "per-page" else "memcpy")
    p = z["kernel_paths"][cfg["kernel_model"]][r]
    c["kernel_path"] = "%s %s: %s (%s)" % (cfg["mode"], cfg["kernel_model"], p["impl"], p["why"])
    cfg["primitive"] = p["primitive"]
    c["implementation"] = "userspace " + p["primitive"]
    # seed 000: memcpy_orig is slower than the microcoded string copies
    slow = 1.6 if p["impl"] == "memcpy_orig" else 1.0
    c["samples_ns"] = [s * slow for s in c["samples_ns"]]
    g = [c["bytes_per_sample"] / s for s in c["samples_ns"]]
    m, sd = statistics.fmean(g), statistics.stdev(g)
    h = t95[len(g) - 1] * sd / len(g) ** 0.5
    c["stats"].update(mean=m, sd=sd, median=statistics.median(g), min=min(g), max=max(g),
                      ci95_lo=m - h, ci95_hi=m + h)
os.makedirs(out, exist_ok=True)
json.dump(d, open(os.path.join(out, "run.json"), "w"), indent=1)
EOF
check "the edited Zen 3 VM result is a valid result file" \
	bash -c "'$FB' show '$tmp/z/run.json' --format csv >'$tmp/z/cells.csv' &&
		 /usr/bin/python3 '$tests/validate_result.py' '$tmp/z' >/dev/null"

# Tables show the path each cell takes, short.
"$FB" show "$tmp/z/run.json" >"$tmp/z.txt"
check "table: 'kernel path: batched 6.12: memcpy_orig (no FSRM)'" \
	grep -q "^  kernel path: batched 6.12: memcpy_orig (no FSRM)$" "$tmp/z.txt"
check "table: 'kernel path: per-page 6.12: rep movsq (REP_GOOD)'" \
	grep -q "^  kernel path: per-page 6.12: rep movsq (REP_GOOD)$" "$tmp/z.txt"
check "table: no long why (source files) under the titles" bash -c "! grep -q 'memcpy_64.S' '$tmp/z.txt'"
want=$(py -c '
import json, sys
k = json.load(open(sys.argv[1]))["machine"]["kernel_paths"]["6.12"]["memcpy"]
print(k["impl"])' "$tmp/a/run.json")
"$FB" show "$tmp/a/run.json" --rows kernel_path --cols folio_size --where kernel_model=6.12,mode=batched,function=folio_copy >"$tmp/kp.txt"
check "kernel_path is a table axis: the recorded batched 6.12 row names $want" \
	grep -q "^batched 6.12: $want (" "$tmp/kp.txt"

# The report, terminal and markdown.
"$FB" paths "$tmp/a/run.json" "$tmp/b/run.json" "$tmp/z/run.json" >"$tmp/r.txt" 2>"$tmp/r.err"
check "paths over three files exits 0 with nothing on stderr" bash -c "[ $? -eq 0 ] && [ ! -s '$tmp/r.err' ]"
check "one section per result file, the edited one as zen3-vm" bash -c "
	[ \$(grep -c '^== ' '$tmp/r.txt') -eq 3 ] && grep -q '^== zen3-vm: AMD EPYC 7713 64-Core Processor (AuthenticAMD 0x19/0x1, KVMKVMKVM, -erms -fsrm)' '$tmp/r.txt'"
check "two runs of one host are told apart" grep -q "^== $rec_host #2: " "$tmp/r.txt"
check "speedup tables: folio_copy and folio_mc_copy per kernel model and folio size" bash -c "
	grep -q 'Folio size \\\\ Function | folio_copy *| folio_mc_copy' '$tmp/r.txt' &&
	[ \$(grep -c '^kernel_model=6.12' '$tmp/r.txt') -eq 3 ]"
check "zen3-vm: 6.12 paths are memcpy_orig vs rep movsq, named seed 000's" \
	grep -q "6.12 folio_copy *per-page rep movsq (REP_GOOD) · batched memcpy_orig (no FSRM)  \[seed 000's paths\]" "$tmp/r.txt"
check "zen3-vm: batched loses on 6.12 folio_copy at 4K and 2M, flagged with the pattern" bash -c "
	sed -n '/^== zen3-vm/,\$p' '$tmp/r.txt' | grep -q '! 6.12 folio_copy 4K: 0\\.[0-9]*±.* seed 000.s pattern: batched memcpy_orig (no FSRM) vs per-page rep movsq (REP_GOOD)' &&
	sed -n '/^== zen3-vm/,\$p' '$tmp/r.txt' | grep -q '! 6.12 folio_copy 2M: 0\\.'"
check "zen3-vm: 6.1 folio_copy (rep movsq both sides) is not flagged" bash -c "
	! sed -n '/^== zen3-vm/,\$p' '$tmp/r.txt' | grep -q '! 6.1 folio_copy'"
check "zen3-vm: exactly its two seed-000 cells lose" bash -c "
	[ \$(sed -n '/^== zen3-vm/,\$p' '$tmp/r.txt' | grep -c '^  ! ') -eq 2 ]"
check "summary counts comparisons and the seed-000 losses" py -c '
import re, sys
m = re.search(r"^summary: batched loses in (\d+) of 24 comparisons over 3 result files; (\d+) of them with seed 000.s paths", open(sys.argv[1]).read(), re.M)
assert m and int(m.group(1)) >= 2 and int(m.group(2)) >= 2, m' "$tmp/r.txt"
"$FB" paths "$tmp/a/run.json" "$tmp/z/run.json" --format markdown >"$tmp/r.md"
check "markdown: headings, pipe tables, bullet paths" bash -c "
	grep -q '^### zen3-vm: ' '$tmp/r.md' && grep -q '^| Folio size \\\\ Function | folio_copy' '$tmp/r.md' &&
	grep -q '^- 6.12 folio_copy' '$tmp/r.md' && grep -q '^|---|---:|---:|' '$tmp/r.md'"

# Bad input: one line, exit 2, nothing on stdout.
bad() { usage_error "$1" paths "${@:2}"; }
bad "give one or more result files"
bad "$tmp/none.json" "$tmp/a/run.json" "$tmp/none.json"
echo '{"schema": "other"}' >"$tmp/other.json"
bad "other.json: not a foliobench result" "$tmp/other.json"
"$FB" copy --primitive libc --folio-sizes 4K --total 1M --reps 2 --output "$tmp/p" --quiet 2>/dev/null
bad "p/run.json: no per-page/batched pair" \
	"$tmp/a/run.json" "$tmp/p/run.json"
bad "allowed table, markdown" --format csv "$tmp/a/run.json"
bad "other than mode" --rows mode "$tmp/a/run.json"
finish
