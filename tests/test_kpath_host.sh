#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# test_kpath_host.sh FOLIOBENCH_BIN BUILD_DIR   (ctest entry)
#
# bench/machine/kpath.c's prediction against this machine's own running kernel,
# whose feature bits /proc/cpuinfo shows (boot_cpu_has: fsrm, erms,
# rep_good). This is where the FSRM-on path is held against a real kernel:
# QEMU 7.2's TCG cannot give a guest FSRM (tests/test_kpath_vm.sh covers
# the rest). The CPUID comes from a dump (fb_abi_test --cpuid-dump, the
# `cpuid -r` format) read back by `foliobench info --cpuid-dump FILE
# --check-kernel`, and from this CPU directly. A dump of another CPU whose
# FSRM differs must be flagged as a disagreement (the check can fail).
# Exit: 0 passed, 1 failed, 4 not x86 or no modelled kernel line.
set -euo pipefail
export LC_ALL=C

prog=test_kpath_host
[[ $# -eq 2 ]] || { echo "usage: $0 FOLIOBENCH_BIN BUILD_DIR" >&2; exit 2; }
fb=$1
abi=$2/fb_abi_test
here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
[[ -x $fb ]] || { echo "$prog: error: $fb not executable" >&2; exit 1; }
[[ -x $abi ]] || { echo "$prog: error: $abi not built (it dumps this CPU's CPUID)" >&2; exit 1; }
[[ $(uname -m) == x86_64 ]] || { . "$here/tap.sh"; skip_all "$prog: host is $(uname -m); the x86 rules do not apply"; }
grep -q '^flags' /proc/cpuinfo || { . "$here/tap.sh"; skip_all "$prog: /proc/cpuinfo has no flags line"; }

. "$here/tap.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fb-kpath-host.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

rel=$(uname -r)
cpu_fsrm=0
grep -m1 '^flags' /proc/cpuinfo | grep -qw fsrm && cpu_fsrm=1

"$abi" --cpuid-dump >"$tmp/dump.txt"
if grep -q '^   0x00000007 0x00:' "$tmp/dump.txt"; then
	ok "CPUID dump of this CPU ($(grep -c '^   0x' "$tmp/dump.txt") leaves)"
else
	notok "CPUID dump of this CPU lacks leaf 7"
fi

for how in dump live; do
	out=$tmp/out-$how.txt
	args=(--check-kernel)
	[[ $how == dump ]] && args+=(--cpuid-dump "$tmp/dump.txt")
	set +e
	"$fb" info "${args[@]}" >"$out" 2>&1
	rc=$?
	set -e
	sed -n '/^running kernel/,/the prediction/p' "$out" | sed 's/^/# /'
	if ((rc == 0)); then
		ok "kernel $rel: what it selected agrees with the prediction from the $how CPUID"
	else
		notok "kernel $rel: foliobench info ${args[*]} exit $rc (! marks a disagreement)"
	fi
	if [[ $(grep -cE '^    (FSRM|ERMS|REP_GOOD) ' "$out") == 3 ]]; then
		ok "$how: FSRM, ERMS and REP_GOOD all told by the kernel and agreeing"
	else
		notok "$how: FSRM, ERMS and REP_GOOD not all told and agreeing"
	fi
done

# The FSRM-on path: the kernel set FSRM as predicted, and on 6.12+ the rules
# then take rep movsb for memcpy (the alternative in memcpy_64.S keys on
# exactly that bit).
out=$tmp/out-dump.txt
if ((!cpu_fsrm)); then
	ok "FSRM-on path # SKIP this CPU has no FSRM"
elif ! grep -q '(rules of 6.12)' "$out"; then
	ok "FSRM-on path # SKIP kernel $rel is not 6.12 or later"
elif grep -qE '^    FSRM +set +set ' "$out" && grep -qE '^  [ ?] memcpy +rep movsb ' "$out"; then
	ok "FSRM-on path: kernel $rel sets FSRM, so memcpy is rep movsb (predicted from the dump)"
else
	notok "FSRM-on path: FSRM set/set and memcpy rep movsb expected"
fi

# The check can fail: a CPU whose FSRM differs from this one's is flagged.
other=$here/data/cpuid/cascadelake-xeon-8280.txt     # ERMS, no FSRM
((cpu_fsrm)) || other=$here/data/cpuid/zen5-epyc-9655.txt
set +e
"$fb" info --cpuid-dump "$other" --check-kernel >"$tmp/out-other.txt" 2>&1
rc=$?
set -e
if ((rc == 1)) && grep -qE '^  ! FSRM ' "$tmp/out-other.txt"; then
	ok "a dump of $(basename "$other") disagrees with this kernel on FSRM (exit 1, flagged !)"
else
	notok "a dump of $(basename "$other"): exit $rc, FSRM not flagged"
	sed 's/^/# /' "$tmp/out-other.txt" | tail -n 12
fi

finish
