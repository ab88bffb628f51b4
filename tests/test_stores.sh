#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench stores (seed 004): write-once records with cached stores,
# movnti + sfence, memcpy_flushcache's path and rep movsb; results in the
# one schema (experiment "stores"), every record verified, counters per KiB
# or "not available on this machine", and every bad input.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
py() { /usr/bin/python3 "$@"; }
validate() { py "$tests/validate_result.py" "$@" >/dev/null; }
jq_py() { py -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

"$FB" stores --kernel help >"$tmp/help.txt"
check "--kernel help lists the store kernels and whether this CPU has them" bash -c "
	grep -Eq '^cached +yes' '$tmp/help.txt' && grep -Eq '^movdir64b +(yes|no)' '$tmp/help.txt'"
usable=$(awk 'NR > 1 && $2 == "yes" { printf "%s%s", sep, $1; sep = "," }' "$tmp/help.txt")

# The default kernels on two thread counts, verified, with counters.
"$FB" stores --total 8M --reps 3 --threads 1,2 --verify --counters auto \
	--output "$tmp/s" >"$tmp/s.txt" 2>"$tmp/s.err"
rc=$?
if [ $rc -eq 4 ] && grep -q "PAPI" "$tmp/s.err"; then
	echo "# this build has no PAPI: counters left out"
	"$FB" stores --total 8M --reps 3 --threads 1,2 --verify --output "$tmp/s" >"$tmp/s.txt" 2>"$tmp/s.err"
	rc=$?
fi
check "stores run exits 0" [ $rc -eq 0 ]
check "run.json and cells.csv follow the result schema; stats agree with samples" validate "$tmp/s"
check "every cell is experiment 'stores', verified, one of the default kernels" jq_py "$tmp/s/run.json" "
k = {c['config']['store_kernel'] for c in d['cells']}
assert all(c['config']['experiment'] == 'stores' and c['verified'] is True for c in d['cells'])
assert k <= {'cached', 'movnti', 'flushcache', 'rep_movsb'} and 'cached' in k, k
assert len(d['cells']) == 2 * len(k)"
check "records are struct-page sized: 64 bytes, total/64 of them per pass" jq_py "$tmp/s/run.json" "
assert all(c['config']['record_size'] == 64 and c['config']['record_count'] == 8 * 2**20 // 64 and
           c['extra']['records'] == c['config']['record_count'] for c in d['cells'])"
check "stores cells have their own fields, none of copy's (schema 2)" jq_py "$tmp/s/run.json" "
assert d['schema_version'] == 2
assert all(not {'function', 'mode', 'kernel_model', 'primitive', 'folio_size', 'folio_count'} & set(c['config'])
           for c in d['cells'])"
check "the flags that matter are recorded (CLWB, CLFLUSHOPT, MOVDIR64B)" jq_py "$tmp/s/run.json" "
assert set(d['options']['store_flags']) >= {'clwb', 'clflushopt', 'movdir64b'}
assert all(k in d['machine']['cpu']['flags'] for k in ('clwb', 'clflushopt', 'movdir64b'))"
check "flushcache and rep_movsb cells record the kernel path they model" jq_py "$tmp/s/run.json" "
for c in d['cells']:
    p, kp = c['config']['store_kernel'], c['kernel_path']
    if p == 'flushcache': assert kp['routine'] == 'memcpy_flushcache' and kp['impl'] == 'movnti loop', kp
    if p == 'rep_movsb': assert kp['routine'] == 'memcpy' and kp['model'] in ('6.1', '6.12'), kp
    if p == 'cached': assert kp is None"
check "table: GB/s and ns per record, one row per kernel, threads as columns" bash -c "
	grep -q '^GB/s' '$tmp/s.txt' && grep -q '^ns per record' '$tmp/s.txt' &&
	grep -Eq '^Primitive \\\\ Threads \\| 1 +\\| 2' '$tmp/s.txt' && grep -Eq '^movnti +\\| [0-9.]+±' '$tmp/s.txt'"
check "table: memcpy_flushcache's path, short" grep -q "memcpy_flushcache [0-9.]*: movnti loop (" "$tmp/s.txt"
if jq_py "$tmp/s/run.json" "assert 'counters' in d['cells'][0]" 2>/dev/null; then
	check "task-clock per KiB written is counted per cell, and per pass" jq_py "$tmp/s/run.json" "
for c in d['cells']:
    t = c['counters']['task-clock']
    assert t['total'] > 0 and t['per_kib'] > 0
    assert len(c['extra']['counters_per_iteration']['task-clock']) == c['stats']['n']"
	check "table: events per KiB written" grep -q "^task-clock per KiB written" "$tmp/s.txt"
	check "cells.csv carries the events per KiB" bash -c "head -1 '$tmp/s/cells.csv' | grep -q 'task-clock_per_kib'"
	if jq_py "$tmp/s/run.json" "assert d.get('counters_unavailable')" 2>/dev/null; then
		check "events this machine cannot count are named as not available" \
			grep -q "^counters not available on this machine: .*cycles" "$tmp/s.txt"
	fi
fi

# Odd record sizes (struct page is 56..96 bytes), every usable kernel.
for rs in 56 96; do
	k=$usable
	[ $((rs % 64)) -ne 0 ] && k=$(echo "$usable" | tr ',' '\n' | grep -vx movdir64b | paste -sd,)
	"$FB" stores --kernel "$k" --record-size $rs --total 4M --reps 2 --verify --threads 2 \
		--evict none,both,sweep --output "$tmp/r$rs" --quiet 2>/dev/null
	check "$rs-byte records: every usable kernel and eviction writes every record right" jq_py "$tmp/r$rs/run.json" "
assert len(d['cells']) == 3 * len('$k'.split(',')) and all(c['verified'] is True for c in d['cells'])"
done
"$FB" stores --kernel cached,movnti --total 4M --reps 2 --format markdown --output "$tmp/md" >"$tmp/md.txt" 2>/dev/null
check "--format markdown: pipe tables" bash -c "grep -qF '| Primitive \\ Threads | 1' '$tmp/md.txt' && grep -q '^|---|---:|' '$tmp/md.txt'"
"$FB" stores --kernel cached --total 4M --reps 2 --format json --output "$tmp/js" >"$tmp/js.json" 2>/dev/null
check "--format json prints run.json" cmp -s <(py -m json.tool "$tmp/js.json") <(py -m json.tool "$tmp/js/run.json")

# Bad input: one line naming the value and what is allowed, exit 2, no result.
bad() { usage_error "$1" stores --total 4M "${@:2}"; }
bad "--kernel bogus: unknown (allowed: cached movnti" --kernel bogus
bad "--record-size 12: allowed a multiple of 8" --record-size 12
bad "--record-size 8192: allowed a whole number 8..4096" --record-size 8192
bad "--evict src: allowed none, both, sweep" --evict src
bad "--threads 0" --threads 0
bad "--threads 100000" --threads 100000
bad "--node 4000" --node 4000
bad "--reps 0: allowed a whole number" --reps 0
bad "--format xml: allowed table, markdown, csv, json" --format xml
bad "--rows nothing: not an axis" --rows nothing
bad "NOT_AN_EVENT" --counters NOT_AN_EVENT
bad "unexpected argument 'extra'" extra
if grep -Eq '^movdir64b +no' "$tmp/help.txt"; then
	rm -rf "$tmp/results"
	"$FB" stores --kernel movdir64b --total 4M >"$tmp/out" 2>"$tmp/err"
	check "movdir64b without MOVDIR64B: cannot run here, exit 4, no result" bash -c "
		[ $? -eq 4 ] && grep -q 'no MOVDIR64B' '$tmp/err' && [ ! -e '$tmp/results' ]"
else
	bad "multiple of 64" --kernel movdir64b --record-size 56
fi
finish
