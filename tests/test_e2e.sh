#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# End to end through the CLI: table, CSV and JSON of small runs, checked
# against the schema and the raw samples; verify, eviction, primitives,
# counters, interruption.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
validate() { /usr/bin/python3 "$tests/validate_result.py" "$@" >/dev/null; }
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

# The issue's acceptance command, JSON on stdout.
"$FB" copy --folio-sizes 4K,64K,2M --threads 1,2 --total 256M --reps 5 --format json \
	--output "$tmp/a" >"$tmp/a.json" 2>"$tmp/a.err"
check "acceptance run exits 0" [ $? -eq 0 ]
check "stdout is valid JSON with 12 cells, per-page and batched, and a machine block" jq_py "$tmp/a.json" \
	"assert len(d['cells']) == 12; assert {c['config']['mode'] for c in d['cells']} == {'per-page', 'batched'}; assert d['machine']['cpu']['vendor']; assert all(c['stats']['n'] == 5 for c in d['cells'])"
check "run.json on disk equals stdout" cmp -s <(/usr/bin/python3 -m json.tool "$tmp/a.json") \
	<(/usr/bin/python3 -m json.tool "$tmp/a/run.json")
check "run.json matches the schema; stats agree with samples; CSV agrees" validate "$tmp/a"
check "JSON records the flags that decide copy paths" jq_py "$tmp/a/run.json" \
	"f = d['machine']['cpu']['flags']; assert all(k in f for k in ('erms','fsrm','fsrs','avx2','avx512f','clflushopt','clwb','movdir64b'))"
check "every cell records the kernel path and the CPUs used" jq_py "$tmp/a/run.json" \
	"assert all(c['kernel_path'] and c['extra']['cpus_used'] == c['config']['cpus'] for c in d['cells'])"

# Table on stdout: seed layout, rows threads, columns folio sizes.
"$FB" show "$tmp/a/run.json" >"$tmp/table.txt"
check "table has the folio-size header" grep -q "Threads \\\\ Folio size | 4K *| 64K *| 2M" "$tmp/table.txt"
check "table has mean±sd rows for 1 and 2 threads" \
	bash -c "grep -Eq '^1 +\\| [0-9]+\\.[0-9]{2}±[0-9]+\\.[0-9]{2}' '$tmp/table.txt' && grep -Eq '^2 +\\| [0-9]+\\.[0-9]{2}±' '$tmp/table.txt'"
check "CSV has a header and 12 rows" [ "$(wc -l <"$tmp/a/cells.csv")" -eq 13 ]
"$FB" copy --folio-sizes 4K,2M --total 16M --reps 2 --format csv --output "$tmp/c" >"$tmp/c.csv" 2>/dev/null
check "--format csv prints cells.csv" cmp -s "$tmp/c.csv" "$tmp/c/cells.csv"

# Verify, both split strategies, eviction modes.
"$FB" copy --folio-sizes 4K,2M --threads 2 --total 32M --reps 2 --verify --evict none,src,both,sweep \
	--output "$tmp/v" --quiet 2>/dev/null
check "verify run with every eviction mode exits 0" [ $? -eq 0 ]
check "every verified cell says identical" jq_py "$tmp/v/run.json" \
	"assert len(d['cells']) == 16 and all(c['verified'] is True for c in d['cells'])"
"$FB" copy --folio-sizes 2M --folio-count 1 --threads 2 --reps 2 --verify --output "$tmp/s" --quiet 2>/dev/null
check "one folio on two threads is split into chunks (mtcopy rule) and verifies" jq_py "$tmp/s/run.json" \
	"c = d['cells'][0]; assert c['config']['split'] == 'chunk' and c['verified'] is True"
"$FB" copy --folio-sizes 64K --folio-count 8 --threads 2 --split chunk --reps 2 --verify --output "$tmp/k" --quiet 2>/dev/null
check "forced chunk split verifies" jq_py "$tmp/k/run.json" "assert d['cells'][0]['verified'] is True"
"$FB" copy --folio-sizes 4K,2M --total 8M --reps 2 --verify --src-fill zero --output "$tmp/z" --quiet 2>/dev/null
check "--src-fill zero: recorded in every cell and verifies" jq_py "$tmp/z/run.json" \
	"assert all(c['config']['src_fill'] == 'zero' and c['verified'] is True for c in d['cells'])"
check "--src-fill zero: the result matches the schema" validate "$tmp/z"

# Explicit primitives, odd ones included.
prims=$("$FB" copy --primitive help | awk 'NR > 1 && $2 == "yes" { printf "%s%s", sep, $1; sep = "," }')
"$FB" copy --primitive "$prims" --folio-sizes 4K,2M --total 8M --reps 2 --verify --output "$tmp/p" --quiet 2>/dev/null
check "every supported primitive copies correctly per page and batched" jq_py "$tmp/p/run.json" \
	"assert len(d['cells']) == 4 * len('$prims'.split(',')) and all(c['verified'] for c in d['cells'])"

# Kernel models: the batched path follows memcpy's rule, per page copy_page's.
"$FB" copy --kernel-model 6.1,6.12 --folio-sizes 2M --total 8M --reps 2 --output "$tmp/km" --quiet 2>/dev/null
check "kernel model cells name copy_page for per-page and memcpy's choice for batched" jq_py "$tmp/km/run.json" \
	"m = d['machine']['kernel_paths']; assert all(c['config']['primitive'] == m[c['config']['kernel_model']]['copy_page' if c['config']['mode'] == 'per-page' else 'memcpy']['primitive'] for c in d['cells'])"

# Batched variants (seed 000's split): memcpy, copy_page on each page, rep movsq.
"$FB" copy --kernel-model 6.1,6.12 --batch-impl memcpy,copy_page,rep_movsq --folio-sizes 64K,2M \
	--total 8M --reps 2 --verify --output "$tmp/bi" --quiet 2>/dev/null
check "--batch-impl: 2 models x 2 sizes x (per page + 3 variants) cells, all verified" jq_py "$tmp/bi/run.json" \
	"assert len(d['cells']) == 16 and all(c['verified'] is True for c in d['cells'])"
check "--batch-impl: recorded in batched cells only; copy_page runs copy_page's primitive, rep_movsq rep_movsq" jq_py "$tmp/bi/run.json" \
	"m = d['machine']['kernel_paths']
for c in d['cells']:
    g = c['config']; b = g.get('batch_impl')
    assert (b is None) == (g['mode'] == 'per-page'), g
    want = {None: 'copy_page', 'memcpy': 'memcpy', 'copy_page': 'copy_page'}.get(b)
    assert g['primitive'] == (m[g['kernel_model']][want]['primitive'] if want else 'rep_movsq'), g
    k = c['kernel_path']
    assert b != 'copy_page' or (k['routine'] == 'copy_page' and 'batch-impl copy_page' in k['why']), k
    assert b != 'rep_movsq' or (k['routine'] is None and k['impl'] == 'rep movsq'), k"
check "--batch-impl: the result matches the schema" validate "$tmp/bi"
"$FB" copy --batch-impl copy_page,rep_movsq --mode batched --folio-sizes 2M --folio-count 1 --threads 2 \
	--reps 2 --verify --output "$tmp/bic" --quiet 2>/dev/null
check "--batch-impl: one folio on two threads is split into chunks and verifies" jq_py "$tmp/bic/run.json" \
	"assert len(d['cells']) == 2 and all(c['config']['split'] == 'chunk' and c['verified'] is True for c in d['cells'])"
check "without --batch-impl no cell records batch_impl" jq_py "$tmp/km/run.json" \
	"assert all('batch_impl' not in c['config'] for c in d['cells'])"
"$FB" show "$tmp/bi/run.json" --rows kernel_model --cols batch_impl --where mode=batched,folio_size=2M >"$tmp/bi.txt"
check "show: batch_impl as columns, selected with --where" grep -Eq '^6\.12 +\| [0-9.]+±[0-9.]+ +\| [0-9.]+±[0-9.]+ +\| [0-9.]+±' "$tmp/bi.txt"
check "show: the batch_impl columns are memcpy, copy_page, rep_movsq" grep -q 'Kernel \\ Batch impl | memcpy *| copy_page *| rep_movsq' "$tmp/bi.txt"
"$FB" show "$tmp/km/run.json" --where batch_impl=memcpy --rows kernel_model --cols mode >"$tmp/bim.txt"
check "show --where batch_impl=memcpy: a batched cell without the field ran memcpy" grep -Eq '^Kernel \\ Mode \| batched +\|$' "$tmp/bim.txt"

"$FB" copy --kernel-model 6.12 --batch-impl rep_movsq,memcpy --folio-sizes 2M --total 8M --reps 2 \
	--output "$tmp/bip" --quiet 2>/dev/null
want=$(jq_py "$tmp/bip/run.json" "m = {c['config'].get('batch_impl', 'page'): c['stats']['mean'] for c in d['cells']}; print('%.2f' % (m['memcpy'] / m['page']))")
check "paths pairs per page with the batched memcpy cell, not another variant ($want)" \
	bash -c "'$FB' paths '$tmp/bip/run.json' | grep -Eq '^2M +\\| $want±'"

# Counters.  Generic events go through perf_event_open(2): task-clock (a
# software event) counts wherever perf_event works; cycles only with a PMU,
# else it is named as unavailable, never fabricated.  LIBPFM_FORCE_PMU=none
# makes libpfm4 find no PMU, so PAPI's perf_event component is disabled
# ("no PMUs found"), as on an Intel KVM guest without a PMU ("no default PMU
# found"): the generic events must not notice, PAPI presets are unavailable.
counted() { # counted DIR EVENT: counted in every cell, or named as unavailable
	jq_py "$1/run.json" "
e = '$2'
inc = [e in c.get('counters', {}) for c in d['cells']]
una = e in d.get('counters_unavailable', '')
assert (all(inc) and not una) or (not any(inc) and una), (inc, d.get('counters_unavailable'))
assert all(c['counters'][e]['total'] > 0 and c['counters'][e]['per_kib'] > 0 for c in d['cells'] if e in c.get('counters', {}))"
}
for pmu in machine none; do
	env=()
	[ $pmu = none ] && env=(LIBPFM_FORCE_PMU=none)
	rm -rf "$tmp/ctr"
	env "${env[@]}" "$FB" copy --folio-sizes 4K,2M --total 16M --reps 2 --threads 2 \
		--counters task-clock,cycles,page-faults --output "$tmp/ctr" --quiet 2>"$tmp/ctr.err"
	rc=$?
	check "counters ($pmu PMU for PAPI): copy exits 0 (got $rc: $(head -c 200 "$tmp/ctr.err"))" [ $rc -eq 0 ]
	if jq_py "$tmp/ctr/run.json" "assert 'task-clock' in d.get('counters_unavailable', '')" 2>/dev/null; then
		ok "counters ($pmu PMU for PAPI): task-clock per KiB # SKIP perf_event cannot count here: $(jq_py "$tmp/ctr/run.json" "print(d['counters_unavailable'])")"
	else
		check "counters ($pmu PMU for PAPI): task-clock counted per KiB and per page in every cell" counted "$tmp/ctr" task-clock
	fi
	check "counters ($pmu PMU for PAPI): cycles counted or named as unavailable" counted "$tmp/ctr" cycles
	check "counters ($pmu PMU for PAPI): an unavailable event is named once on stderr" bash -c \
		"[ \$(grep -c 'counters not available' '$tmp/ctr.err') -le 1 ]"
done
# The libpfm4 spelling names the same generic event and is recorded as it.
rm -rf "$tmp/ctr"
LIBPFM_FORCE_PMU=none "$FB" copy --folio-sizes 2M --total 8M --reps 2 --counters perf::TASK-CLOCK \
	--output "$tmp/ctr" --quiet 2>/dev/null
check "perf::TASK-CLOCK with PAPI's perf_event disabled: exit 0, recorded as task-clock" counted "$tmp/ctr" task-clock
rm -rf "$tmp/ctr"
LIBPFM_FORCE_PMU=none "$FB" copy --folio-sizes 2M --total 8M --reps 2 --counters task-clock,PAPI_TOT_CYC \
	--output "$tmp/ctr" --quiet 2>"$tmp/ctr.err"
rc=$?
if [ $rc -eq 4 ] && grep -q "this build has no PAPI" "$tmp/ctr.err"; then
	ok "a PAPI preset with PAPI's perf_event disabled # SKIP this build has no PAPI"
else
	check "a PAPI preset with PAPI's perf_event disabled: exit 0, named as unavailable" bash -c \
		"[ $rc -eq 0 ] && grep -q 'PAPI_TOT_CYC (Component containing event is disabled)' '$tmp/ctr.err'"
fi
usage_error "--counters task-clock,perf::TASK-CLOCK: task-clock given twice" \
	copy --total 8M --counters task-clock,perf::TASK-CLOCK
usage_error "--counters NOT_AN_EVENT: neither a generic event (task-clock," copy --total 8M --counters NOT_AN_EVENT

# 1 GiB folios on 1 GiB hugetlb pages: as root, reserve two for the run
# and give them back; where the kernel cannot reserve them, say so.
hp1g=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
if [ "$(id -u)" -eq 0 ] && [ -w "$hp1g" ]; then
	before=$(cat "$hp1g")
	trap 'echo "$before" >"$hp1g"; rm -rf "$tmp"' EXIT
	echo $((before + 2)) >"$hp1g" 2>/dev/null
	if [ "$(cat "$hp1g")" -ge $((before + 2)) ]; then
		"$FB" copy --folio-sizes 1G --folio-count 1 --backing hugetlb --reps 2 --verify \
			--output "$tmp/h1g" --quiet 2>"$tmp/h1g.err"
		rc=$?
		echo "$before" >"$hp1g"
		check "1G folios on hugetlb: exit 0 (got $rc)" [ $rc -eq 0 ]
		check "1G folios on hugetlb: both buffers on 1 GiB pages, verified" jq_py "$tmp/h1g/run.json" \
			"assert all(c['backing'] == {'src': 'hugetlb 1G', 'dst': 'hugetlb 1G'} and c['verified'] is True for c in d['cells']) and len(d['cells']) == 2"
		# none free, whatever the pool held before this test
		echo 0 >"$hp1g" 2>/dev/null
		"$FB" copy --folio-sizes 1G --folio-count 1 --backing hugetlb --reps 1 --output "$tmp/h1g-none" --quiet 2>"$tmp/h1g-none.err"
		echo "$before" >"$hp1g" 2>/dev/null
		check "1G hugetlb without free pages: the cell fails naming the sysfs knob" \
			grep -q "no free 1 GiB huge pages (see $hp1g)" "$tmp/h1g-none.err"
	else
		echo "$before" >"$hp1g" 2>/dev/null
		skip "1G folios on hugetlb" "the kernel could not reserve two 1 GiB pages"
	fi
else
	skip "1G folios on hugetlb" "needs root and $hp1g"
fi

# Ctrl-C: completed cells kept, run marked interrupted, exit 130 (128 + SIGINT).
"$FB" copy --folio-sizes 4K-2M --total 64M --reps 400 --warmup 0 --output "$tmp/int" --quiet 2>/dev/null &
pid=$!
for _ in $(seq 50); do [ -e "$tmp/int" ] && break; sleep 0.1; done
sleep 3
kill -INT $pid
wait $pid
rc=$?
check "interrupted run exits 130 (got $rc)" [ $rc -eq 130 ]
check "interrupted run.json is valid and marked interrupted with fewer cells" jq_py "$tmp/int/run.json" \
	"assert d['status'] == 'interrupted' and len(d['cells']) < d['cells_planned'] and all(c['stats']['n'] == 400 for c in d['cells'])"
check "interrupted run still validates" validate "$tmp/int"
check "no temporary files left behind" bash -c "! ls '$tmp'/*/*.tmp.* 2>/dev/null"
finish
