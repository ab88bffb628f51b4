#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench ab and the CI recipe (runners/ci-gate.sh) end to end.  The A
# and B "binaries" replay recorded runs (tests/data/compare/runs, real runs
# of this CLI) with B's GB/s scaled, so the regressed, unchanged and improved
# outcomes are decided by recorded data, never by this machine's speed.  A
# few real runs check the plumbing (bad copy arguments, two kernel models,
# building two revisions) and accept either verdict.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
D=$(cd "$(dirname "$0")/data/compare" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
py() { /usr/bin/python3 -c "$@"; }
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
well_formed() { py "import xml.dom.minidom as m; m.parse('$1')"; }

# fake NAME SPEED OFFSET: a binary that replays the recordings, GB/s x SPEED.
fake() {
	cat >"$tmp/$1" <<EOF
#!/bin/sh
REPLAY_STATE="$tmp/$1.count" REPLAY_SPEED=$2 REPLAY_OFFSET=$3 exec bash "$D/replay-copy.sh" "\$@"
EOF
	chmod +x "$tmp/$1"
	rm -f "$tmp/$1.count"
}

# --- the CI recipe with two binaries: regressed, unchanged, improved ---
gate() { # gate CASE SPEED_B: runs ci-gate.sh, sets rc
	fake "a-$1" 1 0
	fake "b-$1" "$2" 1
	FOLIOBENCH=$FB "$ROOT/runners/ci-gate.sh" --out "$tmp/$1" --pairs 8 \
		--bin-a "$tmp/a-$1" --bin-b "$tmp/b-$1" -- --folio-sizes 4K,2M >"$tmp/$1.out" 2>"$tmp/$1.err"
	rc=$?
}
gate regressed 0.8
check "ci-gate, B 20% slower: exit 1" [ $rc -eq 1 ]
check "ci-gate, regressed: every cell regressed in report.json" jq_py "$tmp/regressed/report.json" \
	"assert d['gate'] == 'fail' and {c['verdict'] for c in d['cells']} == {'regressed'} and len(d['cells']) == 4"
check "ci-gate, regressed: junit.xml well-formed with 4 failures" bash -c \
	"/usr/bin/python3 -c \"import xml.dom.minidom as m; d = m.parse('$tmp/regressed/junit.xml'); assert len(d.getElementsByTagName('failure')) == 4\""
check "ci-gate, regressed: report.md for the review comment says FAIL" grep -q '^### foliobench ab: FAIL: 4 of 4' "$tmp/regressed/report.md"
check "ci-gate, regressed: the log shows the table" grep -q '^FAIL: 4 of 4 matched cells regressed' "$tmp/regressed.out"
check "ci-gate, regressed: the estimate is about -20%" jq_py "$tmp/regressed/report.json" \
	"assert all(-22 < c['change_pct'] < -18 for c in d['cells']), [c['change_pct'] for c in d['cells']]"

gate unchanged 1
check "ci-gate, B the same (different recorded runs paired): exit 0" [ $rc -eq 0 ]
check "ci-gate, unchanged: every cell unchanged, junit without failures" bash -c \
	"/usr/bin/python3 -c \"import json; d = json.load(open('$tmp/unchanged/report.json')); assert {c['verdict'] for c in d['cells']} == {'unchanged'}, d['cells']\" &&
	 /usr/bin/python3 -c \"import xml.dom.minidom as m; d = m.parse('$tmp/unchanged/junit.xml'); assert not d.getElementsByTagName('failure')\""

gate improved 1.25
check "ci-gate, B 25% faster: exit 0" [ $rc -eq 0 ]
check "ci-gate, improved: every cell improved" jq_py "$tmp/improved/report.json" \
	"assert d['gate'] == 'pass' and {c['verdict'] for c in d['cells']} == {'improved'}"

# --- what ab wrote ---
check "ab.json: 8 pairs, 16 runs, A and B alternate first (A B, B A, ...)" jq_py "$tmp/regressed/ab/ab.json" "
r = d['runs']
assert d['pairs'] == 8 and len(r) == 16 and d['mode'] == 'ab' and d['run_statistic'] == 'best'
assert [x['side'] for x in r[:4]] == ['A', 'B', 'B', 'A'], r[:4]
assert all(len(c['pair_ratios']) == 8 for c in d['cells'])"
check "every run kept: runs/A-01 .. runs/B-08" bash -c \
	"ls '$tmp/regressed/ab/runs' | tr '\\n' ' ' | grep -q '^A-01 A-02 A-03 A-04 A-05 A-06 A-07 A-08 B-01 .* B-08 \$'"
check "the fake binaries were called 8 times each" bash -c \
	"[ \$(cat '$tmp/a-regressed.count') -eq 8 ] && [ \$(cat '$tmp/b-regressed.count') -eq 8 ]"

# compare re-gates a saved ab run: the same verdicts, or others when told.
"$FB" compare "$tmp/regressed/ab" --format json >"$tmp/re.json" 2>/dev/null
rc=$?
check "compare AB-DIR: exit 1, the same verdicts as ab" bash -c \
	"[ $rc -eq 1 ] && /usr/bin/python3 -c \"import json; a=json.load(open('$tmp/re.json')); b=json.load(open('$tmp/regressed/report.json')); assert a['cells'] == b['cells']\""
"$FB" compare "$tmp/regressed/ab/ab.json" --threshold 30 >/dev/null 2>&1
check "compare ab.json --threshold 30: the 20% drop passes, exit 0" [ $? -eq 0 ]
"$FB" compare "$tmp/regressed/ab" --stat mean --format json >"$tmp/mean.json" 2>/dev/null
check "compare AB-DIR --stat mean: gated on the runs' means" jq_py "$tmp/mean.json" \
	"assert d['run_statistic'] == 'mean' and d['gate'] == 'fail'"

# --- a gate that decided nothing: exit 3, not a pass ---
"$FB" compare "$tmp/regressed/ab" --alpha 0.001 --format json >"$tmp/few.json" 2>"$tmp/few.err"
rc=$?
check "compare AB-DIR --alpha 0.001 (8 pairs: p >= 2/256): every cell too few, exit 3" bash -c "[ $rc -eq 3 ] &&
	grep -q 'inconclusive: no cell had enough samples to test' '$tmp/few.err' && /usr/bin/python3 -c \"
import json
d = json.load(open('$tmp/few.json'))
assert d['gate'] == 'inconclusive' and d['summary']['gated'] == 0 and {c['verdict'] for c in d['cells']} == {'too few samples'}
\""
"$FB" compare "$tmp/regressed/ab" --alpha 0.001 --allow-inconclusive >/dev/null 2>&1
check "... --allow-inconclusive: exit 0" [ $? -eq 0 ]
# B 3.5% slower over 6 recorded pairs: every CI reaches past -5%.
fake a-inc 1 0
fake b-inc 0.965 1
"$FB" ab --pairs 6 --bin-a "$tmp/a-inc" --bin-b "$tmp/b-inc" --output "$tmp/inc" --format json \
	-- --folio-sizes 4K,2M >"$tmp/inc.json" 2>"$tmp/inc.err"
rc=$?
check "ab, B 3.5% slower, 6 pairs: every cell inconclusive, exit 3" bash -c "[ $rc -eq 3 ] && /usr/bin/python3 -c \"
import json
d = json.load(open('$tmp/inc.json'))
assert {c['verdict'] for c in d['cells']} == {'inconclusive'} and d['gate'] == 'inconclusive', [c['verdict'] for c in d['cells']]
assert all(c['ci_pct'][0] < -5 < c['change_pct'] for c in d['cells'])
assert -4.5 < d['geomean']['change_pct'] < -2.5 and d['geomean']['cells'] == 4
\" && grep -q 'foliobench ab: inconclusive: ' '$tmp/inc.err' && [ -s '$tmp/inc/ab.json' ]"
fake a-inc 1 0
fake b-inc 0.965 1
FOLIOBENCH=$FB "$ROOT/runners/ci-gate.sh" --out "$tmp/cinc" --pairs 6 --bin-a "$tmp/a-inc" --bin-b "$tmp/b-inc" \
	-- --folio-sizes 4K,2M >"$tmp/cinc.out" 2>&1
rc=$?
check "ci-gate, inconclusive: exit 3, every report written, junit with the gate's error" bash -c "[ $rc -eq 3 ] &&
	[ -s '$tmp/cinc/report.md' ] && [ -s '$tmp/cinc/report.json' ] && grep -q '^INCONCLUSIVE: ' '$tmp/cinc.out' &&
	/usr/bin/python3 -c \"import xml.dom.minidom as m; e = m.parse('$tmp/cinc/junit.xml').getElementsByTagName('error'); assert len(e) == 1 and e[0].parentNode.getAttribute('name') == 'gate'\""
fake a-inc 1 0
fake b-inc 0.965 1
FOLIOBENCH=$FB "$ROOT/runners/ci-gate.sh" --out "$tmp/cinc2" --pairs 6 --allow-inconclusive \
	--bin-a "$tmp/a-inc" --bin-b "$tmp/b-inc" -- --folio-sizes 4K,2M >/dev/null 2>&1
check "ci-gate --allow-inconclusive: exit 0" [ $? -eq 0 ]

# --- bad usage: one line, exit 2, no results left behind ---
bad() { NO_OUTPUT=$tmp/abdir usage_error "$1" ab "${@:2}"; }
fake a-bad 1 0
bad "give the copy arguments after --" --pairs 6
bad "stray" --pairs 6 stray
bad "--pairs 5: at alpha 0.05 at least 6 pairs" --pairs 5 -- --folio-sizes 4K
bad "--pairs 0" --pairs 0 -- --folio-sizes 4K
bad "--bin-a $tmp/none" --bin-a "$tmp/none" -- --folio-sizes 4K
bad "copy argument --output of A" -- --output x
bad "copy argument --format=json of B" -- --folio-sizes 4K -- --format=json
bad "copy argument --quiet of A" -- --quiet
bad "a third --" -- a -- b -- c
bad "--format html" --format html -- --folio-sizes 4K
bad "--alpha 2" --alpha 2 -- --folio-sizes 4K
bad "copy arguments of A: foliobench copy: --folio-sizes 12K" --pairs 6 --output "$tmp/abdir" -- --folio-sizes 12K
bad "copy arguments of B: foliobench copy: unknown option --bogus" --pairs 6 --output "$tmp/abdir" \
	--bin-a "$tmp/a-bad" --bin-b "$tmp/a-bad" -- --folio-sizes 4K -- --bogus
# A side that cannot run here: exit 4, like copy's own skip.
printf '#!/bin/sh\necho "foliobench copy: /dev/foliobench: no such device (load kmod-bench)" >&2\nexit 4\n' >"$tmp/skip"
chmod +x "$tmp/skip"
"$FB" ab --pairs 6 --output "$tmp/abdir" --bin-b "$tmp/skip" -- --folio-sizes 2M --total 8M --reps 2 --mode batched \
	>/dev/null 2>"$tmp/err"
rc=$?
check "a side that cannot run here: exit 4, one line, no results left" bash -c \
	"[ $rc -eq 4 ] && [ \$(wc -l <'$tmp/err') -eq 1 ] && grep -q 'B cannot run on this machine: .*no such device' '$tmp/err' && [ ! -e '$tmp/abdir' ]"
# A run that fails midway: exit 1, and the logs stay to look at.
printf '#!/bin/sh\necho "foliobench copy: cell 0 failed: verify: destination differs" >&2\nexit 1\n' >"$tmp/fail"
chmod +x "$tmp/fail"
"$FB" ab --pairs 6 --output "$tmp/abfail" --bin-a "$tmp/a-bad" --bin-b "$tmp/fail" -- --folio-sizes 4K >/dev/null 2>"$tmp/err"
rc=$?
check "a failing run: exit 1 naming the run and its message, log kept" bash -c \
	"[ $rc -eq 1 ] && grep -q 'run runs/B-01 failed (exit 1): .*destination differs' '$tmp/err' && [ -s '$tmp/abfail/runs/B-01.log' ]"

# --- real runs: two kernel models as A and B (plumbing only, either verdict) ---
"$FB" ab --pairs 6 --output "$tmp/km" --format json -- --folio-sizes 2M --total 8M --reps 3 --mode batched \
	--kernel-model 6.1 -- --folio-sizes 2M --total 8M --reps 3 --mode batched --kernel-model 6.12 \
	>"$tmp/km.json" 2>"$tmp/km.err"
rc=$?
check "real A/B of kernel models 6.1 vs 6.12: exit 0, 1 or 3 (inconclusive)" [ $rc -le 1 -o $rc -eq 3 ]
check "the sides' difference is named and left out of the matching" jq_py "$tmp/km.json" "
assert 'kernel_model: 6.1 vs 6.12' in d['sides_differ_in'], d.get('sides_differ_in')
assert len(d['cells']) == 1 and d['cells'][0]['verdict'] in ('unchanged', 'regressed', 'improved', 'inconclusive')
assert len(d['cells'][0]['pair_ratios']) == 6"
check "each run validates against the result schema" \
	bash -c "/usr/bin/python3 '$ROOT/tests/validate_result.py' '$tmp/km/runs/A-01' '$tmp/km/runs/B-06' >/dev/null"

# --- ci-gate.sh from revisions: builds one revision once when base = head ---
if git -C "$ROOT" rev-parse --verify --quiet HEAD >/dev/null 2>&1; then
	FOLIOBENCH=$FB "$ROOT/runners/ci-gate.sh" --out "$tmp/revs" --pairs 6 HEAD HEAD -- \
		--folio-sizes 2M --total 8M --reps 3 --mode batched >"$tmp/revs.out" 2>"$tmp/revs.err"
	rc=$?
	check "ci-gate HEAD HEAD: builds, runs, exits 0, 1 or 3 ($(tail -1 "$tmp/revs.err"))" [ $rc -le 1 -o $rc -eq 3 ]
	check "ci-gate HEAD HEAD: one build, reports written" bash -c \
		"[ \$(ls -d '$tmp'/revs/build/*/build | wc -l) -eq 1 ] && [ -s '$tmp/revs/report.md' ] && [ -s '$tmp/revs/report.json' ]"
	check "ci-gate HEAD HEAD: junit.xml well-formed" well_formed "$tmp/revs/junit.xml"
else
	skip "ci-gate from revisions" "not a git checkout"
fi
"$ROOT/runners/ci-gate.sh" --out "$tmp/u1" HEAD >/dev/null 2>"$tmp/err"
rc=$?
check "ci-gate with one revision: exit 2, usage on one line" bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$tmp/err') -eq 1 ]"
if git -C "$ROOT" rev-parse --verify --quiet HEAD >/dev/null 2>&1; then
	"$ROOT/runners/ci-gate.sh" --out "$tmp/u2" no-such-rev-xyz HEAD >/dev/null 2>"$tmp/err"
	rc=$?
	check "ci-gate with an unknown revision: exit 2 naming it" bash -c "[ $rc -eq 2 ] && grep -q 'no-such-rev-xyz' '$tmp/err'"
fi
finish
