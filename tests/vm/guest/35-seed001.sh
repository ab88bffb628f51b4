#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Seed 001's runners (1a, 2 folio count, 3 placement) in tiny mode in the VM
# guest (busybox sh; the runners are bash scripts: test_kmod_vm.sh puts bash
# and the runners' files at /repo in the initramfs).  With the module in the
# initramfs it is loaded first, so the copy phase runs on the kmod backend.
# With two nodes with memory each report has the migration table in the
# seed's layout with ours/seed, the copy phase without it, and the copy-share
# table with its bound label; with one node the migration is skipped with
# foliobench migrate's reason and the copy phase is still shown.  The
# numbers are emulated (TCG): the structure is checked, not the speed.
# Prints TAP lines.  Env from /init: FB_NODES, FB_BIN_DIR, FB_KO_DIR.
. "${FB_TAP:-$(dirname "$0")/../../tap.sh}"  # TAP helpers: tests/tap.sh

fb=${FB_BIN_DIR:-/usr/local/bin}/foliobench
ko=${FB_KO_DIR:-/lib/modules-fb}/foliobench.ko
out=/tmp/fb-s001
mkdir -p $out

if [ ! -x "$fb" ] || [ ! -x /usr/local/bin/bash ] || [ ! -f /repo/runners/seed001-1a-threads.sh ]; then
	skip "seed 001 runners" "foliobench, bash or the runners not in the initramfs"
	finish
fi

# Nodes with memory: two make a migration.
mem=0
for dn in /sys/devices/system/node/node[0-9]*; do
	[ "$(awk '/MemTotal/ { print $4 }' $dn/meminfo)" = 0 ] || mem=$((mem + 1))
done
loaded=
if [ -f "$ko" ] && [ ! -e /dev/foliobench ] && insmod "$ko" 2>$out/insmod.err; then
	loaded=1
	i=0
	while [ ! -c /dev/foliobench ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
fi
backend=user
[ -e /dev/foliobench ] && backend=kmod
echo "# fb-s001: $mem node(s) with memory, copy phase on the $backend backend"

# section FILE N: the Nth "Seed 001 table" section of a tables.txt (with
# the share table when it follows)
section() {
	awk -v n="$2" '/^Seed 001 table / { k++ } k == n' "$1"
}

# An ours/seed grid: its caption, or the column of a one-column table.
ratio_re='^ours/seed \(|\| ours/seed'

# migrated CELLS [SIZE]: the migrate run's cells that completed (of folio
# size SIZE bytes): the kernel offers only some mTHP sizes (6.1: none but
# 4K), and the runner moves those
migrated() {
	awk -v want="${2:-}" '/"folio_size":/ { v = $0; gsub(/[^0-9]/, "", v); fs = v }
		/"status":"ok"/ && (want == "" || fs == want) { n++ } END { print n + 0 }' "$1"
}

# runner NAME TABLES COPY MROWS: run it, check its report; the share table
# has one row per migrated cell; MROWS: measured rows of ours in each
# migration table: "one" (the 1-thread row, when anything migrated), "2M"
# (the 2M cells: the folio counts of 2a; 3a/3b's one 2M cell)
runner() {
	name=$1 tables=$2 copy=$3 mrows=$4
	r=$out/$name
	t0=$(date +%s)
	(cd /repo && FOLIOBENCH=$fb bash runners/$name.sh --tiny $r) >$r.out 2>&1
	rc=$?
	echo "# fb-s001: $name exit $rc in $(($(date +%s) - t0)) s"
	grep -E '^   (note|left out|status):' $r.out | sed 's/^/#/'
	if [ $rc -ne 0 ] || ! grep -qx complete $r/STATUS 2>/dev/null; then
		notok "$name --tiny: exit $rc, status '$(cat $r/STATUS 2>/dev/null)': $(tail -3 $r.out)"
		return
	fi
	ok "$name --tiny: exit 0, complete"
	tt=$r/tables.txt
	check "$name: the report says in one line what the seed measured and what this run did" \
		grep -q "^- note: seed: migration with the series' copy offload on N threads; here: " $r/report.md
	nt=$(echo "$tables" | tr ',' ' ' | wc -w)
	# the copy phase: its own caption, the "measured" line, no ours/seed
	cp=$(grep -c '^  measured: .*here: the copy phase alone (folio_copy batched, '"$backend"' backend' $tt)
	check "$name: $nt copy-phase table(s) say so ($cp)" [ "$cp" = "$nt" ]
	check "$name: the copy phase is captioned as such" grep -q '^ours \(beside the seed \)\{0,1\}(the copy phase alone, GB/s' $tt
	if [ "$mem" -lt 2 ]; then
		check "$name: one node: the migration is skipped with foliobench migrate's reason" \
			grep -q "^Migration (what seed 001 measured, tables $tables) is skipped here: needs two NUMA nodes with memory; this machine has one" $tt
		check "$name: one node: no ours/seed ratio and no share table" \
			sh -c "! grep -Eq '$ratio_re' $tt && ! grep -q 'Where migration time goes' $tt"
		check "$name: one node: no migrate run" [ ! -e $r/migrate/run.json ]
		return
	fi
	check "$name: the migrate run is complete" grep -q '"status":"complete"' $r/migrate/run.json
	rows=$(migrated $r/migrate/run.json)
	case $mrows in
	one) mrows=$((rows > 0 ? 1 : 0)) ;;
	2M) mrows=$(migrated $r/migrate/run.json 2097152) ;;
	esac
	echo "# fb-s001: $name: $rows migrated cell(s), $mrows measured row(s) expected per migration table"
	# the migration sections come first, one per table
	i=1
	for t in $(echo "$tables" | tr ',' ' '); do
		s=$(section $tt $i)
		echo "$s" | grep -q "^Seed 001 table $t: Migration" ||
			{ notok "$name: section $i is not table $t's migration: $(echo "$s" | head -1)"; i=$((i + 1)); continue; }
		check "$name $t: migration: measured by move_pages(2) on this kernel" \
			sh -c "echo \"\$1\" | grep -q '^  measured: seed: page migration, .*; here: page migration by move_pages(2) on kernel $(uname -r)'" - "$s"
		# ours' rows with a mean±sd in their first column: the 1-thread
		# row (1a, 3a, 3b) or the counts (2a); the other rows have none
		vals=$(echo "$s" | sed -n '/^ours/,/^$/p' | awk -F' [|] ' '$2 ~ /^[0-9]+\.[0-9][0-9]±[0-9]+\.[0-9][0-9]/' | wc -l)
		check "$name $t: migration: ours has $mrows measured row(s) ($vals)" [ "$vals" = "$mrows" ]
		check "$name $t: migration: ours/seed is there" sh -c "echo \"\$1\" | grep -Eq '$ratio_re'" - "$s"
		i=$((i + 1))
	done
	sh_=$(awk '/^Where migration time goes: the copy.s share and the Amdahl bound/ { p = 1 } /^Seed 001 table / { p = 0 } p' $tt)
	check "$name: the share table is there, labelled a bound computed from two measurements" \
		sh -c "echo \"\$1\" | grep -q '^  bound computed from two measurements, not a measurement'" - "$sh_"
	check "$name: share columns" sh -c "echo \"\$1\" | grep -q '^direction | folio size | folios | migration GB/s | migration ms | copy ms, 1 thread | copy share | bound GB/s, '" - "$sh_"
	# a row has a share, and a bound or "- (copy > migration)" where
	# the separately timed copy was slower than the whole migration
	n=$(echo "$sh_" | grep -cE '^[0-9]+ -> [0-9]+ +\| [0-9]+[KM] +\| [0-9]+ +\| [0-9.]+±[0-9.]+ .*\| [0-9]+% +\| ([0-9.]+ \([0-9.]+x\)|- \(copy > migration\))')
	check "$name: $rows share row(s) with a share and a bound ($n)" [ "$n" = "$rows" ]
	check "$name: the copy phase has no ours/seed ratio" \
		sh -c "! sed -n '/here: the copy phase alone/,/^shape:/p' $tt | grep -Eq '$ratio_re'"
	check "$name: report.md has the share table" grep -q '^### Where migration time goes' $r/report.md
	check "$name: copy phase between the migration's nodes" grep -q '"dst_node":1' $r/$copy/run.json
}

runner seed001-1a-threads 1a copy one
runner seed001-2-folio-count 2a cpu 2M
runner seed001-3-placement 3a,3b copy 2M
if [ -n "$loaded" ]; then
	if rmmod foliobench 2>$out/err; then ok "rmmod foliobench"; else notok "rmmod foliobench: $(cat $out/err)"; fi
fi
finish
