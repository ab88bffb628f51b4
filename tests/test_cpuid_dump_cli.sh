#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# foliobench info --cpuid-dump: the kernel copy paths of other CPUs (Zen 3,
# Zen 3 in a VM without ERMS/FSRM, Zen 5, Cascade Lake, Sapphire Rapids)
# from their dumps in tests/data/cpuid, the /proc/cpuinfo fallback, every
# malformed input, and this machine.
set -u
FB=$1
. "$(dirname "$0")/lib.sh"
tests=$(cd "$(dirname "$0")" && pwd)
data=$tests/data/cpuid
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py() { /usr/bin/python3 "$@"; }

check "the dumps match the feature lists they were built from" \
	py "$data/make_dumps.py" --check

# What each CPU's kernel selects: routine impl for 6.1 and 6.12, from the
# rules of arch/x86/lib/*.S and arch/x86/kernel/cpu/*.c (see bench/machine/kpath.c).
# fields: memcpy copy_page copy_mc_to_kernel memcpy_flushcache clflush_cache_range
expect() { # expect DUMP KERNEL "memcpy|copy_page|copy_mc|flushcache|clflush"
	local dump=$1 km=$2 want=$3
	"$FB" info --cpuid-dump "$data/$dump" --format json >"$tmp/j" 2>"$tmp/e" || return 1
	py -c '
import json, sys
d = json.load(open(sys.argv[1]))["kernel_paths"][sys.argv[2]]
got = "|".join(d[r]["impl"] for r in ("memcpy", "copy_page", "copy_mc_to_kernel",
                                      "memcpy_flushcache", "clflush_cache_range"))
if got != sys.argv[3]:
    sys.exit("got " + got)' "$tmp/j" "$km" "$want"
}

rsb="rep movsb"; rsq="rep movsq"; orig="memcpy_orig"; efs="copy_mc_enhanced_fast_string"
check "Zen 3 (EPYC 7713) 6.1: rep movsb (ERMS), rep movsq, copy_mc rep movsb" \
	expect zen3-epyc-7713.txt 6.1 "$rsb|$rsq|$efs|movnti loop|clflushopt"
check "Zen 3 (EPYC 7713) 6.12: rep movsb (FSRM), rep movsq" \
	expect zen3-epyc-7713.txt 6.12 "$rsb|$rsq|$efs|movnti loop|clflushopt"
check "Zen 3 VM without ERMS/FSRM 6.1: memcpy rep movsq (REP_GOOD), copy_mc via memcpy" \
	expect zen3-epyc-7713-vm-noerms.txt 6.1 "$rsq|$rsq|$rsq|movnti loop|clflushopt"
check "Zen 3 VM without ERMS/FSRM 6.12: memcpy_orig batched vs rep movsq per page (seed 000)" \
	expect zen3-epyc-7713-vm-noerms.txt 6.12 "$orig|$rsq|$orig|movnti loop|clflushopt"
check "Zen 5 (EPYC 9655) 6.1" expect zen5-epyc-9655.txt 6.1 "$rsb|$rsq|$efs|movnti loop|clflushopt"
check "Zen 5 (EPYC 9655) 6.12" expect zen5-epyc-9655.txt 6.12 "$rsb|$rsq|$efs|movnti loop|clflushopt"
check "Cascade Lake 6.1: rep movsb (ERMS); Purley RAS quirk guessed: copy_mc_fragile" \
	expect cascadelake-xeon-8280.txt 6.1 "$rsb|$rsq|copy_mc_fragile|movnti loop|clflushopt"
check "Cascade Lake 6.12: memcpy_orig (no FSRM) vs copy_page rep movsq" \
	expect cascadelake-xeon-8280.txt 6.12 "$orig|$rsq|copy_mc_fragile|movnti loop|clflushopt"
check "Sapphire Rapids 6.1" expect sapphirerapids-xeon-8480.txt 6.1 "$rsb|$rsq|$efs|movnti loop|clflushopt"
check "Sapphire Rapids 6.12" expect sapphirerapids-xeon-8480.txt 6.12 "$rsb|$rsq|$efs|movnti loop|clflushopt"
check "the /proc/cpuinfo fallback gives the Cascade Lake the same paths" \
	expect cascadelake-xeon-8280-cpuinfo.txt 6.12 "$orig|$rsq|copy_mc_fragile|movnti loop|clflushopt"

"$FB" info --cpuid-dump "$data/cascadelake-xeon-8280.txt" >"$tmp/cl.txt" 2>"$tmp/cl.err"
check "text: Cascade Lake names its CPU" grep -q "Platinum 8280.*GenuineIntel family 0x6 model 0x55" "$tmp/cl.txt"
check "text: 6.12 batched folio_copy is memcpy_orig (no FSRM), per-page rep movsq (REP_GOOD)" \
	bash -c "grep -A1 '^  6.12  per-page folio_copy  copy_page          rep movsq (REP_GOOD)' '$tmp/cl.txt' |
		grep -q 'batched folio_copy   memcpy             memcpy_orig (no FSRM)'"
check "text: the seed-000 pattern is flagged on Cascade Lake 6.12" grep -q "seed 000's" "$tmp/cl.txt"
check "text: each routine says why with its source file" \
	grep -q "no FSRM -> memcpy_orig.*arch/x86/lib/memcpy_64.S" "$tmp/cl.txt"
check "text: the RAS-quirk guess is said" grep -q "guess: Skylake-SP/Cascade Lake" "$tmp/cl.txt"
"$FB" info --cpuid-dump "$data/zen3-epyc-7713-vm-noerms.txt" >"$tmp/vm.txt"
check "text: a VM dump names its hypervisor" grep -q "^hypervisor KVMKVMKVM" "$tmp/vm.txt"
"$FB" info --cpuid-dump "$data/zen5-epyc-9655.txt" >"$tmp/z5.txt"
check "text: Zen 5 has no seed-000 pattern" \
	grep -q "both run string copies here on 6.1 and 6.12+" "$tmp/z5.txt"
check "text: Zen 5 flags show MOVDIR64B and AVX-512F" grep -q "+avx512f +clflush +clflushopt +clwb +movdir64b" "$tmp/z5.txt"
"$FB" info --cpuid-dump - <"$data/sapphirerapids-xeon-8480.txt" >"$tmp/stdin.txt"
check "'-' reads the dump from standard input" grep -q "Platinum 8480+" "$tmp/stdin.txt"

# Errors: one line on stderr naming the file (and line), nothing on stdout.
fails() { # fails STATUS FILE PATTERN
	local want=$1 file=$2 pat=$3
	"$FB" info --cpuid-dump "$file" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ $rc -eq "$want" ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -q -- "$pat" "$tmp/err" || { echo "  rc=$rc: $(cat "$tmp/err")"; return 1; }
}
check "an arm64 /proc/cpuinfo: the x86 rules do not apply, exit 4" \
	fails 4 "$data/arm64-neoverse-n1-cpuinfo.txt" "arm64-neoverse-n1-cpuinfo.txt: CPU .* is not x86"
check "a missing file: exit 2 naming it" fails 2 "$tmp/nope.txt" "$tmp/nope.txt: cannot read"
sed '5s/ edx=0x[0-9a-f]*//' "$data/zen3-epyc-7713.txt" >"$tmp/trunc.txt"
check "a leaf line without edx: exit 2 naming file and line 5" fails 2 "$tmp/trunc.txt" "trunc.txt:5:"
head -c 700 "$data/zen3-epyc-7713.txt" >"$tmp/cut.txt"
check "a dump cut mid-line: exit 2 naming its last line" fails 2 "$tmp/cut.txt" "cut.txt:10:"
printf 'this is not a dump\n' >"$tmp/prose.txt"
check "prose: exit 2 naming line 1" fails 2 "$tmp/prose.txt" "prose.txt:1: 'this is not a dump'"
: >"$tmp/empty.txt"
check "an empty file: exit 2" fails 2 "$tmp/empty.txt" "empty.txt: empty"
grep -v "0x00000000 0x00" "$data/zen3-epyc-7713.txt" >"$tmp/noleaf0.txt"
check "no leaf 0: exit 2" fails 2 "$tmp/noleaf0.txt" "noleaf0.txt: the first CPU has no leaf 0x00000000"
grep "^flags" "$data/cascadelake-xeon-8280-cpuinfo.txt" >"$tmp/flags.txt"
check "a lone /proc/cpuinfo flags line: exit 2 asking for vendor, family, model" \
	fails 2 "$tmp/flags.txt" "flags.txt:1: a flags line without vendor_id"
head -c 300 /bin/sh >"$tmp/bin.txt"
check "binary data: exit 2" fails 2 "$tmp/bin.txt" "bin.txt"
"$FB" info --cpuid-dump >/dev/null 2>"$tmp/err"
check "--cpuid-dump without a value: exit 2" [ $? -eq 2 ]

# A /proc/cpuinfo of a Cascade Lake whose BIOS turned fast strings off (no
# rep_good): intel.c clears REP_GOOD and ERMS.
sed 's/ rep_good//' "$data/cascadelake-xeon-8280-cpuinfo.txt" >"$tmp/nofast.txt"
check "cpuinfo without rep_good: copy_page_regs and 6.1 memcpy_orig" bash -c "
	'$FB' info --cpuid-dump '$tmp/nofast.txt' --format json | /usr/bin/python3 -c '
import json, sys
k = json.load(sys.stdin)[\"kernel_paths\"]
assert k[\"6.1\"][\"copy_page\"][\"impl\"] == \"copy_page_regs\", k[\"6.1\"][\"copy_page\"]
assert k[\"6.1\"][\"memcpy\"][\"impl\"] == \"memcpy_orig\", k[\"6.1\"][\"memcpy\"]'"
check "cpuinfo without rep_good: REP_GOOD clear, in JSON and in the text header" bash -c "
	'$FB' info --cpuid-dump '$tmp/nofast.txt' --format json | /usr/bin/python3 -c '
import json, sys
k = json.load(sys.stdin)[\"kernel_paths\"]
assert not k[\"6.1\"][\"rep_good\"] and not k[\"6.12\"][\"rep_good\"], k' &&
	'$FB' info --cpuid-dump '$tmp/nofast.txt' | grep -q '^kernel 6.12 copy paths on that CPU (REP_GOOD clear: '"

# Indented lines (as pasted into a mail) read the same as the original.
sed 's/^/   /' "$data/cascadelake-xeon-8280-cpuinfo.txt" >"$tmp/indented.txt"
check "an indented /proc/cpuinfo gives the same CPU and paths" bash -c "
	'$FB' info --cpuid-dump '$tmp/indented.txt' --format json >'$tmp/ind.json' &&
	'$FB' info --cpuid-dump '$data/cascadelake-xeon-8280-cpuinfo.txt' --format json >'$tmp/orig.json' &&
	/usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a[\"kernel_paths\"] == b[\"kernel_paths\"] and a[\"cpu\"] == b[\"cpu\"], (a[\"cpu\"], b[\"cpu\"])' '$tmp/ind.json' '$tmp/orig.json'"

# This machine: what batched folio_copy on 6.12+ and per-page copy_page run.
"$FB" info >"$tmp/me.txt" 2>/dev/null
check "info here names per-page copy_page and batched memcpy for 6.12" bash -c "
	grep -q '^  6.12  per-page folio_copy  copy_page ' '$tmp/me.txt' &&
	grep -q '^        batched folio_copy   memcpy ' '$tmp/me.txt'"
"$FB" info --format json >"$tmp/me.json" 2>/dev/null
check "info here agrees with its own JSON" py -c '
import json, re, sys
k = json.load(open(sys.argv[1]))["kernel_paths"]
t = open(sys.argv[2]).read()
b = k["6.12"]["memcpy"]["impl"]; p = k["6.12"]["copy_page"]["impl"]
assert re.search(r"6\.12  per-page folio_copy  copy_page +" + re.escape(p) + " ", t), p
assert re.search(r"batched folio_copy   memcpy +" + re.escape(b) + " ", t), b' "$tmp/me.json" "$tmp/me.txt"
if command -v cpuid >/dev/null; then
	cpuid -r >"$tmp/here.txt"
	check "cpuid -r of this machine selects what info selects here" py -c '
import json, subprocess, sys
fb, dump = sys.argv[1:3]
a = json.loads(subprocess.check_output([fb, "info", "--format", "json"], stderr=subprocess.DEVNULL))
b = json.loads(subprocess.check_output([fb, "info", "--cpuid-dump", dump, "--format", "json"]))
assert a["cpu"]["flags"] == b["cpu"]["flags"], (a["cpu"]["flags"], b["cpu"]["flags"])
for km in ("6.1", "6.12"):
    for r in ("memcpy", "copy_page", "memcpy_flushcache", "clflush_cache_range"):
        assert a["kernel_paths"][km][r]["impl"] == b["kernel_paths"][km][r]["impl"], (km, r)' \
		"$FB" "$tmp/here.txt"
else
	skip "cpuid -r of this machine selects what info selects here" "cpuid is not installed"
fi
finish
