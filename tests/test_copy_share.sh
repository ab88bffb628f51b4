#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Seed 001's migration in `foliobench report`, on runs recorded in the
# two-node QEMU guest (tests/data/seed001: runners/seed001-1a-threads.sh
# --tiny on kernel 6.12, the copy phase on the kmod backend; emulated
# numbers): the migrate run in table 1a's layout with ours/seed and the
# "measured" line, the copy run as the copy phase without ours/seed, 3a/3b
# taking the migration's 1-thread row (migration-where), and the copy-share
# table (`report MIGRATE --copy-share COPY`): its label, columns, and every
# share and bound recomputed here from the two run.json files; runs that do
# not match and other bad usage: exit 2, one line.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
data=$(cd "$(dirname "$0")/data/seed001" && pwd)
mig=$data/migrate/run.json
copy=$data/copy/run.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
[ -x $PY ] || PY=python3

# ---- the migration and the copy phase in the seed's layout ----
"$FB" report "$mig" --reference seed001 --table 1a >"$tmp/mig.txt" 2>&1
check "report of the migrate run against 1a exits 0" [ $? -eq 0 ]
check "migration: says the seed measured migration and this run did too, on its kernel" \
	grep -q "^  measured: seed: page migration, the series' batch copy on N CPU threads (mtcopy); here: page migration by move_pages(2) on kernel 6.12" "$tmp/mig.txt"
check "migration: ours has the 1-thread row measured in every folio size, ours/seed beside" \
	bash -c "grep -Eq '^1 +(\\| [0-9]+\\.[0-9]{2}±[0-9]+\\.[0-9]{2} +){9}\\|$' '$tmp/mig.txt' && grep -q '^ours/seed (ratio of the means)' '$tmp/mig.txt'"
check "migration: no row other than 1 has a value (the series' threads are not invented)" \
	bash -c "! sed -n '/^ours (GB/,/^\$/p' '$tmp/mig.txt' | grep -E '^(2|4|8|16) ' | grep -q '±'"
"$FB" report "$copy" --reference seed001 --table 1a >"$tmp/copy.txt" 2>&1
check "report of the copy run against 1a exits 0" [ $? -eq 0 ]
check "copy phase: says so, names the backend and threads" \
	grep -q "^  measured: seed: page migration, .*; here: the copy phase alone (folio_copy batched, kmod backend, on 1, 2 threads), no migration: no ours/seed ratio" "$tmp/copy.txt"
check "copy phase: captioned as such, no ours/seed" \
	bash -c "grep -q '^ours (the copy phase alone, GB/s, mean±sd)' '$tmp/copy.txt' && ! grep -Eq '^ours/seed [(]|[|] ours/seed' '$tmp/copy.txt'"
"$FB" report "$mig" --reference seed001 --table 3a,3b >"$tmp/mig3.txt" 2>&1
check "3a/3b: the migration's 2M cell is the 1-thread row of both (migration-where threads=1)" \
	[ "$(grep -cE '^1 +\| [0-9]+\.[0-9]{2}±[0-9]+\.[0-9]{2} +\| 10\.(60|44)±' "$tmp/mig3.txt")" = 2 ]
"$FB" report "$copy" --reference seed001 --table 2a --format markdown >"$tmp/copy2.md" 2>&1
check "markdown: one-column copy phase without the ours/seed column" \
	bash -c "grep -q '^\\*\\*ours beside the seed\\*\\* (the copy phase alone, GB/s' '$tmp/copy2.md' && grep -q '^| Folio Count | ours GB/s | seed GB/s |\$' '$tmp/copy2.md'"

# ---- the copy-share table ----
"$FB" report "$mig" --copy-share "$copy" >"$tmp/share.txt" 2>"$tmp/share.err"
check "copy share exits 0" [ $? -eq 0 ]
check "copy share: labelled a bound computed from two measurements" \
	grep -qx '  bound computed from two measurements, not a measurement' "$tmp/share.txt"
check "copy share: columns, the bound for the copy run's 2 threads measured" \
	grep -qx 'direction | folio size | folios | migration GB/s | migration ms | copy ms, 1 thread | copy share | bound GB/s, 2 threads (measured copy) |' \
	<(sed 's/  *|/ |/g' "$tmp/share.txt")
"$FB" report "$mig" --copy-share "$copy" --threads 2,16 --format markdown >"$tmp/share.md" 2>&1
check "copy share markdown: a pipe table, the 16-thread bound ideal, the label in bold" \
	bash -c "grep -q '^| direction | folio size | .* | bound GB/s, 16 threads (ideal copy) |\$' '$tmp/share.md' && grep -qx -- '- \\*\\*bound computed from two measurements, not a measurement\\*\\*' '$tmp/share.md'"
# Every number recomputed from the two run.json files.
$PY - "$mig" "$copy" "$tmp/share.md" <<'EOF' >"$tmp/recompute.out" 2>&1
import json, sys
mig, copy = (json.load(open(p))["cells"] for p in sys.argv[1:3])
rows = [l.strip().strip("|").split("|") for l in open(sys.argv[3]) if l.startswith("| 0 -> ")]
key = lambda c: tuple(c["config"][k] for k in ("folio_size", "total_bytes", "src_node", "dst_node"))
def best(c, t):
    v = [x["stats"]["mean"] for x in copy if x["status"] == "ok" and key(x) == key(c) and x["config"]["threads"] == t]
    return max(v) if v else None
bad, n = 0, 0
for c, r in zip([c for c in mig if c["status"] == "ok"], rows):
    r = [x.strip() for x in r]
    b = c["config"]["total_bytes"]
    tm, t1, t2 = b / (c["stats"]["mean"] * 1e9), b / (best(c, 1) * 1e9), b / (best(c, 2) * 1e9)
    want = ["%.2f" % (tm * 1e3), "%.2f" % (t1 * 1e3), "%.0f%%" % (100 * t1 / tm),
            "%.2f (%.2fx)" % (b / (tm - t1 + t2) / 1e9, tm / (tm - t1 + t2)),
            "%.2f (%.2fx)" % (b / (tm - t1 + t1 / 16) / 1e9, tm / (tm - t1 + t1 / 16))]
    got = [r[4], r[5], r[6], r[7], r[8]]
    n += 1
    if got != want:
        print("row", r, "want", want); bad += 1
print(n, "rows checked")
sys.exit(1 if bad or n != sum(c["status"] == "ok" for c in mig) or n < 9 else 0)
EOF
rc=$?
sed 's/^/# /' "$tmp/recompute.out"
check "copy share: every migration time, copy time, share and bound (measured and ideal) recomputed" [ $rc -eq 0 ]

# ---- runs that do not match, bad usage ----
NO_OUTPUT=
usage_error "not a foliobench migrate run" report "$copy" --copy-share "$mig"
usage_error "no 1-thread copy of 16M in 4K folios from node 0 to node 1" \
	report "$(dirname "$0")/data/migrate/run-6.12/run.json" --copy-share "$copy"
$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["cells"]: c["config"]["dst_node"] = 2
json.dump(d, open(sys.argv[2], "w"))' "$copy" "$tmp/othernode.json"
usage_error "from node 0 to node 1" report "$mig" --copy-share "$tmp/othernode.json"
usage_error "--threads 1: allowed 2..4096" report "$mig" --copy-share "$copy" --threads 1
usage_error "--threads 2: only with --copy-share" report "$mig" --threads 2
usage_error "--copy-share: allowed --format table, markdown" report "$mig" --copy-share "$copy" --format series
usage_error "--copy-share is a table of its own: it takes no --reference" report "$mig" --copy-share "$copy" --reference seed001
usage_error "give the migrate run first" report --copy-share "$copy"
usage_error "$tmp/nosuch" report "$mig" --copy-share "$tmp/nosuch"
finish
