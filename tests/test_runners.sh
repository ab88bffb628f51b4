#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The runners in tiny mode (runners/all.sh --tiny): every table has the
# seed's rows and columns beside the seed's published table with a shape
# line, every report links only to files that exist, PNGs are PNGs and SVGs
# parse as XML; a runner that cannot run here exits 4 and says why; without
# gnuplot the tables and CSV are still written; an interrupted runner keeps
# its cells and its report says partial; bad usage exits 2 with one line.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH=$FB
PY=/usr/bin/python3
[ -x $PY ] || PY=python3

# ---- every runner, tiny ----
"$root/runners/all.sh" --tiny "$tmp/all" >"$tmp/all.out" 2>"$tmp/all.err"
rc=$?
check "runners/all.sh --tiny exits 0 (got $rc)" [ $rc -eq 0 ]
check "the top report exists" [ -s "$tmp/all/report.md" ]
ran="characterize seed001-1a-threads seed001-2-folio-count seed001-3-placement seed000-folio-mc-copy seed000-zen3"
"$FB" stores --help >/dev/null 2>&1 && ran="$ran seed004-stores"
for r in $ran; do
	check "$r ran complete" grep -qx complete "$tmp/all/$r/STATUS"
	check "$r: run.json and cells.csv written" \
		bash -c "ls '$tmp/all/$r'/*/run.json >/dev/null && ls '$tmp/all/$r'/*/cells.csv >/dev/null"
	check "$r: the report names the backend" grep -q '^- backend: ' "$tmp/all/$r/report.md"
	check "$r: the top report has its section" \
		grep -qxF "#$(head -1 "$tmp/all/$r/report.md")" "$tmp/all/report.md"
done
check "the top report's summary lists every runner with its status" \
	bash -c "for r in $ran seed001-1b-dma; do grep -q \"^| \\[\$r\\](\$r/report.md) |\" '$tmp/all/report.md' || exit 1; done"
if [ ! -e /dev/foliobench ]; then
	check "without the module, 1b is reported skipped with the reason" \
		grep -q '^- \*\*seed001-1b-dma\*\* .*skipped: .*module is not loaded' "$tmp/all/report.md"
	check "without the module, 2b is left out with the reason and the seed's table still shown" \
		bash -c "grep -q 'left out: table 2b.*not loaded' '$tmp/all/seed001-2-folio-count/report.md' && grep -q 'Seed 001 table 2b' '$tmp/all/seed001-2-folio-count/tables.txt'"
fi

# Our tables have the seed's rows and columns: for every table of every
# runner, ours (or the combined one-column table) against the seed's own
# grid as `foliobench report` prints it without a run.
$PY - "$tmp/all" "$FB" >"$tmp/layout.out" 2>&1 <<'EOF'
import os, re, subprocess, sys
out, fb = sys.argv[1], sys.argv[2]
runs = {"seed001-1a-threads": ("seed001", ["1a"]), "seed001-2-folio-count": ("seed001", ["2a"]),
        "seed001-3-placement": ("seed001", ["3a", "3b"]), "seed000-folio-mc-copy": ("seed000", ["micro"]),
        "seed000-zen3": ("seed000", ["zen3", "zen3-split"]), "seed004-stores": ("seed004", ["stores"])}

def grids(text):
    """{(table id, caption): [rows of cells]} from report's text output."""
    res, table, caption, lines = {}, None, None, text.splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^Seed \S+ table (\S+): ", lines[i])
        if m:
            table = m.group(1)
        elif lines[i] and not lines[i].startswith(" ") and i + 2 < len(lines) and re.match(r"^=+$", lines[i + 2]):
            caption = lines[i].split(" (")[0]
            rows = [[c.strip() for c in lines[i + 1].split(" | ")]]
            j = i + 3
            while j < len(lines) and lines[j].endswith("|"):
                rows.append([c.strip() for c in lines[j].split(" | ")])
                j += 1
            for r in rows:
                r[-1] = r[-1].rstrip(" |")
            res[(table, caption)] = rows
            i = j
            continue
        i += 1
    return res

bad = 0
for runner, (ref, tables) in runs.items():
    if not os.path.exists(os.path.join(out, runner, "tables.txt")):
        print(f"# {runner} did not run"); continue
    ours = grids(open(os.path.join(out, runner, "tables.txt")).read())
    for t in tables:
        seed = grids(subprocess.run([fb, "report", "--reference", ref, "--table", t],
                                    capture_output=True, text=True, check=True).stdout)[(t, "seed")]
        if (t, "ours") in ours:
            g = ours[(t, "ours")]
            same_cols = g[0] == seed[0]
        else:
            g = ours.get((t, "ours beside the seed"))
            if g is None:
                print(f"not ok - {runner} {t}: no table of ours"); bad += 1; continue
            # the copy phase of a migration table has no ours/seed
            same_cols = g[0][:3] == [seed[0][0], "ours " + seed[0][1], "seed " + seed[0][1]] and \
                g[0][3:] in ([], ["ours/seed"])
        labels = [r[0] for r in g[1:] if not r[0].endswith("(ours only)")]
        same_rows = labels == [r[0] for r in seed[1:]]
        ok = same_cols and same_rows and all(len(r) == len(g[0]) for r in g)
        print(f"{'ok' if ok else 'not ok'} - {runner} table {t}: ours has the seed's columns {seed[0][1:]} and rows {[r[0] for r in seed[1:]]}")
        if not ok:
            print("#", g)
            bad += 1
        shapes = [l for l in open(os.path.join(out, runner, "tables.txt")) if l.startswith("shape:") and "; ours " in l]
        if not shapes or not all(re.search(r"-> (agrees|differs|cannot tell \([a-zA-Z0-9 ]+: .+\))$", l.strip()) for l in shapes):
            print(f"not ok - {runner}: shape lines say agrees, differs or cannot tell (REASON: ...)"); bad += 1
sys.exit(1 if bad else 0)
EOF
rc=$?
sed 's/^/  /' "$tmp/layout.out"
check "every runner's tables have the seed's rows and columns, and shape lines" [ $rc -eq 0 ]
# The summary counts the verdicts of every shape line, cannot tell by reason.
$PY - "$tmp/all" <<'EOF' >"$tmp/verdicts.out" 2>&1
import glob, re, sys
out = sys.argv[1]
lines = [l.strip() for f in glob.glob(out + "/*/report.md") for l in open(f) if l.startswith("- shape: ") and "; ours " in l]
want = {"agree": sum(l.endswith(": **agrees**") for l in lines), "differ": sum(l.endswith(": **differs**") for l in lines)}
reasons = {}
for l in lines:
    m = re.search(r": \*\*cannot tell\*\* \(([^:]+):", l)
    if m:
        reasons[m.group(1)] = reasons.get(m.group(1), 0) + 1
want["cannot tell"] = sum(reasons.values())
m = re.search(r"^Shape checks of all runners: (\d+) agree, (\d+) differ, (\d+) cannot tell(?: \((.*)\))?\.$",
              open(out + "/report.md").read(), re.M)
assert m, "no summary line"
got = {"agree": int(m.group(1)), "differ": int(m.group(2)), "cannot tell": int(m.group(3))}
got_reasons = dict((k, int(v)) for k, v in (x.rsplit(": ", 1) for x in m.group(4).split("; "))) if m.group(4) else {}
print(f"# {len(lines)} shape lines: {want}, {reasons}")
assert got == want and got_reasons == reasons and sum(got.values()) == len(lines), (got, got_reasons)
EOF
check "the summary counts agree, differ and cannot tell (by reason) over every shape line" [ $? -eq 0 ]
sed 's/^/  /' "$tmp/verdicts.out"
if grep -q '^  ours: .*, 1 LLC domain(s), ' "$tmp/all/seed001-3-placement/tables.txt"; then
	check "one LLC domain: spread vs fill cannot tell, with the reason, counted as such" \
		bash -c "grep -q '^shape: spread beats fill .* -> cannot tell (one LLC domain: ' '$tmp/all/seed001-3-placement/shapes.txt' && grep -q '^| \[seed001-3-placement\].*one LLC domain: 1' '$tmp/all/report.md'"
fi
check "ours/seed ratios are printed where rows and columns match" \
	grep -q 'ours/seed' "$tmp/all/seed000-folio-mc-copy/tables.txt"
# Seed 001 measured migration: a copy run beside it is the copy phase, with
# no ours/seed; on one node migration is skipped with the reason.
for r in seed001-1a-threads seed001-2-folio-count seed001-3-placement; do
	t=$tmp/all/$r/tables.txt
	check "$r: the copy phase says what the seed measured and what ran here" \
		grep -q "^  measured: seed: page migration, .*; here: the copy phase alone (folio_copy batched, " "$t"
	check "$r: the report says it in one line" \
		grep -q "^- note: seed: migration with the series' copy offload on N threads; here: " "$tmp/all/$r/report.md"
	check "$r: the copy phase is captioned as such, with no ours/seed" \
		bash -c "grep -q '^ours \(beside the seed \)\?(the copy phase alone, GB/s' '$t' && ! sed -n '/here: the copy phase alone/,/^shape:/p' '$t' | grep -Eq '^ours/seed [(]|[|] ours/seed'"
	if [ "$(grep -l 'MemTotal: *[1-9]' /sys/devices/system/node/node*/meminfo 2>/dev/null | wc -l)" -lt 2 ]; then
		check "$r: one node: migration skipped with foliobench migrate's reason, no share table" \
			bash -c "grep -q '^Migration (what seed 001 measured, tables .*) is skipped here: needs two NUMA nodes with memory' '$t' && ! grep -q 'Where migration time goes' '$t'"
	fi
done
check "the seed's table is printed beside ours, citing the post" \
	bash -c "grep -q '^seed (GB/s, as published)' '$tmp/all/seed001-1a-threads/tables.txt' && grep -q 'from: .*shared/seeds/001_' '$tmp/all/seed001-1a-threads/tables.txt'"

# Seed 000's split: for each kernel model, overhead saved x primitive
# changed multiplies back to the measured speedup (within the rounding of
# the printed ratios), each ratio is the ratio of its GB/s columns, and a
# line says which variant wins.
$PY - "$tmp/all/seed000-zen3/tables.txt" >"$tmp/split.out" 2>&1 <<'EOF'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
start = next(i for i, l in enumerate(lines) if l.startswith("Seed 000 table zen3-split:"))
ours = next(i for i in range(start, len(lines)) if lines[i].startswith("ours (GB/s"))
head = [c.strip() for c in lines[ours + 1].rstrip(" |").split(" | ")]
want = ["Kernel model", "per-page GB/s", "copy_page loop GB/s", "memcpy GB/s", "rep movsq GB/s",
        "overhead saved", "primitive memcpy", "speedup memcpy", "primitive rep movsq", "speedup rep movsq"]
assert head == want, head
rows = {}
for l in lines[ours + 3:]:
    if not l.endswith("|"):
        break
    c = [x.strip() for x in l.rstrip(" |").split(" | ")]
    rows[c[0]] = dict(zip(head, c))
assert sorted(rows) == ["6.1", "6.12"], rows
def mean(v): return float(v.split("±")[0])
def ratio(v): return float(v.rstrip("x"))
def close(a, b, what, tol=None):
    # the ratios are printed to 2 decimals, the GB/s too: allow their rounding
    ok = abs(a - b) <= (tol if tol is not None else 0.011 + 0.01 * abs(b))
    print(f"{'ok' if ok else 'not ok'} - {what}: {a:.4f} vs {b:.4f}")
    return ok
good = True
for km, r in rows.items():
    o, pm, sm = ratio(r["overhead saved"]), ratio(r["primitive memcpy"]), ratio(r["speedup memcpy"])
    pr, sr = ratio(r["primitive rep movsq"]), ratio(r["speedup rep movsq"])
    pp, cp, mc, rq = (mean(r[k]) for k in want[1:5])
    good &= close(o * pm, sm, f"{km}: overhead x primitive memcpy = speedup memcpy", 0.0051 * (o + pm) + 0.006)
    good &= close(o * pr, sr, f"{km}: overhead x primitive rep movsq = speedup rep movsq", 0.0051 * (o + pr) + 0.006)
    good &= close(cp / pp, o, f"{km}: overhead saved = copy_page loop / per page")
    good &= close(mc / cp, pm, f"{km}: primitive memcpy = memcpy / copy_page loop")
    good &= close(mc / pp, sm, f"{km}: speedup memcpy = memcpy / per page")
    good &= close(rq / cp, pr, f"{km}: primitive rep movsq = rep movsq / copy_page loop")
    v = [l for l in lines if re.match(rf"^on this CPU \(user backend\), kernel model {re.escape(km)}: (per page|batched (memcpy|copy_page|rep_movsq)) wins at [0-9.]+ GB/s, ", l)]
    print(f"{'ok' if len(v) == 1 else 'not ok'} - {km}: one line says which variant wins: {v}")
    good &= len(v) == 1
sys.exit(0 if good else 1)
EOF
rc=$?
sed 's/^/  # /' "$tmp/split.out"
check "seed000-zen3 split: overhead x primitive = speedup for both kernel models, and which variant wins" [ $rc -eq 0 ]

# Every link of every report.md points to a file that exists.
$PY - "$tmp/all" <<'EOF' >"$tmp/links.out" 2>&1
import os, re, sys
bad = n = 0
for d, _, files in os.walk(sys.argv[1]):
    if "report.md" not in files:
        continue
    text = open(os.path.join(d, "report.md")).read()
    for target in re.findall(r"\]\(([^)]+)\)", text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        n += 1
        if not os.path.isfile(os.path.join(d, target)):
            print(f"{os.path.join(d, 'report.md')}: {target} does not exist"); bad += 1
print(f"{n} links checked")
sys.exit(1 if bad or not n else 0)
EOF
rc=$?
sed 's/^/  # /' "$tmp/links.out"
check "every report.md links only to files that exist" [ $rc -eq 0 ]

# Plots.
if command -v gnuplot >/dev/null; then
	pngs=$(find "$tmp/all" -name '*.png' | wc -l)
	check "plots were drawn ($pngs PNGs)" [ "$pngs" -ge 6 ]
	badpng=0
	for p in $(find "$tmp/all" -name '*.png'); do
		[ -s "$p" ] && [ "$(head -c 8 "$p" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || badpng=$((badpng + 1))
	done
	check "every PNG is non-empty and starts with the PNG signature" [ $badpng -eq 0 ]
	check "every SVG parses as XML" $PY -c "
import sys, glob, xml.dom.minidom
files = glob.glob(sys.argv[1] + '/**/*.svg', recursive=True)
assert len(files) >= 6, files
for f in files: xml.dom.minidom.parse(f)" "$tmp/all"
	check "plot titles name the CPU model and kernel" grep -q "$(uname -r)" "$tmp/all/seed001-1a-threads/plots/1a-threads.svg"
	check "the 1a plot draws the seed's lines too" grep -q 'seed threads=16' "$tmp/all/seed001-1a-threads/plots/1a-threads.svg"
	check "the top report embeds the plots" grep -q '!\[1a-threads\](seed001-1a-threads/plots/1a-threads.png)' "$tmp/all/report.md"
else
	skip "the plot files" "gnuplot is not installed"
fi

# ---- a runner that cannot run here ----
if [ ! -e /dev/foliobench ]; then
	"$root/runners/seed001-1b-dma.sh" --tiny "$tmp/dma" >"$tmp/dma.out" 2>&1
	rc=$?
	check "1b without the module exits 4 (got $rc)" [ $rc -eq 4 ]
	check "1b says why in one line" grep -q '^   skipped: the foliobench kernel module is not loaded' "$tmp/dma.out"
	check "1b's report says skipped and still shows the seed's table" \
		bash -c "grep -q 'Skipped on this machine' '$tmp/dma/report.md' && grep -q '| 16 .*55.45±1.20' '$tmp/dma/report.md'"
fi

# ---- no gnuplot ----
GNUPLOT=/nonexistent/gnuplot "$root/runners/seed001-1a-threads.sh" --tiny "$tmp/nognu" >"$tmp/nognu.out" 2>&1
rc=$?
check "without gnuplot the runner still exits 0 (got $rc)" [ $rc -eq 0 ]
check "without gnuplot: one line says the plots are skipped" [ "$(grep -c 'plots skipped: gnuplot is not installed' "$tmp/nognu.out")" -eq 1 ]
check "without gnuplot: tables and CSV are written, no PNG" \
	bash -c "[ -s '$tmp/nognu/tables.txt' ] && [ -s '$tmp/nognu/copy/cells.csv' ] && ! ls '$tmp/nognu/plots/'*.png 2>/dev/null"
check "without gnuplot: the report says so" grep -q '^Plots skipped: gnuplot is not installed' "$tmp/nognu/report.md"

# ---- interrupted ----
set -m # own process group, as a terminal's Ctrl-C reaches the whole job
# Each cell runs for its time budget (a CI target no run reaches), so cells
# complete at a steady pace however loaded this machine is.
"$root/runners/seed001-1a-threads.sh" --tiny "$tmp/int" -- --reps auto --ci-target 0.00001 \
	--time-budget 1 --max-reps 1000000 --warmup 0 >"$tmp/int.out" 2>&1 &
pid=$!
set +m
for _ in $(seq 100); do [ -e "$tmp/int/copy.err" ] && break; sleep 0.1; done
sleep 5
kill -INT -- -"$pid" 2>/dev/null
wait "$pid"
rc=$?
check "an interrupted runner exits 1 (got $rc)" [ $rc -eq 1 ]
check "its STATUS says partial" grep -q '^partial' "$tmp/int/STATUS"
check "its report says partial and keeps the completed cells" \
	bash -c "grep -q 'status: partial' '$tmp/int/report.md' && grep -q 'PARTIAL: the run is interrupted after' '$tmp/int/report.md' && grep -Eq '^\\| 1 +\\| [0-9]+\\.[0-9]{2}±' '$tmp/int/report.md'"
check "its run.json is marked interrupted" grep -q '"status": *"interrupted"' "$tmp/int/copy/run.json"

# ---- bad usage ----
"$root/runners/all.sh" --bogus >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
check "an unknown option exits 2 (got $rc)" [ $rc -eq 2 ]
check "with one line naming it" bash -c "[ \$(wc -l <'$tmp/bad.err') -eq 1 ] && grep -q -- '--bogus' '$tmp/bad.err'"
FOLIOBENCH_RUNNER_MODE=huge "$root/runners/seed000-zen3.sh" >/dev/null 2>"$tmp/bad2.err"
rc=$?
check "a bad FOLIOBENCH_RUNNER_MODE exits 2 naming it" bash -c "[ $rc -eq 2 ] && grep -q 'huge' '$tmp/bad2.err'"
"$FB" report --reference nosuchseed >/dev/null 2>"$tmp/bad3.err"
rc=$?
check "report with an unknown reference exits 2 naming it" bash -c "[ $rc -eq 2 ] && grep -q 'nosuchseed' '$tmp/bad3.err'"
"$FB" report --reference seed001 --table 9z >/dev/null 2>"$tmp/bad4.err"
rc=$?
check "report with an unknown table exits 2 listing the tables" bash -c "[ $rc -eq 2 ] && grep -q '9z: seed001 has 1a, 1b, 2a, 2b, 3a, 3b' '$tmp/bad4.err'"
# A run.json whose machine block lacks the topology lists still reports.
ls "$tmp"/all/seed001-1a-threads/*/run.json >/dev/null 2>&1 &&
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
del d["machine"]["llc_domains"], d["machine"]["numa_nodes"]
json.dump(d, open(sys.argv[2], "w"))' "$(ls "$tmp"/all/seed001-1a-threads/*/run.json | head -1)" "$tmp/notopo.json"
"$FB" report "$tmp/notopo.json" --reference seed001 --table 1a >"$tmp/notopo.out" 2>&1
rc=$?
check "report of a run without llc_domains/numa_nodes exits 0 (got $rc)" bash -c "[ $rc -eq 0 ] && grep -q '0 LLC domain(s), 0 NUMA node(s)' '$tmp/notopo.out'"
finish
