#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench compare on recorded results (tests/data/compare): verdicts and
# exit statuses for an unchanged, a regressed and an improved run, the
# threshold and alpha, every report format, cells on one side only, every
# bad input, machines side by side, and copy --inject-slowdown's record.
# No speed is asserted: the recorded files decide every verdict.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
D=$(cd "$(dirname "$0")/data/compare" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
py() { /usr/bin/python3 -c "$@"; }
# jq_py FILE EXPR: EXPR sees the JSON document as d.
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
# edit SRC DST PYTHON: a copy of a recorded result with d modified.
edit() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2], 'w'))" "$1" "$2"; }
verdicts() { jq_py "$1" "print(' '.join(c['verdict'].replace(' ', '_') for c in d['cells']))"; }

# --- the three recorded cases ---
"$FB" compare "$D/base.json" "$D/new-unchanged.json" >"$tmp/u.txt" 2>"$tmp/u.err"
check "unchanged: exit 0" [ $? -eq 0 ]
check "unchanged: the table says PASS and every cell is unchanged" \
	bash -c "grep -q '^PASS: 0 of 4 matched cells regressed, 0 improved, 4 unchanged' '$tmp/u.txt'"
check "unchanged: nothing on stderr" [ ! -s "$tmp/u.err" ]

"$FB" compare "$D/base.json" "$D/new-regressed.json" >"$tmp/r.txt" 2>/dev/null
check "regressed: exit 1" [ $? -eq 1 ]
check "regressed: the batched 2M cell is regressed, the table says FAIL" \
	bash -c "grep -Eq '^batched 2M .*\\| regressed' '$tmp/r.txt' && grep -q '^FAIL: 1 of 4' '$tmp/r.txt'"

"$FB" compare "$D/base.json" "$D/new-improved.json" >"$tmp/i.txt" 2>/dev/null
check "improved: exit 0 (an improvement never fails the gate)" [ $? -eq 0 ]
check "improved: the per-page 4K cell is improved" grep -Eq '^per-page 4K .*\| improved' "$tmp/i.txt"

"$FB" compare "$D/base.json" "$D/base.json" --format json >"$tmp/same.json"
check "a result against itself: exit 0, change 0, p 1" jq_py "$tmp/same.json" \
	"assert all(c['change_pct'] == 0 and c['p'] == 1 and c['verdict'] == 'unchanged' for c in d['cells'])"

# Run directories work as well as run.json files.
mkdir -p "$tmp/dirA" "$tmp/dirB"
cp "$D/base.json" "$tmp/dirA/run.json"
cp "$D/new-regressed.json" "$tmp/dirB/run.json"
"$FB" compare "$tmp/dirA" "$tmp/dirB" >/dev/null 2>&1
check "run directories as arguments: exit 1 on the regressed pair" [ $? -eq 1 ]

# --- threshold and alpha ---
"$FB" compare "$D/base.json" "$D/new-regressed.json" --threshold 50 >/dev/null 2>&1
check "--threshold 50: the ~20% regression is within it, exit 0" [ $? -eq 0 ]
"$FB" compare "$D/base.json" "$D/new-regressed.json" --threshold 0 >/dev/null 2>&1
check "--threshold 0: still regressed, exit 1" [ $? -eq 1 ]
"$FB" compare "$D/base.json" "$D/new-regressed.json" --alpha 0.001 --format json >"$tmp/a.json" 2>"$tmp/a.err"
check "--alpha 0.001: 5 vs 5 samples can never reach it (p >= 2/252): nothing gated, exit 3" [ $? -eq 3 ]
check "... and every cell says too few samples, the gate inconclusive" jq_py "$tmp/a.json" "
assert {c['verdict'] for c in d['cells']} == {'too few samples'}
assert d['gate'] == 'inconclusive' and d['summary']['gated'] == 0 and d['summary']['matched'] == 4
assert d['inconclusive'] == 'no cell had enough samples to test'"
check "... and stderr says so in one line" bash -c \
	"[ \$(wc -l <'$tmp/a.err') -eq 1 ] && grep -q 'foliobench compare: inconclusive: no cell had enough samples to test (0 of 4 matched cells gated); --allow-inconclusive to pass' '$tmp/a.err'"
"$FB" compare "$D/base.json" "$D/new-regressed.json" --alpha 0.001 --allow-inconclusive >"$tmp/a.txt" 2>/dev/null
check "... --allow-inconclusive: exit 0, and the summary still says inconclusive" bash -c \
	"[ $? -eq 0 ] && grep -q '^PASS (inconclusive allowed): no cell had enough samples to test; 0 of 4 matched cells regressed, .* 4 with too few samples; 0 of 4 gated' '$tmp/a.txt'"

# A 30% slowdown measured with --reps 3 (3 vs 3 samples: p >= 0.1) must not
# pass: nothing could be tested, exit 3, and JUnit shows an error, not skips.
edit "$D/base.json" "$tmp/r3-a.json" "[c.update(samples_ns=c['samples_ns'][:3]) for c in d['cells']]"
edit "$D/base.json" "$tmp/r3-b.json" "[c.update(samples_ns=[x / 0.7 for x in c['samples_ns'][:3]]) for c in d['cells']]"
"$FB" compare "$tmp/r3-a.json" "$tmp/r3-b.json" >"$tmp/r3.txt" 2>/dev/null
check "30% slower with 3 samples a side: exit 3" [ $? -eq 3 ]
check "... the table says INCONCLUSIVE and why, with the -30% in every row" bash -c "
	grep -q '^INCONCLUSIVE: no cell had enough samples to test; 0 of 4 matched cells regressed, 0 improved, 0 unchanged, 4 with too few samples; 0 of 4 gated\$' '$tmp/r3.txt' &&
	[ \$(grep -c -- '-30.0% .*| too few samples' '$tmp/r3.txt') -eq 4 ]"
"$FB" compare "$tmp/r3-a.json" "$tmp/r3-b.json" --format junit >"$tmp/r3.xml" 2>/dev/null
check "... junit: exit 3, a 'gate' testcase with an error, the cells skipped" bash -c "[ $? -eq 3 ] && /usr/bin/python3 -c \"
import xml.dom.minidom as m
d = m.parse('$tmp/r3.xml')
s = d.getElementsByTagName('testsuite')[0]
e = d.getElementsByTagName('error')
assert s.getAttribute('tests') == '5' and s.getAttribute('errors') == '1' and s.getAttribute('skipped') == '4'
assert len(e) == 1 and e[0].parentNode.getAttribute('name') == 'gate'
assert e[0].getAttribute('message') == 'inconclusive: no cell had enough samples to test'
\""
"$FB" compare "$tmp/r3-a.json" "$tmp/r3-b.json" --format junit --allow-inconclusive >"$tmp/r3ok.xml" 2>/dev/null
check "... --allow-inconclusive: exit 0, the gate case skipped" bash -c "[ $? -eq 0 ] && /usr/bin/python3 -c \"
import xml.dom.minidom as m
d = m.parse('$tmp/r3ok.xml')
assert not d.getElementsByTagName('error') and d.getElementsByTagName('testsuite')[0].getAttribute('skipped') == '5'
\""
# The same through copy itself: --reps 3 can never be gated, whatever the speed.
"$FB" copy --folio-sizes 2M --total 8M --reps 3 --mode batched --output "$tmp/c3a" --quiet 2>/dev/null
"$FB" copy --folio-sizes 2M --total 8M --reps 3 --mode batched --inject-slowdown 30 --output "$tmp/c3b" --quiet 2>/dev/null
"$FB" compare "$tmp/c3a" "$tmp/c3b" >"$tmp/c3.txt" 2>"$tmp/c3.err"
check "copy --reps 3 against copy --reps 3 --inject-slowdown 30: exit 3" bash -c \
	"[ $? -eq 3 ] && grep -q 'inconclusive: no cell had enough samples to test' '$tmp/c3.err'"

# A change whose CI reaches past the threshold is inconclusive, not unchanged.
wide="[1e6 * (1 + 0.02 * i) for i in range(6)]"
edit "$D/base.json" "$tmp/wide-a.json" "d['cells'][1]['samples_ns']=$wide"
edit "$D/base.json" "$tmp/wide-b.json" "d['cells'][1]['samples_ns']=[x * 1.04 for x in $wide]"
"$FB" compare "$tmp/wide-a.json" "$tmp/wide-b.json" --format json >"$tmp/wide.json" 2>"$tmp/wide.err"
check "a -3.8% change with its CI across -5%: inconclusive; the other cells gate, exit 0" bash -c "[ $? -eq 0 ] && /usr/bin/python3 -c \"
import json
d = json.load(open('$tmp/wide.json'))
c = d['cells'][1]
assert c['verdict'] == 'inconclusive' and c['ci_pct'][0] < -5 < c['ci_pct'][1] and -4.5 < c['change_pct'] < -3, c
assert d['gate'] == 'pass' and d['summary']['gated'] == 3 and d['summary']['inconclusive'] == 1
\" && [ ! -s '$tmp/wide.err' ]"
"$FB" compare "$tmp/wide-a.json" "$tmp/wide-b.json" >"$tmp/wide.txt"
check "... the table: '1 inconclusive; 3 of 4 gated'" grep -q '^PASS: 0 of 4 matched cells regressed, 0 improved, 3 unchanged, 1 inconclusive; 3 of 4 gated$' "$tmp/wide.txt"
edit "$D/base.json" "$tmp/wide-all-a.json" "[c.update(samples_ns=$wide) for c in d['cells']]"
edit "$D/base.json" "$tmp/wide-all-b.json" "[c.update(samples_ns=[x * 1.04 for x in $wide]) for c in d['cells']]"
"$FB" compare "$tmp/wide-all-a.json" "$tmp/wide-all-b.json" --format json >"$tmp/wide-all.json" 2>/dev/null
check "every cell inconclusive: nothing gated, exit 3, naming why" bash -c "[ $? -eq 3 ] && /usr/bin/python3 -c \"
import json
d = json.load(open('$tmp/wide-all.json'))
assert {c['verdict'] for c in d['cells']} == {'inconclusive'} and d['gate'] == 'inconclusive'
assert d['inconclusive'].startswith(\\\"no cell's change was conclusive\\\"), d['inconclusive']
\""

# The geometric-mean row (Google Benchmark compare.py's OVERALL_GEOMEAN).
"$FB" compare "$D/base.json" "$D/new-regressed.json" --format json >"$tmp/g.json" 2>/dev/null
check "geomean: the geometric mean of the cells' ratios and of each side's GB/s" jq_py "$tmp/g.json" "
import math
c = d['cells']; g = d['geomean']
gm = lambda v: math.exp(sum(map(math.log, v)) / len(v))
assert g['cells'] == 4
assert abs(g['change_pct'] - 100 * (gm([1 + x['change_pct'] / 100 for x in c]) - 1)) < 1e-9
assert abs(g['base_gbps'] - gm([x['base']['mean_gbps'] for x in c])) < 1e-9
assert abs(g['new_gbps'] - gm([x['new']['mean_gbps'] for x in c])) < 1e-9
print(g)"
"$FB" compare "$D/base.json" "$D/new-regressed.json" >"$tmp/g.txt" 2>/dev/null
check "geomean: a last table row, not gated" \
	grep -Eq '^geomean \(4 cells\) +\| +[0-9.]+ +\| +[0-9.]+ +\| +-[0-9.]+% +\| +- +\| +- +\| summary, not gated' "$tmp/g.txt"
# Significant but small: 6 tight samples against the same x1.03 slower.
edit "$D/base.json" "$tmp/tight-a.json" "c=d['cells'][3]; c['samples_ns']=[1e6+100*i for i in range(6)]"
edit "$D/base.json" "$tmp/tight-b.json" "c=d['cells'][3]; c['samples_ns']=[1.03e6+100*i for i in range(6)]"
"$FB" compare "$tmp/tight-a.json" "$tmp/tight-b.json" --format json >"$tmp/t5.json"
check "a significant -2.9% is unchanged at the default 5% threshold, exit 0" jq_py "$tmp/t5.json" \
	"c=d['cells'][3]; assert c['p'] < 0.01 and -3 < c['change_pct'] < -2.5 and c['verdict'] == 'unchanged', c"
"$FB" compare "$tmp/tight-a.json" "$tmp/tight-b.json" --threshold 2 >/dev/null
check "... and regressed at --threshold 2, exit 1" [ $? -eq 1 ]

# Too few samples: 2 per side can never be significant.
edit "$D/base.json" "$tmp/few-a.json" "d['cells'][0]['samples_ns']=d['cells'][0]['samples_ns'][:2]"
edit "$D/new-regressed.json" "$tmp/few-b.json" "d['cells'][0]['samples_ns']=d['cells'][0]['samples_ns'][:2]"
"$FB" compare "$tmp/few-a.json" "$tmp/few-b.json" --format json >"$tmp/few.json" 2>/dev/null
check "two samples a side: 'too few samples'" jq_py "$tmp/few.json" \
	"assert d['cells'][0]['verdict'] == 'too few samples'"

# One side only, and a failed cell: listed, not dropped, not fatal.
edit "$D/new-regressed.json" "$tmp/moved.json" "d['cells'][0]['config']['folio_size']=65536"
"$FB" compare "$D/base.json" "$tmp/moved.json" >"$tmp/moved.txt" 2>&1
check "a cell only in new and one only in base: exit 1 still (batched 2M regressed)" [ $? -eq 1 ]
check "both are listed with their verdicts" \
	bash -c "grep -q '| only in base' '$tmp/moved.txt' && grep -q '64K .*| only in new' '$tmp/moved.txt' && grep -q '; 1 only in base; 1 only in new' '$tmp/moved.txt'"
edit "$D/new-unchanged.json" "$tmp/failed.json" \
	"c=d['cells'][1]; c['status']='failed'; c['message']='verify: destination differs'; c['samples_ns']=[]"
"$FB" compare "$D/base.json" "$tmp/failed.json" --format json >"$tmp/failed.out" 2>/dev/null
check "a failed cell is listed as failed with its message, exit 0" jq_py "$tmp/failed.out" \
	"c=d['cells'][1]; assert c['verdict'] == 'failed' and 'verify' in c['note'] and d['gate'] == 'pass'"

# --- formats ---
"$FB" compare "$D/base.json" "$D/new-regressed.json" --format markdown >"$tmp/r.md" 2>/dev/null
check "markdown: a heading with the verdict, a table, the rule" bash -c \
	"grep -q '^### foliobench compare: FAIL' '$tmp/r.md' && grep -q '^| cell | base GB/s | new GB/s | change | 95% CI | p | verdict |$' '$tmp/r.md' && grep -q '^|---|---:|---:|---:|---:|---:|---|$' '$tmp/r.md' && grep -q '^| batched 2M | .* | \\*\\*regressed\\*\\* |$' '$tmp/r.md' && grep -q 'slower by more than 5% with p < 0.05' '$tmp/r.md'"
check "markdown: every table row has 7 columns" bash -c \
	"grep '^| ' '$tmp/r.md' | awk -F'|' 'NF != 9 { bad = 1 } END { exit bad }'"
"$FB" compare "$D/base.json" "$D/new-regressed.json" --format junit >"$tmp/r.xml" 2>/dev/null
check "junit: exit 1 too" [ $? -eq 1 ]
check "junit: well-formed XML, 4 testcases, 1 failure named after the cell" py "
import xml.dom.minidom as m
d = m.parse('$tmp/r.xml')
s = d.getElementsByTagName('testsuite')[0]
cases = d.getElementsByTagName('testcase')
fails = d.getElementsByTagName('failure')
assert len(cases) == 4 and s.getAttribute('tests') == '4' and s.getAttribute('failures') == '1'
assert len(fails) == 1 and 'batched 2M' in fails[0].parentNode.getAttribute('name')
assert fails[0].getAttribute('message').startswith('regressed: -')"
"$FB" compare "$tmp/few-a.json" "$tmp/few-b.json" --format junit >"$tmp/few.xml" 2>/dev/null
"$FB" compare "$D/base.json" "$tmp/moved.json" --format junit >"$tmp/m.xml" 2>/dev/null
check "junit: too-few and one-side cells are skipped testcases" py "
import xml.dom.minidom as m
assert len(m.parse('$tmp/few.xml').getElementsByTagName('skipped')) == 1
s = m.parse('$tmp/m.xml').getElementsByTagName('skipped')
assert sorted(x.getAttribute('message') for x in s) == ['only in base', 'only in new']"
"$FB" compare "$D/base.json" "$D/new-regressed.json" --format json >"$tmp/r.json" 2>/dev/null
check "json: schema, gate fail, summary and per-cell statistics" jq_py "$tmp/r.json" "
assert d['schema'] == 'foliobench-compare' and d['schema_version'] == 1 and d['mode'] == 'compare'
assert d['gate'] == 'fail' and d['summary']['regressed'] == 1 and d['summary']['cells'] == 4
c = [c for c in d['cells'] if c['verdict'] == 'regressed'][0]
assert c['config']['mode'] == 'batched' and c['config']['folio_size'] == 2097152
assert c['ci_pct'][0] < c['change_pct'] < c['ci_pct'][1] and c['base']['n'] == 5 and c['p'] < 0.05"
"$FB" compare "$D/base.json" "$D/new-regressed.json" --format json >"$tmp/r2.json" 2>/dev/null
check "the same inputs give the same report (fixed bootstrap seed)" cmp -s "$tmp/r.json" "$tmp/r2.json"
"$FB" compare "$D/base.json" "$D/new-regressed.json" --format junit --output "$tmp/out.xml" >"$tmp/o.out" 2>"$tmp/o.err"
rc=$?
check "--output FILE: exit 1, the report in the file, stdout empty, one verdict line on stderr" bash -c \
	"[ $rc -eq 1 ] && [ -s '$tmp/out.xml' ] && [ ! -s '$tmp/o.out' ] && grep -q 'FAIL: 1 of 4 cells regressed' '$tmp/o.err' && [ \$(wc -l <'$tmp/o.err') -eq 1 ]"

# --- bad input: one line naming the file and the problem, exit 2, no output file ---
bad() { NO_OUTPUT=$tmp/bad.out usage_error "$1" compare "${@:2}" --output "$tmp/bad.out"; }
edit "$D/base.json" "$tmp/v3.json" "d['schema_version']=3"
bad "v3.json: schema version 3, this foliobench reads 1 to 2" "$D/base.json" "$tmp/v3.json"
edit "$D/base.json" "$tmp/other.json" "d['schema']='google-benchmark'"
bad "other.json: not a foliobench result" "$tmp/other.json" "$D/base.json"
edit "$D/base.json" "$tmp/far.json" "[c['config'].update(folio_size=65536, function='folio_mc_copy') for c in d['cells']]"
bad "have no cell in common" "$D/base.json" "$tmp/far.json"
edit "$D/base.json" "$tmp/nosamples.json" "d['cells'][2]['samples_ns']=[]"
bad "nosamples.json: cell 2 (folio_copy 6.12 batched 4K x16384 t1 spread 0->0) has no samples" "$D/base.json" "$tmp/nosamples.json"
edit "$D/base.json" "$tmp/nokey.json" "del d['cells'][1]['samples_ns']"
bad "nokey.json: cell 1" "$D/base.json" "$tmp/nokey.json"
head -c 700 "$D/base.json" >"$tmp/trunc.json"
bad "trunc.json: not readable as JSON" "$D/base.json" "$tmp/trunc.json"
py "s=open('$D/base.json').read(); n=len(s)//2; open('$tmp/corrupt.json','w').write(s[:n]+'\x00garbage}}'+s[n:])"
bad "corrupt.json: not readable as JSON" "$tmp/corrupt.json" "$D/base.json"
edit "$D/base.json" "$tmp/negative.json" "d['cells'][0]['samples_ns'][3]=-5"
bad "negative.json: cell 0 (folio_copy 6.12 per-page 4K x16384 t1 spread 0->0): sample 3 is not a positive number" "$D/base.json" "$tmp/negative.json"
edit "$D/base.json" "$tmp/text.json" "d['cells'][0]['samples_ns'][0]='fast'"
bad "text.json: cell 0" "$D/base.json" "$tmp/text.json"
edit "$D/base.json" "$tmp/nobytes.json" "d['cells'][0]['bytes_per_sample']=0"
bad "nobytes.json: cell 0 (folio_copy 6.12 per-page 4K x16384 t1 spread 0->0): bytes_per_sample" "$D/base.json" "$tmp/nobytes.json"
edit "$D/base.json" "$tmp/empty.json" "d['cells']=[]"
bad "empty.json: no cells" "$D/base.json" "$tmp/empty.json"
edit "$D/base.json" "$tmp/dup.json" "d['cells'].append(d['cells'][0])"
bad "dup.json: cells 0 and 4 have the same configuration" "$tmp/dup.json" "$D/base.json"
edit "$D/base.json" "$tmp/noconfig.json" "del d['cells'][1]['config']"
bad "noconfig.json: cell 1 has no valid config" "$tmp/noconfig.json" "$D/base.json"
bad "no-such.json: not readable as JSON (No such file or directory)" "$D/base.json" "$tmp/no-such.json"
mkdir -p "$tmp/emptydir"
bad "emptydir: a directory without run.json" "$D/base.json" "$tmp/emptydir"
bad "give BASE and NEW" "$D/base.json"
printf '{"schema": "foliobench-report", "mode": "ab", "pai' >"$tmp/corrupt-ab.json"
bad "corrupt-ab.json: not readable as JSON" "$tmp/corrupt-ab.json"
bad "got 3 arguments" "$D/base.json" "$D/base.json" "$D/base.json"
bad "--threshold 100" "$D/base.json" "$D/base.json" --threshold 100
bad "--threshold -1" "$D/base.json" "$D/base.json" --threshold -1
bad "--alpha 0" "$D/base.json" "$D/base.json" --alpha 0
bad "--alpha 0.9" "$D/base.json" "$D/base.json" --alpha 0.9
bad "--format xml" "$D/base.json" "$D/base.json" --format xml
bad "--stat fastest" "$D/base.json" "$D/base.json" --stat fastest
bad "--bogus" "$D/base.json" "$D/base.json" --bogus
bad "--format junit: --machines gives no verdicts" --machines "$D/base.json" "$D/base.json" --format junit
bad "two or more" --machines "$D/base.json"
bad "v3.json: schema version 3" --machines "$D/base.json" "$tmp/v3.json"

# --- machines side by side ---
edit "$D/base.json" "$tmp/xeon.json" "
d['machine']['cpu']['name']='Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz'; d['machine']['kernel']['release']='6.1.0-28-amd64'
for c in d['cells']:
    c['config']['cpus']=[7]  # spread picked another CPU there: still the same cell
    if c['config']['mode'] == 'batched': c['config']['primitive']='memcpy_orig'
    c['samples_ns']=[x * 1.5 for x in c['samples_ns']]
d['cells'].pop(0)"
"$FB" compare --machines "$D/base.json" "$tmp/xeon.json" >"$tmp/mach.txt" 2>&1
rc=$?
check "machines: exit 0, no verdict" bash -c "[ $rc -eq 0 ] && ! grep -Eq 'regressed|improved|PASS|FAIL' '$tmp/mach.txt'"
check "machines: columns named by CPU and kernel" bash -c \
	"grep -q '^cell .*| AMD EPYC · kernel .*| Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz · kernel 6.1.0-28-amd64' '$tmp/mach.txt'"
check "machines: a cell one machine lacks shows '-', differing primitives are named" bash -c \
	"grep -Eq '^per-page 4K .*\\| +- \\|\$' '$tmp/mach.txt' && grep -Eq '^batched 2M .*rep_movsb .*memcpy_orig' '$tmp/mach.txt'"
"$FB" compare --machines "$D/base.json" "$tmp/xeon.json" --format markdown >"$tmp/mach.md"
check "machines markdown: a table with a column per machine" bash -c \
	"grep -q '^| cell | AMD EPYC' '$tmp/mach.md' && grep -q '^|---|---:|---:|$' '$tmp/mach.md'"
"$FB" compare --machines "$D/base.json" "$tmp/xeon.json" --format json >"$tmp/mach.json"
check "machines json: two machines, 4 cells, null where a machine lacks one" jq_py "$tmp/mach.json" "
assert d['mode'] == 'machines' and [m['kernel'] for m in d['machines']][1] == '6.1.0-28-amd64'
assert len(d['cells']) == 4 and d['cells'][0]['values'][1] is None
assert d['cells'][3]['values'][1]['primitive'] == 'memcpy_orig'"

# --- copy --inject-slowdown: validated and recorded (no speed asserted) ---
badcopy() { # badcopy NEEDLE ARGS...
	local needle=$1
	shift
	"$FB" copy "$@" >"$tmp/out" 2>"$tmp/err"
	if [ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$needle" "$tmp/err" && [ ! -e "$tmp/results" ]; then
		ok "copy $* -> $(cat "$tmp/err")"
	else
		not_ok "copy $* -> $(cat "$tmp/err")"
	fi
}
badcopy "--inject-slowdown 0" --inject-slowdown 0
badcopy "--inject-slowdown 95" --inject-slowdown 95
badcopy "--inject-slowdown x" --inject-slowdown x
badcopy "--inject-slowdown: allowed with --backend user only" --inject-slowdown 10 --backend kmod
"$FB" copy --folio-sizes 2M --total 8M --reps 3 --mode batched --inject-slowdown 10 --output "$tmp/inj" --quiet 2>/dev/null
check "an injected run records it in options and notes" jq_py "$tmp/inj/run.json" "
assert d['options']['inject_slowdown_pct'] == 10
assert any('injected slowdown of 10%' in n and 'not a measurement' in n for n in d['notes'])"
"$FB" compare "$tmp/inj" "$tmp/inj" >"$tmp/inj.txt" 2>&1
check "compare says when a side has an injected slowdown" grep -q 'injected slowdown of 10%' "$tmp/inj.txt"
finish
