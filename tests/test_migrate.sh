#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench migrate on this host: every bad input (one line naming the bad
# value, exit 2, no result file); the skip on a machine with fewer than two
# NUMA nodes with memory (exit 4 and the reason, mTHP settings untouched),
# also through runners/seed000-move-pages.sh; on two or more nodes a small
# real run checked against the schema.  A run recorded in the Debian 6.12
# guest (tests/data/migrate/run-6.12) is checked against the schema and
# rendered with show (and compare, when built), the same as copy results.
# The moves themselves are tested in the QEMU guest: tests/vm/guest/30-migrate.sh.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
validate() { /usr/bin/python3 "$tests/validate_result.py" "$@" >/dev/null; }
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
thp=/sys/kernel/mm/transparent_hugepage

bad() { usage_error "$@"; }

"$FB" migrate --help >"$tmp/help" 2>&1
check "migrate --help exits 0 and documents --batch and --load" \
	bash -c "grep -q -- '--batch LIST' '$tmp/help' && grep -q -- '--load LIST' '$tmp/help'"
check "foliobench --help lists migrate" bash -c "'$FB' --help | grep -q '^  migrate '"

bad "--bogus" migrate --bogus
bad "stray" migrate stray
bad "3K: allowed powers of two 4K..2M" migrate --folio-sizes 3K
bad "12K" migrate --folio-sizes 4K,12K
bad "4M" migrate --folio-sizes 4M
bad "1G" migrate --folio-sizes 1G
bad "--folio-sizes 0" migrate --folio-sizes 0
bad "--total 0" migrate --total 0
bad "--total 12Q" migrate --total 12Q
bad "--folio-count 0: allowed 1 or more folios" migrate --folio-count 0
bad "--folio-count 'x': not a whole number" migrate --folio-count x
bad "--folio-count and --total both set what is moved" migrate --folio-count 8 --total 16M
bad "--batch 600: allowed 1..512 pages" migrate --folio-sizes 2M --folio-count 1,8 --batch 600
bad "--batch 0" migrate --batch 0
bad "--batch x" migrate --batch x
bad "--batch 3-8" migrate --batch 3-8
bad "--load heavy: allowed none, rw" migrate --load heavy
bad "--nodes 0" migrate --nodes 0
bad "--nodes 1:1: source and destination must differ" migrate --nodes 1:1
bad "--nodes x: allowed a whole number" migrate --nodes x:1
bad "--src-node 2 --dst-node 2" migrate --src-node 2 --dst-node 2
bad "--nodes and --src-node" migrate --nodes 0:1 --src-node 0
bad "--cpus 0,1,2: allowed one CPU" migrate --cpus 0,1,2
bad 'token "x"' migrate --cpus x
bad "--reps 0" migrate --reps 0
bad "--warmup -1" migrate --warmup -1
bad "--format xml" migrate --format xml
bad "--rows height" migrate --rows height
# A size between 4K and 2M that this kernel does not offer anonymous mTHP for.
missing=
for kb in 8 16 32 64 128 256 512 1024; do
	[ -e "$thp/hugepages-${kb}kB/enabled" ] && continue
	missing=${kb}K
	[ $kb = 1024 ] && missing=1M
	break
done
if [ -n "$missing" ]; then
	bad "--folio-sizes $missing: this kernel offers" migrate --folio-sizes "$missing"
else
	skip "mTHP size this kernel lacks" "this kernel offers every size 8K..1M"
fi

# Nodes with memory on this machine.
nmem=0
for d in /sys/devices/system/node/node[0-9]*; do
	[ -d "$d" ] || continue
	[ "$(awk '/MemTotal/ { print $4 }' "$d/meminfo")" != 0 ] && nmem=$((nmem + 1))
done
[ "$nmem" -ge 1 ] || nmem=1 # no NUMA in sysfs: one node
snap() { cat "$thp/enabled" "$thp"/hugepages-*/enabled 2>/dev/null; }

if [ "$nmem" -lt 2 ]; then
	before=$(snap)
	"$FB" migrate --folio-sizes 2M --load rw >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "one node with memory: exit 4 (skip), got $rc" [ $rc -eq 4 ]
	check "one node: one line, the reason: $(cat "$tmp/err")" \
		[ "$(cat "$tmp/err")" = "foliobench migrate: needs two NUMA nodes with memory; this machine has one" ]
	check "one node: no result file" [ ! -e "$tmp/results" ]
	check "one node: mTHP settings untouched" [ "$(snap)" = "$before" ]
	FOLIOBENCH=$FB "$tests/../runners/seed000-move-pages.sh" "$tmp/runner" >"$tmp/rout" 2>"$tmp/rerr"
	rc=$?
	check "seed000-move-pages.sh skips (exit 4, got $rc) and says why: $(cat "$tmp/rerr")" \
		bash -c "[ $rc -eq 4 ] && grep -q 'skipped: needs two NUMA nodes with memory; this machine has one' '$tmp/rerr'"
	check "runner: no result folder" [ ! -e "$tmp/runner" ]
else
	"$FB" migrate --folio-sizes 4K --total 16M --reps 2 --output "$tmp/r" --quiet 2>"$tmp/err"
	check "two nodes: a 16 MiB 4K migrate run exits 0" [ $? -eq 0 ]
	check "two nodes: run.json matches the schema; stats agree with samples" validate "$tmp/r"
	check "two nodes: every page landed, data intact, counters parsed" jq_py "$tmp/r/run.json" \
		"c = d['cells'][0]; m = c['extra']['metrics']; assert c['verified'] is True and m['pages_not_landed'] == 0 and m['counters']['pgmigrate_success']['total'] >= 2 * 4096"
fi

# The runner on a pretend two-node machine (node 1 memory-only): a fake
# foliobench hands back the recorded guest run for `migrate`; the rest is real.
mkdir -p "$tmp/nodes/node0" "$tmp/nodes/node1"
for n in 0 1; do echo "Node $n MemTotal:        1048576 kB" >"$tmp/nodes/node$n/meminfo"; done
echo 0-1 >"$tmp/nodes/node0/cpulist"
echo >"$tmp/nodes/node1/cpulist"
cat >"$tmp/fakefb" <<EOF
#!/bin/bash
if [ "\$1" = migrate ]; then
	echo "\$*" >"$tmp/fake-args"
	while [ \$# -gt 0 ] && [ "\$1" != --output ]; do shift; done
	mkdir -p "\$2" && cp "$tests/data/migrate/run-6.12/run.json" "$tests/data/migrate/run-6.12/cells.csv" "\$2/"
	exit 0
fi
exec "$FB" "\$@"
EOF
chmod +x "$tmp/fakefb"
FB_NODE_SYSFS=$tmp/nodes FOLIOBENCH=$tmp/fakefb "$tests/../runners/seed000-move-pages.sh" "$tmp/r2" >"$tmp/r2.out" 2>&1
rc=$?
check "runner on two nodes: exit 0 ($rc), migrate 2M 0:1,1:0 64M 5 reps ($(cat "$tmp/fake-args" 2>/dev/null))" \
	bash -c "[ $rc -eq 0 ] && grep -q -- '--folio-sizes 2M --nodes 0:1,1:0 --total 64M --reps 5' '$tmp/fake-args'"
check "runner: the seed's move-pages table beside ours (foliobench report)" \
	bash -c "grep -q 'Seed 000 table move-pages' '$tmp/r2/tables.txt' && grep -q '^DRAM0 -> CXL' '$tmp/r2/tables.txt' && grep -q 'Direction .* Folio size' '$tmp/r2/tables.txt'"
check "runner: report.md labels the memory-only node and links the raw data" \
	bash -c "grep -q 'node 1 (memory-only, CXL-like)' '$tmp/r2/report.md' && grep -q '(migrate/run.json)' '$tmp/r2/report.md' && grep -q '^| DRAM0 -> CXL' '$tmp/r2/report.md'"

# A run recorded in the 6.12 guest: 2 directions x 4K,2M x load none,rw.
rec=$tests/data/migrate/run-6.12
check "recorded guest run matches the schema; stats agree with the samples; CSV agrees" validate "$rec"
check "recorded run: experiment migrate, batch and load in the config, metrics in extra" jq_py "$rec/run.json" \
	"cs = d['cells']; assert len(cs) == 8 and all(c['config']['experiment'] == 'migrate' and 'batch' in c['config'] and c['config']['load'] in ('none', 'rw') and c['extra']['metrics']['pages_per_s']['n'] == c['stats']['n'] for c in cs)"
"$FB" show "$rec/run.json" --rows direction --cols folio_size >"$tmp/show" 2>&1
check "show: Direction x Folio size, one table per load" \
	bash -c "[ \$(grep -c 'Direction \\\\ Folio size' '$tmp/show') -eq 2 ] && grep -q 'load=rw' '$tmp/show'"
"$FB" show "$rec/run.json" --rows load --cols direction --where folio_size=2M --format markdown >"$tmp/show2" 2>&1
check "show: load x direction for 2M in markdown" grep -q '^| Load \\ Direction | 0->1 *| 1->0' "$tmp/show2"
"$FB" show "$rec/run.json" --format series --rows folio_size --cols direction --where load=none >"$tmp/s.dat" 2>&1
check "series: one block per direction, x = folio size" [ "$(grep -c '^"folio_size" "direction=' "$tmp/s.dat")" -eq 2 ]
if command -v gnuplot >/dev/null; then
	gnuplot -e "data='$tmp/s.dat'; out='$tmp/plot'; ttl='migrate'" "$tests/../plots/lines.gp" 2>"$tmp/gp.err"
	check "plots/lines.gp draws the migrate series (png, svg)" [ -s "$tmp/plot.png" -a -s "$tmp/plot.svg" ]
else
	skip "plot" "gnuplot is not installed"
fi
if "$FB" compare --help >/dev/null 2>&1; then
	# compare keys cells by configuration; one load and batch per file here.
	jq_py "$rec/run.json" "d['cells'] = [c for c in d['cells'] if c['config']['load'] == 'none']; d['cells_planned'] = len(d['cells']); json.dump(d, open('$tmp/none.json', 'w'))"
	"$FB" compare "$tmp/none.json" "$tmp/none.json" >"$tmp/cmp" 2>&1
	check "compare: recorded migrate cells against themselves exit 0 ($(tail -n 1 "$tmp/cmp"))" [ $? -eq 0 ]
else
	skip "compare" "foliobench compare is not built"
fi
finish
