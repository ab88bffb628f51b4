#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The readers (show, compare, report, paths, info --cpuid-dump) on bad and
# big input, issue 11's fuzz cases: special files are refused, never hang
# or read forever; a run directory is a run for every reader; text from
# files reaches no terminal raw; broken CPU dumps get no predictions; the
# readers scale (a size that would take far longer than ctest's timeout if
# any of them were quadratic in cells); one set of --format names.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
D=$tests/data/compare
C=$tests/data/cpuid
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py() { /usr/bin/python3 "$@"; }

# refuses NEEDLE ARGS...: exit 2 within 20 s (a hang is a failure, not a
# wait), one stderr line holding NEEDLE, nothing on stdout.
refuses() {
	local needle=$1 rc
	shift
	timeout 20 "$FB" "$@" >"$tmp/r.out" 2>"$tmp/r.err" </dev/null
	rc=$?
	if [ $rc -ne 2 ]; then
		echo "  exit $rc, wanted 2: $(head -c 300 "$tmp/r.err")"
		return 1
	fi
	[ "$(wc -l <"$tmp/r.err")" -eq 1 ] && grep -qF -- "$needle" "$tmp/r.err" && [ ! -s "$tmp/r.out" ] ||
		{ echo "  $(head -c 300 "$tmp/r.err")"; return 1; }
}

# ---- special files: refused at once ----
mkfifo "$tmp/fifo"
mkfifo "$tmp/fifo.ref"
notreg="not a regular file"
for f in "$tmp/fifo" /dev/zero; do
	check "show $f: refused" refuses "$notreg" show "$f"
	check "compare $f as base: refused" refuses "$notreg" compare "$f" "$D/base.json"
	check "compare $f as new: refused" refuses "$notreg" compare "$D/base.json" "$f"
	check "report $f: refused" refuses "$notreg" report "$f" --reference seed000
	check "paths $f: refused" refuses "$notreg" paths "$f"
	check "info --cpuid-dump $f: refused" refuses "$notreg" info --cpuid-dump "$f"
done
check "report --reference FIFO: refused" refuses "$notreg" report --reference "$tmp/fifo.ref"
check "report --reference /dev/zero: refused" refuses "$notreg" report --reference /dev/zero
check "compare --machines FIFO: refused" refuses "$notreg" compare --machines "$D/base.json" "$tmp/fifo"
mkdir "$tmp/abrun" && mkfifo "$tmp/abrun/ab.json"
check "compare AB-RUN whose ab.json is a FIFO: refused" refuses "$notreg" compare "$tmp/abrun"
# A sparse file of 9 GiB: past the reader's cap, refused without reading it all.
truncate -s 9G "$tmp/huge.json"
check "show a 9 GiB file of zeros: refused" refuses "huge.json" show "$tmp/huge.json"
truncate -s 5M "$tmp/huge.txt"
check "info --cpuid-dump of 5 MiB: refused by the dump cap" refuses "larger than 4 MiB" \
	info --cpuid-dump "$tmp/huge.txt"
check "a directory without run.json: refused" refuses "a directory without run.json" show "$tmp"
check "a directory given as a dump: refused" refuses "cpuid-dump $tmp" info --cpuid-dump "$tmp"

# ---- a run directory is a run, for every reader ----
mkdir "$tmp/base" "$tmp/new"
cp "$D/base.json" "$tmp/base/run.json"
cp "$D/new-regressed.json" "$tmp/new/run.json"
same() { # same ARGS-WITH-FILES ARGS-WITH-DIRS: the same output and status
	local a=$1 b=$2 ra rb
	"$FB" $a >"$tmp/s1" 2>&1; ra=$?
	"$FB" $b >"$tmp/s2" 2>&1; rb=$?
	sed -i "s#$tmp/base/run.json#BASE#g; s#$D/base.json#BASE#g; s#$tmp/new/run.json#NEW#g; s#$D/new-regressed.json#NEW#g; s#$tmp/base#BASE#g" \
		"$tmp/s1" "$tmp/s2"
	[ $ra -eq $rb ] && cmp -s "$tmp/s1" "$tmp/s2" || { echo "  $ra/$rb"; diff "$tmp/s1" "$tmp/s2" | head -5; return 1; }
}
check "show DIR = show DIR/run.json" same "show $D/base.json" "show $tmp/base"
check "paths DIR = paths DIR/run.json" same "paths $D/base.json" "paths $tmp/base"
check "report DIR = report DIR/run.json" same "report $D/base.json --reference seed000" \
	"report $tmp/base --reference seed000"
check "compare DIR DIR = compare files" same "compare $D/base.json $D/new-regressed.json" \
	"compare $tmp/base $tmp/new"

# ---- text from files reaches the terminal neutralized ----
py - "$D/base.json" "$tmp/esc.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["machine"]["cpu"]["name"] = "EPYC\u001b[2J\u001b]0;pwned\u0007\r\nFAKE-LINE cpu"
d["machine"]["kernel"]["release"] = "6.12\u009b31m"
for c in d["cells"]:
    c["kernel_path"] = c["kernel_path"] + "\u001b[31m\nFAKE-LINE path\u202e"
    c["implementation"] = "impl\r\nFAKE-LINE impl"
    c["config"]["placement"] = "spread\u001b[1m"
d["cells"][0]["status"] = "failed"
d["cells"][0]["message"] = "boom\nFAKE-LINE message\u001b[0m"
json.dump(d, open(sys.argv[2], "w"))
EOF
# Invalid UTF-8 too (json.dump cannot write it): a raw 0xff and a cut sequence.
sed -i 's/FAKE-LINE cpu/FAKE-LINE cpu \xff\xe2\x82/' "$tmp/esc.json"
mkdir "$tmp/escdir" && cp "$tmp/esc.json" "$tmp/escdir/run.json"
clean() { # clean FILE: no control byte but newline, no line injected, valid UTF-8
	local f=$1
	! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$f" && ! grep -q "^FAKE-LINE" "$f" &&
		py -c 'import sys; t = open(sys.argv[1], "rb").read().decode("utf-8")
assert "\u009b" not in t and "\u202e" not in t' "$f" ||
		{ echo "  $(LC_ALL=C grep -n $'[\x01-\x09\x0b-\x1f\x7f]\|^FAKE' "$f" | head -3 | cat -v)"; return 1; }
}
for fmt in table markdown csv json series; do
	"$FB" show "$tmp/esc.json" --format $fmt --rows kernel_path >"$tmp/o" 2>&1
	check "show --format $fmt of escapes: neutralized" clean "$tmp/o"
done
"$FB" show "$tmp/esc.json" --format json >"$tmp/o.json" 2>&1
check "show --format json of escapes is JSON" py -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/o.json"
for fmt in table markdown junit json; do
	"$FB" compare "$tmp/esc.json" "$tmp/escdir" --format $fmt >"$tmp/o" 2>&1
	check "compare --format $fmt of escapes: neutralized" clean "$tmp/o"
done
"$FB" compare --machines "$D/base.json" "$tmp/esc.json" >"$tmp/o" 2>&1
check "compare --machines of escapes: neutralized" clean "$tmp/o"
for fmt in table markdown; do
	"$FB" paths "$tmp/esc.json" --format $fmt >"$tmp/o" 2>&1
	check "paths --format $fmt of escapes: neutralized" clean "$tmp/o"
	"$FB" report "$tmp/esc.json" --reference seed000 --format $fmt >"$tmp/o" 2>&1
	check "report --format $fmt of escapes: neutralized" clean "$tmp/o"
done
sed 's/"foliobench-result"/"foliobench\\u001b[2J\\r\\nFAKE-LINE"/' "$D/base.json" >"$tmp/schema.json"
"$FB" show "$tmp/schema.json" >"$tmp/o" 2>&1
has_clean() { grep -q -- "$1" "$2" && clean "$2"; } # has_clean PATTERN FILE
check "an error message quoting a file's text: neutralized" has_clean 'not a foliobench result' "$tmp/o"
# A reference file of escapes (report prints its titles, labels and claims).
sed "s/^title .*/&"$'\x1b[2J\xc2\x9b31m\r'"/; s/^row     DRAM0 -> CXL/&"$'\x1b[5m'"/" \
	"$tests/../runners/reference/seed000.ref" >"$tmp/esc.ref"
"$FB" report --reference "$tmp/esc.ref" >"$tmp/o" 2>&1
check "report of a reference with escapes: read, and neutralized" has_clean 'DRAM0 -> CXL?\[5m' "$tmp/o"

# ---- broken CPU dumps get no predictions ----
Z=$C/zen3-epyc-7713.txt
head -2 "$Z" >"$tmp/two.txt"
check "a dump cut after 2 lines: exit 2 naming the missing leaves" \
	refuses "no leaf 0x00000001, 0x00000007, 0x80000000" info --cpuid-dump "$tmp/two.txt"
head -c 300 "$Z" >"$tmp/cutnum.txt"
check "a dump cut mid-number: exit 2 naming the line" \
	refuses "cutnum.txt:$(($(wc -l <"$tmp/cutnum.txt") + 1)):" info --cpuid-dump "$tmp/cutnum.txt"
sed '/0x00000001 0x00:/d' "$Z" >"$tmp/no1.txt"
check "a dump without leaf 1: exit 2" refuses "no leaf 0x00000001" info --cpuid-dump "$tmp/no1.txt"
sed '/0x00000007 0x00:/d' "$Z" >"$tmp/no7.txt"
check "a dump without leaf 7: exit 2" refuses "no leaf 0x00000007" info --cpuid-dump "$tmp/no7.txt"
sed '/0x00000000 0x00:/d' "$Z" >"$tmp/no0.txt"
check "a dump without leaf 0: exit 2" refuses "no leaf 0x00000000" info --cpuid-dump "$tmp/no0.txt"
sed 's/^\(   0x00000000 0x00: eax=0x00000010\) ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65/\1 ebx=0x9b1b0a0d ecx=0xfffefdfc edx=0x01020304/' \
	"$Z" >"$tmp/vendor.txt"
check "a vendor string of garbage: exit 2" refuses "vendor '" info --cpuid-dump "$tmp/vendor.txt"
check "a vendor string of garbage: the message is clean" clean "$tmp/r.err"
sed 's/^\(   0x80000002 0x00: eax=\)0x[0-9a-f]*/\10x5b1bfffe/' "$Z" >"$tmp/brand.txt"
"$FB" info --cpuid-dump "$tmp/brand.txt" --format json >"$tmp/brand.json" 2>"$tmp/brand.err"
check "a brand string not UTF-8: --format json is valid UTF-8 JSON" \
	py -c 'import json, sys; n = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))["cpu"]["name"]
assert "?" in n and "\x1b" not in n, n' "$tmp/brand.json"
"$FB" info --cpuid-dump "$tmp/brand.txt" >"$tmp/o" 2>&1
check "a brand string not UTF-8: text clean" clean "$tmp/o"
cp "$Z" "$tmp/$(printf 'name\xff\x1b[31m.txt')"
"$FB" info --cpuid-dump "$tmp/$(printf 'name\xff\x1b[31m.txt')" --format json >"$tmp/o.json" 2>&1
check "a dump file name not UTF-8: --format json is valid UTF-8 JSON" \
	py -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$tmp/o.json"
{ cat "$C/arm64-neoverse-n1-cpuinfo.txt"; printf 'flags\t\t: fp asimd erms fsrm\n'; } >"$tmp/armflags.txt"
timeout 20 "$FB" info --cpuid-dump "$tmp/armflags.txt" >"$tmp/o" 2>"$tmp/e"
check "an arm64 /proc/cpuinfo with flags: not x86, exit 4" \
	bash -c "[ $? -eq 4 ] && grep -q 'is not x86' '$tmp/e' && [ ! -s '$tmp/o' ]"
{ cat "$C/arm64-neoverse-n1-cpuinfo.txt"; printf 'vendor_id\t: ARM\ncpu family\t: 8\nmodel\t\t: 1\nflags\t\t: erms fsrm\n'; } \
	>"$tmp/armx86.txt"
timeout 20 "$FB" info --cpuid-dump "$tmp/armx86.txt" >"$tmp/o" 2>"$tmp/e"
check "an arm64 /proc/cpuinfo with x86-looking lines: still not x86, exit 4" \
	bash -c "[ $? -eq 4 ] && grep -q 'is not x86' '$tmp/e'"
sed 's/^model\t\t: 85/model\t\t: 8x/' "$C/cascadelake-xeon-8280-cpuinfo.txt" >"$tmp/model.txt"
check "a /proc/cpuinfo model that is not a number: exit 2" refuses "allowed a decimal number" \
	info --cpuid-dump "$tmp/model.txt"

# ---- one set of --format names ----
check "info --format table (the shared name)" bash -c "'$FB' info --cpuid-dump '$Z' --format table | grep -q '^cpu '"
check "info --format text (the old name, kept)" bash -c "'$FB' info --cpuid-dump '$Z' --format text | grep -q '^cpu '"
check "show --format text = table" bash -c "cmp -s <('$FB' show '$D/base.json' --format text) <('$FB' show '$D/base.json')"
check "compare --format text = table" bash -c "cmp -s <('$FB' compare '$D/base.json' '$D/new-unchanged.json' --format text) \
	<('$FB' compare '$D/base.json' '$D/new-unchanged.json')"
check "info --format csv: refused with its formats" refuses "--format csv: allowed table, json" \
	info --format csv
check "show --format junit: refused with its formats" refuses "allowed table, markdown, csv, json, series" \
	show "$D/base.json" --format junit
check "paths --format series: refused with its formats" refuses "allowed table, markdown" \
	paths "$D/base.json" --format series
check "report --format csv: refused with its formats" refuses "allowed table, markdown, series" \
	report --reference seed000 --format csv

# ---- scale: 20,000 cells (FB_TEST_SCALE_CELLS) ----
# Quadratic readers took 0.84 s at 1,000 cells and over 60 s at 10,000 (paths);
# 20,000 would take many minutes, past ctest's timeout for this test.  Linear
# ones take seconds.  Cells: function x kernel model x mode x 19 folio sizes x
# threads x evict x placement; new is 10% slower in every cell.
# FB_TEST_SCALE_CELLS: fewer under the sanitizers (test_sanitizers), whose
# point there is the code, not the scale.
N=${FB_TEST_SCALE_CELLS:-20000}
py - "$D/base.json" "$N" "$tmp/big-base.json" "$tmp/big-new.json" <<'EOF'
import copy, json, random, statistics, sys
tpl, n, outs = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3:5]
c0 = tpl["cells"][0]
sizes = [4096 << i for i in range(19)]
def configs():
    i = 0
    for ev in ("none", "src", "both", "sweep"):
        for pl in ("spread", "fill"):
            for th in range(1, n):
                for km in ("6.1", "6.12"):
                    for fn in ("folio_copy", "folio_mc_copy"):
                        for fs in sizes:
                            for mode in ("per-page", "batched"):
                                if i == n:
                                    return
                                yield i, dict(function=fn, kernel_model=km, mode=mode, folio_size=fs,
                                              folio_count=(1 << 30) // fs, total_bytes=1 << 30,
                                              threads=th, placement=pl, evict=ev)
                                i += 1
for out, gbps in zip(outs, (10.0, 9.0)):
    rnd = random.Random(1)
    with open(out, "w") as o:
        head = json.dumps({k: v for k, v in tpl.items() if k != "cells"})
        o.write(head[:-1] + ', "cells": [\n')
        for i, cfg in configs():
            c = copy.deepcopy(c0)
            c["id"] = i
            c["config"].update(cfg)
            c["config"]["cpus"] = list(range(cfg["threads"]))[:8]
            g = [gbps * (1.1 if cfg["mode"] == "batched" else 1) * rnd.uniform(.99, 1.01) for _ in range(5)]
            c["samples_ns"] = [c["bytes_per_sample"] / x for x in g]
            c["stats"].update(n=5, mean=statistics.mean(g), sd=statistics.stdev(g))
            o.write(("," if i else "") + json.dumps(c) + "\n")
        o.write("]}\n")
EOF
"$FB" compare "$tmp/big-base.json" "$tmp/big-new.json" >"$tmp/cmp.txt" 2>&1
check "compare of $N cells: every cell matched and regressed (exit 1)" \
	bash -c "[ $? -eq 1 ] && grep -q '^FAIL: $N of $N matched cells regressed' '$tmp/cmp.txt'"
"$FB" paths "$tmp/big-base.json" >"$tmp/paths.txt" 2>&1
check "paths of $N cells: every per-page cell paired" \
	bash -c "[ $? -eq 0 ] && grep -q 'in 0 of $((N / 2)) comparisons' '$tmp/paths.txt'"
"$FB" show "$tmp/big-base.json" >"$tmp/show.txt" 2>&1
check "show of $N cells: every cell in a table" py -c '
import sys
t = open(sys.argv[1]).read()
# rows threads x columns folio size; one table per other axis combination
cells = sum(l.count("±") for l in t.splitlines() if " | " in l)
assert cells == int(sys.argv[2]), cells' "$tmp/show.txt" "$N"
"$FB" show "$tmp/big-base.json" --format series >"$tmp/series.txt" 2>&1
check "show --format series of $N cells: every cell in a block" \
	bash -c "[ \$(grep -c '^[0-9]' '$tmp/series.txt') -eq $N ]"
"$FB" compare --machines "$tmp/big-base.json" "$tmp/big-new.json" --format json >"$tmp/m.json" 2>&1
check "compare --machines of $N cells: one row per configuration" py -c '
import json, sys
d = json.load(open(sys.argv[1])); assert len(d["cells"]) == int(sys.argv[2]), len(d["cells"])' "$tmp/m.json" "$N"
finish
