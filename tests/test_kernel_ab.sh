#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The baseline-vs-patched kernel A/B of the README: two kmod runs of
# --mode kernel, one per kernel, then compare. Made from the recorded
# tests/data/compare/base.json (no kernel or module needed): the report names
# both kernels, notes that one kernel copies per page and the other batched,
# and flags rows whose sd is 5% of the mean or more (the seed authors'
# parser's rule). No speed is asserted: the edited samples decide. And
# --mode kernel's usage errors (kmod only, whole folios, no list copy).
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
D=$(cd "$(dirname "$0")/data/compare" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export FOLIOBENCH_RESULTS=$tmp/results
jq_py() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }
# kernel_run DST RELEASE HOW SCALE SPREAD: base.json as a kmod run on kernel
# RELEASE, its per-page cells in --mode kernel with a folio_copy() that copies
# HOW (its batched cells stay the module's RFC helper); samples x SCALE, the
# last cell's samples spread by +-SPREAD (a fraction).
kernel_run() {
	/usr/bin/python3 - "$D/base.json" "$@" <<'EOF'
import json, sys
src, dst, rel, how, scale, spread = sys.argv[1:7]
d = json.load(open(src))
d['machine']['kernel']['release'] = rel
for i, c in enumerate(d['cells']):
    c['config']['backend'] = 'kmod'
    c['config'].pop('primitive', None)
    if c['config']['mode'] == 'per-page':
        c['config']['mode'] = 'kernel'
        c['implementation'] = 'kernel %s: kernel %s(), %s by this kernel' % (
            c['config']['function'], c['config']['function'], how)
    else:
        c['implementation'] = 'module code copy_highpages: RFC copy_highpages() (module)'

    s = [x * float(scale) for x in c['samples_ns']]
    if i == len(d['cells']) - 1:
        m = sum(s) / len(s)
        s = [m * (1 + float(spread) * (1 if j % 2 else -1)) for j in range(len(s))]
    c['samples_ns'] = s
json.dump(d, open(dst, 'w'))
EOF
}

kernel_run "$tmp/baseline.json" 6.12.117-baseline "per page" 1 0
kernel_run "$tmp/patched.json" 6.12.117-rfc "batched" 0.5 0.2
"$FB" compare "$tmp/baseline.json" "$tmp/patched.json" >"$tmp/ab.txt" 2>"$tmp/ab.err"
check "baseline vs patched (2x faster): exit 0" [ $? -eq 0 ]
check "the report names both kernels" \
	bash -c "grep -q 'kernel 6.12.117-baseline' '$tmp/ab.txt' && grep -q 'kernel 6.12.117-rfc' '$tmp/ab.txt'"
check "the report calls it a kernel A/B on one CPU" \
	grep -q 'same CPU under different kernels (6.12.117-baseline, 6.12.117-rfc): a kernel A/B' "$tmp/ab.txt"
check "each kernel-mode row says the base kernel copies per page, the new one batched" \
	bash -c "[ \$(grep -c 'kernel .*base kernel copies per page, new kernel batched' '$tmp/ab.txt') -eq 2 ]"
"$FB" compare "$tmp/baseline.json" "$tmp/patched.json" --format json >"$tmp/ab.json" 2>/dev/null
check "JSON: the noisy row (sd 20% of the mean) is flagged, the others are not" jq_py "$tmp/ab.json" \
	"n = ['noisy' in c.get('note', '') for c in d['cells']]; assert n == [False, False, False, True], n"
check "JSON: the noisy note gives both sides' sd as % of the mean" jq_py "$tmp/ab.json" \
	"assert 'noisy: sd 0.' in d['cells'][3]['note'] and '/ 2' in d['cells'][3]['note'], d['cells'][3]['note']"
kernel_run "$tmp/patched2.json" 6.12.117-rfc "per page" 1 0
"$FB" compare "$tmp/baseline.json" "$tmp/patched2.json" --format json >"$tmp/same.json" 2>/dev/null
check "the same implementation on both sides adds no note" jq_py "$tmp/same.json" \
	"assert not any('kernel copies' in c.get('note', '') for c in d['cells'])"

usage_error "--backend kmod" copy --mode kernel --folio-count 4 --folio-sizes 64K
usage_error "folios_mc_copy" copy --backend kmod --function folios_mc_copy --mode kernel \
	--folio-count 4 --folio-sizes 64K
usage_error "--split chunk" copy --backend kmod --mode kernel --split chunk --folio-count 4 \
	--folio-sizes 64K
usage_error "per-page, batched, kernel" copy --mode bogus
finish
