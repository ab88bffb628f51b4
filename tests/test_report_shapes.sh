#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench report's shape verdicts on a recorded run (tests/data/report:
# seed 001 tables 3a/3b, runners/seed001-3-placement.sh --tiny on a VM with
# one LLC domain and one NUMA node): spread vs fill is "cannot tell" with
# the reason taken from the run's machine block; with two LLC domains the
# claims are "cannot tell" as the copy phase of the seed's migration, and
# judged by the numbers against the same tables as copy figures; a rise
# along threads from a run of one thread count is "cannot tell" with its
# reason.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run=$tests/data/report/placement-1llc/run.json
spread='^shape: spread beats fill \(same thread count\): '

check "the recorded run matches the schema" bash -c "/usr/bin/python3 '$tests/validate_result.py' '${run%/run.json}' >/dev/null"
"$FB" report "$run" --reference seed001 --table 3a,3b >"$tmp/one" 2>&1
rc=$?
check "report of the recorded run exits 0 (got $rc)" [ $rc -eq 0 ]
check "its machine has one LLC domain" grep -q '1 LLC domain(s)' "$tmp/one"
check "spread vs fill on one LLC domain: cannot tell, with the reason" \
	grep -qE "$spread.*; ours no \\(holds in 0 of 2, reversed in 2.* -> cannot tell \\(one LLC domain: this run's machine has 1 LLC domain" "$tmp/one"
check "a copy run beside the seed's migration figures: the rise cannot tell, as the copy phase" \
	grep -qE "^shape: throughput rises with threads when they are spread: .* -> cannot tell \\(copy phase: the seed's figures are page migration" "$tmp/one"
"$FB" report "$run" --reference seed001 --table 3a,3b --format markdown >"$tmp/one.md" 2>&1
check "markdown: **cannot tell** (one LLC domain: ...)" \
	grep -qE "^- shape: spread beats fill .*: \\*\\*cannot tell\\*\\* \\(one LLC domain: " "$tmp/one.md"

# The same cells on a machine block with two LLC domains: the numbers decide.
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
l = d["machine"]["llc_domains"][0]
d["machine"]["llc_domains"] = [dict(l, index=0, cpus=l["cpus"][:1]), dict(l, index=1, cpus=l["cpus"][1:])]
json.dump(d, open(sys.argv[2], "w"))' "$run" "$tmp/two.json"
"$FB" report "$tmp/two.json" --reference seed001 --table 3a,3b >"$tmp/two" 2>&1
check "two LLC domains: spread vs fill cannot tell, as the copy phase of the seed's migration" \
	grep -qE "$spread.* -> cannot tell \\(copy phase: " "$tmp/two"
# The seed's tables as copy figures (no 'measures migration'): the numbers decide.
grep -v '^measures migration' "$tests/../runners/reference/seed001.ref" >"$tmp/copy.ref"
"$FB" report "$tmp/two.json" --reference "$tmp/copy.ref" --table 3a,3b >"$tmp/two-copy" 2>&1
check "two LLC domains, copy figures: reversed in both rows differs from the seed" \
	grep -qE "$spread.*; ours no \\(holds in 0 of 2, reversed in 2.* -> differs$" "$tmp/two-copy"
check "two LLC domains, copy figures: the rise with threads (1 of 1) agrees (one NUMA node is no reason for it)" \
	grep -qE '^shape: throughput rises with threads when they are spread: .* -> agrees$' "$tmp/two-copy"

"$FB" report "$run" --reference seed001 --table 3a --where threads=1 >"$tmp/t1" 2>&1
check "a run of one thread count: the rise with threads cannot tell, and says so" \
	grep -qE '^shape: throughput rises with threads when they are spread: .* -> cannot tell \(one value of threads: this run has threads 1 only\)$' "$tmp/t1"
finish
